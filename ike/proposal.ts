/**
 * SA payload proposals (RFC 7296 §3.3): building ours from the configuration, choosing one as
 * responder (§2.7, §3.3.6), checking the responder's choice as initiator, and decoding a chosen
 * proposal into the algorithms key derivation and the data plane need.
 *
 * Ours: a Junos policy's `proposals [a b c]` (or its proposal-set) become one proposal each,
 * numbered from 1 in listed order, one transform per type (ENCR, PRF, INTEG, D-H for IKE;
 * ENCR, INTEG, D-H when PFS, ESN for ESP; INTEG, D-H, ESN for AH). A Junos proposal this
 * emulator cannot run (DES/3DES, hmac-sha-256-96) is left out with its reason and the rest are
 * renumbered, since proposal numbers must be consecutive.
 *
 * Selection as responder: the first of the initiator's proposals we accept wins. A peer proposal
 * is accepted by one of ours when, for every transform type either side uses, the peer offers a
 * transform we have (the first such one in the peer's order is chosen); a type we lack is only
 * acceptable as the peer's optional NONE (INTEG 0 next to an AEAD, D-H 0 without PFS). When
 * nothing matches the reason names each peer proposal and what of it did not match, against the
 * closest of ours: `no proposal chosen: peer proposal 1 encryption AES-CBC-256 not in ours
 * (AES-GCM-128); peer proposal 2 DH group 14 not in ours (group 19)`.
 */
import { ENCRYPTION_SUITES, type AuthenticationAlgorithm, type EncryptionAlgorithm, type EncryptionSuite } from '../crypto/suites.js';
import type { IkePolicyConfig, IkeProposalConfig, IpsecPolicyConfig, IpsecProposalConfig } from './config-model.js';
import { proposalSetUsability } from './proposal-sets.js';
import {
  aeadPrfTransform,
  DH_GROUPS,
  dhTransform,
  encryptionAlgorithmOf,
  encryptionTransform,
  esnTransform,
  ikeIntegrityTransform,
  ikePrfTransform,
  Integ,
  integrityInfo,
  ipsecIntegrityTransform,
  isAeadKeyword,
  ProtocolId,
  prfInfo,
  sameTransform,
  transformTypeLabel,
  transformValueName,
  TransformType,
  type DhGroupInfo,
  type DhGroupKeyword,
  type IntegrityInfo,
  type Outcome,
  type PrfInfo,
} from './transforms.js';

export interface WireTransform {
  readonly type: number;
  readonly id: number;
  readonly keyLength?: number;
}

export interface WireProposal {
  readonly number: number;
  readonly protocol: number; // 1 IKE, 2 AH, 3 ESP
  readonly spi: Uint8Array;
  readonly transforms: readonly WireTransform[];
}

export type Role = 'initiator' | 'responder';

/** A chosen proposal, and which of ours (index) accepted it. */
export type Selection = { readonly ok: true; readonly proposal: WireProposal; readonly matched: number } | { readonly ok: false; readonly reason: string };

