/**
 * One SRX5000 node: the chassis and its cards, the Routing Engine's packages and processes, and
 * the actions an operator (or the lab) can take on it. This is the façade the CLI and scenarios
 * use; it owns the state, and every refusal is a Refusal thrown before anything changes.
 */
import { ConfigDatabase, type ConfigSnapshot } from '../config/database.js';
import type { DataContainer } from '../config/data.js';
import { validateConfig, type ValidationContext } from '../config/validate/index.js';
import { Card, type CardState, type Spu, type SpuOrigin, type SpuState } from '../cards/card.js';
import { cardKind, type CardType } from '../cards/kinds.js';
import { realSpuFactory, type SpuFactory } from '../dataplane/spu/spu-thread.js';
import { Bus } from '../sim/bus.js';
import type { Clock, TimerHandle } from '../sim/clock.js';
import { Random } from '../sim/random.js';
import { placeCentralPoint, spuDescription, type SpuRef } from './central-point.js';
import { MODELS, type ChassisModel, type ModelName } from './models.js';
import { chooseIkeDaemon, JUNOS_IKE, junosIkeByDefault, junosIkeInstallable, JUNOS_IKE_FIRST_RELEASE, type DaemonChoice } from './packages.js';
import { bootProcesses, IKE_DAEMON_PROCESSES, restartProcess, type ProcessEntry } from './processes.js';
import { Refusal } from './refusal.js';
import { atLeast, mustParseRelease, type Release } from './release.js';
import { RE_KINDS, type ReKind, type ReType } from './routing-engines.js';
import { checkInsertion, checkRemoval, slotInRange, slotRangeText } from './slots.js';

export interface DeviceOptions {
  readonly model: ModelName;
  readonly re: ReType;
  readonly release: string;
  readonly cards: ReadonlyArray<readonly [number, CardType]>;
  /** junos-ike installed at power-on; undefined = as Junos installs it by default. */
  readonly junosIke?: boolean;
  readonly hostname?: string;
  readonly clock: Clock;
  readonly seed?: number;
  readonly spuFactory?: SpuFactory;
  /** Member of a chassis cluster (the cluster itself is a later issue; the slot-11 rule reads it). */
  readonly clustered?: boolean;
}

export type PendingPackage = 'add' | 'delete' | null;

/** What `--state DIR` keeps: everything needed to bring the same device back. */
export interface DeviceSnapshot {
  readonly format: 1;
  readonly model: ModelName;
  readonly re: ReType;
  readonly release: string;
  readonly hostname: string;
  readonly seed: number;
  readonly bootedAt: number;
  readonly serials: Readonly<Record<string, string>>;
  readonly cards: ReadonlyArray<{
    readonly slot: number;
    readonly type: CardType;
    readonly serial: string;
    readonly state: CardState;
    readonly spus: ReadonlyArray<{ readonly state: SpuState; readonly origin: SpuOrigin; readonly failure?: string }>;
  }>;
  readonly junosIke: boolean;
  readonly pendingPackage: PendingPackage;
  readonly centralPoint: SpuRef | null;
  readonly daemon: DaemonChoice;
  readonly processes: readonly ProcessEntry[];
  readonly alarmTimes: Readonly<Record<string, number>>;
  readonly config?: ConfigSnapshot;
}

export interface DeviceEvents extends Record<string, unknown> {
  'card.state': { slot: number; state: CardState | 'removed' };
  'spu.state': { slot: number; pic: number; state: SpuState; reason?: string };
  'node.boot': { daemon: DaemonChoice };
  /** A newly active configuration was applied (boot-time load, commit, rollback). */
  'config.applied': undefined;
  /** `restart ike-key-management | ike-config-management | ipsec-key-management` restarted `daemon`. */
  'daemon.restart': { daemon: string };
  changed: undefined;
}

export interface Alarm {
  readonly time: number;
  readonly severity: 'Major' | 'Minor';
  readonly description: string;
}

