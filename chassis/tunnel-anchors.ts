/**
 * Where IKE gateways and IPsec tunnels are anchored: a pure, deterministic table implementing the
 * seed's rules ("Distribution of IKE and IPsec Sessions Across SPUs" and "VPN Support for
 * Inserting Services Processing Cards"). It knows SPUs only as opaque ids with a descriptor
 * (fpc, pic, flow RT threads, eligible, SPC3 or not, boot or hot), so the IKE daemons and the
 * manual-VPN layer can share it without depending on each other. Ties go to the injected
 * seeded `Random`.
 *
 * The rules, as implemented:
 *  - Site-to-site gateways and manual tunnels go to the least-loaded eligible SPU ("load
 *    corresponds to the number of site-to-site gateways or manual VPN tunnels anchored on an
 *    SPU"); ties are broken by the random source (chassis/anchor.ts `leastLoaded`).
 *  - Every tunnel of a gateway lives on the SPU of that gateway's IKE SA ("all IPsec sessions
 *    that run over a single IKE gateway are serviced by the same SPU").
 *  - Dynamic (dial-up / AutoVPN) gateways take the eligible SPUs in turn, ordered by (fpc, pic),
 *    continuing after the SPU the previous dynamic gateway took ("round-robin algorithm").
 *  - With an SPC3 among the known SPUs the balancing unit is the flow RT thread: the SPU with the
 *    lowest "Number of tunnels anchored on the SPU / Total number of flow RT threads" wins.
 *    Counted as tunnels: every tunnel anchored there, plus one for each gateway there that has
 *    no tunnel yet (its first tunnel is on its way; without this, gateways anchored in a burst
 *    before their tunnels would all tie at 0). Site-to-site gateways and manual tunnels whose
 *    local+remote address pair is already anchored on an eligible SPU go to that SPU.
 *  - Each tunnel gets a flow RT thread of its SPU: the least-used thread not already used by a
 *    tunnel of the same local+remote pair ("on different flow RT threads"); when the pair
 *    already uses every thread, the least-used thread; ties go to the lowest thread id. Threads
 *    are numbered 0..flowThreads-1 (a Juniper test library shows ids 0–23 on one SPU).
 *  - A tunnel whose VPN names a `security distribution-profile` goes to the profile's
 *    (fpc, pic, thread-id) entities in their configured order, successive tunnels of the
 *    profile taking successive entities. An entity whose SPU is unknown or not eligible is
 *    skipped; a thread-id the SPU does not have (the configuration allows 1..27) gives the
 *    least-used thread of that SPU instead; when no entity is usable the default rules apply
 *    and the tunnel is not marked as placed by the profile.
 *  - Anchors never move. A 'hot' SPU (hot-inserted or onlined after boot) takes only gateways
 *    and tunnels established after it joined; one established before (and released by a failed
 *    SPU) goes there only when no other eligible SPU is left (emulator choice: rather than
 *    staying down).
 *  - `release(spu)`: the SPU failed. It is no longer eligible; its gateways, its tunnels and
 *    the tunnels of its gateways (their IKE SA is gone) are dropped and returned, and
 *    `reanchor` places them again by the same rules when they come back.
 */
import type { Card, Spu } from '../cards/card.js';
import type { TunnelDistributionRow, TunnelDistributionSummaryRow, TunnelMapRow, TunnelMapSummaryRow } from '../ike/status.js';
import type { Random } from '../sim/random.js';
import { leastLoaded } from './anchor.js';

export interface SpuDescriptor<S> {
  readonly id: S;
  readonly fpc: number;
  readonly pic: number;
  /** Flow RT threads the SPU runs (cards/kinds.ts `flowThreadsPerSpu`). */
  readonly flowThreads: number;
  /** May anchor gateways and tunnels now (online, thread running, card active). */
  readonly eligible: boolean;
  /** An SPU of an SPC3: its presence makes the flow RT thread the balancing unit. */
  readonly spc3?: boolean;
  /** 'hot': joined after the node booted (cards/card.ts `SpuOrigin`). Default 'boot'. */
  readonly origin?: 'boot' | 'hot';
}

export type GatewayKind = 'site-to-site' | 'dynamic';
export type TunnelKind = GatewayKind | 'manual';
export type Balancing = 'spu' | 'flow-thread';

