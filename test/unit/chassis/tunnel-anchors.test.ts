import { describe, expect, it } from 'vitest';
import { Card } from '../../../cards/card.js';
import { describeSpu, TunnelAnchors, type GatewayKind, type SpuDescriptor } from '../../../chassis/tunnel-anchors.js';
import type { SpuHandle } from '../../../dataplane/spu/spu-thread.js';
import { Random } from '../../../sim/random.js';

type Desc = SpuDescriptor<string>;
const spu = (fpc: number, pic: number, flowThreads: number, more: Partial<Desc> = {}): Desc => ({
  id: `fpc${fpc}.pic${pic}`,
  fpc,
  pic,
  flowThreads,
  eligible: true,
  ...more,
});
const spc2 = (fpc: number, pic: number, more: Partial<Desc> = {}): Desc => spu(fpc, pic, 8, { spc3: false, ...more });
const spc3 = (fpc: number, pic: number, more: Partial<Desc> = {}): Desc => spu(fpc, pic, 24, { spc3: true, ...more });

function table(seed: number, spus: Desc[]): TunnelAnchors<string> {
  const t = new TunnelAnchors<string>(new Random(seed));
  t.setSpus(spus);
  return t;
}

const LOCAL = '203.0.113.10';
const gw = (name: string, remote: string, kind: GatewayKind = 'site-to-site', local = LOCAL) => ({ name, kind, local, remote });

/** Anchor a tunnel of an anchored gateway (addresses taken from the gateway). */
function tunnelOf(t: TunnelAnchors<string>, id: number, gateway: string, profile?: string) {
  const g = t.gateway(gateway)!;
  return t.anchorTunnel({ id, vpn: `VPN-${id}`, gateway, local: g.local, remote: g.remote, ...(profile ? { distributionProfile: profile } : {}) });
}

/** The seed's Table 3 setup: 3 SPUs, IKE-1 (IPsec-1..3), IKE-2 (IPsec-4..6), IKE-3 (IPsec-7). */
function table3(seed: number): TunnelAnchors<string> {
  const t = new TunnelAnchors<string>(new Random(seed));
  t.setSpus([0, 1, 2].map((p) => ({ id: `SPU${p}`, fpc: 2, pic: p, flowThreads: 8, eligible: true })));
  const plan: Record<string, number[]> = { 'IKE-1': [1, 2, 3], 'IKE-2': [4, 5, 6], 'IKE-3': [7] };
  Object.keys(plan).forEach((name, i) => {
    t.anchorGateway(gw(name, `198.51.100.${i + 1}`));
    for (const id of plan[name]!) tunnelOf(t, id, name);
  });
  return t;
}

/** SPU → [gateway names, tunnel ids] for comparing with Table 3. */
function layout(t: TunnelAnchors<string>): Record<string, { gateways: string[]; tunnels: number[] }> {
  const out: Record<string, { gateways: string[]; tunnels: number[] }> = {};
  for (const g of t.gateways()) (out[g.spu] ??= { gateways: [], tunnels: [] }).gateways.push(g.name);
  for (const x of t.tunnels()) (out[x.spu] ??= { gateways: [], tunnels: [] }).tunnels.push(x.id);
  return out;
}

