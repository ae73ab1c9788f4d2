/**
 * Manual-key VPNs of the active configuration (`security ipsec vpn V manual { … }`), with their
 * keys recovered from the `$9$` form the configuration stores them in.
 */
import type { DataContainer } from '../../config/data.js';
import { keyBytes } from '../../config/keys.js';
import { View } from '../../config/validate/view.js';

export interface ManualVpn {
  readonly name: string;
  readonly bindInterface?: string;
  /** The peer's address. */
  readonly gateway: string;
  readonly externalInterface: string;
  readonly protocol: 'esp' | 'ah';
  readonly spi: number;
  readonly encryption?: { readonly algorithm: string; readonly key: Uint8Array };
  readonly authentication?: { readonly algorithm: string; readonly key: Uint8Array };
}

export function manualVpns(tree: DataContainer): ManualVpn[] {
  const out: ManualVpn[] = [];
  for (const vpn of new View(tree).c('security', 'ipsec')?.list('vpn') ?? []) {
    const m = vpn.view.c('manual');
    if (!m) continue;
    const gateway = m.leaf('gateway');
    const ext = m.leaf('external-interface');
    const spi = m.leaf('spi');
    if (gateway === undefined || ext === undefined || spi === undefined) continue;
    const enc = m.c('encryption');
    const auth = m.c('authentication');
    const encKey = keyBytes(enc?.c('key'));
    const authKey = keyBytes(auth?.c('key'));
    const bind = vpn.view.leaf('bind-interface');
    out.push({
      name: vpn.keys[0]!,
      ...(bind !== undefined ? { bindInterface: bind } : {}),
      gateway,
      externalInterface: ext,
      protocol: m.leaf('protocol') === 'ah' ? 'ah' : 'esp',
      spi: Number(spi),
      ...(enc?.leaf('algorithm') !== undefined && encKey ? { encryption: { algorithm: enc.leaf('algorithm')!, key: encKey } } : {}),
      ...(auth?.leaf('algorithm') !== undefined && authKey ? { authentication: { algorithm: auth.leaf('algorithm')!, key: authKey } } : {}),
    });
  }
  return out;
}
