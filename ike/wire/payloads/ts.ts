/**
 * Traffic Selector payloads, initiator (type 44) and responder (type 45) (RFC 7296 §3.13).
 *
 * Body:
 *   octet 0      number of traffic selectors
 *   octets 1-3   reserved
 *   selectors    back to back to the end of the payload
 * Each selector (§3.13.1):
 *   octet 0      TS type (7 IPv4 range, 8 IPv6 range)
 *   octet 1      IP protocol (0 = any)
 *   octets 2-3   selector length (this header and both addresses)
 *   octets 4-5   start port
 *   octets 6-7   end port
 *   start address, end address: the remaining bytes, split in two equal halves
 *
 * verify: an IPv4 range is 16 bytes long (4-byte addresses), an IPv6 range 40 (16-byte ones);
 * other types are left to the daemon (TS_UNACCEPTABLE is its answer). The selector count must
 * match the selectors present (checked by the codec).
 */
import { TsType } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { TsPayload } from '../types.js';
import { definePayload } from './spec.js';

export const SELECTOR_STRUCT = defineStruct(
  'traffic selector',
  [
    { f: 'u8', name: 'type' },
    { f: 'u8', name: 'protocol' },
    { f: 'length' },
    { f: 'u16', name: 'startPort' },
    { f: 'u16', name: 'endPort' },
    { f: 'bytes', name: 'start', half: true },
    { f: 'bytes', name: 'end' },
  ],
  'ts-format',
);

export const TS_BODY = defineStruct(
  'TS',
  [
    { f: 'count', of: 'selectors', width: 1 },
    { f: 'reserved', width: 3 },
    { f: 'list', name: 'selectors', item: SELECTOR_STRUCT },
  ],
  'ts-format',
);

function verifyTs(p: TsPayload): Problem | undefined {
  for (const s of p.selectors) {
    const want = s.type === TsType.IPV4_ADDR_RANGE ? 4 : s.type === TsType.IPV6_ADDR_RANGE ? 16 : -1;
    if (want >= 0 && s.start.length !== want) {
      return problem('ts-format', `TS type ${s.type} with ${s.start.length}-byte addresses, must be ${want}`);
    }
  }
  return undefined;
}

export const TSI = definePayload({ type: 44, kind: 'tsi', body: TS_BODY, verify: verifyTs });
export const TSR = definePayload({ type: 45, kind: 'tsr', body: TS_BODY, verify: verifyTs });
