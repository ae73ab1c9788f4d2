/** Shared builders for the ESP/AH tests. */
import { loadEngine, type CryptoEngine, type EngineName } from '../../../crypto/engine.js';
import type { AuthenticationAlgorithm, EncryptionAlgorithm } from '../../../crypto/suites.js';
import { AUTHENTICATION_SUITES, ENCRYPTION_SUITES } from '../../../crypto/suites.js';
import type { SaRecord } from '../../../dataplane/esp/sa.js';
import { hex, type CaptureVector } from '../crypto/vectors.js';

export const ENGINES: readonly EngineName[] = ['native', 'software'];

export async function engines(): Promise<Record<EngineName, CryptoEngine>> {
  return { native: await loadEngine('native'), software: await loadEngine('software') };
}

/** Deterministic key bytes (not random: failures must reproduce). */
export function keyBytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7 + 3) & 0xff);
}

export function espSa(
  encryption: EncryptionAlgorithm,
  authentication: AuthenticationAlgorithm | null,
  overrides: Partial<SaRecord> = {},
): SaRecord {
  const enc = ENCRYPTION_SUITES[encryption];
  return {
    spi: 0x1234_5678,
    direction: 'outbound',
    protocol: 'esp',
    encryption,
    encryptionKey: keyBytes(enc.keyLength, 1),
    authentication,
    authenticationKey: authentication ? keyBytes(AUTHENTICATION_SUITES[authentication].keyLength, 2) : new Uint8Array(0),
    esn: false,
    tunnel: { local: '192.0.2.1', remote: '198.51.100.2' },
    ...overrides,
  };
}

export function ahSa(authentication: AuthenticationAlgorithm, overrides: Partial<SaRecord> = {}): SaRecord {
  return {
    spi: 0x0000_a0a0,
    direction: 'outbound',
    protocol: 'ah',
    encryption: null,
    encryptionKey: new Uint8Array(0),
    authentication,
    authenticationKey: keyBytes(AUTHENTICATION_SUITES[authentication].keyLength, 3),
    esn: false,
    tunnel: { local: '192.0.2.1', remote: '198.51.100.2' },
    ...overrides,
  };
}

/** Every ESP suite combination Junos allows: each AEAD alone, each CBC with each HMAC. */
export function allEspSuites(): Array<[EncryptionAlgorithm, AuthenticationAlgorithm | null]> {
  const out: Array<[EncryptionAlgorithm, AuthenticationAlgorithm | null]> = [];
  for (const enc of Object.values(ENCRYPTION_SUITES)) {
    if (enc.kind === 'aead') out.push([enc.name, null]);
    else for (const auth of Object.keys(AUTHENTICATION_SUITES) as AuthenticationAlgorithm[]) out.push([enc.name, auth]);
  }
  return out;
}

/** An IPv4-looking inner packet of `n` bytes (content only has to be deterministic). */
export function innerPacket(n: number, seed = 0): Uint8Array {
  const p = Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);
  if (n >= 20) {
    p[0] = 0x45;
    p[2] = n >>> 8;
    p[3] = n & 0xff;
  }
  return p;
}

/** The SA record of a capture vector (SOURCES.md: strongSwan / Scapy ESP, GCM or CBC + SHA-256). */
export function captureSa(v: CaptureVector, direction: 'inbound' | 'outbound' = 'inbound'): SaRecord {
  const key = hex(v.sa.key);
  let encryption: EncryptionAlgorithm;
  let authentication: AuthenticationAlgorithm | null = null;
  if (v.sa.encryption.startsWith('AES-GCM with 16 octet ICV')) {
    encryption = `aes-${(key.length - 4) * 8}-gcm` as EncryptionAlgorithm;
  } else if (v.sa.encryption.startsWith('AES-CBC')) {
    encryption = `aes-${key.length * 8}-cbc` as EncryptionAlgorithm;
  } else {
    throw new Error(`unexpected capture cipher ${v.sa.encryption}`);
  }
  if (v.sa.authentication.startsWith('HMAC-SHA-256-128')) authentication = 'hmac-sha-256-128';
  else if (v.sa.authentication !== 'NULL') throw new Error(`unexpected capture integrity ${v.sa.authentication}`);
  return {
    spi: Number(v.spi),
    direction,
    protocol: 'esp',
    encryption,
    encryptionKey: key,
    authentication,
    authenticationKey: hex(v.sa.auth_key),
    esn: false,
    tunnel: { local: v.outer_dst, remote: v.outer_src },
    ...(v.udp_encap ? { udpEncapsulation: { sourcePort: v.udp_src_port, destinationPort: v.udp_dst_port } } : {}),
  };
}
