/**
 * The IKE/IPsec part of the ACTIVE configuration as typed, immutable objects for the IKE
 * daemons (`security ike`, `security ipsec`, `security distribution-profile`). Read through
 * View, so `deactivate`d statements do not exist. Keywords and defaults are those of the
 * junos-es YANG 24.4R1 (grouping ike-proposal, ike-policy, the ike gateway list, ipsec-proposal,
 * ipsec-policy, ipsec-vpn-template, security-distribution-profile).
 *
 * Defaults the YANG states: policy mode main, reauth-frequency 0, DPD interval 10 / threshold 5,
 * nat-keepalive 20, gateway version v1-only, install-interval 1, establish-tunnels on-traffic,
 * udp-encapsulate dest-port 4565; fragmentation size "576 bytes for ipv4 and 1280 bytes for
 * ipv6" (its description). Defaults it does not state, chosen here (documented, uncertain):
 * - IKE proposal lifetime-seconds 28800 (8 h, the conventional Junos value);
 * - IPsec proposal lifetime-seconds 3600 (what SRX SA output shows; an old Junos 9.3 page says
 *   28800 for IPsec too), no kilobyte lifetime;
 * - IPsec proposal protocol esp when not configured;
 * - DPD mode optimized when dead-peer-detection has no mode (the YANG calls it "Default mode");
 * - VPN df-bit clear (what `show security ipsec security-associations detail` prints by default);
 * - a policy with both `proposals` and `proposal-set` offers its named proposals.
 *
 * The CLI stores both sides of a YANG choice when both are typed (`dead-peer-detection
 * always-send` then `optimized`); Junos keeps the last one typed, so the reader takes the one
 * that comes last in the stored order.
 */
import type { DataContainer } from '../config/data.js';
import { decodeSecret } from '../config/secret.js';
import { effectiveAntiReplay } from '../config/validate/anti-replay.js';
import { View } from '../config/validate/view.js';
import { ikeProposalSet, ipsecProposalSet, isProposalSetName, type ProposalSetName } from './proposal-sets.js';
import { parsePortRange, protocolNumber, type ServiceSelector } from './traffic-selector.js';
import {
  isDhGroupKeyword,
  isIkeAuthenticationKeyword,
  isIkeEncryptionKeyword,
  isIpsecAuthenticationKeyword,
  isIpsecEncryptionKeyword,
  type DhGroupKeyword,
  type IkeAuthenticationKeyword,
  type IkeEncryptionKeyword,
  type IpsecAuthenticationKeyword,
  type IpsecEncryptionKeyword,
  type Outcome,
} from './transforms.js';

export const DEFAULT_IKE_LIFETIME_SECONDS = 28800;
export const DEFAULT_IPSEC_LIFETIME_SECONDS = 3600;
export const DEFAULT_DPD_INTERVAL = 10;
export const DEFAULT_DPD_THRESHOLD = 5;
export const DEFAULT_NAT_KEEPALIVE = 20;
export const DEFAULT_FRAGMENT_SIZE_IPV4 = 576;
export const DEFAULT_FRAGMENT_SIZE_IPV6 = 1280;
export const DEFAULT_UDP_ENCAPSULATE_PORT = 4565;

export type IkeAuthenticationMethod =
  | 'pre-shared-keys'
  | 'rsa-signatures'
  | 'dsa-signatures'
  | 'ecdsa-signatures-256'
  | 'ecdsa-signatures-384'
  | 'ecdsa-signatures-521'
  | 'certificates'
  | 'digital-signature';

const AUTH_METHODS: readonly IkeAuthenticationMethod[] = ['pre-shared-keys', 'rsa-signatures', 'dsa-signatures', 'ecdsa-signatures-256', 'ecdsa-signatures-384', 'ecdsa-signatures-521', 'certificates', 'digital-signature'];

/** `security ike proposal NAME`. */
export interface IkeProposalConfig {
  readonly name: string;
  readonly description?: string;
  readonly authenticationMethod?: IkeAuthenticationMethod;
  readonly dhGroup?: DhGroupKeyword;
  readonly authenticationAlgorithm?: IkeAuthenticationKeyword;
  readonly encryptionAlgorithm?: IkeEncryptionKeyword;
  readonly lifetimeSeconds: number;
}

