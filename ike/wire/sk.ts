/**
 * Sealing and opening the Encrypted payload (SK, RFC 7296 §3.14) and, with the same code, the
 * Encrypted Fragment payload (SKF, RFC 7383 §2.5), through the crypto engines of crypto/engine.ts.
 *
 * Body layout:  IV ‖ E(inner payloads ‖ padding ‖ pad length) ‖ ICV
 *
 * - AES-CBC (ENCR 12) + an HMAC integrity transform: a 16-byte random IV; the plaintext is
 *   padded to the 16-byte block; the ICV is the HMAC truncated per the transform (HMAC-MD5-96
 *   and HMAC-SHA1-96 12 bytes, HMAC-SHA2-256-128 16, -384-192 24, -512-256 32; RFC 2403/2404/
 *   4868) and covers the whole message from the first header byte to the end of the ciphertext
 *   (§3.14), the IKE header's Length already counting the ICV.
 * - AES-GCM with a 16-byte ICV (ENCR 20, RFC 5282) and ChaCha20-Poly1305 (ENCR 28, RFC 7634):
 *   an 8-byte explicit IV; nonce = the 4-byte salt that ends SK_e ‖ IV; the associated data is
 *   the message from the first header byte through the Encrypted payload's own header (SK: its
 *   4-byte generic header; SKF: the 8 bytes with fragment number and total), payloads in between
 *   included, the IV excluded (RFC 5282 §5.1); no integrity transform (RFC 5282 §8). These modes
 *   need no alignment, so the default padding is none (pad length 0).
 *
 * In both cases "the bytes before the IV" are what is authenticated besides the ciphertext, so
 * the functions here take the whole message buffer and the offset of the IV.
 *
 * Keys (`SkKeys`) are the keys of ONE direction:
 *   { encryption: SK_ei or SK_er, integrity?: SK_ai or SK_ar }
 * - encryption: AES-CBC: the AES key (16/24/32 bytes); AES-GCM: AES key ‖ 4-byte salt (20/28/36);
 *   ChaCha20-Poly1305: 32-byte key ‖ 4-byte salt (36) — the KEYMAT layout of RFC 5282 §7.1 and
 *   RFC 7634 §4.
 * - integrity: CBC only, as long as the hash output (MD5 16, SHA-1 20, SHA-256 32, SHA-384 48,
 *   SHA-512 64 bytes: RFC 2403/2404/4868); absent for the AEADs (RFC 5282 §7.1).
 * The initiator sends with SK_ei/SK_ai and receives with SK_er/SK_ar; the responder the reverse.
 *
 * IVs come from an injectable source (default: random bytes from node:crypto, which for GCM
 * makes a repeat as unlikely as RFC 5282 §3.1 needs within an IKE SA's lifetime); tests pass the
 * IV of a captured packet to reproduce it byte for byte. Opening never throws.
 */
import { randomFillSync } from 'node:crypto';
import { AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, AES_BLOCK, type AeadContext, type CbcContext, type CryptoEngine, type HmacContext } from '../../crypto/engine.js';
import type { HashName } from '../../crypto/suites.js';
import { EncrId, IntegId } from './constants.js';

export interface SkTransforms {
  /** ENCR transform id: 12 AES-CBC, 20 AES-GCM with 16-byte ICV, 28 ChaCha20-Poly1305. */
  readonly encryption: number;
  /** Bits, from the ENCR transform's Key Length attribute; checked against the key when given. */
  readonly keyLength?: number;
  /** INTEG transform id (CBC): 1 HMAC-MD5-96, 2 HMAC-SHA1-96, 12/13/14 HMAC-SHA2-256/384/512. */
  readonly integrity?: number;
}

export interface SkKeys {
  /** SK_ei or SK_er (see the file comment for the layout per cipher). */
  readonly encryption: Uint8Array;
  /** SK_ai or SK_ar, CBC only. */
  readonly integrity?: Uint8Array;
}

/** Returns `length` fresh IV bytes. */
export type IvSource = (length: number) => Uint8Array;

export const randomIv: IvSource = (length) => randomFillSync(new Uint8Array(length));

const INTEGRITY: Readonly<Record<number, { readonly hash: HashName; readonly icv: number; readonly key: number }>> = {
  [IntegId.HMAC_MD5_96]: { hash: 'md5', icv: 12, key: 16 },
  [IntegId.HMAC_SHA1_96]: { hash: 'sha1', icv: 12, key: 20 },
  [IntegId.HMAC_SHA2_256_128]: { hash: 'sha256', icv: 16, key: 32 },
  [IntegId.HMAC_SHA2_384_192]: { hash: 'sha384', icv: 24, key: 48 },
  [IntegId.HMAC_SHA2_512_256]: { hash: 'sha512', icv: 32, key: 64 },
};

const SALT_LENGTH = 4;
const AEAD_IV_LENGTH = 8;

