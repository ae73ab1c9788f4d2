/**
 * IKE Diffie-Hellman (RFC 7296 §1.2 KE payloads): groups 1, 2, 5, 14, 15, 16 (MODP, RFC 2409 /
 * RFC 3526), 19, 20, 21 (ECP, RFC 5903) and 24 (MODP with a prime-order subgroup, RFC 5114 §2.3),
 * on both crypto engines, which give identical bytes for the same private key:
 *
 * - `native` (node:crypto): `nativeDhEngine`, importable statically (crypto/dh/native.ts);
 * - `software` (@noble/curves + BigInt): reached through `loadDhEngine('software')` only, as the
 *   software CryptoEngine is (crypto/engine.ts).
 *
 * Usage: `const dh = await loadDhEngine(sa.engine); const x = dh.create(19);` then send
 * `x.publicValue` in KE and feed the peer's KE data to `x.computeShared(peer)` (null: reject
 * the peer value). Encodings, checks and private-key sizes: crypto/dh/groups.ts and
 * crypto/modp-groups.ts.
 */
import type { EngineName } from './engine.js';
import type { DhEngine } from './dh/groups.js';
import { nativeDhEngine } from './dh/native.js';

export {
  DH_GROUP_IDS,
  dhGroup,
  dhPrivateKey,
  dhPublicLength,
  isSupportedGroup,
  type DhEngine,
  type DhExchange,
  type DhGroupId,
  type DhGroupInfo,
  type EcpGroupId,
  type RandomBytes,
} from './dh/groups.js';
export { MODP_GROUPS, type ModpGroup, type ModpGroupId } from './modp-groups.js';
export { nativeDhEngine };

let software: Promise<DhEngine> | undefined;

/** The DH engine of that name; the software one (and @noble/curves) is imported on first use. */
export function loadDhEngine(name: EngineName): Promise<DhEngine> {
  if (name === 'native') return Promise.resolve(nativeDhEngine);
  if (name === 'software') {
    software ??= import('./dh/software.js').then((m) => m.softwareDhEngine);
    return software;
  }
  return Promise.reject(new RangeError(`engine: unknown engine ${JSON.stringify(name)} (expected native or software)`));
}
