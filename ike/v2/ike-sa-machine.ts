/**
 * The lifecycle of one IKE SA as an xstate v5 machine: which phase the SA is in, and once it is
 * gone, why. The machine is defined once for the module; each IKE SA holds an `IkeSaLifecycle`,
 * its current snapshot of that machine, and moves it with xstate's pure `transition`: the
 * exchanges themselves stay in the task manager and the tasks, the lifecycle only hears their
 * outcomes as events, so a setup costs a handful of transitions.
 *
 *   Connecting ── Start ─┬─ (initiator) InitSent ── INIT_DONE ──> AuthSent ── AUTH_DONE ──┐
 *                        ├─ (responder) InitAnswered ─────────────── AUTH_DONE ───────────┤
 *                        └─ (born of a rekey) ─────────────────────────────────────────────┤
 *   Established { Active ── REKEY_START ──> Rekeying ── REKEY_FAILED ──> Active }  <───────┘
 *       REKEY_DONE (this SA was replaced) ──> Rekeyed (waits for its Delete)
 *   any live state ── DELETE ──> Deleting ── REMOVED ──> Down
 *   any live state ── FAILED / TIMEOUT / DPD_DEAD / PEER_DELETED / REMOVED ──> Down
 *   InitAnswered ── HALF_OPEN_EXPIRED ──> Down (half-open-expired)
 *
 * `Down` is final and carries a typed reason; entering it runs `reportDown`, which the lifecycle
 * executes by telling its host (the daemon's trace and its count of ended SAs).
 *
 * Why snapshots and not one actor per SA: an actor per IKE SA cost about 60 kB of allocation
 * per setup (snapshots, state-node sets and the actor itself, each rebuilt per event) and
 * ~10 % of the CPU of a setup, for a machine whose context is three fields. The machine's
 * context holds nothing of the SA (role, rekeyed, the Down reason), so `transition` is a pure
 * function of (snapshot, event): for an event without payload its answer is the same for every
 * SA in the same snapshot. The lifecycle asks xstate once per (snapshot, event type) and shares
 * the resulting immutable snapshot; events that carry text (FAILED, TIMEOUT, DELETE) are
 * computed each time. Every state change is still xstate's: nothing here re-implements the
 * machine.
 *
 * Timers stay out of the machine. The half-open timeout, the lifetimes, DPD and
 * retransmissions are the daemon's and the task manager's (plain device-clock timers that check
 * the state when they fire); the machine hears their outcome as an event.
 */
import { assign, createActor, initialTransition, setup, transition, type Actor, type SnapshotFrom } from 'xstate';
import type { Clock } from '../../sim/clock.js';

/** Why an IKE SA went Down. */
export type IkeSaDownCause =
  /** The negotiation or the peer's AUTH was refused (detail: the failure line). */
  | 'failed'
  /** An exchange got no response after the last retransmission. */
  | 'timeout'
  /** Dead peer detection: `threshold` probes unanswered. */
  | 'dpd-dead'
  /** The peer sent Delete(IKE). */
  | 'peer-deleted'
  /** We deleted it (operator clear, configuration change, lifetime, duplicate SA, restart). */
  | 'deleted'
  /** Replaced by a rekeyed IKE SA, then deleted (by either end) or forgotten. */
  | 'rekeyed'
  /** Responder: IKE_SA_INIT answered, IKE_AUTH never came. */
  | 'half-open-expired';

export interface IkeSaDownReason {
  readonly cause: IkeSaDownCause;
  /** One line for traces and tests (the failure line, or what deleted it). */
  readonly detail: string;
}

export type IkeSaEvent =
  | { readonly type: 'INIT_DONE' }
  | { readonly type: 'AUTH_DONE' }
  | { readonly type: 'REKEY_START' }
  | { readonly type: 'REKEY_FAILED' }
  /** This SA's rekey completed: the new SA took its CHILD SAs over. */
  | { readonly type: 'REKEY_DONE' }
  /** We delete it (`detail`: why); its local state goes with REMOVED. */
  | { readonly type: 'DELETE'; readonly detail: string }
  | { readonly type: 'REMOVED' }
  | { readonly type: 'PEER_DELETED' }
  | { readonly type: 'DPD_DEAD' }
  | { readonly type: 'TIMEOUT'; readonly detail: string }
  | { readonly type: 'FAILED'; readonly reason: string }
  /** Responder: IKE_AUTH did not come within HALF_OPEN_TIMEOUT_MS (timers.ts). */
  | { readonly type: 'HALF_OPEN_EXPIRED' };

/** What the machine calls back into (the daemon; a test's recorder). */
export interface IkeSaLifecycleHost<Owner> {
  /** The SA entered Down (once; the owner's state is being dropped by whoever sent the event). */
  down(owner: Owner, reason: IkeSaDownReason): void;
}

export interface IkeSaMachineInput {
  readonly role: 'initiator' | 'responder';
  /** Born of an IKE SA rekey: established from the start (RFC 7296 §2.18). */
  readonly rekeyed: boolean;
}

