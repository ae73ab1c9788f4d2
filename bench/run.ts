/**
 * `npm run bench`: the performance goals of the project, measured on this machine, printed as
 * one table. Goals live here, never in timed tests.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CardType } from '../cards/kinds.js';
import { measureWakeAll } from './spu-wake.js';
import { measureStartup, type StartupSample } from './startup.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FULL_5800: Array<[number, CardType]> = [[0, 'ioc4'], ...Array.from({ length: 11 }, (_, i) => [i + 1, 'spc2'] as [number, CardType])];
const FULL_CARDS = FULL_5800.map(([s, t]) => `${s}:${t}`).join(',');
const RUNS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function startup(label: string, args: string[]): Promise<string> {
  const samples: StartupSample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await measureStartup(ROOT, args));
  const ms = median(samples.map((s) => s.msToPrompt));
  const rss = median(samples.map((s) => s.idleRssMb));
  const verdict = ms < 2000 && rss < 300 ? 'meets goal' : 'MISSES goal';
  return `| ${label.padEnd(38)} | ${ms.toFixed(0).padStart(8)} ms | ${rss.toFixed(1).padStart(8)} MB | ${verdict} (< 2 s, < 300 MB) |`;
}

async function main(): Promise<void> {
  // BENCH_ONLY=ike runs the IKE rows alone (BENCH_ONLY=esp the ESP table alone;
  // BENCH_ONLY=esp-ceiling the diagnostic of bench/esp-ceiling.ts, not part of the full run).
  const only = process.env.BENCH_ONLY;
  if (only === 'ike') {
    await (await import('./ike.js')).printIkeBench();
    return;
  }
  if (only === 'esp-ceiling') {
    await (await import('./esp-ceiling.js')).printEspCeiling();
    return;
  }
  if (only === 'esp') {
    await (await import('./esp.js')).printEspBench();
    return;
  }
  console.log(`srx5k bench (node ${process.version}, ${RUNS} runs each, median)`);
  console.log('');
  console.log('| device                                 | to prompt   | idle RSS    | goal |');
  console.log('|---|---:|---:|---|');
  console.log(await startup('default SRX5800 (2 IOC4, 2 SPC3)', []));
  console.log(await startup('SRX5800, 1 IOC4 + 11 SPC2 (44 SPUs)', ['--cards', FULL_CARDS]));
  console.log('');
  const wake = await measureWakeAll(FULL_5800);
  console.log(`SPU threads are lazy: waking all ${wake.spus} SPU threads of the full SRX5800 took ${wake.msToWakeAll.toFixed(0)} ms,`);
  console.log(`resident memory ${wake.rssBeforeMb.toFixed(0)} MB -> ${wake.rssAwakeMb.toFixed(0)} MB (${((wake.rssAwakeMb - wake.rssBeforeMb) / wake.spus).toFixed(1)} MB per awake SPU).`);
  await (await import('./esp.js')).printEspBench();
  await (await import('./ike.js')).printIkeBench();
}

await main();
