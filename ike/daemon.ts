/**
 * The IKEv2 daemon shared by kmd and iked (ike/ports.ts `IkeDaemon`): configuration → gateways
 * and tunnels, datagrams → IKE SAs and their task managers, outcomes → CHILD SAs in the kernel,
 * tunnel events and the views `show` renders. The protocol itself lives in ike/v2/ (one task per
 * concern, a task manager per IKE SA); kmd/daemon.ts and iked/daemon.ts are thin flavours.
 *
 * The daemon runs as an xstate actor on the device clock, and each IKE SA's lifecycle is a
 * snapshot of an xstate machine (v2/ike-sa-machine.ts) that owns the state `show` reports and the
 * reason an SA went Down.
 * The exchange data (keys, children, timers) stays plain objects driven by the task manager,
 * because at 10,000 tunnels and 1,000 setups/s every byte and microsecond per SA counts.
 *
 * Create with `createIkeDaemon(flavour options, deps)` (async: it loads the crypto engine named
 * by `deps.engine`).
 */
import type { DhEngine } from '../crypto/dh.js';
import { loadDhEngine } from '../crypto/dh.js';
import { loadEngine, type CryptoEngine } from '../crypto/engine.js';
import type { TimerHandle } from '../sim/clock.js';
import { fragmentationSize, type IkeConfigModel } from './config-model.js';
import { fingerprint, plannedGateways } from './daemon-config.js';
import type { IkeDaemon, IkeDaemonCounters, IkeDaemonDeps, IkeDatagram, IkeEndpoint, IkeFlavour, IkeSaKeyEntry } from './ports.js';
import { buildIkePolicyOffer } from './proposal.js';
import { countersView, ikeKeysView, ikeLifetimeSeconds, ikeSasView, inactiveTunnelsView, tunnelsView } from './daemon-views.js';
import type { IkeSaView, InactiveTunnelsView, IpsecTunnelView } from './status.js';
import { ExchangeType, NotifyType } from './wire/constants.js';
import { FragmentReassembler } from './wire/fragment.js';
import { peekHeader } from './wire/header.js';
import { encodeMessage, decodeMessage } from './wire/message.js';
import { orderForEmission } from './wire/exchange-rules.js';
import { fragmentMessage } from './wire/fragment.js';
import type { IkeHeader, IkeMessage, Payload } from './wire/types.js';
import type { IvSource } from './wire/sk.js';
import type { Core } from './v2/core.js';
import { DynamicPeers, type DynamicTemplate } from './v2/dynamic-peers.js';
import { IkeSa, type ChildSa, type GatewayRec, type TunnelRec } from './v2/ike-sa.js';
import { createIkeDaemonActor, type IkeDaemonActor, type IkeSaEvent, type IkeSaLifecycleHost } from './v2/ike-sa-machine.js';
import { identityText } from './v2/identity.js';
import { copy, find, hex, notify } from './v2/payloads.js';
import { TaskManager } from './v2/task-manager.js';
import { CookieJar, cookieNotify, findCookie } from './v2/tasks/cookie.js';
import { chooseChild, chosenWithSpi, compareBytes, CreateChildExchange, installChild, isIkeRekey, protocolOf, rekeyedChild } from './v2/tasks/child-create.js';
import { IkeAuthExchange, localIdentity, verifyPeer, authValue } from './v2/tasks/ike-auth.js';
import { IkeInitExchange, initResponsePayloads, respondInit } from './v2/tasks/ike-init.js';
import { answerInformational, DeleteExchange, DpdExchange } from './v2/tasks/informational.js';
import { adopt, answerIkeRekey, IkeRekeyExchange } from './v2/tasks/ike-rekey.js';
import { checkNatDetection } from './v2/tasks/nat-detection.js';
import { AuthMethod } from './wire/constants.js';
import { idPayload } from './v2/identity.js';
import { COOKIE_THRESHOLD, HALF_OPEN_TIMEOUT_MS, MAX_INITIATING, REKEYED_GRACE_MS, RESPONDER_REKEY_DELAY, RETRY_IMMEDIATE_MS, SOFT_LIFETIME_FRACTION, VOLUME_POLL_MS } from './v2/timers.js';

/** What distinguishes kmd from iked (seed / facts §4; index numbering is our choice). */
export interface FlavourOptions {
  readonly flavour: IkeFlavour;
  /** First IKE SA index (`Index` column). */
  readonly firstSaIndex: number;
}

export interface DaemonOptions {
  /** IV source of the SK payloads (tests replay byte for byte); default: random. */
  readonly ivSource?: IvSource;
  /** Half-open IKE SAs from which cookies are required (default COOKIE_THRESHOLD). */
  readonly cookieThreshold?: number;
  /** Our own IKE SAs negotiating at once (default MAX_INITIATING); more gateways wait in turn. */
  readonly maxInitiating?: number;
  /**
   * Called with every IKE SA as soon as its lifecycle exists (before any event reaches it):
   * tests record the sequence of snapshots (`sa.lifecycle.subscribe`).
   */
  readonly onIkeSa?: (sa: IkeSa) => void;
}

const ZERO_SPI = new Uint8Array(8);
const NO_RESPONSE = 'No response from peer. Negotiation failed';
const DPD_DOWN = 'DPD detected peer as down';

/** The lifecycle event of a failure line (ikeFailed's reasons). */
function failureEvent(reason: string): IkeSaEvent {
  if (reason === NO_RESPONSE) return { type: 'TIMEOUT', detail: reason };
  if (reason === DPD_DOWN) return { type: 'DPD_DEAD' };
  return { type: 'FAILED', reason };
}

export const EVENTS = {
  ikeUp: 'IKE SA negotiation successfully completed',
  ipsecUp: 'IPSec SA negotiation successfully completed',
  ipsecRekey: 'IPSec SA rekey successfully completed',
  ikeRekey: 'IKE SA rekey successfully completed',
  userClearedIke: 'User cleared IKE SA from CLI, corresponding IPSec SAs cleared',
  userClearedIpsec: 'User cleared IPSec SA from CLI',
  dpdDown: DPD_DOWN,
  configChanged: 'Tunnel configuration changed. Corresponding IKE/IPSec SAs are deleted',
  peerDeletedIke: 'Peer deleted IKE SA',
  peerDeletedIpsec: 'Peer deleted IPSec SA',
  noResponse: NO_RESPONSE,
} as const;

export class SharedIkeDaemon implements IkeDaemon, Core {
  readonly flavour: IkeFlavour;
  readonly clock;
  readonly random;
  readonly randomBytes;
  readonly kernel;
  readonly ivSource: IvSource | undefined;
  private model: IkeConfigModel | undefined;
  private readonly gateways = new Map<string, GatewayRec>();
  /** Tunnel ids by `VPN#selector`, from the kernel's device-wide counter, kept for good. */
  private readonly tunnelIds = new Map<string, number>();
  private nextIndex: number;
  private readonly sas = new Map<string, IkeSa>();
  private readonly halfOpen = new Map<string, IkeSa>();
  private readonly reassemblers = new WeakMap<IkeSa, FragmentReassembler>();
  private readonly cookies: CookieJar;
  private received = 0;
  private sent = 0;
  private retransmitted = 0;
  private readonly rejected: Record<string, number> = {};
  private stopped = false;
  private readonly cookieThreshold: number;
  private readonly maxInitiating: number;
  /** Gateways by peer address (responder lookup), rebuilt when the gateways change. */
  private readonly byPeer = new Map<string, GatewayRec[]>();
  private byPeerVersion = -1;
  private gatewaysVersion = 0;
  /** Dynamic (AutoVPN hub) gateways: their templates and the peers they accept (v2/dynamic-peers.ts). */
  private readonly dynamic: DynamicPeers;

  constructor(
    private readonly opts: FlavourOptions,
    private readonly deps: IkeDaemonDeps,
    readonly engine: CryptoEngine,
    readonly dh: DhEngine,
    options: DaemonOptions = {},
  ) {
    this.flavour = opts.flavour;
    this.clock = deps.clock;
    this.random = deps.random;
    this.randomBytes = deps.randomBytes;
    this.kernel = deps.kernel;
    this.ivSource = options.ivSource;
    this.nextIndex = opts.firstSaIndex;
    this.cookies = new CookieJar(deps.clock, deps.randomBytes);
    this.cookieThreshold = options.cookieThreshold ?? COOKIE_THRESHOLD;
    this.maxInitiating = options.maxInitiating ?? MAX_INITIATING;
    this.onIkeSa = options.onIkeSa;
    this.actor = createIkeDaemonActor(deps.clock);
    this.dynamic = new DynamicPeers({
      kernel: deps.kernel,
      gateways: this.gateways,
      trace: (line) => this.trace(line),
      gatewaysChanged: () => {
        this.gatewaysVersion++;
      },
    });
    this.lifecycleHost = {
      down: (sa, why) => {
        if (this.deps.trace) this.trace(`IKE SA ${sa.index} ${sa.gateway.name}: down (${why.cause}: ${why.detail})`);
        this.actor.send({ type: 'SA_ENDED' });
      },
    };
  }

