/**
 * NAT detection (RFC 7296 §2.23): NAT_DETECTION_SOURCE_IP / _DESTINATION_IP in IKE_SA_INIT,
 * SHA-1(SPIi | SPIr | address | port) as the header carries the SPIs. A mismatch of the peer's
 * source hash with the address the message came from means the peer is behind a NAT (strongSwan
 * with kernel-libipsec fakes this hash on purpose, so it always looks NATed); a mismatch of the
 * destination hash with our own address means we are.
 */
import { addressFromText } from '../../../dataplane/packet/address.js';
import { natDetectionHash } from '../../../crypto/ike-keys.js';
import type { IkeEndpoint } from '../../ports.js';
import { NotifyType } from '../../wire/constants.js';
import type { NotifyPayload, Payload } from '../../wire/types.js';

function hash(spiI: Uint8Array, spiR: Uint8Array, ep: IkeEndpoint): Uint8Array {
  const a = addressFromText(ep.address);
  return natDetectionHash(spiI, spiR, a.ok ? a.value : new Uint8Array(4), ep.port);
}

function notify(type: number, data: Uint8Array): NotifyPayload {
  return { kind: 'notify', critical: false, protocol: 0, spi: new Uint8Array(0), notifyType: type, data };
}

/** Our two NAT-D notifies: source = where we send from, destination = where we send to. */
export function natDetectionNotifies(spiI: Uint8Array, spiR: Uint8Array, local: IkeEndpoint, remote: IkeEndpoint): NotifyPayload[] {
  return [notify(NotifyType.NAT_DETECTION_SOURCE_IP, hash(spiI, spiR, local)), notify(NotifyType.NAT_DETECTION_DESTINATION_IP, hash(spiI, spiR, remote))];
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface NatResult {
  /** We are behind a NAT (the peer saw another destination than our address). */
  readonly local: boolean;
  /** The peer is behind a NAT (its source hash does not match where the message came from). */
  readonly remote: boolean;
}

/**
 * Check the peer's NAT-D notifies of a received IKE_SA_INIT message; `local` is where it
 * arrived, `remote` where it came from. Undefined when the peer sent none (no NAT-T support).
 */
export function checkNatDetection(payloads: readonly Payload[], spiI: Uint8Array, spiR: Uint8Array, local: IkeEndpoint, remote: IkeEndpoint): NatResult | undefined {
  const sources: Uint8Array[] = [];
  let destination: Uint8Array | undefined;
  for (const p of payloads) {
    if (p.kind !== 'notify') continue;
    if (p.notifyType === NotifyType.NAT_DETECTION_SOURCE_IP) sources.push(p.data);
    else if (p.notifyType === NotifyType.NAT_DETECTION_DESTINATION_IP) destination = p.data;
  }
  if (sources.length === 0 && destination === undefined) return undefined;
  const theirSource = hash(spiI, spiR, remote);
  const ourAddress = hash(spiI, spiR, local);
  return { remote: !sources.some((s) => equal(s, theirSource)), local: destination === undefined ? false : !equal(destination, ourAddress) };
}
