/**
 * The IKE / tunnel-anchoring renderers against the sample outputs of
 * reference/srx5000-facts.md §3 and §6 (the expected lines are those samples, character for
 * character).
 */
import { describe, expect, it } from 'vitest';
import {
  IKE_TUNNEL_MAP_SPC3_ERROR,
  renderIkeSas,
  renderIkeSasDetail,
  renderIkeTunnelMap,
  renderIkeTunnelMapSummary,
  renderInactiveTunnels,
  selectIkeSas,
} from '../../../cli/engine/render/show-ike.js';
import { renderTunnelDistribution, renderTunnelDistributionSummary, selectByLocation } from '../../../cli/engine/render/show-tunnel-distribution.js';
import { TunnelAnchors } from '../../../chassis/tunnel-anchors.js';
import type { IkeSaView } from '../../../ike/status.js';
import { Random } from '../../../sim/random.js';
import { ikeSaView } from '../../helpers/fake-ike-daemon.js';

/** The facts file's sample SA (srx5000-facts.md §6), on the shared canned view. */
function sa(over: Partial<IkeSaView>): IkeSaView {
  return ikeSaView({
    remoteAddress: '198.51.100.20',
    gatewayName: 'GW-BRANCH1',
    local: { address: '203.0.113.10', port: 500 },
    remote: { address: '198.51.100.20', port: 500 },
    peerIkeId: '198.51.100.20',
    algorithms: { authentication: 'hmac-sha384-192', encryption: 'aes256-cbc', prf: 'hmac-sha384', dhGroup: 'DH-group-20' },
    ipsecSas: { created: 2, deleted: 0 },
    ...over,
  });
}

const SAS: IkeSaView[] = [
  sa({}),
  sa({ index: 5120448, state: 'DOWN', initiatorSpi: 'c02b7e9154fa8d36', responderSpi: '0', remoteAddress: '192.0.2.50', anchor: { fpc: 2, pic: 1 } }),
  sa({ index: 5120452, initiatorSpi: '6d1e83b5a9072cf4', responderSpi: '2b87f4d0c16e9a53', mode: 'Main', remoteAddress: '192.0.2.77' }),
];

describe('show security ike security-associations (facts §6)', () => {
  it('brief: the real column layout', () => {
    expect(renderIkeSas(SAS)).toEqual([
      'Index   State  Initiator cookie  Responder cookie  Mode           Remote Address',
      '5120447 UP     3f9a1c07be52d4e8  91c4e0a7d3b26f15  IKEv2          198.51.100.20',
      '5120448 DOWN   c02b7e9154fa8d36  0000000000000000  IKEv2          192.0.2.50',
      '5120452 UP     6d1e83b5a9072cf4  2b87f4d0c16e9a53  Main           192.0.2.77',
    ]);
  });

  it('a short index keeps the columns; no SA prints nothing', () => {
    expect(renderIkeSas([sa({ index: 3 })])[1]).toBe('3       UP     3f9a1c07be52d4e8  91c4e0a7d3b26f15  IKEv2          198.51.100.20');
    expect(renderIkeSas([])).toEqual([]);
  });

  it('selection by index, peer address and anchor SPU', () => {
    expect(selectIkeSas(SAS, { index: 5120452 }).map((s) => s.index)).toEqual([5120452]);
    expect(selectIkeSas(SAS, { peerAddress: '192.0.2.50' }).map((s) => s.index)).toEqual([5120448]);
    expect(selectIkeSas(SAS, { fpc: 2, pic: 0 }).map((s) => s.index)).toEqual([5120447, 5120452]);
  });

  it('detail: the real layout, counters right-aligned', () => {
    expect(renderIkeSasDetail([SAS[0]!])).toEqual([
      'IKE peer 198.51.100.20, Index 5120447, Gateway Name: GW-BRANCH1',
      '  Role: Initiator, State: UP',
      '  Initiator cookie: 3f9a1c07be52d4e8, Responder cookie: 91c4e0a7d3b26f15',
      '  Exchange type: IKEv2, Authentication method: Pre-shared-keys',
      '  Local: 203.0.113.10:500, Remote: 198.51.100.20:500',
      '  Lifetime: Expires in 27148 seconds',
      '  Reauth Lifetime: Disabled',
      '  IKE Fragmentation: Disabled, Size: 0',
      '  Remote Access Client Info: Unknown Client',
      '  Peer ike-id: 198.51.100.20',
      '  AAA assigned IP: 0.0.0.0',
      '  Algorithms:',
      '   Authentication        : hmac-sha384-192',
      '   Encryption            : aes256-cbc',
      '   Pseudo random function: hmac-sha384',
      '   Diffie-Hellman group  : DH-group-20',
      '  Traffic statistics:',
      '   Input  bytes  :                 1712',
      '   Output bytes  :                 1704',
      '   Input  packets:                   22',
      '   Output packets:                   22',
      '   Input  fragmentated packets:       0',
      '   Output fragmentated packets:       0',
      '  IPSec security associations: 2 created, 0 deleted',
      '  Phase 2 negotiations in progress: 0',
    ]);
  });

  it('detail: SAs separated by a blank line; a negotiation in progress adds its block', () => {
    const busy = sa({
      role: 'Responder',
      reauthRemaining: 7000,
      fragmentation: { enabled: true, size: 576 },
      negotiations: [
        {
          type: 'Quick mode',
          role: 'Responder',
          messageId: 0,
          local: { address: '203.0.113.10', port: 500 },
          remote: { address: '198.51.100.20', port: 500 },
          localIdentity: '203.0.113.10',
          remoteIdentity: '198.51.100.20',
          flags: 'IKE SA is created',
        },
      ],
    });
    const lines = renderIkeSasDetail([SAS[1]!, busy]);
    expect(lines.filter((l) => l === '')).toHaveLength(2);
    expect(lines[25]).toBe('');
    expect(lines[26]).toBe('IKE peer 198.51.100.20, Index 5120447, Gateway Name: GW-BRANCH1');
    expect(lines).toContain('  Initiator cookie: c02b7e9154fa8d36, Responder cookie: 0000000000000000');
    expect(lines).toContain('  Reauth Lifetime: Expires in 7000 seconds');
    expect(lines).toContain('  IKE Fragmentation: Enabled, Size: 576');
    expect(lines.slice(-7)).toEqual([
      '  Phase 2 negotiations in progress: 1',
      '',
      'Negotiation type: Quick mode, Role: Responder, Message ID: 0',
      '  Local: 203.0.113.10:500, Remote: 198.51.100.20:500',
      '  Local identity: 203.0.113.10',
      '  Remote identity: 198.51.100.20',
      '  Flags: IKE SA is created',
    ]);
  });
});

