/**
 * IKEv2 key derivation (RFC 7296 §2.14–§2.18), the PSK AUTH value (§2.15) and the NAT detection
 * hashes (§2.23). Everything keyed runs through a `Prf` (crypto/prf.ts), hence through either
 * crypto engine with identical results.
 *
 * Key lengths come from the negotiated transforms (`transformKeyLengths`):
 * - SK_d, SK_pi, SK_pr: the PRF's preferred key length (§2.14);
 * - SK_ei/SK_er and the ESP encryption keys: the cipher key, plus the 4-byte salt for the AEADs,
 *   taken from the keying material right after the key (AES-GCM: RFC 5282 for IKE, RFC 4106
 *   §8.1 for ESP; ChaCha20-Poly1305: RFC 7634, both uses); SK_ai/SK_ar are then empty (the
 *   strongSwan captures carry 20-byte SK_ei/SK_er for AES-128-GCM);
 * - SK_ai/SK_ar and the ESP/AH integrity keys: the HMAC's key length (RFC 2403, 2404, 4868).
 */
import { hash } from 'node:crypto';
import type { Prf } from './prf.js';
import { concatBytes, prfPlus } from './prf.js';
import { AUTHENTICATION_SUITES, ENCRYPTION_SUITES, type AuthenticationAlgorithm, type EncryptionAlgorithm } from './suites.js';

/** Bytes of the encryption key (with salt for AEADs) and of the integrity key of one direction. */
export interface KeyLengths {
  readonly encr: number;
  readonly integ: number;
}

/**
 * The key lengths of a negotiated cipher / integrity pair, for an IKE SA or an ESP/AH CHILD_SA.
 * `encryption` null is AH (integrity only). RangeError for an AEAD with an integrity algorithm
 * (RFC 7296 §3.3.3: an AEAD proposal carries no INTEG transform, or INTEG NONE) or a non-AEAD
 * cipher without one.
 */
export function transformKeyLengths(encryption: EncryptionAlgorithm | null, integrity: AuthenticationAlgorithm | null): KeyLengths {
  if (encryption !== null && !Object.hasOwn(ENCRYPTION_SUITES, encryption)) throw new RangeError(`encryption: unknown algorithm ${JSON.stringify(encryption)}`);
  if (integrity !== null && !Object.hasOwn(AUTHENTICATION_SUITES, integrity)) throw new RangeError(`integrity: unknown algorithm ${JSON.stringify(integrity)}`);
  const enc = encryption === null ? null : ENCRYPTION_SUITES[encryption];
  const integ = integrity === null ? null : AUTHENTICATION_SUITES[integrity];
  if (enc?.kind === 'aead' && integ) throw new RangeError(`integrity: ${encryption} is an AEAD and takes no integrity algorithm (got ${integrity})`);
  if (enc?.kind !== 'aead' && !integ) throw new RangeError(`integrity: ${encryption ?? 'AH'} needs an integrity algorithm`);
  return Object.freeze({ encr: enc ? enc.keyLength : 0, integ: integ ? integ.keyLength : 0 });
}

