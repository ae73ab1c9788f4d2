/**
 * Which payloads each exchange may carry, per direction (RFC 7296 §1.2–§1.5, §2.6, §2.21):
 * how many of each, which are required, whether they must travel inside SK, and in what order
 * a sender emits them.
 *
 * Receiving: `checkExchange` runs on a decoded (and, when protected, decrypted) message. Order is
 * NOT checked on receipt: §3.2 says implementations must not reject a message whose payloads
 * come in another order than the figures show. Unknown payload types that are not critical are
 * ignored wherever they appear. Exchanges without a rule here (IKE_INTERMEDIATE, session
 * resumption…) pass unchecked; the daemon decides what to do with them.
 *
 * Required payloads are waived in a response that carries an error notify (a refused request is
 * answered with the notify alone, §2.21), and in an IKE_SA_INIT response carrying COOKIE (§2.6)
 * — the minimum counts only; "at most" limits, all-or-none groups and the protection rule stay.
 *
 * Emitting: `orderForEmission` sorts payloads into the order of the RFC figures (a SHOULD of
 * §3.2), with a COOKIE notify first in an IKE_SA_INIT request (§2.6: the initiator puts it first).
 */
import { ExchangeType, NotifyType, isErrorNotify } from './constants.js';
import type { Payload, PayloadKind } from './types.js';
import { problem, type Problem } from './verdict.js';

export interface PayloadRule {
  readonly kind: PayloadKind;
  readonly min: number;
  readonly max: number;
}

export interface ExchangeRule {
  readonly exchange: number;
  readonly response: boolean;
  /** Everything travels inside SK (all exchanges but IKE_SA_INIT). */
  readonly protected: boolean;
  /** Allowed kinds with their counts; a known kind not listed is unexpected. */
  readonly payloads: readonly PayloadRule[];
  /** At least one of these must be present (unless waived). */
  readonly oneOf: readonly PayloadKind[];
  /** Each group is present entirely or not at all. */
  readonly together: readonly (readonly PayloadKind[])[];
  /** Emission order (RFC figures). */
  readonly order: readonly PayloadKind[];
}

const ANY = Number.POSITIVE_INFINITY;
const r = (kind: PayloadKind, min: number, max: number): PayloadRule => ({ kind, min, max });

