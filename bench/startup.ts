/**
 * Time from process start to the first prompt, and resident memory once idle, of the real
 * `srx5k` program in batch mode (it prints the prompt as soon as it can take a line).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StartupSample {
  readonly msToPrompt: number;
  readonly idleRssMb: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export function measureStartup(root: string, args: readonly string[], idleMs = 1500): Promise<StartupSample> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(root, 'bin', 'srx5k.js'), '--batch', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let seen = '';
    let msToPrompt = -1;
    child.stdout.on('data', (b: Buffer) => {
      if (msToPrompt >= 0) return;
      seen += b.toString();
      if (/root@\S+> /.test(seen)) {
        msToPrompt = Number(process.hrtime.bigint() - t0) / 1e6;
        setTimeout(() => {
          const idleRssMb = rssMb(child.pid!);
          child.stdin.end();
          child.on('close', () => resolve({ msToPrompt, idleRssMb }));
        }, idleMs);
      }
    });
    child.on('error', reject);
    // The first line is written at once; it is echoed after the prompt when the CLI is ready.
    child.stdin.write('show chassis fpc pic-status | count\n');
  });
}
