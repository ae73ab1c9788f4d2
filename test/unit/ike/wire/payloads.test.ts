/**
 * Every payload type, hand-built: exact bytes against the RFC 7296 layouts (written out below,
 * field by field), round trips of each kind, and the limits each payload's verify() enforces.
 */
import { describe, expect, it } from 'vitest';
import { decodeChain, encodeChain } from '../../../../ike/wire/codec.js';
import { ExchangeType } from '../../../../ike/wire/constants.js';
import { decodeMessage, encodeMessage } from '../../../../ike/wire/message.js';
import type { VerifyContext } from '../../../../ike/wire/payloads/index.js';
import type { Payload, ReasonCode } from '../../../../ike/wire/types.js';
import { accepted, hex, toHex } from './helpers.js';

const INFO: VerifyContext = { exchange: ExchangeType.INFORMATIONAL, response: false };
const INIT: VerifyContext = { exchange: ExchangeType.IKE_SA_INIT, response: false };

/** Decode a chain holding one payload of `type`; the payload or the reason it was refused. */
function decodeOne(bytes: Uint8Array, type: number, ctx: VerifyContext = INFO): { payload?: Payload; reason?: ReasonCode } {
  const r = decodeChain(bytes, 0, bytes.length, type, ctx, true);
  const problem = r.framing ?? r.body;
  if (problem) return { reason: problem.reason };
  return { payload: r.encrypted ?? r.payloads[0]! };
}

const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

describe('exact bytes against the RFC 7296 layouts', () => {
  it('an IKE_SA_INIT request: header, SA with one IKE proposal of four transforms, KE, Nonce (§3.1, §3.3, §3.4, §3.9)', () => {
    const bytes = encodeMessage({
      header: { spiI: hex('0102030405060708'), spiR: new Uint8Array(8), exchange: 34, initiator: true, response: false, messageId: 0 },
      payloads: [
        {
          kind: 'sa',
          critical: false,
          proposals: [
            {
              number: 1,
              protocol: 1,
              spi: new Uint8Array(0),
              transforms: [
                { type: 1, id: 12, keyLength: 256 },
                { type: 2, id: 5 },
                { type: 3, id: 12 },
                { type: 4, id: 19 },
              ],
            },
          ],
        },
        { kind: 'ke', critical: false, group: 19, data: fill(64, 0x11) },
        { kind: 'nonce', critical: false, data: fill(32, 0x22) },
      ],
    });
    expect(toHex(bytes)).toBe(
      toHex(
        hex(`
          0102030405060708          # initiator SPI
          0000000000000000          # responder SPI: zero in the first IKE_SA_INIT
          21                        # next payload: SA (33)
          20                        # major 2, minor 0
          22                        # exchange: IKE_SA_INIT (34)
          08                        # flags: Initiator
          00000000                  # message ID 0
          000000b8                  # length 184 = 28 + 48 + 72 + 36
          22 00 0030                # SA: next KE (34), not critical, length 48
            00 00 002c              #   proposal: last (0), reserved, length 44
            01 01 00 04             #   number 1, protocol IKE, SPI size 0, 4 transforms
              03 00 000c 01 00 000c #     transform, more follow (3), length 12: ENCR AES-CBC
                800e 0100           #       attribute TV (AF=1) type 14 Key Length = 256
              03 00 0008 02 00 0005 #     PRF HMAC-SHA2-256
              03 00 0008 03 00 000c #     INTEG HMAC-SHA2-256-128
              00 00 0008 04 00 0013 #     last transform: DH group 19
          28 00 0048                # KE: next Nonce (40), length 72
            0013 0000               #   group 19, reserved
            ${'11'.repeat(64)}      #   x || y
          00 00 0024                # Nonce: last payload, length 36
            ${'22'.repeat(32)}
        `),
      ),
    );
    const msg = accepted(decodeMessage(bytes));
    expect(msg.payloads.map((p) => p.kind)).toEqual(['sa', 'ke', 'nonce']);
    expect(msg.header).toMatchObject({ exchange: 34, initiator: true, response: false, messageId: 0, length: 184, majorVersion: 2, minorVersion: 0 });
  });

  it('traffic selectors: an IPv4 TCP/443 range and an IPv6 any range (§3.13, §3.13.1)', () => {
    const v6one = hex('00000000000000000000000000000001');
    const tsi: Payload = {
      kind: 'tsi',
      critical: false,
      selectors: [
        { type: 7, protocol: 6, startPort: 443, endPort: 443, start: hex('0a000000'), end: hex('0a0000ff') },
        { type: 8, protocol: 0, startPort: 0, endPort: 65535, start: v6one, end: v6one },
      ],
    };
    const bytes = encodeChain([tsi]);
    expect(toHex(bytes)).toBe(
      toHex(
        hex(`
          00 00 0040          # last payload, length 64
          02 000000           # 2 selectors, reserved
          07 06 0010          # TS_IPV4_ADDR_RANGE, TCP, selector length 16
            01bb 01bb         #   ports 443-443
            0a000000 0a0000ff #   10.0.0.0 - 10.0.0.255
          08 00 0028          # TS_IPV6_ADDR_RANGE, any protocol, length 40
            0000 ffff         #   all ports
            00000000000000000000000000000001
            00000000000000000000000000000001
        `),
      ),
    );
    expect(decodeOne(bytes, 44).payload).toEqual(tsi);
  });

  it('notify REKEY_SA with an ESP SPI, delete of two ESP SAs, a CP request (§3.10, §3.11, §3.15)', () => {
    const payloads: Payload[] = [
      { kind: 'notify', critical: false, protocol: 3, spi: hex('deadbeef'), notifyType: 16393, data: new Uint8Array(0) },
      { kind: 'delete', critical: false, protocol: 3, spis: [hex('11111111'), hex('22222222')] },
      { kind: 'cp', critical: false, cfgType: 1, attributes: [{ type: 1, value: new Uint8Array(0) }, { type: 3, value: new Uint8Array(0) }] },
    ];
    expect(toHex(encodeChain(payloads))).toBe(
      toHex(
        hex(`
          2a 00 000c            # Notify: next Delete (42), length 12
            03 04 4009          #   protocol ESP, SPI size 4, REKEY_SA (16393)
            deadbeef            #   SPI
          2f 00 0010            # Delete: next CP (47), length 16
            03 04 0002          #   ESP, SPI size 4, 2 SPIs
            11111111 22222222
          00 00 0010            # CP: last, length 16
            01 000000           #   CFG_REQUEST, reserved
            0001 0000           #   INTERNAL_IP4_ADDRESS, empty (asks for one)
            0003 0000           #   INTERNAL_IP4_DNS, empty
        `),
      ),
    );
  });

  it('a critical unknown payload is never emitted by us, but a non-critical one keeps its bytes', () => {
    const bytes = hex(`
      00 00 0009          # unknown type (given by the previous Next Payload), not critical, length 9
      0102030405          # opaque body
    `);
    const p = decodeOne(bytes, 200).payload!;
    expect(p).toEqual({ kind: 'unknown', critical: false, type: 200, data: hex('0102030405') });
    expect(toHex(encodeChain([p]))).toBe(toHex(bytes));
  });
});

