import { afterEach, describe, expect, it } from 'vitest';
import { addressFromText } from '../../../dataplane/packet/address.js';
import { buildIcmpEchoIpv4Packet } from '../../../dataplane/packet/icmp.js';
import { closeLabs, lab } from '../../helpers/lab.js';

afterEach(closeLabs);

const a = (t: string): Uint8Array => {
  const r = addressFromText(t);
  if (!r.ok) throw new Error(t);
  return r.value;
};

describe('the session table of a firewall', () => {
  it('creates one session per permitted flow and sweeps expired ones (60 s) as new ones arrive', async () => {
    const l = lab('transit.yaml');
    const fw = l.topology.stack(l.dev('fw'));
    const echo = (id: number) => buildIcmpEchoIpv4Packet({ source: a('10.0.1.1'), destination: a('10.0.2.1'), identifier: id, sequence: 0, payload: new Uint8Array(8) });
    for (let id = 1; id <= 1000; id++) fw.receive('xe-0/0/0', echo(id));
    expect(fw.counters.forwarded).toBe(1000);
    expect(fw.sessionCount).toBe(1000);
    l.clock.advance(61_000);
    // 1024 flows later the sweep runs: the 1000 expired sessions go, the 1048 live ones stay.
    for (let id = 1001; id <= 2048; id++) fw.receive('xe-0/0/0', echo(id));
    expect(fw.sessionCount).toBe(1048);
    // The first 1000 requests were answered while time passed: their replies went back through
    // the existing sessions (no new session each), so 1000 + 1000 + 1048 packets were forwarded.
    expect(fw.counters.forwarded).toBe(3048);
  });
});