  private readonly onIkeSa: ((sa: IkeSa) => void) | undefined;
  /** The daemon as an actor on the device clock: Running until stop(); counts the IKE SAs that ended. */
  readonly actor: IkeDaemonActor;
  /** What the IKE SA lifecycles call back (one object for all of them). */
  private readonly lifecycleHost: IkeSaLifecycleHost<IkeSa>;

  // ---- logging ---------------------------------------------------------------------------

  trace(line: string): void {
    if (!this.deps.trace || this.deps.tracing?.() === false) return;
    this.deps.trace(`${new Date(this.clock.now()).toISOString()} ${this.deps.hostname()} ${this.flavour}: ${line}`);
  }

  private reject(reason: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }

  // ---- configuration ---------------------------------------------------------------------

  configure(config: IkeConfigModel): void {
    this.model = config;
    const { next, nextDynamic, problems } = plannedGateways(
      config,
      (ifl, family) => this.deps.transport.addressOf(ifl, family),
      (key) => {
        let id = this.tunnelIds.get(key);
        if (id === undefined) {
          id = this.kernel.allocateTunnelId();
          this.tunnelIds.set(key, id);
        }
        return id;
      },
    );
    for (const p of problems) this.trace(`configuration: ${p}`);
    this.gatewaysVersion++;
    // Dynamic gateways: peers of an unchanged one keep their SAs; any change drops them all.
    const dynamicKept = new Set<string>();
    const dynamic = new Map<string, DynamicTemplate>();
    for (const [name, d] of nextDynamic) {
      const fp = d.gatewayFp + d.vpns.map((v) => v.fp).join('');
      if (this.dynamic.templates.get(name)?.fp === fp) dynamicKept.add(name);
      dynamic.set(name, { rec: d.rec, fp, vpns: d.vpns });
    }
    this.dynamic.templates = dynamic;
    // Gateways that changed or went away: delete their SAs (the peer is told).
    const kept = new Set<string>();
    for (const [name, old] of this.gateways) {
      if (old.dynamic === 'peer' && dynamicKept.has(old.config.name)) {
        kept.add(name);
        continue;
      }
      const n = old.dynamic === 'peer' ? undefined : next.get(name);
      const oldFp = fingerprint(old.config, old.policy, old.local) + old.tunnels.map((t) => t.fingerprint).join('');
      if (n && n.fp === oldFp) {
        kept.add(name);
        continue;
      }
      if (n && n.gatewayFp === fingerprint(old.config, old.policy, old.local)) {
        // Same gateway, other tunnels: keep the IKE SA, redo only the tunnels that changed.
        this.reconcileTunnels(old, n.rec.tunnels);
        kept.add(name);
        continue;
      }
      const sa = old.ikeSa;
      for (const t of old.tunnels) {
        if (t.retryTimer) this.clock.clearTimeout(t.retryTimer);
        t.retryTimer = undefined;
      }
      if (sa) {
        for (const t of old.tunnels) if (t.child || t.negotiating) this.addEvent(t, EVENTS.configChanged);
        this.deleteIke(sa, true, null, { type: 'DELETE', detail: EVENTS.configChanged });
      }
      // (A dynamic peer's record went with its IKE SA.)
      if (this.gateways.get(name) === old) {
        this.kernel.releaseGateway(name);
        this.gateways.delete(name);
      }
      if (n) {
        // Carry the per-tunnel history over to the new records.
        for (const t of n.rec.tunnels) {
          const o = old.tunnels.find((x) => x.id === t.id);
          if (o) {
            t.events = o.events;
            t.down = o.down;
            t.negotiations = o.negotiations;
            t.failures = o.failures;
            if (o.wanted && t.vpn.establishTunnels !== 'responder-only') t.wanted = true;
          }
        }
      }
    }
    for (const [name, n] of next) {
      if (kept.has(name)) continue;
      this.gateways.set(name, n.rec);
    }
    for (const [name, gw] of this.gateways) {
      if (kept.has(name) && !this.touched.has(gw)) continue;
      for (const t of gw.tunnels) if (t.wanted) this.ensureTunnel(t);
    }
    this.touched.clear();
  }

  private readonly touched = new Set<GatewayRec>();

  /**
   * The gateway's own configuration is unchanged: keep its IKE SA; tunnels whose VPN changed
   * lose their CHILD SA (Delete to the peer, `Tunnel configuration changed…`) and come back under
   * the new configuration; removed ones go, new ones join.
   */
  private reconcileTunnels(gw: GatewayRec, fresh: readonly TunnelRec[]): void {
    const result: TunnelRec[] = [];
    for (const f of fresh) {
      const o = gw.tunnels.find((x) => x.id === f.id);
      if (o && o.fingerprint === f.fingerprint) {
        result.push(o);
        continue;
      }
      const t: TunnelRec = { ...f, gateway: gw };
      if (o) {
        if (o.retryTimer) this.clock.clearTimeout(o.retryTimer);
        if (o.child || o.negotiating) this.addEvent(o, EVENTS.configChanged);
        if (o.child) this.retireChild(o.child, true);
        t.events = o.events;
        t.down = o.down;
        t.negotiations = o.negotiations;
        t.failures = o.failures;
        if (o.wanted && t.vpn.establishTunnels !== 'responder-only' && t.vpn.establishTunnels !== 'responder-only-no-rekey') t.wanted = true;
      }
      result.push(t);
    }
    for (const o of gw.tunnels) {
      if (result.includes(o) || fresh.some((f) => f.id === o.id)) continue;
      if (o.retryTimer) this.clock.clearTimeout(o.retryTimer);
      if (o.child) this.retireChild(o.child, true);
    }
    gw.tunnels.splice(0, gw.tunnels.length, ...result);
    this.touched.add(gw);
  }

  trigger(vpn: string): void {
    for (const gw of this.gateways.values()) {
      for (const t of gw.tunnels) {
        if (t.vpn.name !== vpn) continue;
        if (t.vpn.establishTunnels === 'responder-only' || t.vpn.establishTunnels === 'responder-only-no-rekey') continue;
        t.wanted = true;
        this.ensureTunnel(t);
      }
    }
  }

  /** Bring a tunnel up if nothing is under way for it. */
  private ensureTunnel(t: TunnelRec): void {
    if (this.stopped || t.child || t.negotiating) return;
    const gw = t.gateway;
    const sa = gw.ikeSa;
    if (sa && sa.state === 'established') {
      t.negotiating = true;
      t.negotiations++;
      sa.tasks.initiate(new CreateChildExchange(this, sa, t));
      return;
    }
    if (sa) return; // IKE SA under way: the tunnel is picked up when it is established
    if (gw.dynamic) return; // never initiated to: the peer's address is not known
    if (this.initiationQueue.has(gw)) return; // waiting for a slot: its wanted tunnels start with its IKE SA
    this.startIke(gw, t);
  }

  /** Initiator IKE SAs in IKE_SA_INIT or IKE_AUTH (at most maxInitiating). */
  private readonly initiating = new Set<IkeSa>();
  /**
   * Gateways waiting for an initiation slot, in the order they asked. Nothing of their tunnels
   * is marked: when the gateway's turn comes, every tunnel then wanted and idle starts.
   */
  private readonly initiationQueue = new Set<GatewayRec>();
  private drainScheduled = false;

  /**
   * An initiator SA left IKE_SA_INIT/IKE_AUTH: its slot goes to the next waiting gateway. The
   * queue is served once the current job is over (a microtask), never from the middle of a
   * configuration change or of an SA's removal.
   */
  private initiationOver(sa: IkeSa): void {
    if (!this.initiating.delete(sa) || this.initiationQueue.size === 0 || this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => this.serveInitiationQueue());
  }

  private serveInitiationQueue(): void {
    this.drainScheduled = false;
    while (this.initiating.size < this.maxInitiating && this.initiationQueue.size > 0 && !this.stopped) {
      const gw = this.initiationQueue.values().next().value as GatewayRec;
      this.initiationQueue.delete(gw);
      if (this.gateways.get(gw.name) !== gw) continue; // removed or replaced by a commit meanwhile
      // With an IKE SA (the peer's, come up meanwhile) the tunnels go over it or wait for it.
      for (const t of gw.tunnels) if (t.wanted && !t.child && !t.negotiating) this.ensureTunnel(t);
    }
  }

