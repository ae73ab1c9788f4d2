/**
 * IKE_SA_INIT round trips: INVALID_KE_PAYLOAD (RFC 7296 §1.2), COOKIE (§2.6), NAT-T (§2.23)
 * with the float to UDP 4500, UDP-encapsulated ESP and keepalives, `no-nat-traversal`, several
 * traffic selectors (IKE_AUTH + CREATE_CHILD_SA), and on-traffic establishment.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeType, NotifyType } from '../../../../ike/wire/constants.js';
import type { IkeMessage } from '../../../../ike/wire/types.js';
import { A_ADDR, B_ADDR, IkePair, NAT_ADDR } from '../../../helpers/ike-pair.js';

const notifies = (m: IkeMessage): number[] => m.payloads.filter((p) => p.kind === 'notify').map((p) => (p as { notifyType: number }).notifyType);
const ke = (m: IkeMessage): number => (m.payloads.find((p) => p.kind === 'ke') as { group: number }).group;

describe('INVALID_KE_PAYLOAD', () => {
  it('the responder asks for the group of the proposal it chose; the initiator retries with it', async () => {
    const p = await IkePair.create({
      a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately', extra: ['set security ike proposal P2 authentication-method pre-shared-keys', 'set security ike proposal P2 dh-group group20', 'set security ike proposal P2 encryption-algorithm aes-256-gcm', 'set security ike proposal P2 lifetime-seconds 3000', 'set security ike policy POL1 proposals P2'] },
      b: { local: B_ADDR, remote: A_ADDR, ike: { dh: 'group20', enc: 'aes-256-gcm', lifetime: 7200 } },
    });
    // A --> B  SAi1(P1 group 19, P2 group 20) KEi(19) Ni
    expect(ke(p.peek()!.message)).toBe(19);
    await p.step();
    // A <-- B  N(INVALID_KE_PAYLOAD, 20), responder SPI zero
    const r = p.peek()!.message;
    expect(notifies(r)).toEqual([NotifyType.INVALID_KE_PAYLOAD]);
    expect([...r.header.spiR]).toEqual(new Array(8).fill(0));
    const data = (r.payloads[0] as { data: Uint8Array }).data;
    expect([...data]).toEqual([0, 20]);
    expect(p.b.ikeSas()).toHaveLength(0); // nothing kept for an INVALID_KE round trip
    await p.step();
    // A --> B  same SPIi, Message ID 0, KEi(20)
    const retry = p.peek()!.message;
    expect(retry.header.messageId).toBe(0);
    expect(ke(retry)).toBe(20);
    await p.run();
    expect(p.a.ikeSas()[0]).toMatchObject({ state: 'UP', algorithms: { dhGroup: 'DH-group-20', encryption: 'aes256-gcm' } });
    // each end's lifetime is that of its own proposal that matched (A: P2, 3000 s; B: 7200 s)
    expect(p.a.ikeSas()[0]!.lifetimeRemaining).toBe(3000);
    expect(p.b.ikeSas()[0]!.lifetimeRemaining).toBe(7200);
    expect(p.a.tunnels()).toHaveLength(1);
    expect(p.a.inactiveTunnels().tunnels).toHaveLength(0);
  });

  it('a group we do not offer fails with a line naming it', async () => {
    const p = await IkePair.create({
      a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately' },
      b: { local: B_ADDR, remote: A_ADDR, ike: { dh: 'group20' } },
    });
    await p.run();
    expect(p.a.inactiveTunnels().tunnels[0]!.downReason).toBe('IKE SA negotiation failed: peer accepted none of our IKE proposals (NO_PROPOSAL_CHOSEN)');
    expect(p.b.inactiveTunnels().tunnels[0]!.downReason).toMatch(/^IKE SA negotiation failed: no proposal chosen: peer proposal 1 DH group 19 not in ours \(group 20\)/);
  });
});

describe('COOKIE (RFC 7296 §2.6)', () => {
  it('under load the responder answers N(COOKIE); the initiator repeats its request with the cookie first', async () => {
    const p = await IkePair.create({
      a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately' },
      b: { local: B_ADDR, remote: A_ADDR },
      cookieThresholdB: 0,
    });
    const first = p.peek()!.message;
    await p.step();
    // A <-- B  HDR(SPIi, 0), N(COOKIE)
    const c = p.peek()!.message;
    expect(notifies(c)).toEqual([NotifyType.COOKIE]);
    expect(p.b.ikeSas()).toHaveLength(0); // stateless
    await p.step();
    // A --> B  HDR(SPIi, 0), N(COOKIE), SAi1, KEi, Ni ... (same SPI, nonce and KE)
    const again = p.peek()!.message;
    expect(again.payloads[0]).toMatchObject({ kind: 'notify', notifyType: NotifyType.COOKIE });
    expect(again.header.spiI).toEqual(first.header.spiI);
    expect(again.payloads.find((x) => x.kind === 'nonce')).toEqual(first.payloads.find((x) => x.kind === 'nonce'));
    await p.run();
    expect(p.a.ikeSas()[0]!.state).toBe('UP');
    expect(p.a.tunnels()).toHaveLength(1);
  });

  it('a wrong cookie gets a new COOKIE answer, never an SA', async () => {
    const p = await IkePair.create({ a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately' }, b: { local: B_ADDR, remote: A_ADDR }, cookieThresholdB: 0 });
    await p.step();
    const reply = p.wire.shift()!;
    const bad = new Uint8Array(reply.datagram.payload);
    bad[bad.length - 1]! ^= 0xff; // corrupt the cookie on the way back
    p.a.receive({ ...reply.datagram, payload: bad });
    await p.step();
    expect(notifies(p.peek()!.message)).toEqual([NotifyType.COOKIE]);
    expect(p.b.ikeSas()).toHaveLength(0);
  });
});

describe('NAT traversal (RFC 7296 §2.23)', () => {
  it('A behind a NAT: both float to 4500 from IKE_AUTH, ESP is UDP-encapsulated, A sends keepalives', async () => {
    const p = await IkePair.create({
      a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately' },
      b: { local: B_ADDR, remote: NAT_ADDR, remoteIdentity: `inet ${A_ADDR}` },
      nat: true,
    });
    await p.step();
    await p.step();
    // A --> B  IKE_AUTH from UDP 4500 (NAT: 14500)
    expect(p.wire[0]!.datagram.remote).toEqual({ address: NAT_ADDR, port: 14500 });
    expect(p.wire[0]!.datagram.local).toEqual({ address: B_ADDR, port: 4500 });
    await p.run();
    const [a] = [...p.kernelA.installed.values()];
    const [b] = [...p.kernelB.installed.values()];
    expect(a!.udpEncapsulation).toEqual({ localPort: 4500, remotePort: 4500 });
    expect(b!.udpEncapsulation).toEqual({ localPort: 4500, remotePort: 14500 });
    expect(b!.remote).toBe(NAT_ADDR);
    expect(p.a.ikeSas()[0]!.local.port).toBe(4500);
    expect(p.a.tunnels()[0]!.port).toBe(4500);
    // keepalives from A only (it is the one behind the NAT), every 20 s
    await p.advance(60_000);
    expect(p.keepalives.filter((k) => k.from === 'a')).toHaveLength(3);
    expect(p.keepalives.filter((k) => k.from === 'b')).toHaveLength(0);
    expect(p.keepalives[0]).toMatchObject({ local: { address: A_ADDR, port: 4500 }, remote: { address: B_ADDR, port: 4500 } });
  });

  it('no-nat-traversal: no NAT-D notifies, IKE stays on 500', async () => {
    const p = await IkePair.create({
      a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately', noNatTraversal: true },
      b: { local: B_ADDR, remote: A_ADDR, noNatTraversal: true },
    });
    expect(notifies(p.peek()!.message)).toEqual([NotifyType.IKEV2_FRAGMENTATION_SUPPORTED]);
    await p.step();
    expect(notifies(p.peek()!.message)).toEqual([NotifyType.IKEV2_FRAGMENTATION_SUPPORTED]);
    await p.step();
    expect(p.wire[0]!.datagram.local.port).toBe(500);
    await p.run();
    expect([...p.kernelA.installed.values()][0]!.udpEncapsulation).toBeNull();
  });
});

describe('several traffic selectors', () => {
  it('one CHILD SA each: the first in IKE_AUTH, the others by CREATE_CHILD_SA, each its own tunnel id', async () => {
    const p = await IkePair.create({
      a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately', selectors: [['ts1', '10.1.0.0/24', '10.2.0.0/24'], ['ts2', '10.1.1.0/24', '10.2.1.0/24']] },
      b: { local: B_ADDR, remote: A_ADDR, selectors: [['ts1', '10.2.0.0/24', '10.1.0.0/24'], ['ts2', '10.2.1.0/24', '10.1.1.0/24']] },
    });
    const exchanges: number[] = [];
    while (p.wire.length > 0) {
      exchanges.push(p.peek()!.message.header.exchange);
      await p.step();
    }
    expect(exchanges).toEqual([ExchangeType.IKE_SA_INIT, ExchangeType.IKE_SA_INIT, ExchangeType.IKE_AUTH, ExchangeType.IKE_AUTH, ExchangeType.CREATE_CHILD_SA, ExchangeType.CREATE_CHILD_SA]);
    const ta = p.a.tunnels();
    expect(ta.map((t) => t.id)).toEqual([131073, 131074]);
    expect(ta.map((t) => t.localIdentity)).toEqual(['ipv4_subnet(any:0,[0..7]=10.1.0.0/24)', 'ipv4_subnet(any:0,[0..7]=10.1.1.0/24)']);
    expect(p.b.tunnels().map((t) => t.remoteIdentity)).toEqual(['ipv4_subnet(any:0,[0..7]=10.1.0.0/24)', 'ipv4_subnet(any:0,[0..7]=10.1.1.0/24)']);
    expect(p.kernelA.installed.size).toBe(2);
    expect(p.a.ikeSas()[0]!.ipsecSas.created).toBe(2);
  });
});

describe('establish-tunnels on-traffic', () => {
  it('nothing is sent until trigger(vpn); a second trigger while negotiating starts nothing more', async () => {
    const p = await IkePair.create({ a: { local: A_ADDR, remote: B_ADDR }, b: { local: B_ADDR, remote: A_ADDR } });
    expect(p.wire).toHaveLength(0);
    expect(p.a.inactiveTunnels()).toMatchObject({ establishImmediately: 0, tunnels: [{ id: 131073, downReason: null }] });
    p.a.trigger('VPN1');
    p.a.trigger('VPN1');
    expect(p.wire).toHaveLength(1);
    await p.run();
    expect(p.a.tunnels()).toHaveLength(1);
  });
});

describe('half-open IKE SAs', () => {
  it('a responder forgets an IKE SA whose IKE_AUTH never comes (60 s); a repeated request gets the same answer', async () => {
    const p = await IkePair.create({ a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately' }, b: { local: B_ADDR, remote: A_ADDR } });
    const req = p.wire[0]!;
    await p.step();
    const answer = p.drop();
    // the same request again (the initiator's retransmission): the cached response, no new SA
    p.b.receive(req.datagram);
    expect(p.wire[0]!.datagram.payload).toEqual(answer.datagram.payload);
    expect(p.b.ikeSas()).toHaveLength(1);
    expect(p.b.ikeSas()[0]).toMatchObject({ state: 'DOWN', role: 'Responder' });
    await p.a.stop();
    p.wire.length = 0;
    await p.advance(59_000);
    expect(p.b.ikeSas()).toHaveLength(1);
    await p.advance(1_000);
    expect(p.b.ikeSas()).toHaveLength(0);
    expect(p.traceB.some((l) => l.includes('half-open SA from 192.0.2.1 expired without IKE_AUTH'))).toBe(true);
  });
});
