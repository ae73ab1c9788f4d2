/**
 * Route-based VPN rules (seed, Tables 1 and 2): the VPN is bound to a secure tunnel interface
 * (`bind-interface st0.N`), which must be configured; "Route-based VPNs do not support
 * remote-access (dial-up) VPN configurations" — a gateway for dial-up users (dynamic, with
 * xauth or aaa users) cannot serve a route-based VPN.
 */
import { interfaceUnits } from '../references.js';
import type { Rule, RuleError } from './view.js';

export const routeBasedRule: Rule = (root) => {
  const errors: RuleError[] = [];
  const units = new Set(interfaceUnits(root.node));
  const ike = root.c('security', 'ike');
  for (const { keys, view } of root.c('security', 'ipsec')?.list('vpn') ?? []) {
    const bind = view.leaf('bind-interface');
    if (bind === undefined) continue;
    const level = ['security', 'ipsec', 'vpn', keys[0]!];
    if (!/^st0\.\d+$/.test(bind)) {
      errors.push({ level, statement: `bind-interface ${bind}`, message: 'A route-based VPN must be bound to a secure tunnel interface (st0.N)' });
    } else if (!units.has(bind)) {
      errors.push({ level, statement: `bind-interface ${bind}`, message: `Interface ${bind} is not configured (interfaces st0 unit ${bind.slice(4)})` });
    }
    const gwName = view.c('ike')?.leaf('gateway');
    const gw = gwName === undefined ? undefined : ike?.entry('gateway', gwName);
    if (gw?.has('dynamic') && (gw.has('xauth') || gw.has('aaa'))) {
      errors.push({
        level,
        statement: `bind-interface ${bind}`,
        message: `Route-based VPNs do not support remote-access (dial-up) users: gateway ${gwName} authenticates dial-up users`,
      });
    }
  }
  return errors;
};
