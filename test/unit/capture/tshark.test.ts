// tshark as an independent decoder of what the codecs build and the writer writes: an ICMP echo
// built like Junos ping, ESP packets that real strongSwan peers produced (re-framed here in
// IPv4/UDP 4500), IKE_AUTH messages (re-framed), a NAT-keepalive and IPv6 packets, all in one
// pcap written by PcapWriter. tshark must see valid checksums, decrypt every ESP packet with
// the SA lines of wireshark-keys.ts and find the ICVs good, and decrypt the IKE messages.
//
// tshark is required: CI installs it through .ci/run. Without it these tests fail and say how
// to install it.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PcapWriter, ipPacketOf, readPcap } from '../../../dataplane/capture/pcap.js';
import { espSaLine, ikev2DecryptionLine, tsharkKeyArgs } from '../../../dataplane/capture/wireshark-keys.js';
import { ipv4FromText, ipv6FromText } from '../../../dataplane/packet/address.js';
import {
  buildEspInUdpIpv4Packet,
  buildIkeNatTIpv4Packet,
  buildNatKeepaliveIpv4Packet,
  classifyNatTPayload,
} from '../../../dataplane/packet/esp-in-udp.js';
import { buildIcmpEchoIpv4Packet } from '../../../dataplane/packet/icmp.js';
import { buildIcmpv6EchoIpv6Packet } from '../../../dataplane/packet/icmpv6.js';
import { parseIpv4 } from '../../../dataplane/packet/ipv4.js';
import { buildJunosPingIpv4Packet, junosPingPayload } from '../../../dataplane/packet/ping.js';
import { buildIpv6UdpPacket, parseUdp } from '../../../dataplane/packet/udp.js';
import { captureFile, hex, loadEspVectors, type EspVector } from '../packet/helpers.js';
import { espSasOf } from './esp-sas.js';

const INSTALL_HINT =
  'tshark is not installed, and this test needs it as an independent decoder. Install it with:\n' +
  "  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections\n" +
  '  apt-get update && apt-get install -y --no-install-recommends tshark\n' +
  '(.ci/run does this on CI machines.)';