export interface PreSharedKey {
  readonly format: 'ascii-text' | 'hexadecimal';
  /** The key itself (recovered from its `$9$` form). */
  readonly bytes: Uint8Array;
}

/** `security ike policy NAME`. */
export interface IkePolicyConfig {
  readonly name: string;
  readonly description?: string;
  readonly mode: 'main' | 'aggressive';
  readonly reauthFrequency: number;
  readonly proposalNames: readonly string[];
  readonly proposalSet?: ProposalSetName;
  /** What the policy offers, in order: its named proposals, else the proposal set's members. */
  readonly proposals: readonly IkeProposalConfig[];
  readonly preSharedKey?: PreSharedKey;
}

export type IkeIdentity =
  | { readonly type: 'inet'; readonly address: string }
  | { readonly type: 'inet6'; readonly address: string }
  | { readonly type: 'hostname'; readonly hostname: string }
  | { readonly type: 'user-at-hostname'; readonly user: string }
  /** Local: the DN of the local certificate; remote: a container or wildcard pattern. */
  | { readonly type: 'distinguished-name'; readonly container?: string; readonly wildcard?: string }
  | { readonly type: 'key-id'; readonly keyId: string };

export interface DeadPeerDetectionConfig {
  readonly mode: 'optimized' | 'probe-idle-tunnel' | 'always-send';
  readonly interval: number;
  readonly threshold: number;
}

export interface DynamicPeerConfig {
  /** How the dynamic peer is recognised; `general-ikeid` disables IKE-ID validation. */
  readonly identity?: IkeIdentity | { readonly type: 'general-ikeid' };
  readonly connectionsLimit?: number;
  readonly ikeUserType?: 'group-ike-id' | 'shared-ike-id';
  readonly rejectDuplicateConnection: boolean;
}

/** `security ike gateway NAME`. */
export interface IkeGatewayConfig {
  readonly name: string;
  readonly ikePolicy?: string;
  /** Peer addresses or host names: the primary then up to 4 backups. */
  readonly addresses: readonly string[];
  readonly dynamic?: DynamicPeerConfig;
  readonly deadPeerDetection?: DeadPeerDetectionConfig;
  readonly nodeLocal: boolean;
  /** False with `no-nat-traversal`. */
  readonly natTraversal: boolean;
  readonly natKeepalive: number;
  readonly localIdentity?: IkeIdentity;
  readonly remoteIdentity?: IkeIdentity;
  readonly externalInterface?: string;
  readonly localAddress?: string;
  readonly generalIkeid: boolean;
  readonly advpn: boolean;
  readonly version: 'v1-only' | 'v2-only';
  /** IKEv2 fragmentation: on unless `disable`; size undefined = the family default. */
  readonly fragmentation: { readonly enabled: boolean; readonly size?: number };
  readonly tcpEncapProfile?: string;
}

/** The IKEv2 fragment size of a gateway for an outer family. */
export function fragmentationSize(gw: IkeGatewayConfig, family: 4 | 6): number {
  return gw.fragmentation.size ?? (family === 4 ? DEFAULT_FRAGMENT_SIZE_IPV4 : DEFAULT_FRAGMENT_SIZE_IPV6);
}

/** `security ipsec proposal NAME`. */
export interface IpsecProposalConfig {
  readonly name: string;
  readonly description?: string;
  readonly protocol: 'esp' | 'ah';
  readonly authenticationAlgorithm?: IpsecAuthenticationKeyword;
  readonly encryptionAlgorithm?: IpsecEncryptionKeyword;
  readonly lifetimeSeconds: number;
  readonly lifetimeKilobytes?: number;
  readonly extendedSequenceNumber: boolean;
}

/** `security ipsec policy NAME`. */
export interface IpsecPolicyConfig {
  readonly name: string;
  readonly description?: string;
  /** The PFS group used: `perfect-forward-secrecy keys`, else the proposal set's (standard: group2). */
  readonly pfsGroup?: DhGroupKeyword;
  readonly proposalNames: readonly string[];
  readonly proposalSet?: ProposalSetName;
  readonly proposals: readonly IpsecProposalConfig[];
}

