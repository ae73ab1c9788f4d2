/**
 * Both ends `establish-tunnels immediately`: two IKE_SA_INIT requests cross on the wire. The
 * result must be one working IKE SA and one CHILD SA pair on each side, the same on both.
 */
import { describe, expect, it } from 'vitest';
import { A_ADDR, B_ADDR, IkePair } from '../../../helpers/ike-pair.js';

describe('both ends initiate at once', () => {
  it('converges on one IKE SA and one CHILD SA pair', async () => {
    const p = await IkePair.create({
      a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately' },
      b: { local: B_ADDR, remote: A_ADDR, establish: 'immediately' },
    });
    expect(p.wire.map((w) => w.from)).toEqual(['a', 'b']);
    await p.run();
    await p.advance(60_000);
    await p.run();
    const up = (s: 'a' | 'b') => p.daemon(s).ikeSas().filter((x) => x.state === 'UP');
    expect(up('a')).toHaveLength(1);
    expect(up('b')).toHaveLength(1);
    expect(up('a')[0]!.initiatorSpi).toBe(up('b')[0]!.initiatorSpi);
    expect(p.kernelA.installed.size).toBe(1);
    expect(p.kernelB.installed.size).toBe(1);
    const [a] = [...p.kernelA.installed.values()];
    const [b] = [...p.kernelB.installed.values()];
    expect(a!.outbound.spi).toBe(b!.inbound.spi);
    expect(p.a.tunnels()).toHaveLength(1);
    expect(p.b.tunnels()).toHaveLength(1);
  });
});
