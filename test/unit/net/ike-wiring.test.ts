/**
 * The IKE daemon wired into the device, with a recording fake daemon: its life (boot, commit,
 * restart, reboot, shutdown), the transport (UDP 500 / 4500 with the non-ESP marker,
 * keepalives, host-inbound `ike`), the IPsec kernel (SPIs, anchoring, counters, selectors,
 * SPU failure) and on-traffic triggering.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IpProtocol, parseIpv4 } from '../../../dataplane/packet/ipv4.js';
import { parseUdp } from '../../../dataplane/packet/udp.js';
import { ikeSaView } from '../../helpers/fake-ike-daemon.js';
import { ikeSites, type IkeSites } from '../../helpers/ike-sites.js';

const open: IkeSites[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/**
 * Commit manual VPN M1 (ESP, SPI 4000) on site1 and let its SAs land on their SPU: they are keyed
 * asynchronously after the commit.
 */
async function commitManualVpn(s: IkeSites): Promise<void> {
  await s.on(s.site1, [
    'configure',
    'set security ipsec vpn M1 manual gateway 192.0.2.2',
    'set security ipsec vpn M1 manual external-interface xe-0/0/0.0',
    'set security ipsec vpn M1 manual protocol esp',
    'set security ipsec vpn M1 manual spi 4000',
    'set security ipsec vpn M1 manual encryption algorithm aes-128-cbc',
    'set security ipsec vpn M1 manual encryption key hexadecimal 00112233445566778899aabbccddeeff',
    'set security ipsec vpn M1 manual authentication algorithm hmac-sha-256-128',
    'set security ipsec vpn M1 manual authentication key hexadecimal 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    'commit',
    'exit',
  ]);
  await s.topology.tunnels(s.site1).reconcile();
  await s.topology.network.runFor(0);
}

async function sites(opts: Parameters<typeof ikeSites>[0] = {}): Promise<IkeSites> {
  const s = await ikeSites(opts);
  open.push(s);
  return s;
}

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

/** Install the mirrored pair on both sites (site1 inbound 0x1001 = site2 outbound). */
async function pairUp(s: IkeSites, over: { site2Remote?: string } = {}): Promise<void> {
  await s.daemon(s.site1).install({ tunnelId: 500001, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x1001, outboundSpi: 0x2002 });
  await s.daemon(s.site2).install({
    tunnelId: 131073,
    vpn: 'V1',
    gateway: 'GW1',
    bindInterface: 'st0.1',
    local: '192.0.2.2',
    remote: '192.0.2.1',
    inboundSpi: 0x2002,
    outboundSpi: 0x1001,
    ...(over.site2Remote ? { localSelector: 'ipv4_subnet(any:0,[0..7]=10.2.2.0/24)', remoteSelector: over.site2Remote } : {}),
  });
}

