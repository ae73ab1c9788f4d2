/**
 * Both crypto engines against known answers (strongSwan's RFC-derived vectors, Wycheproof,
 * RFC 2202 for HMAC-MD5) and against each other: every algorithm, byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, loadEngine, type CryptoEngine, type EngineName } from '../../../crypto/engine.js';
import { nativeEngine } from '../../../crypto/native.js';
import type { HashName } from '../../../crypto/suites.js';
import {
  hex,
  loadJson,
  toHex,
  type StrongswanFile,
  type SwAead,
  type SwCrypter,
  type SwPrf,
  type SwSigner,
  type WpAeadGroup,
  type WpMacGroup,
  type WycheproofFile,
} from './vectors.js';

const engines: Record<EngineName, CryptoEngine> = { native: nativeEngine, software: await loadEngine('software') };
const ENGINES = ['native', 'software'] as const;

const gcmVectors = loadJson<StrongswanFile<SwAead>>('strongswan/aes_gcm.json').vectors;
const chachaVectors = loadJson<StrongswanFile<SwAead>>('strongswan/chacha20poly1305.json').vectors;
const cbcVectors = loadJson<StrongswanFile<SwCrypter>>('strongswan/aes_cbc.json').vectors;
const sha1Vectors = loadJson<StrongswanFile<SwSigner | SwPrf>>('strongswan/sha1_hmac.json').vectors;
const sha2Vectors = loadJson<StrongswanFile<SwSigner | SwPrf>>('strongswan/sha2_hmac.json').vectors;

/** The ICV length a strongSwan algorithm name implies (…_96 → 12 bytes, _SHA2_256_128 → 16, …). */
function icvBytes(alg: string): number {
  const m = /_(\d+)$/.exec(alg);
  return Number(m![1]) / 8;
}

function hashOf(alg: string): HashName {
  if (alg.includes('SHA2_256')) return 'sha256';
  if (alg.includes('SHA2_384')) return 'sha384';
  if (alg.includes('SHA2_512')) return 'sha512';
  if (alg.includes('SHA1')) return 'sha1';
  throw new Error(`no hash in ${alg}`);
}

