/**
 * Junos predefined proposal sets: `security ike policy P proposal-set NAME` and `security
 * ipsec policy P proposal-set NAME` (the seven names are the YANG enumeration).
 *
 * Contents — UNCERTAIN: no Juniper page listing them could be retrieved; they are written from
 * memory of the Junos documentation, corroborated only by third-party notes (facts §5):
 * - IKE basic       pre-g1-des-sha, pre-g1-des-md5
 * - IKE compatible  pre-g2-3des-sha, pre-g2-3des-md5, pre-g2-des-sha, pre-g2-des-md5
 * - IKE standard    pre-g2-aes128-sha, pre-g2-3des-sha
 * - IPsec basic      nopfs-esp-des-sha, nopfs-esp-des-md5
 * - IPsec compatible nopfs-esp-3des-sha, nopfs-esp-3des-md5, nopfs-esp-des-sha, nopfs-esp-des-md5
 * - IPsec standard   g2-esp-3des-sha, g2-esp-aes128-sha (PFS group 2)
 * The Suite B sets follow RFC 6379 (Suite-B-GCM-128: IKEv2 AES-CBC-128 / HMAC-SHA2-256-128 /
 * PRF-HMAC-SHA2-256 / group 19, ESP AES-GCM-128; Suite-B-GCM-256: AES-CBC-256 /
 * HMAC-SHA2-384-192 / PRF-HMAC-SHA2-384 / group 20, ESP AES-GCM-256) with ECDSA authentication
 * (RFC 6380). PRIME-128/256 use AES-GCM in IKE too (group 19 / group 20); the PRF pairing of
 * aes-256-gcm with HMAC-SHA2-384 is Juniper's documented one. Member names of the Suite B and
 * PRIME sets are this emulator's own. Suite B / PRIME IPsec sets carry no PFS of their own (PFS
 * then comes only from the policy's `perfect-forward-secrecy`).
 *
 * Every member of basic and compatible uses DES or 3DES, which neither crypto engine here runs
 * (crypto/suites.ts UNSUPPORTED_ENCRYPTION): such a set cannot be negotiated at all, and
 * proposalSetUsability() says so. Of standard, only the AES-128 member can be offered.
 */
import type { IkeProposalConfig, IpsecProposalConfig } from './config-model.js';
import { encryptionTransform, type DhGroupKeyword, type Outcome } from './transforms.js';

export type ProposalSetName = 'basic' | 'compatible' | 'standard' | 'suiteb-gcm-128' | 'suiteb-gcm-256' | 'prime-128' | 'prime-256';

export const PROPOSAL_SET_NAMES: readonly ProposalSetName[] = Object.freeze(['basic', 'compatible', 'standard', 'suiteb-gcm-128', 'suiteb-gcm-256', 'prime-128', 'prime-256']);

export function isProposalSetName(s: string): s is ProposalSetName {
  return (PROPOSAL_SET_NAMES as readonly string[]).includes(s);
}

export interface IkeProposalSet {
  readonly name: ProposalSetName;
  readonly members: readonly IkeProposalConfig[];
}

export interface IpsecProposalSet {
  readonly name: ProposalSetName;
  readonly members: readonly IpsecProposalConfig[];
  /** PFS group the set brings (standard's g2- members), when the policy sets none. */
  readonly pfsGroup?: DhGroupKeyword;
}

const IKE_LIFETIME = 28800;
const IPSEC_LIFETIME = 3600;

function ike(name: string, method: IkeProposalConfig['authenticationMethod'], dh: DhGroupKeyword, enc: IkeProposalConfig['encryptionAlgorithm'], auth?: IkeProposalConfig['authenticationAlgorithm']): IkeProposalConfig {
  return Object.freeze({ name, authenticationMethod: method, dhGroup: dh, encryptionAlgorithm: enc, ...(auth ? { authenticationAlgorithm: auth } : {}), lifetimeSeconds: IKE_LIFETIME });
}

function esp(name: string, enc: IpsecProposalConfig['encryptionAlgorithm'], auth?: IpsecProposalConfig['authenticationAlgorithm']): IpsecProposalConfig {
  return Object.freeze({ name, protocol: 'esp', encryptionAlgorithm: enc, ...(auth ? { authenticationAlgorithm: auth } : {}), lifetimeSeconds: IPSEC_LIFETIME, extendedSequenceNumber: false });
}

