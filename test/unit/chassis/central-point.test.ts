import { describe, expect, it } from 'vitest';
import { placeCentralPoint, spuDescription } from '../../../chassis/central-point.js';

describe('central point placement (facts §2)', () => {
  it('SPC2-only: the lowest SPC2, PIC 0, shown as "SPU Cp"', () => {
    const cp = placeCentralPoint([
      { slot: 5, type: 'spc2' },
      { slot: 3, type: 'spc2' },
      { slot: 0, type: 'ioc4' },
    ]);
    expect(cp).toEqual({ slot: 3, pic: 0 });
    expect(spuDescription('spc2', 0, cp, 3)).toBe('SPU Cp');
    expect(spuDescription('spc2', 1, cp, 3)).toBe('SPU Flow');
    expect(spuDescription('spc2', 0, cp, 5)).toBe('SPU Flow');
  });

  it('mixed: the CP sits on the lowest SPC3 even above an SPC2, as "SPU Cp-Flow"', () => {
    const cp = placeCentralPoint([
      { slot: 1, type: 'spc2' },
      { slot: 4, type: 'spc3' },
      { slot: 2, type: 'spc3' },
    ]);
    expect(cp).toEqual({ slot: 2, pic: 0 });
    expect(spuDescription('spc3', 0, cp, 2)).toBe('SPU Cp-Flow');
    expect(spuDescription('spc3', 0, cp, 4)).toBe('SPU Flow');
    expect(spuDescription('spc2', 0, cp, 1)).toBe('SPU Flow');
  });

  it('no service card, no central point', () => {
    expect(placeCentralPoint([{ slot: 0, type: 'ioc4' }])).toBeNull();
  });
});
