/**
 * The packet path of one device (IPv4): ingress checks, traffic to the device itself (echo
 * requests answered when the zone allows `ping`), transit forwarding through the security
 * policies of the zone pair with a session table (replies of a permitted flow pass without a
 * policy of their own), and packets the device itself sends (`ping`). Tunnels through st0 hook
 * in through `TunnelPort`.
 */
import { Fib, type Route } from '../../dataplane/forwarding/fib.js';
import { EMPTY_MODEL, type ForwardingModel, type LogicalInterface } from '../../dataplane/forwarding/model.js';
import { decidePolicy, hostInboundAllowed, type Flow } from '../../dataplane/forwarding/policy.js';
import { addressFromText, addressToText } from '../../dataplane/packet/address.js';
import { buildIcmpEchoIpv4Packet, parseIcmp } from '../../dataplane/packet/icmp.js';
import { classifyNatTPayload, NAT_T_PORT } from '../../dataplane/packet/esp-in-udp.js';
import { decrementTtl, IpProtocol, parseIpv4, type Ipv4Packet } from '../../dataplane/packet/ipv4.js';
import { parseUdp } from '../../dataplane/packet/udp.js';
import { buildJunosPingIpv4Packet, JUNOS_PING_DEFAULT_DATA_SIZE } from '../../dataplane/packet/ping.js';
import type { Random } from '../../sim/random.js';
import type { Device } from '../device.js';
import type { Network, PortOwner } from './network.js';
import type { PingReply, PingResult } from './ping-result.js';
import { portState } from './ports.js';
import type { PacketPath } from './tunnels.js';
import { forwardingModel } from './forwarding-config.js';

/** Where packets routed into an st0 unit go (the VPN layer), and where ESP/AH for us goes. */
export interface TunnelPort {
  /** Send `packet` into the tunnel bound to `ifl`; false when no tunnel is up there. */
  send(ifl: string, packet: Uint8Array): boolean;
  /** ESP (SPI … ICV) or AH (the whole outer IPv4 packet) addressed to this device. */
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
}

interface Session {
  readonly key: string;
  expires: number;
}

interface PendingPing {
  readonly id: number;
  readonly sent: Map<number, number>;
  readonly replies: PingReply[];
}

/** Junos keeps an ICMP session 60 s after its last packet. */
const SESSION_TIMEOUT_MS = 60_000;

export interface PingOptions {
  readonly host: string;
  readonly source?: string;
  readonly count: number;
  readonly size?: number;
  readonly rapid?: boolean;
  /** Seconds between requests (Junos `interval`, default 1). */
  readonly interval?: number;
  /** Seconds to wait for the last reply (Junos `wait`, default 10). */
  readonly wait?: number;
  readonly ttl?: number;
}