describe('Table 3: "three SPUs running seven IPsec tunnels over three IKE gateways"', () => {
  it('reproduces Table 3 (seed 4 breaks the ties in SPU order)', () => {
    expect(layout(table3(4))).toEqual({
      SPU0: { gateways: ['IKE-1'], tunnels: [1, 2, 3] },
      SPU1: { gateways: ['IKE-2'], tunnels: [4, 5, 6] },
      SPU2: { gateways: ['IKE-3'], tunnels: [7] },
    });
  });

  it('"The three SPUs have an equal load of one IKE gateway each", whatever the tie-breaks', () => {
    for (let seed = 0; seed < 20; seed++) {
      const t = table3(seed);
      expect(t.loads().map((l) => l.load)).toEqual([1, 1, 1]);
      const shape = Object.values(layout(t))
        .map((v) => `${v.gateways.join()}:${v.tunnels.join()}`)
        .sort();
      expect(shape).toEqual(['IKE-1:1,2,3', 'IKE-2:4,5,6', 'IKE-3:7']);
    }
  });

  it('"If a new IKE gateway is created, SPU0, SPU1, or SPU2 could be selected to anchor the IKE gateway and its IPsec sessions"', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const t = table3(seed);
      const g = t.anchorGateway(gw('IKE-4', '198.51.100.4'))!;
      expect(tunnelOf(t, 8, 'IKE-4')!.spu).toBe(g.spu);
      expect(
        t
          .loads()
          .map((l) => l.load)
          .sort(),
      ).toEqual([1, 1, 2]);
      seen.add(g.spu);
    }
    expect([...seen].sort()).toEqual(['SPU0', 'SPU1', 'SPU2']);
  });

  it('is deterministic: the same seed and the same calls give the same anchors', () => {
    expect(table3(11).tunnels()).toEqual(table3(11).tunnels());
  });
});

describe('site-to-site anchoring (seed: "Distribution of IKE and IPsec Sessions Across SPUs")', () => {
  it('"load corresponds to the number of site-to-site gateways or manual VPN tunnels anchored on an SPU", not the number of their tunnels', () => {
    const a = spc2(2, 0);
    const b = spc2(2, 1);
    const t = table(1, [a, { ...b, eligible: false }]);
    t.anchorGateway(gw('G1', '198.51.100.1'));
    for (let id = 1; id <= 5; id++) tunnelOf(t, id, 'G1');
    t.setSpus([{ ...a, eligible: false }, b]);
    t.anchorGateway(gw('G2', '198.51.100.2'));
    t.anchorTunnel({ id: 6, vpn: 'MANUAL-1', local: LOCAL, remote: '198.51.100.3' });
    t.setSpus([a, b]);
    // fpc2.pic0: 1 gateway with 5 tunnels (load 1); fpc2.pic1: 1 gateway + 1 manual tunnel (load 2).
    expect(t.loads().map((l) => [l.spu, l.load, l.tunnels])).toEqual([
      ['fpc2.pic0', 1, 5],
      ['fpc2.pic1', 2, 1],
    ]);
    expect(t.anchorGateway(gw('G3', '198.51.100.4'))!.spu).toBe('fpc2.pic0');
    expect(t.anchorTunnel({ id: 7, vpn: 'MANUAL-2', local: LOCAL, remote: '198.51.100.5' })!).toMatchObject({ spu: 'fpc2.pic0', kind: 'manual' });
  });

  it('dynamic gateways are not part of the load: "load corresponds to the number of site-to-site gateways or manual VPN tunnels"', () => {
    const t = table(2, [spc2(2, 0), spc2(2, 1, { eligible: false })]);
    for (let n = 1; n <= 3; n++) t.anchorGateway(gw(`DIAL-${n}`, `192.0.2.${n}`, 'dynamic'));
    expect(t.gateways().map((g) => g.spu)).toEqual(['fpc2.pic0', 'fpc2.pic0', 'fpc2.pic0']);
    t.setSpu(spc2(2, 1));
    // Were the dial-up peers counted, both would go to fpc2.pic1.
    const first = t.anchorGateway(gw('S2S-1', '198.51.100.1'))!;
    const second = t.anchorGateway(gw('S2S-2', '198.51.100.2'))!;
    expect(new Set([first.spu, second.spu]).size).toBe(2);
    expect(t.loads().map((l) => [l.load, l.dynamicGateways])).toEqual([
      [1, 3],
      [1, 0],
    ]);
  });

  it('"all IPsec sessions that run over a single IKE gateway are serviced by the same SPU"', () => {
    const t = table(5, [spc2(1, 0), spc2(1, 1), spc2(1, 2), spc2(1, 3)]);
    for (let g = 1; g <= 6; g++) t.anchorGateway(gw(`G${g}`, `198.51.100.${g}`));
    let id = 131073;
    for (let round = 0; round < 4; round++) for (let g = 1; g <= 6; g++) tunnelOf(t, id++, `G${g}`);
    for (const x of t.tunnels()) expect(x.spu).toBe(t.gateway(x.gateway!)!.spu);
  });

  it('"Setting up and tearing down existing IPsec tunnels does not affect the underlying IKE session or existing IPsec tunnels"', () => {
    const t = table3(4);
    const before = t.tunnels().filter((x) => x.id !== 2);
    const ike = t.gateway('IKE-1');
    expect(t.removeTunnel(2)!.id).toBe(2);
    expect(t.gateway('IKE-1')).toEqual(ike);
    expect(t.tunnels()).toEqual(before);
    const again = tunnelOf(t, 2, 'IKE-1')!;
    expect(again.spu).toBe('SPU0');
    expect(t.tunnels().filter((x) => x.id !== 2)).toEqual(before);
  });

  it('an anchored gateway or tunnel keeps its anchor when asked again', () => {
    const t = table3(4);
    const g = t.gateway('IKE-2')!;
    t.anchorGateway(gw('IKE-9', '198.51.100.9'));
    expect(t.anchorGateway(gw('IKE-2', '198.51.100.2'))).toBe(g);
    expect(tunnelOf(t, 5, 'IKE-2')).toBe(t.tunnel(5));
  });

  it('a tunnel of a gateway that is not anchored is a programming error; no eligible SPU, no anchor', () => {
    const t = table(1, [spc2(2, 0, { eligible: false })]);
    expect(() => t.anchorTunnel({ id: 1, vpn: 'V', gateway: 'NOPE', local: LOCAL, remote: '192.0.2.1' })).toThrow(RangeError);
    expect(t.anchorGateway(gw('G1', '198.51.100.1'))).toBeUndefined();
    expect(t.anchorTunnel({ id: 2, vpn: 'M', local: LOCAL, remote: '192.0.2.1' })).toBeUndefined();
  });
});

