/**
 * IKE_AUTH with pre-shared keys (RFC 7296 §1.2, §2.15) and the first CHILD SA:
 *
 *   HDR, SK {IDi, [IDr,] AUTH, SAi2, TSi, TSr}  -->
 *                              <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
 *                              <--  HDR, SK {N(AUTHENTICATION_FAILED)}
 *                              <--  HDR, SK {IDr, AUTH, N(TS_UNACCEPTABLE | NO_PROPOSAL_CHOSEN)}
 *
 * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>) (crypto/ike-keys.ts). IDs come from
 * local-identity / remote-identity, by default the addresses (identity.ts); a peer ID that is
 * not the one we expect fails the exchange with a line naming both.
 */
import { constantTimeEqual } from '../../../crypto/engine.js';
import { pskAuthPadded, pskKeyPad } from '../../../crypto/ike-keys.js';
import { AuthMethod, ExchangeType, NotifyType } from '../../wire/constants.js';
import type { IdPayload, IkeMessage, Payload } from '../../wire/types.js';
import type { Core } from '../core.js';
import type { IkeSa, TunnelRec } from '../ike-sa.js';
import { identityOf, identityDescription, idBody, idPayload, sameIdentity, type Identity } from '../identity.js';
import { copy, find, findNotify, notifyName } from '../payloads.js';
import type { Exchange, ExchangeOutcome } from '../task-manager.js';
import { checkChildResponse, childOffer, installChild, protocolOf, tsPayloads } from './child-create.js';
import type { WireProposal } from '../../proposal.js';

const EMPTY = new Uint8Array(0);

export function localIdentity(sa: IkeSa): Identity | undefined {
  return identityOf(sa.gateway.config.localIdentity, sa.local.address);
}

export function expectedPeerIdentity(sa: IkeSa): Identity | undefined {
  const dyn = sa.gateway.config.dynamic?.identity;
  if (sa.gateway.dynamic && dyn && dyn.type !== 'general-ikeid') return identityOf(dyn, sa.remote.address);
  return identityOf(sa.gateway.config.remoteIdentity, sa.gateway.remote);
}

function psk(sa: IkeSa): Uint8Array {
  return sa.gateway.policy.preSharedKey?.bytes ?? EMPTY;
}

/** prf(PSK, key pad) per policy and PRF: every SA of a policy shares it (two MACs saved per AUTH). */
const keyPads = new WeakMap<object, Map<number, Uint8Array>>();

function keyPad(sa: IkeSa): Uint8Array {
  const policy = sa.gateway.policy;
  let byPrf = keyPads.get(policy);
  if (!byPrf) {
    byPrf = new Map();
    keyPads.set(policy, byPrf);
  }
  const prf = sa.prf!;
  const key = prf.alg.id * 2 + (prf.engine.name === 'native' ? 0 : 1);
  const known = byPrf.get(key);
  if (known) return known;
  const padded = pskKeyPad(prf, psk(sa));
  byPrf.set(key, padded);
  return padded;
}

/** AUTH of one side: `mine` true for ours. */
export function authValue(sa: IkeSa, ofInitiator: boolean, id: Identity): Uint8Array {
  return pskAuthPadded(sa.prf!, keyPad(sa), {
    realMessage: ofInitiator ? sa.initRequest! : sa.initResponse!,
    peerNonce: ofInitiator ? sa.nr : sa.ni,
    skP: ofInitiator ? sa.keys!.skPi : sa.keys!.skPr,
    idPayloadBody: idBody(id),
  });
}

/** Check the peer's ID and AUTH payloads; the plain line on failure. */
export function verifyPeer(sa: IkeSa, id: IdPayload | undefined, auth: { method: number; data: Uint8Array } | undefined): string | null {
  if (!id || !auth) return 'Authentication failed: peer sent no ID or AUTH payload';
  // `dynamic general-ikeid`: any IKE ID is accepted (the PSK still has to verify).
  const anyId = sa.gateway.dynamic !== undefined && sa.gateway.config.dynamic?.identity?.type === 'general-ikeid';
  const expected = anyId ? { idType: id.idType, data: id.data } : expectedPeerIdentity(sa);
  if (!expected) return 'Authentication failed: remote-identity cannot be checked without certificates';
  if (!sameIdentity(expected, id)) {
    return `Peer's IKE ID ${identityDescription(id)} does not match remote-identity ${identityDescription(expected)}`;
  }
  if (auth.method !== AuthMethod.SHARED_KEY_MIC) return `Authentication failed: peer uses authentication method ${auth.method}, pre-shared-keys configured`;
  const want = authValue(sa, !sa.initiator, { idType: id.idType, data: id.data });
  if (auth.data.length !== want.length || !constantTimeEqual(want, auth.data)) return 'Authentication failed: pre-shared key mismatch (peer AUTH payload does not verify)';
  sa.peerId = { idType: id.idType, data: copy(id.data) };
  return null;
}

