/**
 * The SPU data path on real worker threads: batches of packets in one transferred buffer,
 * sequence numbers and replay windows on the main thread, ICVs checked on the SPU thread.
 * (Worker threads run the tsc output: `npm test` builds first.)
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeEngine } from '../../../crypto/native.js';
import { ahProtect, AhContext } from '../../../dataplane/esp/ah.js';
import { encapsulate, EspContext } from '../../../dataplane/esp/esp.js';
import type { SaRecord } from '../../../dataplane/esp/sa.js';
import { EspPath, type PacketOutcome } from '../../../dataplane/spu/esp-path.js';
import { SpuThread } from '../../../dataplane/spu/spu-thread.js';
import { hex, loadCaptures, toHex } from '../crypto/vectors.js';
import { ahSa, captureSa, espSa, innerPacket } from '../esp/helpers.js';

const TWO32 = 0x1_0000_0000;
const spus: SpuThread[] = [];
afterEach(async () => {
  await Promise.all(spus.splice(0).map((s) => s.stop()));
});

function spu(name = 'fpc2.pic1', parkAfterMs?: number): SpuThread {
  const s = new SpuThread(name, parkAfterMs === undefined ? {} : { parkAfterMs });
  spus.push(s);
  return s;
}

function okBytes(o: PacketOutcome): Uint8Array {
  if (!o.ok) throw new Error(`expected ok, got ${o.reason}`);
  return o.bytes;
}

function reasons(outcomes: PacketOutcome[]): Record<string, number> {
  const r: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.ok ? 'ok' : o.reason;
    r[k] = (r[k] ?? 0) + 1;
  }
  return r;
}

/** An outbound + inbound pair with the same keys on one path (the SPU talks to itself). */
async function pair(path: EspPath, sa: SaRecord, inbound: Partial<SaRecord> = {}, engine?: 'native' | 'software'): Promise<{ out: number; inb: number }> {
  const opts = engine ? { engine } : {};
  const out = await path.installSa({ ...sa, direction: 'outbound' }, opts);
  const inb = await path.installSa({ ...sa, direction: 'inbound', ...inbound }, opts);
  return { out, inb };
}

