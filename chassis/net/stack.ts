/**
 * The packet path of one device, IPv4 and IPv6 (dispatched on the version nibble): ingress
 * checks, traffic to the device itself (ICMP and ICMPv6 echo requests answered when the zone
 * allows `ping`), transit forwarding through the security policies of the zone pair with a
 * session table (replies of a permitted flow pass without a policy of their own), and packets
 * the device itself sends (`ping`, which runs FreeBSD's ping or ping6 as Junos does). Tunnels
 * through st0 hook in through `TunnelPort`; ESP reaches them from an outer IPv4 or IPv6 header.
 */
import { Fib, type Route } from '../../dataplane/forwarding/fib.js';
import { EMPTY_MODEL, type ForwardingModel, type LogicalInterface } from '../../dataplane/forwarding/model.js';
import { decidePolicy, hostInboundAllowed, type Flow } from '../../dataplane/forwarding/policy.js';
import { addressFromText, addressToText } from '../../dataplane/packet/address.js';
import { buildIcmpEchoIpv4Packet, parseIcmp } from '../../dataplane/packet/icmp.js';
import { buildIcmpv6EchoIpv6Packet, parseIcmpv6 } from '../../dataplane/packet/icmpv6.js';
import { classifyNatTPayload, IKE_PORT, NAT_T_PORT } from '../../dataplane/packet/esp-in-udp.js';
import type { IkeDatagram } from '../../ike/ports.js';
import { decrementTtl, IpProtocol, parseIpv4, type Ipv4Packet } from '../../dataplane/packet/ipv4.js';
import { decrementHopLimit, parseIpv6, type Ipv6Packet } from '../../dataplane/packet/ipv6.js';
import { parseUdp } from '../../dataplane/packet/udp.js';
import { buildJunosPingIpv4Packet, JUNOS_PING_DEFAULT_DATA_SIZE, junosPingPayload } from '../../dataplane/packet/ping.js';
import type { Random } from '../../sim/random.js';
import type { Device } from '../device.js';
import type { Network, PortOwner } from './network.js';
import type { PingReply, PingResult } from './ping-result.js';
import { portState } from './ports.js';
import type { PacketPath } from './tunnels.js';
import { forwardingModel } from './forwarding-config.js';

/** Where packets routed into an st0 unit go (the VPN layer), and where ESP/AH for us goes. */
export interface TunnelPort {
  /** Send `packet` (IPv4 or IPv6) into the tunnel bound to `ifl`; false when no tunnel is up there. */
  send(ifl: string, packet: Uint8Array): boolean;
  /** ESP (SPI … ICV, from IPv4 or IPv6) or AH (the whole outer IPv4 packet) addressed to this device. */
  receive(kind: 'esp' | 'ah', body: Uint8Array): void;
}

/** Why the stack dropped packets, counted (a later `show security flow statistics`). */
export interface StackCounters {
  received: number;
  forwarded: number;
  delivered: number;
  droppedMalformed: number;
  droppedNoRoute: number;
  droppedPolicy: number;
  droppedNoZone: number;
  droppedHostInbound: number;
  droppedTtl: number;
  droppedPortDown: number;
  /** IKE messages (UDP 500, marked UDP 4500) handed to the IKE daemon. */
  ikeReceived: number;
  /** IKE messages dropped because the zone does not allow host-inbound `ike` (also in droppedHostInbound). */
  droppedIkeHostInbound: number;
  /** NAT-T keepalives absorbed. */
  natKeepalives: number;
  /** Of the above, IPv6 packets: received, forwarded, delivered (the rest are in the totals). */
  received6: number;
  forwarded6: number;
  delivered6: number;
}

interface Session {
  readonly key: string;
  expires: number;
}

interface PendingPing {
  readonly id: number;
  readonly family: 4 | 6;
  readonly sent: Map<number, number>;
  readonly replies: PingReply[];
  readonly observer: PingObserver | undefined;
}

