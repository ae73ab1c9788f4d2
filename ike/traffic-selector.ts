/**
 * IKEv2 traffic selectors (RFC 7296 §3.13, §2.9) and how a Junos VPN produces them.
 *
 * - A route-based VPN with neither traffic selectors nor a proxy identity proposes 0.0.0.0/0
 *   on both sides, any protocol and port (detail output: `ipv4_subnet(any:0,[0..7]=0.0.0.0/0)`).
 * - `ike proxy-identity { local P; remote P; service S }` gives one pair of selectors; an absent
 *   local or remote is 0.0.0.0/0 (::/0 when the other side is IPv6); the service's protocol
 *   applies to both sides and its destination port to the remote side (the traffic's
 *   destination seen from this end) — the port placement is this emulator's reading.
 * - `traffic-selector NAME { local-ip; remote-ip; protocol; source-port; destination-port }`:
 *   every traffic selector is its own CHILD SA (seed: "multiple traffic selectors … can result
 *   in multiple Phase 2 IPsec SAs"); source-port goes on the local selector, destination-port
 *   on the remote one; `term`s of one traffic selector are several selectors of that one SA.
 *
 * Narrowing (responder, RFC 7296 §2.9): each side's proposal is cut to its intersection with
 * our policy; when the initiator's first selector is the specific one of the packet that
 * triggered the request (a single address inside its other selectors), only the pieces that
 * still hold that packet are kept, and that first selector is not itself a range to narrow.
 *
 * The text form follows Junos detail output (`ipv4_subnet(any:0,[0..7]=10.0.0.0/24)`): the ID
 * type, protocol:port, the byte range of the identity data, then the value. Single-address
 * (`ipv4(…,[0..3]=A)`), range (`ipv4_range(…,[0..7]=A-B)`) and IPv6 forms are reconstructed
 * by analogy, not seen in a capture.
 */
import { addressToText, ipVersionOf, parsePrefix } from '../dataplane/packet/address.js';
import type { IpsecVpnConfig, ProxyIdentityConfig, TrafficSelectorConfig, TrafficSelectorTermConfig } from './config-model.js';
import type { Outcome } from './transforms.js';

export interface WireTrafficSelector {
  readonly type: number; // 7 IPv4 range, 8 IPv6 range
  readonly protocol: number;
  readonly startPort: number;
  readonly endPort: number;
  readonly start: Uint8Array;
  readonly end: Uint8Array;
}

export const TS_IPV4_ADDR_RANGE = 7;
export const TS_IPV6_ADDR_RANGE = 8;
export const ANY_PORTS: readonly [number, number] = Object.freeze([0, 65535] as [number, number]);

/** Both sides of one CHILD SA, from this end's point of view. */
export interface SelectorPair {
  readonly local: readonly WireTrafficSelector[];
  readonly remote: readonly WireTrafficSelector[];
}

/** A pair with the name Junos shows for it (the traffic-selector name, or the VPN's). */
export interface NamedSelectorPair {
  readonly name: string;
  readonly pair: SelectorPair;
}

// ---------------------------------------------------------------------------------------------
// Protocols, ports and services

const PROTOCOLS: Readonly<Record<string, number>> = Object.freeze({ icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmp6: 58, ospf: 89, pim: 103, sctp: 132 });
const PROTOCOL_NAMES: Readonly<Record<number, string>> = Object.freeze(Object.fromEntries(Object.entries(PROTOCOLS).map(([k, v]) => [v, k])));
const PORT_NAMES: Readonly<Record<string, number>> = Object.freeze({ ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, ntp: 123, snmp: 161, bgp: 179, https: 443 });

/** `tcp` → 6, `47` → 47; undefined for an unknown name. `any` is 0. */
export function protocolNumber(text: string): number | undefined {
  if (text === 'any') return 0;
  if (/^\d+$/.test(text)) return Number(text) <= 255 ? Number(text) : undefined;
  return PROTOCOLS[text];
}

