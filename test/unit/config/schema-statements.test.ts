/**
 * Common SRX statements (beyond the Batfish inputs) resolve through the schema, and statements
 * Junos refuses do not.
 */
import { describe, expect, it } from 'vitest';
import { schemaRoot } from '../../../config/schema/schema.js';
import { splitWords, walkStatement } from '../tools/set-walker.js';

const ACCEPTED = [
  'set system host-name srx-a',
  'set system root-authentication encrypted-password "$6$abc"',
  'set system login user admin class super-user authentication encrypted-password "$6$x"',
  'set system services ssh root-login deny',
  'set system services netconf ssh',
  'set system syslog file messages any notice',
  'set system syslog host 192.0.2.10 any any',
  'set system name-server 192.0.2.53',
  'set system ntp server 192.0.2.123',
  'set chassis cluster control-ports fpc 1 port 0',
  'set chassis cluster control-ports fpc 13 port 0',
  'set chassis cluster reth-count 4',
  'set chassis cluster redundancy-group 0 node 0 priority 200',
  'set chassis cluster redundancy-group 1 node 1 priority 100',
  'set chassis cluster redundancy-group 1 preempt',
  'set chassis cluster redundancy-group 1 interface-monitor xe-1/0/0 weight 255',
  'set interfaces xe-1/0/0 gigether-options redundant-parent reth0',
  'set interfaces reth0 redundant-ether-options redundancy-group 1',
  'set interfaces reth0 unit 0 family inet address 198.51.100.1/24',
  'set interfaces st0 unit 1 family inet',
  'set interfaces lo0 unit 0 family inet6 address 2001:db8::1/128',
  'set interfaces ge-0/0/0 unit 0 family inet filter input PROTECT-RE',
  'set routing-options static route 0.0.0.0/0 next-hop 198.51.100.254',
  'set routing-options static route 10.0.0.0/8 next-hop st0.1',
  'set routing-options static route 10.9.0.0/16 discard',
  'set routing-options static route 0/0 preference 250',
  'set routing-options router-id 192.0.2.1',
  'set routing-options autonomous-system 65001',
  'set protocols ospf area 0.0.0.0 interface st0.1 metric 10',
  'set protocols ospf area 0.0.0.0 interface lo0.0 passive',
  'set protocols bgp group EBGP type external',
  'set protocols bgp group EBGP neighbor 203.0.113.2 peer-as 65002',
  'set protocols bgp group EBGP neighbor 203.0.113.2 bfd-liveness-detection minimum-interval 300',
  'set security ike proposal P1 authentication-method pre-shared-keys',
  'set security ike proposal P1 dh-group group14',
  'set security ike proposal P1 encryption-algorithm aes-256-cbc',
  'set security ike proposal P1 lifetime-seconds 28800',
  'set security ike policy IKEPOL mode main proposals P1',
  'set security ike policy IKEPOL pre-shared-key ascii-text "$9$abc"',
  'set security ike gateway GW ike-policy IKEPOL address 203.0.113.2 external-interface reth0.0',
  'set security ike gateway GW local-identity inet 198.51.100.1',
  'set security ike gateway GW remote-identity hostname peer.example.net',
  'set security ike gateway GW dead-peer-detection interval 10 threshold 3',
  'set security ike gateway GW version v2-only',
  'set security ike traceoptions file ike.log size 1m',
  'set security ike traceoptions flag all',
  'set security ipsec proposal P2 protocol esp encryption-algorithm aes-256-gcm',
  'set security ipsec policy IPSECPOL perfect-forward-secrecy keys group14',
  'set security ipsec policy IPSECPOL proposals [ P2 ]',
  'set security ipsec vpn VPN1 bind-interface st0.1',
  'set security ipsec vpn VPN1 ike gateway GW ipsec-policy IPSECPOL',
  'set security ipsec vpn VPN1 ike proxy-identity local 10.1.0.0/16 remote 10.2.0.0/16',
  'set security ipsec vpn VPN1 ike anti-replay-window-size 1024',
  'set security ipsec vpn VPN1 establish-tunnels immediately',
  'set security ipsec vpn VPN1 vpn-monitor optimized',
  'set security ipsec vpn VPN2 manual spi 300',
  'set security ipsec vpn VPN1 distribution-profile DP1',
  'set security distribution-profile profile-entity DP1 fpc 3',
  'set security flow tcp-mss ipsec-vpn mss 1350',
  'set security zones security-zone untrust interfaces reth0.0 host-inbound-traffic system-services ike',
  'set security zones security-zone vpn interfaces st0.1',
  'set security zones security-zone trust host-inbound-traffic protocols ospf',
  'set security address-book global address NET-A 10.1.0.0/16',
  'set security address-book global address-set SET-A address NET-A',
  'set security policies from-zone trust to-zone vpn policy OUT match source-address NET-A destination-address any application any',
  'set security policies from-zone trust to-zone vpn policy OUT then permit',
  'set security policies global policy DENY then deny',
  'set security policies default-policy deny-all',
  'set security nat source rule-set RS from zone trust',
  'set security nat source rule-set RS to zone untrust',
  'set security nat source rule-set RS rule R1 match source-address 10.0.0.0/8',
  'set security nat source rule-set RS rule R1 then source-nat interface',
  'set security nat static rule-set ST rule S1 then static-nat prefix 10.1.1.0/24 mapped-port 8080',
  'set security screen ids-option untrust-screen tcp syn-flood alarm-threshold 1024',
  'set applications application APP-8080 protocol tcp destination-port 8080',
  'set applications application-set SET application APP-8080',
  'set policy-options prefix-list PL 10.0.0.0/8',
  'set policy-options policy-statement EXPORT term 1 from route-filter 10.0.0.0/8 orlonger',
  'set policy-options policy-statement EXPORT term 1 then accept',
  'set routing-instances VR1 instance-type virtual-router',
  'set routing-instances VR1 interface ge-0/0/1.0',
  'set routing-instances VR1 routing-options static route 0.0.0.0/0 next-hop 192.0.2.1',
  'set groups G1 security ike gateway GW2 address 192.0.2.2',
  'set apply-groups G1',
  'set apply-macro M1 key value',
];

const REFUSED: Record<string, string> = {
  'set security ipsec vpn VPN1 ike anti-replay-window-size 9000': 'Value 9000 is not within range (64..8192)',
  'set security ipsec vpn VPN2 manual spi 255': 'Value 255 is not within range (256..16639)',
  'set chassis cluster redundancy-group 1 node 0 priority 255': 'Value 255 is not within range (1..254)',
  'set security ike gateway GW version v3-only': "invalid value 'v3-only'",
  'set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.300/24': 'invalid IPv4 prefix',
  'set security ike gateway GW external-interface ge-0/0': 'invalid interface name',
  'set security policies from-zone trust policy P then permit': "expected 'to-zone'",
  'set security ike gateway GW no-such-thing': 'is not a keyword',
};

describe('SRX statements through the schema', () => {
  it.each(ACCEPTED)('%s', (line) => {
    const r = walkStatement(schemaRoot(), splitWords(line).slice(1));
    expect(r.ok ? 'ok' : `word ${r.at + 1}: ${r.reason}`).toBe('ok');
  });

  it.each(Object.entries(REFUSED))('refuses %s', (line, why) => {
    const r = walkStatement(schemaRoot(), splitWords(line).slice(1));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
  });
});
