/**
 * `BENCH_ONLY=esp-ceiling npm run bench`: how far the all-SPU ESP goal (issue "Dataplane": (b)
 * ≥ 1.5× (c) for AES-128-GCM at 1400 B) can be pushed on this machine with Node's crypto calls,
 * whatever srx5k does. All in one process and one run, median of the rounds:
 *
 *   (c) the single-thread reference loop of bench/esp.ts;
 *   (d) the same calls in 12 worker threads, packets that never leave their thread;
 *   (e) the same, only 4 of those 12 threads busy;
 *   (f) the plainest batch design: 12 single-thread piscina pools (like 12 SPUs), 256 records
 *       per transferred buffer sealed in place, the main thread copying each sealed record into
 *       a buffer that the same thread then opens; no srx5k code, no replay window, no counters;
 *   (b) srx5k's ESP path through the 12 SPUs of bench/esp.ts's SRX5800.
 *
 * Not part of the default `npm run bench`: a diagnostic for the open goal, ~10 s.
 */
import { Piscina } from 'piscina';
import { Device } from '../chassis/device.js';
import { espShape, padLength } from '../dataplane/esp/esp.js';
import { SPU_YOUNG_GENERATION_MB } from '../dataplane/spu/spu-thread.js';
import { compiledSibling } from '../dataplane/spu/worker-path.js';
import { VirtualClock } from '../sim/clock.js';
import { CARDS, installLanes, median, pump, quietSample, referenceLoop, removeLanes } from './esp.js';
import type { RecordBatch } from './esp-ceiling-worker.js';

const WORKER_FILE = compiledSibling(import.meta.url, 'esp-ceiling-worker.js');
const THREADS = 12;
const FEW = 4;
const RECORDS = 256;
const SIZE = 1400;
const SAMPLE_MS = 300;
const ROUNDS = 3;
const TAG = 16;

function pools(n: number): Piscina[] {
  return Array.from(
    { length: n },
    () =>
      new Piscina({
        filename: WORKER_FILE,
        minThreads: 1,
        maxThreads: 1,
        concurrentTasksPerWorker: 1,
        recordTiming: false,
        // As the SPU threads (dataplane/spu/spu-thread.ts).
        resourceLimits: { maxYoungGenerationSizeMb: SPU_YOUNG_GENERATION_MB },
      }),
  );
}

/** (d)/(e): worker-local loops on every one of `threads` at once; packets/s. */
async function localLoops(threads: Piscina[], length: number, ms: number): Promise<number> {
  const t0 = performance.now();
  const counts = await Promise.all(threads.map((p) => p.run({ ms, length, count: RECORDS }, { name: 'loop' }) as Promise<number>));
  return (counts.reduce((a, b) => a + b, 0) / (performance.now() - t0)) * 1000;
}

/** (f): two lanes per pool of seal → copy → open round trips for `ms`; packets/s. */
async function batchRoundTrips(threads: Piscina[], length: number, ms: number): Promise<number> {
  const stride = 4 + length + TAG;
  const payload = new Uint8Array(length).fill(0x5a);
  let done = 0;
  let failed = 0;
  const deadline = performance.now() + ms;
  const lane = async (p: Piscina): Promise<void> => {
    let a = new ArrayBuffer(RECORDS * stride);
    let b = new ArrayBuffer(RECORDS * stride);
    while (performance.now() < deadline) {
      const bytes = new Uint8Array(a);
      for (let i = 0; i < RECORDS; i++) bytes.set(payload, i * stride + 4);
      a = (await p.run({ buf: a, count: RECORDS, length } satisfies RecordBatch, { name: 'seal', transferList: [a] })) as ArrayBuffer;
      new Uint8Array(b).set(new Uint8Array(a), 0);
      b = (await p.run({ buf: b, count: RECORDS, length } satisfies RecordBatch, { name: 'open', transferList: [b] })) as ArrayBuffer;
      failed += new DataView(b).getUint32(0);
      done += RECORDS;
    }
  };
  const t0 = performance.now();
  await Promise.all(threads.flatMap((p) => [lane(p), lane(p)]));
  if (failed > 0) throw new Error(`(f): ${failed} records failed to open`);
  return (done / (performance.now() - t0)) * 1000;
}

export async function printEspCeiling(): Promise<void> {
  const started = performance.now();
  const length = SIZE + padLength(espShape({ encryption: 'aes-128-gcm', authentication: null }), SIZE) + 2;
  const threads = pools(THREADS);
  const device = Device.create({ model: 'srx5800', re: 're3', release: '24.4R1', cards: CARDS, clock: new VirtualClock(0) });
  const spus = device.spus().map((s) => s.thread!);
  await Promise.all(spus.map((s) => s.wake()));
  const lanes = await installLanes(spus, 'aes-128-gcm', null, 0x7000);
  const packets = Array.from({ length: RECORDS }, (_, i) => new Uint8Array(SIZE).fill(i & 0xff));
  const samples = { c: [] as number[], d: [] as number[], e: [] as number[], f: [] as number[], b: [] as number[] };
  try {
    // Warm-up: every isolate compiles its hot code before anything is timed.
    await localLoops(threads, length, 1000);
    await batchRoundTrips(threads, length, 1000);
    await pump(lanes, packets, 2000, 2);
    referenceLoop('aes-128-gcm', null, SIZE, 300);
    for (let r = 0; r < ROUNDS; r++) {
      samples.c.push((await quietSample(() => referenceLoop('aes-128-gcm', null, SIZE, SAMPLE_MS))).value);
      samples.d.push((await quietSample(() => localLoops(threads, length, SAMPLE_MS))).value);
      samples.e.push((await quietSample(() => localLoops(threads.slice(0, FEW), length, SAMPLE_MS))).value);
      samples.f.push((await quietSample(() => batchRoundTrips(threads, length, SAMPLE_MS))).value);
      samples.b.push((await quietSample(async () => (await pump(lanes, packets, SAMPLE_MS, 2)).rate)).value);
    }
  } finally {
    await removeLanes(lanes);
    await device.shutdown();
    await Promise.all(threads.map((p) => p.destroy()));
  }
  const c = median(samples.c);
  const row = (label: string, xs: number[]): string => {
    const v = median(xs);
    return `| ${label} | ${Math.round(v).toLocaleString('en-US')} | ${(v / c).toFixed(2)} |`;
  };
  console.log('');
  console.log(`ESP ceiling, AES-128-GCM ${SIZE} B encrypt+decrypt, packets/s, median of ${ROUNDS} rounds:`);
  console.log('');
  console.log('| mode | packets/s | /(c) |');
  console.log('|---|---:|---:|');
  console.log(row('(c) reference loop, one thread', samples.c));
  console.log(row(`(d) same calls in ${THREADS} worker threads, nothing crosses threads`, samples.d));
  console.log(row(`(e) same, ${FEW} of the ${THREADS} threads busy`, samples.e));
  console.log(row(`(f) plainest batch design: ${THREADS} piscina pools, ${RECORDS} records per transferred buffer`, samples.f));
  console.log(row(`(b) srx5k ESP path, ${spus.length} SPUs`, samples.b));
  console.log(`(ESP ceiling took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
