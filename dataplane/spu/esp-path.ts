/**
 * The IPsec data path of one SPU, on the main thread: the authoritative per-SA state and the
 * batching that makes worker threads pay off.
 *
 * - State (style rule 12): each outbound SA's sequence number and each inbound SA's replay
 *   window live here, deterministic and inspectable for `show` and for cluster sync. The SPU
 *   thread only holds keyed crypto contexts, by numeric SA handle.
 * - Replay in two phases: the window is checked here before a packet goes to the thread (and
 *   yields the ESN high bits the ICV needs), the thread verifies the ICV, and the window is
 *   committed here only for packets whose ICV verified. A duplicate that raced its original
 *   through one batch fails the commit and is counted as a replay.
 * - Batching (reference/performance.md §3: one task per packet runs at 0.07–0.18× a plain loop,
 *   64–256 packets per task at 0.8–2×): each packet is written into the open batch of its
 *   direction the moment it is admitted (dataplane/spu/batch.ts), and the batch leaves as ONE
 *   transferred ArrayBuffer when `maxBatch` records are in it, when the next record would not
 *   fit, or at the end of the current tick (a microtask), whichever comes first.
 * - Buffers are reused: a batch buffer comes back from the thread (transfers move, never copy)
 *   and returns to this path's small pool once its results are delivered. A fresh 0.4 MB
 *   buffer per batch cost an mmap, ~90 page faults and an munmap each time, and enough external
 *   memory churn to keep the main isolate's GC busy (measured: ~15% of all CPU at 12 SPUs).
 * - Failures are verdicts, never exceptions: a malformed packet is counted (the counters of
 *   `show security ipsec statistics`) and dropped. A thread that dies fails the SPU through
 *   SpuThread's onDeath; packets in flight on it come back as 'spu-failed'.
 * - A parked thread (SpuThread parks idle threads) comes back without SA contexts: its records
 *   return UnknownSa, and the SAs they name are reinstalled and the records sent once more.
 *
 * Delivery: `protectEach` / `unprotectEach` hand each outcome to a callback while its bytes are
 * still a view into the returned batch buffer — valid only during that call (copy to keep; the
 * forwarding path builds the outer packet or feeds the next step at once, so it copies nothing).
 * `protect`, `protectMany`, `unprotect` and `unprotectMany` return outcomes that own their bytes.
 * The caller's input bytes are copied at admission, so the caller may reuse them at once.
 */
import { Piscina } from 'piscina';
import type { EngineName } from '../../crypto/engine.js';
import { peekAhSeqLow, peekAhSpi } from '../esp/ah.js';
import { espLength, espShape, peekSeqLow, peekSpi } from '../esp/esp.js';
import { REPLAY, ReplayWindow, type ReplaySnapshot } from '../esp/replay-window.js';
import { checkSaRecord, replayWindowSizeOf, type IpsecProtocol, type SaRecord } from '../esp/sa.js';
import { protectedLength, type DropReason } from '../esp/transform.js';
import { BATCH_HEADER, BatchStatus, MAX_RECORD_PAYLOAD, RECORD_HEADER, R_CAPACITY, R_LENGTH, R_ALT_HIGH, R_NEXT_HEADER, R_RESERVED, R_SA, R_SEQ_HIGH, R_SEQ_LOW, R_STATUS } from './batch.js';
import type { SpuHandle } from './spu-thread.js';
import type { InstallSaReply, InstallSaRequest } from './spu-worker.js';

/** Why the path dropped a packet: the codec's reasons plus the path's own. */
export type PacketDropReason =
  | DropReason
  /** No such SA handle (or not in this direction) on this SPU. */
  | 'no-sa'
  /** Not a Uint8Array. */
  | 'not-bytes'
  /** The protected packet would not fit in an IPv4 datagram ("Exceeds tunnel MTU"). */
  | 'too-big'
  /** The outbound sequence space is exhausted (RFC 4303 §3.3.3: never cycle; rekey). */
  | 'seq-overflow'
  /** The SPU thread died (or was stopped) with the packet. */
  | 'spu-failed'
  /** The thread refused the record (should not happen). */
  | 'error';

