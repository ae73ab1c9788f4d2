/**
 * Junos `$9$` secrets: the reversible obfuscation Junos applies to pre-shared keys and other
 * secrets before showing them. Each plaintext character is written as a run of "gaps" between
 * characters of a 65-character alphabet split into four families; a random salt character (and
 * as many random filler characters as its family dictates) starts the string, so the same
 * secret has many encodings. It hides a secret from a glance, nothing more.
 */
import type { Random } from '../sim/random.js';

const FAMILIES = ['QzF3n6/9CAtpu0O', 'B1IREhcSyrleKvMW8LXx', '7N-dVbwsY2g4oaJZGUDj', 'iHkq.mPf5T'] as const;
const ALPHABET = FAMILIES.join('');
const INDEX = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));
/** Number of filler characters after a salt from family f is 3 - f. */
const FILLER = new Map<string, number>(FAMILIES.flatMap((fam, f) => [...fam].map((c) => [c, 3 - f] as [string, number])));
/** Place values of the gaps that encode the character at position i (cycled). */
const WEIGHTS: readonly (readonly number[])[] = [
  [1, 4, 32],
  [1, 16, 32],
  [1, 8, 32],
  [1, 64],
  [1, 32],
  [1, 4, 16, 128],
  [1, 32, 64],
];

export const SECRET_PREFIX = '$9$';

export function isObfuscated(text: string): boolean {
  return text.startsWith(SECRET_PREFIX) && decodeSecret(text) !== undefined;
}

export function encodeSecret(plain: string, random: Random): string {
  const salt = random.pick([...ALPHABET]);
  let out = SECRET_PREFIX + salt + random.chars(FILLER.get(salt)!, ALPHABET);
  let prev = salt;
  [...plain].forEach((ch, pos) => {
    const weights = WEIGHTS[pos % WEIGHTS.length]!;
    let code = ch.charCodeAt(0);
    if (code > 255) throw new RangeError('a $9$ secret holds 8-bit characters only');
    const gaps: number[] = [];
    for (let i = weights.length - 1; i >= 0; i--) {
      gaps.unshift(Math.floor(code / weights[i]!));
      code %= weights[i]!;
    }
    for (const gap of gaps) {
      const c = ALPHABET[(INDEX.get(prev)! + gap + 1) % ALPHABET.length]!;
      out += c;
      prev = c;
    }
  });
  return out;
}

/** The plaintext of a `$9$` string, or undefined when it is not a valid one. */
export function decodeSecret(secret: string): string | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined;
  const chars = [...secret.slice(SECRET_PREFIX.length)];
  const salt = chars.shift();
  if (salt === undefined || !INDEX.has(salt)) return undefined;
  const filler = FILLER.get(salt)!;
  if (chars.length < filler) return undefined;
  chars.splice(0, filler);
  let prev = salt;
  let plain = '';
  for (let pos = 0; chars.length > 0; pos++) {
    const weights = WEIGHTS[pos % WEIGHTS.length]!;
    if (chars.length < weights.length) return undefined;
    let code = 0;
    for (const w of weights) {
      const c = chars.shift()!;
      const idx = INDEX.get(c);
      if (idx === undefined) return undefined;
      const gap = (((idx - INDEX.get(prev)!) % ALPHABET.length) + ALPHABET.length) % ALPHABET.length - 1;
      code += gap * w;
      prev = c;
    }
    plain += String.fromCharCode(code);
  }
  return plain;
}
