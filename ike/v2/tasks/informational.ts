/**
 * INFORMATIONAL exchanges (RFC 7296 §1.4): Delete of CHILD SAs or of the IKE SA, and the empty
 * request of dead peer detection (§2.4 liveness check):
 *
 *   HDR, SK {D(ESP, our inbound SPIs)}  -->   <--  HDR, SK {D(ESP, the peer's inbound SPIs)}
 *   HDR, SK {D(IKE)}                    -->   <--  HDR, SK {}
 *   HDR, SK {}                          -->   <--  HDR, SK {}
 *
 * `answerInformational` is the responder side: it deletes what the peer names and returns the
 * response payloads (the Delete of our half of each pair, §1.4.1).
 */
import { ExchangeType, ProtocolId } from '../../wire/constants.js';
import type { DeletePayload, IkeMessage, Payload } from '../../wire/types.js';
import type { Core } from '../core.js';
import type { ChildSa, IkeSa } from '../ike-sa.js';
import { spiBytes, u32 } from '../payloads.js';
import type { Exchange, ExchangeOutcome } from '../task-manager.js';

export class DeleteExchange implements Exchange {
  readonly name: string;
  readonly type = ExchangeType.INFORMATIONAL;

  constructor(
    readonly sa: IkeSa,
    private readonly children: readonly ChildSa[] | 'ike',
    private readonly done: () => void,
  ) {
    this.name = children === 'ike' ? 'IKE SA delete' : 'CHILD SA delete';
  }

  build(): Payload[] {
    if (this.children === 'ike') return [{ kind: 'delete', critical: false, protocol: ProtocolId.IKE, spis: [] }];
    const esp = this.children.filter((c) => c.negotiated.protocol === 'esp').map((c) => spiBytes(c.inboundSpi));
    const ah = this.children.filter((c) => c.negotiated.protocol === 'ah').map((c) => spiBytes(c.inboundSpi));
    const out: DeletePayload[] = [];
    if (esp.length > 0) out.push({ kind: 'delete', critical: false, protocol: ProtocolId.ESP, spis: esp });
    if (ah.length > 0) out.push({ kind: 'delete', critical: false, protocol: ProtocolId.AH, spis: ah });
    return out;
  }

  process(): ExchangeOutcome {
    this.done();
    return 'done';
  }

  timeout(): void {
    this.done();
  }
}

/** Dead peer detection: an empty INFORMATIONAL request; no answer means the peer is gone. */
export class DpdExchange implements Exchange {
  readonly name = 'DPD';
  readonly type = ExchangeType.INFORMATIONAL;

  /** Junos DPD: `threshold` probes `interval` seconds apart before the peer is declared dead. */
  constructor(
    private readonly core: Core,
    private readonly sa: IkeSa,
    readonly retransmitInterval?: number,
    readonly retransmitLimit?: number,
  ) {}

  build(): Payload[] {
    return [];
  }

  process(_m: IkeMessage): ExchangeOutcome {
    this.sa.lastHeard = this.core.clock.now();
    return 'done';
  }

  timeout(): void {
    this.core.ikeFailed(this.sa, 'DPD detected peer as down', false);
  }
}

/** Answer an INFORMATIONAL request: deletes, and the liveness check (empty). */
export function answerInformational(core: Core, sa: IkeSa, payloads: readonly Payload[]): { readonly response: Payload[]; readonly deleteIke: boolean } {
  let deleteIke = false;
  const esp: Uint8Array[] = [];
  const ah: Uint8Array[] = [];
  for (const p of payloads) {
    if (p.kind !== 'delete') continue;
    if (p.protocol === ProtocolId.IKE) {
      deleteIke = true;
      continue;
    }
    for (const s of p.spis) {
      if (s.length !== 4) continue;
      const spi = u32(s);
      const child = sa.children.find((c) => c.outboundSpi === spi && c.state !== 'deleted');
      if (!child) continue;
      (child.negotiated.protocol === 'esp' ? esp : ah).push(spiBytes(child.inboundSpi));
      core.childDeletedByPeer(sa, child);
    }
  }
  if (deleteIke) return { response: [], deleteIke };
  const response: Payload[] = [];
  if (esp.length > 0) response.push({ kind: 'delete', critical: false, protocol: ProtocolId.ESP, spis: esp });
  if (ah.length > 0) response.push({ kind: 'delete', critical: false, protocol: ProtocolId.AH, spis: ah });
  return { response, deleteIke };
}
