import { describe, expect, it } from 'vitest';
import { chooseIkeDaemon, junosIkeByDefault, junosIkeInstallable } from '../../../chassis/packages.js';
import { mustParseRelease } from '../../../chassis/release.js';

const rel = mustParseRelease;

describe('IKE daemon selection — seed Table 4 "kmd/iked Process Support on SRX5000 Line"', () => {
  it('"SRX5000 line with only SPC2 card installed — Supports kmd process" (without junos-ike)', () => {
    expect(chooseIkeDaemon(false, ['spc2', 'spc2']).daemon).toBe('kmd');
  });

  it('"SRX5000 line with only SPC3 card installed — Supports iked process"', () => {
    expect(chooseIkeDaemon(true, ['spc3']).daemon).toBe('iked');
  });

  it('"SRX5000 line with both SPC2 and SPC3 card installed — Supports iked process"', () => {
    expect(chooseIkeDaemon(true, ['spc2', 'spc3']).daemon).toBe('iked');
  });

  it('"SRX5000 line with SRX5K-SPC3 card ... requires junos-ike package": no daemon can run without it', () => {
    const choice = chooseIkeDaemon(false, ['spc3', 'spc2']);
    expect(choice.daemon).toBeNull();
    expect(choice.reason).toMatch(/junos-ike/);
  });

  it('change history 20.1R2: with the package installed, "iked and ikemd process runs ... instead of kmd" even with SPC2 only', () => {
    expect(chooseIkeDaemon(true, ['spc2']).daemon).toBe('iked');
  });
});

describe('junos-ike installed by default — seed Table 6 and change history', () => {
  it.each([
    // Table 6: "SRX5K-SPC3 with RE3 — 19.4R1 and later as default package"
    ['re3', '19.4R1', ['spc3'], true],
    ['re3', '19.3R1', ['spc3'], false],
    // Change history: "installed in Junos OS Releases 20.1R2, 20.2R2, 20.3R2, 20.4R1, and later for SRX5000 line with RE3"
    ['re3', '20.1R2', ['spc2'], true],
    ['re3', '20.1R1', ['spc2'], false],
    ['re3', '20.2R1', ['spc2'], false],
    ['re3', '20.3R2', ['spc2'], true],
    ['re3', '20.4R1', ['spc2'], true],
    ['re3', '24.4R1', ['spc2'], true],
    // Table 6: "SRX5K-SPC3 with RE2 — 18.2R1 and later as optional package" (never a default)
    ['re2', '24.4R1', ['spc3'], false],
    ['re2', '20.4R1', ['spc2'], false],
  ] as const)('%s %s %j → %s', (re, release, cards, expected) => {
    expect(junosIkeByDefault(re, rel(release), cards)).toBe(expected);
  });

  it('Table 6: the package exists from 18.2R1 on', () => {
    expect(junosIkeInstallable(rel('18.2R1'))).toBe(true);
    expect(junosIkeInstallable(rel('18.1R3'))).toBe(false);
    expect(junosIkeInstallable(rel('15.1X49-D150'))).toBe(false);
  });
});
