/**
 * ESP in tunnel mode (RFC 4303) as pure functions on bytes: SPI ‖ sequence ‖ IV ‖ ciphertext ‖
 * ICV, for the suites of crypto/suites.ts:
 *
 * - AES-GCM (RFC 4106) and ChaCha20-Poly1305 (RFC 7634): nonce = salt ‖ 8-byte explicit IV;
 *   AAD = SPI ‖ sequence number (SPI ‖ high 32 bits ‖ low 32 bits with ESN, RFC 4106 §5 and
 *   RFC 7634 §2.1); the 16-byte tag is the ICV. The explicit IV is the SA's 64-bit sequence
 *   number, so a (key, nonce) pair is never used twice (RFC 4106 §3.1 permits any unique IV).
 * - AES-CBC (RFC 3602) + HMAC ICV (RFC 2404 / RFC 4868): ICV = truncated HMAC over SPI ‖ sequence
 *   ‖ IV ‖ ciphertext, with the ESN high bits appended to the MAC input only (RFC 4303 §2.2.1).
 *
 * CBC IV (RFC 3602 §3 wants it unpredictable): IV = AES_K(B) with B = "srx5k-iv" ‖ 64-bit
 * sequence number and K the SA's encryption key — the nonce method of NIST SP 800-38A
 * Appendix C. B never repeats within an SA, and without K the IV cannot be predicted before the
 * packet is seen. It costs no extra cipher call: CBC-encrypting B ‖ plaintext under a zero IV
 * yields AES_K(B) as the first block, followed by exactly the CBC encryption of the plaintext
 * under IV = AES_K(B). `explicitIv` overrides it (and the AEAD IV) so tests can rebuild captured
 * packets byte for byte.
 *
 * Padding: RFC 4303 §2.4 default bytes 1, 2, 3, …, the fewest that make plaintext ‖ padding ‖
 * pad length ‖ next header a multiple of the cipher block (16) or, for the AEADs, of 4.
 *
 * `decapsulate` never throws on packet bytes: it returns a verdict whose reason names the
 * `show security ipsec statistics` counter to bump. Order of checks (RFC 4303 §3.4): header,
 * SPI, anti-replay check, ICV, decryption, trailer, then the window commit.
 */
import { constantTimeEqual, type AeadContext, type CbcContext, type CryptoEngine, type EngineName, type HmacContext } from '../../crypto/engine.js';
import { authenticationSuite, encryptionSuite, type AuthenticationSuite, type EncryptionSuite } from '../../crypto/suites.js';
import { REPLAY, type ReplayWindow } from './replay-window.js';
import { checkSaRecord, checkSeq, type SaRecord } from './sa.js';
import { readU32, writeU32 } from '../packet/bytes.js';
import { scratchOf } from './scratch.js';

export type EspDropReason = 'bad-header' | 'invalid-spi' | 'replay' | 'auth' | 'decrypt' | 'bad-trailer';

export type EspVerdict =
  | { readonly ok: true; readonly seq: number; readonly nextHeader: number; readonly inner: Uint8Array }
  /** `seq` is present when the ICV verified (a bad trailer on an authentic packet). */
  | { readonly ok: false; readonly reason: EspDropReason; readonly seq?: number };

export interface DecapsulateOptions {
  /** ESN: the high 32 bits of the sequence number, as the receiver's window infers them. */
  readonly seqHigh?: number;
  /** Check before and commit after the ICV in one call (single-thread users: simulated peers). */
  readonly window?: ReplayWindow;
}

/** The sizes that decide an ESP packet's length. */
export interface EspShape {
  readonly ivLength: number;
  readonly icvLength: number;
  readonly padAlignment: number;
}

/** RFC 4303 §2: SPI (4) + sequence number (4). */
export const ESP_HEADER = 8;
const TWO32 = 0x1_0000_0000;
const IV_DOMAIN = Uint8Array.from([0x73, 0x72, 0x78, 0x35, 0x6b, 0x2d, 0x69, 0x76]); // "srx5k-iv"
const ZERO_IV = new Uint8Array(16);

