/**
 * Dynamic gateways (`security ike gateway G dynamic { … }`), responder side: a hub whose one
 * dynamic gateway answers several spokes (site-to-site gateways pointing at the hub). Each
 * spoke is chosen by its IKE ID in IKE_AUTH and gets its own IKE SA, tunnel id and anchor;
 * unknown IDs and peers beyond connections-limit are refused with AUTHENTICATION_FAILED.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createIkeDaemon, type SharedIkeDaemon } from '../../../../ike/daemon.js';
import { FIRST_TUNNEL_ID, type IkeDatagram } from '../../../../ike/ports.js';
import { KMD_FLAVOUR } from '../../../../kmd/daemon.js';
import { VirtualClock } from '../../../../sim/clock.js';
import { Random } from '../../../../sim/random.js';
import { configModel, seededBytes, settle, siteConfig } from '../../../helpers/ike-pair.js';
import { MockKernel } from '../../../helpers/mock-kernel.js';
import { expectRefused, RuleDevices, setUp } from '../../../helpers/commit-rules.js';

const HUB = '198.51.100.2';

interface Node {
  readonly address: string;
  readonly daemon: SharedIkeDaemon;
  readonly kernel: MockKernel;
  readonly trace: string[];
}

/** A hub and spokes on one in-memory wire (datagrams go to the daemon owning the address). */
class Star {
  readonly clock = new VirtualClock();
  readonly wire: IkeDatagram[] = [];
  readonly nodes = new Map<string, Node>();

  async add(address: string, config: string, seed: number): Promise<Node> {
    const random = new Random(seed);
    const kernel = new MockKernel(0x10000001 * ((seed % 13) + 1), FIRST_TUNNEL_ID.kmd);
    const trace: string[] = [];
    const daemon = await createIkeDaemon(KMD_FLAVOUR, {
      clock: this.clock,
      random,
      randomBytes: seededBytes(random.fork()),
      transport: {
        send: (d) => {
          if (d.local.address !== address) return false;
          this.wire.push({ local: d.remote, remote: d.local, payload: d.payload });
          return true;
        },
        sendKeepalive: () => undefined,
        addressOf: () => address,
      },
      kernel,
      engine: 'native',
      hostname: () => address,
      trace: (l) => trace.push(l),
    });
    const node = { address, daemon, kernel, trace };
    this.nodes.set(address, node);
    daemon.configure(configModel(config));
    return node;
  }

  async run(max = 500): Promise<void> {
    for (let n = 0; this.wire.length > 0 && n < max; n++) {
      const d = this.wire.shift()!;
      this.nodes.get(d.local.address)?.daemon.receive(d);
      await settle();
    }
  }

  async stop(): Promise<void> {
    for (const n of this.nodes.values()) await n.daemon.stop();
  }
}

function hubConfig(identity: string, extra: readonly string[] = []): string {
  return siteConfig({ local: HUB, remote: '0.0.0.0', establish: 'immediately' })
    .split('\n')
    .filter((l) => !l.startsWith('set security ike gateway GW1 address'))
    .concat([`set security ike gateway GW1 dynamic ${identity}`, ...extra])
    .join('\n');
}

function spokeConfig(n: number, identity = 'hostname spoke.example.net', psk?: string): string {
  return siteConfig({
    local: `192.0.2.${10 + n}`,
    remote: HUB,
    establish: 'immediately',
    localIdentity: identity,
    ...(psk ? { psk } : {}),
    selectors: [['ts1', `10.0.${n}.0/24`, '10.0.0.0/8']],
  });
}

let star: Star | undefined;
afterEach(async () => {
  await star?.stop();
  star = undefined;
});

