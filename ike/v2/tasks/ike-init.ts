/**
 * IKE_SA_INIT (RFC 7296 §1.2), initiator side, with the INVALID_KE_PAYLOAD retry (§1.2) and the
 * COOKIE restart (§2.6):
 *
 *   HDR(SPIi, 0), [N(COOKIE),] SAi1, KEi, Ni, N(NAT_D_SRC), N(NAT_D_DST), N(FRAG_SUPPORTED)  -->
 *        <--  HDR(SPIi, SPIr), SAr1, KEr, Nr, N(NAT_D_SRC), N(NAT_D_DST), N(FRAG_SUPPORTED)
 *        <--  HDR(SPIi, 0), N(COOKIE)                    → same request, the cookie first
 *        <--  HDR(SPIi, 0), N(INVALID_KE_PAYLOAD, group) → same request, KE of that group
 *
 * The responder side (respondInit) picks the proposal, insists on a KE of the chosen group, and
 * returns the response payloads; the daemon owns the half-open table and the cookie threshold.
 */
import { dhPrivateKey, type DhGroupId } from '../../../crypto/dh.js';
import { decodeIkeProposal, selectProposal, type WireProposal } from '../../proposal.js';
import { TransformType } from '../../transforms.js';
import { ExchangeType, NotifyType } from '../../wire/constants.js';
import type { IkeMessage, Payload } from '../../wire/types.js';
import type { Core } from '../core.js';
import type { IkeSa } from '../ike-sa.js';
import { copy, find, findNotify, firstError, notify, notifyName } from '../payloads.js';
import type { Exchange, ExchangeOutcome } from '../task-manager.js';
import { NONCE_LENGTH } from '../timers.js';
import { cookieNotify, findCookie } from './cookie.js';
import { checkNatDetection, natDetectionNotifies } from './nat-detection.js';

const ZERO_SPI = new Uint8Array(8);

export function offeredGroups(offer: readonly WireProposal[]): number[] {
  const out: number[] = [];
  for (const p of offer) for (const t of p.transforms) if (t.type === TransformType.DH && !out.includes(t.id)) out.push(t.id);
  return out;
}

export class IkeInitExchange implements Exchange {
  readonly name = 'IKE_SA_INIT';
  readonly type = ExchangeType.IKE_SA_INIT;

  constructor(
    private readonly core: Core,
    private readonly sa: IkeSa,
  ) {}

