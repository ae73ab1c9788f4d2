import { describe, expect, it } from 'vitest';
import {
  ICMP_DEFAULT_QUOTE,
  IcmpType,
  TimeExceededCode,
  UnreachableCode,
  buildIcmpDestinationUnreachable,
  buildIcmpEchoIpv4Packet,
  buildIcmpEchoReply,
  buildIcmpEchoRequest,
  buildIcmpIpv4Packet,
  buildIcmpTimeExceeded,
  parseIcmp,
} from '../../../dataplane/packet/icmp.js';
import { parseIpv4 } from '../../../dataplane/packet/ipv4.js';
import { buildIpv4UdpPacket } from '../../../dataplane/packet/udp.js';
import { CAPTURES, hex, loadEspVectors, refChecksum, toHex } from './helpers.js';

describe('ICMP echo', () => {
  it('request: type 8, code 0, checksum, identifier, sequence, data', () => {
    const m = buildIcmpEchoRequest({ identifier: 0x1234, sequence: 0x0102, payload: hex('61626364') });
    const expected = hex('0800 0000 1234 0102 61626364');
    const c = refChecksum(expected);
    expected[2] = c >> 8;
    expected[3] = c & 0xff;
    expect(m).toEqual(expected);
  });

  it('reply: type 0, same layout', () => {
    const m = buildIcmpEchoReply({ identifier: 1, sequence: 2, payload: new Uint8Array(0) });
    // 0000 + csum + 0001 0002: sum = 0x0003 -> checksum fffc
    expect(toHex(m)).toBe('0000fffc00010002');
  });

  it('parse(build(x)) = x', () => {
    for (const [build, kind] of [
      [buildIcmpEchoRequest, 'echo-request'],
      [buildIcmpEchoReply, 'echo-reply'],
    ] as const) {
      const payload = new Uint8Array(57).map((_, i) => 255 - i);
      const r = parseIcmp(build({ identifier: 0xffff, sequence: 0, payload }));
      expect(r.ok).toBe(true);
      if (!r.ok || (r.value.kind !== 'echo-request' && r.value.kind !== 'echo-reply')) throw new Error('not an echo');
      expect(r.value.kind).toBe(kind);
      expect(r.value.identifier).toBe(0xffff);
      expect(r.value.sequence).toBe(0);
      expect(r.value.payload).toEqual(payload);
    }
  });

  it('rebuilds every captured inner ICMP echo byte for byte (Linux ping and Scapy, real checksums)', () => {
    let n = 0;
    for (const cap of CAPTURES) {
      for (const v of loadEspVectors(cap)) {
        const inner = hex(v.inner);
        const ip = parseIpv4(inner);
        expect(ip.ok).toBe(true);
        if (!ip.ok) continue;
        const icmp = parseIcmp(ip.value.payload);
        expect(icmp.ok).toBe(true);
        if (!icmp.ok || (icmp.value.kind !== 'echo-request' && icmp.value.kind !== 'echo-reply')) throw new Error(`${cap} frame ${v.frame}: not an echo`);
        const rebuilt = buildIcmpEchoIpv4Packet({
          ...ip.value.header,
          identifier: icmp.value.identifier,
          sequence: icmp.value.sequence,
          payload: icmp.value.payload,
          reply: icmp.value.kind === 'echo-reply',
        });
        expect(toHex(rebuilt)).toBe(v.inner);
        n++;
      }
    }
    expect(n).toBe(32);
  });

  it('refuses bad identifiers', () => {
    expect(() => buildIcmpEchoRequest({ identifier: 65536, sequence: 0, payload: new Uint8Array(0) })).toThrow(/identifier/);
    expect(() => buildIcmpEchoRequest({ identifier: 0, sequence: -1, payload: new Uint8Array(0) })).toThrow(/sequence/);
  });
});

