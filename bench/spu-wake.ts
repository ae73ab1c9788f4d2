/** Cost of bringing every SPU thread of a chassis to life (they are lazy at boot). */
import { Device } from '../chassis/device.js';
import { VirtualClock } from '../sim/clock.js';
import type { CardType } from '../cards/kinds.js';

export interface WakeSample {
  readonly spus: number;
  readonly msToWakeAll: number;
  readonly rssAwakeMb: number;
  readonly rssBeforeMb: number;
}

export async function measureWakeAll(cards: Array<[number, CardType]>): Promise<WakeSample> {
  const device = Device.create({ model: 'srx5800', re: 're3', release: '24.4R1', cards, clock: new VirtualClock(0) });
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const spus = device.spus();
  const t0 = process.hrtime.bigint();
  await Promise.all(spus.map((s) => s.thread!.wake()));
  const msToWakeAll = Number(process.hrtime.bigint() - t0) / 1e6;
  const rssAwakeMb = process.memoryUsage().rss / 2 ** 20;
  await device.shutdown();
  return { spus: spus.length, msToWakeAll, rssAwakeMb, rssBeforeMb };
}
