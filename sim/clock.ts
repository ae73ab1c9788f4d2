/**
 * The one clock every timer in the emulator goes through.
 *
 * Device time is milliseconds since the Unix epoch, like Date.now(), so that show commands can
 * print calendar dates. Two implementations: RealClock follows the host's wall clock (the
 * interactive CLI), VirtualClock only moves when told to (tests, batch transcripts, scenarios),
 * which makes every run deterministic and instant.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Device time in ms since the epoch. */
  now(): number;
  /** Run `fn` once, `ms` from now (device time). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Let `ms` of device time pass: really wait (RealClock) or advance at once (VirtualClock). */
  wait(ms: number): Promise<void>;
  readonly kind: 'real' | 'virtual';
}

interface PendingTimer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when advanced; timers fire in due-time order, ties in creation order.
 * Timers sit in a binary heap ordered by (due, creation), so setting, clearing and firing each
 * cost O(log n): tens of thousands of IKE SAs each keep a few timers armed.
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private current: number;
  private nextId = 1;
  private seq = 0;
  private heap: PendingTimer[] = [];
  /** Armed timers by id (a cleared one leaves the map; the heap drops it when it surfaces). */
  private armed = new Map<number, PendingTimer>();

  constructor(startMs = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { id: this.nextId++, due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.armed.set(timer.id, timer);
    this.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.armed.delete(handle.id);
    // Cleared timers wait in the heap until they surface; rebuild it when they dominate.
    if (this.heap.length > 1024 && this.heap.length > 2 * this.armed.size) {
      this.heap = [];
      for (const t of [...this.armed.values()].sort((a, b) => a.seq - b.seq)) this.push(t);
    }
  }

  /** Number of timers still scheduled. */
  pending(): number {
    return this.armed.size;
  }

  /** Device time of the next timer, if any. */
  nextDue(): number | undefined {
    return this.earliest()?.due;
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.pop();
      this.armed.delete(next.id);
      this.current = next.due;
      next.fn();
    }
    this.current = target;
  }

  async wait(ms: number): Promise<void> {
    this.advance(ms);
  }

  /** The first armed timer (cleared ones at the top are dropped on the way). */
  private earliest(): PendingTimer | undefined {
    while (this.heap.length > 0 && !this.armed.has(this.heap[0]!.id)) this.pop();
    return this.heap[0];
  }

  private static before(a: PendingTimer, b: PendingTimer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(t: PendingTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && VirtualClock.before(h[l]!, h[m]!)) m = l;
      if (r < h.length && VirtualClock.before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
