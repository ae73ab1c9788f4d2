/**
 * Anti-replay (RFC 4303 §3.4.3, Appendix A): check before the ICV, commit after; sizes 64..8192
 * (0 = no-anti-replay); ESN high bits inferred from the window.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLAY_WINDOW, REPLAY, ReplayWindow } from '../../../dataplane/esp/replay-window.js';

const TWO32 = 0x1_0000_0000;

/** check + commit, as the data path does for an authentic packet. */
function receive(w: ReplayWindow, seqLow: number): number {
  const seq = w.check(seqLow);
  if (seq === REPLAY) return REPLAY;
  return w.commit(seq) ? seq : REPLAY;
}

/** A deterministic pseudo-random source. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / TWO32;
}

describe('ReplayWindow', () => {
  it('defaults to 64 packets, the Junos default', () => {
    const w = new ReplayWindow();
    expect(w.size).toBe(DEFAULT_REPLAY_WINDOW);
    expect(w.size).toBe(64);
  });

  it('accepts in-order packets once, and refuses seq 0 and duplicates', () => {
    const w = new ReplayWindow(64);
    expect(w.check(0)).toBe(REPLAY);
    for (let s = 1; s <= 10_000; s++) expect(receive(w, s)).toBe(s);
    expect(w.highest).toBe(10_000);
    for (const s of [10_000, 9_999, 9_937]) expect(w.check(s)).toBe(REPLAY);
  });

  it('draws the left edge exactly: top − W + 1 passes, top − W is too old', () => {
    for (const size of [64, 100, 1000, 8192]) {
      const w = new ReplayWindow(size);
      receive(w, 20_000);
      expect(w.check(20_000 - size)).toBe(REPLAY);
      expect(receive(w, 20_000 - size + 1)).toBe(20_000 - size + 1);
      expect(w.check(20_000 - size + 1)).toBe(REPLAY);
    }
  });

  it('takes reordering across the full window of 8192, each packet exactly once', () => {
    const w = new ReplayWindow(8192);
    const top = 50_000;
    expect(receive(w, top)).toBe(top);
    const rand = lcg(7);
    const late = Array.from({ length: 8191 }, (_, i) => top - 1 - i);
    for (let i = late.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [late[i], late[j]] = [late[j]!, late[i]!];
    }
    for (const s of late) expect(receive(w, s)).toBe(s);
    for (const s of late.slice(0, 500)) expect(w.check(s)).toBe(REPLAY);
    expect(w.check(top - 8192)).toBe(REPLAY);
    expect(w.snapshot().bitmap.length).toBe(8192 / 32 + 1);
  });

  it('survives huge jumps: everything left of the new window is too old, inside it is fresh', () => {
    const w = new ReplayWindow(1024);
    for (let s = 1; s <= 100; s++) receive(w, s);
    expect(receive(w, 1_000_000_000)).toBe(1_000_000_000);
    expect(w.check(100)).toBe(REPLAY);
    expect(receive(w, 1_000_000_000 - 1023)).toBe(1_000_000_000 - 1023);
    expect(receive(w, 1_000_000_000 - 1)).toBe(1_000_000_000 - 1);
    // Jumps of less than a window keep the bits that are still inside it.
    expect(receive(w, 1_000_000_500)).toBe(1_000_000_500);
    expect(w.check(1_000_000_000 - 1)).toBe(REPLAY);
    expect(w.check(1_000_000_000 - 1023)).toBe(REPLAY); // now left of the window anyway
    expect(receive(w, 1_000_000_000 + 1)).toBe(1_000_000_001);
  });

  it('a commit re-checks: two copies racing through one batch count once', () => {
    const w = new ReplayWindow(64);
    receive(w, 10);
    expect(w.check(7)).toBe(7);
    expect(w.check(7)).toBe(7); // both copies pass the check while their ICVs are verified
    expect(w.commit(7)).toBe(true);
    expect(w.commit(7)).toBe(false);
    expect(w.check(12)).toBe(12);
    expect(w.check(12)).toBe(12);
    expect(w.commit(12)).toBe(true);
    expect(w.commit(12)).toBe(false);
  });

  it('agrees with a naive reference model on random traffic (sizes 64, 96, 8192)', () => {
    for (const size of [64, 96, 8192]) {
      const w = new ReplayWindow(size);
      const seen = new Set<number>();
      let top = 0;
      const rand = lcg(size);
      let base = 1;
      for (let i = 0; i < 40_000; i++) {
        const r = rand();
        // Mostly forward traffic, with reordering, duplicates and the odd jump.
        base += r < 0.001 ? Math.floor(rand() * 3 * size) : r < 0.7 ? 1 : 0;
        const s = Math.max(1, base - Math.floor(rand() * (size + 40)));
        const expected = s > top || (s > top - size && !seen.has(s));
        expect(receive(w, s) !== REPLAY).toBe(expected);
        if (expected) {
          seen.add(s);
          top = Math.max(top, s);
        }
      }
    }
  });

  it('with size 0 (no-anti-replay) takes everything, duplicates included', () => {
    const w = new ReplayWindow(0);
    expect(receive(w, 5)).toBe(5);
    expect(receive(w, 5)).toBe(5);
    expect(receive(w, 1)).toBe(1);
    expect(w.highest).toBe(5);
  });

  it('refuses sizes outside 64..8192 (0 excepted)', () => {
    expect(() => new ReplayWindow(32)).toThrow(/size: 32 is outside 64..8192/);
    expect(() => new ReplayWindow(8193)).toThrow(RangeError);
    expect(() => new ReplayWindow(64.5)).toThrow(TypeError);
  });

  describe('ESN: high-order bits inferred as RFC 4303 Appendix A2.1 describes', () => {
    it('moves into the next 2^32 subspace when the low bits wrap', () => {
      const w = new ReplayWindow(64, true);
      expect(receive(w, TWO32 - 3)).toBe(TWO32 - 3);
      expect(receive(w, TWO32 - 1)).toBe(TWO32 - 1);
      // Window within one subspace (Tl ≥ W − 1): a low value below the bottom is the next subspace.
      expect(w.check(2)).toBe(TWO32 + 2);
      expect(receive(w, 2)).toBe(TWO32 + 2);
      // Window now spans two subspaces (Tl < W − 1): values above the wrapped bottom are the old one's.
      expect(receive(w, TWO32 - 2)).toBe(TWO32 - 2);
      expect(w.check(TWO32 - 3)).toBe(REPLAY); // already seen, in the old subspace
      // Left of the window is read as a jump into the next subspace (the ICV, computed with the
      // sender's real high bits, then fails: Appendix A2.1's "Case B").
      expect(w.check(TWO32 - 70)).toBe(2 * TWO32 - 70);
      expect(receive(w, 3)).toBe(TWO32 + 3);
      expect(w.highest).toBe(TWO32 + 3);
    });

    it('keeps counting across several wraps with a large window', () => {
      const w = new ReplayWindow(8192, true);
      let full = 3 * TWO32 - 5000;
      w.commit(full);
      for (let i = 0; i < 12_000; i++) {
        full += 1;
        expect(receive(w, full % TWO32)).toBe(full);
      }
      expect(w.check((full - 100) % TWO32)).toBe(REPLAY);
      // Left of the window (by more than W) means the next subspace to the receiver.
      expect(w.check((full - 9000) % TWO32)).toBe(full - 9000 + TWO32);
    });

    it('before the first wrap there is no older subspace: a big low value is a jump ahead', () => {
      const w = new ReplayWindow(64, true);
      receive(w, 5);
      expect(w.check(TWO32 - 10)).toBe(TWO32 - 10);
    });
  });

  it('snapshots and restores for cluster sync', () => {
    const w = new ReplayWindow(128, true);
    for (const s of [1, 2, 5, 90, 91, 200]) receive(w, s);
    const copy = ReplayWindow.restore(structuredClone(w.snapshot()));
    for (const s of [1, 2, 5, 90, 91, 200, 72, 73, 201]) expect(copy.check(s)).toBe(w.check(s));
    expect(copy.highest).toBe(200);
    expect(() => ReplayWindow.restore({ ...w.snapshot(), bitmap: new Uint32Array(3) })).toThrow(/bitmap: expected 5 words/);
  });
});
