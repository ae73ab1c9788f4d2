/**
 * The views `show` renders from the daemon's records (ike/daemon.ts): daemon counters, IKE SA
 * keys, IKE SAs, IPsec tunnels and inactive tunnels, with the algorithm names of the detail
 * output. Pure functions of the records, the clock's now and the kernel's counters.
 */
import { fragmentationSize } from './config-model.js';
import type { ChildSaCounters, IkeDaemonCounters, IkeSaKeyEntry } from './ports.js';
import { buildIkePolicyOffer } from './proposal.js';
import type { IkeSaView, InactiveTunnelsView, IpsecSaView, IpsecTunnelView, TunnelEventView } from './status.js';
import { selectorFamily } from './traffic-selector.js';
import type { IkeSa, TunnelRec } from './v2/ike-sa.js';
import { identityText } from './v2/identity.js';
import { hex } from './v2/payloads.js';

/** The daemon-wide counters (a copy). */
export function countersView(c: IkeDaemonCounters): IkeDaemonCounters {
  return { received: c.received, sent: c.sent, retransmitted: c.retransmitted, rejected: { ...c.rejected } };
}

/** Keys of every established IKE SA (Wireshark decryption table). */
export function ikeKeysView(sas: readonly IkeSa[]): IkeSaKeyEntry[] {
  const out: IkeSaKeyEntry[] = [];
  for (const sa of sas) {
    const n = sa.negotiated;
    const k = sa.keys;
    if (!n || !k || sa.state === 'dead') continue;
    const h = n.integrity?.hash;
    out.push({
      initiatorSpi: sa.spiI,
      responderSpi: sa.spiR,
      encryption: n.encryption,
      integrity: h === undefined ? 'none' : h.startsWith('sha') && h !== 'sha1' ? `sha-${h.slice(3)}` : h,
      skEi: k.skEi,
      skEr: k.skEr,
      skAi: k.skAi,
      skAr: k.skAr,
    });
  }
  return out;
}

/** `show security ike security-associations` (by index). */
export function ikeSasView(sas: readonly IkeSa[], now: number): IkeSaView[] {
  return [...sas]
    .sort((a, b) => a.index - b.index)
    .map((sa) => {
      const n = sa.negotiated;
      const placement = sa.children[0]?.placement;
      const view: IkeSaView = {
        index: sa.index,
        state: sa.state === 'established' ? 'UP' : 'DOWN',
        initiatorSpi: hex(sa.spiI),
        responderSpi: hex(sa.spiR),
        mode: 'IKEv2',
        remoteAddress: sa.remote.address,
        gatewayName: sa.gateway.config.name,
        role: sa.initiator ? 'Initiator' : 'Responder',
        local: { ...sa.local },
        remote: { ...sa.remote },
        lifetimeRemaining: sa.state === 'established' ? Math.max(0, Math.floor((sa.expiresAt - now) / 1000)) : 0,
        reauthRemaining: null,
        authMethod: 'Pre-shared-keys',
        peerIkeId: sa.peerId ? identityText(sa.peerId) : sa.remote.address,
        fragmentation: { enabled: sa.gateway.config.fragmentation.enabled && sa.peerFragmentation, size: sa.gateway.config.fragmentation.enabled && sa.peerFragmentation ? fragmentationSize(sa.gateway.config, sa.remote.address.includes(':') ? 6 : 4) : 0 },
        remoteAccessClient: 'Unknown Client',
        aaaAssignedIp: '0.0.0.0',
        algorithms: {
          authentication: n?.integrity ? ikeIntegName(n.integrity.hash, n.integrity.icvLength) : 'None',
          encryption: n ? ikeEncName(n.encryption) : 'None',
          prf: n ? `hmac-${n.prf.hash}` : 'None',
          dhGroup: n ? `DH-group-${n.dhGroup.id}` : 'None',
        },
        traffic: { inputBytes: sa.inBytes, outputBytes: sa.outBytes, inputPackets: sa.inPackets, outputPackets: sa.outPackets, inputFragmentedPackets: 0, outputFragmentedPackets: 0 },
        ipsecSas: { created: sa.childrenCreated, deleted: sa.childrenDeleted },
        negotiations: sa.gateway.tunnels
          .filter((t) => t.negotiating && t.gateway.ikeSa === sa)
          .map((t) => ({
            type: sa.state === 'established' ? 'Create child SA' : 'IKE auth',
            role: sa.initiator ? 'Initiator' : 'Responder',
            messageId: sa.tasks.activeMessageId ?? 0,
            local: { ...sa.local },
            remote: { ...sa.remote },
            localIdentity: t.pair.local.map((s) => selectorFamily(s) === 4 ? 'ipv4' : 'ipv6').join(','),
            remoteIdentity: t.pair.remote.map((s) => selectorFamily(s) === 4 ? 'ipv4' : 'ipv6').join(','),
            flags: 'IKE SA is created',
          })),
        anchor: { fpc: placement?.fpc ?? 0, pic: placement?.pic ?? 0 },
      };
      return view;
    });
}

