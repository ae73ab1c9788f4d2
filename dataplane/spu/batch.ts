/**
 * The wire format of a packet batch between the main thread and an SPU thread: ONE ArrayBuffer,
 * transferred (never copied) both ways, processed in place by the worker.
 *
 *   batch  := count:u32 ‖ record × count
 *   record := sa:u32 ‖ seqHigh:u32 ‖ seqLow:u32 ‖ length:u16 ‖ capacity:u16 ‖
 *             nextHeader:u8 ‖ status:u8 ‖ altHigh:u8 ‖ reserved:u8 ‖ payload[capacity]
 *
 * All integers little-endian. `sa` is the SA handle the main thread gave at installSa; the
 * sequence number (outbound: assigned; inbound: inferred by the replay window) is decided on the
 * main thread, which owns that state. `capacity` is reserved room: for an outbound record it is
 * max(inner, protected) bytes so the worker writes the ESP/AH packet over the inner packet; an
 * inbound result is never longer than its input. On return `length` holds the output length,
 * `status` the verdict and (inbound) `nextHeader` the inner protocol.
 *
 * `altHigh` (inbound, ESN only): 0, or 1/2 = if the ICV fails with `seqHigh`, try seqHigh − 1 /
 * seqHigh + 1 (two candidate inferences near a 2^32 wrap); the thread writes back the high bits
 * that verified.
 *
 * 20 bytes of header per packet (1.4% at 1400 B); u16 lengths suffice because every packet and
 * its protected form must fit in one IPv4 datagram.
 */
export const BATCH_HEADER = 4;
export const RECORD_HEADER = 20;
export const MAX_RECORD_PAYLOAD = 0xffff;

export const R_SA = 0;
export const R_SEQ_HIGH = 4;
export const R_SEQ_LOW = 8;
export const R_LENGTH = 12;
export const R_CAPACITY = 14;
export const R_NEXT_HEADER = 16;
export const R_STATUS = 17;
export const R_ALT_HIGH = 18;
export const R_RESERVED = 19;

/** Per-record verdicts. */
export const BatchStatus = {
  Ok: 0,
  BadHeader: 1,
  InvalidSpi: 2,
  Auth: 3,
  Decrypt: 4,
  /** Authentic (the window may commit) but the ESP trailer is malformed. */
  BadTrailer: 5,
  /** The thread holds no SA for this handle (a parked thread came back empty): reinstall, retry. */
  UnknownSa: 6,
  /** The transform refused the record (sizes the main thread should have prevented). */
  Error: 7,
} as const;
export type BatchStatus = (typeof BatchStatus)[keyof typeof BatchStatus];

export function recordSize(capacity: number): number {
  return RECORD_HEADER + capacity;
}
