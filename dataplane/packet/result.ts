// Every parser in dataplane/packet returns a Result instead of throwing: a packet off the wire
// is untrusted input, and a short or malformed one is an everyday event for a firewall, not a
// bug. Builders, by contrast, throw RangeError/TypeError: wrong arguments there are programming
// errors of the caller.

/** Why a parser refused its input. */
export type PacketErrorCode =
  | 'truncated' // fewer bytes than the headers or length fields need
  | 'bad-version' // IP version nibble is not the one expected
  | 'bad-header-length' // IPv4 IHL < 5, or options running past the data
  | 'bad-length' // a length field disagrees with the bytes present
  | 'bad-checksum' // checksum present and wrong
  | 'bad-address' // address text that is not an address
  | 'bad-prefix' // prefix text that is not a prefix
  | 'ttl-expired' // TTL / hop limit would reach 0: do not forward
  | 'unsupported'; // well-formed but outside what the codec handles

export interface PacketError {
  readonly code: PacketErrorCode;
  /** Human-readable, names the offending field. */
  readonly message: string;
}

export type Result<T, E = PacketError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail(code: PacketErrorCode, message: string): { readonly ok: false; readonly error: PacketError } {
  return { ok: false, error: { code, message } };
}
