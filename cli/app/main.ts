/**
 * The `srx5k` program: arguments (commander), the device (fresh or from `--state`), then the
 * interactive terminal or the batch transcript. The only place besides sim/real-clock.ts that
 * may pick the wall clock.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { commitBootConfig } from '../../chassis/boot-config.js';
import { parseTopology } from '../../chassis/topology-file.js';
import { Device } from '../../chassis/device.js';
import { Refusal } from '../../chassis/refusal.js';
import { StateError, StateStore } from '../../chassis/state-store.js';
import { Topology } from '../../chassis/topology.js';
import { VirtualClock, type Clock } from '../../sim/clock.js';
import { RealClock } from '../../sim/real-clock.js';
import { Interpreter } from '../engine/interpreter.js';
import { runBatch } from './batch.js';
import { chooseDevice, UsageError, type RawOptions } from '../../chassis/device-choice.js';

/** Where the virtual clock starts: a fixed instant, so batch transcripts are reproducible. */
const VIRTUAL_EPOCH = Date.UTC(2026, 0, 1, 0, 0, 0);

const HARDWARE_FLAGS = ['model', 're', 'release', 'cards', 'junosIke', 'hostname'] as const;

function buildProgram(): Command {
  return new Command()
    .name('srx5k')
    .description('Juniper SRX5400/SRX5600/SRX5800 emulator with a Junos CLI')
    .option('--model <model>', 'chassis model: srx5400, srx5600 or srx5800', 'srx5800')
    .option('--re <re>', 'Routing Engine generation: re2 or re3', 're3')
    .option('--release <release>', 'Junos release the device runs, e.g. 23.4R1')
    .option('--cards <list>', 'cards at power-on, SLOT:TYPE comma list (TYPE: spc2, spc3, ioc3, ioc4)')
    .option('--no-junos-ike', 'boot without the junos-ike package')
    .option('--hostname <name>', 'host name in prompts and output')
    .option('--state <dir>', 'keep the device state in DIR across runs')
    .option('--batch', 'read CLI lines from standard input, print a transcript, exit')
    .option('--attach <ifs>', 'put these ports on the host network: ESP-in-UDP (4500) over real UDP sockets')
    .option('--topology <file>', 'several devices in one process, from a YAML file (devices, links)')
    .option('--seed <n>', 'seed of the random source (serial numbers, process ids, tie-breaks)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    program.parse([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    throw err;
  }
  const raw = program.opts<RawOptions & { junosIke: boolean }>();
  try {
    return await run(program, raw);
  } catch (err) {
    if (err instanceof UsageError || err instanceof Refusal || err instanceof StateError) {
      process.stderr.write(`srx5k: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function run(program: Command, raw: RawOptions): Promise<number> {
  const batch = raw.batch === true || !process.stdin.isTTY;
  const attach = parseAttach(raw.attach);
  if (raw.topology !== undefined) return runTopology(program, raw, batch);
  const store = raw.state !== undefined ? new StateStore(raw.state) : null;
  store?.cleanTemporaries();
  const saved = store?.load() ?? null;

  let clock: Clock;
  let device: Device;
  if (saved) {
    const explicit = HARDWARE_FLAGS.filter((f) => program.getOptionValueSource(f) === 'cli');
    if (explicit.length > 0) {
      throw new UsageError(`${raw.state} already holds a device; ${explicit.map(flagName).join(', ')} cannot change it (use lab insert/remove, or a new --state directory)`);
    }
    clock = batch && attach.length === 0 ? new VirtualClock(Math.max(VIRTUAL_EPOCH, saved.savedAt)) : new RealClock();
    device = Device.restore(saved.device, clock);
  } else {
    const choice = chooseDevice(raw);
    // A peer on the host network answers in real time: attached devices run on the wall clock.
    clock = batch && attach.length === 0 ? new VirtualClock(VIRTUAL_EPOCH) : new RealClock();
    device = Device.create({
      model: choice.model,
      re: choice.re,
      release: choice.release,
      cards: choice.cards,
      clock,
      ...(choice.junosIke !== undefined ? { junosIke: choice.junosIke } : {}),
      ...(choice.hostname !== undefined ? { hostname: choice.hostname } : {}),
      ...(choice.seed !== undefined ? { seed: choice.seed } : {}),
    });
  }
  const topology = new Topology(device, clock, raw.state !== undefined ? { stateDir: raw.state } : {});
  for (const ifd of attach) await topology.attachHost(device, ifd);
  const interp = new Interpreter(topology);
  const persist = (): void => store?.save({ savedAt: clock.now(), device: device.snapshot() });
  persist();

  let code = 0;
  try {
    if (batch) {
      code = await runBatch(interp, process.stdin, process.stdout, { onLine: persist });
    } else {
      const { runInteractive } = await import('./interactive.js');
      await runInteractive(interp, { onLine: persist });
    }
  } finally {
    persist();
    await topology.shutdown();
  }
  return code;
}

/** `--topology FILE`: several devices on one clock and one in-process network. */
async function runTopology(program: Command, raw: RawOptions, batch: boolean): Promise<number> {
  const explicit = [...HARDWARE_FLAGS, 'state' as const].filter((f) => program.getOptionValueSource(f) === 'cli');
  if (explicit.length > 0) throw new UsageError(`--topology describes every device itself; ${explicit.map(flagName).join(', ')} cannot be combined with it`);
  const file = resolve(raw.topology!);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--topology: cannot read ${file}`);
  }
  const spec = parseTopology(text, dirname(file));
  if (raw.attach !== undefined) throw new UsageError('--attach cannot be combined with --topology: list attached interfaces under attach: in the topology file');
  const clock: Clock = batch && spec.attach.length === 0 ? new VirtualClock(VIRTUAL_EPOCH) : new RealClock();
  let topology: Topology | undefined;
  try {
    for (const d of spec.devices) {
      const c = d.choice;
      const device = Device.create({
        model: c.model,
        re: c.re,
        release: c.release,
        cards: c.cards,
        clock,
        hostname: d.name,
        ...(c.junosIke !== undefined ? { junosIke: c.junosIke } : {}),
        ...(c.seed !== undefined ? { seed: c.seed } : {}),
      });
      if (d.config) commitBootConfig(device, d.config);
      if (topology) topology.add(device);
      else topology = new Topology(device, clock);
    }
    for (const [a, b] of spec.links) topology!.link(a, b);
    for (const a of spec.attach) await topology!.attachHost(topology!.all().find((d) => topology!.networkName(d) === a.device)!, a.ifd);
    const interp = new Interpreter(topology!);
    return batch ? await runBatch(interp, process.stdin, process.stdout) : (await runInteractiveLoaded(interp), 0);
  } finally {
    await topology?.shutdown();
  }
}

async function runInteractiveLoaded(interp: Interpreter): Promise<void> {
  const { runInteractive } = await import('./interactive.js');
  await runInteractive(interp, {});
}

/** `--attach xe-0/0/0,xe-0/0/1`: the ports to bridge to the host network. */
function parseAttach(list: string | undefined): string[] {
  if (list === undefined) return [];
  const ifds = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const ifd of ifds) if (!/^(ge|xe|et)-\d+\/\d+\/\d+$/.test(ifd)) throw new UsageError(`--attach: '${ifd}' is not a port name such as xe-0/0/0`);
  if (ifds.length === 0) throw new UsageError('--attach: give at least one port, e.g. --attach xe-0/0/0');
  return ifds;
}

function flagName(f: (typeof HARDWARE_FLAGS)[number] | 'state'): string {
  return f === 'junosIke' ? '--no-junos-ike' : `--${f}`;
}