export class NodeStack implements PortOwner, PacketPath {
  model: ForwardingModel = EMPTY_MODEL;
  fib: Fib = new Fib(EMPTY_MODEL, () => false);
  tunnels: TunnelPort | null = null;
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
  };
  private readonly sessions = new Map<string, Session>();
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

  /** A packet entering through a logical interface (a port, or an st0 unit after decryption). */
  input(ifl: LogicalInterface, packet: Uint8Array): void {
    const parsed = parseIpv4(packet);
    if (!parsed.ok) {
      this.counters.droppedMalformed++;
      return;
    }
    if (!ifl.zone) {
      this.counters.droppedNoZone++;
      return;
    }
    const local = this.fib.local(parsed.value.header.destination);
    if (local) {
      this.deliver(ifl, parsed.value, packet);
      return;
    }
    this.forward(ifl, packet, parsed.value);
  }

  private deliver(ifl: LogicalInterface, p: Ipv4Packet, raw: Uint8Array): void {
    if (p.header.protocol === IpProtocol.ESP || p.header.protocol === IpProtocol.AH) {
      if (this.tunnels) this.tunnels.receive(p.header.protocol === IpProtocol.ESP ? 'esp' : 'ah', p.header.protocol === IpProtocol.ESP ? p.payload : raw);
      else this.counters.droppedHostInbound++;
      return;
    }
    if (p.header.protocol === IpProtocol.UDP) {
      const udp = parseUdp(p.payload);
      if (udp.ok && udp.value.destinationPort === NAT_T_PORT) {
        const nat = classifyNatTPayload(udp.value.payload);
        if (nat.kind === 'esp' && this.tunnels) this.tunnels.receive('esp', nat.esp);
        else if (nat.kind !== 'keepalive') this.counters.droppedHostInbound++;
        return;
      }
      this.counters.droppedHostInbound++;
      return;
    }
    if (p.header.protocol !== IpProtocol.ICMP) {
      this.counters.droppedHostInbound++;
      return;
    }
    const icmp = parseIcmp(p.payload);
    if (!icmp.ok) {
      this.counters.droppedMalformed++;
      return;
    }
    const m = icmp.value;
    if (m.kind === 'echo-reply') {
      const pending = this.pings.get(m.identifier);
      const sentAt = pending?.sent.get(m.sequence);
      if (pending && sentAt !== undefined && !pending.replies.some((r) => r.seq === m.sequence)) {
        this.counters.delivered++;
        pending.replies.push({ seq: m.sequence, bytes: m.payload.length + 8, from: addressToText(p.header.source), ttl: p.header.ttl, rttMs: this.network.clock.now() - sentAt });
      }
      return;
    }
    if (m.kind === 'echo-request') {
      if (!hostInboundAllowed(this.model, ifl.name, 'ping')) {
        this.counters.droppedHostInbound++;
        return;
      }
      this.counters.delivered++;
      const reply = buildIcmpEchoIpv4Packet({
        source: p.header.destination,
        destination: p.header.source,
        identifier: m.identifier,
        sequence: m.sequence,
        payload: m.payload,
        reply: true,
      });
      this.originate(reply);
    }
  }

  private flowOf(p: Ipv4Packet): Flow & { key: string; reverseKey: string } {
    const src = addressToText(p.header.source);
    const dst = addressToText(p.header.destination);
    let detail = '';
    let icmpType: number | undefined;
    let dstPort: number | undefined;
    if (p.header.protocol === IpProtocol.ICMP) {
      const m = parseIcmp(p.payload, { verifyChecksum: false });
      if (m.ok && (m.value.kind === 'echo-request' || m.value.kind === 'echo-reply')) {
        icmpType = m.value.type;
        detail = String(m.value.identifier);
      }
    } else if ((p.header.protocol === IpProtocol.TCP || p.header.protocol === IpProtocol.UDP) && p.payload.length >= 4) {
      const sp = (p.payload[0]! << 8) | p.payload[1]!;
      dstPort = (p.payload[2]! << 8) | p.payload[3]!;
      detail = `${sp}:${dstPort}`;
    }
    const proto = p.header.protocol;
    const rev = detail.includes(':') ? detail.split(':').reverse().join(':') : detail;
    return {
      src: p.header.source,
      dst: p.header.destination,
      protocol: proto,
      ...(dstPort !== undefined ? { dstPort } : {}),
      ...(icmpType !== undefined ? { icmpType } : {}),
      key: `${proto}|${src}|${dst}|${detail}`,
      reverseKey: `${proto}|${dst}|${src}|${rev}`,
    };
  }

  private forward(inIfl: LogicalInterface, packet: Uint8Array, p: Ipv4Packet): void {
    const route = this.fib.lookup(p.header.destination);
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
    }
    const copy = packet.slice();
    if (!decrementTtl(copy).ok) {
      this.counters.droppedTtl++;
      return;
    }
    this.counters.forwarded++;
    this.emit(outIfl, copy);
  }

  private egressIfl(route: Route): LogicalInterface | undefined {
    return route.nextHop.kind === 'discard' ? undefined : this.ifl(route.nextHop.ifl);
  }

  /** Put a packet on the wire (or into the tunnel) of a logical interface. */
  private emit(ifl: LogicalInterface, packet: Uint8Array): boolean {
    if (ifl.ifd === 'st0') return this.tunnels?.send(ifl.name, packet) ?? false;
    return this.network.transmit({ device: this.name, ifd: ifl.ifd }, packet);
  }

  /** A packet the device itself sends: routed, not subject to security policies. */
  originate(packet: Uint8Array): 'sent' | 'no-route' | 'down' {
    const p = parseIpv4(packet);
    if (!p.ok) return 'down';
    const route = this.fib.lookup(p.value.header.destination);
    if (!route || route.nextHop.kind === 'discard') return 'no-route';
    if (route.nextHop.kind === 'local') {
      // To one of our own addresses: straight back in.
      const ifl = this.ifl(route.nextHop.ifl);
      if (ifl) this.deliver(ifl, p.value, packet);
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

  addressOf(ifl: string): string | undefined {
    return this.ifl(ifl)?.inet[0]?.split('/')[0];
  }

  onHostNetwork(ifl: string): boolean {
    const i = this.ifl(ifl);
    return i !== undefined && this.network.isHostPort({ device: this.name, ifd: i.ifd });
  }

  // ---------------------------------------------------------------- ping

  async ping(opts: PingOptions): Promise<PingResult | { error: string }> {
    const dst = addressFromText(opts.host);
    if (!dst.ok || dst.value.length !== 4) return { error: `ping: cannot resolve ${opts.host}: Unknown host` };
    let src: Uint8Array | undefined;
    if (opts.source !== undefined) {
      const s = addressFromText(opts.source);
      if (!s.ok || !this.fib.local(s.value)) return { error: "ping: bind: Can't assign requested address" };
      src = s.value;
    } else {
      const hop = this.fib.lookup(dst.value)?.nextHop;
      if (hop?.kind === 'local') src = dst.value;
      else if (hop && hop.kind !== 'discard') src = this.fib.sourceFor(hop.ifl, 4, this.model);
    }
    // Let pending work settle first (tunnels a commit just brought up).
    await this.network.runFor(0);
    const size = opts.size ?? JUNOS_PING_DEFAULT_DATA_SIZE;
    const id = this.random.int(1, 0xffff);
    const pending: PendingPing = { id, sent: new Map(), replies: [] };
    this.pings.set(id, pending);
    const events: Array<{ seq: number; text: string }> = [];
    const intervalMs = (opts.rapid ? 0.01 : (opts.interval ?? 1)) * 1000;
    const clock = this.network.clock;
    try {
      for (let seq = 0; seq < opts.count; seq++) {
        if (!src) {
          events.push({ seq, text: 'ping: sendto: No route to host' });
        } else {
          const now = clock.now();
          const packet = buildJunosPingIpv4Packet({ source: src, destination: dst.value, identifier: id, sequence: seq, timeMs: now, size, ...(opts.ttl !== undefined ? { ttl: opts.ttl } : {}) });
          pending.sent.set(seq, now);
          const r = this.originate(packet);
          if (r !== 'sent') events.push({ seq, text: r === 'no-route' ? 'ping: sendto: No route to host' : 'ping: sendto: Network is down' });
        }
        if (seq < opts.count - 1) await this.network.runFor(intervalMs);
      }
      // Wait for the last replies, but no longer than needed.
      const waitMs = (opts.wait ?? 10) * 1000;
      const deadline = clock.now() + waitMs;
      while (pending.replies.length < pending.sent.size && clock.now() < deadline) {
        await this.network.runFor(Math.min(10, deadline - clock.now()));
      }
    } finally {
      this.pings.delete(id);
    }
    if (!opts.rapid) {
      for (const seq of pending.sent.keys()) {
        if (!pending.replies.some((r) => r.seq === seq) && !events.some((e) => e.seq === seq)) events.push({ seq: seq + 1, text: `Request timeout for icmp_seq ${seq}` });
      }
    }
    return { host: opts.host, address: addressToText(dst.value), dataBytes: size, sent: opts.count, replies: [...pending.replies].sort((a, b) => a.seq - b.seq), rapid: opts.rapid ?? false, events };
  }
}
