/**
 * The forwarding table of one device, built from its forwarding model: local addresses (to the
 * device itself), directly connected subnets, and static routes whose next hop resolves over a
 * connected subnet or names an interface (`st0.1`). Longest prefix wins; on equal prefixes a
 * connected route beats a static one (Junos preferences: Local 0, Direct 0, Static 5).
 *
 * One table holds both families (inet.0 and inet6.0): a 4-byte address only ever matches IPv4
 * prefixes and a 16-byte one IPv6 prefixes, and a gateway resolves only over a connected subnet
 * of its own family.
 */
import { addressFromText, addressToText, contains, parsePrefix, PrefixTable, type Prefix } from '../packet/address.js';
import type { ForwardingModel, LogicalInterface } from './model.js';

export type NextHop =
  | { readonly kind: 'local'; readonly ifl: string }
  | { readonly kind: 'direct'; readonly ifl: string }
  | { readonly kind: 'gateway'; readonly ifl: string; readonly via: string }
  | { readonly kind: 'interface'; readonly ifl: string }
  | { readonly kind: 'discard' };

export interface Route {
  readonly prefix: Prefix;
  readonly protocol: 'Local' | 'Direct' | 'Static';
  readonly nextHop: NextHop;
}

export class Fib {
  private readonly table = new PrefixTable<Route>();
  /** Interface addresses with their logical interface, for source selection and local delivery. */
  readonly localAddresses = new Map<string, LogicalInterface>();

  constructor(model: ForwardingModel, ifdUp: (ifd: string) => boolean) {
    const up = model.interfaces.filter((i) => ifdUp(i.ifd));
    const connected: Array<{ prefix: Prefix; ifl: LogicalInterface }> = [];
    for (const ifl of up) {
      for (const a of [...ifl.inet, ...ifl.inet6]) {
        const p = parsePrefix(a);
        const addr = addressFromText(a.split('/')[0]!);
        if (!p.ok || !addr.ok) continue;
        this.localAddresses.set(addressToText(addr.value), ifl);
        connected.push({ prefix: p.value, ifl });
        this.add({ prefix: p.value, protocol: 'Direct', nextHop: { kind: 'direct', ifl: ifl.name } });
        this.add({ prefix: { version: p.value.version, bytes: addr.value, length: addr.value.length * 8 }, protocol: 'Local', nextHop: { kind: 'local', ifl: ifl.name } });
      }
    }
    const upNames = new Set(up.map((i) => i.name));
    for (const r of model.routes) {
      const p = parsePrefix(r.prefix);
      if (!p.ok) continue;
      // inet.0 holds IPv4 routes and inet6.0 IPv6 ones; a route in the other table is not installed.
      if (r.rib !== undefined && (r.rib === 'inet6.0') !== (p.value.version === 6)) continue;
      if (r.discard) {
        this.add({ prefix: p.value, protocol: 'Static', nextHop: { kind: 'discard' } });
        continue;
      }
      // The first next hop that resolves is used (no ECMP in the emulator).
      for (const nh of r.nextHops) {
        if (upNames.has(nh)) {
          this.add({ prefix: p.value, protocol: 'Static', nextHop: { kind: 'interface', ifl: nh } });
          break;
        }
        const via = addressFromText(nh);
        // A next-hop address is of the route's family (an IPv4 gateway cannot carry IPv6).
        if (!via.ok || via.value.length !== p.value.bytes.length) continue;
        const over = connected.find((c) => contains(c.prefix, via.value));
        if (over) {
          this.add({ prefix: p.value, protocol: 'Static', nextHop: { kind: 'gateway', ifl: over.ifl.name, via: nh } });
          break;
        }
      }
    }
  }

  private add(route: Route): void {
    const existing = this.table.get(route.prefix);
    // Connected and local routes (preference 0) beat static ones (preference 5).
    if (existing && existing.protocol !== 'Static' && route.protocol === 'Static') return;
    this.table.set(route.prefix, route);
  }

  lookup(addr: Uint8Array): Route | undefined {
    return this.table.lookup(addr)?.value;
  }

  routes(): Route[] {
    return [...this.table.entries()].map(([, r]) => r);
  }

  /** The interface that owns this local address, if it is one. */
  local(addr: Uint8Array): LogicalInterface | undefined {
    return this.localAddresses.get(addressToText(addr));
  }

  /** The address a packet leaving through `ifl` is sent from (its first address of the family). */
  sourceFor(ifl: string, version: 4 | 6, model: ForwardingModel): Uint8Array | undefined {
    const i = model.interfaces.find((x) => x.name === ifl);
    const text = (version === 4 ? i?.inet : i?.inet6)?.[0];
    if (!text) return undefined;
    const a = addressFromText(text.split('/')[0]!);
    return a.ok ? a.value : undefined;
  }

  /**
   * IPv6 source selection (RFC 6724 §5, reduced to the rules that matter here): an address of
   * the outgoing interface (rule 5), else any IPv6 address of an interface that is up (an st0
   * unit with `family inet6` and no address of its own sends from lo0's, say); among several,
   * the longest prefix in common with the destination (rule 8), the first configured on a tie.
   */
  sourceFor6(ifl: string, destination: Uint8Array, model: ForwardingModel): Uint8Array | undefined {
    const addressesOf = (i: LogicalInterface): Uint8Array[] =>
      i.inet6.flatMap((t) => {
        const a = addressFromText(t.split('/')[0]!);
        return a.ok ? [a.value] : [];
      });
    const best = (list: Uint8Array[]): Uint8Array | undefined => {
      let pick: Uint8Array | undefined;
      let pickLen = -1;
      for (const a of list) {
        const n = commonPrefixLength(a, destination);
        if (n > pickLen) {
          pick = a;
          pickLen = n;
        }
      }
      return pick;
    };
    const out = model.interfaces.find((x) => x.name === ifl);
    const own = out ? best(addressesOf(out)) : undefined;
    if (own) return own;
    const up = new Set(this.localAddresses.values());
    return best([...up].flatMap(addressesOf));
  }
}

/** Leading bits two addresses of one family share. */
function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i]! ^ b[i]!;
    if (x === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(x) - 24;
  }
  return n;
}
