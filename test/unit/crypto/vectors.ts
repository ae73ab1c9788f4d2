/** Loading the shared test vectors (../shared/vectors, described in its SOURCES.md). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above the tests');
    dir = up;
  }
  return dir;
}

export const VECTORS = join(projectRoot(), '..', 'shared', 'vectors');

export function loadJson<T>(relative: string): T {
  return JSON.parse(readFileSync(join(VECTORS, relative), 'utf8')) as T;
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

/** strongSwan test_vectors transcribed to JSON: byte fields are hex strings. */
export interface StrongswanFile<V> {
  readonly vectors: V[];
}

export interface SwAead {
  name: string;
  alg: string;
  key: string;
  iv: string;
  adata?: string;
  plain: string;
  cipher: string;
}

export interface SwCrypter {
  name: string;
  key: string;
  iv: string;
  plain: string;
  cipher: string;
}

export interface SwSigner {
  name: string;
  alg: string;
  type: 'signer_test_vector_t';
  key: string;
  data: string;
  mac: string;
}

export interface SwPrf {
  name: string;
  alg: string;
  type: 'prf_test_vector_t';
  key: string;
  seed: string;
  out: string;
}

export interface WycheproofFile<G> {
  readonly testGroups: G[];
}

export interface WpAeadGroup {
  ivSize: number;
  keySize: number;
  tagSize: number;
  tests: Array<{ tcId: number; key: string; iv: string; aad: string; msg: string; ct: string; tag: string; result: 'valid' | 'invalid' | 'acceptable'; flags: string[] }>;
}

export interface WpMacGroup {
  keySize: number;
  tagSize: number;
  tests: Array<{ tcId: number; key: string; msg: string; tag: string; result: 'valid' | 'invalid'; flags: string[] }>;
}

export interface CaptureVector {
  frame: number;
  spi: string;
  seq: number;
  next_header: number;
  udp_encap: boolean;
  udp_src_port: number;
  udp_dst_port: number;
  outer_src: string;
  outer_dst: string;
  sa: { encryption: string; key: string; authentication: string; auth_key: string };
  esp: string;
  plaintext: string;
  inner: string;
}

export const CAPTURE_DIRS = ['strongswan-v2-gcm', 'strongswan-v2-cbc', 'strongswan-v1-cbc', 'scapy-manual-gcm', 'scapy-manual-cbc'] as const;

export function loadCaptures(dir: string): CaptureVector[] {
  return loadJson<{ vectors: CaptureVector[] }>(`captures/${dir}/esp_vectors.json`).vectors;
}
