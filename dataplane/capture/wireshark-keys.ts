// Wireshark's decryption tables, as lines (`lab keys FILE`) and as tshark `-o` arguments.
//
// Formats (reference/interop.md, and the real files in ../shared/vectors/captures/*):
//   esp_sa:                 "IPv4","SRC","DST","0xSPI","ENCRYPTION","0xKEY","AUTHENTICATION","0xAUTHKEY"
//                           SPI as 8 lowercase hex digits, keys uppercase hex with 0x, "" for no key;
//                           AES-GCM's key is cipher key || 4-byte salt, with authentication "NULL".
//   ikev2_decryption_table: ISPI,RSPI,SK_ei,SK_er,"ENCRYPTION",SK_ai,SK_ar,"INTEGRITY"
//                           SPIs lowercase, keys uppercase, all unquoted (quoted SPIs are refused);
//                           AEAD: empty SK_ai/SK_ar and "NONE [RFC4306]".
//   ikev1_decryption_table: ICOOKIE,Ka
// Algorithm names are Wireshark's own UAT strings, read from Wireshark 4.0.17 (Debian 12's
// tshark: packet-ipsec.c and packet-isakmp.c value strings) and checked against the captures'
// files. Inputs use the Junos names of `security ipsec proposal` / `security ike proposal`.

import { addressFromText, addressToText, ipVersionOf } from '../packet/address.js';

// ---------------------------------------------------------------------------------------------
// Algorithm tables

interface Alg {
  /** Wireshark's UAT name. */
  readonly wireshark: string;
  /** Key bytes Wireshark expects (for AEAD: cipher key + 4-byte salt). */
  readonly keyLength: number;
  readonly aead?: boolean;
  /** Not known to Wireshark 4.0 (Debian 12's tshark); listed by later Wireshark releases. */
  readonly newerWiresharkOnly?: boolean;
}

/** ESP encryption, by Junos `security ipsec proposal P encryption-algorithm` value (+ `null`). */
export const ESP_ENCRYPTION = {
  null: { wireshark: 'NULL', keyLength: 0 },
  'des-cbc': { wireshark: 'DES-CBC [RFC2405]', keyLength: 8 },
  '3des-cbc': { wireshark: 'TripleDES-CBC [RFC2451]', keyLength: 24 },
  // One Wireshark name for every AES-CBC key size: the key length selects AES-128/192/256.
  'aes-128-cbc': { wireshark: 'AES-CBC [RFC3602]', keyLength: 16 },
  'aes-192-cbc': { wireshark: 'AES-CBC [RFC3602]', keyLength: 24 },
  'aes-256-cbc': { wireshark: 'AES-CBC [RFC3602]', keyLength: 32 },
  // Junos' AES-GCM is the 16-octet-ICV variant (IKEv2 transform ENCR_AES_GCM_16).
  'aes-128-gcm': { wireshark: 'AES-GCM with 16 octet ICV [RFC4106]', keyLength: 20, aead: true },
  'aes-192-gcm': { wireshark: 'AES-GCM with 16 octet ICV [RFC4106]', keyLength: 28, aead: true },
  'aes-256-gcm': { wireshark: 'AES-GCM with 16 octet ICV [RFC4106]', keyLength: 36, aead: true },
  // RFC 7634: 256-bit key + 4-byte salt.
  'chacha20-poly1305': { wireshark: 'ChaCha20 with Poly1305 [RFC7634]', keyLength: 36, aead: true, newerWiresharkOnly: true },
} as const satisfies Record<string, Alg>;

/** ESP authentication, by Junos `security ipsec proposal P authentication-algorithm` value (+ `none`). */
export const ESP_AUTHENTICATION = {
  none: { wireshark: 'NULL', keyLength: 0 },
  'hmac-md5-96': { wireshark: 'HMAC-MD5-96 [RFC2403]', keyLength: 16 },
  'hmac-sha1-96': { wireshark: 'HMAC-SHA-1-96 [RFC2404]', keyLength: 20 },
  'hmac-sha-256-96': { wireshark: 'HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]', keyLength: 32 },
  'hmac-sha-256-128': { wireshark: 'HMAC-SHA-256-128 [RFC4868]', keyLength: 32 },
  'hmac-sha-384': { wireshark: 'HMAC-SHA-384-192 [RFC4868]', keyLength: 48 },
  'hmac-sha-512': { wireshark: 'HMAC-SHA-512-256 [RFC4868]', keyLength: 64 },
} as const satisfies Record<string, Alg>;

/**
 * IKEv2 SK encryption, by Junos `security ike proposal P encryption-algorithm` value. Wireshark
 * has no IKEv2 entry for DES-CBC nor (in 4.0) ChaCha20-Poly1305: those SAs cannot be listed.
 */
