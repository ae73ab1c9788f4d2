/**
 * A device's configuration file (curly or set form), loaded and committed at start-up as if
 * typed at `load override` + `commit`. A file that does not load or commit stops the start-up
 * with the Junos messages.
 */
import { readFileSync } from 'node:fs';
import { loadConfigText } from '../config/load.js';
import { schemaRoot } from '../config/schema/schema.js';
import { encodeSecret, isObfuscated } from '../config/secret.js';
import { isObfuscatedLeaf } from '../config/secret-leaves.js';
import { formatCommitErrors } from '../config/validate/index.js';
import { Random } from '../sim/random.js';
import type { Device } from './device.js';
import { Refusal } from './refusal.js';

export function commitBootConfig(dev: Device, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Refusal(`${dev.hostname}: could not read ${file}`);
  }
  const secrets = new Random(dev.now() >>> 0);
  const r = loadConfigText('override', text, dev.config.candidate, {
    root: schemaRoot(),
    origin: file,
    transform: (p) => ({
      ...p,
      leaves: p.leaves.map((l) =>
        isObfuscatedLeaf(l.schema.path) && l.values[0] !== undefined && !isObfuscated(l.values[0]) ? { ...l, values: [encodeSecret(l.values[0], secrets)] } : l,
      ),
    }),
  });
  if (!r.ok) throw new Refusal(`${dev.hostname}: ${r.error}`);
  if (r.errors.length > 0) throw new Refusal(`${dev.hostname}: ${file} does not load:\n${r.errors.join('\n')}`);
  // Keep the device's own host name unless the file sets one.
  const system = r.tree.ch['system'];
  if (!(system?.t === 'c' && system.ch['host-name'])) {
    r.tree.ch['system'] = { t: 'c', ch: { ...(system?.t === 'c' ? system.ch : {}), 'host-name': { t: 'v', v: dev.hostname } } };
  }
  const outcome = dev.config.commit(r.tree, { user: 'root' });
  if (!outcome.ok) throw new Refusal(`${dev.hostname}: ${file} does not commit:\n${formatCommitErrors(outcome.errors).join('\n')}`);
}
