/**
 * The typed IKEv2 message as the codec hands it to the daemons (kmd and iked) and takes it back.
 *
 * Conventions:
 * - Byte fields (SPIs, nonces, key data…) of decoded messages are views into the received
 *   datagram (or into the decrypted plaintext): no copies are made. A caller that keeps one past
 *   the datagram's life copies it (`.slice()`).
 * - Every payload carries `critical`, the C bit as received (RFC 7296 §3.2). Senders set it to
 *   false for all payloads this file knows; it only matters for `unknown` payloads.
 * - `WireTransform`, `WireProposal` and `WireTrafficSelector` are a contract other modules code
 *   against: their field names do not change.
 */

// ---- substructures (contract) ----------------------------------------------------------------

/** One transform of a proposal (RFC 7296 §3.3.2). */
export interface WireTransform {
  /** Transform type: 1 ENCR, 2 PRF, 3 INTEG, 4 DH, 5 ESN. */
  readonly type: number;
  readonly id: number;
  /** Bits, from the Key Length attribute (type 14, TV). Absent when the transform has none. */
  readonly keyLength?: number;
  /**
   * Attributes other than Key Length, kept only so that such a transform re-encodes as received
   * (after the key length). RFC 7296 §3.3.6: a transform with an attribute the receiver does not
   * understand makes its proposal unacceptable, which is the daemon's call.
   */
  readonly otherAttributes?: readonly WireAttribute[];
}

/** A data attribute of a transform (RFC 7296 §3.3.5): TV (2-byte value) or TLV. */
export interface WireAttribute {
  readonly type: number;
  /** TV attributes hold their 2-byte value here (big-endian); TLV ones hold their bytes. */
  readonly value: Uint8Array;
  /** True for TV (AF bit set). */
  readonly tv: boolean;
}

/** One proposal of an SA payload (RFC 7296 §3.3.1). */
export interface WireProposal {
  /** 1-based; a response echoes the number of the proposal it accepted. */
  readonly number: number;
  /** 1 IKE, 2 AH, 3 ESP. */
  readonly protocol: number;
  /** Empty for the IKE SA of IKE_SA_INIT, 8 bytes for an IKE rekey, 4 for AH/ESP. */
  readonly spi: Uint8Array;
  readonly transforms: readonly WireTransform[];
}

/** One traffic selector (RFC 7296 §3.13.1). */
export interface WireTrafficSelector {
  /** 7 IPv4 range, 8 IPv6 range. */
  readonly type: number;
  /** IP protocol, 0 = any. */
  readonly protocol: number;
  readonly startPort: number;
  readonly endPort: number;
  readonly start: Uint8Array;
  readonly end: Uint8Array;
}

/** One configuration attribute (RFC 7296 §3.15.1). */
export interface CpAttribute {
  /** 15-bit attribute type. */
  readonly type: number;
  readonly value: Uint8Array;
}

// ---- payloads --------------------------------------------------------------------------------

export type PayloadKind =
  | 'sa'
  | 'ke'
  | 'idi'
  | 'idr'
  | 'cert'
  | 'certreq'
  | 'auth'
  | 'nonce'
  | 'notify'
  | 'delete'
  | 'vendor'
  | 'tsi'
  | 'tsr'
  | 'cp'
  | 'eap'
  | 'sk'
  | 'skf'
  | 'unknown';

interface PayloadBase {
  /** The C bit as received; false when sending any payload defined here. */
  readonly critical: boolean;
}

/** Security Association (33, §3.3). */
export interface SaPayload extends PayloadBase {
  readonly kind: 'sa';
  readonly proposals: readonly WireProposal[];
}

/** Key Exchange (34, §3.4). */
export interface KePayload extends PayloadBase {
  readonly kind: 'ke';
  /** Diffie-Hellman group number (transform type 4 id). */
  readonly group: number;
  readonly data: Uint8Array;
}

/** Identification, initiator (35) or responder (36) (§3.5). */
export interface IdPayload extends PayloadBase {
  readonly kind: 'idi' | 'idr';
  readonly idType: number;
  readonly data: Uint8Array;
}

/** Certificate (37, §3.6). */
export interface CertPayload extends PayloadBase {
  readonly kind: 'cert';
  readonly encoding: number;
  readonly data: Uint8Array;
}

