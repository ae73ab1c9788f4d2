/**
 * Real configurations written by others (../shared/junos-configs, from Batfish's tests) and the
 * facts file's route-based VPN: they load, print every statement back, and round-trip.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineWords } from '../../../config/curly.js';
import { lastLeaf, resolvePath } from '../../../config/path.js';
import { schemaRoot } from '../../../config/schema/schema.js';
import { decodeSecret } from '../../../config/secret.js';
import { makeDevice, type TestDevice } from '../../helpers/device.js';
import { ROOT } from '../../helpers/program.js';

const CONFIGS = join(ROOT, '..', 'shared', 'junos-configs');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'config');

/**
 * Lines Junos 24.4R1 (the YANG this emulator derives its schema from) does not accept: they
 * are reported by `load` with their line number and the rest of the file loads, as on Junos.
 */
const REFUSED_BY_24_4: Record<string, Record<number, string>> = {
  'ipsec-proposal': { 6: "invalid value 'bundle'" }, // protocol bundle: not an ESP/AH choice in 24.4
  // The scrubbing tool removed `ascii-text` together with the secret: not a statement any more.
  'ipsec-vpn': { 16: 'syntax error: <SCRUBBED>' },
  // Source NAT port ranges start at 1024 in 24.4.
  'juniper-nat-pat': { 13: 'Value 1000 is not within range (1024..65535)' },
  juniper_security: { 22: 'syntax error: trace' }, // `then trace` is not a policy action in 24.4
  'nat-dest': { 13: 'syntax error: source-port', 17: 'syntax error: source-port', 32: 'syntax error: source-port' },
  'screen-options': {
    14: 'Value 1 is not within range (1000..1000000)',
    26: 'Value 0 is not within range (1..255)',
    30: 'syntax error: SFM-DPD-option',
    34: 'Value 0 is not within range (1..255)',
    39: 'syntax error: user-defined-option-type',
    70: 'Value 1 is not within range (1000..1000000)',
    82: 'Value 1 is not within range (1000..1000000)',
    85: 'Value 1 is not within range (1000..1000000)',
    86: 'Value 1 is not within range (1000..1000000)',
  },
};

const open: TestDevice[] = [];
afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
});
function dev(): TestDevice {
  const d = makeDevice([[2, 'spc2']], { junosIke: false });
  open.push(d);
  return d;
}

