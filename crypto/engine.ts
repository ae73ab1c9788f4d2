/**
 * One interface, two crypto engines:
 *
 * - `native`: node:crypto (OpenSSL). It plays the SPC3's hardware crypto engine (seed, Table 5)
 *   and is the fast one (reference/performance.md §1: 5–14× noble for ESP AES-GCM).
 * - `software`: @noble/ciphers + @noble/hashes, pure JavaScript. A worker loads it only when an
 *   SA asks for it (an idle SPU thread is ~9 MB bare, ~20 MB with noble: performance.md §3d), so
 *   it is reached through `loadEngine()` and never imported statically by the data path.
 *
 * Both engines produce identical bytes (the tests run every vector through both).
 *
 * Contexts are per key: a context is created once per SA and caches what the engine can keep
 * (a KeyObject, a keyed HMAC state) so the per-packet path does no key handling it can avoid.
 * Arguments are checked at this boundary: TypeError for a wrong type, RangeError for a wrong
 * length, each naming the argument.
 */
import type { AeadName, HashName } from './suites.js';

export type EngineName = 'native' | 'software';

export const ENGINE_NAMES: readonly EngineName[] = ['native', 'software'];

/** Length of every AEAD nonce here: salt (4) ‖ explicit IV (8), RFC 4106 §4 / RFC 7634 §2. */
export const AEAD_NONCE_LENGTH = 12;
/** Every AEAD tag here is the full 16 bytes (Junos has no truncated AEAD ICVs). */
export const AEAD_TAG_LENGTH = 16;
export const AES_BLOCK = 16;

/** An AEAD keyed once (one per SA). */
export interface AeadContext {
  readonly alg: AeadName;
  /**
   * Encrypt `plaintext` and write ciphertext ‖ 16-byte tag into `out` at `offset`; returns the
   * number of bytes written (plaintext.length + 16). `out` may overlap `plaintext` only if the
   * plaintext was already consumed (the engines read all input before writing).
   */
  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): number;
  /** ciphertext ‖ tag as a new array. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** The plaintext of ciphertext ‖ tag, or null when the tag does not verify. */
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}

/** AES-CBC keyed once, without padding: lengths must be whole blocks. */
export interface CbcContext {
  readonly keyLength: number;
  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
}

/** HMAC keyed once. */
export interface HmacContext {
  readonly hash: HashName;
  /** Bytes of the full (untruncated) MAC. */
  readonly macLength: number;
  /** HMAC(key, data ‖ suffix), full length. `suffix` serves the ESN high bits (RFC 4303 §2.2.1). */
  mac(data: Uint8Array, suffix?: Uint8Array): Uint8Array;
  /** Constant-time check of a tag truncated to its length (10 bytes at least, RFC 2104 §5). */
  verify(tag: Uint8Array, data: Uint8Array, suffix?: Uint8Array): boolean;
}

export interface CryptoEngine {
  readonly name: EngineName;
  /** `key` is the bare cipher key (no salt): 16/24/32 bytes for AES-GCM, 32 for ChaCha20. */
  aead(alg: AeadName, key: Uint8Array): AeadContext;
  /** `key`: 16, 24 or 32 bytes. */
  cbc(key: Uint8Array): CbcContext;
  /** `key`: any length (HMAC hashes long keys, RFC 2104 §3). */
  hmac(hash: HashName, key: Uint8Array): HmacContext;
}

const loaded = new Map<EngineName, Promise<CryptoEngine>>();

/**
 * The engine of that name, loading its module on first use. The software engine's module (and
 * @noble with it) is imported only here, so a worker that never sees a software SA never loads it.
 */
export function loadEngine(name: EngineName): Promise<CryptoEngine> {
  if (name !== 'native' && name !== 'software') {
    return Promise.reject(new RangeError(`engine: unknown engine ${JSON.stringify(name)} (expected native or software)`));
  }
  let p = loaded.get(name);
  if (!p) {
    p = name === 'native' ? import('./native.js').then((m) => m.nativeEngine) : import('./software.js').then((m) => m.softwareEngine);
    loaded.set(name, p);
  }
  return p;
}

/** Which engines this thread has loaded so far (diagnostics: noble must stay out of idle SPUs). */
export function loadedEngines(): EngineName[] {
  return [...loaded.keys()];
}

// ---- boundary checks shared by both engines -------------------------------------------------

