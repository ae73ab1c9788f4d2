/**
 * State of one IKE SA (RFC 7296 §2.14–§2.18): SPIs, nonces, D-H, negotiated transforms, the SK
 * ciphers of both directions, NAT-T state, its CHILD SAs and its task manager. Plain data plus
 * the key derivation; the exchanges live in tasks/ and the ordering in task-manager.ts.
 */
import type { DhExchange } from '../../crypto/dh.js';
import type { CryptoEngine } from '../../crypto/engine.js';
import { deriveIkeSaKeys, skeyseed, rekeySkeyseed, transformKeyLengths, type IkeSaKeys } from '../../crypto/ike-keys.js';
import { createPrf, type Prf, type PrfId } from '../../crypto/prf.js';
import type { ChildSaPlacement, IkeEndpoint } from '../ports.js';
import type { NegotiatedChild, NegotiatedIke, WireProposal } from '../proposal.js';
import type { SelectorPair } from '../traffic-selector.js';
import { createSkCipher, type SkCipher, type IvSource } from '../wire/sk.js';
import type { IkeConfigModel, IkeGatewayConfig, IkePolicyConfig, IpsecVpnConfig, IpsecPolicyConfig } from '../config-model.js';
import type { TunnelEventView } from '../status.js';
import type { Identity } from './identity.js';
import { IkeSaLifecycle, lifecycleText, phaseOf, type IkeSaDownReason, type IkeSaEvent, type IkeSaLifecycleHost, type IkeSaPhase } from './ike-sa-machine.js';
import type { TaskManager } from './task-manager.js';

/** The daemon's short names of the lifecycle phases (ike-sa-machine.ts owns the state). */
export type IkeSaState = IkeSaPhase;

/** What an IKE SA's lifecycle runs with. */
export interface IkeSaLifecycleDeps {
  readonly host: IkeSaLifecycleHost<IkeSa>;
  /** Born of an IKE SA rekey (established from the start). */
  readonly rekeyed: boolean;
}
export type ChildSaState = 'installing' | 'installed' | 'rekeying' | 'rekeyed' | 'deleting' | 'deleted';

/** A gateway of the configuration as the daemon runs it. */
export interface GatewayRec {
  readonly name: string;
  readonly config: IkeGatewayConfig;
  readonly policy: IkePolicyConfig;
  /** Our address toward this gateway. */
  readonly local: string;
  readonly remote: string;
  readonly tunnels: TunnelRec[];
  ikeSa?: IkeSa;
  /** Our own IKE SA still negotiating while the peer's became the gateway's SA. */
  pending?: IkeSa;
  /**
   * Dynamic gateways (`dynamic { … }`, no address): the configured gateway's template has
   * `dynamic: 'template'` (never registered, never initiates; IKE SAs sit on it from IKE_SA_INIT
   * until IKE_AUTH names the gateway); each accepted peer gets its own record, `dynamic: 'peer'`,
   * named `GATEWAY#n`, with its own tunnels.
   */
  readonly dynamic?: 'template' | 'peer';
}

/** One tunnel: a VPN's traffic selector (one CHILD SA pair each). */
export interface TunnelRec {
  readonly id: number;
  readonly vpn: IpsecVpnConfig;
  readonly ipsecPolicy: IpsecPolicyConfig;
  readonly selector: number;
  readonly selectorName: string;
  readonly pair: SelectorPair;
  readonly gateway: GatewayRec;
  /** A config fingerprint: a change deletes and renegotiates the tunnel. */
  readonly fingerprint: string;
  child?: ChildSa;
  /** The tunnel should be up (immediately, or triggered by traffic). */
  wanted: boolean;
  /** A CHILD negotiation for it is under way. */
  negotiating: boolean;
  down: { reason: string; count: number } | null;
  events: TunnelEventView[];
  negotiations: number;
  failures: number;
  retryTimer?: { id: number } | undefined;
}

export interface ChildSa {
  readonly tunnel: TunnelRec;
  ikeSa: IkeSa;
  readonly inboundSpi: number;
  readonly outboundSpi: number;
  readonly negotiated: NegotiatedChild;
  readonly localTs: string;
  readonly remoteTs: string;
  readonly installedAt: number;
  readonly lifetimeSeconds: number;
  readonly lifetimeKilobytes: number | undefined;
  softAt: number;
  state: ChildSaState;
  placement?: ChildSaPlacement;
  readonly udpEncapsulation: { readonly localPort: number; readonly remotePort: number } | null;
  softTimer?: { id: number } | undefined;
  hardTimer?: { id: number } | undefined;
  /** The smaller of the exchange's two nonces (simultaneous rekey tie break, RFC 7296 §2.8.1). */
  readonly lowestNonce: Uint8Array;
  /** We initiated the exchange that created it. */
  readonly initiated: boolean;
  /** The pair that replaced it in a rekey (the first one installed). */
  successor?: ChildSa;
}