/** `show security ipsec security-associations`: tunnels with an installed CHILD SA (by id). */
export function tunnelsView(tunnels: readonly TunnelRec[], now: number, kernelCounters: (inboundSpi: number) => ChildSaCounters | undefined): IpsecTunnelView[] {
  const out: IpsecTunnelView[] = [];
  for (const t of tunnels) {
    const c = t.child;
    if (!c || c.state === 'deleted' || c.state === 'installing') continue;
    const sa = c.ikeSa;
    const counters = kernelCounters(c.inboundSpi);
    const hard = Math.max(0, Math.floor((c.installedAt + c.lifetimeSeconds * 1000 - now) / 1000));
    const soft = Math.max(0, Math.floor((c.softAt - now) / 1000));
    const kb = c.lifetimeKilobytes;
    const used = counters ? Math.floor((counters.inboundBytes + counters.outboundBytes) / 1024) : 0;
    const n = c.negotiated;
    const sav = (direction: 'inbound' | 'outbound'): IpsecSaView => ({
      direction,
      spi: direction === 'inbound' ? c.inboundSpi : c.outboundSpi,
      auxSpi: 0,
      vpnMonitoring: '-',
      hardLifetime: hard,
      softLifetime: soft,
      lifesizeRemaining: kb === undefined ? null : Math.max(0, kb - used),
      mode: 'Tunnel',
      type: 'dynamic',
      state: 'installed',
      protocol: n.protocol === 'esp' ? 'ESP' : 'AH',
      authentication: n.authentication ?? 'None',
      encryption: n.encryption ? ipsecEncName(n.encryption) : 'None',
      antiReplay: { enabled: t.vpn.ike.antiReplayWindow > 0, windowSize: t.vpn.ike.antiReplayWindow },
    });
    out.push({
      id: t.id,
      virtualSystem: 'root',
      vpnName: t.vpn.name,
      localGateway: sa.local.address,
      remoteGateway: sa.remote.address,
      localIdentity: c.localTs,
      remoteIdentity: c.remoteTs,
      version: 'IKEv2',
      dfBit: t.vpn.dfBit,
      copyOuterDscp: t.vpn.copyOuterDscp,
      bindInterface: t.vpn.bindInterface ?? null,
      port: c.udpEncapsulation ? 4500 : 500,
      negotiations: t.negotiations,
      failures: t.failures,
      deferredDeletes: 0,
      flags: 0x600a29,
      events: t.events.map((e): TunnelEventView => ({ ...e })),
      sas: [sav('inbound'), sav('outbound')],
      anchor: { fpc: c.placement?.fpc ?? 0, pic: c.placement?.pic ?? 0, thread: c.placement?.thread ?? 0 },
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** `show security ipsec inactive-tunnels`. */
export function inactiveTunnelsView(all: readonly TunnelRec[]): InactiveTunnelsView {
  const tunnels = [...all]
    .filter((t) => !t.child || t.child.state === 'installing')
    .sort((a, b) => a.id - b.id);
  return {
    tunnels: tunnels.map((t) => ({
      id: t.id,
      port: t.gateway.ikeSa?.remote.port ?? 500,
      gateway: t.gateway.remote,
      pendingSas: 1,
      downReason: t.down?.reason ?? null,
      downReasonCount: t.down?.count ?? 0,
    })),
    establishImmediately: tunnels.filter((t) => t.vpn.establishTunnels === 'immediately').length,
  };
}

/**
 * lifetime-seconds of the IKE proposal that was negotiated: the configured proposal whose
 * transforms the chosen one carries (the first one when several match; 28800 s by default).
 */
export function ikeLifetimeSeconds(sa: IkeSa): number {
  const chosen = sa.chosen;
  const offer = buildIkePolicyOffer(sa.gateway.policy);
  if (chosen && offer.ok) {
    const same = (a: WireTransformLike, b: WireTransformLike): boolean => a.type === b.type && a.id === b.id && (a.keyLength ?? 0) === (b.keyLength ?? 0);
    const i = offer.value.proposals.findIndex((p) => chosen.transforms.every((t) => p.transforms.some((x) => same(x, t))));
    const name = i >= 0 ? offer.value.names[i] : undefined;
    const p = name === undefined ? undefined : sa.gateway.policy.proposals.find((x) => x.name === name);
    if (p) return p.lifetimeSeconds;
  }
  return sa.gateway.policy.proposals[0]?.lifetimeSeconds ?? 28800;
}

interface WireTransformLike {
  readonly type: number;
  readonly id: number;
  readonly keyLength?: number;
}

/** `aes256-cbc`, `aes128-gcm`, `chacha20-poly1305` (the detail output's spellings). */
export function ikeEncName(e: string): string {
  const m = /^aes-(\d+)-(cbc|gcm)$/.exec(e);
  return m ? `aes${m[1]}-${m[2]}` : e;
}

/** `hmac-sha1-96`, `hmac-sha256-128`, `hmac-sha384-192`. */
export function ikeIntegName(hash: string, icv: number): string {
  return `hmac-${hash}-${icv * 8}`;
}

/** `aes-cbc (256 bits)`, `aes-gcm (128 bits)`. */
export function ipsecEncName(e: string): string {
  const m = /^aes-(\d+)-(cbc|gcm)$/.exec(e);
  return m ? `aes-${m[2]} (${m[1]} bits)` : e;
}
