/**
 * IKEv2 proposals from Junos proposals: the keyword → IANA transform table, our offer from an
 * IKE/IPsec policy, selection as responder (RFC 7296 §2.7, §3.3.6) with a one-line reason when
 * nothing matches, the initiator's check of the responder's choice, and the decoded algorithms.
 */
import { describe, expect, it } from 'vitest';
import type { IkeProposalConfig, IpsecProposalConfig } from '../../../ike/config-model.js';
import {
  buildIkeOffer,
  buildIkePolicyOffer,
  buildIpsecOffer,
  buildIpsecPolicyOffer,
  checkChosenProposal,
  decodeChildProposal,
  decodeIkeProposal,
  selectProposal,
  type WireProposal,
  type WireTransform,
} from '../../../ike/proposal.js';
import { ikeProposalSet, ipsecProposalSet, proposalSetUsability, PROPOSAL_SET_NAMES, type ProposalSetName } from '../../../ike/proposal-sets.js';
import {
  dhTransform,
  encryptionAlgorithmOf,
  encryptionTransform,
  esnTransform,
  ikeIntegrityTransform,
  ikePrfTransform,
  ipsecIntegrityTransform,
  authenticationAlgorithmOf,
} from '../../../ike/transforms.js';

const E = (id: number, keyLength?: number): WireTransform => (keyLength === undefined ? { type: 1, id } : { type: 1, id, keyLength });
const PRF = (id: number): WireTransform => ({ type: 2, id });
const I = (id: number): WireTransform => ({ type: 3, id });
const D = (id: number): WireTransform => ({ type: 4, id });
const N = (id: number): WireTransform => ({ type: 5, id });
const ikeP = (number: number, transforms: WireTransform[]): WireProposal => ({ number, protocol: 1, spi: new Uint8Array(0), transforms });
const espP = (number: number, transforms: WireTransform[], spi = [0xc0, 0xff, 0xee, 0x01]): WireProposal => ({ number, protocol: 3, spi: Uint8Array.from(spi), transforms });

const ikeProp = (name: string, enc: string, auth: string | undefined, dh: string): IkeProposalConfig =>
  ({ name, authenticationMethod: 'pre-shared-keys', encryptionAlgorithm: enc, ...(auth ? { authenticationAlgorithm: auth } : {}), dhGroup: dh, lifetimeSeconds: 28800 }) as IkeProposalConfig;
const espProp = (name: string, enc: string | undefined, auth?: string, esn = false): IpsecProposalConfig =>
  ({ name, protocol: 'esp', ...(enc ? { encryptionAlgorithm: enc } : {}), ...(auth ? { authenticationAlgorithm: auth } : {}), lifetimeSeconds: 3600, extendedSequenceNumber: esn }) as IpsecProposalConfig;

