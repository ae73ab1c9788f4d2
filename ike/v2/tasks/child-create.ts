/**
 * CHILD SA creation (RFC 7296 §1.3, §2.9, §2.17): our offer from the VPN's IPsec policy, the
 * responder's choice (proposal + narrowed selectors, one plain line when nothing matches), the
 * initiator's check of that choice, KEYMAT and the install through the kernel port. Used by
 * IKE_AUTH (first CHILD SA, no D-H: the PFS group is stripped there, as RFC 7296 §1.2 lets the
 * first CHILD SA ride on the IKE SA's keys) and by CREATE_CHILD_SA (further selectors, rekeys).
 */
import { dhPrivateKey, type DhExchange, type DhGroupId } from '../../../crypto/dh.js';
import { deriveChildSaKeys } from '../../../crypto/ike-keys.js';
import type { ChildSaInstall } from '../../ports.js';
import { buildIpsecPolicyOffer, decodeChildProposal, selectProposal, type NegotiatedChild, type WireProposal } from '../../proposal.js';
import { checkNarrowed, narrowAsResponder, selectorText, type SelectorPair } from '../../traffic-selector.js';
import { TransformType } from '../../transforms.js';
import { ExchangeType, NotifyType, ProtocolId, TsType } from '../../wire/constants.js';
import type { IkeMessage, Payload, TsPayload, WireTrafficSelector } from '../../wire/types.js';
import type { Core } from '../core.js';
import type { ChildSa, IkeSa, TunnelRec } from '../ike-sa.js';
import { find, findNotify, firstError, notify, notifyName, spiBytes, u32 } from '../payloads.js';
import type { Exchange, ExchangeOutcome } from '../task-manager.js';
import { NONCE_LENGTH, SOFT_LIFETIME_FRACTION, SOFT_LIFETIME_JITTER } from '../timers.js';

export function stripDh(proposals: readonly WireProposal[]): WireProposal[] {
  return proposals.map((p) => ({ ...p, transforms: p.transforms.filter((t) => t.type !== TransformType.DH) }));
}

/** Our proposals for a tunnel with our inbound SPI; DH stripped in IKE_AUTH. */
export function childOffer(tunnel: TunnelRec, spi: number, withDh: boolean): { ok: true; proposals: WireProposal[] } | { ok: false; reason: string } {
  const o = buildIpsecPolicyOffer(tunnel.ipsecPolicy, spiBytes(spi));
  if (!o.ok) return { ok: false, reason: o.reason };
  return { ok: true, proposals: withDh ? [...o.value.proposals] : stripDh(o.value.proposals) };
}

export function pfsGroupOf(tunnel: TunnelRec): DhGroupId | undefined {
  const g = tunnel.ipsecPolicy.pfsGroup;
  return g === undefined ? undefined : (Number(g.slice(5)) as DhGroupId);
}

export function tsPayloads(pair: SelectorPair): [TsPayload, TsPayload] {
  return [
    { kind: 'tsi', critical: false, selectors: pair.local as WireTrafficSelector[] },
    { kind: 'tsr', critical: false, selectors: pair.remote as WireTrafficSelector[] },
  ];
}

export function protocolOf(tunnel: TunnelRec): 'esp' | 'ah' {
  return tunnel.ipsecPolicy.proposals[0]?.protocol ?? 'esp';
}

export interface ChildKeyInput {
  readonly sa: IkeSa;
  readonly tunnel: TunnelRec;
  readonly negotiated: NegotiatedChild;
  readonly inboundSpi: number;
  /** The peer's SPI (our outbound). */
  readonly outboundSpi: number;
  readonly ni: Uint8Array;
  readonly nr: Uint8Array;
  readonly gir: Uint8Array | null;
  /** We initiated this exchange (so our outbound is the initiator→responder SA). */
  readonly initiatorOfExchange: boolean;
  readonly local: readonly WireTrafficSelector[];
  readonly remote: readonly WireTrafficSelector[];
}

