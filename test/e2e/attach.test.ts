/**
 * Two `srx5k --batch --attach` processes on loopback addresses with a manual-key route-based
 * VPN: the tunnel runs as ESP-in-UDP over real UDP sockets, ping count 5 gets 5 replies, and
 * tshark decrypts the capture with the keys `lab keys` writes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, outputOf, ROOT, runProgram } from '../helpers/program.js';
import { tshark } from '../helpers/tshark.js';

function siteConfig(n: 1 | 2, peer: 1 | 2, base: string): string[] {
  return [
    'configure',
    `set interfaces xe-0/0/0 unit 0 family inet address ${base}${n}/8`,
    `set interfaces lo0 unit 0 family inet address 10.${n}.${n}.${n}/32`,
    `set interfaces st0 unit 1 family inet address 10.255.1.${n}/30`,
    'set security zones security-zone untrust interfaces xe-0/0/0.0',
    'set security zones security-zone trust interfaces lo0.0',
    'set security zones security-zone vpn host-inbound-traffic system-services ping',
    'set security zones security-zone vpn interfaces st0.1',
    'set security ipsec vpn V1 bind-interface st0.1',
    `set security ipsec vpn V1 manual gateway ${base}${peer} external-interface xe-0/0/0.0 protocol esp spi 7000`,
    'set security ipsec vpn V1 manual encryption algorithm aes-256-cbc key hexadecimal 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    'set security ipsec vpn V1 manual authentication algorithm hmac-sha-256-128 key hexadecimal 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f',
    `set routing-options static route 10.${peer}.${peer}.${peer}/32 next-hop st0.1`,
    'commit and-quit',
  ];
}

describe('srx5k --attach: two processes, a tunnel over real UDP sockets', () => {
  it('ping count 5 through a manual-key VPN between two processes gets 5 replies; tshark decrypts it', async () => {
    // A loopback pair of our own (pid-based), so parallel runs do not collide on 4500.
    const base = `127.${(process.pid >> 8) & 0xff}.${process.pid & 0xff}.1`;
    const peerB = spawn(process.execPath, [BIN, '--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteB'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let bOut = '';
    peerB.stdout.on('data', (d: Buffer) => (bOut += d.toString()));
    peerB.stderr.on('data', (d: Buffer) => (bOut += d.toString()));
    const bDone = new Promise<number | null>((r) => peerB.on('close', r));
    peerB.stdin.write(`${siteConfig(2, 1, base).join('\n')}\n`);
    for (let i = 0; i < 100 && !bOut.includes('Exiting configuration mode'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(bOut).toContain('commit complete');

    const dir = mkdtempSync(join(tmpdir(), 'srx5k-attach-'));
    const pcap = join(dir, 'xe.pcap');
    const keys = join(dir, 'esp_sa');
    const a = await runProgram(
      ['--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteA'],
      [...siteConfig(1, 2, base), `lab capture start xe-0/0/0 ${pcap}`, 'ping 10.2.2.2 source 10.1.1.1 count 5', `lab capture stop xe-0/0/0 ${pcap}`, `lab keys ${keys}`].join('\n'),
    );
    peerB.stdin.end();
    expect(await bDone).toBe(0);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(outputOf(a.stdout, 'root@siteA> ping 10.2.2.2 source 10.1.1.1 count 5')).toContain('5 packets transmitted, 5 packets received, 0% packet loss');

    const rows = tshark(pcap, ['udp.dstport', 'esp.spi', 'esp.icv_good', 'icmp.type'], keys);
    expect(rows).toHaveLength(10);
    for (const [i, row] of rows.entries()) expect(row).toBe(`4500\t0x00001b58\t1\t${i % 2 === 0 ? 8 : 0}`);
  }, 60_000);
});
