/**
 * A dynamic IKE gateway (AutoVPN-style hub) with the real daemons and data plane, in one process
 * (test/fixtures/topology/dyn-star.yaml): three spokes whose addresses the hub does not know
 * connect to its one dynamic gateway; each gets its own IKE SA, tunnel id and SPU (round-robin,
 * `show security ike tunnel-map` on the SPC2 hub), and the hub's pings to each spoke's loopback
 * leave through st0.1 on that spoke's own pair. A spoke with an unknown IKE ID is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeLabs, lab, type Lab } from '../helpers/lab.js';

afterEach(closeLabs);

async function waitFor(l: Lab, command: string, done: (lines: string[]) => boolean): Promise<string[]> {
  let lines = await l.run(command);
  for (let i = 0; i < 30 && !done(lines); i++) {
    await l.run('lab wait 1');
    lines = await l.run(command);
  }
  return lines;
}

const decrypted = (lines: string[]): number => Number(/(\d+)$/.exec(lines.find((x) => x.includes('Decrypted packets'))!)![1]);

describe('dynamic gateway hub with three spokes', () => {
  it('one IKE SA per spoke, round-robin anchors, pings through the right peer, an unknown IKE ID refused', async () => {
    const l = lab('dyn-star.yaml');
    const ike = await waitFor(l, 'show security ike security-associations', (x) => x.filter((y) => / UP /.test(y)).length === 3);
    expect(ike.slice(1).map((x) => x.split(/ +/).filter(Boolean)).map((f) => [f[1], f[5]])).toEqual([
      ['UP', '192.0.2.2'],
      ['UP', '192.0.3.2'],
      ['UP', '192.0.4.2'],
    ]);
    const sas = await l.run('show security ipsec security-associations');
    expect(sas[0]).toBe('  Total active tunnels: 3     Total Ipsec sas: 3');
    expect(sas.slice(2).map((x) => /^  [<>](\d+) .* (\S+)$/.exec(x)!.slice(1).join(' '))).toEqual([
      '131073 192.0.2.2', '131073 192.0.2.2', '131074 192.0.3.2', '131074 192.0.3.2', '131075 192.0.4.2', '131075 192.0.4.2',
    ]);
    // Round-robin over the SPC2 SPUs in (fpc, pic) order, one per peer.
    const map = (await l.run('show security ike tunnel-map')).slice(1).map((x) => x.trim().split(/ +/));
    expect(map.map((f) => f[1])).toEqual(['SPOKES#1', 'SPOKES#2', 'SPOKES#3']);
    const spus = map.map((f) => Number(f[2]) * 10 + Number(f[3]));
    expect(new Set(spus).size).toBe(3);
    expect([...spus].sort((a, b) => a - b)).toEqual(spus);

    // Each ping leaves on its spoke's pair: only that spoke decrypts it.
    for (const n of [1, 2, 3]) {
      expect(await l.run(`ping 10.2.0.${n} source 10.1.0.1 count ${n}`)).toContain(`${n} packets transmitted, ${n} packets received, 0% packet loss`);
    }
    for (const n of [1, 2, 3]) {
      await l.run(`lab console spoke${n}`);
      expect(decrypted(await l.run('show security ipsec statistics'))).toBe(n);
    }

    // spoke3 presents an IKE ID the hub has no dynamic gateway for: refused in IKE_AUTH.
    await l.run('lab console spoke3');
    for (const c of ['configure', 'set security ike gateway HUBGW local-identity hostname rogue.example.net', 'commit and-quit']) await l.run(c);
    const inactive = await waitFor(l, 'show security ipsec inactive-tunnels', (x) => x.some((y) => y.includes('AUTHENTICATION_FAILED')));
    expect(inactive.join('\n')).toContain('Authentication failed: peer answered AUTHENTICATION_FAILED (pre-shared key or IKE ID mismatch)');
    expect(await l.run('show security ipsec security-associations')).toEqual(expect.arrayContaining(['  Total active tunnels: 0     Total IPsec sas: 0']));
    await l.run('lab console hub');
    const after = await l.run('show security ike security-associations');
    expect(after.slice(1).map((x) => x.split(/ +/).filter(Boolean)[5])).toEqual(['192.0.2.2', '192.0.3.2']);
    expect(l.topology.ike(l.dev('hub')).daemon!.counters().rejected['dynamic-unknown-ike-id']).toBeGreaterThanOrEqual(1);
    expect((await l.run('show log ikelog | match "no dynamic gateway accepts IKE ID hostname rogue.example.net" | count'))[0]).toMatch(/^Count: [1-9]\d* lines$/);
  });
});