/** KEYMAT, the install record and the ChildSa, installed through the kernel (resolves to the child, or the reason). */
export async function installChild(core: Core, k: ChildKeyInput): Promise<ChildSa | string> {
  const { sa, tunnel, negotiated: n } = k;
  const keys = deriveChildSaKeys(sa.prf!, sa.keys!.skD, k.ni, k.nr, { encr: n.encryptionKeyLength, integ: n.integrityKeyLength }, k.gir);
  const out = k.initiatorOfExchange ? keys.initiatorToResponder : keys.responderToInitiator;
  const inn = k.initiatorOfExchange ? keys.responderToInitiator : keys.initiatorToResponder;
  const udp = sa.nat ? { localPort: sa.local.port, remotePort: sa.remote.port } : null;
  const localSelector = k.local.map(selectorText).join(', ');
  const remoteSelector = k.remote.map(selectorText).join(', ');
  const install: ChildSaInstall = {
    tunnelId: tunnel.id,
    vpn: tunnel.vpn.name,
    gateway: sa.gateway.name,
    gatewayKind: sa.gateway.dynamic ? 'dynamic' : 'site-to-site',
    ...(tunnel.vpn.bindInterface !== undefined ? { bindInterface: tunnel.vpn.bindInterface } : {}),
    selector: tunnel.selector,
    protocol: n.protocol,
    encryption: n.encryption ?? null,
    authentication: n.authentication ?? null,
    esn: n.esn,
    inbound: { spi: k.inboundSpi, encryptionKey: inn.encr, authenticationKey: inn.integ },
    outbound: { spi: k.outboundSpi, encryptionKey: out.encr, authenticationKey: out.integ },
    local: sa.local.address,
    remote: sa.remote.address,
    udpEncapsulation: udp,
    replayWindowSize: tunnel.vpn.ike.antiReplayWindow,
    localSelector,
    remoteSelector,
    ...(tunnel.vpn.distributionProfile !== undefined ? { distributionProfile: tunnel.vpn.distributionProfile } : {}),
  };
  const proposal = tunnel.ipsecPolicy.proposals.find((p) => p.protocol === n.protocol) ?? tunnel.ipsecPolicy.proposals[0];
  const lifetime = proposal?.lifetimeSeconds ?? 3600;
  const now = core.clock.now();
  const jitter = core.random.next() * SOFT_LIFETIME_JITTER;
  const child: ChildSa = {
    tunnel,
    ikeSa: sa,
    inboundSpi: k.inboundSpi,
    outboundSpi: k.outboundSpi,
    negotiated: n,
    localTs: localSelector,
    remoteTs: remoteSelector,
    installedAt: now,
    lifetimeSeconds: lifetime,
    lifetimeKilobytes: proposal?.lifetimeKilobytes,
    softAt: now + Math.floor(lifetime * 1000 * (SOFT_LIFETIME_FRACTION - jitter)),
    state: 'installing',
    udpEncapsulation: udp,
    lowestNonce: compareBytes(k.ni, k.nr) <= 0 ? k.ni : k.nr,
    initiated: k.initiatorOfExchange,
  };
  try {
    child.placement = await core.kernel.install(install);
  } catch (e) {
    return `IPsec SA install failed: ${(e as Error).message}`;
  }
  child.state = 'installed';
  return child;
}

/** The responder's choice for one CHILD SA request: a tunnel with the chosen proposal and selectors. */
export type ChildChoice =
  | { readonly ok: true; readonly tunnel: TunnelRec; readonly chosen: WireProposal; readonly negotiated: NegotiatedChild; readonly tsi: readonly WireTrafficSelector[]; readonly tsr: readonly WireTrafficSelector[] }
  | { readonly ok: false; readonly notify: number; readonly reason: string; readonly tunnels: readonly TunnelRec[] };