const files = readdirSync(CONFIGS).filter((f) => !/^(LICENSE|SOURCES)/.test(f));
const isCurly = (text: string): boolean => /^\s*[\w-]+ \{/m.test(text);

/**
 * The statements one input line makes, in canonical form (values as Junos stores them, e.g.
 * `2.2.2.2` → `2.2.2.2/32`): one per leaf, one per leaf-list value.
 */
function canonicalStatements(words: string[]): string[][] {
  const r = resolvePath(schemaRoot(), words);
  if (!r.ok) return [words];
  if (r.path.leaves.length === 0) return [[...r.path.words]];
  return r.path.leaves.flatMap((l) => {
    const name = l.schema.kind === 'leaf' && l.schema.noKeyword ? [] : [l.schema.name];
    if (l.values[0] === '') return [[...l.prefix, ...name]];
    return l.values.map((v) => [...l.prefix, ...name, v]);
  });
}
const plain = (words: readonly string[]): string => words.map((w) => (w.startsWith('$9$') ? (decodeSecret(w) ?? w) : w)).join(' ');

describe('every configuration in ../shared/junos-configs loads and prints back', () => {
  it.each(files)('%s', async (file) => {
    const path = join(CONFIGS, file);
    const text = readFileSync(path, 'utf8');
    const curly = isCurly(text);
    const d = dev();
    await d.run('configure');
    const out = await d.run(`load ${curly ? 'merge' : 'set'} ${path}`);
    const refused = REFUSED_BY_24_4[file] ?? {};
    const expectedErrors = Object.entries(refused).map(([line, why]) => `${path}:${line}:`.concat(why));
    const errors = out.filter((l) => l.startsWith(`${path}:`)).map((l) => l.replace(/\(.*\) /, ''));
    expect(errors).toEqual(expectedErrors);
    expect(out[out.length - 1]).toBe(expectedErrors.length === 0 ? 'load complete' : `load complete (${expectedErrors.length} errors)`);

    const shown = await d.run('show | display set');
    const shownPlain = shown.map((l) => plain(lineWords(l)));
    if (!curly) {
      const lines = text.split('\n').map((l, i) => ({ l: l.trim(), n: i + 1 }));
      const root = schemaRoot();
      const leafKey = (words: string[]): string | undefined => {
        const r = resolvePath(root, words);
        if (!r.ok) return undefined;
        const leaf = lastLeaf(r.path);
        return leaf?.schema.kind === 'leaf' && r.path.leaves.length === 1 ? `${r.path.steps.map((s) => `${s.schema.name}:${(s.keys ?? []).join(',')}`).join('/')}/${leaf.schema.name}` : undefined;
      };
      const sets = lines.filter(({ l }) => l.startsWith('set '));
      for (const [idx, { l, n }] of sets.entries()) {
        if (refused[n]) continue;
        const words = lineWords(l).slice(1);
        const key = leafKey(words);
        // A later line that sets the same single-valued leaf replaces this one.
        if (key && sets.slice(idx + 1).some((later) => leafKey(lineWords(later.l).slice(1)) === key)) continue;
        for (const st of canonicalStatements(words)) {
          const want = plain(['set', ...st]);
          expect(shownPlain.some((s) => s === want || s.startsWith(`${want} `)), `${file}:${n} ${want}`).toBe(true);
        }
      }
      for (const { l, n } of lines.filter(({ l }) => l.startsWith('deactivate '))) {
        expect(shown, `${file}:${n}`).toContain(plain(lineWords(l)));
      }
    }
    // Round trip: the set form loaded into an empty configuration gives the same set form.
    const again = dev();
    await again.run('configure');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const tmp = join(mkdtempSync(join(tmpdir(), 'srx5k-rt-')), 'shown.set');
    writeFileSync(tmp, `${shown.join('\n')}\n`);
    expect(await again.run(`load override ${tmp}`)).toEqual(['load complete']);
    expect(await again.run('show | display set')).toEqual(shown);
  });

  it('nested-config-brackets (curly) and its flattened form give the same set form', async () => {
    const a = dev();
    const b = dev();
    await a.run('configure');
    await b.run('configure');
    expect(await a.run(`load merge ${join(CONFIGS, 'nested-config-brackets')}`)).toEqual(['load complete']);
    expect(await b.run(`load set ${join(CONFIGS, 'nested-config-brackets-flattened')}`)).toEqual(['load complete']);
    const sa = await a.run('show | display set');
    expect(sa.length).toBeGreaterThan(3);
    expect(sa).toEqual(await b.run('show | display set'));
  });
});

describe('the route-based site-to-site VPN of the facts file', () => {
  const curly = readFileSync(join(FIXTURES, 'route-based-vpn.conf'), 'utf8');
  const setForm = readFileSync(join(FIXTURES, 'route-based-vpn.set'), 'utf8').trim().split('\n');

  it('commits, shows in curly form as written, and its set form is the facts file set form', async () => {
    const d = dev();
    await d.run('configure');
    expect(await d.run(`load merge ${join(FIXTURES, 'route-based-vpn.conf')}`)).toEqual(['load complete']);
    expect(await d.run('commit')).toEqual(['commit complete']);
    const shown = await d.run('show');
    // The curly form prints exactly as the facts file writes it (after the system stanza).
    expect(shown.slice(3)).toEqual(curly.trimEnd().split('\n'));
    expect(await d.run('show | display set')).toEqual(['set system host-name srx5800', ...setForm]);
  });

  it('round-trips show | display set → load set identically', async () => {
    const d = dev();
    await d.run('configure');
    await d.run(`load set ${join(FIXTURES, 'route-based-vpn.set')}`);
    await d.run('commit');
    const first = await d.run('show | display set');
    await d.run('delete');
    await d.run('commit');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const tmp = join(mkdtempSync(join(tmpdir(), 'srx5k-rt-')), 'vpn.set');
    writeFileSync(tmp, first.join('\n'));
    expect(await d.run(`load set ${tmp}`)).toEqual(['load complete']);
    expect(await d.run('commit')).toEqual(['commit complete']);
    expect(await d.run('show | display set')).toEqual(first);
  });
});