const RULES: readonly ExchangeRule[] = [
  {
    // HDR, SAi1, KEi, Ni [, N(COOKIE) first on a retry] [, N+] [, V+]
    exchange: ExchangeType.IKE_SA_INIT,
    response: false,
    protected: false,
    payloads: [r('sa', 1, 1), r('ke', 1, 1), r('nonce', 1, 1), r('notify', 0, ANY), r('vendor', 0, ANY)],
    oneOf: [],
    together: [],
    order: ['sa', 'ke', 'nonce', 'notify', 'vendor'],
  },
  {
    // HDR, SAr1, KEr, Nr [, CERTREQ+] [, N+] [, V+]   or   HDR, N (error / COOKIE)
    exchange: ExchangeType.IKE_SA_INIT,
    response: true,
    protected: false,
    payloads: [r('sa', 1, 1), r('ke', 1, 1), r('nonce', 1, 1), r('certreq', 0, ANY), r('notify', 0, ANY), r('vendor', 0, ANY)],
    oneOf: [],
    together: [],
    order: ['sa', 'ke', 'nonce', 'certreq', 'notify', 'vendor'],
  },
  {
    // SK {IDi, [CERT+,] [N(INITIAL_CONTACT),] [CERTREQ+,] [IDr,] AUTH, [CP,] [N+,] SAi2, TSi, TSr}
    // — AUTH absent when asking for EAP (§2.16), later rounds carry EAP or AUTH alone; SA/TS
    // absent for a childless IKE SA (RFC 6023).
    exchange: ExchangeType.IKE_AUTH,
    response: false,
    protected: true,
    payloads: [
      r('idi', 0, 1),
      r('cert', 0, ANY),
      r('certreq', 0, ANY),
      r('idr', 0, 1),
      r('auth', 0, 1),
      r('eap', 0, 1),
      r('cp', 0, 1),
      r('sa', 0, 1),
      r('tsi', 0, 1),
      r('tsr', 0, 1),
      r('notify', 0, ANY),
      r('vendor', 0, ANY),
    ],
    oneOf: ['idi', 'auth', 'eap'],
    together: [['sa', 'tsi', 'tsr']],
    order: ['idi', 'cert', 'certreq', 'idr', 'auth', 'eap', 'cp', 'notify', 'sa', 'tsi', 'tsr', 'vendor'],
  },
  {
    // SK {IDr, [CERT+,] AUTH, [CP,] [N+,] SAr2, TSi, TSr} — or EAP rounds, or an error notify.
    exchange: ExchangeType.IKE_AUTH,
    response: true,
    protected: true,
    payloads: [
      r('idr', 0, 1),
      r('cert', 0, ANY),
      r('auth', 0, 1),
      r('eap', 0, 1),
      r('cp', 0, 1),
      r('sa', 0, 1),
      r('tsi', 0, 1),
      r('tsr', 0, 1),
      r('notify', 0, ANY),
      r('vendor', 0, ANY),
    ],
    oneOf: ['auth', 'eap'],
    together: [['sa', 'tsi', 'tsr']],
    order: ['idr', 'cert', 'auth', 'eap', 'cp', 'notify', 'sa', 'tsi', 'tsr', 'vendor'],
  },
  {
    // SK {[N(REKEY_SA)], [N+], SA, Ni, [KEi], [TSi, TSr]} — no TS when rekeying the IKE SA.
    exchange: ExchangeType.CREATE_CHILD_SA,
    response: false,
    protected: true,
    payloads: [r('sa', 1, 1), r('nonce', 1, 1), r('ke', 0, 1), r('tsi', 0, 1), r('tsr', 0, 1), r('notify', 0, ANY), r('vendor', 0, ANY)],
    oneOf: [],
    together: [['tsi', 'tsr']],
    order: ['notify', 'sa', 'nonce', 'ke', 'tsi', 'tsr', 'vendor'],
  },
  {
    // SK {SA, Nr, [KEr], [TSi, TSr], [N+]} — or an error notify.
    exchange: ExchangeType.CREATE_CHILD_SA,
    response: true,
    protected: true,
    payloads: [r('sa', 1, 1), r('nonce', 1, 1), r('ke', 0, 1), r('tsi', 0, 1), r('tsr', 0, 1), r('notify', 0, ANY), r('vendor', 0, ANY)],
    oneOf: [],
    together: [['tsi', 'tsr']],
    order: ['sa', 'nonce', 'ke', 'tsi', 'tsr', 'notify', 'vendor'],
  },
  {
    // SK {[N,] [D,] [CP,] ...} — empty for a liveness check.
    exchange: ExchangeType.INFORMATIONAL,
    response: false,
    protected: true,
    payloads: [r('notify', 0, ANY), r('delete', 0, ANY), r('cp', 0, 1), r('vendor', 0, ANY)],
    oneOf: [],
    together: [],
    order: ['notify', 'delete', 'cp', 'vendor'],
  },
  {
    exchange: ExchangeType.INFORMATIONAL,
    response: true,
    protected: true,
    payloads: [r('notify', 0, ANY), r('delete', 0, ANY), r('cp', 0, 1), r('vendor', 0, ANY)],
    oneOf: [],
    together: [],
    order: ['notify', 'delete', 'cp', 'vendor'],
  },
];

const BY_KEY = new Map<number, ExchangeRule>(RULES.map((x) => [x.exchange * 2 + (x.response ? 1 : 0), x]));

/** The rule of an exchange and direction, or undefined for exchanges this file does not know. */
export function exchangeRule(exchange: number, response: boolean): ExchangeRule | undefined {
  return BY_KEY.get(exchange * 2 + (response ? 1 : 0));
}

export const EXCHANGE_RULES: readonly ExchangeRule[] = RULES;

const KINDS: readonly PayloadKind[] = ['sa', 'ke', 'idi', 'idr', 'cert', 'certreq', 'auth', 'nonce', 'notify', 'delete', 'vendor', 'tsi', 'tsr', 'cp', 'eap', 'sk', 'skf', 'unknown'];
const KIND_INDEX = new Map<PayloadKind, number>(KINDS.map((k, i) => [k, i]));
const counts = new Int32Array(KINDS.length);

function allows(rule: ExchangeRule, kind: PayloadKind): boolean {
  for (let i = 0; i < rule.payloads.length; i++) if (rule.payloads[i]!.kind === kind) return true;
  return false;
}