describe('Junos keywords → IKEv2 transforms (IANA)', () => {
  it.each([
    ['aes-128-cbc', 'ike', E(12, 128)],
    ['aes-192-cbc', 'ike', E(12, 192)],
    ['aes-256-cbc', 'ike', E(12, 256)],
    ['aes-128-gcm', 'ike', E(20, 128)],
    ['aes-256-gcm', 'ike', E(20, 256)],
    ['chacha20-poly1305', 'ike', E(28)],
    ['aes-192-gcm', 'ipsec', E(20, 192)],
    ['aes-256-gcm', 'ipsec', E(20, 256)],
  ] as const)('encryption-algorithm %s (%s) → %o', (kw, use, t) => {
    expect(encryptionTransform(kw, use)).toEqual({ ok: true, value: t });
  });

  it.each([
    ['des-cbc', 'ike', /^des-cbc cannot be negotiated in this emulator: .*DES/],
    ['3des-cbc', 'ipsec', /^3des-cbc cannot be negotiated in this emulator: .*3DES/],
    ['aes-192-gcm', 'ike', /^aes-192-gcm is not an IKE encryption-algorithm/],
  ] as const)('encryption-algorithm %s (%s) is refused with the reason', (kw, use, re) => {
    const r = encryptionTransform(kw, use);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(re);
  });

  it.each([
    ['md5', 1, 1],
    ['sha1', 2, 2],
    ['sha-256', 12, 5],
    ['sha-384', 13, 6],
    ['sha-512', 14, 7],
  ])('IKE authentication-algorithm %s → INTEG %i, PRF %i', (kw, integ, prf) => {
    expect(ikeIntegrityTransform(kw)).toEqual({ ok: true, value: I(integ) });
    expect(ikePrfTransform(kw)).toEqual({ ok: true, value: PRF(prf) });
  });

  it.each([
    ['hmac-md5-96', 1],
    ['hmac-sha1-96', 2],
    ['hmac-sha-256-128', 12],
    ['hmac-sha-384', 13],
    ['hmac-sha-512', 14],
  ])('IPsec authentication-algorithm %s → INTEG %i, installed back under the same data-plane name', (kw, id) => {
    expect(ipsecIntegrityTransform(kw)).toEqual({ ok: true, value: I(id) });
    expect(authenticationAlgorithmOf(I(id))).toBe(kw);
  });

  it('hmac-sha-256-96 has no IKEv2 integrity id: refused, never sent as HMAC-SHA2-256-128', () => {
    const r = ipsecIntegrityTransform('hmac-sha-256-96');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/no IKEv2 integrity transform/);
  });

  it.each([
    ['group1', 1],
    ['group2', 2],
    ['group5', 5],
    ['group14', 14],
    ['group15', 15],
    ['group16', 16],
    ['group19', 19],
    ['group20', 20],
    ['group21', 21],
    ['group24', 24],
  ])('dh-group %s → D-H %i', (kw, id) => {
    expect(dhTransform(kw)).toEqual({ ok: true, value: D(id) });
  });

  it.each([
    [E(12, 128), 'aes-128-cbc'],
    [E(12, 256), 'aes-256-cbc'],
    [E(20, 192), 'aes-192-gcm'],
    [E(28), 'chacha20-poly1305'],
    [E(12), undefined],
    [E(3), undefined],
  ])('ENCR %o installs as %s', (t, name) => {
    expect(encryptionAlgorithmOf(t)).toBe(name);
  });

  it('extended-sequence-number → ESN 1, absent → ESN 0', () => {
    expect(esnTransform(true)).toEqual(N(1));
    expect(esnTransform(false)).toEqual(N(0));
  });
});

describe('our offer: one proposal per Junos proposal, numbered from 1 in listed order', () => {
  it('IKE: CBC gets ENCR, PRF, INTEG, D-H; an AEAD gets the PRF Junos pairs with it and no INTEG', () => {
    const r = buildIkeOffer([ikeProp('P1', 'aes-256-cbc', 'sha-384', 'group20'), ikeProp('P2', 'aes-128-gcm', undefined, 'group19'), ikeProp('P3', 'aes-256-gcm', 'sha-256', 'group20')]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.names).toEqual(['P1', 'P2', 'P3']);
    expect(r.value.proposals).toEqual([
      ikeP(1, [E(12, 256), PRF(6), I(13), D(20)]),
      ikeP(2, [E(20, 128), PRF(5), D(19)]),
      ikeP(3, [E(20, 256), PRF(6), D(20)]),
    ]);
  });

  it('a 3DES proposal is left out with its reason and the rest renumbered', () => {
    const r = buildIkeOffer([ikeProp('OLD', '3des-cbc', 'sha1', 'group2'), ikeProp('NEW', 'aes-128-cbc', 'sha-256', 'group14')]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.proposals.map((p) => p.number)).toEqual([1]);
    expect(r.value.names).toEqual(['NEW']);
    expect(r.value.skipped).toEqual([{ name: 'OLD', reason: expect.stringMatching(/^IKE proposal OLD: 3des-cbc cannot be negotiated in this emulator/) }]);
  });

  it('ESP: ENCR, INTEG, PFS as D-H, ESN; AEAD without INTEG; AH with INTEG only', () => {
    const spi = Uint8Array.from([0, 0, 0x12, 0x34]);
    const r = buildIpsecOffer([espProp('E1', 'aes-256-gcm', undefined, true), espProp('E2', 'aes-128-cbc', 'hmac-sha-256-128')], 'group20', spi);
    expect(r.ok && r.value.proposals).toEqual([espP(1, [E(20, 256), D(20), N(1)], [0, 0, 0x12, 0x34]), espP(2, [E(12, 128), I(12), D(20), N(0)], [0, 0, 0x12, 0x34])]);
    const ah = buildIpsecOffer([{ name: 'A', protocol: 'ah', authenticationAlgorithm: 'hmac-sha1-96', lifetimeSeconds: 3600, extendedSequenceNumber: false }], undefined, spi);
    expect(ah.ok && ah.value.proposals).toEqual([{ number: 1, protocol: 2, spi, transforms: [I(2), N(0)] }]);
  });

  it.each([
    [espProp('X', 'aes-128-cbc'), 'IPsec proposal X: aes-128-cbc needs an authentication-algorithm'],
    [espProp('X', undefined, 'hmac-sha1-96'), 'IPsec proposal X: ESP without encryption-algorithm is not supported here'],
    [espProp('X', 'aes-128-cbc', 'hmac-sha-256-96'), expect.stringMatching(/^IPsec proposal X: hmac-sha-256-96 has no IKEv2 integrity transform/)],
  ])('an IPsec policy whose only proposal cannot be offered is refused: %o', (p, why) => {
    const r = buildIpsecOffer([p], undefined, new Uint8Array(4));
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('the IPsec policy has no proposal this emulator can negotiate: ') });
    if (!r.ok) expect(r.reason.slice(r.reason.indexOf(': ') + 2)).toEqual(why);
  });
});

