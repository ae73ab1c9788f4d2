/**
 * Junos release strings and their order. Accepted forms: `23.4R1`, `23.4R1.9`, `19.4R1-S3`,
 * `20.2R2-S1.3`, and the older X-train form `15.1X49-D10` / `12.1X47-D15.4`.
 */
export interface Release {
  readonly major: number;
  readonly minor: number;
  /** 'R' for a regular release, 'X' for a special train such as 15.1X49. */
  readonly kind: 'R' | 'X';
  /** R number (R1, R2 …) or the X train number (X49). */
  readonly number: number;
  /** D number of an X train, service release of an R release (-S3), else 0. */
  readonly sub: number;
  /** Build suffix (`.9`), shown by `show version`; absent when not given. */
  readonly build?: number;
  readonly text: string;
}

const R_FORM = /^(\d{1,2})\.(\d)R(\d{1,2})(?:-S(\d{1,2}))?(?:\.(\d{1,3}))?$/;
const X_FORM = /^(\d{1,2})\.(\d)X(\d{2})-D(\d{1,3})(?:\.(\d{1,3}))?$/;

export function parseRelease(text: string): Release | undefined {
  const t = text.trim();
  let m = R_FORM.exec(t);
  if (m) {
    return {
      major: Number(m[1]),
      minor: Number(m[2]),
      kind: 'R',
      number: Number(m[3]),
      sub: m[4] ? Number(m[4]) : 0,
      ...(m[5] ? { build: Number(m[5]) } : {}),
      text: t,
    };
  }
  m = X_FORM.exec(t);
  if (m) {
    return {
      major: Number(m[1]),
      minor: Number(m[2]),
      kind: 'X',
      number: Number(m[3]),
      sub: Number(m[4]),
      ...(m[5] ? { build: Number(m[5]) } : {}),
      text: t,
    };
  }
  return undefined;
}

export function mustParseRelease(text: string): Release {
  const r = parseRelease(text);
  if (!r) throw new RangeError(`not a Junos release: '${text}'`);
  return r;
}

/**
 * Order of releases. Within one major.minor an X train (15.1X49) sorts after every R release
 * of that number (15.1X49 shipped after 15.1R1), which is all the seed's rules need.
 */
export function compareReleases(a: Release, b: Release): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.kind !== b.kind) return a.kind === 'R' ? -1 : 1;
  if (a.number !== b.number) return a.number - b.number;
  return a.sub - b.sub;
}

/** `release` is `min` or later. */
export function atLeast(release: Release, min: string): boolean {
  return compareReleases(release, mustParseRelease(min)) >= 0;
}

/** The newest release the emulator models (the YANG models in reference/ are 24.4R1). */
export const NEWEST_RELEASE = '24.4R1';

/** The oldest release accepted on the command line (SRX5K-SCBE / RE-1800X4 era). */
export const OLDEST_RELEASE = '12.1X47-D15';

/** The full version string `show version` prints, e.g. `24.4R1.9`. */
export function versionString(r: Release): string {
  if (r.build !== undefined) return r.text;
  return `${r.text}.9`;
}

/** A plausible build tag for package lines: `[20241210.085319_builder_junos_244_r1]`. */
export function buildTag(r: Release, flavour: 'junos' | 'stable'): string {
  const year = 2000 + r.major;
  const month = String(Math.min(12, r.minor * 3)).padStart(2, '0');
  const day = String(10 + (r.number % 18)).padStart(2, '0');
  const date = `${year}${month}${day}`;
  const train = `${r.major}${r.minor}`;
  if (flavour === 'stable') return `[${date}.0b0c${train}_builder_stable_13-${train}]`;
  const rel = r.kind === 'R' ? `r${r.number}` : `x${r.number}_d${r.sub}`;
  return `[${date}.085319_builder_junos_${train}_${rel}]`;
}
