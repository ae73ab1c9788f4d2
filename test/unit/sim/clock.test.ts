import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../sim/clock.js';

describe('VirtualClock', () => {
  it('fires timers in due order, ties in creation order, and only when advanced far enough', () => {
    const clock = new VirtualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@30'), 30);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@30'), 30);
    clock.advance(9);
    expect(fired).toEqual([]);
    expect(clock.now()).toBe(1009);
    clock.advance(21);
    expect(fired).toEqual(['a@10', 'b@30', 'c@30']);
    expect(clock.now()).toBe(1030);
  });

  it('runs a timer scheduled by another timer within the same advance, at its own due time', () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 10);
    clock.advance(100);
    expect(seen).toEqual([10, 15]);
    expect(clock.now()).toBe(100);
  });

  it('clearTimeout cancels, and wait() advances at once', async () => {
    const clock = new VirtualClock(0);
    let hit = false;
    const h = clock.setTimeout(() => (hit = true), 10);
    clock.clearTimeout(h);
    await clock.wait(60_000);
    expect(hit).toBe(false);
    expect(clock.now()).toBe(60_000);
    expect(clock.pending()).toBe(0);
  });
});