export interface GatewayRequest {
  readonly name: string;
  readonly kind: GatewayKind;
  readonly local: string;
  readonly remote: string;
}

export interface GatewayAnchor<S> extends GatewayRequest {
  /** Stable per gateway name (the `Gateway ID` of `show security ike tunnel-map`). */
  readonly gatewayId: number;
  readonly spu: S;
  readonly fpc: number;
  readonly pic: number;
}

export interface TunnelRequest {
  /** The daemon's tunnel id (131073… with kmd, 500001… with iked). */
  readonly id: number;
  readonly vpn: string;
  /** The IKE gateway carrying the tunnel; absent for a manual-key VPN. */
  readonly gateway?: string;
  readonly local: string;
  readonly remote: string;
  /** `security ipsec vpn V distribution-profile NAME`. */
  readonly distributionProfile?: string;
}

export interface TunnelAnchor<S> extends TunnelRequest {
  readonly kind: TunnelKind;
  readonly spu: S;
  readonly fpc: number;
  readonly pic: number;
  /** Flow RT thread (RPC field `sa-pair-anchor-thread`). */
  readonly thread: number;
  /** The distribution profile that placed the tunnel; null when the default rules did. */
  readonly profile: string | null;
}

/** `set security distribution-profile profile-entity NAME fpc F pic P thread-id [T …]`. */
export interface DistributionProfile {
  readonly name: string;
  /** In configuration order; no thread ids = any thread of that SPU. */
  readonly entities: readonly { readonly fpc: number; readonly pic: number; readonly threadIds?: readonly number[] }[];
}

export interface SpuLoad<S> {
  readonly spu: S;
  readonly fpc: number;
  readonly pic: number;
  readonly flowThreads: number;
  readonly eligible: boolean;
  /** Site-to-site gateways anchored here. */
  readonly siteToSiteGateways: number;
  readonly dynamicGateways: number;
  readonly manualTunnels: number;
  /** Every tunnel anchored here. */
  readonly tunnels: number;
  /** The seed's SPU load: site-to-site gateways + manual tunnels. */
  readonly load: number;
  /** The seed's tunnel load factor (tunnels, gateways without a tunnel counted as one, / threads). */
  readonly loadFactor: number;
}

export interface Released<S> {
  readonly spu: S;
  readonly gateways: readonly GatewayAnchor<S>[];
  readonly tunnels: readonly TunnelAnchor<S>[];
}

export interface Reanchored<S> {
  readonly gateways: readonly GatewayAnchor<S>[];
  readonly tunnels: readonly TunnelAnchor<S>[];
  /** What found no eligible SPU (or whose gateway did not come back). */
  readonly unplaced: { readonly gateways: readonly GatewayRequest[]; readonly tunnels: readonly TunnelRequest[] };
}

interface SpuStats {
  tunnels: number;
  manualTunnels: number;
  siteToSiteGateways: number;
  gateways: number;
  /** Gateways anchored here none of whose tunnels is here (each counts as one thread unit). */
  gatewaysWithoutTunnel: number;
  /** Tunnels per flow RT thread. */
  readonly threadUse: number[];
  /** Per address pair, tunnels per thread. */
  readonly pairThreads: Map<string, Map<number, number>>;
}

interface SpuEntry<S> {
  desc: SpuDescriptor<S>;
  /** Sequence number at which a hot SPU became eligible; 0 for boot SPUs. */
  joined: number;
}

const pairKey = (local: string, remote: string): string => `${local}|${remote}`;

const byLocation = (a: { fpc: number; pic: number }, b: { fpc: number; pic: number }): number => a.fpc - b.fpc || a.pic - b.pic;

/** The descriptor of a chassis SPU (its card must be the one in `spu.slot`). */
export function describeSpu(card: Pick<Card, 'type' | 'state' | 'kind'>, spu: Spu): SpuDescriptor<Spu> {
  return {
    id: spu,
    fpc: spu.slot,
    pic: spu.pic,
    flowThreads: card.kind.flowThreadsPerSpu,
    eligible: card.state === 'online' && spu.state === 'online' && spu.thread !== null,
    spc3: card.type === 'spc3',
    origin: spu.origin,
  };
}

