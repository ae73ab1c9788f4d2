import { afterEach, describe, expect, it } from 'vitest';
import { threadId } from 'node:worker_threads';
import { SpuThread } from '../../../dataplane/spu/spu-thread.js';

const spus: SpuThread[] = [];
afterEach(async () => {
  await Promise.all(spus.splice(0).map((s) => s.stop()));
});

function spu(name: string, parkAfterMs?: number): SpuThread {
  const s = new SpuThread(name, parkAfterMs === undefined ? {} : { parkAfterMs });
  spus.push(s);
  return s;
}

describe('SpuThread: one real worker thread per SPU', () => {
  it('starts no thread until work arrives, then answers from its own thread', async () => {
    const s = spu('fpc2.pic0');
    expect(s.running).toBe(false);
    const reply = await s.wake();
    expect(reply.spu).toBe('fpc2.pic0');
    expect(reply.threadId).not.toBe(threadId);
    expect(s.running).toBe(true);
    expect(s.threadId).toBe(reply.threadId);
  });

  it('two SPUs run on two different threads', async () => {
    const [a, b] = [spu('fpc2.pic0'), spu('fpc2.pic1')];
    const [ra, rb] = await Promise.all([a.wake(), b.wake()]);
    expect(ra.threadId).not.toBe(rb.threadId);
  });

  it('parks an idle thread and wakes it on demand', async () => {
    const s = spu('fpc3.pic0', 50);
    const first = await s.wake();
    for (let i = 0; i < 100 && s.running; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.running).toBe(false);
    expect(s.alive).toBe(true);
    const second = await s.wake();
    expect(second.threadId).not.toBe(first.threadId);
  });

  it('a hardware fault kills the thread for real and reports the death once', async () => {
    const s = spu('fpc4.pic1');
    await s.wake();
    const deaths: string[] = [];
    s.onDeath((why) => deaths.push(why));
    await s.fault();
    expect(deaths).toEqual(['hardware fault']);
    expect(s.alive).toBe(false);
    expect(s.running).toBe(false);
    await expect(s.wake()).rejects.toThrow(/not running/);
  });

  it('stop() ends the thread', async () => {
    const s = spu('fpc5.pic0');
    await s.wake();
    await s.stop();
    expect(s.running).toBe(false);
    expect(s.alive).toBe(false);
  });
});