export class IkeAuthExchange implements Exchange {
  readonly name = 'IKE_AUTH';
  readonly type = ExchangeType.IKE_AUTH;
  private childSpi = 0;
  private offer: WireProposal[] = [];
  private childProblem: string | undefined;

  constructor(
    private readonly core: Core,
    private readonly sa: IkeSa,
    readonly tunnel: TunnelRec | undefined,
  ) {}

  build(): Payload[] {
    const { sa, core, tunnel } = this;
    const id = localIdentity(sa)!;
    const out: Payload[] = [idPayload('idi', id)];
    const remote = sa.gateway.config.remoteIdentity ? expectedPeerIdentity(sa) : undefined;
    if (remote) out.push(idPayload('idr', remote));
    out.push({ kind: 'auth', critical: false, method: AuthMethod.SHARED_KEY_MIC, data: authValue(sa, true, id) });
    if (tunnel) {
      this.childSpi = core.kernel.allocateSpi(protocolOf(tunnel));
      const offer = childOffer(tunnel, this.childSpi, false);
      if (offer.ok) {
        this.offer = offer.proposals;
        out.push({ kind: 'sa', critical: false, proposals: this.offer }, ...tsPayloads(tunnel.pair));
      } else this.childProblem = offer.reason;
    }
    return out;
  }

  process(_m: IkeMessage, payloads: readonly Payload[]): ExchangeOutcome {
    const { sa, core, tunnel } = this;
    const auth = find(payloads, 'auth');
    if (!auth) {
      const n = findNotify(payloads, NotifyType.AUTHENTICATION_FAILED);
      const reason = n
        ? 'Authentication failed: peer answered AUTHENTICATION_FAILED (pre-shared key or IKE ID mismatch)'
        : `Authentication failed: peer answered ${payloads.filter((p) => p.kind === 'notify').map((p) => notifyName((p as { notifyType: number }).notifyType)).join(', ') || 'without AUTH'}`;
      if (tunnel) tunnel.negotiating = false;
      core.ikeFailed(sa, reason, false);
      return 'done';
    }
    const problem = verifyPeer(sa, find(payloads, 'idr'), auth);
    if (problem) {
      if (tunnel) tunnel.negotiating = false;
      core.ikeFailed(sa, problem, true);
      return 'done';
    }
    core.ikeEstablished(sa);
    if (!tunnel) return 'done';
    tunnel.negotiating = false;
    if (this.childProblem) {
      core.childFailed(tunnel, this.childProblem);
      return 'done';
    }
    const check = checkChildResponse(tunnel, this.offer, payloads, false);
    if (!check.ok) {
      core.childFailed(tunnel, check.reason);
      return 'done';
    }
    tunnel.negotiating = true;
    void installChild(core, {
      sa,
      tunnel,
      negotiated: check.negotiated,
      inboundSpi: this.childSpi,
      outboundSpi: check.negotiated.spi,
      ni: sa.ni,
      nr: sa.nr,
      gir: null,
      initiatorOfExchange: true,
      local: check.local,
      remote: check.remote,
    }).then((r) => {
      tunnel.negotiating = false;
      if (typeof r === 'string') core.childFailed(tunnel, r);
      else core.childUp(sa, r);
    }).catch((e: unknown) => {
      // Never an unhandled rejection: a bug here is a failed negotiation with its reason.
      core.childFailed(tunnel, `IPsec SA negotiation failed: internal error: ${(e as Error).message}`);
    });
    return 'done';
  }

  timeout(): void {
    if (this.tunnel) this.tunnel.negotiating = false;
    this.core.ikeFailed(this.sa, 'No response from peer. Negotiation failed', false);
  }
}
