/**
 * A recording IpsecKernel for the IKE daemon tests: SPIs and tunnel ids from counters, installs kept by
 * inbound SPI (with the whole ChildSaInstall), removals and gateway anchors recorded, counters
 * settable per SA, and an optional refusal to test install failures.
 */
import type { ChildSaCounters, ChildSaInstall, ChildSaPlacement, IpsecKernel } from '../../ike/ports.js';

export class MockKernel implements IpsecKernel {
  private nextSpi: number;
  readonly installed = new Map<number, ChildSaInstall>();
  readonly history: ChildSaInstall[] = [];
  readonly removed: number[] = [];
  readonly anchors: string[] = [];
  readonly released: string[] = [];
  readonly traffic = new Map<number, ChildSaCounters>();
  refuse: string | undefined;

  private nextTunnelId: number;
  /** Tunnel ids handed out, in order. */
  readonly tunnelIds: number[] = [];

  /** `firstTunnelId`: where the device's counter starts (kmd 131073, iked 500001). */
  constructor(firstSpi = 0xc0000001, firstTunnelId = 131073) {
    this.nextSpi = firstSpi;
    this.nextTunnelId = firstTunnelId;
  }

  allocateSpi(): number {
    return this.nextSpi++ >>> 0;
  }

  allocateTunnelId(): number {
    const id = this.nextTunnelId++;
    this.tunnelIds.push(id);
    return id;
  }

  async install(sa: ChildSaInstall): Promise<ChildSaPlacement> {
    if (this.refuse) throw new Error(this.refuse);
    this.installed.set(sa.inbound.spi, sa);
    this.history.push(sa);
    return { fpc: 1, pic: 0, thread: 3, engine: 'native' };
  }

  async remove(inboundSpi: number): Promise<void> {
    this.removed.push(inboundSpi);
    this.installed.delete(inboundSpi);
  }

  counters(inboundSpi: number): ChildSaCounters | undefined {
    if (!this.installed.has(inboundSpi)) return undefined;
    return this.traffic.get(inboundSpi) ?? { inboundBytes: 0, inboundPackets: 0, outboundBytes: 0, outboundPackets: 0 };
  }

  anchorGateway(gateway: string): ChildSaPlacement | undefined {
    this.anchors.push(gateway);
    return { fpc: 1, pic: 0, thread: 0, engine: 'native' };
  }

  releaseGateway(gateway: string): void {
    this.released.push(gateway);
  }

  /** The installed pairs of a tunnel. */
  ofTunnel(tunnelId: number): ChildSaInstall[] {
    return [...this.installed.values()].filter((s) => s.tunnelId === tunnelId);
  }
}
