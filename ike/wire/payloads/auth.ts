/**
 * Authentication payload (type 39, RFC 7296 §3.8).
 *
 * Body:
 *   octet 0      auth method (1 RSA, 2 shared key MIC, 3 DSS, 9/10/11 ECDSA, 13 NULL,
 *                14 digital signature)
 *   octets 1-3   reserved
 *   the rest     authentication data
 *
 * verify: data present; the RFC 4754 ECDSA methods carry r ‖ s of a fixed size (64, 96 or 132
 * bytes); method 14 (RFC 7427 §3) starts with a one-octet length of the ASN.1 AlgorithmIdentifier
 * that follows, and a signature comes after it.
 */
import { AuthMethod, ECDSA_SIGNATURE_LENGTH } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { AuthPayload } from '../types.js';
import { definePayload } from './spec.js';

export const AUTH_BODY = defineStruct(
  'AUTH',
  [
    { f: 'u8', name: 'method' },
    { f: 'reserved', width: 3 },
    { f: 'bytes', name: 'data' },
  ],
  'auth-format',
);

function verifyAuth(p: AuthPayload): Problem | undefined {
  const n = p.data.length;
  if (n === 0) return problem('auth-format', `AUTH (method ${p.method}) without data`);
  const ecdsa = ECDSA_SIGNATURE_LENGTH[p.method];
  if (ecdsa !== undefined && n !== ecdsa) return problem('auth-format', `ECDSA AUTH method ${p.method} of ${n} bytes, must be ${ecdsa}`);
  if (p.method === AuthMethod.DIGITAL_SIGNATURE) {
    const algLength = p.data[0]!;
    if (algLength === 0 || 1 + algLength >= n) {
      return problem('auth-format', `digital-signature AUTH: AlgorithmIdentifier of ${algLength} bytes in ${n} bytes of data`);
    }
  }
  return undefined;
}

export const AUTH = definePayload({ type: 39, kind: 'auth', body: AUTH_BODY, verify: verifyAuth });
