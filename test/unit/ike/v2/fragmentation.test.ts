/**
 * RFC 7383 fragments SENT by the daemon: a VPN whose traffic selector has 30 terms (30 selectors
 * in each of TSi and TSr, one CHILD SA) makes IKE_AUTH, in both directions, larger than
 * `fragmentation size 570`, and a second such traffic selector does the same to the
 * CREATE_CHILD_SA that follows. The fragments are read back with the codec (fragmentMessage's
 * counterpart: decodeMessage + FragmentReassembler, keyed from the daemons' SK_e keys).
 *
 * Size: RFC 7383 §2.5.1 limits the IP datagram, so a fragment's IKE message plus the IPv4
 * header (20), the UDP header (8) and, on port 4500, the non-ESP marker (4) is at most the
 * configured size.
 */
import { describe, expect, it } from 'vitest';
import { nativeEngine } from '../../../../crypto/native.js';
import { payloadType } from '../../../../ike/wire/codec.js';
import { ExchangeType, NotifyType, PayloadType } from '../../../../ike/wire/constants.js';
import { FragmentReassembler } from '../../../../ike/wire/fragment.js';
import { decodeMessage } from '../../../../ike/wire/message.js';
import { createSkCipher } from '../../../../ike/wire/sk.js';
import type { IkeMessage, SkfPayload, TsPayload } from '../../../../ike/wire/types.js';
import { A_ADDR, B_ADDR, IkePair, NAT_ADDR, type InFlight, type Side } from '../../../helpers/ike-pair.js';

const SIZE = 570;
const TERMS = 30;
/** ENCR_AES_GCM_16, the helper's default IKE encryption (aes-128-gcm). */
const AES_GCM_16 = 20;

/** `traffic-selector NAME` with `n` terms local 10.M.i.0/24 ↔ remote 10.T.i.0/24. */
function terms(name: string, n: number, mine: number, theirs: number): string[] {
  return Array.from({ length: n }, (_, i) => `set security ipsec vpn VPN1 traffic-selector ${name} term T${i} local-ip 10.${mine}.${i}.0/24 remote-ip 10.${theirs}.${i}.0/24`);
}

interface BigOptions {
  readonly flavours?: readonly ['kmd' | 'iked', 'kmd' | 'iked'];
  /** `fragmentation disable` on this side. */
  readonly disable?: Side;
  readonly nat?: boolean;
  /** A second 30-term traffic selector (a CREATE_CHILD_SA after IKE_AUTH). */
  readonly second?: boolean;
}

function bigPair(o: BigOptions = {}): Promise<IkePair> {
  const frag = (s: Side): string[] => [o.disable === s ? 'set security ike gateway GW1 fragmentation disable' : `set security ike gateway GW1 fragmentation size ${SIZE}`];
  const sels = (mine: number, theirs: number): string[] => [...terms('TS1', TERMS, mine, theirs), ...(o.second ? terms('TS2', TERMS, mine + 10, theirs + 10) : [])];
  return IkePair.create({
    a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately', extra: [...sels(1, 2), ...frag('a')] },
    b: { local: B_ADDR, ...(o.nat ? { remote: NAT_ADDR, remoteIdentity: `inet ${A_ADDR}` } : { remote: A_ADDR }), extra: [...sels(2, 1), ...frag('b')] },
    ...(o.flavours ? { flavourA: o.flavours[0], flavourB: o.flavours[1] } : {}),
    ...(o.nat ? { nat: true } : {}),
  });
}

/** The IP datagram the sender put on the wire: IPv4 + UDP (+ non-ESP marker off port 500). */
function ipSize(f: InFlight): number {
  const natT = f.datagram.local.port !== 500 || f.datagram.remote.port !== 500;
  return 20 + 8 + (natT ? 4 : 0) + f.datagram.payload.length;
}

function plain(f: InFlight): IkeMessage {
  const v = decodeMessage(f.datagram.payload);
  if (!v.ok) throw new Error(`undecodable: ${v.reason}`);
  return v.message;
}

function skf(f: InFlight): SkfPayload {
  const e = plain(f).encrypted;
  if (e?.kind !== 'skf') throw new Error(`not an SKF message: ${e?.kind}`);
  return e;
}

