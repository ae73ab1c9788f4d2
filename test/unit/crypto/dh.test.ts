/**
 * IKE Diffie-Hellman on both engines: known answers (strongSwan's MODP/ECP vectors, RFC 5903 §8,
 * RFC 5114 Appendix A.3, Wycheproof ECDH in the raw-point form IKE carries), the two engines
 * against each other for every group, and the rejection of invalid peer values and keys.
 */
import { getDiffieHellman } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import {
  DH_GROUP_IDS,
  dhGroup,
  dhPrivateKey,
  dhPublicLength,
  isSupportedGroup,
  loadDhEngine,
  MODP_GROUPS,
  nativeDhEngine,
  type DhEngine,
  type DhGroupId,
  type ModpGroupId,
} from '../../../crypto/dh.js';
import { Random } from '../../../sim/random.js';
import { hex, loadJson, toHex, type StrongswanFile, type WycheproofFile } from './vectors.js';

const engines: Record<'native' | 'software', DhEngine> = { native: nativeDhEngine, software: await loadDhEngine('software') };
const ENGINES = ['native', 'software'] as const;

interface SwKe {
  name: string;
  method: string;
  seed_parts: [string, string];
  pub_i: string;
  pub_r: string;
  shared: string;
}

const METHOD_GROUP: Record<string, DhGroupId> = {
  MODP_768_BIT: 1,
  MODP_1024_BIT: 2,
  MODP_1536_BIT: 5,
  MODP_2048_BIT: 14,
  MODP_3072_BIT: 15,
  MODP_4096_BIT: 16,
  ECP_256_BIT: 19,
  ECP_384_BIT: 20,
  ECP_521_BIT: 21,
};
/** strongSwan vectors for groups srx5k does not implement (Junos has none of them either). */
const METHOD_UNSUPPORTED: Record<string, number> = { MODP_6144_BIT: 17, MODP_8192_BIT: 18, ECP_192_BIT: 25, ECP_224_BIT: 26 };

const swVectors = [...loadJson<StrongswanFile<SwKe>>('strongswan/modp.json').vectors, ...loadJson<StrongswanFile<SwKe>>('strongswan/ecp.json').vectors];
const swSupported = swVectors.filter((v) => v.method in METHOD_GROUP);

interface Rfc5903 {
  ike_group: string;
  i: string;
  r: string;
  ke_payload_i: string;
  ke_payload_r: string;
  ike_shared_secret: string;
}
const rfc5903 = loadJson<{ vectors: Rfc5903[] }>('rfc5903/rfc5903_ecp_dh.json').vectors;

