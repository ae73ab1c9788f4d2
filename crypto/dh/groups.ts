/**
 * What both Diffie-Hellman engines share: the group table, the wire encodings, the checks of
 * private keys and peer values, and private-key drawing. No big-number arithmetic happens here
 * (every check is a byte comparison), so the native engine pays nothing for it per SA.
 *
 * Encodings (the bytes of the IKE KE payload after its 4-byte Group/RESERVED prefix):
 * - MODP: the public value g^x mod p big-endian, left-padded to the length of p
 *   (RFC 7296 §3.4); the shared secret g^xy mod p likewise (RFC 7296 §2.14).
 * - ECP (RFC 5903 §7): the public value is x ‖ y, each coordinate padded to the field length,
 *   with no SEC1 0x04 prefix; the shared secret is the x coordinate of the shared point alone.
 */
import { randomBytes } from 'node:crypto';
import type { EngineName } from '../engine.js';
import { MODP_GROUPS, type ModpGroupId } from '../modp-groups.js';

export type EcpGroupId = 19 | 20 | 21;
/** The IKE Diffie-Hellman groups srx5k implements (IANA "Transform Type 4" ids). */
export type DhGroupId = ModpGroupId | EcpGroupId;

export const DH_GROUP_IDS: readonly DhGroupId[] = Object.freeze([1, 2, 5, 14, 15, 16, 19, 20, 21, 24] as const);

export interface DhGroupInfo {
  readonly id: DhGroupId;
  readonly kind: 'modp' | 'ecp';
  /** The Junos keyword (`dh-group group19`). */
  readonly name: `group${DhGroupId}`;
  /** Bytes of the public value in the KE payload. */
  readonly publicLength: number;
  /** Bytes of g^ir as it enters SKEYSEED / KEYMAT. */
  readonly sharedLength: number;
  /** Bytes of the private key srx5k draws (MODP: the short exponent; ECP: the scalar). */
  readonly privateKeyLength: number;
  /** Security strength in bits. */
  readonly strength: number;
  readonly rfc: string;
}

/** One Diffie-Hellman exchange: this side's key pair in a group. */
export interface DhExchange {
  readonly group: DhGroupId;
  /** This side's public value exactly as the KE payload carries it (see the encodings above). */
  readonly publicValue: Uint8Array;
  /**
   * g^ir from the peer's KE payload data, in the form SKEYSEED / KEYMAT take it; null when the
   * peer value is invalid (wrong length, out of range, not in the subgroup, not on the curve),
   * which IKE answers with INVALID_SYNTAX or INVALID_KE_PAYLOAD. TypeError if not bytes.
   * May be called more than once; the exchange keeps its private key.
   */
  computeShared(peer: Uint8Array): Uint8Array | null;
}

export interface DhEngine {
  readonly name: EngineName;
  /**
   * A new exchange in `group`. `privateKey` (checked, see `_checkPrivateKey`) makes it
   * deterministic; by default the engine draws one (`dhPrivateKey` sizes). RangeError for an
   * unsupported group or an invalid key, TypeError for a key that is not bytes.
   */
  create(group: DhGroupId, privateKey?: Uint8Array): DhExchange;
}

/** @internal The byte forms of one MODP group's parameters, built once per thread. */
export interface ModpParams {
  readonly id: ModpGroupId;
  readonly length: number;
  readonly p: Uint8Array;
  readonly g: Uint8Array;
  /** p − 1 (no leading zeros; p is odd, so only the last byte differs). */
  readonly pMinus1: Uint8Array;
  /** The subgroup order, without leading zeros, or null (safe-prime groups). */
  readonly q: Uint8Array | null;
}

/** @internal */
export interface EcpParams {
  readonly id: EcpGroupId;
  /** Bytes of a field element: 32, 48, 66. */
  readonly fieldLength: number;
  /** node:crypto / OpenSSL curve name. */
  readonly curve: 'prime256v1' | 'secp384r1' | 'secp521r1';
  /** Order n of the base point, big-endian, without leading zeros. */
  readonly n: Uint8Array;
  /** Bits of n (P-521's top byte holds one bit). */
  readonly nBits: number;
}

