// Test helpers shared by the packet and capture tests (not a test file itself).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Hex with optional spaces/newlines (for annotated vectors) to bytes. */
export function hex(text: string): Uint8Array {
  const t = text.replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(t, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/**
 * The Internet checksum computed a second, independent way: the one's-complement sum of 16-bit
 * words equals the plain sum of the words modulo 0xffff (with 0xffff standing for a non-zero
 * multiple), so sum the high and low bytes separately and reduce once. Shares no code with
 * dataplane/packet/checksum.ts.
 */
export function refChecksum(...parts: Uint8Array[]): number {
  let hi = 0;
  let lo = 0;
  let offset = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if ((offset + i) % 2 === 0) hi += p[i]!;
      else lo += p[i]!;
    }
    offset += p.length;
  }
  const total = hi * 256 + lo;
  const folded = total === 0 ? 0 : total % 0xffff === 0 ? 0xffff : total % 0xffff;
  return ~folded & 0xffff;
}

/** The shared, read-only vectors folder (../shared/vectors from the repository root). */
export const VECTORS = fileURLToPath(new URL('../../../../shared/vectors/', import.meta.url));

export interface EspVector {
  readonly frame: number;
  readonly outer_src: string;
  readonly outer_dst: string;
  readonly udp_encap: boolean;
  readonly udp_src_port: number;
  readonly udp_dst_port: number;
  readonly spi: string;
  readonly seq: number;
  readonly next_header: number;
  readonly sa: { readonly encryption: string; readonly key: string; readonly authentication: string; readonly auth_key: string };
  readonly esp: string;
  readonly plaintext: string;
  readonly inner: string;
}

export function loadEspVectors(capture: string): EspVector[] {
  const j = JSON.parse(readFileSync(`${VECTORS}captures/${capture}/esp_vectors.json`, 'utf8')) as { vectors: EspVector[] };
  return j.vectors;
}

export function captureFile(capture: string, name: string): string {
  return `${VECTORS}captures/${capture}/${name}`;
}

export const CAPTURES = ['strongswan-v2-gcm', 'strongswan-v2-cbc', 'strongswan-v1-cbc', 'scapy-manual-gcm', 'scapy-manual-cbc'] as const;
