/**
 * The verdict for each class of bad message, per RFC 7296 §2.5, §2.21, §3.2, §3.10.1 — from
 * annotated bytes for the unauthenticated cases, and from messages sealed with real keys
 * (authenticated garbage) for the others.
 */
import { describe, expect, it } from 'vitest';
import { EncrId, NotifyType } from '../../../../ike/wire/constants.js';
import { decodeMessage, encodeMessage } from '../../../../ike/wire/message.js';
import { createSkCipher } from '../../../../ike/wire/sk.js';
import type { Payload } from '../../../../ike/wire/types.js';
import { sealRaw } from '../../../helpers/ike-captures.js';
import { accepted, ENGINES, hex } from './helpers.js';

/** Bytes of the annotated segments; the header Length (octets 24-27) is set to the total. */
function msg(...segments: string[]): Uint8Array {
  const b = hex(segments.join('\n'));
  if (b.length >= 28) new DataView(b.buffer).setUint32(24, b.length);
  return b;
}

const HDR_INIT_REQ = `
  1111111111111111  # initiator SPI
  0000000000000000  # responder SPI
  21                # next: SA
  20                # version 2.0
  22                # IKE_SA_INIT
  08                # Initiator
  00000000          # message ID 0
  00000000          # length (set by msg())
`;
const SA = `
  22 00 0028                      # SA, next KE, length 40
    00 00 0024 01 01 00 03        #   proposal 1 (last), IKE, no SPI, 3 transforms
    03 00 000c 01 00 0014 800e 0080   # ENCR AES-GCM-16, 128 bits
    03 00 0008 02 00 0005             # PRF HMAC-SHA2-256
    00 00 0008 04 00 0013             # DH 19
`;
const KE = `28 00 0048 0013 0000 ${'aa'.repeat(64)}  # KE, next Nonce, group 19`;
const NONCE = `00 00 0014 ${'bb'.repeat(16)}              # Nonce, last, 16 bytes`;
const GOOD_INIT = [HDR_INIT_REQ, SA, KE, NONCE];

describe('the reference IKE_SA_INIT request', () => {
  it('is accepted', () => {
    expect(accepted(decodeMessage(msg(...GOOD_INIT))).payloads.map((p) => p.kind)).toEqual(['sa', 'ke', 'nonce']);
  });
});

describe('header problems (unauthenticated)', () => {
  it('fewer than 28 bytes: drop', () => {
    expect(decodeMessage(msg(...GOOD_INIT).subarray(0, 27))).toMatchObject({ ok: false, action: 'drop', reason: 'truncated-header' });
  });

  it('major version 3 in a request: INVALID_MAJOR_VERSION (§2.5), empty data; in a response: drop', () => {
    const b = msg(...GOOD_INIT);
    b[17] = 0x30;
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'notify', notify: NotifyType.INVALID_MAJOR_VERSION, notifyData: new Uint8Array(0), reason: 'major-version' });
    b[19] = 0x20; // Response
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'major-version' });
  });

  it('a higher minor version is fine (§2.5: minor versions are ignored)', () => {
    const b = msg(...GOOD_INIT);
    b[17] = 0x2f;
    expect(decodeMessage(b).ok).toBe(true);
  });

  it('major version 1 (IKEv1, ISAKMP): not ours, drop', () => {
    const b = msg(...GOOD_INIT);
    b[17] = 0x10;
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'not-ikev2' });
  });

  it('a Length field that is not the datagram length: drop', () => {
    const b = msg(...GOOD_INIT);
    b[27]! += 1;
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'length-mismatch' });
  });

  it('initiator SPI zero: drop', () => {
    const b = msg(...GOOD_INIT);
    b.fill(0, 0, 8);
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'zero-spi-i' });
  });

  it('IKE_SA_INIT request with a responder SPI or a non-zero Message ID (§3.1, §2.2): drop', () => {
    const a = msg(...GOOD_INIT);
    a[15] = 1;
    expect(decodeMessage(a)).toMatchObject({ ok: false, action: 'drop', reason: 'init-spi-r' });
    const b = msg(...GOOD_INIT);
    b[23] = 1;
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'init-message-id' });
  });
});

