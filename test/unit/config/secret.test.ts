import { describe, expect, it } from 'vitest';
import { decodeSecret, encodeSecret, isObfuscated } from '../../../config/secret.js';
import { Random } from '../../../sim/random.js';

describe('$9$ secrets', () => {
  it('round-trips every printable ASCII string, whatever the salt', () => {
    const r = new Random(9);
    const samples = ['psk1', 'a', 'juniper123', 'The quick brown fox jumps over the lazy dog!', ' ~`"\'\\{}[]', 'f00ba4'];
    for (const s of samples) {
      for (let i = 0; i < 20; i++) {
        const enc = encodeSecret(s, r);
        expect(enc.startsWith('$9$')).toBe(true);
        expect(decodeSecret(enc)).toBe(s);
      }
    }
  });

  it('the same secret gets different encodings (salted), and encodings use only the alphabet', () => {
    const r = new Random(1);
    const encodings = new Set(Array.from({ length: 10 }, () => encodeSecret('secret', r)));
    expect(encodings.size).toBeGreaterThan(5);
    for (const e of encodings) expect(e.slice(3)).toMatch(/^[A-Za-z0-9./-]+$/);
  });

  it('decodes secrets written by Junos itself (from real configurations)', () => {
    // ../shared/junos-configs/ipsec-vpn sets `pre-shared-key hexadecimal "f00ba4"` and, on the
    // next line, the same key as Junos displays it: a known-answer vector from a real box.
    expect(decodeSecret('$9$nJXv9A0O1RESr.P5F36At')).toBe('f00ba4');
  });

  it('rejects strings that are not $9$ secrets', () => {
    expect(decodeSecret('psk1')).toBeUndefined();
    expect(decodeSecret('$9$')).toBeUndefined();
    expect(decodeSecret('$9$!!!!')).toBeUndefined();
    expect(isObfuscated('$1$abc$def')).toBe(false);
  });
});