interface IkeSaContext {
  readonly role: 'initiator' | 'responder';
  readonly rekeyed: boolean;
  /** Set by DELETE (used when REMOVED ends a Deleting SA) and on entering Down. */
  reason: IkeSaDownReason | null;
}

const down = (cause: IkeSaDownCause, detail: string): IkeSaDownReason => ({ cause, detail });

export const ikeSaMachine = setup({
  types: {
    input: {} as IkeSaMachineInput,
    context: {} as IkeSaContext,
    events: {} as IkeSaEvent,
    output: {} as IkeSaDownReason,
  },
  guards: {
    isRekeyed: ({ context }) => context.rekeyed,
    isInitiator: ({ context }) => context.role === 'initiator',
  },
  actions: {
    markFailed: assign({ reason: ({ event }) => (event.type === 'FAILED' ? down('failed', event.reason) : null) }),
    markTimeout: assign({ reason: ({ event }) => down('timeout', event.type === 'TIMEOUT' ? event.detail : 'No response from peer') }),
    markDpdDead: assign({ reason: () => down('dpd-dead', 'DPD detected peer as down') }),
    markPeerDeleted: assign({ reason: () => down('peer-deleted', 'Peer deleted IKE SA') }),
    markDeleting: assign({ reason: ({ event }) => down('deleted', event.type === 'DELETE' ? event.detail : 'deleted') }),
    markRemoved: assign({ reason: ({ context }) => context.reason ?? down('deleted', 'removed') }),
    markRekeyed: assign({ reason: () => down('rekeyed', 'IKE SA rekeyed') }),
    markHalfOpen: assign({ reason: () => down('half-open-expired', 'half-open SA expired without IKE_AUTH') }),
    // Executed by IkeSaLifecycle (it knows the SA and its host; the machine's context does not).
    reportDown: () => undefined,
  },
}).createMachine({
  id: 'IkeSa',
  // `input` is undefined for the throwaway actor xstate's pure `transition` builds to compute a
  // step: a context then, never used, instead of a TypeError xstate would catch.
  context: ({ input }) => ({ role: input?.role ?? 'initiator', rekeyed: input?.rekeyed ?? false, reason: null }),
  initial: 'Connecting',
  // Outcomes that end the SA whatever phase it is in (Rekeyed and Deleting refine some below).
  on: {
    FAILED: { target: '.Down', actions: 'markFailed' },
    TIMEOUT: { target: '.Down', actions: 'markTimeout' },
    DPD_DEAD: { target: '.Down', actions: 'markDpdDead' },
    PEER_DELETED: { target: '.Down', actions: 'markPeerDeleted' },
    DELETE: { target: '.Deleting', actions: 'markDeleting' },
    REMOVED: { target: '.Down', actions: 'markRemoved' },
  },
  states: {
    Connecting: {
      initial: 'Start',
      states: {
        Start: {
          always: [{ guard: 'isRekeyed', target: '#IkeSa.Established' }, { guard: 'isInitiator', target: 'InitSent' }, { target: 'InitAnswered' }],
        },
        InitSent: { on: { INIT_DONE: 'AuthSent' } },
        AuthSent: { on: { AUTH_DONE: '#IkeSa.Established' } },
        InitAnswered: {
          on: { AUTH_DONE: '#IkeSa.Established', HALF_OPEN_EXPIRED: { target: '#IkeSa.Down', actions: 'markHalfOpen' } },
        },
      },
    },
    Established: {
      initial: 'Active',
      on: { REKEY_DONE: 'Rekeyed' },
      states: {
        Active: { on: { REKEY_START: 'Rekeying' } },
        Rekeying: { on: { REKEY_FAILED: 'Active' } },
      },
    },
    /** Replaced by its successor; whatever ends it now ends it as rekeyed. */
    Rekeyed: {
      on: {
        PEER_DELETED: { target: 'Down', actions: 'markRekeyed' },
        REMOVED: { target: 'Down', actions: 'markRekeyed' },
        DELETE: { target: 'Deleting', actions: 'markRekeyed' },
      },
    },
    /** We said Delete (or are about to forget it): a crossing Delete from the peer changes no reason. */
    Deleting: {
      on: { DELETE: {}, REKEY_DONE: {}, PEER_DELETED: { target: 'Down', actions: 'markRemoved' } },
    },
    Down: { type: 'final', entry: 'reportDown' },
  },
  output: ({ context }) => context.reason ?? down('deleted', 'removed'),
});

export type IkeSaSnapshot = SnapshotFrom<typeof ikeSaMachine>;
type Step = readonly [IkeSaSnapshot, readonly { readonly type: string }[]];

/** xstate's answers for payload-free events, per snapshot (shared snapshots: a few entries). */
const steps = new WeakMap<IkeSaSnapshot, Map<string, Step>>();
const initials = new Map<string, Step>();