// RFC 5114 Appendix A.3 (test data of the 2048-bit MODP group with 256-bit subgroup, IKE group
// 24): xA, xB private, yA, yB public, Z shared. Transcribed from the RFC's hex.
const RFC5114_A3 = {
  xA: '0881382cdb87660c6dc13e614938d5b9c8b2f248581cc5e31b35454397fce50e',
  xB: '7d62a7e3ef36de617b13d1afb82c780d83a23bd4ee6705645121f371f546a53d',
  yA: [
    '2e9380c8323af97545bc4941deb0ec3742c62fe0ece824a6abdbe66c59bee0242911bfb967235ceba35ae13e4ec752be630b92dc4bde2847a9c62cb815274542',
    '1fb7eb60a63c0fe9159fcce726ce7cd8523d7450667ef840e4919121eb5f01c8c9b0d3d648a93bfb75689e8244ac134af544711ce79a02dcc34226684780dddc',
    'b498594106c37f5bc79856487af5ab022a2e5e42f09897c1a85a11ea0212af04d9b4cebc937c3c1a3e15a8a0342e337615c84e7fe3b8b9b87fb1e73a15af12a3',
    '0d746e06dfc34f290d797ce51aa13aa785bf6658aff5e4b093003cbeaf665b3c2e113a3a4e905269341dc0711426685f4ef37e868a8126ff3f2279b57ca67e29',
  ].join(''),
  yB: [
    '575f0351bd2b1b817448bdf87a6c362c1e289d3903a30b9832c5741fa250363e7acbc7f77f3dacbc1f131add8e03367eff8fbbb3e1c5784424809b25afe4d226',
    '2a1a6fd2fab64105ca30a674e07f7809852088632fc049233791ad4edd083a978b883ee618bc5e0dd047415f2d95e683cf14826b5fbe10d3ce41c6c120c78ab2',
    '0008c698bf7f0bcab9d7f407bed0f43afb2970f57f8d12043963e66ddd320d599ad9936c8f44137c08b180ec5e985cebe186f3d549677e80607331ee17af3380',
    'a725b0782317d7dd43f59d7af9568a9bb63a84d365f92244ed120988219302f42924c7ca90b89d24f71b0ab697823d7deb1aff5b0e8e4a45d49f7f53757e1913',
  ].join(''),
  Z: [
    '86c70bf8d0bb81bb01078a17219cb7d27203db2a19c877f1d1f19fd7d77ef22546a68f005ad52dc84553b78fc60330be51ea7c0672cac1515e4b35c047b9a551',
    'b88f39dc26da14a09ef74774d47c762dd177f9ed5bc2f11e52c879bd95098504cd9eecd8a8f9b3efbd1f008ac5853097d9d1837f2b18f77cd7be01af80a7c7b5',
    'ea3ca54cc02d0c116fee3f95bb87399385875d7e86747e676e728938acbff7098e05be4dcfb24052b83aeffb14783f029adbde7f53fae92084224090e007cee9',
    '4d4bf2bace9ffd4b57d2af7c724d0caa19bf0501f6f17b4aa10f425e3ea76080b4b9d6b3cefea115b2ceb8789bb8a3b0ea87febe63b6c8f846ec6db0c26c5d7c',
  ].join(''),
};

interface WpEcpointGroup {
  curve: string;
  tests: Array<{ tcId: number; comment: string; public: string; private: string; shared: string; result: 'valid' | 'invalid' | 'acceptable'; flags: string[] }>;
}

const WYCHEPROOF: Array<[EcpGroup: 19 | 20 | 21, file: string]> = [
  [19, 'wycheproof/ecdh_secp256r1_ecpoint_test.json'],
  [20, 'wycheproof/ecdh_secp384r1_ecpoint_test.json'],
  [21, 'wycheproof/ecdh_secp521r1_ecpoint_test.json'],
];

function big(b: Uint8Array | string): bigint {
  const h = typeof b === 'string' ? b : toHex(b);
  return h.length === 0 ? 0n : BigInt('0x' + h);
}

function bytes(n: bigint, length: number): Uint8Array {
  return hex(n.toString(16).padStart(2 * length, '0'));
}

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/** A seeded byte source, the way simulations feed sim/random.ts into dhPrivateKey. */
function seeded(seed: number): (n: number) => Uint8Array {
  const rng = new Random(seed);
  return (n) => Uint8Array.from({ length: n }, () => rng.nextU32() & 0xff);
}