describe('Junos proposal sets', () => {
  it.each(PROPOSAL_SET_NAMES.map((n) => [n]))('%s has IKE and IPsec members', (name) => {
    expect(ikeProposalSet(name as ProposalSetName).members.length).toBeGreaterThan(0);
    expect(ipsecProposalSet(name as ProposalSetName).members.length).toBeGreaterThan(0);
  });

  it.each([
    ['basic', 'ike', false],
    ['compatible', 'ike', false],
    ['basic', 'ipsec', false],
    ['compatible', 'ipsec', false],
    ['standard', 'ike', true],
    ['standard', 'ipsec', true],
    ['suiteb-gcm-128', 'ike', true],
    ['prime-256', 'ipsec', true],
  ] as const)('proposal-set %s (%s) negotiable here: %s', (name, kind, usable) => {
    const r = proposalSetUsability(name, kind);
    expect(r.ok).toBe(usable);
    if (!r.ok) expect(r.reason).toMatch(new RegExp(`^proposal-set ${name} \\((IKE|IPsec)\\) cannot be negotiated in this emulator: every member uses DES or 3DES`));
  });

  it('an IKE policy with proposal-set basic says plainly it cannot be negotiated', () => {
    const r = buildIkePolicyOffer({ name: 'test-ike-policy', mode: 'main', reauthFrequency: 0, proposalNames: [], proposalSet: 'basic', proposals: ikeProposalSet('basic').members });
    expect(r).toEqual({
      ok: false,
      reason: 'IKE policy test-ike-policy: proposal-set basic (IKE) cannot be negotiated in this emulator: every member uses DES or 3DES (pre-g1-des-sha, pre-g1-des-md5), which no crypto engine here runs',
    });
  });

  it('proposal-set standard offers only pre-g2-aes128-sha / g2-esp-aes128-sha (group 2 PFS)', () => {
    const ike = buildIkePolicyOffer({ name: 'P', mode: 'main', reauthFrequency: 0, proposalNames: [], proposalSet: 'standard', proposals: ikeProposalSet('standard').members });
    expect(ike.ok && ike.value.proposals).toEqual([ikeP(1, [E(12, 128), PRF(2), I(2), D(2)])]);
    const set = ipsecProposalSet('standard');
    const esp = buildIpsecPolicyOffer({ name: 'I', proposalNames: [], proposalSet: 'standard', pfsGroup: set.pfsGroup, proposals: set.members }, new Uint8Array(4));
    expect(esp.ok && esp.value.names).toEqual(['g2-esp-aes128-sha']);
    expect(esp.ok && esp.value.proposals[0]!.transforms).toEqual([E(12, 128), I(2), D(2), N(0)]);
  });
});