/** Certificate Request (38, §3.7): `data` is the concatenated CA key hashes for X.509. */
export interface CertreqPayload extends PayloadBase {
  readonly kind: 'certreq';
  readonly encoding: number;
  readonly data: Uint8Array;
}

/** Authentication (39, §3.8). */
export interface AuthPayload extends PayloadBase {
  readonly kind: 'auth';
  readonly method: number;
  readonly data: Uint8Array;
}

/** Nonce (40, §3.9). */
export interface NoncePayload extends PayloadBase {
  readonly kind: 'nonce';
  readonly data: Uint8Array;
}

/** Notify (41, §3.10). */
export interface NotifyPayload extends PayloadBase {
  readonly kind: 'notify';
  /** Protocol of the SA concerned (0 when none, 1 IKE, 2 AH, 3 ESP). */
  readonly protocol: number;
  /** Empty, or the 4-byte SPI of a Child SA. */
  readonly spi: Uint8Array;
  readonly notifyType: number;
  readonly data: Uint8Array;
}

/** Delete (42, §3.11). */
export interface DeletePayload extends PayloadBase {
  readonly kind: 'delete';
  readonly protocol: number;
  /** All of one size (0 for IKE, 4 for AH/ESP); the SPI Size field is their length. */
  readonly spis: readonly Uint8Array[];
}

/** Vendor ID (43, §3.12). */
export interface VendorPayload extends PayloadBase {
  readonly kind: 'vendor';
  readonly data: Uint8Array;
}

/** Traffic Selector, initiator (44) or responder (45) (§3.13). */
export interface TsPayload extends PayloadBase {
  readonly kind: 'tsi' | 'tsr';
  readonly selectors: readonly WireTrafficSelector[];
}

/** Configuration (47, §3.15). */
export interface CpPayload extends PayloadBase {
  readonly kind: 'cp';
  readonly cfgType: number;
  readonly attributes: readonly CpAttribute[];
}

/** EAP (48, §3.16): the whole EAP message (code, identifier, length, type data). */
export interface EapPayload extends PayloadBase {
  readonly kind: 'eap';
  readonly data: Uint8Array;
}

/**
 * Encrypted and Authenticated (46, §3.14), still sealed: IV ‖ ciphertext ‖ ICV. The generic
 * header's Next Payload holds the type of the first payload inside (`innerFirst`).
 */
export interface SkPayload extends PayloadBase {
  readonly kind: 'sk';
  readonly innerFirst: number;
  readonly encrypted: Uint8Array;
}

/** Encrypted Fragment (53, RFC 7383 §2.5), still sealed. `innerFirst` is 0 except in fragment 1. */
export interface SkfPayload extends PayloadBase {
  readonly kind: 'skf';
  readonly innerFirst: number;
  readonly fragmentNumber: number;
  readonly totalFragments: number;
  readonly encrypted: Uint8Array;
}

/** A payload type the codec does not know, kept as bytes (only when not critical). */
export interface UnknownPayload extends PayloadBase {
  readonly kind: 'unknown';
  readonly type: number;
  readonly data: Uint8Array;
}

export type Payload =
  | SaPayload
  | KePayload
  | IdPayload
  | CertPayload
  | CertreqPayload
  | AuthPayload
  | NoncePayload
  | NotifyPayload
  | DeletePayload
  | VendorPayload
  | TsPayload
  | CpPayload
  | EapPayload
  | SkPayload
  | SkfPayload
  | UnknownPayload;

/** The payload type of one kind (IdPayload for 'idi' and for 'idr', and so on). */
export type PayloadOf<K extends PayloadKind> = Payload extends infer P ? (P extends { readonly kind: infer PK } ? (K extends PK ? P : never) : never) : never;

// ---- header and message ----------------------------------------------------------------------

/** The fixed IKE header (RFC 7296 §3.1). */
export interface IkeHeader {
  /** 8 bytes, never zero. */
  readonly spiI: Uint8Array;
  /** 8 bytes, zero in the first IKE_SA_INIT request. */
  readonly spiR: Uint8Array;
  /** Type of the first payload. */
  readonly nextPayload: number;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly exchange: number;
  /** I flag: set by the original initiator of the IKE SA. */
  readonly initiator: boolean;
  /** V flag: the sender could speak a higher major version. */
  readonly version: boolean;
  /** R flag: this message is a response. */
  readonly response: boolean;
  readonly messageId: number;
  /** Total message length from the header field. */
  readonly length: number;
}

