/**
 * Diffie-Hellman on the `native` engine (node:crypto / OpenSSL), the SPC3's "hardware" path.
 *
 * MODP: one `createDiffieHellman(p, g)` object per group and thread, built on first use and kept.
 * Node runs OpenSSL's DH_check (primality tests) in that constructor: 15–45 ms for groups 1 and 2,
 * so it must never happen per SA (reference/performance.md §2, G8). An exchange keeps its own
 * private exponent and loads it into the shared object before each use (`setPrivateKey` then
 * `generateKeys` computes g^x for that exponent; `computeSecret` uses it): everything is
 * synchronous, so exchanges interleaved on one thread cannot see each other's key. The legacy
 * DH path is used on purpose: the EVP path (`diffieHellman()` with KeyObjects) validates the
 * peer value with a full-length exponentiation and is 6× slower for the shared secret.
 *
 * Group 24's subgroup check y^q = 1 (RFC 6989 §2.2) runs natively too, through a second cached
 * object whose private exponent is fixed at q + 1: y^(q+1) = y exactly when y^q = 1 (y is
 * invertible mod p). It costs about one short-exponent DH operation (~0.28 ms), so it is done.
 *
 * ECP: one `createECDH(curve)` per exchange (~9 µs to build; a cached object would need its
 * public key recomputed at every `setPrivateKey`). OpenSSL checks that the peer point lies on
 * the curve; the point at infinity has no x ‖ y encoding at all.
 */
import { createDiffieHellman, createECDH, randomBytes, type DiffieHellman, type ECDH } from 'node:crypto';
import type { ModpGroupId } from '../modp-groups.js';
import {
  _checkGroup,
  _checkPeer,
  _checkPrivateKey,
  _ecpParams,
  _isEcp,
  _leftPad,
  _modpParams,
  _modpPeerInRange,
  dhPrivateKey,
  type DhEngine,
  type DhExchange,
  type DhGroupId,
  type EcpGroupId,
  type EcpParams,
  type ModpParams,
} from './groups.js';

interface ModpState {
  readonly params: ModpParams;
  readonly dh: DiffieHellman;
  /** Group 24 only: private exponent q + 1, for the subgroup check. */
  readonly subgroupCheck: DiffieHellman | null;
}

const modpStates = new Map<ModpGroupId, ModpState>();

function modpState(group: ModpGroupId): ModpState {
  let s = modpStates.get(group);
  if (!s) {
    const params = _modpParams(group);
    const dh = createDiffieHellman(params.p, params.g);
    let subgroupCheck: DiffieHellman | null = null;
    if (params.q) {
      subgroupCheck = createDiffieHellman(params.p, params.g);
      subgroupCheck.setPrivateKey(addOne(params.q));
    }
    s = { params, dh, subgroupCheck };
    modpStates.set(group, s);
  }
  return s;
}

/** A plain Uint8Array view of a Buffer (no copy): callers get Uint8Array semantics (`slice` copies). */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

function addOne(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length + 1);
  out.set(b, 1);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0xff) {
      out[i]! += 1;
      break;
    }
    out[i] = 0;
  }
  return out;
}

class NativeModpExchange implements DhExchange {
  readonly publicValue: Uint8Array;
  private readonly state: ModpState;
  private readonly privateKey: Uint8Array;

  constructor(
    readonly group: ModpGroupId,
    privateKey: Uint8Array,
  ) {
    this.state = modpState(group);
    this.privateKey = privateKey;
    this.state.dh.setPrivateKey(privateKey);
    this.publicValue = _leftPad(plain(this.state.dh.generateKeys()), this.state.params.length);
  }

  computeShared(peer: Uint8Array): Uint8Array | null {
    _checkPeer(peer);
    const { params, dh, subgroupCheck } = this.state;
    if (!_modpPeerInRange(params, peer)) return null;
    try {
      if (subgroupCheck && !subgroupCheck.computeSecret(peer).equals(peer)) return null;
      dh.setPrivateKey(this.privateKey);
      return _leftPad(plain(dh.computeSecret(peer)), params.length);
    } catch {
      return null; // OpenSSL refused the value (cannot happen after the range check; kept safe)
    }
  }
}

class NativeEcpExchange implements DhExchange {
  readonly publicValue: Uint8Array;
  private readonly ecdh: ECDH;
  private readonly params: EcpParams;

  constructor(
    readonly group: EcpGroupId,
    privateKey: Uint8Array | undefined,
  ) {
    this.params = _ecpParams(group);
    this.ecdh = createECDH(this.params.curve);
    if (privateKey) this.ecdh.setPrivateKey(privateKey);
    else this.ecdh.generateKeys();
    // Uncompressed SEC1 is 0x04 ‖ x ‖ y with both coordinates at full field length.
    this.publicValue = plain(this.ecdh.getPublicKey()).subarray(1);
  }

  computeShared(peer: Uint8Array): Uint8Array | null {
    _checkPeer(peer);
    const n = this.params.fieldLength;
    if (peer.length !== 2 * n) return null;
    const point = Buffer.allocUnsafe(2 * n + 1);
    point[0] = 0x04;
    point.set(peer, 1);
    try {
      return plain(this.ecdh.computeSecret(point)); // x of the shared point, field length (OpenSSL pads)
    } catch {
      return null; // not a point of the curve
    }
  }
}

export const nativeDhEngine: DhEngine = Object.freeze({
  name: 'native' as const,
  create(group: DhGroupId, privateKey?: Uint8Array): DhExchange {
    _checkGroup(group);
    if (privateKey !== undefined) _checkPrivateKey(group, privateKey);
    if (_isEcp(group)) return new NativeEcpExchange(group, privateKey); // OpenSSL copies the scalar
    return new NativeModpExchange(group, privateKey === undefined ? dhPrivateKey(group, randomBytes) : Uint8Array.from(privateKey));
  },
});
