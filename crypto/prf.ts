/**
 * The IKEv2 pseudo-random functions (IANA "Transform Type 2") and prf+ (RFC 7296 §2.13), on top
 * of `CryptoEngine.hmac`, so both engines run them and give the same bytes.
 *
 * Only the HMAC PRFs exist here: PRF_HMAC_MD5 (1, RFC 2104), PRF_HMAC_SHA1 (2, RFC 2104),
 * PRF_HMAC_SHA2_256/384/512 (5/6/7, RFC 4868 §2.1.2). Their preferred key length, which sizes
 * SK_d, SK_pi and SK_pr (RFC 7296 §2.14), is their output length (RFC 4868 §2.1.2 for SHA-2; the
 * full hash output for MD5 and SHA-1 as well, 16 and 20 bytes). An HMAC PRF takes keys of any
 * length, so SKEYSEED = prf(Ni | Nr, g^ir) needs none of the special nonce handling that
 * AES-XCBC-PRF-128 and AES-CMAC-PRF-128 get in §2.14 (this emulator offers neither).
 */
import type { CryptoEngine, HmacContext } from './engine.js';
import type { HashName } from './suites.js';

/** IANA IKEv2 PRF transform ids implemented here. */
export type PrfId = 1 | 2 | 5 | 6 | 7;

export interface PrfAlgorithm {
  readonly id: PrfId;
  /** IANA name. */
  readonly name: 'PRF_HMAC_MD5' | 'PRF_HMAC_SHA1' | 'PRF_HMAC_SHA2_256' | 'PRF_HMAC_SHA2_384' | 'PRF_HMAC_SHA2_512';
  readonly hash: HashName;
  /** Bytes of one PRF output. */
  readonly outputLength: number;
  /** Preferred key length in bytes: the length of SK_d, SK_pi and SK_pr. */
  readonly keyLength: number;
  readonly rfc: string;
}

function alg(id: PrfId, name: PrfAlgorithm['name'], hash: HashName, length: number, rfc: string): PrfAlgorithm {
  return Object.freeze({ id, name, hash, outputLength: length, keyLength: length, rfc });
}

export const PRF_ALGORITHMS: Readonly<Record<PrfId, PrfAlgorithm>> = Object.freeze({
  1: alg(1, 'PRF_HMAC_MD5', 'md5', 16, 'RFC 2104'),
  2: alg(2, 'PRF_HMAC_SHA1', 'sha1', 20, 'RFC 2104'),
  5: alg(5, 'PRF_HMAC_SHA2_256', 'sha256', 32, 'RFC 4868'),
  6: alg(6, 'PRF_HMAC_SHA2_384', 'sha384', 48, 'RFC 4868'),
  7: alg(7, 'PRF_HMAC_SHA2_512', 'sha512', 64, 'RFC 4868'),
});

/** The HMAC PRF built on each hash. */
export const PRF_BY_HASH: Readonly<Record<HashName, PrfId>> = Object.freeze({ md5: 1, sha1: 2, sha256: 5, sha384: 6, sha512: 7 });

export function isSupportedPrf(id: unknown): id is PrfId {
  return typeof id === 'number' && Object.hasOwn(PRF_ALGORITHMS, id);
}

/** prf+ stops at 255 blocks: its counter is one octet (RFC 7296 §2.13). */
export const PRF_PLUS_MAX_BLOCKS = 255;

/** A PRF bound to an engine: the object the key-derivation functions take. */
export interface Prf {
  readonly alg: PrfAlgorithm;
  readonly engine: CryptoEngine;
  /** prf(key, data). */
  compute(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** The PRF keyed once, for many calls under the same key (AUTH, prf+). */
  keyed(key: Uint8Array): HmacContext;
}

/** The PRF `id` on `engine`; RangeError for an id this emulator does not offer. */
export function createPrf(engine: CryptoEngine, id: PrfId): Prf {
  if (!isSupportedPrf(id)) {
    throw new RangeError(`prf: unsupported PRF transform ${JSON.stringify(id)} (expected 1, 2, 5, 6 or 7)`);
  }
  const a = PRF_ALGORITHMS[id];
  return Object.freeze({
    alg: a,
    engine,
    compute(key: Uint8Array, data: Uint8Array): Uint8Array {
      return engine.hmac(a.hash, key).mac(data);
    },
    keyed(key: Uint8Array): HmacContext {
      return engine.hmac(a.hash, key);
    },
  });
}

function checkBytes(value: unknown, arg: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${arg}: expected a Uint8Array`);
  return value;
}

/**
 * prf+ (K, S) = T1 | T2 | … truncated to `length` bytes, with T1 = prf(K, S | 0x01) and
 * Tn = prf(K, Tn-1 | S | n) (RFC 7296 §2.13). RangeError beyond 255 blocks.
 */
export function prfPlus(prf: Prf, key: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  checkBytes(key, 'key');
  checkBytes(seed, 'seed');
  const block = prf.alg.outputLength;
  if (!Number.isInteger(length) || length < 0 || length > PRF_PLUS_MAX_BLOCKS * block) {
    throw new RangeError(`length: prf+ with ${prf.alg.name} yields 0..${PRF_PLUS_MAX_BLOCKS * block} bytes, ${length} asked`);
  }
  const out = new Uint8Array(length);
  if (length === 0) return out;
  const mac = prf.keyed(key);
  // One buffer [T(n-1) | S | n]; the first round skips the empty T0.
  const input = new Uint8Array(block + seed.length + 1);
  input.set(seed, block);
  let produced = 0;
  for (let n = 1; produced < length; n++) {
    input[input.length - 1] = n;
    const t = mac.mac(n === 1 ? input.subarray(block) : input);
    const take = Math.min(block, length - produced);
    out.set(take === block ? t : t.subarray(0, take), produced);
    produced += take;
    input.set(t, 0);
  }
  return out;
}

/** Byte strings joined (for the `A | B | …` of the RFC). */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += checkBytes(p, 'part').length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
