/**
 * The IPv6 side of the forwarding model, table and policies: inet6 addresses give local and
 * connected routes, `routing-options rib inet6.0 static` gives static ones (over a connected
 * IPv6 subnet or into st0), each table keeps to its family, ICMPv6 matches `junos-ping` and
 * `any-ipv6`; and ping6's output.
 */
import { describe, expect, it } from 'vitest';
import { forwardingModel } from '../../../chassis/net/forwarding-config.js';
import type { Ping6Result } from '../../../chassis/net/stack.js';
import { cFixed, renderPing } from '../../../cli/engine/render/ping.js';
import { emptyContainer } from '../../../config/data.js';
import { loadConfigText } from '../../../config/load.js';
import { schemaRoot } from '../../../config/schema/schema.js';
import { Fib } from '../../../dataplane/forwarding/fib.js';
import type { ForwardingModel } from '../../../dataplane/forwarding/model.js';
import { decidePolicy, hostInboundAllowed } from '../../../dataplane/forwarding/policy.js';
import { addressFromText, addressToText } from '../../../dataplane/packet/address.js';

const a = (t: string): Uint8Array => {
  const r = addressFromText(t);
  if (!r.ok) throw new Error(t);
  return r.value;
};

const MODEL: ForwardingModel = {
  interfaces: [
    { name: 'xe-0/0/0.0', ifd: 'xe-0/0/0', unit: 0, inet: ['192.0.2.1/24'], inet6: ['2001:db8::1/64'], zone: 'untrust', multipoint: false },
    { name: 'xe-0/0/1.0', ifd: 'xe-0/0/1', unit: 0, inet: [], inet6: ['2001:db8:10::1/64', '2001:db8:11::1/64'], zone: 'trust', multipoint: false },
    { name: 'lo0.0', ifd: 'lo0', unit: 0, inet: ['10.1.1.1/32'], inet6: ['2001:db8:1::1/128'], zone: 'trust', multipoint: false },
    { name: 'st0.1', ifd: 'st0', unit: 1, inet: ['10.255.1.1/30'], inet6: [], zone: 'vpn', multipoint: false },
    { name: 'xe-0/0/5.0', ifd: 'xe-0/0/5', unit: 0, inet: [], inet6: ['2001:db8:55::1/64'], multipoint: false },
  ],
  routes: [
    { prefix: '::/0', nextHops: ['2001:db8::fe'], discard: false, rib: 'inet6.0' },
    { prefix: '2001:db8:2::/48', nextHops: ['st0.1'], discard: false, rib: 'inet6.0' },
    { prefix: '2001:db8:66::/48', nextHops: [], discard: true, rib: 'inet6.0' },
    { prefix: '2001:db8:77::/48', nextHops: ['2001:db8:99::1'], discard: false, rib: 'inet6.0' },
    // A route in the table of the other family is never installed.
    { prefix: '2001:db8:88::/48', nextHops: ['st0.1'], discard: false, rib: 'inet.0' },
    { prefix: '10.88.0.0/16', nextHops: ['st0.1'], discard: false, rib: 'inet6.0' },
    // An IPv4 next hop cannot carry an IPv6 route.
    { prefix: '2001:db8:44::/48', nextHops: ['192.0.2.254'], discard: false, rib: 'inet6.0' },
    { prefix: '2001:db8:10::/64', nextHops: ['2001:db8::fe'], discard: false, rib: 'inet6.0' },
  ],
  zones: [
    { name: 'untrust', hostInboundServices: ['ping'], interfaceServices: {}, addresses: {} },
    { name: 'trust', hostInboundServices: [], interfaceServices: {}, addresses: { V6LAN: ['2001:db8:10::/64'] } },
    { name: 'vpn', hostInboundServices: [], interfaceServices: {}, addresses: {} },
  ],
  policies: [
    { fromZone: 'trust', toZone: 'vpn', name: 'ping6-only', sourceAddresses: ['V6LAN'], destinationAddresses: ['any-ipv6'], applications: ['junos-ping'], action: 'permit' },
    { fromZone: 'trust', toZone: 'untrust', name: 'v4-only', sourceAddresses: ['any-ipv4'], destinationAddresses: ['any'], applications: ['any'], action: 'permit' },
    { fromZone: 'trust', toZone: 'untrust', name: 'echo6', sourceAddresses: ['any'], destinationAddresses: ['REMOTE6'], applications: ['ECHO6'], action: 'permit' },
  ],
  addressBook: { REMOTE6: ['2001:db8:2::/48'] },
  applications: { ECHO6: [{ protocol: 'icmp6', icmpType: 128 }] },
};