describe('group table', () => {
  it('lists exactly the ten groups, with their KE lengths and private-key sizes', () => {
    expect([...DH_GROUP_IDS]).toEqual([1, 2, 5, 14, 15, 16, 19, 20, 21, 24]);
    const sizes = DH_GROUP_IDS.map((g) => [g, dhPublicLength(g), dhGroup(g).sharedLength, dhGroup(g).privateKeyLength, dhGroup(g).kind]);
    expect(sizes).toEqual([
      [1, 96, 96, 32, 'modp'],
      [2, 128, 128, 32, 'modp'],
      [5, 192, 192, 32, 'modp'],
      [14, 256, 256, 32, 'modp'],
      [15, 384, 384, 32, 'modp'],
      [16, 512, 512, 38, 'modp'],
      [19, 64, 32, 32, 'ecp'],
      [20, 96, 48, 48, 'ecp'],
      [21, 132, 66, 66, 'ecp'],
      [24, 256, 256, 32, 'modp'],
    ]);
    expect(dhGroup(19).name).toBe('group19');
  });

  it('the strongSwan vectors left out are exactly those of groups srx5k does not implement', () => {
    expect(swSupported.length).toBe(9);
    for (const v of swVectors) {
      if (v.method in METHOD_GROUP) expect(isSupportedGroup(METHOD_GROUP[v.method])).toBe(true);
      else expect(isSupportedGroup(METHOD_UNSUPPORTED[v.method]), v.method).toBe(false);
    }
  });

  it('isSupportedGroup accepts only the implemented ids', () => {
    for (const g of DH_GROUP_IDS) expect(isSupportedGroup(g)).toBe(true);
    for (const g of [0, 3, 4, 17, 18, 22, 23, 25, 26, 31, 32, '19', 19.5, null, undefined]) expect(isSupportedGroup(g)).toBe(false);
    expect(() => dhGroup(31 as DhGroupId)).toThrow(RangeError);
    expect(() => nativeDhEngine.create(22 as DhGroupId)).toThrow(RangeError);
  });

  it.each([
    [1, 'modp1'],
    [2, 'modp2'],
    [5, 'modp5'],
    [14, 'modp14'],
    [15, 'modp15'],
    [16, 'modp16'],
  ] as const)('MODP group %i prime is the one node:crypto knows as %s (RFC 2409 / RFC 3526), generator 2', (id, name) => {
    expect(MODP_GROUPS[id].prime.toLowerCase()).toBe(getDiffieHellman(name).getPrime('hex'));
    expect(MODP_GROUPS[id].generator).toBe('02');
    expect(MODP_GROUPS[id].bits).toBe(getDiffieHellman(name).getPrime().length * 8);
  });

  it('group 24 (RFC 5114 §2.3): 2048-bit p, 256-bit q dividing p − 1, g of order q', () => {
    const g24 = MODP_GROUPS[24];
    const p = big(g24.prime.toLowerCase());
    const q = big(g24.subgroupOrder!.toLowerCase());
    const g = big(g24.generator.toLowerCase());
    expect(p.toString(2).length).toBe(2048);
    expect(q.toString(2).length).toBe(256);
    expect((p - 1n) % q).toBe(0n);
    expect(g).not.toBe(1n);
    expect(modPow(g, q, p)).toBe(1n);
  });

  it('the ECP scalar range is [1, n − 1] with n the order @noble/curves has', () => {
    for (const [g, c] of [
      [19, p256],
      [20, p384],
      [21, p521],
    ] as const) {
      const len = dhGroup(g).privateKeyLength;
      const order = c.Point.Fn.ORDER;
      expect(() => nativeDhEngine.create(g, bytes(order - 1n, len))).not.toThrow();
      expect(() => nativeDhEngine.create(g, bytes(order, len))).toThrow(RangeError);
      expect(() => nativeDhEngine.create(g, bytes(1n, len))).not.toThrow();
    }
  });
});

