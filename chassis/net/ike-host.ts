/**
 * The IKE daemon of one device (kmd or iked, as the boot chose): its life and its plumbing.
 *
 * - Life: created when the device runs kmd or iked (none without an IKE daemon), configured
 *   with `readIkeConfig(active)` once created and after every commit; stopped before a
 *   `request system reboot` (a stop hook of the Device) and created again at the boot that
 *   follows; stopped and created again by `restart ike-key-management` (iked) and `restart
 *   ipsec-key-management` (kmd); stopped at shutdown.
 * - Transport (`IkeTransport`): IKE messages leave as IPv4/IPv6 + UDP from our address and port
 *   (4500 adds the non-ESP marker, RFC 3948 §2.2; a keepalive is the single 0xFF byte) and are
 *   originated by the packet path; UDP 500 and marked UDP 4500 arriving for us are handed back
 *   through `receive` (chassis/net/stack.ts checks host-inbound `ike` first).
 * - Kernel (`IpsecKernel`): the tunnel layer (chassis/net/tunnels.ts `kernel()`).
 * - Randomness: node:crypto on the real clock, a stream seeded from the device on the virtual
 *   clock (transcripts replay byte for byte).
 * - Trace: with `security ike traceoptions file NAME` configured, the daemon's trace lines go to
 *   that file (the `--state` directory's `log/` when there is one, else memory), which `show log
 *   NAME` prints.
 *
 * The daemon module is loaded by flavour (`kmd/daemon.js`, `iked/daemon.js`); a test or a
 * scenario passes its own factory instead.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { View } from '../../config/validate/view.js';
import { addressFromText } from '../../dataplane/packet/address.js';
import { ikeNatTPayload, NAT_KEEPALIVE_PAYLOAD, NAT_T_PORT } from '../../dataplane/packet/esp-in-udp.js';
import { buildIpv4UdpPacket, buildIpv6UdpPacket } from '../../dataplane/packet/udp.js';
import { readIkeConfig, type IkeConfigModel } from '../../ike/config-model.js';
import type { IkeDaemon, IkeDaemonDeps, IkeDatagram, IkeEndpoint, IkeFlavour, IkeTransport } from '../../ike/ports.js';
import { Random } from '../../sim/random.js';
import type { Device } from '../device.js';
import type { Network } from './network.js';
import type { NodeStack } from './stack.js';
import type { Tunnels } from './tunnels.js';

/** Builds the daemon of one flavour (the real ones, or a test's fake). */
export type IkeDaemonFactory = (flavour: IkeFlavour, deps: IkeDaemonDeps) => IkeDaemon | Promise<IkeDaemon>;

/**
 * The real daemons: kmd/daemon.ts `createKmd`, iked/daemon.ts `createIked`. Loaded when first
 * needed, so a device without an IKE daemon never loads the IKE core.
 */
export const moduleDaemonFactory: IkeDaemonFactory = async (flavour, deps) => {
  if (flavour === 'kmd') return (await import('../../kmd/daemon.js')).createKmd(deps);
  return (await import('../../iked/daemon.js')).createIked(deps);
};

/** The traceoptions file of `security ike traceoptions file NAME`, if configured. */
export function ikeTraceFile(active: import('../../config/data.js').DataContainer): string | undefined {
  const file = new View(active).c('security', 'ike', 'traceoptions', 'file');
  return file?.leaf('filename');
}

/** Log files of one device: in memory, or under DIR/log when the device has a state directory. */
export class LogFiles {
  private readonly memory = new Map<string, string[]>();

  constructor(private readonly dir?: string) {}

  append(name: string, line: string): void {
    if (this.dir) {
      try {
        mkdirSync(join(this.dir, 'log'), { recursive: true });
        appendFileSync(join(this.dir, 'log', name), `${line}\n`);
        return;
      } catch {
        // Unwritable state directory: keep the line in memory rather than lose it.
      }
    }
    const lines = this.memory.get(name) ?? [];
    lines.push(line);
    this.memory.set(name, lines);
  }

  /** The file's lines, or undefined when there is no such file. */
  read(name: string): string[] | undefined {
    if (this.dir) {
      const path = join(this.dir, 'log', name);
      if (existsSync(path)) return readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
    }
    return this.memory.get(name);
  }

  names(): string[] {
    const names = new Set(this.memory.keys());
    if (this.dir && existsSync(join(this.dir, 'log'))) for (const f of readdirSync(join(this.dir, 'log'))) names.add(f);
    return [...names].sort();
  }
}

/** A seeded byte source for the virtual clock. */
function seededBytes(random: Random): (n: number) => Uint8Array {
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = random.nextU32();
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (v >>> (8 * k)) & 0xff;
    }
    return out;
  };
}

export interface IkeHostOptions {
  readonly factory?: IkeDaemonFactory;
  /** `--state DIR`: trace files are kept in DIR/log. */
  readonly stateDir?: string;
  /** Seed of the virtual-clock byte stream (and nothing else). */
  readonly seed: number;
}

export class IkeHost {
  private current: IkeDaemon | null = null;
  private chain: Promise<void> = Promise.resolve();
  private model: IkeConfigModel | undefined;
  private modelOf: unknown = undefined;
  /** The traceoptions file of that active configuration, if any. */
  private traceFile: string | undefined;
  private readonly factory: IkeDaemonFactory;
  private readonly bytes: (n: number) => Uint8Array;
  readonly logs: LogFiles;
  /** Why the last attempt to create a daemon failed (none: it did not). */
  startError: string | undefined;
  /** IKE datagrams dropped: no daemon runs, or it was being restarted. */
  droppedNoDaemon = 0;

