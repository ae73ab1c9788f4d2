/**
 * Two IKE daemons back to back for exchange scripts: a virtual clock, seeded randomness (so
 * SPIs, nonces and keys replay), recording kernels, and an in-memory wire that holds every
 * datagram until the test delivers it with `step()` — one message at a time, as strongSwan's
 * exchange tests do. An optional NAT in front of A rewrites its source address and ports.
 */
import { emptyContainer, type DataContainer } from '../../config/data.js';
import { loadConfigText } from '../../config/load.js';
import { schemaRoot } from '../../config/schema/schema.js';
import { readIkeConfig, type IkeConfigModel } from '../../ike/config-model.js';
import { createIkeDaemon, type SharedIkeDaemon } from '../../ike/daemon.js';
import { FIRST_TUNNEL_ID, type IkeDatagram, type IkeEndpoint, type IkeTransport } from '../../ike/ports.js';
import { IKED_FLAVOUR } from '../../iked/daemon.js';
import { KMD_FLAVOUR } from '../../kmd/daemon.js';
import { VirtualClock } from '../../sim/clock.js';
import { Random } from '../../sim/random.js';
import { decodeMessage } from '../../ike/wire/message.js';
import type { IkeMessage } from '../../ike/wire/types.js';
import type { IkeSa } from '../../ike/v2/ike-sa.js';
import { lifecycleText } from '../../ike/v2/ike-sa-machine.js';
import { MockKernel } from './mock-kernel.js';

export const A_ADDR = '192.0.2.1';
export const B_ADDR = '198.51.100.2';
/** A's public address when `nat` is on. */
export const NAT_ADDR = '203.0.113.99';

export type Side = 'a' | 'b';

export interface InFlight {
  readonly from: Side;
  readonly to: Side;
  readonly datagram: IkeDatagram;
}

export interface SiteOptions {
  readonly local: string;
  readonly remote: string;
  readonly psk?: string;
  readonly ike?: { readonly dh?: string; readonly enc?: string; readonly auth?: string; readonly lifetime?: number };
  readonly ipsec?: { readonly enc?: string; readonly auth?: string; readonly pfs?: string; readonly lifetime?: number; readonly kilobytes?: number };
  readonly establish?: 'immediately' | 'on-traffic';
  /** Traffic selectors (name, local, remote); none = route-based default 0/0. */
  readonly selectors?: readonly (readonly [string, string, string])[];
  readonly localIdentity?: string;
  readonly remoteIdentity?: string;
  readonly noNatTraversal?: boolean;
  readonly dpd?: { readonly mode: string; readonly interval: number; readonly threshold: number };
  readonly extra?: readonly string[];
}

/** `set` lines of a route-based site-to-site VPN `VPN1` over gateway `GW1`. */
export function siteConfig(o: SiteOptions): string {
  const ike = o.ike ?? {};
  const ipsec = o.ipsec ?? {};
  const lines = [
    `set security ike proposal P1 authentication-method pre-shared-keys`,
    `set security ike proposal P1 dh-group ${ike.dh ?? 'group19'}`,
    `set security ike proposal P1 encryption-algorithm ${ike.enc ?? 'aes-128-gcm'}`,
    ...(ike.auth ? [`set security ike proposal P1 authentication-algorithm ${ike.auth}`] : []),
    `set security ike proposal P1 lifetime-seconds ${ike.lifetime ?? 28800}`,
    `set security ike policy POL1 proposals P1`,
    `set security ike policy POL1 pre-shared-key ascii-text "${o.psk ?? 'juniper123'}"`,
    `set security ike gateway GW1 ike-policy POL1`,
    `set security ike gateway GW1 address ${o.remote}`,
    `set security ike gateway GW1 external-interface ge-0/0/0.0`,
    `set security ike gateway GW1 local-address ${o.local}`,
    `set security ike gateway GW1 version v2-only`,
    ...(o.localIdentity ? [`set security ike gateway GW1 local-identity ${o.localIdentity}`] : []),
    ...(o.remoteIdentity ? [`set security ike gateway GW1 remote-identity ${o.remoteIdentity}`] : []),
    ...(o.noNatTraversal ? [`set security ike gateway GW1 no-nat-traversal`] : []),
    ...(o.dpd ? [`set security ike gateway GW1 dead-peer-detection ${o.dpd.mode}`, `set security ike gateway GW1 dead-peer-detection interval ${o.dpd.interval}`, `set security ike gateway GW1 dead-peer-detection threshold ${o.dpd.threshold}`] : []),
    `set security ipsec proposal E1 protocol esp`,
    `set security ipsec proposal E1 encryption-algorithm ${ipsec.enc ?? 'aes-128-gcm'}`,
    ...(ipsec.auth ? [`set security ipsec proposal E1 authentication-algorithm ${ipsec.auth}`] : []),
    `set security ipsec proposal E1 lifetime-seconds ${ipsec.lifetime ?? 3600}`,
    ...(ipsec.kilobytes ? [`set security ipsec proposal E1 lifetime-kilobytes ${ipsec.kilobytes}`] : []),
    `set security ipsec policy IPOL1 proposals E1`,
    ...(ipsec.pfs ? [`set security ipsec policy IPOL1 perfect-forward-secrecy keys ${ipsec.pfs}`] : []),
    `set security ipsec vpn VPN1 bind-interface st0.1`,
    `set security ipsec vpn VPN1 ike gateway GW1`,
    `set security ipsec vpn VPN1 ike ipsec-policy IPOL1`,
    ...(o.establish === 'immediately' ? [`set security ipsec vpn VPN1 establish-tunnels immediately`] : []),
    ...(o.selectors ?? []).flatMap(([n, l, r]) => [`set security ipsec vpn VPN1 traffic-selector ${n} local-ip ${l}`, `set security ipsec vpn VPN1 traffic-selector ${n} remote-ip ${r}`]),
    `set interfaces st0 unit 1 family inet`,
    ...(o.extra ?? []),
  ];
  return lines.join('\n');
}