describe('IPv6 forwarding table', () => {
  const fib = new Fib(MODEL, (ifd) => ifd !== 'xe-0/0/5');

  it('local and connected routes from inet6 addresses; static routes via a connected IPv6 gateway, into st0, discard', () => {
    expect(fib.lookup(a('2001:db8::1'))).toMatchObject({ protocol: 'Local', nextHop: { kind: 'local', ifl: 'xe-0/0/0.0' } });
    expect(fib.lookup(a('2001:db8:1::1'))).toMatchObject({ protocol: 'Local', nextHop: { kind: 'local', ifl: 'lo0.0' } });
    expect(fib.lookup(a('2001:db8::77'))).toMatchObject({ protocol: 'Direct', nextHop: { kind: 'direct', ifl: 'xe-0/0/0.0' } });
    expect(fib.lookup(a('2001:db8:11::9'))).toMatchObject({ protocol: 'Direct', nextHop: { kind: 'direct', ifl: 'xe-0/0/1.0' } });
    expect(fib.lookup(a('2001:db8:2::1'))).toMatchObject({ protocol: 'Static', nextHop: { kind: 'interface', ifl: 'st0.1' } });
    expect(fib.lookup(a('2001:db8:66::1'))).toMatchObject({ nextHop: { kind: 'discard' } });
    expect(fib.lookup(a('2606:4700::1111'))).toMatchObject({ protocol: 'Static', prefix: { length: 0 }, nextHop: { kind: 'gateway', ifl: 'xe-0/0/0.0', via: '2001:db8::fe' } });
    expect(fib.local(a('2001:db8:10::1'))?.name).toBe('xe-0/0/1.0');
  });

  it('the families stay apart: no IPv4 default for an IPv6 destination, a route in the wrong table or over the wrong family is not installed', () => {
    const v4only = new Fib({ ...MODEL, routes: [{ prefix: '0.0.0.0/0', nextHops: ['192.0.2.254'], discard: false }] }, () => true);
    expect(v4only.lookup(a('2001:db8:2::1'))).toBeUndefined();
    expect(v4only.lookup(a('8.8.8.8'))).toMatchObject({ nextHop: { kind: 'gateway' } });
    // 2001:db8:88::/48 was configured in inet.0, 10.88/16 in inet6.0, 2001:db8:44::/48 via an IPv4 gateway.
    expect(fib.lookup(a('2001:db8:88::1'))?.prefix.length).toBe(0);
    expect(fib.lookup(a('10.88.0.1'))).toBeUndefined();
    expect(fib.lookup(a('2001:db8:44::1'))?.prefix.length).toBe(0);
    // A gateway that is on no connected subnet: not installed, the default route takes over.
    expect(fib.lookup(a('2001:db8:77::1'))?.prefix.length).toBe(0);
  });

  it('a connected IPv6 route beats a static one to the same prefix; a port that is down contributes nothing', () => {
    expect(fib.lookup(a('2001:db8:10::9'))).toMatchObject({ protocol: 'Direct' });
    expect(fib.local(a('2001:db8:55::1'))).toBeUndefined();
  });

  it('source selection: the outgoing interface first (longest common prefix among its addresses), else any IPv6 address that is up', () => {
    const text = (x: Uint8Array | undefined) => (x ? addressToText(x) : undefined);
    expect(text(fib.sourceFor6('xe-0/0/0.0', a('2001:db8::fe'), MODEL))).toBe('2001:db8::1');
    expect(text(fib.sourceFor6('xe-0/0/1.0', a('2001:db8:11::42'), MODEL))).toBe('2001:db8:11::1');
    // st0.1 has no IPv6 address: the closest up address to 2001:db8:10:: is xe-0/0/1.0's.
    expect(text(fib.sourceFor6('st0.1', a('2001:db8:10::42'), MODEL))).toBe('2001:db8:10::1');
    // Never an address of a port that is down (xe-0/0/5).
    expect(text(fib.sourceFor6('st0.1', a('2001:db8:55::42'), MODEL))).not.toBe('2001:db8:55::1');
  });
});

