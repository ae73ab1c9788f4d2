// IPv4/IPv6 addresses and prefixes: text <-> bytes, containment, longest-prefix match.
//
// An address is its wire form, a Uint8Array of 4 (IPv4) or 16 (IPv6) bytes; the length is the
// family. A Prefix keeps its network bytes already masked, so equal prefixes have equal bytes.

import { fail, ok, type Result } from './result.js';

export type IpVersion = 4 | 6;

export interface Prefix {
  readonly version: IpVersion;
  /** Network address, host bits zero; 4 or 16 bytes. */
  readonly bytes: Uint8Array;
  /** Prefix length in bits: 0..32 or 0..128. */
  readonly length: number;
}

/** 4 or 6 for a 4- or 16-byte address; throws on any other length. */
export function ipVersionOf(addr: Uint8Array): IpVersion {
  if (addr.length === 4) return 4;
  if (addr.length === 16) return 6;
  throw new RangeError(`an IP address is 4 or 16 bytes, got ${addr.length}`);
}

// ---------------------------------------------------------------------------------------------
// Text

const DEC_OCTET = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Dotted-quad IPv4 (`192.0.2.1`). Strict: exactly four decimal parts 0..255 and no leading
 * zeros (inet_aton would read `010` as octal 8; refusing it avoids silently different routes).
 */
export function ipv4FromText(text: string): Result<Uint8Array> {
  const parts = text.split('.');
  if (parts.length !== 4) return fail('bad-address', `not an IPv4 address (need 4 dotted parts): ${JSON.stringify(text)}`);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!DEC_OCTET.test(p)) return fail('bad-address', `not an IPv4 address (part ${JSON.stringify(p)}): ${JSON.stringify(text)}`);
    const v = Number(p);
    if (v > 255) return fail('bad-address', `not an IPv4 address (part ${p} > 255): ${JSON.stringify(text)}`);
    out[i] = v;
  }
  return ok(out);
}

