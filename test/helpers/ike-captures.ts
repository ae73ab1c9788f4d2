/**
 * The IKEv2 messages of the shared strongSwan captures (../shared/vectors/captures/strongswan-v2-*),
 * read with our own pcap reader and IPv4/UDP codecs, with the keys of their IKE SA.
 *
 * - capture.pcap: Ethernet frames; IKE on UDP 500, then (NAT-T floated) on UDP 4500 behind the
 *   4-byte non-ESP marker, ESP-in-UDP on 4500 too (skipped here).
 * - ikev2_decryption_table: Wireshark's IKEv2 decryption table, one IKE SA per line:
 *   SPIi,SPIr,SK_ei,SK_er,"encryption",SK_ai,SK_ar,"integrity" (hex, algorithm names as Wireshark
 *   spells them).
 *
 * Not a test file: helpers shared by test/unit/ike/wire and, later, the daemons' tests.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ipPacketOf, readPcap } from '../../dataplane/capture/pcap.js';
import { classifyNatTPayload, IKE_PORT, NAT_T_PORT } from '../../dataplane/packet/esp-in-udp.js';
import { parseIpv4 } from '../../dataplane/packet/ipv4.js';
import { parseUdp } from '../../dataplane/packet/udp.js';
import { ipv4ToText } from '../../dataplane/packet/address.js';
import type { CryptoEngine } from '../../crypto/engine.js';
import { EncrId, IKE_HEADER_LENGTH, IntegId, PAYLOAD_HEADER_LENGTH, PayloadType } from '../../ike/wire/constants.js';
import { writeHeader, type HeaderFields } from '../../ike/wire/header.js';
import { createSkCipher, minimalPadLength, sealInPlace, type IvSource, type SkCipher, type SkKeys, type SkTransforms } from '../../ike/wire/sk.js';

/** The shared, read-only vectors folder (../shared/vectors from the repository root). */
export const VECTORS = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));

export const IKE_CAPTURES = ['strongswan-v2-gcm', 'strongswan-v2-cbc'] as const;
export type IkeCaptureName = (typeof IKE_CAPTURES)[number];

export interface CapturedIke {
  /** 1-based frame number in the pcap. */
  readonly frame: number;
  readonly source: string;
  readonly destination: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** The IKE message (after the non-ESP marker on port 4500). */
  readonly bytes: Uint8Array;
  readonly exchange: number;
  /** I flag: sent by the original initiator (so sealed with SK_ei/SK_ai). */
  readonly fromInitiator: boolean;
  readonly response: boolean;
  readonly messageId: number;
  /** Short label for test names, e.g. "#3 IKE_AUTH request". */
  readonly label: string;
}

export interface CapturedIkeSa {
  readonly spiI: string;
  readonly spiR: string;
  readonly transforms: SkTransforms;
  /** SK_ei (+ SK_ai): what the initiator seals with. */
  readonly initiator: SkKeys;
  /** SK_er (+ SK_ar): what the responder seals with. */
  readonly responder: SkKeys;
}

export interface IkeCapture {
  readonly name: IkeCaptureName;
  readonly messages: readonly CapturedIke[];
  readonly sas: readonly CapturedIkeSa[];
}

const EXCHANGE_LABEL: Record<number, string> = { 34: 'IKE_SA_INIT', 35: 'IKE_AUTH', 36: 'CREATE_CHILD_SA', 37: 'INFORMATIONAL' };

function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** Wireshark's names of the encryption and integrity algorithms in its IKEv2 table. */
function transformsOf(encryption: string, integrity: string): SkTransforms {
  let enc: { encryption: number; keyLength: number };
  const gcm = /^AES-GCM-(\d+) with 16 octet ICV/.exec(encryption);
  const cbc = /^AES-CBC-(\d+)/.exec(encryption);
  if (gcm) enc = { encryption: EncrId.AES_GCM_16, keyLength: Number(gcm[1]) };
  else if (cbc) enc = { encryption: EncrId.AES_CBC, keyLength: Number(cbc[1]) };
  else throw new Error(`unknown encryption in decryption table: ${encryption}`);
  const integ: Record<string, number> = {
    HMAC_MD5_96: IntegId.HMAC_MD5_96,
    HMAC_SHA1_96: IntegId.HMAC_SHA1_96,
    HMAC_SHA2_256_128: IntegId.HMAC_SHA2_256_128,
    HMAC_SHA2_384_192: IntegId.HMAC_SHA2_384_192,
    HMAC_SHA2_512_256: IntegId.HMAC_SHA2_512_256,
  };
  const name = integrity.split(' ')[0]!;
  if (name === 'NONE') return enc;
  const id = integ[name];
  if (id === undefined) throw new Error(`unknown integrity in decryption table: ${integrity}`);
  return { ...enc, integrity: id };
}

function parseDecryptionTable(text: string): CapturedIkeSa[] {
  const sas: CapturedIkeSa[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    // Comma-separated; the quoted algorithm names contain no commas of their own.
    const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
    const [spiI, spiR, ei, er, encName, ai, ar, integName] = cells as [string, string, string, string, string, string, string, string];
    const transforms = transformsOf(encName, integName);
    const withInteg = transforms.integrity !== undefined;
    sas.push({
      spiI: spiI.toLowerCase(),
      spiR: spiR.toLowerCase(),
      transforms,
      initiator: withInteg ? { encryption: hex(ei), integrity: hex(ai) } : { encryption: hex(ei) },
      responder: withInteg ? { encryption: hex(er), integrity: hex(ar) } : { encryption: hex(er) },
    });
  }
  return sas;
}

