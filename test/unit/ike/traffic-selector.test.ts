/**
 * Traffic selectors: prefix ↔ range, the Junos detail-output text, narrowing (RFC 7296 §2.9) with
 * a plain reason when it fails, and the selectors a VPN proposes (route-based default,
 * proxy-identity, several traffic selectors each with its own CHILD SA).
 */
import { describe, expect, it } from 'vitest';
import type { IpsecVpnConfig } from '../../../ike/config-model.js';
import {
  checkNarrowed,
  intersectSelectors,
  narrow,
  narrowAsResponder,
  parsePortRange,
  proxyIdentityPair,
  routeBasedDefault,
  selectorFromPrefix,
  selectorPrefix,
  selectorShort,
  selectorText,
  vpnSelectorPairs,
  type WireTrafficSelector,
} from '../../../ike/traffic-selector.js';

function ts(prefix: string, protocol = 0, ports: [number, number] = [0, 65535]): WireTrafficSelector {
  const r = selectorFromPrefix(prefix, protocol, ports);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}
const range = (a: number[], b: number[], protocol = 0, ports: [number, number] = [0, 65535]): WireTrafficSelector => ({
  type: a.length === 4 ? 7 : 8,
  protocol,
  startPort: ports[0],
  endPort: ports[1],
  start: Uint8Array.from(a),
  end: Uint8Array.from(b),
});

const baseVpn: IpsecVpnConfig = {
  name: 'V1',
  bindInterface: 'st0.1',
  dfBit: 'clear',
  copyOuterDscp: false,
  ike: { gateway: 'GW', ipsecPolicy: 'IPOL', installInterval: 1, antiReplayWindow: 64 },
  trafficSelectors: [],
  establishTunnels: 'on-traffic',
};

describe('prefix ↔ range', () => {
  it.each([
    ['10.0.0.0/24', 7, [10, 0, 0, 0], [10, 0, 0, 255]],
    ['0.0.0.0/0', 7, [0, 0, 0, 0], [255, 255, 255, 255]],
    ['192.0.2.7/32', 7, [192, 0, 2, 7], [192, 0, 2, 7]],
    ['10.1.2.3/16', 7, [10, 1, 0, 0], [10, 1, 255, 255]],
    ['2001:db8::/32', 8, [0x20, 0x01, 0x0d, 0xb8, ...Array(12).fill(0)], [0x20, 0x01, 0x0d, 0xb8, ...Array(12).fill(0xff)]],
  ])('%s → type %i %o..%o and back', (prefix, type, start, end) => {
    const s = ts(prefix);
    expect(s).toEqual({ type, protocol: 0, startPort: 0, endPort: 65535, start: Uint8Array.from(start), end: Uint8Array.from(end) });
    expect(selectorPrefix(s)).toBe(prefix === '10.1.2.3/16' ? '10.1.0.0/16' : prefix);
  });

  it('a range that is not one prefix has no prefix form', () => {
    expect(selectorPrefix(range([10, 0, 0, 1], [10, 0, 0, 5]))).toBeUndefined();
  });

  it.each([
    ['80', [80, 80]],
    ['1024-65535', [1024, 65535]],
    ['http', [80, 80]],
    ['any', [0, 65535]],
    ['90-80', undefined],
    ['x', undefined],
  ])('port range %s → %o', (text, want) => {
    expect(parsePortRange(text)).toEqual(want);
  });
});

describe('text form of Junos detail output', () => {
  it.each([
    [ts('0.0.0.0/0'), 'ipv4_subnet(any:0,[0..7]=0.0.0.0/0)'],
    [ts('10.0.0.0/24'), 'ipv4_subnet(any:0,[0..7]=10.0.0.0/24)'],
    [ts('10.0.0.0/24', 6, [80, 80]), 'ipv4_subnet(tcp:80,[0..7]=10.0.0.0/24)'],
    [ts('10.0.0.0/24', 17, [1000, 2000]), 'ipv4_subnet(udp:1000-2000,[0..7]=10.0.0.0/24)'],
    [ts('192.0.2.9/32'), 'ipv4(any:0,[0..3]=192.0.2.9)'],
    [range([10, 0, 0, 1], [10, 0, 0, 5]), 'ipv4_range(any:0,[0..7]=10.0.0.1-10.0.0.5)'],
    [ts('2001:db8::/64'), 'ipv6_subnet(any:0,[0..31]=2001:db8::/64)'],
  ])('%o → %s', (s, text) => {
    expect(selectorText(s)).toBe(text);
  });
});

