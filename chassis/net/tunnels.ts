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
 */
import type { Spu } from '../../cards/card.js';
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
import { leastLoaded } from '../anchor.js';
import type { Device } from '../device.js';
import { manualVpns, type ManualVpn } from './manual-vpns.js';
import type { Network } from './network.js';

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

/** Tunnel ids as the two daemons number them (facts §6: kmd from 131073, iked from 500001). */
const FIRST_ID = { kmd: 131073, iked: 500001 } as const;

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
  /** Why a configured VPN is not installed (the last attempt), by VPN name. */
  private readonly refused = new Map<string, string>();
  /** Packets the tunnel layer dropped because it cannot send them (see the file comment). */
  readonly counters = { unsupported: 0 };

  constructor(
    private readonly device: Device,
    private readonly network: Network,
    private readonly packets: PacketPath,
    private readonly random: Random,
  ) {
    this.nextId = device.ikeDaemon.daemon === 'iked' ? FIRST_ID.iked : FIRST_ID.kmd;
    device.bus.on('spu.state', () => void this.reconcile());
  }

  /** Bring the installed tunnels in line with the active configuration (serialised). */
  reconcile(): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.network.track(this.doReconcile()));
    return this.reconciling;
  }

  private async doReconcile(): Promise<void> {
    const wanted = new Map(manualVpns(this.device.config.active).map((v) => [v.name, v]));
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

  private anchorFor(): Spu | undefined {
    const online = this.device.spus().filter((s) => s.state === 'online' && s.thread?.alive);
    const load = (s: Spu): number => [...this.tunnels.values()].filter((t) => t.spu === s).length;
    const byThreads = this.device.cards().some((c) => c.type === 'spc3');
    return leastLoaded(
      online.map((s) => ({ id: s, load: load(s), flowThreads: this.device.card(s.slot)!.kind.flowThreadsPerSpu })),
      byThreads,
      this.random,
    );
  }

  private async install(vpn: ManualVpn): Promise<void> {
    const gateway = addressFromText(vpn.gateway);
    if (!gateway.ok) return this.refuse(vpn, `gateway ${vpn.gateway} is not an address`);
    const outer = gateway.value.length === 16 ? 6 : 4;
    const local = this.packets.addressOf(vpn.externalInterface, outer);
    if (!local) return this.refuse(vpn, `${vpn.externalInterface} has no ${outer === 6 ? 'inet6' : 'inet'} address`);
    const spu = this.anchorFor();
    const path = spu ? this.pathFor(spu) : undefined;
    if (!spu || !path) return this.refuse(vpn, 'no SPU online');
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
      return this.refuse(vpn, (err as Error).message);
    }
    try {
      inbound = await path.installSa({ ...base, direction: 'inbound', tunnel: { local: vpn.gateway, remote: local } } satisfies SaRecord);
    } catch (err) {
      await path.removeSa(outbound).catch(() => undefined);
      return this.refuse(vpn, (err as Error).message);
    }
    this.refused.delete(vpn.name);
    let id = this.ids.get(vpn.name);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(vpn.name, id);
    }
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
    if (!t) return false;
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

  // ---------------------------------------------------------------- views

  list(): Tunnel[] {
    return [...this.tunnels.values()].sort((a, b) => a.id - b.id);
  }

  /** The st0 unit has a tunnel up behind it. */
  up(ifl: string): boolean {
    return this.byInterface.has(ifl);
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
    return c;
  }

  /** `clear security ipsec statistics`. */
  clear(): void {
    for (const k of Object.keys(this.orphan) as Array<keyof IpsecCounters>) this.orphan[k] = 0;
    for (const t of this.tunnels.values()) this.baseline.set(t, this.rawCounters(t));
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

function address(text: string): Uint8Array {
  const a = addressFromText(text);
  if (!a.ok) throw new RangeError(`not an address: ${text}`);
  return a.value;
}

function addInto(into: IpsecCounters, from: IpsecCounters): void {
  for (const k of Object.keys(into) as Array<keyof IpsecCounters>) into[k] += from[k];
}
