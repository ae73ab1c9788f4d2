/**
 * Rekeying the IKE SA with CREATE_CHILD_SA (RFC 7296 §1.3.2, §2.18):
 *
 *   HDR(old SPIs), SK {SA(IKE, SPI = new SPIi), Ni, KEi}  -->
 *                     <--  HDR(old SPIs), SK {SA(IKE, SPI = new SPIr), Nr, KEr}
 *   HDR(old SPIs), SK {D(IKE)}                            -->   (the old SA goes)
 *
 * SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr); the new SA's SK_* come from it with the new
 * nonces and SPIs (crypto/ike-keys.ts). The CHILD SAs move to the new IKE SA; whoever started
 * the rekey deletes the old one.
 */
import { dhPrivateKey, type DhExchange, type DhGroupId } from '../../../crypto/dh.js';
import { buildIkePolicyOffer, decodeIkeProposal, selectProposal, type WireProposal } from '../../proposal.js';
import { ExchangeType, NotifyType, ProtocolId } from '../../wire/constants.js';
import type { IkeMessage, Payload } from '../../wire/types.js';
import type { Core } from '../core.js';
import type { IkeSa } from '../ike-sa.js';
import { copy, find, firstError, notify, notifyName } from '../payloads.js';
import type { Exchange, ExchangeOutcome } from '../task-manager.js';
import { NONCE_LENGTH } from '../timers.js';

/** Hand the old SA's state over to the new one (same peer, same children, same identity). */
export function adopt(next: IkeSa, old: IkeSa, now: number, lifetimeMs: number): void {
  next.peerId = old.peerId;
  next.natLocal = old.natLocal;
  next.natRemote = old.natRemote;
  next.peerFragmentation = old.peerFragmentation;
  next.initRequest = old.initRequest;
  next.initResponse = old.initResponse;
  next.children = old.children;
  for (const c of next.children) c.ikeSa = next;
  old.children = [];
  next.childrenCreated = old.childrenCreated;
  next.childrenDeleted = old.childrenDeleted;
  next.establishedAt = now;
  next.expiresAt = now + lifetimeMs;
  next.lastHeard = now;
  // `next` was born established (ike-sa-machine.ts); the old SA is now only waiting for its Delete.
  old.signal({ type: 'REKEY_DONE' });
}

export class IkeRekeyExchange implements Exchange {
  readonly name = 'IKE SA rekey';
  readonly type = ExchangeType.CREATE_CHILD_SA;
  private spi: Uint8Array = new Uint8Array(8);
  private offer: WireProposal[] = [];
  private ni: Uint8Array = new Uint8Array(0);
  private dh: DhExchange | undefined;

  constructor(
    private readonly core: Core,
    private readonly sa: IkeSa,
    private readonly newSpi: () => Uint8Array,
    private readonly done: (next: IkeSa | null, reason: string | null) => void,
  ) {}

  build(): Payload[] {
    const { core, sa } = this;
    this.spi = this.newSpi();
    const o = buildIkePolicyOffer(sa.gateway.policy, this.spi);
    this.offer = o.ok ? [...o.value.proposals] : [];
    this.ni = core.randomBytes(NONCE_LENGTH);
    const group = sa.negotiated!.dhGroup.id as DhGroupId;
    this.dh = core.dh.create(group, dhPrivateKey(group, core.randomBytes));
    return [
      { kind: 'sa', critical: false, proposals: this.offer },
      { kind: 'nonce', critical: false, data: this.ni },
      { kind: 'ke', critical: false, group, data: this.dh.publicValue },
    ];
  }