describe('dynamic gateway (responder)', () => {
  it('three spokes with one hostname identity: one IKE SA, tunnel id and anchor each, selectors kept apart', async () => {
    star = new Star();
    const hub = await star.add(HUB, hubConfig('hostname spoke.example.net'), 1);
    // Nothing is initiated toward a dynamic gateway, establish-tunnels immediately or not.
    expect(star.wire).toHaveLength(0);
    expect(hub.daemon.inactiveTunnels().tunnels).toEqual([]);
    const spokes = [];
    for (const n of [1, 2, 3]) spokes.push(await star.add(`192.0.2.${10 + n}`, spokeConfig(n), 10 + n));
    await star.run();

    for (const s of spokes) expect(s.daemon.tunnels()).toHaveLength(1);
    const sas = hub.daemon.ikeSas();
    expect(sas.map((v) => [v.state, v.remoteAddress, v.gatewayName, v.role, v.peerIkeId])).toEqual([
      ['UP', '192.0.2.11', 'GW1', 'Responder', 'spoke.example.net'],
      ['UP', '192.0.2.12', 'GW1', 'Responder', 'spoke.example.net'],
      ['UP', '192.0.2.13', 'GW1', 'Responder', 'spoke.example.net'],
    ]);
    // One tunnel id per peer, all bound to st0.1, each with the spoke's own network.
    const tunnels = hub.daemon.tunnels();
    expect(tunnels.map((t) => [t.id, t.vpnName, t.remoteGateway, t.bindInterface, t.remoteIdentity])).toEqual([
      [131073, 'VPN1', '192.0.2.11', 'st0.1', expect.stringContaining('10.0.1.0')],
      [131074, 'VPN1', '192.0.2.12', 'st0.1', expect.stringContaining('10.0.2.0')],
      [131075, 'VPN1', '192.0.2.13', 'st0.1', expect.stringContaining('10.0.3.0')],
    ]);
    // Each peer is anchored under its own name; the chassis reads `GW1#n` as dynamic GW1.
    expect(hub.kernel.anchors).toEqual(['GW1#1', 'GW1#2', 'GW1#3']);
    const installs = [...hub.kernel.installed.values()];
    expect(installs.map((i) => [i.gateway, i.bindInterface, i.remote, i.remoteSelector]).sort()).toEqual([
      ['GW1#1', 'st0.1', '192.0.2.11', expect.stringContaining('10.0.1.0')],
      ['GW1#2', 'st0.1', '192.0.2.12', expect.stringContaining('10.0.2.0')],
      ['GW1#3', 'st0.1', '192.0.2.13', expect.stringContaining('10.0.3.0')],
    ]);
  });

  it('an inet identity chooses the gateway among several on one interface; a site-to-site address still wins', async () => {
    star = new Star();
    const hub = await star.add(
      HUB,
      hubConfig('hostname spoke.example.net', [
        'set security ike gateway DYN2 ike-policy POL1',
        'set security ike gateway DYN2 dynamic inet 192.0.2.99',
        'set security ike gateway DYN2 external-interface ge-0/0/0.0',
        'set security ike gateway DYN2 local-address 198.51.100.2',
        'set security ike gateway DYN2 version v2-only',
        'set security ipsec vpn VPN2 bind-interface st0.2',
        'set security ipsec vpn VPN2 ike gateway DYN2',
        'set security ipsec vpn VPN2 ike ipsec-policy IPOL1',
        'set interfaces st0 unit 2 family inet',
        // A site-to-site gateway for spoke 3's address.
        'set security ike gateway S2S ike-policy POL1',
        'set security ike gateway S2S address 192.0.2.13',
        'set security ike gateway S2S external-interface ge-0/0/0.0',
        'set security ike gateway S2S local-address 198.51.100.2',
        'set security ike gateway S2S remote-identity hostname spoke.example.net',
        'set security ike gateway S2S version v2-only',
        'set security ipsec vpn VPN3 bind-interface st0.3',
        'set security ipsec vpn VPN3 ike gateway S2S',
        'set security ipsec vpn VPN3 ike ipsec-policy IPOL1',
        'set interfaces st0 unit 3 family inet',
      ]),
      2,
    );
    await star.add('192.0.2.11', spokeConfig(1, 'inet 192.0.2.99'), 21);
    await star.add('192.0.2.12', spokeConfig(2), 22);
    await star.add('192.0.2.13', spokeConfig(3), 23);
    await star.run();
    const byPeer = Object.fromEntries(hub.daemon.tunnels().map((t) => [t.remoteGateway, [t.vpnName, t.bindInterface]]));
    expect(byPeer).toEqual({ '192.0.2.11': ['VPN2', 'st0.2'], '192.0.2.12': ['VPN1', 'st0.1'], '192.0.2.13': ['VPN3', 'st0.3'] });
    expect(hub.daemon.ikeSas().map((s) => [s.remoteAddress, s.gatewayName, s.peerIkeId]).sort()).toEqual([
      ['192.0.2.11', 'DYN2', '192.0.2.99'],
      ['192.0.2.12', 'GW1', 'spoke.example.net'],
      ['192.0.2.13', 'S2S', 'spoke.example.net'],
    ]);
  });

  it('an unknown IKE ID and a wrong PSK are refused with AUTHENTICATION_FAILED, with a plain line at both ends', async () => {
    star = new Star();
    const hub = await star.add(HUB, hubConfig('hostname spoke.example.net'), 3);
    const stranger = await star.add('192.0.2.11', spokeConfig(1, 'hostname stranger.example.net'), 31);
    const wrongKey = await star.add('192.0.2.12', spokeConfig(2, 'hostname spoke.example.net', 'not-the-key'), 32);
    const good = await star.add('192.0.2.13', spokeConfig(3), 33);
    await star.run();
    const failed = 'Authentication failed: peer answered AUTHENTICATION_FAILED (pre-shared key or IKE ID mismatch)';
    for (const s of [stranger, wrongKey]) {
      expect(s.daemon.tunnels()).toEqual([]);
      expect(s.daemon.inactiveTunnels().tunnels[0]).toMatchObject({ gateway: HUB, downReason: failed, downReasonCount: 1 });
    }
    expect(good.daemon.tunnels()).toHaveLength(1);
    expect(hub.daemon.counters().rejected).toEqual({ 'dynamic-unknown-ike-id': 1 });
    expect(hub.trace.some((l) => l.endsWith('Authentication failed: no dynamic gateway accepts IKE ID hostname stranger.example.net'))).toBe(true);
    expect(hub.trace.some((l) => l.includes('GW1#') && l.endsWith('Authentication failed: pre-shared key mismatch (peer AUTH payload does not verify)'))).toBe(true);
    // The refused peers leave nothing behind on the hub.
    expect(hub.daemon.ikeSas().map((s) => s.remoteAddress)).toEqual(['192.0.2.13']);
    expect(hub.daemon.tunnelObjects().map((t) => [t.id, t.gateway.remote])).toEqual([[131073, '192.0.2.13']]);
    expect(hub.kernel.anchors).toEqual(['GW1#2']);
    expect(hub.kernel.released).toEqual([]);
  });

  it('connections-limit 2 refuses the third spoke; a freed place is taken again', async () => {
    star = new Star();
    const hub = await star.add(HUB, hubConfig('hostname spoke.example.net', ['set security ike gateway GW1 dynamic connections-limit 2']), 4);
    const spokes = [];
    for (const n of [1, 2, 3]) spokes.push(await star.add(`192.0.2.${10 + n}`, spokeConfig(n), 40 + n));
    await star.run();
    expect(spokes.map((s) => s.daemon.tunnels().length)).toEqual([1, 1, 0]);
    expect(spokes[2]!.daemon.inactiveTunnels().tunnels[0]?.downReason).toBe('Authentication failed: peer answered AUTHENTICATION_FAILED (pre-shared key or IKE ID mismatch)');
    expect(hub.daemon.counters().rejected).toEqual({ 'dynamic-connections-limit': 1 });
    expect(hub.trace.some((l) => l.endsWith('Authentication failed: connections-limit 2 of gateway GW1 reached, peer 192.0.2.13 refused'))).toBe(true);
    expect(hub.daemon.ikeSas()).toHaveLength(2);

    // Spoke 1 goes away (its IKE SA is cleared and it stops retrying): spoke 3's retry gets in.
    const first = spokes[0]!;
    first.daemon.configure(configModel(spokeConfig(1).split('\n').filter((l) => !l.includes('establish-tunnels')).join('\n')));
    first.daemon.clearIke();
    await star.run();
    expect(hub.daemon.ikeSas().map((s) => s.remoteAddress)).toEqual(['192.0.2.12']);
    expect(hub.kernel.released).toContain('GW1#1');
    star.clock.advance(10_000);
    await star.run();
    expect(spokes[2]!.daemon.tunnels()).toHaveLength(1);
    expect(hub.daemon.ikeSas().map((s) => s.remoteAddress).sort()).toEqual(['192.0.2.12', '192.0.2.13']);
    // The new peer has a new tunnel id (refused attempts take none).
    expect(hub.daemon.tunnels().map((t) => t.id)).toEqual([131074, 131075]);
  });

  it('a reconnect from the same peer replaces its IKE SA; reject-duplicate-connection refuses it', async () => {
    for (const reject of [false, true]) {
      star = new Star();
      const hub = await star.add(HUB, hubConfig('hostname spoke.example.net', reject ? ['set security ike gateway GW1 dynamic reject-duplicate-connection'] : []), 5);
      const spoke = await star.add('192.0.2.11', spokeConfig(1), 51);
      await star.run();
      const before = hub.daemon.ikeSas().map((s) => s.index);
      expect(before).toHaveLength(1);
      // The spoke forgets its SAs without telling the hub (a reboot), then comes again.
      await spoke.daemon.stop();
      star.wire.length = 0;
      const again = await star.add('192.0.2.11', spokeConfig(1), 52);
      await star.run();
      const after = hub.daemon.ikeSas();
      expect(after).toHaveLength(1);
      if (reject) {
        expect(after[0]!.index).toBe(before[0]);
        expect(again.daemon.tunnels()).toEqual([]);
        expect(hub.daemon.counters().rejected).toEqual({ 'dynamic-duplicate-connection': 1 });
      } else {
        expect(after[0]!.index).not.toBe(before[0]);
        expect(again.daemon.tunnels()).toHaveLength(1);
        expect(hub.daemon.tunnels()).toHaveLength(1);
      }
      await star.stop();
      star = undefined;
    }
  });
});