/** `80`, `1024-65535`, `http`, `any` → [start, end]; undefined when not a port range. */
export function parsePortRange(text: string): readonly [number, number] | undefined {
  if (text === 'any') return ANY_PORTS;
  const one = (s: string): number | undefined => (/^\d+$/.test(s) && Number(s) <= 65535 ? Number(s) : PORT_NAMES[s]);
  const parts = text.split('-');
  if (parts.length === 1) {
    const p = one(parts[0]!);
    return p === undefined ? undefined : [p, p];
  }
  if (parts.length !== 2) return undefined;
  const [a, b] = [one(parts[0]!), one(parts[1]!)];
  return a === undefined || b === undefined || a > b ? undefined : [a, b];
}

/** What a proxy-identity `service` carries. */
export interface ServiceSelector {
  readonly protocol: number;
  readonly destinationPorts: readonly [number, number];
}

/** The predefined `junos-*` applications a proxy identity can name (a subset). */
export const PREDEFINED_SERVICES: Readonly<Record<string, ServiceSelector>> = Object.freeze({
  any: { protocol: 0, destinationPorts: ANY_PORTS },
  'junos-http': { protocol: 6, destinationPorts: [80, 80] },
  'junos-https': { protocol: 6, destinationPorts: [443, 443] },
  'junos-ssh': { protocol: 6, destinationPorts: [22, 22] },
  'junos-telnet': { protocol: 6, destinationPorts: [23, 23] },
  'junos-ftp': { protocol: 6, destinationPorts: [21, 21] },
  'junos-smtp': { protocol: 6, destinationPorts: [25, 25] },
  'junos-bgp': { protocol: 6, destinationPorts: [179, 179] },
  'junos-dns-udp': { protocol: 17, destinationPorts: [53, 53] },
  'junos-dns-tcp': { protocol: 6, destinationPorts: [53, 53] },
  'junos-ntp': { protocol: 17, destinationPorts: [123, 123] },
  'junos-snmp-agentx': { protocol: 6, destinationPorts: [705, 705] },
  'junos-icmp-all': { protocol: 1, destinationPorts: ANY_PORTS },
  'junos-icmp6-all': { protocol: 58, destinationPorts: ANY_PORTS },
  'junos-gre': { protocol: 47, destinationPorts: ANY_PORTS },
});

export function resolveService(name: string, custom: ReadonlyMap<string, ServiceSelector> = new Map()): Outcome<ServiceSelector> {
  const s = custom.get(name) ?? (Object.hasOwn(PREDEFINED_SERVICES, name) ? PREDEFINED_SERVICES[name] : undefined);
  return s ? { ok: true, value: s } : { ok: false, reason: `service ${name} is not a known application (single-term custom applications and common junos-* ones only)` };
}

// ---------------------------------------------------------------------------------------------
// Prefix <-> range

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** A prefix's selector: start = network, end = broadcast. */
export function selectorFromPrefix(prefix: string, protocol = 0, ports: readonly [number, number] = ANY_PORTS): Outcome<WireTrafficSelector> {
  const p = parsePrefix(prefix);
  if (!p.ok) return { ok: false, reason: p.error.message };
  const start = new Uint8Array(p.value.bytes);
  const end = new Uint8Array(start);
  for (let bit = p.value.length; bit < end.length * 8; bit++) end[bit >> 3] |= 0x80 >> (bit & 7);
  return { ok: true, value: { type: p.value.version === 4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE, protocol, startPort: ports[0], endPort: ports[1], start, end } };
}

/** `10.0.0.0/24` when the range is exactly one prefix, else undefined. */
export function selectorPrefix(ts: WireTrafficSelector): string | undefined {
  if (ts.start.length !== ts.end.length) return undefined;
  let len = 0;
  while (len < ts.start.length * 8) {
    const byte = len >> 3;
    const mask = 0x80 >> (len & 7);
    if ((ts.start[byte]! & mask) !== (ts.end[byte]! & mask)) break;
    len++;
  }
  for (let bit = len; bit < ts.start.length * 8; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((ts.start[byte]! & mask) !== 0 || (ts.end[byte]! & mask) === 0) return undefined;
  }
  return `${addressToText(ts.start)}/${len}`;
}

