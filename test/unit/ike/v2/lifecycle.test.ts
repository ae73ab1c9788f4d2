/**
 * After the first exchange: clear commands, CHILD SA rekey (make-before-break), Delete both
 * ways, dead peer detection, lifetime-kilobytes and configuration changes — exchange scripts
 * with the messages drawn above the steps.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeType, NotifyType, ProtocolId } from '../../../../ike/wire/constants.js';
import { A_ADDR, B_ADDR, configModel, IkePair, siteConfig, type SiteOptions } from '../../../helpers/ike-pair.js';

async function up(a: Partial<SiteOptions> = {}, b: Partial<SiteOptions> = {}): Promise<IkePair> {
  const p = await IkePair.create({ a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately', ...a }, b: { local: B_ADDR, remote: A_ADDR, ...b } });
  await p.run();
  expect(p.a.tunnels()).toHaveLength(1);
  return p;
}

const exchangeOf = (p: IkePair): number => p.peek()!.message.header.exchange;

describe('clear commands', () => {
  it('clearIke: Delete(IKE) to the peer, the event, and (establish immediately) a new IKE SA', async () => {
    const p = await up();
    const oldSpi = p.a.ikeSas()[0]!.initiatorSpi;
    const [oldIn] = p.kernelA.installed.keys();
    expect(p.a.clearIke()).toBe(1);
    // A --> B  INFORMATIONAL SK{D(IKE)}, then A --> B  IKE_SA_INIT (new SA)
    expect(p.wire.map((w) => w.from)).toEqual(['a', 'a']);
    expect(exchangeOf(p)).toBe(ExchangeType.INFORMATIONAL);
    expect(p.kernelA.removed).toEqual([oldIn]);
    expect(p.a.inactiveTunnels().tunnels).toHaveLength(1);
    await p.step();
    expect(p.b.ikeSas()).toHaveLength(0);
    expect(p.kernelB.installed.size).toBe(0);
    expect(p.b.inactiveTunnels().tunnels[0]!.downReason).toBe('Peer deleted IKE SA');
    await p.run();
    const sas = p.a.ikeSas();
    expect(sas).toHaveLength(1);
    expect(sas[0]!.initiatorSpi).not.toBe(oldSpi);
    const events = p.a.tunnels()[0]!.events.map((e) => `${e.text} (${e.count})`);
    expect(events).toEqual([
      'IPSec SA negotiation successfully completed (2)',
      'IKE SA negotiation successfully completed (2)',
      'User cleared IKE SA from CLI, corresponding IPSec SAs cleared (1)',
    ]);
  });

  it('clearIke with a filter that matches nothing clears nothing', async () => {
    const p = await up();
    expect(p.a.clearIke({ peer: '203.0.113.1' })).toBe(0);
    expect(p.a.clearIke({ index: 1 })).toBe(0);
    expect(p.wire).toHaveLength(0);
  });

  it('clearIpsec: INFORMATIONAL Delete(ESP) both ways, then a new CHILD SA on the same IKE SA', async () => {
    const p = await up();
    const [oldA] = p.kernelA.installed.keys();
    const [oldB] = p.kernelB.installed.keys();
    expect(p.a.clearIpsec({ index: 131073 })).toBe(1);
    // A --> B  INFORMATIONAL SK{D(ESP, oldA)}
    const del = p.peek()!.message;
    expect(del.header.exchange).toBe(ExchangeType.INFORMATIONAL);
    await p.step();
    expect(p.kernelB.removed).toEqual([oldB]);
    // A <-- B  INFORMATIONAL SK{D(ESP, oldB)}
    await p.step();
    // A --> B  CREATE_CHILD_SA SK{SA, Ni, TSi, TSr}
    expect(exchangeOf(p)).toBe(ExchangeType.CREATE_CHILD_SA);
    await p.run();
    expect(p.kernelA.removed).toEqual([oldA]);
    expect(p.a.ikeSas()).toHaveLength(1);
    expect(p.a.tunnels()[0]!.sas[0]!.spi).not.toBe(oldA);
    expect(p.b.tunnels()).toHaveLength(1);
  });
});

describe('CHILD SA rekey (RFC 7296 §1.3.3, §2.8)', () => {
  for (const pfs of [undefined, 'group14'] as const) {
    it(`at the soft lifetime, new pair installed before the old one is deleted${pfs ? ' (PFS group14)' : ''}`, async () => {
      const p = await up({ ipsec: pfs ? { pfs } : {} }, { ipsec: pfs ? { pfs } : {} });
      const [oldA] = p.kernelA.installed.keys();
      const [oldB] = p.kernelB.installed.keys();
      await p.advance(3100 * 1000); // < 90 % - 2 % of 3600 s
      expect(p.wire).toHaveLength(0);
      while (p.wire.length === 0) await p.advance(1000);
      const at = (p.clock.now() - p.a.ikeSaObjects()[0]!.establishedAt) / 1000;
      expect(at).toBeGreaterThanOrEqual(3168);
      expect(at).toBeLessThanOrEqual(3241);
      // A --> B  CREATE_CHILD_SA SK{N(REKEY_SA, oldA), SA, Ni, [KEi], TSi, TSr}
      expect(p.wire).toHaveLength(1);
      const req = p.peek()!.message;
      expect(req.header.exchange).toBe(ExchangeType.CREATE_CHILD_SA);
      await p.step();
      expect(p.kernelB.installed.size).toBe(2); // new installed, old kept until A deletes it
      // A <-- B  SK{SA, Nr, [KEr], TSi, TSr}
      await p.step();
      expect(p.kernelA.installed.size).toBe(1);
      expect(p.kernelA.removed).toEqual([oldA]);
      // A --> B  INFORMATIONAL SK{D(ESP, oldA)}
      await p.step();
      expect(p.kernelB.removed).toEqual([oldB]);
      await p.step();
      expect(p.wire).toHaveLength(0);
      const t = p.a.tunnels()[0]!;
      expect(t.id).toBe(131073);
      expect(t.events[0]).toMatchObject({ text: 'IPSec SA rekey successfully completed', count: 1 });
      expect(p.b.tunnels()[0]!.events[0]!.text).toBe('IPSec SA rekey successfully completed');
      const [na] = [...p.kernelA.installed.values()];
      const [nb] = [...p.kernelB.installed.values()];
      expect(na!.outbound.spi).toBe(nb!.inbound.spi);
      expect(na!.outbound.encryptionKey).toEqual(nb!.inbound.encryptionKey);
      expect(p.a.ikeSas()[0]!.ipsecSas).toEqual({ created: 2, deleted: 1 });
    });
  }

  it('PFS mismatch on rekey is explained', async () => {
    const p = await up({ ipsec: { pfs: 'group14' } }, {});
    await p.advance(3300 * 1000);
    await p.run();
    expect(p.traceA.some((l) => l.includes('IPsec SA negotiation failed: peer answered NO_PROPOSAL_CHOSEN'))).toBe(true);
    expect(p.traceB.some((l) => /IPsec SA negotiation failed: no proposal chosen: peer proposal 1 .*DH/.test(l))).toBe(true);
  });

  it('lifetime-kilobytes: the kernel counters trigger the rekey', async () => {
    const p = await up({ ipsec: { kilobytes: 100000 } }, { ipsec: { kilobytes: 100000 } });
    const [spi] = p.kernelA.installed.keys();
    expect(p.a.tunnels()[0]!.sas[0]!.lifesizeRemaining).toBe(100000);
    p.kernelA.traffic.set(spi!, { inboundBytes: 50000 * 1024, inboundPackets: 500, outboundBytes: 45000 * 1024, outboundPackets: 450 });
    expect(p.a.tunnels()[0]!.sas[0]!.lifesizeRemaining).toBe(5000);
    await p.advance(10_000);
    expect(exchangeOf(p)).toBe(ExchangeType.CREATE_CHILD_SA);
    await p.run();
    expect(p.a.tunnels()[0]!.events[0]!.text).toBe('IPSec SA rekey successfully completed');
  });
});

describe('Delete from the peer', () => {
  it('the peer deletes the CHILD SA: we answer with our half and renegotiate (immediately)', async () => {
    const p = await up();
    p.b.clearIpsec();
    // A <-- B  INFORMATIONAL SK{D(ESP)}
    await p.step();
    // A --> B  SK{D(ESP, ours)} and then CREATE_CHILD_SA
    const resp = p.peek()!.message;
    expect(resp.header.response).toBe(true);
    await p.run();
    expect(p.kernelA.installed.size).toBe(1);
    expect(p.a.tunnels()).toHaveLength(1);
  });
});

describe('dead peer detection', () => {
  it('probe-idle-tunnel: an empty INFORMATIONAL after an idle interval, answered; a silent peer is declared down', async () => {
    const p = await up({ dpd: { mode: 'probe-idle-tunnel', interval: 10, threshold: 3 } });
    await p.advance(10_000);
    // A --> B  INFORMATIONAL SK{}   A <-- B  SK{}
    const probe = p.peek()!.message;
    expect(probe.header.exchange).toBe(ExchangeType.INFORMATIONAL);
    await p.run();
    expect(p.a.ikeSas()[0]!.state).toBe('UP');
    // B goes silent: 3 probes 10 s apart, then down
    let sent = 0;
    for (let i = 0; i < 8 && p.a.ikeSas().length > 0; i++) {
      await p.advance(10_000);
      while (p.wire.length > 0) {
        p.drop();
        sent++;
      }
    }
    expect(sent).toBe(3);
    expect(p.a.ikeSas()).toHaveLength(0);
    expect(p.kernelA.installed.size).toBe(0);
    expect(p.a.inactiveTunnels().tunnels[0]!.downReason).toBe('DPD detected peer as down');
    expect(p.traceA.some((l) => l.endsWith('DPD detected peer as down'))).toBe(true);
  });
});

describe('dead peer detection modes', () => {
  const traffic = (p: IkePair, inPk: number, outPk: number): void => {
    const [spi] = p.kernelA.installed.keys();
    p.kernelA.traffic.set(spi!, { inboundBytes: inPk * 100, inboundPackets: inPk, outboundBytes: outPk * 100, outboundPackets: outPk });
  };
  it('optimized: probes only when ESP goes out and nothing comes back', async () => {
    const p = await up({ dpd: { mode: 'optimized', interval: 10, threshold: 5 } });
    await p.advance(30_000);
    expect(p.wire).toHaveLength(0); // idle both ways: no probe
    traffic(p, 0, 5);
    await p.advance(10_000);
    expect(exchangeOf(p)).toBe(ExchangeType.INFORMATIONAL); // one-way traffic: probe
    await p.run();
    traffic(p, 7, 9);
    await p.advance(10_000);
    expect(p.wire).toHaveLength(0); // traffic both ways: no probe
  });

  it('always-send: a probe every interval even with traffic', async () => {
    const p = await up({ dpd: { mode: 'always-send', interval: 10, threshold: 5 } });
    for (let i = 1; i <= 3; i++) {
      traffic(p, i, i);
      await p.advance(10_000);
      expect(exchangeOf(p)).toBe(ExchangeType.INFORMATIONAL);
      await p.run();
    }
    expect(p.a.ikeSas()[0]!.state).toBe('UP');
  });

  it('a peer that answers probes is never declared down (B answers an empty INFORMATIONAL)', async () => {
    const p = await up({ dpd: { mode: 'always-send', interval: 10, threshold: 2 } });
    for (let i = 0; i < 5; i++) {
      await p.advance(10_000);
      await p.run();
    }
    expect(p.a.ikeSas()[0]!.state).toBe('UP');
    expect(p.b.counters().rejected).toEqual({});
  });
});

describe('configuration changes', () => {
  it('a change touching the tunnel deletes its SAs and renegotiates', async () => {
    const p = await up();
    const [old] = p.kernelA.installed.keys();
    p.a.configure(configModel(siteConfig({ local: A_ADDR, remote: B_ADDR, establish: 'immediately', ipsec: { lifetime: 1800 } })));
    expect(p.kernelA.removed).toEqual([old]);
    await p.run();
    const t = p.a.tunnels()[0]!;
    expect(t.id).toBe(131073);
    expect(t.sas[0]!.hardLifetime).toBe(1800);
    expect(t.events.map((e) => e.text)).toContain('Tunnel configuration changed. Corresponding IKE/IPSec SAs are deleted');
  });

  it('a second VPN on the same gateway: the IKE SA and the first tunnel stay, the new one comes up by CREATE_CHILD_SA', async () => {
    const p = await up();
    const ike = p.a.ikeSas()[0]!.initiatorSpi;
    const more = [
      'set security ipsec vpn VPN2 bind-interface st0.2',
      'set security ipsec vpn VPN2 ike gateway GW1',
      'set security ipsec vpn VPN2 ike ipsec-policy IPOL1',
      'set security ipsec vpn VPN2 establish-tunnels immediately',
      'set security ipsec vpn VPN2 traffic-selector t2 local-ip 10.5.0.0/16',
      'set security ipsec vpn VPN2 traffic-selector t2 remote-ip 10.6.0.0/16',
      'set interfaces st0 unit 2 family inet',
    ];
    const moreB = more.map((l) => l.replace('10.5.0.0/16', 'X').replace('10.6.0.0/16', '10.5.0.0/16').replace('X', '10.6.0.0/16').replace(/.*establish-tunnels.*/, 'set interfaces st0 unit 2 family inet'));
    p.b.configure(configModel(siteConfig({ local: B_ADDR, remote: A_ADDR, extra: moreB })));
    expect(p.wire).toHaveLength(0);
    p.a.configure(configModel(siteConfig({ local: A_ADDR, remote: B_ADDR, establish: 'immediately', extra: more })));
    expect(exchangeOf(p)).toBe(ExchangeType.CREATE_CHILD_SA);
    await p.run();
    expect(p.a.ikeSas().map((s) => s.initiatorSpi)).toEqual([ike]);
    expect(p.a.tunnels().map((t) => `${t.id} ${t.vpnName}`), [...p.traceA, ...p.traceB].join('\n')).toEqual(['131073 VPN1', '131074 VPN2']);
    expect(p.kernelA.removed).toEqual([]);
    expect(p.b.tunnels()).toHaveLength(2);
    // and removing it again deletes only its CHILD SA
    const vpn2In = p.a.tunnels()[1]!.sas[0]!.spi;
    p.a.configure(configModel(siteConfig({ local: A_ADDR, remote: B_ADDR, establish: 'immediately' })));
    await p.run();
    expect(p.kernelA.removed).toEqual([vpn2In]);
    expect(p.a.tunnels().map((t) => t.vpnName)).toEqual(['VPN1']);
    expect(p.a.ikeSas().map((s) => s.initiatorSpi)).toEqual([ike]);
  });

  it('an unchanged configuration keeps the SAs', async () => {
    const p = await up();
    p.a.configure(configModel(siteConfig({ local: A_ADDR, remote: B_ADDR, establish: 'immediately' })));
    expect(p.wire).toHaveLength(0);
    expect(p.kernelA.removed).toEqual([]);
  });

  it('stop(): every SA leaves the kernel', async () => {
    const p = await up();
    await p.a.stop();
    expect(p.kernelA.installed.size).toBe(0);
    expect(p.a.ikeSas()).toHaveLength(0);
  });
});

