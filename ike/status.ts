/**
 * What the IKE daemons (kmd, iked) report for the `show security ike …` and `show security ipsec …`
 * commands: plain, read-only views with no formatting. The daemons fill them; the renderers in
 * cli/engine/render (show-ike.ts, show-tunnel-distribution.ts) turn them into Junos text with the
 * layouts of reference/srx5000-facts.md §3 and §6.
 *
 * Conventions: addresses are text as Junos prints them; durations are whole seconds remaining;
 * times are device milliseconds (the device clock); SPIs of IKE SAs are 16 lower-case hex digits
 * (the "cookies" of the output), SPIs of IPsec SAs are numbers (printed as 8 hex digits).
 */

/** State column of `show security ike security-associations`. */
export type IkeSaState = 'UP' | 'DOWN';

/** Mode column / exchange type: `Main` and `Aggressive` are IKEv1, `IKEv2` is version 2. */
export type IkeExchangeMode = 'IKEv2' | 'Main' | 'Aggressive';

export type IkeRole = 'Initiator' | 'Responder';

export interface IkeEndpoint {
  readonly address: string;
  /** 500, or 4500 once NAT-T floated the exchange. */
  readonly port: number;
}

/** Algorithm names as the detail output spells them (not the configuration keywords). */
export interface IkeSaAlgorithms {
  /** e.g. `hmac-sha256-128`, `hmac-sha1-96`. */
  readonly authentication: string;
  /** e.g. `aes256-cbc`, `aes128-gcm`. */
  readonly encryption: string;
  /** e.g. `hmac-sha256`. */
  readonly prf: string;
  /** e.g. `DH-group-19`. */
  readonly dhGroup: string;
}

export interface IkeTrafficCounters {
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly inputPackets: number;
  readonly outputPackets: number;
  readonly inputFragmentedPackets: number;
  readonly outputFragmentedPackets: number;
}

/** A phase 2 (CHILD_SA / Quick mode) exchange still in progress on an IKE SA. */
export interface Phase2NegotiationView {
  /** `Quick mode` (IKEv1) or `Create child SA` / `IKE auth` (IKEv2). */
  readonly type: string;
  readonly role: IkeRole;
  readonly messageId: number;
  readonly local: IkeEndpoint;
  readonly remote: IkeEndpoint;
  readonly localIdentity: string;
  readonly remoteIdentity: string;
  /** e.g. `IKE SA is created`. */
  readonly flags: string;
}

/** One IKE SA: a row of the brief output and a block of `detail`. */
export interface IkeSaView {
  /** Internal SA index (the `Index` column, `index N` option). */
  readonly index: number;
  readonly state: IkeSaState;
  /** 16 hex digits; a half-open SA has an all-zero responder SPI. */
  readonly initiatorSpi: string;
  readonly responderSpi: string;
  readonly mode: IkeExchangeMode;
  /** `Remote Address` column (the peer's IKE address). */
  readonly remoteAddress: string;
  readonly gatewayName: string;
  readonly role: IkeRole;
  readonly local: IkeEndpoint;
  readonly remote: IkeEndpoint;
  /** Seconds until the IKE SA expires. */
  readonly lifetimeRemaining: number;
  /** Seconds until re-authentication; null when reauth is not configured (`Disabled`). */
  readonly reauthRemaining: number | null;
  /** `Pre-shared-keys`, `RSA-signatures`, `ECDSA-signatures-256`, … */
  readonly authMethod: string;
  readonly peerIkeId: string;
  readonly fragmentation: { readonly enabled: boolean; readonly size: number };
  /** `Unknown Client` for site-to-site peers. */
  readonly remoteAccessClient: string;
  /** Address handed to a remote-access client; `0.0.0.0` otherwise. */
  readonly aaaAssignedIp: string;
  readonly algorithms: IkeSaAlgorithms;
  readonly traffic: IkeTrafficCounters;
  readonly ipsecSas: { readonly created: number; readonly deleted: number };
  /** Phase 2 exchanges in progress (the count line and, each, a `Negotiation type` block). */
  readonly negotiations: readonly Phase2NegotiationView[];
  /** The SPU anchoring the SA (for `fpc F pic P`). */
  readonly anchor: { readonly fpc: number; readonly pic: number };
}

