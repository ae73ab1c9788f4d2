/**
 * The IKE SA lifecycle machine (ike/v2/ike-sa-machine.ts), seen through the daemons: for each
 * scenario, the sequence of lifecycle snapshots every IKE SA of each side went through, on the
 * pair's VirtualClock. The machine alone (events in, snapshots out) is checked at the end.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { createIkeSaLifecycle, endedSaActors, ikeSaMachine, lifecycleText, type IkeSaDownReason } from '../../../../ike/v2/ike-sa-machine.js';
import { notify } from '../../../../ike/v2/payloads.js';
import { ExchangeType, NotifyType } from '../../../../ike/wire/constants.js';
import { VirtualClock } from '../../../../sim/clock.js';
import { A_ADDR, B_ADDR, IkePair, type SiteOptions } from '../../../helpers/ike-pair.js';

async function pair(a: Partial<SiteOptions> = {}, b: Partial<SiteOptions> = {}): Promise<IkePair> {
  return IkePair.create({ a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately', ...a }, b: { local: B_ADDR, remote: A_ADDR, ...b } });
}

/** Every SA a daemon has let go of has a stopped actor (nothing left running in its system). */
function expectNoLiveOrphans(p: IkePair): void {
  for (const side of ['a', 'b'] as const) {
    const live = new Set(p.daemon(side).ikeSaObjects());
    for (const { sa } of p.lifecycles[side]) {
      if (!live.has(sa)) expect({ index: sa.index, status: sa.lifecycle.getSnapshot().status }).toEqual({ index: sa.index, status: 'done' });
    }
  }
}

