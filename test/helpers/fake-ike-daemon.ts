/**
 * A recording stand-in for kmd / iked, built through the real `IkeDaemonDeps`: it records what
 * the chassis asks of it, and on request sends datagrams through the transport and installs
 * SA pairs through the kernel, reporting canned views for `show`.
 */
import type { IkeConfigModel } from '../../ike/config-model.js';
import type {
  ChildSaInstall,
  ChildSaPlacement,
  IkeDaemon,
  IkeDaemonCounters,
  IkeDaemonDeps,
  IkeDatagram,
  IkeFlavour,
  IkeSaKeyEntry,
} from '../../ike/ports.js';
import type { IkeSaView, InactiveTunnelsView, IpsecTunnelView } from '../../ike/status.js';

export interface FakePairSpec {
  readonly tunnelId: number;
  readonly vpn: string;
  readonly gateway: string;
  readonly bindInterface?: string;
  readonly local: string;
  readonly remote: string;
  /** SPIs as both ends agree: ours inbound = the peer's outbound. */
  readonly inboundSpi: number;
  readonly outboundSpi: number;
  readonly localSelector?: string;
  readonly remoteSelector?: string;
  readonly natT?: boolean;
  readonly distributionProfile?: string;
  readonly selector?: number;
}

/** 32 bytes of key, made from a small number, so both ends build the same keys. */
export function testKey(seed: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

export class FakeIkeDaemon implements IkeDaemon {
  readonly calls: string[] = [];
  readonly configs: IkeConfigModel[] = [];
  readonly received: IkeDatagram[] = [];
  readonly triggered: string[] = [];
  readonly cleared: Array<{ kind: 'ike' | 'ipsec'; filter: unknown }> = [];
  stopped = false;
  sas: IkeSaView[] = [];
  views: IpsecTunnelView[] = [];
  inactive: InactiveTunnelsView = { tunnels: [], establishImmediately: 0 };
  keys: IkeSaKeyEntry[] = [];
  /** Inbound SPIs of the pairs this daemon installed, by tunnel id. */
  readonly installed = new Map<number, number[]>();

  constructor(
    readonly flavour: IkeFlavour,
    readonly deps: IkeDaemonDeps,
  ) {
    deps.trace?.(`fake ${flavour} started`);
  }

  configure(config: IkeConfigModel): void {
    this.calls.push('configure');
    this.configs.push(config);
  }

  receive(datagram: IkeDatagram): void {
    this.calls.push('receive');
    this.received.push(datagram);
    this.deps.trace?.(`received ${datagram.payload.length} bytes from ${datagram.remote.address}:${datagram.remote.port}`);
  }

  trigger(vpn: string): void {
    this.calls.push(`trigger ${vpn}`);
    this.triggered.push(vpn);
  }

  clearIke(filter?: { readonly peer?: string; readonly index?: number }): number {
    this.cleared.push({ kind: 'ike', filter });
    const before = this.sas.length;
    this.sas = this.sas.filter((s) => !((filter?.peer === undefined || s.remoteAddress === filter.peer) && (filter?.index === undefined || s.index === filter.index)));
    return before - this.sas.length;
  }

  clearIpsec(filter?: { readonly index?: number }): number {
    this.cleared.push({ kind: 'ipsec', filter });
    return 0;
  }

  ikeSas(): IkeSaView[] {
    return this.sas;
  }

  tunnels(): IpsecTunnelView[] {
    return this.views;
  }

  inactiveTunnels(): InactiveTunnelsView {
    return this.inactive;
  }

  counters(): IkeDaemonCounters {
    return { received: this.received.length, sent: 0, retransmitted: 0, rejected: {} };
  }

  ikeKeys(): IkeSaKeyEntry[] {
    return this.keys;
  }

  async stop(): Promise<void> {
    this.calls.push('stop');
    this.stopped = true;
    for (const spis of this.installed.values()) for (const spi of spis) await this.deps.kernel.remove(spi);
    this.installed.clear();
  }

  /** Send an IKE message from our address to the peer. */
  send(local: string, remote: string, payload: Uint8Array, port = 500): boolean {
    return this.deps.transport.send({ local: { address: local, port }, remote: { address: remote, port }, payload });
  }

  /** Anchor the gateway and install one AES-256-GCM pair, as a negotiation would. */
  async install(spec: FakePairSpec): Promise<ChildSaPlacement> {
    this.deps.kernel.anchorGateway(spec.gateway, spec.local, spec.remote, 'site-to-site');
    // Keys are derived from the SPI each direction is named by, so the two ends agree.
    const keysFor = (spi: number) => ({ spi, encryptionKey: testKey(spi, 36), authenticationKey: new Uint8Array(0) });
    const sa: ChildSaInstall = {
      tunnelId: spec.tunnelId,
      vpn: spec.vpn,
      gateway: spec.gateway,
      gatewayKind: 'site-to-site',
      ...(spec.bindInterface !== undefined ? { bindInterface: spec.bindInterface } : {}),
      selector: spec.selector ?? 0,
      protocol: 'esp',
      encryption: 'aes-256-gcm',
      authentication: null,
      esn: false,
      inbound: keysFor(spec.inboundSpi),
      outbound: keysFor(spec.outboundSpi),
      local: spec.local,
      remote: spec.remote,
      udpEncapsulation: spec.natT ? { localPort: 4500, remotePort: 4500 } : null,
      replayWindowSize: 64,
      localSelector: spec.localSelector ?? 'ipv4_subnet(any:0,[0..7]=0.0.0.0/0)',
      remoteSelector: spec.remoteSelector ?? 'ipv4_subnet(any:0,[0..7]=0.0.0.0/0)',
      ...(spec.distributionProfile !== undefined ? { distributionProfile: spec.distributionProfile } : {}),
    };
    const placement = await this.deps.kernel.install(sa);
    this.installed.set(spec.tunnelId, [...(this.installed.get(spec.tunnelId) ?? []), spec.inboundSpi]);
    return placement;
  }
}

/** A factory that keeps every daemon it built (newest last). */
export function fakeDaemons(): { factory: (flavour: IkeFlavour, deps: IkeDaemonDeps) => FakeIkeDaemon; created: FakeIkeDaemon[] } {
  const created: FakeIkeDaemon[] = [];
  return {
    created,
    factory: (flavour, deps) => {
      const d = new FakeIkeDaemon(flavour, deps);
      created.push(d);
      return d;
    },
  };
}

/** A canned IKE SA view. */
export function ikeSaView(over: Partial<IkeSaView> = {}): IkeSaView {
  return {
    index: 5120447,
    state: 'UP',
    initiatorSpi: '3f9a1c07be52d4e8',
    responderSpi: '91c4e0a7d3b26f15',
    mode: 'IKEv2',
    remoteAddress: '192.0.2.2',
    gatewayName: 'GW1',
    role: 'Initiator',
    local: { address: '192.0.2.1', port: 500 },
    remote: { address: '192.0.2.2', port: 500 },
    lifetimeRemaining: 27148,
    reauthRemaining: null,
    authMethod: 'Pre-shared-keys',
    peerIkeId: '192.0.2.2',
    fragmentation: { enabled: false, size: 0 },
    remoteAccessClient: 'Unknown Client',
    aaaAssignedIp: '0.0.0.0',
    algorithms: { authentication: 'hmac-sha256-128', encryption: 'aes256-cbc', prf: 'hmac-sha256', dhGroup: 'DH-group-19' },
    traffic: { inputBytes: 1712, outputBytes: 1704, inputPackets: 22, outputPackets: 22, inputFragmentedPackets: 0, outputFragmentedPackets: 0 },
    ipsecSas: { created: 1, deleted: 0 },
    negotiations: [],
    anchor: { fpc: 2, pic: 0 },
    ...over,
  };
}

/** A canned tunnel view for one pair (inbound then outbound). */
export function tunnelView(id: number, inboundSpi: number, outboundSpi: number, over: Partial<IpsecTunnelView> = {}): IpsecTunnelView {
  const sa = (direction: 'inbound' | 'outbound', spi: number) => ({
    direction,
    spi,
    auxSpi: 0,
    vpnMonitoring: '-',
    hardLifetime: 3120,
    softLifetime: 2514,
    lifesizeRemaining: null,
    mode: 'Tunnel' as const,
    type: 'dynamic' as const,
    state: 'installed',
    protocol: 'ESP' as const,
    authentication: 'None',
    encryption: 'aes-gcm (256 bits)',
    antiReplay: { enabled: direction === 'inbound', windowSize: direction === 'inbound' ? 64 : 0 },
  });
  return {
    id,
    virtualSystem: 'root',
    vpnName: 'V1',
    localGateway: '192.0.2.1',
    remoteGateway: '192.0.2.2',
    localIdentity: 'ipv4_subnet(any:0,[0..7]=0.0.0.0/0)',
    remoteIdentity: 'ipv4_subnet(any:0,[0..7]=0.0.0.0/0)',
    version: 'IKEv2',
    dfBit: 'clear',
    copyOuterDscp: false,
    bindInterface: 'st0.1',
    port: 500,
    negotiations: 1,
    failures: 0,
    deferredDeletes: 0,
    flags: 0x600a29,
    events: [{ at: Date.UTC(2026, 0, 1, 0, 0, 1), text: 'IPSec SA negotiation successfully completed', count: 1 }],
    sas: [sa('inbound', inboundSpi), sa('outbound', outboundSpi)],
    anchor: { fpc: 2, pic: 0, thread: 0 },
    ...over,
  };
}