describe('EspPath on a real SPU thread', () => {
  it('protects and unprotects 600 packets in batches; the bytes equal the in-process codec', async () => {
    const s = spu();
    const path = new EspPath(s);
    for (const [enc, auth] of [['aes-128-gcm', null], ['aes-256-cbc', 'hmac-sha-256-128']] as const) {
      const sa = espSa(enc, auth, { spi: enc === 'aes-128-gcm' ? 0x1001 : 0x1002 });
      const { out, inb } = await pair(path, sa);
      const inners = Array.from({ length: 600 }, (_, i) => innerPacket(20 + (i % 1400), i));
      const sealed = await path.protectMany(out, inners);
      const ctx = new EspContext(sa, nativeEngine);
      sealed.forEach((o, i) => {
        expect(o.ok && o.seq).toBe(i + 1);
        // Deterministic IVs: the worker's packet is exactly what the codec makes in-process.
        expect(toHex(okBytes(o))).toBe(toHex(encapsulate(ctx, i + 1, inners[i]!, 4)));
      });
      const opened = await path.unprotectMany(sealed.map(okBytes));
      opened.forEach((o, i) => {
        expect(toHex(okBytes(o))).toBe(toHex(inners[i]!));
        expect(o.ok && [o.seq, o.nextHeader]).toEqual([i + 1, 4]);
      });
      const bytes = inners.reduce((n, p) => n + p.length, 0);
      expect(path.status(out)!.counters).toMatchObject({ encryptedPackets: 600, encryptedBytes: bytes, discarded: 0 });
      expect(path.status(inb)!.counters).toMatchObject({ decryptedPackets: 600, decryptedBytes: bytes, discarded: 0 });
      expect(path.status(out)!.sequence).toBe(600);
      expect(path.status(inb)!.sequence).toBe(600);
    }
  });

  it('runs an SA on the software engine, loading noble only then; both engines give the same bytes', async () => {
    const s = spu();
    const path = new EspPath(s);
    const sa = espSa('chacha20-poly1305', null, { spi: 0x2001 });
    const native = await pair(path, sa);
    let loaded = await s.run<{ engines: string[] }>('saHandles', null);
    expect(loaded.engines).toEqual(['native']);
    const soft = await pair(path, { ...sa, spi: 0x2002 }, {}, 'software');
    loaded = await s.run<{ engines: string[] }>('saHandles', null);
    expect(loaded.engines.sort()).toEqual(['native', 'software']);
    expect([path.status(native.out)!.engine, path.status(soft.out)!.engine]).toEqual(['native', 'software']);
    const inners = Array.from({ length: 40 }, (_, i) => innerPacket(100 + i, i));
    const a = await path.protectMany(native.out, inners);
    const b = await path.protectMany(soft.out, inners);
    // Same keys and sequence numbers; only the SPI differs, and it is authenticated.
    a.forEach((o, i) => expect(toHex(okBytes(o)).slice(8)).not.toBe(toHex(okBytes(b[i]!)).slice(8)));
    const c = await path.unprotectMany(b.map(okBytes));
    c.forEach((o, i) => expect(toHex(okBytes(o))).toBe(toHex(inners[i]!)));
    const softCtx = new EspContext({ ...sa, spi: 0x2002 }, nativeEngine);
    expect(toHex(okBytes(b[7]!))).toBe(toHex(encapsulate(softCtx, 8, inners[7]!, 4)));
  });

  it('decrypts the captured strongSwan and Scapy packets', async () => {
    const s = spu();
    const path = new EspPath(s);
    for (const dir of ['strongswan-v2-gcm', 'strongswan-v2-cbc', 'scapy-manual-cbc'] as const) {
      const vectors = loadCaptures(dir);
      const installed = new Set<string>();
      for (const v of vectors) {
        if (installed.has(v.spi)) continue;
        installed.add(v.spi);
        await path.installSa(captureSa(v));
      }
      const opened = await path.unprotectMany(vectors.map((v) => hex(v.esp)));
      opened.forEach((o, i) => expect(toHex(okBytes(o))).toBe(vectors[i]!.inner));
    }
  });

  it('counts and drops malformed, tampered, replayed and unknown packets; later good packets pass', async () => {
    const s = spu();
    const path = new EspPath(s);
    const gcm = espSa('aes-128-gcm', null, { spi: 0x3001 });
    const cbc = espSa('aes-128-cbc', 'hmac-sha-256-128', { spi: 0x3002 });
    const g = await pair(path, gcm);
    const c = await pair(path, cbc);
    const good = (await path.protectMany(g.out, Array.from({ length: 10 }, (_, i) => innerPacket(200, i)))).map(okBytes);
    const goodCbc = (await path.protectMany(c.out, [innerPacket(64), innerPacket(65)])).map(okBytes);
    const tampered = good[1]!.slice();
    tampered[40]! ^= 1;
    const wrongKey = encapsulate(new EspContext({ ...gcm, encryptionKey: new Uint8Array(20).fill(9) }, nativeEngine), 3, innerPacket(10), 4);
    // Authentic CBC packets with a bad trailer (padding 1, 3) and with a ciphertext that is not whole blocks.
    const badTrailer = rawCbc(cbc, 20, new Uint8Array([...innerPacket(12), 1, 3, 2, 4]));
    const notBlocks = rawCbcBody(cbc, 21, new Uint8Array(20));
    const garbage = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
    const batch: Uint8Array[] = [
      good[0]!,
      good[0]!, // a duplicate racing its original through one batch
      tampered,
      wrongKey,
      good[2]!.subarray(0, 5), // too short for a header
      good[2]!.subarray(0, 60), // truncated: right SPI, no valid ICV
      garbage, // unknown SPI
      badTrailer,
      notBlocks,
      'not bytes' as unknown as Uint8Array,
      goodCbc[0]!,
    ];
    const first = await path.unprotectMany(batch);
    expect(first.map((o) => (o.ok ? 'ok' : o.reason))).toEqual(['ok', 'replay', 'auth', 'auth', 'bad-header', 'auth', 'invalid-spi', 'bad-trailer', 'decrypt', 'not-bytes', 'ok']);
    // Replays across batches, then the rest of the good traffic, out of order.
    const second = await path.unprotectMany([good[0]!, goodCbc[0]!, badTrailer, ...good.slice(1).reverse(), goodCbc[1]!]);
    expect(reasons(second)).toEqual({ replay: 3, ok: 10 });
    expect(path.status(g.inb)!.counters).toMatchObject({ decryptedPackets: 10, espAuthFailures: 3, replayErrors: 2, discarded: 5 });
    expect(path.status(c.inb)!.counters).toMatchObject({ decryptedPackets: 2, badTrailers: 1, espDecryptionFailures: 1, replayErrors: 2, discarded: 4 });
    expect(path.totals()).toMatchObject({ invalidSpi: 1, badHeaders: 2, espAuthFailures: 3, replayErrors: 4, decryptedPackets: 12 });
  });

  it('takes reordering across a full 8192-packet window and refuses what fell out of it', async () => {
    const s = spu();
    const path = new EspPath(s);
    const { out } = await pair(path, espSa('aes-128-gcm', null, { spi: 0x4001 }), { replayWindowSize: 8192 });
    const sealed = (await path.protectMany(out, Array.from({ length: 9000 }, (_, i) => innerPacket(40, i)))).map(okBytes);
    const late = await path.unprotectMany(sealed.slice(8000));
    expect(reasons(late)).toEqual({ ok: 1000 });
    const early = await path.unprotectMany(sealed.slice(0, 8000).reverse());
    // The window is now 809..9000: 808 packets are too old.
    expect(reasons(early)).toEqual({ ok: 8000 - 808, replay: 808 });
    expect(early.at(-1)).toEqual({ ok: false, reason: 'replay' });
  });

  it('carries ESN across 2^32: high bits inferred by the window, never sent', async () => {
    const s = spu();
    const path = new EspPath(s);
    const { out, inb } = await pair(path, espSa('aes-256-cbc', 'hmac-sha-512', { spi: 0x5001, esn: true }));
    path.advanceSequence(out, TWO32 - 3);
    const sealed = await path.protectMany(out, Array.from({ length: 6 }, (_, i) => innerPacket(50, i)));
    expect(sealed.map((o) => o.ok && o.seq)).toEqual([TWO32 - 2, TWO32 - 1, TWO32, TWO32 + 1, TWO32 + 2, TWO32 + 3]);
    expect(toHex(okBytes(sealed[3]!).subarray(4, 8))).toBe('00000001'); // only the low 32 bits
    const opened = await path.unprotectMany(sealed.map(okBytes));
    expect(opened.map((o) => o.ok && o.seq)).toEqual([TWO32 - 2, TWO32 - 1, TWO32, TWO32 + 1, TWO32 + 2, TWO32 + 3]);
    expect(path.status(inb)!.sequence).toBe(TWO32 + 3);
  });

  it('ESN: a forged packet in the same batch cannot derail the inference for genuine ones', async () => {
    const path = new EspPath(spu());
    const { out, inb } = await pair(path, espSa('aes-128-gcm', null, { spi: 0x5003, esn: true }));
    path.advanceSequence(out, TWO32 - 12);
    const head = (await path.protectMany(out, [innerPacket(20), innerPacket(20)])).map(okBytes);
    expect(reasons(await path.unprotectMany(head))).toEqual({ ok: 2 });
    const genuine = (await path.protectMany(out, Array.from({ length: 5 }, () => innerPacket(20)))).map(okBytes);
    // A forgery claiming low bits 100 looks like 2^32 + 100 and would pull the genuine packet
    // 2^32 − 5 into the wrong subspace; the thread retries with the authenticated inference.
    const forged = genuine[0]!.slice();
    forged.set([0, 0, 0, 100], 4);
    const r = await path.unprotectMany([forged, genuine[4]!, ...genuine.slice(0, 4)]);
    expect(r.map((o) => (o.ok ? o.seq : o.reason))).toEqual(['auth', TWO32 - 5, TWO32 - 9, TWO32 - 8, TWO32 - 7, TWO32 - 6]);
    expect(path.status(inb)!.counters).toMatchObject({ espAuthFailures: 1, decryptedPackets: 7 });
  });

  it('stops at the end of a 32-bit sequence space (no ESN): RFC 4303 forbids cycling', async () => {
    const path = new EspPath(spu());
    const { out } = await pair(path, espSa('aes-128-gcm', null, { spi: 0x5002 }));
    path.advanceSequence(out, TWO32 - 2);
    const r = await path.protectMany(out, [innerPacket(10), innerPacket(10)]);
    expect(r.map((o) => (o.ok ? o.seq : o.reason))).toEqual([TWO32 - 1, 'seq-overflow']);
    expect(() => path.advanceSequence(out, 5)).toThrow(/seq: 5 must be/);
  });

  it('AH through the SPU: outer IPv4 ‖ AH ‖ inner out, verified in; tampering is an AH failure', async () => {
    const path = new EspPath(spu());
    const sa = ahSa('hmac-sha-256-128', { spi: 0x6001 });
    const { out, inb } = await pair(path, sa);
    const inners = Array.from({ length: 5 }, (_, i) => innerPacket(80, i));
    const sealed = (await path.protectMany(out, inners)).map(okBytes);
    expect(toHex(sealed[0]!)).toBe(toHex(ahProtect(new AhContext(sa, nativeEngine), 1, inners[0]!)));
    const bad = sealed[4]!.slice();
    bad[bad.length - 1]! ^= 1;
    const opened = await path.unprotectMany([...sealed.slice(0, 4), bad, sealed[0]!], 'ah');
    expect(opened.map((o) => (o.ok ? toHex(o.bytes) === toHex(inners[o.seq - 1]!) : o.reason))).toEqual([true, true, true, true, 'auth', 'replay']);
    expect(path.status(out)!.counters).toMatchObject({ ahOutputPackets: 5, ahOutputBytes: 400 });
    expect(path.status(inb)!.counters).toMatchObject({ ahInputPackets: 4, ahInputBytes: 320, ahAuthFailures: 1, replayErrors: 1 });
    // An ESP packet is not an AH packet: the AH index does not know its SPI.
    expect(await path.unprotect(sealed[0]!.subarray(20), 'ah')).toEqual({ ok: false, reason: 'bad-header' });
  });

  it('a parked thread comes back without SAs: they are reinstalled and the batch resent', async () => {
    const s = spu('fpc3.pic0', 50);
    const path = new EspPath(s);
    const sa = espSa('aes-128-gcm', null, { spi: 0x7001 });
    const { out } = await pair(path, sa);
    const first = okBytes(await path.protect(out, innerPacket(100)));
    for (let i = 0; i < 100 && s.running; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.running).toBe(false);
    const again = await path.protectMany(out, [innerPacket(100, 1), innerPacket(100, 2)]);
    const ctx = new EspContext(sa, nativeEngine);
    expect(toHex(okBytes(again[1]!))).toBe(toHex(encapsulate(ctx, 3, innerPacket(100, 2), 4)));
    const opened = await path.unprotectMany([first, ...again.map(okBytes)]);
    expect(reasons(opened)).toEqual({ ok: 3 });
  });

  it('a dying thread fails the SPU: packets in flight and later ones come back spu-failed, nothing throws', async () => {
    const s = spu('fpc4.pic0');
    const path = new EspPath(s);
    const { out, inb } = await pair(path, espSa('aes-128-gcm', null, { spi: 0x8001 }));
    const sealed = okBytes(await path.protect(out, innerPacket(30)));
    const deaths: string[] = [];
    s.onDeath((why) => deaths.push(why));
    const crash = s.run('fault', null).catch(() => 'crashed'); // queued before the next batch
    const inFlight = path.protectMany(out, [innerPacket(30), innerPacket(31)]);
    expect(await crash).toBe('crashed');
    expect(reasons(await inFlight)).toEqual({ 'spu-failed': 2 });
    expect(deaths.length).toBe(1);
    expect(await path.unprotect(sealed)).toEqual({ ok: false, reason: 'spu-failed' });
    expect(path.status(out)!.counters.discarded).toBe(2);
    expect(path.status(inb)!.counters.discarded).toBe(1);
    await path.whenIdle();
  });

  it('delivers views into reused batch buffers to callbacks; owned results and inputs are never disturbed', async () => {
    const path = new EspPath(spu());
    const sa = espSa('aes-128-gcm', null, { spi: 0xa001 });
    const { out } = await pair(path, sa);
    const ctx = new EspContext(sa, nativeEngine);
    const inners = Array.from({ length: 300 }, (_, i) => innerPacket(100 + i, i));
    // Owned results survive later batches that reuse the same buffers.
    const owned = await path.protectMany(out, inners.slice(0, 100));
    const seen: Array<{ i: number; hex: string; buffer: ArrayBufferLike }> = [];
    const input = inners.slice(100).map((p) => p.slice());
    const each = path.protectEach(out, input, 4, (i, o) => seen.push({ i, hex: toHex(okBytes(o)), buffer: okBytes(o).buffer }));
    // The input was copied at admission: changing it now changes nothing that was sent.
    for (const p of input) p.fill(0xee);
    await each;
    await path.protectMany(out, inners.slice(0, 50));
    owned.forEach((o, i) => expect(toHex(okBytes(o))).toBe(toHex(encapsulate(ctx, i + 1, inners[i]!, 4))));
    expect(seen.map((x) => x.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    seen.forEach((x) => expect(x.hex).toBe(toHex(encapsulate(ctx, 101 + x.i, inners[100 + x.i]!, 4))));
    // Callback outcomes are views into batch buffers (256 records per batch here), not copies.
    expect(new Set(seen.map((x) => x.buffer)).size).toBe(1);
    const one = await new Promise<PacketOutcome>((r) => path.protectOne(out, inners[0]!, 4, (_, o) => r(o.ok ? { ...o, bytes: o.bytes.slice() } : o)));
    expect(toHex(okBytes(one))).toBe(toHex(encapsulate(ctx, 351, inners[0]!, 4)));
    expect(path.status(out)!.counters.encryptedPackets).toBe(351);
  });

  it('keys the SAs installed in one tick with one task on the SPU thread', async () => {
    const s = spu();
    const calls: string[] = [];
    const run = s.run.bind(s);
    s.run = <R>(handler: string, payload: unknown): Promise<R> => {
      calls.push(`${handler}:${Array.isArray(payload) ? payload.length : 1}`);
      return run<R>(handler, payload);
    };
    const path = new EspPath(s);
    const sas = Array.from({ length: 40 }, (_, i) => espSa('aes-128-gcm', null, { spi: 0xb000 + i }));
    const handles = await Promise.all(sas.flatMap((sa) => [path.installSa({ ...sa, direction: 'outbound' }), path.installSa({ ...sa, direction: 'inbound' })]));
    expect(calls).toEqual(['installSa:80']);
    expect(new Set(handles).size).toBe(80);
    // Each SA works: a packet through the 7th pair.
    const sealed = okBytes(await path.protect(handles[12]!, innerPacket(64)));
    expect(toHex(okBytes(await path.unprotect(sealed)))).toBe(toHex(innerPacket(64)));
  });

  it('never throws on bad input: unknown handle, oversize packet, removed SA', async () => {
    const s = spu();
    const path = new EspPath(s);
    const sa = espSa('aes-128-gcm', null, { spi: 0x9001 });
    const { out, inb } = await pair(path, sa);
    expect(await path.protect(424242, innerPacket(10))).toEqual({ ok: false, reason: 'no-sa' });
    expect(await path.protect(inb, innerPacket(10))).toEqual({ ok: false, reason: 'no-sa' });
    expect(await path.protect(out, new Uint8Array(70_000))).toEqual({ ok: false, reason: 'too-big' });
    expect(path.status(out)!.counters.exceedsTunnelMtu).toBe(1);
    expect(await path.protectMany(out, [])).toEqual([]);
    const sealed = okBytes(await path.protect(out, innerPacket(10)));
    await expect(path.installSa({ ...sa, direction: 'inbound' })).rejects.toThrow(/already installed/);
    await path.removeSa(inb);
    expect((await s.run<{ handles: number[] }>('saHandles', null)).handles).toEqual([out]);
    expect(await path.unprotect(sealed)).toEqual({ ok: false, reason: 'invalid-spi' });
    expect(path.totals()).toMatchObject({ invalidSpi: 1, encryptedPackets: 1, exceedsTunnelMtu: 1 });
    expect(path.status(inb)).toBeUndefined();
    expect(() => new EspPath(s, { maxBatch: 0 })).toThrow(/maxBatch/);
    await expect(path.installSa({ ...sa, spi: 3 })).rejects.toThrow(/spi: 3 is outside/);
  });
});

/** A CBC + HMAC-SHA-256-128 ESP packet around an arbitrary plaintext (node:crypto directly). */
function rawCbc(sa: SaRecord, seq: number, plaintext: Uint8Array): Uint8Array {
  const iv = new Uint8Array(16).fill(seq);
  const c = createCipheriv('aes-128-cbc', sa.encryptionKey, iv).setAutoPadding(false);
  return rawCbcBody(sa, seq, new Uint8Array(Buffer.concat([c.update(plaintext), c.final()])), iv);
}

function rawCbcBody(sa: SaRecord, seq: number, ciphertext: Uint8Array, iv = new Uint8Array(16)): Uint8Array {
  const head = hex(sa.spi.toString(16).padStart(8, '0') + seq.toString(16).padStart(8, '0'));
  const body = Buffer.concat([head, iv, ciphertext]);
  const icv = createHmac('sha256', sa.authenticationKey).update(body).digest().subarray(0, 16);
  return new Uint8Array(Buffer.concat([body, icv]));
}
