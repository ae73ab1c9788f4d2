/**
 * The exchange ordering of one IKE SA (RFC 7296 §2.1–§2.3), window size 1:
 *
 * - requests we start: one at a time, each with the next Message ID; the request is kept and
 *   retransmitted with exponential back-off on the injected clock (timers.ts) until its
 *   response arrives or the retry limit is reached (then the exchange's `timeout`);
 * - requests the peer starts: only the next Message ID is accepted; a retransmission of the
 *   previous one gets the cached response again (never re-processed); anything else is dropped;
 * - `again`: IKE_SA_INIT restarted with a COOKIE or another KE group reuses Message ID 0.
 *
 * The tasks (tasks/*.ts) build request payloads and process responses; this class only orders
 * and (re)sends what the host encodes.
 */
import type { Clock, TimerHandle } from '../../sim/clock.js';
import type { IkeMessage, Payload } from '../wire/types.js';
import { RETRANSMIT_BASE_MS, RETRANSMIT_LIMIT } from './timers.js';

export type ExchangeOutcome = 'done' | 'again';

/** One exchange we initiate, made of the tasks that fill it. */
export interface Exchange {
  readonly name: string;
  readonly type: number;
  /** The request's payloads (inside SK for every exchange but IKE_SA_INIT). */
  build(): Payload[];
  /** The response, decrypted (`payloads`: inner payloads, or the plain ones of IKE_SA_INIT). */
  process(message: IkeMessage, payloads: readonly Payload[]): ExchangeOutcome;
  /** No response after the last retransmission. */
  timeout(): void;
  /** The request's bytes as first sent (IKE_SA_INIT keeps them for AUTH). */
  sent?(packets: readonly Uint8Array[]): void;
  /** A fixed retransmission interval instead of the back-off (DPD: the configured interval). */
  readonly retransmitInterval?: number;
  /** Retransmissions before `timeout` (DPD: the threshold). */
  readonly retransmitLimit?: number;
}

export interface TaskManagerHost {
  readonly clock: Clock;
  /** Encode (and seal/fragment) one message of this IKE SA. */
  encode(type: number, response: boolean, messageId: number, payloads: readonly Payload[]): Uint8Array[];
  send(packets: readonly Uint8Array[], retransmission: boolean): void;
  /** False while the SA cannot send yet (keys missing) or is gone. */
  alive(): boolean;
}

interface Active {
  readonly exchange: Exchange;
  readonly messageId: number;
  packets: readonly Uint8Array[];
  tries: number;
  timer: TimerHandle | undefined;
}

export type RequestCheck = 'new' | 'retransmit' | 'drop';

export class TaskManager {
  private nextId = 0;
  private active: Active | undefined;
  private readonly queue: Exchange[] = [];
  private expected = 0;
  private cached: { readonly messageId: number; readonly packets: readonly Uint8Array[] } | undefined;
  /** A request whose answer is being prepared (async install). */
  private busy = -1;
  host: TaskManagerHost | undefined;

  get idle(): boolean {
    return this.active === undefined && this.queue.length === 0;
  }

  get activeExchange(): Exchange | undefined {
    return this.active?.exchange;
  }

  get activeMessageId(): number | undefined {
    return this.active?.messageId;
  }

  get queued(): readonly Exchange[] {
    return this.queue;
  }

  get nextRequestId(): number {
    return this.nextId;
  }

  get expectedRequestId(): number {
    return this.expected;
  }

  /** Queue an exchange; it starts when the one in flight is done. */
  initiate(exchange: Exchange): void {
    this.queue.push(exchange);
    this.kick();
  }

  /** Put an exchange first in line (IKE_AUTH right after IKE_SA_INIT). */
  initiateFirst(exchange: Exchange): void {
    this.queue.unshift(exchange);
    this.kick();
  }

  kick(): void {
    const host = this.host;
    if (this.active || !host || !host.alive()) return;
    const exchange = this.queue.shift();
    if (!exchange) return;
    const messageId = this.nextId++;
    this.active = { exchange, messageId, packets: [], tries: 0, timer: undefined };
    this.sendActive(false);
  }

  private sendActive(retransmission: boolean): void {
    const a = this.active!;
    const host = this.host!;
    if (!retransmission) {
      a.packets = host.encode(a.exchange.type, false, a.messageId, a.exchange.build());
      a.exchange.sent?.(a.packets);
    }
    host.send(a.packets, retransmission);
    const delay = a.exchange.retransmitInterval ?? RETRANSMIT_BASE_MS * 2 ** a.tries;
    a.timer = host.clock.setTimeout(() => this.onTimer(a), delay);
  }

  private onTimer(a: Active): void {
    if (this.active !== a) return;
    a.timer = undefined;
    if (!this.host?.alive()) return;
    if (a.tries >= (a.exchange.retransmitLimit ?? RETRANSMIT_LIMIT)) {
      this.active = undefined;
      a.exchange.timeout();
      this.kick();
      return;
    }
    a.tries++;
    this.sendActive(true);
  }

  /** True when `messageId` is the response we wait for. */
  expects(messageId: number): boolean {
    return this.active !== undefined && this.active.messageId === messageId;
  }

  /** A response for the active request arrived (already decrypted and checked). */
  onResponse(message: IkeMessage, payloads: readonly Payload[]): void {
    const a = this.active;
    if (!a || a.messageId !== message.header.messageId) return;
    if (a.timer) this.host?.clock.clearTimeout(a.timer);
    a.timer = undefined;
    const outcome = a.exchange.process(message, payloads);
    if (this.active !== a) return; // the exchange tore the SA down
    if (outcome === 'again') {
      a.tries = 0;
      this.sendActive(false);
      return;
    }
    this.active = undefined;
    this.kick();
  }

  /** Classify a request by its Message ID (§2.2). */
  checkRequest(messageId: number): RequestCheck {
    if (messageId === this.busy) return 'drop';
    if (messageId === this.expected) return 'new';
    if (this.cached && messageId === this.cached.messageId) return 'retransmit';
    return 'drop';
  }

  /** Resend the cached response of a retransmitted request. */
  resendCached(): void {
    if (this.cached) this.host?.send(this.cached.packets, true);
  }

  /** The request is being answered asynchronously: drop its retransmissions meanwhile. */
  hold(messageId: number): void {
    this.busy = messageId;
    this.expected = messageId + 1;
  }

  /** Answer request `messageId` (the next expected, or the held one). */
  respond(type: number, messageId: number, payloads: readonly Payload[]): void {
    const host = this.host;
    if (!host) return;
    const packets = host.encode(type, true, messageId, payloads);
    this.cached = { messageId, packets };
    if (this.busy === messageId) this.busy = -1;
    if (this.expected <= messageId) this.expected = messageId + 1;
    host.send(packets, false);
  }

  /** Start counting from here (a responder that answered IKE_SA_INIT expects Message ID 1). */
  seed(expected: number, cached?: { readonly messageId: number; readonly packets: readonly Uint8Array[] }, nextId?: number): void {
    this.expected = expected;
    if (cached) this.cached = cached;
    if (nextId !== undefined) this.nextId = nextId;
  }

  /** Take the queued (not yet started) exchanges out. */
  drain(): Exchange[] {
    return this.queue.splice(0, this.queue.length);
  }

  /** Cancel everything (the SA is gone). */
  stop(): void {
    if (this.active?.timer) this.host?.clock.clearTimeout(this.active.timer);
    this.active = undefined;
    this.queue.length = 0;
  }
}
