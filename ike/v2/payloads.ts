/** Small payload helpers shared by the tasks. */
import { isErrorNotify, NOTIFY_NAMES } from '../wire/constants.js';
import type { NotifyPayload, Payload, PayloadKind, PayloadOf } from '../wire/types.js';

const EMPTY = new Uint8Array(0);

export function notify(notifyType: number, data: Uint8Array = EMPTY, protocol = 0, spi: Uint8Array = EMPTY): NotifyPayload {
  return { kind: 'notify', critical: false, protocol, spi, notifyType, data };
}

export function findNotify(payloads: readonly Payload[], type: number): NotifyPayload | undefined {
  for (const p of payloads) if (p.kind === 'notify' && p.notifyType === type) return p;
  return undefined;
}

export function firstError(payloads: readonly Payload[]): NotifyPayload | undefined {
  for (const p of payloads) if (p.kind === 'notify' && isErrorNotify(p.notifyType)) return p;
  return undefined;
}

export function find<K extends PayloadKind>(payloads: readonly Payload[], kind: K): PayloadOf<K> | undefined {
  for (const p of payloads) if (p.kind === kind) return p as PayloadOf<K>;
  return undefined;
}

export function notifyName(type: number): string {
  return NOTIFY_NAMES[type] ?? `notify ${type}`;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function u32(b: Uint8Array): number {
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

export function spiBytes(spi: number): Uint8Array {
  return Uint8Array.of(spi >>> 24, (spi >>> 16) & 0xff, (spi >>> 8) & 0xff, spi & 0xff);
}

export function copy(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}