function tsharkVersion(): string | undefined {
  try {
    return execFileSync('tshark', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    return undefined;
  }
}

function addr4(t: string): Uint8Array {
  const r = ipv4FromText(t);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
function addr6(t: string): Uint8Array {
  const r = ipv6FromText(t);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const T0 = Date.UTC(2026, 0, 1); // the --batch device clock's start
const dir = mkdtempSync(join(tmpdir(), 'srx5k-tshark-'));
const pcapPath = join(dir, 'mixed.pcap');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What each frame is, in writing order (frame number = index + 1). */
type Frame =
  | { kind: 'ping-request' | 'ping-reply' }
  | { kind: 'esp'; capture: string; vector: EspVector }
  | { kind: 'ike' | 'keepalive' | 'icmpv6' | 'udp6' };
const frames: Frame[] = [];

/** IKE messages of the strongSwan GCM capture (frames 3 and 4: IKE_AUTH on 4500), found with the reader. */
function capturedIkeAuth(): Array<{ src: Uint8Array; dst: Uint8Array; ike: Uint8Array }> {
  const f = readPcap(new Uint8Array(readFileSync(captureFile('strongswan-v2-gcm', 'capture.pcap'))));
  if (!f.ok) throw new Error(f.error.message);
  return [3, 4].map((n) => {
    const ip = ipPacketOf(f.value.linktype, f.value.packets[n - 1]!.data);
    if (!ip.ok) throw new Error(ip.error.message);
    const v4 = parseIpv4(ip.value.packet);
    if (!v4.ok) throw new Error(v4.error.message);
    const udp = parseUdp(v4.value.payload);
    if (!udp.ok) throw new Error(udp.error.message);
    const c = classifyNatTPayload(udp.value.payload);
    if (c.kind !== 'ike') throw new Error(`frame ${n} is ${c.kind}`);
    return { src: v4.value.header.source, dst: v4.value.header.destination, ike: c.message };
  });
}

function writeCapture(): void {
  const w = new PcapWriter(pcapPath);
  let t = T0;
  const add = (frame: Frame, packet: Uint8Array) => {
    frames.push(frame);
    t += 250.5;
    w.write(t, packet);
  };
  // 1-2: ping 10.0.0.2 source 10.0.0.1 (first packet) and its reply.
  const ping = { source: addr4('10.0.0.1'), destination: addr4('10.0.0.2'), identifier: 0x0d80, sequence: 0, identification: 0x1c46 };
  add({ kind: 'ping-request' }, buildJunosPingIpv4Packet({ ...ping, timeMs: t + 250.5 }));
  add(
    { kind: 'ping-reply' },
    buildIcmpEchoIpv4Packet({
      source: ping.destination,
      destination: ping.source,
      identifier: ping.identifier,
      sequence: 0,
      identification: 0x77,
      payload: junosPingPayload({ timeMs: t }),
      reply: true,
    }),
  );
  // ESP from real peers, AES-GCM-128 and AES-CBC + HMAC-SHA-256-128, re-framed by our codecs.
  let id = 0x100;
  for (const capture of ['strongswan-v2-gcm', 'strongswan-v2-cbc']) {
    for (const vector of loadEspVectors(capture)) {
      add(
        { kind: 'esp', capture, vector },
        buildEspInUdpIpv4Packet({
          source: addr4(vector.outer_src),
          destination: addr4(vector.outer_dst),
          identification: id++,
          dontFragment: true,
          esp: hex(vector.esp),
        }),
      );
    }
  }
  // IKE_AUTH request and response behind the non-ESP marker (UDP checksum computed).
  for (const m of capturedIkeAuth()) add({ kind: 'ike' }, buildIkeNatTIpv4Packet({ source: m.src, destination: m.dst, ike: m.ike }));
  add({ kind: 'keepalive' }, buildNatKeepaliveIpv4Packet({ source: addr4('10.99.0.1'), destination: addr4('10.99.0.2') }));
  // IPv6: an ICMPv6 echo request and a UDP datagram, both with pseudo-header checksums.
  const s6 = addr6('2001:db8::1');
  const d6 = addr6('2001:db8::2');
  add({ kind: 'icmpv6' }, buildIcmpv6EchoIpv6Packet({ source: s6, destination: d6, identifier: 0x4242, sequence: 7, payload: junosPingPayload({ timeMs: t }) }));
  add({ kind: 'udp6' }, buildIpv6UdpPacket({ source: s6, destination: d6, sourcePort: 500, destinationPort: 500, payload: hex('0102030405') }));
  w.close();
}

const FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.protocols',
  'ip.src',
  'ip.dst',
  'ip.checksum.status',
  'udp.srcport',
  'udp.dstport',
  'udp.checksum.status',
  'esp.spi',
  'esp.sequence',
  'esp.icv_good',
  'esp.icv_bad',
  'esp.protocol',
  'icmp.type',
  'icmp.ident',
  'icmp.seq',
  'icmp.checksum.status',
  'icmp.data_time',
  'data.len',
  'udpencap.non_esp_marker',
  'udpencap.nat_keepalive',
  'isakmp.ispi',
  'isakmp.enc.decrypted',
  'isakmp.id.type',
  'ipv6.src',
  'icmpv6.type',
  'icmpv6.echo.identifier',
  'icmpv6.checksum.status',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

function runTshark(extra: readonly string[]): Row[] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      pcapPath,
      '-o',
      'ip.check_checksum:TRUE',
      '-o',
      'udp.check_checksum:TRUE',
      ...extra,
      '-T',
      'fields',
      '-E',
      'occurrence=a',
      '-E',
      'aggregator=,',
      ...FIELDS.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } },
  );
  return out
    .trimEnd()
    .split('\n')
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(FIELDS.map((f, i) => [f, cells[i] ?? ''])) as Row;
    });
}

function keyArgs(): string[] {
  const esp = [...espSasOf('strongswan-v2-gcm'), ...espSasOf('strongswan-v2-cbc')].map(espSaLine);
  const k = new Map(
    [...readFileSync(captureFile('strongswan-v2-gcm', 'keys.txt'), 'utf8').matchAll(/(ispi|rspi|SK_ei|SK_er)=(\S+)/g)].map((m) => [m[1]!, m[2]!]),
  );
  const ikev2 = ikev2DecryptionLine({
    initiatorSpi: hex(k.get('ispi')!),
    responderSpi: hex(k.get('rspi')!),
    encryption: 'aes-128-gcm',
    skEi: hex(k.get('SK_ei')!),
    skEr: hex(k.get('SK_er')!),
  });
  return tsharkKeyArgs({ esp, ikev2: [ikev2] });
}