/** Pick the tunnel of the IKE SA's gateway whose policy and selectors accept the request. */
export function chooseChild(sa: IkeSa, payloads: readonly Payload[], withDh: boolean, only?: TunnelRec): ChildChoice {
  const saP = find(payloads, 'sa');
  const tsi = find(payloads, 'tsi');
  const tsr = find(payloads, 'tsr');
  const candidates = only ? [only] : sa.gateway.tunnels;
  if (!saP || !tsi || !tsr) return { ok: false, notify: NotifyType.INVALID_SYNTAX, reason: 'CHILD SA request without SA or traffic selectors', tunnels: [] };
  if (candidates.length === 0) return { ok: false, notify: NotifyType.TS_UNACCEPTABLE, reason: `no VPN is bound to gateway ${sa.gateway.name}`, tunnels: [] };
  const theirs = withDh ? saP.proposals : stripDh(saP.proposals);
  let proposalFailure: { reason: string; tunnels: TunnelRec[] } | undefined;
  let tsFailure: { reason: string; tunnels: TunnelRec[] } | undefined;
  // Several VPNs of one gateway may all accept the selectors (a 0.0.0.0/0 VPN narrows anything):
  // the one proposing exactly these selectors wins, then one without a CHILD SA, then the first.
  const text = (xs: readonly WireTrafficSelector[]): string => xs.map(selectorText).join(',');
  const exact = (t: TunnelRec): boolean => text(t.pair.remote) === text(tsi.selectors) && text(t.pair.local) === text(tsr.selectors);
  const rank = (t: TunnelRec): number => (exact(t) ? 2 : 0) + (t.child ? 0 : 1);
  const ordered = candidates.length > 1 ? [...candidates].sort((a, b) => rank(b) - rank(a)) : candidates;
  for (const t of ordered) {
    const offer = childOffer(t, 0, withDh);
    if (!offer.ok) {
      proposalFailure ??= { reason: offer.reason, tunnels: [] };
      proposalFailure.tunnels.push(t);
      continue;
    }
    const sel = selectProposal(offer.proposals, theirs, 'responder');
    if (!sel.ok) {
      proposalFailure ??= { reason: `IPsec SA negotiation failed: ${sel.reason}`, tunnels: [] };
      proposalFailure.tunnels.push(t);
      continue;
    }
    const narrowed = narrowAsResponder(t.pair, tsi.selectors, tsr.selectors);
    if (!narrowed.ok) {
      tsFailure ??= { reason: `IPsec SA negotiation failed: ${narrowed.reason}`, tunnels: [] };
      tsFailure.tunnels.push(t);
      continue;
    }
    const negotiated = decodeChildProposal(sel.proposal);
    if (!negotiated.ok) {
      proposalFailure ??= { reason: `IPsec SA negotiation failed: ${negotiated.reason}`, tunnels: [] };
      proposalFailure.tunnels.push(t);
      continue;
    }
    return { ok: true, tunnel: t, chosen: sel.proposal, negotiated: negotiated.value, tsi: narrowed.value.tsi, tsr: narrowed.value.tsr };
  }
  if (tsFailure) return { ok: false, notify: NotifyType.TS_UNACCEPTABLE, reason: tsFailure.reason, tunnels: tsFailure.tunnels };
  return { ok: false, notify: NotifyType.NO_PROPOSAL_CHOSEN, reason: proposalFailure!.reason, tunnels: proposalFailure!.tunnels };
}

/** The initiator's check of the responder's answer for one CHILD SA: the reason, or what to install. */
export function checkChildResponse(
  tunnel: TunnelRec,
  offer: readonly WireProposal[],
  payloads: readonly Payload[],
  withDh: boolean,
): { ok: true; negotiated: NegotiatedChild; local: readonly WireTrafficSelector[]; remote: readonly WireTrafficSelector[] } | { ok: false; reason: string } {
  const err = firstError(payloads);
  if (err) return { ok: false, reason: `IPsec SA negotiation failed: peer answered ${notifyName(err.notifyType)}${err.notifyType === NotifyType.TS_UNACCEPTABLE ? ` to traffic selectors ${tunnel.pair.local.map(selectorText).join(', ')} -> ${tunnel.pair.remote.map(selectorText).join(', ')}` : ''}` };
  const saP = find(payloads, 'sa');
  const tsi = find(payloads, 'tsi');
  const tsr = find(payloads, 'tsr');
  if (!saP || !tsi || !tsr) return { ok: false, reason: 'IPsec SA negotiation failed: peer answered without SA or traffic selectors' };
  const theirs = withDh ? saP.proposals : stripDh(saP.proposals);
  const sel = selectProposal(offer, theirs, 'initiator');
  if (!sel.ok) return { ok: false, reason: `IPsec SA negotiation failed: ${sel.reason}` };
  const negotiated = decodeChildProposal(saP.proposals[0]!);
  if (!negotiated.ok) return { ok: false, reason: `IPsec SA negotiation failed: ${negotiated.reason}` };
  const narrowed = checkNarrowed(tunnel.pair, tsi.selectors, tsr.selectors);
  if (!narrowed.ok) return { ok: false, reason: `IPsec SA negotiation failed: ${narrowed.reason}` };
  return { ok: true, negotiated: negotiated.value, local: narrowed.value.local, remote: narrowed.value.remote };
}

export function chosenWithSpi(p: WireProposal, spi: number): WireProposal {
  return { ...p, spi: spiBytes(spi) };
}

/**
 * CREATE_CHILD_SA as initiator (RFC 7296 §1.3.1 new CHILD SA, §1.3.3 rekey):
 *   HDR, SK {[N(REKEY_SA)], SA, Ni, [KEi], TSi, TSr}  -->
 *                                 <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
 */
export class CreateChildExchange implements Exchange {
  readonly name: string;
  readonly type = ExchangeType.CREATE_CHILD_SA;
  private spi = 0;
  private offer: WireProposal[] = [];
  private ni: Uint8Array = new Uint8Array(0);
  private dh: DhExchange | undefined;
  private failed: string | undefined;

  constructor(
    private readonly core: Core,
    private readonly sa: IkeSa,
    readonly tunnel: TunnelRec,
    readonly rekeying?: ChildSa,
  ) {
    this.name = rekeying ? 'CHILD_SA rekey' : 'CREATE_CHILD_SA';
  }

