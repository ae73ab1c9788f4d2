/**
 * Whole IKE messages: decode (header, payload chain, SK opening, exchange rules) into a typed
 * verdict, and encode (optionally sealing the inner payloads into SK).
 *
 * Decoding order and what each failure leads to (verdict.ts has the RFC reasoning):
 * 1. header: shorter than 28 bytes, a major version other than 2 (above 2: INVALID_MAJOR_VERSION
 *    to a request), a Length field that is not the datagram's length, a zero initiator SPI, or an
 *    IKE_SA_INIT request with a responder SPI or a Message ID other than 0 → drop (or that notify);
 * 2. the payloads outside SK (all of them for IKE_SA_INIT);
 * 3. without SK: problems are final here — an IKE_SA_INIT request with an unknown critical
 *    payload is answered UNSUPPORTED_CRITICAL_PAYLOAD, every other problem is dropped;
 * 4. with SK/SKF and a cipher: the integrity check first (failure: drop), then problems found in
 *    step 2, the padding, the inner payloads and the exchange rules — now authenticated, so a
 *    request gets INVALID_SYNTAX (or UNSUPPORTED_CRITICAL_PAYLOAD) and a response is dropped;
 *    without a cipher the message comes back sealed (or dropped if step 2 found a problem, as
 *    nothing can vouch for it).
 * An SKF message comes back with its opened `fragment`; fragment.ts reassembles the whole.
 */
import { ExchangeType, IKE_HEADER_LENGTH, IKE_MAJOR_VERSION, PAYLOAD_HEADER_LENGTH, PayloadType } from './constants.js';
import { chainLength, decodeChain, payloadLength, payloadType, writeChain, writePayload } from './codec.js';
import { checkExchange } from './exchange-rules.js';
import { readHeader, writeHeader, type HeaderFields } from './header.js';
import type { VerifyContext } from './payloads/index.js';
import { openSk, sealedBodyLength, sealInPlace, type SealOptions, type SkCipher } from './sk.js';
import type { IkeHeader, IkeMessage, Payload, Rejection, SkfPayload, SkPayload, Verdict } from './types.js';
import { reject, type Problem, type RejectContext } from './verdict.js';

export interface DecodeOptions {
  /** The receiving direction's SK cipher; without it an SK/SKF payload stays sealed. */
  readonly cipher?: SkCipher;
}

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function rejectProblem(p: Problem, ctx: RejectContext): Rejection {
  return reject(p.reason, p.detail, ctx, p.payloadType);
}

/** Decode one IKE message (the UDP payload, after the non-ESP marker on port 4500). Never throws. */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): Verdict<IkeMessage> {
  if (bytes.length < IKE_HEADER_LENGTH) {
    return reject('truncated-header', `${bytes.length} bytes, the IKE header needs ${IKE_HEADER_LENGTH}`, { request: false, authenticated: false, initExchange: false });
  }
  const header = readHeader(bytes);
  const unauth: RejectContext = { request: !header.response, authenticated: false, initExchange: header.exchange === ExchangeType.IKE_SA_INIT };
  if (header.majorVersion > IKE_MAJOR_VERSION) return reject('major-version', `major version ${header.majorVersion}`, unauth);
  if (header.majorVersion < IKE_MAJOR_VERSION) return reject('not-ikev2', `major version ${header.majorVersion}`, unauth);
  if (header.length !== bytes.length) return reject('length-mismatch', `header Length ${header.length}, ${bytes.length} bytes received`, unauth);
  if (isZero(header.spiI)) return reject('zero-spi-i', 'initiator SPI is zero', unauth);
  if (header.exchange === ExchangeType.IKE_SA_INIT && !header.response) {
    if (!isZero(header.spiR)) return reject('init-spi-r', 'IKE_SA_INIT request with a responder SPI', unauth);
    if (header.messageId !== 0) return reject('init-message-id', `IKE_SA_INIT request with Message ID ${header.messageId}`, unauth);
  }
  const vctx: VerifyContext = { exchange: header.exchange, response: header.response };
  const chain = decodeChain(bytes, IKE_HEADER_LENGTH, bytes.length, header.nextPayload, vctx, true);
  if (chain.framing) return rejectProblem(chain.framing, unauth);
  const encrypted = chain.encrypted;
  if (encrypted === undefined) {
    if (chain.body) return rejectProblem(chain.body, unauth);
    const rule = checkExchange(header.exchange, header.response, chain.payloads, undefined);
    if (rule) return rejectProblem(rule, unauth);
    return { ok: true, message: { header, payloads: chain.payloads, bytes } };
  }
  if (header.exchange === ExchangeType.IKE_SA_INIT) return reject('unexpected-sk', `${encrypted.kind.toUpperCase()} payload in IKE_SA_INIT`, unauth);
  const cipher = options.cipher;
  if (cipher === undefined) {
    if (chain.body) return rejectProblem(chain.body, unauth);
    return { ok: true, message: { header, payloads: chain.payloads, encrypted, bytes } };
  }
  const ivAt = bytes.length - encrypted.encrypted.length;
  const opened = openSk(cipher, bytes, ivAt);
  if (!opened.ok) {
    // bad-padding is only detected after the integrity check passed.
    return reject(opened.reason, opened.detail, { ...unauth, authenticated: opened.reason === 'bad-padding' });
  }
  const auth: RejectContext = { request: !header.response, authenticated: true, initExchange: false };
  if (chain.body) return rejectProblem(chain.body, auth);
  if (encrypted.kind === 'skf') {
    return {
      ok: true,
      message: {
        header,
        payloads: chain.payloads,
        encrypted,
        fragment: {
          number: encrypted.fragmentNumber,
          total: encrypted.totalFragments,
          innerFirst: encrypted.innerFirst,
          iv: opened.iv,
          padding: opened.padding,
          plaintext: opened.plaintext,
        },
        bytes,
      },
    };
  }
  const inner = decodeInner(header, chain.payloads, opened.plaintext, encrypted.innerFirst);
  if (!Array.isArray(inner)) return inner as Rejection;
  return {
    ok: true,
    message: {
      header,
      payloads: chain.payloads,
      encrypted,
      inner: inner as Payload[],
      opening: { iv: opened.iv, padding: opened.padding, plaintext: opened.plaintext },
      bytes,
    },
  };
}

