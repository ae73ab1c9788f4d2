/**
 * The code that runs inside an SPU thread. It loads nothing it does not need (an idle worker
 * costs ~9 MB bare, ~20 MB with @noble loaded: reference/performance.md §3d): the ESP/AH codecs
 * and the native engine load at the first `installSa`, the software engine (noble) only when an
 * SA asks for it. It keeps no timers and holds no authoritative state: sequence numbers and
 * replay windows stay on the main thread (dataplane/spu/esp-path.ts), which decides each
 * packet's sequence number and commits its window after this thread verified the ICV.
 * Handlers are named exports, called with piscina's `name` option.
 */
import { threadId } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { EngineName } from '../../crypto/engine.js';
import type { SaRecord } from '../esp/sa.js';
import type { SaTransform, UnprotectVerdict } from '../esp/transform.js';
import { BATCH_HEADER, BatchStatus, RECORD_HEADER, R_ALT_HIGH, R_CAPACITY, R_LENGTH, R_NEXT_HEADER, R_SA, R_SEQ_HIGH, R_SEQ_LOW, R_STATUS } from './batch.js';

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

// ---- IPsec SAs --------------------------------------------------------------------------------

export interface InstallSaRequest {
  /** Numeric handle chosen by the main thread; batch records name the SA by it. */
  readonly handle: number;
  readonly sa: SaRecord;
  readonly engine: EngineName;
}

export interface InstallSaReply {
  readonly handle: number;
  readonly engine: EngineName;
  readonly threadId: number;
  /** Why this SA could not be keyed (the others of the same request are unaffected). */
  readonly error?: string;
}

/** Keyed crypto per SA handle, for this thread's life (a parked thread comes back empty). */
const transforms = new Map<number, SaTransform>();

/**
 * Key one SA or several (the main thread sends the installs of one tick together, and
 * reinstalls in bulk after a park); a reply per SA, with `error` for one that could not be keyed.
 */
export async function installSa(req: InstallSaRequest | readonly InstallSaRequest[]): Promise<InstallSaReply[]> {
  const list: readonly InstallSaRequest[] = Array.isArray(req) ? req : [req as InstallSaRequest];
  const [{ loadEngine }, { createTransform }] = await Promise.all([import('../../crypto/engine.js'), import('../esp/transform.js')]);
  const replies: InstallSaReply[] = [];
  for (const r of list) {
    try {
      const engine = await loadEngine(r.engine);
      transforms.set(r.handle, createTransform(r.sa, engine));
      replies.push({ handle: r.handle, engine: engine.name, threadId });
    } catch (err) {
      replies.push({ handle: r.handle, engine: r.engine, threadId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return replies;
}

export function removeSa(req: { readonly handle: number }): boolean {
  return transforms.delete(req.handle);
}

/** Which SA handles and crypto engines this thread holds (tests, diagnostics). */
export async function saHandles(): Promise<{ handles: number[]; engines: EngineName[] }> {
  const { loadedEngines } = await import('../../crypto/engine.js');
  return { handles: [...transforms.keys()], engines: loadedEngines() };
}

/** Outbound batch (format in batch.ts): each inner packet is replaced by its ESP/AH packet. */
export function espEncryptBatch(buf: ArrayBuffer): unknown {
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  const count = view.getUint32(0, true);
  let off = BATCH_HEADER;
  for (let i = 0; i < count; i++) {
    const at = off + RECORD_HEADER;
    const length = view.getUint16(off + R_LENGTH, true);
    const capacity = view.getUint16(off + R_CAPACITY, true);
    const t = transforms.get(view.getUint32(off + R_SA, true));
    let status: BatchStatus = BatchStatus.Error;
    if (t === undefined) status = BatchStatus.UnknownSa;
    else if (t.protectedLength(length) <= capacity && at + capacity <= buf.byteLength) {
      try {
        const seq = view.getUint32(off + R_SEQ_HIGH, true) * 0x1_0000_0000 + view.getUint32(off + R_SEQ_LOW, true);
        const n = t.protectInto(seq, bytes.subarray(at, at + length), view.getUint8(off + R_NEXT_HEADER), bytes, at);
        view.setUint16(off + R_LENGTH, n, true);
        status = BatchStatus.Ok;
      } catch {
        status = BatchStatus.Error;
      }
    }
    view.setUint8(off + R_STATUS, status);
    off = at + capacity;
  }
  return Piscina.move(buf);
}

/** Inbound batch: each ESP (or AH) packet is replaced by its inner packet, or gets a verdict. */
export function espDecryptBatch(buf: ArrayBuffer): unknown {
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  const count = view.getUint32(0, true);
  let off = BATCH_HEADER;
  for (let i = 0; i < count; i++) {
    const at = off + RECORD_HEADER;
    const length = view.getUint16(off + R_LENGTH, true);
    const capacity = view.getUint16(off + R_CAPACITY, true);
    const t = transforms.get(view.getUint32(off + R_SA, true));
    let status: BatchStatus;
    if (t === undefined) status = BatchStatus.UnknownSa;
    else if (length > capacity || at + capacity > buf.byteLength) status = BatchStatus.BadHeader;
    else {
      const packet = bytes.subarray(at, at + length);
      const high = view.getUint32(off + R_SEQ_HIGH, true);
      let v = unprotect(t, packet, high);
      const alt = view.getUint8(off + R_ALT_HIGH);
      if (alt !== 0 && !v.ok && v.reason === 'auth') {
        // ESN near a wrap: the other candidate high bits (see batch.ts).
        const other = alt === 1 ? high - 1 : high + 1;
        const w = unprotect(t, packet, other);
        if (w.ok || w.reason === 'bad-trailer') {
          v = w;
          view.setUint32(off + R_SEQ_HIGH, other, true);
        }
      }
      if (v.ok) {
        bytes.set(v.inner, at);
        view.setUint16(off + R_LENGTH, v.inner.length, true);
        view.setUint8(off + R_NEXT_HEADER, v.nextHeader);
        status = BatchStatus.Ok;
      } else {
        status = STATUS_OF[v.reason];
        view.setUint16(off + R_LENGTH, 0, true);
      }
    }
    view.setUint8(off + R_STATUS, status);
    off = at + capacity;
  }
  return Piscina.move(buf);
}

function unprotect(t: SaTransform, packet: Uint8Array, seqHigh: number): UnprotectVerdict {
  try {
    return t.unprotect(packet, seqHigh);
  } catch {
    return { ok: false, reason: 'decrypt' };
  }
}

const STATUS_OF: Readonly<Record<string, BatchStatus>> = {
  'bad-header': BatchStatus.BadHeader,
  'invalid-spi': BatchStatus.InvalidSpi,
  replay: BatchStatus.Error, // the window lives on the main thread: never produced here
  auth: BatchStatus.Auth,
  decrypt: BatchStatus.Decrypt,
  'bad-trailer': BatchStatus.BadTrailer,
};
