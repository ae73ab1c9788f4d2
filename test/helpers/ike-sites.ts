/**
 * Two devices on one in-process link, each with a fake IKE daemon (test/helpers/fake-ike-daemon.ts):
 * site1 runs iked on SPC3s, site2 runs kmd on SPC2s. Both have an IKE-keyed route-based VPN V1
 * bound to st0.1 (establish-tunnels on-traffic) toward each other.
 */
import { Device } from '../../chassis/device.js';
import { Topology } from '../../chassis/topology.js';
import { Interpreter } from '../../cli/engine/interpreter.js';
import { VirtualClock } from '../../sim/clock.js';
import { runAnswering } from './device.js';
import { fakeDaemons, type FakeIkeDaemon } from './fake-ike-daemon.js';

export interface IkeSites {
  readonly clock: VirtualClock;
  readonly topology: Topology;
  readonly site1: Device;
  readonly site2: Device;
  readonly cli: Interpreter;
  readonly created: FakeIkeDaemon[];
  /** The daemon running now on a device. */
  daemon(dev: Device): FakeIkeDaemon;
  /** Run a line on the device on the console (answering yes); the output lines. */
  run(line: string): Promise<string[]>;
  /** Run lines on one device (the console moves there). */
  on(dev: Device, lines: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

export function siteConfig(n: 1 | 2, opts: { ikeInbound?: boolean; traceFile?: string } = {}): string[] {
  const peer = n === 1 ? 2 : 1;
  return [
    `set interfaces xe-0/0/0 unit 0 family inet address 192.0.2.${n}/24`,
    `set interfaces lo0 unit 0 family inet address 10.${n}.${n}.${n}/32`,
    `set interfaces st0 unit 1 family inet address 10.255.1.${n}/30`,
    'set security zones security-zone untrust host-inbound-traffic system-services ping',
    ...(opts.ikeInbound === false ? [] : ['set security zones security-zone untrust host-inbound-traffic system-services ike']),
    'set security zones security-zone untrust interfaces xe-0/0/0.0',
    'set security zones security-zone trust interfaces lo0.0',
    'set security zones security-zone vpn host-inbound-traffic system-services ping',
    'set security zones security-zone vpn interfaces st0.1',
    'set security ike proposal P1 authentication-method pre-shared-keys',
    'set security ike proposal P1 dh-group group19',
    'set security ike proposal P1 authentication-algorithm sha-256',
    'set security ike proposal P1 encryption-algorithm aes-256-cbc',
    'set security ike policy IP1 proposals P1',
    'set security ike policy IP1 pre-shared-key ascii-text secret123',
    'set security ike gateway GW1 ike-policy IP1',
    `set security ike gateway GW1 address 192.0.2.${peer}`,
    'set security ike gateway GW1 external-interface xe-0/0/0.0',
    'set security ike gateway GW1 version v2-only',
    'set security ipsec proposal PP1 protocol esp',
    'set security ipsec proposal PP1 encryption-algorithm aes-256-gcm',
    'set security ipsec policy PIP1 proposals PP1',
    'set security ipsec vpn V1 bind-interface st0.1',
    'set security ipsec vpn V1 ike gateway GW1',
    'set security ipsec vpn V1 ike ipsec-policy PIP1',
    'set security ipsec vpn V1 establish-tunnels on-traffic',
    ...(opts.traceFile ? [`set security ike traceoptions file ${opts.traceFile}`] : []),
    `set routing-options static route 10.${peer}.${peer}.${peer}/32 next-hop st0.1`,
  ];
}

export async function ikeSites(opts: { ikeInbound2?: boolean; traceFile?: string; realDaemons?: boolean } = {}): Promise<IkeSites> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const fakes = fakeDaemons();
  const site1 = Device.create({ model: 'srx5800', re: 're3', release: '24.4R1', cards: [[0, 'ioc4'], [2, 'spc3'], [3, 'spc3']], clock, hostname: 'site1' });
  const site2 = Device.create({ model: 'srx5800', re: 're3', release: '24.4R1', cards: [[0, 'ioc4'], [2, 'spc2'], [3, 'spc2']], junosIke: false, clock, hostname: 'site2' });
  const topology = new Topology(site1, clock, opts.realDaemons ? {} : { ikeDaemons: fakes.factory });
  topology.add(site2);
  topology.link({ device: 'site1', ifd: 'xe-0/0/0' }, { device: 'site2', ifd: 'xe-0/0/0' });
  const cli = new Interpreter(topology);
  const run = (line: string): Promise<string[]> => runAnswering(cli, line);
  const on = async (dev: Device, lines: readonly string[]): Promise<string[]> => {
    if (topology.current !== dev) await run(`lab console ${dev.hostname}`);
    const out: string[] = [];
    for (const l of lines) out.push(...(await run(l)));
    return out;
  };
  const commit = async (dev: Device, lines: readonly string[]): Promise<void> => {
    const out = await on(dev, ['configure', ...lines, 'commit', 'exit']);
    if (!out.includes('commit complete')) throw new Error(`commit failed on ${dev.hostname}:\n${out.join('\n')}`);
  };
  await commit(site1, siteConfig(1, opts.traceFile ? { traceFile: opts.traceFile } : {}));
  await commit(site2, siteConfig(2, { ikeInbound: opts.ikeInbound2 ?? true }));
  await run('lab console site1');
  await topology.ike(site1).settled();
  await topology.ike(site2).settled();
  await topology.network.runFor(0);
  return {
    clock,
    topology,
    site1,
    site2,
    cli,
    created: fakes.created,
    daemon: (dev) => topology.ike(dev).daemon as FakeIkeDaemon,
    run,
    on,
    close: () => topology.shutdown(),
  };
}
