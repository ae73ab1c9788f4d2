/** `show version`: host, model, release, then one line per installed package. */
import type { Device } from '../../../chassis/device.js';
import { buildTag, versionString } from '../../../chassis/release.js';

const BASE_PACKAGES: ReadonlyArray<readonly [string, 'stable' | 'junos']> = [
  ['JUNOS OS Kernel 64-bit', 'stable'],
  ['JUNOS OS libs', 'stable'],
  ['JUNOS OS runtime', 'stable'],
  ['JUNOS OS time zone information', 'stable'],
  ['JUNOS network stack and utilities', 'junos'],
  ['JUNOS libs', 'junos'],
  ['JUNOS runtime', 'junos'],
  ['JUNOS srx libs', 'junos'],
  ['JUNOS srx runtime', 'junos'],
  ['JUNOS common platform support', 'junos'],
  ['JUNOS srx platform support', 'junos'],
  ['JUNOS srx Data Plane Crypto Support', 'junos'],
  ['JUNOS daemons', 'junos'],
  ['JUNOS srx daemons', 'junos'],
  ['JUNOS Services IPSec', 'junos'],
  ['JUNOS Services Crypto', 'junos'],
  ['JUNOS Packet Forwarding Engine Support (MX/EX92XX Common)', 'junos'],
  ['JUNOS Packet Forwarding Engine Support (M/T Common)', 'junos'],
  ['JUNOS Online Documentation', 'junos'],
  ['JUNOS jail runtime', 'stable'],
];

export function renderShowVersion(dev: Device): string[] {
  const r = dev.release;
  const lines = [`Hostname: ${dev.hostname}`, `Model: ${dev.model.name}`, `Junos: ${versionString(r)}`];
  for (const [name, flavour] of BASE_PACKAGES) lines.push(`${name} ${buildTag(r, flavour)}`);
  if (dev.junosIke) lines.push(`JUNOS ike ${buildTag(r, 'junos')}`);
  return lines;
}
