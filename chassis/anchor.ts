/**
 * Which SPU anchors a new site-to-site tunnel (seed, "Distribution of IKE and IPsec Sessions
 * Across SPUs"): "the least-loaded SPU is chosen as the anchor SPU. If multiple SPUs have the same
 * smallest load, any of them can be chosen ... load corresponds to the number of site-to-site
 * gateways or manual VPN tunnels anchored on an SPU." With an SPC3 in the chassis the unit is
 * the flow RT thread: "Tunnel load factor = Number of tunnels anchored on the SPU / Total number
 * of flow RT threads used by the SPU", lowest factor wins. Ties go to the seeded random source.
 */
import type { Random } from '../sim/random.js';

export interface AnchorCandidate<T> {
  readonly id: T;
  /** Site-to-site gateways and manual tunnels anchored on it now. */
  readonly load: number;
  /** Flow RT threads of the SPU (used when balancing by threads). */
  readonly flowThreads: number;
}

export function leastLoaded<T>(candidates: readonly AnchorCandidate<T>[], byThreads: boolean, random: Random): T | undefined {
  if (candidates.length === 0) return undefined;
  const factor = (c: AnchorCandidate<T>): number => (byThreads ? c.load / Math.max(1, c.flowThreads) : c.load);
  const best = Math.min(...candidates.map(factor));
  const tied = candidates.filter((c) => factor(c) === best);
  return random.pick(tied).id;
}