export interface OfferedProposals {
  readonly proposals: readonly WireProposal[];
  /** The Junos proposal behind each WireProposal (proposal number = index + 1). */
  readonly names: readonly string[];
  /** Junos proposals left out, with the reason. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

// ---------------------------------------------------------------------------------------------
// Ours, from the configuration

/** The transforms of one `security ike proposal`: ENCR, PRF, INTEG (not for AEAD), D-H. */
export function ikeProposalTransforms(p: IkeProposalConfig): Outcome<WireTransform[]> {
  if (p.encryptionAlgorithm === undefined) return fail(`IKE proposal ${p.name} has no encryption-algorithm`);
  if (p.dhGroup === undefined) return fail(`IKE proposal ${p.name} has no dh-group`);
  const encr = encryptionTransform(p.encryptionAlgorithm, 'ike');
  if (!encr.ok) return fail(`IKE proposal ${p.name}: ${encr.reason}`);
  const dh = dhTransform(p.dhGroup);
  if (!dh.ok) return fail(`IKE proposal ${p.name}: ${dh.reason}`);
  if (isAeadKeyword(p.encryptionAlgorithm)) {
    // The AEAD fixes the PRF; a configured authentication-algorithm is ignored (transforms.ts).
    const prf = aeadPrfTransform(p.encryptionAlgorithm);
    if (!prf.ok) return fail(`IKE proposal ${p.name}: ${prf.reason}`);
    return { ok: true, value: [encr.value, prf.value, dh.value] };
  }
  if (p.authenticationAlgorithm === undefined) return fail(`IKE proposal ${p.name}: ${p.encryptionAlgorithm} needs an authentication-algorithm`);
  const prf = ikePrfTransform(p.authenticationAlgorithm);
  const integ = ikeIntegrityTransform(p.authenticationAlgorithm);
  if (!prf.ok) return fail(`IKE proposal ${p.name}: ${prf.reason}`);
  if (!integ.ok) return fail(`IKE proposal ${p.name}: ${integ.reason}`);
  return { ok: true, value: [encr.value, prf.value, integ.value, dh.value] };
}

/** The protocol and transforms of one `security ipsec proposal`, with the policy's PFS group. */
export function ipsecProposalTransforms(p: IpsecProposalConfig, pfsGroup?: DhGroupKeyword): Outcome<{ readonly protocol: number; readonly transforms: WireTransform[] }> {
  const out: WireTransform[] = [];
  if (p.protocol === 'esp') {
    if (p.encryptionAlgorithm === undefined) return fail(`IPsec proposal ${p.name}: ESP without encryption-algorithm is not supported here`);
    const encr = encryptionTransform(p.encryptionAlgorithm, 'ipsec');
    if (!encr.ok) return fail(`IPsec proposal ${p.name}: ${encr.reason}`);
    out.push(encr.value);
    if (!isAeadKeyword(p.encryptionAlgorithm)) {
      if (p.authenticationAlgorithm === undefined) return fail(`IPsec proposal ${p.name}: ${p.encryptionAlgorithm} needs an authentication-algorithm`);
      const integ = ipsecIntegrityTransform(p.authenticationAlgorithm);
      if (!integ.ok) return fail(`IPsec proposal ${p.name}: ${integ.reason}`);
      out.push(integ.value);
    }
  } else {
    if (p.encryptionAlgorithm !== undefined) return fail(`IPsec proposal ${p.name}: AH authenticates only: remove encryption-algorithm or use protocol esp`);
    if (p.authenticationAlgorithm === undefined) return fail(`IPsec proposal ${p.name}: AH needs an authentication-algorithm`);
    const integ = ipsecIntegrityTransform(p.authenticationAlgorithm);
    if (!integ.ok) return fail(`IPsec proposal ${p.name}: ${integ.reason}`);
    out.push(integ.value);
  }
  if (pfsGroup !== undefined) {
    const dh = dhTransform(pfsGroup);
    if (!dh.ok) return fail(`IPsec proposal ${p.name}: ${dh.reason}`);
    out.push(dh.value);
  }
  out.push(esnTransform(p.extendedSequenceNumber));
  return { ok: true, value: { protocol: p.protocol === 'esp' ? ProtocolId.ESP : ProtocolId.AH, transforms: out } };
}

function offer<P extends { readonly name: string }>(items: readonly P[], build: (p: P) => Outcome<{ readonly protocol: number; readonly transforms: readonly WireTransform[] }>, spi: Uint8Array, what: string): Outcome<OfferedProposals> {
  const proposals: WireProposal[] = [];
  const names: string[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const p of items) {
    const t = build(p);
    if (!t.ok) {
      skipped.push({ name: p.name, reason: t.reason });
      continue;
    }
    proposals.push({ number: proposals.length + 1, protocol: t.value.protocol, spi: new Uint8Array(spi), transforms: t.value.transforms });
    names.push(p.name);
  }
  if (proposals.length === 0) {
    return fail(items.length === 0 ? `${what} has no proposal to offer` : `${what} has no proposal this emulator can negotiate: ${skipped.map((s) => s.reason).join('; ')}`);
  }
  return { ok: true, value: { proposals, names, skipped } };
}

/** IKE SA proposals, in order (SPI empty for IKE_SA_INIT, 8 bytes when rekeying). */
export function buildIkeOffer(proposals: readonly IkeProposalConfig[], spi: Uint8Array = new Uint8Array(0)): Outcome<OfferedProposals> {
  return offer(proposals, (p) => {
    const t = ikeProposalTransforms(p);
    return t.ok ? { ok: true, value: { protocol: ProtocolId.IKE, transforms: t.value } } : t;
  }, spi, 'the IKE policy');
}

/** The proposals of an IKE policy; a proposal set of DES/3DES only is refused with that reason. */
export function buildIkePolicyOffer(policy: IkePolicyConfig, spi: Uint8Array = new Uint8Array(0)): Outcome<OfferedProposals> {
  if (policy.proposalNames.length === 0 && policy.proposalSet !== undefined) {
    const usable = proposalSetUsability(policy.proposalSet, 'ike');
    if (!usable.ok) return fail(`IKE policy ${policy.name}: ${usable.reason}`);
  }
  const r = buildIkeOffer(policy.proposals, spi);
  return r.ok ? r : fail(r.reason.replace('the IKE policy', `IKE policy ${policy.name}`));
}

/** CHILD SA proposals (4-byte SPI: our inbound SPI), PFS as a D-H transform, ESN transform. */
export function buildIpsecOffer(proposals: readonly IpsecProposalConfig[], pfsGroup: DhGroupKeyword | undefined, spi: Uint8Array): Outcome<OfferedProposals> {
  return offer(proposals, (p) => ipsecProposalTransforms(p, pfsGroup), spi, 'the IPsec policy');
}

export function buildIpsecPolicyOffer(policy: IpsecPolicyConfig, spi: Uint8Array): Outcome<OfferedProposals> {
  if (policy.proposalNames.length === 0 && policy.proposalSet !== undefined) {
    const usable = proposalSetUsability(policy.proposalSet, 'ipsec');
    if (!usable.ok) return fail(`IPsec policy ${policy.name}: ${usable.reason}`);
  }
  const r = buildIpsecOffer(policy.proposals, policy.pfsGroup, spi);
  return r.ok ? r : fail(r.reason.replace('the IPsec policy', `IPsec policy ${policy.name}`));
}

// ---------------------------------------------------------------------------------------------
// Selection

const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'IKE', 2: 'AH', 3: 'ESP' };
const protocolName = (p: number): string => PROTOCOL_NAMES[p] ?? `protocol ${p}`;
const SPI_SIZES: Readonly<Record<number, readonly number[]>> = { 1: [0, 8], 2: [4], 3: [4] };