const cache = new Map<IkeCaptureName, IkeCapture>();

/** The IKE messages and IKE SA keys of one capture (cached). Throws if the files are not as expected. */
export function loadIkeCapture(name: IkeCaptureName): IkeCapture {
  const hit = cache.get(name);
  if (hit) return hit;
  const dir = `${VECTORS}captures/${name}/`;
  const pcap = readPcap(new Uint8Array(readFileSync(`${dir}capture.pcap`)));
  if (!pcap.ok) throw new Error(`${name}: ${pcap.error.message}`);
  const messages: CapturedIke[] = [];
  pcap.value.packets.forEach((rec, i) => {
    const ip = ipPacketOf(pcap.value.linktype, rec.data);
    if (!ip.ok || ip.value.version !== 4) return;
    const v4 = parseIpv4(ip.value.packet);
    if (!v4.ok || v4.value.header.protocol !== 17) return;
    // No pseudo-header: frames sent by the capturing host carry offloaded (unfilled) checksums.
    const udp = parseUdp(v4.value.payload);
    if (!udp.ok) throw new Error(`${name} frame ${i + 1}: ${udp.error.message}`);
    const d = udp.value;
    let bytes: Uint8Array;
    if (d.sourcePort === NAT_T_PORT || d.destinationPort === NAT_T_PORT) {
      const c = classifyNatTPayload(d.payload);
      if (c.kind !== 'ike') return; // ESP-in-UDP or keepalive
      bytes = c.message;
    } else if (d.sourcePort === IKE_PORT || d.destinationPort === IKE_PORT) {
      bytes = d.payload;
    } else return;
    const exchange = bytes[18]!;
    const flags = bytes[19]!;
    const response = (flags & 0x20) !== 0;
    const messageId = ((bytes[20]! << 24) | (bytes[21]! << 16) | (bytes[22]! << 8) | bytes[23]!) >>> 0;
    messages.push({
      frame: i + 1,
      source: ipv4ToText(v4.value.header.source),
      destination: ipv4ToText(v4.value.header.destination),
      sourcePort: d.sourcePort,
      destinationPort: d.destinationPort,
      bytes,
      exchange,
      fromInitiator: (flags & 0x08) !== 0,
      response,
      messageId,
      label: `#${i + 1} ${EXCHANGE_LABEL[exchange] ?? exchange} ${response ? 'response' : 'request'}`,
    });
  });
  const sas = parseDecryptionTable(readFileSync(`${dir}ikev2_decryption_table`, 'utf8'));
  const capture: IkeCapture = { name, messages, sas };
  cache.set(name, capture);
  return capture;
}

function spiHex(bytes: Uint8Array, at: number): string {
  return Buffer.from(bytes.subarray(at, at + 8)).toString('hex');
}

/** The IKE SA a message belongs to (by its SPIs). */
export function saOf(capture: IkeCapture, m: CapturedIke): CapturedIkeSa {
  const i = spiHex(m.bytes, 0);
  const r = spiHex(m.bytes, 8);
  const sa = capture.sas.find((s) => s.spiI === i && s.spiR === r);
  if (!sa) throw new Error(`${capture.name} ${m.label}: no keys for SPIs ${i}/${r}`);
  return sa;
}

/** The keys that sealed a message: the initiator's for messages with the I flag. */
export function senderKeys(capture: IkeCapture, m: CapturedIke): SkKeys {
  const sa = saOf(capture, m);
  return m.fromInitiator ? sa.initiator : sa.responder;
}

/** The cipher that opens (and re-seals) a captured message. */
export function cipherFor(engine: CryptoEngine, capture: IkeCapture, m: CapturedIke, ivSource?: IvSource): SkCipher {
  return createSkCipher(engine, saOf(capture, m).transforms, senderKeys(capture, m), ivSource);
}

/**
 * A message with the header of `m` and one SK payload sealing `plaintext` (an inner payload
 * chain, malformed or not) whose first payload type is `innerFirst`: the "authenticated garbage"
 * a peer holding the keys could send. Minimal padding; the IV from the cipher's source.
 */
export function sealRaw(cipher: SkCipher, header: HeaderFields, plaintext: Uint8Array, innerFirst: number): Uint8Array {
  const pad = minimalPadLength(cipher, plaintext.length);
  const skLength = PAYLOAD_HEADER_LENGTH + cipher.ivLength + plaintext.length + pad + 1 + cipher.icvLength;
  const out = new Uint8Array(IKE_HEADER_LENGTH + skLength);
  writeHeader(header, PayloadType.SK, out.length, out);
  out[IKE_HEADER_LENGTH] = innerFirst;
  out[IKE_HEADER_LENGTH + 2] = skLength >>> 8;
  out[IKE_HEADER_LENGTH + 3] = skLength & 0xff;
  const ivAt = IKE_HEADER_LENGTH + PAYLOAD_HEADER_LENGTH;
  out.set(plaintext, ivAt + cipher.ivLength);
  sealInPlace(cipher, out, ivAt, plaintext.length);
  return out;
}
