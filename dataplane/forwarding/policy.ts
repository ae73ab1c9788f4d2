/**
 * Security policy and host-inbound decisions. Transit traffic between zones is checked against
 * the policies of its zone pair in order; the first match decides and nothing matching means
 * deny (the Junos default policy). Traffic to the device itself is allowed by the zone's (or the
 * interface's) `host-inbound-traffic system-services`.
 */
import { contains, parsePrefix, type Prefix } from '../packet/address.js';
import type { ApplicationTerm, ForwardingModel, PolicyAction, SecurityPolicy } from './model.js';

export interface Flow {
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  /** IP protocol number (1 ICMP, 6 TCP, 17 UDP, 50 ESP, 58 ICMPv6). */
  readonly protocol: number;
  readonly dstPort?: number;
  readonly icmpType?: number;
}

export interface PolicyDecision {
  readonly action: PolicyAction;
  /** The policy that decided, or undefined for the default deny. */
  readonly policy?: SecurityPolicy;
}

const PROTOCOLS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, esp: 50, ah: 51, icmp6: 58, gre: 47, ospf: 89, pim: 103 };

/** A subset of the predefined `junos-*` applications. */
const PREDEFINED: Readonly<Record<string, readonly ApplicationTerm[]>> = {
  'junos-icmp-all': [{ protocol: 'icmp' }],
  'junos-icmp-ping': [{ protocol: 'icmp', icmpType: 8 }],
  'junos-ping': [{ protocol: 'icmp', icmpType: 8 }, { protocol: 'icmp6', icmpType: 128 }],
  'junos-icmp6-all': [{ protocol: 'icmp6' }],
  'junos-http': [{ protocol: 'tcp', destinationPort: [80, 80] }],
  'junos-https': [{ protocol: 'tcp', destinationPort: [443, 443] }],
  'junos-ssh': [{ protocol: 'tcp', destinationPort: [22, 22] }],
  'junos-telnet': [{ protocol: 'tcp', destinationPort: [23, 23] }],
  'junos-dns-udp': [{ protocol: 'udp', destinationPort: [53, 53] }],
  'junos-ike': [{ protocol: 'udp', destinationPort: [500, 500] }],
  'junos-ike-nat': [{ protocol: 'udp', destinationPort: [4500, 4500] }],
  'junos-bgp': [{ protocol: 'tcp', destinationPort: [179, 179] }],
};

function protocolNumber(p: string): number | undefined {
  return /^\d+$/.test(p) ? Number(p) : PROTOCOLS[p];
}

function termMatches(t: ApplicationTerm, f: Flow): boolean {
  if (t.protocol !== undefined && protocolNumber(t.protocol) !== f.protocol) return false;
  if (t.destinationPort && (f.dstPort === undefined || f.dstPort < t.destinationPort[0] || f.dstPort > t.destinationPort[1])) return false;
  if (t.icmpType !== undefined && t.icmpType !== f.icmpType) return false;
  return true;
}

function applicationMatches(name: string, f: Flow, model: ForwardingModel): boolean {
  if (name === 'any') return true;
  const terms = model.applications[name] ?? PREDEFINED[name];
  return terms !== undefined && terms.some((t) => termMatches(t, f));
}

function addressMatches(name: string, addr: Uint8Array, zone: string, model: ForwardingModel): boolean {
  if (name === 'any') return true;
  if (name === 'any-ipv4') return addr.length === 4;
  if (name === 'any-ipv6') return addr.length === 16;
  const zoneBook = model.zones.find((z) => z.name === zone)?.addresses[name];
  const prefixes = zoneBook ?? model.addressBook[name] ?? [];
  return prefixes.some((text) => {
    const p: { ok: true; value: Prefix } | { ok: false } = parsePrefix(text);
    return p.ok && contains(p.value, addr);
  });
}

export function decidePolicy(model: ForwardingModel, fromZone: string, toZone: string, f: Flow): PolicyDecision {
  for (const p of model.policies) {
    if (p.fromZone !== fromZone || p.toZone !== toZone) continue;
    const src = p.sourceAddresses.length === 0 || p.sourceAddresses.some((a) => addressMatches(a, f.src, fromZone, model));
    const dst = p.destinationAddresses.length === 0 || p.destinationAddresses.some((a) => addressMatches(a, f.dst, toZone, model));
    const app = p.applications.length === 0 || p.applications.some((a) => applicationMatches(a, f, model));
    if (src && dst && app) return { action: p.action, policy: p };
  }
  return { action: 'deny' };
}

/** Host-inbound: may `service` (`ping`, `ike` …) reach the device through this interface? */
export function hostInboundAllowed(model: ForwardingModel, ifl: string, service: string): boolean {
  const i = model.interfaces.find((x) => x.name === ifl);
  if (!i?.zone) return false;
  const zone = model.zones.find((z) => z.name === i.zone);
  if (!zone) return false;
  const services = zone.interfaceServices[ifl] ?? zone.hostInboundServices;
  return services.includes('all') || services.includes(service);
}