export class TunnelAnchors<S = string> {
  private readonly spus = new Map<S, SpuEntry<S>>();
  private readonly gatewayAnchors = new Map<string, GatewayAnchor<S>>();
  private readonly tunnelAnchors = new Map<number, TunnelAnchor<S>>();
  /**
   * Counts kept as anchors come and go (every change goes through add/drop below), so choosing
   * an SPU or a thread for a new tunnel never scans the existing ones: with 10,000 tunnels a scan
   * per new tunnel made bringing them up quadratic.
   */
  private readonly stats = new Map<S, SpuStats>();
  /** Site-to-site gateways and manual tunnels per address pair, per SPU. */
  private readonly pairSpus = new Map<string, Map<S, number>>();
  /** Tunnels of each gateway (by id), and how many of them sit on the gateway's own SPU. */
  private readonly tunnelsByGateway = new Map<string, Set<number>>();
  private readonly ownSpuTunnels = new Map<string, number>();
  private readonly gatewayIds = new Map<string, number>();
  private nextGatewayId = 1;
  private profiles = new Map<string, DistributionProfile>();
  private readonly profileCursor = new Map<string, number>();
  /** When each gateway ('g:NAME') / tunnel ('t:ID') was first established, for the hot-SPU rule. */
  private readonly born = new Map<string, number>();
  private seq = 0;
  /** (fpc, pic) of the SPU the last dynamic gateway took. */
  private roundRobinLast: { fpc: number; pic: number } | undefined;

  constructor(private readonly random: Random) {}

  // ---- SPUs and profiles -------------------------------------------------------------------

  /** Add or update one SPU. A hot SPU that becomes eligible "joins" at this moment. */
  setSpu(desc: SpuDescriptor<S>): void {
    const old = this.spus.get(desc.id);
    const joins = desc.origin === 'hot' && desc.eligible && (!old || !old.desc.eligible || old.desc.origin !== 'hot');
    const joined = desc.origin !== 'hot' ? 0 : joins ? ++this.seq : (old?.joined ?? ++this.seq);
    this.spus.set(desc.id, { desc, joined });
  }

  /** The SPUs of the chassis now; known SPUs missing from the list become ineligible (their anchors stay until `release`). */
  setSpus(descs: readonly SpuDescriptor<S>[]): void {
    const listed = new Set(descs.map((d) => d.id));
    for (const [id, e] of this.spus) if (!listed.has(id) && e.desc.eligible) e.desc = { ...e.desc, eligible: false };
    for (const d of descs) this.setSpu(d);
  }

  setProfiles(profiles: readonly DistributionProfile[]): void {
    this.profiles = new Map(profiles.map((p) => [p.name, p]));
    for (const name of [...this.profileCursor.keys()]) if (!this.profiles.has(name)) this.profileCursor.delete(name);
  }

  /** Flow RT threads balance the load as soon as an SPC3 SPU is known. */
  get balancing(): Balancing {
    for (const e of this.spus.values()) if (e.desc.spc3) return 'flow-thread';
    return 'spu';
  }

  // ---- anchoring ---------------------------------------------------------------------------

  /** Anchor a gateway's IKE SA; an anchored gateway keeps its anchor. Undefined when no SPU is eligible. */
  anchorGateway(req: GatewayRequest): GatewayAnchor<S> | undefined {
    const existing = this.gatewayAnchors.get(req.name);
    if (existing) return existing;
    const key = `g:${req.name}`;
    const born = this.born.get(key) ?? this.seq + 1;
    const entry = req.kind === 'dynamic' ? this.roundRobin(born) : this.siteToSite(pairKey(req.local, req.remote), born);
    if (!entry) return undefined;
    this.establish(key, born);
    if (req.kind === 'dynamic') this.roundRobinLast = { fpc: entry.desc.fpc, pic: entry.desc.pic };
    let gatewayId = this.gatewayIds.get(req.name);
    if (gatewayId === undefined) {
      gatewayId = this.nextGatewayId++;
      this.gatewayIds.set(req.name, gatewayId);
    }
    const anchor: GatewayAnchor<S> = { name: req.name, kind: req.kind, local: req.local, remote: req.remote, gatewayId, spu: entry.desc.id, fpc: entry.desc.fpc, pic: entry.desc.pic };
    this.addGateway(anchor);
    return anchor;
  }

