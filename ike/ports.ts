/**
 * What an IKE daemon (kmd or iked) may ask of the rest of the device, and what the device asks
 * of it: the only contract between the protocol core (ike/v2/, kmd/, iked/) and the chassis
 * (chassis/net/). The daemon never imports the data plane, the chassis or the CLI; the chassis
 * wires real implementations in, tests wire recording fakes.
 *
 * Addresses are text (`192.0.2.1`, `2001:db8::1`), as the configuration writes them.
 */
import type { AuthenticationAlgorithm, EncryptionAlgorithm } from '../crypto/suites.js';
import type { Clock } from '../sim/clock.js';
import type { Random } from '../sim/random.js';
import type { IkeConfigModel } from './config-model.js';
import type { IkeSaView, InactiveTunnelsView, IpsecTunnelView } from './status.js';

/** One end of an IKE datagram. */
export interface IkeEndpoint {
  readonly address: string;
  readonly port: number;
}

/** An IKE message as it crossed the wire (UDP payload; on port 4500 without the non-ESP marker). */
export interface IkeDatagram {
  readonly local: IkeEndpoint;
  readonly remote: IkeEndpoint;
  readonly payload: Uint8Array;
}

/** UDP 500 and 4500 of the device's interfaces (in-process network or `--attach` sockets). */
export interface IkeTransport {
  /**
   * Send one IKE message from `local` to `remote`. On port 4500 the transport adds the 4-byte
   * non-ESP marker (RFC 3948 §2.2); `payload` is always the bare IKE message. False when the
   * device has no route or the local address is not its own (counted by the daemon).
   */
  send(datagram: IkeDatagram): boolean;
  /** A NAT-T keepalive (RFC 3948 §2.3: one 0xFF byte) from `local` (port 4500) to `remote`. */
  sendKeepalive(local: IkeEndpoint, remote: IkeEndpoint): void;
  /** The first address of a logical interface in that family (`external-interface`). */
  addressOf(ifl: string, family: 4 | 6): string | undefined;
}

/** How the seed anchors a gateway: site-to-site (least loaded) or dynamic (round-robin). */
export type GatewayKind = 'site-to-site' | 'dynamic';

/** One direction of a negotiated CHILD SA, ready for an SPU. */
export interface ChildSaKeys {
  readonly spi: number;
  readonly encryptionKey: Uint8Array;
  readonly authenticationKey: Uint8Array;
}

/** A CHILD SA pair the daemon negotiated, to be installed on the tunnel's anchor SPU. */
export interface ChildSaInstall {
  /** The tunnel (`show security ipsec security-associations` ID), stable across rekeys. */
  readonly tunnelId: number;
  readonly vpn: string;
  /**
   * The IKE gateway whose IKE SA negotiated it: all of a gateway's tunnels share its SPU. Each
   * peer of a dynamic gateway is a gateway of its own here (`NAME#n`).
   */
  readonly gateway: string;
  /** Site-to-site gateways anchor on the least-loaded SPU, dynamic peers round-robin (seed). */
  readonly gatewayKind: GatewayKind;
  /** st0 unit the VPN is bound to, if route-based. */
  readonly bindInterface?: string;
  /** Index of the traffic selector within the VPN (several selectors = several SAs). */
  readonly selector: number;
  readonly protocol: 'esp' | 'ah';
  readonly encryption: EncryptionAlgorithm | null;
  readonly authentication: AuthenticationAlgorithm | null;
  readonly esn: boolean;
  readonly inbound: ChildSaKeys;
  readonly outbound: ChildSaKeys;
  /** Outer addresses: ours and the peer's. */
  readonly local: string;
  readonly remote: string;
  /** ESP inside UDP (NAT-T, RFC 3948): the ports in use, or null for plain ESP. */
  readonly udpEncapsulation: { readonly localPort: number; readonly remotePort: number } | null;
  /** Inbound anti-replay window (0 = `no-anti-replay`). */
  readonly replayWindowSize: number;
  /** The negotiated selectors, for the tunnel's traffic check and for `show`. */
  readonly localSelector: string;
  readonly remoteSelector: string;
  /** `distribution-profile` of the VPN, if any. */
  readonly distributionProfile?: string;
}

/** Where an installed pair lives (for `show ... detail` and tunnel-distribution). */
export interface ChildSaPlacement {
  readonly fpc: number;
  readonly pic: number;
  readonly thread: number;
  readonly engine: 'native' | 'software';
}

/** Per-SA traffic counters as the data plane keeps them. */
export interface ChildSaCounters {
  readonly inboundBytes: number;
  readonly inboundPackets: number;
  readonly outboundBytes: number;
  readonly outboundPackets: number;
}

