/**
 * Notify payload (type 41, RFC 7296 §3.10).
 *
 * Body:
 *   octet 0      protocol id of the SA concerned (0 when the SPI field is empty)
 *   octet 1      SPI size
 *   octets 2-3   notify message type (below 16384 an error, from 16384 a status)
 *   SPI          (SPI size octets)
 *   the rest     notification data
 *
 * verify:
 * - the SPI is empty, or the 4-byte SPI of an AH/ESP SA (§3.10: a notify about the IKE SA
 *   carries no SPI, its SPIs being in the header);
 * - notification data lengths §3.10.1 and the extension RFCs fix: UNSUPPORTED_CRITICAL_PAYLOAD
 *   1 (the payload type), INVALID_KE_PAYLOAD 2 (the group), INVALID_MESSAGE_ID and
 *   SET_WINDOW_SIZE 4, NAT_DETECTION_* 20 (a SHA-1 hash), COOKIE 1..64, SIGNATURE_HASH_ALGORITHMS
 *   a list of 2-byte ids (RFC 7427 §4), IKEV2_FRAGMENTATION_SUPPORTED empty (RFC 7383 §2.3).
 */
import { NotifyType, ProtocolId } from '../constants.js';
import { defineStruct } from '../fields.js';
import { problem, type Problem } from '../verdict.js';
import type { NotifyPayload } from '../types.js';
import { definePayload } from './spec.js';

export const NOTIFY_BODY = defineStruct(
  'Notify',
  [
    { f: 'u8', name: 'protocol' },
    { f: 'size', of: 'spi', width: 1 },
    { f: 'u16', name: 'notifyType' },
    { f: 'bytes', name: 'spi' },
    { f: 'bytes', name: 'data' },
  ],
  'notify-format',
);

/** Exact data lengths; [min, max] where a range is allowed. */
const DATA_LENGTH: ReadonlyMap<number, readonly [number, number]> = new Map<number, readonly [number, number]>([
  [NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, [1, 1]],
  [NotifyType.INVALID_KE_PAYLOAD, [2, 2]],
  [NotifyType.INVALID_MESSAGE_ID, [4, 4]],
  [NotifyType.SET_WINDOW_SIZE, [4, 4]],
  [NotifyType.NAT_DETECTION_SOURCE_IP, [20, 20]],
  [NotifyType.NAT_DETECTION_DESTINATION_IP, [20, 20]],
  [NotifyType.COOKIE, [1, 64]],
  [NotifyType.IKEV2_FRAGMENTATION_SUPPORTED, [0, 0]],
]);

function verifyNotify(p: NotifyPayload): Problem | undefined {
  const spi = p.spi.length;
  if (spi !== 0 && !(spi === 4 && (p.protocol === ProtocolId.AH || p.protocol === ProtocolId.ESP))) {
    return problem('notify-format', `notify ${p.notifyType}: ${spi}-byte SPI for protocol ${p.protocol}`);
  }
  const n = p.data.length;
  const range = DATA_LENGTH.get(p.notifyType);
  if (range !== undefined && (n < range[0] || n > range[1])) {
    const want = range[0] === range[1] ? `${range[0]}` : `${range[0]}..${range[1]}`;
    return problem('notify-format', `notify ${p.notifyType}: ${n} bytes of data, must be ${want}`);
  }
  if (p.notifyType === NotifyType.SIGNATURE_HASH_ALGORITHMS && n % 2 !== 0) {
    return problem('notify-format', `SIGNATURE_HASH_ALGORITHMS data of ${n} bytes is not a list of 2-byte ids`);
  }
  return undefined;
}

export const NOTIFY = definePayload({ type: 41, kind: 'notify', body: NOTIFY_BODY, verify: verifyNotify });
