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

  it('keeps (due, creation) order across thousands of timers, some cleared, and drops cleared ones from its heap', () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    const handles = Array.from({ length: 5000 }, (_, i) => clock.setTimeout(() => fired.push(i), (i * 7919) % 997));
    // Clear every third one: more than half the heap is garbage at times, forcing a rebuild.
    for (let i = 0; i < handles.length; i += 3) clock.clearTimeout(handles[i]!);
    for (let i = 1; i < handles.length; i += 3) clock.clearTimeout(handles[i]!);
    expect(clock.pending()).toBe(5000 - Math.ceil(5000 / 3) - Math.floor((5000 - 1 + 2) / 3));
    clock.advance(1000);
    const expected = Array.from({ length: 5000 }, (_, i) => i)
      .filter((i) => i % 3 === 2)
      .sort((a, b) => (a * 7919) % 997 - (b * 7919) % 997 || a - b);
    expect(fired).toEqual(expected);
    expect(clock.pending()).toBe(0);
    expect(clock.nextDue()).toBeUndefined();
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
