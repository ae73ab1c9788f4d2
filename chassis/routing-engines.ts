/**
 * Routing Engine generations of the SRX5000 line and the switch control board each pairs with
 * (reference/srx5000-facts.md §1: RE-1800X4 with SCBE/SCB3, RE3 with SCB4).
 */
export type ReType = 're2' | 're3';

export interface ReKind {
  readonly type: ReType;
  readonly model: string;
  readonly version: string;
  readonly part: string;
  readonly description: string;
  readonly dramMb: number;
  readonly cb: { readonly model: string; readonly version: string; readonly part: string; readonly description: string };
}

export const RE_KINDS: Readonly<Record<ReType, ReKind>> = {
  re2: {
    type: 're2',
    model: 'SRX5K-RE-1800X4',
    version: 'REV 02',
    part: '740-056658',
    description: 'SRX5k RE-1800X4',
    dramMb: 16384,
    cb: { model: 'SRX5K-SCB3', version: 'REV 05', part: '750-066337', description: 'SRX5k SCB3' },
  },
  re3: {
    type: 're3',
    model: 'SRX5K-RE3-128G',
    version: 'REV 01',
    part: '750-095568',
    description: 'SRX5k RE-2000x6',
    dramMb: 131072,
    cb: { model: 'SRX5K-SCB4', version: 'REV 04', part: '750-095572', description: 'SRX5k SCB4' },
  },
};

export function isReType(s: string): s is ReType {
  return s === 're2' || s === 're3';
}