/** The cards by slot, with the slot-ordered list kept until a card is inserted or removed. */
class SlotMap extends Map<number, Card> {
  private ordered: Card[] | null = null;

  override set(slot: number, card: Card): this {
    this.ordered = null;
    return super.set(slot, card);
  }

  override delete(slot: number): boolean {
    this.ordered = null;
    return super.delete(slot);
  }

  override clear(): void {
    this.ordered = null;
    super.clear();
  }

  sorted(): readonly Card[] {
    this.ordered ??= [...this.values()].sort((a, b) => a.slot - b.slot);
    return this.ordered;
  }
}

export class Device {
  readonly bus = new Bus<DeviceEvents>();
  readonly model: ChassisModel;
  readonly reKind: ReKind;
  readonly release: Release;
  hostname: string;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly seed: number;
  private readonly spuFactory: SpuFactory;
  private readonly clustered: boolean;
  private readonly slots = new SlotMap();
  private readonly bootTimers = new Map<number, TimerHandle>();
  private serials: Record<string, string> = {};
  private junosIkeInstalled = false;
  private pending: PendingPackage = null;
  private cp: SpuRef | null = null;
  private daemonChoice: DaemonChoice = { daemon: null, reason: '' };
  private processTable: ProcessEntry[] = [];
  private bootedAt = 0;
  private alarmTimes: Record<string, number> = {};
  /** Work that must finish before the node goes down (reboot, shutdown): the IKE daemon's stop. */
  private readonly stopHooks = new Set<() => Promise<void>>();
  /** The configuration database: active configuration, rollbacks, shared candidate. */
  config!: ConfigDatabase;

  private constructor(opts: { model: ModelName; re: ReType; release: string; hostname: string; clock: Clock; seed: number; spuFactory: SpuFactory; clustered: boolean }) {
    this.model = MODELS[opts.model];
    this.reKind = RE_KINDS[opts.re];
    this.release = mustParseRelease(opts.release);
    this.hostname = opts.hostname;
    this.clock = opts.clock;
    this.seed = opts.seed;
    this.random = new Random(opts.seed);
    this.spuFactory = opts.spuFactory;
    this.clustered = opts.clustered;
  }

  /** Power on a factory-fresh device with these cards. */
  static create(opts: DeviceOptions): Device {
    const seed = opts.seed ?? 5800;
    const dev = new Device({
      model: opts.model,
      re: opts.re,
      release: opts.release,
      hostname: opts.hostname ?? opts.model,
      clock: opts.clock,
      seed,
      spuFactory: opts.spuFactory ?? realSpuFactory,
      clustered: opts.clustered ?? false,
    });
    const seen = new Set<number>();
    for (const [slot, type] of opts.cards) {
      if (!slotInRange(dev.model, slot)) throw new Refusal(`fpc ${slot} does not exist: ${slotRangeText(dev.model)}`);
      if (seen.has(slot)) throw new Refusal(`fpc ${slot} is given twice`);
      seen.add(slot);
      const kind = cardKind(type);
      if (!atLeast(dev.release, kind.minRelease)) {
        throw new Refusal(`${kind.model} requires Junos ${kind.minRelease} or later (this device runs ${dev.release.text})`);
      }
    }
    dev.serials = dev.makeChassisSerials();
    for (const [slot, type] of [...opts.cards].sort((a, b) => a[0] - b[0])) {
      dev.slots.set(slot, new Card(slot, type, dev.cardSerial(type), 'present'));
    }
    const types = [...dev.slots.values()].map((c) => c.type);
    dev.junosIkeInstalled = opts.junosIke ?? junosIkeByDefault(opts.re, dev.release, types);
    if (dev.junosIkeInstalled && !junosIkeInstallable(dev.release)) {
      throw new Refusal(`${JUNOS_IKE} is not available before Junos ${JUNOS_IKE_FIRST_RELEASE} (this device runs ${dev.release.text})`);
    }
    dev.config = dev.newConfigDatabase(factoryConfig(dev.hostname));
    dev.boot();
    return dev;
  }