  constructor(
    private readonly device: Device,
    private readonly network: Network,
    private readonly stack: NodeStack,
    private readonly tunnels: Tunnels,
    opts: IkeHostOptions,
  ) {
    this.factory = opts.factory ?? moduleDaemonFactory;
    this.logs = new LogFiles(opts.stateDir);
    const random = new Random(opts.seed);
    this.bytes = device.clockKind === 'real' ? (n) => new Uint8Array(cryptoRandomBytes(n)) : seededBytes(random);
    stack.ike = (d) => this.receive(d);
    tunnels.ikeHooks = {
      config: () => (this.current ? this.config() : undefined),
      trigger: (vpn) => this.current?.trigger(vpn),
      lost: (gateways) => this.lost(gateways),
    };
    device.bus.on('node.boot', () => void this.restart());
    device.bus.on('daemon.restart', ({ daemon }) => {
      if (daemon === 'iked' || daemon === 'kmd') void this.restart();
    });
    device.bus.on('config.applied', () => this.reconfigure());
    device.addStopHook(() => this.stop());
    void this.restart();
  }

  /** The daemon running now, if any. */
  get daemon(): IkeDaemon | null {
    return this.current;
  }

  /** Resolves when pending starts and stops are done. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** The IKE configuration model of the active configuration (cached per active tree). */
  config(): IkeConfigModel {
    const active = this.device.config.active;
    if (this.modelOf !== active || !this.model) {
      this.model = readIkeConfig(active);
      this.traceFile = ikeTraceFile(active);
      this.modelOf = active;
    }
    return this.model;
  }

  private serial(work: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(work, work);
    return this.network.track(this.chain);
  }

  /** Hand the newly active configuration to the daemon (a commit must not fail because of it). */
  private reconfigure(): void {
    const d = this.current;
    if (!d) return;
    try {
      d.configure(this.config());
    } catch (err) {
      this.trace(`configure failed: ${(err as Error).message}`);
    }
  }

  /** Stop the daemon that runs (if any) and start the one the device's boot chose. */
  restart(): Promise<void> {
    return this.serial(async () => {
      await this.stopNow();
      const flavour = this.device.ikeDaemon.daemon;
      if (flavour === null) return;
      let daemon: IkeDaemon | undefined;
      try {
        daemon = await this.factory(flavour, this.deps());
        daemon.configure(this.config());
        this.startError = undefined;
        this.current = daemon;
      } catch (err) {
        // A daemon that cannot start (or take the configuration) is not running.
        this.startError = (err as Error).message;
        this.trace(`${flavour} failed to start: ${this.startError}`);
        await daemon?.stop().catch(() => undefined);
      }
    });
  }

  /** Stop the daemon (reboot, shutdown); its SAs leave the data plane. */
  stop(): Promise<void> {
    return this.serial(() => this.stopNow());
  }

  private async stopNow(): Promise<void> {
    const d = this.current;
    this.current = null;
    if (d) await d.stop().catch(() => undefined);
  }

  private deps(): IkeDaemonDeps {
    const device = this.device;
    const clock = this.network.clock;
    return {
      clock,
      random: new Random(this.bytes(4).reduce((a, b) => (a << 8) | b, 0) >>> 0),
      randomBytes: this.bytes,
      transport: this.transport(),
      kernel: this.tunnels.kernel(),
      // Seed Table 5: an SPC3 with iked offloads DH/PRF to its hardware engine.
      engine: device.ikeDaemon.daemon === 'iked' && device.cards().some((c) => c.type === 'spc3' && c.state === 'online') ? 'native' : 'software',
      hostname: () => device.hostname,
      trace: (line) => this.trace(line),
      tracing: () => this.tracing(),
    };
  }

  /** Whether `security ike traceoptions file` is configured (read with the model, per active tree). */
  private tracing(): boolean {
    this.config();
    return this.traceFile !== undefined;
  }

  private trace(line: string): void {
    this.config();
    if (this.traceFile !== undefined) this.logs.append(this.traceFile, line);
  }

  /** The `IkeTransport` over this device's packet path. */
  transport(): IkeTransport {
    return {
      send: (d) => this.send(d.local, d.remote, d.local.port === NAT_T_PORT ? ikeNatTPayload(d.payload) : d.payload),
      sendKeepalive: (local, remote) => void this.send({ address: local.address, port: NAT_T_PORT }, remote, NAT_KEEPALIVE_PAYLOAD),
      addressOf: (ifl, family) => this.stack.addressOf(ifl, family),
    };
  }

  private send(local: IkeEndpoint, remote: IkeEndpoint, payload: Uint8Array): boolean {
    const src = addressFromText(local.address);
    const dst = addressFromText(remote.address);
    if (!src.ok || !dst.ok || src.value.length !== dst.value.length) return false;
    if (!this.stack.fib.local(src.value)) return false;
    const udp = { source: src.value, destination: dst.value, sourcePort: local.port, destinationPort: remote.port, payload };
    const packet = src.value.length === 16 ? buildIpv6UdpPacket(udp) : buildIpv4UdpPacket(udp);
    return this.stack.originate(packet) === 'sent';
  }

  private receive(d: IkeDatagram): void {
    if (!this.current) {
      this.droppedNoDaemon++;
      return;
    }
    this.current.receive(d);
  }

  /** Gateways whose SPU failed: their IKE SAs are cleared so the daemon negotiates again. */
  private lost(gateways: readonly string[]): void {
    const d = this.current;
    if (!d) return;
    const names = new Set(gateways);
    for (const sa of d.ikeSas()) if (names.has(sa.gatewayName)) d.clearIke({ index: sa.index });
  }
}