export interface ProxyIdentityConfig {
  readonly local?: string;
  readonly remote?: string;
  readonly service?: string;
}

export interface TrafficSelectorTermConfig {
  readonly name: string;
  readonly localIp?: string;
  readonly remoteIp?: string;
  readonly protocol?: string;
  readonly sourcePort?: string;
  readonly destinationPort?: string;
}

/** `security ipsec vpn V traffic-selector NAME`: each negotiates its own CHILD SA. */
export interface TrafficSelectorConfig extends TrafficSelectorTermConfig {
  readonly description?: string;
  readonly metric?: number;
  readonly preference?: number;
  readonly terms: readonly TrafficSelectorTermConfig[];
}

export type EstablishTunnels = 'immediately' | 'on-traffic' | 'responder-only' | 'responder-only-no-rekey';

/** An IKE-keyed `security ipsec vpn NAME` (manual VPNs are chassis/net/manual-vpns.ts). */
export interface IpsecVpnConfig {
  readonly name: string;
  readonly bindInterface?: string;
  readonly dfBit: 'clear' | 'set' | 'copy';
  readonly copyOuterDscp: boolean;
  readonly ike: {
    readonly gateway: string;
    readonly ipsecPolicy?: string;
    readonly idleTime?: number;
    readonly installInterval: number;
    readonly proxyIdentity?: ProxyIdentityConfig;
    /** Effective anti-replay window (per VPN, else global, else 64); 0 = no-anti-replay. */
    readonly antiReplayWindow: number;
  };
  readonly trafficSelectors: readonly TrafficSelectorConfig[];
  readonly establishTunnels: EstablishTunnels;
  readonly distributionProfile?: string;
  readonly udpEncapsulate?: { readonly destPort: number };
  readonly vpnMonitor?: { readonly optimized: boolean; readonly sourceInterface?: string; readonly destinationIp?: string };
}

/** `security distribution-profile profile-entity NAME`: the SPU threads tunnels go to. */
export interface DistributionProfileConfig {
  readonly name: string;
  readonly description?: string;
  readonly fpcs: readonly { readonly slot: number; readonly pics: readonly { readonly pic: number; readonly threadIds: readonly number[] }[] }[];
}

export interface IkeConfigModel {
  readonly ikeProposals: ReadonlyMap<string, IkeProposalConfig>;
  readonly ikePolicies: ReadonlyMap<string, IkePolicyConfig>;
  readonly gateways: ReadonlyMap<string, IkeGatewayConfig>;
  readonly ipsecProposals: ReadonlyMap<string, IpsecProposalConfig>;
  readonly ipsecPolicies: ReadonlyMap<string, IpsecPolicyConfig>;
  /** IKE-keyed VPNs, in configuration order. */
  readonly vpns: ReadonlyMap<string, IpsecVpnConfig>;
  readonly distributionProfiles: ReadonlyMap<string, DistributionProfileConfig>;
  /** `security distribution-profile fat-core`. */
  readonly fatCore: boolean;
  /** Custom `applications application` usable as a proxy-identity service (single-term ones). */
  readonly services: ReadonlyMap<string, ServiceSelector>;
}

// ---------------------------------------------------------------------------------------------

const num = (v: string | undefined): number | undefined => (v === undefined || !/^\d+$/.test(v) ? undefined : Number(v));
const opt = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } => (v === undefined ? {} : ({ [key]: v } as { [P in K]: V }));

/** Of the alternatives of a YANG choice, the one stored last (Junos keeps the last typed). */
function lastPresent<T extends string>(v: View, names: readonly T[]): T | undefined {
  const keys = Object.keys(v.node.ch).filter((k) => (names as readonly string[]).includes(k) && v.has(k));
  return keys[keys.length - 1] as T | undefined;
}

function deepFreeze<T>(o: T): T {
  if (o === null || typeof o !== 'object' || ArrayBuffer.isView(o) || Object.isFrozen(o)) return o;
  if (o instanceof Map) {
    for (const v of o.values()) deepFreeze(v);
    return o;
  }
  for (const v of Object.values(o)) deepFreeze(v);
  return Object.freeze(o);
}

