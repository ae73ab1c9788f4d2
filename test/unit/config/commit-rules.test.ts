/**
 * Every commit rule the seed implies: each refusal is checked with its exact text, and a
 * refused commit must leave both the candidate and the active configuration as they were.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CardType } from '../../../cards/kinds.js';
import { effectiveAntiReplay } from '../../../config/validate/anti-replay.js';
import { View } from '../../../config/validate/view.js';
import { expectRefused, RuleDevices, setUp, type DeviceOptions } from '../../helpers/commit-rules.js';
import type { TestDevice } from '../../helpers/device.js';

const devices = new RuleDevices();
afterEach(() => devices.closeAll());
const dev = (...args: Parameters<RuleDevices['dev']>): TestDevice => devices.dev(...args);
type Opts = DeviceOptions;

describe('the base VPN commits', () => {
  it('on SPC3 (iked) and on SPC2 only (kmd)', async () => {
    for (const [cards, opts] of [
      [[[2, 'spc3']], {}],
      [[[2, 'spc2']], { junosIke: false }],
    ] as Array<[Array<[number, CardType]>, Opts]>) {
      const d = dev(cards, opts);
      await setUp(d, []);
      expect(await d.run('commit')).toEqual(['commit complete']);
    }
  });
});

describe('anti-replay (seed "Anti-Replay Window")', () => {
  it('"range of 64 to 8192 (power of 2)" on SPC3: 100 is refused at commit, 1024 commits', async () => {
    const d = dev();
    await setUp(d, ['set security ipsec vpn V1 ike anti-replay-window-size 100']);
    await expectRefused(d, [
      '[edit security ipsec vpn V1 ike]',
      "    'anti-replay-window-size 100'",
      '        anti-replay-window-size must be a power of 2 (64..8192) on SRX5K-SPC3',
    ]);
    await d.run('set security ipsec vpn V1 ike anti-replay-window-size 1024');
    expect(await d.run('commit')).toEqual(['commit complete']);
  });

  it('the range itself is checked as the value is typed', async () => {
    const d = dev();
    await d.run('configure');
    expect((await d.cli.execute('set security ipsec anti-replay-window-size 32')).lines[1]).toBe('Value 32 is not within range (64..8192)');
    expect((await d.cli.execute('set security ipsec anti-replay-window-size 16384')).lines[1]).toBe('Value 16384 is not within range (64..8192)');
  });

  it('the global size must be a power of 2 too', async () => {
    const d = dev();
    await setUp(d, ['set security ipsec anti-replay-window-size 3000']);
    await expectRefused(d, ['[edit security ipsec]', "    'anti-replay-window-size 3000'", '        anti-replay-window-size must be a power of 2 (64..8192) on SRX5K-SPC3']);
  });

  it('"You cannot configure both anti-replay-window-size and no-anti-replay on a VPN object."', async () => {
    const d = dev();
    await setUp(d, ['set security ipsec vpn V1 ike anti-replay-window-size 128', 'set security ipsec vpn V1 ike no-anti-replay']);
    await expectRefused(d, ['[edit security ipsec vpn V1 ike]', "    'no-anti-replay'", '        anti-replay-window-size and no-anti-replay cannot both be configured on a VPN']);
  });

  it('"You cannot disable anti-replay at the global level": there is no such statement', async () => {
    const d = dev();
    await d.run('configure');
    const r = await d.cli.execute('set security ipsec no-anti-replay');
    expect(r.error).toBe(true);
    expect(r.lines[1]).toBe('syntax error.');
  });

  it('"the window size configured for a VPN object level takes precedence"; default 64; no-anti-replay = off', async () => {
    const d = dev();
    await setUp(d, [
      'set security ipsec anti-replay-window-size 256',
      'set security ipsec vpn V2 bind-interface st0.1',
      'set security ipsec vpn V2 ike gateway GW',
      'set security ipsec vpn V2 ike anti-replay-window-size 4096',
      'set security ipsec vpn V3 bind-interface st0.1',
      'set security ipsec vpn V3 ike gateway GW',
      'set security ipsec vpn V3 ike no-anti-replay',
    ]);
    await d.run('commit');
    const root = new View(d.device.config.active);
    expect(effectiveAntiReplay(root, 'V1')).toBe(256);
    expect(effectiveAntiReplay(root, 'V2')).toBe(4096);
    expect(effectiveAntiReplay(root, 'V3')).toBe(0);
    await d.run('delete security ipsec anti-replay-window-size');
    await d.run('commit');
    expect(effectiveAntiReplay(new View(d.device.config.active), 'V1')).toBe(64);
  });
});

describe('policy-based VPNs (seed Tables 1, 2, 7)', () => {
  const tunnelPolicy = [
    'set security ipsec vpn PB ike gateway GW',
    'set security ipsec vpn PB ike ipsec-policy IPOL',
    'set security policies from-zone trust to-zone untrust policy T1 match source-address any',
    'set security policies from-zone trust to-zone untrust policy T1 match destination-address any',
    'set security policies from-zone trust to-zone untrust policy T1 match application any',
    'set security policies from-zone trust to-zone untrust policy T1 then permit tunnel ipsec-vpn PB',
  ];

  it('Table 7 "Policy-based IPsec VPN — No" with iked: refused on an SPC3 device', async () => {
    const d = dev();
    await setUp(d, tunnelPolicy);
    await expectRefused(d, [
      '[edit security policies from-zone trust to-zone untrust policy T1 then permit tunnel]',
      "    'ipsec-vpn PB'",
      '        Policy-based IPsec VPN is not supported with the iked process (junos-ike); use a route-based VPN bound to st0',
    ]);
  });

  it('with kmd (SPC2 only, no junos-ike) the same policy-based VPN commits', async () => {
    const d = dev([[2, 'spc2']], { junosIke: false });
    await setUp(d, tunnelPolicy);
    expect(await d.run('commit')).toEqual(['commit complete']);
  });

  it('"the action must be permit and must include a tunnel"', async () => {
    const d = dev([[2, 'spc2']], { junosIke: false });
    await setUp(d, [...tunnelPolicy, 'set security policies from-zone trust to-zone untrust policy T1 then deny']);
    await expectRefused(d, [
      '[edit security policies from-zone trust to-zone untrust policy T1 then]',
      "    'deny'",
      '        A policy-based VPN tunnel policy must have the permit action with a tunnel',
    ]);
  });

  it('"Policy-based VPNs cannot be used if NAT is required for tunneled traffic"', async () => {
    const d = dev([[2, 'spc2']], { junosIke: false });
    await setUp(d, [
      ...tunnelPolicy,
      'set security nat source rule-set RS from zone trust',
      'set security nat source rule-set RS to zone untrust',
      'set security nat source rule-set RS rule R1 match source-address 10.0.0.0/8',
      'set security nat source rule-set RS rule R1 then source-nat interface',
    ]);
    await expectRefused(d, [
      '[edit security policies from-zone trust to-zone untrust policy T1 then permit tunnel]',
      "    'ipsec-vpn PB'",
      '        NAT (source rule-set RS) cannot apply to policy-based VPN traffic from zone trust to zone untrust',
    ]);
  });

  it('"Policy-based VPNs cannot be used for hub-and-spoke topologies"', async () => {
    const d = dev([[2, 'spc2']], { junosIke: false });
    await setUp(d, [
      'set security ipsec vpn PB ike gateway GW',
      'set security policies from-zone vpn to-zone vpn policy HUB match source-address any',
      'set security policies from-zone vpn to-zone vpn policy HUB then permit tunnel ipsec-vpn PB',
    ]);
    await expectRefused(d, [
      '[edit security policies from-zone vpn to-zone vpn policy HUB then permit tunnel]',
      "    'ipsec-vpn PB'",
      '        Policy-based VPNs cannot be used for hub-and-spoke (zone vpn to itself); use route-based VPNs on st0',
    ]);
  });

  it('a route-based VPN (bound to st0) cannot be the tunnel of a policy', async () => {
    const d = dev([[2, 'spc2']], { junosIke: false });
    await setUp(d, ['set security policies from-zone trust to-zone untrust policy T1 then permit tunnel ipsec-vpn V1']);
    await expectRefused(d, [
      '[edit security policies from-zone trust to-zone untrust policy T1 then permit tunnel]',
      "    'ipsec-vpn V1'",
      '        VPN V1 is route-based (bind-interface st0.1) and cannot be the tunnel of a policy',
    ]);
  });
});

describe('route-based VPNs (seed Tables 1, 2)', () => {
  it('bind-interface st0.N must exist', async () => {
    const d = dev();
    await setUp(d, ['set security ipsec vpn V1 bind-interface st0.7']);
    await expectRefused(d, ['[edit security ipsec vpn V1]', "    'bind-interface st0.7'", '        Interface st0.7 is not configured (interfaces st0 unit 7)']);
  });

  it('bind-interface must be an st0 unit', async () => {
    const d = dev();
    await setUp(d, ['set security ipsec vpn V1 bind-interface ge-0/0/0.0']);
    await expectRefused(d, ['[edit security ipsec vpn V1]', "    'bind-interface ge-0/0/0.0'", '        A route-based VPN must be bound to a secure tunnel interface (st0.N)']);
  });

  it('"Route-based VPNs do not support remote-access (dial-up) VPN configurations"', async () => {
    const d = dev([[2, 'spc2']], { junosIke: false });
    await setUp(d, [
      'delete security ike gateway GW address',
      'set security ike gateway GW dynamic user-at-hostname user@example.net',
      'set security ike gateway GW xauth access-profile REMOTE',
    ]);
    await expectRefused(d, [
      '[edit security ipsec vpn V1]',
      "    'bind-interface st0.1'",
      '        Route-based VPNs do not support remote-access (dial-up) users: gateway GW authenticates dial-up users',
    ]);
  });
});

describe('routing protocols on st0 (seed Tables 8–13, SRX5K rows)', () => {
  it('Table 8 OSPF over st0 with inet commits; Table 10 BGP and Table 13 BFD too', async () => {
    const d = dev();
    await setUp(d, [
      'set protocols ospf area 0.0.0.0 interface st0.1',
      'set protocols bgp group G neighbor 10.255.1.2 peer-as 65001',
      'set protocols bgp group G local-address 10.255.1.1',
      'set protocols bgp group G bfd-liveness-detection minimum-interval 300',
    ]);
    expect(await d.run('commit')).toEqual(['commit complete']);
  });

  it('Table 8 "OSPF IPv6 No": OSPF on an st0 unit without family inet is refused', async () => {
    const d = dev();
    await setUp(d, ['set interfaces st0 unit 2 family inet6', 'set protocols ospf area 0.0.0.0 interface st0.2']);
    await expectRefused(d, [
      '[edit protocols ospf area 0.0.0.0]',
      "    'interface st0.2'",
      '        OSPF on st0.2 needs family inet: OSPF over IPv6 on st0 is not supported (use OSPFv3)',
    ]);
  });

  it('Table 9 "OSPFv3 IPv4 No": OSPFv3 realm ipv4-unicast on st0 is refused', async () => {
    const d = dev();
    await setUp(d, ['set protocols ospf3 realm ipv4-unicast area 0.0.0.0 interface st0.1']);
    await expectRefused(d, ['[edit protocols ospf3 realm ipv4-unicast area 0.0.0.0]', "    'interface st0.1'", '        OSPFv3 for IPv4 is not supported on st0 (st0.1)']);
  });

  it('Table 11 "PIM P2MP No": PIM on a multipoint st0 unit is refused; P2P commits', async () => {
    const d = dev();
    await setUp(d, ['set interfaces st0 unit 3 multipoint', 'set interfaces st0 unit 3 family inet address 10.9.9.1/24', 'set protocols pim interface st0.3']);
    await expectRefused(d, ['[edit protocols pim]', "    'interface st0.3'", '        PIM is not supported on point-to-multipoint st0 (st0.3)']);
    await d.run('delete protocols pim interface st0.3');
    await d.run('set protocols pim interface st0.1');
    expect(await d.run('commit')).toEqual(['commit complete']);
  });

  it('Table 12 "RIP P2MP No"', async () => {
    const d = dev();
    await setUp(d, ['set interfaces st0 unit 3 multipoint', 'set interfaces st0 unit 3 family inet address 10.9.9.1/24', 'set protocols rip group R neighbor st0.3']);
    await expectRefused(d, ['[edit protocols rip group R]', "    'neighbor st0.3'", '        RIP is not supported on point-to-multipoint st0 (st0.3)']);
  });
});

describe('iked release gating and Table 7 features', () => {
  it('"DPD ... with iked process is added in Junos OS Release 23.4R1": refused on 23.2R1 with iked, accepted on 23.4R1', async () => {
    const old = dev([[2, 'spc3']], { release: '23.2R1' });
    await setUp(old, ['set security ike gateway GW dead-peer-detection probe-idle-tunnel']);
    await expectRefused(old, ['[edit security ike gateway GW]', "    'dead-peer-detection'", '        Dead peer detection with the iked process requires Junos 23.4R1 or later (this device runs 23.2R1)']);
    const fresh = dev([[2, 'spc3']], { release: '23.4R1' });
    await setUp(fresh, ['set security ike gateway GW dead-peer-detection probe-idle-tunnel']);
    expect(await fresh.run('commit')).toEqual(['commit complete']);
  });

  it('DPD is fine with kmd on any release', async () => {
    const d = dev([[2, 'spc2']], { release: '20.4R1', junosIke: false });
    await setUp(d, ['set security ike gateway GW dead-peer-detection always-send']);
    expect(await d.run('commit')).toEqual(['commit complete']);
  });

  it('ADVPN with iked before 23.4R1 is refused', async () => {
    const d = dev([[2, 'spc3']], { release: '22.4R1' });
    await setUp(d, ['set security ike gateway GW advpn partner']);
    await expectRefused(d, ['[edit security ike gateway GW]', "    'advpn'", '        ADVPN with the iked process requires Junos 23.4R1 or later (this device runs 22.4R1)']);
  });

  it('Table 7 "Configuring forwarding class on IPsec VPNs — No" and "Packet size configuration for IPsec datapath verification — No"', async () => {
    const d = dev();
    await setUp(d, ['set security ipsec vpn V1 multi-sa forwarding-class best-effort', 'set security ipsec vpn V1 vpn-monitor verify-path destination-ip 10.255.1.2 packet-size 512']);
    await expectRefused(d, [
      '[edit security ipsec vpn V1 multi-sa]',
      "    'forwarding-class'",
      '        Forwarding classes on IPsec VPNs are not supported with the iked process (junos-ike)',
      '[edit security ipsec vpn V1 vpn-monitor verify-path]',
      "    'packet-size'",
      '        Packet size for IPsec datapath verification is not supported with the iked process (junos-ike)',
    ]);
  });
});

describe('statements that exclude each other, and references', () => {
  it('traffic selectors and proxy-identity on one VPN', async () => {
    const d = dev();
    await setUp(d, [
      'set security ipsec vpn V1 traffic-selector TS1 local-ip 10.1.0.0/16',
      'set security ipsec vpn V1 traffic-selector TS1 remote-ip 10.2.0.0/16',
      'set security ipsec vpn V1 ike proxy-identity local 10.1.0.0/16',
    ]);
    await expectRefused(d, ['[edit security ipsec vpn V1 ike]', "    'proxy-identity'", '        traffic-selector and proxy-identity cannot both be configured on a VPN']);
  });

  it('a VPN is ike or manual, a gateway has an address or is dynamic', async () => {
    const d = dev();
    await setUp(d, [
      'set security ipsec vpn V1 manual gateway 192.0.2.1 external-interface ge-0/0/0.0 spi 300',
      'set security ipsec vpn V1 manual encryption algorithm aes-128-gcm key ascii-text 0123456789abcdefSALT',
      'set security ike gateway GW dynamic hostname peer.example.net',
    ]);
    await expectRefused(d, [
      '[edit security ipsec vpn V1]',
      "    'manual'",
      '        A VPN is either IKE-keyed (ike) or manual, not both',
      '[edit security ike gateway GW]',
      "    'dynamic'",
      '        A gateway has either a static address or dynamic, not both',
    ]);
  });

  it('names must be defined: IKE policy, proposals, gateway, IPsec policy', async () => {
    const d = dev();
    await setUp(d, ['set security ike gateway GW ike-policy NOPE', 'set security ipsec vpn V1 ike ipsec-policy MISSING']);
    await expectRefused(d, [
      '[edit security ike gateway GW]',
      "    'ike-policy NOPE'",
      '        Referenced IKE policy NOPE is not defined',
      '[edit security ipsec vpn V1 ike]',
      "    'ipsec-policy MISSING'",
      '        Referenced IPsec policy MISSING is not defined',
    ]);
  });

  it('a deactivated statement does not count at commit', async () => {
    const d = dev();
    await setUp(d, ['set security ike gateway GW2 ike-policy NOPE', 'deactivate security ike gateway GW2']);
    expect(await d.run('commit')).toEqual(['commit complete']);
  });
});

describe('manual-key VPNs (security ipsec vpn V manual)', () => {
  const manual = (extra: string[]) => [
    'set security ipsec vpn M bind-interface st0.1',
    'set security ipsec vpn M manual gateway 192.0.2.1',
    'set security ipsec vpn M manual external-interface ge-0/0/0.0',
    'set security ipsec vpn M manual spi 4000',
    ...extra,
  ];

  it('a complete ESP SA commits, its hexadecimal keys stored as $9$', async () => {
    const d = dev();
    await setUp(d, manual([
      'set security ipsec vpn M manual encryption algorithm aes-256-gcm',
      'set security ipsec vpn M manual encryption key hexadecimal 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223',
    ]));
    expect(await d.run('commit')).toEqual(['commit complete']);
    expect((await d.run('show security ipsec vpn M manual encryption'))[1]).toMatch(/^key hexadecimal "\$9\$[^"]+"; ## SECRET-DATA$/);
  });

  it('key lengths must fit the algorithm (AES-GCM takes its 4-byte salt after the key)', async () => {
    const d = dev();
    await setUp(d, manual([
      'set security ipsec vpn M manual encryption algorithm aes-128-gcm',
      'set security ipsec vpn M manual encryption key hexadecimal 00112233445566778899aabbccddeeff',
    ]));
    await expectRefused(d, ['[edit security ipsec vpn M manual encryption]', "    'key'", '        aes-128-gcm needs a 20-byte key (16-byte key and 4-byte salt), this one has 16 bytes']);
  });

  it('CBC needs an integrity algorithm; an AEAD must not have one; AH takes no cipher', async () => {
    const d = dev();
    await setUp(d, manual(['set security ipsec vpn M manual encryption algorithm aes-128-cbc', 'set security ipsec vpn M manual encryption key ascii-text 0123456789abcdef']));
    await expectRefused(d, ['[edit security ipsec vpn M manual]', "    'authentication'", '        aes-128-cbc needs an authentication algorithm and key']);
    const ah = dev();
    await setUp(ah, manual(['set security ipsec vpn M manual protocol ah', 'set security ipsec vpn M manual encryption algorithm aes-128-cbc']));
    const r = await ah.cli.execute('commit check');
    expect(r.lines).toContain('        AH authenticates only: remove encryption or use protocol esp');
    expect(r.lines).toContain('        AH needs an authentication algorithm and key');
  });

  it('3DES is refused with the reason (neither crypto engine of the emulator provides it)', async () => {
    const d = dev();
    await setUp(d, manual(['set security ipsec vpn M manual encryption algorithm 3des-cbc', 'set security ipsec vpn M manual encryption key ascii-text 0123456789abcdef01234567']));
    const r = await d.cli.execute('commit check');
    expect(r.lines[2]).toMatch(/^ {8}3des-cbc is not available in this emulator: /);
  });
});
