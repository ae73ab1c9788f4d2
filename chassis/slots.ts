/**
 * The physical rules for cards going in and out of FPC slots. Pure: given the chassis as it is,
 * each function returns null (allowed) or the reason it is refused. Every rule cites the seed
 * (../shared/seed/ipsec-vpn-overview-srx.txt).
 */
import { cardKind, type CardType } from '../cards/kinds.js';
import type { ChassisModel } from './models.js';
import { atLeast, type Release } from './release.js';

export interface SlotOccupant {
  readonly slot: number;
  readonly type: CardType;
}

export interface InsertContext {
  readonly model: ChassisModel;
  readonly release: Release;
  readonly cards: readonly SlotOccupant[];
  /** The node is a member of a chassis cluster. */
  readonly clustered: boolean;
}

const isSpc = (t: CardType): boolean => cardKind(t).family === 'spc';

export function slotInRange(model: ChassisModel, slot: number): boolean {
  return Number.isInteger(slot) && slot >= 0 && slot < model.fpcSlots;
}

export function slotRangeText(model: ChassisModel): string {
  return `${model.description} FPC slots are 0-${model.fpcSlots - 1}`;
}

/** Mixed SPC2+SPC3 chassis: "Starting in Junos OS Release 18.2R2 and 18.4R1". */
export function mixedModeSupported(release: Release): boolean {
  if (release.kind === 'R' && release.major === 18 && release.minor === 2) return release.number >= 2;
  return atLeast(release, '18.4R1');
}

/** May a card of `type` be inserted into `slot` now? */
export function checkInsertion(ctx: InsertContext, slot: number, type: CardType): string | null {
  const kind = cardKind(type);
  if (!slotInRange(ctx.model, slot)) return `fpc ${slot} does not exist: ${slotRangeText(ctx.model)}`;
  const there = ctx.cards.find((c) => c.slot === slot);
  if (there) return `fpc ${slot} is occupied by ${cardKind(there.type).model}; remove it first`;
  if (!atLeast(ctx.release, kind.minRelease)) {
    return `${kind.model} requires Junos ${kind.minRelease} or later (this device runs ${ctx.release.text})`;
  }
  // Seed: "On SRX5800 chassis cluster, you must not insert the SPC3 card in the highest slot
  // (slot no. 11) due to the power and heat distribution limit."
  if (type === 'spc3' && ctx.clustered && ctx.model.name === 'srx5800' && slot === 11) {
    return 'SRX5K-SPC3 must not be inserted in slot 11 of an SRX5800 in a chassis cluster (power and heat distribution limit)';
  }
  if (!isSpc(type)) return null;
  const spc3Slots = ctx.cards.filter((c) => c.type === 'spc3').map((c) => c.slot);
  if (spc3Slots.length > 0) {
    // Seed: "Starting in Junos OS Release 19.4R1 ... you can insert a new SRX5K-SPC3 (SPC3) or
    // SRX5K-SPC-4-15-320 (SPC2) card to an existing chassis containing SPC3 card."
    if (!atLeast(ctx.release, '19.4R1')) {
      return `inserting an SPC into a chassis that has an SRX5K-SPC3 requires Junos 19.4R1 or later (this device runs ${ctx.release.text})`;
    }
    // Seed: "You must insert the SPC3 or SPC2 in an existing chassis in a higher slot than a
    // current SPC3 present in a lower slot." Read strictly: above every SPC3 present.
    const highest = Math.max(...spc3Slots);
    if (slot < highest) {
      return `an SPC3 or SPC2 must be inserted in a slot higher than the SPC3 in slot ${highest}`;
    }
  }
  const otherSpcTypes = new Set(ctx.cards.filter((c) => isSpc(c.type)).map((c) => c.type));
  const mixedAfter = otherSpcTypes.size > 0 && !otherSpcTypes.has(type) ? true : otherSpcTypes.size > 1;
  if (mixedAfter && !mixedModeSupported(ctx.release)) {
    return `mixing SRX5K-SPC3 and SRX5K-SPC-4-15-320 requires Junos 18.2R2 or 18.4R1 and later (this device runs ${ctx.release.text})`;
  }
  return null;
}

/** May the card in `slot` be pulled out of the running chassis? */
export function checkRemoval(cards: readonly SlotOccupant[], slot: number, centralPointSlot: number | null): string | null {
  const there = cards.find((c) => c.slot === slot);
  if (!there) return `fpc ${slot} is empty`;
  // Seed: "We do not support SPC3 hot removal."
  if (!cardKind(there.type).hotRemovable) return `fpc ${slot}: ${cardKind(there.type).model} does not support hot removal`;
  if (centralPointSlot === slot) {
    return `fpc ${slot} hosts the central point SPU; it cannot be removed while the node is running`;
  }
  return null;
}