export function configModel(text: string): IkeConfigModel {
  const r = loadConfigText('set', text, emptyContainer(), { root: schemaRoot(), origin: 'test' });
  if (!r.ok) throw new Error(r.error);
  return readIkeConfig(r.tree as DataContainer);
}

export function seededBytes(random: Random): (n: number) => Uint8Array {
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = random.nextU32();
      out[i] = v & 0xff;
      if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff;
      if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff;
      if (i + 3 < n) out[i + 3] = v >>> 24;
    }
    return out;
  };
}

export interface PairOptions {
  readonly a: SiteOptions | string;
  readonly b: SiteOptions | string;
  readonly flavourA?: 'kmd' | 'iked';
  readonly flavourB?: 'kmd' | 'iked';
  readonly engineA?: 'native' | 'software';
  readonly engineB?: 'native' | 'software';
  /** A NAT in front of A (A's packets leave as NAT_ADDR, ports 500→1500, 4500→14500). */
  readonly nat?: boolean;
  readonly seed?: number;
  /** Do not configure (the test calls configure itself). */
  readonly noConfigure?: boolean;
  /** Cookie threshold of B's responder (default: the daemon's). */
  readonly cookieThresholdB?: number;
  /** How many IKE SAs A negotiates at once (default: the daemon's). */
  readonly maxInitiatingA?: number;
  /** Parsed configurations (skips parsing `a`/`b` text; the corpus test makes many pairs). */
  readonly models?: { readonly a: IkeConfigModel; readonly b: IkeConfigModel };
}

export class IkePair {
  readonly clock = new VirtualClock();
  readonly wire: InFlight[] = [];
  readonly delivered: InFlight[] = [];
  readonly kernelA: MockKernel;
  readonly kernelB: MockKernel;
  readonly traceA: string[] = [];
  readonly traceB: string[] = [];
  readonly keepalives: { from: Side; local: IkeEndpoint; remote: IkeEndpoint }[] = [];
  a!: SharedIkeDaemon;
  b!: SharedIkeDaemon;
  configA!: IkeConfigModel;
  configB!: IkeConfigModel;

  private constructor(readonly options: PairOptions) {
    // Each side's kernel numbers tunnels as its device would (kmd 131073+, iked 500001+).
    this.kernelA = new MockKernel(0xa0000001, FIRST_TUNNEL_ID[options.flavourA ?? 'kmd']);
    this.kernelB = new MockKernel(0xb0000001, FIRST_TUNNEL_ID[options.flavourB ?? 'kmd']);
  }