/** May the peer offer NONE (id 0) for a type we do not use? INTEG beside an AEAD, D-H without PFS. */
const optionalNone = (type: number): boolean => type === TransformType.INTEG || type === TransformType.DH;

const values = (ts: readonly WireTransform[]): string => ts.map(transformValueName).join(' or ');

/**
 * Match one peer proposal against one of ours: the chosen transforms, or what did not match.
 * Every setup matches at least two proposals, so the match itself allocates nothing beyond its
 * answer; any mismatch is explained by `explainMatch`, which builds the per-type lists.
 */
function matchProposal(o: WireProposal, t: WireProposal): { readonly chosen: WireTransform[] } | { readonly mismatches: string[] } {
  if (o.protocol !== t.protocol) return explainMatch(o, t);
  let mask = 0;
  for (let i = 0; i < o.transforms.length; i++) mask |= bitOf(o.transforms[i]!.type);
  for (let i = 0; i < t.transforms.length; i++) mask |= bitOf(t.transforms[i]!.type);
  if (mask < 0 || !(SPI_SIZES[t.protocol] ?? []).includes(t.spi.length)) return explainMatch(o, t);
  const chosen: WireTransform[] = [];
  for (let type = 0; type < 31; type++) {
    if ((mask & (1 << type)) === 0) continue;
    let pick: WireTransform | undefined;
    let none: WireTransform | undefined;
    let mine = 0;
    for (let j = 0; j < o.transforms.length; j++) if (o.transforms[j]!.type === type) mine++;
    for (let i = 0; i < t.transforms.length && pick === undefined; i++) {
      const x = t.transforms[i]!;
      if (x.type !== type) continue;
      if (none === undefined && x.id === 0) none = x;
      for (let j = 0; j < o.transforms.length; j++) {
        const y = o.transforms[j]!;
        if (y.type === type && sameTransform(x, y)) {
          pick = x;
          break;
        }
      }
    }
    if (pick) chosen.push(pick);
    else if (mine === 0 && optionalNone(type) && none) chosen.push(none);
    else return explainMatch(o, t);
  }
  return { chosen };
}