void NotifyType;
void ProtocolId;

describe('IKE SA rekey (RFC 7296 §1.3.2, §2.18)', () => {
  it('at 90 % of the IKE lifetime: new SPIs, CHILD SAs move over untouched, old SA deleted', async () => {
    const p = await up({ ike: { lifetime: 1000 } }, { ike: { lifetime: 1000 } });
    const before = p.a.ikeSas()[0]!;
    const [childA] = p.kernelA.installed.keys();
    while (p.wire.length === 0) await p.advance(1000);
    expect(p.clock.now() - p.a.ikeSaObjects()[0]!.establishedAt).toBe(900_000);
    // A --> B  CREATE_CHILD_SA SK{SA(IKE, SPI = new SPIi), Ni, KEi}
    const req = p.peek()!.message;
    expect(req.header.exchange).toBe(ExchangeType.CREATE_CHILD_SA);
    await p.step();
    // A <-- B  SK{SA(IKE, SPI = new SPIr), Nr, KEr}: B has moved its CHILD SA already
    expect(p.b.ikeSas().filter((s) => s.state === 'UP')).toHaveLength(1);
    await p.step();
    // A --> B  (old SPIs) SK{D(IKE)}   A <-- B  SK{}
    await p.step();
    await p.step();
    expect(p.wire).toHaveLength(0);
    expect(p.kernelA.installed.has(childA!)).toBe(true);
    expect(p.kernelA.removed).toEqual([]);
    const after = p.a.ikeSas();
    expect(after).toHaveLength(1);
    expect(after[0]!.initiatorSpi).not.toBe(before.initiatorSpi);
    expect(after[0]!.state).toBe('UP');
    expect(p.b.ikeSas()).toHaveLength(1);
    expect(p.b.ikeSas()[0]!.responderSpi).toBe(after[0]!.responderSpi);
    expect(p.a.tunnels()[0]!.events.map((e) => e.text)).toContain('IKE SA rekey successfully completed');
    // The SAs still talk: a CHILD SA delete/create works over the new IKE SA.
    p.a.clearIpsec();
    await p.run();
    expect(p.a.tunnels()).toHaveLength(1);
    expect(p.b.tunnels()).toHaveLength(1);
    expect(p.kernelA.installed.has(childA!)).toBe(false);
    expect(p.a.ikeSas()[0]!.ipsecSas).toEqual({ created: 2, deleted: 1 });
    expect(p.a.counters().rejected).toEqual({});
    expect(p.b.counters().rejected).toEqual({});
  });

  it('keys of the rekeyed SA follow §2.18 (both ends derive the same SK_e, different from the old)', async () => {
    const p = await up({ ike: { lifetime: 1000 }, ipsec: { lifetime: 3600 } }, { ike: { lifetime: 1000 } });
    const old = p.a.ikeKeys()[0]!;
    while (p.wire.length === 0) await p.advance(1000);
    await p.run();
    const ka = p.a.ikeKeys();
    const kb = p.b.ikeKeys();
    expect(ka).toHaveLength(1);
    expect(ka[0]!.skEi).toEqual(kb[0]!.skEi);
    expect(ka[0]!.skEr).toEqual(kb[0]!.skEr);
    expect(ka[0]!.skEi).not.toEqual(old.skEi);
  });
});

