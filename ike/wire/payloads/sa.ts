/**
 * Security Association payload (type 33, RFC 7296 §3.3).
 *
 * Body: proposals back to back until the payload ends. Each proposal:
 *   octet 0      last-substructure flag: 2 while more proposals follow, 0 on the last one
 *   octet 1      reserved
 *   octets 2-3   proposal length (this header, SPI and transforms)
 *   octet 4      proposal number (the first is 1, each next one is one more)
 *   octet 5      protocol id (1 IKE, 2 AH, 3 ESP)
 *   octet 6      SPI size
 *   octet 7      number of transforms
 *   SPI          (SPI size octets), then the transforms
 * Each transform:
 *   octet 0      last-substructure flag: 3 while more transforms follow, 0 on the last one
 *   octet 1      reserved
 *   octets 2-3   transform length (header and attributes)
 *   octet 4      transform type (1 ENCR, 2 PRF, 3 INTEG, 4 DH, 5 ESN)
 *   octet 5      reserved
 *   octets 6-7   transform id
 *   attributes   to the end: AF bit + 15-bit type, then either a 2-byte value (AF=1, TV) or a
 *                2-byte length and that many bytes (AF=0, TLV). Key Length (14) is TV only.
 */
import { ExchangeType, ProtocolId } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { SaPayload } from '../types.js';
import { definePayload, type VerifyContext } from './spec.js';

export const TRANSFORM_STRUCT = defineStruct(
  'transform',
  [
    { f: 'last', more: 3 },
    { f: 'reserved', width: 1 },
    { f: 'length' },
    { f: 'u8', name: 'type' },
    { f: 'reserved', width: 1 },
    { f: 'u16', name: 'id' },
    { f: 'attributes', keyLength: 'keyLength', others: 'otherAttributes' },
  ],
  'transform-length',
);

export const PROPOSAL_STRUCT = defineStruct('proposal', [
  { f: 'last', more: 2 },
  { f: 'reserved', width: 1 },
  { f: 'length' },
  { f: 'u8', name: 'number' },
  { f: 'u8', name: 'protocol' },
  { f: 'size', of: 'spi', width: 1 },
  { f: 'count', of: 'transforms', width: 1 },
  { f: 'bytes', name: 'spi' },
  { f: 'list', name: 'transforms', item: TRANSFORM_STRUCT },
]);

export const SA_BODY = defineStruct('SA', [{ f: 'list', name: 'proposals', item: PROPOSAL_STRUCT }]);

function verifySa(p: SaPayload, ctx: VerifyContext): Problem | undefined {
  const n = p.proposals.length;
  if (n === 0) return problem('substructure', 'SA payload without a proposal');
  if (ctx.response) {
    // §3.3: the responder returns the one proposal it accepted, under that proposal's number.
    if (n !== 1) return problem('proposal-numbering', `SA in a response carries ${n} proposals, not 1`);
    if (p.proposals[0]!.number === 0) return problem('proposal-numbering', 'proposal number 0');
  } else {
    for (let i = 0; i < n; i++) {
      const num = p.proposals[i]!.number;
      if (num !== i + 1) return problem('proposal-numbering', `proposal ${i + 1} is numbered ${num} (must start at 1 and go up by one)`);
    }
  }
  for (const pr of p.proposals) {
    const size = pr.spi.length;
    if (pr.protocol === ProtocolId.IKE) {
      // §3.3.1: empty in IKE_SA_INIT, the new 8-byte SPI when rekeying the IKE SA.
      const want = ctx.exchange === ExchangeType.IKE_SA_INIT ? 0 : ctx.exchange === ExchangeType.CREATE_CHILD_SA ? 8 : -1;
      if (want >= 0 ? size !== want : size !== 0 && size !== 8) {
        return problem('spi-size', `IKE proposal ${pr.number} has a ${size}-byte SPI`);
      }
    } else if (pr.protocol === ProtocolId.AH || pr.protocol === ProtocolId.ESP) {
      if (size !== 4) return problem('spi-size', `${pr.protocol === ProtocolId.AH ? 'AH' : 'ESP'} proposal ${pr.number} has a ${size}-byte SPI, not 4`);
    }
    for (const t of pr.transforms) {
      if (t.keyLength === 0) return problem('attribute-format', `transform ${t.type}/${t.id}: key length 0`);
    }
  }
  return undefined;
}

export const SA = definePayload({ type: 33, kind: 'sa', body: SA_BODY, verify: verifySa });
