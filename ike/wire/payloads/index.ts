/**
 * The registry of payload specs, by wire type and by kind. A type with no spec decodes as an
 * `unknown` payload (kept as bytes) unless its critical bit is set (RFC 7296 §2.5).
 */
import type { PayloadKind } from '../types.js';
import { AUTH } from './auth.js';
import { CERT } from './cert.js';
import { CERTREQ } from './certreq.js';
import { CP } from './cp.js';
import { DELETE } from './delete.js';
import { EAP } from './eap.js';
import { SKF } from './encrypted-fragment.js';
import { SK } from './encrypted.js';
import { IDI, IDR } from './id.js';
import { KE } from './ke.js';
import { NONCE } from './nonce.js';
import { NOTIFY } from './notify.js';
import { SA } from './sa.js';
import type { PayloadSpec } from './spec.js';
import { TSI, TSR } from './ts.js';
import { VENDOR } from './vendor.js';

export const PAYLOAD_SPECS: readonly PayloadSpec[] = Object.freeze([SA, KE, IDI, IDR, CERT, CERTREQ, AUTH, NONCE, NOTIFY, DELETE, VENDOR, TSI, TSR, SK, CP, EAP, SKF]);

/** Spec of each payload type number (undefined: unknown type). */
export const SPEC_BY_TYPE: readonly (PayloadSpec | undefined)[] = (() => {
  const a = new Array<PayloadSpec | undefined>(256).fill(undefined);
  for (const s of PAYLOAD_SPECS) a[s.type] = s;
  return Object.freeze(a);
})();

export const SPEC_BY_KIND: Readonly<Record<Exclude<PayloadKind, 'unknown'>, PayloadSpec>> = (() => {
  const r: Partial<Record<PayloadKind, PayloadSpec>> = {};
  for (const s of PAYLOAD_SPECS) r[s.kind] = s;
  return Object.freeze(r as Record<Exclude<PayloadKind, 'unknown'>, PayloadSpec>);
})();

export type { PayloadSpec, VerifyContext } from './spec.js';
