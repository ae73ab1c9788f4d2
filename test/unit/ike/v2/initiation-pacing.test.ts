/**
 * A daemon negotiates at most `maxInitiating` IKE SAs of its own at once (ike/v2/timers.ts
 * MAX_INITIATING); the other gateways wait in commit order and start as slots free, whether the
 * slot freed because an SA came up or because it failed.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeType } from '../../../../ike/wire/constants.js';
import { decodeMessage } from '../../../../ike/wire/message.js';
import { A_ADDR, B_ADDR, configModel, IkePair, siteConfig } from '../../../helpers/ike-pair.js';

/** Site A with `n` gateways G0.. to B, each with its VPN (establish-tunnels immediately). */
function manyGateways(n: number): string {
  const lines = siteConfig({ local: A_ADDR, remote: B_ADDR, establish: 'immediately' }).split('\n');
  for (let i = 2; i <= n; i++) {
    lines.push(
      `set security ike gateway GW${i} ike-policy POL1`,
      `set security ike gateway GW${i} address ${B_ADDR}`,
      `set security ike gateway GW${i} external-interface ge-0/0/0.0`,
      `set security ike gateway GW${i} local-address ${A_ADDR}`,
      `set security ike gateway GW${i} version v2-only`,
      `set security ipsec vpn VPN${i} bind-interface st0.${i}`,
      `set security ipsec vpn VPN${i} ike gateway GW${i}`,
      `set security ipsec vpn VPN${i} ike ipsec-policy IPOL1`,
      `set security ipsec vpn VPN${i} establish-tunnels immediately`,
      `set interfaces st0 unit ${i} family inet`,
    );
  }
  return lines.join('\n');
}

/** Initiator SPIs of the IKE_SA_INIT requests A put on the wire (all dropped: B never answers). */
function drainInits(p: IkePair, seen: Set<string>): string[] {
  const fresh: string[] = [];
  while (p.wire.length > 0) {
    const f = p.drop();
    const m = decodeMessage(f.datagram.payload);
    if (!m.ok || m.message.header.exchange !== ExchangeType.IKE_SA_INIT || m.message.header.response) continue;
    const spi = Buffer.from(m.message.header.spiI).toString('hex');
    if (!seen.has(spi)) fresh.push(spi);
    seen.add(spi);
  }
  return fresh;
}

describe('initiation pacing', () => {
  it('two at a time: the next gateways start only when an earlier negotiation gave up', async () => {
    const p = await IkePair.create({ a: manyGateways(5), b: siteConfig({ local: B_ADDR, remote: A_ADDR }), maxInitiatingA: 2 });
    const seen = new Set<string>();
    const started: number[] = drainInits(p, seen).map(() => 0);
    let most = 0;
    for (let t = 10; t <= 400; t += 10) {
      await p.advance(10_000);
      for (const _ of drainInits(p, seen)) started.push(t);
      most = Math.max(most, p.a.ikeSaObjects().filter((sa) => sa.initiator && sa.state === 'connecting').length);
    }
    // Two at once, then two more when those timed out, then the fifth (nothing retries before
    // the last queued gateway has had its turn: retries queue behind it).
    expect(started.slice(0, 2)).toEqual([0, 0]);
    expect(started[2]).toBeGreaterThan(60);
    expect(started[3]).toBe(started[2]);
    expect(started[4]!).toBeGreaterThan(started[2]! + 60);
    expect(most).toBe(2);
    expect(p.a.tunnels().filter((t) => t.bindInterface !== null && p.kernelA.ofTunnel(t.id).length > 0)).toHaveLength(0);
  });

  it('a slot freed by a tunnel coming up starts the next gateway', async () => {
    const p = await IkePair.create({ a: manyGateways(3), b: siteConfig({ local: B_ADDR, remote: A_ADDR }), maxInitiatingA: 1 });
    const negotiatingAtEachInit: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 200 && p.wire.length > 0; i++) {
      const next = p.peek()!;
      const spi = Buffer.from(next.message.header.spiI).toString('hex');
      if (next.from === 'a' && next.message.header.exchange === ExchangeType.IKE_SA_INIT && !next.message.header.response && !seen.has(spi)) {
        seen.add(spi);
        negotiatingAtEachInit.push(p.a.ikeSaObjects().filter((sa) => sa.initiator && (sa.state === 'connecting' || sa.state === 'authenticating')).length);
      }
      await p.step();
    }
    expect(seen.size).toBe(3);
    expect(negotiatingAtEachInit).toEqual([1, 1, 1]);
    expect(p.kernelA.history.length).toBeGreaterThanOrEqual(1);
  });

  it('a queued gateway removed by a new configuration never starts', async () => {
    const p = await IkePair.create({ a: manyGateways(3), b: siteConfig({ local: B_ADDR, remote: A_ADDR }), maxInitiatingA: 1 });
    const seen = new Set<string>();
    expect(drainInits(p, seen)).toHaveLength(1);
    p.a.configure(configModel(siteConfig({ local: A_ADDR, remote: B_ADDR, establish: 'immediately' })));
    for (let i = 0; i < 4; i++) {
      await p.advance(40_000);
      drainInits(p, seen);
    }
    // Only GW1 ever negotiated (first try, then its retries); GW2 and GW3 never sent anything.
    expect(p.a.ikeSaObjects().map((sa) => sa.gateway.name)).toEqual(['GW1']);
    expect(seen.size).toBeGreaterThan(1);
    expect(p.traceA.some((l) => /GW1: initiating/.test(l))).toBe(true);
    expect(p.traceA.some((l) => /GW[23]: initiating/.test(l))).toBe(false);
  });
});
