/**
 * iked as an IKE daemon: the shared IKEv2 core (ike/daemon.ts) with iked's numbering. DPD and
 * ADVPN came to iked in 23.4R1; commit refuses them before that, so the daemon honours whatever
 * configuration it is given.
 *
 * Numbering: tunnel ids from 500001 (as iked boxes show), drawn from the device's one counter
 * (`IpsecKernel.allocateTunnelId`, shared with manual tunnels); IKE SA indexes are small numbers on
 * iked builds (facts §6) — we start at 1 and count up (our choice).
 */
import { createIkeDaemon, type DaemonOptions, type FlavourOptions, type SharedIkeDaemon } from '../ike/daemon.js';
import type { IkeDaemonDeps } from '../ike/ports.js';

export const IKED_FLAVOUR: FlavourOptions = Object.freeze({ flavour: 'iked', firstSaIndex: 1 });

export function createIked(deps: IkeDaemonDeps, options?: DaemonOptions): Promise<SharedIkeDaemon> {
  return createIkeDaemon(IKED_FLAVOUR, deps, options);
}