describe('payload problems in IKE_SA_INIT (unauthenticated: only the critical bit is answered)', () => {
  const NONCE_TO_CC = `cc 00 0014 ${'bb'.repeat(16)}   # Nonce, next: type 0xcc (unknown)`;

  it('an unknown payload with the critical bit: UNSUPPORTED_CRITICAL_PAYLOAD with the type as data (§2.5)', () => {
    const b = msg(HDR_INIT_REQ, SA, KE, NONCE_TO_CC, '00 80 0008 01020304   # type 0xcc, critical, length 8');
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'notify', notify: NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, notifyData: Uint8Array.of(0xcc), reason: 'unsupported-critical' });
    b[19] = 0x20; // the same in a response: never answered
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'unsupported-critical' });
  });

  it('the same payload without the critical bit is skipped and kept', () => {
    const m = accepted(decodeMessage(msg(HDR_INIT_REQ, SA, KE, NONCE_TO_CC, '00 00 0008 01020304   # type 0xcc, not critical')));
    expect(m.payloads[3]).toEqual({ kind: 'unknown', critical: false, type: 0xcc, data: hex('01020304') });
  });

  it('a syntax error (8-byte nonce) is dropped, never answered INVALID_SYNTAX unauthenticated (§3.10.1)', () => {
    expect(decodeMessage(msg(HDR_INIT_REQ, SA, KE, `00 00 000c ${'bb'.repeat(8)}`))).toMatchObject({ ok: false, action: 'drop', reason: 'nonce-length' });
  });

  it('a substructure error (transform count) is dropped', () => {
    const b = msg(...GOOD_INIT);
    b[28 + 4 + 7] = 4;
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'count-mismatch' });
  });

  it('payload framing: length past the message, length under 4, bytes after the last payload', () => {
    expect(decodeMessage(msg(HDR_INIT_REQ, SA, KE, `00 00 0024 ${'bb'.repeat(16)}`))).toMatchObject({ ok: false, action: 'drop', reason: 'payload-truncated' });
    expect(decodeMessage(msg(HDR_INIT_REQ, SA, KE, `00 00 0003 ${'bb'.repeat(16)}`))).toMatchObject({ ok: false, action: 'drop', reason: 'payload-too-short' });
    expect(decodeMessage(msg(...GOOD_INIT, 'ffff'))).toMatchObject({ ok: false, action: 'drop', reason: 'trailing-bytes' });
  });

  it('exchange rules: KE missing, two SA payloads, a CERTREQ in the request, an SK payload', () => {
    const SA_TO_NONCE = SA.replace('22 00 0028', '28 00 0028');
    expect(decodeMessage(msg(HDR_INIT_REQ, SA_TO_NONCE, NONCE))).toMatchObject({ ok: false, action: 'drop', reason: 'missing-payload' });
    const SA_TO_SA = SA.replace('22 00 0028', '21 00 0028');
    expect(decodeMessage(msg(HDR_INIT_REQ, SA_TO_SA, SA, KE, NONCE))).toMatchObject({ ok: false, action: 'drop', reason: 'duplicate-payload' });
    expect(decodeMessage(msg(HDR_INIT_REQ, SA, KE, `26 00 0014 ${'bb'.repeat(16)}`, '00 00 0005 04'))).toMatchObject({ ok: false, action: 'drop', reason: 'unexpected-payload' });
    expect(decodeMessage(msg(HDR_INIT_REQ, SA, KE, `2e 00 0014 ${'bb'.repeat(16)}`, `00 00 0024 ${'00'.repeat(32)}`))).toMatchObject({ ok: false, action: 'drop', reason: 'unexpected-sk' });
  });

  it('an SK payload followed by more bytes than its own: drop', () => {
    const b = msg(HDR_INIT_REQ.replace('21                # next: SA', '2e'), `29 00 0020 ${'00'.repeat(28)}`, '00 00 0008 0000 4000');
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'sk-not-last' });
  });
});

