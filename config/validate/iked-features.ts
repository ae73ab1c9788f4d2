/**
 * What the iked process does not support on the SRX5000 line (seed Table 7) and what it gained
 * only in 23.4R1 (change history: "Support for Dead Peer Detection (DPD) and Auto Discovery VPN
 * (ADVPN) with iked process is added in Junos OS Release 23.4R1"). Checked against the process
 * that runs now.
 */
import type { Rule, RuleError } from './view.js';

export const ikedFeaturesRule: Rule = (root, ctx) => {
  const errors: RuleError[] = [];
  if (ctx.daemon !== 'iked') return errors;
  const security = root.c('security');
  const before234 = !ctx.releaseAtLeast('23.4R1');
  for (const gw of security?.c('ike')?.list('gateway') ?? []) {
    const level = ['security', 'ike', 'gateway', gw.keys[0]!];
    if (before234 && gw.view.has('dead-peer-detection')) {
      errors.push({ level, statement: 'dead-peer-detection', message: `Dead peer detection with the iked process requires Junos 23.4R1 or later (this device runs ${ctx.release})` });
    }
    if (before234 && gw.view.has('advpn')) {
      errors.push({ level, statement: 'advpn', message: `ADVPN with the iked process requires Junos 23.4R1 or later (this device runs ${ctx.release})` });
    }
  }
  if (security?.has('group-vpn')) {
    errors.push({ level: ['security'], statement: 'group-vpn', message: 'Group VPN is not supported with the iked process (junos-ike)' });
  }
  for (const vpn of security?.c('ipsec')?.list('vpn') ?? []) {
    const level = ['security', 'ipsec', 'vpn', vpn.keys[0]!];
    if (vpn.view.c('multi-sa')?.list('forwarding-class').length) {
      errors.push({ level: [...level, 'multi-sa'], statement: 'forwarding-class', message: 'Forwarding classes on IPsec VPNs are not supported with the iked process (junos-ike)' });
    }
    if (vpn.view.c('vpn-monitor', 'verify-path')?.leaf('packet-size') !== undefined) {
      errors.push({
        level: [...level, 'vpn-monitor', 'verify-path'],
        statement: 'packet-size',
        message: 'Packet size for IPsec datapath verification is not supported with the iked process (junos-ike)',
      });
    }
  }
  return errors;
};