export class IkeSa {
  /** The lifecycle (ike-sa-machine.ts): the state `show` reports and why the SA went Down. */
  readonly lifecycle: IkeSaLifecycle<IkeSa>;
  spiR: Uint8Array = new Uint8Array(8);
  ni: Uint8Array = new Uint8Array(0);
  nr: Uint8Array = new Uint8Array(0);
  dh: DhExchange | undefined;
  /** What we offered (initiator) — SA proposals of IKE_SA_INIT. */
  offer: readonly WireProposal[] = [];
  chosen: WireProposal | undefined;
  negotiated: NegotiatedIke | undefined;
  prf: Prf | undefined;
  keys: IkeSaKeys | undefined;
  sendCipher: SkCipher | undefined;
  recvCipher: SkCipher | undefined;
  /** IKE_SA_INIT request and response as they crossed the wire (AUTH covers them). */
  initRequest: Uint8Array | undefined;
  initResponse: Uint8Array | undefined;
  cookie: Uint8Array | undefined;
  cookieTries = 0;
  keRetries = 0;
  /** NAT detected in front of us / in front of the peer (RFC 7296 §2.23). */
  natLocal = false;
  natRemote = false;
  peerFragmentation = false;
  peerId: Identity | undefined;
  children: ChildSa[] = [];
  establishedAt = 0;
  expiresAt = 0;
  childrenCreated = 0;
  childrenDeleted = 0;
  /** Bytes and packets of IKE messages, for the detail view. */
  inBytes = 0;
  outBytes = 0;
  inPackets = 0;
  outPackets = 0;
  lastHeard = 0;
  dpdMisses = 0;
  timers: { id: number }[] = [];
  /** Set once the IKE SA is up: tunnels waiting for a CREATE_CHILD_SA. */
  failure: string | null = null;
  /** The tunnel whose CHILD SA rides in IKE_AUTH (initiator). */
  firstTunnel: TunnelRec | undefined;
  /** The IKE SA that replaced this one in a rekey (the first one, if both ends rekeyed). */
  successor: IkeSa | undefined;
  /** This SA came from a rekey we started. */
  rekeyedByUs = false;
  /** Key of the responder's half-open table, until IKE_AUTH completes. */
  halfOpenKey: string | undefined;

  constructor(
    readonly index: number,
    readonly role: 'initiator' | 'responder',
    readonly spiI: Uint8Array,
    public gateway: GatewayRec,
    public local: IkeEndpoint,
    public remote: IkeEndpoint,
    readonly tasks: TaskManager,
    lifecycle: IkeSaLifecycleDeps,
  ) {
    this.lifecycle = new IkeSaLifecycle({ role, rekeyed: lifecycle.rekeyed }, this, lifecycle.host);
  }

  /** The phase, from the lifecycle's snapshot. */
  get state(): IkeSaState {
    return phaseOf(this.lifecycle.getSnapshot());
  }

  /** Tell the lifecycle an outcome (ignored once the SA is Down). */
  signal(event: IkeSaEvent): void {
    this.lifecycle.send(event);
  }

  /** Why the SA went Down (null while it is not). */
  get downReason(): IkeSaDownReason | null {
    const s = this.lifecycle.getSnapshot();
    return s.status === 'done' ? s.output : null;
  }

  /** The lifecycle state in one line (`Established.Active`, `Down(timeout)`). */
  get lifecycleState(): string {
    return lifecycleText(this.lifecycle.getSnapshot());
  }

  get ourSpi(): Uint8Array {
    return this.role === 'initiator' ? this.spiI : this.spiR;
  }

  get initiator(): boolean {
    return this.role === 'initiator';
  }

  get nat(): boolean {
    return this.natLocal || this.natRemote;
  }

  /** Derive SK_* from SKEYSEED (first SA: §2.14; rekeyed: §2.18 with the old SA's SK_d). */
  deriveKeys(engine: CryptoEngine, gir: Uint8Array, ivSource: IvSource | undefined, rekeyOf?: IkeSa): void {
    const n = this.negotiated!;
    const prf = createPrf(engine, n.prf.id as PrfId);
    const seed = rekeyOf ? rekeySkeyseed(rekeyOf.prf!, rekeyOf.keys!.skD, gir, this.ni, this.nr) : skeyseed(prf, this.ni, this.nr, gir);
    const lengths = transformKeyLengths(n.encryption, n.integrity?.algorithm ?? null);
    const keys = deriveIkeSaKeys(prf, seed, this.ni, this.nr, this.spiI, this.spiR, lengths);
    this.prf = prf;
    this.keys = keys;
    const transforms = { encryption: this.chosen!.transforms.find((t) => t.type === 1)!.id, ...(n.integrity ? { integrity: n.integrity.id } : {}) };
    const iKeys = { encryption: keys.skEi, ...(n.integrity ? { integrity: keys.skAi } : {}) };
    const rKeys = { encryption: keys.skEr, ...(n.integrity ? { integrity: keys.skAr } : {}) };
    const mine = this.initiator ? iKeys : rKeys;
    const theirs = this.initiator ? rKeys : iKeys;
    this.sendCipher = createSkCipher(engine, transforms, mine, ivSource);
    this.recvCipher = createSkCipher(engine, transforms, theirs, ivSource);
  }
}

export type { IkeConfigModel };
