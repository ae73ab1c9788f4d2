import { describe, expect, it } from 'vitest';
import type { CardType } from '../../../cards/kinds.js';
import { MODELS } from '../../../chassis/models.js';
import { mustParseRelease } from '../../../chassis/release.js';
import { checkInsertion, checkRemoval, mixedModeSupported } from '../../../chassis/slots.js';

function ctx(cards: Array<[number, CardType]>, opts: { release?: string; clustered?: boolean; model?: 'srx5400' | 'srx5600' | 'srx5800' } = {}) {
  return {
    model: MODELS[opts.model ?? 'srx5800'],
    release: mustParseRelease(opts.release ?? '24.4R1'),
    cards: cards.map(([slot, type]) => ({ slot, type })),
    clustered: opts.clustered ?? false,
  };
}

describe('card insertion — seed "Inserting SPC3 Card: Guidelines and Limitations"', () => {
  it('"You must insert the SPC3 or SPC2 in an existing chassis in a higher slot than a current SPC3": SPC3 below is refused', () => {
    const c = ctx([[1, 'ioc4'], [2, 'spc3'], [4, 'spc2']]);
    expect(checkInsertion(c, 0, 'spc3')).toMatch(/higher than the SPC3 in slot 2/);
    expect(checkInsertion(c, 0, 'spc2')).toMatch(/higher than the SPC3 in slot 2/);
    expect(checkInsertion(c, 5, 'spc3')).toBeNull();
    expect(checkInsertion(c, 3, 'spc2')).toBeNull();
  });

  it('with several SPC3s the new card goes above the highest of them', () => {
    const c = ctx([[2, 'spc3'], [6, 'spc3']]);
    expect(checkInsertion(c, 4, 'spc3')).toMatch(/slot 6/);
    expect(checkInsertion(c, 7, 'spc3')).toBeNull();
  });

  it('IOCs are not bound by the SPC3 slot rule', () => {
    expect(checkInsertion(ctx([[2, 'spc3']]), 0, 'ioc4')).toBeNull();
  });

  it('"Starting in Junos OS Release 19.4R1 ... you can insert a new SPC3 or SPC2 card to an existing chassis containing SPC3": refused before', () => {
    expect(checkInsertion(ctx([[2, 'spc3']], { release: '19.3R1' }), 5, 'spc3')).toMatch(/19\.4R1/);
    expect(checkInsertion(ctx([[2, 'spc3']], { release: '19.4R1' }), 5, 'spc3')).toBeNull();
  });

  it('"On SRX5800 chassis cluster, you must not insert the SPC3 card in the highest slot (slot no. 11)"', () => {
    expect(checkInsertion(ctx([[1, 'spc3']], { clustered: true }), 11, 'spc3')).toMatch(/slot 11/);
    expect(checkInsertion(ctx([[1, 'spc3']], { clustered: false }), 11, 'spc3')).toBeNull();
    expect(checkInsertion(ctx([[1, 'spc3']], { clustered: true }), 11, 'spc2')).toBeNull();
    expect(checkInsertion(ctx([[1, 'spc3']], { clustered: true }), 10, 'spc3')).toBeNull();
  });

  it('"Starting in Junos OS Release 18.2R2 and 18.4R1 ... SPC2 and SPC3 cards are installed" together: mixing refused before', () => {
    expect(mixedModeSupported(mustParseRelease('18.2R1'))).toBe(false);
    expect(mixedModeSupported(mustParseRelease('18.2R2'))).toBe(true);
    expect(mixedModeSupported(mustParseRelease('18.3R1'))).toBe(false);
    expect(mixedModeSupported(mustParseRelease('18.4R1'))).toBe(true);
    expect(checkInsertion(ctx([[1, 'spc2']], { release: '18.2R1' }), 2, 'spc3')).toMatch(/mixing/);
  });

  it('refuses occupied and non-existent slots, and cards the release does not know', () => {
    expect(checkInsertion(ctx([[2, 'spc3']]), 2, 'spc2')).toMatch(/occupied/);
    expect(checkInsertion(ctx([]), 12, 'spc2')).toMatch(/does not exist/);
    expect(checkInsertion(ctx([], { model: 'srx5400' }), 3, 'spc2')).toMatch(/0-2/);
    expect(checkInsertion(ctx([], { release: '17.4R1' }), 1, 'spc3')).toMatch(/18\.2R1/);
  });
});

describe('card removal', () => {
  it('"We do not support SPC3 hot removal."', () => {
    expect(checkRemoval([{ slot: 2, type: 'spc3' }], 2, null)).toMatch(/does not support hot removal/);
  });

  it('SPC2 and IOC may be pulled; an empty slot or the central point card may not', () => {
    const cards = [
      { slot: 1, type: 'ioc4' as const },
      { slot: 3, type: 'spc2' as const },
      { slot: 4, type: 'spc2' as const },
    ];
    expect(checkRemoval(cards, 1, 3)).toBeNull();
    expect(checkRemoval(cards, 4, 3)).toBeNull();
    expect(checkRemoval(cards, 3, 3)).toMatch(/central point/);
    expect(checkRemoval(cards, 5, 3)).toMatch(/empty/);
  });
});
