/**
 * `--attach` over IPv6: two `srx5k --batch --attach` processes inside a network namespace of the
 * test's own (its loopback holds two documentation IPv6 addresses, so nothing on the host is
 * touched), a manual-key VPN whose gateway is IPv6. ESP crosses as IPv6 / UDP 4500 over real
 * udp6 sockets; ping count 5 gets 5 replies and tshark decrypts the capture. Needs root and
 * iproute2 (`ip netns`), as on the project's machines (reference/interop.md); .ci/run installs
 * iproute2 when it is missing.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachSiteConfig, runSite, startPeerSite, type SiteAddressing } from '../helpers/attach-site.js';
import { BIN, outputOf, ROOT } from '../helpers/program.js';
import { tshark } from '../helpers/tshark.js';

const NS = `srx5k-v6-${process.pid}`;
const ADDR = (n: 1 | 2): string => `2001:db8:ff::${n}`;

const SITES: SiteAddressing = { family: 'inet6', address: ADDR, prefixLength: 64, spi: 7100 };

/** `srx5k ARGS` inside the namespace. */
function inNamespace(args: readonly string[]) {
  return spawn('ip', ['netns', 'exec', NS, process.execPath, BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}

function makeNamespace(): void {
  const probe = spawnSync('ip', ['netns', 'add', NS], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`cannot create network namespace ${NS} (this test needs root and iproute2): ${probe.error?.message ?? probe.stderr}`);
  }
  execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
  for (const n of [1, 2] as const) execFileSync('ip', ['-n', NS, '-6', 'addr', 'add', `${ADDR(n)}/128`, 'dev', 'lo', 'nodad']);
}

describe('srx5k --attach over IPv6: two processes, ESP in UDP over udp6 sockets', () => {
  it('ping count 5 through a manual-key VPN with an IPv6 gateway gets 5 replies; tshark decrypts it', async () => {
    makeNamespace();
    try {
      const peerB = await startPeerSite(inNamespace(['--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteB']), attachSiteConfig(2, 1, SITES));
      expect(peerB.output()).toContain('commit complete');

      const dir = mkdtempSync(join(tmpdir(), 'srx5k-attach6-'));
      const pcap = join(dir, 'xe.pcap');
      const keys = join(dir, 'esp_sa');
      const a = await runSite(inNamespace(['--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteA']), [
        ...attachSiteConfig(1, 2, SITES),
        `lab capture start xe-0/0/0 ${pcap}`,
        'ping 10.2.2.2 source 10.1.1.1 count 5',
        `lab capture stop xe-0/0/0 ${pcap}`,
        'show security ipsec security-associations',
        `lab keys ${keys}`,
      ]);
      expect(await peerB.stop()).toBe(0);
      expect(a.stderr).toBe('');
      expect(a.code).toBe(0);
      expect(outputOf(a.stdout, 'root@siteA> ping 10.2.2.2 source 10.1.1.1 count 5')).toContain('5 packets transmitted, 5 packets received, 0% packet loss');
      expect(outputOf(a.stdout, 'root@siteA> show security ipsec security-associations').join('\n')).toContain(ADDR(2));

      // On the wire: IPv6 / UDP 4500 / ESP that decrypts, with a good ICV, to the ICMP echoes.
      const rows = tshark(pcap, ['ipv6.dst', 'udp.dstport', 'esp.spi', 'esp.icv_good', 'icmp.type'], keys);
      expect(rows).toHaveLength(10);
      for (const [i, row] of rows.entries()) expect(row).toBe(`${ADDR(i % 2 === 0 ? 2 : 1)}\t4500\t0x00001bbc\t1\t${i % 2 === 0 ? 8 : 0}`);
    } finally {
      spawnSync('ip', ['netns', 'pids', NS], { encoding: 'utf8' })
        .stdout?.split('\n')
        .filter((p) => p.trim() !== '')
        .forEach((p) => spawnSync('kill', ['-9', p.trim()]));
      spawnSync('ip', ['netns', 'del', NS]);
    }
  }, 60_000);
});
