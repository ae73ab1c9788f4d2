/**
 * The junos-ike package and the choice of IKE daemon, from the seed's Tables 4 and 6 and its
 * change history. Pure functions: the chassis calls them at boot.
 *
 * Seed rules enforced here:
 * - Table 4: "SRX5000 line with only SPC2 card installed — Supports kmd process"; "only SPC3 —
 *   Supports iked process"; "both SPC2 and SPC3 — Supports iked process".
 * - "SRX5000 line with SRX5K-SPC3 card ... requires junos-ike package as the control plane
 *   software to install and enable IPsec VPN features."
 * - Table 6: "SRX5K-SPC3 with RE3 — 19.4R1 and later as default package"; "SRX5K-SPC3 with RE2 —
 *   18.2R1 and later as optional package".
 * - Change history 20.1R2: "By default, junos-ike package is installed in Junos OS Releases
 *   20.1R2, 20.2R2, 20.3R2, 20.4R1, and later for SRX5000 line with RE3. As a result iked and
 *   ikemd process runs on the routing engine by default instead of ... kmd."
 * - "To use kmd process ... on SRX5000 line without an SPC3 card, you must run the request
 *   system software delete junos-ike command. After running the command, reboot the device."
 */
import type { CardType } from '../cards/kinds.js';
import type { Release } from './release.js';
import { atLeast } from './release.js';
import type { ReType } from './routing-engines.js';

export const JUNOS_IKE = 'junos-ike';

/** First release in which junos-ike can be installed on the SRX5000 line (Table 6, RE2 row). */
export const JUNOS_IKE_FIRST_RELEASE = '18.2R1';

/** RE3 releases that install junos-ike by default whatever the cards (change history 20.1R2). */
export function re3InstallsByDefault(release: Release): boolean {
  if (release.kind !== 'R') return false;
  if (release.major === 20 && release.minor >= 1 && release.minor <= 3) return release.number >= 2;
  return atLeast(release, '20.4R1');
}

/** Is junos-ike present on a factory-fresh device with these parts (the `--no-junos-ike` default)? */
export function junosIkeByDefault(re: ReType, release: Release, cards: readonly CardType[]): boolean {
  if (re !== 're3') return false; // Table 6: with RE2 the package is optional, never default.
  if (re3InstallsByDefault(release)) return true;
  return cards.includes('spc3') && atLeast(release, '19.4R1');
}

/** Can junos-ike be installed at all on this release (Table 6)? */
export function junosIkeInstallable(release: Release): boolean {
  return atLeast(release, JUNOS_IKE_FIRST_RELEASE);
}

export type IkeDaemon = 'kmd' | 'iked';

export interface DaemonChoice {
  /** The key management daemon that runs, or null when none can. */
  readonly daemon: IkeDaemon | null;
  /** Why, in one line (shown by `show chassis alarms` when no daemon runs). */
  readonly reason: string;
}

/**
 * Which IKE daemon the RE starts at boot, for the SPCs that are active after that boot and
 * the packages installed then.
 */
export function chooseIkeDaemon(junosIke: boolean, activeSpcs: readonly CardType[]): DaemonChoice {
  const hasSpc3 = activeSpcs.includes('spc3');
  if (junosIke) {
    return { daemon: 'iked', reason: 'junos-ike package installed: iked and ikemd run instead of kmd' };
  }
  if (hasSpc3) {
    return { daemon: null, reason: 'SRX5K-SPC3 installed but junos-ike package missing: no IKE daemon can run' };
  }
  return { daemon: 'kmd', reason: 'junos-ike package not installed and no SPC3: kmd runs' };
}