  build(): Payload[] {
    const core = this.core;
    this.spi = core.kernel.allocateSpi(protocolOf(this.tunnel));
    const offer = childOffer(this.tunnel, this.spi, true);
    if (!offer.ok) {
      this.failed = offer.reason;
      // Still a well-formed request: the peer refuses it and we record our own reason.
      this.offer = [];
    } else this.offer = offer.proposals;
    this.ni = core.randomBytes(NONCE_LENGTH);
    const group = pfsGroupOf(this.tunnel);
    const out: Payload[] = [];
    if (this.rekeying) out.push(notify(NotifyType.REKEY_SA, new Uint8Array(0), this.rekeying.negotiated.protocol === 'esp' ? ProtocolId.ESP : ProtocolId.AH, spiBytes(this.rekeying.inboundSpi)));
    out.push({ kind: 'sa', critical: false, proposals: this.offer.length > 0 ? this.offer : [{ number: 1, protocol: ProtocolId.ESP, spi: spiBytes(this.spi), transforms: [] }] });
    out.push({ kind: 'nonce', critical: false, data: this.ni });
    if (group !== undefined) {
      this.dh = core.dh.create(group, dhPrivateKey(group, core.randomBytes));
      out.push({ kind: 'ke', critical: false, group, data: this.dh.publicValue });
    }
    // A rekey proposes the selectors in use (§2.8): the tunnel's, as for a new CHILD SA.
    out.push(...tsPayloads(this.tunnel.pair));
    return out;
  }

  process(_m: IkeMessage, payloads: readonly Payload[]): ExchangeOutcome {
    const tunnel = this.tunnel;
    tunnel.negotiating = false;
    if (this.failed) {
      this.core.childFailed(tunnel, this.failed);
      return 'done';
    }
    const check = checkChildResponse(tunnel, this.offer, payloads, true);
    if (!check.ok) {
      this.core.childFailed(tunnel, check.reason);
      return 'done';
    }
    const nonce = find(payloads, 'nonce');
    if (!nonce) {
      this.core.childFailed(tunnel, 'IPsec SA negotiation failed: peer answered without a nonce');
      return 'done';
    }
    let gir: Uint8Array | null = null;
    if (this.dh) {
      const ke = find(payloads, 'ke');
      if (!ke || ke.group !== this.dh.group) {
        this.core.childFailed(tunnel, `IPsec SA negotiation failed: peer answered without a KE payload for PFS group ${this.dh.group}`);
        return 'done';
      }
      gir = this.dh.computeShared(ke.data);
      if (!gir) {
        this.core.childFailed(tunnel, 'IPsec SA negotiation failed: invalid KE value from peer');
        return 'done';
      }
    }
    const outboundSpi = check.negotiated.spi;
    void installChild(this.core, {
      sa: this.sa,
      tunnel,
      negotiated: check.negotiated,
      inboundSpi: this.spi,
      outboundSpi,
      ni: this.ni,
      nr: new Uint8Array(nonce.data),
      gir,
      initiatorOfExchange: true,
      local: check.local,
      remote: check.remote,
    }).then((r) => {
      if (typeof r === 'string') this.core.childFailed(tunnel, r);
      else this.core.childUp(this.sa, r, this.rekeying);
    }).catch((e: unknown) => {
      // Never an unhandled rejection: a bug here is a failed negotiation with its reason.
      this.core.childFailed(tunnel, `IPsec SA negotiation failed: internal error: ${(e as Error).message}`);
    });
    return 'done';
  }

  timeout(): void {
    this.tunnel.negotiating = false;
    this.core.ikeFailed(this.sa, 'No response from peer. Negotiation failed', false);
  }
}

/** Our inbound SPI of the child a peer's REKEY_SA names (it names its own inbound SPI = our outbound). */
export function rekeyedChild(sa: IkeSa, payloads: readonly Payload[]): ChildSa | undefined | null {
  const n = findNotify(payloads, NotifyType.REKEY_SA);
  if (!n) return undefined;
  if (n.spi.length !== 4) return null;
  const spi = u32(n.spi);
  return sa.children.find((c) => c.outboundSpi === spi && c.state !== 'deleted') ?? null;
}

export function isIkeRekey(payloads: readonly Payload[]): boolean {
  const saP = find(payloads, 'sa');
  return saP !== undefined && saP.proposals.length > 0 && saP.proposals[0]!.protocol === ProtocolId.IKE;
}

export { TsType };

/** Compare as unsigned big-endian numbers of possibly different lengths (§2.8.1 "lowest nonce"). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
