import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ESP_AUTHENTICATION,
  ESP_ENCRYPTION,
  IKEV2_ENCRYPTION,
  IKEV2_INTEGRITY,
  espSaLine,
  ikev1DecryptionLine,
  ikev2DecryptionLine,
  shellQuote,
  tsharkKeyArgs,
  uatFileContent,
  type EspAuthentication,
  type EspEncryption,
} from '../../../dataplane/capture/wireshark-keys.js';
import { CAPTURES, captureFile, hex } from '../packet/helpers.js';
import { espSasOf } from './esp-sas.js';

describe('esp_sa lines', () => {
  it('GCM, byte for byte as interop.md spells it', () => {
    expect(
      espSaLine({
        source: '10.99.0.1',
        destination: '10.99.0.2',
        spi: 0x69819b20,
        encryption: 'aes-128-gcm',
        encryptionKey: hex('f0f99108be722cbcede4b47575a4fa7e289dd0c6'),
      }),
    ).toBe('"IPv4","10.99.0.1","10.99.0.2","0x69819b20","AES-GCM with 16 octet ICV [RFC4106]","0xF0F99108BE722CBCEDE4B47575A4FA7E289DD0C6","NULL",""');
  });

  it.each(CAPTURES.map((c) => [c]))('%s: rebuilds the capture’s esp_sa file from its per-packet keys', (cap) => {
    const lines = espSasOf(cap).map(espSaLine);
    const file = readFileSync(captureFile(cap, 'esp_sa'), 'utf8');
    if (cap.startsWith('strongswan')) {
      expect(uatFileContent(lines)).toBe(file); // strongSwan's keys are uppercase, like ours
    } else {
      expect(uatFileContent(lines).toLowerCase()).toBe(file.toLowerCase()); // Scapy's were written lowercase
    }
  });

  it('every algorithm: names Wireshark knows, SPI padded to 8 digits, empty keys as ""', () => {
    const line = (encryption: EspEncryption, authentication: EspAuthentication) =>
      espSaLine({
        source: hex('0a000001'),
        destination: hex('0a000002'),
        spi: 0x100,
        encryption,
        encryptionKey: new Uint8Array(ESP_ENCRYPTION[encryption].keyLength).fill(0xab),
        authentication,
        authenticationKey: new Uint8Array(ESP_AUTHENTICATION[authentication].keyLength).fill(0xcd),
      });
    expect(line('aes-256-cbc', 'hmac-sha-512')).toBe(
      `"IPv4","10.0.0.1","10.0.0.2","0x00000100","AES-CBC [RFC3602]","0x${'AB'.repeat(32)}","HMAC-SHA-512-256 [RFC4868]","0x${'CD'.repeat(64)}"`,
    );
    expect(line('aes-192-cbc', 'hmac-sha-384')).toContain('"AES-CBC [RFC3602]","0x' + 'AB'.repeat(24) + '","HMAC-SHA-384-192 [RFC4868]"');
    expect(line('3des-cbc', 'hmac-sha1-96')).toContain('"TripleDES-CBC [RFC2451]"');
    expect(line('des-cbc', 'hmac-md5-96')).toContain('"DES-CBC [RFC2405]"');
    expect(line('aes-128-cbc', 'hmac-sha-256-96')).toContain('"HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]"');
    expect(line('null', 'hmac-sha-256-128')).toContain('"NULL","","HMAC-SHA-256-128 [RFC4868]"');
    expect(line('aes-256-gcm', 'none')).toContain(`"AES-GCM with 16 octet ICV [RFC4106]","0x${'AB'.repeat(36)}","NULL",""`);
    expect(line('chacha20-poly1305', 'none')).toContain('"ChaCha20 with Poly1305 [RFC7634]"');
  });

  it('IPv6 SAs say "IPv6" and print canonical addresses', () => {
    expect(
      espSaLine({ source: '2001:DB8::1', destination: '2001:db8:0:0:0:0:0:2', spi: 1, encryption: 'aes-128-gcm', encryptionKey: new Uint8Array(20) }),
    ).toMatch(/^"IPv6","2001:db8::1","2001:db8::2","0x00000001",/);
  });

  it('refuses what Wireshark would refuse or misread', () => {
    const base = { source: '10.0.0.1', destination: '10.0.0.2', spi: 1 } as const;
    // AEAD with an authentication algorithm ("AES-GCM encryption can only be used with NULL authentication")
    expect(() =>
      espSaLine({ ...base, encryption: 'aes-128-gcm', encryptionKey: new Uint8Array(20), authentication: 'hmac-sha1-96', authenticationKey: new Uint8Array(20) }),
    ).toThrow(/AEAD/);
    // GCM key without its salt
    expect(() => espSaLine({ ...base, encryption: 'aes-128-gcm', encryptionKey: new Uint8Array(16) })).toThrow(/20-byte key/);
    expect(() => espSaLine({ ...base, encryption: 'aes-128-cbc', encryptionKey: new Uint8Array(16), authentication: 'hmac-sha-256-128' })).toThrow(/32-byte key/);
    expect(() => espSaLine({ ...base, destination: '2001:db8::1', encryption: 'null', encryptionKey: new Uint8Array(0) })).toThrow(/IP versions/);
    expect(() => espSaLine({ ...base, source: '10.0.0.256', encryption: 'null', encryptionKey: new Uint8Array(0) })).toThrow(TypeError);
    expect(() => espSaLine({ ...base, spi: 2 ** 32, encryption: 'null', encryptionKey: new Uint8Array(0) })).toThrow(/SPI/);
  });
});