describe('dynamic tunnels: "the newly established dynamic tunnels employ a round-robin algorithm to select the SPU"', () => {
  it('takes the eligible SPUs in turn, whatever their load', () => {
    const t = table(3, [spc2(3, 0), spc2(2, 1), spc2(2, 0)]);
    t.anchorGateway(gw('S2S', '198.51.100.1'));
    const picks = [1, 2, 3, 4, 5, 6].map((n) => t.anchorGateway(gw(`DIAL-${n}`, `192.0.2.${n}`, 'dynamic'))!.spu);
    expect(picks).toEqual(['fpc2.pic0', 'fpc2.pic1', 'fpc3.pic0', 'fpc2.pic0', 'fpc2.pic1', 'fpc3.pic0']);
  });

  it('the turn continues over the SPUs as they change; the tunnels of a dial-up peer stay on its SPU', () => {
    const t = table(3, [spc2(2, 0), spc2(2, 1), spc2(2, 2)]);
    expect(t.anchorGateway(gw('D1', '192.0.2.1', 'dynamic'))!.spu).toBe('fpc2.pic0');
    expect(t.anchorGateway(gw('D2', '192.0.2.2', 'dynamic'))!.spu).toBe('fpc2.pic1');
    t.setSpu(spc2(2, 2, { eligible: false }));
    expect(t.anchorGateway(gw('D3', '192.0.2.3', 'dynamic'))!.spu).toBe('fpc2.pic0');
    const x = tunnelOf(t, 500001, 'D2')!;
    expect(x).toMatchObject({ spu: 'fpc2.pic1', kind: 'dynamic' });
  });
});

