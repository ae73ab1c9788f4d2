/**
 * The real IKEv2 exchanges of two strongSwan 5.9.8 peers (../shared/vectors/captures, see its
 * SOURCES.md): IKE_SA_INIT, IKE_AUTH, a CREATE_CHILD_SA rekey with PFS and an INFORMATIONAL
 * delete, once with AES-GCM-16 and once with AES-CBC-256 + HMAC-SHA2-256-128.
 *
 * Every message decodes and re-encodes to the identical bytes; every SK payload opens with the
 * sender's keys (SK_ei/SK_ai for the original initiator), its inner payloads decode to what the
 * captures' own side files say (the ESP SPIs of keys.txt, the proposals of SOURCES.md), and
 * re-sealing them with the captured IV and padding gives the captured bytes again — on both
 * crypto engines.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuthMethod, EncrId, ExchangeType, IdType, NotifyType, ProtocolId, PrfId, TsType } from '../../../../ike/wire/constants.js';
import { encodeChain } from '../../../../ike/wire/codec.js';
import { orderForEmission } from '../../../../ike/wire/exchange-rules.js';
import { decodeMessage, encodeMessage, headerFields } from '../../../../ike/wire/message.js';
import { createSkCipher } from '../../../../ike/wire/sk.js';
import type { IkeMessage, Payload, PayloadKind, PayloadOf } from '../../../../ike/wire/types.js';
import { cipherFor, IKE_CAPTURES, loadIkeCapture, saOf, VECTORS, type CapturedIke, type IkeCapture } from '../../../helpers/ike-captures.js';
import { accepted, ENGINE_NAMES, ENGINES, toHex } from './helpers.js';

function only<K extends PayloadKind>(payloads: readonly Payload[], kind: K): PayloadOf<K> {
  const found = payloads.filter((p) => p.kind === kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0] as PayloadOf<K>;
}

function notifyTypes(payloads: readonly Payload[]): number[] {
  return payloads.flatMap((p) => (p.kind === 'notify' ? [p.notifyType] : []));
}

/** The ESP SPIs of a capture's keys.txt (what the kernel installed), lowercase hex. */
function espSpis(name: string): string[] {
  const text = readFileSync(`${VECTORS}captures/${name}/keys.txt`, 'utf8');
  return [...text.matchAll(/^ESP \w+\s+spi=0x([0-9a-f]+)/gm)].map((m) => m[1]!.padStart(8, '0'));
}

const EXPECTED_IKE: Record<string, { transforms: { type: number; id: number; keyLength?: number }[]; group: number; keLength: number }> = {
  // SOURCES.md: IKEv2 aes128gcm16-prfsha256-ecp256
  'strongswan-v2-gcm': {
    transforms: [
      { type: 1, id: EncrId.AES_GCM_16, keyLength: 128 },
      { type: 2, id: PrfId.HMAC_SHA2_256 },
      { type: 4, id: 19 },
    ],
    group: 19,
    keLength: 64,
  },
  // SOURCES.md: IKEv2 aes256-sha256-modp2048
  'strongswan-v2-cbc': {
    transforms: [
      { type: 1, id: EncrId.AES_CBC, keyLength: 256 },
      { type: 3, id: 12 },
      { type: 2, id: PrfId.HMAC_SHA2_256 },
      { type: 4, id: 14 },
    ],
    group: 14,
    keLength: 256,
  },
};

