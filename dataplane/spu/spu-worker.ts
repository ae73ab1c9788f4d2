/**
 * The code that runs inside an SPU thread. It loads nothing it does not need (an idle worker
 * costs ~9 MB bare, ~20 MB with @noble loaded: reference/performance.md §3d), keeps no timers
 * and holds no authoritative state: sequence numbers and replay windows stay on the main thread.
 * Handlers are named exports, called with piscina's `name` option.
 */
import { threadId } from 'node:worker_threads';

export interface HelloRequest {
  readonly spu: string;
}

export interface HelloReply {
  readonly spu: string;
  readonly threadId: number;
  readonly heapUsed: number;
}

/** Liveness probe: proves the thread runs and says which thread it is. */
export function hello(req: HelloRequest): HelloReply {
  return { spu: req.spu, threadId, heapUsed: process.memoryUsage().heapUsed };
}

/**
 * A hardware fault: the thread dies for real. The main thread sees the worker exit, which is
 * exactly what an SPU crash looks like to it, and marks the SPU failed.
 */
export function fault(): never {
  process.exit(70);
}
