/**
 * A real strongSwan 5.9.8 IKE_SA_INIT request (captured, ../shared/vectors) answered by our
 * responder: the proposal it picks, the KE group and sizes, NAT-D hashes computed over
 * strongSwan's SPI and the addresses the capture used, and fragmentation support echoed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExchangeType, NotifyType } from '../../../../ike/wire/constants.js';
import { decodeMessage } from '../../../../ike/wire/message.js';
import { loadIkeCapture } from '../../../helpers/ike-captures.js';
import { IkePair, siteConfig } from '../../../helpers/ike-pair.js';

const CASES = [
  { capture: 'strongswan-v2-gcm', ike: { dh: 'group19', enc: 'aes-128-gcm' }, transforms: ['1:20/128', '2:5', '4:19'], keLength: 64 },
  { capture: 'strongswan-v2-cbc', ike: { dh: 'group14', enc: 'aes-256-cbc', auth: 'sha-256' }, transforms: ['1:12/256', '2:5', '3:12', '4:14'], keLength: 256 },
] as const;

describe('answering strongSwan IKE_SA_INIT requests', () => {
  for (const c of CASES) {
    it(c.capture, async () => {
      const cap = loadIkeCapture(c.capture);
      const req = cap.messages[0]!;
      expect(req.exchange).toBe(ExchangeType.IKE_SA_INIT);
      // Our daemon B plays 10.99.0.2, the capture's responder.
      const p = await IkePair.create({
        a: siteConfig({ local: '192.0.2.1', remote: '198.51.100.2' }),
        b: siteConfig({ local: req.destination, remote: req.source, ike: c.ike }),
      });
      p.b.receive({ local: { address: req.destination, port: 500 }, remote: { address: req.source, port: 500 }, payload: req.bytes });
      // The transport only sends from B_ADDR; the answer is refused there and counted.
      expect(p.b.ikeSas()).toHaveLength(1);
      const sa = p.b.ikeSaObjects()[0]!;
      const bytes = sa.initResponse!;
      const v = decodeMessage(bytes);
      if (!v.ok) throw new Error(v.detail);
      const m = v.message;
      expect(m.header.response).toBe(true);
      expect(m.header.initiator).toBe(false);
      expect(Buffer.from(m.header.spiI)).toEqual(Buffer.from(req.bytes.subarray(0, 8)));
      const saP = m.payloads.find((x) => x.kind === 'sa') as unknown as { proposals: { number: number; transforms: { type: number; id: number; keyLength?: number }[] }[] };
      expect(saP.proposals).toHaveLength(1);
      expect(saP.proposals[0]!.transforms.map((t) => `${t.type}:${t.id}${t.keyLength ? `/${t.keyLength}` : ''}`)).toEqual(c.transforms);
      const ke = m.payloads.find((x) => x.kind === 'ke') as { group: number; data: Uint8Array };
      expect(ke.data).toHaveLength(c.keLength);
      expect((m.payloads.find((x) => x.kind === 'nonce') as { data: Uint8Array }).data).toHaveLength(32);
      const natSrc = m.payloads.find((x) => x.kind === 'notify' && x.notifyType === NotifyType.NAT_DETECTION_SOURCE_IP) as { data: Uint8Array };
      const ip = Uint8Array.from(req.destination.split('.').map(Number));
      expect(Buffer.from(natSrc.data)).toEqual(createHash('sha1').update(bytes.subarray(0, 16)).update(ip).update(Uint8Array.of(1, 0xf4)).digest());
      expect(m.payloads.some((x) => x.kind === 'notify' && x.notifyType === NotifyType.IKEV2_FRAGMENTATION_SUPPORTED)).toBe(true);
      // strongSwan with kernel-libipsec fakes its source hash (interop.md): the peer looks NATed,
      // we are not; IKE_AUTH will float to UDP 4500 and ESP will be UDP-encapsulated.
      expect(sa.natRemote).toBe(true);
      expect(sa.natLocal).toBe(false);
      expect(sa.keys).toBeDefined();
    });
  }
});
