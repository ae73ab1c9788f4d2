import { describe, expect, it } from 'vitest';
import { IPV6_HEADER_LENGTH, buildIpv6Header, buildIpv6Packet, decrementHopLimit, parseIpv6 } from '../../../dataplane/packet/ipv6.js';
import { hex, toHex } from './helpers.js';

const SRC = hex('20010db8000000000000000000000001');
const DST = hex('20010db8000000000000000000000002');

describe('IPv6 fixed header', () => {
  it('lays out version, traffic class, flow label, length, next header, hop limit, addresses', () => {
    const h = buildIpv6Header({
      source: SRC,
      destination: DST,
      nextHeader: 58,
      hopLimit: 255,
      trafficClass: 0xb8,
      flowLabel: 0x12345,
      payloadLength: 64,
    });
    // 6 | b8 | 12345 -> 6b812345; 0040; 3a; ff; src; dst
    expect(toHex(h)).toBe('6b812345' + '0040' + '3a' + 'ff' + toHex(SRC) + toHex(DST));
  });

  it('defaults: traffic class 0, flow label 0, hop limit 64', () => {
    const p = buildIpv6Packet({ source: SRC, destination: DST, nextHeader: 17, payload: hex('0102') });
    expect(toHex(p.subarray(0, 8))).toBe('60000000' + '0002' + '11' + '40');
    expect(toHex(p.subarray(40))).toBe('0102');
  });

  it('parse(build(x)) gives x back, including the 20-bit flow label extremes', () => {
    for (const flowLabel of [0, 1, 0xfffff]) {
      for (const trafficClass of [0, 0xff]) {
        const payload = new Uint8Array(33).fill(9);
        const bytes = buildIpv6Packet({ source: SRC, destination: DST, nextHeader: 50, hopLimit: 1, trafficClass, flowLabel, payload });
        const r = parseIpv6(bytes);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.header).toEqual({ trafficClass, flowLabel, payloadLength: 33, nextHeader: 50, hopLimit: 1, source: SRC, destination: DST });
        expect(r.value.payload).toEqual(payload);
        expect(buildIpv6Packet({ ...r.value.header, payload: r.value.payload })).toEqual(bytes);
      }
    }
  });

  it('drops bytes after the payload length (link-layer padding)', () => {
    const bytes = new Uint8Array([...buildIpv6Packet({ source: SRC, destination: DST, nextHeader: 59, payload: hex('aa') }), 0, 0]);
    const r = parseIpv6(bytes);
    expect(r.ok && toHex(r.value.payload)).toBe('aa');
  });

  it.each([
    ['39 bytes', new Uint8Array(39).fill(0x60), 'truncated'],
    ['version 4', hex('45000014' + '00'.repeat(36)), 'bad-version'],
    ['payload length past the end', hex('60000000' + '0001' + '3b40' + '00'.repeat(32)), 'truncated'],
  ] as const)('refuses %s with %s', (_n, bytes, code) => {
    const r = parseIpv6(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('refuses bad arguments when building', () => {
    expect(() => buildIpv6Header({ source: hex('01020304'), destination: DST, nextHeader: 1, payloadLength: 0 })).toThrow(RangeError);
    expect(() => buildIpv6Header({ source: SRC, destination: DST, nextHeader: 1, flowLabel: 0x100000, payloadLength: 0 })).toThrow(/flowLabel/);
    expect(() => buildIpv6Header({ source: SRC, destination: DST, nextHeader: 1, payloadLength: 65536 })).toThrow(/payloadLength/);
    expect(IPV6_HEADER_LENGTH).toBe(40);
  });

  it('decrementHopLimit', () => {
    const p = buildIpv6Packet({ source: SRC, destination: DST, nextHeader: 59, hopLimit: 2, payload: new Uint8Array(0) });
    expect(decrementHopLimit(p)).toEqual({ ok: true, value: 1 });
    const r = decrementHopLimit(p);
    expect(!r.ok && r.error.code).toBe('ttl-expired');
    expect(p[7]).toBe(1);
  });
});
