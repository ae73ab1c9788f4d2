/**
 * IPv6 in the packet path, end to end through the real program with two (or three) devices in
 * one process: ping6 over a direct link (FreeBSD ping6 output, as Junos prints it), IPv6 inner
 * traffic through a manual-key tunnel with an IPv4 outer header (ESP next header 41), IPv4 inner
 * traffic through a tunnel whose outer header is IPv6 (next header 50), and IPv6 transit through
 * a firewall's zone policies and sessions. tshark reads the captures (and decrypts the ESP with
 * the keys `lab keys` writes).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tshark } from '../helpers/tshark.js';
import { outputOf, ROOT, runProgram } from '../helpers/program.js';

const TOPO = join(ROOT, 'test', 'fixtures', 'topology');
const VPN = join(TOPO, 'v6-vpn.yaml');

/** Does the SA layer (dataplane/esp/sa.ts) take IPv6 tunnel endpoints? It did not when this was written. */


describe('IPv6: ping6 over a direct link', () => {
  it('ping6 output as FreeBSD ping6 prints it; inet6 before or after the host; size; rapid; the wire is ICMPv6 with good checksums', async () => {
    const pcap = join(mkdtempSync(join(tmpdir(), 'srx5k-v6-')), 'xe.pcap');
    const r = await runProgram(
      ['--batch', '--topology', VPN],
      [
        `lab capture start xe-0/0/0 ${pcap}`,
        'ping 2001:db8::2 count 5',
        `lab capture stop xe-0/0/0 ${pcap}`,
        'ping inet6 2001:db8::2 count 2 size 56',
        'ping 2001:db8::2 inet6 count 1 size 4',
        'ping 2001:db8::2 rapid',
        'lab console v6-site2',
        'ping 2001:db8::1 count 1 ttl 9',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, 'root@v6-site1> ping 2001:db8::2 count 5')).toEqual([
      'PING6(56=40+8+8 bytes) 2001:db8::1 --> 2001:db8::2',
      ...[0, 1, 2, 3, 4].map((s) => `16 bytes from 2001:db8::2, icmp_seq=${s} hlim=64 time=0.100 ms`),
      '',
      '--- 2001:db8::2 ping6 statistics ---',
      '5 packets transmitted, 5 packets received, 0.0% packet loss',
      'round-trip min/avg/max/std-dev = 0.100/0.100/0.100/0.000 ms',
    ]);
    expect(outputOf(r.stdout, 'root@v6-site1> ping inet6 2001:db8::2 count 2 size 56').slice(0, 2)).toEqual([
      'PING6(104=40+8+56 bytes) 2001:db8::1 --> 2001:db8::2',
      '64 bytes from 2001:db8::2, icmp_seq=0 hlim=64 time=0.100 ms',
    ]);
    // Fewer than 8 data bytes hold no timestamp: no time, no round-trip line.
    expect(outputOf(r.stdout, 'root@v6-site1> ping 2001:db8::2 inet6 count 1 size 4')).toEqual([
      'PING6(52=40+8+4 bytes) 2001:db8::1 --> 2001:db8::2',
      '12 bytes from 2001:db8::2, icmp_seq=0 hlim=64',
      '',
      '--- 2001:db8::2 ping6 statistics ---',
      '1 packets transmitted, 1 packets received, 0.0% packet loss',
    ]);
    expect(outputOf(r.stdout, 'root@v6-site1> ping 2001:db8::2 rapid').slice(0, 4)).toEqual(['PING6(56=40+8+8 bytes) 2001:db8::1 --> 2001:db8::2', '!!!!!', '', '--- 2001:db8::2 ping6 statistics ---']);
    // `ttl` sets the request's hop limit; the reply comes back with the responder's 64.
    expect(outputOf(r.stdout, 'root@v6-site2> ping 2001:db8::1 count 1 ttl 9')[1]).toBe('16 bytes from 2001:db8::1, icmp_seq=0 hlim=64 time=0.100 ms');

    const rows = tshark(pcap, ['ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ipv6.hlim', 'icmpv6.type', 'icmpv6.echo.sequence_number', 'icmpv6.checksum.status', 'data.len']);
    expect(rows).toHaveLength(10);
    for (const [i, row] of rows.entries()) {
      const request = i % 2 === 0;
      const ends = request ? '2001:db8::1\t2001:db8::2' : '2001:db8::2\t2001:db8::1';
      expect(row).toBe(`${ends}\t58\t64\t${request ? 128 : 129}\t${Math.floor(i / 2)}\t1\t8`);
    }
  });

  it('ping6 errors: no route (before and while sending), a source not ours, the wrong family forced', async () => {
    const r = await runProgram(
      ['--batch', '--topology', VPN],
      ['ping 2001:db8:9::1', 'ping 2001:db8:9::1 source 2001:db8:1::1 count 2 wait 1', 'ping 2001:db8::2 source 2001:db8::99', 'ping inet 2001:db8::2', 'ping inet6 192.0.2.2', 'ping 2001:db8::2 size 0'].join('\n'),
    );
    expect(r.code).toBe(1);
    expect(outputOf(r.stdout, 'root@v6-site1> ping 2001:db8:9::1')).toEqual(['ping6: UDP connect: No route to host']);
    expect(outputOf(r.stdout, 'root@v6-site1> ping 2001:db8:9::1 source 2001:db8:1::1 count 2 wait 1')).toEqual([
      'PING6(56=40+8+8 bytes) 2001:db8:1::1 --> 2001:db8:9::1',
      'ping6: sendmsg: No route to host',
      'ping6: wrote 2001:db8:9::1 16 chars, ret=-1',
      'ping6: sendmsg: No route to host',
      'ping6: wrote 2001:db8:9::1 16 chars, ret=-1',
      '',
      '--- 2001:db8:9::1 ping6 statistics ---',
      '2 packets transmitted, 0 packets received, 100.0% packet loss',
    ]);
    expect(outputOf(r.stdout, 'root@v6-site1> ping 2001:db8::2 source 2001:db8::99')).toEqual(["ping6: bind: Can't assign requested address"]);
    expect(outputOf(r.stdout, 'root@v6-site1> ping inet 2001:db8::2')).toEqual(['ping: cannot resolve 2001:db8::2: Unknown host']);
    expect(outputOf(r.stdout, 'root@v6-site1> ping inet6 192.0.2.2')).toEqual(['ping6: hostname nor servname provided, or not known']);
    expect(outputOf(r.stdout, 'root@v6-site1> ping 2001:db8::2 size 0')).toEqual(['ping6: illegal datalen value -- 0']);
  });
});

