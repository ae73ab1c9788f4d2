/**
 * Initiation pacing on real devices (ike/v2/timers.ts MAX_INITIATING = 64): a hub commits more
 * `immediately` gateways than it may negotiate at once. Gateways past the 64th wait their turn,
 * and every tunnel of a waiting gateway comes up with it, even when the gateway carries several
 * VPNs or its VPN changes while it waits (regressions: a second tunnel of a queued gateway stayed
 * marked "negotiating" forever; a queued gateway whose VPN changed never started).
 */
import { describe, expect, it } from 'vitest';
import { commonLines } from '../../../bench/ike.js';
import { Device } from '../../../chassis/device.js';
import { Topology } from '../../../chassis/topology.js';
import { loadConfigText } from '../../../config/load.js';
import { schemaRoot } from '../../../config/schema/schema.js';
import { formatCommitErrors } from '../../../config/validate/index.js';
import { MAX_INITIATING } from '../../../ike/v2/timers.js';
import { VirtualClock } from '../../../sim/clock.js';

const N = MAX_INITIATING + 4;
const site = (i: number): string => `10.200.${i >> 8}.${i & 0xff}`;

/** One VPN of gateway G`i`; the last gateway carries two, told apart by traffic selectors. */
function vpns(i: number, hub: boolean, establish: string): string[] {
  const lines = (name: string, unit: number, ts?: [string, string]): string[] => [
    `set interfaces st0 unit ${unit} family inet`,
    `set security zones security-zone vpn interfaces st0.${unit}`,
    `set security ipsec vpn ${name} bind-interface st0.${unit}`,
    `set security ipsec vpn ${name} ike gateway G${i}`,
    `set security ipsec vpn ${name} ike ipsec-policy PIP1`,
    ...(hub ? [`set security ipsec vpn ${name} establish-tunnels ${establish}`] : []),
    ...(ts ? [`set security ipsec vpn ${name} traffic-selector T1 local-ip ${hub ? ts[0] : ts[1]}`, `set security ipsec vpn ${name} traffic-selector T1 remote-ip ${hub ? ts[1] : ts[0]}`] : []),
  ];
  if (i < N - 1) return lines(`V${i}`, i + 1);
  return [...lines(`V${i}a`, i + 1, ['172.16.1.0/24', '172.17.1.0/24']), ...lines(`V${i}b`, i + 2, ['172.16.2.0/24', '172.17.2.0/24'])];
}

function hubLines(establishLast = 'immediately'): string[] {
  const out = commonLines('hub', '192.0.2.1');
  out.push('set routing-options static route 10.200.0.0/16 next-hop 192.0.2.2');
  for (let i = 0; i < N; i++) {
    out.push(
      `set security ike gateway G${i} ike-policy IP1`,
      `set security ike gateway G${i} address ${site(i)}`,
      `set security ike gateway G${i} external-interface xe-0/0/0.0`,
      `set security ike gateway G${i} version v2-only`,
      ...vpns(i, true, i === N - 1 ? establishLast : 'immediately'),
    );
  }
  return out;
}

function peerLines(): string[] {
  const out = [...commonLines('peer', '192.0.2.2'), 'set security zones security-zone trust interfaces lo0.0'];
  for (let i = 0; i < N; i++) {
    out.push(
      `set interfaces lo0 unit 0 family inet address ${site(i)}/32`,
      `set security ike gateway G${i} ike-policy IP1`,
      `set security ike gateway G${i} address 192.0.2.1`,
      `set security ike gateway G${i} external-interface xe-0/0/0.0`,
      `set security ike gateway G${i} local-address ${site(i)}`,
      `set security ike gateway G${i} version v2-only`,
      ...vpns(i, false, ''),
    );
  }
  return out;
}

function commit(dev: Device, lines: readonly string[]): void {
  const r = loadConfigText('set', lines.join('\n'), dev.config.candidate, { root: schemaRoot(), origin: 'test' });
  if (!r.ok || r.errors.length > 0) throw new Error(r.ok ? r.errors.join('\n') : r.error);
  const outcome = dev.config.commit(r.tree, { user: 'root' });
  if (!outcome.ok) throw new Error(formatCommitErrors(outcome.errors).join('\n'));
}

async function bed(): Promise<{ topology: Topology; hub: Device; peer: Device; up: () => string[] }> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const mk = (hostname: string): Device => Device.create({ model: 'srx5800', re: 're3', release: '24.4R1', cards: [[0, 'ioc4'], [2, 'spc3'], [3, 'spc3']], clock, hostname });
  const hub = mk('hub');
  const peer = mk('peer');
  const topology = new Topology(hub, clock);
  topology.add(peer);
  topology.link({ device: 'hub', ifd: 'xe-0/0/0' }, { device: 'peer', ifd: 'xe-0/0/0' });
  await topology.network.runFor(0);
  commit(peer, peerLines());
  await topology.network.runFor(0);
  const up = (): string[] => (topology.ike(hub).daemon?.tunnels() ?? []).filter((t) => t.sas.length > 0).map((t) => t.vpnName).sort();
  return { topology, hub, peer, up };
}

describe('initiation pacing on two SRX5800s', () => {
  it(`${N} immediately gateways: all come up, the last with both of its VPNs`, async () => {
    const b = await bed();
    try {
      commit(b.hub, hubLines());
      const daemon = b.topology.ike(b.hub).daemon!;
      await b.topology.network.runFor(0);
      expect(daemon.ikeSas().length).toBeLessThanOrEqual(MAX_INITIATING);
      for (let i = 0; i < 40 && b.up().length < N + 1; i++) await b.topology.network.runFor(50);
      expect(b.up()).toHaveLength(N + 1);
      expect(b.up()).toContain(`V${N - 1}a`);
      expect(b.up()).toContain(`V${N - 1}b`);
    } finally {
      await b.topology.shutdown();
    }
  });

  it('a queued gateway whose VPN changes before its turn still comes up', async () => {
    const b = await bed();
    try {
      commit(b.hub, hubLines());
      // The last gateway is still queued: change its VPNs (on-traffic → immediately keeps them wanted).
      const again = hubLines('immediately').filter((l) => l.includes(`V${N - 1}a `) && l.includes('local-ip'));
      commit(b.hub, again.map((l) => l.replace('172.16.1.0/24', '172.16.3.0/24')));
      await b.topology.network.runFor(0);
      for (let i = 0; i < 40 && b.up().length < N + 1; i++) await b.topology.network.runFor(50);
      const up = b.up();
      expect(up).toContain(`V${N - 1}b`);
      expect(up).toHaveLength(N); // V..a now proposes 172.16.3.0/24, which the peer does not have
    } finally {
      await b.topology.shutdown();
    }
  });
});