const notifies = (m: IkeMessage): number[] => m.payloads.flatMap((p) => (p.kind === 'notify' ? [p.notifyType] : []));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Open and reassemble the fragments with the codec and the sender's SK_e. */
function reassemble(p: IkePair, frags: readonly InFlight[]): IkeMessage {
  const h = plain(frags[0]!).header;
  const k = p.a.ikeKeys().find((e) => hex(e.initiatorSpi) === hex(h.spiI))!;
  const cipher = createSkCipher(nativeEngine, { encryption: AES_GCM_16 }, { encryption: h.initiator ? k.skEi : k.skEr });
  const r = new FragmentReassembler();
  let out: IkeMessage | undefined;
  for (const f of frags) {
    const v = decodeMessage(f.datagram.payload, { cipher });
    if (!v.ok) throw new Error(`fragment does not open: ${v.reason}`);
    const res = r.add(v.message);
    if (res.state === 'dropped') throw new Error(res.rejection.reason);
    if (res.state === 'complete') {
      if (!res.verdict.ok) throw new Error(res.verdict.reason);
      out = res.verdict.message;
    }
  }
  if (!out) throw new Error('incomplete');
  return out;
}

/**
 * The wire holds exactly one fragmented message from `from`: check every fragment (RFC 7383
 * §2.5) and its size, and return the fragments with the reassembled message.
 */
function expectFragmented(p: IkePair, from: Side, exchange: number, response: boolean): { frags: InFlight[]; message: IkeMessage } {
  const frags = [...p.wire];
  expect(frags.length).toBeGreaterThan(1);
  const total = frags.length;
  const message = reassemble(p, frags);
  const id = plain(frags[0]!).header.messageId;
  for (const [i, f] of frags.entries()) {
    expect(f.from).toBe(from);
    const m = plain(f);
    expect(m.header).toMatchObject({ exchange, response, messageId: id, nextPayload: PayloadType.SKF });
    expect(m.payloads).toEqual([]);
    const e = skf(f);
    expect([e.fragmentNumber, e.totalFragments]).toEqual([i + 1, total]);
    expect(e.innerFirst).toBe(i === 0 ? payloadType(message.inner![0]!) : 0);
    expect(ipSize(f)).toBeLessThanOrEqual(SIZE);
  }
  // Not a trivial split: every fragment but the last is filled to within one cipher block.
  for (const f of frags.slice(0, -1)) expect(ipSize(f)).toBeGreaterThan(SIZE - 16);
  return { frags, message };
}

const selectorsOf = (m: IkeMessage, kind: 'tsi' | 'tsr'): number => (m.inner!.find((x) => x.kind === kind) as TsPayload).selectors.length;

/** IKE_SA_INIT both ways, with IKEV2_FRAGMENTATION_SUPPORTED in each. */
async function initWithFragmentation(p: IkePair): Promise<void> {
  expect(notifies(p.peek()!.message)).toContain(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED);
  await p.step();
  expect(p.peek()!.message.header.response).toBe(true);
  expect(notifies(p.peek()!.message)).toContain(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED);
  await p.step();
}

function expectUp(p: IkePair, children = 1): void {
  expect(p.a.ikeSas()).toMatchObject([{ state: 'UP', fragmentation: { enabled: true, size: SIZE } }]);
  expect(p.b.ikeSas()).toMatchObject([{ state: 'UP', fragmentation: { enabled: true, size: SIZE } }]);
  expect(p.kernelA.installed.size).toBe(children);
  expect(p.kernelB.installed.size).toBe(children);
  expect(p.a.tunnels()).toHaveLength(children);
  expect(p.b.tunnels()).toHaveLength(children);
}