/** Junos keeps an ICMP session 60 s after its last packet. */
const SESSION_TIMEOUT_MS = 60_000;
/** Expired sessions are swept once every so many new ones (amortised, off the per-packet path). */
const SESSION_SWEEP_EVERY = 1024;

/** FreeBSD ping6's default data size (DEFDATALEN = ICMP6ECHOTMLEN, the 8-byte timestamp). */
export const PING6_DEFAULT_DATA_SIZE = 8;

/** getaddrinfo's EAI_NONAME text on FreeBSD (gai_strerror). */
const EAI_NONAME = 'hostname nor servname provided, or not known';

export interface PingOptions {
  readonly host: string;
  /** `inet` / `inet6`: force the family; by default an address with ':' is pinged with ping6. */
  readonly family?: 'inet' | 'inet6';
  readonly source?: string;
  readonly count: number;
  readonly size?: number;
  readonly rapid?: boolean;
  /** Seconds between requests (Junos `interval`, default 1). */
  readonly interval?: number;
  /** Seconds to wait for the last reply (Junos `wait`, default 10). */
  readonly wait?: number;
  /** IPv4 TTL, or IPv6 hop limit. */
  readonly ttl?: number;
  /** Told as the ping happens, so a terminal can print each line when ping would. */
  readonly observer?: PingObserver;
  /** Stops sending and waiting (^C); the result then counts what was sent until then. */
  readonly signal?: AbortSignal;
}

/** A ping's progress: its start (the result with nothing received yet), each reply, each event. */
export interface PingObserver {
  start(head: PingResult | Ping6Result): void;
  reply(reply: PingReply): void;
  event(event: { readonly seq: number; readonly text: string }): void;
}

/** What one `ping` of an IPv6 address produced (FreeBSD ping6). `ttl` of a reply is its hop limit. */
export interface Ping6Result extends PingResult {
  readonly family: 'inet6';
  /** The source address, printed in the PING6 line. */
  readonly source: string;
}

/** An IP packet of either family, as the forwarding path needs it. */
interface IpView {
  readonly version: 4 | 6;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  /** IPv4 protocol or IPv6 next header. */
  readonly protocol: number;
  readonly payload: Uint8Array;
}

function view4(p: Ipv4Packet): IpView {
  return { version: 4, source: p.header.source, destination: p.header.destination, protocol: p.header.protocol, payload: p.payload };
}

function view6(p: Ipv6Packet): IpView {
  return { version: 6, source: p.header.source, destination: p.header.destination, protocol: p.header.nextHeader, payload: p.payload };
}

export class NodeStack implements PortOwner, PacketPath {
  model: ForwardingModel = EMPTY_MODEL;
  fib: Fib = new Fib(EMPTY_MODEL, () => false);
  tunnels: TunnelPort | null = null;
  /** Where IKE messages for this device go (chassis/net/ike-host.ts); null: no IKE daemon. */
  ike: ((datagram: IkeDatagram) => void) | null = null;
  readonly counters: StackCounters = {
    received: 0,
    forwarded: 0,
    delivered: 0,
    droppedMalformed: 0,
    droppedNoRoute: 0,
    droppedPolicy: 0,
    droppedNoZone: 0,
    droppedHostInbound: 0,
    droppedTtl: 0,
    droppedPortDown: 0,
    ikeReceived: 0,
    droppedIkeHostInbound: 0,
    natKeepalives: 0,
    received6: 0,
    forwarded6: 0,
    delivered6: 0,
  };
  private readonly sessions = new Map<string, Session>();
  private sessionsCreated = 0;
  private readonly pings = new Map<number, PendingPing>();

  /** The device's name on the network: its host name at start-up (links are wired by it). */
  readonly name: string;

  constructor(
    readonly device: Device,
    readonly network: Network,
    private readonly random: Random,
  ) {
    this.name = device.hostname;
    network.attach(this.name, this);
    this.rebuild();
    device.bus.on('changed', () => this.rebuild());
  }