/** The data plane as the daemon sees it: SPI allocation, SA install and removal, counters. */
export interface IpsecKernel {
  /** A fresh inbound SPI, unique on this device (never 0..255). */
  allocateSpi(protocol: 'esp' | 'ah'): number;
  /**
   * A fresh tunnel id (`show security ipsec security-associations` ID) from the device's one
   * counter, which manual tunnels share: 131073, 131074 … on a kmd device, 500001 … on an iked
   * one (facts §6). The daemon asks once per (VPN, traffic selector) and keeps the id.
   */
  allocateTunnelId(): number;
  /**
   * Anchor the pair (the gateway's SPU, by the seed's rules) and install it. Rejects with an
   * Error whose message says why (no SPU online, the SA layer refused a field).
   */
  install(sa: ChildSaInstall): Promise<ChildSaPlacement>;
  /** Remove a pair by its inbound SPI (after a delete, rekey or expiry); resolves when gone. */
  remove(inboundSpi: number): Promise<void>;
  /** Counters of a pair, by inbound SPI (undefined once removed). */
  counters(inboundSpi: number): ChildSaCounters | undefined;
  /** Anchor a gateway's IKE SA (the seed: IPsec SAs follow their IKE SA's SPU). */
  anchorGateway(gateway: string, local: string, remote: string, kind: GatewayKind): ChildSaPlacement | undefined;
  /** The gateway's IKE SA is gone and it has no tunnels left: release its anchor. */
  releaseGateway(gateway: string): void;
}

/** One line of IKE trace output (`traceoptions`), timestamped by the daemon's clock. */
export type IkeTraceSink = (line: string) => void;

/** Everything a daemon is built with. */
export interface IkeDaemonDeps {
  readonly clock: Clock;
  /** Non-secret choices (tie-breaks, jitter). */
  readonly random: Random;
  /**
   * Nonces, IKE SPIs and DH private keys: node:crypto's randomBytes on a real clock, a seeded
   * source on the virtual clock so tests and scenarios replay byte for byte.
   */
  readonly randomBytes: (n: number) => Uint8Array;
  readonly transport: IkeTransport;
  readonly kernel: IpsecKernel;
  /** The crypto engine for DH/PRF/SK: 'native' on an SPC3 with iked (seed Table 5). */
  readonly engine: 'native' | 'software';
  /** Host name, for log lines. */
  readonly hostname: () => string;
  readonly trace?: IkeTraceSink;
  /** False while nobody reads the trace (no traceoptions file): the daemon then builds no lines. */
  readonly tracing?: () => boolean;
}

/** Which daemon runs (seed Table 4): they share the protocol and differ where the seed says. */
export type IkeFlavour = 'kmd' | 'iked';

/**
 * Where a device's tunnel ids start (`show security ipsec security-associations` ID, facts §6):
 * kmd boxes from 131073, iked boxes from 500001. The kernel's `allocateTunnelId` counts from here.
 */
export const FIRST_TUNNEL_ID: Readonly<Record<IkeFlavour, number>> = Object.freeze({ kmd: 131073, iked: 500001 });

/** Daemon-wide counters (malformed messages dropped or answered, by reason code). */
export interface IkeDaemonCounters {
  readonly received: number;
  readonly sent: number;
  readonly retransmitted: number;
  /** Messages dropped or answered with an error notify, by the codec's reason code. */
  readonly rejected: Readonly<Record<string, number>>;
}

/**
 * One established IKE SA's keys, for Wireshark's ikev2_decryption_table (the shape of
 * dataplane/capture/wireshark-keys.ts `Ikev2SaKeys`).
 */
export interface IkeSaKeyEntry {
  /** 8 bytes each. */
  readonly initiatorSpi: Uint8Array;
  readonly responderSpi: Uint8Array;
  /** The Junos `security ike proposal … encryption-algorithm` keyword, e.g. `aes-128-gcm`. */
  readonly encryption: string;
  /** The Junos `authentication-algorithm` keyword (`sha-256` …), or `none` with an AEAD. */
  readonly integrity: string;
  /** SK_ei / SK_er (AEAD: with the 4-byte salt), SK_ai / SK_ar (empty with an AEAD). */
  readonly skEi: Uint8Array;
  readonly skEr: Uint8Array;
  readonly skAi: Uint8Array;
  readonly skAr: Uint8Array;
}

/** What the chassis drives an IKE daemon with. Nothing here throws on peer input. */
export interface IkeDaemon {
  readonly flavour: IkeFlavour;
  /** The active configuration after a commit (or at boot): gateways and VPNs come and go. */
  configure(config: IkeConfigModel): void;
  /** An IKE message that arrived on UDP 500 or 4500 (marker stripped) of one of our addresses. */
  receive(datagram: IkeDatagram): void;
  /**
   * A packet was routed into the st0 unit of `vpn` while no SA is up (establish-tunnels
   * on-traffic): start negotiating if nothing is under way.
   */
  trigger(vpn: string): void;
  /** `clear security ike security-associations [peer A] [index N]`: how many were cleared. */
  clearIke(filter?: { readonly peer?: string; readonly index?: number }): number;
  /** `clear security ipsec security-associations [index N]` (tunnel id): how many were cleared. */
  clearIpsec(filter?: { readonly index?: number }): number;
  /** Views for `show`. */
  ikeSas(): IkeSaView[];
  tunnels(): IpsecTunnelView[];
  inactiveTunnels(): InactiveTunnelsView;
  counters(): IkeDaemonCounters;
  /** The keys of the established IKE SAs, for `lab keys` (Wireshark's ikev2_decryption_table). */
  ikeKeys(): IkeSaKeyEntry[];
  /** Stop all timers; SAs are deleted from the data plane (daemon restart, reboot). */
  stop(): Promise<void>;
}