/** One direction's SK protection, keyed once (per IKE SA and direction). */
export interface SkCipher {
  readonly aead: boolean;
  /** IV bytes at the start of the body. */
  readonly ivLength: number;
  /** ICV bytes at the end of the body. */
  readonly icvLength: number;
  /** Plaintext (inner ‖ padding ‖ pad length) length is a multiple of this. */
  readonly blockSize: number;
  readonly ivSource: IvSource;
  /** @internal */ readonly cbcCtx: CbcContext | undefined;
  /** @internal */ readonly hmacCtx: HmacContext | undefined;
  /** @internal */ readonly aeadCtx: AeadContext | undefined;
  /** @internal salt ‖ IV, rewritten per message (engines read it synchronously). */
  readonly nonce: Uint8Array;
}

/**
 * Key one direction. Throws RangeError for unsupported transforms or keys of the wrong size:
 * those come from configuration and key derivation, never from a packet.
 */
export function createSkCipher(engine: CryptoEngine, transforms: SkTransforms, keys: SkKeys, ivSource: IvSource = randomIv): SkCipher {
  const enc = transforms.encryption;
  const key = keys.encryption;
  if (enc === EncrId.AES_CBC) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new RangeError(`SK: AES-CBC key of ${key.length} bytes`);
    if (transforms.keyLength !== undefined && transforms.keyLength !== key.length * 8) {
      throw new RangeError(`SK: AES-CBC key of ${key.length * 8} bits, the transform says ${transforms.keyLength}`);
    }
    const integ = INTEGRITY[transforms.integrity ?? -1];
    if (integ === undefined) throw new RangeError(`SK: integrity transform ${transforms.integrity} is not supported with AES-CBC`);
    const ikey = keys.integrity;
    if (ikey === undefined || ikey.length !== integ.key) {
      throw new RangeError(`SK: ${integ.hash} integrity key must be ${integ.key} bytes, got ${ikey?.length ?? 'none'}`);
    }
    let hmacCtx: HmacContext;
    try {
      hmacCtx = engine.hmac(integ.hash, ikey);
    } catch (e) {
      throw new RangeError(`SK: the ${engine.name} engine has no HMAC-${integ.hash}: ${(e as Error).message}`);
    }
    return Object.freeze({
      aead: false,
      ivLength: AES_BLOCK,
      icvLength: integ.icv,
      blockSize: AES_BLOCK,
      ivSource,
      cbcCtx: engine.cbc(key),
      hmacCtx,
      aeadCtx: undefined,
      nonce: new Uint8Array(0),
    });
  }
  if (enc === EncrId.AES_GCM_16 || enc === EncrId.CHACHA20_POLY1305) {
    if (transforms.integrity !== undefined && transforms.integrity !== IntegId.NONE) {
      throw new RangeError('SK: an AEAD cipher takes no integrity transform (RFC 5282 §8)');
    }
    const cipherKey = key.subarray(0, key.length - SALT_LENGTH);
    if (enc === EncrId.AES_GCM_16 && cipherKey.length !== 16 && cipherKey.length !== 24 && cipherKey.length !== 32) {
      throw new RangeError(`SK: AES-GCM key material of ${key.length} bytes (key ‖ 4-byte salt: 20, 28 or 36)`);
    }
    if (enc === EncrId.CHACHA20_POLY1305 && cipherKey.length !== 32) {
      throw new RangeError(`SK: ChaCha20-Poly1305 key material of ${key.length} bytes (32-byte key ‖ 4-byte salt)`);
    }
    if (transforms.keyLength !== undefined && transforms.keyLength !== cipherKey.length * 8) {
      throw new RangeError(`SK: AEAD key of ${cipherKey.length * 8} bits, the transform says ${transforms.keyLength}`);
    }
    const nonce = new Uint8Array(AEAD_NONCE_LENGTH);
    nonce.set(key.subarray(key.length - SALT_LENGTH), 0);
    return Object.freeze({
      aead: true,
      ivLength: AEAD_IV_LENGTH,
      icvLength: AEAD_TAG_LENGTH,
      blockSize: 1,
      ivSource,
      cbcCtx: undefined,
      hmacCtx: undefined,
      aeadCtx: engine.aead(enc === EncrId.AES_GCM_16 ? 'aes-gcm' : 'chacha20-poly1305', cipherKey),
      nonce,
    });
  }
  throw new RangeError(`SK: encryption transform ${enc} is not supported (12 AES-CBC, 20 AES-GCM-16, 28 ChaCha20-Poly1305)`);
}

/** The smallest pad length that aligns `plainLength` inner bytes (+1 for the pad length octet). */
export function minimalPadLength(cipher: SkCipher, plainLength: number): number {
  const bs = cipher.blockSize;
  return (bs - ((plainLength + 1) % bs)) % bs;
}

/** Body bytes (IV … ICV) for `plainLength` inner bytes and `padLength` bytes of padding. */
export function sealedBodyLength(cipher: SkCipher, plainLength: number, padLength = minimalPadLength(cipher, plainLength)): number {
  return cipher.ivLength + plainLength + padLength + 1 + cipher.icvLength;
}

export interface SealOptions {
  /** The IV to use (instead of one from the cipher's source). */
  readonly iv?: Uint8Array;
  /** Exact padding bytes (without the pad length octet); default: minimal, zero-filled. */
  readonly padding?: Uint8Array;
}

