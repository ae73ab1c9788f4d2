/**
 * What a payload file declares: its type number, its kind in the Payload union, the field table
 * of its body (the part after the 4-byte generic header) and a `verify` for the limits a table
 * cannot say (value ranges, lengths that depend on another field, numbering rules).
 *
 * `verify` returns a Problem or undefined and never throws; it runs on every decoded payload.
 */
import type { Struct } from '../fields.js';
import type { Payload, PayloadKind, PayloadOf } from '../types.js';
import type { Problem } from '../verdict.js';

/** What `verify` may depend on besides the payload itself. */
export interface VerifyContext {
  readonly exchange: number;
  readonly response: boolean;
}

export interface PayloadSpec {
  readonly type: number;
  readonly kind: PayloadKind;
  readonly body: Struct;
  /**
   * SK and SKF: the generic header's Next Payload names the first payload inside (kept as
   * `innerFirst`) and the chain ends with this payload.
   */
  readonly terminal: boolean;
  readonly verify: (p: Payload, ctx: VerifyContext) => Problem | undefined;
}

const NO_CHECK = (): undefined => undefined;

export function definePayload<K extends PayloadKind>(spec: {
  readonly type: number;
  readonly kind: K;
  readonly body: Struct;
  readonly terminal?: boolean;
  readonly verify?: (p: PayloadOf<K>, ctx: VerifyContext) => Problem | undefined;
}): PayloadSpec {
  const verify = spec.verify;
  return Object.freeze({
    type: spec.type,
    kind: spec.kind,
    body: spec.body,
    terminal: spec.terminal === true,
    verify: verify ? (p: Payload, ctx: VerifyContext) => verify(p as PayloadOf<K>, ctx) : NO_CHECK,
  });
}
