import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputOf, ROOT, runProgram } from '../helpers/program.js';
import { tshark } from '../helpers/tshark.js';

const TOPO = join(ROOT, 'test', 'fixtures', 'topology');

describe('srx5k --topology: several devices on an in-process network', () => {
  it('two devices: ping count 5 gets 5 replies, Junos output; console moves with lab console', async () => {
    const r = await runProgram(['--batch', '--topology', join(TOPO, 'two-devices.yaml')], 'ping 192.0.2.2 count 5\nlab console fw2\nping 192.0.2.1 count 2 rapid\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, 'root@fw1> ping 192.0.2.2 count 5')).toEqual([
      'PING 192.0.2.2 (192.0.2.2): 56 data bytes',
      ...[0, 1, 2, 3, 4].map((s) => `64 bytes from 192.0.2.2: icmp_seq=${s} ttl=64 time=0.100 ms`),
      '',
      '--- 192.0.2.2 ping statistics ---',
      '5 packets transmitted, 5 packets received, 0% packet loss',
      'round-trip min/avg/max/stddev = 0.100/0.100/0.100/0.000 ms',
    ]);
    expect(outputOf(r.stdout, 'root@fw2> ping 192.0.2.1 count 2 rapid').slice(0, 2)).toEqual(['PING 192.0.2.1 (192.0.2.1): 56 data bytes', '!!']);
  });

  it('ping errors: unknown host, no route, a source that is not ours', async () => {
    const r = await runProgram(['--batch', '--topology', join(TOPO, 'two-devices.yaml')], 'ping nowhere\nping 8.8.8.8 count 1\nping 192.0.2.2 source 1.2.3.4\n');
    expect(r.code).toBe(1);
    expect(outputOf(r.stdout, 'root@fw1> ping nowhere')).toEqual(['ping: cannot resolve nowhere: Unknown host']);
    expect(outputOf(r.stdout, 'root@fw1> ping 8.8.8.8 count 1')).toContain('ping: sendto: No route to host');
    expect(outputOf(r.stdout, 'root@fw1> ping 192.0.2.2 source 1.2.3.4')).toEqual(["ping: bind: Can't assign requested address"]);
  });

  it('transit through a firewall: the policy permits one direction, the session lets replies back, the other direction is denied by default', async () => {
    const r = await runProgram(['--batch', '--topology', join(TOPO, 'transit.yaml')], 'ping 10.0.2.1 count 3\nlab console r2\nping 10.0.1.1 count 2 wait 1\n');
    expect(r.code).toBe(0);
    const out = outputOf(r.stdout, 'root@r1> ping 10.0.2.1 count 3');
    expect(out[1]).toBe('64 bytes from 10.0.2.1: icmp_seq=0 ttl=63 time=0.200 ms');
    expect(out).toContain('3 packets transmitted, 3 packets received, 0% packet loss');
    expect(outputOf(r.stdout, 'root@r2> ping 10.0.1.1 count 2 wait 1')).toContain('2 packets transmitted, 0 packets received, 100% packet loss');
  });

  it('lab capture writes the port traffic to a pcap that tshark decodes', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'srx5k-cap-')), 'xe.pcap');
    const r = await runProgram(['--batch', '--topology', join(TOPO, 'two-devices.yaml')], `lab capture start xe-0/0/0 ${file}\nping 192.0.2.2 count 2\nlab capture stop xe-0/0/0 ${file}\n`);
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, `root@fw1> lab capture stop xe-0/0/0 ${file}`)).toEqual([`lab: 4 packets written to ${file}`]);
    expect(tshark(file, ['ip.src', 'ip.dst', 'icmp.type', 'icmp.seq'])).toEqual(['192.0.2.1\t192.0.2.2\t8\t0', '192.0.2.2\t192.0.2.1\t0\t0', '192.0.2.1\t192.0.2.2\t8\t1', '192.0.2.2\t192.0.2.1\t0\t1']);
  });

  it('a device whose configuration does not commit stops the start-up with the Junos errors', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'srx5k-topo-'));
    writeFileSync(join(dir, 'bad.conf'), 'set security ipsec vpn V bind-interface st0.9\nset security ipsec vpn V ike gateway GW\n');
    writeFileSync(join(dir, 't.yaml'), 'devices:\n  fw1: { config: bad.conf }\n');
    const r = await runProgram(['--batch', '--topology', join(dir, 't.yaml')], 'show version\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('srx5k: fw1: ');
    expect(r.stderr).toContain('Referenced IKE gateway GW is not defined');
    expect(r.stderr).toContain('error: configuration check-out failed');
  });
});
