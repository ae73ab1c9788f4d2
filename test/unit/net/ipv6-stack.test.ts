import { createHmac } from 'node:crypto';
/**
 * The IPv6 packet path inside one process, where the stacks' and tunnels' own counters can be
 * read: transit forwarding with hop-limit decrement, zone policies and sessions; hop limit
 * expiry; ICMPv6 with a bad checksum; the IPv6-outer VPN (installed when the SA layer takes IPv6
 * endpoints, otherwise down with the SA layer's reason); ESP-in-UDP over IPv6 across the host
 * network refused and counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addressFromText } from '../../../dataplane/packet/address.js';
import { buildIcmpv6EchoIpv6Packet } from '../../../dataplane/packet/icmpv6.js';
import { closeLabs, lab } from '../../helpers/lab.js';

const a = (t: string): Uint8Array => {
  const r = addressFromText(t);
  if (!r.ok) throw new Error(t);
  return r.value;
};


afterEach(closeLabs);

describe('IPv6 transit through a firewall (in process)', () => {
  it('forwarded with the hop limit decremented, replies through the session, the reverse direction denied by policy', async () => {
    const l = lab('v6-transit.yaml');
    const fw = l.topology.stack(l.dev('v6-fw'));
    const out = await l.run('ping 2001:db8:20::1 count 3');
    expect(out[1]).toBe('16 bytes from 2001:db8:20::1, icmp_seq=0 hlim=63 time=0.200 ms');
    expect(out).toContain('3 packets transmitted, 3 packets received, 0.0% packet loss');
    expect(fw.counters).toMatchObject({ received6: 6, forwarded6: 6, forwarded: 6, droppedPolicy: 0 });
    l.topology.console('v6-r2');
    expect(await l.run('ping 2001:db8:10::1 count 2 wait 1')).toContain('2 packets transmitted, 0 packets received, 100.0% packet loss');
    expect(fw.counters).toMatchObject({ forwarded6: 6, droppedPolicy: 2 });
  });

  it('a request with hop limit 1 is not forwarded (counted); one with a bad ICMPv6 checksum to the device is dropped as malformed', async () => {
    const l = lab('v6-transit.yaml');
    const fw = l.topology.stack(l.dev('v6-fw'));
    expect(await l.run('ping 2001:db8:20::1 count 1 ttl 1 wait 1')).toContain('1 packets transmitted, 0 packets received, 100.0% packet loss');
    expect(fw.counters.droppedTtl).toBe(1);
    expect(fw.counters.forwarded6).toBe(0);

    // Straight onto fw's xe-0/0/0 from r1's side: an echo request to fw itself with its checksum spoiled.
    const good = buildIcmpv6EchoIpv6Packet({ source: a('2001:db8:10::1'), destination: a('2001:db8:10::254'), identifier: 7, sequence: 0, payload: new Uint8Array(8) });
    const bad = good.slice();
    bad[40 + 2]! ^= 0xff;
    const before = { ...fw.counters };
    fw.receive('xe-0/0/0', bad);
    expect(fw.counters.droppedMalformed).toBe(before.droppedMalformed + 1);
    // The good one reaches the host, where zone inside allows no ping.
    fw.receive('xe-0/0/0', good);
    expect(fw.counters.droppedHostInbound).toBe(before.droppedHostInbound + 1);
  });
});

describe('IPv6 outer header (manual VPN with an IPv6 gateway)', () => {

  it('the VPN comes up with an IPv6 outer header; over the host network its ESP leaves as IPv6 / UDP 4500', async () => {
    const l = lab('v6-vpn.yaml');
    const tunnels = l.topology.tunnels(l.dev('v6-site1'));
    await tunnels.reconcile();
    expect(tunnels.list().map((t) => [t.vpn.name, t.outer, t.local])).toEqual([
      ['V4OUT', 4, '192.0.2.1'],
      ['V6OUT', 6, '2001:db8::1'],
    ]);
    expect(await l.run('ping 10.2.2.3 source 10.1.1.3 count 2')).toContain('2 packets transmitted, 2 packets received, 0% packet loss');
    const sent: Uint8Array[] = [];
    l.topology.network.attachHost({ device: 'v6-site1', ifd: 'xe-0/0/0' }, { send: (p) => (sent.push(p), true) });
    expect(await l.run('ping 10.2.2.3 source 10.1.1.3 count 2 wait 1')).toContain('2 packets transmitted, 0 packets received, 100% packet loss');
    expect(tunnels.counters.unsupported).toBe(0);
    // Two echo requests, each as IPv6 (next header 17) from 2001:db8::1 to 2001:db8::2, UDP 4500 → 4500, SPI 2000.
    expect(sent).toHaveLength(2);
    for (const p of sent) {
      expect(p[0]! >> 4).toBe(6);
      expect(p[6]).toBe(17);
      expect([...p.subarray(8, 40)]).toEqual([...a('2001:db8::1'), ...a('2001:db8::2')]);
      expect([...p.subarray(40, 44)]).toEqual([0x11, 0x94, 0x11, 0x94]);
      expect([...p.subarray(48, 52)]).toEqual([0, 0, 0x07, 0xd0]);
    }
  });

  it('AH with an IPv6 gateway carries a ping (IPv6 next header 51, AH padded to 8 bytes, ICV as RFC 4302 computes it); an external interface without an IPv6 address is refused', async () => {
    const l = lab('v6-vpn.yaml');
    const site1 = l.dev('v6-site1');
    const tunnels = l.topology.tunnels(site1);
    const key = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
    const ahLines = (n: 1 | 2): string[] => [
      'configure',
      `set interfaces st0 unit 3 family inet address 10.255.3.${n}/30`,
      'set security zones security-zone vpn interfaces st0.3',
      'set security ipsec vpn V6AH bind-interface st0.3',
      `set security ipsec vpn V6AH manual gateway 2001:db8::${3 - n} external-interface xe-0/0/0.0 protocol ah spi 3000`,
      `set security ipsec vpn V6AH manual authentication algorithm hmac-sha-256-128 key hexadecimal ${key}`,
      'commit and-quit',
    ];
    const configure = async (lines: string[]): Promise<void> => {
      for (const line of lines) expect((await l.cli.execute(line)).lines.filter((x) => x.startsWith('error'))).toEqual([]);
    };
    await configure(['lab console v6-site2', ...ahLines(2), 'lab console v6-site1', ...ahLines(1)]);
    await tunnels.reconcile();
    expect(tunnels.refusals().get('V6AH')).toBeUndefined();

    const sent: Uint8Array[] = [];
    const untap = l.topology.network.addTap((at, dir, p) => {
      if (at.device === 'v6-site1' && dir === 'out' && p[0]! >> 4 === 6 && p[6] === 51) sent.push(p.slice());
    });
    expect(await l.run('ping 10.255.3.2 count 3')).toContain('3 packets transmitted, 3 packets received, 0% packet loss');
    untap();
    expect(sent).toHaveLength(3);
    for (const p of sent) {
      // AH: next header 4 (IPv4 inside), length (12 + 16-byte ICV + 4 padding) / 4 - 2 = 6, SPI 3000.
      expect([p[40], p[41], ...p.subarray(44, 48)]).toEqual([4, 6, 0, 0, 0x0b, 0xb8]);
      expect([...p.subarray(68, 72)]).toEqual([0, 0, 0, 0]);
      expect(p[7]).toBe(64);
      // The ICV, computed here from the RFC: hop limit, traffic class and flow label zeroed, ICV field zeroed.
      const m = p.slice();
      m[0] = 0x60;
      m.fill(0, 1, 4);
      m[7] = 0;
      m.fill(0, 52, 72);
      const icv = createHmac('sha256', Buffer.from(key, 'hex')).update(m).digest().subarray(0, 16);
      expect(Buffer.from(p.subarray(52, 68)).equals(icv)).toBe(true);
    }

    for (const line of [
      'configure',
      'set security ipsec vpn V6NOADDR bind-interface st0.4',
      'set interfaces st0 unit 4 family inet address 10.255.4.1/30',
      'set interfaces lo0 unit 1 family inet address 10.9.9.9/32',
      'set security ipsec vpn V6NOADDR manual gateway 2001:db8::2',
      'set security ipsec vpn V6NOADDR manual external-interface lo0.1',
      'set security ipsec vpn V6NOADDR manual protocol esp',
      'set security ipsec vpn V6NOADDR manual spi 4000',
      'set security ipsec vpn V6NOADDR manual encryption algorithm aes-128-gcm',
      'set security ipsec vpn V6NOADDR manual encryption key hexadecimal 00112233445566778899aabbccddeeff00112233',
      'commit',
    ]) {
      const res = await l.cli.execute(line);
      expect(res.lines.filter((x) => x.startsWith('error'))).toEqual([]);
    }
    await tunnels.reconcile();
    expect(tunnels.refusals().get('V6AH')).toBeUndefined();
    expect(tunnels.refusals().get('V6NOADDR')).toBe('lo0.1 has no inet6 address');
    expect(tunnels.list().map((t) => t.vpn.name)).toContain('V4OUT');
  });
});
