/**
 * The receiver's anti-replay window (RFC 4303 §3.4.3 and Appendix A), used by ESP and AH.
 *
 * Two phases, as the RFC orders them: `check(seqLow)` before the ICV is verified (drop packets
 * that are too old or already seen, and infer the ESN high bits), then `commit(seq)` only after
 * the ICV verified — a forged packet never moves the window. `commit` re-checks, because two
 * copies of one packet can both pass `check` while their ICVs are being verified (batches in
 * flight on an SPU thread); the second commit then reports the replay.
 *
 * Layout: a circular bitmap of 32-bit words, bit (seq mod 32) of word (⌊seq/32⌋ mod n), with
 * n = ⌈W/32⌉ + 1. Advancing the top clears whole words only — the words the new top enters —
 * and the spare word guarantees that a cleared word never holds a sequence number still inside
 * the window (the oldest live number is top − W + 1). Each packet costs O(1): a jump clears at
 * most n words (≤ 257 at W = 8192), however far it goes.
 *
 * Sizes: 64..8192 as `anti-replay-window-size` allows (any value: SPC2-only boxes accept sizes
 * that are not powers of 2), or 0 for `no-anti-replay` (every packet passes; the top is still
 * tracked so ESN high bits can be inferred, with a nominal 64-packet window).
 *
 * Sequence numbers are JavaScript numbers: exact to 2^53, far beyond any SA's life.
 */

/** `check` returns this when the packet must be dropped as a replay. */
export const REPLAY = -1;

const TWO32 = 0x1_0000_0000;
const ESN_NOMINAL_WINDOW = 64;
export const MIN_REPLAY_WINDOW = 64;
export const MAX_REPLAY_WINDOW = 8192;
export const DEFAULT_REPLAY_WINDOW = 64;

export interface ReplaySnapshot {
  readonly size: number;
  readonly esn: boolean;
  /** Highest authenticated sequence number (0: none yet). */
  readonly top: number;
  readonly bitmap: Uint32Array;
}

export class ReplayWindow {
  readonly size: number;
  readonly esn: boolean;
  private top = 0;
  private readonly words: Uint32Array;
  private readonly nwords: number;

  constructor(size: number = DEFAULT_REPLAY_WINDOW, esn = false) {
    if (typeof size !== 'number' || !Number.isInteger(size)) throw new TypeError('size: expected an integer');
    if (size !== 0 && (size < MIN_REPLAY_WINDOW || size > MAX_REPLAY_WINDOW)) {
      throw new RangeError(`size: ${size} is outside ${MIN_REPLAY_WINDOW}..${MAX_REPLAY_WINDOW} (0 disables anti-replay)`);
    }
    if (typeof esn !== 'boolean') throw new TypeError('esn: expected a boolean');
    this.size = size;
    this.esn = esn;
    this.nwords = size === 0 ? 0 : Math.ceil(size / 32) + 1;
    this.words = new Uint32Array(this.nwords);
  }

  /** Highest authenticated sequence number so far (0 before the first). */
  get highest(): number {
    return this.top;
  }

  /**
   * Before the ICV: the full sequence number of a packet carrying `seqLow` (its 32 bits on the
   * wire), or REPLAY when it is older than the window, already received, or 0.
   *
   * ESN: the high bits are inferred from the authenticated top, or from `inferFrom` when that
   * is higher — the highest number of packets still being verified, so a batch that crosses a
   * 2^32 boundary infers its later packets correctly. Such a guess is unauthenticated, so the
   * caller also tries the inference from the authenticated top when the ICV fails (esp-path.ts).
   */
  check(seqLow: number, inferFrom?: number): number {
    if (!(seqLow >= 0 && seqLow < TWO32) || !Number.isInteger(seqLow)) return REPLAY;
    const seq = this.esn ? this.infer(seqLow, inferFrom !== undefined && inferFrom > this.top ? inferFrom : this.top) : seqLow;
    if (seq === 0) return REPLAY; // the first packet of an SA carries 1 (RFC 4303 §3.3.3)
    if (this.size === 0 || seq > this.top) return seq;
    if (seq + this.size <= this.top) return REPLAY; // left of the window
    return this.isSet(seq) ? REPLAY : seq;
  }

  /** After the ICV verified: record `seq`. False when it is a replay after all (see above). */
  commit(seq: number): boolean {
    if (!(seq > 0) || !Number.isSafeInteger(seq)) return false;
    if (this.size === 0) {
      if (seq > this.top) this.top = seq;
      return true;
    }
    if (seq > this.top) {
      const fromBlock = Math.floor(this.top / 32);
      const diff = Math.floor(seq / 32) - fromBlock;
      if (diff >= this.nwords) this.words.fill(0);
      else for (let i = 1; i <= diff; i++) this.words[(fromBlock + i) % this.nwords] = 0;
      this.top = seq;
      this.set(seq);
      return true;
    }
    if (seq + this.size <= this.top || this.isSet(seq)) return false;
    this.set(seq);
    return true;
  }

  /** RFC 4303 Appendix A2.1: the high-order 32 bits implied by the window's position. */
  private infer(seqLow: number, top: number): number {
    const w = this.size || ESN_NOMINAL_WINDOW;
    const tl = top % TWO32;
    const th = Math.floor(top / TWO32);
    let high: number;
    if (tl >= w - 1) {
      // The window lies within one 2^32 subspace: below its bottom means the next subspace.
      high = seqLow >= tl - w + 1 ? th : th + 1;
    } else {
      // The window spans two subspaces: numbers above its (wrapped) bottom are the old one's.
      const bottom = tl - w + 1 + TWO32;
      high = seqLow >= bottom ? th - 1 : th;
      if (high < 0) high = 0; // before the first wrap there is no older subspace
    }
    return high * TWO32 + seqLow;
  }

  private isSet(seq: number): boolean {
    const word = this.words[Math.floor(seq / 32) % this.nwords]!;
    return ((word >>> (seq % 32)) & 1) === 1;
  }

  private set(seq: number): void {
    const i = Math.floor(seq / 32) % this.nwords;
    this.words[i] = (this.words[i]! | (1 << (seq % 32))) >>> 0;
  }

  /** The state `show` and cluster sync need (a copy). */
  snapshot(): ReplaySnapshot {
    return { size: this.size, esn: this.esn, top: this.top, bitmap: this.words.slice() };
  }

  static restore(s: ReplaySnapshot): ReplayWindow {
    const w = new ReplayWindow(s.size, s.esn);
    if (!Number.isSafeInteger(s.top) || s.top < 0) throw new RangeError('top: expected a non-negative integer');
    if (!(s.bitmap instanceof Uint32Array) || s.bitmap.length !== w.nwords) throw new RangeError(`bitmap: expected ${w.nwords} words`);
    w.top = s.top;
    w.words.set(s.bitmap);
    return w;
  }
}