function initialStep(input: IkeSaMachineInput): Step {
  const key = `${input.role}/${input.rekeyed}`;
  let step = initials.get(key);
  if (!step) {
    step = initialTransition(ikeSaMachine, input);
    initials.set(key, step);
  }
  return step;
}

function nextStep(snapshot: IkeSaSnapshot, event: IkeSaEvent): Step {
  if (Object.keys(event).length > 1) return transition(ikeSaMachine, snapshot, event);
  let byType = steps.get(snapshot);
  if (!byType) {
    byType = new Map();
    steps.set(snapshot, byType);
  }
  let step = byType.get(event.type);
  if (!step) {
    step = transition(ikeSaMachine, snapshot, event);
    byType.set(event.type, step);
  }
  return step;
}

/** An observer's handle (the shape of an xstate subscription). */
export interface LifecycleSubscription {
  unsubscribe(): void;
}

/**
 * One IKE SA's place in `ikeSaMachine`: its snapshot, moved by events through xstate's pure
 * `transition`, the machine's actions run against this SA's host, and observers told of every
 * new snapshot (tests record sequences with them). Once Down (status `done`) it ignores events.
 */
export class IkeSaLifecycle<Owner> {
  private snapshot: IkeSaSnapshot;
  private observers: Array<(s: IkeSaSnapshot) => void> | undefined;

  constructor(
    input: IkeSaMachineInput,
    private readonly owner: Owner,
    private readonly host: IkeSaLifecycleHost<Owner>,
  ) {
    const [snapshot, actions] = initialStep(input);
    this.snapshot = snapshot;
    this.run(actions);
  }

  getSnapshot(): IkeSaSnapshot {
    return this.snapshot;
  }

  subscribe(observer: (s: IkeSaSnapshot) => void): LifecycleSubscription {
    (this.observers ??= []).push(observer);
    return {
      unsubscribe: () => {
        this.observers = this.observers?.filter((o) => o !== observer);
      },
    };
  }

  send(event: IkeSaEvent): void {
    if (this.snapshot.status !== 'active') return;
    const [next, actions] = nextStep(this.snapshot, event);
    if (next === this.snapshot) return;
    this.snapshot = next;
    this.run(actions);
    if (this.observers) for (const o of this.observers) o(next);
  }

  private run(actions: readonly { readonly type: string }[]): void {
    for (const a of actions) {
      if (a.type === 'reportDown') this.host.down(this.owner, this.snapshot.context.reason ?? down('deleted', 'removed'));
    }
  }
}

/**
 * The daemon itself (kmd or iked): Running until `stop()`, counting the IKE SAs whose
 * lifecycle reached Down (SA_ENDED, sent by the daemon's lifecycle host).
 */
export const ikeDaemonMachine = setup({
  types: { context: {} as { ended: number }, events: {} as { readonly type: 'STOP' } | { readonly type: 'SA_ENDED' } },
}).createMachine({
  id: 'IkeDaemon',
  context: { ended: 0 },
  initial: 'Running',
  states: {
    Running: {
      on: { STOP: 'Stopped', SA_ENDED: { actions: assign({ ended: ({ context }) => context.ended + 1 }) } },
    },
    Stopped: { type: 'final' },
  },
});

export type IkeDaemonActor = Actor<typeof ikeDaemonMachine>;

export function createIkeDaemonActor(clock: Clock): IkeDaemonActor {
  return createActor(ikeDaemonMachine, { clock }).start();
}

/** How many IKE SAs of the daemon reached Down. */
export function endedSaActors(daemon: IkeDaemonActor): number {
  return daemon.getSnapshot().context.ended;
}

/** The lifecycle of one IKE SA (`owner`), starting in the machine's initial state for `input`. */
export function createIkeSaLifecycle<Owner>(input: IkeSaMachineInput, owner: Owner, host: IkeSaLifecycleHost<Owner>): IkeSaLifecycle<Owner> {
  return new IkeSaLifecycle(input, owner, host);
}

/** The daemon's short state names, from a snapshot. */
export type IkeSaPhase = 'connecting' | 'authenticating' | 'established' | 'rekeyed' | 'deleting' | 'dead';

export function phaseOf(snapshot: IkeSaSnapshot): IkeSaPhase {
  const v = snapshot.value;
  if (typeof v === 'string') return v === 'Down' ? 'dead' : v === 'Rekeyed' ? 'rekeyed' : 'deleting';
  if ('Established' in v) return 'established';
  return v.Connecting === 'InitSent' || v.Connecting === 'Start' ? 'connecting' : 'authenticating';
}

/**
 * A snapshot in one line, the way tests assert sequences: `Connecting.InitSent`,
 * `Established.Rekeying`, `Down(timeout)`.
 */
export function lifecycleText(snapshot: IkeSaSnapshot): string {
  const v = snapshot.value;
  if (typeof v === 'string') return v === 'Down' ? `Down(${snapshot.context.reason?.cause ?? 'deleted'})` : v;
  const [outer, inner] = Object.entries(v)[0]!;
  return `${outer}.${String(inner)}`;
}
