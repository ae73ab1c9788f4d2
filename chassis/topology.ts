/**
 * The devices of one emulator process, the network between them, and which device the console
 * is on. With one device (the default) this is just that device and a network with no links;
 * `--topology` fills it with several.
 */
import type { Clock } from '../sim/clock.js';
import { Random } from '../sim/random.js';
import type { Device } from './device.js';
import { Captures } from './net/captures.js';
import { attachAddresses, HostAttachment } from './net/host-attach.js';
import { IkeHost, type IkeDaemonFactory } from './net/ike-host.js';
import { Network } from './net/network.js';
import { NodeStack } from './net/stack.js';
import { Tunnels } from './net/tunnels.js';
import { Refusal } from './refusal.js';
import type { Endpoint } from './topology-file.js';

/** A stable seed from a device name, so each device's random choices do not depend on the others. */
function seedOf(name: string): number {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

export interface TopologyOptions {
  /** Builds the IKE daemons (default: the kmd / iked modules). Tests pass a fake. */
  readonly ikeDaemons?: IkeDaemonFactory;
  /** `--state DIR` of the (single) device: its trace files are kept there. */
  readonly stateDir?: string;
}

export class Topology {
  readonly network: Network;
  readonly captures: Captures;
  private readonly devices = new Map<string, Device>();
  private readonly stacks = new Map<Device, NodeStack>();
  private readonly tunnelSets = new Map<Device, Tunnels>();
  private readonly ikeHosts = new Map<Device, IkeHost>();
  private readonly hostPorts: HostAttachment[] = [];
  private currentName: string;

  constructor(
    first: Device,
    clock: Clock,
    private readonly options: TopologyOptions = {},
  ) {
    this.network = new Network(clock);
    this.captures = new Captures(this.network);
    this.currentName = first.hostname;
    this.add(first);
  }

  get current(): Device {
    return this.devices.get(this.currentName)!;
  }

  all(): Device[] {
    return [...this.devices.values()];
  }

  add(dev: Device): void {
    if (this.devices.has(dev.hostname)) throw new Refusal(`device ${dev.hostname} already exists`);
    this.devices.set(dev.hostname, dev);
    const stack = new NodeStack(dev, this.network, new Random(seedOf(dev.hostname)));
    const tunnels = new Tunnels(dev, this.network, stack, new Random(seedOf(`${dev.hostname}/anchor`)), new Random(seedOf(`${dev.hostname}/spi`)));
    stack.tunnels = tunnels;
    this.stacks.set(dev, stack);
    this.tunnelSets.set(dev, tunnels);
    const first = this.ikeHosts.size === 0;
    this.ikeHosts.set(
      dev,
      new IkeHost(dev, this.network, stack, tunnels, {
        seed: seedOf(`${dev.hostname}/ike`),
        ...(this.options.ikeDaemons ? { factory: this.options.ikeDaemons } : {}),
        ...(first && this.options.stateDir !== undefined ? { stateDir: this.options.stateDir } : {}),
      }),
    );
    dev.bus.on('changed', () => void tunnels.reconcile());
    void tunnels.reconcile();
  }

  /** The packet path of a device. */
  stack(dev: Device): NodeStack {
    return this.stacks.get(dev)!;
  }

  /**
   * Bridge a device port to the host network (`--attach`). The sockets follow the address the
   * port's unit 0 has in the active configuration.
   */
  async attachHost(dev: Device, ifd: string): Promise<void> {
    const stack = this.stack(dev);
    const at = { device: stack.name, ifd };
    const port = new HostAttachment(ifd, (packet) => this.network.fromHost(at, packet));
    this.network.attachHost(at, port);
    this.hostPorts.push(port);
    const rebind = (): Promise<void> =>
      port.bindTo(attachAddresses(stack.model.interfaces.find((i) => i.ifd === ifd && i.unit === 0))).catch((err: Error) => {
        throw new Refusal(`cannot attach ${ifd}: ${err.message}`);
      });
    // A later address change rebinds; a failure then leaves the port unbound (its packets are counted as dropped).
    dev.bus.on('changed', () => void this.network.track(rebind().catch(() => undefined)));
    await rebind();
  }

  /** The IKE side of a device (its daemon, trace files). */
  ike(dev: Device): IkeHost {
    return this.ikeHosts.get(dev)!;
  }

  /** The IPsec tunnels of a device. */
  tunnels(dev: Device): Tunnels {
    return this.tunnelSets.get(dev)!;
  }

  link(a: Endpoint, b: Endpoint): void {
    this.network.link(a, b);
  }

  /** `lab console NAME`. */
  console(name: string): Device {
    const dev = this.devices.get(name) ?? this.all().find((d) => d.hostname === name);
    if (!dev) throw new Refusal(`no device named '${name}' (devices: ${this.all().map((d) => d.hostname).join(', ')})`);
    this.currentName = [...this.devices.entries()].find(([, d]) => d === dev)![0];
    return dev;
  }

  /** The name a device has on the network (its host name when it joined). */
  networkName(dev: Device): string {
    return this.stacks.get(dev)!.name;
  }

  async shutdown(): Promise<void> {
    this.captures.stopAll();
    for (const p of this.hostPorts) p.close();
    await Promise.all(this.all().map((d) => d.shutdown()));
  }
}
