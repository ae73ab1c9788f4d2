/**
 * The malformed corpus: seeded mutations of every captured message (test/helpers/ike-mutate.ts),
 * including garbage sealed with the right keys. Decoding never throws, always returns a verdict,
 * and the verdicts follow the RFC: responses are never answered, nothing unauthenticated gets
 * INVALID_SYNTAX, a changed byte of a protected message fails its integrity check, and
 * authenticated garbage in a request gets INVALID_SYNTAX or UNSUPPORTED_CRITICAL_PAYLOAD.
 */
import { describe, expect, it } from 'vitest';
import { decodeChain, encodeChain } from '../../../../ike/wire/codec.js';
import { ExchangeType, NotifyType } from '../../../../ike/wire/constants.js';
import { decodeMessage, encodeMessage, headerFields } from '../../../../ike/wire/message.js';
import type { SkCipher } from '../../../../ike/wire/sk.js';
import type { Verdict, IkeMessage } from '../../../../ike/wire/types.js';
import { cipherFor, IKE_CAPTURES, loadIkeCapture, sealRaw } from '../../../helpers/ike-captures.js';
import { generateMutations, MUTATION_KINDS, type Mutation, type MutationSeed } from '../../../helpers/ike-mutate.js';
import { accepted, ENGINES, toHex } from './helpers.js';

interface Seed extends MutationSeed {
  readonly cipher?: SkCipher;
  readonly response: boolean;
  readonly protected: boolean;
}

function seeds(): Seed[] {
  const out: Seed[] = [];
  for (const name of IKE_CAPTURES) {
    const cap = loadIkeCapture(name);
    for (const m of cap.messages) {
      const label = `${name} ${m.label}`;
      if (m.exchange === ExchangeType.IKE_SA_INIT) {
        out.push({ name: label, bytes: m.bytes, response: m.response, protected: false });
        continue;
      }
      // A fixed IV keeps re-sealed mutations reproducible.
      const cipher = cipherFor(ENGINES.native, cap, m, (n) => new Uint8Array(n).fill(0x42));
      const msg = accepted(decodeMessage(m.bytes, { cipher }));
      const header = headerFields(msg.header);
      out.push({
        name: label,
        bytes: m.bytes,
        plaintext: msg.opening!.plaintext.slice(),
        innerFirst: msg.encrypted!.innerFirst,
        reseal: (pt, first) => sealRaw(cipher, header, pt, first),
        cipher,
        response: m.response,
        protected: true,
      });
    }
  }
  return out;
}

const SEEDS = seeds();
const CORPUS = generateMutations(SEEDS, { seed: 0x1ce2, perSeed: 80 });

function decode(m: Mutation): Verdict<IkeMessage> {
  const s = m.seed as Seed;
  return decodeMessage(m.bytes, s.cipher ? { cipher: s.cipher } : {});
}