  /** Rebuild the forwarding state from the active configuration and the cards present. */
  rebuild(): void {
    this.model = forwardingModel(this.device.config.active);
    this.fib = new Fib(this.model, (ifd) => this.portUp(ifd));
  }

  portUp(ifd: string): boolean {
    return portState(ifd, (slot) => this.device.card(slot)).up;
  }

  private ingressIfl(ifd: string): LogicalInterface | undefined {
    return this.model.interfaces.find((i) => i.ifd === ifd && i.unit === 0) ?? this.model.interfaces.find((i) => i.ifd === ifd);
  }

  private ifl(name: string): LogicalInterface | undefined {
    return this.model.interfaces.find((i) => i.name === name);
  }

  // ---------------------------------------------------------------- receive

  receive(ifd: string, packet: Uint8Array): void {
    this.counters.received++;
    if (packet.length > 0 && packet[0]! >> 4 === 6) this.counters.received6++;
    if (!this.portUp(ifd)) {
      this.counters.droppedPortDown++;
      return;
    }
    const ifl = this.ingressIfl(ifd);
    if (!ifl) {
      this.counters.droppedNoZone++;
      return;
    }
    this.input(ifl, packet);
  }

  /** Parse a packet of either family (the version nibble decides); undefined when malformed. */
  private parse(packet: Uint8Array): { ip: IpView; raw: Uint8Array } | undefined {
    const version = packet.length > 0 ? packet[0]! >> 4 : 0;
    if (version === 6) {
      const p = parseIpv6(packet);
      return p.ok ? { ip: view6(p.value), raw: packet } : undefined;
    }
    const p = parseIpv4(packet);
    return p.ok ? { ip: view4(p.value), raw: packet } : undefined;
  }

  /** A packet entering through a logical interface (a port, or an st0 unit after decryption). */
  input(ifl: LogicalInterface, packet: Uint8Array): void {
    const parsed = this.parse(packet);
    if (!parsed) {
      this.counters.droppedMalformed++;
      return;
    }
    if (!ifl.zone) {
      this.counters.droppedNoZone++;
      return;
    }
    if (this.fib.local(parsed.ip.destination)) {
      this.deliver(ifl, parsed.ip, packet);
      return;
    }
    this.forward(ifl, packet, parsed.ip);
  }

  private deliver(ifl: LogicalInterface, p: IpView, raw: Uint8Array): void {
    if (p.protocol === IpProtocol.ESP) {
      if (this.tunnels) this.tunnels.receive('esp', p.payload);
      else this.counters.droppedHostInbound++;
      return;
    }
    if (p.protocol === IpProtocol.AH) {
      // The AH codec checks the outer header it covers, so it gets the whole packet.
      if (this.tunnels) this.tunnels.receive('ah', raw);
      else this.counters.droppedHostInbound++;
      return;
    }
    if (p.protocol === IpProtocol.UDP) {
      const udp = parseUdp(p.payload);
      if (udp.ok && udp.value.destinationPort === NAT_T_PORT) {
        const nat = classifyNatTPayload(udp.value.payload);
        if (nat.kind === 'esp' && this.tunnels) this.tunnels.receive('esp', nat.esp);
        else if (nat.kind === 'keepalive') this.counters.natKeepalives++;
        else if (nat.kind === 'ike') this.deliverIke(ifl, p, udp.value.sourcePort, NAT_T_PORT, nat.message);
        else this.counters.droppedHostInbound++;
        return;
      }
      if (udp.ok && udp.value.destinationPort === IKE_PORT) {
        this.deliverIke(ifl, p, udp.value.sourcePort, IKE_PORT, udp.value.payload);
        return;
      }
      this.counters.droppedHostInbound++;
      return;
    }
    if (p.version === 4 ? p.protocol === IpProtocol.ICMP : p.protocol === IpProtocol.ICMPV6) {
      this.deliverEcho(ifl, p, raw);
      return;
    }
    this.counters.droppedHostInbound++;
  }