  /** Bring back a device saved with snapshot(), exactly as it was (no reboot happens). */
  static restore(s: DeviceSnapshot, clock: Clock, spuFactory: SpuFactory = realSpuFactory): Device {
    const dev = new Device({ model: s.model, re: s.re, release: s.release, hostname: s.hostname, clock, seed: s.seed, spuFactory, clustered: false });
    dev.serials = { ...s.serials };
    dev.junosIkeInstalled = s.junosIke;
    dev.pending = s.pendingPackage;
    dev.cp = s.centralPoint;
    dev.daemonChoice = s.daemon;
    dev.processTable = s.processes.map((p) => ({ ...p }));
    dev.bootedAt = s.bootedAt;
    dev.alarmTimes = { ...s.alarmTimes };
    dev.config = s.config
      ? ConfigDatabase.restore(s.config, clock, (t) => validateConfig(t, dev.validationContext()), (t) => dev.applyConfig(t))
      : dev.newConfigDatabase(factoryConfig(s.hostname));
    // Advance the random source past what the saved run used, so new draws differ from old ones.
    for (let i = 0; i < 64; i++) dev.random.nextU32();
    for (const c of s.cards) {
      // A card that was still booting finished its boot while the emulator was not running.
      const state: CardState = c.state === 'booting' ? 'online' : c.state;
      const card = new Card(c.slot, c.type, c.serial, state);
      dev.slots.set(c.slot, card);
      if (state === 'online') {
        card.activate(c.spus[0]?.origin ?? 'boot', dev.spuFactory, (spu, reason) => dev.onSpuDeath(spu, reason));
        c.spus.forEach((saved, i) => {
          const spu = card.spus[i];
          if (spu && saved.state === 'failed') {
            void spu.thread?.stop();
            spu.thread = null;
            spu.state = 'failed';
            if (saved.failure) spu.failure = saved.failure;
          }
        });
      }
    }
    return dev;
  }

  snapshot(): DeviceSnapshot {
    return {
      format: 1,
      model: this.model.name,
      re: this.reKind.type,
      release: this.release.text,
      hostname: this.hostname,
      seed: this.seed,
      bootedAt: this.bootedAt,
      serials: { ...this.serials },
      cards: this.cards().map((c) => ({
        slot: c.slot,
        type: c.type,
        serial: c.serial,
        state: c.state,
        spus: c.spus.map((s) => ({ state: s.state, origin: s.origin, ...(s.failure ? { failure: s.failure } : {}) })),
      })),
      junosIke: this.junosIkeInstalled,
      pendingPackage: this.pending,
      centralPoint: this.cp,
      daemon: this.daemonChoice,
      processes: this.processTable.map((p) => ({ ...p })),
      alarmTimes: { ...this.alarmTimes },
      config: structuredClone(this.config.snapshot()),
    };
  }

  // ---------------------------------------------------------------- queries

  now(): number {
    return this.clock.now();
  }

  get clockKind(): 'real' | 'virtual' {
    return this.clock.kind;
  }

  get bootTime(): number {
    return this.bootedAt;
  }

  /** Cards in slot order. */
  cards(): Card[] {
    return this.slots.sorted().slice();
  }

  card(slot: number): Card | undefined {
    return this.slots.get(slot);
  }

  get centralPoint(): SpuRef | null {
    return this.cp;
  }

  get ikeDaemon(): DaemonChoice {
    return this.daemonChoice;
  }

  get junosIke(): boolean {
    return this.junosIkeInstalled;
  }

  get pendingPackage(): PendingPackage {
    return this.pending;
  }

  get processes(): readonly ProcessEntry[] {
    return this.processTable;
  }

  serial(item: string): string {
    return this.serials[item] ?? '';
  }

  /** `SPU Cp`, `SPU Cp-Flow` or `SPU Flow` for one SPU, else the PIC's own description. */
  picDescription(card: Card, pic: number): string {
    if (card.isSpc) return spuDescription(card.type, pic, this.cp, card.slot);
    return card.kind.pics[pic]?.description ?? '';
  }