describe('selectProposal as responder (RFC 7296 §2.7, §3.3.6)', () => {
  const ours = [ikeP(1, [E(20, 128), PRF(5), D(19)]), ikeP(2, [E(12, 256), PRF(6), I(13), D(20)])];

  it('takes the FIRST of the initiator proposals it accepts, with one transform per type and the peer number', () => {
    const theirs = [ikeP(1, [E(12, 128), PRF(2), I(2), D(14)]), ikeP(2, [E(12, 128), E(12, 256), PRF(5), PRF(6), I(12), I(13), D(14), D(20)]), ikeP(3, [E(20, 128), PRF(5), D(19)])];
    const r = selectProposal(ours, theirs, 'responder');
    expect(r).toEqual({ ok: true, matched: 1, proposal: ikeP(2, [E(12, 256), PRF(6), I(13), D(20)]) });
  });

  it('keeps the peer SPI of a CHILD SA proposal and accepts the peer optional NONE for INTEG and D-H', () => {
    const mine = [espP(1, [E(20, 256), N(0)])];
    const r = selectProposal(mine, [espP(7, [E(20, 256), I(0), D(0), N(1), N(0)], [1, 2, 3, 4])], 'responder');
    expect(r).toEqual({ ok: true, matched: 0, proposal: espP(7, [E(20, 256), I(0), D(0), N(0)], [1, 2, 3, 4]) });
  });

  it.each([
    [
      'encryption and DH group, per peer proposal',
      [ikeP(1, [E(12, 256), PRF(5), D(19)]), ikeP(2, [E(20, 128), PRF(5), D(14)])],
      [ikeP(1, [E(20, 128), PRF(5), D(19)])],
      'no proposal chosen: peer proposal 1 encryption AES-CBC-256 not in ours (AES-GCM-128); peer proposal 2 DH group 14 not in ours (group 19)',
    ],
    [
      'the peer integrity next to our AEAD',
      [ikeP(1, [E(20, 128), PRF(5), I(12), D(19)])],
      [ikeP(1, [E(20, 128), PRF(5), D(19)])],
      'no proposal chosen: peer proposal 1 integrity HMAC-SHA2-256-128 not in ours (none)',
    ],
    [
      'a PFS group we do not do',
      [espP(1, [E(12, 128), I(2), D(14), N(0)])],
      [espP(1, [E(12, 128), I(2), N(0)])],
      'no proposal chosen: peer proposal 1 DH group 14 not in ours (none)',
    ],
    [
      'several alternatives, none ours',
      [ikeP(1, [E(12, 128), E(12, 192), PRF(2), I(2), D(2)])],
      [ikeP(1, [E(12, 256), PRF(2), I(2), D(2)])],
      'no proposal chosen: peer proposal 1 encryption AES-CBC-128 or AES-CBC-192 not in ours (AES-CBC-256)',
    ],
    [
      'a missing transform type and ESN',
      [espP(1, [E(12, 128), N(1)])],
      [espP(1, [E(12, 128), I(12), N(0)])],
      'no proposal chosen: peer proposal 1 has no integrity (ours HMAC-SHA2-256-128), ESN on not in ours (off)',
    ],
    ['the protocol', [{ ...espP(1, [I(2), N(0)]), protocol: 2 }], [espP(1, [E(20, 128), N(0)])], 'no proposal chosen: peer proposal 1 protocol AH, ours ESP'],
    ['the closest of ours is the one reported', [ikeP(1, [E(12, 256), PRF(6), I(13), D(14)])], ours, 'no proposal chosen: peer proposal 1 DH group 14 not in ours (group 20)'],
  ])('when nothing matches, one plain line names what did not: %s', (_what, theirs, mine, reason) => {
    expect(selectProposal(mine, theirs, 'responder')).toEqual({ ok: false, reason });
  });
});

