/**
 * Encrypted and Authenticated payload, SK (type 46, RFC 7296 §3.14), as carried (still sealed).
 *
 * Generic header: Next Payload holds the type of the first payload inside (`innerFirst`); SK is
 * always the last payload of a message.
 * Body: IV ‖ encrypted (inner payloads ‖ padding ‖ pad length) ‖ integrity checksum. How long
 * the IV and checksum are depends on the negotiated algorithms, so the body stays one byte
 * string here and sk.ts splits it when it has the keys.
 */
import { defineStruct } from '../fields.js';
import { definePayload } from './spec.js';

export const SK_BODY = defineStruct('SK', [{ f: 'bytes', name: 'encrypted' }], 'sk-length');

export const SK = definePayload({ type: 46, kind: 'sk', body: SK_BODY, terminal: true });