/** One entry of `Tunnel events:`, newest first, with its repeat count. */
export interface TunnelEventView {
  /** Device time of the latest occurrence (ms). */
  readonly at: number;
  /** e.g. `IPSec SA negotiation successfully completed`. */
  readonly text: string;
  readonly count: number;
}

/** One direction of an IPsec SA pair. */
export interface IpsecSaView {
  readonly direction: 'inbound' | 'outbound';
  readonly spi: number;
  readonly auxSpi: number;
  /** `-` unless VPN monitoring is on (then `U` / `D`). */
  readonly vpnMonitoring: string;
  /** Seconds remaining; null for a manual SA (`Never`). */
  readonly hardLifetime: number | null;
  readonly softLifetime: number | null;
  /** Kilobytes remaining; null when unlimited. */
  readonly lifesizeRemaining: number | null;
  readonly mode: 'Tunnel' | 'Transport';
  readonly type: 'dynamic' | 'manual';
  /** e.g. `installed`. */
  readonly state: string;
  readonly protocol: 'ESP' | 'AH';
  /** e.g. `hmac-sha-256-128`, or `None` for an AEAD cipher. */
  readonly authentication: string;
  /** e.g. `aes-cbc (256 bits)`, `aes-gcm (128 bits)`, `None`. */
  readonly encryption: string;
  /** Replay window in packets; 0 when anti-replay is off. */
  readonly antiReplay: { readonly enabled: boolean; readonly windowSize: number };
}

/** An IPsec tunnel (a VPN's SA pair) as `show security ipsec security-associations detail` shows it. */
export interface IpsecTunnelView {
  readonly id: number;
  readonly virtualSystem: string;
  readonly vpnName: string;
  readonly localGateway: string;
  readonly remoteGateway: string;
  /** Traffic-selector text, e.g. `ipv4_subnet(any:0,[0..7]=0.0.0.0/0)`. */
  readonly localIdentity: string;
  readonly remoteIdentity: string;
  readonly version: 'IKEv1' | 'IKEv2' | 'Manual';
  readonly dfBit: 'clear' | 'set' | 'copy';
  readonly copyOuterDscp: boolean;
  /** e.g. `st0.1`; null for a policy-based VPN. */
  readonly bindInterface: string | null;
  readonly port: 500 | 4500;
  /** `Nego#`, `Fail#`, `Def-Del#`. */
  readonly negotiations: number;
  readonly failures: number;
  readonly deferredDeletes: number;
  readonly flags: number;
  readonly events: readonly TunnelEventView[];
  readonly sas: readonly IpsecSaView[];
  /** Anchor SPU and flow RT thread (RPC fields `sa-pair-fpc`, `sa-pair-pic`, `sa-pair-anchor-thread`). */
  readonly anchor: { readonly fpc: number; readonly pic: number; readonly thread: number };
}

/** A configured tunnel with no SA pair up (`show security ipsec inactive-tunnels`). */
export interface InactiveTunnelView {
  readonly id: number;
  readonly port: number;
  readonly gateway: string;
  readonly pendingSas: number;
  /** Last reason the tunnel went or stayed down, null when none was recorded yet. */
  readonly downReason: string | null;
  /** How many times that reason occurred. */
  readonly downReasonCount: number;
}

export interface InactiveTunnelsView {
  readonly tunnels: readonly InactiveTunnelView[];
  /** How many of them are configured `establish-tunnels immediately`. */
  readonly establishImmediately: number;
}

/** `show security ike tunnel-map`: where each gateway is anchored. */
export interface TunnelMapRow {
  readonly gatewayId: number;
  readonly gatewayName: string;
  readonly fpc: number;
  readonly pic: number;
  /** kmd / iked instance; 0 on a standalone node. */
  readonly instance: number;
}

/** `show security ike tunnel-map summary`: the load of each SPU. */
export interface TunnelMapSummaryRow {
  readonly fpc: number;
  readonly pic: number;
  readonly load: number;
}

/** `show security ipsec tunnel-distribution`: where each tunnel is anchored. */
export interface TunnelDistributionRow {
  readonly tunnelId: number;
  readonly fpc: number;
  readonly pic: number;
  readonly thread: number;
  /** The distribution profile that placed the tunnel, null when the default rules did. */
  readonly profile: string | null;
}

/** `show security ipsec tunnel-distribution summary`: tunnels per flow RT thread. */
export interface TunnelDistributionSummaryRow {
  readonly tunnels: number;
  readonly fpc: number;
  readonly pic: number;
  readonly thread: number;
}
