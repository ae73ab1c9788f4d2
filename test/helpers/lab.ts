/** A topology file brought up in the test process, as `srx5k --batch --topology FILE` does. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commitBootConfig } from '../../chassis/boot-config.js';
import { Device } from '../../chassis/device.js';
import { parseTopology } from '../../chassis/topology-file.js';
import { Topology } from '../../chassis/topology.js';
import { Interpreter } from '../../cli/engine/interpreter.js';
import { VirtualClock } from '../../sim/clock.js';
import { ROOT } from './program.js';

const TOPO = join(ROOT, 'test', 'fixtures', 'topology');

export interface Lab {
  readonly topology: Topology;
  readonly clock: VirtualClock;
  readonly cli: Interpreter;
  dev(name: string): Device;
  run(line: string): Promise<string[]>;
}

const open: Topology[] = [];

/** Shut every lab down (call from afterEach). */
export async function closeLabs(): Promise<void> {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
}

/** Bring up test/fixtures/topology/FILE on a virtual clock. */
export function lab(file: string): Lab {
  const path = join(TOPO, file);
  const spec = parseTopology(readFileSync(path, 'utf8'), dirname(path));
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  let topology: Topology | undefined;
  for (const d of spec.devices) {
    const c = d.choice;
    const device = Device.create({ model: c.model, re: c.re, release: c.release, cards: c.cards, clock, hostname: d.name, ...(c.junosIke !== undefined ? { junosIke: c.junosIke } : {}) });
    if (d.config) commitBootConfig(device, d.config);
    if (topology) topology.add(device);
    else topology = new Topology(device, clock);
  }
  for (const [x, y] of spec.links) topology!.link(x, y);
  open.push(topology!);
  const cli = new Interpreter(topology!);
  return {
    topology: topology!,
    clock,
    cli,
    dev: (name) => topology!.all().find((d) => d.hostname === name)!,
    run: async (line) => [...(await cli.execute(line)).lines],
  };
}
