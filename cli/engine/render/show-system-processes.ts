/** `show system processes`: the RE process table in FreeBSD `ps` layout. */
import type { Device } from '../../../chassis/device.js';
import { cpuTime } from '../../../chassis/processes.js';

export function renderSystemProcesses(dev: Device): string[] {
  const now = dev.now();
  const lines = ['  PID  TT  STAT      TIME COMMAND'];
  for (const p of dev.processes) {
    lines.push(`${String(p.pid).padStart(5)}  -  ${p.stat.padEnd(5)} ${cpuTime(p, now).padStart(10)} ${p.command}`);
  }
  return lines;
}
