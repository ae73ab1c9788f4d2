/**
 * The fixed IKE header (RFC 7296 §3.1), 28 octets:
 *
 *   octets 0-7     IKE SA initiator's SPI
 *   octets 8-15    IKE SA responder's SPI (zero in the first IKE_SA_INIT request)
 *   octet 16       Next Payload: type of the first payload
 *   octet 17       major version (high nibble, 2) and minor version (low nibble, 0)
 *   octet 18       exchange type
 *   octet 19       flags: bit 3 (0x08) Initiator, bit 4 (0x10) Version, bit 5 (0x20) Response;
 *                  the other bits are reserved (ignored on receipt, sent as 0)
 *   octets 20-23   Message ID
 *   octets 24-27   Length of the whole message, header included
 *
 * `readHeader` assumes 28 bytes are present (the message decoder checks first) and never throws.
 */
import { HeaderFlag, IKE_HEADER_LENGTH, IKE_MAJOR_VERSION, IKE_MINOR_VERSION, IKE_SPI_LENGTH } from './constants.js';
import type { IkeHeader } from './types.js';

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** The header fields of b[0, 28). */
export function readHeader(b: Uint8Array): IkeHeader {
  const flags = b[19]!;
  return {
    spiI: b.subarray(0, 8),
    spiR: b.subarray(8, 16),
    nextPayload: b[16]!,
    majorVersion: b[17]! >> 4,
    minorVersion: b[17]! & 0x0f,
    exchange: b[18]!,
    initiator: (flags & HeaderFlag.INITIATOR) !== 0,
    version: (flags & HeaderFlag.VERSION) !== 0,
    response: (flags & HeaderFlag.RESPONSE) !== 0,
    messageId: u32(b, 20),
    length: u32(b, 24),
  };
}

/** The header of a datagram, or undefined when it is shorter than a header. Never throws. */
export function peekHeader(b: Uint8Array): IkeHeader | undefined {
  return b.length >= IKE_HEADER_LENGTH ? readHeader(b) : undefined;
}

/** What a sender states; the Next Payload and Length are computed by the message encoder. */
export interface HeaderFields {
  readonly spiI: Uint8Array;
  readonly spiR: Uint8Array;
  readonly exchange: number;
  readonly initiator: boolean;
  readonly response: boolean;
  /** Default false. */
  readonly version?: boolean;
  readonly messageId: number;
  /** Default 2 / 0. */
  readonly majorVersion?: number;
  readonly minorVersion?: number;
}

/** Write the 28-byte header at out[0]. Throws RangeError for fields that do not fit. */
export function writeHeader(h: HeaderFields, nextPayload: number, length: number, out: Uint8Array): void {
  if (h.spiI.length !== IKE_SPI_LENGTH || h.spiR.length !== IKE_SPI_LENGTH) throw new RangeError('IKE SPIs must be 8 bytes each');
  const major = h.majorVersion ?? IKE_MAJOR_VERSION;
  const minor = h.minorVersion ?? IKE_MINOR_VERSION;
  if (!Number.isInteger(major) || major < 0 || major > 15 || !Number.isInteger(minor) || minor < 0 || minor > 15) {
    throw new RangeError(`IKE version ${major}.${minor} does not fit two nibbles`);
  }
  if (!Number.isInteger(h.exchange) || h.exchange < 0 || h.exchange > 255) throw new RangeError(`exchange type ${h.exchange}`);
  if (!Number.isInteger(h.messageId) || h.messageId < 0 || h.messageId > 0xffffffff) throw new RangeError(`message id ${h.messageId}`);
  if (length > 0xffffffff) throw new RangeError(`message length ${length}`);
  out.set(h.spiI, 0);
  out.set(h.spiR, 8);
  out[16] = nextPayload;
  out[17] = (major << 4) | minor;
  out[18] = h.exchange;
  out[19] = (h.initiator ? HeaderFlag.INITIATOR : 0) | (h.version ? HeaderFlag.VERSION : 0) | (h.response ? HeaderFlag.RESPONSE : 0);
  out[20] = h.messageId >>> 24;
  out[21] = (h.messageId >>> 16) & 0xff;
  out[22] = (h.messageId >>> 8) & 0xff;
  out[23] = h.messageId & 0xff;
  out[24] = length >>> 24;
  out[25] = (length >>> 16) & 0xff;
  out[26] = (length >>> 8) & 0xff;
  out[27] = length & 0xff;
}
