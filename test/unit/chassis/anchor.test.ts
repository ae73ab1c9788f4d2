import { describe, expect, it } from 'vitest';
import { leastLoaded } from '../../../chassis/anchor.js';
import { Random } from '../../../sim/random.js';

describe('leastLoaded (chassis/anchor.ts)', () => {
  it('"the least-loaded SPU is chosen as the anchor SPU"', () => {
    const c = [
      { id: 'a', load: 2, flowThreads: 8 },
      { id: 'b', load: 1, flowThreads: 8 },
      { id: 'c', load: 3, flowThreads: 8 },
    ];
    expect(leastLoaded(c, false, new Random(1))).toBe('b');
  });

  it('"If multiple SPUs have the same smallest load, any of them can be chosen": ties go to the seeded source, reproducibly', () => {
    const c = [
      { id: 'a', load: 1, flowThreads: 8 },
      { id: 'b', load: 1, flowThreads: 8 },
      { id: 'c', load: 4, flowThreads: 8 },
    ];
    const seen = new Set<string | undefined>();
    for (let seed = 0; seed < 40; seed++) {
      const pick = leastLoaded(c, false, new Random(seed));
      expect(pick).toBe(leastLoaded(c, false, new Random(seed)));
      seen.add(pick);
    }
    expect([...seen].sort()).toEqual(['a', 'b']);
  });

  it('"Tunnel load factor = Number of tunnels anchored on the SPU / Total number of flow RT threads used by the SPU": lowest factor wins', () => {
    const c = [
      { id: 'spc2', load: 2, flowThreads: 8 }, // 0.25
      { id: 'spc3', load: 5, flowThreads: 24 }, // 0.208…
    ];
    expect(leastLoaded(c, true, new Random(3))).toBe('spc3');
    expect(leastLoaded(c, false, new Random(3))).toBe('spc2');
  });

  it('no candidate, no anchor', () => {
    expect(leastLoaded([], false, new Random(1))).toBeUndefined();
  });
});