  /**
   * Anchor a tunnel (IPsec SA pair): on its gateway's SPU, by its distribution profile, or, for
   * a manual VPN, as a site-to-site unit of its own. An anchored tunnel keeps its anchor.
   * Throws when the named gateway is not anchored; undefined when no SPU is eligible.
   */
  anchorTunnel(req: TunnelRequest): TunnelAnchor<S> | undefined {
    const existing = this.tunnelAnchors.get(req.id);
    if (existing) return existing;
    const gateway = req.gateway === undefined ? undefined : this.gatewayAnchors.get(req.gateway);
    if (req.gateway !== undefined && !gateway) throw new RangeError(`tunnel ${req.id}: gateway ${req.gateway} is not anchored`);
    const key = `t:${req.id}`;
    const born = this.born.get(key) ?? this.seq + 1;
    const pair = pairKey(req.local, req.remote);
    let entry: SpuEntry<S> | undefined;
    let thread: number | undefined;
    let profile: string | null = null;
    const byProfile = req.distributionProfile === undefined ? undefined : this.byProfile(req.distributionProfile);
    if (byProfile) {
      entry = byProfile.entry;
      thread = byProfile.thread;
      profile = req.distributionProfile ?? null;
    } else if (gateway) {
      entry = this.spus.get(gateway.spu);
    } else {
      entry = this.siteToSite(pair, born);
    }
    if (!entry) return undefined;
    this.establish(key, born);
    const anchor: TunnelAnchor<S> = {
      ...req,
      kind: gateway ? gateway.kind : 'manual',
      spu: entry.desc.id,
      fpc: entry.desc.fpc,
      pic: entry.desc.pic,
      thread: thread ?? this.pickThread(entry, pair),
      profile,
    };
    this.addTunnel(anchor);
    return anchor;
  }

  /** The tunnel is torn down; its gateway and the other tunnels are untouched. */
  removeTunnel(id: number): TunnelAnchor<S> | undefined {
    const t = this.tunnelAnchors.get(id);
    if (!t) return undefined;
    this.dropTunnel(t);
    this.born.delete(`t:${id}`);
    return t;
  }

  /** The gateway's IKE SA is deleted, and with it every tunnel it carries. */
  removeGateway(name: string): { gateway: GatewayAnchor<S>; tunnels: TunnelAnchor<S>[] } | undefined {
    const gateway = this.gatewayAnchors.get(name);
    if (!gateway) return undefined;
    const tunnels = [...(this.tunnelsByGateway.get(name) ?? [])].map((id) => this.tunnelAnchors.get(id)!);
    for (const t of tunnels) this.removeTunnel(t.id);
    this.dropGateway(gateway);
    this.born.delete(`g:${name}`);
    return { gateway, tunnels };
  }

  /**
   * The SPU failed: it anchors nothing more until `setSpu` says it is eligible again, and what it
   * anchored is returned (its gateways, its tunnels, and the tunnels of its gateways).
   */
  release(spu: S): Released<S> {
    const e = this.spus.get(spu);
    if (e) e.desc = { ...e.desc, eligible: false };
    const gateways = this.gateways().filter((g) => g.spu === spu);
    const lost = new Set(gateways.map((g) => g.name));
    const tunnels = this.tunnels().filter((t) => t.spu === spu || (t.gateway !== undefined && lost.has(t.gateway)));
    for (const t of tunnels) this.dropTunnel(t);
    for (const g of gateways) this.dropGateway(g);
    return { spu, gateways, tunnels };
  }

  /** Anchor again what `release` returned (gateways first, then their tunnels), by the same rules. */
  reanchor(released: Released<S>): Reanchored<S> {
    const gateways: GatewayAnchor<S>[] = [];
    const tunnels: TunnelAnchor<S>[] = [];
    const unplaced = { gateways: [] as GatewayRequest[], tunnels: [] as TunnelRequest[] };
    for (const g of released.gateways) {
      const req: GatewayRequest = { name: g.name, kind: g.kind, local: g.local, remote: g.remote };
      const a = this.anchorGateway(req);
      if (a) gateways.push(a);
      else unplaced.gateways.push(req);
    }
    for (const t of released.tunnels) {
      const req: TunnelRequest = {
        id: t.id,
        vpn: t.vpn,
        local: t.local,
        remote: t.remote,
        ...(t.gateway !== undefined ? { gateway: t.gateway } : {}),
        ...(t.distributionProfile !== undefined ? { distributionProfile: t.distributionProfile } : {}),
      };
      const a = req.gateway !== undefined && !this.gatewayAnchors.has(req.gateway) ? undefined : this.anchorTunnel(req);
      if (a) tunnels.push(a);
      else unplaced.tunnels.push(req);
    }
    return { gateways, tunnels, unplaced };
  }

