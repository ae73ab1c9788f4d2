/**
 * The Encrypted payload (RFC 7296 §3.14) with every cipher the SK codec supports, checked against
 * an independent construction made directly with node:crypto in this file: the message layout,
 * what the ICV (CBC) or the AEAD associated data covers (RFC 5282 §5.1: IKE header through the
 * SK header, payloads in between included, IV excluded), padding, and tampering.
 */
import { createCipheriv, createHmac, type CipherGCMTypes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeChain } from '../../../../ike/wire/codec.js';
import { EncrId, IntegId } from '../../../../ike/wire/constants.js';
import { decodeMessage, encodeMessage } from '../../../../ike/wire/message.js';
import { createSkCipher, minimalPadLength, openSk, type SkKeys, type SkTransforms } from '../../../../ike/wire/sk.js';
import type { Payload } from '../../../../ike/wire/types.js';
import { accepted, countingIv, ENGINE_NAMES, ENGINES, hex, toHex } from './helpers.js';

const SPI_I = hex('a1a2a3a4a5a6a7a8');
const SPI_R = hex('b1b2b3b4b5b6b7b8');
const HEADER = { spiI: SPI_I, spiR: SPI_R, exchange: 37, initiator: true, response: false, messageId: 7 };

const INNER: Payload[] = [
  { kind: 'delete', critical: false, protocol: 3, spis: [hex('c0c1c2c3')] },
  { kind: 'notify', critical: false, protocol: 0, spi: new Uint8Array(0), notifyType: 16384, data: new Uint8Array(0) },
];
const PLAIN = encodeChain(INNER); // 12 + 8 = 20 bytes, first type Delete (42)

const key = (n: number, base: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (base + i) & 0xff);

interface Suite {
  readonly name: string;
  readonly transforms: SkTransforms;
  readonly keys: SkKeys;
  readonly mode: 'cbc' | 'gcm' | 'chacha';
  readonly hash?: string;
  readonly icv: number;
}

const SUITES: Suite[] = [];
for (const k of [16, 24, 32]) {
  for (const [integ, hash, klen, icv] of [
    [IntegId.HMAC_MD5_96, 'md5', 16, 12],
    [IntegId.HMAC_SHA1_96, 'sha1', 20, 12],
    [IntegId.HMAC_SHA2_256_128, 'sha256', 32, 16],
    [IntegId.HMAC_SHA2_384_192, 'sha384', 48, 24],
    [IntegId.HMAC_SHA2_512_256, 'sha512', 64, 32],
  ] as const) {
    SUITES.push({
      name: `AES-CBC-${k * 8} + ${hash}`,
      transforms: { encryption: EncrId.AES_CBC, keyLength: k * 8, integrity: integ },
      keys: { encryption: key(k, 0x10), integrity: key(klen, 0x80) },
      mode: 'cbc',
      hash,
      icv,
    });
  }
  SUITES.push({ name: `AES-GCM-16-${k * 8}`, transforms: { encryption: EncrId.AES_GCM_16, keyLength: k * 8 }, keys: { encryption: key(k + 4, 0x40) }, mode: 'gcm', icv: 16 });
}
SUITES.push({ name: 'ChaCha20-Poly1305', transforms: { encryption: EncrId.CHACHA20_POLY1305 }, keys: { encryption: key(36, 0x60) }, mode: 'chacha', icv: 16 });

/** The IKE header and SK generic header, written out independently of the codec. */
function prefix(total: number, skLength: number, firstInner: number): Uint8Array {
  const b = new Uint8Array(32);
  b.set(SPI_I, 0);
  b.set(SPI_R, 8);
  b.set([46, 0x20, 37, 0x08, 0, 0, 0, 7], 16); // next SK, v2.0, INFORMATIONAL, Initiator, message ID 7
  new DataView(b.buffer).setUint32(24, total);
  b.set([firstInner, 0, skLength >> 8, skLength & 0xff], 28);
  return b;
}

/** What the message must be, computed with node:crypto alone. */
function reference(s: Suite, iv: Uint8Array, padding: Uint8Array): Uint8Array {
  const pt = Buffer.concat([PLAIN, padding, Uint8Array.of(padding.length)]);
  const skLength = 4 + iv.length + pt.length + s.icv;
  const pre = prefix(32 + iv.length + pt.length + s.icv, skLength, 42);
  if (s.mode === 'cbc') {
    const c = createCipheriv(`aes-${s.keys.encryption.length * 8}-cbc`, s.keys.encryption, iv).setAutoPadding(false);
    const ct = Buffer.concat([c.update(pt), c.final()]);
    const signed = Buffer.concat([pre, iv, ct]);
    const icv = createHmac(s.hash!, s.keys.integrity!).update(signed).digest().subarray(0, s.icv);
    return new Uint8Array(Buffer.concat([signed, icv]));
  }
  const k = s.keys.encryption;
  const nonce = Buffer.concat([k.subarray(k.length - 4), iv]);
  const alg = (s.mode === 'gcm' ? `aes-${(k.length - 4) * 8}-gcm` : 'chacha20-poly1305') as CipherGCMTypes;
  const c = createCipheriv(alg, k.subarray(0, k.length - 4), nonce, { authTagLength: 16 });
  c.setAAD(pre); // header through the SK generic header; not the IV
  const ct = Buffer.concat([c.update(pt), c.final()]);
  return new Uint8Array(Buffer.concat([pre, iv, ct, c.getAuthTag()]));
}

