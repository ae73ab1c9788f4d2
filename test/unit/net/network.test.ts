import { describe, expect, it } from 'vitest';
import { LINK_DELAY_MS, Network } from '../../../chassis/net/network.js';
import { VirtualClock } from '../../../sim/clock.js';

describe('the in-process network', () => {
  it('delivers a packet to the far end of a link after the link delay, and taps see both ends', async () => {
    const clock = new VirtualClock(0);
    const net = new Network(clock);
    const got: Array<[string, number]> = [];
    net.attach('b', { receive: (ifd, p) => got.push([ifd, p.length]) });
    net.link({ device: 'a', ifd: 'xe-0/0/0' }, { device: 'b', ifd: 'xe-1/0/0' });
    const seen: string[] = [];
    net.addTap((at, dir) => seen.push(`${at.device}:${at.ifd}:${dir}`));
    expect(net.transmit({ device: 'a', ifd: 'xe-0/0/0' }, new Uint8Array(20))).toBe(true);
    expect(got).toEqual([]);
    await net.runFor(LINK_DELAY_MS);
    expect(got).toEqual([['xe-1/0/0', 20]]);
    expect(seen).toEqual(['a:xe-0/0/0:out', 'b:xe-1/0/0:in']);
    expect(net.transmit({ device: 'a', ifd: 'xe-0/0/9' }, new Uint8Array(20))).toBe(false);
  });

  it('runFor finishes asynchronous packet work before moving virtual time on', async () => {
    const clock = new VirtualClock(0);
    const net = new Network(clock);
    const arrivals: number[] = [];
    net.attach('b', { receive: () => arrivals.push(clock.now()) });
    net.link({ device: 'a', ifd: 'p' }, { device: 'b', ifd: 'q' });
    // Work that takes real time (like an SPU thread) and then sends: it must go out at t=0.
    net.track(new Promise((r) => setTimeout(r, 20)).then(() => net.transmit({ device: 'a', ifd: 'p' }, new Uint8Array(1))));
    await net.runFor(1000);
    expect(arrivals).toEqual([LINK_DELAY_MS]);
    expect(clock.now()).toBe(1000);
  });
});
