/**
 * The `software` engine: @noble/ciphers + @noble/hashes (pure JavaScript, audited), imported
 * only through their `.js` subpaths and only by `loadEngine('software')`.
 *
 * What is cached per SA: a copy of the key and, for HMAC, a keyed noble HMAC whose inner and
 * outer states have already absorbed the padded key; each packet clones it (no key hashing per
 * packet). noble's AEAD and CBC constructors take the key with every call and expand it there;
 * its public API has no keyed-context form, so that per-packet key schedule is not avoidable.
 */
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
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

const HASHES = { md5, sha1, sha256, sha384, sha512 } as const;
const EMPTY = new Uint8Array(0);

class SoftwareAead implements AeadContext {
  private readonly key: Uint8Array;

  constructor(
    readonly alg: AeadName,
    key: Uint8Array,
  ) {
    this.key = key.slice();
  }

  private cipher(nonce: Uint8Array, aad: Uint8Array) {
    return this.alg === 'aes-gcm' ? gcm(this.key, nonce, aad) : chacha20poly1305(this.key, nonce, aad);
  }

  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): number {
    _checkNonce(nonce);
    _bytes(aad, 'aad');
    _bytes(plaintext, 'plaintext');
    _checkOut(out, offset, plaintext.length + AEAD_TAG_LENGTH);
    const sealed = this.cipher(nonce, aad).encrypt(plaintext);
    out.set(sealed, offset);
    return sealed.length;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    _checkNonce(nonce);
    _bytes(aad, 'aad');
    return this.cipher(nonce, aad).encrypt(_bytes(plaintext, 'plaintext'));
  }

  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
    _checkNonce(nonce);
    _bytes(aad, 'aad');
    _checkSealed(sealed);
    try {
      return this.cipher(nonce, aad).decrypt(sealed);
    } catch {
      return null; // noble throws when the tag does not verify
    }
  }
}

class SoftwareCbc implements CbcContext {
  private readonly key: Uint8Array;
  readonly keyLength: number;

  constructor(key: Uint8Array) {
    this.key = key.slice();
    this.keyLength = key.length;
  }

  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    _checkIv(iv);
    _checkBlocks(data);
    if (data.length === 0) return EMPTY;
    return cbc(this.key, iv, { disablePadding: true }).encrypt(data);
  }

  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    _checkIv(iv);
    _checkBlocks(data);
    if (data.length === 0) return EMPTY;
    return cbc(this.key, iv, { disablePadding: true }).decrypt(data);
  }
}

class SoftwareHmac extends _HmacBase {
  private readonly keyed: ReturnType<typeof hmac.create>;

  constructor(hash: HashName, macLength: number, key: Uint8Array) {
    super(hash, macLength);
    this.keyed = hmac.create(HASHES[hash], key);
  }

  mac(data: Uint8Array, suffix?: Uint8Array): Uint8Array {
    _bytes(data, 'data');
    const h = this.keyed.clone().update(data);
    if (suffix !== undefined) h.update(_bytes(suffix, 'suffix'));
    return h.digest();
  }
}

export const softwareEngine: CryptoEngine = Object.freeze({
  name: 'software' as const,
  aead(alg: AeadName, key: Uint8Array): AeadContext {
    return new SoftwareAead(alg, _checkAeadKey(alg, key));
  },
  cbc(key: Uint8Array): CbcContext {
    return new SoftwareCbc(_checkCbcKey(key));
  },
  hmac(hash: HashName, key: Uint8Array): HmacContext {
    const macLength = _macLength(hash);
    return new SoftwareHmac(hash, macLength, _bytes(key, 'key'));
  },
});
