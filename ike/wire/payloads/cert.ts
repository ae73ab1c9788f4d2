/**
 * Certificate payload (type 37, RFC 7296 §3.6).
 *
 * Body:
 *   octet 0      certificate encoding (4 X.509 signature, 12 hash and URL of X.509, …)
 *   the rest     certificate data (for 4, a DER certificate)
 *
 * verify: the data is not empty; a hash-and-URL entry (12, 13) starts with a 20-byte SHA-1 hash
 * followed by the URL, so it is longer than 20 bytes (§3.6).
 */
import { CertEncoding } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { CertPayload } from '../types.js';
import { definePayload } from './spec.js';

export const CERT_BODY = defineStruct(
  'CERT',
  [
    { f: 'u8', name: 'encoding' },
    { f: 'bytes', name: 'data' },
  ],
  'cert-format',
);

function verifyCert(p: CertPayload): Problem | undefined {
  if (p.data.length === 0) return problem('cert-format', `CERT (encoding ${p.encoding}) without data`);
  if ((p.encoding === CertEncoding.HASH_URL_X509_CERT || p.encoding === CertEncoding.HASH_URL_X509_BUNDLE) && p.data.length <= 20) {
    return problem('cert-format', `hash-and-URL CERT of ${p.data.length} bytes (20-byte hash, then the URL)`);
  }
  return undefined;
}

export const CERT = definePayload({ type: 37, kind: 'cert', body: CERT_BODY, verify: verifyCert });
