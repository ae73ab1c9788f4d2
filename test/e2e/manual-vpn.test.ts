/**
 * Two devices in one process with a route-based manual-key VPN: the ping through st0 crosses
 * the link as ESP, the SPUs count it, and tshark — given the keys `lab keys` writes — decrypts
 * the capture with good ICVs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputOf, ROOT, runProgram } from '../helpers/program.js';
import { tshark } from '../helpers/tshark.js';

const TOPO = join(ROOT, 'test', 'fixtures', 'topology', 'manual-vpn.yaml');

describe('manual-key route-based VPN between two devices in one process', () => {
  it('ping count 5 gets 5 replies through st0; SAs, statistics, interfaces; tshark decrypts the capture', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'srx5k-vpn-'));
    const pcap = join(dir, 'xe.pcap');
    const keys = join(dir, 'esp_sa');
    const r = await runProgram(
      ['--batch', '--topology', TOPO],
      [
        `lab capture start xe-0/0/0 ${pcap}`,
        'ping 10.2.2.2 source 10.1.1.1 count 5',
        `lab capture stop xe-0/0/0 ${pcap}`,
        'show security ipsec security-associations',
        'show security ipsec statistics',
        'show interfaces terse | match st0',
        `lab keys ${keys}`,
        'lab console site2',
        'show security ipsec statistics | match packets',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, 'root@site1> ping 10.2.2.2 source 10.1.1.1 count 5')).toContain('5 packets transmitted, 5 packets received, 0% packet loss');
    expect(outputOf(r.stdout, 'root@site1> show security ipsec security-associations')).toEqual([
      '  Total active tunnels: 1     Total IPsec sas: 1',
      '  ID    Algorithm       SPI      Life:sec/kb  Mon lsys Port  Gateway',
      '  <500001 ESP:aes-cbc-128/sha256 000003e8 -/ unlim - root - 192.0.2.2',
      '  >500001 ESP:aes-cbc-128/sha256 000003e8 -/ unlim - root - 192.0.2.2',
    ]);
    const stats = outputOf(r.stdout, 'root@site1> show security ipsec statistics');
    expect(stats.slice(0, 5)).toEqual(['ESP Statistics:', '  Encrypted bytes:              420', '  Decrypted bytes:              420', '  Encrypted packets:              5', '  Decrypted packets:              5']);
    expect(outputOf(r.stdout, 'root@site1> show interfaces terse | match st0')).toEqual(['st0                     up    up', 'st0.1                   up    up   inet     10.255.1.1/30']);
    // site2 runs kmd (SPC2 only, no junos-ike): its tunnel ids start at 131073 and it counts the same packets.
    expect(outputOf(r.stdout, 'root@site2> show security ipsec statistics | match packets').slice(0, 2)).toEqual(['  Encrypted packets:              5', '  Decrypted packets:              5']);

    const rows = tshark(pcap, ['esp.spi', 'esp.sequence', 'esp.icv_good', 'icmp.type'], keys);
    expect(rows).toHaveLength(10);
    for (const [i, row] of rows.entries()) expect(row).toBe(`0x000003e8\t${Math.floor(i / 2) + 1}\t1\t${i % 2 === 0 ? 8 : 0}`);
  });
});
