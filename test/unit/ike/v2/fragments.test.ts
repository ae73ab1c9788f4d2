/**
 * RFC 7383 fragments: an IKE_AUTH response arriving as SKF fragments (as strongSwan sends a large
 * one) is reassembled and processed; nothing is acted on before the last fragment.
 */
import { describe, expect, it } from 'vitest';
import { nativeEngine } from '../../../../crypto/native.js';
import { fragmentMessage } from '../../../../ike/wire/fragment.js';
import { decodeMessage, headerFields } from '../../../../ike/wire/message.js';
import { createSkCipher } from '../../../../ike/wire/sk.js';
import { A_ADDR, B_ADDR, IkePair } from '../../../helpers/ike-pair.js';

describe('IKE fragmentation (RFC 7383)', () => {
  it('an IKE_AUTH response in 4 SKF fragments is reassembled', async () => {
    const p = await IkePair.create({ a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately' }, b: { local: B_ADDR, remote: A_ADDR } });
    await p.step();
    await p.step();
    await p.step();
    const resp = p.wire.shift()!;
    const k = p.b.ikeKeys()[0]!;
    const cipher = createSkCipher(nativeEngine, { encryption: 20 }, { encryption: k.skEr });
    const v = decodeMessage(resp.datagram.payload, { cipher });
    if (!v.ok) throw new Error(v.detail);
    const frags = fragmentMessage(headerFields(v.message.header), v.message.inner!, cipher, { maxMessageSize: 120 });
    expect(frags.length).toBeGreaterThanOrEqual(3);
    for (const [i, f] of frags.entries()) {
      expect(p.a.ikeSas()[0]!.state).toBe('DOWN');
      p.a.receive({ ...resp.datagram, payload: f });
      await Promise.resolve();
      if (i < frags.length - 1) expect(p.kernelA.installed.size).toBe(0);
    }
    await p.run();
    expect(p.a.ikeSas()[0]!.state).toBe('UP');
    expect(p.a.tunnels()).toHaveLength(1);
    expect(p.a.counters().rejected).toEqual({});
  });
});
