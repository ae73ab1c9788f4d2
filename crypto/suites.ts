/**
 * The IPsec algorithm suites of Junos (`security ipsec proposal … encryption-algorithm` and
 * `authentication-algorithm`, junos-es YANG 24.4R1) as one table: the sizes the ESP/AH codecs
 * need and the primitive each engine binds.
 *
 * Key material layout: for the AEAD suites the 4-byte salt is appended to the cipher key, as
 * RFC 4106 §8.1 (AES-GCM) and RFC 7634 §2 (ChaCha20-Poly1305) take it from KEYMAT; the ESP
 * nonce is then salt (4) ‖ explicit IV (8). For CBC the key is the bare AES key.
 *
 * ICV sizes: RFC 2404 (HMAC-SHA1-96), RFC 2403 (HMAC-MD5-96), RFC 4868 (HMAC-SHA-256-128,
 * HMAC-SHA-384-192, HMAC-SHA-512-256: the ICV is half the hash output, the key as long as the
 * hash output). `hmac-sha-256-96` is the pre-RFC 4868 truncation (draft-ietf-ipsec-ciph-sha-256-00)
 * that Junos keeps for old peers; the YANG itself calls it "non-RFC compliant". The AEADs carry a
 * 16-byte ICV (Junos has no 8- or 12-byte GCM ICV variants).
 *
 * Padding alignment: CBC pads to the 16-byte cipher block (RFC 3602 §2.4); the AEADs are stream
 * modes and pad only to ESP's 4-byte alignment (RFC 4106 §3, RFC 7634 §3).
 */

export type EncryptionAlgorithm =
  | 'aes-128-cbc'
  | 'aes-192-cbc'
  | 'aes-256-cbc'
  | 'aes-128-gcm'
  | 'aes-192-gcm'
  | 'aes-256-gcm'
  | 'chacha20-poly1305';

export type AuthenticationAlgorithm =
  | 'hmac-md5-96'
  | 'hmac-sha1-96'
  | 'hmac-sha-256-128'
  | 'hmac-sha-256-96'
  | 'hmac-sha-384'
  | 'hmac-sha-512';

/** The hash functions behind the HMACs (engine-level names). */
export type HashName = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** The AEAD primitives (engine-level names). */
export type AeadName = 'aes-gcm' | 'chacha20-poly1305';

export interface CbcSuite {
  readonly name: EncryptionAlgorithm;
  readonly kind: 'cbc';
  /** Bytes of key material for this suite (the AES key). */
  readonly keyLength: number;
  readonly cipherKeyLength: number;
  readonly saltLength: 0;
  /** Explicit IV carried in each ESP packet. */
  readonly ivLength: 16;
  /** The ICV comes from the separate authentication algorithm. */
  readonly icvLength: 0;
  readonly blockSize: 16;
  /** ESP payload (plaintext ‖ padding ‖ pad length ‖ next header) is a multiple of this. */
  readonly padAlignment: 16;
  /** IKEv2 transform type 1 id (IANA "Transform Type 1 - Encryption Algorithm Transform IDs"). */
  readonly ikev2Id: number;
  readonly rfc: string;
}

export interface AeadSuite {
  readonly name: EncryptionAlgorithm;
  readonly kind: 'aead';
  readonly aead: AeadName;
  /** Bytes of key material: cipher key ‖ 4-byte salt. */
  readonly keyLength: number;
  readonly cipherKeyLength: number;
  readonly saltLength: 4;
  readonly ivLength: 8;
  readonly icvLength: 16;
  readonly blockSize: number;
  readonly padAlignment: 4;
  readonly ikev2Id: number;
  readonly rfc: string;
}

export type EncryptionSuite = CbcSuite | AeadSuite;

export interface AuthenticationSuite {
  readonly name: AuthenticationAlgorithm;
  readonly hash: HashName;
  readonly keyLength: number;
  /** Bytes of the truncated HMAC carried as ICV. */
  readonly icvLength: number;
  /** Output length of the untruncated HMAC. */
  readonly macLength: number;
  /** IKEv2 transform type 3 id, or null where none is assigned. */
  readonly ikev2Id: number | null;
  readonly rfc: string;
}

function cbc(name: EncryptionAlgorithm, bytes: number): CbcSuite {
  return { name, kind: 'cbc', keyLength: bytes, cipherKeyLength: bytes, saltLength: 0, ivLength: 16, icvLength: 0, blockSize: 16, padAlignment: 16, ikev2Id: 12, rfc: 'RFC 3602' };
}

function gcm(name: EncryptionAlgorithm, bytes: number): AeadSuite {
  return { name, kind: 'aead', aead: 'aes-gcm', keyLength: bytes + 4, cipherKeyLength: bytes, saltLength: 4, ivLength: 8, icvLength: 16, blockSize: 16, padAlignment: 4, ikev2Id: 20, rfc: 'RFC 4106' };
}