describe.each(ENGINE_NAMES)('%s engine', (engineName) => {
  const engine = ENGINES[engineName];

  describe.each(SUITES.map((s) => [s.name, s] as const))('%s', (_n, s) => {
    const cipher = createSkCipher(engine, s.transforms, s.keys);

    it('seals to the bytes of the independent construction and opens back', () => {
      const iv = key(cipher.ivLength, 0xe0);
      const padding = new Uint8Array(minimalPadLength(cipher, PLAIN.length)).fill(0);
      const bytes = encodeMessage({ header: HEADER, inner: INNER }, { cipher, iv });
      expect(toHex(bytes)).toBe(toHex(reference(s, iv, padding)));
      expect(cipher.icvLength).toBe(s.icv);
      expect(cipher.ivLength).toBe(s.mode === 'cbc' ? 16 : 8);
      const msg = accepted(decodeMessage(bytes, { cipher }));
      expect(msg.inner).toEqual(INNER);
      expect(msg.opening!.plaintext.constructor).toBe(Uint8Array);
      expect(toHex(msg.opening!.iv)).toBe(toHex(iv));
    });

    it('non-minimal padding of chosen bytes is carried exactly and accepted', () => {
      const iv = key(cipher.ivLength, 0x01);
      const padding = key(minimalPadLength(cipher, PLAIN.length) + cipher.blockSize * 3, 0xa0);
      const bytes = encodeMessage({ header: HEADER, inner: INNER }, { cipher, iv, padding });
      expect(toHex(bytes)).toBe(toHex(reference(s, iv, padding)));
      const msg = accepted(decodeMessage(bytes, { cipher }));
      expect(toHex(msg.opening!.padding)).toBe(toHex(padding));
      expect(msg.inner).toEqual(INNER);
    });

    it('any changed byte, header to ICV, fails the integrity check: silent drop', () => {
      const bytes = encodeMessage({ header: HEADER, inner: INNER }, { cipher });
      // message ID, SK header, IV, ciphertext, ICV
      for (const at of [22, 29, 32, 32 + cipher.ivLength + 3, bytes.length - 1]) {
        const t = bytes.slice();
        t[at] = t[at]! ^ 0x01;
        expect(decodeMessage(t, { cipher }), `byte ${at}`).toMatchObject({ ok: false, action: 'drop', reason: 'integrity' });
      }
    });

    it('payloads before SK are authenticated too', () => {
      const outer: Payload[] = [{ kind: 'unknown', critical: false, type: 200, data: hex('0102030405060708') }];
      const bytes = encodeMessage({ header: HEADER, payloads: outer, inner: INNER }, { cipher });
      const msg = accepted(decodeMessage(bytes, { cipher }));
      expect(msg.payloads).toEqual(outer);
      expect(msg.inner).toEqual(INNER);
      const t = bytes.slice();
      t[28 + 4 + 2] ^= 0x40; // inside the unknown payload's body
      expect(decodeMessage(t, { cipher })).toMatchObject({ ok: false, reason: 'integrity', action: 'drop' });
    });

    it('the IV source is injectable: successive messages take successive IVs', () => {
      const counted = createSkCipher(engine, s.transforms, s.keys, countingIv(0));
      const a = encodeMessage({ header: HEADER, inner: INNER }, { cipher: counted });
      const b = encodeMessage({ header: HEADER, inner: INNER }, { cipher: counted });
      const n = counted.ivLength;
      expect(toHex(a.subarray(32, 32 + n))).toBe(toHex(key(n, 0)));
      expect(toHex(b.subarray(32, 32 + n))).toBe(toHex(key(n, n)));
    });
  });
});