export type PacketOutcome =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly seq: number; readonly nextHeader: number }
  | { readonly ok: false; readonly reason: PacketDropReason };

/** `show security ipsec statistics` counters. Bytes count inner (clear-text) packet bytes. */
export interface IpsecCounters {
  encryptedBytes: number;
  decryptedBytes: number;
  encryptedPackets: number;
  decryptedPackets: number;
  ahInputBytes: number;
  ahOutputBytes: number;
  ahInputPackets: number;
  ahOutputPackets: number;
  ahAuthFailures: number;
  replayErrors: number;
  espAuthFailures: number;
  espDecryptionFailures: number;
  badHeaders: number;
  badTrailers: number;
  invalidSpi: number;
  exceedsTunnelMtu: number;
  /** Every dropped packet, whatever the reason. */
  discarded: number;
}

export function zeroCounters(): IpsecCounters {
  return {
    encryptedBytes: 0,
    decryptedBytes: 0,
    encryptedPackets: 0,
    decryptedPackets: 0,
    ahInputBytes: 0,
    ahOutputBytes: 0,
    ahInputPackets: 0,
    ahOutputPackets: 0,
    ahAuthFailures: 0,
    replayErrors: 0,
    espAuthFailures: 0,
    espDecryptionFailures: 0,
    badHeaders: 0,
    badTrailers: 0,
    invalidSpi: 0,
    exceedsTunnelMtu: 0,
    discarded: 0,
  };
}

function addCounters(into: IpsecCounters, from: IpsecCounters): void {
  for (const k of Object.keys(into) as Array<keyof IpsecCounters>) into[k] += from[k];
}

export interface EspPathOptions {
  /** Engine for SAs that do not name one: 'native' (SPC3 "hardware") or 'software'. */
  readonly engine?: EngineName;
  /** Packets per task (default 256; performance.md §3a: 64–256 is where batching pays). */
  readonly maxBatch?: number;
}

export interface InstallOptions {
  /** Overrides the SPU's default engine for this SA. */
  readonly engine?: EngineName;
}

/** What `show` and cluster sync read about one SA. */
export interface SaStatus {
  readonly handle: number;
  readonly spi: number;
  readonly direction: SaRecord['direction'];
  readonly protocol: IpsecProtocol;
  readonly engine: EngineName;
  /** Outbound: the last sequence number used. Inbound: the highest authenticated one. */
  readonly sequence: number;
  readonly replayWindowSize: number | null;
  readonly counters: IpsecCounters;
}

interface SaState {
  readonly handle: number;
  readonly record: SaRecord;
  readonly engine: EngineName;
  readonly ah: boolean;
  readonly maxSeq: number;
  readonly window: ReplayWindow | null;
  readonly counters: IpsecCounters;
  /** Outbound: last sequence number used. */
  seq: number;
  /** A per-SA size function, so no suite lookup per packet. */
  readonly protectedLength: (innerLength: number) => number;
  removed: boolean;
  /** Inbound: packets checked but not yet settled, and the highest of their numbers (ESN). */
  pending: number;
  pendingTop: number;
}

/** Receives each packet's outcome; `bytes` of an ok outcome are valid only during the call. */
export type PacketDelivery = (index: number, outcome: PacketOutcome) => void;

/** Where a packet's outcome goes (no per-packet object: one function serves a whole call). */
type Sink = PacketDelivery;

/** Collects outcomes that own their bytes (a copy out of the batch buffer). */
class Collector {
  readonly results: PacketOutcome[];
  private remaining: number;
  private resolve!: (r: PacketOutcome[]) => void;
  readonly promise: Promise<PacketOutcome[]>;

  constructor(n: number) {
    this.results = new Array<PacketOutcome>(n);
    this.remaining = n;
    this.promise = new Promise((r) => (this.resolve = r));
    if (n === 0) this.resolve(this.results);
  }

