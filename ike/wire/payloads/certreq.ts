/**
 * Certificate Request payload (type 38, RFC 7296 §3.7).
 *
 * Body:
 *   octet 0      certificate encoding wanted
 *   the rest     certification authority: for X.509 (4) a list of 20-byte SHA-1 hashes of the
 *                trusted CAs' public keys, possibly empty
 *
 * verify: for encoding 4 the data is a whole number of 20-byte hashes.
 */
import { CertEncoding } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { CertreqPayload } from '../types.js';
import { definePayload } from './spec.js';

export const CERTREQ_BODY = defineStruct(
  'CERTREQ',
  [
    { f: 'u8', name: 'encoding' },
    { f: 'bytes', name: 'data' },
  ],
  'cert-format',
);

function verifyCertreq(p: CertreqPayload): Problem | undefined {
  if (p.encoding === CertEncoding.X509_SIGNATURE && p.data.length % 20 !== 0) {
    return problem('cert-format', `X.509 CERTREQ of ${p.data.length} bytes is not a list of 20-byte hashes`);
  }
  return undefined;
}

export const CERTREQ = definePayload({ type: 38, kind: 'certreq', body: CERTREQ_BODY, verify: verifyCertreq });
