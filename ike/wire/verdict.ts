/**
 * How a message the codec refuses is answered, per RFC 7296:
 *
 * - Responses are never answered (§2.21: a node never replies to a response), so every problem
 *   in a response is a silent drop.
 * - A failed integrity check is a silent drop (§2.21.2; answering would let anyone make us send).
 *   So is anything that stops us from checking the SK payload (`sk-length`) and the RFC 7383
 *   reassembly refusals.
 * - INVALID_MAJOR_VERSION (§2.5): a request with a major version above 2 is answered, unprotected,
 *   with that notify (the version we speak goes in the reply header, the data is empty).
 * - UNSUPPORTED_CRITICAL_PAYLOAD (§2.5, §3.10.1): a request holding a payload of an unknown type
 *   with the critical bit set is answered with it, the data being the one-octet payload type —
 *   in IKE_SA_INIT (which is unauthenticated by nature, like its other error replies) or once the
 *   SK integrity check has passed.
 * - INVALID_SYNTAX (§3.10.1): may only be sent in an encrypted reply to a message whose Message
 *   ID and integrity checksum were valid. So a syntax error in an authenticated request gets it;
 *   the same error in IKE_SA_INIT or any unauthenticated message is dropped (§2.21.1: do not
 *   answer unauthenticated garbage).
 */
import { NotifyType } from './constants.js';
import type { ReasonCode, Rejection } from './types.js';

export interface RejectContext {
  /** The R flag is clear. */
  readonly request: boolean;
  /** The message passed its SK integrity check. */
  readonly authenticated: boolean;
  /** IKE_SA_INIT: the one exchange whose requests may get unauthenticated error replies. */
  readonly initExchange: boolean;
}

/** Reasons that never lead to a reply, whoever sent them. */
const ALWAYS_DROP: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'truncated-header',
  'length-mismatch',
  'not-ikev2',
  'zero-spi-i',
  'init-spi-r',
  'init-message-id',
  'missing-sk',
  'unexpected-sk',
  'sk-length',
  'integrity',
  'fragment-duplicate',
  'fragment-stale',
  'fragment-limit',
  'fragment-mismatch',
]);

/** The verdict for `reason` in `ctx`. `payloadType` is the data of UNSUPPORTED_CRITICAL_PAYLOAD. */
export function reject(reason: ReasonCode, detail: string, ctx: RejectContext, payloadType = 0): Rejection {
  if (!ctx.request || ALWAYS_DROP.has(reason)) return { ok: false, action: 'drop', reason, detail };
  if (reason === 'major-version') {
    return { ok: false, action: 'notify', notify: NotifyType.INVALID_MAJOR_VERSION, notifyData: new Uint8Array(0), reason, detail };
  }
  if (reason === 'unsupported-critical') {
    if (ctx.authenticated || ctx.initExchange) {
      return { ok: false, action: 'notify', notify: NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, notifyData: Uint8Array.of(payloadType & 0xff), reason, detail };
    }
    return { ok: false, action: 'drop', reason, detail };
  }
  if (ctx.authenticated) {
    return { ok: false, action: 'notify', notify: NotifyType.INVALID_SYNTAX, notifyData: new Uint8Array(0), reason, detail };
  }
  return { ok: false, action: 'drop', reason, detail };
}

/** A problem found while decoding, before the context decides the action. */
export interface Problem {
  readonly reason: ReasonCode;
  readonly detail: string;
  /** For `unsupported-critical`: the payload type. */
  readonly payloadType?: number;
}

export function problem(reason: ReasonCode, detail: string, payloadType?: number): Problem {
  return payloadType === undefined ? { reason, detail } : { reason, detail, payloadType };
}
