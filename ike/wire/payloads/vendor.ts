/**
 * Vendor ID payload (type 43, RFC 7296 §3.12).
 *
 * Body: the vendor id, opaque (usually a hash of a vendor string). No limits beyond the
 * generic header.
 */
import { defineStruct } from '../fields.js';
import { definePayload } from './spec.js';

export const VENDOR_BODY = defineStruct('VendorID', [{ f: 'bytes', name: 'data' }]);

export const VENDOR = definePayload({ type: 43, kind: 'vendor', body: VENDOR_BODY });
