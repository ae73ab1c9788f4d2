/**
 * Statements that name another part of the configuration. `?` and TAB offer the existing
 * names, and commit refuses a name that is not defined.
 */
import type { DataContainer, DataList } from './data.js';

export interface Reference {
  /** Schema path of the referring leaf or leaf-list. */
  readonly from: string;
  /** Schema path of the list whose keys may be named, or 'interface-unit'. */
  readonly to: string;
  /** How Junos words the missing target in its commit error. */
  readonly noun: string;
  /**
   * Commit refuses an undefined name. Interface names are only offered, not required: a
   * configuration may name interfaces another part of the system provides (reth in a cluster).
   * `bind-interface` is checked by the route-based VPN rule instead.
   */
  readonly checked: boolean;
}

export const REFERENCES: readonly Reference[] = [
  { from: 'security ike gateway ike-policy', to: 'security ike policy', noun: 'IKE policy', checked: true },
  { from: 'security ike policy proposals', to: 'security ike proposal', noun: 'IKE proposal', checked: true },
  { from: 'security ipsec policy proposals', to: 'security ipsec proposal', noun: 'IPsec proposal', checked: true },
  { from: 'security ipsec vpn ike gateway', to: 'security ike gateway', noun: 'IKE gateway', checked: true },
  { from: 'security ipsec vpn ike ipsec-policy', to: 'security ipsec policy', noun: 'IPsec policy', checked: true },
  { from: 'security ipsec vpn distribution-profile', to: 'security distribution-profile profile-entity', noun: 'distribution profile', checked: true },
  { from: 'security ipsec vpn bind-interface', to: 'interface-unit', noun: 'interface', checked: false },
  { from: 'security ike gateway external-interface', to: 'interface-unit', noun: 'interface', checked: false },
  { from: 'security ipsec vpn manual external-interface', to: 'interface-unit', noun: 'interface', checked: false },
  { from: 'security zones security-zone interfaces', to: 'interface-unit', noun: 'interface', checked: false },
];

export function referenceFrom(path: string): Reference | undefined {
  return REFERENCES.find((r) => r.from === path);
}

/** Keys of every entry of the list at schema path `to` in `tree`, or `ifd.unit` names. */
export function existingNames(tree: DataContainer, to: string): string[] {
  if (to === 'interface-unit') return interfaceUnits(tree);
  let level: DataContainer | undefined = tree;
  const words = to.split(' ');
  for (let i = 0; i < words.length - 1; i++) {
    const next: DataContainer['ch'][string] | undefined = level?.ch[words[i]!];
    level = next && next.t === 'c' ? next : undefined;
  }
  const list = level?.ch[words[words.length - 1]!];
  if (!list || list.t !== 'l') return [];
  return list.e.map((e) => e.k.join(' '));
}

/** `ge-0/0/0.0`, `st0.1` …: every configured logical interface. */
export function interfaceUnits(tree: DataContainer): string[] {
  const ifs = tree.ch['interfaces'];
  if (!ifs || ifs.t !== 'c') return [];
  const list = ifs.ch['interface'] as DataList | undefined;
  if (!list || list.t !== 'l') return [];
  const out: string[] = [];
  for (const e of list.e) {
    const units = e.b.ch['unit'];
    if (units && units.t === 'l') for (const u of units.e) out.push(`${e.k[0]}.${u.k[0]}`);
  }
  return out;
}
