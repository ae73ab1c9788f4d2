/**
 * Active configuration → the dataplane's forwarding model (dataplane/forwarding/model.ts).
 * Runs at every commit; inactive statements are skipped (config/validate/view.ts).
 */
import type { DataContainer } from '../../config/data.js';
import { View } from '../../config/validate/view.js';
import type { ApplicationTerm, ForwardingModel, LogicalInterface, PolicyAction, SecurityPolicy, StaticRoute, Zone } from '../../dataplane/forwarding/model.js';

export function forwardingModel(tree: DataContainer): ForwardingModel {
  const root = new View(tree);
  const zoneOf = new Map<string, string>();
  const zones: Zone[] = [];
  for (const z of root.c('security', 'zones')?.list('security-zone') ?? []) {
    const name = z.keys[0]!;
    const interfaceServices: Record<string, string[]> = {};
    for (const i of z.view.list('interfaces')) {
      zoneOf.set(i.keys[0]!, name);
      const svc = servicesOf(i.view.c('host-inbound-traffic'));
      if (svc.length > 0) interfaceServices[i.keys[0]!] = svc;
    }
    const addresses: Record<string, string[]> = {};
    for (const a of z.view.c('address-book')?.list('address') ?? []) addresses[a.keys[0]!] = prefixesOf(a.view);
    zones.push({ name, hostInboundServices: servicesOf(z.view.c('host-inbound-traffic')), interfaceServices, addresses });
  }

  const interfaces: LogicalInterface[] = [];
  for (const ifd of root.c('interfaces')?.list('interface') ?? []) {
    for (const unit of ifd.view.list('unit')) {
      const name = `${ifd.keys[0]}.${unit.keys[0]}`;
      const fam = unit.view.c('family');
      const zone = zoneOf.get(name);
      interfaces.push({
        name,
        ifd: ifd.keys[0]!,
        unit: Number(unit.keys[0]),
        inet: fam?.c('inet')?.list('address').map((a) => a.keys[0]!) ?? [],
        inet6: fam?.c('inet6')?.list('address').map((a) => a.keys[0]!) ?? [],
        ...(zone !== undefined ? { zone } : {}),
        multipoint: unit.view.has('multipoint'),
      });
    }
  }

  // Static routes of inet.0 (`routing-options static`, or `rib inet.0 static`) and of inet6.0
  // (`routing-options rib inet6.0 static`).
  const routes: StaticRoute[] = [];
  const ribs: Array<{ rib: 'inet.0' | 'inet6.0'; statics: View | undefined }> = [{ rib: 'inet.0', statics: root.c('routing-options', 'static') }];
  for (const rib of root.c('routing-options')?.list('rib') ?? []) {
    const name = rib.keys[0];
    if (name === 'inet.0' || name === 'inet6.0') ribs.push({ rib: name, statics: rib.view.c('static') });
  }
  for (const { rib, statics } of ribs) {
    for (const r of statics?.list('route') ?? []) {
      routes.push({ prefix: r.keys[0]!, nextHops: r.view.leaves('next-hop'), discard: r.view.has('discard'), rib });
    }
  }

  const policies: SecurityPolicy[] = [];
  for (const ctx of root.c('security', 'policies')?.list('policy') ?? []) {
    for (const p of ctx.view.list('policy')) {
      const match = p.view.c('match');
      const then = p.view.c('then');
      const action: PolicyAction = then?.has('deny') ? 'deny' : then?.has('reject') ? 'reject' : then?.has('permit') ? 'permit' : 'deny';
      const tunnelVpn = then?.c('permit', 'tunnel')?.leaf('ipsec-vpn');
      policies.push({
        fromZone: ctx.keys[0]!,
        toZone: ctx.keys[1]!,
        name: p.keys[0]!,
        sourceAddresses: match?.leaves('source-address') ?? [],
        destinationAddresses: match?.leaves('destination-address') ?? [],
        applications: match?.leaves('application') ?? [],
        action,
        ...(tunnelVpn !== undefined ? { tunnelVpn } : {}),
      });
    }
  }

  const addressBook: Record<string, string[]> = {};
  for (const book of root.c('security')?.list('address-book') ?? []) {
    for (const a of book.view.list('address')) addressBook[a.keys[0]!] = prefixesOf(a.view);
    for (const set of book.view.list('address-set')) {
      addressBook[set.keys[0]!] = set.view.list('address').flatMap((m) => addressBook[m.keys[0]!] ?? []);
    }
  }

  const applications: Record<string, ApplicationTerm[]> = {};
  for (const app of root.c('applications')?.list('application') ?? []) {
    const term = (v: View): ApplicationTerm => {
      const port = v.leaf('destination-port');
      const range = port === undefined ? undefined : portRange(port);
      const protocol = v.leaf('protocol');
      const v6 = protocol === 'icmp6' || protocol === '58';
      const icmpType = icmpTypeNumber(v6 ? v.leaf('icmp6-type') : v.leaf('icmp-type'), v6);
      return {
        ...(protocol !== undefined ? { protocol } : {}),
        ...(range ? { destinationPort: range } : {}),
        ...(icmpType !== undefined ? { icmpType } : {}),
      };
    };
    const terms = app.view.list('term').map((t) => term(t.view));
    applications[app.keys[0]!] = terms.length > 0 ? terms : [term(app.view)];
  }

  return { interfaces, routes, zones, policies, addressBook, applications };
}

function servicesOf(hit: View | undefined): string[] {
  return hit?.list('system-services').map((s) => s.keys[0]!) ?? [];
}

function prefixesOf(v: View): string[] {
  const p = v.leaf('ip-prefix');
  return p === undefined ? [] : [p];
}

/** ICMP (RFC 792) and ICMPv6 (RFC 4443) type names Junos accepts, and numbers. */
const ICMP_TYPES: Readonly<Record<string, number>> = { 'echo-reply': 0, unreachable: 3, 'source-quench': 4, redirect: 5, echo: 8, 'echo-request': 8, 'router-advertisement': 9, 'router-solicit': 10, 'time-exceeded': 11, 'parameter-problem': 12, timestamp: 13, 'timestamp-reply': 14 };
const ICMP6_TYPES: Readonly<Record<string, number>> = { 'destination-unreachable': 1, 'packet-too-big': 2, 'time-exceeded': 3, 'parameter-problem': 4, 'echo-request': 128, 'echo-reply': 129, 'router-solicit': 133, 'router-advertisement': 134, 'neighbor-solicit': 135, 'neighbor-advertisement': 136, redirect: 137 };

function icmpTypeNumber(text: string | undefined, v6: boolean): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  return (v6 ? ICMP6_TYPES : ICMP_TYPES)[text];
}

function portRange(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (m) return [Number(m[1]), Number(m[2] ?? m[1])];
  const named: Record<string, number> = { http: 80, https: 443, ssh: 22, telnet: 23, ftp: 21, smtp: 25, domain: 53, ntp: 123, snmp: 161, bgp: 179 };
  const n = named[text];
  return n === undefined ? undefined : [n, n];
}
