/**
 * Dynamic (AutoVPN hub) gateways of the daemon (ike/daemon.ts): a configured dynamic gateway is
 * a template; IKE_SA_INIT from a peer no site-to-site gateway names is answered by a template,
 * IKE_AUTH binds the peer (its IDi) to a per-peer record `GATEWAY#n`, and once it authenticates
 * that record joins the daemon's gateways with its own tunnels. The daemon's state is reached
 * through the narrow `DynamicPeersHost`.
 */
import type { IpsecPolicyConfig, IpsecVpnConfig } from '../config-model.js';
import type { IpsecKernel } from '../ports.js';
import { buildIkePolicyOffer, selectProposal } from '../proposal.js';
import type { SelectorPair } from '../traffic-selector.js';
import type { IdPayload, Payload } from '../wire/types.js';
import { identityDescription, identityOf, sameIdentity } from './identity.js';
import type { GatewayRec, IkeSa } from './ike-sa.js';
import { find } from './payloads.js';

/** A configured dynamic gateway: its template record and what each accepted peer's tunnels are made of. */
export interface DynamicTemplate {
  readonly rec: GatewayRec;
  readonly fp: string;
  readonly vpns: Array<{ readonly vpn: IpsecVpnConfig; readonly ipsecPolicy: IpsecPolicyConfig; readonly pairs: ReadonlyArray<{ readonly name: string; readonly pair: SelectorPair }>; readonly fp: string }>;
}

/** What dynamic-peer handling needs from the daemon. */
export interface DynamicPeersHost {
  readonly kernel: Pick<IpsecKernel, 'allocateTunnelId' | 'anchorGateway'>;
  /** The daemon's gateways by name: an authenticated peer's record joins them. */
  readonly gateways: Map<string, GatewayRec>;
  trace(line: string): void;
  /** The gateways changed (the responder lookup by peer address is rebuilt). */
  gatewaysChanged(): void;
}

export class DynamicPeers {
  /** Dynamic gateways by name (in configuration order: the IKE_SA_INIT choice takes the first that fits). */
  templates = new Map<string, DynamicTemplate>();
  /** Per-peer record numbers (`GATEWAY#n`). */
  private nextPeer = 1;
  /** Dynamic peers chosen in IKE_AUTH, not yet authenticated: their gateway's template. */
  private readonly peerTemplates = new WeakMap<GatewayRec, DynamicTemplate>();

  constructor(private readonly host: DynamicPeersHost) {}

  /** A peer chosen in IKE_AUTH that has not authenticated yet (nothing anchored for it). */
  pending(gw: GatewayRec): boolean {
    return this.peerTemplates.has(gw);
  }

  /**
   * IKE_SA_INIT from a peer no site-to-site gateway names: the dynamic gateways whose local
   * address it reached. The first whose IKE policy can answer the offer is used until IKE_AUTH;
   * when none can, the first (its NO_PROPOSAL_CHOSEN answers).
   */
  templateFor(local: string, payloads: readonly Payload[]): GatewayRec | undefined {
    let first: GatewayRec | undefined;
    const offered = find(payloads, 'sa');
    for (const d of this.templates.values()) {
      if (d.rec.local !== local) continue;
      first ??= d.rec;
      const offer = buildIkePolicyOffer(d.rec.policy);
      if (offered && offer.ok && selectProposal(offer.value.proposals, offered.proposals, 'responder').ok) return d.rec;
    }
    return first;
  }

  /** Live peers of a dynamic gateway (an IKE SA that is not down). */
  peers(name: string): GatewayRec[] {
    return [...this.host.gateways.values()].filter((g) => g.dynamic === 'peer' && g.config.name === name && g.ikeSa !== undefined && g.ikeSa.state !== 'dead');
  }

  /**
   * IKE_AUTH on an IKE SA a dynamic gateway answered: the peer's IDi names the gateway (its
   * `dynamic` identity), which must accept one more peer. The SA moves to a new per-peer record
   * with its own tunnels (one tunnel id per peer and traffic selector). A refusal line otherwise.
   */
  bind(sa: IkeSa, idi: IdPayload | undefined): { code: string; line: string } | null {
    if (!idi) return null; // verifyPeer says what is missing
    let match: DynamicTemplate | undefined;
    for (const d of this.templates.values()) {
      if (d.rec.local !== sa.local.address) continue;
      const want = d.rec.config.dynamic?.identity;
      if (want === undefined || want.type === 'distinguished-name') continue;
      if (want.type === 'general-ikeid') {
        match = d;
        break;
      }
      const expected = identityOf(want, sa.remote.address);
      if (expected && sameIdentity(expected, idi)) {
        match = d;
        break;
      }
    }
    if (!match) {
      const line = `Authentication failed: no dynamic gateway accepts IKE ID ${identityDescription(idi)}`;
      this.host.trace(`IKE SA ${sa.index} from ${sa.remote.address}: ${line}`);
      return { code: 'dynamic-unknown-ike-id', line };
    }
    const cfg = match.rec.config;
    const others = this.peers(cfg.name);
    if (cfg.dynamic?.rejectDuplicateConnection && others.some((g) => g.remote === sa.remote.address)) {
      return { code: 'dynamic-duplicate-connection', line: `Authentication failed: gateway ${cfg.name} already has a connection from ${sa.remote.address} (reject-duplicate-connection)` };
    }
    const limit = cfg.dynamic?.connectionsLimit;
    if (limit !== undefined && others.filter((g) => g.remote !== sa.remote.address).length >= limit) {
      return { code: 'dynamic-connections-limit', line: `Authentication failed: connections-limit ${limit} of gateway ${cfg.name} reached, peer ${sa.remote.address} refused` };
    }
    const rec: GatewayRec = { name: `${cfg.name}#${this.nextPeer++}`, config: cfg, policy: match.rec.policy, local: match.rec.local, remote: sa.remote.address, tunnels: [], dynamic: 'peer' };
    this.peerTemplates.set(rec, match);
    sa.gateway = rec;
    return null;
  }

  /** The dynamic peer authenticated: its record joins the gateways, with its tunnels and anchor. */
  admit(sa: IkeSa): void {
    const rec = sa.gateway;
    const match = this.peerTemplates.get(rec);
    if (!match) return;
    this.peerTemplates.delete(rec);
    for (const v of match.vpns) {
      v.pairs.forEach((p, i) => {
        rec.tunnels.push({
          id: this.host.kernel.allocateTunnelId(),
          vpn: v.vpn,
          ipsecPolicy: v.ipsecPolicy,
          selector: i,
          selectorName: p.name,
          pair: p.pair,
          gateway: rec,
          fingerprint: v.fp,
          wanted: false,
          negotiating: false,
          down: null,
          events: [],
          negotiations: 0,
          failures: 0,
        });
      });
    }
    this.host.gateways.set(rec.name, rec);
    this.host.gatewaysChanged();
    this.host.kernel.anchorGateway(rec.name, rec.local, rec.remote, 'dynamic');
    this.host.trace(`IKE SA ${sa.index} ${rec.name}: peer ${sa.remote.address} (IKE ID ${sa.peerId ? identityDescription(sa.peerId) : '?'}) accepted by dynamic gateway ${rec.config.name}`);
  }
}