describe('round trip of every payload kind', () => {
  const cases: Payload[] = [
    {
      kind: 'sa',
      critical: false,
      proposals: [
        { number: 1, protocol: 3, spi: hex('01020304'), transforms: [{ type: 1, id: 20, keyLength: 256 }, { type: 4, id: 31 }, { type: 5, id: 0 }] },
        {
          number: 2,
          protocol: 3,
          spi: hex('01020305'),
          transforms: [{ type: 1, id: 12, keyLength: 128, otherAttributes: [{ type: 17, value: hex('0a0b0c'), tv: false }, { type: 18, value: hex('0001'), tv: true }] }, { type: 3, id: 2 }],
        },
      ],
    },
    { kind: 'ke', critical: false, group: 31, data: fill(32, 9) },
    { kind: 'idi', critical: false, idType: 2, data: new TextEncoder().encode('vpn.example.net') },
    { kind: 'idr', critical: false, idType: 5, data: fill(16, 0xfe) },
    { kind: 'cert', critical: false, encoding: 4, data: fill(300, 0x30) },
    { kind: 'certreq', critical: false, encoding: 4, data: fill(40, 0xcc) },
    { kind: 'auth', critical: false, method: 14, data: hex('0f300d06092a864886f70d01010b0500aabbccdd') },
    { kind: 'nonce', critical: false, data: fill(16, 1) },
    { kind: 'notify', critical: false, protocol: 0, spi: new Uint8Array(0), notifyType: 16390, data: fill(64, 7) },
    { kind: 'delete', critical: false, protocol: 1, spis: [] },
    { kind: 'vendor', critical: false, data: hex('4048b7d56ebce88525e7de7f00d6c2d3') },
    { kind: 'tsr', critical: false, selectors: [{ type: 7, protocol: 17, startPort: 500, endPort: 4500, start: hex('c0000201'), end: hex('c00002fe') }] },
    { kind: 'cp', critical: false, cfgType: 2, attributes: [{ type: 1, value: hex('0a000005') }, { type: 2, value: hex('ffffff00') }, { type: 14, value: hex('00010003') }] },
    { kind: 'eap', critical: false, data: hex('0101000a01616c696365') },
    { kind: 'unknown', critical: false, type: 49, data: hex('00ff00ff') },
    { kind: 'sk', critical: false, innerFirst: 35, encrypted: fill(48, 0xaa) },
    { kind: 'skf', critical: false, innerFirst: 0, fragmentNumber: 2, totalFragments: 3, encrypted: fill(40, 0xbb) },
  ];

  it('covers every kind of the Payload union', () => {
    expect(new Set(cases.map((p) => p.kind))).toEqual(
      new Set(['sa', 'ke', 'idi', 'idr', 'cert', 'certreq', 'auth', 'nonce', 'notify', 'delete', 'vendor', 'tsr', 'cp', 'eap', 'unknown', 'sk', 'skf']),
    );
  });

  it.each(cases.map((p) => [p.kind, p] as const))('%s: encode → decode → the same object → the same bytes', (_k, p) => {
    const type = p.kind === 'unknown' ? p.type : { sa: 33, ke: 34, idi: 35, idr: 36, cert: 37, certreq: 38, auth: 39, nonce: 40, notify: 41, delete: 42, vendor: 43, tsi: 44, tsr: 45, sk: 46, cp: 47, eap: 48, skf: 53 }[p.kind];
    const bytes = encodeChain([p]);
    const back = decodeOne(bytes, type);
    expect(back.reason).toBeUndefined();
    expect(back.payload).toEqual(p);
    expect(toHex(encodeChain([back.payload!]))).toBe(toHex(bytes));
  });

  it('the critical bit survives a round trip on known payloads (the receiver ignores it, §3.2)', () => {
    const p: Payload = { kind: 'nonce', critical: true, data: fill(20, 3) };
    const bytes = encodeChain([p]);
    expect(bytes[1]).toBe(0x80);
    expect(decodeOne(bytes, 40).payload).toEqual(p);
  });

  it('reserved bits are ignored on receipt and sent as zero', () => {
    // AUTH with its three reserved octets set, a CP attribute with its reserved top bit set.
    const auth = hex('00 00 000c 02 ffffff 01020304');
    expect(decodeOne(auth, 39).payload).toEqual({ kind: 'auth', critical: false, method: 2, data: hex('01020304') });
    expect(toHex(encodeChain([decodeOne(auth, 39).payload!]))).toBe('0000000c0200000001020304');
    const cp = hex('00 00 000c 01 000000 8001 0000');
    expect(decodeOne(cp, 47).payload).toEqual({ kind: 'cp', critical: false, cfgType: 1, attributes: [{ type: 1, value: new Uint8Array(0) }] });
  });
});

