/**
 * Key Exchange payload (type 34, RFC 7296 §3.4).
 *
 * Body:
 *   octets 0-1   Diffie-Hellman group number
 *   octets 2-3   reserved
 *   the rest     key exchange data: for MODP groups exactly as long as the prime (zero-padded on
 *                the left), for ECP groups x ‖ y (RFC 5903 §7), for Curve25519/448 the raw
 *                public value (RFC 8031 §2).
 *
 * verify: the data length of every group listed in DH_KE_LENGTH must be exact (a group that is
 * not listed is left to the daemon, which answers INVALID_KE_PAYLOAD if it does not speak it).
 */
import { DH_KE_LENGTH } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { KePayload } from '../types.js';
import { definePayload } from './spec.js';

export const KE_BODY = defineStruct(
  'KE',
  [
    { f: 'u16', name: 'group' },
    { f: 'reserved', width: 2 },
    { f: 'bytes', name: 'data' },
  ],
  'ke-length',
);

function verifyKe(p: KePayload): Problem | undefined {
  if (p.group === 0) return problem('ke-length', 'KE payload for group 0 (NONE)');
  const want = DH_KE_LENGTH[p.group];
  if (want !== undefined && p.data.length !== want) {
    return problem('ke-length', `group ${p.group} KE data is ${p.data.length} bytes, must be ${want}`);
  }
  if (p.data.length === 0) return problem('ke-length', `group ${p.group} KE data is empty`);
  return undefined;
}

export const KE = definePayload({ type: 34, kind: 'ke', body: KE_BODY, verify: verifyKe });