describe('the malformed corpus', () => {
  it('is large, deterministic, and exercises every mutation kind on every seed', () => {
    expect(SEEDS).toHaveLength(16);
    expect(CORPUS.length).toBeGreaterThanOrEqual(1000);
    const again = generateMutations(seeds(), { seed: 0x1ce2, perSeed: 80 });
    expect(again.map((m) => toHex(m.bytes))).toEqual(CORPUS.map((m) => toHex(m.bytes)));
    expect(new Set(CORPUS.map((m) => m.kind))).toEqual(new Set(MUTATION_KINDS));
    const changed = CORPUS.filter((m) => toHex(m.bytes) !== toHex(m.seed.bytes));
    expect(changed.length).toBeGreaterThan(CORPUS.length * 0.97);
  });

  it('never throws; every verdict is well-formed and follows RFC 7296', () => {
    const counts = new Map<string, number>();
    const violations: string[] = [];
    const bad = (m: Mutation, why: string, v: unknown): void => {
      violations.push(`${m.id} [${m.kind}: ${m.note}] ${why}: ${JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? toHex(x) : x))}`);
    };
    for (const m of CORPUS) {
      const s = m.seed as Seed;
      let v: Verdict<IkeMessage>;
      try {
        v = decode(m);
      } catch (e) {
        bad(m, 'threw', String(e));
        continue;
      }
      const key = v.ok ? 'ok' : `${v.action}:${v.reason}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const unchanged = toHex(m.bytes) === toHex(m.seed.bytes);
      const flaggedResponse = m.bytes.length >= 20 && (m.bytes[19]! & 0x20) !== 0;
      if (v.ok) {
        if (!(v.message.header && Array.isArray(v.message.payloads))) bad(m, 'ok without a message', v);
        // Outer mutations of a protected message can never pass: every byte is authenticated.
        if (s.protected && m.kind !== 'inner' && !unchanged) bad(m, 'a changed protected message was accepted', m.note);
        // Whatever is accepted re-encodes to something that decodes the same.
        if (!s.protected) {
          const re = encodeMessage({ header: headerFields(v.message.header), payloads: v.message.payloads });
          const back = decodeMessage(re);
          if (!back.ok || JSON.stringify(back.message.payloads) !== JSON.stringify(v.message.payloads)) bad(m, 'accepted message does not survive re-encoding', back);
        } else if (v.message.inner) {
          const pt = encodeChain(v.message.inner);
          const chain = decodeChain(pt, 0, pt.length, v.message.encrypted!.innerFirst, { exchange: v.message.header.exchange, response: v.message.header.response }, false);
          if (chain.framing || chain.body || chain.payloads.length !== v.message.inner.length) bad(m, 'accepted inner payloads do not survive re-encoding', chain);
        }
        continue;
      }
      if (v.action !== 'drop' && v.action !== 'notify') bad(m, 'unknown action', v);
      if (typeof v.reason !== 'string' || v.reason.length === 0 || typeof v.detail !== 'string') bad(m, 'reason/detail missing', v);
      if (v.action === 'drop' && (v.notify !== undefined || v.notifyData !== undefined)) bad(m, 'drop with a notify', v);
      if (v.action === 'notify') {
        if (![NotifyType.INVALID_SYNTAX, NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, NotifyType.INVALID_MAJOR_VERSION].includes(v.notify as 7)) bad(m, 'unexpected notify type', v);
        if (!(v.notifyData instanceof Uint8Array)) bad(m, 'notify without data array', v);
        if (v.notify === NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD && v.notifyData?.length !== 1) bad(m, 'UNSUPPORTED_CRITICAL_PAYLOAD data is not one octet', v);
        if (flaggedResponse) bad(m, 'a response was answered', v);
        if (!s.protected && v.notify === NotifyType.INVALID_SYNTAX) bad(m, 'INVALID_SYNTAX without authentication', v);
        if (s.protected && m.kind !== 'inner' && v.notify !== NotifyType.INVALID_MAJOR_VERSION) bad(m, 'answered a message that cannot have passed its integrity check', v);
      }
      if (m.kind === 'icv' && v.reason !== 'integrity') bad(m, 'a flipped ICV bit was not an integrity failure', v);
      if (m.kind === 'inner') {
        if (v.reason === 'integrity' || v.reason === 'sk-length') bad(m, 'correctly sealed garbage failed the integrity check', v);
        if (!s.response && v.action !== 'notify') bad(m, 'authenticated garbage in a request was not answered', v);
      }
    }
    const table = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${String(n).padStart(5)}  ${k}`);
    console.log(`IKE malformed corpus: ${CORPUS.length} mutations\n${table.join('\n')}`);
    expect(violations).toEqual([]);
    // The corpus reaches the interesting corners (deterministic for this seed).
    for (const k of ['drop:integrity', 'drop:length-mismatch', 'drop:major-version', 'notify:major-version', 'notify:unsupported-critical', 'drop:payload-truncated', 'drop:not-ikev2']) {
      expect(counts.get(k) ?? 0, k).toBeGreaterThan(0);
    }
    const authenticatedSyntax = [...counts.entries()].filter(([k]) => k.startsWith('notify:') && !k.endsWith('major-version') && !k.endsWith('unsupported-critical')).reduce((a, [, n]) => a + n, 0);
    expect(authenticatedSyntax).toBeGreaterThan(20);
  });
});
