/**
 * Two `srx5k --batch --attach` processes on loopback addresses with an IKEv2 route-based VPN:
 * the daemons negotiate over real UDP 500 sockets, the first ping packet starts the negotiation
 * (establish-tunnels on-traffic) and the rest cross the tunnel as ESP in UDP 4500.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startPeerSite } from '../helpers/attach-site.js';
import { BIN, outputOf, ROOT, runProgram } from '../helpers/program.js';

function ikeSite(n: 1 | 2, peer: 1 | 2, address: (n: 1 | 2) => string): string[] {
  return [
    'configure',
    `set interfaces xe-0/0/0 unit 0 family inet address ${address(n)}/8`,
    `set interfaces lo0 unit 0 family inet address 10.${n}.${n}.${n}/32`,
    `set interfaces st0 unit 1 family inet address 10.255.1.${n}/30`,
    'set security zones security-zone untrust host-inbound-traffic system-services ike',
    'set security zones security-zone untrust interfaces xe-0/0/0.0',
    'set security zones security-zone trust interfaces lo0.0',
    'set security zones security-zone vpn host-inbound-traffic system-services ping',
    'set security zones security-zone vpn interfaces st0.1',
    'set security ike proposal P1 authentication-method pre-shared-keys dh-group group19 authentication-algorithm sha-256 encryption-algorithm aes-256-cbc',
    'set security ike policy IP1 proposals P1 pre-shared-key ascii-text attach-secret',
    `set security ike gateway GW1 ike-policy IP1 address ${address(peer)} external-interface xe-0/0/0.0 version v2-only`,
    'set security ipsec proposal PP1 protocol esp encryption-algorithm aes-256-gcm',
    'set security ipsec policy PIP1 proposals PP1',
    'set security ipsec vpn V1 bind-interface st0.1 ike gateway GW1 ipsec-policy PIP1',
    'set security ipsec vpn V1 establish-tunnels on-traffic',
    `set routing-options static route 10.${peer}.${peer}.${peer}/32 next-hop st0.1`,
    'commit and-quit',
  ];
}

describe('srx5k --attach: IKEv2 between two processes over real UDP sockets', () => {
  it('negotiates on UDP 500 when traffic arrives, then pings through the tunnel', async () => {
    // A loopback pair of our own (pid-based), so parallel runs do not collide on 500/4500.
    const base = `127.${(process.pid >> 8) & 0xff}.${(process.pid + 1) & 0xff}.1`;
    const address = (n: 1 | 2): string => `${base}${n}`;
    const peerB = await startPeerSite(spawn(process.execPath, [BIN, '--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteB'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] }), ikeSite(2, 1, address));
    expect(peerB.output()).toContain('commit complete');
    const a = await runProgram(
      ['--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteA'],
      [...ikeSite(1, 2, address), 'ping 10.2.2.2 source 10.1.1.1 count 4 wait 1', 'show security ike security-associations', 'show security ipsec security-associations'].join('\n'),
    );
    expect(await peerB.stop()).toBe(0);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const ping = outputOf(a.stdout, 'root@siteA> ping 10.2.2.2 source 10.1.1.1 count 4 wait 1');
    // The first packet starts the negotiation and is dropped meanwhile; the others get replies.
    expect(ping).toContain('4 packets transmitted, 3 packets received, 25% packet loss');
    expect(outputOf(a.stdout, 'root@siteA> show security ike security-associations')[1]).toMatch(new RegExp(`^1 +UP +[0-9a-f]{16}  [0-9a-f]{16}  IKEv2 +${address(2).replace(/\./g, '\\.')}$`));
    expect(outputOf(a.stdout, 'root@siteA> show security ipsec security-associations').filter((l) => /^  [<>]500001 ESP:aes-gcm-256\/None /.test(l))).toHaveLength(2);
  });
});
