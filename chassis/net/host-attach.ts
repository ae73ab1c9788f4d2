/**
 * `--attach IF`: a device port on the host's real network. Only what UDP sockets can carry
 * crosses: IKE (UDP 500) and ESP-in-UDP (UDP 4500, RFC 3948), from and to the addresses the
 * port's unit 0 is configured with (its first IPv4 address on udp4 sockets, its first IPv6
 * address on udp6 sockets), so a peer in another process or network namespace — another
 * srx5k, or strongSwan — can answer. Datagrams received are handed to the device as the
 * IPv4/UDP or IPv6/UDP packets they were on the wire.
 */
import { createSocket, type Socket } from 'node:dgram';
import { addressFromText, addressToText } from '../../dataplane/packet/address.js';
import { IpProtocol, parseIpv4 } from '../../dataplane/packet/ipv4.js';
import { parseIpv6 } from '../../dataplane/packet/ipv6.js';
import { buildIpv4UdpPacket, buildIpv6UdpPacket, parseUdp } from '../../dataplane/packet/udp.js';

/** Ports bridged to the host: IKE (500) and NAT-T (4500: ESP-in-UDP and marked IKE). */
export const BRIDGED_PORTS: readonly number[] = [500, 4500];

/** The addresses a port's sockets bind to (from the active configuration). */
export interface AttachAddresses {
  readonly inet?: string | undefined;
  readonly inet6?: string | undefined;
}

/** A port's unit 0 as configured (none: nothing to bind) to the addresses its sockets use. */
export function attachAddresses(unit0: { readonly inet: readonly string[]; readonly inet6: readonly string[] } | undefined): AttachAddresses {
  return { inet: unit0?.inet[0]?.split('/')[0], inet6: unit0?.inet6[0]?.split('/')[0] };
}

type Family = 4 | 6;

export class HostAttachment {
  /** Sockets by family, then by local UDP port. */
  private sockets: Record<Family, Map<number, Socket>> = { 4: new Map(), 6: new Map() };
  private bound: Record<Family, string | undefined> = { 4: undefined, 6: undefined };
  /** Datagrams that could not be sent or did not fit (counted, never thrown). */
  dropped = 0;

  constructor(
    readonly ifd: string,
    private readonly deliver: (packet: Uint8Array) => void,
  ) {}

  /** The addresses the port now has; rebinds the family whose address changed. */
  async bindTo(addresses: AttachAddresses): Promise<void> {
    await this.bindFamily(4, addresses.inet);
    await this.bindFamily(6, addresses.inet6);
  }

  private async bindFamily(family: Family, address: string | undefined): Promise<void> {
    if (address === this.bound[family]) return;
    this.closeFamily(family);
    this.bound[family] = address;
    if (address === undefined) return;
    for (const port of BRIDGED_PORTS) {
      const socket = createSocket({ type: family === 4 ? 'udp4' : 'udp6', reuseAddr: false, ...(family === 6 ? { ipv6Only: true } : {}) });
      socket.on('message', (msg, rinfo) => this.receive(family, port, msg, rinfo.address, rinfo.port));
      socket.on('error', () => this.dropped++);
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind({ address, port, exclusive: true }, () => {
            socket.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        socket.close();
        this.closeFamily(family);
        throw err;
      }
      socket.unref();
      this.sockets[family].set(port, socket);
    }
  }

  /** A packet leaving the port: its UDP payload goes out of the matching socket. */
  send(packet: Uint8Array): boolean {
    const version = packet.length > 0 ? packet[0]! >> 4 : 0;
    const family: Family = version === 6 ? 6 : 4;
    let protocol = -1;
    let destination: Uint8Array = new Uint8Array(0);
    let payload: Uint8Array = new Uint8Array(0);
    if (version === 4 || version === 6) {
      const ip = version === 4 ? parseIpv4(packet) : parseIpv6(packet);
      if (ip.ok) {
        const h = ip.value.header;
        protocol = 'protocol' in h ? h.protocol : h.nextHeader;
        destination = h.destination;
        payload = ip.value.payload;
      }
    }
    if (protocol !== IpProtocol.UDP) {
      this.dropped++;
      return false;
    }
    const udp = parseUdp(payload);
    const socket = udp.ok ? this.sockets[family].get(udp.value.sourcePort) : undefined;
    if (!udp.ok || !socket) {
      this.dropped++;
      return false;
    }
    socket.send(udp.value.payload, udp.value.destinationPort, addressToText(destination), (err) => {
      if (err) this.dropped++;
    });
    return true;
  }

  private receive(family: Family, port: number, payload: Buffer, from: string, fromPort: number): void {
    const src = addressFromText(from);
    const local = this.bound[family];
    const dst = local === undefined ? undefined : addressFromText(local);
    if (!src.ok || !dst || !dst.ok) return;
    const udp = { source: src.value, destination: dst.value, sourcePort: fromPort, destinationPort: port, payload: new Uint8Array(payload) };
    this.deliver(family === 4 ? buildIpv4UdpPacket(udp) : buildIpv6UdpPacket(udp));
  }

  private closeFamily(family: Family): void {
    for (const s of this.sockets[family].values()) s.close();
    this.sockets[family].clear();
    this.bound[family] = undefined;
  }

  close(): void {
    this.closeFamily(4);
    this.closeFamily(6);
  }
}
