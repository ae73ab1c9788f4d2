/**
 * The `native` engine: node:crypto (OpenSSL 3). It stands for the SPC3's hardware crypto engine.
 *
 * node:crypto cannot reuse a cipher context across messages, so the per-SA state it caches is a
 * KeyObject (no key copy or validation per packet); OpenSSL's own key schedule per
 * `createCipheriv` remains (~0.5–1 µs, reference/performance.md §1a) and is not avoidable
 * through Node's API.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, type CipherGCMTypes, type KeyObject } from 'node:crypto';
import {
  AEAD_TAG_LENGTH,
  _bytes,
  _checkAeadKey,
  _checkBlocks,
  _checkCbcKey,
  _checkIv,
  _checkNonce,
  _checkOut,
  _checkSealed,
  _HmacBase,
  _macLength,
  type AeadContext,
  type CbcContext,
  type CryptoEngine,
  type HmacContext,
} from './engine.js';
import type { AeadName, HashName } from './suites.js';

const EMPTY = new Uint8Array(0);

// Results are the Buffers node:crypto returns (Buffer is a Uint8Array): wrapping each in a plain
// Uint8Array view would cost an allocation per packet on the hot path.

class NativeAead implements AeadContext {
  /** GCM and ChaCha20-Poly1305 share the AEAD calls; Node's typings only list the GCM names. */
  private readonly cipher: CipherGCMTypes;
  private readonly key: KeyObject;

  constructor(
    readonly alg: AeadName,
    key: Uint8Array,
  ) {
    this.cipher = (alg === 'aes-gcm' ? `aes-${key.length * 8}-gcm` : 'chacha20-poly1305') as CipherGCMTypes;
    this.key = createSecretKey(key);
  }

  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): number {
    _checkNonce(nonce);
    _bytes(aad, 'aad');
    _bytes(plaintext, 'plaintext');
    _checkOut(out, offset, plaintext.length + AEAD_TAG_LENGTH);
    const c = createCipheriv(this.cipher, this.key, nonce, { authTagLength: AEAD_TAG_LENGTH });
    if (aad.length > 0) c.setAAD(aad);
    const ct = c.update(plaintext);
    const tail = c.final();
    out.set(ct, offset);
    if (tail.length > 0) out.set(tail, offset + ct.length);
    out.set(c.getAuthTag(), offset + plaintext.length);
    return plaintext.length + AEAD_TAG_LENGTH;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(_bytes(plaintext, 'plaintext').length + AEAD_TAG_LENGTH);
    this.sealInto(nonce, aad, plaintext, out, 0);
    return out;
  }

  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
    _checkNonce(nonce);
    _bytes(aad, 'aad');
    _checkSealed(sealed);
    const ctLength = sealed.length - AEAD_TAG_LENGTH;
    const d = createDecipheriv(this.cipher, this.key, nonce, { authTagLength: AEAD_TAG_LENGTH });
    d.setAuthTag(sealed.subarray(ctLength));
    if (aad.length > 0) d.setAAD(aad);
    const pt = d.update(sealed.subarray(0, ctLength));
    try {
      const tail = d.final();
      if (tail.length > 0) return Buffer.concat([pt, tail]);
    } catch {
      return null; // the tag did not verify
    }
    return pt;
  }
}

class NativeCbc implements CbcContext {
  private readonly cipher: string;
  private readonly key: KeyObject;
  readonly keyLength: number;

  constructor(key: Uint8Array) {
    this.keyLength = key.length;
    this.cipher = `aes-${key.length * 8}-cbc`;
    this.key = createSecretKey(key);
  }

  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    _checkIv(iv);
    _checkBlocks(data);
    if (data.length === 0) return EMPTY;
    const c = createCipheriv(this.cipher, this.key, iv).setAutoPadding(false);
    const out = c.update(data);
    const tail = c.final();
    return tail.length > 0 ? Buffer.concat([out, tail]) : out;
  }

  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    _checkIv(iv);
    _checkBlocks(data);
    if (data.length === 0) return EMPTY;
    const d = createDecipheriv(this.cipher, this.key, iv).setAutoPadding(false);
    const out = d.update(data);
    const tail = d.final();
    return tail.length > 0 ? Buffer.concat([out, tail]) : out;
  }
}

class NativeHmac extends _HmacBase {
  /** The key bytes (a copy), used as they are for the first MAC. */
  private readonly raw: Uint8Array;
  /**
   * A KeyObject from the second MAC on: an SA's context MACs every packet, while the IKE PRF
   * keys many contexts once (SKEYSEED, AUTH), where building a KeyObject would cost more than
   * it saves. A KeyObject cannot be empty; HMAC with an empty key is legal (RFC 2104).
   */
  private keyObject: KeyObject | undefined;
  private used = false;

  constructor(hash: HashName, macLength: number, key: Uint8Array) {
    super(hash, macLength);
    this.raw = new Uint8Array(key); // a copy even of a Buffer (whose slice is a view)
  }

  mac(data: Uint8Array, suffix?: Uint8Array): Uint8Array {
    _bytes(data, 'data');
    if (this.keyObject === undefined && this.used && this.raw.length > 0) this.keyObject = createSecretKey(this.raw);
    this.used = true;
    const h = createHmac(this.hash, this.keyObject ?? this.raw).update(data);
    if (suffix !== undefined) h.update(_bytes(suffix, 'suffix'));
    return h.digest();
  }
}

export const nativeEngine: CryptoEngine = Object.freeze({
  name: 'native' as const,
  aead(alg: AeadName, key: Uint8Array): AeadContext {
    return new NativeAead(alg, _checkAeadKey(alg, key));
  },
  cbc(key: Uint8Array): CbcContext {
    return new NativeCbc(_checkCbcKey(key));
  },
  hmac(hash: HashName, key: Uint8Array): HmacContext {
    const macLength = _macLength(hash);
    return new NativeHmac(hash, macLength, _bytes(key, 'key'));
  },
});