const ECP: Readonly<Record<EcpGroupId, { curve: EcpParams['curve']; fieldLength: number; n: string; nBits: number; strength: number; rfc: string }>> = {
  19: { curve: 'prime256v1', fieldLength: 32, nBits: 256, strength: 128, rfc: 'RFC 5903 §3.1', n: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551' },
  20: {
    curve: 'secp384r1',
    fieldLength: 48,
    nBits: 384,
    strength: 192,
    rfc: 'RFC 5903 §3.2',
    n: 'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  },
  21: {
    curve: 'secp521r1',
    fieldLength: 66,
    nBits: 521,
    strength: 256,
    rfc: 'RFC 5903 §3.3',
    n: '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
  },
};

function buildInfo(id: DhGroupId): DhGroupInfo {
  if (id === 19 || id === 20 || id === 21) {
    const e = ECP[id];
    return { id, kind: 'ecp', name: `group${id}`, publicLength: 2 * e.fieldLength, sharedLength: e.fieldLength, privateKeyLength: e.fieldLength, strength: e.strength, rfc: e.rfc };
  }
  const m = MODP_GROUPS[id];
  return { id, kind: 'modp', name: `group${id}`, publicLength: m.primeLength, sharedLength: m.primeLength, privateKeyLength: m.privateKeyBits / 8, strength: m.strength, rfc: m.rfc };
}

const INFO = new Map<DhGroupId, DhGroupInfo>(DH_GROUP_IDS.map((id) => [id, Object.freeze(buildInfo(id))]));

/** True for the group ids srx5k implements (1, 2, 5, 14, 15, 16, 19, 20, 21, 24). */
export function isSupportedGroup(group: unknown): group is DhGroupId {
  return typeof group === 'number' && INFO.has(group as DhGroupId);
}

/** @internal RangeError naming the group unless it is supported. */
export function _checkGroup(group: unknown): DhGroupId {
  if (!isSupportedGroup(group)) {
    throw new RangeError(`group: unsupported Diffie-Hellman group ${JSON.stringify(group)} (expected one of ${DH_GROUP_IDS.join(', ')})`);
  }
  return group;
}

/** Sizes and provenance of a group; RangeError for an unsupported one. */
export function dhGroup(group: DhGroupId): DhGroupInfo {
  return INFO.get(_checkGroup(group))!;
}

/** Bytes of the group's public value as carried in the KE payload. */
export function dhPublicLength(group: DhGroupId): number {
  return dhGroup(group).publicLength;
}

// ---- byte helpers (big-endian unsigned integers) ---------------------------------------------

/** @internal */
export function _hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

/** @internal a < b for big-endian unsigned integers; `b` has no leading zero bytes. */
export function _lessThan(a: Uint8Array, b: Uint8Array): boolean {
  const x = stripZeros(a);
  if (x.length !== b.length) return x.length < b.length;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== b[i]) return x[i]! < b[i]!;
  }
  return false;
}

/** @internal True when the big-endian integer is 0 or 1. */
export function _isZeroOrOne(a: Uint8Array): boolean {
  for (let i = 0; i < a.length - 1; i++) if (a[i] !== 0) return false;
  return a.length === 0 || a[a.length - 1]! <= 1;
}

/** @internal `b` left-padded with zeros to `length` bytes (returned as is when already that long). */
export function _leftPad(b: Uint8Array, length: number): Uint8Array {
  if (b.length === length) return b;
  const out = new Uint8Array(length);
  out.set(b, length - b.length);
  return out;
}

// ---- parameters -----------------------------------------------------------------------------

const modpParams = new Map<ModpGroupId, ModpParams>();
const ecpParams = new Map<EcpGroupId, EcpParams>();

/** @internal */
export function _modpParams(id: ModpGroupId): ModpParams {
  let m = modpParams.get(id);
  if (!m) {
    const g = MODP_GROUPS[id];
    const p = _hexBytes(g.prime);
    const pMinus1 = p.slice();
    pMinus1[pMinus1.length - 1]! -= 1; // p is odd
    m = Object.freeze({ id, length: g.primeLength, p, g: _hexBytes(g.generator), pMinus1, q: g.subgroupOrder === null ? null : stripZeros(_hexBytes(g.subgroupOrder)) });
    modpParams.set(id, m);
  }
  return m;
}