  build(): Payload[] {
    const { sa, core } = this;
    if (!sa.dh) {
      const group = offeredGroups(sa.offer)[0] as DhGroupId;
      sa.dh = core.dh.create(group, dhPrivateKey(group, core.randomBytes));
    }
    if (sa.ni.length === 0) sa.ni = core.randomBytes(NONCE_LENGTH);
    const out: Payload[] = [];
    if (sa.cookie) out.push(cookieNotify(sa.cookie));
    out.push({ kind: 'sa', critical: false, proposals: sa.offer });
    out.push({ kind: 'ke', critical: false, group: sa.dh.group, data: sa.dh.publicValue });
    out.push({ kind: 'nonce', critical: false, data: sa.ni });
    if (sa.gateway.config.natTraversal) out.push(...natDetectionNotifies(sa.spiI, ZERO_SPI, sa.local, sa.remote));
    if (sa.gateway.config.fragmentation.enabled) out.push(notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
    return out;
  }

  /** The bytes of the request as sent (AUTH signs them): the task manager hands them back. */
  sent(packets: readonly Uint8Array[]): void {
    this.sa.initRequest = packets[0];
  }

  process(m: IkeMessage, payloads: readonly Payload[]): ExchangeOutcome {
    const { sa, core } = this;
    const cookie = findCookie(payloads);
    if (cookie) {
      if (sa.cookie && sa.cookieTries++ >= 3) return this.fail('peer keeps asking for a cookie');
      sa.cookie = copy(cookie);
      core.trace(`IKE SA ${sa.gateway.name}: peer ${sa.remote.address} asked for a cookie, retrying IKE_SA_INIT with it`);
      return 'again';
    }
    const invalidKe = findNotify(payloads, NotifyType.INVALID_KE_PAYLOAD);
    if (invalidKe) {
      const wanted = invalidKe.data.length === 2 ? (invalidKe.data[0]! << 8) | invalidKe.data[1]! : -1;
      if (!offeredGroups(sa.offer).includes(wanted) || wanted === sa.dh?.group || sa.keRetries++ >= 2) {
        return this.fail(`IKE SA negotiation failed: peer wants DH group ${wanted}, which our IKE proposals do not offer (ours: ${offeredGroups(sa.offer).map((g) => `group ${g}`).join(', ')})`);
      }
      core.trace(`IKE SA ${sa.gateway.name}: peer wants DH group ${wanted} (INVALID_KE_PAYLOAD), retrying`);
      sa.dh = core.dh.create(wanted as DhGroupId, dhPrivateKey(wanted as DhGroupId, core.randomBytes));
      return 'again';
    }
    const err = firstError(payloads);
    if (err) {
      const why = err.notifyType === NotifyType.NO_PROPOSAL_CHOSEN ? 'peer accepted none of our IKE proposals (NO_PROPOSAL_CHOSEN)' : `peer answered ${notifyName(err.notifyType)}`;
      return this.fail(`IKE SA negotiation failed: ${why}`);
    }
    const saP = find(payloads, 'sa');
    const ke = find(payloads, 'ke');
    const nonce = find(payloads, 'nonce');
    if (!saP || !ke || !nonce) return this.fail('IKE SA negotiation failed: IKE_SA_INIT response without SA, KE or nonce');
    const sel = selectProposal(sa.offer, saP.proposals, 'initiator');
    if (!sel.ok) return this.fail(`IKE SA negotiation failed: ${sel.reason}`);
    const neg = decodeIkeProposal(sel.proposal);
    if (!neg.ok) return this.fail(`IKE SA negotiation failed: ${neg.reason}`);
    if (ke.group !== neg.value.dhGroup.id || ke.group !== sa.dh!.group) return this.fail(`IKE SA negotiation failed: peer's KE is group ${ke.group}, the chosen proposal says group ${neg.value.dhGroup.id}`);
    const gir = sa.dh!.computeShared(ke.data);
    if (!gir) return this.fail('IKE SA negotiation failed: invalid KE value from peer');
    sa.chosen = { ...sel.proposal, spi: new Uint8Array(0), transforms: sel.proposal.transforms.map((t) => ({ ...t })) };
    sa.negotiated = neg.value;
    sa.spiR = copy(m.header.spiR);
    sa.nr = copy(nonce.data);
    sa.initResponse = copy(m.bytes);
    if (sa.gateway.config.natTraversal) {
      const nat = checkNatDetection(payloads, sa.spiI, sa.spiR, sa.local, sa.remote);
      if (nat) {
        sa.natLocal = nat.local;
        sa.natRemote = nat.remote;
      }
    }
    sa.peerFragmentation = findNotify(payloads, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED) !== undefined;
    sa.deriveKeys(core.engine, gir, core.ivSource);
    core.keyed(sa);
    return 'done';
  }

  private fail(reason: string): ExchangeOutcome {
    this.core.ikeFailed(this.sa, reason, false);
    return 'done';
  }

  timeout(): void {
    this.core.ikeFailed(this.sa, 'No response from peer. Negotiation failed', false);
  }
}

export type InitAnswer =
  | { readonly ok: true; readonly chosen: WireProposal; readonly gir: Uint8Array }
  | { readonly ok: false; readonly payloads: Payload[]; readonly reason: string | null };

/**
 * The responder's decision on an IKE_SA_INIT request for `sa` (offer = our proposals): the
 * proposal and g^ir, or the error notify to answer with (and the plain line, null for the
 * INVALID_KE_PAYLOAD round trip, which is not a failure).
 */
export function respondInit(core: Core, sa: IkeSa, payloads: readonly Payload[]): InitAnswer {
  const saP = find(payloads, 'sa')!;
  const ke = find(payloads, 'ke')!;
  const nonce = find(payloads, 'nonce')!;
  const sel = selectProposal(sa.offer, saP.proposals, 'responder');
  if (!sel.ok) return { ok: false, payloads: [notify(NotifyType.NO_PROPOSAL_CHOSEN)], reason: `IKE SA negotiation failed: ${sel.reason}` };
  const neg = decodeIkeProposal(sel.proposal);
  if (!neg.ok) return { ok: false, payloads: [notify(NotifyType.NO_PROPOSAL_CHOSEN)], reason: `IKE SA negotiation failed: ${neg.reason}` };
  const group = neg.value.dhGroup.id;
  if (ke.group !== group) {
    return { ok: false, payloads: [notify(NotifyType.INVALID_KE_PAYLOAD, Uint8Array.of(group >>> 8, group & 0xff))], reason: null };
  }
  sa.dh = core.dh.create(group as DhGroupId, dhPrivateKey(group as DhGroupId, core.randomBytes));
  const gir = sa.dh.computeShared(ke.data);
  if (!gir) return { ok: false, payloads: [notify(NotifyType.INVALID_SYNTAX)], reason: 'IKE SA negotiation failed: invalid KE value from peer' };
  sa.negotiated = neg.value;
  sa.chosen = { ...sel.proposal, spi: new Uint8Array(0) };
  sa.ni = copy(nonce.data);
  sa.nr = core.randomBytes(NONCE_LENGTH);
  return { ok: true, chosen: sa.chosen, gir };
}

/** The responder's IKE_SA_INIT response payloads once `respondInit` succeeded. */
export function initResponsePayloads(sa: IkeSa, request: readonly Payload[]): Payload[] {
  const out: Payload[] = [
    { kind: 'sa', critical: false, proposals: [sa.chosen!] },
    { kind: 'ke', critical: false, group: sa.dh!.group, data: sa.dh!.publicValue },
    { kind: 'nonce', critical: false, data: sa.nr },
  ];
  const theyNat = request.some((p) => p.kind === 'notify' && p.notifyType === NotifyType.NAT_DETECTION_SOURCE_IP);
  if (sa.gateway.config.natTraversal && theyNat) out.push(...natDetectionNotifies(sa.spiI, sa.spiR, sa.local, sa.remote));
  if (sa.gateway.config.fragmentation.enabled && sa.peerFragmentation) out.push(notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
  return out;
}
