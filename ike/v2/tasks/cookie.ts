/**
 * Stateless cookies (RFC 7296 §2.6). The responder asks for one once too many IKE SAs are
 * half-open (timers.ts): Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>), with
 * SHA-256 and a secret that changes periodically (the previous one stays valid for a while, so
 * a cookie handed out just before a change still works).
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../../sim/clock.js';
import { NotifyType } from '../../wire/constants.js';
import type { NotifyPayload, Payload } from '../../wire/types.js';
import { COOKIE_SECRET_MS } from '../timers.js';

export class CookieJar {
  private version = 0;
  private secret: Uint8Array;
  private previous: Uint8Array | undefined;
  private changedAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly randomBytes: (n: number) => Uint8Array,
  ) {
    this.secret = randomBytes(32);
    this.changedAt = clock.now();
  }

  private rotate(): void {
    if (this.clock.now() - this.changedAt < COOKIE_SECRET_MS) return;
    this.previous = this.secret;
    this.secret = this.randomBytes(32);
    this.version = (this.version + 1) & 0xff;
    this.changedAt = this.clock.now();
  }

  private compute(version: number, secret: Uint8Array, ni: Uint8Array, address: string, spiI: Uint8Array): Uint8Array {
    const h = createHash('sha256').update(ni).update(address).update(spiI).update(secret).digest();
    const out = new Uint8Array(1 + h.length);
    out[0] = version;
    out.set(h, 1);
    return out;
  }

  make(ni: Uint8Array, address: string, spiI: Uint8Array): Uint8Array {
    this.rotate();
    return this.compute(this.version, this.secret, ni, address, spiI);
  }

  verify(cookie: Uint8Array, ni: Uint8Array, address: string, spiI: Uint8Array): boolean {
    this.rotate();
    if (cookie.length !== 33) return false;
    const v = cookie[0]!;
    const secret = v === this.version ? this.secret : v === ((this.version - 1) & 0xff) ? this.previous : undefined;
    if (!secret) return false;
    const want = this.compute(v, secret, ni, address, spiI);
    let diff = 0;
    for (let i = 0; i < 33; i++) diff |= want[i]! ^ cookie[i]!;
    return diff === 0;
  }
}

export function cookieNotify(data: Uint8Array): NotifyPayload {
  return { kind: 'notify', critical: false, protocol: 0, spi: new Uint8Array(0), notifyType: NotifyType.COOKIE, data };
}

/** The COOKIE notify of a message, if any. */
export function findCookie(payloads: readonly Payload[]): Uint8Array | undefined {
  for (const p of payloads) if (p.kind === 'notify' && p.notifyType === NotifyType.COOKIE) return p.data;
  return undefined;
}