  /** Every SPU of every online service card, in slot/PIC order. */
  spus(): Spu[] {
    return this.cards()
      .filter((c) => c.state === 'online')
      .flatMap((c) => c.spus);
  }

  alarms(): Alarm[] {
    const out: Alarm[] = [];
    const seen = new Set<string>();
    const raise = (severity: Alarm['severity'], description: string): void => {
      seen.add(description);
      this.alarmTimes[description] ??= this.clock.now();
      out.push({ time: this.alarmTimes[description] as number, severity, description });
    };
    for (const card of this.cards()) {
      if (card.state === 'present' && card.kind.activatesAtReboot) raise('Minor', `FPC ${card.slot} inserted, reboot required to activate`);
      if (card.state === 'online') {
        for (const spu of card.spus) if (spu.state === 'failed') raise('Major', `FPC ${card.slot} PIC ${spu.pic} Failure`);
      }
    }
    if (this.daemonChoice.daemon === null) raise('Major', 'IPsec VPN unavailable: SRX5K-SPC3 requires the junos-ike package');
    for (const key of Object.keys(this.alarmTimes)) if (!seen.has(key)) delete this.alarmTimes[key];
    return out.sort((a, b) => b.time - a.time);
  }

  // ---------------------------------------------------------------- lab actions (physical)

  /** A card is physically inserted. Returns notes for the operator. */
  insertCard(slot: number, type: CardType): string[] {
    const refusal = checkInsertion(
      { model: this.model, release: this.release, cards: this.cards().map((c) => ({ slot: c.slot, type: c.type })), clustered: this.clustered },
      slot,
      type,
    );
    if (refusal) throw new Refusal(refusal);
    const kind = cardKind(type);
    const notes: string[] = [];
    if (kind.activatesAtReboot) {
      // Seed: "You must reboot the node after the inserting SPC3 to activate the card."
      const card = new Card(slot, type, this.cardSerial(type), 'present');
      this.slots.set(slot, card);
      notes.push(`fpc ${slot}: ${kind.model} inserted; it stays inactive until the node reboots (request system reboot)`);
      if (!this.junosIkeInstalled && this.pending !== 'add') {
        notes.push(`warning: ${kind.model} requires the ${JUNOS_IKE} package; without it no IKE daemon runs after the reboot`);
      }
    } else {
      const card = new Card(slot, type, this.cardSerial(type), 'booting');
      this.slots.set(slot, card);
      this.scheduleBoot(card);
      notes.push(`fpc ${slot}: ${kind.model} inserted; booting, online in ${kind.bootSeconds} seconds`);
    }
    this.bus.emit('card.state', { slot, state: this.slots.get(slot)!.state });
    this.changed();
    return notes;
  }

  /** A card is physically pulled out of the running chassis. */
  async removeCard(slot: number): Promise<string[]> {
    const refusal = checkRemoval(
      this.cards().map((c) => ({ slot: c.slot, type: c.type })),
      slot,
      this.cp?.slot ?? null,
    );
    if (refusal) throw new Refusal(refusal);
    const card = this.slots.get(slot)!;
    this.cancelBoot(slot);
    this.slots.delete(slot);
    await card.deactivate('offline');
    this.bus.emit('card.state', { slot, state: 'removed' });
    this.changed();
    return [`fpc ${slot}: ${card.kind.model} removed`];
  }

  /** A hardware fault kills one SPU, or every SPU of the card. */
  async failSpu(slot: number, pic?: number): Promise<string[]> {
    const card = this.slots.get(slot);
    if (!card) throw new Refusal(`fpc ${slot} is empty`);
    if (!card.isSpc) throw new Refusal(`fpc ${slot} is an IOC (${card.kind.model}): it has no SPU`);
    if (card.state !== 'online') throw new Refusal(`fpc ${slot} is not online`);
    if (pic !== undefined && (pic < 0 || pic >= card.spus.length)) {
      throw new Refusal(`fpc ${slot} has PICs 0-${card.spus.length - 1}`);
    }
    const victims = card.spus.filter((s) => (pic === undefined || s.pic === pic) && s.state === 'online');
    if (victims.length === 0) throw new Refusal(pic === undefined ? `every SPU of fpc ${slot} has already failed` : `fpc ${slot} pic ${pic} has already failed`);
    await Promise.all(victims.map((s) => s.thread?.fault()));
    return victims.map((s) => `fpc ${slot} pic ${s.pic}: SPU failed (hardware fault)`);
  }

