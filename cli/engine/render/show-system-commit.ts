/** `show system commit`: the rollback history, newest first. */
import type { Device } from '../../../chassis/device.js';
import { formatDeviceTime } from './time.js';

export function renderSystemCommit(dev: Device): string[] {
  const lines: string[] = [];
  const left = dev.config.confirmMinutesLeft();
  if (left !== null) lines.push(`commit confirmed, rollback in ${left}mins`);
  dev.config.revisions().forEach((r, i) => {
    const how = r.client === 'cli' ? 'via cli' : r.client === 'confirmed-rollback' ? 'via rollback (commit confirmed)' : 'via factory default';
    lines.push(`${String(i).padEnd(4)}${formatDeviceTime(r.time)} by ${r.user} ${how}`);
    if (r.comment) lines.push(`    ${r.comment}`);
  });
  return lines;
}
