/** A manual-key AH tunnel (integrity only) between two devices in one process. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputOf, ROOT, runProgram } from '../helpers/program.js';
import { tshark } from '../helpers/tshark.js';

describe('manual-key AH tunnel', () => {
  it('carries the ping (AH, IP protocol 51, inner packet in clear), counts AH packets, verifies ICVs', async () => {
    const pcap = join(mkdtempSync(join(tmpdir(), 'srx5k-ah-')), 'xe.pcap');
    const r = await runProgram(
      ['--batch', '--topology', join(ROOT, 'test', 'fixtures', 'topology', 'manual-ah.yaml')],
      [`lab capture start xe-0/0/0 ${pcap}`, 'ping 10.2.2.2 source 10.1.1.1 count 3', `lab capture stop xe-0/0/0 ${pcap}`, 'show security ipsec security-associations', 'show security ipsec statistics'].join('\n'),
    );
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, 'root@site1> ping 10.2.2.2 source 10.1.1.1 count 3')).toContain('3 packets transmitted, 3 packets received, 0% packet loss');
    expect(outputOf(r.stdout, 'root@site1> show security ipsec security-associations').slice(2)).toEqual([
      '  <500001 AH:none/sha256 000003e8 -/ unlim - root - 192.0.2.2',
      '  >500001 AH:none/sha256 000003e8 -/ unlim - root - 192.0.2.2',
    ]);
    const stats = outputOf(r.stdout, 'root@site1> show security ipsec statistics');
    expect(stats.slice(5, 10)).toEqual(['AH Statistics:', '  Input bytes:                  252', '  Output bytes:                 252', '  Input packets:                  3', '  Output packets:                 3']);
    expect(stats).toContain('  AH authentication failures: 0, Replay errors: 0');
    expect(tshark(pcap, ['ah.spi', 'icmp.type'])).toEqual(['0x000003e8\t8', '0x000003e8\t0', '0x000003e8\t8', '0x000003e8\t0', '0x000003e8\t8', '0x000003e8\t0']);
  });
});