  // ---------------------------------------------------------------- Junos operational actions

  /** `request chassis fpc slot N offline`. */
  async fpcOffline(slot: number): Promise<string[]> {
    const card = this.requireCard(slot);
    if (card.state === 'offline') throw new Refusal(`FPC ${slot} is already offline`);
    if (card.state === 'present') throw new Refusal(`FPC ${slot} is not online: the ${card.kind.model} becomes active at the next reboot`);
    if (this.cp?.slot === slot) throw new Refusal(`FPC ${slot} hosts the central point SPU and cannot be taken offline`);
    this.cancelBoot(slot);
    await card.deactivate('offline');
    this.bus.emit('card.state', { slot, state: 'offline' });
    this.changed();
    return ['Offline initiated, use "show chassis fpc" to verify'];
  }

  /** `request chassis fpc slot N online`. */
  fpcOnline(slot: number): string[] {
    const card = this.requireCard(slot);
    if (card.state === 'online') throw new Refusal(`FPC ${slot} is already online`);
    if (card.state === 'booting') throw new Refusal(`FPC ${slot} already transitioning to online`);
    if (card.state === 'present') throw new Refusal(`FPC ${slot} is not online: the ${card.kind.model} becomes active at the next reboot`);
    card.state = 'booting';
    this.scheduleBoot(card);
    this.bus.emit('card.state', { slot, state: 'booting' });
    this.changed();
    return ['Online initiated, use "show chassis fpc" to verify'];
  }

  /** `request system reboot`: every card restarts, pending cards and packages take effect. */
  async reboot(): Promise<void> {
    await this.runStopHooks();
    for (const slot of [...this.bootTimers.keys()]) this.cancelBoot(slot);
    await Promise.all(this.cards().map((c) => c.deactivate('present')));
    this.boot();
  }

  /** `request system software add PACKAGE`. */
  addPackage(name: string): string[] {
    requireJunosIkeName(name);
    if (!junosIkeInstallable(this.release)) {
      throw new Refusal(`${JUNOS_IKE} is not supported on Junos ${this.release.text}: it requires ${JUNOS_IKE_FIRST_RELEASE} or later`);
    }
    if (this.pending === 'add') throw new Refusal(`${JUNOS_IKE} is already pending installation; reboot to activate it`);
    if (this.junosIkeInstalled && this.pending !== 'delete') throw new Refusal(`${JUNOS_IKE} is already installed`);
    const lines = [`Verified ${JUNOS_IKE} signed by PackageProductionECP256_2024 method ECDSA256+SHA256`];
    this.pending = this.junosIkeInstalled ? null : 'add';
    if (this.pending === null) {
      lines.push(`${JUNOS_IKE} stays installed: the pending deletion is cancelled`);
    } else {
      lines.push(`Adding ${JUNOS_IKE} ...`, "NOTICE: 'pending' set will be activated at next reboot...", ...rebootWarning());
    }
    this.changed();
    return lines;
  }

  /** `request system software delete PACKAGE`. */
  deletePackage(name: string): string[] {
    requireJunosIkeName(name);
    if (this.pending === 'delete') throw new Refusal(`${JUNOS_IKE} is already pending deletion; reboot to complete it`);
    if (!this.junosIkeInstalled && this.pending !== 'add') throw new Refusal(`package ${JUNOS_IKE} is not installed`);
    if (this.pending === 'add') {
      this.pending = null;
      this.changed();
      return [`The pending installation of ${JUNOS_IKE} is cancelled`];
    }
    this.pending = 'delete';
    const lines = [`Removing ${JUNOS_IKE} ...`, "NOTICE: 'pending' set will be activated at next reboot...", ...rebootWarning()];
    if (this.cards().some((c) => c.type === 'spc3')) {
      lines.push(`warning: an SRX5K-SPC3 is installed: without ${JUNOS_IKE} no IKE daemon will run after the reboot`);
    } else {
      lines.push('After the reboot the IKE daemon is kmd');
    }
    this.changed();
    return lines;
  }