  private newSpi(): Uint8Array {
    for (;;) {
      const s = this.randomBytes(8);
      if (s.some((b) => b !== 0) && !this.sas.has(hex(s))) return new Uint8Array(s);
    }
  }

  private newSa(role: 'initiator' | 'responder', spiI: Uint8Array, gw: GatewayRec, local: IkeEndpoint, remote: IkeEndpoint, rekeyed = false): IkeSa {
    const tm = new TaskManager();
    const sa = new IkeSa(this.nextIndex++, role, spiI, gw, local, remote, tm, { host: this.lifecycleHost, rekeyed });
    this.onIkeSa?.(sa);
    tm.host = {
      clock: this.clock,
      encode: (type, response, messageId, payloads) => this.encode(sa, type, response, messageId, payloads),
      send: (packets, retransmission) => this.sendPackets(sa, packets, retransmission),
      alive: () => sa.state !== 'dead' && (sa.state !== 'connecting' || sa.initiator),
    };
    return sa;
  }

  private startIke(gw: GatewayRec, first: TunnelRec): void {
    if (this.initiating.size >= this.maxInitiating) {
      this.initiationQueue.add(gw);
      return;
    }
    const offer = buildIkePolicyOffer(gw.policy);
    if (!offer.ok) {
      this.recordDown(first, `IKE SA negotiation failed: ${offer.reason}`);
      return;
    }
    const sa = this.newSa('initiator', this.newSpi(), gw, { address: gw.local, port: 500 }, { address: gw.remote, port: 500 });
    sa.offer = offer.value.proposals;
    sa.firstTunnel = first;
    first.negotiating = true;
    first.negotiations++;
    gw.ikeSa = sa;
    this.sas.set(hex(sa.spiI), sa);
    this.initiating.add(sa);
    this.kernel.anchorGateway(gw.name, gw.local, gw.remote, gw.dynamic ? 'dynamic' : 'site-to-site');
    this.trace(`IKE SA ${sa.index} ${gw.name}: initiating to ${gw.remote} for VPN ${first.vpn.name}`);
    sa.tasks.initiate(new IkeInitExchange(this, sa));
  }

  // ---- sending ---------------------------------------------------------------------------

  private encode(sa: IkeSa, type: number, response: boolean, messageId: number, payloads: readonly Payload[]): Uint8Array[] {
    const header = { spiI: sa.spiI, spiR: sa.spiR, exchange: type, initiator: sa.initiator, response, messageId };
    const ordered = orderForEmission(type, response, payloads);
    if (type === ExchangeType.IKE_SA_INIT) return [encodeMessage({ header, payloads: ordered })];
    const bytes = encodeMessage({ header, inner: ordered }, { cipher: sa.sendCipher! });
    const family = sa.remote.address.includes(':') ? 6 : 4;
    // RFC 7383 §2.5.1: the size limits the whole IP datagram, so the IP header (no options), the
    // UDP header and, on port 4500, the non-ESP marker the transport adds count against it.
    const limit = fragmentationSize(sa.gateway.config, family) - (family === 6 ? 40 : 20) - 8 - (sa.local.port === 4500 ? 4 : 0);
    if (sa.peerFragmentation && sa.gateway.config.fragmentation.enabled && bytes.length > limit) {
      return fragmentMessage(header, ordered, sa.sendCipher!, { maxMessageSize: limit });
    }
    return [bytes];
  }

  private sendPackets(sa: IkeSa, packets: readonly Uint8Array[], retransmission: boolean): void {
    for (const p of packets) {
      const ok = this.deps.transport.send({ local: sa.local, remote: sa.remote, payload: p });
      if (!ok) this.reject('send-failed');
      this.sent++;
      sa.outPackets++;
      sa.outBytes += p.length;
    }
    if (retransmission) this.retransmitted++;
  }

  private sendRaw(local: IkeEndpoint, remote: IkeEndpoint, header: IkeHeader, spiR: Uint8Array, payloads: Payload[]): void {
    const bytes = encodeMessage({ header: { spiI: header.spiI, spiR, exchange: header.exchange, initiator: false, response: true, messageId: header.messageId }, payloads });
    this.deps.transport.send({ local, remote, payload: bytes });
    this.sent++;
  }

  // ---- receiving -------------------------------------------------------------------------

  receive(d: IkeDatagram): void {
    if (this.stopped) return;
    this.received++;
    try {
      this.dispatch(d);
    } catch (e) {
      // Nothing a peer sends may throw out of the daemon: count and log it.
      this.reject('internal-error');
      this.trace(`internal error on a message from ${d.remote.address}: ${(e as Error).message}`);
    }
  }

  private dispatch(d: IkeDatagram): void {
    const b = d.payload;
    const h = peekHeader(b);
    if (!h) {
      this.reject('truncated-header');
      return;
    }
    if (h.majorVersion > 2) {
      // §2.5: drop, and tell a requester which version we speak (whatever its SPIs).
      this.reject('major-version');
      if (!h.response) this.sendRaw(d.local, d.remote, h, h.spiR, [notify(NotifyType.INVALID_MAJOR_VERSION)]);
      return;
    }
    if (h.exchange === ExchangeType.IKE_SA_INIT && !h.response) {
      this.onInitRequest(d, h);
      return;
    }
    const ours = h.initiator ? h.spiR : h.spiI;
    const sa = this.sas.get(hex(ours));
    if (!sa || sa.state === 'dead' || (h.initiator ? sa.initiator : !sa.initiator)) {
      this.reject('unknown-spi');
      return;
    }
    if (h.exchange === ExchangeType.IKE_SA_INIT) {
      // IKE_SA_INIT response: unprotected; it must answer our pending request.
      if (!sa.initiator || sa.state !== 'connecting' || !sa.tasks.expects(h.messageId)) {
        this.reject('unexpected-response');
        return;
      }
      const v = decodeMessage(b);
      if (!v.ok) {
        this.reject(v.reason);
        return;
      }
      this.account(sa, d);
      sa.tasks.onResponse(v.message, v.message.payloads);
      return;
    }
    if (!sa.recvCipher) {
      this.reject('no-keys');
      return;
    }
    const v = decodeMessage(b, { cipher: sa.recvCipher });
    if (!v.ok) {
      this.reject(v.reason);
      if (v.action === 'notify' && !h.response) {
        if (v.notify === NotifyType.INVALID_MAJOR_VERSION) {
          // Unauthenticated: answered in the clear (§2.5), the window does not move.
          this.sendRaw(d.local, d.remote, h, h.spiR, [notify(v.notify, v.notifyData)]);
        } else if (sa.tasks.checkRequest(h.messageId) === 'new') {
          // Authenticated but malformed (§3.10.1): an encrypted error answer consumes the ID.
          sa.tasks.respond(h.exchange, h.messageId, [notify(v.notify!, v.notifyData)]);
          if (h.exchange === ExchangeType.IKE_AUTH && sa.state === 'authenticating') this.ikeFailed(sa, `IKE_AUTH request refused: ${v.detail}`, false);
        }
      }
      return;
    }
    let m: IkeMessage = v.message;
    if (m.fragment) {
      // RFC 7383 §2.6.1: collect only the fragments of the message the window expects. A fragment
      // of a request already answered brings the cached answer again if it is fragment 1, and is
      // ignored otherwise.
      if (h.response && !sa.tasks.expects(h.messageId)) {
        this.reject('unexpected-response');
        return;
      }
      const check = h.response ? 'new' : sa.tasks.checkRequest(h.messageId);
      if (check === 'retransmit') {
        this.account(sa, d);
        if (m.fragment.number === 1) sa.tasks.resendCached();
        return;
      }
      if (check === 'drop') {
        this.reject('message-id');
        return;
      }
      let r = this.reassemblers.get(sa);
      if (!r) this.reassemblers.set(sa, (r = new FragmentReassembler()));
      const res = r.add(m);
      if (res.state === 'pending') return;
      if (res.state === 'dropped') {
        this.reject(res.rejection.reason);
        return;
      }
      if (!res.verdict.ok) {
        this.reject(res.verdict.reason);
        return;
      }
      m = res.verdict.message;
    }
    this.account(sa, d);
    const payloads = m.inner ?? [];
    if (h.response) {
      if (!sa.tasks.expects(h.messageId)) {
        this.reject('unexpected-response');
        return;
      }
      sa.tasks.onResponse(m, payloads);
      return;
    }
    this.onRequest(sa, d, m, payloads);
  }

  private account(sa: IkeSa, d: IkeDatagram): void {
    sa.inPackets++;
    sa.inBytes += d.payload.length;
    sa.lastHeard = this.clock.now();
    // Behind a NAT, follow the peer's mapping (RFC 7296 §2.23).
    if (sa.nat && (d.remote.port !== sa.remote.port || d.remote.address !== sa.remote.address)) {
      sa.remote = d.remote;
      sa.local = d.local;
    }
  }