describe('IKE SA lifecycle through the daemons', () => {
  it('a normal setup: initiator InitSent → AuthSent → Established, responder InitAnswered → Established', async () => {
    const p = await pair();
    expect(p.states('a')).toEqual([['Connecting.InitSent']]);
    // A --> B  IKE_SA_INIT
    await p.step();
    expect(p.states('b')).toEqual([['Connecting.InitAnswered']]);
    // A <-- B  IKE_SA_INIT: keys derived, IKE_AUTH goes out
    await p.step();
    expect(p.states('a')).toEqual([['Connecting.InitSent', 'Connecting.AuthSent']]);
    expect(p.a.ikeSas()[0]!.state).toBe('DOWN');
    // A --> B  IKE_AUTH   A <-- B  IKE_AUTH
    await p.run();
    expect(p.states('a')).toEqual([['Connecting.InitSent', 'Connecting.AuthSent', 'Established.Active']]);
    expect(p.states('b')).toEqual([['Connecting.InitAnswered', 'Established.Active']]);
    expect(p.a.ikeSas()[0]!.state).toBe('UP');
    expect(p.b.ikeSas()[0]!.state).toBe('UP');
    expect(p.a.ikeSaObjects()[0]!.downReason).toBeNull();
  });

  it('wrong pre-shared key: both ends go Down with the failure as the reason, the actors stop', async () => {
    const p = await pair({ psk: 'right-key' }, { psk: 'wrong-key' });
    await p.run();
    expect(p.states('a')[0]).toEqual(['Connecting.InitSent', 'Connecting.AuthSent', 'Down(failed)']);
    expect(p.states('b')[0]).toEqual(['Connecting.InitAnswered', 'Down(failed)']);
    const [la, lb] = [p.lifecycles.a[0]!.sa, p.lifecycles.b[0]!.sa];
    for (const sa of [la, lb]) {
      expect(sa.lifecycle.getSnapshot().status).toBe('done');
      expect(sa.downReason!.detail).toMatch(/uthentication failed/);
    }
    expect(p.a.ikeSas()).toEqual([]);
    expectNoLiveOrphans(p);
    expect(p.traceA.some((l) => l.includes(`IKE SA ${la.index} GW1: down (failed: `))).toBe(true);
  });

  it('no answer: the initiator times out after the retransmissions', async () => {
    const p = await pair();
    for (let i = 0; i < 8; i++) {
      while (p.wire.length > 0) p.drop();
      await p.advance(32_000);
    }
    const first = p.lifecycles.a[0]!;
    expect(first.states).toEqual(['Connecting.InitSent', 'Down(timeout)']);
    expect(first.sa.downReason).toEqual({ cause: 'timeout', detail: 'No response from peer. Negotiation failed' } satisfies IkeSaDownReason);
  });

  it('a responder whose IKE_AUTH never comes goes Down as half-open after 60 s', async () => {
    const p = await pair();
    await p.step(); // IKE_SA_INIT to B
    p.drop(); // B's answer is lost; A will retransmit, B answers from its cache
    await p.advance(59_000);
    expect(p.lifecycles.b[0]!.states).toEqual(['Connecting.InitAnswered']);
    while (p.wire.length > 0) p.drop();
    await p.advance(1_000);
    expect(p.lifecycles.b[0]!.states).toEqual(['Connecting.InitAnswered', 'Down(half-open-expired)']);
  });

  it('IKE SA rekey: the old SA goes Rekeying → Rekeyed → Deleting → Down(rekeyed); the new one is born Established', async () => {
    const p = await pair({ ike: { lifetime: 1000 } }, { ike: { lifetime: 1000 } });
    await p.run();
    while (p.wire.length === 0) await p.advance(1000);
    // A --> B  CREATE_CHILD_SA{SA(IKE)}: A's SA is rekeying
    expect(p.lifecycles.a[0]!.states.at(-1)).toBe('Established.Rekeying');
    await p.run();
    expect(p.states('a')).toEqual([
      ['Connecting.InitSent', 'Connecting.AuthSent', 'Established.Active', 'Established.Rekeying', 'Rekeyed', 'Deleting', 'Down(rekeyed)'],
      ['Established.Active'],
    ]);
    expect(p.states('b')).toEqual([
      ['Connecting.InitAnswered', 'Established.Active', 'Rekeyed', 'Down(rekeyed)'],
      ['Established.Active'],
    ]);
    expect(p.a.ikeSas().map((s) => s.state)).toEqual(['UP']);
    expectNoLiveOrphans(p);
  });

  it('simultaneous IKE SA rekey: one new SA stays Established on both ends, the others end Down', async () => {
    const p = await pair();
    await p.run();
    p.a.rekeyIke(p.a.ikeSaObjects()[0]!);
    p.b.rekeyIke(p.b.ikeSaObjects()[0]!);
    await p.run();
    await p.advance(31_000);
    await p.run();
    // A kept the SA B created (its own lost on the nonces); B deleted the one it had created.
    expect(p.states('a')).toEqual([
      ['Connecting.InitSent', 'Connecting.AuthSent', 'Established.Active', 'Established.Rekeying', 'Rekeyed', 'Deleting', 'Down(rekeyed)'],
      ['Established.Active', 'Rekeyed', 'Down(rekeyed)'],
      ['Established.Active'],
    ]);
    expect(p.states('b')).toEqual([
      ['Connecting.InitAnswered', 'Established.Active', 'Established.Rekeying', 'Rekeyed', 'Down(rekeyed)'],
      ['Established.Active'],
      ['Established.Active', 'Deleting', 'Down(deleted)'],
    ]);
    expect(p.lifecycles.b[2]!.sa.downReason!.detail).toBe('simultaneous rekey: the other IKE SA stays');
    expectNoLiveOrphans(p);
  });

  it('a failed IKE SA rekey returns to Established.Active', async () => {
    const p = await pair();
    await p.run();
    const sa = p.a.ikeSaObjects()[0]!;
    p.a.rekeyIke(sa);
    expect(sa.lifecycleState).toBe('Established.Rekeying');
    // A --> B  CREATE_CHILD_SA{SA(IKE), Ni, KEi} is lost; A <-- "B"  SK{N(NO_PROPOSAL_CHOSEN)}
    const request = p.peek()!.message;
    expect(request.header.exchange).toBe(ExchangeType.CREATE_CHILD_SA);
    p.drop();
    sa.tasks.onResponse({ ...request, header: { ...request.header, response: true, initiator: false }, payloads: [] }, [notify(NotifyType.NO_PROPOSAL_CHOSEN)]);
    expect(p.lifecycles.a[0]!.states.slice(-2)).toEqual(['Established.Rekeying', 'Established.Active']);
    expect(p.a.ikeSas()[0]!.state).toBe('UP');
  });

  it('clear (our Delete) and the peer\'s Delete: Deleting → Down(deleted) here, Down(peer-deleted) there', async () => {
    const p = await pair({ establish: 'on-traffic' });
    p.a.trigger('VPN1');
    await p.run();
    expect(p.a.clearIke()).toBe(1);
    await p.run();
    expect(p.lifecycles.a[0]!.states.slice(-3)).toEqual(['Established.Active', 'Deleting', 'Down(deleted)']);
    expect(p.lifecycles.a[0]!.sa.downReason!.detail).toBe('User cleared IKE SA from CLI, corresponding IPSec SAs cleared');
    // Each actor that ended told the daemon's SA registry.
    expect(endedSaActors(p.a.actor)).toBe(1);
    expect(endedSaActors(p.b.actor)).toBe(1);
    expect(p.lifecycles.b[0]!.states.slice(-2)).toEqual(['Established.Active', 'Down(peer-deleted)']);
    expect(p.a.ikeSas()).toEqual([]);
    expect(p.b.ikeSas()).toEqual([]);
    expectNoLiveOrphans(p);
  });

  it('dead peer detection: Established → Down(dpd-dead)', async () => {
    const p = await pair({ dpd: { mode: 'always-send', interval: 10, threshold: 3 } });
    await p.run();
    for (let i = 0; i < 8 && p.a.ikeSas().length > 0; i++) {
      await p.advance(10_000);
      while (p.wire.length > 0) p.drop();
    }
    expect(p.lifecycles.a[0]!.states).toEqual(['Connecting.InitSent', 'Connecting.AuthSent', 'Established.Active', 'Down(dpd-dead)']);
    expect(p.lifecycles.a[0]!.sa.downReason).toEqual({ cause: 'dpd-dead', detail: 'DPD detected peer as down' });
    expectNoLiveOrphans(p);
  });

  it('stop(): every SA actor ends Down(deleted), then the daemon actor stops', async () => {
    const p = await pair();
    await p.run();
    await p.a.stop();
    expect(p.lifecycles.a[0]!.states.at(-1)).toBe('Down(deleted)');
    expect(p.lifecycles.a[0]!.sa.downReason!.detail).toBe('daemon stopped');
    expect(p.a.actor.getSnapshot().value).toBe('Stopped');
    expect(p.a.actor.getSnapshot().status).toBe('done');
  });
});