export const ENCRYPTION_SUITES: Readonly<Record<EncryptionAlgorithm, EncryptionSuite>> = Object.freeze({
  'aes-128-cbc': cbc('aes-128-cbc', 16),
  'aes-192-cbc': cbc('aes-192-cbc', 24),
  'aes-256-cbc': cbc('aes-256-cbc', 32),
  'aes-128-gcm': gcm('aes-128-gcm', 16),
  'aes-192-gcm': gcm('aes-192-gcm', 24),
  'aes-256-gcm': gcm('aes-256-gcm', 32),
  'chacha20-poly1305': {
    name: 'chacha20-poly1305',
    kind: 'aead',
    aead: 'chacha20-poly1305',
    keyLength: 36,
    cipherKeyLength: 32,
    saltLength: 4,
    ivLength: 8,
    icvLength: 16,
    blockSize: 64,
    padAlignment: 4,
    ikev2Id: 28,
    rfc: 'RFC 7634',
  },
});

export const AUTHENTICATION_SUITES: Readonly<Record<AuthenticationAlgorithm, AuthenticationSuite>> = Object.freeze({
  'hmac-md5-96': { name: 'hmac-md5-96', hash: 'md5', keyLength: 16, icvLength: 12, macLength: 16, ikev2Id: 1, rfc: 'RFC 2403' },
  'hmac-sha1-96': { name: 'hmac-sha1-96', hash: 'sha1', keyLength: 20, icvLength: 12, macLength: 20, ikev2Id: 2, rfc: 'RFC 2404' },
  'hmac-sha-256-128': { name: 'hmac-sha-256-128', hash: 'sha256', keyLength: 32, icvLength: 16, macLength: 32, ikev2Id: 12, rfc: 'RFC 4868' },
  'hmac-sha-256-96': { name: 'hmac-sha-256-96', hash: 'sha256', keyLength: 32, icvLength: 12, macLength: 32, ikev2Id: null, rfc: 'draft-ietf-ipsec-ciph-sha-256-00' },
  'hmac-sha-384': { name: 'hmac-sha-384', hash: 'sha384', keyLength: 48, icvLength: 24, macLength: 48, ikev2Id: 13, rfc: 'RFC 4868' },
  'hmac-sha-512': { name: 'hmac-sha-512', hash: 'sha512', keyLength: 64, icvLength: 32, macLength: 64, ikev2Id: 14, rfc: 'RFC 4868' },
});

/**
 * Junos encryption algorithms srx5k does not emulate, with the reason. Both engines must be able
 * to run every supported suite (tests cross-check them byte for byte) and @noble/ciphers has no
 * DES; node:crypto's OpenSSL 3 only offers single DES through the legacy provider.
 */
export const UNSUPPORTED_ENCRYPTION: ReadonlyArray<{ readonly name: 'des-cbc' | '3des-cbc'; readonly reason: string }> = Object.freeze([
  { name: 'des-cbc', reason: 'not available in the software engine (@noble/ciphers has no DES) nor in OpenSSL 3 without the legacy provider' },
  { name: '3des-cbc', reason: 'not available in the software engine (@noble/ciphers has no 3DES); both engines must run every suite' },
]);

export function isEncryptionAlgorithm(name: string): name is EncryptionAlgorithm {
  return Object.hasOwn(ENCRYPTION_SUITES, name);
}

export function isAuthenticationAlgorithm(name: string): name is AuthenticationAlgorithm {
  return Object.hasOwn(AUTHENTICATION_SUITES, name);
}

/** The suite of a Junos encryption-algorithm keyword; RangeError (with the reason) otherwise. */
export function encryptionSuite(name: string): EncryptionSuite {
  if (typeof name !== 'string') throw new TypeError('encryption algorithm: expected a string');
  if (isEncryptionAlgorithm(name)) return ENCRYPTION_SUITES[name];
  const unsupported = UNSUPPORTED_ENCRYPTION.find((u) => u.name === name);
  if (unsupported) throw new RangeError(`encryption algorithm ${name} is not supported: ${unsupported.reason}`);
  throw new RangeError(`encryption algorithm: unknown algorithm ${JSON.stringify(name)}`);
}

/** The suite of a Junos authentication-algorithm keyword; RangeError otherwise. */
export function authenticationSuite(name: string): AuthenticationSuite {
  if (typeof name !== 'string') throw new TypeError('authentication algorithm: expected a string');
  if (isAuthenticationAlgorithm(name)) return AUTHENTICATION_SUITES[name];
  throw new RangeError(`authentication algorithm: unknown algorithm ${JSON.stringify(name)}`);
}