describe('the initiator checks the responder single choice is a subset of its offer', () => {
  const offered = [espP(1, [E(20, 256), D(20), N(0)]), espP(2, [E(12, 128), I(12), D(20), N(0)])];

  it('accepts a choice from the proposal of that number', () => {
    const chosen = espP(2, [E(12, 128), I(12), D(20), N(0)], [9, 9, 9, 9]);
    expect(selectProposal(offered, [chosen], 'initiator')).toEqual({ ok: true, matched: 1, proposal: chosen });
  });

  it.each([
    [espP(3, [E(20, 256), D(20), N(0)]), "peer's chosen proposal 3 unacceptable: we offered proposals 1, 2"],
    [espP(1, [E(20, 128), D(20), N(0)]), "peer's chosen proposal 1 unacceptable: encryption AES-GCM-128 was not offered (ours AES-GCM-256)"],
    [espP(2, [E(12, 128), I(12), D(20), N(0), N(1)]), "peer's chosen proposal 2 unacceptable: it has 2 ESN transforms, a choice has one"],
    [espP(2, [E(12, 128), I(12), N(0)]), "peer's chosen proposal 2 unacceptable: it has no DH (we offered group 20)"],
  ])('refuses %o', (chosen, reason) => {
    expect(checkChosenProposal(offered, chosen)).toEqual({ ok: false, reason });
  });

  it('a reply with more than one proposal is refused', () => {
    expect(selectProposal(offered, offered, 'initiator')).toEqual({ ok: false, reason: "peer's reply must hold exactly one proposal, it holds 2" });
  });
});

describe('decoding a chosen proposal', () => {
  it.each([
    [[E(12, 256), PRF(6), I(13), D(20)], { encryption: 'aes-256-cbc', encryptionKeyLength: 32, prf: { id: 6, hash: 'sha384', outputLength: 48, keyLength: 48 }, integrity: { id: 13, hash: 'sha384', keyLength: 48, icvLength: 24, algorithm: 'hmac-sha-384' }, group: 20 }],
    [[E(20, 128), PRF(5), D(19)], { encryption: 'aes-128-gcm', encryptionKeyLength: 20, prf: { id: 5, hash: 'sha256', outputLength: 32, keyLength: 32 }, integrity: undefined, group: 19 }],
    [[E(28), PRF(5), D(14)], { encryption: 'chacha20-poly1305', encryptionKeyLength: 36, prf: { id: 5, hash: 'sha256', outputLength: 32, keyLength: 32 }, integrity: undefined, group: 14 }],
  ])('IKE %o → algorithms and key lengths', (transforms, want) => {
    const r = decodeIkeProposal(ikeP(1, transforms));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.encryption).toBe(want.encryption);
    expect(r.value.encryptionKeyLength).toBe(want.encryptionKeyLength);
    expect(r.value.prf).toEqual(want.prf);
    expect(r.value.integrity).toEqual(want.integrity);
    expect(r.value.dhGroup.id).toBe(want.group);
  });

  it.each([
    [ikeP(1, [E(12, 128), PRF(2), D(14)]), 'AES-CBC-128 needs an integrity algorithm'],
    [ikeP(1, [E(20, 128), PRF(5), I(2), D(19)]), 'integrity HMAC-SHA1-96 cannot go with the AEAD AES-GCM-128'],
    [ikeP(1, [E(3), PRF(2), I(2), D(2)]), 'encryption 3DES is not supported here'],
    [ikeP(1, [E(12, 128), E(12, 256), PRF(2), I(2), D(2)]), 'proposal 1 has 2 encryption transforms; a chosen proposal has one'],
  ])('IKE %o is refused: %s', (p, reason) => {
    expect(decodeIkeProposal(p)).toEqual({ ok: false, reason });
  });

  it('an ESP CHILD SA decodes into the crypto/suites.ts names the ESP path installs', () => {
    expect(decodeChildProposal(espP(1, [E(12, 256), I(12), D(20), N(1)], [0xc0, 0xff, 0xee, 0x01]))).toEqual({
      ok: true,
      value: { protocol: 'esp', spi: 0xc0ffee01, encryption: 'aes-256-cbc', encryptionKeyLength: 32, authentication: 'hmac-sha-256-128', integrityKeyLength: 32, esn: true, pfsGroup: expect.objectContaining({ id: 20, kind: 'ecp' }) },
    });
    expect(decodeChildProposal(espP(1, [E(20, 128), N(0)], [0, 0, 1, 0]))).toEqual({ ok: true, value: { protocol: 'esp', spi: 256, encryption: 'aes-128-gcm', encryptionKeyLength: 20, integrityKeyLength: 0, esn: false } });
    expect(decodeChildProposal({ number: 1, protocol: 2, spi: Uint8Array.from([0, 0, 0, 5]), transforms: [I(2), N(0)] })).toEqual({
      ok: true,
      value: { protocol: 'ah', spi: 5, encryptionKeyLength: 0, authentication: 'hmac-sha1-96', integrityKeyLength: 20, esn: false },
    });
  });
});