/** What opening an SK/SKF payload found besides the payloads: enough to re-seal it identically. */
export interface SkOpening {
  readonly iv: Uint8Array;
  /** Padding bytes (without the Pad Length octet). */
  readonly padding: Uint8Array;
  /** Plaintext inner payload bytes (the chain starting with `innerFirst`). */
  readonly plaintext: Uint8Array;
}

/** One opened fragment of an SKF message (RFC 7383), waiting for reassembly. */
export interface OpenedFragment {
  readonly number: number;
  readonly total: number;
  /** Next Payload of the SKF header (the first inner type in fragment 1, else 0). */
  readonly innerFirst: number;
  readonly iv: Uint8Array;
  readonly padding: Uint8Array;
  /** This fragment's share of the inner payload bytes. */
  readonly plaintext: Uint8Array;
}

/** A decoded IKE message. */
export interface IkeMessage {
  readonly header: IkeHeader;
  /** Payloads outside SK/SKF, in wire order (the SK/SKF payload itself is in `encrypted`). */
  readonly payloads: readonly Payload[];
  /** The SK or SKF payload, always the last one on the wire (RFC 7296 §3.14, RFC 7383 §2.5). */
  readonly encrypted?: SkPayload | SkfPayload;
  /**
   * The payloads inside SK once decrypted and checked (or, for a reassembled fragmented message,
   * inside all its fragments). Absent while sealed.
   */
  readonly inner?: readonly Payload[];
  /** IV, padding and plaintext of the opened SK payload. */
  readonly opening?: SkOpening;
  /** Set on an opened SKF message: its fragment, for the reassembler. */
  readonly fragment?: OpenedFragment;
  /**
   * The message bytes (the views above point into them, `inner` into the decrypted plaintext).
   * For a message reassembled from fragments: the bytes of fragment 1.
   */
  readonly bytes: Uint8Array;
}

// ---- verdicts --------------------------------------------------------------------------------

/**
 * Stable reason codes of a rejected message, for counters and logs. See verdict.ts for the RFC
 * rule behind each and the action it leads to.
 */
export type ReasonCode =
  // header (unauthenticated)
  | 'truncated-header'
  | 'length-mismatch'
  | 'major-version'
  | 'not-ikev2'
  | 'zero-spi-i'
  | 'init-spi-r'
  | 'init-message-id'
  // payload chain framing
  | 'payload-truncated'
  | 'payload-too-short'
  | 'trailing-bytes'
  | 'sk-not-last'
  | 'too-many-payloads'
  | 'unsupported-critical'
  // payload bodies
  | 'substructure'
  | 'substructure-flag'
  | 'count-mismatch'
  | 'proposal-numbering'
  | 'spi-size'
  | 'transform-length'
  | 'attribute-format'
  | 'ke-length'
  | 'nonce-length'
  | 'id-format'
  | 'auth-format'
  | 'cert-format'
  | 'ts-format'
  | 'notify-format'
  | 'delete-format'
  | 'cp-format'
  | 'eap-format'
  | 'fragment-number'
  // exchange rules
  | 'missing-payload'
  | 'duplicate-payload'
  | 'unexpected-payload'
  | 'unprotected-payload'
  | 'missing-sk'
  | 'unexpected-sk'
  // SK
  | 'sk-length'
  | 'integrity'
  | 'bad-padding'
  // fragments (RFC 7383)
  | 'fragment-duplicate'
  | 'fragment-stale'
  | 'fragment-limit'
  | 'fragment-mismatch';

/** What the daemon does with a message it cannot accept. */
export type RejectAction = 'drop' | 'notify';

export interface Rejection {
  readonly ok: false;
  /** 'notify': answer the request with `notify` (and `notifyData`); 'drop': say nothing. */
  readonly action: RejectAction;
  readonly notify?: number;
  readonly notifyData?: Uint8Array;
  readonly reason: ReasonCode;
  /** Human-readable detail naming the field. */
  readonly detail: string;
}

export type Verdict<T> = { readonly ok: true; readonly message: T } | Rejection;