export const IKEV2_ENCRYPTION = {
  '3des-cbc': { wireshark: '3DES [RFC2451]', keyLength: 24 },
  'aes-128-cbc': { wireshark: 'AES-CBC-128 [RFC3602]', keyLength: 16 },
  'aes-192-cbc': { wireshark: 'AES-CBC-192 [RFC3602]', keyLength: 24 },
  'aes-256-cbc': { wireshark: 'AES-CBC-256 [RFC3602]', keyLength: 32 },
  'aes-128-gcm': { wireshark: 'AES-GCM-128 with 16 octet ICV [RFC5282]', keyLength: 20, aead: true },
  'aes-256-gcm': { wireshark: 'AES-GCM-256 with 16 octet ICV [RFC5282]', keyLength: 36, aead: true },
} as const satisfies Record<string, Alg>;

/** IKEv2 SK integrity, by Junos `security ike proposal P authentication-algorithm` value (+ `none` for AEAD). */
export const IKEV2_INTEGRITY = {
  none: { wireshark: 'NONE [RFC4306]', keyLength: 0 },
  md5: { wireshark: 'HMAC_MD5_96 [RFC2403]', keyLength: 16 },
  sha1: { wireshark: 'HMAC_SHA1_96 [RFC2404]', keyLength: 20 },
  'sha-256': { wireshark: 'HMAC_SHA2_256_128 [RFC4868]', keyLength: 32 },
  'sha-384': { wireshark: 'HMAC_SHA2_384_192 [RFC4868]', keyLength: 48 },
  'sha-512': { wireshark: 'HMAC_SHA2_512_256 [RFC4868]', keyLength: 64 },
} as const satisfies Record<string, Alg>;

export type EspEncryption = keyof typeof ESP_ENCRYPTION;
export type EspAuthentication = keyof typeof ESP_AUTHENTICATION;
export type Ikev2Encryption = keyof typeof IKEV2_ENCRYPTION;
export type Ikev2Integrity = keyof typeof IKEV2_INTEGRITY;

// ---------------------------------------------------------------------------------------------
// Lines

const HEX = '0123456789ABCDEF';

/** Uppercase hex, no prefix (the style of strongSwan-derived key files). */
export function upperHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b >> 4]! + HEX[b & 15]!;
  return s;
}

function lowerHex(bytes: Uint8Array): string {
  return upperHex(bytes).toLowerCase();
}

function checkKey(what: string, alg: Alg, key: Uint8Array): void {
  if (key.length !== alg.keyLength) {
    throw new RangeError(`${what} (${alg.wireshark}) needs a ${alg.keyLength}-byte key, got ${key.length}`);
  }
}

function addressText(what: string, a: Uint8Array | string): { text: string; version: 4 | 6 } {
  if (typeof a === 'string') {
    const r = addressFromText(a);
    if (!r.ok) throw new TypeError(`${what}: ${r.error.message}`);
    return { text: addressToText(r.value), version: ipVersionOf(r.value) };
  }
  return { text: addressToText(a), version: ipVersionOf(a) };
}

/** One ESP SA, one direction: what Wireshark needs to decrypt and authenticate it. */
export interface EspSaKeys {
  /** Outer source and destination of the ESP packets (bytes or text). */
  readonly source: Uint8Array | string;
  readonly destination: Uint8Array | string;
  readonly spi: number;
  readonly encryption: EspEncryption;
  /** For AEAD: cipher key || 4-byte salt. Empty for `null`. */
  readonly encryptionKey: Uint8Array;
  /** Default `none` (required for AEAD). */
  readonly authentication?: EspAuthentication;
  readonly authenticationKey?: Uint8Array;
}

/** One `esp_sa` UAT line. Throws on key sizes that do not fit the algorithms. */
export function espSaLine(sa: EspSaKeys): string {
  const enc = ESP_ENCRYPTION[sa.encryption] as Alg | undefined;
  if (!enc) throw new RangeError(`unknown ESP encryption ${JSON.stringify(sa.encryption)}`);
  const authName = sa.authentication ?? 'none';
  const auth = ESP_AUTHENTICATION[authName] as Alg | undefined;
  if (!auth) throw new RangeError(`unknown ESP authentication ${JSON.stringify(authName)}`);
  if (enc.aead && authName !== 'none') {
    // Wireshark refuses it ("AES-GCM encryption can only be used with NULL authentication").
    throw new RangeError(`${sa.encryption} is an AEAD: authentication must be none, got ${authName}`);
  }
  if (!Number.isInteger(sa.spi) || sa.spi < 0 || sa.spi > 0xffffffff) throw new RangeError(`SPI must be a 32-bit unsigned integer, got ${sa.spi}`);
  const authKey = sa.authenticationKey ?? new Uint8Array(0);
  checkKey(`ESP encryption ${sa.encryption}`, enc, sa.encryptionKey);
  checkKey(`ESP authentication ${authName}`, auth, authKey);
  const src = addressText('ESP SA source', sa.source);
  const dst = addressText('ESP SA destination', sa.destination);
  if (src.version !== dst.version) throw new RangeError('ESP SA source and destination are of different IP versions');
  const key = (k: Uint8Array) => (k.length === 0 ? '' : `0x${upperHex(k)}`);
  return [
    `IPv${src.version}`,
    src.text,
    dst.text,
    `0x${sa.spi.toString(16).padStart(8, '0')}`,
    enc.wireshark,
    key(sa.encryptionKey),
    auth.wireshark,
    key(authKey),
  ]
    .map((f) => `"${f}"`)
    .join(',');
}

