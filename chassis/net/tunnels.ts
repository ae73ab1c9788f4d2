/**
 * Route-based IPsec tunnels of one device (manual-key VPNs for now; IKE installs its SAs the
 * same way later). At every commit the configured VPNs are reconciled with the installed ones:
 * a new VPN is anchored on the least-loaded SPU (chassis/anchor.ts) and its two SAs installed on
 * that SPU's worker; an unchanged VPN keeps its anchor ("existing tunnels never move"); a VPN
 * whose SPU fails comes back on a surviving SPU.
 *
 * Packets routed into the st0 unit a VPN is bound to are protected on its SPU and sent to the
 * peer; ESP (or AH) for one of our SPIs is checked on the SPU that owns the SA and the inner
 * packet enters the device again through that st0 unit.
 *
 * Both families, inside and outside: the inner packet may be IPv4 (ESP next header 4) or IPv6
 * (next header 41), and the outer header is IPv6 (next header 50) when the VPN's `gateway` is
 * an IPv6 address, sent from the external interface's first IPv6 address; the same holds for AH
 * (next header 51). Over a port attached to the host network ESP travels in UDP 4500 (RFC 3948),
 * over IPv4 or IPv6. Whether an SA installs is the SA layer's decision (dataplane/esp/sa.ts);
 * when it refuses, the VPN stays down and `refusals()` says why.
 *
 * IKE-negotiated pairs (the `IpsecKernel` of ike/ports.ts, built by `kernel()`) live next to the
 * manual tunnels. Both are anchored by one table (chassis/tunnel-anchors.ts): a gateway's pairs
 * on its IKE SA's SPU, flow RT threads with an SPC3, distribution profiles from the
 * configuration, hot SPUs taking only new work. SPIs are allocated unique on the device and
 * never equal to a configured manual SPI. A packet routed into st0.N goes through the newest
 * pair bound there whose negotiated selectors hold it; with none, an `establish-tunnels
 * on-traffic` VPN bound there is triggered (`ikeHooks.trigger`) and the packet is dropped and
 * counted, as the box does while it negotiates. Inbound inner packets outside the selectors are
 * dropped and counted as "TS check fail". When an SPU fails (or its card goes away) its pairs
 * are dropped and `ikeHooks.lost` is told which gateways lost their IKE SA, so the daemon can
 * negotiate again (chassis/net/ike-host.ts clears those IKE SAs).
 */
import type { Spu } from '../../cards/card.js';
import { FIRST_TUNNEL_ID, type ChildSaCounters, type ChildSaInstall, type ChildSaPlacement, type GatewayKind, type IpsecKernel } from '../../ike/ports.js';
import type { IkeConfigModel } from '../../ike/config-model.js';
import { AUTHENTICATION_SUITES, ENCRYPTION_SUITES, isAuthenticationAlgorithm, isEncryptionAlgorithm, type EncryptionAlgorithm } from '../../crypto/suites.js';
import type { EngineName } from '../../crypto/engine.js';
import type { SaRecord } from '../../dataplane/esp/sa.js';
import { peekAhSpi } from '../../dataplane/esp/ah.js';
import { peekSpi } from '../../dataplane/esp/esp.js';
import { addressFromText } from '../../dataplane/packet/address.js';
import { buildEspInUdpIpv4Packet, buildEspInUdpIpv6Packet } from '../../dataplane/packet/esp-in-udp.js';
import { buildIpv4Packet, IpProtocol } from '../../dataplane/packet/ipv4.js';
import { buildIpv6Packet } from '../../dataplane/packet/ipv6.js';
import { EspPath, zeroCounters, type IpsecCounters, type SaStatus } from '../../dataplane/spu/esp-path.js';
import type { SpuHandle } from '../../dataplane/spu/spu-thread.js';
import type { Random } from '../../sim/random.js';
import { Random as SeededRandom } from '../../sim/random.js';
import { describeSpu, TunnelAnchors, type DistributionProfile, type GatewayAnchor, type Released } from '../tunnel-anchors.js';
import type { TunnelDistributionRow, TunnelDistributionSummaryRow, TunnelMapRow, TunnelMapSummaryRow } from '../../ike/status.js';
import type { Device } from '../device.js';
import { manualVpns, type ManualVpn } from './manual-vpns.js';
import type { Network } from './network.js';
import { packetKey, parseSelectors, selectorsMatch, type SelectorRange } from './selectors.js';

/** What the tunnel layer needs of the device's packet path. */
export interface PacketPath {
  /** Send a packet the device itself built (routed, not policy-checked). */
  originate(packet: Uint8Array): 'sent' | 'no-route' | 'down';
  /** Feed a decrypted packet in through a logical interface (an st0 unit). */
  inputOn(ifl: string, packet: Uint8Array): void;
  /** The first IPv4 (default) or IPv6 address of a logical interface. */
  addressOf(ifl: string, family?: 4 | 6): string | undefined;
  /** The interface's port is bridged to the host network (only UDP crosses it). */
  onHostNetwork(ifl: string): boolean;
}

export interface Tunnel {
  readonly id: number;
  readonly vpn: ManualVpn;
  readonly local: string;
  /** Family of the outer header (of `local` and the VPN's gateway). */
  readonly outer: 4 | 6;
  readonly spu: Spu;
  readonly engine: EngineName;
  readonly path: EspPath;
  readonly inbound: number;
  readonly outbound: number;
  readonly installedAt: number;
}