describe('IPv6 security policies and host-inbound traffic', () => {
  const flow = (src: string, dst: string, protocol: number, icmpType?: number) => ({ src: a(src), dst: a(dst), protocol, ...(icmpType !== undefined ? { icmpType } : {}) });

  it('junos-ping matches an ICMPv6 echo request (type 128), not a reply nor other ICMPv6', () => {
    expect(decidePolicy(MODEL, 'trust', 'vpn', flow('2001:db8:10::5', '2001:db8:2::1', 58, 128))).toMatchObject({ action: 'permit', policy: { name: 'ping6-only' } });
    expect(decidePolicy(MODEL, 'trust', 'vpn', flow('2001:db8:10::5', '2001:db8:2::1', 58, 129))).toEqual({ action: 'deny' });
    expect(decidePolicy(MODEL, 'trust', 'vpn', flow('2001:db8:10::5', '2001:db8:2::1', 58, 135))).toEqual({ action: 'deny' });
  });

  it('zone address books with IPv6 prefixes; any-ipv6 and any-ipv4 tell the families apart', () => {
    expect(decidePolicy(MODEL, 'trust', 'vpn', flow('2001:db8:11::5', '2001:db8:2::1', 58, 128))).toEqual({ action: 'deny' });
    expect(decidePolicy(MODEL, 'trust', 'vpn', { ...flow('2001:db8:10::5', '2001:db8:2::1', 58, 128), dst: a('10.2.2.2') })).toEqual({ action: 'deny' });
    expect(decidePolicy(MODEL, 'trust', 'untrust', flow('10.0.0.1', '192.0.2.9', 6))).toMatchObject({ policy: { name: 'v4-only' } });
    expect(decidePolicy(MODEL, 'trust', 'untrust', flow('2001:db8:10::5', '2001:db8:3::1', 6))).toEqual({ action: 'deny' });
  });

  it('a custom application with protocol icmp6 and an icmp6-type; global address book IPv6 prefixes', () => {
    expect(decidePolicy(MODEL, 'trust', 'untrust', flow('2001:db8:10::5', '2001:db8:2::9', 58, 128))).toMatchObject({ policy: { name: 'echo6' } });
    expect(decidePolicy(MODEL, 'trust', 'untrust', flow('2001:db8:10::5', '2001:db8:2::9', 1, 128))).toEqual({ action: 'deny' });
  });

  it('host-inbound ping covers ICMPv6 echo the same way (one service for both families)', () => {
    expect(hostInboundAllowed(MODEL, 'xe-0/0/0.0', 'ping')).toBe(true);
    expect(hostInboundAllowed(MODEL, 'xe-0/0/1.0', 'ping')).toBe(false);
  });
});