describe('verify(): the limits of each payload', () => {
  const enc = (p: Payload): Uint8Array => encodeChain([p]);
  const cases: [string, Uint8Array, number, ReasonCode | undefined, VerifyContext?][] = [
    ['nonce of 16 bytes', enc({ kind: 'nonce', critical: false, data: fill(16, 1) }), 40, undefined],
    ['nonce of 256 bytes', enc({ kind: 'nonce', critical: false, data: fill(256, 1) }), 40, undefined],
    ['nonce of 15 bytes', enc({ kind: 'nonce', critical: false, data: fill(15, 1) }), 40, 'nonce-length'],
    ['nonce of 257 bytes', enc({ kind: 'nonce', critical: false, data: fill(257, 1) }), 40, 'nonce-length'],
    ['KE group 19 with 63 bytes', enc({ kind: 'ke', critical: false, group: 19, data: fill(63, 1) }), 34, 'ke-length'],
    ['KE group 14 with 256 bytes', enc({ kind: 'ke', critical: false, group: 14, data: fill(256, 1) }), 34, undefined],
    ['KE group 0', enc({ kind: 'ke', critical: false, group: 0, data: fill(4, 1) }), 34, 'ke-length'],
    ['KE of an unlisted group, any length', enc({ kind: 'ke', critical: false, group: 1234, data: fill(10, 1) }), 34, undefined],
    ['KE cut before its reserved octets', hex('00 00 0006 0013'), 34, 'ke-length'],
    ['ID_IPV4_ADDR of 5 bytes', enc({ kind: 'idi', critical: false, idType: 1, data: fill(5, 1) }), 35, 'id-format'],
    ['ID_NULL with data', enc({ kind: 'idr', critical: false, idType: 13, data: fill(1, 1) }), 36, 'id-format'],
    ['ID_FQDN without data', enc({ kind: 'idi', critical: false, idType: 2, data: new Uint8Array(0) }), 35, 'id-format'],
    ['ECDSA P-256 AUTH of 63 bytes', enc({ kind: 'auth', critical: false, method: 9, data: fill(63, 1) }), 39, 'auth-format'],
    ['digital signature AUTH with an AlgorithmIdentifier longer than the data', enc({ kind: 'auth', critical: false, method: 14, data: hex('10aabbcc') }), 39, 'auth-format'],
    ['X.509 CERTREQ of 21 bytes', enc({ kind: 'certreq', critical: false, encoding: 4, data: fill(21, 1) }), 38, 'cert-format'],
    ['empty CERT', enc({ kind: 'cert', critical: false, encoding: 4, data: new Uint8Array(0) }), 37, 'cert-format'],
    ['notify about an ESP SA with an 8-byte SPI', enc({ kind: 'notify', critical: false, protocol: 3, spi: fill(8, 1), notifyType: 16393, data: new Uint8Array(0) }), 41, 'notify-format'],
    ['NAT_DETECTION_SOURCE_IP of 19 bytes', enc({ kind: 'notify', critical: false, protocol: 0, spi: new Uint8Array(0), notifyType: 16388, data: fill(19, 1) }), 41, 'notify-format'],
    ['COOKIE of 65 bytes', enc({ kind: 'notify', critical: false, protocol: 0, spi: new Uint8Array(0), notifyType: 16390, data: fill(65, 1) }), 41, 'notify-format'],
    ['INVALID_KE_PAYLOAD with the group', enc({ kind: 'notify', critical: false, protocol: 0, spi: new Uint8Array(0), notifyType: 17, data: hex('0013') }), 41, undefined],
    ['notify SPI size past the payload', hex('00 00 0008 03 10 4009'), 41, 'notify-format'],
    ['ESP delete without SPI', enc({ kind: 'delete', critical: false, protocol: 3, spis: [] }), 42, 'delete-format'],
    ['IKE delete naming an SPI', enc({ kind: 'delete', critical: false, protocol: 1, spis: [fill(8, 1)] }), 42, 'delete-format'],
    ['delete announcing 2 SPIs of 4 bytes with 4 bytes present', hex('00 00 000c 03 04 0002 11111111'), 42, 'delete-format'],
    ['delete announcing 65535 SPIs of 0 bytes', hex('00 00 0008 01 00 ffff'), 42, 'delete-format'],
    ['TS type 7 with 16-byte addresses', enc({ kind: 'tsi', critical: false, selectors: [{ type: 7, protocol: 0, startPort: 0, endPort: 65535, start: fill(16, 0), end: fill(16, 1) }] }), 44, 'ts-format'],
    ['TS count 2 with one selector', hex('00 00 0018 02 000000 07 00 0010 0000 ffff 0a000000 0a0000ff'), 44, 'count-mismatch'],
    ['TS with an odd address area', hex('00 00 0017 01 000000 07 00 000f 0000 ffff 0a000000 0a0000'), 44, 'ts-format'],
    ['TS selector length 7', hex('00 00 0014 01 000000 07 00 0007 0000 ffff 0a000000'), 44, 'ts-format'],
    ['CFG type 5', enc({ kind: 'cp', critical: false, cfgType: 5, attributes: [] }), 47, 'cp-format'],
    ['CP attribute length past the payload', hex('00 00 000c 01 000000 0001 0008'), 47, 'cp-format'],
    ['EAP length field 9 for 10 bytes', hex('00 00 000e 0101 0009 01616c696365'), 48, 'eap-format'],
    ['EAP of 3 bytes', hex('00 00 0007 010100'), 48, 'eap-format'],
    ['SKF fragment 0', enc({ kind: 'skf', critical: false, innerFirst: 0, fragmentNumber: 0, totalFragments: 2, encrypted: fill(8, 0) }), 53, 'fragment-number'],
    ['SKF fragment 3 of 2', enc({ kind: 'skf', critical: false, innerFirst: 0, fragmentNumber: 3, totalFragments: 2, encrypted: fill(8, 0) }), 53, 'fragment-number'],
    ['SKF fragment 2 naming an inner payload', enc({ kind: 'skf', critical: false, innerFirst: 35, fragmentNumber: 2, totalFragments: 2, encrypted: fill(8, 0) }), 53, 'fragment-number'],
  ];

  it.each(cases)('%s', (_n, bytes, type, reason, ctx) => {
    expect(decodeOne(bytes, type, ctx).reason).toBe(reason);
  });
});