function readIkeProposal(name: string, v: View): IkeProposalConfig {
  const method = v.leaf('authentication-method');
  const dh = v.leaf('dh-group');
  const auth = v.leaf('authentication-algorithm');
  const enc = v.leaf('encryption-algorithm');
  return {
    name,
    ...opt('description', v.leaf('description')),
    ...opt('authenticationMethod', method !== undefined && (AUTH_METHODS as readonly string[]).includes(method) ? (method as IkeAuthenticationMethod) : undefined),
    ...opt('dhGroup', dh !== undefined && isDhGroupKeyword(dh) ? dh : undefined),
    ...opt('authenticationAlgorithm', auth !== undefined && isIkeAuthenticationKeyword(auth) ? auth : undefined),
    ...opt('encryptionAlgorithm', enc !== undefined && isIkeEncryptionKeyword(enc) ? enc : undefined),
    lifetimeSeconds: num(v.leaf('lifetime-seconds')) ?? DEFAULT_IKE_LIFETIME_SECONDS,
  };
}

function readKey(v: View | undefined): PreSharedKey | undefined {
  if (!v) return undefined;
  const format = lastPresent(v, ['ascii-text', 'hexadecimal'] as const);
  if (format === undefined) return undefined;
  const stored = v.leaf(format)!;
  const plain = decodeSecret(stored) ?? stored;
  // A `$9$` secret holds 8-bit characters: one byte each (UTF-8 only for wider text).
  if (format === 'ascii-text') return { format, bytes: [...plain].every((c) => c.charCodeAt(0) <= 0xff) ? Uint8Array.from(plain, (c) => c.charCodeAt(0)) : new TextEncoder().encode(plain) };
  const hex = plain.replace(/^0x/i, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) return undefined;
  return { format, bytes: Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16))) };
}

function readIdentity(v: View | undefined, side: 'local' | 'remote'): IkeIdentity | undefined {
  if (!v) return undefined;
  const kind = lastPresent(v, ['inet', 'inet6', 'hostname', 'user-at-hostname', 'distinguished-name', 'key-id'] as const);
  switch (kind) {
    case 'inet': {
      const a = v.c('inet')?.leaf('identity-ipv4');
      return a === undefined ? undefined : { type: 'inet', address: a };
    }
    case 'inet6': {
      const a = v.c('inet6')?.leaf('identity-ipv6');
      return a === undefined ? undefined : { type: 'inet6', address: a };
    }
    case 'hostname': {
      const h = v.c('hostname')?.leaf('identity-hostname');
      return h === undefined ? undefined : { type: 'hostname', hostname: h };
    }
    case 'user-at-hostname': {
      const u = v.c('user-at-hostname')?.leaf('identity-user');
      return u === undefined ? undefined : { type: 'user-at-hostname', user: u };
    }
    case 'distinguished-name': {
      if (side === 'local') return { type: 'distinguished-name' };
      const dn = v.c('distinguished-name');
      return { type: 'distinguished-name', ...opt('container', dn?.leaf('container')), ...opt('wildcard', dn?.leaf('wildcard')) };
    }
    case 'key-id': {
      const k = v.c('key-id')?.leaf('string-key-id');
      return k === undefined ? undefined : { type: 'key-id', keyId: k };
    }
    default:
      return undefined;
  }
}

function readDynamic(v: View | undefined): DynamicPeerConfig | undefined {
  if (!v) return undefined;
  const kind = lastPresent(v, ['distinguished-name', 'general-ikeid', 'hostname', 'inet', 'inet6', 'user-at-hostname'] as const);
  let identity: DynamicPeerConfig['identity'];
  if (kind === 'general-ikeid') identity = { type: 'general-ikeid' };
  else if (kind === 'distinguished-name') {
    const dn = v.c('distinguished-name');
    identity = { type: 'distinguished-name', ...opt('container', dn?.leaf('container')), ...opt('wildcard', dn?.leaf('wildcard')) };
  } else if (kind === 'hostname') identity = { type: 'hostname', hostname: v.leaf('hostname')! };
  else if (kind === 'inet') identity = { type: 'inet', address: v.leaf('inet')! };
  else if (kind === 'inet6') identity = { type: 'inet6', address: v.leaf('inet6')! };
  else if (kind === 'user-at-hostname') identity = { type: 'user-at-hostname', user: v.leaf('user-at-hostname')! };
  const userType = v.leaf('ike-user-type');
  return {
    ...opt('identity', identity),
    ...opt('connectionsLimit', num(v.leaf('connections-limit'))),
    ...opt('ikeUserType', userType === 'group-ike-id' || userType === 'shared-ike-id' ? userType : undefined),
    rejectDuplicateConnection: v.has('reject-duplicate-connection'),
  };
}