describe('forwarding model from configuration', () => {
  const model = (lines: string[]): ForwardingModel => {
    const r = loadConfigText('set', lines.join('\n'), emptyContainer(), { root: schemaRoot(), origin: 'test' });
    if (!r.ok) throw new Error(r.error);
    expect(r.errors).toEqual([]);
    return forwardingModel(r.tree);
  };

  it('reads rib inet6.0 static routes (next hop, interface, discard) beside inet.0 ones, and inet6 addresses', () => {
    const m = model([
      'set interfaces xe-0/0/0 unit 0 family inet6 address 2001:db8::1/64',
      'set interfaces st0 unit 1 family inet6',
      'set routing-options static route 10.0.0.0/8 next-hop 192.0.2.254',
      'set routing-options rib inet6.0 static route 2001:db8:2::/48 next-hop st0.1',
      'set routing-options rib inet6.0 static route ::/0 next-hop 2001:db8::fe',
      'set routing-options rib inet6.0 static route 2001:db8:66::/48 discard',
    ]);
    expect(m.interfaces.find((i) => i.name === 'xe-0/0/0.0')?.inet6).toEqual(['2001:db8::1/64']);
    expect(m.routes).toEqual([
      { prefix: '10.0.0.0/8', nextHops: ['192.0.2.254'], discard: false, rib: 'inet.0' },
      { prefix: '2001:db8:2::/48', nextHops: ['st0.1'], discard: false, rib: 'inet6.0' },
      { prefix: '::/0', nextHops: ['2001:db8::fe'], discard: false, rib: 'inet6.0' },
      { prefix: '2001:db8:66::/48', nextHops: [], discard: true, rib: 'inet6.0' },
    ]);
  });

  it('inactive rib routes are skipped; icmp6-type and icmp-type names become type numbers', () => {
    const m = model([
      'set routing-options rib inet6.0 static route 2001:db8:2::/48 next-hop st0.1',
      'deactivate routing-options rib inet6.0 static route 2001:db8:2::/48',
      'set applications application E6 protocol icmp6 icmp6-type echo-request',
      'set applications application E4 protocol icmp icmp-type echo-reply',
      'set applications application N6 protocol icmp6 icmp6-type 135',
    ]);
    expect(m.routes).toEqual([]);
    expect(m.applications).toEqual({ E6: [{ protocol: 'icmp6', icmpType: 128 }], E4: [{ protocol: 'icmp', icmpType: 0 }], N6: [{ protocol: 'icmp6', icmpType: 135 }] });
  });
});

describe('ping6 output (FreeBSD ping6.c)', () => {
  const result = (over: Partial<Ping6Result> = {}): Ping6Result => ({
    family: 'inet6',
    host: '2001:db8::2',
    address: '2001:db8::2',
    source: '2001:db8::1',
    dataBytes: 8,
    sent: 3,
    rapid: false,
    replies: [
      { seq: 0, bytes: 16, from: '2001:db8::2', ttl: 64, rttMs: 1 },
      { seq: 2, bytes: 16, from: '2001:db8::2', ttl: 64, rttMs: 3 },
    ],
    events: [],
    ...over,
  });

  it('a lost reply prints nothing of its own (no Request timeout in ping6); loss with one decimal; std-dev', () => {
    expect(renderPing(result())).toEqual([
      'PING6(56=40+8+8 bytes) 2001:db8::1 --> 2001:db8::2',
      '16 bytes from 2001:db8::2, icmp_seq=0 hlim=64 time=1.000 ms',
      '16 bytes from 2001:db8::2, icmp_seq=2 hlim=64 time=3.000 ms',
      '',
      '--- 2001:db8::2 ping6 statistics ---',
      '3 packets transmitted, 2 packets received, 33.3% packet loss',
      'round-trip min/avg/max/std-dev = 1.000/2.000/3.000/1.000 ms',
    ]);
  });

  it('rapid: ! and .; nothing back: no round-trip line; the host as typed in the statistics', () => {
    expect(renderPing(result({ host: '2001:DB8::2', rapid: true, replies: [] }))).toEqual([
      'PING6(56=40+8+8 bytes) 2001:db8::1 --> 2001:db8::2',
      '...',
      '',
      '--- 2001:DB8::2 ping6 statistics ---',
      '3 packets transmitted, 0 packets received, 100.0% packet loss',
    ]);
  });

  it('printf rounding: an exact tie goes to the even digit, anything else as toFixed', () => {
    expect(cFixed(6.25, 1)).toBe('6.2'); // 1 of 16 lost: printf("%.1f") prints 6.2
    expect(cFixed(6.75, 1)).toBe('6.8');
    expect(cFixed(0.0625, 3)).toBe('0.062');
    expect(cFixed(2.5, 0)).toBe('2');
    expect(cFixed(0.15, 1)).toBe('0.1'); // 0.15 is a little under 0.15 as a double
    expect(cFixed(33.333333333333336, 1)).toBe('33.3');
    expect(cFixed(0.1, 3)).toBe('0.100');
    expect(cFixed(-6.25, 1)).toBe('-6.2');
  });
});