describe('IPsec with IPv6', () => {
  it('(b) IPv6 inner traffic crosses the IPv4-outer manual tunnel (st0.1 family inet6): ESP next header 41, counters on both sides, tshark decrypts ICMPv6', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'srx5k-v6vpn-'));
    const pcap = join(dir, 'xe.pcap');
    const keys = join(dir, 'esp_sa');
    const r = await runProgram(
      ['--batch', '--topology', VPN],
      [
        `lab capture start xe-0/0/0 ${pcap}`,
        'ping 2001:db8:2::1 source 2001:db8:1::1 count 5',
        `lab capture stop xe-0/0/0 ${pcap}`,
        'show security ipsec statistics',
        `lab keys ${keys}`,
        'lab console v6-site2',
        'show security ipsec statistics | match packets',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, 'root@v6-site1> ping 2001:db8:2::1 source 2001:db8:1::1 count 5')).toEqual([
      'PING6(56=40+8+8 bytes) 2001:db8:1::1 --> 2001:db8:2::1',
      ...[0, 1, 2, 3, 4].map((s) => `16 bytes from 2001:db8:2::1, icmp_seq=${s} hlim=64 time=0.100 ms`),
      '',
      '--- 2001:db8:2::1 ping6 statistics ---',
      '5 packets transmitted, 5 packets received, 0.0% packet loss',
      'round-trip min/avg/max/std-dev = 0.100/0.100/0.100/0.000 ms',
    ]);
    // 5 inner IPv6 packets of 40 + 8 + 8 bytes each way.
    expect(outputOf(r.stdout, 'root@v6-site1> show security ipsec statistics').slice(0, 5)).toEqual([
      'ESP Statistics:',
      '  Encrypted bytes:              280',
      '  Decrypted bytes:              280',
      '  Encrypted packets:              5',
      '  Decrypted packets:              5',
    ]);
    expect(outputOf(r.stdout, 'root@v6-site2> show security ipsec statistics | match packets').slice(0, 2)).toEqual(['  Encrypted packets:              5', '  Decrypted packets:              5']);

    const rows = tshark(pcap, ['ip.src', 'ip.proto', 'esp.spi', 'esp.sequence', 'esp.icv_good', 'esp.protocol', 'ipv6.src', 'icmpv6.type'], keys);
    expect(rows).toHaveLength(10);
    for (const [i, row] of rows.entries()) {
      const request = i % 2 === 0;
      expect(row).toBe(`${request ? '192.0.2.1' : '192.0.2.2'}\t50\t0x000003e8\t${Math.floor(i / 2) + 1}\t1\t0x29\t${request ? '2001:db8:1::1' : '2001:db8:2::1'}\t${request ? 128 : 129}`);
    }
  });

  it('(c) IPv4 inner traffic crosses the IPv6-outer manual tunnel: outer IPv6 header with next header 50', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'srx5k-v6out-'));
    const pcap = join(dir, 'xe.pcap');
    const keys = join(dir, 'esp_sa');
    const r = await runProgram(
      ['--batch', '--topology', VPN],
      [
        `lab capture start xe-0/0/0 ${pcap}`,
        'ping 10.2.2.3 source 10.1.1.3 count 3',
        `lab capture stop xe-0/0/0 ${pcap}`,
        'show security ipsec security-associations',
        `lab keys ${keys}`,
        'lab console v6-site2',
        'show security ipsec statistics | match packets',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, 'root@v6-site1> ping 10.2.2.3 source 10.1.1.3 count 3')).toContain('3 packets transmitted, 3 packets received, 0% packet loss');
    expect(outputOf(r.stdout, 'root@v6-site1> show security ipsec security-associations')).toContain('  >500002 ESP:aes-cbc-256/sha256 000007d0 -/ unlim - root - 2001:db8::2');
    expect(outputOf(r.stdout, 'root@v6-site2> show security ipsec statistics | match packets').slice(0, 2)).toEqual(['  Encrypted packets:              3', '  Decrypted packets:              3']);
    const rows = tshark(pcap, ['ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'esp.spi', 'esp.icv_good', 'esp.protocol', 'ip.src', 'icmp.type'], keys);
    expect(rows).toHaveLength(6);
    for (const [i, row] of rows.entries()) {
      const request = i % 2 === 0;
      const ends = request ? '2001:db8::1\t2001:db8::2' : '2001:db8::2\t2001:db8::1';
      expect(row).toBe(`${ends}\t50\t0x000007d0\t1\t0x04\t${request ? '10.1.1.3' : '10.2.2.3'}\t${request ? 8 : 0}`);
    }
  });

});