  /**
   * An IKE message for one of our addresses: accepted only when the ingress interface's zone
   * allows host-inbound `system-services ike` (as on Junos), and only when a daemon runs.
   */
  private deliverIke(ifl: LogicalInterface, p: IpView, sourcePort: number, port: number, payload: Uint8Array): void {
    if (!hostInboundAllowed(this.model, ifl.name, 'ike')) {
      this.counters.droppedHostInbound++;
      this.counters.droppedIkeHostInbound++;
      return;
    }
    if (!this.ike) {
      this.counters.droppedHostInbound++;
      return;
    }
    this.countDelivered(p.version);
    this.counters.ikeReceived++;
    this.ike({
      local: { address: addressToText(p.destination), port },
      remote: { address: addressToText(p.source), port: sourcePort },
      payload: payload.slice(),
    });
  }

  /** ICMP or ICMPv6 to the device: our ping's replies, and echo requests to answer. */
  private deliverEcho(ifl: LogicalInterface, p: IpView, raw: Uint8Array): void {
    const v6 = p.version === 6;
    // ICMPv6's checksum covers the pseudo-header, so it is checked against the IPv6 addresses.
    const icmp = v6 ? parseIcmpv6(p.payload, { source: p.source, destination: p.destination }) : parseIcmp(p.payload);
    if (!icmp.ok) {
      this.counters.droppedMalformed++;
      return;
    }
    const m = icmp.value;
    if (m.kind === 'echo-reply') {
      const pending = this.pings.get(m.identifier);
      const sentAt = pending?.family === p.version ? pending.sent.get(m.sequence) : undefined;
      if (pending && sentAt !== undefined && !pending.replies.some((r) => r.seq === m.sequence)) {
        this.countDelivered(p.version);
        const hops = v6 ? raw[7]! : raw[8]!;
        const reply: PingReply = { seq: m.sequence, bytes: m.payload.length + 8, from: addressToText(p.source), ttl: hops, rttMs: this.network.clock.now() - sentAt };
        pending.replies.push(reply);
        pending.observer?.reply(reply);
      }
      return;
    }
    if (m.kind === 'echo-request') {
      if (!hostInboundAllowed(this.model, ifl.name, 'ping')) {
        this.counters.droppedHostInbound++;
        return;
      }
      this.countDelivered(p.version);
      const echo = { source: p.destination, destination: p.source, identifier: m.identifier, sequence: m.sequence, payload: m.payload, reply: true } as const;
      this.originate(v6 ? buildIcmpv6EchoIpv6Packet(echo) : buildIcmpEchoIpv4Packet(echo));
      return;
    }
    // Other ICMP (errors; neighbour discovery has no use on the emulator's point-to-point links).
    this.counters.droppedHostInbound++;
  }

  private countDelivered(version: 4 | 6): void {
    this.counters.delivered++;
    if (version === 6) this.counters.delivered6++;
  }

  private flowOf(p: IpView): Flow & { key: string; reverseKey: string } {
    const src = addressToText(p.source);
    const dst = addressToText(p.destination);
    let detail = '';
    let icmpType: number | undefined;
    let dstPort: number | undefined;
    if (p.protocol === (p.version === 4 ? IpProtocol.ICMP : IpProtocol.ICMPV6)) {
      const m = p.version === 4 ? parseIcmp(p.payload, { verifyChecksum: false }) : parseIcmpv6(p.payload);
      if (m.ok && (m.value.kind === 'echo-request' || m.value.kind === 'echo-reply')) {
        icmpType = m.value.type;
        detail = String(m.value.identifier);
      }
    } else if ((p.protocol === IpProtocol.TCP || p.protocol === IpProtocol.UDP) && p.payload.length >= 4) {
      const sp = (p.payload[0]! << 8) | p.payload[1]!;
      dstPort = (p.payload[2]! << 8) | p.payload[3]!;
      detail = `${sp}:${dstPort}`;
    }
    const proto = p.protocol;
    const rev = detail.includes(':') ? detail.split(':').reverse().join(':') : detail;
    return {
      src: p.source,
      dst: p.destination,
      protocol: proto,
      ...(dstPort !== undefined ? { dstPort } : {}),
      ...(icmpType !== undefined ? { icmpType } : {}),
      key: `${proto}|${src}|${dst}|${detail}`,
      reverseKey: `${proto}|${dst}|${src}|${rev}`,
    };
  }

