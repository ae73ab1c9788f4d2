/** `show system uptime`. */
import type { Device } from '../../../chassis/device.js';
import { formatDeviceTime, formatUptime } from './time.js';

export function renderSystemUptime(dev: Device): string[] {
  const now = dev.now();
  const up = now - dev.bootTime;
  return [
    `Current time: ${formatDeviceTime(now)}`,
    'Time Source:  LOCAL CLOCK',
    `System booted: ${formatDeviceTime(dev.bootTime)} (${formatUptime(up)} ago)`,
  ];
}