  /** `restart ike-key-management | ike-config-management | ipsec-key-management`. */
  restartDaemon(keyword: string): string[] {
    const proc = IKE_DAEMON_PROCESSES.find((p) => p.restartKeyword === keyword);
    if (!proc) throw new Refusal(`unknown process ${keyword}`);
    const running = this.processTable.some((p) => p.daemon === proc.name);
    if (!running) {
      const current = this.daemonChoice.daemon;
      const why =
        current === null
          ? 'no IKE daemon runs on this device (SRX5K-SPC3 without the junos-ike package)'
          : current === 'kmd'
            ? 'the key management daemon on this device is kmd (restart ipsec-key-management)'
            : 'the key management daemons on this device are iked and ikemd (junos-ike package)';
      throw new Refusal(`${proc.name} is not running: ${why}`);
    }
    const { table, pid } = restartProcess(this.processTable, proc.name, this.random, this.clock.now());
    this.processTable = table;
    this.bus.emit('daemon.restart', { daemon: proc.name });
    this.changed();
    return [`${proc.title} started, pid ${pid}`];
  }

  /** `lab wait SECONDS`. */
  async wait(seconds: number): Promise<void> {
    await this.clock.wait(seconds * 1000);
  }

  /** Stop every SPU thread (process exit). */
  async shutdown(): Promise<void> {
    await this.runStopHooks();
    for (const slot of [...this.bootTimers.keys()]) this.cancelBoot(slot);
    await Promise.all(this.cards().map((c) => c.deactivate(c.state)));
  }

  // ---------------------------------------------------------------- configuration

  /** What commit rules need to know about this device right now. */
  validationContext(): ValidationContext {
    const types = this.cards().map((c) => c.type);
    return {
      model: this.model.name,
      daemon: this.daemonChoice.daemon,
      release: this.release.text,
      releaseAtLeast: (min) => atLeast(this.release, min),
      hasSpc3: types.includes('spc3'),
      hasSpc2: types.includes('spc2'),
    };
  }

  private newConfigDatabase(initial: DataContainer): ConfigDatabase {
    return new ConfigDatabase(initial, this.clock, (t) => validateConfig(t, this.validationContext()), (t) => this.applyConfig(t));
  }

  /** Apply a newly active configuration to the running device (must not fail). */
  private applyConfig(active: DataContainer): void {
    const system = active.ch['system'];
    const name = system?.t === 'c' ? system.ch['host-name'] : undefined;
    if (name?.t === 'v' && !name.ia) this.hostname = name.v;
    this.changed();
    // After `changed`: the packet path has rebuilt its interfaces, so the IKE daemon that is
    // told next finds the new addresses.
    this.bus.emit('config.applied', undefined);
  }

  /** Run `hook` (awaited) before every reboot and at shutdown; returns the unregister function. */
  addStopHook(hook: () => Promise<void>): () => void {
    this.stopHooks.add(hook);
    return () => this.stopHooks.delete(hook);
  }

  private async runStopHooks(): Promise<void> {
    await Promise.allSettled([...this.stopHooks].map((h) => h()));
  }

  // ---------------------------------------------------------------- internals