  private forward(inIfl: LogicalInterface, packet: Uint8Array, p: IpView): void {
    const route = this.fib.lookup(p.destination);
    const outIfl = route ? this.egressIfl(route) : undefined;
    if (!route || !outIfl || route.nextHop.kind === 'discard') {
      this.counters.droppedNoRoute++;
      return;
    }
    if (!outIfl.zone || !inIfl.zone) {
      this.counters.droppedNoZone++;
      return;
    }
    const now = this.network.clock.now();
    const flow = this.flowOf(p);
    const session = this.sessions.get(flow.key) ?? this.sessions.get(flow.reverseKey);
    if (session && session.expires > now) {
      session.expires = now + SESSION_TIMEOUT_MS;
    } else {
      const decision = decidePolicy(this.model, inIfl.zone, outIfl.zone, flow);
      if (decision.action !== 'permit') {
        this.counters.droppedPolicy++;
        return;
      }
      this.sessions.set(flow.key, { key: flow.key, expires: now + SESSION_TIMEOUT_MS });
      if (++this.sessionsCreated % SESSION_SWEEP_EVERY === 0) this.sweepSessions(now);
    }
    const copy = packet.slice();
    // IPv4: TTL − 1 and the header checksum patched; IPv6: hop limit − 1 (no header checksum).
    if (!(p.version === 4 ? decrementTtl(copy) : decrementHopLimit(copy)).ok) {
      this.counters.droppedTtl++;
      return;
    }
    this.counters.forwarded++;
    if (p.version === 6) this.counters.forwarded6++;
    this.emit(outIfl, copy);
  }

  private sweepSessions(now: number): void {
    for (const [k, v] of this.sessions) if (v.expires <= now) this.sessions.delete(k);
  }

  /** Sessions in the table (expired ones linger until the next sweep). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private egressIfl(route: Route): LogicalInterface | undefined {
    return route.nextHop.kind === 'discard' ? undefined : this.ifl(route.nextHop.ifl);
  }

  /** Put a packet on the wire (or into the tunnel) of a logical interface. */
  private emit(ifl: LogicalInterface, packet: Uint8Array): boolean {
    if (ifl.ifd === 'st0') return this.tunnels?.send(ifl.name, packet) ?? false;
    return this.network.transmit({ device: this.name, ifd: ifl.ifd }, packet);
  }

  /** A packet (IPv4 or IPv6) the device itself sends: routed, not subject to security policies. */
  originate(packet: Uint8Array): 'sent' | 'no-route' | 'down' {
    const parsed = this.parse(packet);
    if (!parsed) return 'down';
    const route = this.fib.lookup(parsed.ip.destination);
    if (!route || route.nextHop.kind === 'discard') return 'no-route';
    if (route.nextHop.kind === 'local') {
      // To one of our own addresses: straight back in.
      const ifl = this.ifl(route.nextHop.ifl);
      if (ifl) this.deliver(ifl, parsed.ip, packet);
      return 'sent';
    }
    const ifl = this.egressIfl(route);
    if (!ifl) return 'no-route';
    return this.emit(ifl, packet) ? 'sent' : 'down';
  }

  /** A packet entering through a named logical interface (decrypted traffic of an st0 unit). */
  inputOn(ifl: string, packet: Uint8Array): void {
    const i = this.ifl(ifl);
    if (i) this.input(i, packet);
  }