function rangeText(ts: WireTrafficSelector): string {
  return selectorPrefix(ts) ?? `${addressToText(ts.start)}-${addressToText(ts.end)}`;
}

function protoText(p: number): string {
  return p === 0 ? 'any' : (PROTOCOL_NAMES[p] ?? String(p));
}

function portText(ts: WireTrafficSelector): string {
  if (ts.startPort === 0 && ts.endPort === 65535) return '0';
  return ts.startPort === ts.endPort ? String(ts.startPort) : `${ts.startPort}-${ts.endPort}`;
}

/** Short form for messages: `10.1.0.0/16`, `10.1.0.0/16 tcp:80`. */
export function selectorShort(ts: WireTrafficSelector): string {
  const any = ts.protocol === 0 && ts.startPort === 0 && ts.endPort === 65535;
  return any ? rangeText(ts) : `${rangeText(ts)} ${protoText(ts.protocol)}:${portText(ts)}`;
}

/** Junos detail-output form: `ipv4_subnet(any:0,[0..7]=0.0.0.0/0)`. */
export function selectorText(ts: WireTrafficSelector): string {
  const v6 = ts.start.length === 16;
  const fam = v6 ? 'ipv6' : 'ipv4';
  const head = `${protoText(ts.protocol)}:${portText(ts)}`;
  const bytes = ts.start.length;
  if (compare(ts.start, ts.end) === 0) return `${fam}(${head},[0..${bytes - 1}]=${addressToText(ts.start)})`;
  const prefix = selectorPrefix(ts);
  if (prefix !== undefined) return `${fam}_subnet(${head},[0..${2 * bytes - 1}]=${prefix})`;
  return `${fam}_range(${head},[0..${2 * bytes - 1}]=${addressToText(ts.start)}-${addressToText(ts.end)})`;
}

// ---------------------------------------------------------------------------------------------
// Set operations

/** The selector both allow, or undefined. Protocol 0 is a wildcard. */
export function intersectSelectors(a: WireTrafficSelector, b: WireTrafficSelector): WireTrafficSelector | undefined {
  if (a.type !== b.type || a.start.length !== b.start.length) return undefined;
  if (a.protocol !== 0 && b.protocol !== 0 && a.protocol !== b.protocol) return undefined;
  const startPort = Math.max(a.startPort, b.startPort);
  const endPort = Math.min(a.endPort, b.endPort);
  if (startPort > endPort) return undefined;
  const start = compare(a.start, b.start) >= 0 ? a.start : b.start;
  const end = compare(a.end, b.end) <= 0 ? a.end : b.end;
  if (compare(start, end) > 0) return undefined;
  return { type: a.type, protocol: a.protocol !== 0 ? a.protocol : b.protocol, startPort, endPort, start: new Uint8Array(start), end: new Uint8Array(end) };
}

/** True when every packet `inner` allows, `outer` allows too. */
export function selectorContains(outer: WireTrafficSelector, inner: WireTrafficSelector): boolean {
  if (outer.type !== inner.type || outer.start.length !== inner.start.length) return false;
  if (outer.protocol !== 0 && outer.protocol !== inner.protocol) return false;
  return outer.startPort <= inner.startPort && inner.endPort <= outer.endPort && compare(outer.start, inner.start) <= 0 && compare(inner.end, outer.end) <= 0;
}

function sameSelector(a: WireTrafficSelector, b: WireTrafficSelector): boolean {
  return a.type === b.type && a.protocol === b.protocol && a.startPort === b.startPort && a.endPort === b.endPort && compare(a.start, b.start) === 0 && compare(a.end, b.end) === 0;
}

const list = (s: readonly WireTrafficSelector[]): string => (s.length === 0 ? '(none)' : s.map(selectorShort).join(', '));

/**
 * Narrow one side of the peer's proposal (`theirs`) to what our policy for that side allows
 * (`ours`), RFC 7296 §2.9. Fails with `traffic selectors unacceptable: ours A vs peer B`.
 */