  private onRequest(sa: IkeSa, d: IkeDatagram, m: IkeMessage, payloads: readonly Payload[]): void {
    const id = m.header.messageId;
    const check = sa.tasks.checkRequest(id);
    if (check === 'retransmit') {
      sa.tasks.resendCached();
      return;
    }
    if (check === 'drop') {
      this.reject('message-id');
      return;
    }
    switch (m.header.exchange) {
      case ExchangeType.IKE_AUTH:
        if (sa.initiator || sa.state !== 'authenticating') {
          this.reject('unexpected-exchange');
          return;
        }
        if (sa.nat) {
          sa.local = d.local;
          sa.remote = d.remote;
        }
        this.respondAuth(sa, id, payloads);
        return;
      case ExchangeType.CREATE_CHILD_SA:
        if (sa.state !== 'established') {
          sa.tasks.respond(m.header.exchange, id, [notify(NotifyType.TEMPORARY_FAILURE)]);
          return;
        }
        this.respondCreateChild(sa, id, payloads);
        return;
      case ExchangeType.INFORMATIONAL: {
        if (sa.state !== 'established' && sa.state !== 'deleting' && sa.state !== 'rekeyed') {
          this.reject('unexpected-exchange');
          return;
        }
        if (payloads.some((x) => x.kind === 'notify' && x.notifyType === NotifyType.AUTHENTICATION_FAILED)) {
          sa.tasks.respond(ExchangeType.INFORMATIONAL, id, []);
          this.ikeFailed(sa, 'Authentication failed: peer answered AUTHENTICATION_FAILED (pre-shared key or IKE ID mismatch)', false);
          return;
        }
        const r = answerInformational(this, sa, payloads);
        sa.tasks.respond(ExchangeType.INFORMATIONAL, id, r.response);
        if (r.deleteIke) this.ikeDeletedByPeer(sa);
        return;
      }
      default:
        this.reject('unexpected-exchange');
    }
  }

  private findGateway(remote: string, local: string): GatewayRec | undefined {
    if (this.byPeerVersion !== this.gatewaysVersion) {
      this.byPeer.clear();
      for (const gw of this.gateways.values()) {
        for (const a of gw.config.addresses) {
          let list = this.byPeer.get(a);
          if (!list) this.byPeer.set(a, (list = []));
          list.push(gw);
        }
      }
      this.byPeerVersion = this.gatewaysVersion;
    }
    let fallback: GatewayRec | undefined;
    for (const gw of this.byPeer.get(remote) ?? []) {
      if (gw.local === local) return gw;
      fallback ??= gw;
    }
    return fallback;
  }

  private halfOpenCount(): number {
    return this.halfOpen.size;
  }

  private onInitRequest(d: IkeDatagram, h: IkeHeader): void {
    const key = `${d.remote.address}|${hex(h.spiI)}`;
    const existing = this.halfOpen.get(key);
    if (existing && existing.initRequest && equalBytes(existing.initRequest, d.payload)) {
      existing.tasks.resendCached();
      return;
    }
    const v = decodeMessage(d.payload);
    if (!v.ok) {
      this.reject(v.reason);
      if (v.action === 'notify') {
        const hdr = peekHeader(d.payload)!;
        this.sendRaw(d.local, d.remote, hdr, ZERO_SPI, [notify(v.notify!, v.notifyData)]);
      }
      return;
    }
    const m = v.message;
    const gw = this.findGateway(d.remote.address, d.local.address) ?? this.dynamic.templateFor(d.local.address, m.payloads);
    if (!gw) {
      this.reject('no-gateway');
      this.trace(`IKE_SA_INIT from ${d.remote.address}: no gateway is configured for this peer`);
      return;
    }
    if (this.halfOpenCount() >= this.cookieThreshold) {
      const nonce = find(m.payloads, 'nonce')!;
      const c = findCookie(m.payloads);
      if (!c || !this.cookies.verify(c, nonce.data, d.remote.address, h.spiI)) {
        this.sendRaw(d.local, d.remote, h, ZERO_SPI, [cookieNotify(this.cookies.make(nonce.data, d.remote.address, h.spiI))]);
        return;
      }
    }
    if (gw.ikeSa && gw.ikeSa.state !== 'dead' && gw.ikeSa.initiator && gw.ikeSa.state === 'connecting') {
      // Both ends started at once: keep ours going and answer theirs too (RFC 7296 allows two SAs).
    }
    const sa = this.newSa('responder', copy(h.spiI), gw, d.local, d.remote);
    const offer = buildIkePolicyOffer(gw.policy);
    if (!offer.ok) {
      this.sendRaw(d.local, d.remote, h, ZERO_SPI, [notify(NotifyType.NO_PROPOSAL_CHOSEN)]);
      this.gatewayDown(gw, `IKE SA negotiation failed: ${offer.reason}`);
      sa.signal({ type: 'FAILED', reason: `IKE SA negotiation failed: ${offer.reason}` });
      return;
    }
    sa.offer = offer.value.proposals;
    sa.peerFragmentation = m.payloads.some((p) => p.kind === 'notify' && p.notifyType === NotifyType.IKEV2_FRAGMENTATION_SUPPORTED);
    const ans = respondInit(this, sa, m.payloads);
    if (!ans.ok) {
      this.sendRaw(d.local, d.remote, h, ZERO_SPI, ans.payloads);
      if (ans.reason) this.gatewayDown(gw, ans.reason);
      // An answered COOKIE / INVALID_KE request or a refusal: nothing is kept of this SA.
      sa.signal({ type: 'FAILED', reason: ans.reason ?? 'IKE_SA_INIT answered with an error notify' });
      return;
    }
    sa.spiR = this.newSpi();
    if (gw.config.natTraversal) {
      const nat = checkNatDetection(m.payloads, sa.spiI, ZERO_SPI, d.local, d.remote);
      if (nat) {
        sa.natLocal = nat.local;
        sa.natRemote = nat.remote;
      }
    }
    const bytes = this.encode(sa, ExchangeType.IKE_SA_INIT, true, 0, initResponsePayloads(sa, m.payloads))[0]!;
    sa.initRequest = copy(d.payload);
    sa.initResponse = bytes;
    sa.deriveKeys(this.engine, ans.gir, this.ivSource);
    sa.tasks.seed(1, { messageId: 0, packets: [bytes] }, 0);
    this.sas.set(hex(sa.spiR), sa);
    this.halfOpen.set(key, sa);
    sa.halfOpenKey = key;
    // A dynamic gateway's peer is anchored when IKE_AUTH names its gateway.
    if (!gw.dynamic) this.kernel.anchorGateway(gw.name, gw.local, gw.remote, gw.dynamic ? 'dynamic' : 'site-to-site');
    sa.timers.push(
      this.clock.setTimeout(() => {
        if (sa.state === 'authenticating') {
          this.trace(`IKE SA ${sa.index} ${gw.name}: half-open SA from ${sa.remote.address} expired without IKE_AUTH`);
          this.removeSa(sa, { type: 'HALF_OPEN_EXPIRED' });
        }
      }, HALF_OPEN_TIMEOUT_MS),
    );
    this.sendPackets(sa, [bytes], false);
  }

  private respondAuth(sa: IkeSa, id: number, payloads: readonly Payload[]): void {
    if (sa.gateway.dynamic === 'template') {
      const refusal = this.dynamic.bind(sa, find(payloads, 'idi'));
      if (refusal) {
        // RFC 7296 §2.21.2: an IKE SA refused in IKE_AUTH is answered AUTHENTICATION_FAILED
        // (NO_ADDITIONAL_SAS is about CHILD SAs on an IKE SA that exists).
        this.reject(refusal.code);
        sa.tasks.respond(ExchangeType.IKE_AUTH, id, [notify(NotifyType.AUTHENTICATION_FAILED)]);
        this.ikeFailed(sa, refusal.line, false);
        return;
      }
    }
    const problem = verifyPeer(sa, find(payloads, 'idi'), find(payloads, 'auth'));
    if (problem) {
      sa.tasks.respond(ExchangeType.IKE_AUTH, id, [notify(NotifyType.AUTHENTICATION_FAILED)]);
      this.ikeFailed(sa, problem, false);
      return;
    }
    if (sa.gateway.dynamic === 'peer') {
      this.dynamic.admit(sa);
      // The same peer (address) of this dynamic gateway came again: its new IKE SA replaces the old.
      for (const other of [...this.gateways.values()]) {
        if (other === sa.gateway || other.dynamic !== 'peer' || other.config.name !== sa.gateway.config.name || other.remote !== sa.gateway.remote) continue;
        if (other.ikeSa) this.deleteIke(other.ikeSa, true, null, { type: 'DELETE', detail: `replaced by IKE SA ${sa.index} of the same peer` });
      }
    }
    const ourId = localIdentity(sa)!;
    const base: Payload[] = [idPayload('idr', ourId), { kind: 'auth', critical: false, method: AuthMethod.SHARED_KEY_MIC, data: authValue(sa, false, ourId) }];
    this.ikeEstablished(sa);
    if (!find(payloads, 'sa')) {
      sa.tasks.respond(ExchangeType.IKE_AUTH, id, base);
      return;
    }
    const choice = chooseChild(sa, payloads, false);
    if (!choice.ok) {
      sa.tasks.respond(ExchangeType.IKE_AUTH, id, [...base, notify(choice.notify)]);
      for (const t of choice.tunnels) this.childFailed(t, choice.reason);
      if (choice.tunnels.length === 0) this.trace(`IKE SA ${sa.index} ${sa.gateway.name}: ${choice.reason}`);
      return;
    }
    this.answerChild(sa, ExchangeType.IKE_AUTH, id, base, choice, sa.ni, sa.nr, null, undefined, []);
  }

