// Helpers shared by the IKE wire tests (not a test file itself).
import { loadEngine, type CryptoEngine, type EngineName } from '../../../../crypto/engine.js';
import { nativeEngine } from '../../../../crypto/native.js';
import type { Verdict } from '../../../../ike/wire/types.js';

export const ENGINE_NAMES = ['native', 'software'] as const;
export const ENGINES: Record<EngineName, CryptoEngine> = { native: nativeEngine, software: await loadEngine('software') };

/** Hex with spaces, newlines and `#`-to-end-of-line comments allowed (annotated vectors). */
export function hex(text: string): Uint8Array {
  const t = text.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(t)) throw new Error(`bad hex: ${t}`);
  return new Uint8Array(Buffer.from(t, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** The message of an accepted verdict, or a test failure naming the reason. */
export function accepted<T>(v: Verdict<T>): T {
  if (!v.ok) throw new Error(`rejected: ${v.reason} (${v.detail})`);
  return v.message;
}

/** A deterministic IV source: 0x00 0x01 0x02 … then the next call continues the count. */
export function countingIv(start = 0): (n: number) => Uint8Array {
  let k = start;
  return (n) => {
    const iv = new Uint8Array(n);
    for (let i = 0; i < n; i++) iv[i] = k++ & 0xff;
    return iv;
  };
}
