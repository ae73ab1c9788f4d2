import { describe, expect, it } from 'vitest';
import { schemaRoot } from '../../../config/schema/schema.js';
import type { ValueType } from '../../../config/schema/types.js';
import { parseIpv6, parseValue, posixToRegExp, typeLabel } from '../../../config/schema/values.js';

const int = (min: string, max: string): ValueType => ({ base: 'integer', ranges: [{ min, max }] });
const ok = (type: ValueType, text: string): string => {
  const r = parseValue(type, text);
  if ('error' in r) throw new Error(`${text}: ${r.error}`);
  return r.value;
};
const err = (type: ValueType, text: string): string => {
  const r = parseValue(type, text);
  if ('value' in r) throw new Error(`${text} accepted as ${r.value}`);
  return r.error;
};

describe('parseValue', () => {
  it('integers: ranges with the Junos message, canonical text', () => {
    const t = int('64', '8192');
    expect(ok(t, '64')).toBe('64');
    expect(ok(t, '+0100')).toBe('100');
    expect(err(t, '9000')).toBe('Value 9000 is not within range (64..8192)');
    expect(err(t, '63')).toBe('Value 63 is not within range (64..8192)');
    expect(err(t, 'abc')).toMatch(/abc/);
    expect(err(t, '1.5')).toMatch(/1\.5/);
    expect(err({ base: 'integer', ranges: [{ min: '1', max: '10' }, { min: '20', max: '20' }] }, '15')).toBe('Value 15 is not within range (1..10, 20)');
  });

  it('integers: 64-bit bounds are exact', () => {
    const u64 = int('0', '18446744073709551615');
    expect(ok(u64, '18446744073709551615')).toBe('18446744073709551615');
    expect(err(u64, '18446744073709551616')).toMatch(/not within range/);
    expect(err(u64, '-1')).toMatch(/not within range/);
  });

  it('decimals', () => {
    const t: ValueType = { base: 'decimal', ranges: [{ min: '0.5', max: '2.25' }] };
    expect(ok(t, '0.5')).toBe('0.5');
    expect(ok(t, '2.250')).toBe('2.250');
    expect(ok(t, '1')).toBe('1');
    expect(err(t, '2.26')).toBe('Value 2.26 is not within range (0.5..2.25)');
    expect(err(t, 'x')).toMatch(/x/);
  });

  it('strings: length and pattern, with the pattern message when given', () => {
    expect(ok({ base: 'string' }, 'any thing')).toBe('any thing');
    const len: ValueType = { base: 'string', length: [{ min: '1', max: '4' }] };
    expect(ok(len, 'abcd')).toBe('abcd');
    expect(err(len, 'abcde')).toBe('Must be a string of 1 to 4 characters');
    expect(err(len, '')).toBe('Must be a string of 1 to 4 characters');
    const pat: ValueType = { base: 'string', pattern: '^[[:alpha:]]+$', patternMessage: 'letters only' };
    expect(ok(pat, 'abc')).toBe('abc');
    expect(err(pat, 'ab1')).toBe('letters only');
    expect(err({ base: 'string', pattern: '^(default)$' }, 'x')).toMatch(/required format/);
  });

  it('strings: a pattern that cannot be converted accepts everything', () => {
    expect(posixToRegExp('^[[:nosuch:]]$')).toBeUndefined();
    expect(ok({ base: 'string', pattern: '^[[:nosuch:]]$' }, 'whatever')).toBe('whatever');
    expect(posixToRegExp('^a(b$')).toBeUndefined();
  });

  it('enumerations: exact or unique abbreviation', () => {
    const t: ValueType = { base: 'enumeration', values: [{ name: 'v1-only', help: '' }, { name: 'v2-only', help: '' }] };
    expect(ok(t, 'v2-only')).toBe('v2-only');
    expect(ok(t, 'v1')).toBe('v1-only');
    expect(err(t, 'v')).toBe("invalid value 'v'");
    expect(err(t, 'xyz')).toBe("invalid value 'xyz'");
  });

  it('unions: the first member that accepts', () => {
    const t: ValueType = {
      base: 'union',
      members: [int('1', '10'), { base: 'enumeration', values: [{ name: 'default', help: '' }] }],
    };
    expect(ok(t, '5')).toBe('5');
    expect(ok(t, 'default')).toBe('default');
    expect(err(t, '11')).toBe('Value 11 is not within range (1..10)');
    const nh: ValueType = { base: 'union', members: [{ base: 'ip-address' }, { base: 'interface-name' }] };
    expect(ok(nh, '10.0.0.1')).toBe('10.0.0.1');
    expect(ok(nh, 'st0.0')).toBe('st0.0');
  });

  it('boolean and empty', () => {
    expect(ok({ base: 'boolean' }, 'true')).toBe('true');
    expect(err({ base: 'boolean' }, 'yes')).toMatch(/yes/);
    expect(ok({ base: 'empty' }, '')).toBe('');
    expect(err({ base: 'empty' }, 'x')).toMatch(/x/);
  });

  it('IPv4 prefixes: length optional (/32), abbreviated forms, bad octets and lengths', () => {
    const t: ValueType = { base: 'ipv4-prefix' };
    expect(ok(t, '10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(ok(t, '198.51.100.2/30')).toBe('198.51.100.2/30');
    expect(ok(t, '10.1.1.1')).toBe('10.1.1.1/32');
    expect(ok(t, '0/0')).toBe('0.0.0.0/0');
    expect(ok(t, '10/8')).toBe('10.0.0.0/8');
    expect(err(t, '10.0.0.256/8')).toMatch(/invalid IPv4 prefix/);
    expect(err(t, '10.0.0.0/33')).toMatch(/prefix length/);
    expect(err(t, '10.0.0/')).toMatch(/10\.0\.0\//);
    expect(err(t, 'ge-0/0/0')).toMatch(/invalid IPv4 prefix/);
  });

  it('IPv4 addresses take no length', () => {
    const t: ValueType = { base: 'ipv4-address' };
    expect(ok(t, '192.0.2.1')).toBe('192.0.2.1');
    expect(ok(t, '192.000.002.001')).toBe('192.0.2.1');
    expect(err(t, '192.0.2.1/32')).toMatch(/invalid IPv4 address/);
    expect(err(t, '192.0.2')).toMatch(/invalid IPv4 address/);
  });

  it('IPv6 addresses and prefixes, canonical RFC 5952 text', () => {
    expect(parseIpv6('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(parseIpv6('::')).toBe('::');
    expect(parseIpv6('::ffff:192.0.2.1')).toBe('::ffff:c000:201');
    expect(parseIpv6('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
    expect(parseIpv6('1::2::3')).toBeUndefined();
    expect(parseIpv6('12345::')).toBeUndefined();
    expect(ok({ base: 'ipv6-prefix' }, '2001:db8::/32')).toBe('2001:db8::/32');
    expect(ok({ base: 'ipv6-prefix' }, '2001:db8::1')).toBe('2001:db8::1/128');
    expect(err({ base: 'ipv6-prefix' }, '2001:db8::/129')).toMatch(/prefix length/);
    expect(ok({ base: 'ipv6-address' }, 'fe80::1')).toBe('fe80::1');
  });

  it('IP (either family)', () => {
    expect(ok({ base: 'ip-address' }, '2001:db8::1')).toBe('2001:db8::1');
    expect(ok({ base: 'ip-address' }, '192.0.2.1')).toBe('192.0.2.1');
    expect(ok({ base: 'ip-prefix' }, '0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(ok({ base: 'ip-prefix' }, '::/0')).toBe('::/0');
    expect(err({ base: 'ip-prefix' }, 'any')).toMatch(/any/);
  });

  it('interface names', () => {
    const t: ValueType = { base: 'interface-name' };
    for (const n of ['ge-0/0/0', 'ge-0/0/3.0', 'xe-1/0/0:2', 'st0.1', 'reth0', 'reth1.100', 'lo0.0', 'fxp0.0', 'irb', 'ae0', 'vlan.100']) expect(ok(t, n)).toBe(n);
    for (const n of ['ge-0/0', 'Ge-0/0/0', '0/0/0', 'ge-0/0/0.', 'st0.x', '']) expect(err(t, n)).toMatch(/invalid interface name/);
  });

  it('MAC addresses', () => {
    const t: ValueType = { base: 'mac-address' };
    expect(ok(t, '00:1A:2b:3c:4d:5e')).toBe('00:1a:2b:3c:4d:5e');
    expect(ok(t, '001a.2b3c.4d5e')).toBe('00:1a:2b:3c:4d:5e');
    expect(err(t, '00:1a:2b:3c:4d')).toMatch(/invalid MAC address/);
  });

  it('schema types from the generated JSON', () => {
    const vpn = schemaRoot().child('security');
    if (vpn?.kind !== 'container') throw new Error('security');
    const ipsec = vpn.child('ipsec');
    if (ipsec?.kind !== 'container') throw new Error('ipsec');
    const v = ipsec.child('vpn');
    if (v?.kind !== 'list') throw new Error('vpn');
    const ike = v.child('ike');
    if (ike?.kind !== 'container') throw new Error('ike');
    const arw = ike.child('anti-replay-window-size');
    if (arw?.kind !== 'leaf') throw new Error('arw');
    expect(parseValue(arw.type, '9000')).toEqual({ error: 'Value 9000 is not within range (64..8192)' });
    expect(parseValue(arw.type, '128')).toEqual({ value: '128' });
  });
});

describe('typeLabel', () => {
  it('names value types the way Junos help does (without the angle brackets)', () => {
    expect(typeLabel({ base: 'ipv4-prefix' })).toBe('ipv4prefix');
    expect(typeLabel({ base: 'ipv4-address' })).toBe('ipv4addr');
    expect(typeLabel({ base: 'ipv6-prefix' })).toBe('ipv6prefix');
    expect(typeLabel({ base: 'interface-name' })).toBe('interface-name');
    expect(typeLabel(int('1', '2'))).toBe('number');
    expect(typeLabel({ base: 'string' })).toBe('string');
    expect(typeLabel({ base: 'union', members: [{ base: 'ip-address' }, { base: 'interface-name' }] })).toBe('ipaddr-or-interface');
    expect(typeLabel({ base: 'union', members: [{ base: 'enumeration', values: [] }, int('1', '2')] })).toBe('number');
  });
});
