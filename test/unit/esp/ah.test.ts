/**
 * AH tunnel mode over IPv4 (RFC 4302), both engines, every Junos authentication algorithm; the
 * ICV is cross-checked with an independent node:crypto computation of §3.3.3.1.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUTHENTICATION_SUITES, type AuthenticationAlgorithm } from '../../../crypto/suites.js';
import { ahPacketLength, ahProtect, ahVerify, AhContext, IPPROTO_AH, peekAhSeqLow, peekAhSpi, type AhVerdict } from '../../../dataplane/esp/ah.js';
import { ReplayWindow } from '../../../dataplane/esp/replay-window.js';
import { toHex } from '../crypto/vectors.js';
import { ahSa, engines as loadEngines, ENGINES, innerPacket } from './helpers.js';

const engines = await loadEngines();
const ALGS = Object.keys(AUTHENTICATION_SUITES) as AuthenticationAlgorithm[];
const TWO32 = 0x1_0000_0000;

function checksumOk(p: Uint8Array, hl = 20): boolean {
  let sum = 0;
  for (let i = 0; i < hl; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

function fixChecksum(p: Uint8Array): void {
  const hl = (p[0]! & 15) * 4;
  p[10] = 0;
  p[11] = 0;
  let sum = 0;
  for (let i = 0; i < hl; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  sum = ~sum & 0xffff;
  p[10] = sum >>> 8;
  p[11] = sum & 0xff;
}

/** RFC 4302 §3.3.3.1 written out independently: zero mutable fields/options and the ICV, HMAC, truncate. */
function referenceIcv(p: Uint8Array, alg: AuthenticationAlgorithm, key: Uint8Array, seqHigh?: number): string {
  const suite = AUTHENTICATION_SUITES[alg];
  const q = Buffer.from(p);
  const hl = (q[0]! & 15) * 4;
  for (const i of [1, 6, 7, 8, 10, 11]) q[i] = 0;
  for (let i = 20; i < hl; ) {
    const t = q[i]!;
    if (t === 0) break;
    if (t === 1) {
      i++;
      continue;
    }
    const len = q[i + 1]!;
    if (![130, 133, 134, 148, 149].includes(t)) q.fill(0, i, i + len);
    i += len;
  }
  q.fill(0, hl + 12, hl + 12 + suite.icvLength);
  const h = createHmac(suite.hash, key).update(q);
  if (seqHigh !== undefined) h.update(Buffer.from([seqHigh >>> 24, (seqHigh >>> 16) & 255, (seqHigh >>> 8) & 255, seqHigh & 255]));
  return h.digest().subarray(0, suite.icvLength).toString('hex');
}

function ok(v: AhVerdict): Extract<AhVerdict, { ok: true }> {
  if (!v.ok) throw new Error(`expected ok, got ${v.reason}`);
  return v;
}

/** The same packet with IPv4 options inserted after the base header (IHL grows), ICV recomputed. */
function withOptions(p: Uint8Array, options: number[], alg: AuthenticationAlgorithm, key: Uint8Array): Uint8Array {
  const q = new Uint8Array(p.length + options.length);
  q.set(p.subarray(0, 20));
  q.set(options, 20);
  q.set(p.subarray(20), 20 + options.length);
  q[0] = 0x40 | ((20 + options.length) / 4);
  q[2] = q.length >>> 8;
  q[3] = q.length & 0xff;
  const hl = 20 + options.length;
  const icv = Buffer.from(referenceIcv(q, alg, key), 'hex');
  q.set(icv, hl + 12);
  fixChecksum(q);
  return q;
}