  /** Install the chosen CHILD SA as responder, then answer (the held request). */
  private answerChild(
    sa: IkeSa,
    type: number,
    id: number,
    base: Payload[],
    choice: Extract<ReturnType<typeof chooseChild>, { ok: true }>,
    ni: Uint8Array,
    nr: Uint8Array,
    gir: Uint8Array | null,
    replaces: ChildSa | undefined,
    extra: Payload[],
  ): void {
    const tunnel = choice.tunnel;
    const spi = this.kernel.allocateSpi(protocolOf(tunnel));
    sa.tasks.hold(id);
    tunnel.negotiating = true;
    if (!replaces) tunnel.negotiations++;
    void installChild(this, {
      sa,
      tunnel,
      negotiated: choice.negotiated,
      inboundSpi: spi,
      outboundSpi: choice.negotiated.spi,
      ni,
      nr,
      gir,
      initiatorOfExchange: false,
      local: choice.tsr,
      remote: choice.tsi,
    }).then((r) => {
      tunnel.negotiating = false;
      if (sa.state === 'dead') {
        if (typeof r !== 'string') void this.kernel.remove(r.inboundSpi);
        return;
      }
      if (typeof r === 'string') {
        sa.tasks.respond(type, id, [...base, notify(NotifyType.NO_PROPOSAL_CHOSEN)]);
        this.childFailed(tunnel, r);
        return;
      }
      const ts: Payload[] = [
        { kind: 'tsi', critical: false, selectors: choice.tsi },
        { kind: 'tsr', critical: false, selectors: choice.tsr },
      ];
      sa.tasks.respond(type, id, [...base, { kind: 'sa', critical: false, proposals: [chosenWithSpi(choice.chosen, spi)] }, ...extra, ...ts]);
      this.childUp(sa, r, replaces, false);
    }).catch((e: unknown) => {
      // Never an unhandled rejection: a bug here is a failed negotiation with its reason.
      tunnel.negotiating = false;
      if (sa.state !== 'dead') sa.tasks.respond(type, id, [...base, notify(NotifyType.NO_PROPOSAL_CHOSEN)]);
      this.childFailed(tunnel, `IPsec SA negotiation failed: internal error: ${(e as Error).message}`);
    });
  }

  private respondCreateChild(sa: IkeSa, id: number, payloads: readonly Payload[]): void {
    const type = ExchangeType.CREATE_CHILD_SA;
    if (isIkeRekey(payloads)) {
      const r = answerIkeRekey(this, sa, payloads, () => this.newSpi());
      sa.tasks.respond(type, id, r.response);
      if (r.next) this.ikeRekeyed(sa, r.next, false);
      else this.trace(`IKE SA ${sa.index} ${sa.gateway.name}: ${r.reason}`);
      return;
    }
    const rekeyed = rekeyedChild(sa, payloads);
    if (rekeyed === null) {
      sa.tasks.respond(type, id, [notify(NotifyType.CHILD_SA_NOT_FOUND)]);
      return;
    }
    const nonce = find(payloads, 'nonce');
    if (!nonce) {
      sa.tasks.respond(type, id, [notify(NotifyType.INVALID_SYNTAX)]);
      return;
    }
    const choice = chooseChild(sa, payloads, true, rekeyed?.tunnel);
    if (!choice.ok) {
      sa.tasks.respond(type, id, [notify(choice.notify)]);
      for (const t of choice.tunnels) this.childFailed(t, choice.reason);
      return;
    }
    const group = choice.negotiated.pfsGroup?.id;
    const ke = find(payloads, 'ke');
    let gir: Uint8Array | null = null;
    const extra: Payload[] = [];
    if (group !== undefined) {
      if (!ke || ke.group !== group) {
        sa.tasks.respond(type, id, [notify(NotifyType.INVALID_KE_PAYLOAD, Uint8Array.of(group >>> 8, group & 0xff))]);
        return;
      }
      const x = this.dh.create(group as never);
      gir = x.computeShared(ke.data);
      if (!gir) {
        sa.tasks.respond(type, id, [notify(NotifyType.INVALID_SYNTAX)]);
        return;
      }
      extra.push({ kind: 'ke', critical: false, group, data: x.publicValue });
    }
    const nr = this.randomBytes(32);
    // Simultaneous rekey of the same CHILD SA (RFC 7296 §2.8.1): both go ahead; each side then
    // keeps the pair whose nonces are not the lowest and deletes the other (in childUp).
    this.answerChild(sa, type, id, [], choice, copy(nonce.data), nr, gir, rekeyed, [{ kind: 'nonce', critical: false, data: nr }, ...extra]);
  }

  // ---- outcomes (Core) -------------------------------------------------------------------

  keyed(sa: IkeSa): void {
    sa.signal({ type: 'INIT_DONE' });
    if (sa.nat) {
      // NAT-T (RFC 7296 §2.23): from IKE_AUTH on, both ends use UDP 4500.
      sa.local = { address: sa.local.address, port: 4500 };
      sa.remote = { address: sa.remote.address, port: 4500 };
    }
    sa.tasks.initiateFirst(new IkeAuthExchange(this, sa, sa.firstTunnel));
  }

  ikeEstablished(sa: IkeSa): void {
    sa.signal({ type: 'AUTH_DONE' });
    this.initiationOver(sa);
    const now = this.clock.now();
    sa.establishedAt = now;
    const life = ikeLifetimeSeconds(sa);
    sa.expiresAt = now + life * 1000;
    if (sa.halfOpenKey) this.halfOpen.delete(sa.halfOpenKey);
    sa.halfOpenKey = undefined;
    // Only AUTH needed these: free them (10,000 tunnels must fit in memory).
    sa.dh = undefined;
    sa.initRequest = undefined;
    sa.initResponse = undefined;
    const gw = sa.gateway;
    const previous = gw.ikeSa;
    gw.ikeSa = sa;
    if (previous && previous !== sa && previous.state === 'established') {
      // Two IKE SAs with one peer (both ends initiated at once): both ends keep the one with
      // the lower initiator SPI and delete the other a moment later (once its IKE_AUTH is over).
      const winner = preferredSa(previous, sa);
      const loser = winner === sa ? previous : sa;
      gw.ikeSa = winner;
      this.trace(`IKE SA ${loser.index} ${gw.name}: duplicate of IKE SA ${winner.index} with the same peer, deleting it`);
      this.clock.setTimeout(() => this.deleteIke(loser, true, null, { type: 'DELETE', detail: `duplicate of IKE SA ${winner.index}` }), DUPLICATE_DELETE_MS);
    } else if (previous && previous !== sa && previous.state !== 'dead') {
      // Our own attempt is still under way: it is judged when it completes.
      gw.ikeSa = previous.state === 'connecting' || previous.state === 'authenticating' ? sa : previous;
      if (gw.ikeSa === sa) gw.pending = previous;
    }
    this.trace(`IKE SA ${sa.index} ${gw.name}: ${EVENTS.ikeUp} (${sa.role.toLowerCase()}, peer ${sa.remote.address}:${sa.remote.port}${sa.nat ? ', NAT-T' : ''}, peer IKE ID ${sa.peerId ? identityText(sa.peerId) : '?'})`);
    for (const t of gw.tunnels) if (t.wanted || t.negotiating || t === sa.firstTunnel) this.addEvent(t, EVENTS.ikeUp);
    this.startSaTimers(sa);
    if (sa.initiator) {
      for (const t of gw.tunnels) if (t !== sa.firstTunnel && t.wanted && !t.child && !t.negotiating) this.ensureTunnel(t);
    }
  }

