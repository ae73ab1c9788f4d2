/**
 * RFC 7383 fragmentation: the Encrypted Fragment payload layout, what its checksum / associated
 * data covers (checked with node:crypto directly), and reassembly in any order with duplicates,
 * re-fragmentation and bounded memory.
 */
import { createDecipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeChain } from '../../../../ike/wire/codec.js';
import { EncrId, IntegId, NotifyType } from '../../../../ike/wire/constants.js';
import { FragmentReassembler, fragmentCapacity, fragmentMessage, SKF_HEADER_LENGTH } from '../../../../ike/wire/fragment.js';
import { decodeMessage } from '../../../../ike/wire/message.js';
import { createSkCipher, type SkCipher } from '../../../../ike/wire/sk.js';
import type { IkeMessage, Payload } from '../../../../ike/wire/types.js';
import { accepted, countingIv, ENGINES, hex, toHex } from './helpers.js';

const GCM_KEY = hex('000102030405060708090a0b0c0d0e0f 10111213');
const gcm = (): SkCipher => createSkCipher(ENGINES.native, { encryption: EncrId.AES_GCM_16 }, { encryption: GCM_KEY }, countingIv(0x40));
const CBC_KEYS = { encryption: hex('202122232425262728292a2b2c2d2e2f'), integrity: hex('30'.repeat(32)) };
const cbc = (): SkCipher => createSkCipher(ENGINES.software, { encryption: EncrId.AES_CBC, integrity: IntegId.HMAC_SHA2_256_128 }, CBC_KEYS, countingIv(0x80));

const HEADER = { spiI: hex('1111111111111111'), spiR: hex('2222222222222222'), exchange: 35, initiator: true, response: false, messageId: 1 };

/** An IKE_AUTH request with a 600-byte certificate: too big for 200-byte fragments. */
const INNER: Payload[] = [
  { kind: 'idi', critical: false, idType: 2, data: new TextEncoder().encode('srx5800.example.net') },
  { kind: 'cert', critical: false, encoding: 4, data: Uint8Array.from({ length: 600 }, (_, i) => i & 0xff) },
  { kind: 'auth', critical: false, method: 1, data: new Uint8Array(256).fill(0x5a) },
  { kind: 'sa', critical: false, proposals: [{ number: 1, protocol: 3, spi: hex('c0ffee00'), transforms: [{ type: 1, id: 20, keyLength: 256 }, { type: 5, id: 0 }] }] },
  { kind: 'tsi', critical: false, selectors: [{ type: 7, protocol: 0, startPort: 0, endPort: 65535, start: hex('0a000000'), end: hex('0affffff') }] },
  { kind: 'tsr', critical: false, selectors: [{ type: 7, protocol: 0, startPort: 0, endPort: 65535, start: hex('c0a80000'), end: hex('c0a8ffff') }] },
];
const PLAIN = encodeChain(INNER);

function opened(bytes: Uint8Array, cipher: SkCipher): IkeMessage {
  const m = accepted(decodeMessage(bytes, { cipher }));
  expect(m.fragment).toBeDefined();
  return m;
}