/** An IKE-negotiated SA pair installed on an SPU. */
export interface IkePair {
  readonly sa: ChildSaInstall;
  readonly outer: 4 | 6;
  readonly spu: Spu;
  readonly thread: number;
  readonly engine: EngineName;
  readonly path: EspPath;
  readonly inboundHandle: number;
  readonly outboundHandle: number;
  /** Parsed selectors; undefined when the text could not be read (nothing is checked then). */
  readonly localSelectors: readonly SelectorRange[] | undefined;
  readonly remoteSelectors: readonly SelectorRange[] | undefined;
  readonly installedAt: number;
  /** Inbound inner packets outside the selectors. */
  tsCheckFail: number;
}

/** What the IKE side (chassis/net/ike-host.ts) plugs into the tunnel layer. */
export interface IkeHooks {
  /** The IKE configuration now active (VPNs bound to st0 units, gateways, distribution profiles). */
  config(): IkeConfigModel | undefined;
  /** A packet met st0.N with no pair up for this on-traffic VPN. */
  trigger(vpn: string): void;
  /** These gateways lost their IKE SA's SPU (failure, card offline): their pairs are gone. */
  lost(gateways: readonly string[]): void;
}


export class Tunnels {
  private readonly paths = new Map<SpuHandle, EspPath>();
  private readonly tunnels = new Map<string, Tunnel>();
  /** Per-packet lookups, kept as tunnels come and go: inbound by protocol and SPI, outbound by st0 unit. */
  private readonly bySpi: Record<'esp' | 'ah', Map<number, Tunnel>> = { esp: new Map(), ah: new Map() };
  private readonly byInterface = new Map<string, Tunnel>();
  private readonly ids = new Map<string, number>();
  private nextId: number;
  /** Packets for an SPI no tunnel owns, and removed tunnels' counters, for the totals. */
  private readonly orphan = zeroCounters();
  private reconciling: Promise<void> = Promise.resolve();
  /** Counters at the last `clear security ipsec statistics`, subtracted from what the SPUs report. */
  private readonly baseline = new Map<Tunnel, IpsecCounters>();
  private readonly ikeBaseline = new Map<IkePair, IpsecCounters>();
  private readonly ikeTsBaseline = new Map<IkePair, number>();
  private orphanTsCheckFail = 0;
  /** Why a configured VPN is not installed (the last attempt), by VPN name. */
  private readonly refused = new Map<string, string>();
  /** Packets the tunnel layer dropped (see the file comment). */
  readonly counters = { unsupported: 0, triggered: 0, noMatchingSa: 0, tsCheckFail: 0 };
  /** Gateways and tunnels by SPU (manual tunnels are keyed there by their negated id). */
  readonly anchors: TunnelAnchors<Spu>;
  private readonly ikePairs = new Map<number, IkePair>();
  /** IKE pairs per SPU and per gateway, kept as pairs come and go (sweep and release look here). */
  private readonly pairsOnSpu = new Map<Spu, number>();
  private readonly pairsOfGateway = new Map<string, number>();
  private readonly pairsOfTunnel = new Map<number, number>();
  /** SPIs of the configured manual VPNs (refreshed at each reconcile), never handed to IKE. */
  private manualSpis = new Set<number>();
  private readonly ikeByInterface = new Map<string, IkePair[]>();
  /** SPIs handed out by `allocateSpi` and not yet released. */
  private readonly allocated = new Set<number>();
  /** Gateways whose release waits for their last pair to go. */
  private readonly releaseWhenEmpty = new Set<string>();
  private readonly spiRandom: Random;
  /** Set by the IKE host when the device runs an IKE daemon. */
  ikeHooks: IkeHooks | null = null;

  constructor(
    private readonly device: Device,
    private readonly network: Network,
    private readonly packets: PacketPath,
    random: Random,
    spiRandom?: Random,
  ) {
    this.anchors = new TunnelAnchors<Spu>(random);
    this.spiRandom = spiRandom ?? new SeededRandom(0x5e1d);
    this.nextId = FIRST_TUNNEL_ID[device.ikeDaemon.daemon === 'iked' ? 'iked' : 'kmd'];
    device.bus.on('spu.state', () => {
      this.sweep();
      void this.reconcile();
    });
  }

  /**
   * Tell the anchoring what SPUs are online and which distribution profiles exist. Called before
   * every anchoring decision; it does the work only when a card, an SPU or the configuration
   * changed since the last call (per install it was rebuilding both lists for nothing).
   */
  private refreshSpus(): void {
    const cards = this.device.cards();
    const seen = this.spuSeen;
    let i = 0;
    let changed = false;
    const note = (v: unknown): void => {
      if (seen[i] !== v) {
        seen[i] = v;
        changed = true;
      }
      i++;
    };
    for (const c of cards) {
      if (!c.isSpc || c.state !== 'online') continue;
      for (const s of c.spus) {
        note(s);
        note(s.state);
        note(s.thread);
        note(s.thread?.alive === true);
        note(s.origin);
      }
    }
    if (seen.length !== i) {
      seen.length = i;
      changed = true;
    }
    if (changed) {
      this.anchors.setSpus(
        cards
          .filter((c) => c.isSpc && c.state === 'online')
          .flatMap((c) => c.spus.map((s) => describeSpu(c, s)))
          .map((d) => ({ ...d, eligible: d.eligible && d.id.thread?.alive === true })),
      );
    }
    const model = this.ikeHooks?.config();
    if (model && model !== this.profilesOf) {
      this.profilesOf = model;
      this.anchors.setProfiles(profilesOf(model));
    }
  }

  /** What refreshSpus last saw, flattened (SPU, state, thread, alive, origin per online SPU). */
  private readonly spuSeen: unknown[] = [];
  private profilesOf: object | undefined;

