/**
 * Two devices in one process with an IKEv2 route-based VPN negotiated by the real daemons (iked
 * on site1's SPC3s, kmd on site2's SPC2s) over the in-process link: the IKE exchanges travel as
 * UDP 500 through the packet path, the CHILD SA pair is installed on each anchor SPU, the ping
 * crosses st0 as ESP, and tshark — given the ESP and IKEv2 tables `lab keys` writes — decrypts
 * both the IKE_AUTH exchange and the ESP with good ICVs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputOf, ROOT, runProgram } from '../helpers/program.js';
import { tshark } from '../helpers/tshark.js';

const TOPO = join(ROOT, 'test', 'fixtures', 'topology', 'ike-vpn.yaml');

describe('IKEv2 route-based VPN between two devices in one process', () => {
  it('negotiates over UDP 500, carries the ping through st0, shows the SAs on both ends; tshark decrypts IKE and ESP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'srx5k-ike-'));
    const pcap = join(dir, 'xe.pcap');
    const keys = join(dir, 'esp_sa');
    const r = await runProgram(
      ['--batch', '--topology', TOPO],
      [
        // site1 initiates at boot (establish-tunnels immediately); the capture then sees a fresh negotiation.
        'lab wait 1',
        `lab capture start xe-0/0/0 ${pcap}`,
        'clear security ike security-associations',
        'lab wait 5',
        'ping 10.2.2.2 source 10.1.1.1 count 3',
        `lab capture stop xe-0/0/0 ${pcap}`,
        'show security ike security-associations',
        'show security ipsec security-associations',
        'show security ipsec statistics | match packets',
        'show security ipsec tunnel-distribution',
        'show log ikelog | match "IPSec SA negotiation successfully completed" | count',
        `lab keys ${keys}`,
        'lab console site2',
        'show security ike sa',
        'show security ike tunnel-map',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, 'root@site1> ping 10.2.2.2 source 10.1.1.1 count 3')).toContain('3 packets transmitted, 3 packets received, 0% packet loss');
    const ike1 = outputOf(r.stdout, 'root@site1> show security ike security-associations');
    expect(ike1[0]).toBe('Index   State  Initiator cookie  Responder cookie  Mode           Remote Address');
    expect(ike1.slice(1)).toEqual([expect.stringMatching(/^\d+ +UP +[0-9a-f]{16}  [0-9a-f]{16}  IKEv2 +192\.0\.2\.2$/)]);
    const sas = outputOf(r.stdout, 'root@site1> show security ipsec security-associations');
    expect(sas[0]).toBe('  Total active tunnels: 1     Total IPsec sas: 1');
    expect(sas.slice(2)).toEqual([
      expect.stringMatching(/^  <500001 ESP:aes-cbc-128\/sha256 [0-9a-f]{8} \d+\/ unlim - root 500 192\.0\.2\.2$/),
      expect.stringMatching(/^  >500001 ESP:aes-cbc-128\/sha256 [0-9a-f]{8} \d+\/ unlim - root 500 192\.0\.2\.2$/),
    ]);
    expect(outputOf(r.stdout, 'root@site1> show security ipsec statistics | match packets').slice(0, 2)).toEqual(['  Encrypted packets:              3', '  Decrypted packets:              3']);
    expect(outputOf(r.stdout, 'root@site1> show security ipsec tunnel-distribution')[1]).toMatch(/^  500001      [23]    [01]    \d+ +-$/);
    expect(outputOf(r.stdout, 'root@site1> show log ikelog | match "IPSec SA negotiation successfully completed" | count')).toEqual(['Count: 2 lines']);
    expect(outputOf(r.stdout, `root@site1> lab keys ${keys}`)).toEqual([`lab: 2 ESP SAs written to ${keys} (Wireshark esp_sa table), 1 IKEv2 SAs to ${keys}.ikev2 (ikev2_decryption_table)`]);
    expect(outputOf(r.stdout, 'root@site2> show security ike sa')[1]).toMatch(/^\d{7} UP .* IKEv2 +192\.0\.2\.1$/);
    // site2 has SPC2s only: tunnel-map answers there.
    expect(outputOf(r.stdout, 'root@site2> show security ike tunnel-map')).toEqual(['  Gateway ID  Gateway Name           FPC  PIC  Instance', expect.stringMatching(/^  1 +GW1 +[23] +[0-3] +0$/)]);

    const rows = tshark(pcap, ['udp.dstport', 'isakmp.exchangetype', 'isakmp.id.data.ipv4_addr', 'esp.icv_good', 'icmp.type'], keys, `${keys}.ikev2`);
    const ike = rows.filter((row) => row.startsWith('500\t'));
    // IKE_SA_INIT (34) request and response, then IKE_AUTH (35) whose IDi/IDr tshark could only read decrypted.
    expect(ike.some((row) => row.startsWith('500\t34'))).toBe(true);
    const auth = ike.filter((row) => row.startsWith('500\t35'));
    expect(auth.map((row) => row.split('\t')[2])).toEqual(['192.0.2.1', '192.0.2.2']);
    const esp = rows.filter((row) => !row.startsWith('500\t'));
    expect(esp).toEqual(['\t\t\t1\t8', '\t\t\t1\t0', '\t\t\t1\t8', '\t\t\t1\t0', '\t\t\t1\t8', '\t\t\t1\t0']);
  });
});