describe('verify(): the SA payload (§3.3)', () => {
  const proposal = (number: number, protocol = 3, spi = fill(4, 1)) => ({ number, protocol, spi, transforms: [{ type: 1, id: 20, keyLength: 128 }] });
  const sa = (...proposals: ReturnType<typeof proposal>[]): Uint8Array => encodeChain([{ kind: 'sa', critical: false, proposals }]);
  const REQ: VerifyContext = { exchange: ExchangeType.IKE_AUTH, response: false };
  const RESP: VerifyContext = { exchange: ExchangeType.IKE_AUTH, response: true };

  it('requests number proposals from 1, one by one', () => {
    expect(decodeOne(sa(proposal(1), proposal(2), proposal(3)), 33, REQ).reason).toBeUndefined();
    expect(decodeOne(sa(proposal(2)), 33, REQ).reason).toBe('proposal-numbering');
    expect(decodeOne(sa(proposal(1), proposal(3)), 33, REQ).reason).toBe('proposal-numbering');
    expect(decodeOne(sa(), 33, REQ).reason).toBe('substructure');
  });

  it('responses carry exactly the one accepted proposal, under its own number', () => {
    expect(decodeOne(sa(proposal(3)), 33, RESP).reason).toBeUndefined();
    expect(decodeOne(sa(proposal(1), proposal(2)), 33, RESP).reason).toBe('proposal-numbering');
  });

  it('SPI sizes: none for IKE in IKE_SA_INIT, 8 when rekeying the IKE SA, 4 for ESP/AH', () => {
    expect(decodeOne(sa(proposal(1, 1, new Uint8Array(0))), 33, INIT).reason).toBeUndefined();
    expect(decodeOne(sa(proposal(1, 1, fill(8, 1))), 33, INIT).reason).toBe('spi-size');
    expect(decodeOne(sa(proposal(1, 1, fill(8, 1))), 33, { exchange: ExchangeType.CREATE_CHILD_SA, response: false }).reason).toBeUndefined();
    expect(decodeOne(sa(proposal(1, 1, new Uint8Array(0))), 33, { exchange: ExchangeType.CREATE_CHILD_SA, response: false }).reason).toBe('spi-size');
    expect(decodeOne(sa(proposal(1, 3, fill(3, 1))), 33, REQ).reason).toBe('spi-size');
    expect(decodeOne(sa(proposal(1, 2, fill(8, 1))), 33, REQ).reason).toBe('spi-size');
  });

  // One ESP proposal with two transforms, as bytes, to corrupt field by field.
  const good = () =>
    hex(`
      00 00 0024        # SA, length 36
      00 00 0020        # proposal: last, length 32
      01 03 04 02       # number 1, ESP, SPI size 4, 2 transforms
      01020304
      03 00 000c 01 00 0014 800e 0080   # ENCR AES-GCM-16, 128 bits, more follows
      00 00 0008 05 00 0000             # ESN none, last
    `);

  it('the well-formed reference decodes', () => {
    expect(decodeOne(good(), 33, REQ).payload).toEqual({
      kind: 'sa',
      critical: false,
      proposals: [{ number: 1, protocol: 3, spi: hex('01020304'), transforms: [{ type: 1, id: 20, keyLength: 128 }, { type: 5, id: 0 }] }],
    });
  });

  it.each([
    ['proposal says more follow (2) on the last one', 4, 2, 'substructure-flag'],
    ['proposal uses the transform flag (3)', 4, 3, 'substructure-flag'],
    ['first transform says last (0) with one more after it', 16, 0, 'substructure-flag'],
    ['last transform says more (3)', 28, 3, 'substructure-flag'],
    ['transform count 3 with 2 present', 11, 3, 'count-mismatch'],
    ['transform count 1 with 2 present', 11, 1, 'count-mismatch'],
    ['transform length 7', 19, 7, 'transform-length'],
    ['transform length past the proposal', 19, 0x30, 'transform-length'],
    ['proposal length past the SA payload', 7, 0x30, 'substructure'],
    ['proposal length 4', 7, 4, 'substructure'],
    ['SPI size past the proposal', 10, 0x40, 'substructure'],
    ['Key Length in TLV form (AF bit clear)', 24, 0x00, 'attribute-format'],
  ] as const)('%s', (_n, offset, value, reason) => {
    const b = good();
    b[offset] = value;
    expect(decodeOne(b, 33, REQ).reason).toBe(reason);
  });

  it('two Key Length attributes in one transform', () => {
    const b = hex(`
      00 00 0028  00 00 0024  01 03 04 02  01020304
      03 00 0010 01 00 0014 800e 0080 800e 0100
      00 00 0008 05 00 0000
    `);
    expect(decodeOne(b, 33, REQ).reason).toBe('attribute-format');
  });
});
