/** `show chassis alarms`. */
import type { Device } from '../../../chassis/device.js';
import { formatDeviceTime } from './time.js';

export function renderChassisAlarms(dev: Device): string[] {
  const alarms = dev.alarms();
  if (alarms.length === 0) return ['No alarms currently active'];
  const lines = [`${alarms.length} ${alarms.length === 1 ? 'alarm' : 'alarms'} currently active`, 'Alarm time               Class  Description'];
  for (const a of alarms) lines.push(`${formatDeviceTime(a.time).padEnd(25)}${a.severity.padEnd(7)}${a.description}`);
  return lines;
}