  /** ESP packets in and out over all CHILD SAs of an IKE SA (the kernel's counters). */
  private espTotals(sa: IkeSa): { in: number; out: number } {
    let i = 0;
    let o = 0;
    for (const c of sa.children) {
      const k = this.kernel.counters(c.inboundSpi);
      if (k) {
        i += k.inboundPackets;
        o += k.outboundPackets;
      }
    }
    return { in: i, out: o };
  }

  private startSaTimers(sa: IkeSa): void {
    const gw = sa.gateway.config;
    if (sa.natLocal && gw.natTraversal && gw.natKeepalive > 0) {
      const tick = (): void => {
        if (sa.state !== 'established') return;
        this.deps.transport.sendKeepalive(sa.local, sa.remote);
        sa.timers.push(this.clock.setTimeout(tick, gw.natKeepalive * 1000));
      };
      sa.timers.push(this.clock.setTimeout(tick, gw.natKeepalive * 1000));
    }
    const dpd = gw.deadPeerDetection;
    if (dpd) {
      const interval = dpd.interval * 1000;
      // Junos modes: always-send probes every interval; probe-idle-tunnel when nothing came or
      // went (IKE or ESP) for an interval; optimized (the default) only when ESP went out but
      // nothing came back. The peer is down after `threshold` unanswered probes, interval apart.
      let last = this.espTotals(sa);
      const tick = (): void => {
        if (sa.state !== 'established') return;
        const now = this.espTotals(sa);
        const heard = this.clock.now() - sa.lastHeard < interval;
        const inbound = now.in !== last.in;
        const outbound = now.out !== last.out;
        last = now;
        const probe = dpd.mode === 'always-send' || (dpd.mode === 'probe-idle-tunnel' ? !heard && !inbound && !outbound : !heard && !inbound && outbound);
        if (probe && sa.tasks.idle) sa.tasks.initiate(new DpdExchange(this, sa, interval, Math.max(0, dpd.threshold - 1)));
        sa.timers.push(this.clock.setTimeout(tick, interval));
      };
      sa.timers.push(this.clock.setTimeout(tick, interval));
    }
    // IKE SA lifetime: rekey at 90 % (the original initiator) or 95 % (the responder, so that
    // both rarely start at once); at expiry without a rekey, re-establish.
    const life = sa.expiresAt - this.clock.now();
    sa.timers.push(this.clock.setTimeout(() => this.rekeyIke(sa), Math.floor(life * (sa.initiator ? SOFT_LIFETIME_FRACTION : SOFT_LIFETIME_FRACTION + RESPONDER_REKEY_DELAY))));
    sa.timers.push(
      this.clock.setTimeout(() => {
        if (sa.state !== 'established') return;
        this.trace(`IKE SA ${sa.index} ${sa.gateway.name}: lifetime expired, re-establishing`);
        const tunnels = sa.gateway.tunnels.filter((t) => t.child || t.wanted);
        this.deleteIke(sa, true, null, { type: 'DELETE', detail: 'lifetime expired' });
        for (const t of tunnels) if (t.wanted) this.ensureTunnel(t);
      }, life),
    );
  }

  ikeFailed(sa: IkeSa, reason: string, tellPeer: boolean): void {
    if (sa.state === 'dead') return;
    const gw = sa.gateway;
    const wasUp = sa.state === 'established';
    this.trace(`IKE SA ${sa.index} ${gw.name}: ${reason}`);
    const affected = gw.tunnels.filter(
      (t) => (t.negotiating || t.child?.ikeSa === sa || (!wasUp && !t.child && (t.wanted || !sa.initiator)) || t === sa.firstTunnel) && !(t.child && t.child.ikeSa !== sa && t.child.state !== 'deleted'),
    );
    if (tellPeer && !wasUp && sa.sendCipher && sa.state === 'authenticating') {
      // RFC 7296 §2.21.2: the initiator that rejects the responder's AUTH says so in a separate
      // INFORMATIONAL exchange, then forgets the SA.
      this.sendPackets(sa, this.encode(sa, ExchangeType.INFORMATIONAL, false, sa.tasks.nextRequestId, [notify(NotifyType.AUTHENTICATION_FAILED)]), false);
    }
    this.deleteIke(sa, tellPeer && wasUp, null, failureEvent(reason));
    for (const t of affected) {
      t.negotiating = false;
      this.recordDown(t, reason);
      this.scheduleRetry(t);
    }
  }

  private gatewayDown(gw: GatewayRec, reason: string): void {
    this.trace(`gateway ${gw.name}: ${reason}`);
    for (const t of gw.tunnels) if (!t.child) this.recordDown(t, reason);
  }

  childFailed(tunnel: TunnelRec, reason: string): void {
    tunnel.negotiating = false;
    this.trace(`tunnel ${tunnel.id} VPN ${tunnel.vpn.name}: ${reason}`);
    this.recordDown(tunnel, reason);
    this.scheduleRetry(tunnel);
  }

  childUp(sa: IkeSa, child: ChildSa, replaces?: ChildSa, initiated = true): void {
    const t = child.tunnel;
    const isRekey = replaces !== undefined;
    t.negotiating = false;
    if (sa.state === 'dead') {
      void this.kernel.remove(child.inboundSpi);
      return;
    }
    const current = t.child;
    if (current && current !== replaces && current.state === 'installed' && !replaces) {
      if (current.ikeSa !== sa && current.ikeSa.state !== 'dead' && preferredSa(current.ikeSa, sa) === current.ikeSa) {
        // A pair on a duplicate IKE SA (both ends initiated): the tunnel keeps the pair of the
        // IKE SA both ends keep; this one goes with its IKE SA.
        sa.children.push(child);
        sa.childrenCreated++;
        return;
      }
      // Two pairs for one tunnel: keep the one on the preferred IKE SA (or the newer one).
      this.retireChild(current, current.ikeSa === sa);
    }
    sa.children.push(child);
    sa.childrenCreated++;
    if (replaces && replaces.successor && replaces.successor.state !== 'deleted') {
      // Simultaneous rekey (RFC 7296 §2.8.1): two new pairs replace one. The one made with the
      // lowest of the four nonces goes, deleted by whoever created it; the other stays.
      const rival = replaces.successor;
      const loser = compareBytes(child.lowestNonce, rival.lowestNonce) < 0 ? child : rival;
      const winner = loser === child ? rival : child;
      this.trace(`tunnel ${t.id} VPN ${t.vpn.name}: simultaneous rekey, keeping SPI ${winner.inboundSpi.toString(16).padStart(8, '0')}`);
      t.child = winner;
      if (loser.initiated) this.retireChild(loser, true);
      else {
        loser.state = 'rekeyed';
        if (loser.softTimer) this.clock.clearTimeout(loser.softTimer);
        loser.softTimer = this.clock.setTimeout(() => this.retireChild(loser, false), REKEYED_GRACE_MS);
      }
      if (winner !== child) return; // the rival is already up, with its timers and event
      // The old pair was dealt with when the rival arrived; the winner's creator deletes it.
      if (winner.initiated && replaces.state !== 'deleted') this.retireChild(replaces, true);
      replaces = undefined;
      initiated = false;
    } else if (replaces) replaces.successor = child;
    t.child = child;
    if (t.down) t.down = null;
    this.addEvent(t, isRekey ? EVENTS.ipsecRekey : EVENTS.ipsecUp);
    this.trace(`tunnel ${t.id} VPN ${t.vpn.name}: ${isRekey ? EVENTS.ipsecRekey : EVENTS.ipsecUp} (SPI in ${child.inboundSpi.toString(16).padStart(8, '0')}, out ${child.outboundSpi.toString(16).padStart(8, '0')}, ${child.localTs} <-> ${child.remoteTs}${child.udpEncapsulation ? ', UDP-encapsulated' : ''})`);
    const now = this.clock.now();
    const soft = sa.initiator ? child.softAt : child.softAt + Math.floor(child.lifetimeSeconds * 1000 * RESPONDER_REKEY_DELAY);
    child.softTimer = this.clock.setTimeout(() => this.rekeyChild(child), Math.max(0, soft - now));
    child.hardTimer = this.clock.setTimeout(() => this.expireChild(child), child.lifetimeSeconds * 1000);
    if (child.lifetimeKilobytes !== undefined) this.watchVolume(child);
    if (replaces && replaces.state !== 'deleted') {
      if (initiated) this.retireChild(replaces, true);
      else {
        // The rekey's initiator deletes the old pair (§2.8); if it never does, we do.
        replaces.state = 'rekeyed';
        if (replaces.softTimer) this.clock.clearTimeout(replaces.softTimer);
        replaces.softTimer = this.clock.setTimeout(() => this.retireChild(replaces, false), REKEYED_GRACE_MS);
      }
    }
  }

