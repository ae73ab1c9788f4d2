import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_RAW,
  PcapWriter,
  encodePcap,
  ipPacketOf,
  readPcap,
  splitTimestamp,
  type PcapFile,
} from '../../../dataplane/capture/pcap.js';
import { classifyNatTPayload } from '../../../dataplane/packet/esp-in-udp.js';
import { ipv4ToText } from '../../../dataplane/packet/address.js';
import { parseIpv4 } from '../../../dataplane/packet/ipv4.js';
import { parseUdp } from '../../../dataplane/packet/udp.js';
import { CAPTURES, captureFile, hex, loadEspVectors, toHex } from '../packet/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'srx5k-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function read(bytes: Uint8Array): PcapFile {
  const r = readPcap(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const T = Date.UTC(2026, 0, 1); // the --batch device clock's start

describe('pcap encoding', () => {
  it('global header and one record, byte for byte', () => {
    const file = encodePcap([{ timeMs: T + 250.5, data: hex('45000014') }]);
    expect(toHex(file)).toBe(
      // magic (LE a1b2c3d4), v2.4, thiszone 0, sigfigs 0, snaplen 262144, linktype 101 (RAW)
      'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '65000000' +
        // ts_sec 1767225600 = 0x6955b900 LE, ts_usec 250500 = 0x0003d284 LE, caplen 4, len 4
        '00b95569' + '84d20300' + '04000000' + '04000000' +
        '45000014',
    );
  });

  it('cuts packets to snaplen but keeps their original length', () => {
    const f = read(encodePcap([{ timeMs: 0, data: new Uint8Array(100).fill(1) }], { snaplen: 64, linktype: LINKTYPE_ETHERNET }));
    expect(f.snaplen).toBe(64);
    expect(f.linktype).toBe(LINKTYPE_ETHERNET);
    expect(f.packets[0]!.data.length).toBe(64);
    expect(f.packets[0]!.originalLength).toBe(100);
  });

  it('timestamps: rounded to the microsecond, carried into the second, bounded', () => {
    expect(splitTimestamp(1767225600123.456)).toEqual({ seconds: 1767225600, micros: 123456 });
    expect(splitTimestamp(999.9999)).toEqual({ seconds: 1, micros: 0 });
    expect(() => splitTimestamp(-1)).toThrow(RangeError);
    expect(() => splitTimestamp(2 ** 32 * 1000)).toThrow(RangeError);
    expect(() => splitTimestamp(Number.NaN)).toThrow(RangeError);
  });

  it('read(encode(x)) = x', () => {
    const packets = Array.from({ length: 20 }, (_, i) => ({ timeMs: T + i * 1000.001, data: new Uint8Array(i * 13).fill(i) }));
    const f = read(encodePcap(packets));
    expect(f.linktype).toBe(LINKTYPE_RAW);
    expect(f.littleEndian).toBe(true);
    expect(f.nanosecond).toBe(false);
    expect([f.versionMajor, f.versionMinor]).toEqual([2, 4]);
    expect(f.packets.length).toBe(20);
    f.packets.forEach((p, i) => {
      expect(p.data).toEqual(packets[i]!.data);
      expect(p.timeMs).toBeCloseTo(packets[i]!.timeMs, 3);
      expect(p.originalLength).toBe(packets[i]!.data.length);
    });
  });
});

describe('PcapWriter (file)', () => {
  it('writes what encodePcap encodes, across several internal flushes', () => {
    const path = join(dir, 'w.pcap');
    const w = new PcapWriter(path);
    const packets = Array.from({ length: 3000 }, (_, i) => ({ timeMs: T + i, data: new Uint8Array(60 + (i % 50)).fill(i & 0xff) }));
    for (const p of packets) w.write(p.timeMs, p.data);
    expect(w.packets).toBe(3000);
    w.close();
    expect(w.closed).toBe(true);
    expect(Buffer.compare(readFileSync(path), encodePcap(packets))).toBe(0); // (toEqual is slow on 300 KB)
    expect(() => w.write(T, hex('00'))).toThrow(/closed/);
    w.close(); // harmless
  });

  it('the global header is on disk from the start; flush() pushes buffered records', () => {
    const path = join(dir, 'f.pcap');
    const w = new PcapWriter(path, { linktype: LINKTYPE_IPV4 });
    expect(readFileSync(path).length).toBe(24);
    w.write(T, hex('4500'));
    w.flush();
    expect(readFileSync(path).length).toBe(24 + 16 + 2);
    w.close();
    expect(read(new Uint8Array(readFileSync(path))).linktype).toBe(LINKTYPE_IPV4);
  });

  it('refuses a bad linktype before creating anything', () => {
    expect(() => new PcapWriter(join(dir, 'bad.pcap'), { linktype: -1 })).toThrow(RangeError);
  });
});

describe('pcap reading', () => {
  it('big-endian and nanosecond files', () => {
    const be = hex('a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000065' + '6955b900 0003d284 00000002 00000002 4500');
    const f = read(be);
    expect(f.littleEndian).toBe(false);
    expect(f.linktype).toBe(101);
    expect(f.packets[0]!.timeMs).toBe(T + 250.5);
    const ns = hex('4d3cb2a1 0200 0400 00000000 00000000 ffff0000 01000000' + '00b95569 a0be0f00 01000000 01000000 ff');
    const g = read(ns);
    expect(g.nanosecond).toBe(true);
    expect(g.packets[0]!.fraction).toBe(1_031_840);
    expect(g.packets[0]!.timeMs).toBeCloseTo(T + 1.03184, 6);
  });

  it.each([
    ['empty', '', 'truncated'],
    ['pcapng', '0a0d0d0a 6c000000 4d3c2b1a 01000000 ffffffffffffffff', 'not-pcap'],
    ['garbage', '00'.repeat(24), 'not-pcap'],
    ['cut record header', 'd4c3b2a1 0200 0400 00000000 00000000 00000400 65000000 0000', 'truncated'],
    ['cut record data', 'd4c3b2a1 0200 0400 00000000 00000000 00000400 65000000 00000000 00000000 05000000 05000000 4500', 'truncated'],
    ['caplen > len', 'd4c3b2a1 0200 0400 00000000 00000000 00000400 65000000 00000000 00000000 02000000 01000000 4500', 'bad-record'],
    ['usec >= 1e6', 'd4c3b2a1 0200 0400 00000000 00000000 00000400 65000000 00000000 40420f00 00000000 00000000', 'bad-record'],
  ] as const)('refuses %s with %s', (_n, h, code) => {
    const r = readPcap(hex(h));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('says how to convert pcapng', () => {
    const r = readPcap(hex('0a0d0d0a 6c000000 4d3c2b1a 01000000 ffffffffffffffff'));
    expect(!r.ok && r.error.message).toMatch(/pcapng/);
  });
});

describe('ipPacketOf: the IP packet inside a record', () => {
  const v4 = hex('4500001400000000400100000a0000010a000002');
  const v6 = hex('6000000000003b40' + '00'.repeat(32));
  it('Ethernet (with and without 802.1Q tags), raw, IPv4, IPv6', () => {
    const eth = hex('020000000001 020000000002 0800');
    expect(ipPacketOf(LINKTYPE_ETHERNET, new Uint8Array([...eth, ...v4]))).toEqual({ ok: true, value: { version: 4, packet: v4 } });
    const qinq = hex('020000000001 020000000002 88a8 0064 8100 00c8 86dd');
    expect(ipPacketOf(LINKTYPE_ETHERNET, new Uint8Array([...qinq, ...v6]))).toEqual({ ok: true, value: { version: 6, packet: v6 } });
    expect(ipPacketOf(LINKTYPE_RAW, v4)).toEqual({ ok: true, value: { version: 4, packet: v4 } });
    expect(ipPacketOf(LINKTYPE_RAW, v6)).toEqual({ ok: true, value: { version: 6, packet: v6 } });
    expect(ipPacketOf(LINKTYPE_IPV4, v4).ok).toBe(true);
    expect(ipPacketOf(LINKTYPE_IPV6, v6).ok).toBe(true);
  });

  it.each([
    ['ARP', LINKTYPE_ETHERNET, '020000000001 020000000002 0806 0001', 'not-ip'],
    ['short Ethernet', LINKTYPE_ETHERNET, '0200000000', 'truncated'],
    ['raw version 5', LINKTYPE_RAW, '50', 'not-ip'],
    ['empty raw', LINKTYPE_RAW, '', 'truncated'],
    ['IPv6 ethertype, IPv4 packet', LINKTYPE_ETHERNET, '020000000001 020000000002 86dd 4500', 'not-ip'],
    ['Linux SLL', 113, '00', 'unsupported-linktype'],
  ] as const)('refuses %s', (_n, lt, h, code) => {
    const r = ipPacketOf(lt, hex(h));
    expect(!r.ok && r.error.code).toBe(code);
  });
});

describe('the shared captures (../shared/vectors/captures/*/capture.pcap)', () => {
  it.each(CAPTURES.map((c) => [c]))('%s: Ethernet; the ESP packets of esp_vectors.json are there, in UDP 4500', (cap) => {
    const f = read(new Uint8Array(readFileSync(captureFile(cap, 'capture.pcap'))));
    expect(f.linktype).toBe(LINKTYPE_ETHERNET);
    expect(f.nanosecond).toBe(false);
    const vectors = loadEspVectors(cap);
    expect(vectors.length).toBeGreaterThan(0);
    for (const v of vectors) {
      const rec = f.packets[v.frame - 1];
      expect(rec, `frame ${v.frame}`).toBeDefined();
      const ip = ipPacketOf(f.linktype, rec!.data);
      if (!ip.ok) throw new Error(`frame ${v.frame}: ${ip.error.message}`);
      const v4 = parseIpv4(ip.value.packet); // header checksums were filled in by the kernel: verified
      if (!v4.ok) throw new Error(`frame ${v.frame}: ${v4.error.message}`);
      expect(ipv4ToText(v4.value.header.source)).toBe(v.outer_src);
      expect(ipv4ToText(v4.value.header.destination)).toBe(v.outer_dst);
      expect(v4.value.header.protocol).toBe(17);
      // UDP checksums are not verified: captured on veth before checksum offload completed them
      // (every datagram of a given length carries the same partial, pseudo-header-only sum).
      const udp = parseUdp(v4.value.payload);
      if (!udp.ok) throw new Error(`frame ${v.frame}: ${udp.error.message}`);
      expect([udp.value.sourcePort, udp.value.destinationPort]).toEqual([v.udp_src_port, v.udp_dst_port]);
      const c = classifyNatTPayload(udp.value.payload);
      expect(c).toMatchObject({ kind: 'esp', spi: parseInt(v.spi, 16), sequence: v.seq });
      if (c.kind === 'esp') expect(toHex(c.esp)).toBe(v.esp);
    }
  });

  it('strongswan-v2-gcm: the other frames on 4500 carry IKE behind the non-ESP marker', () => {
    const f = read(new Uint8Array(readFileSync(captureFile('strongswan-v2-gcm', 'capture.pcap'))));
    const esp = new Set(loadEspVectors('strongswan-v2-gcm').map((v) => v.frame));
    const kinds: string[] = [];
    f.packets.forEach((rec, i) => {
      const ip = ipPacketOf(f.linktype, rec.data);
      if (!ip.ok) throw new Error(ip.error.message);
      const v4 = parseIpv4(ip.value.packet);
      if (!v4.ok) throw new Error(v4.error.message);
      const udp = parseUdp(v4.value.payload);
      if (!udp.ok) throw new Error(udp.error.message);
      if (udp.value.destinationPort === 500) return kinds.push('ike500');
      const c = classifyNatTPayload(udp.value.payload);
      expect(c.kind).toBe(esp.has(i + 1) ? 'esp' : 'ike');
      kinds.push(c.kind);
    });
    expect(kinds).toEqual(['ike500', 'ike500', 'ike', 'ike', 'esp', 'esp', 'esp', 'esp', 'ike', 'ike', 'ike', 'ike', 'esp', 'esp', 'esp', 'esp']);
  });
});