function waived(rule: ExchangeRule, payloads: readonly Payload[]): boolean {
  if (!rule.response) return false;
  for (const p of payloads) {
    if (p.kind !== 'notify') continue;
    if (isErrorNotify(p.notifyType)) return true;
    if (rule.exchange === ExchangeType.IKE_SA_INIT && p.notifyType === NotifyType.COOKIE) return true;
  }
  return false;
}

/**
 * Check a message against its exchange rule. `outer`: the payloads outside SK; `inner`: those
 * inside it (undefined when the message has no SK). Returns the first violation.
 */
export function checkExchange(exchange: number, response: boolean, outer: readonly Payload[], inner: readonly Payload[] | undefined): Problem | undefined {
  const rule = exchangeRule(exchange, response);
  if (rule === undefined) return undefined;
  const what = (): string => `${response ? 'response' : 'request'} of exchange ${exchange}`;
  let payloads: readonly Payload[];
  if (rule.protected) {
    if (inner === undefined) {
      // §1.5: an INFORMATIONAL response may go unprotected when it only reports an error
      // about a message that had no usable IKE SA (INVALID_IKE_SPI, INVALID_MAJOR_VERSION…).
      if (exchange === ExchangeType.INFORMATIONAL && response && outer.some((p) => p.kind === 'notify') && outer.every((p) => p.kind === 'notify' || p.kind === 'unknown')) {
        return undefined;
      }
      return problem('missing-sk', `${what()} without an SK payload`);
    }
    for (const p of outer) {
      if (p.kind !== 'unknown') return problem('unprotected-payload', `${p.kind} payload outside SK in the ${what()}`);
    }
    payloads = inner;
  } else {
    if (inner !== undefined) return problem('unexpected-sk', `SK payload in the ${what()}`);
    payloads = outer;
  }
  counts.fill(0);
  for (let i = 0; i < payloads.length; i++) counts[KIND_INDEX.get(payloads[i]!.kind)!]!++;
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i]!;
    if (p.kind === 'unknown') continue;
    if (!allows(rule, p.kind)) return problem('unexpected-payload', `${p.kind} payload in the ${what()}`);
  }
  for (const x of rule.payloads) {
    if (counts[KIND_INDEX.get(x.kind)!]! > x.max) return problem('duplicate-payload', `${counts[KIND_INDEX.get(x.kind)!]} ${x.kind} payloads in the ${what()} (at most ${x.max})`);
  }
  for (const group of rule.together) {
    let n = 0;
    for (let i = 0; i < group.length; i++) if (counts[KIND_INDEX.get(group[i]!)!]! > 0) n++;
    if (n === 0 || n === group.length) continue;
    const present = group.filter((k) => counts[KIND_INDEX.get(k)!]! > 0);
    return problem('missing-payload', `${what()} has ${present.join('+')} without ${group.filter((k) => !present.includes(k)).join('+')}`);
  }
  if (!waived(rule, payloads)) {
    for (const x of rule.payloads) {
      if (counts[KIND_INDEX.get(x.kind)!]! < x.min) return problem('missing-payload', `${what()} lacks its ${x.kind} payload`);
    }
    if (rule.oneOf.length > 0 && !rule.oneOf.some((k) => counts[KIND_INDEX.get(k)!]! > 0)) {
      return problem('missing-payload', `${what()} carries none of ${rule.oneOf.join(', ')}`);
    }
  }
  return undefined;
}

/**
 * The payloads in the order the RFC figures show them for this exchange (stable within a kind;
 * kinds the rule does not list keep their relative order at the end). An IKE_SA_INIT request's
 * COOKIE notify comes first.
 */
export function orderForEmission(exchange: number, response: boolean, payloads: readonly Payload[]): Payload[] {
  const rule = exchangeRule(exchange, response);
  if (rule === undefined) return [...payloads];
  const rank = (p: Payload): number => {
    if (!response && exchange === ExchangeType.IKE_SA_INIT && p.kind === 'notify' && p.notifyType === NotifyType.COOKIE) return -1;
    const i = rule.order.indexOf(p.kind);
    return i < 0 ? rule.order.length : i;
  };
  return payloads
    .map((p, i) => ({ p, i, k: rank(p) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.p);
}