function readGateway(name: string, v: View): IkeGatewayConfig {
  const dpd = v.c('dead-peer-detection');
  const frag = v.c('fragmentation');
  return {
    name,
    ...opt('ikePolicy', v.leaf('ike-policy')),
    addresses: v.leaves('address'),
    ...opt('dynamic', readDynamic(v.c('dynamic'))),
    ...opt(
      'deadPeerDetection',
      dpd
        ? {
            mode: lastPresent(dpd, ['optimized', 'probe-idle-tunnel', 'always-send'] as const) ?? 'optimized',
            interval: num(dpd.leaf('interval')) ?? DEFAULT_DPD_INTERVAL,
            threshold: num(dpd.leaf('threshold')) ?? DEFAULT_DPD_THRESHOLD,
          }
        : undefined,
    ),
    nodeLocal: v.has('node-local'),
    natTraversal: !v.has('no-nat-traversal'),
    natKeepalive: num(v.leaf('nat-keepalive')) ?? DEFAULT_NAT_KEEPALIVE,
    ...opt('localIdentity', readIdentity(v.c('local-identity'), 'local')),
    ...opt('remoteIdentity', readIdentity(v.c('remote-identity'), 'remote')),
    ...opt('externalInterface', v.leaf('external-interface')),
    ...opt('localAddress', v.leaf('local-address')),
    generalIkeid: v.has('general-ikeid'),
    advpn: v.has('advpn'),
    version: v.leaf('version') === 'v2-only' ? 'v2-only' : 'v1-only',
    fragmentation: { enabled: !(frag?.has('disable') ?? false), ...opt('size', num(frag?.leaf('size'))) },
    ...opt('tcpEncapProfile', v.leaf('tcp-encap-profile')),
  };
}

function readIpsecProposal(name: string, v: View): IpsecProposalConfig {
  const auth = v.leaf('authentication-algorithm');
  const enc = v.leaf('encryption-algorithm');
  return {
    name,
    ...opt('description', v.leaf('description')),
    protocol: v.leaf('protocol') === 'ah' ? 'ah' : 'esp',
    ...opt('authenticationAlgorithm', auth !== undefined && isIpsecAuthenticationKeyword(auth) ? auth : undefined),
    ...opt('encryptionAlgorithm', enc !== undefined && isIpsecEncryptionKeyword(enc) ? enc : undefined),
    lifetimeSeconds: num(v.leaf('lifetime-seconds')) ?? DEFAULT_IPSEC_LIFETIME_SECONDS,
    ...opt('lifetimeKilobytes', num(v.leaf('lifetime-kilobytes'))),
    extendedSequenceNumber: v.has('extended-sequence-number'),
  };
}

function readTerm(name: string, v: View): TrafficSelectorTermConfig {
  return {
    name,
    ...opt('localIp', v.leaf('local-ip')),
    ...opt('remoteIp', v.leaf('remote-ip')),
    ...opt('protocol', v.leaf('protocol')),
    ...opt('sourcePort', v.leaf('source-port')),
    ...opt('destinationPort', v.leaf('destination-port')),
  };
}

