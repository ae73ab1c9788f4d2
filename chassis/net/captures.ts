/**
 * `lab capture start|stop INTERFACE FILE`: every packet leaving or entering a device port is
 * written to a pcap file (raw IP link type, device-clock timestamps) that Wireshark and tshark
 * open. Captures end when stopped or when the emulator exits.
 */
import { LINKTYPE_RAW, PcapWriter } from '../../dataplane/capture/pcap.js';
import { Refusal } from '../refusal.js';
import type { Network } from './network.js';

interface Capture {
  readonly writer: PcapWriter;
  readonly untap: () => void;
}

export class Captures {
  private readonly running = new Map<string, Capture>();

  constructor(private readonly network: Network) {}

  start(device: string, ifd: string, file: string): string {
    const key = `${device}:${ifd}`;
    if (this.running.has(key)) throw new Refusal(`${ifd} on ${device} is already being captured to ${this.running.get(key)!.writer.path}`);
    let writer: PcapWriter;
    try {
      writer = new PcapWriter(file, { linktype: LINKTYPE_RAW });
    } catch (err) {
      throw new Refusal(`cannot write ${file}: ${(err as Error).message}`);
    }
    const untap = this.network.addTap((at, _dir, packet, time) => {
      if (at.device === device && at.ifd === ifd) writer.write(time, packet);
    });
    this.running.set(key, { writer, untap });
    return `lab: capturing ${ifd} of ${device} to ${file}`;
  }

  stop(device: string, ifd: string, file: string): string {
    const key = `${device}:${ifd}`;
    const c = this.running.get(key);
    if (!c || c.writer.path !== file) throw new Refusal(`no capture of ${ifd} on ${device} to ${file} is running`);
    c.untap();
    c.writer.close();
    this.running.delete(key);
    return `lab: ${c.writer.packets} packets written to ${file}`;
  }

  stopAll(): void {
    for (const c of this.running.values()) {
      c.untap();
      c.writer.close();
    }
    this.running.clear();
  }
}