/** A transform type as a bit of a 31-bit mask; -1 (poisons the mask) for a type beyond it. */
function bitOf(type: number): number {
  return type >= 0 && type < 31 ? 1 << type : -(2 ** 31);
}

/** matchProposal's answer, with every type's lists spelled out (mismatch explanations). */
function explainMatch(o: WireProposal, t: WireProposal): { readonly chosen: WireTransform[] } | { readonly mismatches: string[] } {
  if (o.protocol !== t.protocol) return { mismatches: [`protocol ${protocolName(t.protocol)}, ours ${protocolName(o.protocol)}`] };
  const sizes = SPI_SIZES[t.protocol] ?? [];
  if (!sizes.includes(t.spi.length)) return { mismatches: [`SPI of ${t.spi.length} bytes (${protocolName(t.protocol)} takes ${sizes.join(' or ')})`] };
  const types = [...new Set([...o.transforms, ...t.transforms].map((x) => x.type))].sort((a, b) => a - b);
  const chosen: WireTransform[] = [];
  const mismatches: string[] = [];
  for (const type of types) {
    const mine = o.transforms.filter((x) => x.type === type);
    const theirs = t.transforms.filter((x) => x.type === type);
    const label = transformTypeLabel(type);
    if (theirs.length === 0) {
      mismatches.push(`has no ${label} (ours ${values(mine)})`);
      continue;
    }
    const pick = theirs.find((x) => mine.some((y) => sameTransform(x, y)));
    if (pick) {
      chosen.push(pick);
      continue;
    }
    const none = mine.length === 0 && optionalNone(type) ? theirs.find((x) => x.id === 0) : undefined;
    if (none) {
      chosen.push(none);
      continue;
    }
    mismatches.push(`${label} ${values(theirs)} not in ours (${mine.length > 0 ? values(mine) : 'none'})`);
  }
  return mismatches.length > 0 ? { mismatches } : { chosen };
}

/**
 * RFC 7296 §2.7 / §3.3.6. As `responder`, `theirs` is the initiator's SA payload and the first
 * of its proposals that one of ours accepts is returned, one transform per type, with the
 * peer's proposal number and SPI (the caller puts its own SPI in the reply). As `initiator`,
 * `theirs` is the responder's reply and is checked with checkChosenProposal().
 */
export function selectProposal(ours: readonly WireProposal[], theirs: readonly WireProposal[], role: Role): Selection {
  if (role === 'initiator') {
    if (theirs.length !== 1) return fail(`peer's reply must hold exactly one proposal, it holds ${theirs.length}`);
    return checkChosenProposal(ours, theirs[0]!);
  }
  if (ours.length === 0) return fail('no proposal chosen: we have no proposal configured');
  if (theirs.length === 0) return fail('no proposal chosen: the peer offered no proposal');
  const reasons: string[] = [];
  for (const t of theirs) {
    let best: string[] | undefined;
    for (const [i, o] of ours.entries()) {
      const m = matchProposal(o, t);
      if ('chosen' in m) return { ok: true, proposal: { number: t.number, protocol: t.protocol, spi: new Uint8Array(t.spi), transforms: m.chosen }, matched: i };
      if (best === undefined || m.mismatches.length < best.length) best = m.mismatches;
    }
    reasons.push(`peer proposal ${t.number} ${best!.join(', ')}`);
  }
  return fail(`no proposal chosen: ${reasons.join('; ')}`);
}

/**
 * As initiator: the responder's single chosen proposal must be one we offered (same number and
 * protocol), with exactly one transform per type, each one we offered in that proposal, and
 * every type of ours present (our optional D-H/INTEG NONE aside).
 */