describe('show security ipsec inactive-tunnels (facts §6)', () => {
  it('the real layout, the down reason with its repeat count', () => {
    expect(
      renderInactiveTunnels({
        establishImmediately: 1,
        tunnels: [{ id: 131073, port: 500, gateway: '192.0.2.50', pendingSas: 1, downReason: 'No response from peer. Negotiation failed', downReasonCount: 12 }],
      }),
    ).toEqual([
      '  Total inactive tunnels: 1',
      '  Total inactive tunnels with establish immediately: 1',
      '  ID           Port   Gateway          Pending SAs   Tunnel Down Reason',
      '  131073       500    192.0.2.50       1             No response from peer. Negotiation failed (12 times)',
    ]);
  });

  it('"With nothing down only the two Total lines print"; no reason yet prints -; a long address keeps a space', () => {
    expect(renderInactiveTunnels({ establishImmediately: 0, tunnels: [] })).toEqual(['  Total inactive tunnels: 0', '  Total inactive tunnels with establish immediately: 0']);
    const lines = renderInactiveTunnels({
      establishImmediately: 0,
      tunnels: [{ id: 500002, port: 4500, gateway: '2001:db8:ffff::1234', pendingSas: 2, downReason: null, downReasonCount: 0 }],
    });
    expect(lines[3]).toBe('  500002       4500   2001:db8:ffff::1234 2             -');
  });
});

