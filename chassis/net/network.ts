/**
 * The in-process network of a topology: point-to-point links between device ports, each
 * delivering a packet to the far end after a small delay on the shared device clock.
 *
 * Packets may wait on asynchronous work (an SPU thread encrypting them): such work is tracked,
 * and `settle()` lets a caller on the virtual clock wait for everything in flight before it
 * moves time on, so virtual time never runs ahead of packets still being processed.
 */
import { VirtualClock, type Clock } from '../../sim/clock.js';
import type { Endpoint } from '../topology-file.js';

export interface PortOwner {
  /** A packet arrives on port `ifd`. */
  receive(ifd: string, packet: Uint8Array): void;
}

export type TapDirection = 'in' | 'out';
export type Tap = (at: Endpoint, direction: TapDirection, packet: Uint8Array, time: number) => void;

const key = (e: Endpoint): string => `${e.device}:${e.ifd}`;

/** One way delay of a link: short enough for sub-millisecond round trips, as on a LAN. */
export const LINK_DELAY_MS = 0.05;

/** A port bridged to the host network (chassis/net/host-attach.ts). */
export interface HostPort {
  send(packet: Uint8Array): boolean;
}

export class Network {
  private readonly owners = new Map<string, PortOwner>();
  private readonly hostPorts = new Map<string, HostPort>();
  private readonly peers = new Map<string, Endpoint>();
  private readonly taps = new Set<Tap>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly clock: Clock,
    private readonly delayMs = LINK_DELAY_MS,
  ) {}

  attach(device: string, owner: PortOwner): void {
    this.owners.set(device, owner);
  }

  link(a: Endpoint, b: Endpoint): void {
    this.peers.set(key(a), b);
    this.peers.set(key(b), a);
  }

  /** The far end of the link on this port, if any. */
  peer(at: Endpoint): Endpoint | undefined {
    return this.peers.get(key(at));
  }

  addTap(tap: Tap): () => void {
    this.taps.add(tap);
    return () => this.taps.delete(tap);
  }

  /** Bridge a port to the host network instead of an in-process link. */
  attachHost(at: Endpoint, port: HostPort): void {
    this.hostPorts.set(key(at), port);
  }

  isHostPort(at: Endpoint): boolean {
    return this.hostPorts.has(key(at));
  }

  /** A packet that arrived on a host-network port. */
  fromHost(at: Endpoint, packet: Uint8Array): void {
    for (const t of this.taps) t(at, 'in', packet, this.clock.now());
    this.owners.get(at.device)?.receive(at.ifd, packet);
  }

  /** Send a packet out of a port; false when nothing is connected there. */
  transmit(from: Endpoint, packet: Uint8Array): boolean {
    const host = this.hostPorts.get(key(from));
    if (host) {
      for (const t of this.taps) t(from, 'out', packet, this.clock.now());
      return host.send(packet);
    }
    const to = this.peers.get(key(from));
    if (!to) return false;
    for (const t of this.taps) t(from, 'out', packet, this.clock.now());
    this.clock.setTimeout(() => {
      for (const t of this.taps) t(to, 'in', packet, this.clock.now());
      this.owners.get(to.device)?.receive(to.ifd, packet);
    }, this.delayMs);
    return true;
  }

  /** Record asynchronous packet work (it is awaited by settle()). */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = (): void => {
      this.inFlight.delete(work);
    };
    work.then(done, done);
    return work;
  }

  /** Wait for every piece of packet work in flight (which may start more). */
  private async drain(): Promise<void> {
    for (let rounds = 0; rounds < 100_000 && this.inFlight.size > 0; rounds++) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Let `ms` of device time pass with the network running. On the virtual clock time moves
   * timer by timer, and packet work in flight is finished before each step, so a reply that
   * needed an SPU thread still arrives at the device time it is due.
   */
  async runFor(ms: number): Promise<void> {
    const clock = this.clock;
    if (!(clock instanceof VirtualClock)) {
      await this.drain();
      await clock.wait(ms);
      return;
    }
    const target = clock.now() + Math.max(0, ms);
    for (;;) {
      await this.drain();
      const due = clock.nextDue();
      if (due === undefined || due > target) break;
      clock.advance(due - clock.now());
    }
    await this.drain();
    clock.advance(target - clock.now());
  }
}
