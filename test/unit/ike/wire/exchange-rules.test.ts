/**
 * The exchange rules on their own: payload sets of RFC 7296 §1.2–§1.5 accepted, each violation
 * named, order ignored on receipt (§3.2) but applied on emission.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeType, NotifyType } from '../../../../ike/wire/constants.js';
import { checkExchange, EXCHANGE_RULES, exchangeRule, orderForEmission } from '../../../../ike/wire/exchange-rules.js';
import type { Payload, PayloadKind } from '../../../../ike/wire/types.js';

const E = new Uint8Array(0);
/** Minimal payloads by kind (the rules look at kinds and notify types only). */
function p(kind: PayloadKind, notifyType = NotifyType.INITIAL_CONTACT as number): Payload {
  switch (kind) {
    case 'notify':
      return { kind, critical: false, protocol: 0, spi: E, notifyType, data: E };
    case 'unknown':
      return { kind, critical: false, type: 200, data: E };
    default:
      return { kind, critical: false } as unknown as Payload;
  }
}
const ps = (...kinds: PayloadKind[]): Payload[] => kinds.map((k) => p(k));
const { IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL } = ExchangeType;

describe('accepted payload sets', () => {
  it.each([
    ['IKE_SA_INIT request', IKE_SA_INIT, false, [], ps('sa', 'ke', 'nonce', 'notify', 'notify', 'vendor')],
    ['IKE_SA_INIT request with COOKIE first, any order', IKE_SA_INIT, false, [], [p('notify', NotifyType.COOKIE), ...ps('nonce', 'ke', 'sa')]],
    ['IKE_SA_INIT response with CERTREQ', IKE_SA_INIT, true, [], ps('sa', 'ke', 'nonce', 'certreq', 'notify')],
    ['IKE_SA_INIT response: INVALID_KE_PAYLOAD alone', IKE_SA_INIT, true, [], [p('notify', NotifyType.INVALID_KE_PAYLOAD)]],
    ['IKE_SA_INIT response: COOKIE alone', IKE_SA_INIT, true, [], [p('notify', NotifyType.COOKIE)]],
    ['IKE_AUTH request, PSK', IKE_AUTH, false, undefined, ps('idi', 'notify', 'idr', 'auth', 'sa', 'tsi', 'tsr')],
    ['IKE_AUTH request asking for EAP (no AUTH)', IKE_AUTH, false, undefined, ps('idi', 'cp', 'sa', 'tsi', 'tsr')],
    ['IKE_AUTH request, later EAP round', IKE_AUTH, false, undefined, ps('eap')],
    ['IKE_AUTH request, final AUTH after EAP', IKE_AUTH, false, undefined, ps('auth')],
    ['IKE_AUTH request, childless (RFC 6023)', IKE_AUTH, false, undefined, ps('idi', 'auth')],
    ['IKE_AUTH response with certificates', IKE_AUTH, true, undefined, ps('idr', 'cert', 'cert', 'auth', 'sa', 'tsi', 'tsr')],
    ['IKE_AUTH response: AUTHENTICATION_FAILED alone', IKE_AUTH, true, undefined, [p('notify', NotifyType.AUTHENTICATION_FAILED)]],
    ['IKE_AUTH response: authenticated but TS_UNACCEPTABLE for the child', IKE_AUTH, true, undefined, [...ps('idr', 'auth'), p('notify', NotifyType.TS_UNACCEPTABLE)]],
    ['CREATE_CHILD_SA request, child rekey with PFS', CREATE_CHILD_SA, false, undefined, [p('notify', NotifyType.REKEY_SA), ...ps('sa', 'nonce', 'ke', 'tsi', 'tsr')]],
    ['CREATE_CHILD_SA request, IKE SA rekey', CREATE_CHILD_SA, false, undefined, ps('sa', 'nonce', 'ke')],
    ['CREATE_CHILD_SA response: NO_ADDITIONAL_SAS alone', CREATE_CHILD_SA, true, undefined, [p('notify', NotifyType.NO_ADDITIONAL_SAS)]],
    ['INFORMATIONAL request, empty (liveness)', INFORMATIONAL, false, undefined, []],
    ['INFORMATIONAL request, deletes', INFORMATIONAL, false, undefined, ps('delete', 'delete', 'notify')],
    ['an unknown non-critical payload anywhere', CREATE_CHILD_SA, true, undefined, ps('unknown', 'sa', 'nonce', 'unknown')],
  ] as const)('%s', (_n, exchange, response, clear, payloads) => {
    // `clear` ([]): IKE_SA_INIT, whose payloads travel outside SK; undefined: inside SK.
    const problem = clear ? checkExchange(exchange, response, payloads, undefined) : checkExchange(exchange, response, [], payloads);
    expect(problem?.detail).toBeUndefined();
  });

  it('exchanges without a rule are left to the daemon', () => {
    expect(exchangeRule(43, false)).toBeUndefined();
    expect(checkExchange(43, false, ps('ke', 'ke'), [])).toBeUndefined();
  });
});

