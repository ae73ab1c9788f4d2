import type { Clock, TimerHandle } from './clock.js';

/**
 * The host's wall clock. This file and cli/app/ are the only places allowed to read wall time or
 * schedule host timers; everything else receives a Clock.
 */
export class RealClock implements Clock {
  readonly kind = 'real' as const;
  private nextId = 1;
  private handles = new Map<number, NodeJS.Timeout>();

  /** Wall-clock ms with sub-millisecond resolution (ping round trips are fractions of a ms). */
  now(): number {
    return performance.timeOrigin + performance.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.handles.delete(id);
      fn();
    }, Math.max(0, ms));
    // A pending device timer (a card still booting) must not keep a finished CLI process alive.
    t.unref();
    this.handles.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.handles.get(handle.id);
    if (t) clearTimeout(t);
    this.handles.delete(handle.id);
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}