describe('the machine alone', () => {
  const host = { down: (_o: unknown, _r: IkeSaDownReason) => undefined };

  it('events in, snapshots out (responder; REMOVED while Rekeyed ends it as rekeyed)', () => {
    const downs: Array<[string, IkeSaDownReason]> = [];
    const actor = createIkeSaLifecycle({ role: 'responder', rekeyed: false }, 'x', { down: (o, r) => downs.push([o, r]) });
    const seen = [lifecycleText(actor.getSnapshot())];
    actor.subscribe((s) => seen.push(lifecycleText(s)));
    actor.send({ type: 'INIT_DONE' }); // not for a responder: ignored
    actor.send({ type: 'AUTH_DONE' });
    actor.send({ type: 'REKEY_DONE' });
    actor.send({ type: 'REMOVED' });
    expect([...new Set(seen)]).toEqual(['Connecting.InitAnswered', 'Established.Active', 'Rekeyed', 'Down(rekeyed)']);
    expect(downs).toEqual([['x', { cause: 'rekeyed', detail: 'IKE SA rekeyed' }]]);
    expect(actor.getSnapshot().output).toEqual({ cause: 'rekeyed', detail: 'IKE SA rekeyed' });
    actor.send({ type: 'AUTH_DONE' }); // Down is final: nothing moves it
    expect(lifecycleText(actor.getSnapshot())).toBe('Down(rekeyed)');
    expect(downs).toHaveLength(1);
  });

  it('a failure keeps its reason; a DELETE then a crossing PEER_DELETED keeps ours', () => {
    const clock = new VirtualClock();
    const a = createActor(ikeSaMachine, { clock, input: { role: 'initiator', rekeyed: false } }).start();
    a.send({ type: 'FAILED', reason: 'IKE SA negotiation failed: no proposal chosen' });
    expect(a.getSnapshot().output).toEqual({ cause: 'failed', detail: 'IKE SA negotiation failed: no proposal chosen' });
    const b = createIkeSaLifecycle({ role: 'initiator', rekeyed: true }, 2, host);
    expect(lifecycleText(b.getSnapshot())).toBe('Established.Active');
    b.send({ type: 'DELETE', detail: 'lifetime expired' });
    b.send({ type: 'PEER_DELETED' });
    expect(b.getSnapshot().output).toEqual({ cause: 'deleted', detail: 'lifetime expired' });
  });

  it('SAs in the same state share one snapshot; a reason stays with its own SA', () => {
    const downs: Array<[number, IkeSaDownReason]> = [];
    const h = { down: (o: number, r: IkeSaDownReason) => downs.push([o, r]) };
    const [x, y] = [createIkeSaLifecycle({ role: 'initiator', rekeyed: false }, 1, h), createIkeSaLifecycle({ role: 'initiator', rekeyed: false }, 2, h)];
    for (const l of [x, y]) {
      l.send({ type: 'INIT_DONE' });
      l.send({ type: 'AUTH_DONE' });
    }
    expect(x.getSnapshot()).toBe(y.getSnapshot());
    expect(lifecycleText(x.getSnapshot())).toBe('Established.Active');
    x.send({ type: 'DELETE', detail: 'lifetime expired' });
    y.send({ type: 'TIMEOUT', detail: 'No response from peer. Negotiation failed' });
    x.send({ type: 'REMOVED' });
    expect(downs).toEqual([
      [2, { cause: 'timeout', detail: 'No response from peer. Negotiation failed' }],
      [1, { cause: 'deleted', detail: 'lifetime expired' }],
    ]);
    const z = createIkeSaLifecycle({ role: 'initiator', rekeyed: false }, 3, h);
    z.send({ type: 'INIT_DONE' });
    z.send({ type: 'AUTH_DONE' });
    expect(lifecycleText(z.getSnapshot())).toBe('Established.Active');
    expect(z.getSnapshot().context.reason).toBeNull();
  });
});