describe('tshark decodes what srx5k writes', () => {
  let rows: Row[] = [];

  beforeAll(() => {
    if (tsharkVersion() === undefined) throw new Error(INSTALL_HINT);
    writeCapture();
    rows = runTshark(keyArgs());
  });

  it('reads every frame, with the device-clock timestamps, and valid IPv4 header checksums', () => {
    expect(rows.length).toBe(frames.length);
    rows.forEach((r, i) => {
      expect(Number(r['frame.number'])).toBe(i + 1);
      expect(Number(r['frame.time_epoch'])).toBeCloseTo((T0 + (i + 1) * 250.5) / 1000, 6);
      if (frames[i]!.kind !== 'icmpv6' && frames[i]!.kind !== 'udp6') {
        expect(r['ip.checksum.status'].split(',').every((s) => s === '1'), `frame ${i + 1} ip checksum ${r['ip.checksum.status']}`).toBe(true);
      }
    });
  });

  it('the Junos ping: an 84-byte echo request, good checksum, FreeBSD timestamp read back by Wireshark', () => {
    const r = rows[0]!;
    expect(r['frame.protocols']).toBe('raw:ip:icmp:data');
    expect([r['ip.src'], r['ip.dst']]).toEqual(['10.0.0.1', '10.0.0.2']);
    expect([r['icmp.type'], r['icmp.ident'], r['icmp.seq']]).toEqual(['8', String(0x0d80), '0']);
    expect(r['icmp.checksum.status']).toBe('1');
    expect(r['data.len']).toBe('48'); // 56 bytes of echo data: 8 of timestamp, then 48 of fill
    // Wireshark finds the 8-byte big-endian (sec, usec) timestamp in the data: the send time.
    expect(r['icmp.data_time']).toBe('Jan  1, 2026 00:00:00.250500000 UTC');
    const reply = rows[1]!;
    expect([reply['icmp.type'], reply['icmp.checksum.status']]).toEqual(['0', '1']);
  });

  it('decrypts every stored strongSwan ESP packet with good ICVs (GCM and CBC+HMAC SA lines)', () => {
    let n = 0;
    rows.forEach((r, i) => {
      const f = frames[i]!;
      if (f.kind !== 'esp') return;
      n++;
      const what = `frame ${i + 1} (${f.capture} frame ${f.vector.frame})`;
      expect(r['frame.protocols'], what).toBe('raw:ip:udp:udpencap:esp:ip:icmp:data');
      expect(r['udp.srcport']).toBe('4500');
      expect(r['udp.checksum.status'], what).toBe('3'); // zero checksum: "not present" (RFC 3948)
      expect(Number(r['esp.spi'])).toBe(parseInt(f.vector.spi, 16));
      expect(Number(r['esp.sequence'])).toBe(f.vector.seq);
      expect(r['esp.icv_good'], what).toBe('1');
      expect(r['esp.icv_bad'], what).toBe('0');
      expect(Number(r['esp.protocol'])).toBe(4); // next header: IPv4 (tunnel mode)
      // outer and decrypted inner addresses, and the inner ICMP checksum is good
      const inner = parseIpv4(hex(f.vector.inner));
      if (!inner.ok) throw new Error(inner.error.message);
      expect(r['ip.src'].split(',')).toEqual([f.vector.outer_src, [...inner.value.header.source].join('.')]);
      expect(r['icmp.checksum.status'], what).toBe('1');
    });
    expect(n).toBe(16);
  });

  it('decrypts the re-framed IKE_AUTH messages with the IKEv2 line, and sees the keepalive', () => {
    const ike = rows.filter((_, i) => frames[i]!.kind === 'ike');
    expect(ike.length).toBe(2);
    for (const r of ike) {
      expect(r['frame.protocols']).toBe('raw:ip:udp:udpencap:isakmp');
      expect(r['udp.checksum.status']).toBe('1');
      expect(r['udpencap.non_esp_marker']).not.toBe('');
      expect(r['isakmp.ispi']).toBe('a9de6fdf081c5201');
      expect(r['isakmp.enc.decrypted']).not.toBe('');
      expect(r['isakmp.id.type']).toMatch(/^1(,1)?$/); // ID_IPV4_ADDR payloads, readable only once decrypted
    }
    const ka = rows[frames.findIndex((f) => f.kind === 'keepalive')]!;
    expect(ka['udpencap.nat_keepalive']).not.toBe('');
    expect(ka['udp.checksum.status']).toBe('1');
  });

  it('IPv6: ICMPv6 echo and UDP with good pseudo-header checksums', () => {
    const e = rows[frames.findIndex((f) => f.kind === 'icmpv6')]!;
    expect(e['frame.protocols']).toBe('raw:ipv6:icmpv6:data');
    expect([e['ipv6.src'], e['icmpv6.type'], e['icmpv6.echo.identifier'], e['icmpv6.checksum.status']]).toEqual(['2001:db8::1', '128', '0x4242', '1']);
    const u = rows[frames.findIndex((f) => f.kind === 'udp6')]!;
    expect(u['udp.checksum.status']).toBe('1');
  });

  it('a wrong key is caught: the ICV check is real', () => {
    const sas = espSasOf('strongswan-v2-gcm');
    const bad = { ...sas[0]!, encryptionKey: sas[0]!.encryptionKey.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const args = tsharkKeyArgs({ esp: [espSaLine(bad), ...sas.slice(1).map(espSaLine)] });
    const r = runTshark(args).filter((row) => Number(row['esp.spi']) === bad.spi);
    expect(r.length).toBe(2);
    for (const row of r) {
      expect([row['esp.icv_good'], row['esp.icv_bad']]).toEqual(['0', '1']);
      expect(row['frame.protocols']).not.toContain('icmp'); // nothing sensible decrypted
    }
  });
});
