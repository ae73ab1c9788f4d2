/**
 * One SPU = one single-thread piscina pool. A pool per SPU (rather than one pool per card with a
 * pinning load balancer) makes "this SPU" a real identity: its thread can be parked, woken,
 * killed or ended without touching its siblings, and work for an SPU can never land elsewhere.
 *
 * Threads are lazy: an online SPU holds a pool with no thread until work arrives, and an idle
 * thread is parked again after `parkAfterMs` (host time, a resource limit rather than device
 * behaviour). This is what lets an SRX5800 with 44 SPUs idle in well under 300 MB
 * (reference/performance.md §3d: ~9 MB per idle thread).
 */
import { Piscina } from 'piscina';
import type { HelloReply } from './spu-worker.js';
import { compiledSibling } from './worker-path.js';

export interface SpuThreadOptions {
  /** Host ms an idle thread lives before it is parked. */
  readonly parkAfterMs?: number;
}

export type SpuDeathListener = (reason: string) => void;

const WORKER_FILE = compiledSibling(import.meta.url, 'spu-worker.js');
/** Young generation of an SPU thread's isolate (see the pool options below). */
export const SPU_YOUNG_GENERATION_MB = 2;

export class SpuThread {
  private pool: Piscina | null;
  private readonly threads = new Set<number>();
  private deathListeners: SpuDeathListener[] = [];
  private dead = false;
  private stopping = false;

  constructor(
    readonly name: string,
    options: SpuThreadOptions = {},
  ) {
    this.pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: 0,
      maxThreads: 1,
      idleTimeout: options.parkAfterMs ?? 5_000,
      concurrentTasksPerWorker: 1,
      // No per-task run/wait histograms: the data path runs hundreds of batches a second.
      recordTiming: false,
      // A small nursery keeps an SPU's short-lived garbage (node:crypto's cipher objects and
      // output buffers, ~3 per packet) in cache: with 12 SPU isolates on 2 cores the default
      // 16 MB semi-spaces made every allocation a cache miss. Measured with 12 SPUs of AES-128-GCM
      // 1400-byte encrypt+decrypt: 11.7–12.5 µs of CPU per packet with 2 MB, 13.3–13.5 µs with
      // the default; 1 MB and 4 MB were in between.
      resourceLimits: { maxYoungGenerationSizeMb: SPU_YOUNG_GENERATION_MB },
      name: 'hello',
    });
    this.pool.on('workerCreate', (w: { id: number }) => this.threads.add(w.id));
    this.pool.on('workerDestroy', (w: { id: number }) => this.threads.delete(w.id));
    // An error outside any task (an uncaught exception in the thread) is an SPU failure, never
    // an emulator crash.
    this.pool.on('error', (err: unknown) => this.die(`thread error: ${describe(err)}`));
  }

  /** True while a thread is running for this SPU (false when parked or ended). */
  get running(): boolean {
    return this.threads.size > 0;
  }

  /** The id of the running thread, if any. */
  get threadId(): number | undefined {
    for (const id of this.threads) return id;
    return undefined;
  }

  get alive(): boolean {
    return !this.dead && this.pool !== null;
  }

  onDeath(listener: SpuDeathListener): void {
    this.deathListeners.push(listener);
  }

  /** Start the thread if parked and prove it answers. */
  async wake(): Promise<HelloReply> {
    return this.run<HelloReply>('hello', { spu: this.name });
  }

  /** Run a named handler of spu-worker on this SPU's thread. A thread that dies fails the SPU. */
  async run<R>(handler: string, payload: unknown): Promise<R> {
    const pool = this.pool;
    if (!pool || this.dead) throw new Error(`SPU ${this.name} is not running`);
    try {
      return (await pool.run(payload, { name: handler })) as R;
    } catch (err) {
      if (!this.stopping) this.die(`thread died: ${describe(err)}`);
      throw err;
    }
  }

  /** A hardware fault: kill the thread for real (waking it first if parked), then end the SPU. */
  async fault(): Promise<void> {
    if (!this.pool || this.dead) return;
    await this.wake();
    try {
      await this.pool.run(null, { name: 'fault' });
    } catch {
      // Expected: the worker exited with the task in flight.
    }
    this.die('hardware fault');
    await this.stop();
  }

  /** End the SPU: the pool is destroyed and its thread (if any) terminated. */
  async stop(): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    this.stopping = true;
    this.pool = null;
    await pool.destroy();
    this.threads.clear();
  }

  private die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    for (const l of this.deathListeners) l(reason);
    void this.stop();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What the chassis needs of an SPU's thread; SpuThread is the real one. */
export interface SpuHandle {
  readonly running: boolean;
  readonly threadId: number | undefined;
  readonly alive: boolean;
  onDeath(listener: SpuDeathListener): void;
  wake(): Promise<HelloReply>;
  run<R>(handler: string, payload: unknown): Promise<R>;
  fault(): Promise<void>;
  stop(): Promise<void>;
}

export type SpuFactory = (name: string) => SpuHandle;

export const realSpuFactory: SpuFactory = (name) => new SpuThread(name);
