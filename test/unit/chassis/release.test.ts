import { describe, expect, it } from 'vitest';
import { atLeast, compareReleases, mustParseRelease, parseRelease, versionString } from '../../../chassis/release.js';

describe('Junos releases', () => {
  it.each([
    ['23.4R1', { major: 23, minor: 4, kind: 'R', number: 1, sub: 0 }],
    ['19.4R1-S3', { major: 19, minor: 4, kind: 'R', number: 1, sub: 3 }],
    ['20.2R2.11', { major: 20, minor: 2, kind: 'R', number: 2, sub: 0, build: 11 }],
    ['15.1X49-D10', { major: 15, minor: 1, kind: 'X', number: 49, sub: 10 }],
  ])('parses %s', (text, expected) => {
    expect(parseRelease(text)).toMatchObject(expected);
  });

  it.each(['23.4', 'R1', '23.4R', 'abc', '23.4R1-D5', ''])('rejects %j', (text) => {
    expect(parseRelease(text)).toBeUndefined();
  });

  it('orders releases', () => {
    const order = ['12.1X47-D15', '15.1X49-D10', '15.1X49-D150', '18.2R1', '18.2R2', '18.4R1', '19.4R1', '19.4R1-S2', '20.1R2', '23.4R1', '24.4R1'];
    const parsed = order.map(mustParseRelease);
    const sorted = [...parsed].sort(compareReleases);
    expect(sorted.map((r) => r.text)).toEqual(order);
    expect(atLeast(mustParseRelease('23.4R1'), '23.4R1')).toBe(true);
    expect(atLeast(mustParseRelease('23.2R1'), '23.4R1')).toBe(false);
  });

  it('prints the full version with a build number', () => {
    expect(versionString(mustParseRelease('24.4R1'))).toBe('24.4R1.9');
    expect(versionString(mustParseRelease('20.2R2.11'))).toBe('20.2R2.11');
  });
});