  process(_m: IkeMessage, payloads: readonly Payload[]): ExchangeOutcome {
    const { sa, core } = this;
    const err = firstError(payloads);
    if (err) return this.fail(`IKE SA rekey failed: peer answered ${notifyName(err.notifyType)}`);
    const saP = find(payloads, 'sa');
    const ke = find(payloads, 'ke');
    const nonce = find(payloads, 'nonce');
    if (!saP || !ke || !nonce) return this.fail('IKE SA rekey failed: response without SA, KE or nonce');
    const sel = selectProposal(this.offer, saP.proposals, 'initiator');
    if (!sel.ok) return this.fail(`IKE SA rekey failed: ${sel.reason}`);
    const neg = decodeIkeProposal(sel.proposal);
    if (!neg.ok) return this.fail(`IKE SA rekey failed: ${neg.reason}`);
    if (sel.proposal.spi.length !== 8 || ke.group !== this.dh!.group) return this.fail('IKE SA rekey failed: bad SPI or KE group in the response');
    const gir = this.dh!.computeShared(ke.data);
    if (!gir) return this.fail('IKE SA rekey failed: invalid KE value from peer');
    const next = core.newRekeyedSa(sa, 'initiator', this.spi, copy(sel.proposal.spi));
    next.spiR = copy(sel.proposal.spi);
    next.chosen = { ...sel.proposal, spi: new Uint8Array(0) };
    next.negotiated = neg.value;
    next.offer = this.offer;
    next.ni = this.ni;
    next.nr = copy(nonce.data);
    next.deriveKeys(core.engine, gir, core.ivSource, sa);
    this.done(next, null);
    return 'done';
  }

  private fail(reason: string): ExchangeOutcome {
    this.done(null, reason);
    return 'done';
  }

  timeout(): void {
    this.core.ikeFailed(this.sa, 'No response from peer. Negotiation failed', false);
  }
}

/** The responder's side: the new SA and the response payloads, or the error notify. */
export function answerIkeRekey(core: Core, sa: IkeSa, payloads: readonly Payload[], newSpi: () => Uint8Array): { next: IkeSa; response: Payload[] } | { next: null; response: Payload[]; reason: string } {
  const saP = find(payloads, 'sa')!;
  const ke = find(payloads, 'ke');
  const nonce = find(payloads, 'nonce');
  if (!ke || !nonce) return { next: null, response: [notify(NotifyType.INVALID_SYNTAX)], reason: 'IKE SA rekey request without KE or nonce' };
  const o = buildIkePolicyOffer(sa.gateway.policy);
  if (!o.ok) return { next: null, response: [notify(NotifyType.NO_PROPOSAL_CHOSEN)], reason: o.reason };
  const sel = selectProposal(o.value.proposals, saP.proposals, 'responder');
  if (!sel.ok) return { next: null, response: [notify(NotifyType.NO_PROPOSAL_CHOSEN)], reason: `IKE SA rekey refused: ${sel.reason}` };
  const neg = decodeIkeProposal(sel.proposal);
  if (!neg.ok || sel.proposal.spi.length !== 8 || sel.proposal.protocol !== ProtocolId.IKE) return { next: null, response: [notify(NotifyType.NO_PROPOSAL_CHOSEN)], reason: `IKE SA rekey refused: ${neg.ok ? 'bad SPI' : neg.reason}` };
  const group = neg.value.dhGroup.id as DhGroupId;
  if (ke.group !== group) return { next: null, response: [notify(NotifyType.INVALID_KE_PAYLOAD, Uint8Array.of(group >>> 8, group & 0xff))], reason: `IKE SA rekey: peer's KE is group ${ke.group}, we want ${group}` };
  const dh = core.dh.create(group, dhPrivateKey(group, core.randomBytes));
  const gir = dh.computeShared(ke.data);
  if (!gir) return { next: null, response: [notify(NotifyType.INVALID_SYNTAX)], reason: 'IKE SA rekey: invalid KE value from peer' };
  const spiR = newSpi();
  const next = core.newRekeyedSa(sa, 'responder', copy(sel.proposal.spi), spiR);
  next.spiR = spiR;
  next.chosen = { ...sel.proposal, spi: new Uint8Array(0) };
  next.negotiated = neg.value;
  next.ni = copy(nonce.data);
  next.nr = core.randomBytes(NONCE_LENGTH);
  next.deriveKeys(core.engine, gir, core.ivSource, sa);
  return {
    next,
    response: [
      { kind: 'sa', critical: false, proposals: [{ ...sel.proposal, spi: spiR }] },
      { kind: 'nonce', critical: false, data: next.nr },
      { kind: 'ke', critical: false, group, data: dh.publicValue },
    ],
  };
}