describe('SPC3: "The load-balancing algorithm is dependent on number flow threads each SPU is using"', () => {
  it('"Tunnel load factor = Number of tunnels anchored on the SPU / Total number of flow RT threads used by the SPU": mixed SPC2 (8 threads) + SPC3 (24)', () => {
    const t = table(7, [spc2(1, 0), spc3(3, 0)]);
    expect(t.balancing).toBe('flow-thread');
    for (let n = 1; n <= 32; n++) {
      t.anchorGateway(gw(`G${n}`, `198.51.100.${n}`));
      tunnelOf(t, 500000 + n, `G${n}`);
    }
    expect(t.loads().map((l) => [l.spu, l.tunnels, l.loadFactor])).toEqual([
      ['fpc1.pic0', 8, 1],
      ['fpc3.pic0', 24, 1],
    ]);
  });

  it('without an SPC3 the SPU itself is the unit: the same chassis split evenly', () => {
    const t = table(7, [spc2(1, 0), spu(3, 0, 24, { spc3: false })]);
    expect(t.balancing).toBe('spu');
    for (let n = 1; n <= 32; n++) t.anchorGateway(gw(`G${n}`, `198.51.100.${n}`));
    expect(t.loads().map((l) => l.load)).toEqual([16, 16]);
  });

  it('"Number of tunnels anchored on the SPU": an SPU whose gateway carries many tunnels is the loaded one', () => {
    const a = spc3(2, 0);
    const b = spc3(2, 1);
    const t = table(9, [a, { ...b, eligible: false }]);
    t.anchorGateway(gw('BIG', '198.51.100.1'));
    for (let id = 1; id <= 6; id++) tunnelOf(t, id, 'BIG');
    t.setSpus([{ ...a, eligible: false }, b]);
    t.anchorGateway(gw('S1', '198.51.100.2'));
    tunnelOf(t, 7, 'S1');
    t.anchorGateway(gw('S2', '198.51.100.3')); // no tunnel yet: counted as one
    t.setSpus([a, b]);
    expect(t.loads().map((l) => l.loadFactor)).toEqual([6 / 24, 2 / 24]);
    expect(t.anchorGateway(gw('NEXT', '198.51.100.4'))!.spu).toBe('fpc2.pic1');
    expect(t.anchorTunnel({ id: 8, vpn: 'M', local: LOCAL, remote: '198.51.100.5' })!.spu).toBe('fpc2.pic1');
  });

  it('"Tunnels belonging to the same local and remote gateway IP addresses are anchored on the same SPU on different flow RT threads"', () => {
    const t = table(12, [spc3(2, 0), spc3(2, 1), spc3(4, 0), spc3(4, 1)]);
    const first = t.anchorGateway(gw('PAIR-A', '198.51.100.7'))!;
    for (let n = 1; n <= 3; n++) t.anchorGateway(gw(`OTHER-${n}`, `198.51.100.${20 + n}`));
    const second = t.anchorGateway(gw('PAIR-B', '198.51.100.7'))!; // another gateway, same address pair
    expect(second.spu).toBe(first.spu);
    const threads = [1, 2, 3].map((id) => tunnelOf(t, id, 'PAIR-A')!.thread);
    threads.push(...[4, 5].map((id) => tunnelOf(t, id, 'PAIR-B')!.thread));
    expect(new Set(threads).size).toBe(5);
    expect(t.tunnelDistribution().filter((r) => r.tunnelId <= 5).map((r) => `${r.fpc}/${r.pic}`)).toEqual(Array(5).fill(`${first.fpc}/${first.pic}`));
  });

  it('a pair avoids its own threads even when another is as busy; with every thread taken, the least-used one', () => {
    const t = table(1, [spu(2, 0, 2, { spc3: true })]);
    t.anchorGateway(gw('G', '198.51.100.1'));
    t.anchorGateway(gw('H', '198.51.100.2'));
    expect(tunnelOf(t, 1, 'G')!.thread).toBe(0);
    expect(tunnelOf(t, 2, 'H')!.thread).toBe(1);
    expect(tunnelOf(t, 3, 'G')!.thread).toBe(1); // threads 0 and 1 carry one tunnel each; G is on 0 already
    expect(tunnelOf(t, 4, 'G')!.thread).toBe(0); // G uses both: least used
    expect(t.tunnelDistributionSummary()).toEqual([
      { tunnels: 2, fpc: 2, pic: 0, thread: 0 },
      { tunnels: 2, fpc: 2, pic: 0, thread: 1 },
    ]);
  });

  it('"Dynamic tunnels are anchored on different SPUs based on a round-robin algorithm" with SPC3 too', () => {
    const t = table(4, [spc2(1, 0), spc3(3, 0), spc3(3, 1)]);
    for (let n = 1; n <= 10; n++) t.anchorGateway(gw(`S${n}`, `198.51.100.${n}`));
    const picks = [1, 2, 3].map((n) => t.anchorGateway(gw(`D${n}`, `192.0.2.${n}`, 'dynamic'))!.spu);
    expect(picks).toEqual(['fpc1.pic0', 'fpc3.pic0', 'fpc3.pic1']);
  });
});