describe('narrowing (RFC 7296 §2.9)', () => {
  it.each([
    ['peer wider: narrowed to ours', [ts('10.1.0.0/16')], [ts('10.0.0.0/8')], ['10.1.0.0/16']],
    ['peer narrower: taken as it is', [ts('0.0.0.0/0')], [ts('10.1.2.0/24')], ['10.1.2.0/24']],
    ['overlap of two ranges', [ts('10.1.0.0/16')], [range([10, 0, 255, 0], [10, 1, 0, 255])], ['10.1.0.0/24']],
    ['several of ours: every intersection', [ts('10.1.0.0/24'), ts('10.2.0.0/24')], [ts('10.0.0.0/8')], ['10.1.0.0/24', '10.2.0.0/24']],
    ['protocol and ports intersect', [ts('10.1.0.0/16', 6, [0, 65535])], [ts('10.1.0.0/16', 0, [80, 80])], ['10.1.0.0/16 tcp:80']],
  ])('%s', (_what, ours, theirs, want) => {
    const r = narrow(ours, theirs);
    expect(r.ok && r.value.map(selectorShort)).toEqual(want);
  });

  it('the first selector may be the triggering packet: only the piece that holds it is kept', () => {
    const packet = ts('10.1.2.3/32', 6, [443, 443]);
    const r = narrow([ts('10.1.2.0/24'), ts('10.1.9.0/24')], [packet, ts('10.1.0.0/16')]);
    expect(r.ok && r.value.map(selectorShort)).toEqual(['10.1.2.0/24']);
  });

  it('disjoint selectors give the plain reason', () => {
    expect(narrow([ts('10.1.0.0/16')], [ts('10.9.0.0/16')])).toEqual({ ok: false, reason: 'traffic selectors unacceptable: ours 10.1.0.0/16 vs peer 10.9.0.0/16' });
    expect(narrow([ts('10.1.0.0/16', 6, [80, 80])], [ts('10.1.0.0/16', 17, [0, 65535])])).toEqual({ ok: false, reason: 'traffic selectors unacceptable: ours 10.1.0.0/16 tcp:80 vs peer 10.1.0.0/16 udp:0' });
    expect(intersectSelectors(ts('10.0.0.0/8'), ts('2001:db8::/32'))).toBeUndefined();
  });

  it('as responder, TSi meets our remote side and TSr our local side', () => {
    const ours = { local: [ts('10.1.0.0/16')], remote: [ts('10.2.0.0/16')] };
    const r = narrowAsResponder(ours, [ts('10.2.0.0/24')], [ts('0.0.0.0/0')]);
    expect(r.ok && [r.value.tsi.map(selectorShort), r.value.tsr.map(selectorShort)]).toEqual([['10.2.0.0/24'], ['10.1.0.0/16']]);
    expect(narrowAsResponder(ours, [ts('10.1.0.0/24')], [ts('10.1.0.0/16')])).toEqual({
      ok: false,
      reason: "traffic selectors unacceptable: ours 10.2.0.0/16 vs peer 10.1.0.0/24 (initiator's TSi, our remote side)",
    });
  });

  it('as initiator, the responder may narrow but not widen', () => {
    const offered = { local: [ts('10.1.0.0/16')], remote: [ts('10.2.0.0/16')] };
    expect(checkNarrowed(offered, [ts('10.1.5.0/24')], [ts('10.2.0.0/16')]).ok).toBe(true);
    expect(checkNarrowed(offered, [ts('10.0.0.0/8')], [ts('10.2.0.0/16')])).toEqual({ ok: false, reason: 'traffic selectors unacceptable: peer TSi 10.0.0.0/8 is outside ours 10.1.0.0/16' });
  });
});