describe('ICMP errors (traceroute)', () => {
  // A traceroute probe: UDP to port 33434 with TTL 1.
  const probe = buildIpv4UdpPacket({
    source: hex('0a000001'),
    destination: hex('c0000201'),
    ttl: 1,
    identification: 0x4242,
    sourcePort: 40000,
    destinationPort: 33434,
    payload: new Uint8Array(32),
  });

  it('time exceeded in transit quotes the IP header + 8 bytes (RFC 792)', () => {
    const m = buildIcmpTimeExceeded({ code: TimeExceededCode.TTL_IN_TRANSIT, original: probe });
    expect(m.length).toBe(8 + 20 + ICMP_DEFAULT_QUOTE);
    expect(toHex(m.subarray(0, 2))).toBe('0b00');
    expect(toHex(m.subarray(4, 8))).toBe('00000000');
    expect(m.subarray(8)).toEqual(probe.subarray(0, 28));
    expect(refChecksum(m)).toBe(0); // checksum field makes the whole message sum to 0xffff
    const r = parseIcmp(m);
    expect(r.ok && r.value.kind).toBe('time-exceeded');
    if (r.ok && r.value.kind === 'time-exceeded') {
      const orig = parseIpv4(r.value.original, { verifyChecksum: true });
      // The quote is cut after 8 payload bytes, so the quoted header says 60 bytes but 28 are here.
      expect(!orig.ok && orig.error.code).toBe('truncated');
      expect(toHex(r.value.original.subarray(20, 24))).toBe('9c40829a'); // ports 40000 -> 33434
    }
  });

  it('port unreachable and fragmentation-needed with the next-hop MTU (RFC 1191)', () => {
    const pu = buildIcmpDestinationUnreachable({ code: UnreachableCode.PORT, original: probe });
    expect(toHex(pu.subarray(0, 2))).toBe('0303');
    const fn = buildIcmpDestinationUnreachable({ code: UnreachableCode.FRAGMENTATION_NEEDED, original: probe, nextHopMtu: 1400 });
    expect(toHex(fn.subarray(0, 2))).toBe('0304');
    expect(toHex(fn.subarray(4, 8))).toBe('00000578');
    const r = parseIcmp(fn);
    expect(r.ok && r.value.kind === 'destination-unreachable' && r.value.nextHopMtu).toBe(1400);
  });

  it('quote length is adjustable and never exceeds the original', () => {
    expect(buildIcmpTimeExceeded({ code: 0, original: probe, quoteLength: 1000 }).length).toBe(8 + probe.length);
    expect(buildIcmpTimeExceeded({ code: 0, original: probe, quoteLength: 0 }).length).toBe(8 + 20);
  });

  it('a whole IPv4 packet around an error', () => {
    const p = buildIcmpIpv4Packet({ source: hex('0a000002'), destination: hex('0a000001'), icmp: buildIcmpTimeExceeded({ code: 0, original: probe }) });
    const ip = parseIpv4(p);
    expect(ip.ok && ip.value.header.protocol).toBe(1);
  });
});

describe('ICMP parse errors', () => {
  it.each([
    ['7 bytes', hex('08000000000000'), 'truncated'],
    ['bad checksum', hex('0800 0000 0001 0001'), 'bad-checksum'],
  ] as const)('refuses %s with %s', (_n, bytes, code) => {
    const r = parseIcmp(bytes);
    expect(!r.ok && r.error.code).toBe(code);
  });

  it('other types parse generically; verification can be skipped', () => {
    const ts = hex('0d00 0000 0001 0002 00000000 00000000 00000000');
    const c = refChecksum(ts);
    ts[2] = c >> 8;
    ts[3] = c & 0xff;
    const r = parseIcmp(ts);
    expect(r.ok && r.value.kind === 'other' && r.value.type).toBe(13);
    expect(parseIcmp(hex('0800 0000 0001 0001'), { verifyChecksum: false }).ok).toBe(true);
    expect(IcmpType.ECHO_REQUEST).toBe(8);
  });
});
