/**
 * Identification payloads, initiator (type 35) and responder (type 36) (RFC 7296 §3.5). Both
 * share one layout, so one table serves both kinds.
 *
 * Body:
 *   octet 0      ID type (1 IPv4, 2 FQDN, 3 RFC 822 address, 5 IPv6, 9 DER DN, 10 DER GN,
 *                11 key id, 12 FC name, 13 NULL)
 *   octets 1-3   reserved (the whole first word is hashed into AUTH, so they stay as sent)
 *   the rest     identification data
 *
 * verify: an IPv4 identity is 4 bytes, an IPv6 one 16, ID_NULL (RFC 7619 §3) is empty, and
 * every other type carries at least one byte.
 */
import { IdType } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { IdPayload } from '../types.js';
import { definePayload } from './spec.js';

export const ID_BODY = defineStruct(
  'ID',
  [
    { f: 'u8', name: 'idType' },
    { f: 'reserved', width: 3 },
    { f: 'bytes', name: 'data' },
  ],
  'id-format',
);

function verifyId(p: IdPayload): Problem | undefined {
  const n = p.data.length;
  switch (p.idType) {
    case IdType.IPV4_ADDR:
      return n === 4 ? undefined : problem('id-format', `ID_IPV4_ADDR of ${n} bytes`);
    case IdType.IPV6_ADDR:
      return n === 16 ? undefined : problem('id-format', `ID_IPV6_ADDR of ${n} bytes`);
    case IdType.NULL:
      return n === 0 ? undefined : problem('id-format', `ID_NULL with ${n} bytes of data`);
    default:
      return n > 0 ? undefined : problem('id-format', `ID type ${p.idType} without data`);
  }
}

export const IDI = definePayload({ type: 35, kind: 'idi', body: ID_BODY, verify: verifyId });
export const IDR = definePayload({ type: 36, kind: 'idr', body: ID_BODY, verify: verifyId });