describe('the daemon on the device', () => {
  it('iked on the SPC3 node, kmd on the SPC2 node; configured at start and after each commit', async () => {
    const s = await sites();
    const [d1, d2] = s.created;
    expect(d1!.flavour).toBe('iked');
    expect(d2!.flavour).toBe('kmd');
    // Seed Table 5: iked with an SPC3 offloads to the hardware engine.
    expect(d1!.deps.engine).toBe('native');
    expect(d2!.deps.engine).toBe('software');
    const last = d1!.configs.at(-1)!;
    expect([...last.vpns.keys()]).toEqual(['V1']);
    expect(last.vpns.get('V1')!.bindInterface).toBe('st0.1');
    const before = d1!.configs.length;
    await s.on(s.site1, ['configure', 'set security ipsec vpn V1 establish-tunnels immediately', 'commit', 'exit']);
    expect(d1!.configs.length).toBe(before + 1);
    expect(d1!.configs.at(-1)!.vpns.get('V1')!.establishTunnels).toBe('immediately');
  });

  it('restart ike-key-management replaces iked; restart ipsec-key-management is refused there; reboot and shutdown stop it', async () => {
    const s = await sites();
    const first = s.daemon(s.site1);
    expect(await s.on(s.site1, ['restart ike-key-management'])).toEqual([expect.stringMatching(/^IKE key management daemon started, pid \d+$|started, pid \d+$/)]);
    await s.topology.ike(s.site1).settled();
    const second = s.daemon(s.site1);
    expect(first.stopped).toBe(true);
    expect(second).not.toBe(first);
    expect(second.flavour).toBe('iked');
    expect(second.calls).toEqual(['configure']);
    expect((await s.on(s.site1, ['restart ipsec-key-management']))[0]).toMatch(/^error: kmd is not running/);
    await s.topology.ike(s.site1).settled();
    expect(s.daemon(s.site1)).toBe(second);
    // kmd restarts on the SPC2 node.
    const kmd = s.daemon(s.site2);
    await s.on(s.site2, ['restart ipsec-key-management']);
    await s.topology.ike(s.site2).settled();
    expect(kmd.stopped).toBe(true);
    expect(s.daemon(s.site2).flavour).toBe('kmd');
    await s.on(s.site1, ['request system reboot']);
    await s.topology.ike(s.site1).settled();
    expect(second.stopped).toBe(true);
    const third = s.daemon(s.site1);
    expect(third).not.toBe(second);
    await s.topology.shutdown();
    expect(third.stopped).toBe(true);
  });

  it('the byte source is seeded on the virtual clock: two identical labs draw the same bytes', async () => {
    const a = await sites();
    const b = await sites();
    expect(a.daemon(a.site1).deps.randomBytes(16)).toEqual(b.daemon(b.site1).deps.randomBytes(16));
    expect(a.daemon(a.site1).deps.randomBytes(16)).not.toEqual(a.daemon(a.site2).deps.randomBytes(16));
  });

  it('no daemon on an SPC3 node without junos-ike: the IKE commands say the subsystem is not running', async () => {
    const { makeDevice } = await import('../../helpers/device.js');
    const d = makeDevice([[0, 'ioc4'], [2, 'spc3']], { junosIke: false });
    try {
      expect(await d.run('show security ike security-associations')).toEqual(['error: the ike-key-management subsystem is not running']);
      expect(await d.run('show security ipsec security-associations')).toEqual(['  Total active tunnels: 0     Total Ipsec sas: 0']);
    } finally {
      await d.close();
    }
  });
});

describe('the IKE transport', () => {
  it('UDP 500 reaches the peer daemon with both endpoints; 4500 carries the non-ESP marker on the wire, stripped on delivery', async () => {
    const s = await sites();
    const wire: Uint8Array[] = [];
    s.topology.network.addTap((at, dir, packet) => {
      if (at.device === 'site1' && dir === 'out') wire.push(packet);
    });
    const d1 = s.daemon(s.site1);
    const d2 = s.daemon(s.site2);
    expect(d1.send('192.0.2.1', '192.0.2.2', bytes(1, 2, 3, 4, 5), 500)).toBe(true);
    expect(d1.send('192.0.2.1', '192.0.2.2', bytes(9, 8, 7), 4500)).toBe(true);
    await s.topology.network.runFor(1);
    expect(d2.received.map((r) => ({ ...r, payload: [...r.payload] }))).toEqual([
      { local: { address: '192.0.2.2', port: 500 }, remote: { address: '192.0.2.1', port: 500 }, payload: [1, 2, 3, 4, 5] },
      { local: { address: '192.0.2.2', port: 4500 }, remote: { address: '192.0.2.1', port: 4500 }, payload: [9, 8, 7] },
    ]);
    const udp = wire.map((p) => parseUdp(parseIpv4(p).ok ? (parseIpv4(p) as { value: { payload: Uint8Array } }).value.payload : new Uint8Array()));
    expect(udp.map((u) => (u.ok ? [u.value.destinationPort, ...u.value.payload] : []))).toEqual([
      [500, 1, 2, 3, 4, 5],
      [4500, 0, 0, 0, 0, 9, 8, 7],
    ]);
    expect(s.topology.stack(s.site2).counters.ikeReceived).toBe(2);
  });

  it('a NAT-T keepalive is one 0xFF byte on 4500, absorbed by the receiver', async () => {
    const s = await sites();
    s.daemon(s.site1).deps.transport.sendKeepalive({ address: '192.0.2.1', port: 4500 }, { address: '192.0.2.2', port: 4500 });
    await s.topology.network.runFor(1);
    expect(s.daemon(s.site2).received).toEqual([]);
    expect(s.topology.stack(s.site2).counters.natKeepalives).toBe(1);
  });

  it('IKE is dropped and counted where the zone does not allow host-inbound ike', async () => {
    const s = await sites({ ikeInbound2: false });
    s.daemon(s.site1).send('192.0.2.1', '192.0.2.2', bytes(1, 2, 3), 500);
    s.daemon(s.site1).send('192.0.2.1', '192.0.2.2', bytes(1, 2, 3), 4500);
    await s.topology.network.runFor(1);
    expect(s.daemon(s.site2).received).toEqual([]);
    expect(s.topology.stack(s.site2).counters.droppedIkeHostInbound).toBe(2);
  });

  it('refuses a local address that is not ours, and finds interface addresses', async () => {
    const s = await sites();
    const t = s.daemon(s.site1).deps.transport;
    expect(t.send({ local: { address: '192.0.2.9', port: 500 }, remote: { address: '192.0.2.2', port: 500 }, payload: bytes(1) })).toBe(false);
    expect(t.addressOf('xe-0/0/0.0', 4)).toBe('192.0.2.1');
    expect(t.addressOf('xe-0/0/0.0', 6)).toBeUndefined();
  });
});