describe('simultaneous CHILD SA rekey (RFC 7296 §2.8.1)', () => {
  it('both ends rekey at once: the pair with the lowest nonce is deleted by its creator, one pair survives on both', async () => {
    const p = await up();
    const [oldA] = p.kernelA.installed.keys();
    const [oldB] = p.kernelB.installed.keys();
    // A --> B  CREATE_CHILD_SA{N(REKEY_SA)…}   and   A <-- B  CREATE_CHILD_SA{N(REKEY_SA)…}
    p.a.rekeyChild(p.a.tunnelObjects()[0]!.child!);
    p.b.rekeyChild(p.b.tunnelObjects()[0]!.child!);
    expect(p.wire.map((w) => w.from)).toEqual(['a', 'b']);
    await p.run();
    expect(p.wire).toHaveLength(0);
    // One pair on each side, the same one, the old one gone.
    expect(p.kernelA.installed.size).toBe(1);
    expect(p.kernelB.installed.size).toBe(1);
    const [a] = [...p.kernelA.installed.values()];
    const [b] = [...p.kernelB.installed.values()];
    expect(a!.outbound.spi).toBe(b!.inbound.spi);
    expect(b!.outbound.spi).toBe(a!.inbound.spi);
    expect(p.kernelA.installed.has(oldA!)).toBe(false);
    expect(p.kernelB.installed.has(oldB!)).toBe(false);
    expect(p.a.tunnels()[0]!.sas[0]!.spi).toBe(a!.inbound.spi);
    expect(p.b.tunnels()[0]!.sas[0]!.spi).toBe(b!.inbound.spi);
    expect(p.traceA.some((l) => l.includes('simultaneous rekey'))).toBe(true);
  });
});