describe('responses that refuse: notify-only messages are complete', () => {
  const HDR_INIT_RESP = HDR_INIT_REQ.replace('0000000000000000  # responder SPI', '2222222222222222').replace('08                # Initiator', '20').replace('21                # next: SA', '29');

  it('IKE_SA_INIT response with only INVALID_KE_PAYLOAD (the group as data) or only COOKIE', () => {
    const m = accepted(decodeMessage(msg(HDR_INIT_RESP, '00 00 000a 00 00 0011 0013   # N(INVALID_KE_PAYLOAD, group 19)')));
    expect(m.payloads).toEqual([{ kind: 'notify', critical: false, protocol: 0, spi: new Uint8Array(0), notifyType: 17, data: hex('0013') }]);
    expect(decodeMessage(msg(HDR_INIT_RESP, `00 00 0010 00 00 4006 ${'cc'.repeat(8)}   # N(COOKIE)`)).ok).toBe(true);
  });

  it('an IKE_SA_INIT response with only a status notify lacks its SA, KE and Nonce', () => {
    expect(decodeMessage(msg(HDR_INIT_RESP, '00 00 0008 00 00 4000   # N(INITIAL_CONTACT)'))).toMatchObject({ ok: false, action: 'drop', reason: 'missing-payload' });
  });
});

describe('protection rules', () => {
  it('an IKE_AUTH request with its payloads in the clear: drop (no SK to authenticate it)', () => {
    const b = msg(
      '1111111111111111 2222222222222222 23 20 23 08 00000001 00000000   # next IDi, IKE_AUTH, Initiator, ID 1',
      '00 00 000c 01 000000 0a000001                                        # IDi: 10.0.0.1',
    );
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'missing-sk' });
  });

  it('an unprotected INFORMATIONAL response carrying INVALID_IKE_SPI is accepted (§1.5); a request is not', () => {
    const resp = msg('1111111111111111 2222222222222222 29 20 25 20 00000005 00000000', '00 00 0008 00 00 0004   # N(INVALID_IKE_SPI)');
    expect(accepted(decodeMessage(resp)).payloads).toMatchObject([{ kind: 'notify', notifyType: NotifyType.INVALID_IKE_SPI }]);
    const req = resp.slice();
    req[19] = 0x08;
    expect(decodeMessage(req)).toMatchObject({ ok: false, action: 'drop', reason: 'missing-sk' });
  });
});

