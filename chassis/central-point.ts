/**
 * Placement of the central point (CP), the SPU that arbitrates sessions for the whole chassis.
 * reference/srx5000-facts.md §2: always on the lowest-numbered SPC/SPU; with an SPC3 present it
 * sits on the SPC3 (PIC 0, "SPU Cp-Flow") and every SPC2 SPU is a plain "SPU Flow". The CP is
 * chosen at boot: a card inserted later never takes it over before the next reboot.
 */
import type { CardType } from '../cards/kinds.js';

export interface SpuRef {
  readonly slot: number;
  readonly pic: number;
}

export function placeCentralPoint(active: ReadonlyArray<{ readonly slot: number; readonly type: CardType }>): SpuRef | null {
  const bySlot = [...active].sort((a, b) => a.slot - b.slot);
  const spc3 = bySlot.find((c) => c.type === 'spc3');
  if (spc3) return { slot: spc3.slot, pic: 0 };
  const spc2 = bySlot.find((c) => c.type === 'spc2');
  if (spc2) return { slot: spc2.slot, pic: 0 };
  return null;
}

/** The PIC description `show chassis hardware` and `pic-status` print for an SPU. */
export function spuDescription(type: CardType, pic: number, cp: SpuRef | null, slot: number): string {
  const isCp = cp !== null && cp.slot === slot && cp.pic === pic;
  if (!isCp) return 'SPU Flow';
  return type === 'spc3' ? 'SPU Cp-Flow' : 'SPU Cp';
}
