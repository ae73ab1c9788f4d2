import { describe, expect, it } from 'vitest';
import {
  ICMPV6_MAX_QUOTE,
  buildIcmpv6EchoIpv6Packet,
  buildIcmpv6EchoReply,
  buildIcmpv6EchoRequest,
  buildIcmpv6Error,
  parseIcmpv6,
} from '../../../dataplane/packet/icmpv6.js';
import { parseIpv6 } from '../../../dataplane/packet/ipv6.js';
import { hex, refChecksum, toHex } from './helpers.js';

const S = hex('20010db8000000000000000000000001');
const D = hex('20010db8000000000000000000000002');
const pseudoHeader = { source: S, destination: D };

describe('ICMPv6 echo', () => {
  it('request: type 128, pseudo-header checksum (src, dst, len32, 0, 58)', () => {
    const m = buildIcmpv6EchoRequest({ identifier: 0xbeef, sequence: 1, payload: hex('0102030405'), pseudoHeader });
    expect(toHex(m.subarray(0, 2))).toBe('8000');
    expect(toHex(m.subarray(4))).toBe('beef0001' + '0102030405');
    const zeroed = m.slice();
    zeroed[2] = 0;
    zeroed[3] = 0;
    expect((m[2]! << 8) | m[3]!).toBe(refChecksum(S, D, hex('0000000d 0000003a'), zeroed));
  });

  it('reply: type 129', () => {
    const m = buildIcmpv6EchoReply({ identifier: 1, sequence: 2, payload: new Uint8Array(0), pseudoHeader });
    expect(m[0]).toBe(129);
  });

  it('parse(build(x)) = x, and the checksum depends on the addresses', () => {
    const payload = new Uint8Array(56).map((_, i) => i);
    const m = buildIcmpv6EchoRequest({ identifier: 7, sequence: 65535, payload, pseudoHeader });
    const r = parseIcmpv6(m, pseudoHeader);
    expect(r.ok).toBe(true);
    if (!r.ok || r.value.kind !== 'echo-request') throw new Error('not an echo request');
    expect(r.value.identifier).toBe(7);
    expect(r.value.sequence).toBe(65535);
    expect(r.value.payload).toEqual(payload);
    const wrong = parseIcmpv6(m, { source: D, destination: S.map((b, i) => (i === 15 ? 9 : b)) });
    expect(!wrong.ok && wrong.error.code).toBe('bad-checksum');
    expect(parseIcmpv6(m).ok).toBe(true); // unverified without addresses
  });

  it('a whole IPv6 packet', () => {
    const p = buildIcmpv6EchoIpv6Packet({ source: S, destination: D, identifier: 1, sequence: 0, payload: hex('aa'), hopLimit: 64 });
    const ip = parseIpv6(p);
    expect(ip.ok).toBe(true);
    if (!ip.ok) return;
    expect(ip.value.header.nextHeader).toBe(58);
    const r = parseIcmpv6(ip.value.payload, ip.value.header);
    expect(r.ok && r.value.kind).toBe('echo-request');
  });
});

describe('ICMPv6 errors', () => {
  it('time exceeded / packet too big, quoting at most 1232 bytes (RFC 4443 §3.1)', () => {
    const original = new Uint8Array(2000).fill(0x60);
    const te = buildIcmpv6Error({ type: 3, code: 0, original, pseudoHeader });
    expect(te.length).toBe(8 + ICMPV6_MAX_QUOTE);
    expect(ICMPV6_MAX_QUOTE).toBe(1232);
    const ptb = buildIcmpv6Error({ type: 2, code: 0, value: 1280, original: original.subarray(0, 100), pseudoHeader });
    expect(toHex(ptb.subarray(0, 2))).toBe('0200');
    const r = parseIcmpv6(ptb, pseudoHeader);
    expect(r.ok && r.value.kind === 'other' && r.value.value).toBe(1280);
  });

  it.each([
    ['7 bytes', hex('80000000000000')],
    ['bad checksum', hex('8000 0000 0001 0001')],
  ])('refuses %s', (_n, bytes) => {
    expect(parseIcmpv6(bytes, pseudoHeader).ok).toBe(false);
  });

  it('needs IPv6 addresses for the checksum', () => {
    expect(() => buildIcmpv6EchoRequest({ identifier: 1, sequence: 1, payload: new Uint8Array(0), pseudoHeader: { source: hex('01020304'), destination: D } })).toThrow(
      RangeError,
    );
  });
});