describe('authenticated messages (sealed with the right keys)', () => {
  const cipher = createSkCipher(ENGINES.native, { encryption: EncrId.AES_GCM_16 }, { encryption: hex('000102030405060708090a0b0c0d0e0f a0a1a2a3') });
  const header = (exchange: number, response: boolean) => ({ spiI: hex('1111111111111111'), spiR: hex('2222222222222222'), exchange, initiator: !response, response, messageId: 9 });
  const seal = (exchange: number, response: boolean, inner: Payload[], payloads: Payload[] = []) => encodeMessage({ header: header(exchange, response), payloads, inner }, { cipher });
  const nonce = (n: number): Payload => ({ kind: 'nonce', critical: false, data: new Uint8Array(n).fill(5) });
  const sa: Payload = { kind: 'sa', critical: false, proposals: [{ number: 1, protocol: 3, spi: hex('01020304'), transforms: [{ type: 1, id: 20, keyLength: 128 }] }] };
  const notify = (t: number, data = new Uint8Array(0)): Payload => ({ kind: 'notify', critical: false, protocol: 0, spi: new Uint8Array(0), notifyType: t, data });

  it('a sound CREATE_CHILD_SA request is accepted', () => {
    expect(accepted(decodeMessage(seal(36, false, [sa, nonce(32)]), { cipher })).inner).toEqual([sa, nonce(32)]);
  });

  it('a bad integrity checksum: silent drop, request or response (§2.21.2)', () => {
    for (const response of [false, true]) {
      const b = seal(36, response, [sa, nonce(32)]);
      b[b.length - 3] ^= 0x10;
      expect(decodeMessage(b, { cipher })).toMatchObject({ ok: false, action: 'drop', reason: 'integrity' });
    }
  });

  it('a syntax error inside: INVALID_SYNTAX to a request (§3.10.1), nothing to a response', () => {
    expect(decodeMessage(seal(36, false, [sa, nonce(8)]), { cipher })).toMatchObject({ ok: false, action: 'notify', notify: NotifyType.INVALID_SYNTAX, notifyData: new Uint8Array(0), reason: 'nonce-length' });
    expect(decodeMessage(seal(36, true, [sa, nonce(8)]), { cipher })).toMatchObject({ ok: false, action: 'drop', reason: 'nonce-length' });
  });

  it('an unknown critical payload inside: UNSUPPORTED_CRITICAL_PAYLOAD to a request, nothing to a response', () => {
    const crit: Payload = { kind: 'unknown', critical: true, type: 0x99, data: hex('00') };
    expect(decodeMessage(seal(37, false, [crit]), { cipher })).toMatchObject({ ok: false, action: 'notify', notify: NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, notifyData: Uint8Array.of(0x99) });
    expect(decodeMessage(seal(37, true, [crit]), { cipher })).toMatchObject({ ok: false, action: 'drop', reason: 'unsupported-critical' });
  });

  it('exchange rules inside SK: a missing nonce, an IKE_AUTH request with only a notify, TSi without TSr', () => {
    expect(decodeMessage(seal(36, false, [sa]), { cipher })).toMatchObject({ action: 'notify', notify: 7, reason: 'missing-payload' });
    expect(decodeMessage(seal(35, false, [notify(NotifyType.INITIAL_CONTACT)]), { cipher })).toMatchObject({ action: 'notify', notify: 7, reason: 'missing-payload' });
    const tsi: Payload = { kind: 'tsi', critical: false, selectors: [{ type: 7, protocol: 0, startPort: 0, endPort: 65535, start: hex('0a000000'), end: hex('0a0000ff') }] };
    expect(decodeMessage(seal(36, false, [sa, nonce(32), tsi]), { cipher })).toMatchObject({ action: 'notify', notify: 7, reason: 'missing-payload' });
    expect(decodeMessage(seal(37, false, [sa]), { cipher })).toMatchObject({ action: 'notify', notify: 7, reason: 'unexpected-payload' });
  });

  it('refusals answer alone: IKE_AUTH response with AUTHENTICATION_FAILED, CREATE_CHILD_SA response with NO_PROPOSAL_CHOSEN', () => {
    expect(decodeMessage(seal(35, true, [notify(NotifyType.AUTHENTICATION_FAILED)]), { cipher }).ok).toBe(true);
    expect(decodeMessage(seal(36, true, [notify(NotifyType.NO_PROPOSAL_CHOSEN)]), { cipher }).ok).toBe(true);
  });

  it('a payload outside SK in a protected exchange: INVALID_SYNTAX once the checksum verified, drop if it did not', () => {
    const b = seal(35, false, [{ kind: 'idi', critical: false, idType: 1, data: hex('0a000001') }, { kind: 'auth', critical: false, method: 2, data: new Uint8Array(32) }], [notify(NotifyType.INITIAL_CONTACT)]);
    expect(decodeMessage(b, { cipher })).toMatchObject({ ok: false, action: 'notify', notify: 7, reason: 'unprotected-payload' });
    b[b.length - 1] ^= 1;
    expect(decodeMessage(b, { cipher })).toMatchObject({ ok: false, action: 'drop', reason: 'integrity' });
  });

  it('a malformed payload before SK waits for the checksum: INVALID_SYNTAX if it verifies, drop otherwise or without keys', () => {
    const badNatD = notify(NotifyType.NAT_DETECTION_SOURCE_IP, new Uint8Array(19));
    const b = seal(37, false, [notify(NotifyType.INITIAL_CONTACT)], [badNatD]);
    expect(decodeMessage(b, { cipher })).toMatchObject({ ok: false, action: 'notify', notify: 7, reason: 'notify-format' });
    expect(decodeMessage(b)).toMatchObject({ ok: false, action: 'drop', reason: 'notify-format' });
    b[b.length - 1] ^= 1;
    expect(decodeMessage(b, { cipher })).toMatchObject({ ok: false, action: 'drop', reason: 'integrity' });
  });

  it('inner chain framing errors and an SK inside SK are syntax errors once authenticated', () => {
    const plain = hex(`
      00 00 0040 00 00 4000   # N(INITIAL_CONTACT) claiming 64 bytes in an 8-byte plaintext
    `);
    expect(decodeMessage(sealRaw(cipher, header(37, false), plain, 41), { cipher })).toMatchObject({ action: 'notify', notify: 7, reason: 'payload-truncated' });
    expect(decodeMessage(sealRaw(cipher, header(37, false), hex('00 00 0008 00 00 4000 ffff'), 41), { cipher })).toMatchObject({ action: 'notify', notify: 7, reason: 'trailing-bytes' });
    const sk: Payload = { kind: 'sk', critical: false, innerFirst: 41, encrypted: new Uint8Array(40) };
    expect(decodeMessage(seal(37, false, [sk]), { cipher })).toMatchObject({ action: 'notify', notify: 7, reason: 'unexpected-payload' });
  });
});
