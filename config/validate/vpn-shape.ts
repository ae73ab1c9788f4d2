/**
 * Statements that exclude each other on one VPN or gateway (YANG choices the CLI lets you type
 * both sides of, and the seed's traffic selector / proxy-identity distinction): a VPN is
 * either IKE-keyed or manual; it uses traffic selectors or a proxy identity, not both; a
 * gateway has a static address or is dynamic.
 */
import type { Rule, RuleError } from './view.js';

export const vpnShapeRule: Rule = (root) => {
  const errors: RuleError[] = [];
  for (const vpn of root.c('security', 'ipsec')?.list('vpn') ?? []) {
    const level = ['security', 'ipsec', 'vpn', vpn.keys[0]!];
    const ike = vpn.view.c('ike');
    const manual = vpn.view.c('manual');
    if (ike && manual) errors.push({ level, statement: 'manual', message: 'A VPN is either IKE-keyed (ike) or manual, not both' });
    if (!ike && !manual) errors.push({ level, statement: `vpn ${vpn.keys[0]}`, message: 'A VPN needs either ike or manual' });
    if (ike && !ike.has('gateway')) errors.push({ level: [...level, 'ike'], statement: 'gateway', message: 'Missing mandatory statement: gateway' });
    if (vpn.view.list('traffic-selector').length > 0 && ike?.has('proxy-identity')) {
      errors.push({ level: [...level, 'ike'], statement: 'proxy-identity', message: 'traffic-selector and proxy-identity cannot both be configured on a VPN' });
    }
  }
  for (const gw of root.c('security', 'ike')?.list('gateway') ?? []) {
    if (gw.view.leaves('address').length > 0 && gw.view.has('dynamic')) {
      errors.push({ level: ['security', 'ike', 'gateway', gw.keys[0]!], statement: 'dynamic', message: 'A gateway has either a static address or dynamic, not both' });
    }
  }
  return errors;
};
