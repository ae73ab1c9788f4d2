/**
 * Site-to-site with pre-shared keys, as exchange scripts: two daemons back to back, one message
 * at a time, with the exchange drawn above each step and, after it, the SA states, what each
 * mock kernel installed, the notifies on the wire and the tunnel events. Run in both directions
 * (A initiates / B initiates) and with kmd and iked on either end.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeType, NotifyType } from '../../../../ike/wire/constants.js';
import type { IkeMessage } from '../../../../ike/wire/types.js';
import { A_ADDR, B_ADDR, IkePair, type Side } from '../../../helpers/ike-pair.js';

const notifies = (m: IkeMessage): number[] => m.payloads.filter((p) => p.kind === 'notify').map((p) => (p as { notifyType: number }).notifyType);
const kinds = (m: IkeMessage): string[] => m.payloads.map((p) => p.kind);

const addr = (s: Side): string => (s === 'a' ? A_ADDR : B_ADDR);
const other = (s: Side): Side => (s === 'a' ? 'b' : 'a');

for (const [init, flavours] of [
  ['a', ['kmd', 'iked']],
  ['b', ['iked', 'kmd']],
] as const) {
  const resp = other(init);
  describe(`PSK site-to-site, ${init.toUpperCase()} initiates (${flavours[0]} ↔ ${flavours[1]})`, () => {
    const make = (over: Record<string, unknown> = {}) =>
      IkePair.create({
        a: { local: A_ADDR, remote: B_ADDR, establish: init === 'a' ? 'immediately' : 'on-traffic', ...over },
        b: { local: B_ADDR, remote: A_ADDR, establish: init === 'b' ? 'immediately' : 'on-traffic', ...over },
        flavourA: flavours[0],
        flavourB: flavours[1],
      });

    it('IKE_SA_INIT, IKE_AUTH: both IKE SAs UP, one CHILD SA pair installed on each side with matching keys', async () => {
      const p = await make();
      const I = p.daemon(init);
      const R = p.daemon(resp);

      // I --> R  HDR(SPIi,0) SAi1 KEi Ni N(NAT_D_SRC) N(NAT_D_DST) N(FRAG_SUPPORTED)
      const m1 = p.peek()!;
      expect(m1.from).toBe(init);
      expect(m1.message.header.exchange).toBe(ExchangeType.IKE_SA_INIT);
      expect(kinds(m1.message).slice(0, 3)).toEqual(['sa', 'ke', 'nonce']);
      expect(notifies(m1.message)).toEqual([NotifyType.NAT_DETECTION_SOURCE_IP, NotifyType.NAT_DETECTION_DESTINATION_IP, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED]);
      expect(I.ikeSas()).toMatchObject([{ state: 'DOWN', role: 'Initiator', responderSpi: '0000000000000000' }]);
      await p.step();
      expect(R.ikeSas()).toMatchObject([{ state: 'DOWN', role: 'Responder' }]);

      // I <-- R  HDR(SPIi,SPIr) SAr1 KEr Nr N(NAT_D_SRC) N(NAT_D_DST) N(FRAG_SUPPORTED)
      const m2 = p.peek()!;
      expect(m2.message.header.response).toBe(true);
      expect(notifies(m2.message)).toContain(NotifyType.NAT_DETECTION_SOURCE_IP);
      await p.step();

      // I --> R  HDR SK{IDi AUTH SAi2 TSi TSr}
      const m3 = p.peek()!;
      expect(m3.message.header.exchange).toBe(ExchangeType.IKE_AUTH);
      expect(m3.message.header.messageId).toBe(1);
      expect(p.wire[0]!.datagram.local.port).toBe(500); // no NAT: stays on 500
      expect(p.kernel(init).installed.size).toBe(0);
      await p.step();
      // The responder installed before answering.
      expect(p.kernel(resp).installed.size).toBe(1);
      expect(R.ikeSas()).toMatchObject([{ state: 'UP' }]);

      // I <-- R  HDR SK{IDr AUTH SAr2 TSi TSr}
      await p.step();
      expect(p.wire).toHaveLength(0);
      expect(I.ikeSas()).toMatchObject([{ state: 'UP', role: 'Initiator', remoteAddress: addr(resp), algorithms: { encryption: 'aes128-gcm', prf: 'hmac-sha256', dhGroup: 'DH-group-19' } }]);
      const [ki] = [...p.kernel(init).installed.values()];
      const [kr] = [...p.kernel(resp).installed.values()];
      expect(ki!.outbound.spi).toBe(kr!.inbound.spi);
      expect(kr!.outbound.spi).toBe(ki!.inbound.spi);
      expect(ki!.outbound.encryptionKey).toEqual(kr!.inbound.encryptionKey);
      expect(ki!.inbound.encryptionKey).toEqual(kr!.outbound.encryptionKey);
      expect(ki!.outbound.encryptionKey).toHaveLength(20); // AES-128 key + 4-byte salt
      expect(ki!.encryption).toBe('aes-128-gcm');
      expect(ki!.udpEncapsulation).toBeNull();
      expect(ki!.local).toBe(addr(init));
      expect(ki!.remote).toBe(addr(resp));
      expect(ki!.localSelector).toBe('ipv4_subnet(any:0,[0..7]=0.0.0.0/0)');
      expect(ki!.tunnelId).toBe(flavours[init === 'a' ? 0 : 1] === 'kmd' ? 131073 : 500001);
      expect(p.kernel(init).anchors).toEqual(['GW1']);
      const tI = I.tunnels();
      expect(tI).toHaveLength(1);
      expect(tI[0]!.events.map((e) => e.text)).toEqual(['IPSec SA negotiation successfully completed', 'IKE SA negotiation successfully completed']);
      expect(tI[0]!.sas.map((s) => s.direction)).toEqual(['inbound', 'outbound']);
      expect(tI[0]!.sas[0]).toMatchObject({ encryption: 'aes-gcm (128 bits)', authentication: 'None', hardLifetime: 3600, protocol: 'ESP' });
      expect(R.tunnels()).toHaveLength(1);
      expect(I.inactiveTunnels().tunnels).toHaveLength(0);
    });

    it('a retransmitted IKE_AUTH request gets the cached response, not a second CHILD SA', async () => {
      const p = await make();
      await p.step(); // INIT request
      await p.step(); // INIT response
      const authReq = p.wire[0]!;
      await p.step(); // AUTH request
      const firstResponse = p.wire[0]!.datagram.payload;
      p.drop(); // the response is lost
      // I retransmits after 2 s
      await p.advance(2000);
      expect(p.wire).toHaveLength(1);
      expect(p.wire[0]!.datagram.payload).toEqual(authReq.datagram.payload);
      await p.step();
      // R answers with the same bytes, and installs nothing more
      expect(p.wire[0]!.datagram.payload).toEqual(firstResponse);
      expect(p.kernel(resp).history).toHaveLength(1);
      await p.step();
      expect(p.daemon(init).ikeSas()[0]!.state).toBe('UP');
      expect(p.daemon(init).counters().retransmitted).toBe(1);
    });

    it('no response: exponential back-off, then "No response from peer. Negotiation failed" in inactive-tunnels', async () => {
      const p = await make();
      const sends: number[] = [];
      const t0 = p.clock.now();
      for (let i = 0; i < 10 && p.wire.length > 0; i++) {
        p.drop();
        sends.push((p.clock.now() - t0) / 1000);
        await p.advance(p.clock.nextDue()! - p.clock.now());
      }
      expect(sends).toEqual([0, 2, 6, 14, 30, 62]);
      const I = p.daemon(init);
      expect(I.ikeSas()).toHaveLength(0);
      const inactive = I.inactiveTunnels();
      expect(inactive.establishImmediately).toBe(1);
      expect(inactive.tunnels[0]).toMatchObject({ gateway: addr(resp), downReason: 'No response from peer. Negotiation failed', downReasonCount: 1, pendingSas: 1 });
      // retried 10 s later (establish-tunnels immediately), fails again: the count grows
      await p.advance(10_000);
      expect(p.wire).toHaveLength(1);
    });
  });
}