export function espShape(sa: Pick<SaRecord, 'encryption' | 'authentication'>): EspShape {
  if (sa.encryption === null) throw new RangeError('encryption: ESP needs an encryption algorithm');
  const enc = encryptionSuite(sa.encryption);
  const icv = enc.kind === 'aead' ? enc.icvLength : authenticationSuite(sa.authentication ?? '').icvLength;
  return { ivLength: enc.ivLength, icvLength: icv, padAlignment: enc.padAlignment };
}

/** Padding bytes RFC 4303's default rule adds to `innerLength`. */
export function padLength(shape: EspShape, innerLength: number): number {
  const a = shape.padAlignment;
  return (a - ((innerLength + 2) % a)) % a;
}

/** Bytes of the ESP packet (SPI..ICV) carrying an inner packet of `innerLength` bytes. */
export function espLength(shape: EspShape, innerLength: number): number {
  return ESP_HEADER + shape.ivLength + innerLength + padLength(shape, innerLength) + 2 + shape.icvLength;
}

/** One SA's keyed crypto, built once per SA (on the SPU thread that serves it). */
export class EspContext implements EspShape {
  readonly spi: number;
  readonly esn: boolean;
  readonly engine: EngineName;
  readonly suite: EncryptionSuite;
  readonly integrity: AuthenticationSuite | null;
  readonly ivLength: number;
  readonly icvLength: number;
  readonly padAlignment: number;
  /** @internal */ readonly _aead: AeadContext | null;
  /** @internal */ readonly _cbc: CbcContext | null;
  /** @internal */ readonly _hmac: HmacContext | null;
  /** @internal salt ‖ IV, rewritten per packet */ readonly _nonce = new Uint8Array(12);
  /** @internal SPI ‖ seq high ‖ seq low */ readonly _aad = new Uint8Array(12);
  /** @internal SPI ‖ seq (no ESN) */ readonly _aad8 = new Uint8Array(8);
  /** @internal */ readonly _seqHigh = new Uint8Array(4);

  constructor(sa: SaRecord, engine: CryptoEngine) {
    checkSaRecord(sa);
    if (sa.protocol !== 'esp') throw new RangeError('protocol: an ESP context needs an ESP SA');
    this.spi = sa.spi;
    this.esn = sa.esn;
    this.engine = engine.name;
    const enc = encryptionSuite(sa.encryption!);
    this.suite = enc;
    this.ivLength = enc.ivLength;
    this.padAlignment = enc.padAlignment;
    if (enc.kind === 'aead') {
      this.integrity = null;
      this.icvLength = enc.icvLength;
      this._aead = engine.aead(enc.aead, sa.encryptionKey.subarray(0, enc.cipherKeyLength));
      this._nonce.set(sa.encryptionKey.subarray(enc.cipherKeyLength), 0);
      this._cbc = null;
      this._hmac = null;
    } else {
      const auth = authenticationSuite(sa.authentication!);
      this.integrity = auth;
      this.icvLength = auth.icvLength;
      this._aead = null;
      this._cbc = engine.cbc(sa.encryptionKey);
      this._hmac = engine.hmac(auth.hash, sa.authenticationKey);
    }
    writeU32(this._aad, 0, sa.spi);
    writeU32(this._aad8, 0, sa.spi);
  }
}

export function createEspContext(sa: SaRecord, engine: CryptoEngine): EspContext {
  return new EspContext(sa, engine);
}

/**
 * The AEAD's AAD (RFC 4106 §5): SPI ‖ seq, or SPI ‖ seq high ‖ seq low with ESN. It lives in
 * per-SA scratch, so the hot path builds no view of the packet for it.
 */
function aadOf(ctx: EspContext, high: number, low: number): Uint8Array {
  if (ctx.esn) {
    writeU32(ctx._aad, 4, high);
    writeU32(ctx._aad, 8, low);
    return ctx._aad;
  }
  writeU32(ctx._aad8, 4, low);
  return ctx._aad8;
}

// ---- outbound -------------------------------------------------------------------------------

/**
 * Write the ESP packet (SPI..ICV) for `inner` into `out` at `offset`; returns its length
 * (= espLength(ctx, inner.length)). `inner` may lie inside `out` at `offset` (in-place batches):
 * it is copied away before anything is written.
 */
