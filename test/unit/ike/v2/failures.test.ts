/**
 * Failures explained: every failed negotiation leaves one plain line per tunnel naming what did
 * not match, on both ends (inactive-tunnels with a repeat count, and the IKE trace).
 */
import { describe, expect, it } from 'vitest';
import { A_ADDR, B_ADDR, IkePair, type SiteOptions } from '../../../helpers/ike-pair.js';

interface Case {
  readonly name: string;
  readonly a: Partial<SiteOptions>;
  readonly b: Partial<SiteOptions>;
  /** Initiator (A) and responder (B) lines. */
  readonly atA: string | RegExp;
  readonly atB: string | RegExp;
  /** The IKE SA survives a CHILD SA failure. */
  readonly ikeUp: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'wrong pre-shared key',
    a: { psk: 'secret-one' },
    b: { psk: 'secret-two' },
    atA: 'Authentication failed: peer answered AUTHENTICATION_FAILED (pre-shared key or IKE ID mismatch)',
    atB: 'Authentication failed: pre-shared key mismatch (peer AUTH payload does not verify)',
    ikeUp: false,
  },
  {
    name: 'peer IKE ID is not the remote-identity',
    a: {},
    b: { remoteIdentity: 'hostname branch.example.net' },
    atA: 'Authentication failed: peer answered AUTHENTICATION_FAILED (pre-shared key or IKE ID mismatch)',
    atB: "Peer's IKE ID ipv4 192.0.2.1 does not match remote-identity hostname branch.example.net",
    ikeUp: false,
  },
  {
    name: "responder's IKE ID is not the initiator's remote-identity",
    a: { remoteIdentity: 'hostname hub.example.net' },
    b: { localIdentity: 'hostname other.example.net' },
    atA: "Peer's IKE ID hostname other.example.net does not match remote-identity hostname hub.example.net",
    atB: 'Authentication failed: peer answered AUTHENTICATION_FAILED (pre-shared key or IKE ID mismatch)',
    ikeUp: false,
  },
  {
    name: 'IKE proposal: encryption differs',
    a: {},
    b: { ike: { enc: 'aes-256-cbc', auth: 'sha-256' } },
    atA: 'IKE SA negotiation failed: peer accepted none of our IKE proposals (NO_PROPOSAL_CHOSEN)',
    atB: /^IKE SA negotiation failed: no proposal chosen: peer proposal 1 .*encryption AES-GCM-128 not in ours \(AES-CBC-256\)/,
    ikeUp: false,
  },
  {
    name: 'IPsec proposal: encryption differs',
    a: {},
    b: { ipsec: { enc: 'aes-256-cbc', auth: 'hmac-sha-256-128' } },
    atA: 'IPsec SA negotiation failed: peer answered NO_PROPOSAL_CHOSEN',
    atB: /^IPsec SA negotiation failed: no proposal chosen: peer proposal 1 .*encryption AES-GCM-128 not in ours \(AES-CBC-256\)/,
    ikeUp: true,
  },
  {
    name: 'traffic selectors do not meet',
    a: { selectors: [['ts1', '10.1.0.0/24', '10.2.0.0/24']] },
    b: { selectors: [['ts1', '10.9.0.0/24', '10.1.0.0/24']] },
    atA: /^IPsec SA negotiation failed: peer answered TS_UNACCEPTABLE to traffic selectors ipv4_subnet\(any:0,\[0\.\.7\]=10\.1\.0\.0\/24\) -> ipv4_subnet\(any:0,\[0\.\.7\]=10\.2\.0\.0\/24\)$/,
    atB: 'IPsec SA negotiation failed: traffic selectors unacceptable: ours 10.9.0.0/24 vs peer 10.2.0.0/24 (initiator\'s TSr, our local side)',
    ikeUp: true,
  },
];

describe('failure explanations (inactive-tunnels, trace)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const p = await IkePair.create({
        a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately', ...c.a },
        b: { local: B_ADDR, remote: A_ADDR, ...c.b },
      });
      await p.run();
      const ia = p.a.inactiveTunnels().tunnels[0]!;
      const ib = p.b.inactiveTunnels().tunnels[0]!;
      expect(ia.downReason).toEqual(typeof c.atA === 'string' ? c.atA : expect.stringMatching(c.atA));
      expect(ib.downReason).toEqual(typeof c.atB === 'string' ? c.atB : expect.stringMatching(c.atB));
      expect(ia.downReasonCount).toBe(1);
      expect(p.a.tunnels()).toHaveLength(0);
      expect(p.kernelA.installed.size + p.kernelB.installed.size).toBe(0);
      expect(p.a.ikeSas().map((s) => s.state)).toEqual(c.ikeUp ? ['UP'] : []);
      expect(p.traceA.some((l) => l.endsWith(ia.downReason!))).toBe(true);
      // establish-tunnels immediately: retried 10 s later, same line, count 2
      await p.advance(10_000);
      await p.run();
      expect(p.a.inactiveTunnels().tunnels[0]).toMatchObject({ downReason: ia.downReason, downReasonCount: 2 });
    });
  }
});

describe('kernel refuses the SA', () => {
  it('the install error becomes the tunnel\'s reason; the responder answers NO_PROPOSAL_CHOSEN, the IKE SA stays', async () => {
    const p = await IkePair.create({ a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately' }, b: { local: B_ADDR, remote: A_ADDR } });
    p.kernelB.refuse = 'no SPU online';
    await p.run();
    expect(p.b.inactiveTunnels().tunnels[0]!.downReason).toBe('IPsec SA install failed: no SPU online');
    expect(p.a.inactiveTunnels().tunnels[0]!.downReason).toBe('IPsec SA negotiation failed: peer answered NO_PROPOSAL_CHOSEN');
    expect(p.a.ikeSas()[0]!.state).toBe('UP');
    expect(p.b.ikeSas()[0]!.state).toBe('UP');
  });
});