export function checkChosenProposal(offered: readonly WireProposal[], chosen: WireProposal): Selection {
  const bad = (why: string): Selection => fail(`peer's chosen proposal ${chosen.number} unacceptable: ${why}`);
  const index = offered.findIndex((o) => o.number === chosen.number);
  if (index < 0) return bad(`we offered proposals ${offered.map((o) => o.number).join(', ') || '(none)'}`);
  const o = offered[index]!;
  if (o.protocol !== chosen.protocol) return bad(`protocol ${protocolName(chosen.protocol)}, we offered ${protocolName(o.protocol)}`);
  const sizes = SPI_SIZES[chosen.protocol] ?? [];
  if (!sizes.includes(chosen.spi.length)) return bad(`SPI of ${chosen.spi.length} bytes`);
  for (const type of new Set(chosen.transforms.map((x) => x.type))) {
    const n = chosen.transforms.filter((x) => x.type === type).length;
    if (n > 1) return bad(`it has ${n} ${transformTypeLabel(type)} transforms, a choice has one`);
  }
  for (const x of chosen.transforms) {
    const mine = o.transforms.filter((y) => y.type === x.type);
    if (mine.some((y) => sameTransform(x, y))) continue;
    if (mine.length === 0 && optionalNone(x.type) && x.id === 0) continue;
    return bad(`${transformTypeLabel(x.type)} ${transformValueName(x)} was not offered (ours ${mine.length > 0 ? values(mine) : 'none'})`);
  }
  for (const type of new Set(o.transforms.map((x) => x.type))) {
    if (!chosen.transforms.some((x) => x.type === type)) return bad(`it has no ${transformTypeLabel(type)} (we offered ${values(o.transforms.filter((x) => x.type === type))})`);
  }
  return { ok: true, proposal: chosen, matched: index };
}

// ---------------------------------------------------------------------------------------------
// Decoding a chosen proposal

/** What an IKE SA runs: key lengths for RFC 7296 §2.14 (SK_d, SK_ai/ar, SK_ei/er, SK_pi/pr). */
export interface NegotiatedIke {
  readonly encryption: EncryptionAlgorithm;
  readonly encryptionSuite: EncryptionSuite;
  /** SK_ei/SK_er bytes: the cipher key plus, for an AEAD, its 4-byte salt (RFC 5282 §7.1, RFC 7634 §4). */
  readonly encryptionKeyLength: number;
  readonly prf: PrfInfo;
  /** Absent for an AEAD (no SK_ai/SK_ar). */
  readonly integrity?: IntegrityInfo;
  readonly dhGroup: DhGroupInfo;
}

/** What a CHILD SA installs on the ESP/AH path (crypto/suites.ts names). */
export interface NegotiatedChild {
  readonly protocol: 'esp' | 'ah';
  /** The SPI carried in the proposal, as a number. */
  readonly spi: number;
  readonly encryption?: EncryptionAlgorithm;
  /** KEYMAT bytes of the cipher (key ‖ salt for AEAD); 0 for AH. */
  readonly encryptionKeyLength: number;
  readonly authentication?: AuthenticationAlgorithm;
  /** KEYMAT bytes of the integrity key; 0 for an AEAD. */
  readonly integrityKeyLength: number;
  readonly esn: boolean;
  /** The PFS group, when the CHILD SA does its own D-H. */
  readonly pfsGroup?: DhGroupInfo;
}

function single(p: WireProposal, type: number): Outcome<WireTransform | undefined> {
  const xs = p.transforms.filter((x) => x.type === type);
  if (xs.length > 1) return fail(`proposal ${p.number} has ${xs.length} ${transformTypeLabel(type)} transforms; a chosen proposal has one`);
  return { ok: true, value: xs[0] };
}

