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
 *   64–256 packets per task at 0.8–2×): packets queue per direction and leave as ONE
 *   transferred ArrayBuffer (dataplane/spu/batch.ts) when `maxBatch` are queued or at the end of
 *   the current tick (a microtask), whichever comes first.
 * - Failures are verdicts, never exceptions: a malformed packet is counted (the counters of
 *   `show security ipsec statistics`) and dropped. A thread that dies fails the SPU through
 *   SpuThread's onDeath; packets in flight on it come back as 'spu-failed'.
 * - A parked thread (SpuThread parks idle threads) comes back without SA contexts: its records
 *   return UnknownSa, and the SAs they name are reinstalled and the records sent once more.
 *
 * Packet bytes are copied into the batch when it is dispatched (at the latest at the end of the
 * tick); results are views into the returned batch buffer, which nothing reuses.
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

  put(index: number, outcome: PacketOutcome): void {
    this.results[index] = outcome;
    if (--this.remaining === 0) this.resolve(this.results);
  }
}

interface Pending {
  readonly sa: SaState;
  readonly seq: number;
  data: Uint8Array;
  readonly nextHeader: number;
  readonly capacity: number;
  readonly sink: Collector;
  readonly index: number;
  retried: boolean;
  /** Inbound ESN: the other candidate for the high bits (batch.ts `altHigh`), 0 for none. */
  readonly altHigh: number;
}

type Direction = 'out' | 'in';

const TWO32 = 0x1_0000_0000;
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
  private readonly queues: Record<Direction, Pending[]> = { out: [], in: [] };
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
      await this.spu.run<InstallSaReply[]>('installSa', { handle, sa, engine } satisfies InstallSaRequest);
    } catch (err) {
      this.sas.delete(handle);
      if (inbound) index.delete(sa.spi);
      throw err;
    }
    return handle;
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
    this.admitOutbound(handle, inner, nextHeader, c, 0);
    return (await c.promise)[0]!;
  }

  /** Protect many inner packets with one outbound SA; outcomes in the same order. */
  protectMany(handle: number, inners: readonly Uint8Array[], nextHeader = 4): Promise<PacketOutcome[]> {
    const c = new Collector(inners.length);
    for (let i = 0; i < inners.length; i++) this.admitOutbound(handle, inners[i]!, nextHeader, c, i);
    return c.promise;
  }

  /** Check one received packet (ESP: SPI..ICV; AH: the outer IPv4 packet); the SA is found by SPI. */
  async unprotect(packet: Uint8Array, protocol: IpsecProtocol = 'esp'): Promise<PacketOutcome> {
    const c = new Collector(1);
    this.admitInbound(packet, protocol, c, 0);
    return (await c.promise)[0]!;
  }

  unprotectMany(packets: readonly Uint8Array[], protocol: IpsecProtocol = 'esp'): Promise<PacketOutcome[]> {
    const c = new Collector(packets.length);
    for (let i = 0; i < packets.length; i++) this.admitInbound(packets[i]!, protocol, c, i);
    return c.promise;
  }

  /** Dispatch what is queued now instead of at the end of the tick. */
  flush(): void {
    this.flushScheduled = false;
    if (this.queues.out.length > 0) this.dispatch('out', this.take('out'));
    if (this.queues.in.length > 0) this.dispatch('in', this.take('in'));
  }

  /** Resolves when no batch is queued or in flight. */
  whenIdle(): Promise<void> {
    this.flush();
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private admitOutbound(handle: number, inner: Uint8Array, nextHeader: number, sink: Collector, index: number): void {
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
    this.enqueue('out', { sa, seq, data: inner, nextHeader, capacity, sink, index, retried: false, altHigh: 0 });
  }

  private admitInbound(packet: Uint8Array, protocol: IpsecProtocol, sink: Collector, index: number): void {
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
    this.enqueue('in', { sa, seq, data: packet, nextHeader: 0, capacity: packet.length, sink, index, retried: false, altHigh });
  }

  private dropNoSa(sink: Collector, index: number, reason: PacketDropReason): void {
    this.dropCounted(this.spuCounters, sink, index, reason);
  }

  private dropCounted(c: IpsecCounters, sink: Collector, index: number, reason: PacketDropReason): void {
    c.discarded++;
    sink.put(index, drop(reason));
  }

  private enqueue(dir: Direction, p: Pending): void {
    const q = this.queues[dir];
    q.push(p);
    if (q.length >= this.maxBatch) this.dispatch(dir, this.take(dir));
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        if (this.flushScheduled) this.flush();
      });
    }
  }

  private take(dir: Direction): Pending[] {
    const q = this.queues[dir];
    this.queues[dir] = [];
    return q;
  }

  private dispatch(dir: Direction, entries: Pending[]): void {
    let size = BATCH_HEADER;
    for (const e of entries) size += RECORD_HEADER + e.capacity;
    // Not zero-filled: every byte the thread or the caller reads is written first (headers here,
    // payloads here or by the thread; the tail of a failed outbound record is never read).
    const buf = Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
    const view = new DataView(buf);
    const bytes = new Uint8Array(buf);
    view.setUint32(0, entries.length, true);
    let off = BATCH_HEADER;
    for (const e of entries) {
      const high = Math.floor(e.seq / TWO32);
      view.setUint32(off + R_SA, e.sa.handle, true);
      view.setUint32(off + R_SEQ_HIGH, high, true);
      view.setUint32(off + R_SEQ_LOW, e.seq - high * TWO32, true);
      view.setUint16(off + R_LENGTH, e.data.length, true);
      view.setUint16(off + R_CAPACITY, e.capacity, true);
      view.setUint8(off + R_NEXT_HEADER, e.nextHeader);
      view.setUint8(off + R_STATUS, 0);
      view.setUint8(off + R_ALT_HIGH, e.altHigh);
      view.setUint8(off + R_RESERVED, 0);
      bytes.set(e.data, off + RECORD_HEADER);
      off += RECORD_HEADER + e.capacity;
    }
    this.inFlight++;
    this.spu.run<ArrayBuffer>(HANDLER[dir], Piscina.move(buf)).then(
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
        // The record is untouched: resend it from the returned buffer.
        e.retried = true;
        e.data = new Uint8Array(buf, at, view.getUint16(rec + R_LENGTH, true));
        (retry ??= []).push(e);
        continue;
      }
      e.sink.put(e.index, dir === 'out' ? this.outboundResult(e, status, buf, at, view.getUint16(rec + R_LENGTH, true)) : this.inboundResult(e, status, buf, at, view, rec));
    }
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
    const innerLength = e.data.length;
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
        const live = entries.filter((e) => !e.sa.removed);
        for (const e of entries) {
          if (!e.sa.removed) continue;
          if (e.sa.window) this.unpend(e.sa);
          this.dropCounted(this.spuCounters, e.sink, e.index, 'no-sa');
        }
        if (live.length > 0) this.dispatch(dir, live);
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
    if (--this.inFlight === 0 && this.queues.out.length === 0 && this.queues.in.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
