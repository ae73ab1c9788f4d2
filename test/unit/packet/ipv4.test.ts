import { describe, expect, it } from 'vitest';
import {
  IPV4_HEADER_LENGTH,
  IpProtocol,
  buildIpv4Header,
  buildIpv4Packet,
  decrementTtl,
  parseIpv4,
  type Ipv4BuildOptions,
} from '../../../dataplane/packet/ipv4.js';
import { internetChecksum } from '../../../dataplane/packet/checksum.js';
import { hex, refChecksum, toHex } from './helpers.js';

describe('IPv4 build', () => {
  it('the textbook header: 192.168.0.1 -> 192.168.0.199, UDP, DF, TTL 64, 115 bytes', () => {
    const h = buildIpv4Header({
      source: hex('c0a80001'),
      destination: hex('c0a800c7'),
      protocol: IpProtocol.UDP,
      ttl: 64,
      dontFragment: true,
      payloadLength: 115 - 20,
    });
    //                 ver/ihl tos  len  id   flags ttl proto csum  src       dst
    expect(toHex(h)).toBe('4500' + '0073' + '0000' + '4000' + '4011' + 'b861' + 'c0a80001' + 'c0a800c7');
  });

  it('every field lands where RFC 791 puts it', () => {
    const h = buildIpv4Header({
      source: hex('0a000001'),
      destination: hex('0a000002'),
      protocol: IpProtocol.ESP,
      ttl: 1,
      tos: 0xb8, // DSCP EF
      identification: 0xabcd,
      moreFragments: true,
      fragmentOffset: 185, // 1480 bytes / 8
      payloadLength: 1480,
    });
    // 4500 | 05dc (1500) | abcd | 20b9 (MF, offset 185) | 01 32 | csum | src | dst
    const expected = hex('45b8 05dc abcd 20b9 0132 0000 0a000001 0a000002');
    const csum = refChecksum(expected);
    expected[10] = csum >> 8;
    expected[11] = csum & 0xff;
    expect(h).toEqual(expected);
    expect(internetChecksum(h)).toBe(0);
  });

  it('buildIpv4Packet appends the payload', () => {
    const p = buildIpv4Packet({ source: hex('01020304'), destination: hex('05060708'), protocol: 253, payload: hex('deadbeef') });
    expect(p.length).toBe(24);
    expect(toHex(p.subarray(20))).toBe('deadbeef');
    expect(p[8]).toBe(64); // default TTL
  });

  it('refuses impossible arguments', () => {
    const base = { source: hex('01020304'), destination: hex('05060708'), protocol: 6, payloadLength: 0 };
    expect(() => buildIpv4Header({ ...base, source: new Uint8Array(16) })).toThrow(RangeError);
    expect(() => buildIpv4Header({ ...base, ttl: 256 })).toThrow(/ttl/);
    expect(() => buildIpv4Header({ ...base, protocol: -1 })).toThrow(/protocol/);
    expect(() => buildIpv4Header({ ...base, fragmentOffset: 8192 })).toThrow(/fragmentOffset/);
    expect(() => buildIpv4Header({ ...base, payloadLength: 65535 - 19 })).toThrow(/total length/);
    expect(() => buildIpv4Header({ ...base, payloadLength: 65535 - 20 })).not.toThrow();
  });
});

