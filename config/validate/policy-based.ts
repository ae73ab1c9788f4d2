/**
 * Policy-based VPN rules (seed, Tables 1, 2 and 7):
 * - Table 7: "Policy-based IPsec VPN — No" on SRX5000 with SPC3 running iked: refused while the
 *   running IKE process is iked. (The seed also says "Policy-based VPNs are only supported on
 *   SRX5400, SRX5600, and SRX5800 line": read together, policy-based VPNs work on the SRX5000
 *   line in kmd mode only — the emulator's reading of the contradiction, in the README.)
 * - "In a policy-based VPN configuration, the action must be permit and must include a tunnel."
 * - "Policy-based VPNs cannot be used if NAT is required for tunneled traffic."
 * - "Policy-based VPNs cannot be used for hub-and-spoke topologies": a tunnel policy whose
 *   from-zone and to-zone are the same zone hairpins traffic between tunnels, i.e. a hub.
 * - A VPN bound to st0 (route-based) cannot also be the tunnel of a policy.
 */
import type { Rule, RuleError, View } from './view.js';

const SRX5K = ['srx5400', 'srx5600', 'srx5800'];

export interface TunnelPolicy {
  readonly from: string;
  readonly to: string;
  readonly name: string;
  readonly vpn: string;
  readonly then: View;
}

export function tunnelPolicies(root: View): TunnelPolicy[] {
  const out: TunnelPolicy[] = [];
  const policies = root.c('security', 'policies');
  if (!policies) return out;
  for (const ctx of policies.list('policy')) {
    for (const p of ctx.view.list('policy')) {
      const then = p.view.c('then');
      const vpn = then?.c('permit', 'tunnel')?.leaf('ipsec-vpn');
      if (then && vpn !== undefined) out.push({ from: ctx.keys[0]!, to: ctx.keys[1]!, name: p.keys[0]!, vpn, then });
    }
  }
  return out;
}

function natZonePairs(root: View): Array<{ kind: string; ruleSet: string; from: string[]; to: string[] }> {
  const nat = root.c('security', 'nat');
  if (!nat) return [];
  const out: Array<{ kind: string; ruleSet: string; from: string[]; to: string[] }> = [];
  for (const kind of ['source', 'destination', 'static']) {
    for (const rs of nat.c(kind)?.list('rule-set') ?? []) {
      out.push({ kind, ruleSet: rs.keys[0]!, from: rs.view.c('from')?.leaves('zone') ?? [], to: rs.view.c('to')?.leaves('zone') ?? [] });
    }
  }
  return out;
}

export const policyBasedRule: Rule = (root, ctx) => {
  const errors: RuleError[] = [];
  const nat = natZonePairs(root);
  for (const t of tunnelPolicies(root)) {
    const level = ['security', 'policies', 'from-zone', t.from, 'to-zone', t.to, 'policy', t.name, 'then', 'permit', 'tunnel'];
    const statement = `ipsec-vpn ${t.vpn}`;
    if (ctx.daemon === 'iked') {
      errors.push({ level, statement, message: 'Policy-based IPsec VPN is not supported with the iked process (junos-ike); use a route-based VPN bound to st0' });
    }
    if (!SRX5K.includes(ctx.model)) {
      errors.push({ level, statement, message: 'Policy-based VPNs are only supported on SRX5400, SRX5600 and SRX5800' });
    }
    if (t.then.has('deny') || t.then.has('reject')) {
      errors.push({ level: level.slice(0, -2), statement: t.then.has('deny') ? 'deny' : 'reject', message: 'A policy-based VPN tunnel policy must have the permit action with a tunnel' });
    }
    const vpn = root.c('security', 'ipsec')?.entry('vpn', t.vpn);
    if (vpn?.leaf('bind-interface') !== undefined) {
      errors.push({ level, statement, message: `VPN ${t.vpn} is route-based (bind-interface ${vpn.leaf('bind-interface')}) and cannot be the tunnel of a policy` });
    }
    if (t.from === t.to) {
      errors.push({ level, statement, message: `Policy-based VPNs cannot be used for hub-and-spoke (zone ${t.from} to itself); use route-based VPNs on st0` });
    }
    for (const n of nat) {
      if (n.from.includes(t.from) && (n.to.length === 0 || n.to.includes(t.to))) {
        errors.push({ level, statement, message: `NAT (${n.kind} rule-set ${n.ruleSet}) cannot apply to policy-based VPN traffic from zone ${t.from} to zone ${t.to}` });
      }
    }
  }
  return errors;
};
