/**
 * EAP payload (type 48, RFC 7296 §3.16).
 *
 * Body: one whole EAP message (RFC 3748 §4): code (1 octet), identifier (1), length (2, the
 * EAP message's own length), then type and type data for requests and responses.
 *
 * verify: at least the 4-byte EAP header, and its length field equals the bytes carried.
 */
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { EapPayload } from '../types.js';
import { definePayload } from './spec.js';

export const EAP_BODY = defineStruct('EAP', [{ f: 'bytes', name: 'data' }], 'eap-format');

function verifyEap(p: EapPayload): Problem | undefined {
  const d = p.data;
  if (d.length < 4) return problem('eap-format', `EAP message of ${d.length} bytes (header is 4)`);
  const length = (d[2]! << 8) | d[3]!;
  return length === d.length ? undefined : problem('eap-format', `EAP length field ${length}, ${d.length} bytes carried`);
}

export const EAP = definePayload({ type: 48, kind: 'eap', body: EAP_BODY, verify: verifyEap });
