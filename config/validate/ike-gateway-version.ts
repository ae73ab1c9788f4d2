/**
 * IKE version of the gateways IKE VPNs use. The YANG default of `security ike gateway G
 * version` is v1-only, and such a gateway must never silently speak IKEv2; IKEv1 (Main and
 * Aggressive mode) is not available in this emulator yet, so a gateway an active IKE VPN uses
 * must say `version v2-only` for now. One error per gateway, whatever the number of VPNs on it;
 * a gateway no VPN uses, and a VPN naming an undefined gateway (the references rule's error),
 * are not reported here.
 */
import type { Rule, RuleError } from './view.js';

export const ikeGatewayVersionRule: Rule = (root) => {
  const errors: RuleError[] = [];
  const gateways = root.c('security', 'ike');
  const users = new Map<string, string[]>();
  for (const vpn of root.c('security', 'ipsec')?.list('vpn') ?? []) {
    const gw = vpn.view.c('ike')?.leaf('gateway');
    if (gw === undefined || !gateways?.entry('gateway', gw)) continue;
    users.set(gw, [...(users.get(gw) ?? []), vpn.keys[0]!]);
  }
  for (const [gw, vpns] of users) {
    const version = gateways!.entry('gateway', gw)!.leaf('version');
    if (version === 'v2-only') continue;
    const usedBy = `${vpns.length === 1 ? 'VPN' : 'VPNs'} ${vpns.join(', ')}`;
    errors.push({
      level: ['security', 'ike', 'gateway', gw],
      statement: version === undefined ? 'version' : `version ${version}`,
      message:
        version === undefined
          ? `IKE gateway ${gw} (used by ${usedBy}) defaults to version v1-only, and IKEv1 is not available in this emulator yet: set version v2-only for now`
          : `IKEv1 is not available in this emulator yet: IKE gateway ${gw} (used by ${usedBy}) must use version v2-only for now`,
    });
  }
  return errors;
};
