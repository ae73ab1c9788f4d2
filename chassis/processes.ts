/**
 * The Routing Engine process table that `show system processes` prints: the base Junos daemons
 * plus whichever IKE daemons the boot chose (kmd, or iked + ikemd). Process ids come from the
 * device's seeded random source; CPU time grows with device uptime, so the table is live and
 * still deterministic on the virtual clock.
 */
import type { DaemonProcess } from '../ike/daemon-process.js';
import { IKED_PROCESS, IKEMD_PROCESS } from '../iked/process.js';
import { KMD_PROCESS } from '../kmd/process.js';
import type { Random } from '../sim/random.js';
import type { IkeDaemon } from './packages.js';

export interface ProcessEntry {
  readonly pid: number;
  readonly command: string;
  readonly stat: string;
  /** Seconds of CPU per hour of uptime. */
  readonly cpuPerHour: number;
  /** Device time the process started (ms). */
  readonly startedAt: number;
  /** The IKE daemon this entry is, if it is one. */
  readonly daemon?: string;
}

interface BaseProcess {
  readonly command: string;
  readonly stat: string;
  readonly cpuPerHour: number;
}

// The RE daemons of an SRX in boot order (command strings as real `ps` output shows them).
const BASE: readonly BaseProcess[] = [
  { command: '[kernel]', stat: 'DLs', cpuPerHour: 40 },
  { command: '/sbin/init --', stat: 'ILs', cpuPerHour: 0.3 },
  { command: '/usr/sbin/eventd -r -s -A', stat: 'S', cpuPerHour: 2.1 },
  { command: '/sbin/jlaunchd -N', stat: 'S', cpuPerHour: 0.6 },
  { command: '/usr/sbin/chassisd -N', stat: 'S', cpuPerHour: 9.5 },
  { command: '/usr/sbin/craftd -N', stat: 'S', cpuPerHour: 0.2 },
  { command: '/usr/sbin/alarmd -N', stat: 'S', cpuPerHour: 0.4 },
  { command: '/usr/sbin/mgd -N', stat: 'S', cpuPerHour: 1.8 },
  { command: '/usr/sbin/inetd -N -w -R 512', stat: 'S', cpuPerHour: 0.1 },
  { command: '/usr/sbin/dcd -N', stat: 'S', cpuPerHour: 0.9 },
  { command: '/usr/libexec64/rpd -N', stat: 'S', cpuPerHour: 6.2 },
  { command: '/usr/sbin/ppmd -N', stat: 'S', cpuPerHour: 1.1 },
  { command: '/usr/sbin/bfdd -N', stat: 'S', cpuPerHour: 0.7 },
  { command: '/usr/sbin/lacpd -N', stat: 'S', cpuPerHour: 0.3 },
  { command: '/usr/sbin/snmpd -N', stat: 'S', cpuPerHour: 0.8 },
  { command: '/usr/sbin/mib2d -N', stat: 'S', cpuPerHour: 1.3 },
  { command: '/usr/sbin/pfed -N', stat: 'S', cpuPerHour: 0.9 },
  { command: '/usr/sbin/nsd -N', stat: 'S', cpuPerHour: 1.5 },
  { command: '/usr/sbin/jsrpd -N', stat: 'S', cpuPerHour: 2.4 },
  { command: '/usr/sbin/idpd -N', stat: 'S', cpuPerHour: 0.5 },
  { command: '/usr/sbin/appidd -N', stat: 'S', cpuPerHour: 0.4 },
  { command: '/usr/sbin/smid -N', stat: 'S', cpuPerHour: 0.2 },
];

/** The RE processes that belong to an IKE daemon choice. */
export function ikeProcesses(daemon: IkeDaemon | null): readonly DaemonProcess[] {
  if (daemon === 'kmd') return [KMD_PROCESS];
  if (daemon === 'iked') return [IKEMD_PROCESS, IKED_PROCESS];
  return [];
}

/** Every restartable IKE process the CLI knows, running or not. */
export const IKE_DAEMON_PROCESSES: readonly DaemonProcess[] = [IKED_PROCESS, IKEMD_PROCESS, KMD_PROCESS];

/** Start the process table of a freshly booted RE. */
export function bootProcesses(daemon: IkeDaemon | null, random: Random, now: number): ProcessEntry[] {
  const table: ProcessEntry[] = [];
  let pid = 0;
  for (const p of BASE) {
    table.push({ pid, command: p.command, stat: p.stat, cpuPerHour: p.cpuPerHour, startedAt: now });
    pid = pid === 0 ? 1 : pid + random.int(40, 900);
  }
  for (const d of ikeProcesses(daemon)) {
    pid += random.int(200, 2500);
    table.push({ pid, command: d.command, stat: 'S', cpuPerHour: d.name === 'iked' ? 3.5 : 1.2, startedAt: now, daemon: d.name });
  }
  return table;
}

/** The table after restarting `daemon`: same entry, new pid above every current one. */
export function restartProcess(table: readonly ProcessEntry[], daemon: string, random: Random, now: number): { table: ProcessEntry[]; pid: number } {
  const maxPid = Math.max(...table.map((p) => p.pid));
  const pid = maxPid + random.int(3, 400);
  return {
    pid,
    table: table.map((p) => (p.daemon === daemon ? { ...p, pid, startedAt: now } : p)),
  };
}

/** CPU time as `ps` prints it: minutes:seconds.hundredths. */
export function cpuTime(entry: ProcessEntry, now: number): string {
  const hours = Math.max(0, now - entry.startedAt) / 3_600_000;
  const centis = Math.floor(entry.cpuPerHour * hours * 100);
  const minutes = Math.floor(centis / 6000);
  const seconds = Math.floor((centis % 6000) / 100);
  const hundredths = centis % 100;
  return `${minutes}:${String(seconds).padStart(2, '0')}.${String(hundredths).padStart(2, '0')}`;
}