  readonly put: Sink = (index, outcome) => {
    this.results[index] = outcome.ok ? { ok: true, bytes: outcome.bytes.slice(), seq: outcome.seq, nextHeader: outcome.nextHeader } : outcome;
    if (--this.remaining === 0) this.resolve(this.results);
  };
}

/** Hands outcomes to a callback as they settle; resolves once all `n` were delivered. */
class Relay {
  private remaining: number;
  private resolve!: () => void;
  readonly promise: Promise<void>;

  constructor(
    n: number,
    private readonly deliver: PacketDelivery,
  ) {
    this.remaining = n;
    this.promise = new Promise((r) => (this.resolve = r));
    if (n === 0) this.resolve();
  }

  readonly put: Sink = (index, outcome) => {
    try {
      this.deliver(index, outcome);
    } finally {
      if (--this.remaining === 0) this.resolve();
    }
  };
}

interface Pending {
  readonly sa: SaState;
  readonly seq: number;
  /** Bytes of the record's input (inner packet out, ESP/AH packet in). */
  readonly length: number;
  readonly nextHeader: number;
  readonly capacity: number;
  readonly sink: Sink;
  readonly index: number;
  /** Inbound ESN: the other candidate for the high bits (batch.ts `altHigh`), 0 for none. */
  readonly altHigh: number;
  retried: boolean;
  /** A copy of the input, kept only while the record waits to be resent after a reinstall. */
  data: Uint8Array | null;
}

/** A batch being filled: records are written as packets are admitted. */
interface OpenBatch {
  readonly buf: ArrayBuffer;
  readonly view: DataView;
  readonly bytes: Uint8Array;
  /** Where the next record goes. */
  off: number;
  readonly entries: Pending[];
}

type Direction = 'out' | 'in';

const TWO32 = 0x1_0000_0000;
/**
 * Bytes of a pooled batch buffer: 256 records of 1400-byte packets take ~0.37 MB; a record of
 * the largest packet (64 KB) always fits. Batches also leave when the next record does not fit.
 */
const BATCH_BYTES = 512 * 1024;
/** Free buffers a path keeps (an idle path holds at most this many). */
const POOL_LIMIT = 6;
const HANDLER: Readonly<Record<Direction, string>> = { out: 'espEncryptBatch', in: 'espDecryptBatch' };

function drop(reason: PacketDropReason): PacketOutcome {
  return { ok: false, reason };
}

/**
 * SA handles are unique in the process, not per EspPath: a thread's handle table must never
 * see two SAs under one number, even if two paths share an SPU.
 */
let nextHandle = 1;

