/**
 * Worker side of bench/esp-ceiling.ts: the reference loop's node:crypto calls (AES-128-GCM,
 * encrypt then decrypt, 8-byte AAD, 16-byte tag) with no srx5k code, run in a worker thread.
 *
 * - `loop`: packets that never leave this thread, for `ms` milliseconds (what threads alone cost).
 * - `seal` / `open`: a batch of fixed-size records in a transferred buffer, sealed or opened in
 *   place (what the plainest batch-per-task design costs).
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { Piscina } from 'piscina';

const TAG = 16;
let key: KeyObject | null = null;
const nonce = new Uint8Array(12);
const aad = new Uint8Array(8);
let counter = 0;

function keyed(): KeyObject {
  key ??= createSecretKey(new Uint8Array(16).fill(7));
  return key;
}

function nextNonce(): Uint8Array {
  new DataView(nonce.buffer).setUint32(8, ++counter);
  return nonce;
}

/** Encrypt and decrypt `count` worker-local payloads of `length` bytes for `ms`; packets done. */
export function loop(req: { readonly ms: number; readonly length: number; readonly count: number }): number {
  const k = keyed();
  const payloads = Array.from({ length: req.count }, (_, i) => new Uint8Array(req.length).fill(i & 0xff));
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < req.ms) {
    for (const pt of payloads) {
      const iv = nextNonce();
      const c = createCipheriv('aes-128-gcm', k, iv, { authTagLength: TAG });
      c.setAAD(aad);
      const ct = c.update(pt);
      c.final();
      const tag = c.getAuthTag();
      const d = createDecipheriv('aes-128-gcm', k, iv, { authTagLength: TAG });
      d.setAuthTag(tag);
      d.setAAD(aad);
      d.update(ct);
      d.final();
      n++;
    }
  }
  return n;
}

export interface RecordBatch {
  readonly buf: ArrayBuffer;
  readonly count: number;
  /** Payload bytes per record: a record is nonce counter (u32) ‖ payload ‖ tag. */
  readonly length: number;
}

function strideOf(length: number): number {
  return 4 + length + TAG;
}

/** Seal every record in place: payload → ciphertext ‖ tag, its nonce counter in front. */
export function seal(req: RecordBatch): unknown {
  const k = keyed();
  const bytes = new Uint8Array(req.buf);
  const view = new DataView(req.buf);
  const stride = strideOf(req.length);
  for (let i = 0; i < req.count; i++) {
    const at = i * stride;
    const iv = nextNonce();
    view.setUint32(at, counter);
    const c = createCipheriv('aes-128-gcm', k, iv, { authTagLength: TAG });
    c.setAAD(aad);
    bytes.set(c.update(bytes.subarray(at + 4, at + 4 + req.length)), at + 4);
    c.final();
    bytes.set(c.getAuthTag(), at + 4 + req.length);
  }
  return Piscina.move(req.buf);
}

/** Open every record in place; returns the buffer, its first u32 = records that failed. */
export function open(req: RecordBatch): unknown {
  const k = keyed();
  const bytes = new Uint8Array(req.buf);
  const view = new DataView(req.buf);
  const stride = strideOf(req.length);
  let failed = 0;
  for (let i = 0; i < req.count; i++) {
    const at = i * stride;
    new DataView(nonce.buffer).setUint32(8, view.getUint32(at));
    const d = createDecipheriv('aes-128-gcm', k, nonce, { authTagLength: TAG });
    d.setAuthTag(bytes.subarray(at + 4 + req.length, at + stride));
    d.setAAD(aad);
    const pt = d.update(bytes.subarray(at + 4, at + 4 + req.length));
    try {
      d.final();
      bytes.set(pt, at + 4);
    } catch {
      failed++;
    }
  }
  view.setUint32(0, failed);
  return Piscina.move(req.buf);
}