describe.each(ENGINES)('%s engine: known answers', (name) => {
  const engine = engines[name];

  it.each(swSupported.map((v) => [v.name, v] as const))('strongSwan %s: public values and g^ir', (_n, v) => {
    const group = METHOD_GROUP[v.method]!;
    const i = engine.create(group, hex(v.seed_parts[0]));
    const r = engine.create(group, hex(v.seed_parts[1]));
    expect(toHex(i.publicValue)).toBe(v.pub_i);
    expect(toHex(r.publicValue)).toBe(v.pub_r);
    expect(toHex(i.computeShared(r.publicValue)!)).toBe(v.shared);
    expect(toHex(r.computeShared(hex(v.pub_i))!)).toBe(v.shared);
  });

  it.each(rfc5903.map((v) => [v.ike_group, v] as const))('RFC 5903 §8 group %s: KE payloads and the x-only shared secret', (g, v) => {
    const group = Number(g) as DhGroupId;
    const i = engine.create(group, hex(v.i));
    const r = engine.create(group, hex(v.r));
    expect(toHex(i.publicValue)).toBe(v.ke_payload_i);
    expect(toHex(r.publicValue)).toBe(v.ke_payload_r);
    expect(toHex(i.computeShared(hex(v.ke_payload_r))!)).toBe(v.ike_shared_secret);
    expect(toHex(r.computeShared(hex(v.ke_payload_i))!)).toBe(v.ike_shared_secret);
  });

  it('RFC 5114 Appendix A.3 (group 24)', () => {
    const a = engine.create(24, hex(RFC5114_A3.xA));
    const b = engine.create(24, hex(RFC5114_A3.xB));
    expect(toHex(a.publicValue)).toBe(RFC5114_A3.yA);
    expect(toHex(b.publicValue)).toBe(RFC5114_A3.yB);
    expect(toHex(a.computeShared(b.publicValue)!)).toBe(RFC5114_A3.Z);
    expect(toHex(b.computeShared(a.publicValue)!)).toBe(RFC5114_A3.Z);
  });

  it.each(WYCHEPROOF)(
    'Wycheproof ECDH group %i, raw points (%s): valid agree, invalid are refused, acceptable either agree or are refused',
    (group, file) => {
      const len = dhGroup(group).sharedLength;
      const counts = { valid: 0, invalid: 0, acceptable: 0 };
      for (const g of loadJson<WycheproofFile<WpEcpointGroup>>(file).testGroups) {
        for (const t of g.tests) {
          counts[t.result]++;
          const scalar = bytes(big(t.private), len);
          const pub = hex(t.public);
          // IKE carries x ‖ y (RFC 5903 §7): the uncompressed form loses its 0x04; every other
          // encoding (compressed, truncated, empty) goes in as is and must be refused for its length.
          const ke = pub.length === 2 * len + 1 && pub[0] === 4 ? pub.subarray(1) : pub;
          const got = engine.create(group, scalar).computeShared(ke);
          const label = `tcId ${t.tcId} (${t.comment})`;
          if (t.result === 'valid') expect(got && toHex(got), label).toBe(t.shared);
          else if (t.result === 'invalid') expect(got, label).toBeNull();
          else if (got !== null) expect(toHex(got), label).toBe(t.shared);
        }
      }
      expect(counts.valid).toBeGreaterThan(300);
      expect(counts.invalid).toBeGreaterThan(15);
    },
    180_000,
  );
});

describe('native and software agree', () => {
  it.each(DH_GROUP_IDS.map((g) => [g] as const))('group %i: same private key → same public value and g^ir, across engines', (group) => {
    const random = seeded(1000 + group);
    const ki = dhPrivateKey(group, random);
    const kr = dhPrivateKey(group, random);
    expect(ki.length).toBe(dhGroup(group).privateKeyLength);
    const ni = engines.native.create(group, ki);
    const si = engines.software.create(group, ki);
    const nr = engines.native.create(group, kr);
    const sr = engines.software.create(group, kr);
    expect(toHex(ni.publicValue)).toBe(toHex(si.publicValue));
    expect(toHex(nr.publicValue)).toBe(toHex(sr.publicValue));
    expect(ni.publicValue.length).toBe(dhPublicLength(group));
    const shared = ni.computeShared(sr.publicValue)!;
    expect(shared.length).toBe(dhGroup(group).sharedLength);
    expect(toHex(si.computeShared(nr.publicValue)!)).toBe(toHex(shared));
    expect(toHex(nr.computeShared(si.publicValue)!)).toBe(toHex(shared));
    expect(toHex(sr.computeShared(ni.publicValue)!)).toBe(toHex(shared));
  });

  it.each(DH_GROUP_IDS.map((g) => [g] as const))('group %i: engine-drawn keys interoperate', (group) => {
    const n = engines.native.create(group);
    const s = engines.software.create(group);
    const a = n.computeShared(s.publicValue);
    expect(a).not.toBeNull();
    expect(toHex(s.computeShared(n.publicValue)!)).toBe(toHex(a!));
    // two fresh exchanges never share a key
    expect(toHex(engines.native.create(group).publicValue)).not.toBe(toHex(n.publicValue));
  });

  it('native MODP exchanges sharing the cached DH object keep their own keys', () => {
    const random = seeded(7);
    const a = nativeDhEngine.create(14, dhPrivateKey(14, random));
    const b = nativeDhEngine.create(14, dhPrivateKey(14, random));
    const c = nativeDhEngine.create(14, dhPrivateKey(14, random));
    const ab = a.computeShared(b.publicValue)!;
    expect(toHex(c.computeShared(a.publicValue)!)).toBe(toHex(engines.software.create(14, dhPrivateKey(14, seeded(7))).computeShared(c.publicValue)!));
    expect(toHex(b.computeShared(a.publicValue)!)).toBe(toHex(ab));
    expect(toHex(a.computeShared(b.publicValue)!)).toBe(toHex(ab)); // again, after b and c used the object
  });
});

