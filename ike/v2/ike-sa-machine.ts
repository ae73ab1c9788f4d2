/**
 * The lifecycle of one IKE SA as an xstate v5 machine: which phase the SA is in, and once it is
 * gone, why. The machine is defined once for the module; each IKE SA runs one small actor of it
 * on the device clock (`createIkeSaActor`). The exchanges themselves stay in the task manager and
 * the tasks: the actor only hears their outcomes as events, so a setup costs a handful of
 * transitions, not an actor per exchange.
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
 * `Down` is final and carries a typed reason; entering it tells the host (the daemon's trace)
 * and stops the actor, so nothing of it outlives the SA.
 *
 * Timers stay out of the machine. The actors run on the device clock (an `after` here would
 * be virtual time in tests), but each `after` left early costs a clearTimeout, and on the
 * VirtualClock that is a scan of every pending timer: measured 90 µs per SA with 10,000 timers
 * pending, which alone would eat a tenth of the setup budget. The half-open timeout, the
 * lifetimes, DPD and retransmissions are the daemon's and the task manager's (plain clock
 * timers that check the state when they fire); the machine hears their outcome as an event.
 */
import { assign, createActor, fromTransition, setup, type Actor, type AnyActorRef, type SnapshotFrom } from 'xstate';
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
  readonly owner: unknown;
  readonly host: IkeSaLifecycleHost<unknown>;
}

interface IkeSaContext {
  readonly input: IkeSaMachineInput;
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
    isRekeyed: ({ context }) => context.input.rekeyed,
    isInitiator: ({ context }) => context.input.role === 'initiator',
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
    reportDown: ({ context }) => context.input.host.down(context.input.owner, context.reason ?? down('deleted', 'removed')),
  },
}).createMachine({
  id: 'IkeSa',
  context: ({ input }) => ({ input, reason: null }),
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

export type IkeSaActor = Actor<typeof ikeSaMachine>;
export type IkeSaSnapshot = SnapshotFrom<typeof ikeSaMachine>;

/**
 * Where the SA actors of one daemon live. It is the `parent` of each of them, so they share the
 * daemon actor's system, scheduler and clock and do not each build their own. That costs
 * 1.9 kB per SA actor instead of 3.6 kB. They are not spawned into any snapshot, because a
 * children map would be copied per SA. An SA actor that reaches Down sends it xstate's
 * `xstate.done.actor.<id>` event, and it counts those.
 *
 * It is transition logic, not a machine, on purpose. A machine memoises its candidate
 * transitions per event type, and every done event has a type of its own (the actor's id). On
 * the module-level machine that table grew by about 200 bytes per SA, forever.
 */
const ikeSaRegistry = fromTransition((ended: number, event: { readonly type: string }) => (event.type.startsWith('xstate.done.actor.') ? ended + 1 : ended), 0);

/**
 * The daemon itself (kmd or iked): Running until `stop()`, with the SA registry invoked while
 * it runs.
 */
export const ikeDaemonMachine = setup({
  types: { events: {} as { readonly type: 'STOP' } },
  actors: { ikeSaRegistry },
}).createMachine({
  id: 'IkeDaemon',
  initial: 'Running',
  states: {
    Running: {
      invoke: { id: 'sas', src: 'ikeSaRegistry' },
      on: { STOP: 'Stopped' },
    },
    Stopped: { type: 'final' },
  },
});

export type IkeDaemonActor = Actor<typeof ikeDaemonMachine>;

export function createIkeDaemonActor(clock: Clock): IkeDaemonActor {
  return createActor(ikeDaemonMachine, { clock }).start();
}

/** The daemon's SA registry (undefined once the daemon stopped). */
export function saRegistryOf(daemon: IkeDaemonActor): AnyActorRef | undefined {
  return daemon.getSnapshot().children.sas;
}

/** How many SA actors of the daemon reached Down (and stopped). */
export function endedSaActors(daemon: IkeDaemonActor): number {
  const registry = saRegistryOf(daemon);
  return registry ? (registry.getSnapshot() as { context: number }).context : 0;
}

/** Start the lifecycle actor of one IKE SA on the device clock, in its daemon's actor system. */
export function createIkeSaActor(clock: Clock, input: IkeSaMachineInput, daemon?: IkeDaemonActor): IkeSaActor {
  const parent = daemon ? saRegistryOf(daemon) : undefined;
  return createActor(ikeSaMachine, parent ? { clock, input, parent } : { clock, input }).start();
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