describe('dynamic gateway and configuration changes', () => {
  it('an unrelated change keeps the peers; a change to the dynamic gateway deletes them (the spokes are told)', async () => {
    star = new Star();
    const hub = await star.add(HUB, hubConfig('hostname spoke.example.net'), 6);
    const spokes = [await star.add('192.0.2.11', spokeConfig(1), 61), await star.add('192.0.2.12', spokeConfig(2), 62)];
    await star.run();
    const indexes = hub.daemon.ikeSas().map((s) => s.index);
    expect(indexes).toHaveLength(2);
    hub.daemon.configure(configModel(hubConfig('hostname spoke.example.net', ['set interfaces st0 unit 9 family inet'])));
    await star.run();
    expect(hub.daemon.ikeSas().map((s) => s.index)).toEqual(indexes);
    hub.daemon.configure(configModel(hubConfig('hostname spoke.example.net', ['set security ike gateway GW1 dynamic connections-limit 5'])));
    expect(hub.daemon.ikeSas()).toEqual([]);
    expect(hub.daemon.tunnelObjects()).toEqual([]);
    expect([...hub.kernel.released].sort()).toEqual(['GW1#1', 'GW1#2']);
    await star.run();
    // The spokes heard the Delete and, establish-tunnels immediately, come back 10 s later.
    for (const s of spokes) expect(s.daemon.tunnels()).toEqual([]);
    star.clock.advance(10_000);
    await star.run();
    for (const s of spokes) expect(s.daemon.tunnels()).toHaveLength(1);
    expect(hub.daemon.ikeSas().map((s) => s.gatewayName)).toEqual(['GW1', 'GW1']);
  });
});

describe('commit: a dynamic gateway on a route-based VPN', () => {
  const devices = new RuleDevices();
  afterEach(() => devices.closeAll());

  it('commits without xauth/aaa, and is refused with xauth (remote access)', async () => {
    const d = devices.dev([[2, 'spc2']], { junosIke: false });
    await setUp(d, ['delete security ike gateway GW address', 'set security ike gateway GW dynamic hostname spoke.example.net', 'set security ike gateway GW dynamic connections-limit 2']);
    expect(await d.run('commit')).toEqual(['commit complete']);
    await d.run('set security ike gateway GW xauth access-profile REMOTE');
    await expectRefused(d, [
      '[edit security ipsec vpn V1]',
      "    'bind-interface st0.1'",
      '        Route-based VPNs do not support remote-access (dial-up) users: gateway GW authenticates dial-up users',
    ]);
  });
});