export class EspPath {
  readonly engine: EngineName;
  readonly maxBatch: number;
  private readonly sas = new Map<number, SaState>();
  private readonly inboundEsp = new Map<number, SaState>();
  private readonly inboundAh = new Map<number, SaState>();
  /** Drops that belong to no SA (bad header before the SPI, unknown SPI), and removed SAs. */
  private readonly spuCounters = zeroCounters();
  private readonly open: Record<Direction, OpenBatch | null> = { out: null, in: null };
  /** SA installs waiting for the end of the tick (see keyOnThread). */
  private installs: Array<{ readonly req: InstallSaRequest; readonly resolve: () => void; readonly reject: (err: unknown) => void }> = [];
  private readonly pool: ArrayBuffer[] = [];
  private flushScheduled = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly spu: SpuHandle,
    options: EspPathOptions = {},
  ) {
    const engine = options.engine ?? 'native';
    if (engine !== 'native' && engine !== 'software') throw new RangeError(`engine: expected native or software, got ${String(engine)}`);
    const maxBatch = options.maxBatch ?? 256;
    if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > 4096) throw new RangeError('maxBatch: expected 1..4096');
    this.engine = engine;
    this.maxBatch = maxBatch;
  }

  // ---- SAs ------------------------------------------------------------------------------------

  /** Install an SA on this SPU; resolves with its handle once the SPU thread has keyed it. */
  async installSa(sa: SaRecord, options: InstallOptions = {}): Promise<number> {
    checkSaRecord(sa);
    const engine = options.engine ?? this.engine;
    if (engine !== 'native' && engine !== 'software') throw new RangeError(`engine: expected native or software, got ${String(engine)}`);
    const inbound = sa.direction === 'inbound';
    const index = sa.protocol === 'ah' ? this.inboundAh : this.inboundEsp;
    if (inbound && index.has(sa.spi)) throw new RangeError(`spi: an inbound ${sa.protocol.toUpperCase()} SA with SPI ${sa.spi} is already installed on this SPU`);
    const handle = nextHandle++;
    const fixed = protectedLength(sa, 0);
    const shape = sa.protocol === 'esp' ? espShape(sa) : null;
    const state: SaState = {
      handle,
      record: sa,
      engine,
      ah: sa.protocol === 'ah',
      maxSeq: sa.esn ? Number.MAX_SAFE_INTEGER : TWO32 - 1,
      window: inbound ? new ReplayWindow(replayWindowSizeOf(sa), sa.esn) : null,
      counters: zeroCounters(),
      seq: 0,
      // AH grows by a constant; ESP pads to its alignment, so compute that one per length.
      protectedLength: shape === null ? (n) => fixed + n : (n) => espLength(shape, n),
      removed: false,
      pending: 0,
      pendingTop: 0,
    };
    if (inbound) index.set(sa.spi, state);
    this.sas.set(handle, state);
    try {
      await this.keyOnThread({ handle, sa, engine });
    } catch (err) {
      this.sas.delete(handle);
      if (inbound) index.delete(sa.spi);
      throw err;
    }
    return handle;
  }

  /**
   * Key an SA on the SPU thread. The installs of one tick leave together as one task: thousands
   * of tunnels coming up at once would otherwise pay a thread round trip each.
   */
  private keyOnThread(req: InstallSaRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      this.installs.push({ req, resolve, reject });
      if (this.installs.length > 1) return;
      queueMicrotask(() => {
        const batch = this.installs;
        this.installs = [];
        this.spu.run<InstallSaReply[]>('installSa', batch.map((b) => b.req)).then(
          (replies) => {
            const byHandle = new Map(replies.map((r) => [r.handle, r]));
            for (const b of batch) {
              const r = byHandle.get(b.req.handle);
              if (r && r.error === undefined) b.resolve();
              else b.reject(new Error(r?.error ?? 'the SPU thread did not key the SA'));
            }
          },
          (err: unknown) => {
            for (const b of batch) b.reject(err);
          },
        );
      });
    });
  }

  /** Remove an SA: packets already queued for it are processed first; its counters stay in the totals. */
  async removeSa(handle: number): Promise<void> {
    const sa = this.sas.get(handle);
    if (!sa) return;
    this.flush();
    sa.removed = true;
    this.sas.delete(handle);
    if (sa.record.direction === 'inbound') (sa.ah ? this.inboundAh : this.inboundEsp).delete(sa.record.spi);
    addCounters(this.spuCounters, sa.counters);
    if (this.spu.alive) {
      try {
        await this.spu.run<boolean>('removeSa', { handle });
      } catch {
        // A dead thread holds no SA any more.
      }
    }
  }

  /** Handles of the installed SAs. */
  handles(): number[] {
    return [...this.sas.keys()];
  }

  status(handle: number): SaStatus | undefined {
    const sa = this.sas.get(handle);
    if (!sa) return undefined;
    return {
      handle,
      spi: sa.record.spi,
      direction: sa.record.direction,
      protocol: sa.record.protocol,
      engine: sa.engine,
      sequence: sa.window ? sa.window.highest : sa.seq,
      replayWindowSize: sa.window ? sa.window.size : null,
      counters: { ...sa.counters },
    };
  }

  /** Cluster sync: the replay window of an inbound SA. */
  replaySnapshot(handle: number): ReplaySnapshot | undefined {
    return this.sas.get(handle)?.window?.snapshot();
  }

  /** Cluster sync / failover: continue an outbound SA from `seq` (never backwards). */
  advanceSequence(handle: number, seq: number): void {
    const sa = this.sas.get(handle);
    if (!sa || sa.window) throw new RangeError(`handle: ${handle} is not an outbound SA on this SPU`);
    if (!Number.isSafeInteger(seq) || seq < sa.seq || seq > sa.maxSeq) throw new RangeError(`seq: ${seq} must be ${sa.seq}..${sa.maxSeq}`);
    sa.seq = seq;
  }

  /** Every counter of this SPU: its SAs, removed SAs and drops that found no SA. */
  totals(): IpsecCounters {
    const t = zeroCounters();
    addCounters(t, this.spuCounters);
    for (const sa of this.sas.values()) addCounters(t, sa.counters);
    return t;
  }

  // ---- packets --------------------------------------------------------------------------------

  /** Protect one inner packet with an outbound SA (ESP: SPI..ICV; AH: outer IPv4 ‖ AH ‖ inner). */
  async protect(handle: number, inner: Uint8Array, nextHeader = 4): Promise<PacketOutcome> {
    const c = new Collector(1);
    this.admitOutbound(handle, inner, nextHeader, c.put, 0);
    return (await c.promise)[0]!;
  }

  /** Protect many inner packets with one outbound SA; outcomes in the same order. */
  protectMany(handle: number, inners: readonly Uint8Array[], nextHeader = 4): Promise<PacketOutcome[]> {
    const c = new Collector(inners.length);
    for (let i = 0; i < inners.length; i++) this.admitOutbound(handle, inners[i]!, nextHeader, c.put, i);
    return c.promise;
  }

  /**
   * Protect packets with one outbound SA, handing each outcome to `deliver` as its batch settles
   * (the bytes are valid only during that call). Resolves once every packet was delivered.
   */
  protectEach(handle: number, inners: readonly Uint8Array[], nextHeader: number, deliver: PacketDelivery): Promise<void> {
    const r = new Relay(inners.length, deliver);
    for (let i = 0; i < inners.length; i++) this.admitOutbound(handle, inners[i]!, nextHeader, r.put, i);
    return r.promise;
  }

  /**
   * Protect one packet; `deliver(index, outcome)` gets its outcome (bytes valid only during the
   * call). One delivery function can serve many packets: `index` tells them apart.
   */
  protectOne(handle: number, inner: Uint8Array, nextHeader: number, deliver: PacketDelivery, index = 0): void {
    this.admitOutbound(handle, inner, nextHeader, deliver, index);
  }

  /** Check one received packet; as `protectOne` for the delivery. */
  unprotectOne(packet: Uint8Array, protocol: IpsecProtocol, deliver: PacketDelivery, index = 0): void {
    this.admitInbound(packet, protocol, deliver, index);
  }

  /** Check one received packet (ESP: SPI..ICV; AH: the outer IPv4 packet); the SA is found by SPI. */
  async unprotect(packet: Uint8Array, protocol: IpsecProtocol = 'esp'): Promise<PacketOutcome> {
    const c = new Collector(1);
    this.admitInbound(packet, protocol, c.put, 0);
    return (await c.promise)[0]!;
  }

  unprotectMany(packets: readonly Uint8Array[], protocol: IpsecProtocol = 'esp'): Promise<PacketOutcome[]> {
    const c = new Collector(packets.length);
    for (let i = 0; i < packets.length; i++) this.admitInbound(packets[i]!, protocol, c.put, i);
    return c.promise;
  }

  /** As `protectEach`, for received packets. */
  unprotectEach(packets: readonly Uint8Array[], protocol: IpsecProtocol, deliver: PacketDelivery): Promise<void> {
    const r = new Relay(packets.length, deliver);
    for (let i = 0; i < packets.length; i++) this.admitInbound(packets[i]!, protocol, r.put, i);
    return r.promise;
  }

  /** Dispatch what is queued now instead of at the end of the tick. */
  flush(): void {
    this.flushScheduled = false;
    this.dispatch('out');
    this.dispatch('in');
  }

  /** Resolves when no batch is queued or in flight. */
  whenIdle(): Promise<void> {
    this.flush();
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private admitOutbound(handle: number, inner: Uint8Array, nextHeader: number, sink: Sink, index: number): void {
    const sa = this.sas.get(handle);
    if (!sa || sa.window !== null) return this.dropNoSa(sink, index, 'no-sa');
    const c = sa.counters;
    if (!(inner instanceof Uint8Array)) return this.dropCounted(c, sink, index, 'not-bytes');
    if (!this.spu.alive) return this.dropCounted(c, sink, index, 'spu-failed');
    const capacity = sa.protectedLength(inner.length);
    if (capacity > MAX_RECORD_PAYLOAD || !Number.isInteger(nextHeader) || nextHeader < 0 || nextHeader > 255) {
      c.exceedsTunnelMtu += capacity > MAX_RECORD_PAYLOAD ? 1 : 0;
      return this.dropCounted(c, sink, index, capacity > MAX_RECORD_PAYLOAD ? 'too-big' : 'error');
    }
    if (sa.seq >= sa.maxSeq) return this.dropCounted(c, sink, index, 'seq-overflow');
    const seq = ++sa.seq;
    this.enqueue('out', { sa, seq, length: inner.length, nextHeader, capacity, sink, index, altHigh: 0, retried: false, data: null }, inner);
  }

  private admitInbound(packet: Uint8Array, protocol: IpsecProtocol, sink: Sink, index: number): void {
    if (!(packet instanceof Uint8Array)) {
      this.spuCounters.badHeaders++;
      return this.dropCounted(this.spuCounters, sink, index, 'not-bytes');
    }
    const ah = protocol === 'ah';
    const spi = ah ? peekAhSpi(packet) : peekSpi(packet);
    if (spi < 0) {
      this.spuCounters.badHeaders++;
      return this.dropCounted(this.spuCounters, sink, index, 'bad-header');
    }
    const sa = (ah ? this.inboundAh : this.inboundEsp).get(spi);
    if (!sa) {
      this.spuCounters.invalidSpi++;
      return this.dropCounted(this.spuCounters, sink, index, 'invalid-spi');
    }
    const c = sa.counters;
    if (packet.length > MAX_RECORD_PAYLOAD) {
      c.badHeaders++;
      return this.dropCounted(c, sink, index, 'bad-header');
    }
    if (!this.spu.alive) return this.dropCounted(c, sink, index, 'spu-failed');
    const window = sa.window!;
    const low = ah ? peekAhSeqLow(packet) : peekSeqLow(packet);
    let seq = window.check(low);
    let altHigh = 0;
    if (sa.record.esn && sa.pending > 0 && sa.pendingTop > window.highest) {
      // Packets of this SA are still being verified: infer from the highest of them too, so a
      // batch crossing a 2^32 boundary works; the thread falls back to the other candidate.
      const ahead = window.check(low, sa.pendingTop);
      if (ahead !== REPLAY && ahead !== seq) {
        if (seq !== REPLAY) altHigh = ahead > seq ? 1 : 2;
        seq = ahead;
      }
    }
    if (seq === REPLAY) {
      c.replayErrors++;
      return this.dropCounted(c, sink, index, 'replay');
    }
    sa.pending++;
    if (seq > sa.pendingTop) sa.pendingTop = seq;
    this.enqueue('in', { sa, seq, length: packet.length, nextHeader: 0, capacity: packet.length, sink, index, altHigh, retried: false, data: null }, packet);
  }

  private dropNoSa(sink: Sink, index: number, reason: PacketDropReason): void {
    this.dropCounted(this.spuCounters, sink, index, reason);
  }

  private dropCounted(c: IpsecCounters, sink: Sink, index: number, reason: PacketDropReason): void {
    c.discarded++;
    sink(index, drop(reason));
  }

  /** Write the record into the open batch of `dir` now (the caller's bytes are not kept). */
  private enqueue(dir: Direction, p: Pending, data: Uint8Array): void {
    const need = RECORD_HEADER + p.capacity;
    let b = this.open[dir];
    if (b !== null && b.off + need > b.buf.byteLength) {
      this.dispatch(dir);
      b = null;
    }
    b ??= this.open[dir] = this.openBatch(need);
    const off = b.off;
    const view = b.view;
    const high = Math.floor(p.seq / TWO32);
    view.setUint32(off + R_SA, p.sa.handle, true);
    view.setUint32(off + R_SEQ_HIGH, high, true);
    view.setUint32(off + R_SEQ_LOW, p.seq - high * TWO32, true);
    view.setUint16(off + R_LENGTH, p.length, true);
    view.setUint16(off + R_CAPACITY, p.capacity, true);
    view.setUint8(off + R_NEXT_HEADER, p.nextHeader);
    view.setUint8(off + R_STATUS, 0);
    view.setUint8(off + R_ALT_HIGH, p.altHigh);
    view.setUint8(off + R_RESERVED, 0);
    b.bytes.set(data, off + RECORD_HEADER);
    b.off = off + need;
    b.entries.push(p);
    if (b.entries.length >= this.maxBatch) this.dispatch(dir);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        if (this.flushScheduled) this.flush();
      });
    }
  }

  private openBatch(need: number): OpenBatch {
    const size = BATCH_HEADER + need;
    let buf: ArrayBuffer | undefined;
    while (buf === undefined && this.pool.length > 0) {
      const b = this.pool.pop()!;
      if (b.byteLength >= size) buf = b;
    }
    // Not zero-filled: every byte the thread or the caller reads is written first (headers and
    // payloads here or by the thread; the tail of a failed outbound record is never read).
    buf ??= Buffer.allocUnsafeSlow(Math.max(BATCH_BYTES, size)).buffer as ArrayBuffer;
    return { buf, view: new DataView(buf), bytes: new Uint8Array(buf), off: BATCH_HEADER, entries: [] };
  }

  private recycle(buf: ArrayBuffer): void {
    if (this.pool.length < POOL_LIMIT && buf.byteLength >= BATCH_BYTES) this.pool.push(buf);
  }

  private dispatch(dir: Direction): void {
    const b = this.open[dir];
    if (b === null) return;
    this.open[dir] = null;
    b.view.setUint32(0, b.entries.length, true);
    const entries = b.entries;
    this.inFlight++;
    this.spu.run<ArrayBuffer>(HANDLER[dir], Piscina.move(b.buf)).then(
      (result) => this.settle(dir, entries, result),
      () => this.fail(entries),
    );
  }

  private settle(dir: Direction, entries: Pending[], buf: ArrayBuffer): void {
    const view = new DataView(buf);
    let off = BATCH_HEADER;
    let retry: Pending[] | null = null;
    for (const e of entries) {
      const rec = off;
      const at = rec + RECORD_HEADER;
      off = at + e.capacity;
      const status = view.getUint8(rec + R_STATUS) as BatchStatus;
      if (status === BatchStatus.UnknownSa && !e.retried && !e.sa.removed) {
        // The record is untouched: keep a copy of it to resend once the SA is back.
        e.retried = true;
        e.data = new Uint8Array(buf, at, view.getUint16(rec + R_LENGTH, true)).slice();
        (retry ??= []).push(e);
        continue;
      }
      e.sink(e.index, dir === 'out' ? this.outboundResult(e, status, buf, at, view.getUint16(rec + R_LENGTH, true)) : this.inboundResult(e, status, buf, at, view, rec));
    }
    // Every outcome was delivered (sinks copy what they keep): the buffer can carry a new batch.
    this.recycle(buf);
    if (retry) this.reinstallAndResend(dir, retry);
    this.settled();
  }

  private outboundResult(e: Pending, status: BatchStatus, buf: ArrayBuffer, at: number, length: number): PacketOutcome {
    // An SA removed while its packets were in flight already moved its counters to the SPU's.
    const c = e.sa.removed ? this.spuCounters : e.sa.counters;
    if (status !== BatchStatus.Ok) {
      c.discarded++;
      return drop(status === BatchStatus.UnknownSa ? 'spu-failed' : 'error');
    }
    const innerLength = e.length;
    if (e.sa.ah) {
      c.ahOutputPackets++;
      c.ahOutputBytes += innerLength;
    } else {
      c.encryptedPackets++;
      c.encryptedBytes += innerLength;
    }
    return { ok: true, bytes: new Uint8Array(buf, at, length), seq: e.seq, nextHeader: e.nextHeader };
  }

  private inboundResult(e: Pending, status: BatchStatus, buf: ArrayBuffer, at: number, view: DataView, rec: number): PacketOutcome {
    const sa = e.sa;
    const c = sa.removed ? this.spuCounters : sa.counters;
    this.unpend(sa);
    // The high bits that verified (the thread may have used the other ESN candidate).
    const seq = view.getUint32(rec + R_SEQ_HIGH, true) * TWO32 + view.getUint32(rec + R_SEQ_LOW, true);
    // Commit only what the thread authenticated (RFC 4303 §3.4.3); a racing duplicate fails here.
    if ((status === BatchStatus.Ok || status === BatchStatus.BadTrailer) && !sa.window!.commit(seq)) {
      c.replayErrors++;
      c.discarded++;
      return drop('replay');
    }
    switch (status) {
      case BatchStatus.Ok: {
        const length = view.getUint16(rec + R_LENGTH, true);
        if (sa.ah) {
          c.ahInputPackets++;
          c.ahInputBytes += length;
        } else {
          c.decryptedPackets++;
          c.decryptedBytes += length;
        }
        return { ok: true, bytes: new Uint8Array(buf, at, length), seq, nextHeader: view.getUint8(rec + R_NEXT_HEADER) };
      }
      case BatchStatus.Auth:
        if (sa.ah) c.ahAuthFailures++;
        else c.espAuthFailures++;
        c.discarded++;
        return drop('auth');
      case BatchStatus.Decrypt:
        c.espDecryptionFailures++;
        c.discarded++;
        return drop('decrypt');
      case BatchStatus.BadTrailer:
        c.badTrailers++;
        c.discarded++;
        return drop('bad-trailer');
      case BatchStatus.BadHeader:
        c.badHeaders++;
        c.discarded++;
        return drop('bad-header');
      case BatchStatus.InvalidSpi:
        c.invalidSpi++;
        c.discarded++;
        return drop('invalid-spi');
      case BatchStatus.UnknownSa:
        c.discarded++;
        return drop('spu-failed');
      default:
        c.discarded++;
        return drop('error');
    }
  }

  private reinstallAndResend(dir: Direction, entries: Pending[]): void {
    const requests = new Map<number, InstallSaRequest>();
    for (const e of entries) requests.set(e.sa.handle, { handle: e.sa.handle, sa: e.sa.record, engine: e.sa.engine });
    this.inFlight++;
    this.spu.run<InstallSaReply[]>('installSa', [...requests.values()]).then(
      () => {
        for (const e of entries) {
          if (e.sa.removed) {
            if (e.sa.window) this.unpend(e.sa);
            this.dropCounted(this.spuCounters, e.sink, e.index, 'no-sa');
            continue;
          }
          const data = e.data!;
          e.data = null;
          this.enqueue(dir, e, data);
        }
        this.dispatch(dir);
        this.settled();
      },
      () => {
        this.fail(entries);
      },
    );
  }

  private fail(entries: Pending[]): void {
    for (const e of entries) {
      if (e.sa.window) this.unpend(e.sa);
      this.dropCounted(e.sa.removed ? this.spuCounters : e.sa.counters, e.sink, e.index, 'spu-failed');
    }
    this.settled();
  }

  /** One inbound packet of `sa` settled; with none left, ESN inference follows the window again. */
  private unpend(sa: SaState): void {
    if (--sa.pending <= 0) {
      sa.pending = 0;
      sa.pendingTop = 0;
    }
  }

  private settled(): void {
    if (--this.inFlight === 0 && this.open.out === null && this.open.in === null) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
