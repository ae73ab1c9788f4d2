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
import { attachSiteConfig, startPeerSite, type SiteAddressing } from '../helpers/attach-site.js';
import { BIN, outputOf, ROOT, runProgram } from '../helpers/program.js';
import { tshark } from '../helpers/tshark.js';

describe('srx5k --attach: two processes, a tunnel over real UDP sockets', () => {
  it('ping count 5 through a manual-key VPN between two processes gets 5 replies; tshark decrypts it', async () => {
    // A loopback pair of our own (pid-based), so parallel runs do not collide on 4500.
    const base = `127.${(process.pid >> 8) & 0xff}.${process.pid & 0xff}.1`;
    const sites: SiteAddressing = { family: 'inet', address: (n) => `${base}${n}`, prefixLength: 8, spi: 7000 };
    const peerB = await startPeerSite(
      spawn(process.execPath, [BIN, '--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteB'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] }),
      attachSiteConfig(2, 1, sites),
    );
    expect(peerB.output()).toContain('commit complete');

    const dir = mkdtempSync(join(tmpdir(), 'srx5k-attach-'));
    const pcap = join(dir, 'xe.pcap');
    const keys = join(dir, 'esp_sa');
    const a = await runProgram(
      ['--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteA'],
      [...attachSiteConfig(1, 2, sites), `lab capture start xe-0/0/0 ${pcap}`, 'ping 10.2.2.2 source 10.1.1.1 count 5', `lab capture stop xe-0/0/0 ${pcap}`, `lab keys ${keys}`].join('\n'),
    );
    expect(await peerB.stop()).toBe(0);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(outputOf(a.stdout, 'root@siteA> ping 10.2.2.2 source 10.1.1.1 count 5')).toContain('5 packets transmitted, 5 packets received, 0% packet loss');

    const rows = tshark(pcap, ['udp.dstport', 'esp.spi', 'esp.icv_good', 'icmp.type'], keys);
    expect(rows).toHaveLength(10);
    for (const [i, row] of rows.entries()) expect(row).toBe(`4500\t0x00001b58\t1\t${i % 2 === 0 ? 8 : 0}`);
  }, 60_000);
});