/** keys.txt as strongSwan's logs gave them (the source the decryption-table files were made from). */
function keysTxt(cap: string): Map<string, string> {
  const text = readFileSync(captureFile(cap, 'keys.txt'), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('IKEv'))!;
  return new Map([...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
}

describe('IKE decryption-table lines', () => {
  it('IKEv2 AES-GCM-128: empty SK_a, NONE integrity; equals the capture’s file', () => {
    const k = keysTxt('strongswan-v2-gcm');
    const line = ikev2DecryptionLine({
      initiatorSpi: hex(k.get('ispi')!),
      responderSpi: hex(k.get('rspi')!),
      encryption: 'aes-128-gcm',
      skEi: hex(k.get('SK_ei')!),
      skEr: hex(k.get('SK_er')!),
    });
    expect(uatFileContent([line])).toBe(readFileSync(captureFile('strongswan-v2-gcm', 'ikev2_decryption_table'), 'utf8'));
    expect(line).toBe(
      'a9de6fdf081c5201,b34eb73408c87751,25458AC426A016D98FA9F50A02955714778CBB84,42886789A09404FB79B5103AB7E31E064686D0FD,"AES-GCM-128 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"',
    );
  });

  it('IKEv2 AES-CBC-256 + HMAC-SHA-256-128: equals the capture’s file', () => {
    const k = keysTxt('strongswan-v2-cbc');
    const line = ikev2DecryptionLine({
      initiatorSpi: hex(k.get('ispi')!),
      responderSpi: hex(k.get('rspi')!),
      encryption: 'aes-256-cbc',
      skEi: hex(k.get('SK_ei')!),
      skEr: hex(k.get('SK_er')!),
      integrity: 'sha-256',
      skAi: hex(k.get('SK_ai')!),
      skAr: hex(k.get('SK_ar')!),
    });
    expect(uatFileContent([line])).toBe(readFileSync(captureFile('strongswan-v2-cbc', 'ikev2_decryption_table'), 'utf8'));
  });

  it('IKEv2 names for every supported algorithm, and refusals', () => {
    expect(Object.values(IKEV2_ENCRYPTION).map((a) => a.wireshark)).toEqual([
      '3DES [RFC2451]',
      'AES-CBC-128 [RFC3602]',
      'AES-CBC-192 [RFC3602]',
      'AES-CBC-256 [RFC3602]',
      'AES-GCM-128 with 16 octet ICV [RFC5282]',
      'AES-GCM-256 with 16 octet ICV [RFC5282]',
    ]);
    expect(Object.values(IKEV2_INTEGRITY).map((a) => a.wireshark)).toEqual([
      'NONE [RFC4306]',
      'HMAC_MD5_96 [RFC2403]',
      'HMAC_SHA1_96 [RFC2404]',
      'HMAC_SHA2_256_128 [RFC4868]',
      'HMAC_SHA2_384_192 [RFC4868]',
      'HMAC_SHA2_512_256 [RFC4868]',
    ]);
    const spis = { initiatorSpi: new Uint8Array(8), responderSpi: new Uint8Array(8) };
    expect(() => ikev2DecryptionLine({ ...spis, encryption: 'aes-128-cbc', skEi: new Uint8Array(16), skEr: new Uint8Array(16) })).toThrow(/integrity/);
    expect(() =>
      ikev2DecryptionLine({ ...spis, encryption: 'aes-128-gcm', skEi: new Uint8Array(20), skEr: new Uint8Array(20), integrity: 'sha1', skAi: new Uint8Array(20), skAr: new Uint8Array(20) }),
    ).toThrow(/AEAD/);
    expect(() => ikev2DecryptionLine({ ...spis, encryption: 'des-cbc' as never, skEi: new Uint8Array(8), skEr: new Uint8Array(8) })).toThrow(/no Wireshark/);
    expect(() => ikev2DecryptionLine({ ...spis, initiatorSpi: new Uint8Array(4), encryption: 'aes-128-gcm', skEi: new Uint8Array(20), skEr: new Uint8Array(20) })).toThrow(/SPIs/);
  });

  it('IKEv1: ICOOKIE,Ka equals the capture’s file', () => {
    const k = keysTxt('strongswan-v1-cbc');
    const line = ikev1DecryptionLine(hex(k.get('icookie')!), hex(k.get('Ka')!));
    expect(uatFileContent([line])).toBe(readFileSync(captureFile('strongswan-v1-cbc', 'ikev1_decryption_table'), 'utf8'));
  });
});

describe('tshark options', () => {
  it('one -o per line, ESP decoding and ICV checking switched on', () => {
    expect(tsharkKeyArgs({ esp: ['E1', 'E2'], ikev2: ['K2'], ikev1: ['K1'] })).toEqual([
      '-o',
      'esp.enable_encryption_decode:TRUE',
      '-o',
      'esp.enable_authentication_check:TRUE',
      '-o',
      'uat:esp_sa:E1',
      '-o',
      'uat:esp_sa:E2',
      '-o',
      'uat:ikev2_decryption_table:K2',
      '-o',
      'uat:ikev1_decryption_table:K1',
    ]);
    expect(tsharkKeyArgs({})).toEqual([]);
  });

  it('shellQuote makes a pasteable command line', () => {
    const line = '"IPv4","10.0.0.1","10.0.0.2","0x00000001","NULL","","NULL",""';
    expect(shellQuote(['tshark', '-o', `uat:esp_sa:${line}`, "it's"])).toBe(`tshark -o 'uat:esp_sa:${line}' 'it'\\''s'`);
  });
});
