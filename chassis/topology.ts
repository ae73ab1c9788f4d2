/**
 * The devices of one emulator process and which one the console is on. With one device (the
 * default) this is just that device; `--topology` (a later issue) fills it with several.
 */
import type { Device } from './device.js';
import { Refusal } from './refusal.js';

export class Topology {
  private readonly devices = new Map<string, Device>();
  private currentName: string;

  constructor(first: Device, readonly name = first.hostname) {
    this.devices.set(first.hostname, first);
    this.currentName = first.hostname;
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
  }

  /** `lab console NAME`. */
  console(name: string): Device {
    const dev = this.devices.get(name) ?? this.all().find((d) => d.hostname === name);
    if (!dev) throw new Refusal(`no device named '${name}' (devices: ${this.all().map((d) => d.hostname).join(', ')})`);
    this.currentName = dev.hostname;
    return dev;
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.all().map((d) => d.shutdown()));
  }
}
