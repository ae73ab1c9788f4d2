/**
 * IKEv2 PRFs and prf+ (RFC 7296 §2.13) on both engines: RFC 2202 / RFC 4231 / RFC 4868 PRF
 * outputs (strongSwan's transcription), NIST CAVP SP 800-135 IKEv2 SKEYSEED and prf+ vectors.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadEngine, type CryptoEngine } from '../../../crypto/engine.js';
import { skeyseed } from '../../../crypto/ike-keys.js';
import { nativeEngine } from '../../../crypto/native.js';
import { concatBytes, createPrf, isSupportedPrf, PRF_ALGORITHMS, PRF_PLUS_MAX_BLOCKS, prfPlus, type PrfId } from '../../../crypto/prf.js';
import { hex, loadJson, toHex, type StrongswanFile, type SwPrf, type SwSigner } from './vectors.js';

const engines: Record<'native' | 'software', CryptoEngine> = { native: nativeEngine, software: await loadEngine('software') };
const ENGINES = ['native', 'software'] as const;

const PRF_IDS: Record<string, PrfId> = { PRF_HMAC_MD5: 1, PRF_HMAC_SHA1: 2, PRF_HMAC_SHA2_256: 5, PRF_HMAC_SHA2_384: 6, PRF_HMAC_SHA2_512: 7 };

interface SwKdf {
  name: string;
  'arg.prf': string;
  key: string;
  salt: string;
  out: string;
}

const prfVectors = [...loadJson<StrongswanFile<SwPrf | SwSigner>>('strongswan/sha1_hmac.json').vectors, ...loadJson<StrongswanFile<SwPrf | SwSigner>>('strongswan/sha2_hmac.json').vectors].filter(
  (v): v is SwPrf => v.type === 'prf_test_vector_t',
);
const kdfPrf = loadJson<StrongswanFile<SwKdf>>('strongswan/kdf_prf.json').vectors;
const kdfPrfPlus = loadJson<StrongswanFile<SwKdf>>('strongswan/kdf_prf_plus.json').vectors;

describe('PRF table', () => {
  it('has the five HMAC PRFs with IANA ids, output and preferred key lengths', () => {
    expect(Object.values(PRF_ALGORITHMS).map((a) => [a.id, a.name, a.hash, a.outputLength, a.keyLength])).toEqual([
      [1, 'PRF_HMAC_MD5', 'md5', 16, 16],
      [2, 'PRF_HMAC_SHA1', 'sha1', 20, 20],
      [5, 'PRF_HMAC_SHA2_256', 'sha256', 32, 32],
      [6, 'PRF_HMAC_SHA2_384', 'sha384', 48, 48],
      [7, 'PRF_HMAC_SHA2_512', 'sha512', 64, 64],
    ]);
    for (const id of [0, 3, 4, 8, '5', null]) expect(isSupportedPrf(id)).toBe(false);
    expect(() => createPrf(nativeEngine, 4 as PrfId)).toThrow(RangeError); // AES-XCBC-PRF-128: not offered
  });
});

describe.each(ENGINES)('%s engine', (name) => {
  const engine = engines[name];

  it('covers every transcribed PRF vector', () => {
    expect(prfVectors.length).toBe(21);
    expect(kdfPrf.length).toBe(6);
    expect(kdfPrfPlus.length).toBe(7);
  });

  it.each(prfVectors.map((v) => [v.name, v] as const))('prf %s (RFC 2202 / RFC 4231 / RFC 4868)', (_n, v) => {
    const prf = createPrf(engine, PRF_IDS[v.alg]!);
    expect(toHex(prf.compute(hex(v.key), hex(v.seed)))).toBe(v.out);
    expect(toHex(prf.keyed(hex(v.key)).mac(hex(v.seed)))).toBe(v.out);
  });

  // RFC 2202 §2 test cases 2 and 6 (HMAC-MD5): PRF_HMAC_MD5 has no strongSwan PRF vector.
  it.each([
    [Buffer.from('Jefe').toString('hex'), Buffer.from('what do ya want for nothing?').toString('hex'), '750c783e6ab0b503eaa86e310a5db738'],
    ['aa'.repeat(80), Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First').toString('hex'), '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd'],
  ])('PRF_HMAC_MD5 RFC 2202 key %s', (key, data, out) => {
    expect(toHex(createPrf(engine, 1).compute(hex(key), hex(data)))).toBe(out);
  });

  it.each(kdfPrf.map((v) => [v.name, v] as const))('SKEYSEED = prf(Ni | Nr, g^ir), CAVP %s', (_n, v) => {
    const prf = createPrf(engine, PRF_IDS[v['arg.prf']]!);
    const nonces = hex(v.salt);
    const half = nonces.length / 2; // the CAVP nonces are of equal length
    expect(toHex(skeyseed(prf, nonces.subarray(0, half), nonces.subarray(half), hex(v.key)))).toBe(v.out);
  });

  it.each(kdfPrfPlus.map((v) => [v.name, v] as const))('prf+ %s', (_n, v) => {
    const prf = createPrf(engine, PRF_IDS[v['arg.prf']]!);
    const out = hex(v.out);
    expect(toHex(prfPlus(prf, hex(v.key), hex(v.salt), out.length))).toBe(v.out);
    // a shorter request is a prefix (prf+ is a stream)
    expect(toHex(prfPlus(prf, hex(v.key), hex(v.salt), 7))).toBe(v.out.slice(0, 14));
  });

  it('prf+ is T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), up to 255 blocks', () => {
    const prf = createPrf(engine, 2);
    const key = hex('0102030405');
    const seed = hex('a0a1a2');
    const ref = (k: Uint8Array, d: Uint8Array) => new Uint8Array(createHmac('sha1', k).update(d).digest());
    const t1 = ref(key, concatBytes(seed, hex('01')));
    const t2 = ref(key, concatBytes(t1, seed, hex('02')));
    const t3 = ref(key, concatBytes(t2, seed, hex('03')));
    expect(toHex(prfPlus(prf, key, seed, 50))).toBe(toHex(concatBytes(t1, t2, t3)).slice(0, 100));
    expect(prfPlus(prf, key, seed, 0).length).toBe(0);
    const all = prfPlus(prf, key, seed, PRF_PLUS_MAX_BLOCKS * 20);
    let t = t3;
    for (let n = 4; n <= 255; n++) t = ref(key, concatBytes(t, seed, new Uint8Array([n])));
    expect(toHex(all.subarray(254 * 20))).toBe(toHex(t));
    expect(() => prfPlus(prf, key, seed, PRF_PLUS_MAX_BLOCKS * 20 + 1)).toThrow(RangeError);
    expect(() => prfPlus(prf, key, seed, 1.5)).toThrow(RangeError);
    expect(() => prfPlus(prf, 'k' as unknown as Uint8Array, seed, 1)).toThrow(TypeError);
  });
});

it('both engines give the same prf+ stream for every PRF', () => {
  for (const id of [1, 2, 5, 6, 7] as const) {
    const key = hex('00112233445566778899aabbccddeeff0011');
    const seed = hex('fe'.repeat(70));
    expect(toHex(prfPlus(createPrf(engines.software, id), key, seed, 300))).toBe(toHex(prfPlus(createPrf(engines.native, id), key, seed, 300)));
  }
});
