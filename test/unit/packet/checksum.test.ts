import { describe, expect, it } from 'vitest';
import {
  internetChecksum,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  onesComplementSum,
  updateChecksum16,
} from '../../../dataplane/packet/checksum.js';
import { hex, refChecksum } from './helpers.js';

describe('Internet checksum (RFC 1071)', () => {
  it('RFC 1071 §3 worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2', () => {
    const data = hex('0001 f203 f4f5 f6f7');
    expect(onesComplementSum(data)).toBe(0xddf2);
    expect(internetChecksum(data)).toBe(0x220d);
  });

  it('the textbook IPv4 header 4500 0073 … c0a8 00c7 has checksum b861', () => {
    const header = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    expect(internetChecksum(header)).toBe(0xb861);
    header[10] = 0xb8;
    header[11] = 0x61;
    expect(internetChecksum(header)).toBe(0); // a correct header sums to 0xffff
  });

  it('pads an odd trailing byte with zero', () => {
    expect(onesComplementSum(hex('01'))).toBe(0x0100);
    expect(internetChecksum(hex('0102 03'))).toBe(~(0x0102 + 0x0300) & 0xffff);
  });

  it('agrees with an independent computation on random data of every length 0..300', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let n = 0; n <= 300; n++) {
      const d = new Uint8Array(n).map(() => rnd());
      expect(internetChecksum(d)).toBe(refChecksum(d));
    }
    // worst case for carries: all ones
    const ones = new Uint8Array(65535).fill(0xff);
    expect(internetChecksum(ones)).toBe(refChecksum(ones));
  });

  it('chains pieces through the initial sum (pseudo-header, then datagram)', () => {
    const a = hex('0a00 0001 0a00 0002');
    const b = hex('1234 5678 9a');
    expect(internetChecksum(b, onesComplementSum(a))).toBe(refChecksum(a, b));
  });

  it('pseudo-header sums: IPv4 (src, dst, 0, proto, len) and IPv6 (src, dst, len32, 0, nh)', () => {
    const s4 = hex('c0000201');
    const d4 = hex('c6336402');
    expect(internetChecksum(new Uint8Array(0), ipv4PseudoHeaderSum(s4, d4, 17, 0x1234))).toBe(
      refChecksum(s4, d4, hex('0011 1234')),
    );
    const s6 = hex('20010db8000000000000000000000001');
    const d6 = hex('20010db8000000000000000000000002');
    expect(internetChecksum(new Uint8Array(0), ipv6PseudoHeaderSum(s6, d6, 58, 0x10040))).toBe(
      refChecksum(s6, d6, hex('00010040 0000003a')),
    );
  });
});

describe('incremental update (RFC 1624)', () => {
  it('matches a full recomputation for random one-word changes', () => {
    let seed = 777;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xffff;
    for (let i = 0; i < 2000; i++) {
      const words = Array.from({ length: 10 }, rnd);
      const bytes = new Uint8Array(words.flatMap((w) => [w >> 8, w & 0xff]));
      const before = internetChecksum(bytes);
      const at = rnd() % 10;
      const next = rnd();
      const old = words[at]!;
      bytes[2 * at] = next >> 8;
      bytes[2 * at + 1] = next & 0xff;
      expect(updateChecksum16(before, old, next)).toBe(internetChecksum(bytes));
    }
  });

  it('lands on 0x0000 exactly when recomputation does (data summing to 0xffff)', () => {
    // cd7a + 3285 = ffff: checksum 0x0000. Reached by updating 3284 -> 3285 and undone again.
    expect(internetChecksum(hex('cd7a 3285'))).toBe(0x0000);
    const before = internetChecksum(hex('cd7a 3284'));
    expect(updateChecksum16(before, 0x3284, 0x3285)).toBe(0x0000);
    expect(updateChecksum16(0x0000, 0x3285, 0x3284)).toBe(before);
  });
});
