/**
 * Diffie-Hellman on the `software` engine: @noble/curves (P-256/384/521, `nist.js`) for ECP and
 * BigInt modular exponentiation for MODP. Pure JavaScript, 10–30× slower than `native`
 * (reference/performance.md §2), loaded only through `loadDhEngine('software')` so that @noble
 * stays out of threads that never run a software SA.
 *
 * MODP arithmetic here is plain square-and-multiply on BigInt: it is not constant-time, which an
 * emulator accepts (the native engine is the one that stands for the product).
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { randomBytes } from 'node:crypto';
import type { ModpGroupId } from '../modp-groups.js';
import {
  _checkGroup,
  _checkPeer,
  _checkPrivateKey,
  _ecpParams,
  _isEcp,
  _modpParams,
  _modpPeerInRange,
  dhPrivateKey,
  type DhEngine,
  type DhExchange,
  type DhGroupId,
  type EcpGroupId,
} from './groups.js';

const CURVES = { 19: p256, 20: p384, 21: p521 } as const;

function toBig(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex'));
}

function toBytes(n: bigint, length: number): Uint8Array {
  return Uint8Array.from(Buffer.from(n.toString(16).padStart(2 * length, '0'), 'hex'));
}

/** base^exp mod m, left-to-right binary. */
function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  const b = base % m;
  for (let i = exp.toString(2), k = 0; k < i.length; k++) {
    result = (result * result) % m;
    if (i.charCodeAt(k) === 49) result = (result * b) % m;
  }
  return result;
}

interface ModpBig {
  readonly p: bigint;
  readonly g: bigint;
  readonly q: bigint | null;
  readonly length: number;
}

const modpBig = new Map<ModpGroupId, ModpBig>();

function bigParams(group: ModpGroupId): ModpBig {
  let b = modpBig.get(group);
  if (!b) {
    const m = _modpParams(group);
    b = { p: toBig(m.p), g: toBig(m.g), q: m.q ? toBig(m.q) : null, length: m.length };
    modpBig.set(group, b);
  }
  return b;
}

class SoftwareModpExchange implements DhExchange {
  readonly publicValue: Uint8Array;
  private readonly x: bigint;
  private readonly big: ModpBig;

  constructor(
    readonly group: ModpGroupId,
    privateKey: Uint8Array,
  ) {
    this.big = bigParams(group);
    this.x = toBig(privateKey);
    this.publicValue = toBytes(modPow(this.big.g, this.x, this.big.p), this.big.length);
  }

  computeShared(peer: Uint8Array): Uint8Array | null {
    _checkPeer(peer);
    if (!_modpPeerInRange(_modpParams(this.group), peer)) return null;
    const y = toBig(peer);
    const { p, q, length } = this.big;
    if (q !== null && modPow(y, q, p) !== 1n) return null;
    return toBytes(modPow(y, this.x, p), length);
  }
}

class SoftwareEcpExchange implements DhExchange {
  readonly publicValue: Uint8Array;
  private readonly secretKey: Uint8Array;
  private readonly fieldLength: number;

  constructor(
    readonly group: EcpGroupId,
    privateKey: Uint8Array,
  ) {
    this.secretKey = privateKey;
    this.fieldLength = _ecpParams(group).fieldLength;
    this.publicValue = CURVES[group].getPublicKey(privateKey, false).subarray(1);
  }

  computeShared(peer: Uint8Array): Uint8Array | null {
    _checkPeer(peer);
    const n = this.fieldLength;
    if (peer.length !== 2 * n) return null;
    const point = new Uint8Array(2 * n + 1);
    point[0] = 0x04;
    point.set(peer, 1);
    try {
      // Compressed form: 0x02/0x03 ‖ x, and x is what IKE takes (RFC 5903 §7).
      return CURVES[this.group].getSharedSecret(this.secretKey, point, true).subarray(1);
    } catch {
      return null; // noble refuses points off the curve or coordinates ≥ p
    }
  }
}

export const softwareDhEngine: DhEngine = Object.freeze({
  name: 'software' as const,
  create(group: DhGroupId, privateKey?: Uint8Array): DhExchange {
    _checkGroup(group);
    const key = privateKey === undefined ? dhPrivateKey(group, randomBytes) : Uint8Array.from(_checkPrivateKey(group, privateKey));
    return _isEcp(group) ? new SoftwareEcpExchange(group, key) : new SoftwareModpExchange(group, key);
  },
});