describe('violations', () => {
  it.each([
    ['IKE_SA_INIT request without KE', IKE_SA_INIT, false, ps('sa', 'nonce'), undefined, 'missing-payload'],
    ['IKE_SA_INIT request with two nonces', IKE_SA_INIT, false, ps('sa', 'ke', 'nonce', 'nonce'), undefined, 'duplicate-payload'],
    ['IKE_SA_INIT request with AUTH', IKE_SA_INIT, false, ps('sa', 'ke', 'nonce', 'auth'), undefined, 'unexpected-payload'],
    ['IKE_SA_INIT request: the error waiver is for responses only', IKE_SA_INIT, false, [p('notify', NotifyType.NO_PROPOSAL_CHOSEN)], undefined, 'missing-payload'],
    ['IKE_SA_INIT response with a status notify only', IKE_SA_INIT, true, ps('notify'), undefined, 'missing-payload'],
    ['IKE_SA_INIT with inner payloads', IKE_SA_INIT, false, ps('sa', 'ke', 'nonce'), [], 'unexpected-sk'],
    ['IKE_AUTH without SK', IKE_AUTH, false, ps('idi', 'auth'), undefined, 'missing-sk'],
    ['IKE_AUTH with a notify outside SK', IKE_AUTH, false, ps('notify'), ps('idi', 'auth'), 'unprotected-payload'],
    ['IKE_AUTH request with none of IDi, AUTH, EAP', IKE_AUTH, false, [], ps('notify', 'cp'), 'missing-payload'],
    ['IKE_AUTH request with SA but no TS', IKE_AUTH, false, [], ps('idi', 'auth', 'sa'), 'missing-payload'],
    ['IKE_AUTH request with two IDi', IKE_AUTH, false, [], ps('idi', 'idi', 'auth'), 'duplicate-payload'],
    ['IKE_AUTH response with KE', IKE_AUTH, true, [], ps('idr', 'auth', 'ke'), 'unexpected-payload'],
    ['IKE_AUTH response with TSi but no SA, even beside an error', IKE_AUTH, true, [], [p('notify', NotifyType.TS_UNACCEPTABLE), ...ps('tsi', 'tsr')], 'missing-payload'],
    ['CREATE_CHILD_SA request without nonce', CREATE_CHILD_SA, false, [], ps('sa', 'ke'), 'missing-payload'],
    ['CREATE_CHILD_SA request with TSi only', CREATE_CHILD_SA, false, [], ps('sa', 'nonce', 'tsi'), 'missing-payload'],
    ['CREATE_CHILD_SA response with two SA', CREATE_CHILD_SA, true, [], ps('sa', 'sa', 'nonce'), 'duplicate-payload'],
    ['INFORMATIONAL with a nonce', INFORMATIONAL, false, [], ps('nonce'), 'unexpected-payload'],
    ['INFORMATIONAL with two CP', INFORMATIONAL, true, [], ps('cp', 'cp'), 'duplicate-payload'],
    ['unprotected INFORMATIONAL response with a delete', INFORMATIONAL, true, ps('notify', 'delete'), undefined, 'missing-sk'],
    ['unprotected INFORMATIONAL response with no notify', INFORMATIONAL, true, ps('unknown'), undefined, 'missing-sk'],
  ] as const)('%s', (_n, exchange, response, outer, inner, reason) => {
    expect(checkExchange(exchange, response, outer, inner)?.reason).toBe(reason);
  });
});

describe('emission order', () => {
  it('follows the RFC figures; COOKIE goes first in an IKE_SA_INIT request', () => {
    const cookie = p('notify', NotifyType.COOKIE);
    const natd = p('notify', NotifyType.NAT_DETECTION_SOURCE_IP);
    const [sa, ke, nonce, vendor] = ps('sa', 'ke', 'nonce', 'vendor');
    expect(orderForEmission(IKE_SA_INIT, false, [vendor!, natd, nonce!, ke!, cookie, sa!])).toEqual([cookie, sa, ke, nonce, natd, vendor]);
    const auth = ps('tsr', 'tsi', 'sa', 'auth', 'idr', 'cert', 'idi');
    expect(orderForEmission(IKE_AUTH, false, auth).map((x) => x.kind)).toEqual(['idi', 'cert', 'idr', 'auth', 'sa', 'tsi', 'tsr']);
    expect(orderForEmission(CREATE_CHILD_SA, false, ps('tsr', 'tsi', 'ke', 'nonce', 'sa', 'notify')).map((x) => x.kind)).toEqual(['notify', 'sa', 'nonce', 'ke', 'tsi', 'tsr']);
  });

  it('keeps the relative order of equal kinds and puts unlisted kinds last', () => {
    const a = p('notify', NotifyType.INITIAL_CONTACT);
    const b = p('notify', NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED);
    const u = p('unknown');
    expect(orderForEmission(INFORMATIONAL, false, [u, b, p('delete'), a])).toEqual([b, a, expect.objectContaining({ kind: 'delete' }), u]);
  });

  it('every rule lists each allowed kind once in its emission order', () => {
    for (const r of EXCHANGE_RULES) {
      expect([...r.order].sort()).toEqual(r.payloads.map((x) => x.kind).sort());
    }
  });
});