/** @internal */
export function _ecpParams(id: EcpGroupId): EcpParams {
  let e = ecpParams.get(id);
  if (!e) {
    const c = ECP[id];
    e = Object.freeze({ id, fieldLength: c.fieldLength, curve: c.curve, n: _hexBytes(c.n), nBits: c.nBits });
    ecpParams.set(id, e);
  }
  return e;
}

/** @internal */
export function _isEcp(group: DhGroupId): group is EcpGroupId {
  return group === 19 || group === 20 || group === 21;
}

// ---- checks ---------------------------------------------------------------------------------

/**
 * @internal A private key handed to `create`, checked the same way for both engines:
 * - MODP groups 1–16: 1 to length-of-p bytes, value in [1, p − 2] (any length: interop vectors
 *   use other exponent sizes than srx5k draws);
 * - group 24: value in [1, q − 1] (RFC 5114 §2.3);
 * - ECP: exactly the field length (32/48/66 bytes), value in [1, n − 1].
 */
export function _checkPrivateKey(group: DhGroupId, key: unknown): Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError('privateKey: expected a Uint8Array');
  if (_isEcp(group)) {
    const e = _ecpParams(group);
    if (key.length !== e.fieldLength) throw new RangeError(`privateKey: group ${group} takes a ${e.fieldLength}-byte scalar, got ${key.length} bytes`);
    if (stripZeros(key).length === 0 || !_lessThan(key, e.n)) throw new RangeError(`privateKey: the scalar must lie in [1, n − 1] for group ${group}`);
    return key;
  }
  const m = _modpParams(group);
  if (key.length === 0 || key.length > m.length) throw new RangeError(`privateKey: group ${group} takes 1 to ${m.length} bytes, got ${key.length}`);
  const limit = m.q ?? m.pMinus1;
  if (stripZeros(key).length === 0 || !_lessThan(key, limit)) {
    throw new RangeError(`privateKey: the exponent must lie in [1, ${m.q ? 'q' : 'p − 1'} − 1] for group ${group}`);
  }
  return key;
}

/**
 * @internal The range check of a MODP peer value (RFC 7296 §3.4 length; 1 < y < p − 1,
 * RFC 6989 §2.1). The subgroup check of group 24 is the engine's, being arithmetic.
 */
export function _modpPeerInRange(m: ModpParams, peer: Uint8Array): boolean {
  return peer.length === m.length && !_isZeroOrOne(peer) && _lessThan(peer, m.pMinus1);
}

/** @internal TypeError unless `peer` is bytes (a wrong length or value is the peer's fault: null). */
export function _checkPeer(peer: unknown): Uint8Array {
  if (!(peer instanceof Uint8Array)) throw new TypeError('peer: expected a Uint8Array');
  return peer;
}

/** A source of random bytes: node:crypto's `randomBytes`, or a seeded one in simulations. */
export type RandomBytes = (length: number) => Uint8Array;

/**
 * A fresh private key for `group`, drawn from `random` (default: node:crypto's CSPRNG) by
 * rejection sampling so that it is uniform over the valid range: `privateKeyLength` bytes, then
 * redrawn while 0 (or ≥ q for group 24, ≥ n for ECP; P-521's top byte is masked to its one bit).
 * Deterministic simulations pass a seeded source and hand the key to `create`.
 */
export function dhPrivateKey(group: DhGroupId, random: RandomBytes = randomBytes): Uint8Array {
  const info = dhGroup(group);
  if (typeof random !== 'function') throw new TypeError('random: expected a function (length) => Uint8Array');
  for (let attempt = 0; attempt < 1000; attempt++) {
    const raw = random(info.privateKeyLength);
    if (!(raw instanceof Uint8Array) || raw.length !== info.privateKeyLength) {
      throw new RangeError(`random: expected ${info.privateKeyLength} bytes`);
    }
    const key = Uint8Array.from(raw);
    if (_isEcp(group)) {
      const e = _ecpParams(group);
      const spare = e.fieldLength * 8 - e.nBits;
      if (spare > 0) key[0]! &= 0xff >>> spare;
      if (stripZeros(key).length > 0 && _lessThan(key, e.n)) return key;
    } else {
      const m = _modpParams(group);
      if (stripZeros(key).length > 0 && (m.q === null || _lessThan(key, m.q))) return key;
    }
  }
  throw new Error('random: 1000 draws without a valid private key (is the source constant?)');
}
