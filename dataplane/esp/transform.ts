/**
 * One SA's packet transform, whatever its protocol: ESP (SPI..ICV out) or AH (outer IPv4 ‖ AH ‖
 * inner out). This is what an SPU thread keeps per SA handle; the main thread uses only the
 * engine-free helpers (`protectedLength`) to size batch buffers.
 */
import type { CryptoEngine, EngineName } from '../../crypto/engine.js';
import { ahPacketLength, ahProtectInto, ahVerify, AhContext } from './ah.js';
import { authenticationSuite } from '../../crypto/suites.js';
import { decapsulate, encapsulateInto, espLength, espShape, EspContext, type EspDropReason } from './esp.js';
import type { IpsecProtocol, SaRecord } from './sa.js';

export type DropReason = EspDropReason;

export type UnprotectVerdict =
  | { readonly ok: true; readonly seq: number; readonly nextHeader: number; readonly inner: Uint8Array }
  | { readonly ok: false; readonly reason: DropReason; readonly seq?: number };

export interface SaTransform {
  readonly protocol: IpsecProtocol;
  readonly engine: EngineName;
  /** Bytes the protected packet of an `innerLength`-byte packet takes. */
  protectedLength(innerLength: number): number;
  /** Protect `inner` into `out` at `offset` (may overlap `inner` there); returns the length. */
  protectInto(seq: number, inner: Uint8Array, nextHeader: number, out: Uint8Array, offset: number): number;
  /** Verify (and decrypt) one packet; `seqHigh` = ESN high bits inferred by the window. */
  unprotect(packet: Uint8Array, seqHigh: number): UnprotectVerdict;
}

/** Bytes of the protected packet for this SA (engine-free: the main thread sizes batches with it). */
export function protectedLength(sa: Pick<SaRecord, 'protocol' | 'encryption' | 'authentication' | 'tunnel'>, innerLength: number): number {
  if (sa.protocol === 'ah') return ahPacketLength(authenticationSuite(sa.authentication ?? '').icvLength, innerLength, sa.tunnel.local.includes(':') ? 6 : 4);
  return espLength(espShape(sa), innerLength);
}

export function createTransform(sa: SaRecord, engine: CryptoEngine): SaTransform {
  if (sa.protocol === 'ah') {
    const ctx = new AhContext(sa, engine);
    return {
      protocol: 'ah',
      engine: engine.name,
      protectedLength: (n) => ahPacketLength(ctx.icvLength, n, ctx.family),
      protectInto: (seq, inner, nh, out, offset) => ahProtectInto(ctx, seq, inner, nh, out, offset),
      unprotect: (packet, seqHigh) => ahVerify(ctx, packet, { seqHigh }),
    };
  }
  const ctx = new EspContext(sa, engine);
  return {
    protocol: 'esp',
    engine: engine.name,
    protectedLength: (n) => espLength(ctx, n),
    protectInto: (seq, inner, nh, out, offset) => encapsulateInto(ctx, seq, inner, nh, out, offset),
    unprotect: (packet, seqHigh) => decapsulate(ctx, packet, { seqHigh }),
  };
}
