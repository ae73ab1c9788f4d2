/**
 * `--topology FILE`: several devices in one process. The YAML names each device (as the program
 * options would describe it, plus a configuration file committed at boot), the links between
 * their interfaces, and the interfaces attached to the host network:
 *
 *   devices:
 *     fw1: { model: srx5800, cards: "0:ioc4,2:spc3", release: 23.4R1, config: fw1.conf }
 *     fw2: { model: srx5600, junos-ike: false, cards: "0:ioc4,1:spc2" }
 *   links:
 *     - [fw1:xe-0/0/0, fw2:xe-0/0/0]
 *   attach: [fw1:xe-0/0/1]
 *
 * The console starts on the first device. Paths are relative to the topology file.
 */
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { chooseDevice, UsageError, type DeviceChoice } from './device-choice.js';

export interface Endpoint {
  readonly device: string;
  readonly ifd: string;
}

export interface TopologyDevice {
  readonly name: string;
  readonly choice: DeviceChoice;
  /** Configuration file (curly or set form) loaded and committed at boot. */
  readonly config?: string;
}

export interface TopologySpec {
  readonly devices: readonly TopologyDevice[];
  readonly links: ReadonlyArray<readonly [Endpoint, Endpoint]>;
  readonly attach: readonly Endpoint[];
}

const DEVICE_KEYS = new Set(['model', 're', 'release', 'cards', 'junos-ike', 'config', 'seed']);

function fail(message: string): never {
  throw new UsageError(`topology: ${message}`);
}

function endpoint(text: unknown, where: string, devices: ReadonlySet<string>): Endpoint {
  if (typeof text !== 'string') fail(`${where}: expected DEVICE:INTERFACE, got ${JSON.stringify(text)}`);
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*):((?:ge|xe|et)-\d+\/\d+\/\d+|lo0|fxp0)$/.exec(text);
  if (!m) fail(`${where}: '${text}' is not DEVICE:INTERFACE (e.g. fw1:xe-0/0/0)`);
  if (!devices.has(m[1]!)) fail(`${where}: no device named '${m[1]}'`);
  return { device: m[1]!, ifd: m[2]! };
}

export function parseTopology(text: string, baseDir: string): TopologySpec {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    fail(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null) fail('expected a mapping with devices, links and attach');
  const top = doc as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!['devices', 'links', 'attach'].includes(k)) fail(`unknown key '${k}' (devices, links, attach)`);
  const rawDevices = top['devices'];
  if (typeof rawDevices !== 'object' || rawDevices === null || Array.isArray(rawDevices) || Object.keys(rawDevices).length === 0) {
    fail('devices: expected a mapping of at least one device name to its description');
  }

  const devices: TopologyDevice[] = [];
  for (const [name, raw] of Object.entries(rawDevices as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) fail(`devices: '${name}' is not a valid host name`);
    const d = (raw ?? {}) as Record<string, unknown>;
    if (typeof d !== 'object' || Array.isArray(d)) fail(`devices.${name}: expected a mapping`);
    for (const k of Object.keys(d)) if (!DEVICE_KEYS.has(k)) fail(`devices.${name}: unknown key '${k}' (${[...DEVICE_KEYS].join(', ')})`);
    const str = (k: string): string | undefined => (d[k] === undefined ? undefined : String(d[k]));
    let choice: DeviceChoice;
    try {
      const ike = d['junos-ike'];
      choice = chooseDevice({
        ...(str('model') !== undefined ? { model: str('model')! } : {}),
        ...(str('re') !== undefined ? { re: str('re')! } : {}),
        ...(str('release') !== undefined ? { release: str('release')! } : {}),
        ...(str('cards') !== undefined ? { cards: str('cards')! } : {}),
        ...(ike === false ? { junosIke: false } : {}),
        ...(str('seed') !== undefined ? { seed: str('seed')! } : {}),
        hostname: name,
      });
    } catch (err) {
      fail(`devices.${name}: ${(err as Error).message}`);
    }
    const config = str('config');
    devices.push({ name, choice, ...(config !== undefined ? { config: isAbsolute(config) ? config : join(baseDir, config) } : {}) });
  }

  const names = new Set(devices.map((d) => d.name));
  const rawLinks = top['links'] ?? [];
  if (!Array.isArray(rawLinks)) fail('links: expected a list of [DEVICE:INTERFACE, DEVICE:INTERFACE] pairs');
  const used = new Set<string>();
  const links = rawLinks.map((l, i) => {
    if (!Array.isArray(l) || l.length !== 2) fail(`links[${i}]: expected a pair [DEVICE:INTERFACE, DEVICE:INTERFACE]`);
    const pair = [endpoint(l[0], `links[${i}]`, names), endpoint(l[1], `links[${i}]`, names)] as const;
    for (const e of pair) {
      const key = `${e.device}:${e.ifd}`;
      if (used.has(key)) fail(`links[${i}]: ${key} is already linked`);
      used.add(key);
    }
    return pair;
  });
  const rawAttach = top['attach'] ?? [];
  if (!Array.isArray(rawAttach)) fail('attach: expected a list of DEVICE:INTERFACE');
  const attach = rawAttach.map((a, i) => endpoint(a, `attach[${i}]`, names));
  return { devices, links, attach };
}
