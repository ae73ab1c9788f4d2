/**
 * `--attach IF`: a device port on the host's real network. Only what UDP sockets can carry
 * crosses: IKE (UDP 500) and ESP-in-UDP (UDP 4500, RFC 3948), from and to the address the
 * port's unit 0 is configured with, so a peer in another process or network namespace —
 * another srx5k, or strongSwan — can answer. Datagrams received are handed to the device as
 * the IPv4/UDP packets they were on the wire.
 */
import { createSocket, type Socket } from 'node:dgram';
import { addressFromText } from '../../dataplane/packet/address.js';
import { IpProtocol, parseIpv4 } from '../../dataplane/packet/ipv4.js';
import { buildIpv4UdpPacket, parseUdp } from '../../dataplane/packet/udp.js';

/** Ports bridged to the host: NAT-T (ESP-in-UDP and IKE) now, IKE on 500 with the IKE daemons. */
export const BRIDGED_PORTS: readonly number[] = [4500];

export class HostAttachment {
  private sockets = new Map<number, Socket>();
  private bound: string | undefined;
  /** Datagrams that could not be sent or did not fit (counted, never thrown). */
  dropped = 0;

  constructor(
    readonly ifd: string,
    private readonly deliver: (packet: Uint8Array) => void,
  ) {}

  /** The address the port now has (from the active configuration); rebinds when it changes. */
  async bindTo(address: string | undefined): Promise<void> {
    if (address === this.bound) return;
    this.close();
    this.bound = address;
    if (address === undefined) return;
    for (const port of BRIDGED_PORTS) {
      const socket = createSocket({ type: 'udp4', reuseAddr: false });
      socket.on('message', (msg, rinfo) => this.receive(port, msg, rinfo.address, rinfo.port));
      socket.on('error', () => this.dropped++);
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address, port, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      socket.unref();
      this.sockets.set(port, socket);
    }
  }

  /** A packet leaving the port: its UDP payload goes out of the matching socket. */
  send(packet: Uint8Array): boolean {
    const ip = parseIpv4(packet);
    if (!ip.ok || ip.value.header.protocol !== IpProtocol.UDP) {
      this.dropped++;
      return false;
    }
    const udp = parseUdp(ip.value.payload);
    const socket = udp.ok ? this.sockets.get(udp.value.sourcePort) : undefined;
    if (!udp.ok || !socket) {
      this.dropped++;
      return false;
    }
    const dst = ip.value.header.destination;
    socket.send(udp.value.payload, udp.value.destinationPort, `${dst[0]}.${dst[1]}.${dst[2]}.${dst[3]}`, (err) => {
      if (err) this.dropped++;
    });
    return true;
  }

  private receive(port: number, payload: Buffer, from: string, fromPort: number): void {
    const src = addressFromText(from);
    const dst = this.bound === undefined ? undefined : addressFromText(this.bound);
    if (!src.ok || !dst || !dst.ok) return;
    this.deliver(buildIpv4UdpPacket({ source: src.value, destination: dst.value, sourcePort: fromPort, destinationPort: port, payload: new Uint8Array(payload) }));
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    this.bound = undefined;
  }
}