describe('IPv6 transit through zone policies', () => {
  it('the policy (any-ipv6 to an IPv6 address-book entry, junos-ping) permits one direction, the session lets replies back, the other direction is denied by default', async () => {
    const r = await runProgram(['--batch', '--topology', join(TOPO, 'v6-transit.yaml')], 'ping 2001:db8:20::1 count 3\nlab console v6-r2\nping 2001:db8:10::1 count 2 wait 1\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, 'root@v6-r1> ping 2001:db8:20::1 count 3')).toEqual([
      'PING6(56=40+8+8 bytes) 2001:db8:10::1 --> 2001:db8:20::1',
      ...[0, 1, 2].map((s) => `16 bytes from 2001:db8:20::1, icmp_seq=${s} hlim=63 time=0.200 ms`),
      '',
      '--- 2001:db8:20::1 ping6 statistics ---',
      '3 packets transmitted, 3 packets received, 0.0% packet loss',
      'round-trip min/avg/max/std-dev = 0.200/0.200/0.200/0.000 ms',
    ]);
    expect(outputOf(r.stdout, 'root@v6-r2> ping 2001:db8:10::1 count 2 wait 1')).toEqual([
      'PING6(56=40+8+8 bytes) 2001:db8:20::1 --> 2001:db8:10::1',
      '',
      '--- 2001:db8:10::1 ping6 statistics ---',
      '2 packets transmitted, 0 packets received, 100.0% packet loss',
    ]);
  });
});