function readVpn(root: View, name: string, v: View, ike: View): IpsecVpnConfig {
  const pid = ike.c('proxy-identity');
  const df = v.leaf('df-bit');
  const est = v.leaf('establish-tunnels');
  const udp = v.c('udp-encapsulate');
  const mon = v.c('vpn-monitor');
  return {
    name,
    ...opt('bindInterface', v.leaf('bind-interface')),
    dfBit: df === 'set' || df === 'copy' ? df : 'clear',
    copyOuterDscp: v.has('copy-outer-dscp'),
    ike: {
      gateway: ike.leaf('gateway') ?? '',
      ...opt('ipsecPolicy', ike.leaf('ipsec-policy')),
      ...opt('idleTime', num(ike.leaf('idle-time'))),
      installInterval: num(ike.leaf('install-interval')) ?? 1,
      ...opt('proxyIdentity', pid ? { ...opt('local', pid.leaf('local')), ...opt('remote', pid.leaf('remote')), ...opt('service', pid.leaf('service')) } : undefined),
      antiReplayWindow: effectiveAntiReplay(root, name),
    },
    trafficSelectors: v.list('traffic-selector').map(({ keys, view }) => ({
      ...readTerm(keys[0]!, view),
      ...opt('description', view.leaf('description')),
      ...opt('metric', num(view.leaf('metric'))),
      ...opt('preference', num(view.leaf('preference'))),
      terms: view.list('term').map((t) => readTerm(t.keys[0]!, t.view)),
    })),
    establishTunnels: est === 'immediately' || est === 'responder-only' || est === 'responder-only-no-rekey' ? est : 'on-traffic',
    ...opt('distributionProfile', v.leaf('distribution-profile')),
    ...opt('udpEncapsulate', udp ? { destPort: num(udp.leaf('dest-port')) ?? DEFAULT_UDP_ENCAPSULATE_PORT } : undefined),
    ...opt('vpnMonitor', mon ? { optimized: mon.has('optimized'), ...opt('sourceInterface', mon.leaf('source-interface')), ...opt('destinationIp', mon.leaf('destination-ip')) } : undefined),
  };
}

function readServices(root: View): Map<string, ServiceSelector> {
  const out = new Map<string, ServiceSelector>();
  for (const app of root.c('applications')?.list('application') ?? []) {
    if (app.view.list('term').length > 0) continue; // several terms cannot be one selector
    const protocol = app.view.leaf('protocol');
    const proto = protocol === undefined ? 0 : protocolNumber(protocol);
    const port = app.view.leaf('destination-port');
    const ports = port === undefined ? ([0, 65535] as const) : parsePortRange(port);
    if (proto === undefined || ports === undefined) continue;
    out.set(app.keys[0]!, { protocol: proto, destinationPorts: ports });
  }
  return out;
}