describe.each(IKE_CAPTURES)('%s', (name) => {
  const cap: IkeCapture = loadIkeCapture(name);
  const sealed = cap.messages.filter((m) => m.exchange !== ExchangeType.IKE_SA_INIT);

  it('holds the whole exchange: INIT, AUTH, CREATE_CHILD_SA, INFORMATIONAL, each request then response', () => {
    expect(cap.messages.map((m) => [m.exchange, m.response, m.messageId])).toEqual([
      [34, false, 0],
      [34, true, 0],
      [35, false, 1],
      [35, true, 1],
      [36, false, 2],
      [36, true, 2],
      [37, false, 3],
      [37, true, 3],
    ]);
    expect(cap.messages.every((m) => m.fromInitiator === !m.response)).toBe(true);
    // NAT-T floated after IKE_SA_INIT (RFC 7296 §2.23): 500 first, 4500 afterwards.
    expect(cap.messages.map((m) => m.sourcePort)).toEqual([500, 500, 4500, 4500, 4500, 4500, 4500, 4500]);
    expect(cap.sas).toHaveLength(1);
  });

  it.each(cap.messages.map((m) => [m.label, m] as const))('%s: decodes and re-encodes to the identical bytes (SK left sealed)', (_l, m) => {
    const msg = accepted(decodeMessage(m.bytes));
    expect(msg.header.length).toBe(m.bytes.length);
    const again = encodeMessage({ header: headerFields(msg.header), payloads: msg.payloads, ...(msg.encrypted ? { encrypted: msg.encrypted } : {}) });
    expect(toHex(again)).toBe(toHex(m.bytes));
  });

  it('IKE_SA_INIT: the proposal, KE and notifies strongSwan sent', () => {
    const want = EXPECTED_IKE[name]!;
    const [req, resp] = cap.messages.slice(0, 2).map((m) => accepted(decodeMessage(m.bytes)));
    for (const msg of [req!, resp!]) {
      const sa = only(msg.payloads, 'sa');
      expect(sa.proposals).toHaveLength(1);
      expect(sa.proposals[0]!.number).toBe(1);
      expect(sa.proposals[0]!.protocol).toBe(ProtocolId.IKE);
      expect(sa.proposals[0]!.spi.length).toBe(0);
      expect(sa.proposals[0]!.transforms).toEqual(want.transforms);
      const ke = only(msg.payloads, 'ke');
      expect(ke.group).toBe(want.group);
      expect(ke.data.length).toBe(want.keLength);
      expect(only(msg.payloads, 'nonce').data.length).toBe(32);
      // NAT-D both ways, fragmentation and RFC 7427 hash algorithms (SHA-256/384/512 = 2, 3, 4 … 5).
      expect(notifyTypes(msg.payloads)).toEqual(expect.arrayContaining([NotifyType.NAT_DETECTION_SOURCE_IP, NotifyType.NAT_DETECTION_DESTINATION_IP, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED, NotifyType.SIGNATURE_HASH_ALGORITHMS]));
      const sigHash = msg.payloads.find((p) => p.kind === 'notify' && p.notifyType === NotifyType.SIGNATURE_HASH_ALGORITHMS) as PayloadOf<'notify'>;
      expect(toHex(sigHash.data)).toBe('0002000300040005');
      // The payloads already come in the order the RFC figures show.
      expect(orderForEmission(msg.header.exchange, msg.header.response, msg.payloads)).toEqual(msg.payloads);
    }
    expect(req!.header.spiR).toEqual(new Uint8Array(8));
    expect(toHex(resp!.header.spiR)).toBe(saOf(cap, cap.messages[1]!).spiR);
    expect(notifyTypes(resp!.payloads)).toContain(NotifyType.MULTIPLE_AUTH_SUPPORTED);
  });

  describe.each(ENGINE_NAMES)('%s engine', (engineName) => {
    const engine = ENGINES[engineName];

    function open(m: CapturedIke): IkeMessage {
      return accepted(decodeMessage(m.bytes, { cipher: cipherFor(engine, cap, m) }));
    }

    it.each(sealed.map((m) => [m.label, m] as const))('%s: opens with the sender keys and re-seals to the identical bytes', (_l, m) => {
      const msg = open(m);
      expect(msg.inner).toBeDefined();
      expect(msg.opening).toBeDefined();
      // The decoded inner payloads encode back to the decrypted plaintext, byte for byte…
      expect(toHex(encodeChain(msg.inner!))).toBe(toHex(msg.opening!.plaintext));
      // …and sealing them again with the captured IV and padding reproduces the message.
      const again = encodeMessage(
        { header: headerFields(msg.header), payloads: msg.payloads, inner: msg.inner! },
        { cipher: cipherFor(engine, cap, m), iv: msg.opening!.iv, padding: msg.opening!.padding },
      );
      expect(toHex(again)).toBe(toHex(m.bytes));
    });

    it.each(sealed.map((m) => [m.label, m] as const))('%s: the other direction\'s keys fail the integrity check (silent drop)', (_l, m) => {
      const sa = saOf(cap, m);
      const wrong = createSkCipher(engine, sa.transforms, m.fromInitiator ? sa.responder : sa.initiator);
      const v = decodeMessage(m.bytes, { cipher: wrong });
      expect(v).toMatchObject({ ok: false, action: 'drop', reason: 'integrity' });
    });

    it('padding: strongSwan pads AEAD with nothing and CBC with random bytes to the block', () => {
      for (const m of sealed) {
        const o = open(m).opening!;
        if (name === 'strongswan-v2-gcm') {
          expect(o.padding.length).toBe(0);
          expect(o.iv.length).toBe(8);
        } else {
          expect(o.iv.length).toBe(16);
          expect((o.plaintext.length + o.padding.length + 1) % 16).toBe(0);
          expect(o.padding.length).toBeLessThan(16);
        }
      }
    });

    it('IKE_AUTH: PSK authentication, IPv4 identities, one ESP proposal, /24 selectors', () => {
      const [req, resp] = sealed.slice(0, 2).map(open);
      expect(only(req!.inner!, 'idi')).toMatchObject({ idType: IdType.IPV4_ADDR, data: Uint8Array.from([10, 99, 0, 1]) });
      expect(only(req!.inner!, 'idr')).toMatchObject({ idType: IdType.IPV4_ADDR, data: Uint8Array.from([10, 99, 0, 2]) });
      expect(only(resp!.inner!, 'idr')).toMatchObject({ idType: IdType.IPV4_ADDR, data: Uint8Array.from([10, 99, 0, 2]) });
      for (const msg of [req!, resp!]) {
        const auth = only(msg.inner!, 'auth');
        expect(auth.method).toBe(AuthMethod.SHARED_KEY_MIC);
        expect(auth.data.length).toBe(32); // prf HMAC-SHA2-256 output
        const sa = only(msg.inner!, 'sa');
        expect(sa.proposals).toHaveLength(1);
        expect(sa.proposals[0]!.protocol).toBe(ProtocolId.ESP);
        expect(sa.proposals[0]!.spi.length).toBe(4);
        const tsi = only(msg.inner!, 'tsi').selectors;
        const tsr = only(msg.inner!, 'tsr').selectors;
        expect(tsi.map((s) => [s.type, s.protocol, s.startPort, s.endPort, toHex(s.start), toHex(s.end)])).toEqual([[TsType.IPV4_ADDR_RANGE, 0, 0, 65535, '0a630a00', '0a630aff']]);
        expect(tsr.map((s) => [s.type, s.protocol, s.startPort, s.endPort, toHex(s.start), toHex(s.end)])).toEqual([[TsType.IPV4_ADDR_RANGE, 0, 0, 65535, '0a631400', '0a6314ff']]);
      }
      // ESP: aes128gcm16 (no INTEG) or aes128-sha256, no ESN.
      const espTransforms = only(resp!.inner!, 'sa').proposals[0]!.transforms;
      expect(espTransforms).toEqual(
        name === 'strongswan-v2-gcm'
          ? [{ type: 1, id: EncrId.AES_GCM_16, keyLength: 128 }, { type: 5, id: 0 }]
          : [{ type: 1, id: EncrId.AES_CBC, keyLength: 128 }, { type: 3, id: 12 }, { type: 5, id: 0 }],
      );
      expect(notifyTypes(req!.inner!)).toContain(NotifyType.INITIAL_CONTACT);
    });

    it('the ESP SPIs negotiated in IKE_AUTH and CREATE_CHILD_SA are the ones keys.txt lists', () => {
      const spis = sealed
        .filter((m) => m.exchange === ExchangeType.IKE_AUTH || m.exchange === ExchangeType.CREATE_CHILD_SA)
        .map((m) => toHex(only(open(m).inner!, 'sa').proposals[0]!.spi));
      expect(spis.sort()).toEqual(espSpis(name).sort());
    });

    it('CREATE_CHILD_SA: REKEY_SA names the old ESP SA, PFS with the IKE group, emitted in RFC order', () => {
      const [authReq] = sealed.slice(0, 1).map(open);
      const [req, resp] = sealed.filter((m) => m.exchange === ExchangeType.CREATE_CHILD_SA).map(open);
      const rekey = only(req!.inner!, 'notify');
      expect(rekey.notifyType).toBe(NotifyType.REKEY_SA);
      expect(rekey.protocol).toBe(ProtocolId.ESP);
      expect(toHex(rekey.spi)).toBe(toHex(only(authReq!.inner!, 'sa').proposals[0]!.spi));
      for (const msg of [req!, resp!]) {
        expect(only(msg.inner!, 'ke').group).toBe(EXPECTED_IKE[name]!.group);
        expect(only(msg.inner!, 'nonce').data.length).toBe(32);
        expect(orderForEmission(msg.header.exchange, msg.header.response, msg.inner!)).toEqual(msg.inner);
      }
    });

    it('INFORMATIONAL: each side deletes its inbound ESP SA of the rekeyed pair', () => {
      const [authReq, authResp] = sealed.slice(0, 2).map(open);
      const [req, resp] = sealed.filter((m) => m.exchange === ExchangeType.INFORMATIONAL).map(open);
      const dReq = only(req!.inner!, 'delete');
      const dResp = only(resp!.inner!, 'delete');
      expect(dReq.protocol).toBe(ProtocolId.ESP);
      expect(dReq.spis.map(toHex)).toEqual([toHex(only(authReq!.inner!, 'sa').proposals[0]!.spi)]);
      expect(dResp.spis.map(toHex)).toEqual([toHex(only(authResp!.inner!, 'sa').proposals[0]!.spi)]);
    });
  });

  it('both engines open every message to the same plaintext', () => {
    for (const m of sealed) {
      const a = accepted(decodeMessage(m.bytes, { cipher: cipherFor(ENGINES.native, cap, m) }));
      const b = accepted(decodeMessage(m.bytes, { cipher: cipherFor(ENGINES.software, cap, m) }));
      expect(toHex(a.opening!.plaintext)).toBe(toHex(b.opening!.plaintext));
    }
  });
});