/** One IKEv2 SA: its SPIs and SK_e/SK_a keys (initiator and responder directions). */
export interface Ikev2SaKeys {
  /** 8 bytes each. */
  readonly initiatorSpi: Uint8Array;
  readonly responderSpi: Uint8Array;
  readonly encryption: Ikev2Encryption;
  /** SK_ei / SK_er; for AES-GCM the 4-byte salt included. */
  readonly skEi: Uint8Array;
  readonly skEr: Uint8Array;
  /** Default `none` (required for AEAD). */
  readonly integrity?: Ikev2Integrity;
  readonly skAi?: Uint8Array;
  readonly skAr?: Uint8Array;
}

/** One `ikev2_decryption_table` UAT line. */
export function ikev2DecryptionLine(sa: Ikev2SaKeys): string {
  const enc = IKEV2_ENCRYPTION[sa.encryption] as Alg | undefined;
  if (!enc) throw new RangeError(`IKEv2 encryption ${JSON.stringify(sa.encryption)} has no Wireshark decryption entry`);
  const integName = sa.integrity ?? 'none';
  const integ = IKEV2_INTEGRITY[integName] as Alg | undefined;
  if (!integ) throw new RangeError(`unknown IKEv2 integrity ${JSON.stringify(integName)}`);
  if (enc.aead && integName !== 'none') throw new RangeError(`${sa.encryption} is an AEAD: integrity must be none, got ${integName}`);
  if (!enc.aead && integName === 'none') throw new RangeError(`${sa.encryption} needs an integrity algorithm`);
  if (sa.initiatorSpi.length !== 8 || sa.responderSpi.length !== 8) throw new RangeError('IKEv2 SPIs are 8 bytes each');
  const skAi = sa.skAi ?? new Uint8Array(0);
  const skAr = sa.skAr ?? new Uint8Array(0);
  checkKey('SK_ei', enc, sa.skEi);
  checkKey('SK_er', enc, sa.skEr);
  checkKey('SK_ai', integ, skAi);
  checkKey('SK_ar', integ, skAr);
  return [
    lowerHex(sa.initiatorSpi),
    lowerHex(sa.responderSpi),
    upperHex(sa.skEi),
    upperHex(sa.skEr),
    `"${enc.wireshark}"`,
    upperHex(skAi),
    upperHex(skAr),
    `"${integ.wireshark}"`,
  ].join(',');
}

/** One `ikev1_decryption_table` UAT line: initiator cookie and the phase-1 encryption key Ka. */
export function ikev1DecryptionLine(initiatorCookie: Uint8Array, encryptionKey: Uint8Array): string {
  if (initiatorCookie.length !== 8) throw new RangeError(`IKEv1 initiator cookie is 8 bytes, got ${initiatorCookie.length}`);
  if (encryptionKey.length === 0) throw new RangeError('IKEv1 encryption key is empty');
  return `${lowerHex(initiatorCookie)},${upperHex(encryptionKey)}`;
}

/** A UAT file's content (what Wireshark keeps in its profile as `esp_sa`, …): one line each. */
export function uatFileContent(lines: readonly string[]): string {
  return lines.map((l) => `${l}\n`).join('');
}

// ---------------------------------------------------------------------------------------------
// tshark

export interface TsharkKeyLines {
  readonly esp?: readonly string[];
  readonly ikev2?: readonly string[];
  readonly ikev1?: readonly string[];
}

/**
 * tshark arguments that load these tables (one `-o` per line, one line per SA and direction),
 * as an argv array for execFile/spawn: no shell quoting needed. With ESP lines, decryption and
 * ICV checking are switched on.
 */
export function tsharkKeyArgs(lines: TsharkKeyLines): string[] {
  const args: string[] = [];
  const esp = lines.esp ?? [];
  if (esp.length > 0) {
    args.push('-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE');
    for (const l of esp) args.push('-o', `uat:esp_sa:${l}`);
  }
  for (const l of lines.ikev2 ?? []) args.push('-o', `uat:ikev2_decryption_table:${l}`);
  for (const l of lines.ikev1 ?? []) args.push('-o', `uat:ikev1_decryption_table:${l}`);
  return args;
}

/** The same arguments as one POSIX-shell string (single-quoted), to print for a user to paste. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
