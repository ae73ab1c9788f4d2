/**
 * Configuration payload (type 47, RFC 7296 §3.15).
 *
 * Body:
 *   octet 0      CFG type (1 request, 2 reply, 3 set, 4 ack)
 *   octets 1-3   reserved
 *   attributes   back to back to the end of the payload
 * Each attribute (§3.15.1):
 *   octets 0-1   reserved bit, then the 15-bit attribute type
 *   octets 2-3   value length
 *   value        (length octets; an empty value asks for one)
 *
 * verify: the CFG type is one of the four.
 */
import { CfgType } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { CpPayload } from '../types.js';
import { definePayload } from './spec.js';

export const CP_ATTRIBUTE_STRUCT = defineStruct(
  'configuration attribute',
  [
    { f: 'u16', name: 'type', mask: 0x7fff },
    { f: 'size', of: 'value', width: 2 },
    { f: 'bytes', name: 'value' },
  ],
  'cp-format',
);

export const CP_BODY = defineStruct(
  'CP',
  [
    { f: 'u8', name: 'cfgType' },
    { f: 'reserved', width: 3 },
    { f: 'list', name: 'attributes', item: CP_ATTRIBUTE_STRUCT },
  ],
  'cp-format',
);

function verifyCp(p: CpPayload): Problem | undefined {
  return p.cfgType >= CfgType.REQUEST && p.cfgType <= CfgType.ACK ? undefined : problem('cp-format', `CFG type ${p.cfgType}`);
}

export const CP = definePayload({ type: 47, kind: 'cp', body: CP_BODY, verify: verifyCp });