/**
 * Seal in place. `out` holds the whole message: bytes [0, ivAt) are final (header with its final
 * Length, payloads before SK, the SK/SKF header), the inner plaintext sits at
 * [ivAt + ivLength, ivAt + ivLength + plainLength), and the buffer ends where the body ends
 * (`sealedBodyLength`). Writes IV, padding, pad length, ciphertext and ICV; returns the end.
 */
export function sealInPlace(cipher: SkCipher, out: Uint8Array, ivAt: number, plainLength: number, options: SealOptions = {}): number {
  const padLength = options.padding?.length ?? minimalPadLength(cipher, plainLength);
  if (padLength > 255) throw new RangeError(`SK: ${padLength} bytes of padding (at most 255)`);
  if ((plainLength + padLength + 1) % cipher.blockSize !== 0) {
    throw new RangeError(`SK: ${plainLength} + ${padLength} padding + 1 is not a multiple of the ${cipher.blockSize}-byte block`);
  }
  const iv = options.iv ?? cipher.ivSource(cipher.ivLength);
  if (iv.length !== cipher.ivLength) throw new RangeError(`SK: IV of ${iv.length} bytes, must be ${cipher.ivLength}`);
  const ctAt = ivAt + cipher.ivLength;
  const ptEnd = ctAt + plainLength + padLength + 1;
  const end = ptEnd + cipher.icvLength;
  if (end > out.length) throw new RangeError(`SK: ${end} bytes do not fit a ${out.length}-byte buffer`);
  out.set(iv, ivAt);
  if (options.padding) out.set(options.padding, ctAt + plainLength);
  else out.fill(0, ctAt + plainLength, ptEnd - 1);
  out[ptEnd - 1] = padLength;
  if (cipher.aead) {
    cipher.nonce.set(iv, SALT_LENGTH);
    cipher.aeadCtx!.sealInto(cipher.nonce, out.subarray(0, ivAt), out.subarray(ctAt, ptEnd), out, ctAt);
  } else {
    out.set(cipher.cbcCtx!.encrypt(iv, out.subarray(ctAt, ptEnd)), ctAt);
    const mac = cipher.hmacCtx!.mac(out.subarray(0, ptEnd));
    out.set(mac.subarray(0, cipher.icvLength), ptEnd);
  }
  return end;
}

export type OpenResult =
  | { readonly ok: true; readonly iv: Uint8Array; readonly plaintext: Uint8Array; readonly padding: Uint8Array }
  | { readonly ok: false; readonly reason: 'sk-length' | 'integrity' | 'bad-padding'; readonly detail: string };

/**
 * Check and decrypt the body message[ivAt, end) (the SK/SKF payload must end the message: the
 * ICV of CBC covers everything before it). Never throws.
 */
export function openSk(cipher: SkCipher, message: Uint8Array, ivAt: number, end: number = message.length): OpenResult {
  const bodyLength = end - ivAt;
  const ctLength = bodyLength - cipher.ivLength - cipher.icvLength;
  if (ivAt < 0 || end > message.length || ctLength < 1 || ctLength % cipher.blockSize !== 0) {
    return { ok: false, reason: 'sk-length', detail: `encrypted body of ${bodyLength} bytes does not fit IV ${cipher.ivLength} + blocks of ${cipher.blockSize} + ICV ${cipher.icvLength}` };
  }
  const iv = message.subarray(ivAt, ivAt + cipher.ivLength);
  const ctAt = ivAt + cipher.ivLength;
  const icvAt = end - cipher.icvLength;
  let pt: Uint8Array | null;
  try {
    if (cipher.aead) {
      cipher.nonce.set(iv, SALT_LENGTH);
      pt = cipher.aeadCtx!.open(cipher.nonce, message.subarray(0, ivAt), message.subarray(ctAt, end));
    } else {
      if (!cipher.hmacCtx!.verify(message.subarray(icvAt, end), message.subarray(0, icvAt))) pt = null;
      else pt = cipher.cbcCtx!.decrypt(iv, message.subarray(ctAt, icvAt));
    }
  } catch (e) {
    // The lengths are checked above, so an engine error here is unexpected; still no throw.
    return { ok: false, reason: 'integrity', detail: `engine refused the body: ${(e as Error).message}` };
  }
  if (pt === null) return { ok: false, reason: 'integrity', detail: 'integrity check failed' };
  // The native engine hands out Buffers: view them as plain Uint8Arrays (no copy) so decoded
  // payloads are the same type whichever engine opened them.
  if (pt.constructor !== Uint8Array) pt = new Uint8Array(pt.buffer, pt.byteOffset, pt.byteLength);
  const padLength = pt[pt.length - 1]!;
  if (padLength + 1 > pt.length) {
    return { ok: false, reason: 'bad-padding', detail: `pad length ${padLength} in ${pt.length} bytes of plaintext` };
  }
  const innerEnd = pt.length - 1 - padLength;
  return { ok: true, iv, plaintext: pt.subarray(0, innerEnd), padding: pt.subarray(innerEnd, pt.length - 1) };
}
