import { describe, expect, it } from 'vitest';
import { buildIpv4UdpPacket, buildIpv6UdpPacket, buildUdp, parseUdp } from '../../../dataplane/packet/udp.js';
import { parseIpv4 } from '../../../dataplane/packet/ipv4.js';
import { parseIpv6 } from '../../../dataplane/packet/ipv6.js';
import { hex, refChecksum, toHex } from './helpers.js';

const S4 = hex('0a630001');
const D4 = hex('0a630002');
const S6 = hex('20010db8000000000000000000000001');
const D6 = hex('20010db8000000000000000000000002');

describe('UDP build', () => {
  it('IPv4: header fields and the pseudo-header checksum', () => {
    const d = buildUdp({ sourcePort: 500, destinationPort: 4500, payload: hex('01020304 05'), pseudoHeader: { source: S4, destination: D4 } });
    // 01f4 1194 000d csum 0102030405
    expect(toHex(d.subarray(0, 6))).toBe('01f4' + '1194' + '000d');
    const zeroed = d.slice();
    zeroed[6] = 0;
    zeroed[7] = 0;
    // pseudo-header: src, dst, 00, 11, length 000d
    expect((d[6]! << 8) | d[7]!).toBe(refChecksum(S4, D4, hex('0011 000d'), zeroed));
  });

  it('IPv6: the pseudo-header has the 32-bit length and next header 17', () => {
    const payload = new Uint8Array(101).map((_, i) => i * 7);
    const d = buildUdp({ sourcePort: 4500, destinationPort: 4500, payload, pseudoHeader: { source: S6, destination: D6 } });
    const zeroed = d.slice();
    zeroed[6] = 0;
    zeroed[7] = 0;
    expect((d[6]! << 8) | d[7]!).toBe(refChecksum(S6, D6, hex('0000006d 00000011'), zeroed));
  });

  it('a computed checksum of 0 is sent as 0xffff (RFC 768)', () => {
    // Choose a payload word that makes the sum 0xffff: then the checksum computes to 0.
    const base = buildUdp({ sourcePort: 1, destinationPort: 2, payload: hex('0000'), pseudoHeader: { source: S4, destination: D4 } });
    const c = (base[6]! << 8) | base[7]!; // checksum with payload word 0 = ~sum
    // Adding c to the data makes the folded sum 0xffff.
    const payload = Uint8Array.of(c >> 8, c & 0xff);
    const d = buildUdp({ sourcePort: 1, destinationPort: 2, payload, pseudoHeader: { source: S4, destination: D4 } });
    expect(toHex(d.subarray(6, 8))).toBe('ffff');
    const r = parseUdp(d, { source: S4, destination: D4 });
    expect(r.ok && r.value.checksumStatus).toBe('good');
  });

  it('without a pseudo-header the checksum is 0 (none)', () => {
    const d = buildUdp({ sourcePort: 4500, destinationPort: 4500, payload: hex('ff') });
    expect(toHex(d)).toBe('11941194' + '0009' + '0000' + 'ff');
  });

  it('refuses bad ports and oversize payloads', () => {
    expect(() => buildUdp({ sourcePort: 65536, destinationPort: 1, payload: new Uint8Array(0) })).toThrow(/sourcePort/);
    expect(() => buildUdp({ sourcePort: 1, destinationPort: -1, payload: new Uint8Array(0) })).toThrow(/destinationPort/);
    expect(() => buildUdp({ sourcePort: 1, destinationPort: 1, payload: new Uint8Array(65528) })).toThrow(/length/);
    expect(() => buildUdp({ sourcePort: 1, destinationPort: 1, payload: new Uint8Array(0), pseudoHeader: { source: S4, destination: D6 } })).toThrow(
      RangeError,
    );
  });
});

describe('UDP parse', () => {
  it('parse(build(x)) = x, checksum verified over IPv4 and IPv6', () => {
    for (const [s, d] of [
      [S4, D4],
      [S6, D6],
    ] as const) {
      const payload = hex('cafebabe00');
      const bytes = buildUdp({ sourcePort: 12345, destinationPort: 53, payload, pseudoHeader: { source: s, destination: d } });
      const r = parseUdp(bytes, { source: s, destination: d });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.sourcePort).toBe(12345);
      expect(r.value.destinationPort).toBe(53);
      expect(r.value.length).toBe(13);
      expect(r.value.checksumStatus).toBe('good');
      expect(r.value.payload).toEqual(payload);
      // wrong pseudo-header (a NAT rewrote the address without fixing the checksum)
      const wrong = parseUdp(bytes, { source: d, destination: d });
      expect(!wrong.ok && wrong.error.code).toBe('bad-checksum');
    }
  });

  it('zero checksum: absent over IPv4, refused over IPv6, unverified without pseudo-header', () => {
    const d = buildUdp({ sourcePort: 4500, destinationPort: 4500, payload: hex('0102030405060708') });
    const r4 = parseUdp(d, { source: S4, destination: D4 });
    expect(r4.ok && r4.value.checksumStatus).toBe('absent');
    const r6 = parseUdp(d, { source: S6, destination: D6 });
    expect(!r6.ok && r6.error.code).toBe('bad-checksum');
    const rn = parseUdp(d);
    expect(rn.ok && rn.value.checksumStatus).toBe('unverified');
  });

  it('the UDP length decides the payload; extra bytes are ignored', () => {
    const d = new Uint8Array([...buildUdp({ sourcePort: 1, destinationPort: 2, payload: hex('aabb') }), 0xee, 0xee]);
    const r = parseUdp(d);
    expect(r.ok && toHex(r.value.payload)).toBe('aabb');
  });

  it.each([
    ['7 bytes', hex('00010002000800'), 'truncated'],
    ['length 7', hex('0001000200070000'), 'bad-length'],
    ['length past the end', hex('00010002000a0000ff'), 'truncated'],
  ] as const)('refuses %s with %s', (_n, bytes, code) => {
    const r = parseUdp(bytes);
    expect(!r.ok && r.error.code).toBe(code);
  });
});

describe('whole UDP packets', () => {
  it('IPv4 + UDP, with and without checksum', () => {
    const p = buildIpv4UdpPacket({ source: S4, destination: D4, sourcePort: 500, destinationPort: 500, payload: hex('00112233'), identification: 7 });
    const ip = parseIpv4(p);
    expect(ip.ok).toBe(true);
    if (!ip.ok) return;
    expect(ip.value.header.protocol).toBe(17);
    const u = parseUdp(ip.value.payload, ip.value.header);
    expect(u.ok && u.value.checksumStatus).toBe('good');
    const n = buildIpv4UdpPacket({ source: S4, destination: D4, sourcePort: 4500, destinationPort: 4500, payload: hex('00112233'), udpChecksum: false });
    expect(toHex(n.subarray(26, 28))).toBe('0000');
  });

  it('IPv6 + UDP', () => {
    const p = buildIpv6UdpPacket({ source: S6, destination: D6, sourcePort: 500, destinationPort: 500, payload: hex('00112233') });
    const ip = parseIpv6(p);
    expect(ip.ok).toBe(true);
    if (!ip.ok) return;
    expect(ip.value.header.nextHeader).toBe(17);
    const u = parseUdp(ip.value.payload, ip.value.header);
    expect(u.ok && u.value.checksumStatus).toBe('good');
  });
});