export function encapsulateInto(
  ctx: EspContext,
  seq: number,
  inner: Uint8Array,
  nextHeader: number,
  out: Uint8Array,
  offset: number,
  explicitIv?: Uint8Array,
): number {
  if (!(ctx instanceof EspContext)) throw new TypeError('ctx: expected an EspContext');
  checkSeq(ctx, seq);
  if (!(inner instanceof Uint8Array)) throw new TypeError('innerPacket: expected a Uint8Array');
  if (!Number.isInteger(nextHeader) || nextHeader < 0 || nextHeader > 255) throw new RangeError('nextHeader: expected 0..255');
  if (explicitIv !== undefined) {
    if (!(explicitIv instanceof Uint8Array)) throw new TypeError('explicitIv: expected a Uint8Array');
    if (explicitIv.length !== ctx.ivLength) throw new RangeError(`explicitIv: expected ${ctx.ivLength} bytes, got ${explicitIv.length}`);
  }
  if (!(out instanceof Uint8Array)) throw new TypeError('out: expected a Uint8Array');
  const total = espLength(ctx, inner.length);
  if (!Number.isInteger(offset) || offset < 0 || offset + total > out.length) throw new RangeError(`out: ${total} bytes at offset ${offset} do not fit in ${out.length}`);

  const high = Math.floor(seq / TWO32);
  const low = seq - high * TWO32;
  const pad = padLength(ctx, inner.length);
  const ptLength = inner.length + pad + 2;
  // The CBC path keeps one block in front of the plaintext for the derived IV.
  const lead = ctx._cbc !== null && explicitIv === undefined ? 16 : 0;
  const s = scratchOf(lead + ptLength);
  s.set(inner, lead);
  let p = lead + inner.length;
  for (let i = 1; i <= pad; i++) s[p++] = i;
  s[p++] = pad;
  s[p] = nextHeader;
  const plaintext = s.subarray(lead, lead + ptLength);

  writeU32(out, offset, ctx.spi);
  writeU32(out, offset + 4, low);
  const ivAt = offset + ESP_HEADER;

  if (ctx._aead !== null) {
    const nonce = ctx._nonce;
    if (explicitIv !== undefined) nonce.set(explicitIv, 4);
    else {
      writeU32(nonce, 4, high);
      writeU32(nonce, 8, low);
    }
    for (let i = 0; i < 8; i++) out[ivAt + i] = nonce[4 + i]!;
    ctx._aead.sealInto(nonce, aadOf(ctx, high, low), plaintext, out, ivAt + ctx.ivLength);
    return total;
  }

  const cbc = ctx._cbc!;
  if (explicitIv !== undefined) {
    out.set(explicitIv, ivAt);
    out.set(cbc.encrypt(explicitIv, plaintext), ivAt + 16);
  } else {
    s.set(IV_DOMAIN, 0);
    writeU32(s, 8, high);
    writeU32(s, 12, low);
    // First block out is AES_K(B) = the IV, then the plaintext's CBC encryption under it.
    out.set(cbc.encrypt(ZERO_IV, s.subarray(0, 16 + ptLength)), ivAt);
  }
  const authEnd = ivAt + 16 + ptLength;
  const mac = ctx._hmac!.mac(out.subarray(offset, authEnd), ctx.esn ? highBytes(ctx, high) : undefined);
  out.set(mac.subarray(0, ctx.icvLength), authEnd);
  return total;
}

/** The ESP packet (SPI..ICV) for `innerPacket` with sequence number `seq` as a new array. */
export function encapsulate(ctx: EspContext, seq: number, innerPacket: Uint8Array, nextHeader: number, explicitIv?: Uint8Array): Uint8Array {
  if (!(ctx instanceof EspContext)) throw new TypeError('ctx: expected an EspContext');
  if (!(innerPacket instanceof Uint8Array)) throw new TypeError('innerPacket: expected a Uint8Array');
  const out = new Uint8Array(espLength(ctx, innerPacket.length));
  encapsulateInto(ctx, seq, innerPacket, nextHeader, out, 0, explicitIv);
  return out;
}

function highBytes(ctx: EspContext, high: number): Uint8Array {
  writeU32(ctx._seqHigh, 0, high);
  return ctx._seqHigh;
}

// ---- inbound --------------------------------------------------------------------------------

