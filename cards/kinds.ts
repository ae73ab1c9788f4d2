/**
 * The card types that fit an SRX5000 line FPC slot, as data. Everything the chassis needs to
 * know about a card type lives here: inventory strings (from real `show chassis hardware`
 * output, see reference/srx5000-facts.md §1), its PICs, how many SPUs it brings, and the rules
 * that differ per type (SPC3: no hot removal, activation only at reboot).
 */
export type CardType = 'spc2' | 'spc3' | 'ioc3' | 'ioc4';
export type CardFamily = 'spc' | 'ioc';

export interface PicKind {
  /** Description in `show chassis hardware` / `pic-status` when the PIC is a plain one. */
  readonly description: string;
  /** An IOC3 PIC that this emulator keeps offline (the toby fixtures: "2 PICs are always offline"). */
  readonly alwaysOffline?: boolean;
  /** Interface prefix (xe, et) and port count for IOC PICs. */
  readonly ports?: { readonly prefix: string; readonly count: number };
}

export interface CardKind {
  readonly type: CardType;
  readonly family: CardFamily;
  /** Orderable model number, e.g. SRX5K-SPC3. */
  readonly model: string;
  /** Model number printed by `show chassis hardware models`. */
  readonly part: string;
  readonly version: string;
  readonly description: string;
  readonly cpuDescription: string;
  readonly cpuPart?: { readonly version: string; readonly part: string };
  readonly pics: readonly PicKind[];
  /** SPUs on the card: every PIC of an SPC is an SPU. */
  readonly spus: number;
  /**
   * Flow RT threads per SPU, the unit of the SPC3 tunnel load factor. Juniper does not publish
   * the number (facts §2); these are the emulator's documented assumptions.
   */
  readonly flowThreadsPerSpu: number;
  /** May be pulled from a running chassis (seed: "We do not support SPC3 hot removal"). */
  readonly hotRemovable: boolean;
  /** An inserted card stays inactive until the node reboots (seed: SPC3). */
  readonly activatesAtReboot: boolean;
  /** Device seconds a hot-inserted or onlined card spends booting. */
  readonly bootSeconds: number;
  /** First Junos release that supports the card on the SRX5000 line. */
  readonly minRelease: string;
  readonly dramMb: number;
}

const SPC2: CardKind = {
  type: 'spc2',
  family: 'spc',
  model: 'SRX5K-SPC-4-15-320',
  part: '750-044175',
  version: 'REV 15',
  description: 'SRX5k SPC II',
  cpuDescription: 'SRX5k DPC PPC',
  pics: [{ description: 'SPU Flow' }, { description: 'SPU Flow' }, { description: 'SPU Flow' }, { description: 'SPU Flow' }],
  spus: 4,
  flowThreadsPerSpu: 8,
  hotRemovable: true,
  activatesAtReboot: false,
  bootSeconds: 60,
  minRelease: '12.1X44-D10',
  dramMb: 4096,
};

const SPC3: CardKind = {
  type: 'spc3',
  family: 'spc',
  model: 'SRX5K-SPC3',
  part: '750-073435',
  version: 'REV 28',
  description: 'SPC3',
  cpuDescription: 'SRX5k vCPP Broadwell',
  pics: [{ description: 'SPU Flow' }, { description: 'SPU Flow' }],
  spus: 2,
  flowThreadsPerSpu: 24,
  hotRemovable: false,
  activatesAtReboot: true,
  bootSeconds: 90,
  minRelease: '18.2R1',
  dramMb: 32768,
};

const IOC3: CardKind = {
  type: 'ioc3',
  family: 'ioc',
  model: 'SRX5K-MPC3-40G10G',
  part: '750-065046',
  version: 'REV 11',
  description: 'SRX5k IOC3 24XGE+6XLG',
  cpuDescription: 'SRX5k MPC PMB',
  cpuPart: { version: 'REV 12', part: '711-045719' },
  pics: [
    { description: '12x 10GE SFP+', ports: { prefix: 'xe', count: 12 } },
    { description: '3x 40GE QSFP+', ports: { prefix: 'et', count: 3 }, alwaysOffline: true },
    { description: '12x 10GE SFP+', ports: { prefix: 'xe', count: 12 } },
    { description: '3x 40GE QSFP+', ports: { prefix: 'et', count: 3 }, alwaysOffline: true },
  ],
  spus: 0,
  flowThreadsPerSpu: 0,
  hotRemovable: true,
  activatesAtReboot: false,
  bootSeconds: 45,
  minRelease: '15.1X49-D10',
  dramMb: 4096,
};

const IOC4: CardKind = {
  type: 'ioc4',
  family: 'ioc',
  model: 'SRX5K-IOC4-10G',
  part: '750-095565',
  version: 'REV 30',
  description: 'SRX5k IOC4 10G',
  cpuDescription: 'SMPC PMB',
  cpuPart: { version: 'REV 21', part: '750-057177' },
  pics: [
    { description: '20x10GE SFPP', ports: { prefix: 'xe', count: 20 } },
    { description: '20x10GE SFPP', ports: { prefix: 'xe', count: 20 } },
  ],
  spus: 0,
  flowThreadsPerSpu: 0,
  hotRemovable: true,
  activatesAtReboot: false,
  bootSeconds: 45,
  minRelease: '19.3R1',
  dramMb: 8192,
};

/** The explicit list of card kinds the emulator knows, in the order `?` lists them. */
export const CARD_KINDS: Readonly<Record<CardType, CardKind>> = { spc2: SPC2, spc3: SPC3, ioc3: IOC3, ioc4: IOC4 };

export const CARD_TYPES = Object.keys(CARD_KINDS) as CardType[];

export function isCardType(s: string): s is CardType {
  return Object.prototype.hasOwnProperty.call(CARD_KINDS, s);
}

export function cardKind(type: CardType): CardKind {
  return CARD_KINDS[type];
}