describe('inserting SPCs (seed: "VPN Support for Inserting Services Processing Cards")', () => {
  it('"existing tunnels cannot use the processing power of the Service Processing Units (SPUs) in the new SPCs. A new SPU can anchor newly established site-to-site and dynamic tunnels"', () => {
    const t = table(6, [spc2(2, 0), spc2(2, 1)]);
    for (let n = 1; n <= 4; n++) {
      t.anchorGateway(gw(`G${n}`, `198.51.100.${n}`));
      tunnelOf(t, n, `G${n}`);
    }
    const gatewaysBefore = t.gateways();
    const tunnelsBefore = t.tunnels();
    t.setSpu(spc2(5, 0, { origin: 'hot' }));
    t.setSpu(spc2(5, 1, { origin: 'hot' }));
    expect(t.gateways()).toEqual(gatewaysBefore);
    expect(t.tunnels()).toEqual(tunnelsBefore);
    // A new tunnel of an existing gateway stays with its IKE SA.
    expect(tunnelOf(t, 10, 'G1')!.spu).toBe(t.gateway('G1')!.spu);
    // New gateways go to the least-loaded SPUs: the new ones.
    const fresh = [5, 6].map((n) => t.anchorGateway(gw(`G${n}`, `198.51.100.${n}`))!.spu).sort();
    expect(fresh).toEqual(['fpc5.pic0', 'fpc5.pic1']);
    expect(t.anchorGateway(gw('D1', '192.0.2.1', 'dynamic'))!.spu).toBe('fpc2.pic0');
    expect(t.tunnels().filter((x) => x.id <= 4)).toEqual(tunnelsBefore);
  });

  it('"You must reboot the node after the inserting SPC3 to activate the card": an SPU that is not eligible anchors nothing', () => {
    const t = table(2, [spc3(2, 0), spc3(2, 1), spc3(4, 0, { eligible: false }), spc3(4, 1, { eligible: false })]);
    for (let n = 1; n <= 8; n++) t.anchorGateway(gw(`G${n}`, `198.51.100.${n}`));
    for (let n = 1; n <= 4; n++) t.anchorGateway(gw(`D${n}`, `192.0.2.${n}`, 'dynamic'));
    expect(new Set(t.gateways().map((g) => g.fpc))).toEqual(new Set([2]));
  });

  it('a tunnel released by a failed SPU does not move to an SPU inserted after it was established (unless nothing else is left)', () => {
    const t = table(8, [spc2(2, 0), spc2(2, 1)]);
    t.anchorGateway(gw('G1', '198.51.100.1'));
    t.anchorGateway(gw('G2', '198.51.100.2'));
    t.setSpu(spc2(5, 0, { origin: 'hot' }));
    const failed = t.gateway('G1')!.spu;
    const survivor = t.gateway('G2')!.spu;
    const back = t.reanchor(t.release(failed));
    expect(back.gateways.map((g) => g.spu)).toEqual([survivor]);
    // A gateway established after the insertion is free to use the new SPU.
    expect(t.anchorGateway(gw('G3', '198.51.100.3'))!.spu).toBe('fpc5.pic0');
    // Only the new SPU left: the old gateways come back there rather than stay down.
    const again = t.reanchor(t.release(survivor));
    expect(again.gateways.map((g) => [g.name, g.spu])).toEqual([
      ['G1', 'fpc5.pic0'],
      ['G2', 'fpc5.pic0'],
    ]);
  });
});

