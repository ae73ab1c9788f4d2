/**
 * Nonce payload (type 40, RFC 7296 §3.9).
 *
 * Body: the nonce data, nothing else.
 *
 * verify: 16 to 256 bytes inclusive (§3.9). (The further rule, at least half the PRF key size,
 * needs the negotiated PRF and belongs to the daemon.)
 */
import { NONCE_MAX, NONCE_MIN } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { NoncePayload } from '../types.js';
import { definePayload } from './spec.js';

export const NONCE_BODY = defineStruct('Nonce', [{ f: 'bytes', name: 'data' }], 'nonce-length');

function verifyNonce(p: NoncePayload): Problem | undefined {
  const n = p.data.length;
  return n >= NONCE_MIN && n <= NONCE_MAX ? undefined : problem('nonce-length', `nonce of ${n} bytes (must be ${NONCE_MIN}..${NONCE_MAX})`);
}

export const NONCE = definePayload({ type: 40, kind: 'nonce', body: NONCE_BODY, verify: verifyNonce });
