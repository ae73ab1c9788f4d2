/**
 * The IPsec SA record: what an SPU needs to protect or check one direction of a tunnel.
 *
 * Plain data only (numbers, strings, booleans, Uint8Array keys) so it survives structured clone
 * to an SPU thread unchanged. It carries no live state: the outbound sequence number and the
 * inbound replay window live on the main thread (dataplane/spu/esp-path.ts), which is the
 * authoritative copy `show` and cluster sync read.
 */
import { addressFromText } from '../packet/address.js';
import type { AuthenticationAlgorithm, EncryptionAlgorithm } from '../../crypto/suites.js';
import { authenticationSuite, encryptionSuite } from '../../crypto/suites.js';
import { DEFAULT_REPLAY_WINDOW, MAX_REPLAY_WINDOW, MIN_REPLAY_WINDOW } from './replay-window.js';

export type SaDirection = 'inbound' | 'outbound';
export type IpsecProtocol = 'esp' | 'ah';

/** ESP-in-UDP (RFC 3948) ports when NAT-T is in use: 4500 both ways as Junos sends it. */
export interface UdpEncapsulation {
  readonly sourcePort: number;
  readonly destinationPort: number;
}

export const NAT_T_PORT = 4500;

export interface SaRecord {
  /** SPI as an unsigned 32-bit number; 1..255 are reserved (RFC 4303 §2.1) and 0 is never sent. */
  readonly spi: number;
  readonly direction: SaDirection;
  readonly protocol: IpsecProtocol;
  /** ESP only (null for AH). */
  readonly encryption: EncryptionAlgorithm | null;
  /** Cipher key; for AES-GCM and ChaCha20-Poly1305 the 4-byte salt is appended (RFC 4106/7634). */
  readonly encryptionKey: Uint8Array;
  /** Required for AH and for ESP with a CBC cipher; null with an AEAD. */
  readonly authentication: AuthenticationAlgorithm | null;
  readonly authenticationKey: Uint8Array;
  /** Extended (64-bit) sequence numbers, RFC 4303 §2.2.1 (`extended-sequence-number`). */
  readonly esn: boolean;
  /**
   * Outer addresses of the tunnel: this gateway and the peer. IPv4 or IPv6 for ESP (the ESP
   * bytes do not depend on them); IPv4 for AH, whose ICV covers the outer IPv4 header.
   */
  readonly tunnel: { readonly local: string; readonly remote: string };
  readonly udpEncapsulation?: UdpEncapsulation;
  /** Inbound: `anti-replay-window-size` (64..8192), 0 for `no-anti-replay`. Default 64. */
  readonly replayWindowSize?: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Check an SA record once, at install: TypeError/RangeError naming the offending field. */
export function checkSaRecord(sa: SaRecord): void {
  if (typeof sa !== 'object' || sa === null) throw new TypeError('sa: expected an SA record');
  if (typeof sa.spi !== 'number' || !Number.isInteger(sa.spi)) throw new TypeError('spi: expected an integer');
  if (sa.spi < 256 || sa.spi > 0xffff_ffff) throw new RangeError(`spi: ${sa.spi} is outside 256..4294967295 (RFC 4303 §2.1)`);
  if (sa.direction !== 'inbound' && sa.direction !== 'outbound') throw new RangeError(`direction: expected inbound or outbound, got ${String(sa.direction)}`);
  if (sa.protocol !== 'esp' && sa.protocol !== 'ah') throw new RangeError(`protocol: expected esp or ah, got ${String(sa.protocol)}`);
  if (typeof sa.esn !== 'boolean') throw new TypeError('esn: expected a boolean');
  if (!(sa.encryptionKey instanceof Uint8Array)) throw new TypeError('encryptionKey: expected a Uint8Array');
  if (!(sa.authenticationKey instanceof Uint8Array)) throw new TypeError('authenticationKey: expected a Uint8Array');
  if (sa.protocol === 'ah') {
    if (sa.encryption !== null) throw new RangeError('encryption: AH has no encryption algorithm');
    if (sa.authentication === null) throw new RangeError('authentication: AH needs an authentication algorithm');
  } else {
    if (sa.encryption === null) throw new RangeError('encryption: ESP needs an encryption algorithm (ESP-NULL is not emulated)');
    const enc = encryptionSuite(sa.encryption);
    if (sa.encryptionKey.length !== enc.keyLength) {
      throw new RangeError(`encryptionKey: ${sa.encryption} takes ${enc.keyLength} bytes${enc.saltLength ? ' (key ‖ 4-byte salt)' : ''}, got ${sa.encryptionKey.length}`);
    }
    if (enc.kind === 'aead' && sa.authentication !== null) throw new RangeError(`authentication: ${sa.encryption} is an AEAD and takes no authentication algorithm`);
    if (enc.kind === 'cbc' && sa.authentication === null) throw new RangeError(`authentication: ${sa.encryption} needs an authentication algorithm`);
  }
  if (sa.authentication !== null) {
    const auth = authenticationSuite(sa.authentication);
    if (sa.authenticationKey.length !== auth.keyLength) throw new RangeError(`authenticationKey: ${sa.authentication} takes ${auth.keyLength} bytes, got ${sa.authenticationKey.length}`);
  }
  if (typeof sa.tunnel !== 'object' || sa.tunnel === null) throw new TypeError('tunnel: expected { local, remote }');
  for (const end of ['local', 'remote'] as const) {
    const text = sa.tunnel[end];
    const ok = typeof text === 'string' && (IPV4.test(text) || (addressFromText(text).ok && text.includes(':')));
    if (!ok) throw new RangeError(`tunnel.${end}: expected an IPv4 or IPv6 address, got ${String(text)}`);
  }
  if (sa.tunnel.local.includes(':') !== sa.tunnel.remote.includes(':')) throw new RangeError('tunnel: local and remote must be of one family (both IPv4 or both IPv6)');
  if (sa.udpEncapsulation !== undefined) {
    for (const p of ['sourcePort', 'destinationPort'] as const) {
      const v = sa.udpEncapsulation[p];
      if (!Number.isInteger(v) || v < 1 || v > 65535) throw new RangeError(`udpEncapsulation.${p}: expected a port 1..65535, got ${String(v)}`);
    }
  }
  if (sa.replayWindowSize !== undefined) {
    const w = sa.replayWindowSize;
    if (!Number.isInteger(w) || (w !== 0 && (w < MIN_REPLAY_WINDOW || w > MAX_REPLAY_WINDOW))) {
      throw new RangeError(`replayWindowSize: ${String(w)} is outside ${MIN_REPLAY_WINDOW}..${MAX_REPLAY_WINDOW} (0 disables anti-replay)`);
    }
  }
}

export function replayWindowSizeOf(sa: SaRecord): number {
  return sa.replayWindowSize ?? DEFAULT_REPLAY_WINDOW;
}

/** Throws unless `seq` fits the SA's sequence space: 32 bits, or 64 with ESN (RFC 4303 §2.2). */
export function checkSeq(sa: { readonly esn: boolean }, seq: number): void {
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) throw new RangeError('seq: expected a non-negative integer');
  if (sa.esn ? !Number.isSafeInteger(seq) : seq >= 0x1_0000_0000) throw new RangeError(`seq: ${seq} exceeds the ${sa.esn ? '64-bit (ESN)' : '32-bit'} sequence space`);
}

/** The bytes of a tunnel end (4 for IPv4, 16 for IPv6; the record was checked). */
export function tunnelAddressBytes(address: string): Uint8Array {
  const a = addressFromText(address);
  if (!a.ok) throw new RangeError(`not an address: ${address}`);
  return a.value;
}

/** SPI as Junos prints it: 8 lowercase hex digits. */
export function spiHex(spi: number): string {
  return (spi >>> 0).toString(16).padStart(8, '0');
}