describe('SPU failure: released, then re-anchored by the same rule ("the least-loaded SPU is chosen as the anchor SPU")', () => {
  it('release returns what the SPU anchored; they come back on the least-loaded survivors; the SPU, once back, takes only new ones', () => {
    const t = table3(4);
    const released = t.release('SPU1');
    expect(released.gateways.map((g) => g.name)).toEqual(['IKE-2']);
    expect(released.tunnels.map((x) => x.id)).toEqual([4, 5, 6]);
    expect(t.gateway('IKE-2')).toBeUndefined();
    expect(t.tunnel(5)).toBeUndefined();
    expect(t.loads().find((l) => l.spu === 'SPU1')).toMatchObject({ eligible: false, load: 0, tunnels: 0 });
    const others = t.tunnels();
    const back = t.reanchor(released);
    expect(back.unplaced).toEqual({ gateways: [], tunnels: [] });
    const spu = t.gateway('IKE-2')!.spu;
    expect(['SPU0', 'SPU2']).toContain(spu);
    expect(back.tunnels.map((x) => [x.id, x.spu])).toEqual([
      [4, spu],
      [5, spu],
      [6, spu],
    ]);
    expect(t.gateway('IKE-2')!.gatewayId).toBe(released.gateways[0]!.gatewayId);
    expect(t.tunnels().filter((x) => x.gateway !== 'IKE-2')).toEqual(others);
    // SPU1 comes back: nothing moves to it, the next gateway goes there (least loaded).
    t.setSpu({ id: 'SPU1', fpc: 2, pic: 1, flowThreads: 8, eligible: true });
    expect(t.gateway('IKE-2')!.spu).toBe(spu);
    expect(t.anchorGateway(gw('IKE-4', '198.51.100.4'))!.spu).toBe('SPU1');
  });

  it('"The SPU that is selected for anchoring the IPsec session is based on the SPU that is anchoring the underlying IKE session": the tunnels of a failed gateway go with it, wherever a profile put them', () => {
    const t = table(3, [spc3(2, 0), spc3(2, 1)]);
    t.setProfiles([{ name: 'P', entities: [{ fpc: 2, pic: 1 }] }]);
    t.setSpu(spc3(2, 1, { eligible: false }));
    t.anchorGateway(gw('G', '198.51.100.1'));
    t.setSpu(spc3(2, 1));
    expect(tunnelOf(t, 1, 'G', 'P')!.spu).toBe('fpc2.pic1');
    const released = t.release('fpc2.pic0');
    expect(released.tunnels.map((x) => x.id)).toEqual([1]);
    const back = t.reanchor(released);
    expect(back.gateways[0]!.spu).toBe('fpc2.pic1');
    expect(back.tunnels[0]).toMatchObject({ id: 1, spu: 'fpc2.pic1', profile: 'P' });
  });

  it('with no SPU left, what was released stays unplaced', () => {
    const t = table(1, [spc2(2, 0)]);
    t.anchorGateway(gw('G', '198.51.100.1'));
    tunnelOf(t, 1, 'G');
    t.anchorTunnel({ id: 2, vpn: 'M', local: LOCAL, remote: '198.51.100.9' });
    const back = t.reanchor(t.release('fpc2.pic0'));
    expect(back.gateways).toEqual([]);
    expect(back.unplaced.gateways.map((g) => g.name)).toEqual(['G']);
    expect(back.unplaced.tunnels.map((x) => x.id)).toEqual([1, 2]);
  });
});

