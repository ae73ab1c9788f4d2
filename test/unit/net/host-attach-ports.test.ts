/** `--attach` binds IKE (UDP 500) and NAT-T (UDP 4500) on the port's address, and bridges both. */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { BRIDGED_PORTS, HostAttachment } from '../../../chassis/net/host-attach.js';
import { addressFromText } from '../../../dataplane/packet/address.js';
import { parseIpv4 } from '../../../dataplane/packet/ipv4.js';
import { buildIpv4UdpPacket, parseUdp } from '../../../dataplane/packet/udp.js';

const open: HostAttachment[] = [];
afterEach(() => {
  for (const a of open.splice(0)) a.close();
});

/** A loopback address of our own, so parallel runs do not collide. */
const local = `127.${(process.pid >> 8) & 0xff}.${process.pid & 0xff}.7`;

describe('--attach ports', () => {
  it('bridges UDP 500 and 4500 both ways', async () => {
    expect(BRIDGED_PORTS).toEqual([500, 4500]);
    const got: Array<{ port: number; payload: number[] }> = [];
    const a = new HostAttachment('xe-0/0/0', (packet) => {
      const ip = parseIpv4(packet);
      const udp = ip.ok ? parseUdp(ip.value.payload) : undefined;
      if (udp?.ok) got.push({ port: udp.value.destinationPort, payload: [...udp.value.payload] });
    });
    open.push(a);
    await a.bindTo({ inet: local });
    const peer = createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const replies: number[][] = [];
    peer.on('message', (m) => replies.push([...m]));
    for (const port of [500, 4500]) await new Promise<void>((r) => peer.send(Uint8Array.of(port & 0xff, 1), port, local, () => r()));
    const deadline = Date.now() + 2000;
    while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(got.sort((x, y) => x.port - y.port)).toEqual([
      { port: 500, payload: [500 & 0xff, 1] },
      { port: 4500, payload: [4500 & 0xff, 1] },
    ]);
    // Out through the socket of the packet's source port.
    const src = addressFromText(local);
    const dst = addressFromText('127.0.0.1');
    const peerPort = (peer.address() as { port: number }).port;
    if (!src.ok || !dst.ok) throw new Error('addresses');
    expect(a.send(buildIpv4UdpPacket({ source: src.value, destination: dst.value, sourcePort: 500, destinationPort: peerPort, payload: Uint8Array.of(7) }))).toBe(true);
    expect(a.send(buildIpv4UdpPacket({ source: src.value, destination: dst.value, sourcePort: 4500, destinationPort: peerPort, payload: Uint8Array.of(8) }))).toBe(true);
    while (replies.length < 2 && Date.now() < deadline + 2000) await new Promise((r) => setTimeout(r, 10));
    expect(replies.sort()).toEqual([[7], [8]]);
    peer.close();
  });
});