  addressOf(ifl: string, family: 4 | 6 = 4): string | undefined {
    const i = this.ifl(ifl);
    return (family === 4 ? i?.inet : i?.inet6)?.[0]?.split('/')[0];
  }

  onHostNetwork(ifl: string): boolean {
    const i = this.ifl(ifl);
    return i !== undefined && this.network.isHostPort({ device: this.name, ifd: i.ifd });
  }

  // ---------------------------------------------------------------- ping

  async ping(opts: PingOptions): Promise<PingResult | Ping6Result | { error: string }> {
    const v6 = opts.family === 'inet6' || (opts.family === undefined && opts.host.includes(':'));
    return v6 ? this.ping6(opts) : this.ping4(opts);
  }

  /** FreeBSD ping(8), as Junos runs it for an IPv4 destination. */
  private async ping4(opts: PingOptions): Promise<PingResult | { error: string }> {
    const dst = addressFromText(opts.host);
    if (!dst.ok || dst.value.length !== 4) return { error: `ping: cannot resolve ${opts.host}: Unknown host` };
    let src: Uint8Array | undefined;
    if (opts.source !== undefined) {
      const s = addressFromText(opts.source);
      if (!s.ok || s.value.length !== 4 || !this.fib.local(s.value)) return { error: "ping: bind: Can't assign requested address" };
      src = s.value;
    } else {
      const hop = this.fib.lookup(dst.value)?.nextHop;
      if (hop?.kind === 'local') src = dst.value;
      else if (hop && hop.kind !== 'discard') src = this.fib.sourceFor(hop.ifl, 4, this.model);
    }
    const size = opts.size ?? JUNOS_PING_DEFAULT_DATA_SIZE;
    const head: PingResult = { host: opts.host, address: addressToText(dst.value), dataBytes: size, sent: opts.count, replies: [], rapid: opts.rapid ?? false, events: [] };
    opts.observer?.start(head);
    const run = await this.run(4, opts, (id, seq, now) =>
      src ? buildJunosPingIpv4Packet({ source: src, destination: dst.value, identifier: id, sequence: seq, timeMs: now, size, ...(opts.ttl !== undefined ? { ttl: opts.ttl } : {}) }) : undefined,
      (r) => (r === 'no-route' ? ['ping: sendto: No route to host'] : ['ping: sendto: Network is down']),
    );
    return { ...head, sent: run.transmitted, replies: run.replies, events: run.events };
  }

  /**
   * FreeBSD ping6(8), as Junos runs it for an IPv6 destination: 8 data bytes by default (the
   * timestamp), the identifier in network byte order, no "Request timeout" lines; without a
   * route it stops before sending (its UDP connect() for the source address fails).
   */
  private async ping6(opts: PingOptions): Promise<Ping6Result | { error: string }> {
    const dst = addressFromText(opts.host);
    if (!dst.ok || dst.value.length !== 16) return { error: `ping6: ${EAI_NONAME}` };
    const size = opts.size ?? PING6_DEFAULT_DATA_SIZE;
    // ping6 -s refuses 0 (`datalen <= 0`).
    if (size <= 0) return { error: `ping6: illegal datalen value -- ${size}` };
    let src: Uint8Array | undefined;
    if (opts.source !== undefined) {
      const s = addressFromText(opts.source);
      if (!s.ok || s.value.length !== 16) return { error: `ping6: invalid source address: ${EAI_NONAME}` };
      if (!this.fib.local(s.value)) return { error: "ping6: bind: Can't assign requested address" };
      src = s.value;
    } else {
      const hop = this.fib.lookup(dst.value)?.nextHop;
      if (!hop || hop.kind === 'discard') return { error: 'ping6: UDP connect: No route to host' };
      src = hop.kind === 'local' ? dst.value : this.fib.sourceFor6(hop.ifl, dst.value, this.model);
      if (!src) return { error: "ping6: UDP connect: Can't assign requested address" };
    }
    const from = src;
    const chars = 8 + size;
    const head: Ping6Result = {
      family: 'inet6',
      host: opts.host,
      address: addressToText(dst.value),
      source: addressToText(from),
      dataBytes: size,
      sent: opts.count,
      replies: [],
      rapid: opts.rapid ?? false,
      events: [],
    };
    opts.observer?.start(head);
    const run = await this.run(6, opts, (id, seq, now) =>
      buildIcmpv6EchoIpv6Packet({
        source: from,
        destination: dst.value,
        identifier: id,
        sequence: seq,
        payload: junosPingPayload({ timeMs: now, size }),
        ...(opts.ttl !== undefined ? { hopLimit: opts.ttl } : {}),
      }),
      (r) => [`ping6: sendmsg: ${r === 'no-route' ? 'No route to host' : 'Network is down'}`, `ping6: wrote ${opts.host} ${chars} chars, ret=-1`],
    );
    return { ...head, sent: run.transmitted, replies: run.replies, events: run.events };
  }

