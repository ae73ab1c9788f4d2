/**
 * What the forwarding path needs to know, as plain data: the logical interfaces with their
 * addresses and zones, the static routes, the zones' host-inbound services, the security
 * policies and address books. The chassis builds it from the active configuration at every
 * commit (chassis/net/forwarding-config.ts); the dataplane never reads configuration itself.
 */

export interface LogicalInterface {
  /** `xe-1/0/0.0`, `st0.1`, `lo0.0`. */
  readonly name: string;
  /** The physical (or virtual) device: `xe-1/0/0`, `st0`, `lo0`. */
  readonly ifd: string;
  readonly unit: number;
  /** IPv4 and IPv6 interface addresses with prefix length, e.g. `192.0.2.2/24`. */
  readonly inet: readonly string[];
  readonly inet6: readonly string[];
  /** Security zone the interface belongs to, if any (traffic on an unzoned interface is dropped). */
  readonly zone?: string;
  /** st0 unit configured `multipoint`. */
  readonly multipoint: boolean;
}

export interface StaticRoute {
  readonly prefix: string;
  /** Next-hop addresses, or interface names (`st0.1`). */
  readonly nextHops: readonly string[];
  readonly discard: boolean;
  /**
   * The routing table the route was configured in: `inet.0` (`routing-options static`) or
   * `inet6.0` (`routing-options rib inet6.0 static`). A route whose prefix is not of the table's
   * family is never installed. Undefined: the table of the prefix's family.
   */
  readonly rib?: 'inet.0' | 'inet6.0';
}

export interface Zone {
  readonly name: string;
  /** `system-services` allowed to the device itself (`ping`, `ike`, `all` …), zone-wide. */
  readonly hostInboundServices: readonly string[];
  /** Per-interface overrides of host-inbound services. */
  readonly interfaceServices: Readonly<Record<string, readonly string[]>>;
  /** address-book entries of the zone (old-style zone address books): name → prefixes. */
  readonly addresses: Readonly<Record<string, readonly string[]>>;
}

export type PolicyAction = 'permit' | 'deny' | 'reject';

export interface SecurityPolicy {
  readonly fromZone: string;
  readonly toZone: string;
  readonly name: string;
  readonly sourceAddresses: readonly string[];
  readonly destinationAddresses: readonly string[];
  readonly applications: readonly string[];
  readonly action: PolicyAction;
  /** Policy-based VPN named in `then permit tunnel ipsec-vpn`. */
  readonly tunnelVpn?: string;
}

export interface ForwardingModel {
  readonly interfaces: readonly LogicalInterface[];
  readonly routes: readonly StaticRoute[];
  readonly zones: readonly Zone[];
  readonly policies: readonly SecurityPolicy[];
  /** Global address book: name → prefixes (address-sets flattened). */
  readonly addressBook: Readonly<Record<string, readonly string[]>>;
  /** Custom applications: name → protocol/ports. */
  readonly applications: Readonly<Record<string, ApplicationTerm[]>>;
}

export interface ApplicationTerm {
  /** IP protocol name or number (`tcp`, `udp`, `icmp`, `50`…); undefined = any. */
  readonly protocol?: string;
  readonly destinationPort?: readonly [number, number];
  /** ICMP type (`icmp-type`), or ICMPv6 type (`icmp6-type`) for protocol icmp6. */
  readonly icmpType?: number;
}

export const EMPTY_MODEL: ForwardingModel = { interfaces: [], routes: [], zones: [], policies: [], addressBook: {}, applications: {} };