export function narrow(ours: readonly WireTrafficSelector[], theirs: readonly WireTrafficSelector[]): Outcome<readonly WireTrafficSelector[]> {
  const first = theirs[0];
  const hint = theirs.length > 1 && first !== undefined && compare(first.start, first.end) === 0 && theirs.slice(1).some((t) => selectorContains(t, first)) ? first : undefined;
  const candidates = hint ? theirs.slice(1) : theirs;
  const pieces: WireTrafficSelector[] = [];
  for (const t of candidates) {
    for (const o of ours) {
      const x = intersectSelectors(t, o);
      if (x && !pieces.some((p) => sameSelector(p, x))) pieces.push(x);
    }
  }
  const withPacket = hint ? pieces.filter((p) => selectorContains(p, hint)) : [];
  const chosen = withPacket.length > 0 ? withPacket : pieces;
  if (chosen.length === 0) return { ok: false, reason: `traffic selectors unacceptable: ours ${list(ours)} vs peer ${list(theirs)}` };
  return { ok: true, value: chosen };
}

/**
 * As responder: the initiator's TSi is its local side (our remote), its TSr our local side.
 * Returns the narrowed TSi and TSr to send back.
 */
export function narrowAsResponder(ours: SelectorPair, tsi: readonly WireTrafficSelector[], tsr: readonly WireTrafficSelector[]): Outcome<{ readonly tsi: readonly WireTrafficSelector[]; readonly tsr: readonly WireTrafficSelector[] }> {
  const i = narrow(ours.remote, tsi);
  if (!i.ok) return { ok: false, reason: `${i.reason} (initiator's TSi, our remote side)` };
  const r = narrow(ours.local, tsr);
  if (!r.ok) return { ok: false, reason: `${r.reason} (initiator's TSr, our local side)` };
  return { ok: true, value: { tsi: i.value, tsr: r.value } };
}

/**
 * As initiator: the responder may only narrow. Every selector it returned must lie inside what
 * we offered for that side (TSi = our local, TSr = our remote).
 */
export function checkNarrowed(offered: SelectorPair, tsi: readonly WireTrafficSelector[], tsr: readonly WireTrafficSelector[]): Outcome<SelectorPair> {
  for (const [side, got, ours] of [
    ['TSi', tsi, offered.local],
    ['TSr', tsr, offered.remote],
  ] as const) {
    if (got.length === 0) return { ok: false, reason: `traffic selectors unacceptable: peer returned no ${side}` };
    const bad = got.find((g) => !ours.some((o) => selectorContains(o, g)));
    if (bad) return { ok: false, reason: `traffic selectors unacceptable: peer ${side} ${selectorShort(bad)} is outside ours ${list(ours)}` };
  }
  return { ok: true, value: { local: tsi, remote: tsr } };
}

// ---------------------------------------------------------------------------------------------
// From the configuration

const ANY_V4 = '0.0.0.0/0';
const ANY_V6 = '::/0';

function must(o: Outcome<WireTrafficSelector>): WireTrafficSelector {
  if (!o.ok) throw new Error(o.reason);
  return o.value;
}

/** What a route-based VPN proposes without traffic selectors or proxy identity. */
export function routeBasedDefault(family: 4 | 6 = 4): SelectorPair {
  const any = must(selectorFromPrefix(family === 4 ? ANY_V4 : ANY_V6));
  return { local: [any], remote: [any] };
}

const familyOf = (prefix: string | undefined): 4 | 6 | undefined => (prefix === undefined ? undefined : prefix.includes(':') ? 6 : 4);

function sideSelector(prefix: string | undefined, otherPrefix: string | undefined, protocol: number, ports: readonly [number, number]): Outcome<WireTrafficSelector> {
  const fam = familyOf(prefix) ?? familyOf(otherPrefix) ?? 4;
  return selectorFromPrefix(prefix ?? (fam === 4 ? ANY_V4 : ANY_V6), protocol, ports);
}