  // ---- queries -----------------------------------------------------------------------------

  gateway(name: string): GatewayAnchor<S> | undefined {
    return this.gatewayAnchors.get(name);
  }

  tunnel(id: number): TunnelAnchor<S> | undefined {
    return this.tunnelAnchors.get(id);
  }

  /** The SPUs that anchor at least one gateway or tunnel. */
  spusInUse(): S[] {
    const out: S[] = [];
    for (const [spu, st] of this.stats) if (st.gateways > 0 || st.tunnels > 0) out.push(spu);
    return out;
  }

  /** Every anchored gateway, by gateway id. */
  gateways(): GatewayAnchor<S>[] {
    return [...this.gatewayAnchors.values()].sort((a, b) => a.gatewayId - b.gatewayId);
  }

  /** Every anchored tunnel, by tunnel id. */
  tunnels(): TunnelAnchor<S>[] {
    return [...this.tunnelAnchors.values()].sort((a, b) => a.id - b.id);
  }

  /** Per known SPU, by (fpc, pic). */
  loads(): SpuLoad<S>[] {
    return this.sortedEntries().map((e) => {
      const id = e.desc.id;
      const gws = [...this.gatewayAnchors.values()].filter((g) => g.spu === id);
      const tuns = [...this.tunnelAnchors.values()].filter((t) => t.spu === id);
      const siteToSiteGateways = gws.filter((g) => g.kind === 'site-to-site').length;
      const manualTunnels = tuns.filter((t) => t.kind === 'manual').length;
      return {
        spu: id,
        fpc: e.desc.fpc,
        pic: e.desc.pic,
        flowThreads: e.desc.flowThreads,
        eligible: e.desc.eligible,
        siteToSiteGateways,
        dynamicGateways: gws.length - siteToSiteGateways,
        manualTunnels,
        tunnels: tuns.length,
        load: siteToSiteGateways + manualTunnels,
        loadFactor: this.threadUnits(id) / Math.max(1, e.desc.flowThreads),
      };
    });
  }

  /** `show security ike tunnel-map`: each gateway's anchor. */
  tunnelMap(instance = 0): TunnelMapRow[] {
    return this.gateways().map((g) => ({ gatewayId: g.gatewayId, gatewayName: g.name, fpc: g.fpc, pic: g.pic, instance }));
  }

  /** `show security ike tunnel-map summary`: the load of each eligible SPU (and of any that still anchors something). */
  tunnelMapSummary(): TunnelMapSummaryRow[] {
    return this.loads()
      .filter((l) => l.eligible || l.load > 0)
      .map((l) => ({ fpc: l.fpc, pic: l.pic, load: l.load }));
  }

  /** `show security ipsec tunnel-distribution`: each tunnel's SPU and thread. */
  tunnelDistribution(): TunnelDistributionRow[] {
    return this.tunnels().map((t) => ({ tunnelId: t.id, fpc: t.fpc, pic: t.pic, thread: t.thread, profile: t.profile }));
  }

  /** `show security ipsec tunnel-distribution summary`: tunnels per thread, threads with tunnels only. */
  tunnelDistributionSummary(): TunnelDistributionSummaryRow[] {
    const counts = new Map<string, TunnelDistributionSummaryRow>();
    for (const t of this.tunnelAnchors.values()) {
      const k = `${t.fpc}/${t.pic}/${t.thread}`;
      const row = counts.get(k);
      counts.set(k, { tunnels: (row?.tunnels ?? 0) + 1, fpc: t.fpc, pic: t.pic, thread: t.thread });
    }
    return [...counts.values()].sort((a, b) => byLocation(a, b) || a.thread - b.thread);
  }

  // ---- the rules ---------------------------------------------------------------------------

  private establish(key: string, born: number): void {
    if (this.born.has(key)) return;
    this.born.set(key, born);
    this.seq = Math.max(this.seq, born);
  }

  private sortedEntries(): SpuEntry<S>[] {
    return [...this.spus.values()].sort((a, b) => byLocation(a.desc, b.desc));
  }

