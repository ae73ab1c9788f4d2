/**
 * Encrypted Fragment payload, SKF (type 53, RFC 7383 §2.5), as carried (still sealed).
 *
 * Generic header: Next Payload is the first inner payload type in fragment 1 and 0 in every
 * other fragment; SKF is the last payload of its message.
 * Body:
 *   octets 0-1   fragment number (from 1)
 *   octets 2-3   total fragments
 *   the rest     IV ‖ encrypted (fragment content ‖ padding ‖ pad length) ‖ checksum, as in SK
 *                (the checksum and, for AEAD, the associated data cover these 4 octets too)
 *
 * verify: 1 ≤ number ≤ total, and only fragment 1 names an inner payload type.
 */
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { SkfPayload } from '../types.js';
import { definePayload } from './spec.js';

export const SKF_BODY = defineStruct(
  'SKF',
  [
    { f: 'u16', name: 'fragmentNumber' },
    { f: 'u16', name: 'totalFragments' },
    { f: 'bytes', name: 'encrypted' },
  ],
  'fragment-number',
);

function verifySkf(p: SkfPayload): Problem | undefined {
  if (p.fragmentNumber === 0 || p.totalFragments === 0 || p.fragmentNumber > p.totalFragments) {
    return problem('fragment-number', `fragment ${p.fragmentNumber} of ${p.totalFragments}`);
  }
  if (p.fragmentNumber > 1 && p.innerFirst !== 0) {
    return problem('fragment-number', `fragment ${p.fragmentNumber} names inner payload type ${p.innerFirst} (only fragment 1 may)`);
  }
  return undefined;
}

export const SKF = definePayload({ type: 53, kind: 'skf', body: SKF_BODY, terminal: true, verify: verifySkf });
