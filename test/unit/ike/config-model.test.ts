/**
 * The IKE daemons' view of the configuration, read from real configuration text loaded the way
 * `load set` loads it: the facts file's route-based VPN, real SRX configurations (Batfish test
 * inputs in ../shared/junos-configs), and statements bent one at a time. Defaults are the YANG's
 * where it states one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyContainer, type DataContainer } from '../../../config/data.js';
import { loadConfigText } from '../../../config/load.js';
import { schemaRoot } from '../../../config/schema/schema.js';
import { decodeSecret, encodeSecret } from '../../../config/secret.js';
import { fragmentationSize, readIkeConfig, resolveVpn, type IkeConfigModel } from '../../../ike/config-model.js';
import { buildIkePolicyOffer, buildIpsecPolicyOffer } from '../../../ike/proposal.js';
import { selectorText, vpnSelectorPairs } from '../../../ike/traffic-selector.js';
import { Random } from '../../../sim/random.js';
import { ROOT } from '../../helpers/program.js';

const CONFIGS = join(ROOT, '..', 'shared', 'junos-configs');
const FACTS_VPN = join(ROOT, 'test', 'fixtures', 'config', 'route-based-vpn.set');

function tree(text: string): DataContainer {
  const r = loadConfigText('set', text, emptyContainer(), { root: schemaRoot(), origin: 'test' });
  if (!r.ok) throw new Error(r.error);
  return r.tree;
}
const model = (...lines: string[]): IkeConfigModel => readIkeConfig(tree(lines.join('\n')));
const facts = (): IkeConfigModel => readIkeConfig(tree(readFileSync(FACTS_VPN, 'utf8')));

describe('the facts file route-based VPN', () => {
  it('IKE proposal, policy (PSK recovered from $9$), gateway, IPsec proposal and policy', () => {
    const m = facts();
    expect(m.ikeProposals.get('IKE-AES256-G20')).toEqual({
      name: 'IKE-AES256-G20',
      authenticationMethod: 'pre-shared-keys',
      dhGroup: 'group20',
      authenticationAlgorithm: 'sha-384',
      encryptionAlgorithm: 'aes-256-cbc',
      lifetimeSeconds: 28800,
    });
    const pol = m.ikePolicies.get('IKE-POL-BRANCH1')!;
    expect(pol.mode).toBe('main');
    expect(pol.proposals.map((p) => p.name)).toEqual(['IKE-AES256-G20']);
    expect(pol.preSharedKey?.format).toBe('ascii-text');
    // The facts file's $9$ string is illustrative; whatever it hides is the key, byte for byte.
    const plain = decodeSecret('$9$Ab3xK7dQF/9pO1RhrlMWLxNdVs4aZjH.5')!;
    expect(pol.preSharedKey?.bytes).toEqual(Uint8Array.from(plain, (c) => c.charCodeAt(0)));
    expect(m.gateways.get('GW-BRANCH1')).toEqual({
      name: 'GW-BRANCH1',
      ikePolicy: 'IKE-POL-BRANCH1',
      addresses: ['198.51.100.20'],
      deadPeerDetection: { mode: 'probe-idle-tunnel', interval: 10, threshold: 5 },
      nodeLocal: false,
      natTraversal: true,
      natKeepalive: 20,
      localIdentity: { type: 'inet', address: '203.0.113.10' },
      remoteIdentity: { type: 'inet', address: '198.51.100.20' },
      externalInterface: 'reth0.0',
      generalIkeid: false,
      advpn: false,
      version: 'v2-only',
      fragmentation: { enabled: true },
    });
    expect(m.ipsecProposals.get('ESP-AES256-GCM')).toEqual({ name: 'ESP-AES256-GCM', protocol: 'esp', encryptionAlgorithm: 'aes-256-gcm', lifetimeSeconds: 3600, extendedSequenceNumber: false });
    expect(m.ipsecPolicies.get('IPSEC-POL-BRANCH1')).toMatchObject({ pfsGroup: 'group20', proposalNames: ['ESP-AES256-GCM'] });
  });

  it('the VPN: bind-interface, anti-replay 1024 per VPN, establish-tunnels immediately, df-bit clear by default', () => {
    const vpn = facts().vpns.get('VPN-BRANCH1')!;
    expect(vpn).toEqual({
      name: 'VPN-BRANCH1',
      bindInterface: 'st0.1',
      dfBit: 'clear',
      copyOuterDscp: false,
      ike: { gateway: 'GW-BRANCH1', ipsecPolicy: 'IPSEC-POL-BRANCH1', installInterval: 1, antiReplayWindow: 1024 },
      trafficSelectors: [],
      establishTunnels: 'immediately',
    });
  });

  it('resolves into what iked negotiates: offers and the route-based 0.0.0.0/0 selectors', () => {
    const m = facts();
    const r = resolveVpn(m, 'VPN-BRANCH1');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ike = buildIkePolicyOffer(r.value.ikePolicy);
    expect(ike.ok && ike.value.proposals[0]!.transforms).toEqual([
      { type: 1, id: 12, keyLength: 256 },
      { type: 2, id: 6 },
      { type: 3, id: 13 },
      { type: 4, id: 20 },
    ]);
    const esp = buildIpsecPolicyOffer(r.value.ipsecPolicy, Uint8Array.from([0, 0, 0x10, 0x01]));
    expect(esp.ok && esp.value.proposals[0]!.transforms).toEqual([{ type: 1, id: 20, keyLength: 256 }, { type: 4, id: 20 }, { type: 5, id: 0 }]);
    const ts = vpnSelectorPairs(r.value.vpn);
    expect(ts.ok && ts.value.map((p) => [p.name, selectorText(p.pair.local[0]!), selectorText(p.pair.remote[0]!)])).toEqual([
      ['VPN-BRANCH1', 'ipv4_subnet(any:0,[0..7]=0.0.0.0/0)', 'ipv4_subnet(any:0,[0..7]=0.0.0.0/0)'],
    ]);
  });

  it('the model is immutable', () => {
    const gw = facts().gateways.get('GW-BRANCH1')!;
    expect(Object.isFrozen(gw)).toBe(true);
    expect(Object.isFrozen(gw.addresses)).toBe(true);
    expect(() => (gw.addresses as string[]).push('x')).toThrow(TypeError);
  });
});

describe('real SRX configurations (../shared/junos-configs)', () => {
  it('ipsec-vpn: the last pre-shared-key and DPD mode typed win, as on Junos; v2-only gateway', () => {
    const m = readIkeConfig(tree(readFileSync(join(CONFIGS, 'ipsec-vpn'), 'utf8')));
    const pol = m.ikePolicies.get('ike-phase1-policy')!;
    expect(pol.preSharedKey).toEqual({ format: 'hexadecimal', bytes: Uint8Array.from([0xf0, 0x0b, 0xa4]) });
    const gw = m.gateways.get('gw-chicago')!;
    expect(gw.deadPeerDetection).toEqual({ mode: 'probe-idle-tunnel', interval: 10, threshold: 2 });
    expect(gw.version).toBe('v2-only');
    expect(m.ipsecPolicies.get('ipsec-phase2-policy')).toMatchObject({ pfsGroup: 'group2', proposals: [{ name: 'ipsec-phase2-proposal', authenticationAlgorithm: 'hmac-sha-256-128' }] });
    expect(m.vpns.get('ike-vpn-chicago')).toMatchObject({ bindInterface: 'st0.0', dfBit: 'copy', ike: { gateway: 'gw-chicago', antiReplayWindow: 64 } });
  });

  it.each(['junos-srx-1.cfg', 'junos-srx-2.cfg', 'junos-srx-3.cfg'])('%s: proposal-set basic (DES only) is read, and refused plainly when offered', (file) => {
    const m = readIkeConfig(tree(readFileSync(join(CONFIGS, file), 'utf8')));
    const ike = m.ikePolicies.get('test-ike-policy')!;
    expect(ike.proposalSet).toBe('basic');
    expect(ike.proposals.map((p) => p.name)).toEqual(['pre-g1-des-sha', 'pre-g1-des-md5']);
    expect(buildIkePolicyOffer(ike)).toEqual({ ok: false, reason: expect.stringMatching(/^IKE policy test-ike-policy: proposal-set basic \(IKE\) cannot be negotiated in this emulator/) });
    const ipsec = m.ipsecPolicies.get('test-ipsec-policy')!;
    expect(ipsec.pfsGroup).toBe('group1');
    expect(buildIpsecPolicyOffer(ipsec, new Uint8Array(4))).toEqual({ ok: false, reason: expect.stringMatching(/^IPsec policy test-ipsec-policy: proposal-set basic \(IPsec\) cannot be negotiated/) });
    for (const gw of m.gateways.values()) expect(gw.version).toBe('v1-only');
  });

  it('ike-proposal: lifetime-seconds 50000, 3des-cbc read as configured', () => {
    const m = readIkeConfig(tree(readFileSync(join(CONFIGS, 'ike-proposal'), 'utf8')));
    expect(m.ikeProposals.get('proposal1')).toMatchObject({ encryptionAlgorithm: '3des-cbc', authenticationAlgorithm: 'md5', dhGroup: 'group14', lifetimeSeconds: 50000 });
    expect(m.ikePolicies.get('policy1')?.proposals.map((p) => p.name)).toEqual(['pre-g2-aes128-sha', 'pre-g2-3des-sha']);
  });
});

describe('defaults and every statement the daemons read', () => {
  const GW = 'set security ike gateway G';
  it.each([
    [[`${GW} address 192.0.2.1`], { version: 'v1-only', natTraversal: true, natKeepalive: 20, fragmentation: { enabled: true } }],
    [[`${GW} version v2-only`, `${GW} no-nat-traversal`, `${GW} nat-keepalive 45`], { version: 'v2-only', natTraversal: false, natKeepalive: 45 }],
    [[`${GW} dead-peer-detection`], { deadPeerDetection: { mode: 'optimized', interval: 10, threshold: 5 } }],
    [[`${GW} dead-peer-detection always-send`, `${GW} dead-peer-detection interval 20`, `${GW} dead-peer-detection threshold 3`], { deadPeerDetection: { mode: 'always-send', interval: 20, threshold: 3 } }],
    [[`${GW} fragmentation disable`], { fragmentation: { enabled: false } }],
    [[`${GW} fragmentation size 1000`], { fragmentation: { enabled: true, size: 1000 } }],
    [[`${GW} address [ 192.0.2.1 192.0.2.2 ]`, `${GW} local-address 203.0.113.1`, `${GW} external-interface ge-0/0/0.0`], { addresses: ['192.0.2.1', '192.0.2.2'], localAddress: '203.0.113.1', externalInterface: 'ge-0/0/0.0' }],
    [[`${GW} local-identity hostname site-a.example.net`, `${GW} remote-identity user-at-hostname ops@example.net`], { localIdentity: { type: 'hostname', hostname: 'site-a.example.net' }, remoteIdentity: { type: 'user-at-hostname', user: 'ops@example.net' } }],
    [[`${GW} local-identity key-id k1`, `${GW} remote-identity distinguished-name container OU=vpn`], { localIdentity: { type: 'key-id', keyId: 'k1' }, remoteIdentity: { type: 'distinguished-name', container: 'OU=vpn' } }],
    [[`${GW} local-identity distinguished-name`, `${GW} remote-identity inet6 2001:db8::2`], { localIdentity: { type: 'distinguished-name' }, remoteIdentity: { type: 'inet6', address: '2001:db8::2' } }],
    [[`${GW} dynamic hostname peer.example.net`, `${GW} dynamic ike-user-type group-ike-id`, `${GW} dynamic connections-limit 10`], { dynamic: { identity: { type: 'hostname', hostname: 'peer.example.net' }, ikeUserType: 'group-ike-id', connectionsLimit: 10, rejectDuplicateConnection: false } }],
    [[`${GW} dynamic general-ikeid`, `${GW} dynamic reject-duplicate-connection`], { dynamic: { identity: { type: 'general-ikeid' }, rejectDuplicateConnection: true } }],
    [[`${GW} node-local`, `${GW} general-ikeid`, `${GW} advpn partner`], { nodeLocal: true, generalIkeid: true, advpn: true }],
  ])('gateway %o', (lines, want) => {
    expect(model(...lines).gateways.get('G')).toMatchObject(want);
  });

  it('fragment size: the YANG default, 576 for IPv4 and 1280 for IPv6, unless configured', () => {
    const g = model(`${GW} address 192.0.2.1`).gateways.get('G')!;
    expect([fragmentationSize(g, 4), fragmentationSize(g, 6)]).toEqual([576, 1280]);
    expect(fragmentationSize(model(`${GW} fragmentation size 1200`).gateways.get('G')!, 6)).toBe(1200);
  });

  it.each([
    [['set security ike policy P mode aggressive', 'set security ike policy P reauth-frequency 10'], { mode: 'aggressive', reauthFrequency: 10 }],
    [['set security ike policy P pre-shared-key hexadecimal 0x0a0b0c'], { preSharedKey: { format: 'hexadecimal', bytes: Uint8Array.from([10, 11, 12]) } }],
    [['set security ike policy P proposals [ B A ]', 'set security ike proposal A dh-group group14', 'set security ike proposal B dh-group group19'], { proposalNames: ['B', 'A'] }],
  ])('IKE policy %o', (lines, want) => {
    expect(model(...lines).ikePolicies.get('P')).toMatchObject(want);
  });

  it('an ascii-text key stored as $9$ (as commit stores it) is recovered byte for byte', () => {
    const stored = encodeSecret('Juniper-VPN-k3y!', new Random(7));
    const p = model(`set security ike policy P pre-shared-key ascii-text "${stored}"`).ikePolicies.get('P')!;
    expect(p.preSharedKey).toEqual({ format: 'ascii-text', bytes: new TextEncoder().encode('Juniper-VPN-k3y!') });
  });

  it('proposals [B A] are offered in that order', () => {
    const p = model('set security ike policy P proposals [ B A ]', 'set security ike proposal A dh-group group14', 'set security ike proposal B dh-group group19').ikePolicies.get('P')!;
    expect(p.proposals.map((x) => [x.name, x.dhGroup])).toEqual([
      ['B', 'group19'],
      ['A', 'group14'],
    ]);
  });

  it.each([
    [['set security ipsec proposal E protocol ah', 'set security ipsec proposal E authentication-algorithm hmac-sha1-96'], { protocol: 'ah', authenticationAlgorithm: 'hmac-sha1-96', lifetimeSeconds: 3600 }],
    [['set security ipsec proposal E encryption-algorithm aes-192-gcm', 'set security ipsec proposal E extended-sequence-number', 'set security ipsec proposal E lifetime-seconds 1800', 'set security ipsec proposal E lifetime-kilobytes 64000'], { protocol: 'esp', extendedSequenceNumber: true, lifetimeSeconds: 1800, lifetimeKilobytes: 64000 }],
  ])('IPsec proposal %o', (lines, want) => {
    expect(model(...lines).ipsecProposals.get('E')).toMatchObject(want);
  });

  it('IPsec policy: proposal-set standard brings PFS group 2; perfect-forward-secrecy keys overrides it', () => {
    expect(model('set security ipsec policy I proposal-set standard').ipsecPolicies.get('I')).toMatchObject({ proposalSet: 'standard', pfsGroup: 'group2' });
    expect(model('set security ipsec policy I proposal-set standard', 'set security ipsec policy I perfect-forward-secrecy keys group14').ipsecPolicies.get('I')?.pfsGroup).toBe('group14');
    expect(model('set security ipsec policy I proposal-set suiteb-gcm-128').ipsecPolicies.get('I')?.pfsGroup).toBeUndefined();
  });

  const VPN = 'set security ipsec vpn V';
  it.each([
    [[`${VPN} ike gateway G`], { establishTunnels: 'on-traffic', dfBit: 'clear', ike: { gateway: 'G', installInterval: 1, antiReplayWindow: 64 } }],
    [[`${VPN} ike gateway G`, `${VPN} establish-tunnels responder-only`, `${VPN} df-bit set`, `${VPN} copy-outer-dscp`], { establishTunnels: 'responder-only', dfBit: 'set', copyOuterDscp: true }],
    [[`${VPN} ike gateway G`, `${VPN} ike no-anti-replay`, `${VPN} ike idle-time 300`, `${VPN} ike install-interval 5`], { ike: { antiReplayWindow: 0, idleTime: 300, installInterval: 5 } }],
    [[`${VPN} ike gateway G`, 'set security ipsec anti-replay-window-size 512'], { ike: { antiReplayWindow: 512 } }],
    [[`${VPN} ike gateway G`, `${VPN} ike proxy-identity local 10.1.0.0/16`, `${VPN} ike proxy-identity remote 10.2.0.0/16`, `${VPN} ike proxy-identity service junos-http`], { ike: { proxyIdentity: { local: '10.1.0.0/16', remote: '10.2.0.0/16', service: 'junos-http' } } }],
    [[`${VPN} ike gateway G`, `${VPN} distribution-profile D`, `${VPN} udp-encapsulate`], { distributionProfile: 'D', udpEncapsulate: { destPort: 4565 } }],
    [[`${VPN} ike gateway G`, `${VPN} vpn-monitor optimized`, `${VPN} vpn-monitor destination-ip 10.255.1.2`], { vpnMonitor: { optimized: true, destinationIp: '10.255.1.2' } }],
  ])('VPN %o', (lines, want) => {
    expect(model(...lines).vpns.get('V')).toMatchObject(want);
  });

  it('traffic selectors are read in order, each with its terms; each is its own CHILD SA', () => {
    const m = model(
      `${VPN} ike gateway G`,
      `${VPN} traffic-selector TS1 local-ip 10.1.0.0/16`,
      `${VPN} traffic-selector TS1 remote-ip 10.2.0.0/16`,
      `${VPN} traffic-selector TS2 local-ip 10.1.0.0/16`,
      `${VPN} traffic-selector TS2 remote-ip 10.3.0.0/16`,
      `${VPN} traffic-selector TS2 protocol tcp`,
      `${VPN} traffic-selector TS2 destination-port 443`,
      `${VPN} traffic-selector TS2 metric 10`,
    );
    const v = m.vpns.get('V')!;
    expect(v.trafficSelectors).toEqual([
      { name: 'TS1', localIp: '10.1.0.0/16', remoteIp: '10.2.0.0/16', terms: [] },
      { name: 'TS2', localIp: '10.1.0.0/16', remoteIp: '10.3.0.0/16', protocol: 'tcp', destinationPort: '443', metric: 10, terms: [] },
    ]);
    const pairs = vpnSelectorPairs(v);
    expect(pairs.ok && pairs.value.map((p) => [p.name, selectorText(p.pair.remote[0]!)])).toEqual([
      ['TS1', 'ipv4_subnet(any:0,[0..7]=10.2.0.0/16)'],
      ['TS2', 'ipv4_subnet(tcp:443,[0..7]=10.3.0.0/16)'],
    ]);
  });

  it('a manual VPN is not an IKE VPN; a deactivated VPN does not exist', () => {
    const m = model(`${VPN} ike gateway G`, 'set security ipsec vpn M manual spi 300', 'set security ipsec vpn OFF ike gateway G', 'deactivate security ipsec vpn OFF');
    expect([...m.vpns.keys()]).toEqual(['V']);
  });

  it('security distribution-profile: fpc / pic / thread-id, and fat-core', () => {
    const m = model(
      'set security distribution-profile profile-entity D fpc 2 pic 0 thread-id [ 1 2 3 ]',
      'set security distribution-profile profile-entity D fpc 3 pic 1 thread-id 7',
      'set security distribution-profile profile-entity D description spc3-threads',
      'set security distribution-profile fat-core',
    );
    expect(m.distributionProfiles.get('D')).toEqual({
      name: 'D',
      description: 'spc3-threads',
      fpcs: [
        { slot: 2, pics: [{ pic: 0, threadIds: [1, 2, 3] }] },
        { slot: 3, pics: [{ pic: 1, threadIds: [7] }] },
      ],
    });
    expect(m.fatCore).toBe(true);
  });

  it('a single-term custom application can be a proxy-identity service', () => {
    const m = model('set applications application SYSLOG protocol udp destination-port 514');
    expect(m.services.get('SYSLOG')).toEqual({ protocol: 17, destinationPorts: [514, 514] });
  });

  it.each([
    [['set security ipsec vpn V ike gateway NOPE'], 'VPN V: IKE gateway NOPE is not defined'],
    [['set security ipsec vpn V ike gateway G', 'set security ike gateway G address 192.0.2.1'], 'VPN V: gateway G has no defined ike-policy'],
    [['set security ipsec vpn V ike gateway G', 'set security ike gateway G ike-policy P', 'set security ike policy P proposals X'], 'VPN V: no defined ipsec-policy'],
  ])('resolveVpn says what is missing: %o', (lines, reason) => {
    expect(resolveVpn(model(...lines), 'V')).toEqual({ ok: false, reason });
  });
});
