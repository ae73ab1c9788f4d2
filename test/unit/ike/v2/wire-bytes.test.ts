/**
 * Our messages through the codec, checked byte by byte where the RFC fixes the bytes: header
 * flags (I, R, version 2.0), Message IDs, SPIs, the NAT-D hash values, and IKE_AUTH decrypted
 * with the SK keys the daemon reports for `lab keys` (ikeKeys), its ID payload and AUTH method.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nativeEngine } from '../../../../crypto/native.js';
import { AuthMethod, ExchangeType, IdType, NotifyType } from '../../../../ike/wire/constants.js';
import { decodeMessage } from '../../../../ike/wire/message.js';
import { createSkCipher } from '../../../../ike/wire/sk.js';
import { A_ADDR, B_ADDR, IkePair } from '../../../helpers/ike-pair.js';

describe('our messages, byte level', () => {
  it('IKE_SA_INIT and IKE_AUTH as the RFC lays them out', async () => {
    const p = await IkePair.create({ a: { local: A_ADDR, remote: B_ADDR, establish: 'immediately' }, b: { local: B_ADDR, remote: A_ADDR } });
    const req = p.wire[0]!.datagram.payload;
    // Header: SPIi non-zero, SPIr zero, next payload SA (33), version 0x20, exchange 34,
    // flags 0x08 (Initiator), Message ID 0, length = datagram length.
    expect(req.subarray(0, 8).some((b) => b !== 0)).toBe(true);
    expect([...req.subarray(8, 16)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([req[16], req[17], req[18], req[19]]).toEqual([33, 0x20, 34, 0x08]);
    expect([...req.subarray(20, 24)]).toEqual([0, 0, 0, 0]);
    expect(new DataView(req.buffer, req.byteOffset).getUint32(24)).toBe(req.length);
    // NAT_DETECTION_SOURCE_IP = SHA-1(SPIi | 0^8 | 192.0.2.1 | 500)
    const v = decodeMessage(req);
    if (!v.ok) throw new Error(v.detail);
    const src = v.message.payloads.find((x) => x.kind === 'notify' && x.notifyType === NotifyType.NAT_DETECTION_SOURCE_IP) as { data: Uint8Array };
    const want = createHash('sha1').update(req.subarray(0, 16)).update(Uint8Array.of(192, 0, 2, 1, 0x01, 0xf4)).digest();
    expect(Buffer.from(src.data)).toEqual(want);
    await p.step();
    const resp = p.wire[0]!.datagram.payload;
    // Response: same SPIi, SPIr set, flags 0x20 (Response, not Initiator), Message ID 0
    expect(resp.subarray(0, 8)).toEqual(req.subarray(0, 8));
    expect(resp.subarray(8, 16).some((b) => b !== 0)).toBe(true);
    expect(resp[19]).toBe(0x20);
    await p.step();
    const auth = p.wire[0]!.datagram.payload;
    // IKE_AUTH request: next payload SK (46), exchange 35, flags 0x08, Message ID 1
    expect([auth[16], auth[18], auth[19]]).toEqual([46, 35, 0x08]);
    expect(new DataView(auth.buffer, auth.byteOffset).getUint32(20)).toBe(1);
    expect(auth.subarray(8, 16)).toEqual(resp.subarray(8, 16));
    // Decrypt it with the keys A reports (as Wireshark would with `lab keys`).
    const [k] = p.a.ikeKeys();
    expect(k!.encryption).toBe('aes-128-gcm');
    expect(k!.integrity).toBe('none');
    expect(Buffer.from(k!.initiatorSpi)).toEqual(Buffer.from(req.subarray(0, 8)));
    const cipher = createSkCipher(nativeEngine, { encryption: 20 }, { encryption: k!.skEi });
    const opened = decodeMessage(auth, { cipher });
    if (!opened.ok) throw new Error(opened.detail);
    const inner = opened.message.inner!;
    expect(inner.map((x) => x.kind)).toEqual(['idi', 'auth', 'sa', 'tsi', 'tsr']);
    expect(inner[0]).toMatchObject({ idType: IdType.IPV4_ADDR, data: Uint8Array.of(192, 0, 2, 1) });
    expect(inner[1]).toMatchObject({ method: AuthMethod.SHARED_KEY_MIC });
    expect((inner[1] as { data: Uint8Array }).data).toHaveLength(32); // HMAC-SHA2-256 output
    const sa = inner[2] as unknown as { proposals: { protocol: number; spi: Uint8Array; transforms: { type: number }[] }[] };
    expect(sa.proposals[0]!.protocol).toBe(3);
    expect(sa.proposals[0]!.spi).toEqual(Uint8Array.of(0xa0, 0, 0, 1)); // kernel A's first SPI
    expect(sa.proposals[0]!.transforms.some((t) => t.type === 4)).toBe(false); // no D-H in IKE_AUTH
    await p.step();
    const authResp = p.wire[0]!.datagram.payload;
    expect([authResp[18], authResp[19]]).toEqual([ExchangeType.IKE_AUTH, 0x20]);
    const rc = createSkCipher(nativeEngine, { encryption: 20 }, { encryption: k!.skEr });
    const r = decodeMessage(authResp, { cipher: rc });
    if (!r.ok) throw new Error(r.detail);
    expect(r.message.inner!.map((x) => x.kind)).toEqual(['idr', 'auth', 'sa', 'tsi', 'tsr']);
  });
});