describe.each(ENGINES)('%s engine: known answers', (name) => {
  const engine = engines[name];

  it.each(gcmVectors.map((v) => [v.name, v] as const))('AES-GCM %s (RFC 4106 layout: key ‖ salt, 8-byte IV)', (_n, v) => {
    const keymat = hex(v.key);
    const key = keymat.subarray(0, keymat.length - 4);
    const nonce = new Uint8Array([...keymat.subarray(keymat.length - 4), ...hex(v.iv)]);
    const aad = hex(v.adata ?? '');
    const plain = hex(v.plain);
    const expected = hex(v.cipher);
    const icv = Number(/ICV(\d+)$/.exec(v.alg)![1]); // ENCR_AES_GCM_ICV8/12/16, in bytes
    const ctx = engine.aead('aes-gcm', key);
    const sealed = ctx.seal(nonce, aad, plain);
    // Junos only uses the 16-byte ICV; a shorter GCM ICV is a prefix of the full tag.
    expect(toHex(sealed.subarray(0, plain.length + icv))).toBe(v.cipher);
    expect(sealed.length).toBe(plain.length + 16);
    expect(toHex(ctx.open(nonce, aad, sealed)!)).toBe(v.plain);
    if (icv === 16) expect(toHex(ctx.open(nonce, aad, expected)!)).toBe(v.plain);
  });

  it.each(chachaVectors.map((v) => [v.name, v] as const))('ChaCha20-Poly1305 %s (RFC 7539 / RFC 7634)', (_n, v) => {
    const keymat = hex(v.key);
    const ctx = engine.aead('chacha20-poly1305', keymat.subarray(0, 32));
    const nonce = new Uint8Array([...keymat.subarray(32), ...hex(v.iv)]);
    const aad = hex(v.adata ?? '');
    expect(toHex(ctx.seal(nonce, aad, hex(v.plain)))).toBe(v.cipher);
    expect(toHex(ctx.open(nonce, aad, hex(v.cipher))!)).toBe(v.plain);
    const tampered = hex(v.cipher);
    tampered[0]! ^= 1;
    expect(ctx.open(nonce, aad, tampered)).toBeNull();
  });

  it.each(cbcVectors.map((v) => [v.name, v] as const))('AES-CBC %s (RFC 3602)', (_n, v) => {
    const ctx = engine.cbc(hex(v.key));
    expect(toHex(ctx.encrypt(hex(v.iv), hex(v.plain)))).toBe(v.cipher);
    expect(toHex(ctx.decrypt(hex(v.iv), hex(v.cipher)))).toBe(v.plain);
  });

  it.each([...sha1Vectors, ...sha2Vectors].map((v) => [v.name, v] as const))('HMAC %s (RFC 2202 / RFC 4231 / RFC 4868)', (_n, v) => {
    const ctx = engine.hmac(hashOf(v.alg), hex(v.key));
    if (v.type === 'prf_test_vector_t') {
      expect(toHex(ctx.mac(hex(v.seed)))).toBe(v.out);
    } else {
      // The ICV is the truncated MAC; sha1_hmac_s4's `mac` carries junk after its 12 bytes.
      const n = icvBytes(v.alg);
      const mac = ctx.mac(hex(v.data));
      expect(toHex(mac.subarray(0, n))).toBe(v.mac.slice(0, 2 * n));
      expect(ctx.verify(hex(v.mac).subarray(0, n), hex(v.data))).toBe(true);
    }
  });

  // RFC 2202 §2 (HMAC-MD5 test cases 1, 2, 3, 4 and 6): not in the shared vectors.
  it.each([
    ['0b'.repeat(16), Buffer.from('Hi There').toString('hex'), '9294727a3638bb1c13f48ef8158bfc9d'],
    [Buffer.from('Jefe').toString('hex'), Buffer.from('what do ya want for nothing?').toString('hex'), '750c783e6ab0b503eaa86e310a5db738'],
    ['aa'.repeat(16), 'dd'.repeat(50), '56be34521d144c88dbb8c733f0e8b3f6'],
    ['0102030405060708090a0b0c0d0e0f10111213141516171819', 'cd'.repeat(50), '697eaf0aca3a3aea3a75164746ffaa79'],
    ['aa'.repeat(80), Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First').toString('hex'), '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd'],
  ])('HMAC-MD5 RFC 2202 key %s', (key, data, mac) => {
    const ctx = engine.hmac('md5', hex(key));
    expect(toHex(ctx.mac(hex(data)))).toBe(mac);
    expect(ctx.verify(hex(mac).subarray(0, 12), hex(data))).toBe(true); // hmac-md5-96
  });

  it('Wycheproof AES-GCM: valid cases pass, invalid ones are rejected, non-96-bit IVs refused at the boundary', () => {
    const groups = loadJson<WycheproofFile<WpAeadGroup>>('wycheproof/aes_gcm_test.json').testGroups;
    let valid = 0;
    let rejected = 0;
    for (const g of groups) {
      for (const t of g.tests) {
        const ctx = engine.aead('aes-gcm', hex(t.key));
        const sealed = hex(t.ct + t.tag);
        if (g.ivSize !== 96) {
          // ESP nonces are always salt ‖ 8-byte IV: other lengths are outside the API.
          expect(() => ctx.open(hex(t.iv), hex(t.aad), sealed), `tc ${t.tcId}`).toThrow(RangeError);
          expect(() => ctx.seal(hex(t.iv), hex(t.aad), hex(t.msg)), `tc ${t.tcId}`).toThrow(/nonce/);
          rejected++;
          continue;
        }
        const opened = ctx.open(hex(t.iv), hex(t.aad), sealed);
        if (t.result === 'valid') {
          expect(toHex(opened!), `tc ${t.tcId}`).toBe(t.msg);
          expect(toHex(ctx.seal(hex(t.iv), hex(t.aad), hex(t.msg))), `tc ${t.tcId}`).toBe(t.ct + t.tag);
          valid++;
        } else {
          expect(opened, `tc ${t.tcId}`).toBeNull();
          rejected++;
        }
      }
    }
    // 116 valid and 81 invalid cases with 96-bit IVs; 119 with other IV lengths.
    expect([valid, rejected]).toEqual([116, 81 + 119]);
  });

  it.each(['sha256', 'sha384', 'sha512'] as const)('Wycheproof HMAC-%s: valid tags verify, modified tags do not', (hash) => {
    const groups = loadJson<WycheproofFile<WpMacGroup>>(`wycheproof/hmac_${hash}_test.json`).testGroups;
    let count = 0;
    for (const g of groups) {
      for (const t of g.tests) {
        const ctx = engine.hmac(hash, hex(t.key));
        const tag = hex(t.tag);
        expect(ctx.verify(tag, hex(t.msg)), `tc ${t.tcId}`).toBe(t.result === 'valid');
        if (t.result === 'valid') expect(toHex(ctx.mac(hex(t.msg)).subarray(0, tag.length))).toBe(t.tag);
        count++;
      }
    }
    expect(count).toBe(174);
  });
});

describe('the two engines agree byte for byte', () => {
  const sizes = [0, 1, 15, 16, 17, 64, 255, 1400];
  it.each([
    ['aes-gcm', 16],
    ['aes-gcm', 24],
    ['aes-gcm', 32],
    ['chacha20-poly1305', 32],
  ] as const)('%s with a %i-byte key', (alg, keyLength) => {
    const key = randomBytes(keyLength);
    const [a, b] = [engines.native.aead(alg, key), engines.software.aead(alg, key)];
    for (const n of sizes) {
      const nonce = randomBytes(12);
      const aad = randomBytes(n % 13);
      const pt = randomBytes(n);
      const sa = a.seal(nonce, aad, pt);
      expect(toHex(b.seal(nonce, aad, pt))).toBe(toHex(sa));
      expect(toHex(b.open(nonce, aad, sa)!)).toBe(toHex(pt));
      expect(toHex(a.open(nonce, aad, sa)!)).toBe(toHex(pt));
      const out = new Uint8Array(n + 20);
      expect(b.sealInto(nonce, aad, pt, out, 4)).toBe(n + 16);
      expect(toHex(out.subarray(4))).toBe(toHex(sa));
    }
  });

  it.each([16, 24, 32])('AES-CBC with a %i-byte key', (keyLength) => {
    const key = randomBytes(keyLength);
    const [a, b] = [engines.native.cbc(key), engines.software.cbc(key)];
    for (const n of [0, 16, 32, 1408]) {
      const iv = randomBytes(16);
      const pt = randomBytes(n);
      const ct = a.encrypt(iv, pt);
      expect(toHex(b.encrypt(iv, pt))).toBe(toHex(ct));
      expect(toHex(b.decrypt(iv, ct))).toBe(toHex(pt));
      expect(toHex(a.decrypt(iv, ct))).toBe(toHex(pt));
    }
  });

  it.each(['md5', 'sha1', 'sha256', 'sha384', 'sha512'] as const)('HMAC-%s, with and without a suffix', (hash) => {
    for (const keyLength of [0, 16, 64, 200]) {
      const key = randomBytes(keyLength);
      const [a, b] = [engines.native.hmac(hash, key), engines.software.hmac(hash, key)];
      for (const n of [0, 3, 1400]) {
        const data = randomBytes(n);
        const suffix = randomBytes(4);
        expect(toHex(b.mac(data))).toBe(toHex(a.mac(data)));
        expect(toHex(b.mac(data, suffix))).toBe(toHex(a.mac(data, suffix)));
        expect(toHex(a.mac(data, suffix))).toBe(toHex(a.mac(new Uint8Array([...data, ...suffix]))));
        // A keyed context is reusable: the second MAC equals the first.
        expect(toHex(b.mac(data))).toBe(toHex(b.mac(data)));
      }
    }
  });
});

describe.each(ENGINES)('%s engine: boundary checks name the argument', (name) => {
  const engine = engines[name];
  it('rejects wrong types with TypeError and wrong lengths with RangeError', () => {
    expect(() => engine.aead('aes-gcm', 'key' as unknown as Uint8Array)).toThrow(new TypeError('key: expected a Uint8Array'));
    expect(() => engine.aead('aes-gcm', new Uint8Array(20))).toThrow(RangeError);
    expect(() => engine.aead('chacha20-poly1305', new Uint8Array(16))).toThrow(/key: ChaCha20-Poly1305 takes 32 bytes/);
    expect(() => engine.aead('aes-ccm' as never, new Uint8Array(16))).toThrow(/alg/);
    expect(() => engine.cbc(new Uint8Array(8))).toThrow(/key: AES-CBC takes 16, 24 or 32 bytes, got 8/);
    expect(() => engine.hmac('sha3' as never, new Uint8Array(8))).toThrow(/hash: unknown hash/);
    const gcm = engine.aead('aes-gcm', new Uint8Array(16));
    expect(() => gcm.seal(new Uint8Array(8), new Uint8Array(0), new Uint8Array(1))).toThrow(/nonce: expected 12 bytes/);
    expect(() => gcm.seal(new Uint8Array(12), 'aad' as never, new Uint8Array(1))).toThrow(new TypeError('aad: expected a Uint8Array'));
    expect(() => gcm.open(new Uint8Array(12), new Uint8Array(0), new Uint8Array(15))).toThrow(/sealed: shorter than the 16-byte tag/);
    expect(() => gcm.sealInto(new Uint8Array(12), new Uint8Array(0), new Uint8Array(10), new Uint8Array(20), 0)).toThrow(/out: 26 bytes/);
    const cbc = engine.cbc(new Uint8Array(16));
    expect(() => cbc.encrypt(new Uint8Array(16), new Uint8Array(17))).toThrow(/data: length 17 is not a multiple/);
    expect(() => cbc.decrypt(new Uint8Array(8), new Uint8Array(16))).toThrow(/iv: expected 16 bytes/);
    const mac = engine.hmac('sha256', new Uint8Array(32));
    expect(() => mac.mac(null as never)).toThrow(new TypeError('data: expected a Uint8Array'));
    expect(() => mac.verify(new Uint8Array(9), new Uint8Array(1))).toThrow(/tag: 9 bytes/);
  });
});

describe('loadEngine', () => {
  it('returns one instance per engine and refuses unknown names', async () => {
    expect(await loadEngine('native')).toBe(nativeEngine);
    expect((await loadEngine('software')).name).toBe('software');
    await expect(loadEngine('hardware' as never)).rejects.toThrow(/engine: unknown engine/);
  });

  it('constantTimeEqual compares the requested prefix only', () => {
    expect(constantTimeEqual(hex('0102'), hex('0103'), 1)).toBe(true);
    expect(constantTimeEqual(hex('0102'), hex('0103'))).toBe(false);
    expect(constantTimeEqual(hex('01'), hex('0102'), 2)).toBe(false);
  });
});