/**
 * Decode the payloads of an authenticated plaintext (an opened SK, or reassembled SKF fragments)
 * and check the exchange rules. Returns the payloads or the (authenticated) rejection.
 */
export function decodeInner(header: IkeHeader, outer: readonly Payload[], plaintext: Uint8Array, innerFirst: number): Payload[] | Rejection {
  const auth: RejectContext = { request: !header.response, authenticated: true, initExchange: false };
  const vctx: VerifyContext = { exchange: header.exchange, response: header.response };
  const chain = decodeChain(plaintext, 0, plaintext.length, innerFirst, vctx, false);
  if (chain.framing) return rejectProblem(chain.framing, auth);
  if (chain.body) return rejectProblem(chain.body, auth);
  const rule = checkExchange(header.exchange, header.response, outer, chain.payloads);
  if (rule) return rejectProblem(rule, auth);
  return chain.payloads;
}

// ---- encoding ---------------------------------------------------------------------------------

export interface OutgoingMessage {
  readonly header: HeaderFields;
  /** Payloads outside SK (all of them for IKE_SA_INIT and unprotected notifications). */
  readonly payloads?: readonly Payload[];
  /** Payloads to seal into an SK payload (needs `options.cipher`). */
  readonly inner?: readonly Payload[];
  /** An SK/SKF payload carried as it is (re-encoding a received message without its keys). */
  readonly encrypted?: SkPayload | SkfPayload;
}

export interface EncodeOptions extends SealOptions {
  /** The sending direction's SK cipher, needed with `inner`. */
  readonly cipher?: SkCipher;
}

/**
 * The message's bytes. Next Payload fields and Lengths are computed; with `inner`, the SK payload
 * is sealed (IV and padding from `options` when given). Throws RangeError/TypeError for values
 * that do not fit (a builder's argument error, not packet data).
 */
export function encodeMessage(m: OutgoingMessage, options: EncodeOptions = {}): Uint8Array {
  const outer = m.payloads ?? [];
  if (m.inner !== undefined && m.encrypted !== undefined) throw new TypeError('encodeMessage: give inner payloads or a sealed SK payload, not both');
  const outerLength = chainLength(outer);
  if (m.inner !== undefined) {
    const cipher = options.cipher;
    if (cipher === undefined) throw new TypeError('encodeMessage: inner payloads need a cipher');
    const innerLength = chainLength(m.inner);
    const padLength = options.padding?.length;
    const bodyLength = sealedBodyLength(cipher, innerLength, padLength);
    const skAt = IKE_HEADER_LENGTH + outerLength;
    const total = skAt + PAYLOAD_HEADER_LENGTH + bodyLength;
    if (PAYLOAD_HEADER_LENGTH + bodyLength > 0xffff) throw new RangeError(`SK payload of ${PAYLOAD_HEADER_LENGTH + bodyLength} bytes exceeds 65535 (fragment it)`);
    const out = new Uint8Array(total);
    const innerFirst = m.inner.length > 0 ? payloadType(m.inner[0]!) : 0;
    writeHeader(m.header, outer.length > 0 ? payloadType(outer[0]!) : PayloadType.SK, total, out);
    writeChain(outer, out, IKE_HEADER_LENGTH, PayloadType.SK);
    out[skAt] = innerFirst;
    out[skAt + 1] = 0;
    out[skAt + 2] = (PAYLOAD_HEADER_LENGTH + bodyLength) >>> 8;
    out[skAt + 3] = (PAYLOAD_HEADER_LENGTH + bodyLength) & 0xff;
    const ivAt = skAt + PAYLOAD_HEADER_LENGTH;
    writeChain(m.inner, out, ivAt + cipher.ivLength);
    sealInPlace(cipher, out, ivAt, innerLength, options);
    return out;
  }
  const enc = m.encrypted;
  const total = IKE_HEADER_LENGTH + outerLength + (enc ? payloadLength(enc) : 0);
  const out = new Uint8Array(total);
  const encType = enc ? payloadType(enc) : 0;
  writeHeader(m.header, outer.length > 0 ? payloadType(outer[0]!) : encType, total, out);
  const at = writeChain(outer, out, IKE_HEADER_LENGTH, encType);
  if (enc) writePayload(enc, 0, out, at);
  return out;
}

/** The header fields of a decoded header, for re-encoding it. */
export function headerFields(h: IkeHeader): HeaderFields {
  return {
    spiI: h.spiI,
    spiR: h.spiR,
    exchange: h.exchange,
    initiator: h.initiator,
    response: h.response,
    version: h.version,
    messageId: h.messageId,
    majorVersion: h.majorVersion,
    minorVersion: h.minorVersion,
  };
}