describe('sending IKE fragments (RFC 7383)', () => {
  for (const flavours of [
    ['kmd', 'kmd'],
    ['iked', 'kmd'],
    ['kmd', 'iked'],
  ] as const) {
    it(`${flavours[0]} → ${flavours[1]}: IKE_AUTH request and response go as SKF fragments within ${SIZE} bytes, and the SAs come up`, async () => {
      const p = await bigPair({ flavours });
      await initWithFragmentation(p);

      // I --> R  HDR SKF{IDi AUTH SAi2 TSi TSr} 1/N … N/N
      const req = expectFragmented(p, 'a', ExchangeType.IKE_AUTH, false);
      expect(plain(req.frags[0]!).header.messageId).toBe(1);
      expect(req.message.inner!.map((x) => x.kind)).toEqual(expect.arrayContaining(['idi', 'auth', 'sa', 'tsi', 'tsr']));
      expect(skf(req.frags[0]!).innerFirst).toBe(PayloadType.IDi);
      expect([selectorsOf(req.message, 'tsi'), selectorsOf(req.message, 'tsr')]).toEqual([TERMS, TERMS]);

      // Nothing happens at the responder before the last fragment.
      for (let i = 0; i < req.frags.length - 1; i++) {
        await p.step();
        expect(p.wire).toHaveLength(req.frags.length - 1 - i);
        expect(p.kernelB.installed.size).toBe(0);
        expect(p.b.ikeSas()[0]!.state).toBe('DOWN');
      }
      await p.step();
      expect(p.kernelB.installed.size).toBe(1);

      // I <-- R  HDR SKF{IDr AUTH SAr2 TSi TSr} 1/M … M/M
      const resp = expectFragmented(p, 'b', ExchangeType.IKE_AUTH, true);
      expect(skf(resp.frags[0]!).innerFirst).toBe(PayloadType.IDr);
      expect([selectorsOf(resp.message, 'tsi'), selectorsOf(resp.message, 'tsr')]).toEqual([TERMS, TERMS]);
      await p.run();
      expectUp(p);
      expect(p.kernelA.history[0]!.selector).toBe(p.kernelB.history[0]!.selector);
      expect(p.a.counters()).toMatchObject({ retransmitted: 0, rejected: {} });
      expect(p.b.counters()).toMatchObject({ retransmitted: 0, rejected: {} });
    });
  }

  it('behind a NAT (UDP 4500), the non-ESP marker counts against the size too', async () => {
    const p = await bigPair({ nat: true });
    await initWithFragmentation(p);
    const req = expectFragmented(p, 'a', ExchangeType.IKE_AUTH, false);
    expect(req.frags[0]!.datagram.local.port).toBe(4500);
    for (const f of req.frags) expect(f.datagram.payload.length).toBeLessThanOrEqual(SIZE - 20 - 8 - 4);
    await p.run(req.frags.length);
    const resp = expectFragmented(p, 'b', ExchangeType.IKE_AUTH, true);
    for (const f of resp.frags) expect(f.datagram.payload.length).toBeLessThanOrEqual(SIZE - 20 - 8 - 4);
    await p.run();
    expectUp(p);
  });

  it('fragments delivered out of order, one twice, are reassembled once', async () => {
    const p = await bigPair();
    await initWithFragmentation(p);
    const { frags } = expectFragmented(p, 'a', ExchangeType.IKE_AUTH, false);
    expect(frags.length).toBeGreaterThanOrEqual(3);
    // last first, then backwards, fragment 2 twice: N … 3 2 2 1
    const order = [...frags].reverse();
    order.splice(order.indexOf(frags[1]!), 0, frags[1]!);
    p.wire.splice(0, p.wire.length, ...order);
    for (let i = 0; i < order.length - 1; i++) {
      await p.step();
      expect(p.wire.every((f) => f.from === 'a')).toBe(true);
    }
    expect(p.kernelB.installed.size).toBe(0);
    await p.step(); // fragment 1 completes the message: answered once
    const resp = expectFragmented(p, 'b', ExchangeType.IKE_AUTH, true).frags.length;
    expect(p.b.counters().sent).toBe(1 + resp);
    expect(p.b.counters().rejected).toEqual({ 'fragment-duplicate': 1 });
    await p.run();
    expectUp(p);
  });

  it('a lost fragment: the initiator retransmits ALL fragments, the same bytes, and the exchange completes (§2.6.1)', async () => {
    const p = await bigPair();
    await initWithFragmentation(p);
    const { frags } = expectFragmented(p, 'a', ExchangeType.IKE_AUTH, false);
    expect(frags.length).toBeGreaterThanOrEqual(3);
    p.wire.splice(1, 1); // fragment 2 is lost
    await p.run();
    expect(p.wire).toHaveLength(0);
    expect(p.kernelB.installed.size).toBe(0);

    await p.advance(1999);
    expect(p.wire).toHaveLength(0);
    await p.advance(1);
    expect(p.a.counters().retransmitted).toBe(1);
    expect(p.wire.map((f) => f.from)).toEqual(frags.map(() => 'a'));
    expect(p.wire.map((f) => hex(f.datagram.payload))).toEqual(frags.map((f) => hex(f.datagram.payload)));

    await p.run(frags.length);
    // one answer, whatever the duplicates of fragments 1 and 3
    const resp = expectFragmented(p, 'b', ExchangeType.IKE_AUTH, true).frags.length;
    expect(p.b.counters().sent).toBe(1 + resp);
    // the copy of fragment 1 is a duplicate; the copy of fragment 3, after the answer, is ignored
    expect(p.b.counters().rejected).toEqual({ 'fragment-duplicate': 1 });
    await p.run();
    expectUp(p);
  });

  it('a lost response: fragment 1 of the retransmitted request alone brings the whole cached response again; the others are ignored (§2.6.1)', async () => {
    const p = await bigPair();
    await initWithFragmentation(p);
    const req = expectFragmented(p, 'a', ExchangeType.IKE_AUTH, false).frags;
    await p.run(req.length);
    const resp = expectFragmented(p, 'b', ExchangeType.IKE_AUTH, true).frags;
    p.wire.splice(0); // every response fragment is lost
    await p.advance(2000);
    expect(p.wire).toHaveLength(req.length);

    await p.step(); // fragment 1
    const again = p.wire.slice(req.length - 1);
    expect(again.map((f) => f.from)).toEqual(resp.map(() => 'b'));
    expect(again.map((f) => hex(f.datagram.payload))).toEqual(resp.map((f) => hex(f.datagram.payload)));
    const sent = p.b.counters().sent;
    await p.run(req.length - 1); // fragments 2..N of the retransmission
    expect(p.b.counters().sent).toBe(sent);
    expect(p.wire.map((f) => f.from)).toEqual(resp.map(() => 'b'));
    await p.run();
    expectUp(p);
    expect(p.kernelB.history).toHaveLength(1); // processed once
  });

  it('a CREATE_CHILD_SA larger than the size goes in fragments too, and its CHILD SA is installed', async () => {
    const p = await bigPair({ second: true });
    await initWithFragmentation(p);
    await p.run(expectFragmented(p, 'a', ExchangeType.IKE_AUTH, false).frags.length);
    await p.run(expectFragmented(p, 'b', ExchangeType.IKE_AUTH, true).frags.length);
    expect(p.kernelA.installed.size).toBe(1);

    // I --> R  HDR SKF{SA Ni [KEi] TSi TSr} for TS2
    const req = expectFragmented(p, 'a', ExchangeType.CREATE_CHILD_SA, false);
    expect(plain(req.frags[0]!).header.messageId).toBe(2);
    expect(req.message.inner![0]!.kind).toBe('sa');
    expect(skf(req.frags[0]!).innerFirst).toBe(PayloadType.SA);
    expect([selectorsOf(req.message, 'tsi'), selectorsOf(req.message, 'tsr')]).toEqual([TERMS, TERMS]);
    await p.run(req.frags.length);
    const resp = expectFragmented(p, 'b', ExchangeType.CREATE_CHILD_SA, true);
    expect(skf(resp.frags[0]!).innerFirst).toBe(PayloadType.SA);
    await p.run();
    expectUp(p, 2);
    expect(new Set(p.kernelA.history.map((s) => s.selector)).size).toBe(2);
  });

  for (const side of ['a', 'b'] as const) {
    it(`fragmentation disable on ${side.toUpperCase()}: not negotiated, the big IKE_AUTH goes whole (one SK datagram) and completes`, async () => {
      const p = await bigPair({ disable: side });
      expect(notifies(p.peek()!.message).includes(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED)).toBe(side !== 'a');
      await p.step();
      expect(notifies(p.peek()!.message)).not.toContain(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED);
      await p.step();
      for (const from of ['a', 'b'] as const) {
        expect(p.wire).toHaveLength(1);
        const f = p.wire[0]!;
        expect(f.from).toBe(from);
        expect(plain(f).header.exchange).toBe(ExchangeType.IKE_AUTH);
        expect(plain(f).encrypted?.kind).toBe('sk');
        expect(ipSize(f)).toBeGreaterThan(SIZE);
        await p.step();
      }
      expect(p.a.ikeSas()).toMatchObject([{ state: 'UP', fragmentation: { enabled: false } }]);
      expect(p.b.ikeSas()).toMatchObject([{ state: 'UP', fragmentation: { enabled: false } }]);
      expect(p.kernelA.installed.size).toBe(1);
      expect(p.kernelB.installed.size).toBe(1);
    });
  }
});
