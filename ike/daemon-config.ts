/**
 * Configuration → the gateways and tunnels the IKE daemon (ike/daemon.ts) should run, with the
 * fingerprints by which `configure` tells what changed between two commits.
 */
import { createHash } from 'node:crypto';
import { resolveVpn, type IkeConfigModel } from './config-model.js';
import { vpnSelectorPairs } from './traffic-selector.js';
import type { GatewayRec } from './v2/ike-sa.js';
import type { DynamicTemplate } from './v2/dynamic-peers.js';
import { hex } from './v2/payloads.js';

/** What `plannedGateways` returns. */
export interface PlannedGateways {
  /** Site-to-site gateways by name: the record, its fingerprint with its tunnels', and its own. */
  readonly next: Map<string, { rec: GatewayRec; fp: string; gatewayFp: string }>;
  /** Dynamic gateways by name, in configuration order. */
  readonly nextDynamic: Map<string, { rec: GatewayRec; gatewayFp: string; vpns: DynamicTemplate['vpns'] }>;
  readonly problems: string[];
}

export function fingerprint(...parts: unknown[]): string {
  // A digest of the configuration, not the text itself: one is kept per tunnel, and 10,000
  // tunnels kept ~0.5 kB of JSON each.
  const text = JSON.stringify(parts, (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : v instanceof Map ? [...v.entries()] : v));
  return createHash('sha256').update(text).digest('base64');
}

/**
 * The gateways and tunnels a configuration asks for, before they are compared with the running
 * ones (`SharedIkeDaemon.configure`): site-to-site gateways with their tunnels, dynamic gateway
 * templates with what each peer's tunnels are made of, and the problems found on the way.
 * `addressOf` resolves an external interface; `tunnelId` gives the id of a `VPN#selector`.
 */
export function plannedGateways(
  config: IkeConfigModel,
  addressOf: (ifl: string, family: 4 | 6) => string | undefined,
  tunnelId: (key: string) => number,
): PlannedGateways {
  const next = new Map<string, { rec: GatewayRec; fp: string; gatewayFp: string }>();
  const problems: string[] = [];
  const nextDynamic = new Map<string, { rec: GatewayRec; gatewayFp: string; vpns: DynamicTemplate['vpns'] }>();
  for (const vpn of config.vpns.values()) {
    const r = resolveVpn(config, vpn.name);
    if (!r.ok) {
      problems.push(r.reason);
      continue;
    }
    const { gateway, ikePolicy, ipsecPolicy } = r.value;
    const remote = gateway.addresses[0];
    if (remote === undefined) {
      if (!gateway.dynamic) continue;
      // A dynamic gateway: a template; each peer that authenticates gets its own record.
      const id = gateway.dynamic.identity;
      const dfamily = id?.type === 'inet6' ? 6 : 4;
      const dlocal = gateway.localAddress ?? (gateway.externalInterface ? addressOf(gateway.externalInterface, dfamily) : undefined);
      if (dlocal === undefined) {
        problems.push(`gateway ${gateway.name}: no local address (external-interface ${gateway.externalInterface ?? 'not set'})`);
        continue;
      }
      const pairs = vpnSelectorPairs(vpn, config.services, dfamily);
      if (!pairs.ok) {
        problems.push(pairs.reason);
        continue;
      }
      let d = nextDynamic.get(gateway.name);
      if (!d) {
        d = { rec: { name: gateway.name, config: gateway, policy: ikePolicy, local: dlocal, remote: '', tunnels: [], dynamic: 'template' }, gatewayFp: fingerprint(gateway, ikePolicy, dlocal), vpns: [] };
        nextDynamic.set(gateway.name, d);
      }
      d.vpns.push({ vpn, ipsecPolicy, pairs: pairs.value.map((p) => ({ name: p.name, pair: p.pair })), fp: fingerprint(vpn, ipsecPolicy, pairs.value.map((p) => p.pair)) });
      continue;
    }
    const family = remote.includes(':') ? 6 : 4;
    const local = gateway.localAddress ?? (gateway.externalInterface ? addressOf(gateway.externalInterface, family) : undefined);
    if (local === undefined) {
      problems.push(`gateway ${gateway.name}: no local address (external-interface ${gateway.externalInterface ?? 'not set'})`);
      continue;
    }
    let entry = next.get(gateway.name);
    if (!entry) {
      const gatewayFp = fingerprint(gateway, ikePolicy, local);
      entry = { rec: { name: gateway.name, config: gateway, policy: ikePolicy, local, remote, tunnels: [] }, fp: gatewayFp, gatewayFp };
      next.set(gateway.name, entry);
    }
    const pairs = vpnSelectorPairs(vpn, config.services, family);
    if (!pairs.ok) {
      problems.push(pairs.reason);
      continue;
    }
    pairs.value.forEach((p, i) => {
      const key = `${vpn.name}#${i}`;
      const id = tunnelId(key);
      const fp = fingerprint(vpn, ipsecPolicy, p.pair);
      entry!.rec.tunnels.push({
        id,
        vpn,
        ipsecPolicy,
        selector: i,
        selectorName: p.name,
        pair: p.pair,
        gateway: entry!.rec,
        fingerprint: fp,
        wanted: vpn.establishTunnels === 'immediately',
        negotiating: false,
        down: null,
        events: [],
        negotiations: 0,
        failures: 0,
      });
      entry!.fp += fp;
    });
  }
  return { next, nextDynamic, problems };
}
