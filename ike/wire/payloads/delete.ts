/**
 * Delete payload (type 42, RFC 7296 §3.11).
 *
 * Body:
 *   octet 0      protocol id (1 IKE, 2 AH, 3 ESP)
 *   octet 1      SPI size (0 for IKE, 4 for AH/ESP)
 *   octets 2-3   number of SPIs
 *   SPIs         number × size octets
 *
 * verify: deleting the IKE SA names no SPI (it is the one of the header); deleting AH/ESP SAs
 * names at least one 4-byte SPI; no other protocol.
 */
import { ProtocolId } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { DeletePayload } from '../types.js';
import { definePayload } from './spec.js';

export const DELETE_BODY = defineStruct(
  'Delete',
  [
    { f: 'u8', name: 'protocol' },
    { f: 'itemSize', of: 'spis' },
    { f: 'count', of: 'spis', width: 2 },
    { f: 'chunks', name: 'spis' },
  ],
  'delete-format',
);

function verifyDelete(p: DeletePayload): Problem | undefined {
  const n = p.spis.length;
  if (p.protocol === ProtocolId.IKE) {
    return n === 0 ? undefined : problem('delete-format', `IKE SA delete names ${n} SPIs (the header already does)`);
  }
  if (p.protocol === ProtocolId.AH || p.protocol === ProtocolId.ESP) {
    if (n === 0) return problem('delete-format', 'AH/ESP delete without an SPI');
    if (p.spis[0]!.length !== 4) return problem('delete-format', `AH/ESP delete with ${p.spis[0]!.length}-byte SPIs`);
    return undefined;
  }
  return problem('delete-format', `delete for protocol ${p.protocol}`);
}

export const DELETE = definePayload({ type: 42, kind: 'delete', body: DELETE_BODY, verify: verifyDelete });