  /** Parsed selector texts: every pair of a VPN (and each rekey) carries the same ones. */
  private selectors(text: string): readonly SelectorRange[] | undefined {
    if (this.parsedSelectors.has(text)) return this.parsedSelectors.get(text);
    if (this.parsedSelectors.size >= 4096) this.parsedSelectors.clear();
    const parsed = parseSelectors(text);
    this.parsedSelectors.set(text, parsed);
    return parsed;
  }

  private readonly parsedSelectors = new Map<string, readonly SelectorRange[] | undefined>();

  private alive(spu: Spu): boolean {
    const card = this.device.card(spu.slot);
    return card?.state === 'online' && card.spus.includes(spu) && spu.state === 'online' && spu.thread?.alive === true;
  }

  /**
   * Release what dead SPUs anchored: their IKE pairs are dropped here (the SA layer went with
   * the thread) and the IKE side is told which gateways lost their IKE SA; manual tunnels come
   * back at the next reconcile.
   */
  sweep(): void {
    // Only SPUs that hold something can lose it (a handful, whatever the number of tunnels).
    let found: Set<Spu> | undefined;
    for (const spu of this.anchors.spusInUse()) if (!this.alive(spu)) (found ??= new Set()).add(spu);
    for (const spu of this.pairsOnSpu.keys()) if (!this.alive(spu)) (found ??= new Set()).add(spu);
    if (found === undefined) return;
    const dead = found;
    const lostGateways = new Set<string>();
    for (const spu of dead) {
      const released: Released<Spu> = this.anchors.release(spu);
      for (const g of released.gateways) lostGateways.add(g.name);
    }
    for (const p of [...this.ikePairs.values()]) {
      if (dead.has(p.spu) || lostGateways.has(p.sa.gateway)) {
        lostGateways.add(p.sa.gateway);
        this.dropPair(p);
      }
    }
    for (const g of lostGateways) this.releaseWhenEmpty.delete(g);
    if (lostGateways.size > 0) this.ikeHooks?.lost([...lostGateways].sort());
  }

