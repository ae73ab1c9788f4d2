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

/** A clock that moves only when advanced; timers fire in due-time order, ties in creation order. */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private current: number;
  private nextId = 1;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { id: this.nextId++, due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** Number of timers still scheduled. */
  pending(): number {
    return this.timers.length;
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
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.due;
      next.fn();
    }
    this.current = target;
  }

  async wait(ms: number): Promise<void> {
    this.advance(ms);
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
