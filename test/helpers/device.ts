/** Builders shared by tests: a device on a virtual clock with real (lazy) SPU threads. */
import type { CardType } from '../../cards/kinds.js';
import { Device, type DeviceOptions } from '../../chassis/device.js';
import type { ModelName } from '../../chassis/models.js';
import { Topology } from '../../chassis/topology.js';
import { Interpreter } from '../../cli/engine/interpreter.js';
import { VirtualClock } from '../../sim/clock.js';

export interface TestDevice {
  readonly clock: VirtualClock;
  readonly device: Device;
  readonly cli: Interpreter;
  /** Run lines through the interpreter, answering yes to questions; returns the output lines. */
  run(line: string): Promise<string[]>;
  close(): Promise<void>;
}

export function makeDevice(
  cards: Array<[number, CardType]>,
  opts: Partial<Omit<DeviceOptions, 'cards' | 'clock'>> & { model?: ModelName } = {},
): TestDevice {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const device = Device.create({ model: 'srx5800', re: 're3', release: '24.4R1', ...opts, cards, clock });
  const cli = new Interpreter(new Topology(device, clock));
  return {
    clock,
    device,
    cli,
    run: (line) => runAnswering(cli, line),
    close: () => device.shutdown(),
  };
}

/** Run one line through the interpreter, answering yes to every question; the output lines. */
export async function runAnswering(cli: Interpreter, line: string): Promise<string[]> {
  let res = await cli.execute(line);
  const out = [...res.lines];
  while (res.confirm) {
    res = await res.confirm.answer(true);
    out.push(...res.lines);
  }
  return out;
}