/** @internal */
export function _bytes(value: unknown, arg: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${arg}: expected a Uint8Array`);
  return value;
}

/** @internal */
export function _checkAeadKey(alg: AeadName, key: unknown): Uint8Array {
  const k = _bytes(key, 'key');
  if (alg === 'aes-gcm') {
    if (k.length !== 16 && k.length !== 24 && k.length !== 32) throw new RangeError(`key: AES-GCM takes 16, 24 or 32 bytes, got ${k.length}`);
  } else if (alg === 'chacha20-poly1305') {
    if (k.length !== 32) throw new RangeError(`key: ChaCha20-Poly1305 takes 32 bytes, got ${k.length}`);
  } else {
    throw new RangeError(`alg: unknown AEAD ${JSON.stringify(alg)}`);
  }
  return k;
}

/** @internal */
export function _checkCbcKey(key: unknown): Uint8Array {
  const k = _bytes(key, 'key');
  if (k.length !== 16 && k.length !== 24 && k.length !== 32) throw new RangeError(`key: AES-CBC takes 16, 24 or 32 bytes, got ${k.length}`);
  return k;
}

const MAC_LENGTHS: Readonly<Record<HashName, number>> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** @internal */
export function _macLength(hash: unknown): number {
  if (typeof hash !== 'string' || !Object.hasOwn(MAC_LENGTHS, hash)) {
    throw new RangeError(`hash: unknown hash ${JSON.stringify(hash)} (expected md5, sha1, sha256, sha384 or sha512)`);
  }
  return MAC_LENGTHS[hash as HashName];
}

/** @internal */
export function _checkNonce(nonce: unknown): Uint8Array {
  const n = _bytes(nonce, 'nonce');
  if (n.length !== AEAD_NONCE_LENGTH) throw new RangeError(`nonce: expected ${AEAD_NONCE_LENGTH} bytes (salt ‖ IV), got ${n.length}`);
  return n;
}

/** @internal */
export function _checkIv(iv: unknown): Uint8Array {
  const v = _bytes(iv, 'iv');
  if (v.length !== AES_BLOCK) throw new RangeError(`iv: expected ${AES_BLOCK} bytes, got ${v.length}`);
  return v;
}

/** @internal */
export function _checkBlocks(data: unknown): Uint8Array {
  const d = _bytes(data, 'data');
  if (d.length % AES_BLOCK !== 0) throw new RangeError(`data: length ${d.length} is not a multiple of the ${AES_BLOCK}-byte AES block`);
  return d;
}

/** @internal */
export function _checkOut(out: unknown, offset: unknown, need: number): Uint8Array {
  const o = _bytes(out, 'out');
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw new RangeError('offset: expected a non-negative integer');
  if (offset + need > o.length) throw new RangeError(`out: ${need} bytes at offset ${offset} do not fit in ${o.length}`);
  return o;
}

/** @internal */
export function _checkSealed(sealed: unknown): Uint8Array {
  const s = _bytes(sealed, 'sealed');
  if (s.length < AEAD_TAG_LENGTH) throw new RangeError(`sealed: shorter than the ${AEAD_TAG_LENGTH}-byte tag`);
  return s;
}

/** @internal */
export function _checkTag(tag: unknown, macLength: number): Uint8Array {
  const t = _bytes(tag, 'tag');
  // RFC 2104 §5 asks for at least 80 bits (its "half the output" advice is broken by the
  // 96-bit ICVs of SHA-256-96 that ESP uses, so only the 80-bit floor is enforced).
  if (t.length < 10 || t.length > macLength) throw new RangeError(`tag: ${t.length} bytes is outside 10..${macLength}`);
  return t;
}

/** Constant-time equality of two byte ranges of equal length (the length is not secret). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array, length = a.length): boolean {
  if (a.length < length || b.length < length) return false;
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * What both engines' HMAC contexts share: the tag check (constant time, over the tag's own
 * length) on top of each engine's `mac`.
 */
export abstract class _HmacBase implements HmacContext {
  constructor(
    readonly hash: HashName,
    readonly macLength: number,
  ) {}

  abstract mac(data: Uint8Array, suffix?: Uint8Array): Uint8Array;

  verify(tag: Uint8Array, data: Uint8Array, suffix?: Uint8Array): boolean {
    _checkTag(tag, this.macLength);
    return constantTimeEqual(tag, this.mac(data, suffix), tag.length);
  }
}