describe('security distribution-profile (the seed is silent; facts §3 [yang]: "profile-entity NAME fpc F pic P thread-id T", "ipsec vpn VPN distribution-profile NAME")', () => {
  const profile = {
    name: 'PIN',
    entities: [
      { fpc: 3, pic: 0, threadIds: [5, 6] },
      { fpc: 3, pic: 1 },
    ],
  };

  it('a VPN naming a profile goes to its (fpc, pic, thread-id) entities in order, in turn', () => {
    const t = table(2, [spc3(2, 0), spc3(2, 1), spc3(3, 0), spc3(3, 1)]);
    t.setProfiles([profile]);
    t.anchorGateway(gw('G', '198.51.100.1'));
    const gwSpu = t.gateway('G')!.spu;
    const placed = [1, 2, 3, 4].map((id) => tunnelOf(t, id, 'G', 'PIN')!);
    expect(placed.map((x) => [x.fpc, x.pic, x.thread, x.profile])).toEqual([
      [3, 0, 5, 'PIN'],
      [3, 0, 6, 'PIN'],
      [3, 1, 0, 'PIN'],
      [3, 0, 5, 'PIN'],
    ]);
    expect(tunnelOf(t, 5, 'G')).toMatchObject({ spu: gwSpu, profile: null });
    expect(t.tunnelDistribution().map((r) => r.profile)).toEqual(['PIN', 'PIN', 'PIN', 'PIN', null]);
  });

  it('skips an entity whose SPU is not online; none usable: the default rules, unmarked', () => {
    const t = table(2, [spc3(2, 0), spc3(3, 0, { eligible: false }), spc3(3, 1)]);
    t.setProfiles([profile]);
    t.anchorGateway(gw('G', '198.51.100.1'));
    expect(tunnelOf(t, 1, 'G', 'PIN')).toMatchObject({ fpc: 3, pic: 1, profile: 'PIN' });
    t.setSpu(spc3(3, 1, { eligible: false }));
    expect(tunnelOf(t, 2, 'G', 'PIN')).toMatchObject({ spu: 'fpc2.pic0', profile: null });
    expect(tunnelOf(t, 3, 'G', 'UNKNOWN')).toMatchObject({ spu: 'fpc2.pic0', profile: null });
  });

  it('a thread-id the SPU does not have (1..27 allowed) gives its least-used thread', () => {
    const t = table(2, [spc2(2, 0)]);
    t.setProfiles([{ name: 'HIGH', entities: [{ fpc: 2, pic: 0, threadIds: [27] }] }]);
    const x = t.anchorTunnel({ id: 1, vpn: 'M', local: LOCAL, remote: '198.51.100.1', distributionProfile: 'HIGH' })!;
    expect(x).toMatchObject({ fpc: 2, pic: 0, thread: 0, profile: 'HIGH' });
  });
});