describe.each(ENGINES)('%s engine: invalid peer values → null', (name) => {
  const engine = engines[name];
  const MODP: ModpGroupId[] = [1, 2, 5, 14, 15, 16, 24];

  it.each(MODP.map((g) => [g] as const))('MODP group %i: wrong length, 0, 1, p − 1, p, 2^n − 1', (group) => {
    const x = engine.create(group, dhPrivateKey(group, seeded(group)));
    const len = dhPublicLength(group);
    const p = big(MODP_GROUPS[group].prime.toLowerCase());
    const bad = [new Uint8Array(0), x.publicValue.subarray(1), new Uint8Array([0, ...x.publicValue]), bytes(0n, len), bytes(1n, len), bytes(p - 1n, len), bytes(p, len), new Uint8Array(len).fill(0xff)];
    for (const b of bad) expect(x.computeShared(b), toHex(b).slice(0, 16)).toBeNull();
    if (group !== 24) expect(x.computeShared(bytes(p - 2n, len))).not.toBeNull(); // top of the range (safe primes)
  });

  it('group 24: a value in range but outside the order-q subgroup is refused (RFC 6989 §2.2)', () => {
    const g24 = MODP_GROUPS[24];
    const p = big(g24.prime.toLowerCase());
    const q = big(g24.subgroupOrder!.toLowerCase());
    const outside = [2n, 3n, p - 2n];
    for (const y of outside) expect(modPow(y, q, p)).not.toBe(1n); // precondition
    const x = engine.create(24, hex(RFC5114_A3.xA));
    for (const y of outside) expect(x.computeShared(bytes(y, 256))).toBeNull();
    // g itself and g^2 are in the subgroup
    const g = big(g24.generator.toLowerCase());
    expect(x.computeShared(bytes(g, 256))).not.toBeNull();
    expect(x.computeShared(bytes((g * g) % p, 256))).not.toBeNull();
  });

  it.each([19, 20, 21] as const)('ECP group %i: wrong length, off the curve, (0, 0), coordinate = p', (group) => {
    const x = engine.create(group, dhPrivateKey(group, seeded(group)));
    const other = engine.create(group, dhPrivateKey(group, seeded(group + 100))).publicValue;
    const len = dhGroup(group).sharedLength;
    const offCurve = Uint8Array.from(other);
    offCurve[offCurve.length - 1]! ^= 1;
    const fieldP = { 19: p256, 20: p384, 21: p521 }[group].Point.Fp.ORDER;
    const xIsP = new Uint8Array([...bytes(fieldP, len), ...other.subarray(len)]);
    const bad = [new Uint8Array(0), other.subarray(1), new Uint8Array([4, ...other]), offCurve, new Uint8Array(2 * len), xIsP];
    for (const b of bad) expect(x.computeShared(b)).toBeNull();
    expect(x.computeShared(other)).not.toBeNull();
  });

  it('a peer value that is not bytes is a TypeError', () => {
    const x = engine.create(19);
    expect(() => x.computeShared('00' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe.each(ENGINES)('%s engine: private keys', (name) => {
  const engine = engines[name];

  it('refuses keys outside the group range, of the wrong length, or not bytes', () => {
    const q = big(MODP_GROUPS[24].subgroupOrder!.toLowerCase());
    const p14 = big(MODP_GROUPS[14].prime.toLowerCase());
    const cases: Array<[DhGroupId, Uint8Array]> = [
      [14, new Uint8Array(0)],
      [14, new Uint8Array(32)],
      [14, new Uint8Array(257).fill(1)],
      [14, bytes(p14 - 1n, 256)],
      [24, bytes(q, 32)],
      [24, new Uint8Array(32)],
      [19, new Uint8Array(31).fill(1)],
      [19, new Uint8Array(33).fill(1)],
      [19, new Uint8Array(32)],
      [19, new Uint8Array(32).fill(0xff)],
      [21, new Uint8Array(66).fill(0xff)],
    ];
    for (const [g, k] of cases) expect(() => engine.create(g, k), `group ${g} key ${toHex(k).slice(0, 8)}…`).toThrow(RangeError);
    expect(() => engine.create(19, 'key' as unknown as Uint8Array)).toThrow(TypeError);
    expect(engine.create(24, bytes(q - 1n, 32)).publicValue.length).toBe(256);
    expect(engine.create(14, bytes(p14 - 2n, 256)).publicValue.length).toBe(256);
    expect(engine.create(14, new Uint8Array([5])).publicValue.length).toBe(256); // short exponents are fine
  });

  it('does not keep a reference to the caller’s key buffer', () => {
    const key = dhPrivateKey(14, seeded(3));
    const x = engine.create(14, key);
    const peer = engine.create(14, dhPrivateKey(14, seeded(4)));
    const before = toHex(x.computeShared(peer.publicValue)!);
    key.fill(1);
    expect(toHex(x.computeShared(peer.publicValue)!)).toBe(before);
  });
});

describe('dhPrivateKey', () => {
  it('is deterministic for a seeded source and valid for every group', () => {
    for (const g of DH_GROUP_IDS) {
      const a = dhPrivateKey(g, seeded(42));
      expect(toHex(a)).toBe(toHex(dhPrivateKey(g, seeded(42))));
      expect(a.length).toBe(dhGroup(g).privateKeyLength);
      expect(() => nativeDhEngine.create(g, a)).not.toThrow();
      expect(toHex(dhPrivateKey(g))).not.toBe(toHex(dhPrivateKey(g)));
    }
  });

  it('redraws out-of-range values (rejection sampling) and masks P-521 to 521 bits', () => {
    const sequence = (...draws: number[]) => {
      let i = 0;
      return (n: number) => new Uint8Array(n).fill(draws[Math.min(i++, draws.length - 1)]!);
    };
    // group 24: 0xff… ≥ q, then 0x00… = 0, then 0x01… accepted
    expect(toHex(dhPrivateKey(24, sequence(0xff, 0x00, 0x01)))).toBe('01'.repeat(32));
    // P-256: 0xff… ≥ n is redrawn
    expect(toHex(dhPrivateKey(19, sequence(0xff, 0x02)))).toBe('02'.repeat(32));
    // P-521: the top byte keeps one bit, so 0x7f… becomes 0x01 7f…, which is < n
    expect(toHex(dhPrivateKey(21, sequence(0x7f)))).toBe('01' + '7f'.repeat(65));
    expect(() => dhPrivateKey(19, sequence(0xff))).toThrow(/1000 draws/);
    expect(() => dhPrivateKey(19, () => new Uint8Array(3))).toThrow(RangeError);
  });
});