describe('IPv4 parse', () => {
  const cases: Array<Ipv4BuildOptions & { payload: Uint8Array }> = [
    { source: hex('0a000001'), destination: hex('0a000002'), protocol: 1, payload: hex('0800f7ff00000000') },
    {
      source: hex('c6336401'),
      destination: hex('cb007109'),
      protocol: 17,
      ttl: 255,
      tos: 0x03,
      identification: 0xffff,
      dontFragment: true,
      payload: new Uint8Array(1000).fill(7),
    },
    {
      source: hex('ffffffff'),
      destination: hex('00000000'),
      protocol: 50,
      ttl: 0,
      moreFragments: true,
      reservedFlag: true,
      fragmentOffset: 0x1fff,
      payload: new Uint8Array(0),
    },
  ];

  it.each(cases.map((c, i) => [i, c] as const))('parse(build(x)) gives x back (case %i)', (_i, c) => {
    const bytes = buildIpv4Packet(c);
    const r = parseIpv4(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const h = r.value.header;
    expect(h.source).toEqual(c.source);
    expect(h.destination).toEqual(c.destination);
    expect(h.protocol).toBe(c.protocol);
    expect(h.ttl).toBe(c.ttl ?? 64);
    expect(h.tos).toBe(c.tos ?? 0);
    expect(h.identification).toBe(c.identification ?? 0);
    expect(h.dontFragment).toBe(c.dontFragment ?? false);
    expect(h.moreFragments).toBe(c.moreFragments ?? false);
    expect(h.reservedFlag).toBe(c.reservedFlag ?? false);
    expect(h.fragmentOffset).toBe(c.fragmentOffset ?? 0);
    expect(h.headerLength).toBe(20);
    expect(h.totalLength).toBe(20 + c.payload.length);
    expect(h.options.length).toBe(0);
    expect(r.value.payload).toEqual(c.payload);
    // and rebuilding from the parsed header is byte-exact
    expect(buildIpv4Packet({ ...h, payload: r.value.payload })).toEqual(bytes);
  });

  it('skips options (IHL 6, router alert) and drops link-layer padding', () => {
    const header = hex('4600 0020 0001 0000 0102 0000 0a000001 e0000016 94040000');
    const csum = refChecksum(header);
    header[10] = csum >> 8;
    header[11] = csum & 0xff;
    const bytes = new Uint8Array([...header, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0, 0, 0, 0]); // 4 padding bytes
    const r = parseIpv4(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.header.headerLength).toBe(24);
    expect(toHex(r.value.header.options)).toBe('94040000');
    expect(r.value.header.protocol).toBe(2);
    expect(toHex(r.value.payload)).toBe('1122334455667788');
  });

  const good = buildIpv4Packet({ source: hex('0a000001'), destination: hex('0a000002'), protocol: 17, payload: new Uint8Array(8) });
  const mutate = (f: (b: Uint8Array) => void) => {
    const b = good.slice();
    f(b);
    return b;
  };

  it.each([
    ['empty', new Uint8Array(0), 'truncated'],
    ['19 bytes', good.subarray(0, 19), 'truncated'],
    ['IPv6 version nibble', mutate((b) => (b[0] = 0x65)), 'bad-version'],
    ['IHL 4', mutate((b) => (b[0] = 0x44)), 'bad-header-length'],
    ['IHL 15 with 28 bytes', mutate((b) => (b[0] = 0x4f)), 'truncated'],
    ['total length < header', mutate((b) => (b[2] = 0, b[3] = 19)), 'bad-length'],
    ['total length > bytes', mutate((b) => (b[2] = 0, b[3] = 29)), 'truncated'],
    ['payload cut', good.subarray(0, 27), 'truncated'],
    ['bad checksum', mutate((b) => (b[11] = (b[11]! + 1) & 0xff)), 'bad-checksum'],
    ['changed TTL, stale checksum', mutate((b) => (b[8] = 63)), 'bad-checksum'],
  ] as const)('refuses %s with %s', (_name, bytes, code) => {
    const r = parseIpv4(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message.length).toBeGreaterThan(0);
    }
  });

  it('accepts a bad checksum when asked not to verify', () => {
    const b = mutate((x) => (x[11] = (x[11]! + 1) & 0xff));
    expect(parseIpv4(b, { verifyChecksum: false }).ok).toBe(true);
  });

  it('never throws on random bytes', () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 5000; i++) {
      const b = new Uint8Array(rnd() % 80).map(() => rnd());
      if (b.length > 0 && i % 2 === 0) b[0] = 0x45 + (rnd() % 11); // plausible version/IHL
      expect(() => parseIpv4(b, { verifyChecksum: i % 3 === 0 })).not.toThrow();
    }
  });
});

describe('decrementTtl (forwarding)', () => {
  it('TTL 64 -> 63 with the checksum patched incrementally, equal to a full recomputation', () => {
    const p = buildIpv4Packet({ source: hex('0a000001'), destination: hex('0a000002'), protocol: 1, payload: hex('00') });
    const r = decrementTtl(p);
    expect(r).toEqual({ ok: true, value: 63 });
    expect(p[8]).toBe(63);
    const fresh = buildIpv4Packet({ source: hex('0a000001'), destination: hex('0a000002'), protocol: 1, ttl: 63, payload: hex('00') });
    expect(p).toEqual(fresh);
  });

  it('agrees with recomputation on many random headers', () => {
    let seed = 31337;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let i = 0; i < 1000; i++) {
      const opts = {
        source: Uint8Array.of(rnd(256), rnd(256), rnd(256), rnd(256)),
        destination: Uint8Array.of(rnd(256), rnd(256), rnd(256), rnd(256)),
        protocol: rnd(256),
        ttl: 2 + rnd(254),
        tos: rnd(256),
        identification: rnd(65536),
        dontFragment: rnd(2) === 1,
        payload: new Uint8Array(rnd(40)),
      };
      const p = buildIpv4Packet(opts);
      expect(decrementTtl(p).ok).toBe(true);
      expect(p).toEqual(buildIpv4Packet({ ...opts, ttl: opts.ttl - 1 }));
      expect(parseIpv4(p).ok).toBe(true);
    }
  });

  it.each([1, 0])('TTL %i: ttl-expired, packet untouched', (ttl) => {
    const p = buildIpv4Packet({ source: hex('0a000001'), destination: hex('0a000002'), protocol: 1, ttl, payload: hex('00') });
    const before = p.slice();
    const r = decrementTtl(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('ttl-expired');
    expect(p).toEqual(before);
  });

  it('refuses what is not an IPv4 header', () => {
    expect(decrementTtl(new Uint8Array(10)).ok).toBe(false);
    const r = decrementTtl(new Uint8Array(40).fill(0x60));
    expect(!r.ok && r.error.code).toBe('bad-version');
  });

  it('IPV4_HEADER_LENGTH is 20', () => {
    expect(IPV4_HEADER_LENGTH).toBe(20);
  });
});