  /** lifetime-kilobytes: poll the kernel's counters and rekey at the soft fraction of the volume. */
  private watchVolume(child: ChildSa): void {
    const limit = child.lifetimeKilobytes! * 1024;
    const tick = (): void => {
      if (child.state !== 'installed' || child.tunnel.child !== child) return;
      const c = this.kernel.counters(child.inboundSpi);
      const used = c ? c.inboundBytes + c.outboundBytes : 0;
      if (used >= limit) {
        this.trace(`tunnel ${child.tunnel.id} VPN ${child.tunnel.vpn.name}: lifetime-kilobytes reached, IPsec SA expired`);
        this.expireChild(child);
        return;
      }
      if (used >= limit * SOFT_LIFETIME_FRACTION) {
        if (child.softTimer) this.clock.clearTimeout(child.softTimer);
        this.rekeyChild(child);
        return;
      }
      this.clock.setTimeout(tick, VOLUME_POLL_MS);
    };
    this.clock.setTimeout(tick, VOLUME_POLL_MS);
  }

  /** Rekey a CHILD SA now (its soft lifetime timer calls this; tests call it directly). */
  rekeyChild(child: ChildSa): void {
    child.softTimer = undefined;
    const sa = child.ikeSa;
    const t = child.tunnel;
    if (child.state !== 'installed' || sa.state !== 'established' || t.child !== child) return;
    if (t.vpn.establishTunnels === 'responder-only-no-rekey') return;
    child.state = 'rekeying';
    t.negotiating = true;
    sa.tasks.initiate(new CreateChildExchange(this, sa, t, child));
  }

  private expireChild(child: ChildSa): void {
    child.hardTimer = undefined;
    if (child.state === 'deleted') return;
    const t = child.tunnel;
    this.retireChild(child, true);
    if (t.wanted) this.ensureTunnel(t);
  }

  /** Delete a CHILD SA: tell the peer (when asked and possible), then remove it from the kernel. */
  private retireChild(child: ChildSa, tellPeer: boolean): void {
    if (child.state === 'deleted') return;
    child.state = 'deleted';
    if (child.softTimer) this.clock.clearTimeout(child.softTimer);
    if (child.hardTimer) this.clock.clearTimeout(child.hardTimer);
    const sa = child.ikeSa;
    sa.children = sa.children.filter((c) => c !== child);
    sa.childrenDeleted++;
    if (child.tunnel.child === child) child.tunnel.child = undefined;
    const remove = (): void => void this.kernel.remove(child.inboundSpi);
    if (tellPeer && sa.state === 'established') sa.tasks.initiate(new DeleteExchange(sa, [child], () => undefined));
    remove();
  }

  childDeletedByPeer(_sa: IkeSa, child: ChildSa): void {
    const t = child.tunnel;
    this.trace(`tunnel ${t.id} VPN ${t.vpn.name}: peer deleted the IPsec SA (SPI ${child.outboundSpi.toString(16).padStart(8, '0')})`);
    const wasCurrent = t.child === child;
    this.retireChild(child, false);
    if (wasCurrent) {
      this.addEvent(t, EVENTS.peerDeletedIpsec);
      this.recordDown(t, EVENTS.peerDeletedIpsec);
      // establish-tunnels immediately: bring it back at once (queued after our answer).
      if (t.vpn.establishTunnels === 'immediately') queueMicrotask(() => this.ensureTunnel(t));
    }
  }

  ikeDeletedByPeer(sa: IkeSa): void {
    this.trace(`IKE SA ${sa.index} ${sa.gateway.name}: peer deleted the IKE SA`);
    const tunnels = sa.gateway.tunnels.filter((t) => t.child?.ikeSa === sa);
    this.deleteIke(sa, false, null, { type: 'PEER_DELETED' });
    for (const t of tunnels) {
      this.addEvent(t, EVENTS.peerDeletedIke);
      this.recordDown(t, EVENTS.peerDeletedIke);
      this.scheduleRetry(t);
    }
  }

  /** The IKE SA was rekeyed into `next`: children move over, the old SA waits for its Delete. */
  ikeRekeyed(old: IkeSa, next: IkeSa, started: boolean): void {
    next.rekeyedByUs = started;
    const rival = old.successor;
    if (rival && rival.state !== 'dead') {
      this.rekeyCollision(old, rival, next);
      return;
    }
    old.successor = next;
    const life = ikeLifetimeSeconds(next) * 1000;
    adopt(next, old, this.clock.now(), life);
    for (const t of old.timers) this.clock.clearTimeout(t as TimerHandle);
    old.timers = [];
    this.sas.set(hex(next.ourSpi), next);
    if (old.gateway.ikeSa === old) old.gateway.ikeSa = next;
    for (const t of next.gateway.tunnels) if (t.child?.ikeSa === next) this.addEvent(t, EVENTS.ikeRekey);
    this.trace(`IKE SA ${old.index} ${old.gateway.name}: ${EVENTS.ikeRekey} (new IKE SA ${next.index}, SPIs ${hex(next.spiI)}/${hex(next.spiR)})`);
    this.startSaTimers(next);
    // Requests still queued on the old SA are started again on the new one.
    for (const x of old.tasks.drain()) {
      if (!(x instanceof CreateChildExchange)) continue;
      x.tunnel.negotiating = false;
      const r = x.rekeying;
      if (r && r.state === 'rekeying') {
        r.state = 'installed';
        queueMicrotask(() => this.rekeyChild(r));
      } else queueMicrotask(() => this.ensureTunnel(x.tunnel));
    }
    if (started) {
      // We started the rekey: delete the old SA (its children are gone from it already).
      old.signal({ type: 'DELETE', detail: 'rekeyed' });
      old.tasks.initiate(new DeleteExchange(old, 'ike', () => this.removeSa(old)));
    } else {
      // The peer started it and will delete the old SA; forget it if it never does.
      old.timers.push(this.clock.setTimeout(() => this.removeSa(old), REKEYED_GRACE_MS));
    }
  }

  /**
   * Both ends rekeyed the same IKE SA at once (RFC 7296 §2.8.2): of the two new SAs, the one
   * with the lowest of the four nonces goes, deleted by the end that created it; the old SA is
   * deleted by the creator of the survivor. `rival` was adopted first (it holds the children).
   */
  private rekeyCollision(old: IkeSa, rival: IkeSa, next: IkeSa): void {
    const low = (x: IkeSa): Uint8Array => (compareBytes(x.ni, x.nr) <= 0 ? x.ni : x.nr);
    const loser = compareBytes(low(next), low(rival)) < 0 ? next : rival;
    const winner = loser === next ? rival : next;
    this.trace(`IKE SA ${old.index} ${old.gateway.name}: simultaneous IKE SA rekey, keeping SPIs ${hex(winner.spiI)}/${hex(winner.spiR)}`);
    const now = this.clock.now();
    if (winner === next) {
      // Move everything from the first successor to this one.
      adopt(next, rival, now, ikeLifetimeSeconds(next) * 1000);
      for (const t of rival.timers) this.clock.clearTimeout(t as TimerHandle);
      rival.timers = [];
      this.sas.set(hex(next.ourSpi), next);
      if (old.gateway.ikeSa === rival) old.gateway.ikeSa = next;
      this.startSaTimers(next);
    } else {
      // `next` was born established (a rekeyed SA) and never adopted the children.
      next.establishedAt = now;
      this.sas.set(hex(next.ourSpi), next);
    }
    // The loser: its creator deletes it; the other end forgets it if that Delete never comes.
    if (loser.rekeyedByUs) {
      loser.signal({ type: 'DELETE', detail: 'simultaneous rekey: the other IKE SA stays' });
      loser.tasks.initiate(new DeleteExchange(loser, 'ike', () => this.removeSa(loser)));
    }
    else loser.timers.push(this.clock.setTimeout(() => this.removeSa(loser), REKEYED_GRACE_MS));
    // The old SA: deleted by the creator of the survivor.
    for (const t of old.timers) this.clock.clearTimeout(t as TimerHandle);
    old.timers = [];
    if (winner.rekeyedByUs) {
      old.signal({ type: 'DELETE', detail: 'rekeyed' });
      old.tasks.initiate(new DeleteExchange(old, 'ike', () => this.removeSa(old)));
    }
    else old.timers.push(this.clock.setTimeout(() => this.removeSa(old), REKEYED_GRACE_MS));
  }

  newRekeyedSa(old: IkeSa, role: 'initiator' | 'responder', spiI: Uint8Array): IkeSa {
    return this.newSa(role, spiI, old.gateway, old.local, old.remote, true);
  }

