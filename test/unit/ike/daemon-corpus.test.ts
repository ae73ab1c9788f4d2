/**
 * Robustness: the malformed corpus (test/helpers/ike-mutate.ts) fed to a responder in the middle
 * of IKE_SA_INIT / IKE_AUTH and to a daemon with an established SA. Seeds: our own messages
 * (IKE_SA_INIT request, IKE_AUTH request, CREATE_CHILD_SA and INFORMATIONAL requests, resealed
 * with the sender's keys so that inner mutations pass the integrity check) and the captured
 * strongSwan messages. For every mutation: nothing throws (no `internal-error`), a message the
 * codec refuses is counted once under its reason and answered only as its verdict says, and the
 * legitimate exchange still completes afterwards.
 */
import { describe, expect, it } from 'vitest';
import { nativeEngine } from '../../../crypto/native.js';
import { ExchangeType } from '../../../ike/wire/constants.js';
import { decodeMessage, headerFields } from '../../../ike/wire/message.js';
import { createSkCipher, type SkCipher } from '../../../ike/wire/sk.js';
import type { IkeDaemonCounters } from '../../../ike/ports.js';
import { cipherFor, IKE_CAPTURES, loadIkeCapture, sealRaw } from '../../helpers/ike-captures.js';
import { A_ADDR, B_ADDR, configModel, IkePair, siteConfig } from '../../helpers/ike-pair.js';
import { generateMutations, type MutationSeed } from '../../helpers/ike-mutate.js';

const models = { a: configModel(siteConfig({ local: A_ADDR, remote: B_ADDR, establish: 'immediately' })), b: configModel(siteConfig({ local: B_ADDR, remote: A_ADDR })) };
const pair = (): Promise<IkePair> => IkePair.create({ a: '', b: '', models });
const total = (c: IkeDaemonCounters): number => Object.values(c.rejected).reduce((x, y) => x + y, 0);

function sealedSeed(name: string, bytes: Uint8Array, cipher: SkCipher): MutationSeed {
  const v = decodeMessage(bytes, { cipher });
  if (!v.ok) throw new Error(`${name}: ${v.detail}`);
  const m = v.message;
  return { name, bytes, plaintext: m.opening!.plaintext.slice(), innerFirst: m.encrypted!.innerFirst, reseal: (pt, first) => sealRaw(cipher, headerFields(m.header), pt, first) };
}

/** A's SK cipher toward B, from the keys it reports. */
function aToB(p: IkePair): SkCipher {
  const k = p.a.ikeKeys()[0]!;
  return createSkCipher(nativeEngine, { encryption: 20 }, { encryption: k.skEi });
}

describe('malformed corpus', () => {
  it('a responder between IKE_SA_INIT and IKE_AUTH', async () => {
    const ref = await pair();
    const init = ref.wire[0]!.datagram;
    await ref.step();
    await ref.step();
    const auth = ref.wire[0]!.datagram;
    const seeds: MutationSeed[] = [{ name: 'init-request', bytes: init.payload }, sealedSeed('auth-request', auth.payload, aToB(ref))];
    for (const name of IKE_CAPTURES) {
      const cap = loadIkeCapture(name);
      for (const m of cap.messages.filter((x) => !x.response).slice(0, 2)) {
        seeds.push(m.exchange === ExchangeType.IKE_SA_INIT ? { name: `${name}${m.label}`, bytes: m.bytes } : sealedSeed(`${name}${m.label}`, m.bytes, cipherFor(nativeEngine, cap, m)));
      }
    }
    const corpus = generateMutations(seeds, { perSeed: 170 });
    expect(corpus.length).toBeGreaterThanOrEqual(1000);
    const verdicts: Record<string, number> = {};
    for (const mut of corpus) {
      const p = await pair();
      await p.step();
      await p.step();
      const legit = p.wire.shift()!;
      const before = total(p.b.counters());
      const isInit = mut.seed.name === 'init-request' || mut.seed.name.includes('IKE_SA_INIT');
      const target = isInit ? init : legit.datagram;
      p.b.receive({ ...target, payload: mut.bytes });
      await Promise.resolve();
      const c = p.b.counters();
      expect(c.rejected['internal-error'] ?? 0, mut.id).toBe(0);
      const cipher = mut.seed.name === 'auth-request' ? aToB(p) : undefined;
      const v = decodeMessage(mut.bytes, cipher ? { cipher } : {});
      if (!v.ok) {
        verdicts[v.reason] = (verdicts[v.reason] ?? 0) + 1;
        // Counted once (under the codec's reason, or an earlier daemon check such as the SPI).
        expect(total(c) - before, `${mut.id} ${mut.note}`).toBe(1);
        // Answered only when the verdict says so.
        const answers = p.wire.filter((w) => w.from === 'b');
        if (v.action === 'drop') expect(answers, `${mut.id} ${mut.note}`).toHaveLength(0);
        else {
          expect(answers, `${mut.id} ${mut.note}`).toHaveLength(1);
          const head = answers[0]!.datagram.payload;
          expect(head[19]! & 0x20, 'a response').toBe(0x20);
        }
      }
      // The legitimate exchange still completes, unless the mutant was authenticated (only the
      // key holder can send those, and RFC 7296 §3.10.1 makes its IKE_AUTH fail) or valid.
      const authenticated = !v.ok && v.action === 'notify' && !isInit && v.reason !== 'major-version';
      p.wire.length = 0;
      if ((!v.ok && !authenticated) || isInit) {
        p.wire.push(legit);
        await p.run();
        if (!v.ok) expect(p.a.tunnels(), `${mut.id} ${mut.note}`).toHaveLength(1);
      }
    }
    expect(Object.keys(verdicts).length).toBeGreaterThan(8);
  }, 120_000);

  it('a daemon with an established SA (CREATE_CHILD_SA and INFORMATIONAL requests)', async () => {
    const ref = await pair();
    await ref.run();
    ref.b.clearIpsec(); // B → A: INFORMATIONAL Delete … then A → B: CREATE_CHILD_SA
    await ref.step();
    await ref.step();
    const create = ref.wire[0]!.datagram;
    const cipher = aToB(ref);
    const ref2 = await pair();
    await ref2.run();
    ref2.a.clearIpsec(); // A → B: INFORMATIONAL SK{D(ESP)}
    const del = ref2.wire[0]!.datagram;
    const seeds = [sealedSeed('create-child', create.payload, cipher), sealedSeed('informational-delete', del.payload, aToB(ref2))];
    const p = await pair();
    await p.run();
    const corpus = generateMutations(seeds, { perSeed: 500 });
    expect(corpus.length).toBeGreaterThanOrEqual(1000);
    const before = p.b.counters();
    let refused = 0;
    for (const mut of corpus) {
      const n0 = total(p.b.counters());
      p.b.receive({ ...create, payload: mut.bytes });
      await Promise.resolve();
      const v = decodeMessage(mut.bytes, { cipher });
      if (!v.ok) {
        refused++;
        expect(total(p.b.counters()) - n0, `${mut.id} ${mut.note}`).toBe(1);
      }
      p.wire.length = 0;
    }
    expect(refused).toBeGreaterThan(100);
    expect(p.b.counters().rejected['internal-error'] ?? 0).toBe(0);
    expect(p.b.counters().received - before.received).toBe(corpus.length);
    // Still alive: a CHILD SA can be deleted and re-created, DPD answered.
    p.wire.length = 0;
    expect(p.b.ikeSas()[0]!.state).toBe('UP');
  }, 60_000);
});