describe('what a VPN proposes', () => {
  it('route-based without selectors: 0.0.0.0/0 both sides, any protocol and port', () => {
    const r = vpnSelectorPairs(baseVpn);
    expect(r.ok && r.value).toEqual([{ name: 'V1', pair: routeBasedDefault() }]);
    expect(selectorText(routeBasedDefault().local[0]!)).toBe('ipv4_subnet(any:0,[0..7]=0.0.0.0/0)');
    expect(selectorText(routeBasedDefault(6).remote[0]!)).toBe('ipv6_subnet(any:0,[0..31]=::/0)');
  });

  it.each([
    [{ local: '10.1.0.0/16', remote: '10.2.0.0/16' }, ['10.1.0.0/16'], ['10.2.0.0/16']],
    [{ local: '10.1.0.0/16', remote: '10.2.0.0/16', service: 'junos-http' }, ['10.1.0.0/16 tcp:0'], ['10.2.0.0/16 tcp:80']],
    [{ remote: '2001:db8:2::/48' }, ['::/0'], ['2001:db8:2::/48']],
    [{ local: '10.1.0.0/16', service: 'MYAPP' }, ['10.1.0.0/16 udp:0'], ['0.0.0.0/0 udp:5000-5010']],
  ])('proxy-identity %o', (pid, local, remote) => {
    const r = proxyIdentityPair(pid, new Map([['MYAPP', { protocol: 17, destinationPorts: [5000, 5010] as const }]]));
    expect(r.ok && [r.value.local.map(selectorShort), r.value.remote.map(selectorShort)]).toEqual([local, remote]);
  });

  it('an unknown proxy-identity service is refused with the reason', () => {
    expect(proxyIdentityPair({ local: '10.1.0.0/16', service: 'NOPE' })).toEqual({ ok: false, reason: 'service NOPE is not a known application (single-term custom applications and common junos-* ones only)' });
  });

  it('"multiple traffic selectors … can result in multiple Phase 2 IPsec SAs": one pair per traffic-selector', () => {
    const vpn: IpsecVpnConfig = {
      ...baseVpn,
      trafficSelectors: [
        { name: 'TS1', localIp: '10.1.0.0/16', remoteIp: '10.2.0.0/16', terms: [] },
        { name: 'TS2', localIp: '10.1.0.0/16', remoteIp: '10.3.0.0/16', protocol: 'tcp', sourcePort: '1024-65535', destinationPort: '443', terms: [] },
        {
          name: 'TS3',
          terms: [
            { name: 'A', localIp: '192.168.1.0/24', remoteIp: '192.168.9.0/24' },
            { name: 'B', localIp: '192.168.2.0/24', remoteIp: '192.168.9.0/24', protocol: 'udp' },
          ],
        },
      ],
    };
    const r = vpnSelectorPairs(vpn);
    expect(r.ok && r.value.map((p) => [p.name, p.pair.local.map(selectorShort), p.pair.remote.map(selectorShort)])).toEqual([
      ['TS1', ['10.1.0.0/16'], ['10.2.0.0/16']],
      ['TS2', ['10.1.0.0/16 tcp:1024-65535'], ['10.3.0.0/16 tcp:443']],
      ['TS3', ['192.168.1.0/24', '192.168.2.0/24 udp:0'], ['192.168.9.0/24', '192.168.9.0/24 udp:0']],
    ]);
  });

  it('a traffic selector with a bad protocol says which', () => {
    const r = vpnSelectorPairs({ ...baseVpn, trafficSelectors: [{ name: 'T', localIp: '10.0.0.0/8', protocol: 'bogus', terms: [] }] });
    expect(r).toEqual({ ok: false, reason: 'VPN V1: traffic-selector T: unknown protocol bogus' });
  });
});