const IKE_SETS: Readonly<Record<ProposalSetName, readonly IkeProposalConfig[]>> = Object.freeze({
  basic: Object.freeze([ike('pre-g1-des-sha', 'pre-shared-keys', 'group1', 'des-cbc', 'sha1'), ike('pre-g1-des-md5', 'pre-shared-keys', 'group1', 'des-cbc', 'md5')]),
  compatible: Object.freeze([
    ike('pre-g2-3des-sha', 'pre-shared-keys', 'group2', '3des-cbc', 'sha1'),
    ike('pre-g2-3des-md5', 'pre-shared-keys', 'group2', '3des-cbc', 'md5'),
    ike('pre-g2-des-sha', 'pre-shared-keys', 'group2', 'des-cbc', 'sha1'),
    ike('pre-g2-des-md5', 'pre-shared-keys', 'group2', 'des-cbc', 'md5'),
  ]),
  standard: Object.freeze([ike('pre-g2-aes128-sha', 'pre-shared-keys', 'group2', 'aes-128-cbc', 'sha1'), ike('pre-g2-3des-sha', 'pre-shared-keys', 'group2', '3des-cbc', 'sha1')]),
  'suiteb-gcm-128': Object.freeze([ike('suiteb-ecdsa256-g19-aes128-sha256', 'ecdsa-signatures-256', 'group19', 'aes-128-cbc', 'sha-256')]),
  'suiteb-gcm-256': Object.freeze([ike('suiteb-ecdsa384-g20-aes256-sha384', 'ecdsa-signatures-384', 'group20', 'aes-256-cbc', 'sha-384')]),
  'prime-128': Object.freeze([ike('prime-ecdsa256-g19-aes128gcm', 'ecdsa-signatures-256', 'group19', 'aes-128-gcm')]),
  'prime-256': Object.freeze([ike('prime-ecdsa384-g20-aes256gcm', 'ecdsa-signatures-384', 'group20', 'aes-256-gcm')]),
});

const IPSEC_SETS: Readonly<Record<ProposalSetName, IpsecProposalSet>> = Object.freeze({
  basic: Object.freeze({ name: 'basic', members: Object.freeze([esp('nopfs-esp-des-sha', 'des-cbc', 'hmac-sha1-96'), esp('nopfs-esp-des-md5', 'des-cbc', 'hmac-md5-96')]) }),
  compatible: Object.freeze({
    name: 'compatible',
    members: Object.freeze([
      esp('nopfs-esp-3des-sha', '3des-cbc', 'hmac-sha1-96'),
      esp('nopfs-esp-3des-md5', '3des-cbc', 'hmac-md5-96'),
      esp('nopfs-esp-des-sha', 'des-cbc', 'hmac-sha1-96'),
      esp('nopfs-esp-des-md5', 'des-cbc', 'hmac-md5-96'),
    ]),
  }),
  standard: Object.freeze({ name: 'standard', pfsGroup: 'group2', members: Object.freeze([esp('g2-esp-3des-sha', '3des-cbc', 'hmac-sha1-96'), esp('g2-esp-aes128-sha', 'aes-128-cbc', 'hmac-sha1-96')]) }),
  'suiteb-gcm-128': Object.freeze({ name: 'suiteb-gcm-128', members: Object.freeze([esp('suiteb-esp-aes128-gcm', 'aes-128-gcm')]) }),
  'suiteb-gcm-256': Object.freeze({ name: 'suiteb-gcm-256', members: Object.freeze([esp('suiteb-esp-aes256-gcm', 'aes-256-gcm')]) }),
  'prime-128': Object.freeze({ name: 'prime-128', members: Object.freeze([esp('prime-esp-aes128-gcm', 'aes-128-gcm')]) }),
  'prime-256': Object.freeze({ name: 'prime-256', members: Object.freeze([esp('prime-esp-aes256-gcm', 'aes-256-gcm')]) }),
} as Record<ProposalSetName, IpsecProposalSet>);

export function ikeProposalSet(name: ProposalSetName): IkeProposalSet {
  return { name, members: IKE_SETS[name] };
}

export function ipsecProposalSet(name: ProposalSetName): IpsecProposalSet {
  return IPSEC_SETS[name];
}

/**
 * The members of a set this emulator can negotiate, or — when there is none — the plain reason
 * (`proposal-set basic (IKE) cannot be negotiated in this emulator: every member uses DES or
 * 3DES (pre-g1-des-sha, pre-g1-des-md5), which no crypto engine here runs`).
 */
export function proposalSetUsability(name: ProposalSetName, kind: 'ike' | 'ipsec'): Outcome<readonly string[]> {
  const members: readonly { readonly name: string; readonly encryptionAlgorithm?: string }[] = kind === 'ike' ? IKE_SETS[name] : IPSEC_SETS[name].members;
  const usable = members.filter((m) => m.encryptionAlgorithm === undefined || encryptionTransform(m.encryptionAlgorithm, kind).ok).map((m) => m.name);
  if (usable.length > 0) return { ok: true, value: usable };
  return {
    ok: false,
    reason: `proposal-set ${name} (${kind === 'ike' ? 'IKE' : 'IPsec'}) cannot be negotiated in this emulator: every member uses DES or 3DES (${members.map((m) => m.name).join(', ')}), which no crypto engine here runs`,
  };
}