export function decodeIkeProposal(p: WireProposal): Outcome<NegotiatedIke> {
  if (p.protocol !== ProtocolId.IKE) return fail(`proposal ${p.number} is for ${protocolName(p.protocol)}, not IKE`);
  const e = single(p, TransformType.ENCR);
  const f = single(p, TransformType.PRF);
  const i = single(p, TransformType.INTEG);
  const d = single(p, TransformType.DH);
  for (const r of [e, f, i, d]) if (!r.ok) return r;
  const [encr, prfT, integT, dhT] = [e, f, i, d].map((r) => (r.ok ? r.value : undefined));
  if (!encr) return fail(`proposal ${p.number} has no encryption`);
  const encryption = encryptionAlgorithmOf(encr);
  if (!encryption) return fail(`encryption ${transformValueName(encr)} is not supported here`);
  const suite = ENCRYPTION_SUITES[encryption];
  if (!prfT) return fail(`proposal ${p.number} has no PRF`);
  const prf = prfInfo(prfT.id);
  if (!prf) return fail(`PRF ${transformValueName(prfT)} is not supported here`);
  let integrity: IntegrityInfo | undefined;
  if (suite.kind === 'aead') {
    if (integT && integT.id !== Integ.NONE) return fail(`integrity ${transformValueName(integT)} cannot go with the AEAD ${transformValueName(encr)}`);
  } else {
    if (!integT || integT.id === Integ.NONE) return fail(`${transformValueName(encr)} needs an integrity algorithm`);
    integrity = integrityInfo(integT.id);
    if (!integrity) return fail(`integrity ${transformValueName(integT)} is not supported here`);
  }
  if (!dhT || dhT.id === 0) return fail(`proposal ${p.number} has no DH group`);
  const dhGroup = DH_GROUPS[dhT.id];
  if (!dhGroup) return fail(`DH ${transformValueName(dhT)} is not supported here`);
  return { ok: true, value: { encryption, encryptionSuite: suite, encryptionKeyLength: suite.keyLength, prf, ...(integrity ? { integrity } : {}), dhGroup } };
}

export function decodeChildProposal(p: WireProposal): Outcome<NegotiatedChild> {
  if (p.protocol !== ProtocolId.ESP && p.protocol !== ProtocolId.AH) return fail(`proposal ${p.number} is for ${protocolName(p.protocol)}, not ESP or AH`);
  if (p.spi.length !== 4) return fail(`proposal ${p.number} has a ${p.spi.length}-byte SPI; ESP and AH take 4`);
  const e = single(p, TransformType.ENCR);
  const i = single(p, TransformType.INTEG);
  const d = single(p, TransformType.DH);
  const n = single(p, TransformType.ESN);
  for (const r of [e, i, d, n]) if (!r.ok) return r;
  const [encr, integT, dhT, esnT] = [e, i, d, n].map((r) => (r.ok ? r.value : undefined));
  const spi = new DataView(p.spi.buffer, p.spi.byteOffset, 4).getUint32(0);
  const esn = esnT?.id === 1;
  let pfsGroup: DhGroupInfo | undefined;
  if (dhT && dhT.id !== 0) {
    pfsGroup = DH_GROUPS[dhT.id];
    if (!pfsGroup) return fail(`DH ${transformValueName(dhT)} is not supported here`);
  }
  const integ = integT && integT.id !== Integ.NONE ? integrityInfo(integT.id) : undefined;
  if (integT && integT.id !== Integ.NONE && !integ) return fail(`integrity ${transformValueName(integT)} is not supported here`);
  const common = { spi, esn, ...(pfsGroup ? { pfsGroup } : {}) };
  if (p.protocol === ProtocolId.AH) {
    if (encr) return fail('AH carries no encryption transform');
    if (!integ) return fail('AH needs an integrity algorithm');
    return { ok: true, value: { protocol: 'ah', encryptionKeyLength: 0, authentication: integ.algorithm, integrityKeyLength: integ.keyLength, ...common } };
  }
  if (!encr) return fail('ESP without encryption is not supported here');
  const encryption = encryptionAlgorithmOf(encr);
  if (!encryption) return fail(`encryption ${transformValueName(encr)} is not supported here`);
  const suite = ENCRYPTION_SUITES[encryption];
  if (suite.kind === 'aead') {
    if (integ) return fail(`integrity ${transformValueName(integT!)} cannot go with the AEAD ${transformValueName(encr)}`);
    return { ok: true, value: { protocol: 'esp', encryption, encryptionKeyLength: suite.keyLength, integrityKeyLength: 0, ...common } };
  }
  if (!integ) return fail(`${transformValueName(encr)} needs an integrity algorithm here`);
  return { ok: true, value: { protocol: 'esp', encryption, encryptionKeyLength: suite.keyLength, authentication: integ.algorithm, integrityKeyLength: integ.keyLength, ...common } };
}
