import { isIPv4, isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  PrefixTable,
  addressFromText,
  addressToText,
  contains,
  ipv4FromText,
  ipv4ToText,
  ipv6FromText,
  ipv6ToText,
  longestPrefixMatch,
  maskAddress,
  parsePrefix,
  prefixEquals,
  prefixOf,
  prefixToText,
  type Prefix,
} from '../../../dataplane/packet/address.js';
import { hex } from './helpers.js';

function v4(t: string): Uint8Array {
  const r = ipv4FromText(t);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
function v6(t: string): Uint8Array {
  const r = ipv6FromText(t);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
function pfx(t: string): Prefix {
  const r = parsePrefix(t);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('IPv4 text', () => {
  it.each([
    ['10.0.0.1', '0a000001'],
    ['0.0.0.0', '00000000'],
    ['255.255.255.255', 'ffffffff'],
    ['192.0.2.33', 'c0000221'],
  ])('%s <-> %s', (text, bytes) => {
    expect(v4(text)).toEqual(hex(bytes));
    expect(ipv4ToText(hex(bytes))).toBe(text);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.-1', 'a.b.c.d', '1.2.3.4 ', '1..2.3', '1.2.3.1000', '0x1.2.3.4'])(
    'refuses %j with a bad-address error',
    (text) => {
      const r = ipv4FromText(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('bad-address');
      // Node agrees these are not IPv4 addresses (01.2.3.4 included: no octal).
      expect(isIPv4(text)).toBe(false);
    },
  );
});

describe('IPv6 text', () => {
  it.each([
    ['::', '::', '00000000000000000000000000000000'],
    ['::1', '::1', '00000000000000000000000000000001'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1', '20010db8000000000000000000000001'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1', '20010db8000000000001000000000001'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4', '00010000000000020000000000030004'], // tie: first run
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3', '00010000000000020000000000000003'], // longest run wins
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001'], // one zero: kept
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0', '00010002000300040005000600070000'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1', '00000000000000000000ffffc0000201'], // RFC 5952 §5
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221', '0064ff9b0000000000000000c0000221'],
    ['fe80::', 'fe80::', 'fe800000000000000000000000000000'],
  ])('%s -> %s', (text, canonical, bytes) => {
    expect(v6(text)).toEqual(hex(bytes));
    expect(ipv6ToText(hex(bytes))).toBe(canonical);
    expect(isIPv6(text)).toBe(true);
  });

  it.each(['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', ':1::', '1:', 'fe80::1%eth0', '::g', '1.2.3.4::', '::1.2.3', '1:2:3:4:5:6:7:8::'])(
    'refuses %j',
    (text) => {
      const r = ipv6FromText(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('bad-address');
    },
  );

  it('canonical text agrees with the WHATWG URL serializer (an independent RFC 5952 writer)', () => {
    let seed = 99;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let i = 0; i < 3000; i++) {
      const b = new Uint8Array(16);
      // Mostly-zero groups so runs of zeros of every length and position occur.
      for (let g = 0; g < 8; g++) if (rnd(3) === 0) b[2 * g + rnd(2)] = rnd(256);
      if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) continue; // mapped: dotted form
      const text = ipv6ToText(b);
      expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
      expect(v6(text)).toEqual(b);
    }
  });
});

describe('either family', () => {
  it('tells the families apart', () => {
    const a = addressFromText('10.1.2.3');
    const b = addressFromText('2001:db8::5');
    expect(a.ok && a.value.length).toBe(4);
    expect(b.ok && b.value.length).toBe(16);
    expect(addressToText(hex('0a010203'))).toBe('10.1.2.3');
    expect(() => addressToText(new Uint8Array(5))).toThrow(RangeError);
  });
});

describe('prefixes', () => {
  it('parses and prints', () => {
    expect(pfx('10.0.0.0/8')).toEqual({ version: 4, bytes: hex('0a000000'), length: 8 });
    expect(prefixToText(pfx('2001:db8::/32'))).toBe('2001:db8::/32');
    expect(prefixToText(pfx('::/0'))).toBe('::/0');
    expect(prefixToText(pfx('0.0.0.0/0'))).toBe('0.0.0.0/0');
    expect(prefixToText(pfx('10.0.0.1'))).toBe('10.0.0.1/32'); // a bare address is a host route
    expect(prefixToText(pfx('2001:db8::1'))).toBe('2001:db8::1/128');
  });

  it('clears host bits, or refuses them when strict', () => {
    expect(prefixToText(pfx('10.1.2.3/8'))).toBe('10.0.0.0/8');
    expect(prefixToText(pfx('172.16.255.255/12'))).toBe('172.16.0.0/12');
    expect(prefixToText(pfx('2001:db8:ffff::1/33'))).toBe('2001:db8:8000::/33');
    const r = parsePrefix('10.1.2.3/8', { strict: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/host bits/);
    expect(parsePrefix('10.0.0.0/8', { strict: true }).ok).toBe(true);
  });

  it.each(['10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/', '/8', '10.0.0.0/-1', '10.0.0/8', '::/129', '10.0.0.0/8/8', '10.0.0.0/ 8'])(
    'refuses %j with bad-prefix',
    (t) => {
      const r = parsePrefix(t);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('bad-prefix');
    },
  );

  it('masks at every bit boundary', () => {
    const all = hex('ffffffff');
    for (let len = 0; len <= 32; len++) {
      const expected = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
      const m = maskAddress(all, len);
      expect(((m[0]! << 24) | (m[1]! << 16) | (m[2]! << 8) | m[3]!) >>> 0).toBe(expected);
    }
    expect(() => maskAddress(all, 33)).toThrow(RangeError);
  });

  it('contains', () => {
    expect(contains(pfx('10.0.0.0/8'), v4('10.255.255.255'))).toBe(true);
    expect(contains(pfx('10.0.0.0/8'), v4('11.0.0.0'))).toBe(false);
    expect(contains(pfx('10.0.0.0/31'), v4('10.0.0.1'))).toBe(true);
    expect(contains(pfx('10.0.0.0/31'), v4('10.0.0.2'))).toBe(false);
    expect(contains(pfx('192.168.1.128/25'), v4('192.168.1.127'))).toBe(false);
    expect(contains(pfx('192.168.1.128/25'), v4('192.168.1.200'))).toBe(true);
    expect(contains(pfx('0.0.0.0/0'), v4('203.0.113.9'))).toBe(true);
    expect(contains(pfx('0.0.0.0/0'), v6('::1'))).toBe(false); // other family
    expect(contains(pfx('::/0'), v4('1.2.3.4'))).toBe(false);
    expect(contains(pfx('2001:db8::/127'), v6('2001:db8::1'))).toBe(true);
    expect(contains(pfx('2001:db8::/127'), v6('2001:db8::2'))).toBe(false);
    expect(contains(pfx('10.0.0.1/32'), v4('10.0.0.1'))).toBe(true);
  });

  it('longestPrefixMatch picks the most specific, first among equals', () => {
    const list = [pfx('0.0.0.0/0'), pfx('10.0.0.0/8'), pfx('10.1.0.0/16'), pfx('10.1.2.0/24'), pfx('2001:db8::/32')];
    expect(prefixToText(longestPrefixMatch(list, v4('10.1.2.3'))!)).toBe('10.1.2.0/24');
    expect(prefixToText(longestPrefixMatch(list, v4('10.1.3.3'))!)).toBe('10.1.0.0/16');
    expect(prefixToText(longestPrefixMatch(list, v4('10.9.3.3'))!)).toBe('10.0.0.0/8');
    expect(prefixToText(longestPrefixMatch(list, v4('8.8.8.8'))!)).toBe('0.0.0.0/0');
    expect(prefixToText(longestPrefixMatch(list, v6('2001:db8::9'))!)).toBe('2001:db8::/32');
    expect(longestPrefixMatch(list, v6('2001:db9::9'))).toBeUndefined();
    const tagged = [{ ...pfx('10.0.0.0/8'), tag: 'a' }, { ...pfx('10.0.0.0/8'), tag: 'b' }];
    expect(longestPrefixMatch(tagged, v4('10.0.0.1'))!.tag).toBe('a');
  });

  it('prefixOf / prefixEquals', () => {
    expect(prefixEquals(prefixOf(v4('10.1.2.3'), 16), pfx('10.1.0.0/16'))).toBe(true);
    expect(prefixEquals(pfx('10.0.0.0/8'), pfx('10.0.0.0/9'))).toBe(false);
  });
});

describe('PrefixTable', () => {
  it('answers like a brute-force scan over thousands of random routes', () => {
    let seed = 4242;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 4) % n;
    const routes: Array<Prefix & { id: number }> = [];
    const table = new PrefixTable<number>();
    for (let i = 0; i < 5000; i++) {
      // Addresses in a few /8s so routes nest and overlap.
      const a = Uint8Array.of([10, 172, 192][rnd(3)]!, rnd(4), rnd(256), rnd(256));
      const p = { ...prefixOf(a, 8 + rnd(25)), id: i };
      if (table.get(p) === undefined) {
        // One value per prefix: keep the first route drawn for it in both.
        routes.push(p);
        table.set(p, i);
      }
    }
    routes.push({ ...pfx('0.0.0.0/0'), id: -1 });
    table.set(pfx('0.0.0.0/0'), -1);
    expect(table.size).toBe(routes.length);
    for (let i = 0; i < 3000; i++) {
      const addr = Uint8Array.of([10, 172, 192, 8][rnd(4)]!, rnd(4), rnd(256), rnd(256));
      const want = longestPrefixMatch(routes, addr)!;
      const got = table.lookup(addr)!;
      expect(got.value).toBe(want.id);
      expect(prefixToText(got.prefix)).toBe(prefixToText(want));
    }
  });

  it('set replaces, delete removes, families are separate', () => {
    const t = new PrefixTable<string>([
      [pfx('10.0.0.0/8'), 'ten'],
      [pfx('10.1.0.0/16'), 'ten-one'],
      [pfx('::/0'), 'v6-default'],
    ]);
    expect(t.lookup(v4('10.1.9.9'))!.value).toBe('ten-one');
    t.set(pfx('10.1.0.0/16'), 'replaced');
    expect(t.size).toBe(3);
    expect(t.lookup(v4('10.1.9.9'))!.value).toBe('replaced');
    expect(t.delete(pfx('10.1.0.0/16'))).toBe(true);
    expect(t.delete(pfx('10.1.0.0/16'))).toBe(false);
    expect(t.lookup(v4('10.1.9.9'))!.value).toBe('ten');
    expect(t.lookup(v4('11.0.0.1'))).toBeUndefined();
    expect(t.lookup(v6('2001:db8::1'))!.value).toBe('v6-default');
    expect(t.get({ version: 4, bytes: v4('10.9.9.9'), length: 8 })).toBe('ten'); // host bits ignored
    expect([...t.entries()].map(([p, v]) => `${prefixToText(p)}=${v}`).sort()).toEqual(['10.0.0.0/8=ten', '::/0=v6-default']);
  });
});