describe('queries for the show commands', () => {
  it('tunnel-map rows, per-SPU load, tunnel distribution', () => {
    const t = table3(4);
    expect(t.tunnelMap()).toEqual([
      { gatewayId: 1, gatewayName: 'IKE-1', fpc: 2, pic: 0, instance: 0 },
      { gatewayId: 2, gatewayName: 'IKE-2', fpc: 2, pic: 1, instance: 0 },
      { gatewayId: 3, gatewayName: 'IKE-3', fpc: 2, pic: 2, instance: 0 },
    ]);
    expect(t.tunnelMapSummary()).toEqual([
      { fpc: 2, pic: 0, load: 1 },
      { fpc: 2, pic: 1, load: 1 },
      { fpc: 2, pic: 2, load: 1 },
    ]);
    expect(t.tunnelDistribution().map((r) => [r.tunnelId, r.fpc, r.pic, r.thread])).toEqual([
      [1, 2, 0, 0],
      [2, 2, 0, 1],
      [3, 2, 0, 2],
      [4, 2, 1, 0],
      [5, 2, 1, 1],
      [6, 2, 1, 2],
      [7, 2, 2, 0],
    ]);
    expect(t.tunnelDistributionSummary()).toHaveLength(7);
    expect(t.removeGateway('IKE-1')!.tunnels.map((x) => x.id)).toEqual([1, 2, 3]);
    expect(t.tunnelMap().map((r) => r.gatewayName)).toEqual(['IKE-2', 'IKE-3']);
  });

  it('describeSpu reads a chassis card: location, threads, SPC3, origin, eligibility', () => {
    const card = new Card(4, 'spc3', 'CAFE1234', 'online');
    const s = card.spus[1]!;
    expect(describeSpu(card, s)).toMatchObject({ id: s, fpc: 4, pic: 1, flowThreads: 24, spc3: true, origin: 'boot', eligible: false });
    s.state = 'online';
    s.thread = {} as SpuHandle;
    s.origin = 'hot';
    expect(describeSpu(card, s)).toMatchObject({ eligible: true, origin: 'hot' });
    const spc2Card = new Card(1, 'spc2', 'BEEF', 'present');
    expect(describeSpu(spc2Card, spc2Card.spus[0]!)).toMatchObject({ flowThreads: 8, spc3: false, eligible: false });
  });
});

describe('the counts behind the choices stay exact through any sequence of changes', () => {
  it('load factors and thread choices match a recount from scratch after 2,000 random anchor, remove, release and re-anchor steps', () => {
    const spus = [spc3(2, 0), spc3(2, 1), spc2(4, 0), spc2(4, 1)];
    const t = table(11, spus);
    const r = new Random(99);
    const recount = (id: string): number => {
      const tunnels = t.tunnels().filter((x) => x.spu === id);
      const withTunnel = new Set(tunnels.map((x) => x.gateway));
      return tunnels.length + t.gateways().filter((g) => g.spu === id && !withTunnel.has(g.name)).length;
    };
    let nextTunnel = 1;
    for (let step = 0; step < 2000; step++) {
      const op = r.int(0, 9);
      const gateways = t.gateways();
      if (op <= 2 || gateways.length === 0) t.anchorGateway(gw(`G${r.int(0, 60)}`, `198.51.100.${r.int(1, 20)}`, r.int(0, 4) === 0 ? 'dynamic' : 'site-to-site'));
      else if (op <= 5) tunnelOf(t, nextTunnel++, r.pick(gateways).name);
      else if (op === 6) t.anchorTunnel({ id: nextTunnel++, vpn: 'M', local: LOCAL, remote: `192.0.2.${r.int(1, 5)}` });
      else if (op === 7 && t.tunnels().length > 0) t.removeTunnel(r.pick(t.tunnels()).id);
      else if (op === 8) t.removeGateway(r.pick(gateways).name);
      else {
        const victim = r.pick(spus);
        const released = t.release(victim.id);
        t.setSpu({ ...victim, eligible: true });
        t.reanchor(released);
      }
      for (const l of t.loads()) expect(l.loadFactor).toBe(recount(l.spu) / l.flowThreads);
    }
    // Threads: no two tunnels of one address pair share a thread on an SPU while another is free.
    for (const s of spus) {
      const onSpu = t.tunnels().filter((x) => x.spu === s.id);
      const pairs = new Map<string, number[]>();
      for (const x of onSpu) pairs.set(`${x.local}|${x.remote}`, [...(pairs.get(`${x.local}|${x.remote}`) ?? []), x.thread]);
      for (const threads of pairs.values()) if (threads.length <= s.flowThreads) expect(new Set(threads).size).toBe(threads.length);
    }
  });
});