describe('splitting (RFC 7383 §2.5)', () => {
  it('every fragment repeats the header, carries its number and the total, and fits the limit', () => {
    const frags = fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 200 });
    const capacity = fragmentCapacity(gcm(), 200);
    expect(capacity).toBe(200 - 28 - 8 - 8 - 16 - 1); // header, SKF header, IV, ICV, pad length
    expect(frags).toHaveLength(Math.ceil(PLAIN.length / capacity));
    frags.forEach((f, i) => {
      expect(f.length).toBeLessThanOrEqual(200);
      expect(toHex(f.subarray(0, 24))).toBe(toHex(hex('1111111111111111 2222222222222222 35 20 23 08 00000001'))); // next payload SKF (53)
      expect(new DataView(f.buffer).getUint32(24)).toBe(f.length);
      const n = i + 1;
      expect(toHex(f.subarray(28, 36))).toBe(
        toHex(
          hex(`
            ${n === 1 ? '23' : '00'}          # next payload: IDi (35) in fragment 1 only, else 0
            00                                # not critical
            ${(f.length - 28).toString(16).padStart(4, '0')}   # payload length
            ${n.toString(16).padStart(4, '0')}                 # fragment number
            ${frags.length.toString(16).padStart(4, '0')}      # total fragments
          `),
        ),
      );
    });
  });

  it('AES-GCM: the associated data is the IKE header and the whole 8-byte SKF header (number and total included)', () => {
    const frags = fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 200 });
    const f = frags[1]!;
    const iv = f.subarray(36, 44);
    const ct = f.subarray(44, f.length - 16);
    const tag = f.subarray(f.length - 16);
    const tryOpen = (aad: Uint8Array): Buffer | null => {
      const d = createDecipheriv('aes-128-gcm', GCM_KEY.subarray(0, 16), Buffer.concat([GCM_KEY.subarray(16), iv]), { authTagLength: 16 });
      d.setAAD(aad);
      d.setAuthTag(tag);
      try {
        return Buffer.concat([d.update(ct), d.final()]);
      } catch {
        return null;
      }
    };
    const pt = tryOpen(f.subarray(0, 28 + SKF_HEADER_LENGTH));
    expect(pt).not.toBeNull();
    const capacity = fragmentCapacity(gcm(), 200);
    expect(toHex(pt!.subarray(0, pt!.length - 1))).toBe(toHex(PLAIN.subarray(capacity, 2 * capacity))); // pad length 0
    expect(pt![pt!.length - 1]).toBe(0);
    expect(tryOpen(f.subarray(0, 28 + 4))).toBeNull(); // an SK-style 4-byte header is not enough
  });

  it('AES-CBC: the ICV is the truncated HMAC of everything before it', () => {
    const frags = fragmentMessage(HEADER, INNER, cbc(), { maxMessageSize: 300 });
    for (const f of frags) {
      const mac = createHmac('sha256', CBC_KEYS.integrity).update(f.subarray(0, f.length - 16)).digest().subarray(0, 16);
      expect(toHex(f.subarray(f.length - 16))).toBe(toHex(mac));
      expect((f.length - 28 - 8 - 16 - 16) % 16).toBe(0);
      expect(f.length).toBeLessThanOrEqual(300);
    }
  });

  it('IKE_SA_INIT is never fragmented; a limit with no room throws', () => {
    expect(() => fragmentMessage({ ...HEADER, exchange: 34 }, INNER, gcm(), { maxMessageSize: 500 })).toThrow(RangeError);
    expect(() => fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 60 })).toThrow(RangeError);
  });
});