  private boot(): void {
    if (this.pending === 'add') this.junosIkeInstalled = true;
    if (this.pending === 'delete') this.junosIkeInstalled = false;
    this.pending = null;
    const cards = this.cards();
    for (const card of cards) card.activate('boot', this.spuFactory, (spu, reason) => this.onSpuDeath(spu, reason));
    this.cp = placeCentralPoint(cards.map((c) => ({ slot: c.slot, type: c.type })));
    this.daemonChoice = chooseIkeDaemon(
      this.junosIkeInstalled,
      cards.filter((c) => c.isSpc).map((c) => c.type),
    );
    this.bootedAt = this.clock.now();
    this.processTable = bootProcesses(this.daemonChoice.daemon, this.random, this.bootedAt);
    for (const card of cards) this.bus.emit('card.state', { slot: card.slot, state: card.state });
    this.bus.emit('node.boot', { daemon: this.daemonChoice });
    this.changed();
  }

  private scheduleBoot(card: Card): void {
    const handle = this.clock.setTimeout(() => {
      this.bootTimers.delete(card.slot);
      if (this.slots.get(card.slot) !== card || card.state !== 'booting') return;
      card.activate('hot', this.spuFactory, (spu, reason) => this.onSpuDeath(spu, reason));
      // A chassis that had no service card at all gets its central point from the first one.
      if (this.cp === null && card.isSpc) this.cp = { slot: card.slot, pic: 0 };
      this.bus.emit('card.state', { slot: card.slot, state: 'online' });
      this.changed();
    }, card.kind.bootSeconds * 1000);
    this.bootTimers.set(card.slot, handle);
  }

  private cancelBoot(slot: number): void {
    const handle = this.bootTimers.get(slot);
    if (handle) this.clock.clearTimeout(handle);
    this.bootTimers.delete(slot);
  }

  private onSpuDeath(spu: Spu, reason: string): void {
    this.bus.emit('spu.state', { slot: spu.slot, pic: spu.pic, state: 'failed', reason });
    this.changed();
  }

  private requireCard(slot: number): Card {
    if (!slotInRange(this.model, slot)) throw new Refusal(`FPC ${slot} does not exist: ${slotRangeText(this.model)}`);
    const card = this.slots.get(slot);
    if (!card) throw new Refusal(`FPC ${slot} is not present`);
    return card;
  }

  private changed(): void {
    // Stamp new alarm conditions now, when they arise, not when someone first looks.
    this.alarms();
    this.bus.emit('changed', undefined);
  }

  private makeChassisSerials(): Record<string, string> {
    const r = this.random;
    const digits = '0123456789';
    const alnum = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
    const s: Record<string, string> = {
      Chassis: `JN${r.chars(6, '0123456789ABCDEF')}AGB`,
      Midplane: `ABAB${r.chars(4, digits)}`,
      'FPM Board': `YP${r.chars(4, digits)}`,
      'Routing Engine 0': `CALY${r.chars(4, digits)}`,
    };
    for (let i = 0; i < this.model.pem.count; i++) s[`PEM ${i}`] = `QCS${r.chars(9, alnum)}`;
    for (let i = 0; i < this.model.cbSlots; i++) s[`CB ${i}`] = `CANA${r.chars(4, digits)}`;
    return s;
  }

  private cardSerial(type: CardType): string {
    const prefix: Record<CardType, string> = { spc2: 'CABA', spc3: 'CALS', ioc3: 'CADZ', ioc4: 'CALM' };
    return `${prefix[type]}${this.random.chars(4, '0123456789')}`;
  }
}

/** The configuration of a new device: its host name. */
function factoryConfig(hostname: string): DataContainer {
  return { t: 'c', ch: { system: { t: 'c', ch: { 'host-name': { t: 'v', v: hostname } } } } };
}

/** Package names Junos accepts for junos-ike: the bare name, the file, or the optional:// URL. */
function requireJunosIkeName(name: string): void {
  const bare = name.replace(/^optional:\/\//, '').replace(/^\/var\/tmp\//, '').replace(/\.tgz$/, '');
  if (bare !== JUNOS_IKE) throw new Refusal(`package '${name}' not found: this emulator provides ${JUNOS_IKE} (optional://${JUNOS_IKE}.tgz)`);
}

function rebootWarning(): string[] {
  return ['WARNING: A reboot is required to install the software', "WARNING:     Use the 'request system reboot' command immediately"];
}