describe('show security ike tunnel-map [summary] (facts §3)', () => {
  it('the facts layout', () => {
    expect(
      renderIkeTunnelMap([
        { gatewayId: 2, gatewayName: 'GW-BRANCH1', fpc: 2, pic: 1, instance: 0 },
        { gatewayId: 3, gatewayName: 'GW-BRANCH2', fpc: 2, pic: 2, instance: 0 },
      ]),
    ).toEqual(['  Gateway ID  Gateway Name           FPC  PIC  Instance', '  2           GW-BRANCH1             2    1    0', '  3           GW-BRANCH2             2    2    0']);
    expect(
      renderIkeTunnelMapSummary([
        { fpc: 2, pic: 0, load: 0 },
        { fpc: 2, pic: 1, load: 1 },
        { fpc: 2, pic: 2, load: 1 },
      ]),
    ).toEqual(['  FPC  PIC  Load', '  2    0    0', '  2    1    1', '  2    2    1']);
  });

  it('"The command show security ike tunnel-map is not valid in an environment where SPC2 and SPC3 cards are installed"', () => {
    expect(renderIkeTunnelMap([{ gatewayId: 1, gatewayName: 'G', fpc: 2, pic: 0, instance: 0 }], true)).toEqual([IKE_TUNNEL_MAP_SPC3_ERROR]);
    expect(renderIkeTunnelMapSummary([], true)).toEqual([IKE_TUNNEL_MAP_SPC3_ERROR]);
    expect(IKE_TUNNEL_MAP_SPC3_ERROR).toMatch(/^error: .*tunnel-map.*show security ipsec tunnel-distribution/);
  });

  it('renders the anchoring table of the seed\'s Table 3', () => {
    const t = new TunnelAnchors<string>(new Random(4));
    t.setSpus([0, 1, 2].map((p) => ({ id: `SPU${p}`, fpc: 2, pic: p, flowThreads: 8, eligible: true })));
    ['IKE-1', 'IKE-2', 'IKE-3'].forEach((name, i) => t.anchorGateway({ name, kind: 'site-to-site', local: '203.0.113.10', remote: `198.51.100.${i + 1}` }));
    expect(renderIkeTunnelMap(t.tunnelMap())).toEqual([
      '  Gateway ID  Gateway Name           FPC  PIC  Instance',
      '  1           IKE-1                  2    0    0',
      '  2           IKE-2                  2    1    0',
      '  3           IKE-3                  2    2    0',
    ]);
    expect(renderIkeTunnelMapSummary(t.tunnelMapSummary())).toEqual(['  FPC  PIC  Load', '  2    0    1', '  2    1    1', '  2    2    1']);
  });
});

describe('show security ipsec tunnel-distribution [summary] (facts §3)', () => {
  const rows = [
    { tunnelId: 500001, fpc: 1, pic: 0, thread: 3, profile: null },
    { tunnelId: 500002, fpc: 1, pic: 0, thread: 4, profile: null },
    { tunnelId: 500003, fpc: 1, pic: 1, thread: 3, profile: null },
  ];

  it('the facts layout', () => {
    expect(renderTunnelDistribution(rows)).toEqual([
      '  Tunnel Id   FPC  PIC  Thread-ID  Distribution-Profile',
      '  500001      1    0    3          -',
      '  500002      1    0    4          -',
      '  500003      1    1    3          -',
    ]);
    expect(
      renderTunnelDistributionSummary([
        { tunnels: 1, fpc: 1, pic: 0, thread: 3 },
        { tunnels: 1, fpc: 1, pic: 0, thread: 4 },
        { tunnels: 1, fpc: 1, pic: 1, thread: 3 },
      ]),
    ).toEqual(['  Number of Tunnels  FPC  PIC  Thread-ID', '  1                  1    0    3', '  1                  1    0    4', '  1                  1    1    3']);
  });

  it('a profile-placed tunnel names its profile; fpc/pic selection', () => {
    expect(renderTunnelDistribution([{ tunnelId: 131073, fpc: 3, pic: 1, thread: 12, profile: 'PIN' }])[1]).toBe('  131073      3    1    12         PIN');
    expect(selectByLocation(rows, 1, 1).map((r) => r.tunnelId)).toEqual([500003]);
    expect(selectByLocation(rows, 1).map((r) => r.tunnelId)).toEqual([500001, 500002, 500003]);
  });

  it('renders the anchoring table with an SPC3 (flow RT threads)', () => {
    const t = new TunnelAnchors<string>(new Random(1));
    t.setSpus([{ id: 'a', fpc: 3, pic: 0, flowThreads: 24, eligible: true, spc3: true }]);
    t.anchorGateway({ name: 'G', kind: 'site-to-site', local: '203.0.113.10', remote: '198.51.100.1' });
    for (const id of [500001, 500002]) t.anchorTunnel({ id, vpn: `V${id}`, gateway: 'G', local: '203.0.113.10', remote: '198.51.100.1' });
    expect(renderTunnelDistribution(t.tunnelDistribution())).toEqual([
      '  Tunnel Id   FPC  PIC  Thread-ID  Distribution-Profile',
      '  500001      3    0    0          -',
      '  500002      3    0    1          -',
    ]);
    expect(renderTunnelDistributionSummary(t.tunnelDistributionSummary())).toEqual([
      '  Number of Tunnels  FPC  PIC  Thread-ID',
      '  1                  3    0    0',
      '  1                  3    0    1',
    ]);
  });
});