function bytes(value: unknown, arg: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${arg}: expected a Uint8Array`);
  return value;
}

function spi(value: unknown, arg: string): Uint8Array {
  const b = bytes(value, arg);
  if (b.length !== 8) throw new RangeError(`${arg}: an IKE SA SPI is 8 bytes, got ${b.length}`);
  return b;
}

function checkLengths(lengths: KeyLengths): KeyLengths {
  for (const k of ['encr', 'integ'] as const) {
    const n = lengths?.[k];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new RangeError(`lengths.${k}: expected a non-negative integer`);
  }
  return lengths;
}

/** SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 §2.14); nonces without payload headers. */
export function skeyseed(prf: Prf, ni: Uint8Array, nr: Uint8Array, gir: Uint8Array): Uint8Array {
  return prf.compute(concatBytes(bytes(ni, 'ni'), bytes(nr, 'nr')), bytes(gir, 'gir'));
}

/**
 * SKEYSEED of an IKE SA rekeyed by CREATE_CHILD_SA: prf(SK_d (old), g^ir (new) | Ni | Nr)
 * (RFC 7296 §2.18). `oldPrf` is the PRF of the old IKE SA, which owns the rekey exchange; the new
 * SA's keys then come from `deriveIkeSaKeys` with the new SA's PRF, nonces and SPIs.
 */
export function rekeySkeyseed(oldPrf: Prf, oldSkD: Uint8Array, gir: Uint8Array, ni: Uint8Array, nr: Uint8Array): Uint8Array {
  return oldPrf.compute(bytes(oldSkD, 'oldSkD'), concatBytes(bytes(gir, 'gir'), bytes(ni, 'ni'), bytes(nr, 'nr')));
}

/** The seven secrets of an IKE SA (RFC 7296 §2.14); i = from the original initiator. */
export interface IkeSaKeys {
  readonly skD: Uint8Array;
  readonly skAi: Uint8Array;
  readonly skAr: Uint8Array;
  readonly skEi: Uint8Array;
  readonly skEr: Uint8Array;
  readonly skPi: Uint8Array;
  readonly skPr: Uint8Array;
}

/**
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr),
 * taken in that order (RFC 7296 §2.14). `lengths` from `transformKeyLengths` of the IKE SA's
 * cipher and integrity algorithm.
 */
export function deriveIkeSaKeys(prf: Prf, seed: Uint8Array, ni: Uint8Array, nr: Uint8Array, spiI: Uint8Array, spiR: Uint8Array, lengths: KeyLengths): IkeSaKeys {
  const { encr, integ } = checkLengths(lengths);
  const p = prf.alg.keyLength;
  const material = prfPlus(prf, bytes(seed, 'skeyseed'), concatBytes(bytes(ni, 'ni'), bytes(nr, 'nr'), spi(spiI, 'spiI'), spi(spiR, 'spiR')), 3 * p + 2 * integ + 2 * encr);
  let at = 0;
  const take = (n: number): Uint8Array => material.subarray(at, (at += n));
  return Object.freeze({ skD: take(p), skAi: take(integ), skAr: take(integ), skEi: take(encr), skEr: take(encr), skPi: take(p), skPr: take(p) });
}

/** The keys of one direction of a CHILD_SA: encryption key (with salt for AEADs), integrity key. */
export interface DirectionKeys {
  readonly encr: Uint8Array;
  readonly integ: Uint8Array;
}

export interface ChildSaKeys {
  /** The SA carrying traffic from the IKE SA's initiator of this exchange to its responder. */
  readonly initiatorToResponder: DirectionKeys;
  readonly responderToInitiator: DirectionKeys;
}

/**
 * KEYMAT = prf+ (SK_d, Ni | Nr), or prf+ (SK_d, g^ir (new) | Ni | Nr) with a CREATE_CHILD_SA
 * Diffie-Hellman (PFS) (RFC 7296 §2.17), split as §2.17 orders it: every key of the
 * initiator→responder SA before those of the responder→initiator SA, and within one ESP SA the
 * encryption key before the integrity key. Ni and Nr are those of the exchange creating the
 * CHILD_SA (IKE_SA_INIT's for the first one). One ESP or AH SA pair per call.
 */
export function deriveChildSaKeys(prf: Prf, skD: Uint8Array, ni: Uint8Array, nr: Uint8Array, lengths: KeyLengths, gir: Uint8Array | null = null): ChildSaKeys {
  const { encr, integ } = checkLengths(lengths);
  const seed = gir === null ? concatBytes(bytes(ni, 'ni'), bytes(nr, 'nr')) : concatBytes(bytes(gir, 'gir'), bytes(ni, 'ni'), bytes(nr, 'nr'));
  const material = prfPlus(prf, bytes(skD, 'skD'), seed, 2 * (encr + integ));
  let at = 0;
  const take = (n: number): Uint8Array => material.subarray(at, (at += n));
  const initiatorToResponder = Object.freeze({ encr: take(encr), integ: take(integ) });
  const responderToInitiator = Object.freeze({ encr: take(encr), integ: take(integ) });
  return Object.freeze({ initiatorToResponder, responderToInitiator });
}

/** "Key Pad for IKEv2": 17 ASCII octets, no terminating NUL (RFC 7296 §2.15). */
export const IKEV2_KEY_PAD: Uint8Array = new TextEncoder().encode('Key Pad for IKEv2');

/** What one side's AUTH covers (RFC 7296 §2.15), as the message codec hands it over. */
export interface AuthInput {
  /** This side's first message as sent: IKE_SA_INIT request (initiator) or response (responder), from the IKE header to the end. */
  readonly realMessage: Uint8Array;
  /** The other side's nonce, the Nonce payload's data without its header. */
  readonly peerNonce: Uint8Array;
  /** SK_pi for the initiator's AUTH, SK_pr for the responder's. */
  readonly skP: Uint8Array;
  /** This side's ID payload without its 4-byte generic header: ID Type | RESERVED (3) | data. */
  readonly idPayloadBody: Uint8Array;
}

/** <InitiatorSignedOctets> / <ResponderSignedOctets> = RealMessage | Nonce(peer) | prf(SK_p, ID'). */
export function signedOctets(prf: Prf, input: AuthInput): Uint8Array {
  const macedId = prf.compute(bytes(input.skP, 'skP'), bytes(input.idPayloadBody, 'idPayloadBody'));
  return concatBytes(bytes(input.realMessage, 'realMessage'), bytes(input.peerNonce, 'peerNonce'), macedId);
}

/**
 * AUTH data for the shared-key method (auth method 2): prf( prf(PSK, "Key Pad for IKEv2"),
 * <SignedOctets>) (RFC 7296 §2.15). A string PSK is taken as its UTF-8 bytes (Junos
 * `ascii-text`); compare a received value with `constantTimeEqual` (crypto/engine.ts).
 */
export function pskAuth(prf: Prf, psk: Uint8Array | string, input: AuthInput): Uint8Array {
  return pskAuthPadded(prf, pskKeyPad(prf, psk), input);
}

/** prf(PSK, "Key Pad for IKEv2"): the same for every SA of a pre-shared key and PRF (callers may keep it). */
export function pskKeyPad(prf: Prf, psk: Uint8Array | string): Uint8Array {
  const secret = typeof psk === 'string' ? new TextEncoder().encode(psk) : bytes(psk, 'psk');
  return prf.compute(secret, IKEV2_KEY_PAD);
}

/** The AUTH data from an already computed `pskKeyPad`. */
export function pskAuthPadded(prf: Prf, padded: Uint8Array, input: AuthInput): Uint8Array {
  return prf.compute(padded, signedOctets(prf, input));
}

/**
 * The data of NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP: SHA-1(SPIi | SPIr | IP
 * address | port) (RFC 7296 §2.23), the SPIs as in the IKE header (SPIr all zero in the
 * IKE_SA_INIT request), `address` 4 (IPv4) or 16 (IPv6) bytes, `port` in network order.
 * A fixed protocol hash, not a keyed primitive: computed with node:crypto for both engines.
 */
export function natDetectionHash(spiI: Uint8Array, spiR: Uint8Array, address: Uint8Array, port: number): Uint8Array {
  spi(spiI, 'spiI');
  spi(spiR, 'spiR');
  const ip = bytes(address, 'address');
  if (ip.length !== 4 && ip.length !== 16) throw new RangeError(`address: expected 4 (IPv4) or 16 (IPv6) bytes, got ${ip.length}`);
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`port: expected 0..65535, got ${port}`);
  // One buffer, one native call: SPIi | SPIr | address | port.
  const input = Buffer.allocUnsafe(16 + ip.length + 2);
  input.set(spiI, 0);
  input.set(spiR, 8);
  input.set(ip, 16);
  input.writeUInt16BE(port, 16 + ip.length);
  const d = hash('sha1', input, 'buffer');
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}