  /** Rekey the IKE SA now (its lifetime timer calls this; tests call it directly). */
  rekeyIke(sa: IkeSa): void {
    if (sa.state !== 'established') return;
    sa.signal({ type: 'REKEY_START' });
    sa.tasks.initiate(
      new IkeRekeyExchange(this, sa, () => this.newSpi(), (next, reason) => {
        if (next) this.ikeRekeyed(sa, next, true);
        else {
          sa.signal({ type: 'REKEY_FAILED' });
          this.trace(`IKE SA ${sa.index} ${sa.gateway.name}: ${reason}; the SA will be re-established at its expiry`);
        }
      }),
    );
  }

  /** Delete an IKE SA and its CHILD SAs: INFORMATIONAL Delete to the peer when `tellPeer`, then local removal. */
  private deleteIke(sa: IkeSa, tellPeer: boolean, event: string | null, end: IkeSaEvent): void {
    if (sa.state === 'dead') return;
    const wasUp = sa.state === 'established';
    for (const c of [...sa.children]) {
      if (event) this.addEvent(c.tunnel, event);
      this.retireChild(c, false);
    }
    if (tellPeer && wasUp) {
      // Send the Delete once, without waiting for the answer (the SA is gone on our side).
      const payloads: Payload[] = [{ kind: 'delete', critical: false, protocol: 1, spis: [] }];
      const id = sa.tasks.nextRequestId;
      this.sendPackets(sa, this.encode(sa, ExchangeType.INFORMATIONAL, false, id, payloads), false);
    }
    this.removeSa(sa, end);
  }

  /** Forget an IKE SA: its lifecycle ends (with `end`, else as it stands), timers and tasks stop. */
  private removeSa(sa: IkeSa, end?: IkeSaEvent): void {
    if (end) sa.signal(end);
    this.initiationOver(sa);
    sa.signal({ type: 'REMOVED' });
    sa.tasks.stop();
    for (const t of sa.timers) this.clock.clearTimeout(t as TimerHandle);
    sa.timers = [];
    for (const c of [...sa.children]) this.retireChild(c, false);
    this.sas.delete(hex(sa.ourSpi));
    if (sa.halfOpenKey) this.halfOpen.delete(sa.halfOpenKey);
    const gw = sa.gateway;
    if (gw.pending === sa) gw.pending = undefined;
    if (gw.ikeSa === sa) {
      gw.ikeSa = gw.pending && gw.pending.state !== 'dead' ? gw.pending : undefined;
      gw.pending = undefined;
    }
    for (const t of gw.tunnels) if (t.child?.ikeSa === sa) t.child = undefined;
    // Nothing was anchored for a template or for a peer that never authenticated.
    if (gw.dynamic === 'template' || (gw.dynamic === 'peer' && this.dynamic.pending(gw))) return;
    if (gw.dynamic === 'peer' && !gw.ikeSa && this.gateways.get(gw.name) === gw) {
      // A dynamic peer lives as long as its IKE SA.
      for (const t of gw.tunnels) if (t.retryTimer) this.clock.clearTimeout(t.retryTimer);
      this.gateways.delete(gw.name);
      this.gatewaysVersion++;
    }
    if (!gw.ikeSa && this.gateways.get(gw.name) !== gw) this.kernel.releaseGateway(gw.name);
  }

  private scheduleRetry(t: TunnelRec): void {
    if (this.stopped || t.vpn.establishTunnels !== 'immediately' || t.retryTimer || this.gateways.get(t.gateway.name) !== t.gateway) return;
    t.retryTimer = this.clock.setTimeout(() => {
      t.retryTimer = undefined;
      if (this.gateways.get(t.gateway.name) === t.gateway) this.ensureTunnel(t);
    }, RETRY_IMMEDIATE_MS);
  }

  private recordDown(t: TunnelRec, reason: string): void {
    t.failures++;
    if (t.down && t.down.reason === reason) t.down.count++;
    else t.down = { reason, count: 1 };
    if (reason === NO_RESPONSE || reason === EVENTS.dpdDown) this.addEvent(t, reason);
  }

  private addEvent(t: TunnelRec, text: string): void {
    const now = this.clock.now();
    const top = t.events[0];
    if (top && top.text === text) t.events[0] = { at: now, text, count: top.count + 1 };
    else {
      const i = t.events.findIndex((e) => e.text === text);
      const count = i >= 0 ? t.events[i]!.count + 1 : 1;
      if (i >= 0) t.events.splice(i, 1);
      t.events.unshift({ at: now, text, count });
    }
  }

  // ---- operator commands -----------------------------------------------------------------

  clearIke(filter: { readonly peer?: string; readonly index?: number } = {}): number {
    let n = 0;
    for (const sa of [...new Set(this.sas.values())]) {
      if (filter.peer !== undefined && sa.remote.address !== filter.peer) continue;
      if (filter.index !== undefined && sa.index !== filter.index) continue;
      n++;
      const tunnels = sa.gateway.tunnels.filter((t) => t.child?.ikeSa === sa || t.negotiating);
      this.trace(`IKE SA ${sa.index} ${sa.gateway.name}: ${EVENTS.userClearedIke}`);
      for (const t of tunnels) this.addEvent(t, EVENTS.userClearedIke);
      this.deleteIke(sa, true, null, { type: 'DELETE', detail: EVENTS.userClearedIke });
      for (const t of tunnels) t.negotiating = false;
      for (const t of sa.gateway.tunnels) if (t.vpn.establishTunnels === 'immediately') this.ensureTunnel(t);
    }
    return n;
  }

  clearIpsec(filter: { readonly index?: number } = {}): number {
    let n = 0;
    for (const gw of this.gateways.values()) {
      for (const t of gw.tunnels) {
        if (filter.index !== undefined && t.id !== filter.index) continue;
        const c = t.child;
        if (!c) continue;
        n++;
        this.addEvent(t, EVENTS.userClearedIpsec);
        this.retireChild(c, true);
        if (t.vpn.establishTunnels === 'immediately') this.ensureTunnel(t);
      }
    }
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.initiationQueue.clear();
    const removals: Promise<void>[] = [];
    for (const sa of [...new Set(this.sas.values())]) {
      for (const c of [...sa.children]) {
        c.state = 'deleted';
        if (c.softTimer) this.clock.clearTimeout(c.softTimer);
        if (c.hardTimer) this.clock.clearTimeout(c.hardTimer);
        removals.push(this.kernel.remove(c.inboundSpi));
      }
      sa.children = [];
      this.removeSa(sa, { type: 'DELETE', detail: 'daemon stopped' });
    }
    for (const gw of this.gateways.values()) {
      for (const t of gw.tunnels) {
        if (t.retryTimer) this.clock.clearTimeout(t.retryTimer);
        t.child = undefined;
      }
      this.kernel.releaseGateway(gw.name);
    }
    this.actor.send({ type: 'STOP' });
    await Promise.all(removals);
  }

  // ---- views -----------------------------------------------------------------------------

  counters(): IkeDaemonCounters {
    return countersView({ received: this.received, sent: this.sent, retransmitted: this.retransmitted, rejected: this.rejected });
  }

  ikeKeys(): IkeSaKeyEntry[] {
    return ikeKeysView(this.ikeSaObjects());
  }

  /** The configuration in force. */
  get configuration(): IkeConfigModel | undefined {
    return this.model;
  }

  /** Which daemon flavour options it runs with. */
  get flavourOptions(): FlavourOptions {
    return this.opts;
  }

  /** Every IKE SA (for tests and tools): index → SA. */
  ikeSaObjects(): IkeSa[] {
    return [...new Set(this.sas.values())];
  }

  tunnelObjects(): TunnelRec[] {
    return [...this.gateways.values()].flatMap((g) => g.tunnels);
  }

  ikeSas(): IkeSaView[] {
    return ikeSasView(this.ikeSaObjects(), this.clock.now());
  }

  tunnels(): IpsecTunnelView[] {
    return tunnelsView(this.tunnelObjects(), this.clock.now(), (spi) => this.kernel.counters(spi));
  }

  inactiveTunnels(): InactiveTunnelsView {
    return inactiveTunnelsView(this.tunnelObjects());
  }
}

/** Of two IKE SAs with one peer, the one both ends keep: the lower initiator SPI. */
function preferredSa(a: IkeSa, b: IkeSa): IkeSa {
  return compareBytes(a.spiI, b.spiI) <= 0 ? a : b;
}

/** A duplicate IKE SA is deleted this long after it is detected (its IKE_AUTH completes first). */
const DUPLICATE_DELETE_MS = 1000;

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Load the engines of `deps.engine` and build the daemon. */
export async function createIkeDaemon(flavour: FlavourOptions, deps: IkeDaemonDeps, options: DaemonOptions = {}): Promise<SharedIkeDaemon> {
  const [engine, dh] = await Promise.all([loadEngine(deps.engine), loadDhEngine(deps.engine)]);
  return new SharedIkeDaemon(flavour, deps, engine, dh, options);
}