/** `ike proxy-identity { local; remote; service }` → one selector pair. */
export function proxyIdentityPair(pid: ProxyIdentityConfig, services?: ReadonlyMap<string, ServiceSelector>): Outcome<SelectorPair> {
  const svc = resolveService(pid.service ?? 'any', services);
  if (!svc.ok) return svc;
  if (familyOf(pid.local) !== undefined && familyOf(pid.remote) !== undefined && familyOf(pid.local) !== familyOf(pid.remote)) {
    return { ok: false, reason: `proxy-identity local ${pid.local} and remote ${pid.remote} are of different families` };
  }
  const local = sideSelector(pid.local, pid.remote, svc.value.protocol, ANY_PORTS);
  if (!local.ok) return local;
  const remote = sideSelector(pid.remote, pid.local, svc.value.protocol, svc.value.destinationPorts);
  if (!remote.ok) return remote;
  return { ok: true, value: { local: [local.value], remote: [remote.value] } };
}

function termSelectors(t: TrafficSelectorTermConfig): Outcome<{ local: WireTrafficSelector; remote: WireTrafficSelector }> {
  const proto = t.protocol === undefined ? 0 : protocolNumber(t.protocol);
  if (proto === undefined) return { ok: false, reason: `traffic-selector ${t.name}: unknown protocol ${t.protocol}` };
  const sp = t.sourcePort === undefined ? ANY_PORTS : parsePortRange(t.sourcePort);
  if (!sp) return { ok: false, reason: `traffic-selector ${t.name}: source-port ${t.sourcePort} is not a port range` };
  const dp = t.destinationPort === undefined ? ANY_PORTS : parsePortRange(t.destinationPort);
  if (!dp) return { ok: false, reason: `traffic-selector ${t.name}: destination-port ${t.destinationPort} is not a port range` };
  if (familyOf(t.localIp) !== undefined && familyOf(t.remoteIp) !== undefined && familyOf(t.localIp) !== familyOf(t.remoteIp)) {
    return { ok: false, reason: `traffic-selector ${t.name}: local-ip ${t.localIp} and remote-ip ${t.remoteIp} are of different families` };
  }
  const local = sideSelector(t.localIp, t.remoteIp, proto, sp);
  if (!local.ok) return local;
  const remote = sideSelector(t.remoteIp, t.localIp, proto, dp);
  if (!remote.ok) return remote;
  return { ok: true, value: { local: local.value, remote: remote.value } };
}

/** One `traffic-selector NAME` → the selectors of its own CHILD SA. */
export function trafficSelectorPair(ts: TrafficSelectorConfig): Outcome<SelectorPair> {
  const terms: TrafficSelectorTermConfig[] = ts.terms.length > 0 ? [...ts.terms] : [ts];
  const local: WireTrafficSelector[] = [];
  const remote: WireTrafficSelector[] = [];
  for (const t of terms) {
    const s = termSelectors(t);
    if (!s.ok) return s;
    local.push(s.value.local);
    remote.push(s.value.remote);
  }
  return { ok: true, value: { local, remote } };
}

/**
 * Every CHILD SA a VPN negotiates and its selectors: one per traffic selector; else the proxy
 * identity; else the route-based default (IPv4 unless `family` says the tunnel carries IPv6).
 */
export function vpnSelectorPairs(vpn: IpsecVpnConfig, services?: ReadonlyMap<string, ServiceSelector>, family: 4 | 6 = 4): Outcome<readonly NamedSelectorPair[]> {
  if (vpn.trafficSelectors.length > 0) {
    const out: NamedSelectorPair[] = [];
    for (const ts of vpn.trafficSelectors) {
      const p = trafficSelectorPair(ts);
      if (!p.ok) return { ok: false, reason: `VPN ${vpn.name}: ${p.reason}` };
      out.push({ name: ts.name, pair: p.value });
    }
    return { ok: true, value: out };
  }
  if (vpn.ike.proxyIdentity) {
    const p = proxyIdentityPair(vpn.ike.proxyIdentity, services);
    return p.ok ? { ok: true, value: [{ name: vpn.name, pair: p.value }] } : { ok: false, reason: `VPN ${vpn.name}: ${p.reason}` };
  }
  return { ok: true, value: [{ name: vpn.name, pair: routeBasedDefault(family) }] };
}

/** The family of a selector. */
export function selectorFamily(ts: WireTrafficSelector): 4 | 6 {
  return ipVersionOf(ts.start);
}
