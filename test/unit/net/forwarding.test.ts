import { describe, expect, it } from 'vitest';
import { Fib } from '../../../dataplane/forwarding/fib.js';
import type { ForwardingModel } from '../../../dataplane/forwarding/model.js';
import { decidePolicy, hostInboundAllowed } from '../../../dataplane/forwarding/policy.js';
import { addressFromText } from '../../../dataplane/packet/address.js';

const a = (t: string): Uint8Array => {
  const r = addressFromText(t);
  if (!r.ok) throw new Error(t);
  return r.value;
};

const MODEL: ForwardingModel = {
  interfaces: [
    { name: 'xe-0/0/0.0', ifd: 'xe-0/0/0', unit: 0, inet: ['192.0.2.1/24'], inet6: [], zone: 'untrust', multipoint: false },
    { name: 'xe-0/0/1.0', ifd: 'xe-0/0/1', unit: 0, inet: ['10.0.0.1/24'], inet6: [], zone: 'trust', multipoint: false },
    { name: 'st0.1', ifd: 'st0', unit: 1, inet: ['10.255.1.1/30'], inet6: [], zone: 'vpn', multipoint: false },
    { name: 'xe-0/0/5.0', ifd: 'xe-0/0/5', unit: 0, inet: ['198.51.100.1/24'], inet6: [], multipoint: false },
  ],
  routes: [
    { prefix: '0.0.0.0/0', nextHops: ['192.0.2.254'], discard: false },
    { prefix: '10.20.0.0/16', nextHops: ['st0.1'], discard: false },
    { prefix: '10.99.0.0/16', nextHops: ['203.0.113.1'], discard: false },
    { prefix: '10.66.0.0/16', nextHops: [], discard: true },
    { prefix: '10.0.0.0/24', nextHops: ['192.0.2.254'], discard: false },
  ],
  zones: [
    { name: 'untrust', hostInboundServices: ['ike'], interfaceServices: {}, addresses: {} },
    { name: 'trust', hostInboundServices: ['all'], interfaceServices: {}, addresses: {} },
    { name: 'vpn', hostInboundServices: [], interfaceServices: { 'st0.1': ['ping'] }, addresses: {} },
  ],
  policies: [
    { fromZone: 'trust', toZone: 'vpn', name: 'deny-web', sourceAddresses: ['any'], destinationAddresses: ['REMOTE'], applications: ['junos-http'], action: 'deny' },
    { fromZone: 'trust', toZone: 'vpn', name: 'allow', sourceAddresses: ['LAN'], destinationAddresses: ['REMOTE'], applications: ['any'], action: 'permit' },
  ],
  addressBook: { LAN: ['10.0.0.0/24'], REMOTE: ['10.20.0.0/16'] },
  applications: {},
};

describe('forwarding table', () => {
  const fib = new Fib(MODEL, (ifd) => ifd !== 'xe-0/0/5');
  it('local, connected, static via a gateway, static into st0, discard; longest prefix wins', () => {
    expect(fib.lookup(a('192.0.2.1'))).toMatchObject({ protocol: 'Local', nextHop: { kind: 'local', ifl: 'xe-0/0/0.0' } });
    expect(fib.lookup(a('192.0.2.77'))).toMatchObject({ protocol: 'Direct', nextHop: { kind: 'direct', ifl: 'xe-0/0/0.0' } });
    expect(fib.lookup(a('8.8.8.8'))).toMatchObject({ protocol: 'Static', nextHop: { kind: 'gateway', ifl: 'xe-0/0/0.0', via: '192.0.2.254' } });
    expect(fib.lookup(a('10.20.3.4'))).toMatchObject({ nextHop: { kind: 'interface', ifl: 'st0.1' } });
    expect(fib.lookup(a('10.66.1.1'))).toMatchObject({ nextHop: { kind: 'discard' } });
  });
  it('a static route whose next hop is not on a connected subnet is not installed (falls to the default)', () => {
    expect(fib.lookup(a('10.99.1.1'))).toMatchObject({ prefix: { length: 0 } });
  });
  it('a connected route beats a static route to the same prefix', () => {
    expect(fib.lookup(a('10.0.0.9'))).toMatchObject({ protocol: 'Direct' });
  });
  it('interfaces whose port is down contribute nothing', () => {
    expect(fib.local(a('198.51.100.1'))).toBeUndefined();
    expect(fib.lookup(a('198.51.100.7'))?.prefix.length).toBe(0);
  });
});

describe('security policies and host-inbound traffic', () => {
  const flow = (src: string, dst: string, protocol: number, extra: { dstPort?: number; icmpType?: number } = {}) => ({ src: a(src), dst: a(dst), protocol, ...extra });
  it('first matching policy in order decides', () => {
    expect(decidePolicy(MODEL, 'trust', 'vpn', flow('10.0.0.5', '10.20.1.1', 6, { dstPort: 80 }))).toMatchObject({ action: 'deny', policy: { name: 'deny-web' } });
    expect(decidePolicy(MODEL, 'trust', 'vpn', flow('10.0.0.5', '10.20.1.1', 6, { dstPort: 22 }))).toMatchObject({ action: 'permit', policy: { name: 'allow' } });
  });
  it('nothing matching is the default deny', () => {
    expect(decidePolicy(MODEL, 'trust', 'vpn', flow('172.16.0.1', '10.20.1.1', 1, { icmpType: 8 }))).toEqual({ action: 'deny' });
    expect(decidePolicy(MODEL, 'vpn', 'trust', flow('10.20.1.1', '10.0.0.5', 1, { icmpType: 8 }))).toEqual({ action: 'deny' });
  });
  it('host-inbound: zone services, interface overrides, all', () => {
    expect(hostInboundAllowed(MODEL, 'xe-0/0/0.0', 'ike')).toBe(true);
    expect(hostInboundAllowed(MODEL, 'xe-0/0/0.0', 'ping')).toBe(false);
    expect(hostInboundAllowed(MODEL, 'xe-0/0/1.0', 'ssh')).toBe(true);
    expect(hostInboundAllowed(MODEL, 'st0.1', 'ping')).toBe(true);
    expect(hostInboundAllowed(MODEL, 'xe-0/0/5.0', 'ping')).toBe(false);
  });
});