  /** Let `ms` pass on the network; with a signal, in steps of at most 100 ms so ^C stops it soon. */
  private async pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return this.network.runFor(ms);
    const end = this.network.clock.now() + ms;
    while (!signal.aborted && this.network.clock.now() < end) await this.network.runFor(Math.min(100, end - this.network.clock.now()));
  }

  /** Send `count` echo requests on the device clock and collect the replies. */
  private async run(
    family: 4 | 6,
    opts: PingOptions,
    build: (id: number, seq: number, now: number) => Uint8Array | undefined,
    sendError: (r: 'no-route' | 'down') => string[],
  ): Promise<{ transmitted: number; replies: PingReply[]; events: Array<{ seq: number; text: string }> }> {
    // Let pending work settle first (tunnels a commit just brought up).
    await this.network.runFor(0);
    const id = this.random.int(1, 0xffff);
    const pending: PendingPing = { id, family, sent: new Map(), replies: [], observer: opts.observer };
    this.pings.set(id, pending);
    const events: Array<{ seq: number; text: string }> = [];
    /** Requests whose sendto failed: ping reports the error, never a timeout for them. */
    const unsent = new Set<number>();
    const note = (seq: number, text: string): void => {
      events.push({ seq, text });
      opts.observer?.event({ seq, text });
    };
    const intervalMs = (opts.rapid ? 0.01 : (opts.interval ?? 1)) * 1000;
    const clock = this.network.clock;
    const stopped = (): boolean => opts.signal?.aborted === true;
    let transmitted = 0;
    try {
      for (let seq = 0; seq < opts.count && !stopped(); seq++) {
        // FreeBSD ping (not ping6, not -f/rapid) reports the previous request unanswered when
        // it sends the next one; the last one is never reported.
        const prev = seq - 1;
        if (family === 4 && !opts.rapid && pending.sent.has(prev) && !unsent.has(prev) && !pending.replies.some((r) => r.seq === prev)) {
          note(seq, `Request timeout for icmp_seq ${prev}`);
        }
        const now = clock.now();
        const packet = build(id, seq, now);
        if (!packet) {
          for (const text of sendError('no-route')) note(seq, text);
        } else {
          pending.sent.set(seq, now);
          const r = this.originate(packet);
          if (r !== 'sent') {
            unsent.add(seq);
            for (const text of sendError(r)) note(seq, text);
          }
        }
        transmitted++;
        if (seq < opts.count - 1) await this.pause(intervalMs, opts.signal);
      }
      // Wait for the last replies, but no longer than needed.
      const waitMs = (opts.wait ?? 10) * 1000;
      const deadline = clock.now() + waitMs;
      while (pending.replies.length < pending.sent.size && clock.now() < deadline && !stopped()) {
        await this.network.runFor(Math.min(10, deadline - clock.now()));
      }
    } finally {
      this.pings.delete(id);
    }
    return { transmitted, replies: [...pending.replies].sort((a, b) => a.seq - b.seq), events };
  }
}
