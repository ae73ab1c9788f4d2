/**
 * What device to build, from program arguments (reference/contract.md) or a topology file
 * entry. Pure, so the rules for `--cards` and friends are tested without starting anything.
 */
import { CARD_TYPES, isCardType, type CardType } from '../cards/kinds.js';
import { isModelName, MODELS, type ModelName } from './models.js';
import { compareReleases, mustParseRelease, NEWEST_RELEASE, OLDEST_RELEASE, parseRelease } from './release.js';
import { isReType, type ReType } from './routing-engines.js';

export class UsageError extends Error {}

export interface RawOptions {
  model?: string;
  re?: string;
  release?: string;
  cards?: string;
  junosIke?: boolean;
  hostname?: string;
  state?: string;
  batch?: boolean;
  attach?: string;
  topology?: string;
  seed?: string;
}

export interface DeviceChoice {
  readonly model: ModelName;
  readonly re: ReType;
  readonly release: string;
  readonly cards: ReadonlyArray<readonly [number, CardType]>;
  /** undefined = as Junos installs it by default. */
  readonly junosIke: boolean | undefined;
  readonly hostname: string | undefined;
  readonly seed: number | undefined;
}

export function parseCards(list: string, model: ModelName): Array<[number, CardType]> {
  const out: Array<[number, CardType]> = [];
  const seen = new Set<number>();
  const slots = MODELS[model].fpcSlots;
  for (const item of list.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const m = /^(\d+):([a-z0-9]+)$/.exec(item);
    if (!m) throw new UsageError(`--cards: '${item}' is not SLOT:TYPE (TYPE one of ${CARD_TYPES.join(', ')})`);
    const slot = Number(m[1]);
    const type = m[2]!;
    if (!isCardType(type)) throw new UsageError(`--cards: unknown card type '${type}' (one of ${CARD_TYPES.join(', ')})`);
    if (slot >= slots) throw new UsageError(`--cards: slot ${slot} does not exist on an ${MODELS[model].description} (FPC 0-${slots - 1})`);
    if (seen.has(slot)) throw new UsageError(`--cards: slot ${slot} is given twice`);
    seen.add(slot);
    out.push([slot, type]);
  }
  return out;
}

export function chooseDevice(raw: RawOptions): DeviceChoice {
  const model = raw.model ?? 'srx5800';
  if (!isModelName(model)) throw new UsageError(`--model: '${model}' is not one of srx5400, srx5600, srx5800`);
  const re = raw.re ?? 're3';
  if (!isReType(re)) throw new UsageError(`--re: '${re}' is not one of re2, re3`);
  const release = raw.release ?? NEWEST_RELEASE;
  const parsed = parseRelease(release);
  if (!parsed) throw new UsageError(`--release: '${release}' is not a Junos release such as 23.4R1 or 15.1X49-D10`);
  if (compareReleases(parsed, mustParseRelease(OLDEST_RELEASE)) < 0 || compareReleases(parsed, mustParseRelease(NEWEST_RELEASE)) > 0) {
    throw new UsageError(`--release: ${release} is outside the releases this emulator models (${OLDEST_RELEASE} to ${NEWEST_RELEASE})`);
  }
  const cards = raw.cards !== undefined ? parseCards(raw.cards, model) : [...MODELS[model].defaultCards];
  let seed: number | undefined;
  if (raw.seed !== undefined) {
    if (!/^\d+$/.test(raw.seed)) throw new UsageError(`--seed: '${raw.seed}' is not a whole number`);
    seed = Number(raw.seed) >>> 0;
  }
  if (raw.hostname !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(raw.hostname)) {
    throw new UsageError(`--hostname: '${raw.hostname}' is not a valid host name`);
  }
  return {
    model,
    re,
    release,
    cards,
    junosIke: raw.junosIke === false ? false : undefined,
    hostname: raw.hostname,
    seed,
  };
}