describe.each(ENGINES)('%s engine: AH protect / verify', (name) => {
  const engine = engines[name];

  it.each(ALGS)('%s: outer header, AH layout and ICV match RFC 4302; it verifies and yields the inner packet', (alg) => {
    for (const esn of [false, true]) {
      const sa = ahSa(alg, { esn });
      const out = new AhContext(sa, engine);
      const inb = new AhContext({ ...sa, direction: 'inbound' }, engine);
      const seq = esn ? 2 * TWO32 + 17 : 17;
      const inner = innerPacket(100, 1);
      const p = ahProtect(out, seq, inner, 4, { ttl: 60, tos: 0x28, id: 0x1234, dontFragment: true });
      const icv = AUTHENTICATION_SUITES[alg].icvLength;
      expect(p.length).toBe(ahPacketLength(icv, 100));
      expect([p[0], p[1], (p[2]! << 8) | p[3]!, p[8], p[9], p[6]]).toEqual([0x45, 0x28, p.length, 60, IPPROTO_AH, 0x40]);
      expect(checksumOk(p)).toBe(true);
      expect([...p.subarray(12, 20)]).toEqual([192, 0, 2, 1, 198, 51, 100, 2]);
      // AH: next header 4, payload length = AH words − 2, SPI, low 32 bits of the sequence number.
      expect([p[20], p[21], peekAhSpi(p), peekAhSeqLow(p)]).toEqual([4, (12 + icv) / 4 - 2, 0xa0a0, 17]);
      expect(toHex(p.subarray(32, 32 + icv))).toBe(referenceIcv(p, alg, sa.authenticationKey, esn ? 2 : undefined));
      const v = ok(ahVerify(inb, p, { seqHigh: esn ? 2 : 0 }));
      expect([v.seq, v.nextHeader, toHex(v.inner)]).toEqual([seq, 4, toHex(inner)]);
      if (esn) expect(ahVerify(inb, p, { seqHigh: 1 })).toEqual({ ok: false, reason: 'auth' });
    }
  });

  /** RFC 4302 Appendix A.2 written out independently for IPv6: class, flow label, hop limit and the ICV field (padding too) zeroed. */
  function referenceIcv6(p: Uint8Array, alg: AuthenticationAlgorithm, key: Uint8Array, ahLength: number, seqHigh?: number): string {
    const suite = AUTHENTICATION_SUITES[alg];
    const q = Buffer.from(p);
    q[0] = 0x60;
    q.fill(0, 1, 4);
    q[7] = 0;
    q.fill(0, 40 + 12, 40 + ahLength);
    const h = createHmac(suite.hash, key).update(q);
    if (seqHigh !== undefined) h.update(Buffer.from([seqHigh >>> 24, (seqHigh >>> 16) & 255, (seqHigh >>> 8) & 255, seqHigh & 255]));
    return h.digest().subarray(0, suite.icvLength).toString('hex');
  }

  it.each(ALGS)('%s over IPv6: AH padded to a multiple of 8, mutable fields outside the ICV, verifies; an IPv4 SA refuses it', (alg) => {
    for (const esn of [false, true]) {
      const sa = ahSa(alg, { esn, tunnel: { local: '2001:db8::1', remote: '2001:db8::2' } });
      const out = new AhContext(sa, engine);
      const inb = new AhContext({ ...sa, direction: 'inbound' }, engine);
      const icv = AUTHENTICATION_SUITES[alg].icvLength;
      const ahLength = Math.ceil((12 + icv) / 8) * 8;
      expect([out.family, out.ahLength]).toEqual([6, ahLength]);
      const seq = esn ? 3 * TWO32 + 9 : 9;
      const inner = innerPacket(60, 2);
      const p = ahProtect(out, seq, inner, 4, { ttl: 33, tos: 0xb8 });
      expect(p.length).toBe(ahPacketLength(icv, 60, 6));
      expect(p.length).toBe(40 + ahLength + 60);
      // IPv6: version 6, traffic class 0xb8, payload length, next header 51, hop limit 33.
      expect([p[0], p[1], (p[4]! << 8) | p[5]!, p[6], p[7]]).toEqual([0x6b, 0x80, ahLength + 60, IPPROTO_AH, 33]);
      expect([p[40], p[41], peekAhSpi(p), peekAhSeqLow(p)]).toEqual([4, ahLength / 4 - 2, 0xa0a0, 9]);
      expect(toHex(p.subarray(52 + icv, 40 + ahLength))).toBe('00'.repeat(ahLength - 12 - icv));
      expect(toHex(p.subarray(52, 52 + icv))).toBe(referenceIcv6(p, alg, sa.authenticationKey, ahLength, esn ? 3 : undefined));
      const v = ok(ahVerify(inb, p, { seqHigh: esn ? 3 : 0 }));
      expect([v.seq, v.nextHeader, toHex(v.inner)]).toEqual([seq, 4, toHex(inner)]);
      // In transit: hop limit, class and flow label may change; the addresses may not.
      const moved = p.slice();
      moved[7] = 1;
      moved[1] = 0x0f;
      moved[3] = 0x42;
      expect(ahVerify(inb, moved, { seqHigh: esn ? 3 : 0 }).ok).toBe(true);
      const spoofed = p.slice();
      spoofed[39] ^= 1;
      expect(ahVerify(inb, spoofed, { seqHigh: esn ? 3 : 0 })).toEqual({ ok: false, reason: 'auth' });
      const v4 = new AhContext({ ...ahSa(alg, { esn }), direction: 'inbound' }, engine);
      expect(ahVerify(v4, p)).toEqual({ ok: false, reason: 'bad-header' });
      for (let n = 0; n < 40 + ahLength; n++) expect(ahVerify(inb, p.subarray(0, n)).ok).toBe(false);
    }
  });

  it('routers may change TOS, TTL, DF and the checksum in transit; nothing else', () => {
    const sa = ahSa('hmac-sha-256-128');
    const inb = new AhContext({ ...sa, direction: 'inbound' }, engine);
    const p = ahProtect(new AhContext(sa, engine), 1, innerPacket(60), 4);
    const transit = p.slice();
    transit[1] = 0xb8;
    transit[8] = 3;
    transit[6] = 0x40;
    fixChecksum(transit);
    expect(ok(ahVerify(inb, transit)).seq).toBe(1);
    for (const at of [4, 12, 19, 22, 50, p.length - 1]) {
      const bad = p.slice();
      bad[at]! ^= 1;
      expect(ahVerify(inb, bad), `byte ${at}`).toEqual({ ok: false, reason: 'auth' });
    }
  });

  it('IPv4 options: a mutable one (record route) may change, an immutable one (router alert) may not', () => {
    const alg = 'hmac-sha1-96';
    const sa = ahSa(alg);
    const inb = new AhContext({ ...sa, direction: 'inbound' }, engine);
    const p = ahProtect(new AhContext(sa, engine), 1, innerPacket(40), 4);
    const rr = withOptions(p, [7, 7, 4, 0, 0, 0, 0, 0], alg, sa.authenticationKey); // record route + EOL
    expect(ok(ahVerify(inb, rr)).inner.length).toBe(40);
    const routed = rr.slice();
    routed.set([10, 0, 0, 1], 23); // a router recorded its address
    routed[22] = 8;
    expect(ok(ahVerify(inb, routed)).inner.length).toBe(40);
    const ra = withOptions(p, [148, 4, 0, 0], alg, sa.authenticationKey);
    expect(ok(ahVerify(inb, ra)).seq).toBe(1);
    const changed = ra.slice();
    changed[23] = 1;
    expect(ahVerify(inb, changed)).toEqual({ ok: false, reason: 'auth' });
    const malformed = ra.slice();
    malformed[21] = 40; // option longer than the header
    expect(ahVerify(inb, malformed)).toEqual({ ok: false, reason: 'bad-header' });
  });

  it('malformed packets, fragments, unknown SPI and replays get their verdicts, never an exception', () => {
    const sa = ahSa('hmac-sha-384');
    const out = new AhContext(sa, engine);
    const inb = new AhContext({ ...sa, direction: 'inbound' }, engine);
    const window = new ReplayWindow(64);
    const p = ahProtect(out, 1, innerPacket(80), 4);
    const bad = (f: (q: Uint8Array) => void): Uint8Array => {
      const q = p.slice();
      f(q);
      return q;
    };
    expect(ahVerify(inb, p.subarray(0, 19))).toEqual({ ok: false, reason: 'bad-header' });
    expect(ahVerify(inb, p.subarray(0, 40))).toEqual({ ok: false, reason: 'bad-header' }); // shorter than total length
    expect(ahVerify(inb, bad((q) => (q[0] = 0x65)))).toEqual({ ok: false, reason: 'bad-header' }); // not IPv4
    expect(ahVerify(inb, bad((q) => (q[9] = 50)))).toEqual({ ok: false, reason: 'bad-header' }); // ESP, not AH
    expect(ahVerify(inb, bad((q) => (q[6] = 0x20)))).toEqual({ ok: false, reason: 'bad-header' }); // more fragments
    expect(ahVerify(inb, bad((q) => (q[7] = 0x08)))).toEqual({ ok: false, reason: 'bad-header' }); // offset
    expect(ahVerify(inb, bad((q) => (q[21] = 3)))).toEqual({ ok: false, reason: 'bad-header' }); // AH length
    expect(ahVerify(inb, bad((q) => (q[27] ^= 1)))).toEqual({ ok: false, reason: 'invalid-spi' });
    expect(ahVerify(inb, 42 as never)).toEqual({ ok: false, reason: 'bad-header' });
    expect(ok(ahVerify(inb, p, { window })).seq).toBe(1);
    expect(ahVerify(inb, p, { window })).toEqual({ ok: false, reason: 'replay' });
    const forged = bad((q) => (q[q.length - 1] ^= 1));
    forged.set([0, 0, 0, 2], 28); // a fresh sequence number, but the ICV cannot match
    expect(ahVerify(inb, forged, { window })).toEqual({ ok: false, reason: 'auth' });
    expect(ok(ahVerify(inb, ahProtect(out, 2, innerPacket(80), 4), { window })).seq).toBe(2);
    for (let n = 0; n < 120; n++) expect(ahVerify(inb, p.subarray(0, n)).ok).toBe(false);
  });

  it('refuses an ESP SA and bad arguments, naming them', () => {
    const ctx = new AhContext(ahSa('hmac-md5-96'), engine);
    expect(() => ahProtect(ctx, 1, innerPacket(10), 4, { ttl: 300 })).toThrow(/outer: tos and ttl take 0..255/);
    expect(() => ahProtect(ctx, TWO32, innerPacket(10))).toThrow(/seq/);
    expect(() => ahProtect(ctx, 1, innerPacket(70_000))).toThrow(/innerPacket: 70000 bytes do not fit/);
    expect(() => new AhContext({ ...ahSa('hmac-md5-96'), encryption: 'aes-128-cbc' }, engine)).toThrow(/encryption: AH has no encryption algorithm/);
  });
});
