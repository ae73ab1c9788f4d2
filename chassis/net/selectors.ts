/**
 * The negotiated traffic selectors of an IKE-keyed SA pair, as text (`ChildSaInstall`
 * `localSelector` / `remoteSelector`), turned into something a packet can be checked against.
 *
 * Accepted forms, several separated by commas outside parentheses (the terms of one selector):
 *  - the detail-output form `ipv4_subnet(any:0,[0..7]=10.0.0.0/24)`, `ipv4(tcp:80,[0..3]=A)`,
 *    `ipv4_range(udp:1000-2000,[0..7]=A-B)` and their `ipv6…` twins (ike/traffic-selector.ts);
 *  - the short form `10.0.0.0/24`, `A-B`, `A`, optionally followed by ` PROTO:PORTS`.
 * Text that is none of these yields `undefined`: the pair then checks nothing (documented
 * choice — a selector the chassis cannot read never blackholes traffic).
 */
import { addressFromText, parsePrefix } from '../../dataplane/packet/address.js';
import { parsePortRange, protocolNumber } from '../../ike/traffic-selector.js';

export interface SelectorRange {
  readonly start: Uint8Array;
  readonly end: Uint8Array;
  /** 0 = any protocol. */
  readonly protocol: number;
  readonly startPort: number;
  readonly endPort: number;
}

/** The address, protocol and ports of an IP packet, as a selector sees them. */
export interface PacketKey {
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  readonly protocol: number;
  readonly sourcePort: number;
  readonly destinationPort: number;
}

function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function addressRange(text: string): { start: Uint8Array; end: Uint8Array } | undefined {
  if (text.includes('/')) {
    const p = parsePrefix(text);
    if (!p.ok) return undefined;
    const start = new Uint8Array(p.value.bytes);
    const end = new Uint8Array(start);
    for (let bit = p.value.length; bit < start.length * 8; bit++) {
      start[bit >> 3] &= ~(0x80 >> (bit & 7));
      end[bit >> 3] |= 0x80 >> (bit & 7);
    }
    return { start, end };
  }
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = addressFromText(text.slice(0, dash));
    const b = addressFromText(text.slice(dash + 1));
    return a.ok && b.ok && a.value.length === b.value.length ? { start: a.value, end: b.value } : undefined;
  }
  const a = addressFromText(text);
  return a.ok ? { start: a.value, end: a.value } : undefined;
}

function protoPorts(text: string | undefined): { protocol: number; startPort: number; endPort: number } | undefined {
  if (text === undefined) return { protocol: 0, startPort: 0, endPort: 65535 };
  const colon = text.indexOf(':');
  const protocol = protocolNumber(colon < 0 ? text : text.slice(0, colon));
  if (protocol === undefined) return undefined;
  const portText = colon < 0 ? '0' : text.slice(colon + 1);
  const ports = portText === '0' ? ([0, 65535] as const) : parsePortRange(portText);
  return ports ? { protocol, startPort: ports[0], endPort: ports[1] } : undefined;
}

function parseOne(text: string): SelectorRange | undefined {
  const detail = /^ipv[46](?:_subnet|_range)?\(([^,]+),\[[^\]]*\]=([^)]+)\)$/.exec(text);
  if (detail) {
    const pp = protoPorts(detail[1]);
    const range = addressRange(detail[2]!);
    return pp && range ? { ...range, ...pp } : undefined;
  }
  const [addr, pp] = text.split(/\s+/, 2);
  const range = addr === undefined ? undefined : addressRange(addr);
  const ports = protoPorts(pp);
  return range && ports ? { ...range, ...ports } : undefined;
}

/** Every term of a selector text; undefined when any of it cannot be read. */
export function parseSelectors(text: string): SelectorRange[] | undefined {
  const parts = splitTop(text);
  if (parts.length === 0) return undefined;
  const out: SelectorRange[] = [];
  for (const p of parts) {
    const r = parseOne(p);
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}

function cmp(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function inRange(r: SelectorRange, addr: Uint8Array, protocol: number, port: number): boolean {
  if (addr.length !== r.start.length) return false;
  if (r.protocol !== 0 && r.protocol !== protocol) return false;
  if (cmp(addr, r.start) < 0 || cmp(addr, r.end) > 0) return false;
  return port < 0 || (port >= r.startPort && port <= r.endPort) || (r.startPort === 0 && r.endPort === 65535);
}

/** Ports matter only for TCP, UDP and SCTP; -1 means "no ports in this packet". */
function portOf(key: PacketKey, which: 'source' | 'destination'): number {
  return key.protocol === 6 || key.protocol === 17 || key.protocol === 132 ? (which === 'source' ? key.sourcePort : key.destinationPort) : -1;
}

/**
 * Does the packet fit the pair? Outbound (`direction` 'out'): source in the local selector,
 * destination in the remote one; inbound: the other way round.
 */
export function selectorsMatch(local: readonly SelectorRange[], remote: readonly SelectorRange[], key: PacketKey, direction: 'in' | 'out'): boolean {
  const ours = direction === 'out' ? { addr: key.source, port: portOf(key, 'source') } : { addr: key.destination, port: portOf(key, 'destination') };
  const theirs = direction === 'out' ? { addr: key.destination, port: portOf(key, 'destination') } : { addr: key.source, port: portOf(key, 'source') };
  return local.some((r) => inRange(r, ours.addr, key.protocol, ours.port)) && remote.some((r) => inRange(r, theirs.addr, key.protocol, theirs.port));
}

/** The selector view of an IPv4 or IPv6 packet (no extension-header walk); undefined when too short. */
export function packetKey(packet: Uint8Array): PacketKey | undefined {
  const version = packet.length > 0 ? packet[0]! >> 4 : 0;
  let protocol: number;
  let l4: number;
  let source: Uint8Array;
  let destination: Uint8Array;
  if (version === 4) {
    if (packet.length < 20) return undefined;
    l4 = (packet[0]! & 0x0f) * 4;
    protocol = packet[9]!;
    source = packet.subarray(12, 16);
    destination = packet.subarray(16, 20);
  } else if (version === 6) {
    if (packet.length < 40) return undefined;
    l4 = 40;
    protocol = packet[6]!;
    source = packet.subarray(8, 24);
    destination = packet.subarray(24, 40);
  } else return undefined;
  const hasPorts = packet.length >= l4 + 4;
  return {
    source,
    destination,
    protocol,
    sourcePort: hasPorts ? (packet[l4]! << 8) | packet[l4 + 1]! : 0,
    destinationPort: hasPorts ? (packet[l4 + 2]! << 8) | packet[l4 + 3]! : 0,
  };
}