  /** Bring the installed tunnels in line with the active configuration (serialised). */
  reconcile(): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.network.track(this.doReconcile()));
    return this.reconciling;
  }

  private async doReconcile(): Promise<void> {
    this.sweep();
    const wanted = new Map(manualVpns(this.device.config.active).map((v) => [v.name, v]));
    this.manualSpis = new Set([...wanted.values()].map((v) => v.spi));
    for (const name of [...this.refused.keys()]) if (!wanted.has(name)) this.refused.delete(name);
    for (const [name, t] of [...this.tunnels]) {
      const keep = wanted.get(name);
      if (!keep || JSON.stringify(keep) !== JSON.stringify(t.vpn) || t.spu.state !== 'online' || t.spu.thread === null) await this.remove(t);
    }
    for (const vpn of wanted.values()) {
      if (!this.tunnels.has(vpn.name)) await this.install(vpn);
    }
  }

  private pathFor(spu: Spu): EspPath | undefined {
    const thread = spu.thread;
    if (!thread || !thread.alive) return undefined;
    let p = this.paths.get(thread);
    if (!p) {
      p = new EspPath(thread, { engine: this.engineFor(spu) });
      this.paths.set(thread, p);
    }
    return p;
  }

  /**
   * The crypto engine an SPU uses, after the seed's Table 5: an SPC3 running with iked offloads
   * to its hardware crypto engine (the native, OpenSSL engine here); otherwise the software one.
   */
  engineFor(spu: Spu): EngineName {
    const card = this.device.card(spu.slot);
    return card?.type === 'spc3' && this.device.ikeDaemon.daemon === 'iked' ? 'native' : 'software';
  }

  private async install(vpn: ManualVpn): Promise<void> {
    const gateway = addressFromText(vpn.gateway);
    if (!gateway.ok) return this.refuse(vpn, `gateway ${vpn.gateway} is not an address`);
    const outer = gateway.value.length === 16 ? 6 : 4;
    const local = this.packets.addressOf(vpn.externalInterface, outer);
    if (!local) return this.refuse(vpn, `${vpn.externalInterface} has no ${outer === 6 ? 'inet6' : 'inet'} address`);
    // The id is the VPN's from its first attempt on (stable across reinstalls and refusals).
    let id = this.ids.get(vpn.name);
    if (id === undefined) {
      id = this.allocateTunnelId();
      this.ids.set(vpn.name, id);
    }
    this.refreshSpus();
    // Manual tunnels sit in the anchoring table under their negated id (IKE tunnel ids are the daemon's).
    const anchor = this.anchors.anchorTunnel({ id: -id, vpn: vpn.name, local, remote: vpn.gateway });
    const spu = anchor?.spu;
    const path = spu ? this.pathFor(spu) : undefined;
    if (!spu || !path) {
      this.anchors.removeTunnel(-id);
      return this.refuse(vpn, 'no SPU online');
    }
    const encryption = vpn.encryption && isEncryptionAlgorithm(vpn.encryption.algorithm) ? (vpn.encryption.algorithm as EncryptionAlgorithm) : null;
    const authentication = vpn.authentication && isAuthenticationAlgorithm(vpn.authentication.algorithm) ? vpn.authentication.algorithm : null;
    const base = {
      spi: vpn.spi,
      protocol: vpn.protocol,
      encryption: vpn.protocol === 'esp' ? encryption : null,
      encryptionKey: vpn.protocol === 'esp' && vpn.encryption ? vpn.encryption.key : new Uint8Array(0),
      authentication,
      authenticationKey: vpn.authentication?.key ?? new Uint8Array(0),
      esn: false,
      // RFC 4303 §3.4.3: a manually keyed SA cannot rely on the sender's counter never being
      // reset, so anti-replay is off for manual tunnels.
      replayWindowSize: 0,
    } as const;
    let inbound: number;
    let outbound: number;
    try {
      outbound = await path.installSa({ ...base, direction: 'outbound', tunnel: { local, remote: vpn.gateway } } satisfies SaRecord);
    } catch (err) {
      // The SA layer refused the record (a RangeError naming the field), or the SPU died while
      // installing: the tunnel stays down until the next reconcile.
      this.anchors.removeTunnel(-id);
      return this.refuse(vpn, (err as Error).message);
    }
    try {
      inbound = await path.installSa({ ...base, direction: 'inbound', tunnel: { local: vpn.gateway, remote: local } } satisfies SaRecord);
    } catch (err) {
      await path.removeSa(outbound).catch(() => undefined);
      this.anchors.removeTunnel(-id);
      return this.refuse(vpn, (err as Error).message);
    }
    this.refused.delete(vpn.name);
    const t: Tunnel = { id, vpn, local, outer, spu, engine: path.engine, path, inbound, outbound, installedAt: this.device.now() };
    this.tunnels.set(vpn.name, t);
    this.bySpi[vpn.protocol].set(vpn.spi, t);
    if (vpn.bindInterface !== undefined && !this.byInterface.has(vpn.bindInterface)) this.byInterface.set(vpn.bindInterface, t);
  }

  private refuse(vpn: ManualVpn, why: string): void {
    this.refused.set(vpn.name, why);
  }

  /** Configured VPNs that are not up, with the reason of the last attempt to install them. */
  refusals(): ReadonlyMap<string, string> {
    return this.refused;
  }

  private async remove(t: Tunnel): Promise<void> {
    this.tunnels.delete(t.vpn.name);
    this.anchors.removeTunnel(-t.id);
    this.bySpi[t.vpn.protocol].delete(t.vpn.spi);
    const bind = t.vpn.bindInterface;
    if (bind !== undefined && this.byInterface.get(bind) === t) {
      this.byInterface.delete(bind);
      // Another tunnel bound to the same unit (multipoint) takes over.
      const next = [...this.tunnels.values()].find((x) => x.vpn.bindInterface === bind);
      if (next) this.byInterface.set(bind, next);
    }
    addInto(this.orphan, this.countersOf(t));
    this.baseline.delete(t);
    await Promise.allSettled([t.path.removeSa(t.inbound), t.path.removeSa(t.outbound)]);
  }

  // ---------------------------------------------------------------- packets

  /** A packet (IPv4 or IPv6) routed into an st0 unit. */
  send(ifl: string, packet: Uint8Array): boolean {
    const t = this.byInterface.get(ifl);
    if (!t) return this.sendIke(ifl, packet);
    const version = packet.length > 0 ? packet[0]! >> 4 : 0;
    if (version !== 4 && version !== 6) {
      this.counters.unsupported++;
      return true;
    }
    const onHost = this.packets.onHostNetwork(t.vpn.externalInterface);
    // Tunnel mode: the ESP trailer's next header names the inner packet (RFC 4303 §2.6).
    const nextHeader = version === 6 ? IpProtocol.IPV6 : IpProtocol.IPIP;
    void this.network.track(
      t.path.protectEach(t.outbound, [packet], nextHeader, (_, o) => {
        if (!o.ok) return;
        const ends = { source: address(t.local), destination: address(t.vpn.gateway) };
        // AH's output is already the whole outer packet (its ICV covers the outer header); it is
        // in the SPU's batch buffer only during this call, so it is copied. Over the host
        // network only UDP crosses: ESP goes inside UDP 4500 (RFC 3948) there.
        let outer: Uint8Array;
        if (t.vpn.protocol === 'ah') outer = o.bytes.slice();
        else if (t.outer === 6) outer = onHost ? buildEspInUdpIpv6Packet({ ...ends, esp: o.bytes }) : buildIpv6Packet({ ...ends, nextHeader: IpProtocol.ESP, payload: o.bytes });
        else outer = onHost ? buildEspInUdpIpv4Packet({ ...ends, esp: o.bytes }) : buildIpv4Packet({ ...ends, protocol: IpProtocol.ESP, payload: o.bytes });
        this.packets.originate(outer);
      }),
    );
    return true;
  }

  /**
   * ESP or AH addressed to this device: `body` is the ESP packet (SPI … ICV, from IPv4 protocol
   * 50, IPv6 next header 50, or UDP 4500), or for AH the whole outer IPv4 packet. The inner
   * packet, IPv4 or IPv6, enters through the VPN's st0 unit.
   */
  receive(kind: 'esp' | 'ah', body: Uint8Array): void {
    const esp = kind === 'esp';
    const spi = esp ? peekSpi(body) : peekAhSpi(body);
    if (spi < 0) {
      this.orphan.badHeaders++;
      this.orphan.discarded++;
      return;
    }
    const t = this.bySpi[kind].get(spi);
    if (!t) {
      const p = this.ikePairs.get(spi);
      if (p && p.sa.protocol === kind) return this.receiveIke(p, body);
      this.orphan.invalidSpi++;
      this.orphan.discarded++;
      return;
    }
    void this.network.track(
      t.path.unprotectEach([body], esp ? 'esp' : 'ah', (_, o) => {
        // The inner packet lives in the SPU's batch buffer only during this call: keep a copy.
        if (o.ok && t.vpn.bindInterface) this.packets.inputOn(t.vpn.bindInterface, o.bytes.slice());
      }),
    );
  }

  /** A packet for st0 `ifl` with no manual tunnel there: an IKE pair, or a trigger. */
  private sendIke(ifl: string, packet: Uint8Array): boolean {
    const pairs = this.ikeByInterface.get(ifl);
    const key = packetKey(packet);
    if (!key) {
      if (!pairs && !this.ikeVpnsOn(ifl).length) return false;
      this.counters.unsupported++;
      return true;
    }
    const pair = pairs?.find((p) => !p.localSelectors || !p.remoteSelectors || selectorsMatch(p.localSelectors, p.remoteSelectors, key, 'out'));
    if (pair) {
      this.protectIke(pair, packet, key.source.length === 16 ? IpProtocol.IPV6 : IpProtocol.IPIP);
      return true;
    }
    const vpns = this.ikeVpnsOn(ifl);
    if (vpns.length === 0) {
      if (!pairs) return false;
      this.counters.noMatchingSa++;
      return true;
    }
    // establish-tunnels on-traffic: the packet starts the negotiation and is dropped meanwhile.
    const up = new Set((pairs ?? []).map((p) => p.sa.vpn));
    let triggered = false;
    for (const v of vpns) {
      if (v.establishTunnels !== 'on-traffic' || up.has(v.name)) continue;
      this.ikeHooks?.trigger(v.name);
      triggered = true;
    }
    if (triggered) this.counters.triggered++;
    else this.counters.noMatchingSa++;
    return true;
  }

  private ikeVpnsOn(ifl: string): Array<{ name: string; establishTunnels: string }> {
    const model = this.ikeHooks?.config();
    if (!model) return [];
    return [...model.vpns.values()].filter((v) => v.bindInterface === ifl);
  }

  private protectIke(p: IkePair, packet: Uint8Array, nextHeader: number): void {
    const sa = p.sa;
    const ext = this.ikeHooks?.config()?.gateways.get(sa.gateway)?.externalInterface;
    const onHost = ext !== undefined && this.packets.onHostNetwork(ext);
    void this.network.track(
      p.path.protectEach(p.outboundHandle, [packet], nextHeader, (_, o) => {
        if (!o.ok) return;
        const ends = { source: address(sa.local), destination: address(sa.remote) };
        // Over a port bridged to the host network only UDP crosses: without negotiated NAT-T the
        // ESP still travels in UDP 4500 there, as manual tunnels do (the emulator's rule).
        const udp = sa.udpEncapsulation ?? (onHost ? { localPort: 4500, remotePort: 4500 } : null);
        let outer: Uint8Array;
        if (sa.protocol === 'ah') outer = o.bytes.slice();
        else if (udp) {
          const ports = { sourcePort: udp.localPort, destinationPort: udp.remotePort, esp: o.bytes };
          outer = p.outer === 6 ? buildEspInUdpIpv6Packet({ ...ends, ...ports }) : buildEspInUdpIpv4Packet({ ...ends, ...ports });
        } else if (p.outer === 6) outer = buildIpv6Packet({ ...ends, nextHeader: IpProtocol.ESP, payload: o.bytes });
        else outer = buildIpv4Packet({ ...ends, protocol: IpProtocol.ESP, payload: o.bytes });
        this.packets.originate(outer);
      }),
    );
  }

  private receiveIke(p: IkePair, body: Uint8Array): void {
    void this.network.track(
      p.path.unprotectEach([body], p.sa.protocol, (_, o) => {
        if (!o.ok) return;
        const key = packetKey(o.bytes);
        if (p.localSelectors && p.remoteSelectors && (!key || !selectorsMatch(p.localSelectors, p.remoteSelectors, key, 'in'))) {
          p.tsCheckFail++;
          this.counters.tsCheckFail++;
          return;
        }
        // Policy-based pairs (no st0 unit) have nowhere to enter yet: dropped.
        if (p.sa.bindInterface) this.packets.inputOn(p.sa.bindInterface, o.bytes.slice());
      }),
    );
  }

  // ---------------------------------------------------------------- the IPsec kernel of the IKE daemon

  /** The `IpsecKernel` the IKE daemon is built with. */
  kernel(): IpsecKernel {
    return {
      allocateSpi: (protocol) => this.allocateSpi(protocol),
      allocateTunnelId: () => this.allocateTunnelId(),
      install: (sa) => this.network.track(this.installPair(sa)),
      remove: (spi) => this.network.track(this.removePair(spi)),
      counters: (spi) => this.pairCounters(spi),
      anchorGateway: (gateway, local, remote, kind) => this.anchorGateway(gateway, local, remote, kind),
      releaseGateway: (gateway) => this.releaseGateway(gateway),
    };
  }

  /**
   * The device's one tunnel-id counter (kmd 131073+, iked 500001+): IKE tunnels take theirs
   * through the kernel port, manual tunnels at their first install, so no two share an id.
   */
  allocateTunnelId(): number {
    return this.nextId++;
  }

  private spiInUse(spi: number): boolean {
    return this.allocated.has(spi) || this.ikePairs.has(spi) || this.bySpi.esp.has(spi) || this.bySpi.ah.has(spi) || this.manualSpis.has(spi);
  }

  allocateSpi(_protocol: 'esp' | 'ah'): number {
    for (;;) {
      const spi = this.spiRandom.nextU32();
      if (spi < 256 || this.spiInUse(spi)) continue;
      this.allocated.add(spi);
      return spi;
    }
  }

  private placementOf(g: GatewayAnchor<Spu>, thread: number): ChildSaPlacement {
    return { fpc: g.fpc, pic: g.pic, thread, engine: this.engineFor(g.spu) };
  }

  anchorGateway(gateway: string, local: string, remote: string, kind: GatewayKind = 'site-to-site'): ChildSaPlacement | undefined {
    this.sweep();
    this.refreshSpus();
    this.releaseWhenEmpty.delete(gateway);
    const g = this.anchors.anchorGateway({ name: gateway, kind, local, remote });
    return g ? this.placementOf(g, 0) : undefined;
  }

  releaseGateway(gateway: string): void {
    if ((this.pairsOfGateway.get(gateway) ?? 0) > 0) {
      this.releaseWhenEmpty.add(gateway);
      return;
    }
    this.anchors.removeGateway(gateway);
  }

  private async installPair(sa: ChildSaInstall): Promise<ChildSaPlacement> {
    this.sweep();
    this.refreshSpus();
    const remote = addressFromText(sa.remote);
    if (!remote.ok) throw new Error(`peer ${sa.remote} is not an address`);
    if (this.ikePairs.has(sa.inbound.spi) || this.bySpi.esp.has(sa.inbound.spi) || this.bySpi.ah.has(sa.inbound.spi)) {
      throw new Error(`inbound SPI ${spiHex(sa.inbound.spi)} is already installed`);
    }
    if (!this.anchors.gateway(sa.gateway)) {
      const g = this.anchors.anchorGateway({ name: sa.gateway, kind: sa.gatewayKind, local: sa.local, remote: sa.remote });
      if (!g) throw new Error('no SPU online');
    }
    this.releaseWhenEmpty.delete(sa.gateway);
    const hadAnchor = this.anchors.tunnel(sa.tunnelId) !== undefined;
    const anchor = this.anchors.anchorTunnel({
      id: sa.tunnelId,
      vpn: sa.vpn,
      gateway: sa.gateway,
      local: sa.local,
      remote: sa.remote,
      ...(sa.distributionProfile !== undefined ? { distributionProfile: sa.distributionProfile } : {}),
    });
    const dropAnchor = (): void => {
      if (!hadAnchor && (this.pairsOfTunnel.get(sa.tunnelId) ?? 0) === 0) this.anchors.removeTunnel(sa.tunnelId);
    };
    const path = anchor ? this.pathFor(anchor.spu) : undefined;
    if (!anchor || !path) {
      dropAnchor();
      throw new Error('no SPU online');
    }
    const base = {
      protocol: sa.protocol,
      encryption: sa.protocol === 'esp' ? sa.encryption : null,
      authentication: sa.authentication,
      esn: sa.esn,
    } as const;
    const udp = sa.udpEncapsulation;
    // Both directions go to the SPU thread in the same batch (installs of one tick share a task).
    const [outbound, inbound] = await Promise.allSettled([
      path.installSa({
        ...base,
        spi: sa.outbound.spi,
        direction: 'outbound',
        encryptionKey: sa.outbound.encryptionKey,
        authenticationKey: sa.outbound.authenticationKey,
        tunnel: { local: sa.local, remote: sa.remote },
        ...(udp ? { udpEncapsulation: { sourcePort: udp.localPort, destinationPort: udp.remotePort } } : {}),
      } satisfies SaRecord),
      path.installSa({
        ...base,
        spi: sa.inbound.spi,
        direction: 'inbound',
        encryptionKey: sa.inbound.encryptionKey,
        authenticationKey: sa.inbound.authenticationKey,
        tunnel: { local: sa.remote, remote: sa.local },
        replayWindowSize: sa.replayWindowSize,
        ...(udp ? { udpEncapsulation: { sourcePort: udp.remotePort, destinationPort: udp.localPort } } : {}),
      } satisfies SaRecord),
    ]);
    if (outbound.status === 'rejected' || inbound.status === 'rejected') {
      if (outbound.status === 'fulfilled') await path.removeSa(outbound.value).catch(() => undefined);
      if (inbound.status === 'fulfilled') await path.removeSa(inbound.value).catch(() => undefined);
      dropAnchor();
      const failed = outbound.status === 'rejected' ? outbound : (inbound as PromiseRejectedResult);
      throw new Error((failed.reason as Error).message);
    }
    const outboundHandle = outbound.value;
    const inboundHandle = inbound.value;
    const pair: IkePair = {
      sa,
      outer: remote.value.length === 16 ? 6 : 4,
      spu: anchor.spu,
      thread: anchor.thread,
      engine: path.engine,
      path,
      inboundHandle,
      outboundHandle,
      localSelectors: this.selectors(sa.localSelector),
      remoteSelectors: this.selectors(sa.remoteSelector),
      installedAt: this.device.now(),
      tsCheckFail: 0,
    };
    this.allocated.delete(sa.inbound.spi);
    this.ikePairs.set(sa.inbound.spi, pair);
    this.pairsOnSpu.set(pair.spu, (this.pairsOnSpu.get(pair.spu) ?? 0) + 1);
    this.pairsOfGateway.set(sa.gateway, (this.pairsOfGateway.get(sa.gateway) ?? 0) + 1);
    this.pairsOfTunnel.set(sa.tunnelId, (this.pairsOfTunnel.get(sa.tunnelId) ?? 0) + 1);
    if (sa.bindInterface !== undefined) {
      // Newest first: after a rekey the new pair carries the traffic while the old one drains.
      this.ikeByInterface.set(sa.bindInterface, [pair, ...(this.ikeByInterface.get(sa.bindInterface) ?? [])]);
    }
    return { fpc: anchor.fpc, pic: anchor.pic, thread: anchor.thread, engine: path.engine };
  }

  /** Forget a pair (its SAs are removed by the caller, or died with their SPU). */
  private dropPair(p: IkePair): void {
    const spi = p.sa.inbound.spi;
    if (!this.ikePairs.delete(spi)) return;
    const onSpu = (this.pairsOnSpu.get(p.spu) ?? 1) - 1;
    if (onSpu > 0) this.pairsOnSpu.set(p.spu, onSpu);
    else this.pairsOnSpu.delete(p.spu);
    const ofGateway = (this.pairsOfGateway.get(p.sa.gateway) ?? 1) - 1;
    if (ofGateway > 0) this.pairsOfGateway.set(p.sa.gateway, ofGateway);
    else this.pairsOfGateway.delete(p.sa.gateway);
    const ofTunnel = (this.pairsOfTunnel.get(p.sa.tunnelId) ?? 1) - 1;
    if (ofTunnel > 0) this.pairsOfTunnel.set(p.sa.tunnelId, ofTunnel);
    else this.pairsOfTunnel.delete(p.sa.tunnelId);
    this.allocated.delete(spi);
    const bind = p.sa.bindInterface;
    if (bind !== undefined) {
      const rest = (this.ikeByInterface.get(bind) ?? []).filter((x) => x !== p);
      if (rest.length > 0) this.ikeByInterface.set(bind, rest);
      else this.ikeByInterface.delete(bind);
    }
    const c = this.pairRaw(p);
    addInto(this.orphan, c);
    this.orphanTsCheckFail += p.tsCheckFail;
    this.ikeBaseline.delete(p);
    if (ofTunnel <= 0) this.anchors.removeTunnel(p.sa.tunnelId);
    const gw = p.sa.gateway;
    if (this.releaseWhenEmpty.has(gw) && ofGateway <= 0) {
      this.releaseWhenEmpty.delete(gw);
      this.anchors.removeGateway(gw);
    }
  }

  private async removePair(inboundSpi: number): Promise<void> {
    this.allocated.delete(inboundSpi);
    const p = this.ikePairs.get(inboundSpi);
    if (!p) return;
    this.dropPair(p);
    await Promise.allSettled([p.path.removeSa(p.inboundHandle), p.path.removeSa(p.outboundHandle)]);
  }

  private pairRaw(p: IkePair): IpsecCounters {
    const c = zeroCounters();
    const i = p.path.status(p.inboundHandle);
    const o = p.path.status(p.outboundHandle);
    if (i) addInto(c, i.counters);
    if (o) addInto(c, o.counters);
    return c;
  }

  private pairCounters(inboundSpi: number): ChildSaCounters | undefined {
    const p = this.ikePairs.get(inboundSpi);
    if (!p) return undefined;
    const c = this.pairRaw(p);
    return {
      inboundBytes: c.decryptedBytes + c.ahInputBytes,
      inboundPackets: c.decryptedPackets + c.ahInputPackets,
      outboundBytes: c.encryptedBytes + c.ahOutputBytes,
      outboundPackets: c.encryptedPackets + c.ahOutputPackets,
    };
  }

  /** IKE pairs now installed, by tunnel id then newest first. */
  ikePairList(): IkePair[] {
    return [...this.ikePairs.values()].sort((a, b) => a.sa.tunnelId - b.sa.tunnelId || b.installedAt - a.installedAt);
  }

  /** An IKE pair by inbound SPI. */
  ikePair(inboundSpi: number): IkePair | undefined {
    return this.ikePairs.get(inboundSpi);
  }

  /** Counters of an IKE tunnel (every pair of that id), since the last clear. */
  ikeTunnelCounters(tunnelId: number): IpsecCounters {
    const c = zeroCounters();
    for (const p of this.ikePairs.values()) if (p.sa.tunnelId === tunnelId) addInto(c, this.ikeCountersOf(p));
    return c;
  }

  private ikeCountersOf(p: IkePair): IpsecCounters {
    const c = this.pairRaw(p);
    const base = this.ikeBaseline.get(p);
    if (base) for (const k of Object.keys(c) as Array<keyof IpsecCounters>) c[k] -= base[k];
    return c;
  }

  /** "TS check fail": inbound inner packets outside the negotiated selectors (one tunnel, one SPU, or all). */
  tsCheckFails(filter: { tunnelId?: number; spu?: { slot: number; pic: number } } = {}): number {
    let n = filter.tunnelId === undefined && filter.spu === undefined ? this.orphanTsCheckFail : 0;
    for (const p of this.ikePairs.values()) {
      if (filter.tunnelId !== undefined && p.sa.tunnelId !== filter.tunnelId) continue;
      if (filter.spu && (p.spu.slot !== filter.spu.slot || p.spu.pic !== filter.spu.pic)) continue;
      n += p.tsCheckFail - (this.ikeTsBaseline.get(p) ?? 0);
    }
    return n;
  }

  /** `show security ike tunnel-map [summary]` and `show security ipsec tunnel-distribution [summary]`. */
  tunnelMap(): TunnelMapRow[] {
    return this.anchors.tunnelMap();
  }

  tunnelMapSummary(): TunnelMapSummaryRow[] {
    this.refreshSpus();
    return this.anchors.tunnelMapSummary();
  }

  tunnelDistribution(): TunnelDistributionRow[] {
    return this.anchors
      .tunnelDistribution()
      .map((r) => ({ ...r, tunnelId: Math.abs(r.tunnelId) }))
      .sort((a, b) => a.tunnelId - b.tunnelId);
  }

  tunnelDistributionSummary(): TunnelDistributionSummaryRow[] {
    return this.anchors.tunnelDistributionSummary();
  }

  // ---------------------------------------------------------------- views

  list(): Tunnel[] {
    return [...this.tunnels.values()].sort((a, b) => a.id - b.id);
  }

  /** The st0 unit has a tunnel up behind it (manual, or an IKE pair). */
  up(ifl: string): boolean {
    return this.byInterface.has(ifl) || this.ikeByInterface.has(ifl);
  }

  status(t: Tunnel): { inbound: SaStatus | undefined; outbound: SaStatus | undefined } {
    return { inbound: t.path.status(t.inbound), outbound: t.path.status(t.outbound) };
  }

  countersOf(t: Tunnel): IpsecCounters {
    const c = this.rawCounters(t);
    const base = this.baseline.get(t);
    if (base) for (const k of Object.keys(c) as Array<keyof IpsecCounters>) c[k] -= base[k];
    return c;
  }

  private rawCounters(t: Tunnel): IpsecCounters {
    const c = zeroCounters();
    const s = this.status(t);
    if (s.inbound) addInto(c, s.inbound.counters);
    if (s.outbound) addInto(c, s.outbound.counters);
    return c;
  }

  /** Totals, optionally of one SPU. */
  totals(spu?: { slot: number; pic: number }): IpsecCounters {
    const c = zeroCounters();
    if (!spu) addInto(c, this.orphan);
    for (const t of this.tunnels.values()) if (!spu || (t.spu.slot === spu.slot && t.spu.pic === spu.pic)) addInto(c, this.countersOf(t));
    for (const p of this.ikePairs.values()) if (!spu || (p.spu.slot === spu.slot && p.spu.pic === spu.pic)) addInto(c, this.ikeCountersOf(p));
    // A packet dropped by the selector check counts as discarded.
    c.discarded += this.tsCheckFails(spu ? { spu } : {});
    return c;
  }

  /** `clear security ipsec statistics`. */
  clear(): void {
    for (const k of Object.keys(this.orphan) as Array<keyof IpsecCounters>) this.orphan[k] = 0;
    for (const t of this.tunnels.values()) this.baseline.set(t, this.rawCounters(t));
    this.orphanTsCheckFail = 0;
    for (const p of this.ikePairs.values()) {
      this.ikeBaseline.set(p, this.pairRaw(p));
      this.ikeTsBaseline.set(p, p.tsCheckFail);
    }
  }

  /** ESP key material of the IKE pairs, both directions, for `lab keys`. */
  ikeKeys(): Array<{ source: string; destination: string; spi: number; encryption: string; encryptionKey: Uint8Array; authentication: string | null; authenticationKey: Uint8Array }> {
    return this.ikePairList()
      .filter((p) => p.sa.protocol === 'esp')
      .flatMap((p) => {
        const { sa } = p;
        const common = { encryption: sa.encryption ?? 'null', authentication: sa.authentication };
        return [
          { source: sa.local, destination: sa.remote, spi: sa.outbound.spi, ...common, encryptionKey: sa.outbound.encryptionKey, authenticationKey: sa.outbound.authenticationKey },
          { source: sa.remote, destination: sa.local, spi: sa.inbound.spi, ...common, encryptionKey: sa.inbound.encryptionKey, authenticationKey: sa.inbound.authenticationKey },
        ];
      });
  }

  /** Key material for `lab keys`. */
  keys(): Array<{ source: string; destination: string; spi: number; vpn: ManualVpn }> {
    return this.list().flatMap((t) => [
      { source: t.local, destination: t.vpn.gateway, spi: t.vpn.spi, vpn: t.vpn },
      { source: t.vpn.gateway, destination: t.local, spi: t.vpn.spi, vpn: t.vpn },
    ]);
  }

  /** Suites of a tunnel, for `show`. */
  static describe(vpn: ManualVpn): { cipher: string; integrity: string; encBits: number } {
    const enc = vpn.encryption && isEncryptionAlgorithm(vpn.encryption.algorithm) ? ENCRYPTION_SUITES[vpn.encryption.algorithm] : undefined;
    const auth = vpn.authentication && isAuthenticationAlgorithm(vpn.authentication.algorithm) ? AUTHENTICATION_SUITES[vpn.authentication.algorithm] : undefined;
    return { cipher: enc?.name ?? 'none', integrity: auth?.name ?? 'none', encBits: (enc?.cipherKeyLength ?? 0) * 8 };
  }
}

const spiHex = (spi: number): string => spi.toString(16).padStart(8, '0');

/** The configuration's distribution profiles in the anchoring table's shape. */
function profilesOf(model: IkeConfigModel): DistributionProfile[] {
  return [...model.distributionProfiles.values()].map((p) => ({
    name: p.name,
    entities: p.fpcs.flatMap((f) => f.pics.map((pic) => ({ fpc: f.slot, pic: pic.pic, ...(pic.threadIds.length > 0 ? { threadIds: pic.threadIds } : {}) }))),
  }));
}

function address(text: string): Uint8Array {
  const a = addressFromText(text);
  if (!a.ok) throw new RangeError(`not an address: ${text}`);
  return a.value;
}

function addInto(into: IpsecCounters, from: IpsecCounters): void {
  for (const k of Object.keys(into) as Array<keyof IpsecCounters>) into[k] += from[k];
}
