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
import { BIN, outputOf, ROOT, type ProgramResult } from '../helpers/program.js';
import { tshark } from '../helpers/tshark.js';

const NS = `srx5k-v6-${process.pid}`;
const ADDR = (n: 1 | 2): string => `2001:db8:ff::${n}`;

function siteConfig(n: 1 | 2, peer: 1 | 2): string[] {
  return [
    'configure',
    `set interfaces xe-0/0/0 unit 0 family inet6 address ${ADDR(n)}/64`,
    `set interfaces lo0 unit 0 family inet address 10.${n}.${n}.${n}/32`,
    `set interfaces st0 unit 1 family inet address 10.255.1.${n}/30`,
    'set security zones security-zone untrust interfaces xe-0/0/0.0',
    'set security zones security-zone trust interfaces lo0.0',
    'set security zones security-zone vpn host-inbound-traffic system-services ping',
    'set security zones security-zone vpn interfaces st0.1',
    'set security ipsec vpn V1 bind-interface st0.1',
    `set security ipsec vpn V1 manual gateway ${ADDR(peer)} external-interface xe-0/0/0.0 protocol esp spi 7100`,
    'set security ipsec vpn V1 manual encryption algorithm aes-256-cbc key hexadecimal 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    'set security ipsec vpn V1 manual authentication algorithm hmac-sha-256-128 key hexadecimal 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f',
    `set routing-options static route 10.${peer}.${peer}.${peer}/32 next-hop st0.1`,
    'commit and-quit',
  ];
}

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
      const peerB = inNamespace(['--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteB']);
      let bOut = '';
      peerB.stdout.on('data', (d: Buffer) => (bOut += d.toString()));
      peerB.stderr.on('data', (d: Buffer) => (bOut += d.toString()));
      const bDone = new Promise<number | null>((r) => peerB.on('close', r));
      peerB.stdin.write(`${siteConfig(2, 1).join('\n')}\n`);
      for (let i = 0; i < 100 && !bOut.includes('Exiting configuration mode'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(bOut).toContain('commit complete');

      const dir = mkdtempSync(join(tmpdir(), 'srx5k-attach6-'));
      const pcap = join(dir, 'xe.pcap');
      const keys = join(dir, 'esp_sa');
      const siteA = inNamespace(['--batch', '--attach', 'xe-0/0/0', '--hostname', 'siteA']);
      const a = await new Promise<ProgramResult>((resolve, reject) => {
        let stdout = '';
        let stderr = '';
        siteA.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
        siteA.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        siteA.on('error', reject);
        siteA.on('close', (code) => resolve({ code, stdout, stderr }));
        siteA.stdin.end(
          [...siteConfig(1, 2), `lab capture start xe-0/0/0 ${pcap}`, 'ping 10.2.2.2 source 10.1.1.1 count 5', `lab capture stop xe-0/0/0 ${pcap}`, 'show security ipsec security-associations', `lab keys ${keys}`].join('\n'),
        );
      });
      peerB.stdin.end();
      expect(await bDone).toBe(0);
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