describe('padding and length errors', () => {
  const gcm = createSkCipher(ENGINES.native, { encryption: EncrId.AES_GCM_16 }, { encryption: key(20, 1) });
  const cbc = createSkCipher(ENGINES.native, { encryption: EncrId.AES_CBC, integrity: IntegId.HMAC_SHA2_256_128 }, { encryption: key(16, 1), integrity: key(32, 2) });

  /** An INFORMATIONAL sealed with AES-GCM around an arbitrary plaintext (node:crypto). */
  function gcmAround(pt: Uint8Array, response: boolean): Uint8Array {
    const k = key(20, 1);
    const iv = key(8, 9);
    const total = 32 + 8 + pt.length + 16;
    const pre = prefix(total, total - 28, 42);
    if (response) pre[19] = 0x28;
    const c = createCipheriv('aes-128-gcm', k.subarray(0, 16), Buffer.concat([k.subarray(16), iv]), { authTagLength: 16 });
    c.setAAD(pre);
    return new Uint8Array(Buffer.concat([pre, iv, c.update(pt), c.final(), c.getAuthTag()]));
  }

  it('a pad length longer than the plaintext, once authenticated: INVALID_SYNTAX to a request, nothing to a response', () => {
    const pt = Buffer.concat([PLAIN, Uint8Array.of(200)]);
    expect(decodeMessage(gcmAround(pt, false), { cipher: gcm })).toMatchObject({ ok: false, action: 'notify', notify: 7, reason: 'bad-padding' });
    expect(decodeMessage(gcmAround(pt, true), { cipher: gcm })).toMatchObject({ ok: false, action: 'drop', reason: 'bad-padding' });
  });

  it('AEAD: any pad length that fits is accepted (no alignment), padding bytes are free', () => {
    const pt = Buffer.concat([PLAIN, hex('ffeeddccbb'), Uint8Array.of(5)]);
    const msg = accepted(decodeMessage(gcmAround(pt, false), { cipher: gcm }));
    expect(msg.inner).toEqual(INNER);
    expect(toHex(msg.opening!.padding)).toBe('ffeeddccbb');
  });

  it('a body too short for IV and ICV, or a CBC body that is not whole blocks: dropped before any crypto', () => {
    const short = gcmAround(PLAIN, false).subarray(0, 32 + 8 + 16);
    const fixed = short.slice();
    new DataView(fixed.buffer).setUint32(24, fixed.length);
    fixed[30] = 0;
    fixed[31] = fixed.length - 28;
    expect(decodeMessage(fixed, { cipher: gcm })).toMatchObject({ ok: false, action: 'drop', reason: 'sk-length' });
    const c = encodeMessage({ header: HEADER, inner: INNER }, { cipher: cbc });
    const cut = c.slice(0, c.length - 1);
    new DataView(cut.buffer).setUint32(24, cut.length);
    cut[31]! -= 1;
    expect(decodeMessage(cut, { cipher: cbc })).toMatchObject({ ok: false, action: 'drop', reason: 'sk-length' });
    expect(openSk(cbc, c, 32, c.length + 5)).toMatchObject({ ok: false, reason: 'sk-length' });
  });

  it('the sender refuses padding that breaks the block alignment or exceeds 255 bytes', () => {
    expect(() => encodeMessage({ header: HEADER, inner: INNER }, { cipher: cbc, padding: new Uint8Array(4) })).toThrow(RangeError);
    expect(() => encodeMessage({ header: HEADER, inner: INNER }, { cipher: gcm, padding: new Uint8Array(256) })).toThrow(RangeError);
    expect(() => encodeMessage({ header: HEADER, inner: INNER }, { cipher: gcm, iv: new Uint8Array(16) })).toThrow(RangeError);
    expect(() => encodeMessage({ header: HEADER, inner: INNER })).toThrow(TypeError);
  });

  it('without a cipher an SK message comes back sealed', () => {
    const bytes = encodeMessage({ header: HEADER, inner: INNER }, { cipher: gcm });
    const msg = accepted(decodeMessage(bytes));
    expect(msg.inner).toBeUndefined();
    expect(msg.encrypted).toMatchObject({ kind: 'sk', innerFirst: 42 });
    expect(msg.encrypted!.encrypted.length).toBe(bytes.length - 32);
  });
});

describe('createSkCipher: configuration errors throw', () => {
  const e = ENGINES.native;
  it.each([
    ['AES-CBC with a 20-byte key', { encryption: EncrId.AES_CBC, integrity: 12 }, { encryption: key(20, 0), integrity: key(32, 0) }],
    ['AES-CBC key length attribute disagreeing', { encryption: EncrId.AES_CBC, keyLength: 256, integrity: 12 }, { encryption: key(16, 0), integrity: key(32, 0) }],
    ['AES-CBC without integrity', { encryption: EncrId.AES_CBC }, { encryption: key(16, 0) }],
    ['AES-CBC with AES-XCBC integrity', { encryption: EncrId.AES_CBC, integrity: IntegId.AES_XCBC_96 }, { encryption: key(16, 0), integrity: key(16, 0) }],
    ['HMAC-SHA2-256 with a 20-byte key', { encryption: EncrId.AES_CBC, integrity: 12 }, { encryption: key(16, 0), integrity: key(20, 0) }],
    ['AES-GCM with an integrity transform', { encryption: EncrId.AES_GCM_16, integrity: 12 }, { encryption: key(20, 0), integrity: key(32, 0) }],
    ['AES-GCM with 17 bytes of key material', { encryption: EncrId.AES_GCM_16 }, { encryption: key(17, 0) }],
    ['ChaCha20-Poly1305 with 32 bytes (no salt)', { encryption: EncrId.CHACHA20_POLY1305 }, { encryption: key(32, 0) }],
    ['AES-CTR', { encryption: EncrId.AES_CTR }, { encryption: key(20, 0) }],
  ] as const)('%s', (_n, t, k) => {
    expect(() => createSkCipher(e, t, k)).toThrow(RangeError);
  });
});
