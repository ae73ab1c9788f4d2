/**
 * IKEv2 message fragmentation (RFC 7383): splitting an SK message into Encrypted Fragment (SKF)
 * messages, and reassembling them.
 *
 * Splitting (§2.5): the plaintext of the inner payloads is cut into consecutive pieces, each
 * sealed on its own in an SKF payload that is the only payload of its message. Every fragment
 * repeats the header (same SPIs, exchange, flags and Message ID; its own Length), carries its
 * Fragment Number (from 1) and the Total Fragments; fragment 1's Next Payload is the type of the
 * first inner payload, the others' is 0. Each piece is as large as the size limit allows once
 * the header (28), the SKF header (8), IV, padding, pad length and ICV are counted. IKE_SA_INIT
 * is never fragmented (it has no SK).
 *
 * Reassembling (§2.6): fragments are fed after their own integrity check passed (decodeMessage
 * with the cipher opens each one), so only the authenticated peer can fill the buffers. Per
 * Message ID and direction the reassembler keeps the pieces received; a duplicate is dropped; a
 * fragment announcing MORE fragments than the ones held restarts the collection (the peer re-split
 * its message for a smaller path MTU), one announcing FEWER is dropped. When every piece is in,
 * the plaintext is joined and decoded like an SK payload's, exchange rules included.
 *
 * Memory is bounded: at most `maxMessages` messages in progress (the oldest is forgotten first),
 * `maxFragments` fragments and `maxBytes` plaintext bytes per message.
 */
import { ExchangeType, IKE_HEADER_LENGTH, PAYLOAD_HEADER_LENGTH, PayloadType } from './constants.js';
import { chainLength, payloadType, writeChain } from './codec.js';
import { writeHeader, type HeaderFields } from './header.js';
import { decodeInner } from './message.js';
import { minimalPadLength, sealInPlace, type SkCipher } from './sk.js';
import type { IkeMessage, OpenedFragment, Payload, Rejection, Verdict } from './types.js';
import { reject } from './verdict.js';

/** SKF generic header + fragment number + total fragments. */
export const SKF_HEADER_LENGTH = PAYLOAD_HEADER_LENGTH + 4;

/** Largest piece of inner plaintext one fragment of at most `maxMessageSize` bytes can carry. */
export function fragmentCapacity(cipher: SkCipher, maxMessageSize: number): number {
  const room = maxMessageSize - IKE_HEADER_LENGTH - SKF_HEADER_LENGTH - cipher.ivLength - cipher.icvLength;
  // piece + padding + 1 must be a whole number of blocks.
  const blocks = Math.floor(room / cipher.blockSize) * cipher.blockSize;
  return blocks - 1;
}

export interface FragmentOptions {
  /** The most bytes each fragment message may have (IKE header included, UDP/IP not). */
  readonly maxMessageSize: number;
}

/**
 * Split and seal the inner payloads into SKF messages. Throws RangeError when the size limit
 * leaves no room, for IKE_SA_INIT, or beyond 65535 fragments. IVs come from the cipher's source.
 */
export function fragmentMessage(header: HeaderFields, inner: readonly Payload[], cipher: SkCipher, options: FragmentOptions): Uint8Array[] {
  const plaintext = new Uint8Array(chainLength(inner));
  writeChain(inner, plaintext, 0);
  return fragmentPlaintext(header, plaintext, inner.length > 0 ? payloadType(inner[0]!) : 0, cipher, options);
}

/** fragmentMessage for a chain already encoded: `innerFirst` is the type of its first payload. */
export function fragmentPlaintext(header: HeaderFields, plaintext: Uint8Array, innerFirst: number, cipher: SkCipher, options: FragmentOptions): Uint8Array[] {
  if (header.exchange === ExchangeType.IKE_SA_INIT) throw new RangeError('RFC 7383: IKE_SA_INIT is never fragmented');
  const capacity = fragmentCapacity(cipher, options.maxMessageSize);
  if (capacity < 1) throw new RangeError(`RFC 7383: a ${options.maxMessageSize}-byte limit leaves no room for fragment content`);
  const total = Math.max(1, Math.ceil(plaintext.length / capacity));
  if (total > 0xffff) throw new RangeError(`RFC 7383: ${total} fragments (at most 65535)`);
  const out: Uint8Array[] = [];
  for (let n = 1; n <= total; n++) {
    const piece = plaintext.subarray((n - 1) * capacity, Math.min(plaintext.length, n * capacity));
    const padLength = minimalPadLength(cipher, piece.length);
    const payloadLen = SKF_HEADER_LENGTH + cipher.ivLength + piece.length + padLength + 1 + cipher.icvLength;
    const length = IKE_HEADER_LENGTH + payloadLen;
    const msg = new Uint8Array(length);
    writeHeader(header, PayloadType.SKF, length, msg);
    const at = IKE_HEADER_LENGTH;
    msg[at] = n === 1 ? innerFirst : 0;
    msg[at + 2] = payloadLen >>> 8;
    msg[at + 3] = payloadLen & 0xff;
    msg[at + 4] = n >>> 8;
    msg[at + 5] = n & 0xff;
    msg[at + 6] = total >>> 8;
    msg[at + 7] = total & 0xff;
    const ivAt = at + SKF_HEADER_LENGTH;
    msg.set(piece, ivAt + cipher.ivLength);
    sealInPlace(cipher, msg, ivAt, piece.length);
    out.push(msg);
  }
  return out;
}

