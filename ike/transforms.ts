/**
 * IKEv2 transforms (RFC 7296 §3.3.2, IANA "Internet Key Exchange Version 2 (IKEv2) Parameters")
 * and the Junos keywords of `security ike proposal` / `security ipsec proposal` that map to
 * them, with the data-plane names of crypto/suites.ts so a negotiated CHILD SA installs on the
 * existing ESP/AH path.
 *
 * Choices where Junos behaviour is not documented (each is repeated where it is used):
 * - PRF of an AEAD IKE proposal. Juniper's `prf-algorithm` page says AEAD ciphers "implicitly
 *   define the PRF" and that aes-256-gcm "is internally associated with a PRF-384"; by analogy
 *   aes-128-gcm uses PRF_HMAC_SHA2_256 and chacha20-poly1305 (no documented pairing) uses
 *   PRF_HMAC_SHA2_256 as well. An `authentication-algorithm` configured next to an AEAD cipher
 *   is ignored (no INTEG transform is offered, RFC 5282 §8 / RFC 7634 §4).
 * - `hmac-sha-256-96` has no IKEv2 integrity id (IANA assigns none: the 96-bit truncation is
 *   the pre-RFC 4868 draft that the YANG itself calls "non-RFC compliant"). It cannot be
 *   expressed in an IKEv2 proposal, so it is refused with that reason rather than silently sent
 *   as HMAC_SHA2_256_128 (which would install a different ICV length than the peer's).
 * - des-cbc / 3des-cbc are valid Junos keywords and have IANA ids, but neither crypto engine
 *   here runs them (crypto/suites.ts UNSUPPORTED_ENCRYPTION): refused with that reason.
 */
import {
  AUTHENTICATION_SUITES,
  ENCRYPTION_SUITES,
  UNSUPPORTED_ENCRYPTION,
  type AuthenticationAlgorithm,
  type EncryptionAlgorithm,
  type HashName,
} from '../crypto/suites.js';
import type { WireTransform } from './proposal.js';

/** Value or a plain-language reason. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const no = (reason: string): Outcome<never> => ({ ok: false, reason });

/** Transform types (RFC 7296 §3.3.2). */
export const TransformType = Object.freeze({ ENCR: 1, PRF: 2, INTEG: 3, DH: 4, ESN: 5 } as const);
export type TransformTypeId = (typeof TransformType)[keyof typeof TransformType];

/** Security protocol ids of a proposal (RFC 7296 §3.3.1). */
export const ProtocolId = Object.freeze({ IKE: 1, AH: 2, ESP: 3 } as const);

/** Transform type 1 ids used here. */
export const Encr = Object.freeze({ DES: 2, TRIPLE_DES: 3, AES_CBC: 12, AES_GCM_16: 20, CHACHA20_POLY1305: 28 } as const);
/** Transform type 2 ids. */
export const Prf = Object.freeze({ HMAC_MD5: 1, HMAC_SHA1: 2, HMAC_SHA2_256: 5, HMAC_SHA2_384: 6, HMAC_SHA2_512: 7 } as const);
/** Transform type 3 ids. */
export const Integ = Object.freeze({ NONE: 0, HMAC_MD5_96: 1, HMAC_SHA1_96: 2, HMAC_SHA2_256_128: 12, HMAC_SHA2_384_192: 13, HMAC_SHA2_512_256: 14 } as const);
/** Transform type 5 ids. */
export const Esn = Object.freeze({ NO: 0, YES: 1 } as const);
/** Transform attribute type of the key length (RFC 7296 §3.3.5), in bits. */
export const KEY_LENGTH_ATTRIBUTE = 14;

// ---------------------------------------------------------------------------------------------
// Junos keywords (junos-es YANG 24.4R1)

