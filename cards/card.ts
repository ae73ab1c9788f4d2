/**
 * A card in an FPC slot at run time: its lifecycle state and, for a service card, its SPUs.
 *
 *   (inserted) ──SPC3──▶ present ──node reboot──▶ online
 *        └──────other──▶ booting ──boot time──▶ online ◀──online── offline ◀──offline── online
 *
 * A failed SPU is a PIC state, not a card state: the card stays online and its other SPUs keep
 * working. Which transitions are allowed when is decided by the chassis (chassis/device.ts);
 * this class only keeps the state consistent with the SPU threads it owns.
 */
import type { SpuFactory, SpuHandle } from '../dataplane/spu/spu-thread.js';
import { cardKind, type CardKind, type CardType } from './kinds.js';

export type CardState = 'present' | 'booting' | 'online' | 'offline';
export type SpuState = 'online' | 'offline' | 'failed';

/**
 * How the SPU joined the chassis. Seed: "existing tunnels cannot use the processing power of the
 * SPUs in the new SPCs. A new SPU can anchor newly established site-to-site and dynamic
 * tunnels." Tunnels anchored before an insertion never move to a 'hot' SPU (one that joined after
 * the node booted: hot insertion or FPC online); anchoring
 * (a later issue) reads this to take only new tunnels there.
 */
export type SpuOrigin = 'boot' | 'hot';

export interface Spu {
  readonly slot: number;
  readonly pic: number;
  state: SpuState;
  origin: SpuOrigin;
  thread: SpuHandle | null;
  /** Why the SPU failed (thread death, lab fault), for alarms. */
  failure?: string;
}

export class Card {
  readonly kind: CardKind;
  state: CardState;
  readonly spus: Spu[];

  constructor(
    readonly slot: number,
    readonly type: CardType,
    readonly serial: string,
    state: CardState,
  ) {
    this.kind = cardKind(type);
    this.state = state;
    this.spus = Array.from({ length: this.kind.spus }, (_, pic) => ({ slot, pic, state: 'offline' as SpuState, origin: 'boot' as SpuOrigin, thread: null }));
  }

  get isSpc(): boolean {
    return this.kind.family === 'spc';
  }

  /** The card is up: every SPU gets a (lazy) thread of its own. */
  activate(origin: SpuOrigin, factory: SpuFactory, onSpuDeath: (spu: Spu, reason: string) => void): void {
    this.state = 'online';
    for (const spu of this.spus) {
      spu.origin = origin;
      this.startSpu(spu, factory, onSpuDeath);
    }
  }

  /** Bring one failed SPU back (used by a reboot of the node or an FPC online). */
  startSpu(spu: Spu, factory: SpuFactory, onSpuDeath: (spu: Spu, reason: string) => void): void {
    const thread = factory(`fpc${this.slot}.pic${spu.pic}`);
    spu.thread = thread;
    spu.state = 'online';
    delete spu.failure;
    thread.onDeath((reason) => {
      if (spu.thread !== thread) return; // an old thread's late notice
      spu.state = 'failed';
      spu.failure = reason;
      spu.thread = null;
      onSpuDeath(spu, reason);
    });
  }

  /** The card goes down (offline, removed, reboot): every SPU thread ends. */
  async deactivate(next: CardState): Promise<void> {
    this.state = next;
    const threads = this.spus.map((s) => s.thread).filter((t): t is SpuHandle => t !== null);
    for (const spu of this.spus) {
      spu.thread = null;
      spu.state = 'offline';
      delete spu.failure;
    }
    await Promise.all(threads.map((t) => t.stop()));
  }
}
