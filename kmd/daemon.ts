/**
 * kmd as an IKE daemon: the shared IKEv2 core (ike/daemon.ts) with kmd's numbering. kmd runs on
 * SPC2-only boxes, whose crypto engine is the software one (`deps.engine` says which; the chassis
 * passes 'software' there, seed Table 5).
 *
 * Numbering: tunnel ids from 131073 (0x20001, as kmd boxes show), drawn from the device's one
 * counter (`IpsecKernel.allocateTunnelId`, shared with manual tunnels); IKE SA indexes are 7-digit
 * numbers on kmd boxes (facts §6) — we start at 4194305 (0x400001) and count up (our choice).
 */
import { createIkeDaemon, type DaemonOptions, type FlavourOptions, type SharedIkeDaemon } from '../ike/daemon.js';
import type { IkeDaemonDeps } from '../ike/ports.js';

export const KMD_FLAVOUR: FlavourOptions = Object.freeze({ flavour: 'kmd', firstSaIndex: 4194305 });

export function createKmd(deps: IkeDaemonDeps, options?: DaemonOptions): Promise<SharedIkeDaemon> {
  return createIkeDaemon(KMD_FLAVOUR, deps, options);
}