const BAD_HEADER: EspVerdict = Object.freeze({ ok: false, reason: 'bad-header' });
const INVALID_SPI: EspVerdict = Object.freeze({ ok: false, reason: 'invalid-spi' });
const REPLAYED: EspVerdict = Object.freeze({ ok: false, reason: 'replay' });
const AUTH: EspVerdict = Object.freeze({ ok: false, reason: 'auth' });
const DECRYPT: EspVerdict = Object.freeze({ ok: false, reason: 'decrypt' });

/** The SPI of an ESP packet, or -1 when it is too short to carry one. */
export function peekSpi(esp: Uint8Array): number {
  return esp instanceof Uint8Array && esp.length >= ESP_HEADER ? readU32(esp, 0) : -1;
}

/** The low 32 bits of the sequence number of an ESP packet (the caller checked its length). */
export function peekSeqLow(esp: Uint8Array): number {
  return readU32(esp, 4);
}

/**
 * Verify and decrypt one ESP packet (SPI..ICV). With ESN, the high 32 bits come from
 * `options.seqHigh` (the window's inference, RFC 4303 Appendix A) or from `options.window`.
 */
export function decapsulate(ctx: EspContext, espBytes: Uint8Array, options: DecapsulateOptions = {}): EspVerdict {
  if (!(ctx instanceof EspContext)) throw new TypeError('ctx: expected an EspContext');
  if (!(espBytes instanceof Uint8Array)) return BAD_HEADER;
  const esp = espBytes;
  const minCipher = ctx._cbc !== null ? 16 : 2;
  if (esp.length < ESP_HEADER + ctx.ivLength + minCipher + ctx.icvLength) return BAD_HEADER;
  if (readU32(esp, 0) !== ctx.spi) return INVALID_SPI;
  const low = readU32(esp, 4);

  const window = options.window;
  let seq: number;
  if (window !== undefined) {
    seq = window.check(low);
    if (seq === REPLAY) return REPLAYED;
  } else {
    const h = options.seqHigh ?? 0;
    seq = ctx.esn && Number.isInteger(h) && h > 0 && h < TWO32 ? h * TWO32 + low : low;
  }
  const high = Math.floor(seq / TWO32);

  let pt: Uint8Array | null;
  try {
    pt = ctx._aead !== null ? openAead(ctx, esp, low, high) : openCbc(ctx, esp, high);
  } catch {
    return DECRYPT; // an engine refusing well-formed input: count it, never crash the SPU
  }
  if (pt === null) return AUTH;
  if (pt.length === 0) return DECRYPT;

  // Authentic from here on: the window moves whatever the trailer says (RFC 4303 §3.4.3).
  if (window !== undefined && !window.commit(seq)) return REPLAYED;
  const n = pt.length;
  const pad = pt[n - 2]!;
  const nextHeader = pt[n - 1]!;
  if (n < pad + 2) return { ok: false, reason: 'bad-trailer', seq };
  const innerLength = n - 2 - pad;
  for (let i = 0; i < pad; i++) {
    if (pt[innerLength + i] !== i + 1) return { ok: false, reason: 'bad-trailer', seq };
  }
  return { ok: true, seq, nextHeader, inner: pt.subarray(0, innerLength) };
}

/** The plaintext, or null when the tag does not verify. */
function openAead(ctx: EspContext, esp: Uint8Array, low: number, high: number): Uint8Array | null {
  const nonce = ctx._nonce;
  for (let i = 0; i < 8; i++) nonce[4 + i] = esp[ESP_HEADER + i]!;
  const aad = aadOf(ctx, high, low);
  return ctx._aead!.open(nonce, aad, esp.subarray(ESP_HEADER + 8));
}

const NOTHING = new Uint8Array(0);

/** The plaintext, null when the ICV does not verify, empty when it cannot be decrypted. */
function openCbc(ctx: EspContext, esp: Uint8Array, high: number): Uint8Array | null {
  const authEnd = esp.length - ctx.icvLength;
  const mac = ctx._hmac!.mac(esp.subarray(0, authEnd), ctx.esn ? highBytes(ctx, high) : undefined);
  if (!constantTimeEqual(esp.subarray(authEnd), mac, ctx.icvLength)) return null;
  const ct = esp.subarray(ESP_HEADER + 16, authEnd);
  if (ct.length % 16 !== 0) return NOTHING; // authentic but not whole blocks: a decryption failure
  return ctx._cbc!.decrypt(esp.subarray(ESP_HEADER, ESP_HEADER + 16), ct);
}