  static async create(options: PairOptions): Promise<IkePair> {
    const p = new IkePair(options);
    const seed = options.seed ?? 7;
    const ra = new Random(seed);
    const rb = new Random(seed + 1000);
    const text = (s: SiteOptions | string): string => (typeof s === 'string' ? s : siteConfig(s));
    p.configA = options.models?.a ?? configModel(text(options.a));
    p.configB = options.models?.b ?? configModel(text(options.b));
    const flavour = (f: 'kmd' | 'iked' | undefined) => (f === 'iked' ? IKED_FLAVOUR : KMD_FLAVOUR);
    p.a = await createIkeDaemon(flavour(options.flavourA), {
      clock: p.clock,
      random: ra,
      randomBytes: seededBytes(ra.fork()),
      transport: p.transport('a'),
      kernel: p.kernelA,
      engine: options.engineA ?? 'native',
      hostname: () => 'site-a',
      trace: (l) => p.traceA.push(l),
    }, { ivSource: seededBytes(ra.fork()), onIkeSa: (sa) => p.record('a', sa), ...(options.maxInitiatingA !== undefined ? { maxInitiating: options.maxInitiatingA } : {}) });
    p.b = await createIkeDaemon(flavour(options.flavourB), {
      clock: p.clock,
      random: rb,
      randomBytes: seededBytes(rb.fork()),
      transport: p.transport('b'),
      kernel: p.kernelB,
      engine: options.engineB ?? 'native',
      hostname: () => 'site-b',
      trace: (l) => p.traceB.push(l),
    }, { ivSource: seededBytes(rb.fork()), onIkeSa: (sa) => p.record('b', sa), ...(options.cookieThresholdB !== undefined ? { cookieThreshold: options.cookieThresholdB } : {}) });
    if (!options.noConfigure) {
      p.a.configure(p.configA);
      p.b.configure(p.configB);
    }
    return p;
  }

  /**
   * Every IKE SA of each side, in creation order, with the sequence of its lifecycle snapshots
   * (`Connecting.InitSent`, `Established.Active`, `Down(timeout)` …; repeats folded).
   */
  readonly lifecycles: Record<Side, Array<{ readonly sa: IkeSa; readonly states: string[] }>> = { a: [], b: [] };

  private record(side: Side, sa: IkeSa): void {
    const states = [lifecycleText(sa.lifecycle.getSnapshot())];
    this.lifecycles[side].push({ sa, states });
    sa.lifecycle.subscribe((snap) => {
      const text = lifecycleText(snap);
      if (states[states.length - 1] !== text) states.push(text);
    });
  }

  /** The lifecycle sequences of one side's IKE SAs, in creation order. */
  states(side: Side): string[][] {
    return this.lifecycles[side].map((l) => l.states);
  }

  private transport(side: Side): IkeTransport {
    const own = side === 'a' ? A_ADDR : B_ADDR;
    return {
      send: (d) => {
        if (d.local.address !== own) return false;
        let datagram = d;
        if (side === 'a' && this.options.nat) {
          datagram = { ...d, local: { address: NAT_ADDR, port: d.local.port === 500 ? 1500 : 14500 } };
        }
        // Seen from the receiver: local/remote swap.
        this.wire.push({ from: side, to: side === 'a' ? 'b' : 'a', datagram: { local: datagram.remote, remote: datagram.local, payload: datagram.payload } });
        return true;
      },
      sendKeepalive: (local, remote) => {
        this.keepalives.push({ from: side, local, remote });
      },
      addressOf: () => own,
    };
  }

  daemon(side: Side): SharedIkeDaemon {
    return side === 'a' ? this.a : this.b;
  }

  kernel(side: Side): MockKernel {
    return side === 'a' ? this.kernelA : this.kernelB;
  }

  /** The next datagram on the wire, decoded without keys. */
  peek(): { from: Side; message: IkeMessage } | undefined {
    const f = this.wire[0];
    if (!f) return undefined;
    const v = decodeMessage(f.datagram.payload);
    if (!v.ok) throw new Error(`undecodable datagram on the wire: ${v.reason}`);
    return { from: f.from, message: v.message };
  }

  /** Deliver one datagram (after a NAT, the reply to A is translated back). */
  async step(): Promise<InFlight> {
    const f = this.wire.shift();
    if (!f) throw new Error('nothing on the wire');
    let d = f.datagram;
    if (f.to === 'a' && this.options.nat) {
      d = { ...d, local: { address: A_ADDR, port: d.local.port === 1500 ? 500 : 4500 } };
    }
    this.delivered.push(f);
    this.daemon(f.to).receive(d);
    await settle();
    return f;
  }

  /** Drop the next datagram (loss). */
  drop(): InFlight {
    const f = this.wire.shift();
    if (!f) throw new Error('nothing on the wire');
    return f;
  }

  /** Deliver until the wire is quiet; returns how many were delivered. */
  async run(max = 200): Promise<number> {
    let n = 0;
    while (this.wire.length > 0 && n < max) {
      await this.step();
      n++;
    }
    return n;
  }

  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await settle();
  }
}

/** Let resolved installs run their continuations. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise<void>((r) => setImmediate(r));
}