describe('simultaneous IKE SA rekey (RFC 7296 §2.8.2)', () => {
  it('both ends rekey the IKE SA at once: both keep the same new IKE SA, the CHILD SA survives', async () => {
    const p = await up();
    const [childA] = p.kernelA.installed.keys();
    const old = p.a.ikeSas()[0]!.initiatorSpi;
    // A --> B  CREATE_CHILD_SA{SA(IKE), Ni, KEi}   and   A <-- B  CREATE_CHILD_SA{SA(IKE), Ni, KEi}
    p.a.rekeyIke(p.a.ikeSaObjects()[0]!);
    p.b.rekeyIke(p.b.ikeSaObjects()[0]!);
    expect(p.wire.map((w) => w.from)).toEqual(['a', 'b']);
    await p.run();
    await p.advance(31_000);
    await p.run();
    const a = p.a.ikeSas();
    const b = p.b.ikeSas();
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a[0]!.state).toBe('UP');
    expect(a[0]!.initiatorSpi).not.toBe(old);
    expect([a[0]!.initiatorSpi, a[0]!.responderSpi]).toEqual([b[0]!.initiatorSpi, b[0]!.responderSpi]);
    expect(p.kernelA.installed.has(childA!)).toBe(true);
    expect(p.traceA.some((l) => l.includes('simultaneous IKE SA rekey'))).toBe(true);
    // and the survivor works: a CHILD SA rekey over it
    p.a.rekeyChild(p.a.tunnelObjects()[0]!.child!);
    await p.run();
    expect(p.a.tunnels()[0]!.events[0]!.text).toBe('IPSec SA rekey successfully completed');
    expect(p.kernelA.installed.size).toBe(1);
    expect(p.kernelB.installed.size).toBe(1);
  });
});
