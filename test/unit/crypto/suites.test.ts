/** The Junos algorithm table: sizes per the RFCs each suite cites. */
import { describe, expect, it } from 'vitest';
import {
  AUTHENTICATION_SUITES,
  ENCRYPTION_SUITES,
  UNSUPPORTED_ENCRYPTION,
  authenticationSuite,
  encryptionSuite,
  isAuthenticationAlgorithm,
  isEncryptionAlgorithm,
} from '../../../crypto/suites.js';

describe('encryption-algorithm suites', () => {
  it.each([
    // name, key material, cipher key, salt, IV, ICV, padding alignment
    ['aes-128-cbc', 16, 16, 0, 16, 0, 16],
    ['aes-192-cbc', 24, 24, 0, 16, 0, 16],
    ['aes-256-cbc', 32, 32, 0, 16, 0, 16],
    ['aes-128-gcm', 20, 16, 4, 8, 16, 4],
    ['aes-192-gcm', 28, 24, 4, 8, 16, 4],
    ['aes-256-gcm', 36, 32, 4, 8, 16, 4],
    ['chacha20-poly1305', 36, 32, 4, 8, 16, 4],
  ] as const)('%s: key %i (cipher %i + salt %i), IV %i, ICV %i, padded to %i', (name, key, cipher, salt, iv, icv, align) => {
    const s = encryptionSuite(name);
    expect([s.keyLength, s.cipherKeyLength, s.saltLength, s.ivLength, s.icvLength, s.padAlignment]).toEqual([key, cipher, salt, iv, icv, align]);
  });

  it('lists every encryption-algorithm of the 24.4R1 YANG: supported or unsupported with a reason', () => {
    const yang = ['des-cbc', '3des-cbc', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm', 'chacha20-poly1305'];
    const known = [...Object.keys(ENCRYPTION_SUITES), ...UNSUPPORTED_ENCRYPTION.map((u) => u.name)];
    expect(known.sort()).toEqual([...yang].sort());
    expect(() => encryptionSuite('3des-cbc')).toThrow(/3des-cbc is not supported: .*noble/);
    expect(() => encryptionSuite('des-cbc')).toThrow(RangeError);
    expect(() => encryptionSuite('aes-128-ctr')).toThrow(/unknown algorithm "aes-128-ctr"/);
    expect(isEncryptionAlgorithm('aes-128-gcm')).toBe(true);
    expect(isEncryptionAlgorithm('toString')).toBe(false);
  });
});

describe('authentication-algorithm suites', () => {
  it.each([
    // name, hash, key, ICV (RFC 2403, RFC 2404, RFC 4868; sha-256-96 pre-RFC truncation)
    ['hmac-md5-96', 'md5', 16, 12],
    ['hmac-sha1-96', 'sha1', 20, 12],
    ['hmac-sha-256-128', 'sha256', 32, 16],
    ['hmac-sha-256-96', 'sha256', 32, 12],
    ['hmac-sha-384', 'sha384', 48, 24],
    ['hmac-sha-512', 'sha512', 64, 32],
  ] as const)('%s: %s, key %i bytes, ICV %i bytes', (name, hash, key, icv) => {
    const s = authenticationSuite(name);
    expect([s.hash, s.keyLength, s.icvLength]).toEqual([hash, key, icv]);
  });

  it('covers the YANG enumeration exactly', () => {
    expect(Object.keys(AUTHENTICATION_SUITES).sort()).toEqual(['hmac-md5-96', 'hmac-sha-256-128', 'hmac-sha-256-96', 'hmac-sha-384', 'hmac-sha-512', 'hmac-sha1-96']);
    expect(isAuthenticationAlgorithm('hmac-sha-384')).toBe(true);
    expect(() => authenticationSuite('hmac-sha-224')).toThrow(RangeError);
    expect(() => authenticationSuite(7 as never)).toThrow(TypeError);
  });
});