export type IkeEncryptionKeyword = 'des-cbc' | '3des-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
export type IpsecEncryptionKeyword = IkeEncryptionKeyword | 'aes-192-gcm';
export type IkeAuthenticationKeyword = 'md5' | 'sha1' | 'sha-256' | 'sha-384' | 'sha-512';
export type IpsecAuthenticationKeyword = AuthenticationAlgorithm;
export type DhGroupKeyword = 'group1' | 'group2' | 'group5' | 'group14' | 'group15' | 'group16' | 'group19' | 'group20' | 'group21' | 'group24';

export const IKE_ENCRYPTION_KEYWORDS: readonly IkeEncryptionKeyword[] = Object.freeze(['des-cbc', '3des-cbc', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305']);
export const IPSEC_ENCRYPTION_KEYWORDS: readonly IpsecEncryptionKeyword[] = Object.freeze([...IKE_ENCRYPTION_KEYWORDS.slice(0, 6), 'aes-192-gcm', 'aes-256-gcm', 'chacha20-poly1305']);
export const IKE_AUTHENTICATION_KEYWORDS: readonly IkeAuthenticationKeyword[] = Object.freeze(['md5', 'sha1', 'sha-256', 'sha-384', 'sha-512']);
export const IPSEC_AUTHENTICATION_KEYWORDS: readonly IpsecAuthenticationKeyword[] = Object.freeze(['hmac-md5-96', 'hmac-sha1-96', 'hmac-sha-256-128', 'hmac-sha-256-96', 'hmac-sha-384', 'hmac-sha-512']);
export const DH_GROUP_KEYWORDS: readonly DhGroupKeyword[] = Object.freeze(['group1', 'group2', 'group5', 'group14', 'group15', 'group16', 'group19', 'group20', 'group21', 'group24']);

export const isIkeEncryptionKeyword = (s: string): s is IkeEncryptionKeyword => (IKE_ENCRYPTION_KEYWORDS as readonly string[]).includes(s);
export const isIpsecEncryptionKeyword = (s: string): s is IpsecEncryptionKeyword => (IPSEC_ENCRYPTION_KEYWORDS as readonly string[]).includes(s);
export const isIkeAuthenticationKeyword = (s: string): s is IkeAuthenticationKeyword => (IKE_AUTHENTICATION_KEYWORDS as readonly string[]).includes(s);
export const isIpsecAuthenticationKeyword = (s: string): s is IpsecAuthenticationKeyword => (IPSEC_AUTHENTICATION_KEYWORDS as readonly string[]).includes(s);
export const isDhGroupKeyword = (s: string): s is DhGroupKeyword => (DH_GROUP_KEYWORDS as readonly string[]).includes(s);

// ---------------------------------------------------------------------------------------------
// Diffie-Hellman groups (RFC 7296 App. B, RFC 3526, RFC 5903, RFC 5114)

export interface DhGroupInfo {
  readonly id: number;
  readonly kind: 'modp' | 'ecp';
  /** Modulus size (MODP) or curve size (ECP), bits. */
  readonly bits: number;
  /** Bytes of the KE payload's key exchange data (RFC 7296 §3.4, RFC 5903 §7). */
  readonly keyExchangeLength: number;
  readonly rfc: string;
}

export const DH_GROUPS: Readonly<Record<number, DhGroupInfo>> = Object.freeze({
  1: { id: 1, kind: 'modp', bits: 768, keyExchangeLength: 96, rfc: 'RFC 7296 App. B' },
  2: { id: 2, kind: 'modp', bits: 1024, keyExchangeLength: 128, rfc: 'RFC 7296 App. B' },
  5: { id: 5, kind: 'modp', bits: 1536, keyExchangeLength: 192, rfc: 'RFC 3526' },
  14: { id: 14, kind: 'modp', bits: 2048, keyExchangeLength: 256, rfc: 'RFC 3526' },
  15: { id: 15, kind: 'modp', bits: 3072, keyExchangeLength: 384, rfc: 'RFC 3526' },
  16: { id: 16, kind: 'modp', bits: 4096, keyExchangeLength: 512, rfc: 'RFC 3526' },
  19: { id: 19, kind: 'ecp', bits: 256, keyExchangeLength: 64, rfc: 'RFC 5903' },
  20: { id: 20, kind: 'ecp', bits: 384, keyExchangeLength: 96, rfc: 'RFC 5903' },
  21: { id: 21, kind: 'ecp', bits: 521, keyExchangeLength: 132, rfc: 'RFC 5903' },
  24: { id: 24, kind: 'modp', bits: 2048, keyExchangeLength: 256, rfc: 'RFC 5114 (256-bit prime order subgroup)' },
});

/** `groupN` → N. */
export function dhGroupNumber(keyword: DhGroupKeyword): number {
  return Number(keyword.slice('group'.length));
}

/** `dh-group groupN` / `perfect-forward-secrecy keys groupN` → D-H transform N. */
export function dhTransform(keyword: string): Outcome<WireTransform> {
  if (!isDhGroupKeyword(keyword)) return no(`unknown Diffie-Hellman group ${JSON.stringify(keyword)}`);
  return ok({ type: TransformType.DH, id: dhGroupNumber(keyword) });
}

// ---------------------------------------------------------------------------------------------
// Encryption

const DES_REASON = new Map<string, string>(UNSUPPORTED_ENCRYPTION.map((u) => [u.name, u.reason]));

/** The ENCR transform of a Junos `encryption-algorithm`, for an IKE or an IPsec proposal. */
export function encryptionTransform(keyword: string, use: 'ike' | 'ipsec'): Outcome<WireTransform> {
  const valid = use === 'ike' ? isIkeEncryptionKeyword(keyword) : isIpsecEncryptionKeyword(keyword);
  if (!valid) {
    return no(keyword === 'aes-192-gcm' ? 'aes-192-gcm is not an IKE encryption-algorithm in Junos (IPsec proposals only)' : `unknown ${use === 'ike' ? 'IKE' : 'IPsec'} encryption-algorithm ${JSON.stringify(keyword)}`);
  }
  const des = DES_REASON.get(keyword);
  if (des !== undefined) return no(`${keyword} cannot be negotiated in this emulator: ${des}`);
  const m = /^aes-(128|192|256)-(cbc|gcm)$/.exec(keyword);
  if (m) return ok({ type: TransformType.ENCR, id: m[2] === 'cbc' ? Encr.AES_CBC : Encr.AES_GCM_16, keyLength: Number(m[1]) });
  return ok({ type: TransformType.ENCR, id: Encr.CHACHA20_POLY1305 });
}

/** True for the combined-mode (AEAD) ciphers, which take no separate integrity transform. */
export function isAeadKeyword(keyword: string): boolean {
  return /-gcm$/.test(keyword) || keyword === 'chacha20-poly1305';
}

/** The data-plane algorithm of a negotiated ENCR transform, or undefined (unknown/unsupported). */
export function encryptionAlgorithmOf(t: WireTransform): EncryptionAlgorithm | undefined {
  if (t.type !== TransformType.ENCR) return undefined;
  if (t.id === Encr.CHACHA20_POLY1305) return t.keyLength === undefined ? 'chacha20-poly1305' : undefined;
  if (t.id !== Encr.AES_CBC && t.id !== Encr.AES_GCM_16) return undefined;
  if (t.keyLength !== 128 && t.keyLength !== 192 && t.keyLength !== 256) return undefined;
  const name = `aes-${t.keyLength}-${t.id === Encr.AES_CBC ? 'cbc' : 'gcm'}`;
  return Object.hasOwn(ENCRYPTION_SUITES, name) ? (name as EncryptionAlgorithm) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Integrity and PRF

interface HashRow {
  readonly ike: IkeAuthenticationKeyword;
  readonly hash: HashName;
  readonly prf: number;
  readonly integ: number;
  /** The data-plane/IPsec keyword of the same INTEG transform. */
  readonly ipsec: AuthenticationAlgorithm;
}

const HASHES: readonly HashRow[] = Object.freeze([
  { ike: 'md5', hash: 'md5', prf: Prf.HMAC_MD5, integ: Integ.HMAC_MD5_96, ipsec: 'hmac-md5-96' },
  { ike: 'sha1', hash: 'sha1', prf: Prf.HMAC_SHA1, integ: Integ.HMAC_SHA1_96, ipsec: 'hmac-sha1-96' },
  { ike: 'sha-256', hash: 'sha256', prf: Prf.HMAC_SHA2_256, integ: Integ.HMAC_SHA2_256_128, ipsec: 'hmac-sha-256-128' },
  { ike: 'sha-384', hash: 'sha384', prf: Prf.HMAC_SHA2_384, integ: Integ.HMAC_SHA2_384_192, ipsec: 'hmac-sha-384' },
  { ike: 'sha-512', hash: 'sha512', prf: Prf.HMAC_SHA2_512, integ: Integ.HMAC_SHA2_512_256, ipsec: 'hmac-sha-512' },
] as const);

const HASH_BYTES: Readonly<Record<HashName, number>> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** IKE `authentication-algorithm` → its INTEG transform. */
export function ikeIntegrityTransform(keyword: string): Outcome<WireTransform> {
  const row = HASHES.find((h) => h.ike === keyword);
  return row ? ok({ type: TransformType.INTEG, id: row.integ }) : no(`unknown IKE authentication-algorithm ${JSON.stringify(keyword)}`);
}

/** IKE `authentication-algorithm` → the PRF Junos derives from it (HMAC of the same hash). */
export function ikePrfTransform(keyword: string): Outcome<WireTransform> {
  const row = HASHES.find((h) => h.ike === keyword);
  return row ? ok({ type: TransformType.PRF, id: row.prf }) : no(`unknown IKE authentication-algorithm ${JSON.stringify(keyword)}`);
}

/**
 * The PRF of an AEAD IKE proposal (no separate authentication). aes-256-gcm → HMAC-SHA2-384 is
 * Juniper's documented pairing ("prf-algorithm" statement page); aes-128-gcm → HMAC-SHA2-256
 * and chacha20-poly1305 → HMAC-SHA2-256 are this emulator's choice (undocumented on Junos).
 */
export function aeadPrfTransform(keyword: string): Outcome<WireTransform> {
  switch (keyword) {
    case 'aes-128-gcm':
    case 'chacha20-poly1305':
      return ok({ type: TransformType.PRF, id: Prf.HMAC_SHA2_256 });
    case 'aes-256-gcm':
      return ok({ type: TransformType.PRF, id: Prf.HMAC_SHA2_384 });
    default:
      return no(`${keyword} is not an AEAD IKE encryption-algorithm`);
  }
}

/** IPsec `authentication-algorithm` → INTEG transform (refusing hmac-sha-256-96, see the header). */
export function ipsecIntegrityTransform(keyword: string): Outcome<WireTransform> {
  if (keyword === 'hmac-sha-256-96') {
    return no('hmac-sha-256-96 has no IKEv2 integrity transform (IANA assigns none to the non-RFC 96-bit truncation); use hmac-sha-256-128');
  }
  if (!isIpsecAuthenticationKeyword(keyword)) return no(`unknown IPsec authentication-algorithm ${JSON.stringify(keyword)}`);
  const id = AUTHENTICATION_SUITES[keyword].ikev2Id;
  return id === null ? no(`${keyword} has no IKEv2 integrity transform`) : ok({ type: TransformType.INTEG, id });
}

/** The data-plane algorithm of a negotiated INTEG transform (undefined for NONE or unknown). */
export function authenticationAlgorithmOf(t: WireTransform): AuthenticationAlgorithm | undefined {
  if (t.type !== TransformType.INTEG) return undefined;
  return HASHES.find((h) => h.integ === t.id)?.ipsec;
}

export interface PrfInfo {
  readonly id: number;
  readonly hash: HashName;
  /** Output length, bytes; also the preferred key length (RFC 7296 §2.13: SK_d, SK_pi, SK_pr). */
  readonly outputLength: number;
  readonly keyLength: number;
}

export function prfInfo(id: number): PrfInfo | undefined {
  const row = HASHES.find((h) => h.prf === id);
  if (!row) return undefined;
  const n = HASH_BYTES[row.hash];
  return { id, hash: row.hash, outputLength: n, keyLength: n };
}

export interface IntegrityInfo {
  readonly id: number;
  readonly hash: HashName;
  /** Key bytes (SK_ai/SK_ar, or the ESP/AH authentication key). */
  readonly keyLength: number;
  /** Truncated ICV bytes. */
  readonly icvLength: number;
  /** The crypto/suites.ts name of the same algorithm. */
  readonly algorithm: AuthenticationAlgorithm;
}

export function integrityInfo(id: number): IntegrityInfo | undefined {
  const row = HASHES.find((h) => h.integ === id);
  if (!row) return undefined;
  const s = AUTHENTICATION_SUITES[row.ipsec];
  return { id, hash: row.hash, keyLength: s.keyLength, icvLength: s.icvLength, algorithm: row.ipsec };
}

// ---------------------------------------------------------------------------------------------
// ESN

/** `extended-sequence-number` → the single ESN transform Junos offers (1 when set, 0 when not). */
export function esnTransform(enabled: boolean): WireTransform {
  return { type: TransformType.ESN, id: enabled ? Esn.YES : Esn.NO };
}

// ---------------------------------------------------------------------------------------------
// Names for messages

const PRF_NAMES: Readonly<Record<number, string>> = { 1: 'HMAC-MD5', 2: 'HMAC-SHA1', 5: 'HMAC-SHA2-256', 6: 'HMAC-SHA2-384', 7: 'HMAC-SHA2-512' };
const INTEG_NAMES: Readonly<Record<number, string>> = { 0: 'NONE', 1: 'HMAC-MD5-96', 2: 'HMAC-SHA1-96', 12: 'HMAC-SHA2-256-128', 13: 'HMAC-SHA2-384-192', 14: 'HMAC-SHA2-512-256' };
const TYPE_LABELS: Readonly<Record<number, string>> = { 1: 'encryption', 2: 'PRF', 3: 'integrity', 4: 'DH', 5: 'ESN' };

export function transformTypeLabel(type: number): string {
  return TYPE_LABELS[type] ?? `transform type ${type}`;
}

/** A transform in IANA-style words: `AES-CBC-256`, `HMAC-SHA2-256-128`, `group 19`, `on`. */
export function transformValueName(t: WireTransform): string {
  switch (t.type) {
    case TransformType.ENCR: {
      const base = t.id === Encr.AES_CBC ? 'AES-CBC' : t.id === Encr.AES_GCM_16 ? 'AES-GCM' : t.id === Encr.CHACHA20_POLY1305 ? 'CHACHA20-POLY1305' : t.id === Encr.TRIPLE_DES ? '3DES' : t.id === Encr.DES ? 'DES' : `ENCR-${t.id}`;
      return t.keyLength === undefined ? base : `${base}-${t.keyLength}`;
    }
    case TransformType.PRF: {
      return PRF_NAMES[t.id] ?? `PRF-${t.id}`;
    }
    case TransformType.INTEG: {
      return INTEG_NAMES[t.id] ?? `INTEG-${t.id}`;
    }
    case TransformType.DH:
      return t.id === 0 ? 'none' : `group ${t.id}`;
    case TransformType.ESN:
      return t.id === Esn.YES ? 'on' : t.id === Esn.NO ? 'off' : `ESN-${t.id}`;
    default:
      return `${t.type}/${t.id}`;
  }
}

/** `encryption AES-CBC-256`, `DH group 14`. */
export function transformName(t: WireTransform): string {
  return `${transformTypeLabel(t.type)} ${transformValueName(t)}`;
}

export function sameTransform(a: WireTransform, b: WireTransform): boolean {
  return a.type === b.type && a.id === b.id && a.keyLength === b.keyLength;
}