  /** Eligible SPUs, by (fpc, pic); hot SPUs that joined after `born` only when nothing else is left. */
  private candidates(born: number): SpuEntry<S>[] {
    const eligible = this.sortedEntries().filter((e) => e.desc.eligible);
    const allowed = eligible.filter((e) => e.desc.origin !== 'hot' || born > e.joined);
    return allowed.length > 0 ? allowed : eligible;
  }

  /** Tunnels on the SPU plus its gateways that have no tunnel there yet (the thread-balancing count). */
  private threadUnits(spu: S): number {
    const st = this.stats.get(spu);
    return st ? st.tunnels + st.gatewaysWithoutTunnel : 0;
  }

  private spuLoad(spu: S): number {
    const st = this.stats.get(spu);
    return st ? st.siteToSiteGateways + st.manualTunnels : 0;
  }

  private statsOf(spu: S): SpuStats {
    let st = this.stats.get(spu);
    if (!st) {
      st = { tunnels: 0, manualTunnels: 0, siteToSiteGateways: 0, gateways: 0, gatewaysWithoutTunnel: 0, threadUse: [], pairThreads: new Map() };
      this.stats.set(spu, st);
    }
    return st;
  }

  private countPair(pair: string, spu: S, delta: number): void {
    let m = this.pairSpus.get(pair);
    if (!m) this.pairSpus.set(pair, (m = new Map()));
    const n = (m.get(spu) ?? 0) + delta;
    if (n > 0) m.set(spu, n);
    else {
      m.delete(spu);
      if (m.size === 0) this.pairSpus.delete(pair);
    }
  }

  private addGateway(g: GatewayAnchor<S>): void {
    this.gatewayAnchors.set(g.name, g);
    const st = this.statsOf(g.spu);
    st.gateways++;
    // A gateway is anchored before its tunnels, so it has none yet.
    this.ownSpuTunnels.set(g.name, 0);
    st.gatewaysWithoutTunnel++;
    if (g.kind === 'site-to-site') {
      st.siteToSiteGateways++;
      this.countPair(pairKey(g.local, g.remote), g.spu, 1);
    }
  }

  /** Forget a gateway (its tunnels are dropped first). */
  private dropGateway(g: GatewayAnchor<S>): void {
    this.gatewayAnchors.delete(g.name);
    const st = this.statsOf(g.spu);
    st.gateways--;
    if ((this.ownSpuTunnels.get(g.name) ?? 0) === 0) st.gatewaysWithoutTunnel--;
    this.ownSpuTunnels.delete(g.name);
    if (g.kind === 'site-to-site') {
      st.siteToSiteGateways--;
      this.countPair(pairKey(g.local, g.remote), g.spu, -1);
    }
  }

  private addTunnel(t: TunnelAnchor<S>): void {
    this.tunnelAnchors.set(t.id, t);
    const st = this.statsOf(t.spu);
    st.tunnels++;
    st.threadUse[t.thread] = (st.threadUse[t.thread] ?? 0) + 1;
    const pair = pairKey(t.local, t.remote);
    let byThread = st.pairThreads.get(pair);
    if (!byThread) st.pairThreads.set(pair, (byThread = new Map()));
    byThread.set(t.thread, (byThread.get(t.thread) ?? 0) + 1);
    if (t.kind === 'manual') {
      st.manualTunnels++;
      this.countPair(pair, t.spu, 1);
    }
    if (t.gateway !== undefined) {
      let ids = this.tunnelsByGateway.get(t.gateway);
      if (!ids) this.tunnelsByGateway.set(t.gateway, (ids = new Set()));
      ids.add(t.id);
      const g = this.gatewayAnchors.get(t.gateway);
      if (g && g.spu === t.spu) {
        const n = this.ownSpuTunnels.get(g.name) ?? 0;
        this.ownSpuTunnels.set(g.name, n + 1);
        if (n === 0) this.statsOf(g.spu).gatewaysWithoutTunnel--;
      }
    }
  }