export interface ReassemblyLimits {
  /** Messages in progress at once (default 4). */
  readonly maxMessages?: number;
  /** Fragments per message (default 64). */
  readonly maxFragments?: number;
  /** Plaintext bytes per message (default 65535, the largest unfragmented IKE message). */
  readonly maxBytes?: number;
}

export type ReassemblyResult =
  /** Kept; more fragments are needed. */
  | { readonly state: 'pending'; readonly received: number; readonly total: number }
  /** All fragments are in: the verdict on the whole message (its `inner` holds the payloads). */
  | { readonly state: 'complete'; readonly verdict: Verdict<IkeMessage> }
  /** This fragment was not kept (and, for a reassembly limit, the message in progress is gone). */
  | { readonly state: 'dropped'; readonly rejection: Rejection };

interface Collection {
  readonly total: number;
  readonly exchange: number;
  readonly pieces: (OpenedFragment | undefined)[];
  first: IkeMessage | undefined;
  received: number;
  bytes: number;
}

const DROP_CTX = { request: false, authenticated: false, initExchange: false } as const;

/**
 * Collects the fragments of one IKE SA's messages (one reassembler per IKE SA). Feed it only
 * fragments whose Message ID the daemon's window expects: a late copy of a fragment of a message
 * already completed would start a new collection (which the limits and `forget` bound).
 */
export class FragmentReassembler {
  private readonly maxMessages: number;
  private readonly maxFragments: number;
  private readonly maxBytes: number;
  private readonly collections = new Map<number, Collection>();

  constructor(limits: ReassemblyLimits = {}) {
    this.maxMessages = limits.maxMessages ?? 4;
    this.maxFragments = limits.maxFragments ?? 64;
    this.maxBytes = limits.maxBytes ?? 65535;
  }

  /** Messages in progress. */
  get size(): number {
    return this.collections.size;
  }

  /** Plaintext bytes held. */
  get heldBytes(): number {
    let n = 0;
    for (const c of this.collections.values()) n += c.bytes;
    return n;
  }

  /** Forget a message in progress (e.g. on timeout or once its exchange is done). */
  forget(messageId: number, response: boolean): void {
    this.collections.delete(messageId * 2 + (response ? 1 : 0));
  }

  clear(): void {
    this.collections.clear();
  }

  /**
   * Add one opened fragment (a decodeMessage result, made with the cipher, that has `fragment`).
   * Never throws.
   */
  add(message: IkeMessage): ReassemblyResult {
    const f = message.fragment;
    const h = message.header;
    if (f === undefined) return dropped('fragment-mismatch', 'not an opened SKF message');
    if (f.total > this.maxFragments) return dropped('fragment-limit', `${f.total} fragments announced (at most ${this.maxFragments})`);
    const key = h.messageId * 2 + (h.response ? 1 : 0);
    let c = this.collections.get(key);
    if (c !== undefined) {
      if (f.total < c.total) return dropped('fragment-stale', `fragment ${f.number}/${f.total} of a message being collected as ${c.total} fragments`);
      if (f.total > c.total) {
        // §2.6: the peer re-fragmented (smaller PMTU): start over with the new split.
        this.collections.delete(key);
        c = undefined;
      } else if (c.exchange !== h.exchange) {
        return dropped('fragment-mismatch', `fragment of exchange ${h.exchange} for a message of exchange ${c.exchange}`);
      } else if (c.pieces[f.number - 1] !== undefined) {
        return dropped('fragment-duplicate', `fragment ${f.number}/${f.total} received twice`);
      }
    }
    if (c === undefined) {
      while (this.collections.size >= this.maxMessages) {
        const oldest = this.collections.keys().next().value as number;
        this.collections.delete(oldest);
      }
      c = { total: f.total, exchange: h.exchange, pieces: new Array<OpenedFragment | undefined>(f.total).fill(undefined), first: undefined, received: 0, bytes: 0 };
      this.collections.set(key, c);
    }
    if (c.bytes + f.plaintext.length > this.maxBytes) {
      this.collections.delete(key);
      return dropped('fragment-limit', `fragments of Message ID ${h.messageId} exceed ${this.maxBytes} bytes`);
    }
    c.pieces[f.number - 1] = f;
    c.received++;
    c.bytes += f.plaintext.length;
    if (f.number === 1) c.first = message;
    if (c.received < c.total) return { state: 'pending', received: c.received, total: c.total };
    this.collections.delete(key);
    const plaintext = new Uint8Array(c.bytes);
    let at = 0;
    for (const p of c.pieces) {
      plaintext.set(p!.plaintext, at);
      at += p!.plaintext.length;
    }
    const first = c.first!;
    const inner = decodeInner(first.header, first.payloads, plaintext, first.fragment!.innerFirst);
    if (!Array.isArray(inner)) return { state: 'complete', verdict: inner as Rejection };
    return {
      state: 'complete',
      verdict: { ok: true, message: { header: first.header, payloads: first.payloads, inner: inner as Payload[], bytes: first.bytes } },
    };
  }
}

function dropped(reason: 'fragment-duplicate' | 'fragment-stale' | 'fragment-limit' | 'fragment-mismatch', detail: string): ReassemblyResult {
  return { state: 'dropped', rejection: reject(reason, detail, DROP_CTX) };
}