/** The IKE/IPsec configuration of a (normally the active) configuration tree. */
export function readIkeConfig(tree: DataContainer): IkeConfigModel {
  const root = new View(tree);
  const security = root.c('security');
  const ike = security?.c('ike');
  const ipsec = security?.c('ipsec');

  const ikeProposals = new Map<string, IkeProposalConfig>();
  for (const { keys, view } of ike?.list('proposal') ?? []) ikeProposals.set(keys[0]!, readIkeProposal(keys[0]!, view));

  const ikePolicies = new Map<string, IkePolicyConfig>();
  for (const { keys, view } of ike?.list('policy') ?? []) {
    const names = view.leaves('proposals');
    const set = view.leaf('proposal-set');
    const proposalSet = set !== undefined && isProposalSetName(set) ? set : undefined;
    const proposals = names.length > 0 ? names.flatMap((n) => ikeProposals.get(n) ?? []) : proposalSet ? ikeProposalSet(proposalSet).members : [];
    ikePolicies.set(keys[0]!, {
      name: keys[0]!,
      ...opt('description', view.leaf('description')),
      mode: view.leaf('mode') === 'aggressive' ? 'aggressive' : 'main',
      reauthFrequency: num(view.leaf('reauth-frequency')) ?? 0,
      proposalNames: names,
      ...opt('proposalSet', proposalSet),
      proposals,
      ...opt('preSharedKey', readKey(view.c('pre-shared-key'))),
    });
  }

  const gateways = new Map<string, IkeGatewayConfig>();
  for (const { keys, view } of ike?.list('gateway') ?? []) gateways.set(keys[0]!, readGateway(keys[0]!, view));

  const ipsecProposals = new Map<string, IpsecProposalConfig>();
  for (const { keys, view } of ipsec?.list('proposal') ?? []) ipsecProposals.set(keys[0]!, readIpsecProposal(keys[0]!, view));

  const ipsecPolicies = new Map<string, IpsecPolicyConfig>();
  for (const { keys, view } of ipsec?.list('policy') ?? []) {
    const names = view.leaves('proposals');
    const set = view.leaf('proposal-set');
    const proposalSet = set !== undefined && isProposalSetName(set) ? set : undefined;
    const fromSet = proposalSet ? ipsecProposalSet(proposalSet) : undefined;
    const useSet = names.length === 0 && fromSet !== undefined;
    const pfs = view.c('perfect-forward-secrecy')?.leaf('keys');
    const pfsGroup = pfs !== undefined && isDhGroupKeyword(pfs) ? pfs : useSet ? fromSet.pfsGroup : undefined;
    ipsecPolicies.set(keys[0]!, {
      name: keys[0]!,
      ...opt('description', view.leaf('description')),
      ...opt('pfsGroup', pfsGroup),
      proposalNames: names,
      ...opt('proposalSet', proposalSet),
      proposals: names.length > 0 ? names.flatMap((n) => ipsecProposals.get(n) ?? []) : useSet ? fromSet.members : [],
    });
  }

  const vpns = new Map<string, IpsecVpnConfig>();
  for (const { keys, view } of ipsec?.list('vpn') ?? []) {
    const ikeView = view.c('ike');
    if (ikeView) vpns.set(keys[0]!, readVpn(root, keys[0]!, view, ikeView));
  }

  const dist = security?.c('distribution-profile');
  const distributionProfiles = new Map<string, DistributionProfileConfig>();
  for (const { keys, view } of dist?.list('profile-entity') ?? []) {
    distributionProfiles.set(keys[0]!, {
      name: keys[0]!,
      ...opt('description', view.leaf('description')),
      fpcs: view.list('fpc').map((f) => ({
        slot: Number(f.keys[0]),
        pics: f.view.list('pic').map((p) => ({ pic: Number(p.keys[0]), threadIds: p.view.leaves('thread-id').map(Number) })),
      })),
    });
  }

  return deepFreeze({
    ikeProposals,
    ikePolicies,
    gateways,
    ipsecProposals,
    ipsecPolicies,
    vpns,
    distributionProfiles,
    fatCore: dist?.has('fat-core') ?? false,
    services: readServices(root),
  });
}

/** A VPN with everything it refers to. */
export interface ResolvedVpn {
  readonly vpn: IpsecVpnConfig;
  readonly gateway: IkeGatewayConfig;
  readonly ikePolicy: IkePolicyConfig;
  readonly ipsecPolicy: IpsecPolicyConfig;
  readonly distributionProfile?: DistributionProfileConfig;
}

/** The VPN and the gateway, IKE policy and IPsec policy it names; a plain reason when one is missing. */
export function resolveVpn(model: IkeConfigModel, name: string): Outcome<ResolvedVpn> {
  const vpn = model.vpns.get(name);
  if (!vpn) return { ok: false, reason: `VPN ${name} is not an IKE VPN of the configuration` };
  const gateway = model.gateways.get(vpn.ike.gateway);
  if (!gateway) return { ok: false, reason: `VPN ${name}: IKE gateway ${vpn.ike.gateway || '(none)'} is not defined` };
  const ikePolicy = gateway.ikePolicy === undefined ? undefined : model.ikePolicies.get(gateway.ikePolicy);
  if (!ikePolicy) return { ok: false, reason: `VPN ${name}: gateway ${gateway.name} has no defined ike-policy` };
  const ipsecPolicy = vpn.ike.ipsecPolicy === undefined ? undefined : model.ipsecPolicies.get(vpn.ike.ipsecPolicy);
  if (!ipsecPolicy) return { ok: false, reason: `VPN ${name}: no defined ipsec-policy` };
  const profile = vpn.distributionProfile === undefined ? undefined : model.distributionProfiles.get(vpn.distributionProfile);
  if (vpn.distributionProfile !== undefined && !profile) return { ok: false, reason: `VPN ${name}: distribution-profile ${vpn.distributionProfile} is not defined` };
  return { ok: true, value: { vpn, gateway, ikePolicy, ipsecPolicy, ...opt('distributionProfile', profile) } };
}