  private dropTunnel(t: TunnelAnchor<S>): void {
    this.tunnelAnchors.delete(t.id);
    const st = this.statsOf(t.spu);
    st.tunnels--;
    st.threadUse[t.thread] = (st.threadUse[t.thread] ?? 1) - 1;
    const pair = pairKey(t.local, t.remote);
    const byThread = st.pairThreads.get(pair);
    if (byThread) {
      const n = (byThread.get(t.thread) ?? 1) - 1;
      if (n > 0) byThread.set(t.thread, n);
      else byThread.delete(t.thread);
      if (byThread.size === 0) st.pairThreads.delete(pair);
    }
    if (t.kind === 'manual') {
      st.manualTunnels--;
      this.countPair(pair, t.spu, -1);
    }
    if (t.gateway !== undefined) {
      const ids = this.tunnelsByGateway.get(t.gateway);
      ids?.delete(t.id);
      if (ids && ids.size === 0) this.tunnelsByGateway.delete(t.gateway);
      const g = this.gatewayAnchors.get(t.gateway);
      if (g && g.spu === t.spu) {
        const n = (this.ownSpuTunnels.get(g.name) ?? 1) - 1;
        this.ownSpuTunnels.set(g.name, n);
        if (n === 0) this.statsOf(g.spu).gatewaysWithoutTunnel++;
      }
    }
  }

  /** A site-to-site gateway or manual tunnel: same address pair's SPU (thread balancing), else least loaded. */
  private siteToSite(pair: string, born: number): SpuEntry<S> | undefined {
    const candidates = this.candidates(born);
    if (candidates.length === 0) return undefined;
    const byThreads = this.balancing === 'flow-thread';
    if (byThreads) {
      const sameSpu = this.spuOfPair(pair);
      const hit = candidates.find((e) => sameSpu.has(e.desc.id));
      if (hit) return hit;
    }
    const id = leastLoaded(
      candidates.map((e) => ({ id: e.desc.id, load: byThreads ? this.threadUnits(e.desc.id) : this.spuLoad(e.desc.id), flowThreads: e.desc.flowThreads })),
      byThreads,
      this.random,
    );
    return id === undefined ? undefined : this.spus.get(id);
  }

  /** SPUs already anchoring a site-to-site gateway or manual tunnel of this local+remote pair. */
  private spuOfPair(pair: string): Set<S> {
    return new Set(this.pairSpus.get(pair)?.keys() ?? []);
  }

  /** The next eligible SPU after the one the previous dynamic gateway took, in (fpc, pic) order. */
  private roundRobin(born: number): SpuEntry<S> | undefined {
    const candidates = this.candidates(born);
    if (candidates.length === 0) return undefined;
    const last = this.roundRobinLast;
    if (!last) return candidates[0];
    return candidates.find((e) => byLocation(e.desc, last) > 0) ?? candidates[0];
  }

  /** Least-used thread not used by the same pair on that SPU; lowest id on ties. */
  private pickThread(entry: SpuEntry<S>, pair: string): number {
    const threads = Math.max(1, entry.desc.flowThreads);
    const st = this.stats.get(entry.desc.id);
    const used = (i: number): number => st?.threadUse[i] ?? 0;
    const byPair = st?.pairThreads.get(pair);
    let best = -1;
    for (let i = 0; i < threads; i++) if (!byPair?.has(i) && (best < 0 || used(i) < used(best))) best = i;
    if (best >= 0) return best;
    best = 0;
    for (let i = 1; i < threads; i++) if (used(i) < used(best)) best = i;
    return best;
  }

  /** The next usable entity of a profile, in configured order after the one used last. */
  private byProfile(name: string): { entry: SpuEntry<S>; thread: number | undefined } | undefined {
    const profile = this.profiles.get(name);
    if (!profile) return undefined;
    const flat = profile.entities.flatMap((en): { fpc: number; pic: number; thread: number | undefined }[] =>
      en.threadIds && en.threadIds.length > 0 ? en.threadIds.map((thread) => ({ fpc: en.fpc, pic: en.pic, thread })) : [{ fpc: en.fpc, pic: en.pic, thread: undefined }],
    );
    const start = this.profileCursor.get(name) ?? 0;
    for (let k = 0; k < flat.length; k++) {
      const i = (start + k) % flat.length;
      const at = flat[i]!;
      const entry = [...this.spus.values()].find((e) => e.desc.eligible && e.desc.fpc === at.fpc && e.desc.pic === at.pic);
      if (!entry) continue;
      this.profileCursor.set(name, (i + 1) % flat.length);
      const thread = at.thread !== undefined && at.thread < Math.max(1, entry.desc.flowThreads) ? at.thread : undefined;
      return { entry, thread };
    }
    return undefined;
  }
}
