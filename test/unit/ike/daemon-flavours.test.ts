/**
 * kmd and iked: one protocol, their own numbering (tunnel ids 131073+ / 500001+, IKE SA indexes
 * 4194305+ / 1+), and kmd on the software crypto engine (SPC2-only boxes) interoperating with
 * iked on the native one.
 */
import { describe, expect, it } from 'vitest';
import { createIked, IKED_FLAVOUR } from '../../../iked/daemon.js';
import { createKmd, KMD_FLAVOUR } from '../../../kmd/daemon.js';
import { VirtualClock } from '../../../sim/clock.js';
import { Random } from '../../../sim/random.js';
import { A_ADDR, B_ADDR, IkePair, seededBytes } from '../../helpers/ike-pair.js';
import { MockKernel } from '../../helpers/mock-kernel.js';

describe('kmd and iked flavours', () => {
  it('kmd (software engine) ↔ iked (native engine), several selectors: numbering per daemon, same keys', async () => {
    const sel = (l: string, r: string) => [['ts1', `${l}.0.0/24`, `${r}.0.0/24`], ['ts2', `${l}.1.0/24`, `${r}.1.0/24`]] as const;
    const p = await IkePair.create({
      a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately', selectors: sel('10.1', '10.2') },
      b: { local: B_ADDR, remote: A_ADDR, selectors: sel('10.2', '10.1') },
      flavourA: 'kmd',
      engineA: 'software',
      flavourB: 'iked',
      engineB: 'native',
    });
    await p.run();
    expect(p.a.flavour).toBe('kmd');
    expect(p.b.flavour).toBe('iked');
    expect(p.a.tunnels().map((t) => t.id)).toEqual([131073, 131074]);
    expect(p.b.tunnels().map((t) => t.id)).toEqual([500001, 500002]);
    expect(p.a.ikeSas().map((s) => s.index)).toEqual([4194305]);
    expect(p.b.ikeSas().map((s) => s.index)).toEqual([1]);
    expect(p.a.engine.name).toBe('software');
    expect(p.b.engine.name).toBe('native');
    for (const [ia, ib] of [[0, 0], [1, 1]] as const) {
      const a = p.kernelA.history[ia]!;
      const b = p.kernelB.history[ib]!;
      expect(a.outbound.encryptionKey).toEqual(b.inbound.encryptionKey);
      expect(a.inbound.spi).toBe(b.outbound.spi);
    }
  });

  it('createKmd / createIked build daemons with the flavour constants', async () => {
    const clock = new VirtualClock();
    const r = new Random(1);
    const deps = {
      clock,
      random: r,
      randomBytes: seededBytes(r),
      transport: { send: () => true, sendKeepalive: () => undefined, addressOf: () => undefined },
      kernel: new MockKernel(),
      engine: 'native' as const,
      hostname: () => 'h',
    };
    const k = await createKmd(deps);
    const i = await createIked(deps);
    expect(k.flavourOptions).toEqual(KMD_FLAVOUR);
    expect(i.flavourOptions).toEqual(IKED_FLAVOUR);
    expect(k.ikeSas()).toEqual([]);
    expect(i.inactiveTunnels()).toEqual({ tunnels: [], establishImmediately: 0 });
    await k.stop();
    await i.stop();
  });
});