describe('the IPsec kernel', () => {
  it('installs pairs on the gateway SPU; traffic through st0.1 is protected; counters per pair', async () => {
    const s = await sites();
    const p1 = await s.daemon(s.site1).install({ tunnelId: 500001, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x1001, outboundSpi: 0x2002 });
    const gw = s.topology.tunnels(s.site1).anchors.gateway('GW1')!;
    expect(p1).toEqual({ fpc: gw.fpc, pic: gw.pic, thread: expect.any(Number), engine: 'native' });
    await s.daemon(s.site2).install({ tunnelId: 131073, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.2', remote: '192.0.2.1', inboundSpi: 0x2002, outboundSpi: 0x1001 });
    const ping = await s.on(s.site1, ['ping 10.2.2.2 source 10.1.1.1 count 3']);
    expect(ping).toContain('3 packets transmitted, 3 packets received, 0% packet loss');
    expect(s.daemon(s.site1).deps.kernel.counters(0x1001)).toEqual({ inboundBytes: 252, inboundPackets: 3, outboundBytes: 252, outboundPackets: 3 });
    const stats = await s.on(s.site1, ['show security ipsec statistics']);
    expect(stats.slice(0, 5)).toEqual(['ESP Statistics:', '  Encrypted bytes:              252', '  Decrypted bytes:              252', '  Encrypted packets:              3', '  Decrypted packets:              3']);
    expect(await s.on(s.site1, ['show interfaces terse | match st0.1'])).toEqual(['st0.1                   up    up   inet     10.255.1.1/30']);
    await s.daemon(s.site1).deps.kernel.remove(0x1001);
    expect(s.daemon(s.site1).deps.kernel.counters(0x1001)).toBeUndefined();
    expect(s.topology.tunnels(s.site1).anchors.tunnel(500001)).toBeUndefined();
  });

  it('SPIs are unique on the device, outside 0..255, never a configured manual SPI', async () => {
    const s = await sites();
    await commitManualVpn(s);
    const k = s.daemon(s.site1).deps.kernel;
    const spis = Array.from({ length: 200 }, () => k.allocateSpi('esp'));
    expect(new Set(spis).size).toBe(200);
    for (const spi of spis) {
      expect(spi).toBeGreaterThan(255);
      expect(spi).not.toBe(4000);
    }
    await expect(s.daemon(s.site1).install({ tunnelId: 500002, vpn: 'V1', gateway: 'GW1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 4000, outboundSpi: 0x2002 })).rejects.toThrow(/already installed/);
  });

  it("a gateway's tunnels share its SPU, on different flow RT threads; NAT-T pairs carry ESP in UDP 4500", async () => {
    const s = await sites();
    const d = s.daemon(s.site1);
    const a = await d.install({ tunnelId: 500001, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x1001, outboundSpi: 0x2002, natT: true });
    const b = await d.install({ tunnelId: 500002, vpn: 'V2', gateway: 'GW1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x1003, outboundSpi: 0x2004 });
    expect([b.fpc, b.pic]).toEqual([a.fpc, a.pic]);
    expect(b.thread).not.toBe(a.thread);
    expect(await s.on(s.site1, ['show security ipsec tunnel-distribution'])).toEqual([
      '  Tunnel Id   FPC  PIC  Thread-ID  Distribution-Profile',
      `  500001      ${a.fpc}    ${a.pic}    ${String(a.thread).padEnd(11)}-`,
      `  500002      ${b.fpc}    ${b.pic}    ${String(b.thread).padEnd(11)}-`,
    ]);
    const wire: Uint8Array[] = [];
    s.topology.network.addTap((at, dir, packet) => {
      if (at.device === 'site1' && dir === 'out') wire.push(packet);
    });
    await s.on(s.site1, ['ping 10.2.2.2 source 10.1.1.1 count 1']);
    const ip = parseIpv4(wire[0]!);
    expect(ip.ok && ip.value.header.protocol).toBe(IpProtocol.UDP);
    const udp = ip.ok ? parseUdp(ip.value.payload) : undefined;
    expect(udp?.ok && [udp.value.sourcePort, udp.value.destinationPort, udp.value.payload.subarray(0, 4)]).toEqual([4500, 4500, bytes(0, 0, 0x20, 0x02)]);
  });

  it('inbound packets outside the negotiated selectors are dropped as "TS check fail"', async () => {
    const s = await sites();
    await pairUp(s, { site2Remote: 'ipv4_subnet(any:0,[0..7]=10.77.0.0/16)' });
    const ping = await s.on(s.site1, ['ping 10.2.2.2 source 10.1.1.1 count 2 wait 1']);
    expect(ping).toContain('2 packets transmitted, 0 packets received, 100% packet loss');
    const stats = await s.on(s.site2, ['show security ipsec statistics']);
    expect(stats).toContain('  Invalid SPI: 0, TS check fail: 2');
    expect(stats).toContain('  Discarded: 2');
    expect(await s.on(s.site2, ['show security ipsec statistics index 131073'])).toContain('  Invalid SPI: 0, TS check fail: 2');
  });

  it('on-traffic: a packet into st0.1 with no pair up triggers the VPN and is dropped', async () => {
    const s = await sites();
    const ping = await s.on(s.site1, ['ping 10.2.2.2 source 10.1.1.1 count 2 wait 1']);
    expect(ping).toContain('2 packets transmitted, 0 packets received, 100% packet loss');
    expect(s.daemon(s.site1).triggered).toEqual(['V1', 'V1']);
    expect(s.topology.tunnels(s.site1).counters.triggered).toBe(2);
  });

  it('an SPU that fails takes its pairs down and the daemon is told to renegotiate (its IKE SA is cleared)', async () => {
    const s = await sites();
    const d = s.daemon(s.site1);
    d.sas = [ikeSaView({ index: 7, gatewayName: 'GW1' }), ikeSaView({ index: 8, gatewayName: 'OTHER', remoteAddress: '198.51.100.9' })];
    const p = await d.install({ tunnelId: 500001, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x1001, outboundSpi: 0x2002 });
    await s.on(s.site1, [`lab fail fpc ${p.fpc} pic ${p.pic}`]);
    await s.topology.network.runFor(0);
    expect(d.deps.kernel.counters(0x1001)).toBeUndefined();
    expect(d.cleared).toEqual([{ kind: 'ike', filter: { index: 7 } }]);
    expect(s.topology.tunnels(s.site1).up('st0.1')).toBe(false);
    // The gateway anchors again on a surviving SPU.
    const again = d.deps.kernel.anchorGateway('GW1', '192.0.2.1', '192.0.2.2', 'site-to-site')!;
    expect([again.fpc, again.pic]).not.toEqual([p.fpc, p.pic]);
  });

  it('a distribution profile places the tunnel on its SPU and thread', async () => {
    const s = await sites();
    await s.on(s.site1, ['configure', 'set security distribution-profile profile-entity DP1 fpc 3 pic 1 thread-id 5', 'set security ipsec vpn V1 distribution-profile DP1', 'commit', 'exit']);
    const p = await s.daemon(s.site1).install({ tunnelId: 500001, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x1001, outboundSpi: 0x2002, distributionProfile: 'DP1' });
    expect(p).toEqual({ fpc: 3, pic: 1, thread: 5, engine: 'native' });
    expect(await s.on(s.site1, ['show security ipsec tunnel-distribution summary'])).toEqual(['  Number of Tunnels  FPC  PIC  Thread-ID', '  1                  3    1    5']);
  });
});

describe('traceoptions', () => {
  it('trace lines go to the configured file; show log prints it; a missing file is an error', async () => {
    const s = await sites({ traceFile: 'ikelog' });
    s.daemon(s.site2).send('192.0.2.2', '192.0.2.1', bytes(1, 2), 500);
    await s.topology.network.runFor(1);
    expect(await s.on(s.site1, ['show log ikelog'])).toEqual(['received 2 bytes from 192.0.2.2:500']);
    expect(await s.on(s.site1, ['show log nosuch'])).toEqual(['error: could not resolve file: nosuch']);
  });
});

describe('log files', () => {
  it('with a state directory the trace file is kept there, across a new LogFiles on the same directory', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { LogFiles } = await import('../../../chassis/net/ike-host.js');
    const dir = mkdtempSync(join(tmpdir(), 'srx5k-state-'));
    const a = new LogFiles(dir);
    a.append('ikelog', 'one');
    a.append('ikelog', 'two');
    expect(readFileSync(join(dir, 'log', 'ikelog'), 'utf8')).toBe('one\ntwo\n');
    expect(new LogFiles(dir).read('ikelog')).toEqual(['one', 'two']);
    expect(new LogFiles(dir).read('other')).toBeUndefined();
    const mem = new LogFiles();
    mem.append('x', 'line');
    expect(mem.read('x')).toEqual(['line']);
    expect(mem.names()).toEqual(['x']);
  });
});

describe('manual tunnels on the anchoring table', () => {
  it('a manual VPN is anchored by the table and listed by tunnel-distribution with its id, next to IKE tunnels', async () => {
    const s = await sites();
    await commitManualVpn(s);
    const manual = s.topology.tunnels(s.site1).list();
    expect(manual.map((t) => t.vpn.name)).toEqual(['M1']);
    const anchor = s.topology.tunnels(s.site1).anchors.tunnel(-manual[0]!.id)!;
    expect(anchor.kind).toBe('manual');
    expect([anchor.fpc, anchor.pic]).toEqual([manual[0]!.spu.slot, manual[0]!.spu.pic]);
    // The IKE gateway to the same peer pair joins the manual tunnel's SPU (flow-thread balancing, same pair).
    const p = await s.daemon(s.site1).install({ tunnelId: 500002, vpn: 'V1', gateway: 'GW1', bindInterface: 'st0.1', local: '192.0.2.1', remote: '192.0.2.2', inboundSpi: 0x1001, outboundSpi: 0x2002 });
    expect([p.fpc, p.pic]).toEqual([anchor.fpc, anchor.pic]);
    const rows = await s.on(s.site1, ['show security ipsec tunnel-distribution']);
    expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual(['Tunnel', String(manual[0]!.id), '500002']);
  });
});

describe('with the real daemons (iked on site1, kmd on site2)', () => {
  it('on-traffic: the first packet starts the negotiation and is dropped; an SPU failure brings the tunnel back on another SPU', async () => {
    const s = await sites({ realDaemons: true, traceFile: 'ikelog' });
    expect(await s.run('ping 10.2.2.2 source 10.1.1.1 count 3')).toContain('3 packets transmitted, 2 packets received, 33% packet loss');
    expect(s.topology.tunnels(s.site1).counters.triggered).toBe(1);
    const before = s.topology.tunnels(s.site1).anchors.tunnels();
    expect(before.map((t) => t.id)).toEqual([500001]);
    const { fpc, pic } = before[0]!;
    await s.run(`lab fail fpc ${fpc} pic ${pic}`);
    await s.topology.network.runFor(100);
    expect(await s.run('show security ike security-associations')).toEqual([]);
    expect(await s.run('show security ipsec security-associations')).toEqual(['  Total active tunnels: 0     Total IPsec sas: 0']);
    expect(s.topology.tunnels(s.site1).up('st0.1')).toBe(false);
    // The next packet negotiates again; the tunnel lands on a surviving SPU.
    expect(await s.run('ping 10.2.2.2 source 10.1.1.1 count 3')).toContain('3 packets transmitted, 2 packets received, 33% packet loss');
    const after = s.topology.tunnels(s.site1).anchors.tunnels();
    expect(after.map((t) => t.id)).toEqual([500001]);
    expect([after[0]!.fpc, after[0]!.pic]).not.toEqual([fpc, pic]);
    expect((await s.run('show security ike security-associations'))[1]).toMatch(/^2 +UP .*IKEv2 +192\.0\.2\.2$/);
    expect((await s.on(s.site2, ['show security ike sa']))[1]).toMatch(/^\d{7} UP .*IKEv2 +192\.0\.2\.1$/);
    expect((await s.on(s.site1, ['show log ikelog'])).filter((l) => l.includes('IPSec SA negotiation successfully completed'))).toHaveLength(2);
  });
});