export function ipv4ToText(addr: Uint8Array): string {
  if (addr.length !== 4) throw new RangeError(`an IPv4 address is 4 bytes, got ${addr.length}`);
  return `${addr[0]}.${addr[1]}.${addr[2]}.${addr[3]}`;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * IPv6 text per RFC 4291 §2.2: eight groups of 1-4 hex digits, one `::` for one or more zero
 * groups, and an optional dotted-quad in the last 32 bits. Zone ids (`%eth0`) are refused.
 */
export function ipv6FromText(text: string): Result<Uint8Array> {
  const bad = (why: string) => fail('bad-address', `not an IPv6 address (${why}): ${JSON.stringify(text)}`);
  if (text.length === 0) return bad('empty');
  const dbl = text.indexOf('::');
  if (dbl !== -1 && text.indexOf('::', dbl + 1) !== -1) return bad('more than one "::"');
  const head = dbl === -1 ? text : text.slice(0, dbl);
  const tail = dbl === -1 ? '' : text.slice(dbl + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  if (dbl === -1 && head === '') return bad('empty');

  // Words of each side; a dotted quad may only end the address.
  const words = (groups: string[], isLast: boolean): number[] | string => {
    const w: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (isLast && i === groups.length - 1 && g.includes('.')) {
        const v4 = ipv4FromText(g);
        if (!v4.ok) return `bad embedded IPv4 ${JSON.stringify(g)}`;
        w.push((v4.value[0]! << 8) | v4.value[1]!, (v4.value[2]! << 8) | v4.value[3]!);
      } else if (HEX_GROUP.test(g)) {
        w.push(parseInt(g, 16));
      } else {
        return `bad group ${JSON.stringify(g)}`;
      }
    }
    return w;
  };
  const hw = words(headGroups, dbl === -1);
  if (typeof hw === 'string') return bad(hw);
  const tw = words(tailGroups, true);
  if (typeof tw === 'string') return bad(tw);

  let all: number[];
  if (dbl === -1) {
    if (hw.length !== 8) return bad(`${hw.length} groups, need 8`);
    all = hw;
  } else {
    const missing = 8 - hw.length - tw.length;
    if (missing < 1) return bad('"::" must stand for at least one group');
    all = [...hw, ...new Array<number>(missing).fill(0), ...tw];
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = all[i]! >> 8;
    out[2 * i + 1] = all[i]! & 0xff;
  }
  return ok(out);
}

/**
 * Canonical IPv6 text (RFC 5952): lowercase, no leading zeros, the longest run of two or more
 * zero groups as `::` (the first such run on a tie), and `::ffff:a.b.c.d` for IPv4-mapped
 * addresses (RFC 5952 §5).
 */
export function ipv6ToText(addr: Uint8Array): string {
  if (addr.length !== 16) throw new RangeError(`an IPv6 address is 16 bytes, got ${addr.length}`);
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((addr[2 * i]! << 8) | addr[2 * i + 1]!);
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${ipv4ToText(addr.subarray(12))}`;
  }
  let bestAt = -1;
  let bestLen = 1; // a single zero group is never compressed
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((x) => x.toString(16)).join(':');
  if (bestAt === -1) return hex(w);
  return `${hex(w.slice(0, bestAt))}::${hex(w.slice(bestAt + bestLen))}`;
}

/** Either family, told apart by the presence of ':'. */
export function addressFromText(text: string): Result<Uint8Array> {
  return text.includes(':') ? ipv6FromText(text) : ipv4FromText(text);
}

export function addressToText(addr: Uint8Array): string {
  return ipVersionOf(addr) === 4 ? ipv4ToText(addr) : ipv6ToText(addr);
}

// ---------------------------------------------------------------------------------------------
// Prefixes

/** A copy of `addr` with every bit after the first `length` cleared. */
export function maskAddress(addr: Uint8Array, length: number): Uint8Array {
  const bits = addr.length * 8;
  if (!Number.isInteger(length) || length < 0 || length > bits) {
    throw new RangeError(`prefix length must be 0..${bits}, got ${length}`);
  }
  const out = new Uint8Array(addr.length);
  const full = length >>> 3;
  out.set(addr.subarray(0, full));
  const rem = length & 7;
  if (rem !== 0) out[full] = addr[full]! & (0xff << (8 - rem)) & 0xff;
  return out;
}

/** The prefix of `length` bits that contains `addr`. */
export function prefixOf(addr: Uint8Array, length: number): Prefix {
  return { version: ipVersionOf(addr), bytes: maskAddress(addr, length), length };
}

export interface ParsePrefixOptions {
  /** Refuse host bits after the prefix length (`10.1.0.0/8`); by default they are cleared. */
  readonly strict?: boolean;
}

const PREFIX_LEN = /^(0|[1-9][0-9]{0,2})$/;

/**
 * `10.0.0.0/8`, `2001:db8::/32`; a bare address is a host prefix (/32 or /128). Host bits are
 * cleared unless `strict` asks to refuse them.
 */
export function parsePrefix(text: string, options: ParsePrefixOptions = {}): Result<Prefix> {
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const addr = addressFromText(addrText);
  if (!addr.ok) return fail('bad-prefix', `not a prefix: ${JSON.stringify(text)} (${addr.error.message})`);
  const bits = addr.value.length * 8;
  let length = bits;
  if (slash !== -1) {
    const lenText = text.slice(slash + 1);
    if (!PREFIX_LEN.test(lenText) || Number(lenText) > bits) {
      return fail('bad-prefix', `not a prefix: ${JSON.stringify(text)} (length must be 0..${bits})`);
    }
    length = Number(lenText);
  }
  const masked = maskAddress(addr.value, length);
  if (options.strict) {
    for (let i = 0; i < masked.length; i++) {
      if (masked[i] !== addr.value[i]) return fail('bad-prefix', `host bits set after /${length}: ${JSON.stringify(text)}`);
    }
  }
  return ok({ version: ipVersionOf(addr.value), bytes: masked, length });
}

export function prefixToText(p: Prefix): string {
  return `${addressToText(p.bytes)}/${p.length}`;
}

/** True when `addr` lies inside `prefix`; false for the other family. */
export function contains(prefix: Prefix, addr: Uint8Array): boolean {
  if (addr.length !== prefix.bytes.length) return false;
  const full = prefix.length >>> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== prefix.bytes[i]) return false;
  const rem = prefix.length & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return (addr[full]! & mask) === prefix.bytes[full];
}

export function prefixEquals(a: Prefix, b: Prefix): boolean {
  if (a.length !== b.length || a.bytes.length !== b.bytes.length) return false;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/**
 * The longest prefix of `prefixes` that contains `addr` (the first listed among equals), or
 * undefined. One pass, O(n): for a few prefixes (policies, traffic selectors). For a routing
 * table use PrefixTable.
 */
export function longestPrefixMatch<P extends Prefix>(prefixes: Iterable<P>, addr: Uint8Array): P | undefined {
  let best: P | undefined;
  for (const p of prefixes) {
    if ((best === undefined || p.length > best.length) && contains(p, addr)) best = p;
  }
  return best;
}

interface TableEntry<T> {
  readonly prefix: Prefix;
  value: T;
}

/** Exact-match key of a masked network for one prefix length. */
function keyOf(bytes: Uint8Array, length: number): string {
  // Only the bytes the prefix covers matter (the rest are zero once masked).
  const n = (length + 7) >>> 3;
  let k = '';
  for (let i = 0; i < n; i++) k += String.fromCharCode(bytes[i]!);
  return k;
}

/**
 * A longest-prefix-match table (a routing table's FIB, say): one exact-match map per prefix
 * length present, probed from the longest length down, so a lookup stops at the first hit and
 * costs at most one map probe per distinct length (≤ 33 for IPv4, ≤ 129 for IPv6), never a
 * scan of every route. One value per prefix: `set` on an existing prefix replaces its value.
 */
export class PrefixTable<T> {
  // Per family: lengths present (longest first) and, per length, key -> entry.
  private readonly byFamily = new Map<IpVersion, { lengths: number[]; maps: Map<number, Map<string, TableEntry<T>>> }>();
  private count = 0;

  constructor(entries: Iterable<readonly [Prefix, T]> = []) {
    for (const [p, v] of entries) this.set(p, v);
  }

  get size(): number {
    return this.count;
  }

  set(prefix: Prefix, value: T): void {
    const p = normalize(prefix);
    let fam = this.byFamily.get(p.version);
    if (!fam) {
      fam = { lengths: [], maps: new Map() };
      this.byFamily.set(p.version, fam);
    }
    let m = fam.maps.get(p.length);
    if (!m) {
      m = new Map();
      fam.maps.set(p.length, m);
      fam.lengths.push(p.length);
      fam.lengths.sort((a, b) => b - a);
    }
    const k = keyOf(p.bytes, p.length);
    const e = m.get(k);
    if (e) {
      e.value = value;
    } else {
      m.set(k, { prefix: p, value });
      this.count++;
    }
  }

  /** The value stored for exactly this prefix. */
  get(prefix: Prefix): T | undefined {
    const p = normalize(prefix);
    return this.byFamily.get(p.version)?.maps.get(p.length)?.get(keyOf(p.bytes, p.length))?.value;
  }

  delete(prefix: Prefix): boolean {
    const p = normalize(prefix);
    const fam = this.byFamily.get(p.version);
    const m = fam?.maps.get(p.length);
    if (!fam || !m || !m.delete(keyOf(p.bytes, p.length))) return false;
    this.count--;
    if (m.size === 0) {
      fam.maps.delete(p.length);
      fam.lengths.splice(fam.lengths.indexOf(p.length), 1);
    }
    return true;
  }

  /** The most specific entry containing `addr`. */
  lookup(addr: Uint8Array): { readonly prefix: Prefix; readonly value: T } | undefined {
    if (addr.length !== 4 && addr.length !== 16) return undefined;
    const fam = this.byFamily.get(addr.length === 4 ? 4 : 6);
    if (!fam) return undefined;
    for (const len of fam.lengths) {
      const e = fam.maps.get(len)!.get(keyOf(maskAddress(addr, len), len));
      if (e) return e;
    }
    return undefined;
  }

  *entries(): IterableIterator<[Prefix, T]> {
    for (const fam of this.byFamily.values()) {
      for (const len of fam.lengths) for (const e of fam.maps.get(len)!.values()) yield [e.prefix, e.value];
    }
  }
}

function normalize(p: Prefix): Prefix {
  return { version: ipVersionOf(p.bytes), bytes: maskAddress(p.bytes, p.length), length: p.length };
}