describe('reassembly (RFC 7383 §2.6)', () => {
  for (const [name, make, size] of [
    ['AES-GCM', gcm, 200],
    ['AES-CBC + HMAC-SHA2-256-128', cbc, 300],
  ] as const) {
    it(`${name}: out of order and with duplicates, the whole message comes out once`, () => {
      const frags = fragmentMessage(HEADER, INNER, make(), { maxMessageSize: size }).map((f) => opened(f, make()));
      expect(frags.length).toBeGreaterThan(3);
      const r = new FragmentReassembler();
      const order = [frags.length - 1, 1, 1, 0, ...frags.map((_, i) => i).slice(2, -1)];
      const results = order.map((i) => r.add(frags[i]!));
      expect(results.slice(0, -1).every((x) => x.state !== 'complete')).toBe(true);
      expect(results.filter((x) => x.state === 'dropped').map((x) => (x.state === 'dropped' ? x.rejection.reason : ''))).toEqual(['fragment-duplicate']);
      const done = results[results.length - 1]!;
      if (done.state !== 'complete' || !done.verdict.ok) throw new Error(`not complete: ${JSON.stringify(done)}`);
      expect(done.verdict.message.inner).toEqual(INNER);
      expect(done.verdict.message.header.messageId).toBe(1);
      expect(r.size).toBe(0);
      expect(r.heldBytes).toBe(0);
    });
  }

  it('a re-split with MORE fragments restarts the collection; one with FEWER is dropped', () => {
    const big = fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 400 }).map((f) => opened(f, gcm()));
    const small = fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 200 }).map((f) => opened(f, gcm()));
    expect(small.length).toBeGreaterThan(big.length);
    const r = new FragmentReassembler();
    expect(r.add(big[0]!)).toMatchObject({ state: 'pending', received: 1, total: big.length });
    expect(r.add(small[0]!)).toMatchObject({ state: 'pending', received: 1, total: small.length });
    expect(r.add(big[1]!)).toMatchObject({ state: 'dropped', rejection: { reason: 'fragment-stale', action: 'drop' } });
    let last;
    for (const f of small.slice(1)) last = r.add(f);
    expect(last).toMatchObject({ state: 'complete', verdict: { ok: true } });
  });

  it('requests and responses with the same Message ID are collected apart', () => {
    const req = fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 400 }).map((f) => opened(f, gcm()));
    const respInner: Payload[] = [{ kind: 'idr', critical: false, idType: 2, data: new Uint8Array(300).fill(0x61) }, { kind: 'auth', critical: false, method: 2, data: new Uint8Array(32) }];
    const resp = fragmentMessage({ ...HEADER, initiator: false, response: true }, respInner, gcm(), { maxMessageSize: 200 }).map((f) => opened(f, gcm()));
    const r = new FragmentReassembler();
    const all = [...req, ...resp].sort((a, b) => a.fragment!.number - b.fragment!.number);
    const done = all.map((f) => r.add(f)).filter((x) => x.state === 'complete');
    expect(done).toHaveLength(2);
  });

  it('fragments of one Message ID from another exchange are dropped', () => {
    const a = fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 400 }).map((f) => opened(f, gcm()));
    const b = fragmentMessage({ ...HEADER, exchange: 37 }, INNER, gcm(), { maxMessageSize: 400 }).map((f) => opened(f, gcm()));
    expect(b.length).toBe(a.length);
    const r = new FragmentReassembler();
    r.add(a[0]!);
    expect(r.add(b[1]!)).toMatchObject({ state: 'dropped', rejection: { reason: 'fragment-mismatch' } });
  });

  it('memory is bounded: fragments per message, bytes per message, messages at once', () => {
    const frags = fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 200 }).map((f) => opened(f, gcm()));
    expect(new FragmentReassembler({ maxFragments: 3 }).add(frags[0]!)).toMatchObject({ state: 'dropped', rejection: { reason: 'fragment-limit' } });
    const tight = new FragmentReassembler({ maxBytes: 300 });
    const states = frags.map((f) => tight.add(f).state);
    expect(states).toContain('dropped');
    expect(tight.heldBytes).toBeLessThanOrEqual(300);
    const few = new FragmentReassembler({ maxMessages: 2 });
    for (let id = 1; id <= 5; id++) {
      const f = fragmentMessage({ ...HEADER, messageId: id }, INNER, gcm(), { maxMessageSize: 200 }).map((x) => opened(x, gcm()));
      expect(few.add(f[0]!).state).toBe('pending');
      expect(few.size).toBeLessThanOrEqual(2);
    }
  });

  it('a reassembled request with a syntax error inside gets INVALID_SYNTAX (it is authenticated)', () => {
    const bad: Payload[] = [{ kind: 'nonce', critical: false, data: new Uint8Array(8) }, ...INNER];
    const frags = fragmentMessage(HEADER, bad, gcm(), { maxMessageSize: 200 }).map((f) => opened(f, gcm()));
    const r = new FragmentReassembler();
    const last = frags.map((f) => r.add(f)).pop();
    expect(last).toMatchObject({ state: 'complete', verdict: { ok: false, action: 'notify', notify: NotifyType.INVALID_SYNTAX, reason: 'nonce-length' } });
  });

  it('a fragment that fails its integrity check never reaches the reassembler', () => {
    const f = fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 200 })[2]!;
    f[40] ^= 1;
    expect(decodeMessage(f, { cipher: gcm() })).toMatchObject({ ok: false, action: 'drop', reason: 'integrity' });
  });

  it('something that is not an opened fragment is refused', () => {
    const r = new FragmentReassembler();
    const whole = accepted(decodeMessage(fragmentMessage(HEADER, INNER, gcm(), { maxMessageSize: 200 })[0]!));
    expect(r.add(whole)).toMatchObject({ state: 'dropped', rejection: { reason: 'fragment-mismatch' } });
  });
});
