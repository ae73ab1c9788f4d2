/**
 * The three chassis of the SRX5000 line as data: FPC slot count, control boards, power and the
 * default card set a new device gets when `--cards` is not given.
 *
 * Slots (reference/srx5000-facts.md §1): SRX5800 FPC 0–11, SRX5600 FPC 0–5, SRX5400 FPC 0–2.
 * The SRX5800's shared "2/6" position is modelled as FPC 6 (two SCBs, the default).
 */
import type { CardType } from '../cards/kinds.js';

export type ModelName = 'srx5400' | 'srx5600' | 'srx5800';

export interface ChassisModel {
  readonly name: ModelName;
  /** Description in `show chassis hardware`, e.g. SRX5800. */
  readonly description: string;
  readonly fpcSlots: number;
  readonly cbSlots: number;
  readonly midplane: { readonly version: string; readonly part: string; readonly description: string };
  readonly fpm: { readonly version: string; readonly part: string; readonly description: string };
  readonly pem: { readonly count: number; readonly version: string; readonly part: string; readonly description: string };
  readonly fanTrays: number;
  readonly defaultCards: ReadonlyArray<readonly [number, CardType]>;
}

export const MODELS: Readonly<Record<ModelName, ChassisModel>> = {
  srx5400: {
    name: 'srx5400',
    description: 'SRX5400',
    fpcSlots: 3,
    cbSlots: 1,
    midplane: { version: 'REV 01', part: '710-024633', description: 'SRX5400 Midplane' },
    fpm: { version: 'REV 01', part: '710-024631', description: 'Front Panel Display' },
    pem: { count: 2, version: 'Rev 03', part: '740-034701', description: 'PS 1.4-2.6kW; 90-264V AC in' },
    fanTrays: 1,
    defaultCards: [
      [0, 'ioc4'],
      [1, 'spc3'],
    ],
  },
  srx5600: {
    name: 'srx5600',
    description: 'SRX5600',
    fpcSlots: 6,
    cbSlots: 2,
    midplane: { version: 'REV 01', part: '710-024804', description: 'SRX5600 Midplane' },
    fpm: { version: 'REV 01', part: '710-024631', description: 'Front Panel Display' },
    pem: { count: 2, version: 'Rev 03', part: '740-034701', description: 'PS 1.4-2.6kW; 90-264V AC in' },
    fanTrays: 1,
    defaultCards: [
      [0, 'ioc4'],
      [1, 'spc3'],
      [2, 'spc3'],
    ],
  },
  srx5800: {
    name: 'srx5800',
    description: 'SRX5800',
    fpcSlots: 12,
    cbSlots: 2,
    midplane: { version: 'REV 01', part: '710-041799', description: 'SRX5800 Backplane' },
    fpm: { version: 'REV 01', part: '710-024632', description: 'Front Panel Display' },
    pem: { count: 4, version: 'Rev 04', part: '740-034724', description: 'PS 4.1kW; 200-240V AC in' },
    fanTrays: 2,
    defaultCards: [
      [0, 'ioc4'],
      [1, 'ioc4'],
      [2, 'spc3'],
      [3, 'spc3'],
    ],
  },
};

export function isModelName(s: string): s is ModelName {
  return s === 'srx5400' || s === 'srx5600' || s === 'srx5800';
}

export function lastSlot(model: ChassisModel): number {
  return model.fpcSlots - 1;
}
