/**
 * The committed config/schema/junos-schema.json must be what tools/gen-schema.ts produces from
 * the YANG models (when they are present: CI and users do not need them), and the runtime must
 * read back exactly the tree the generator resolved.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpFor, helpPaths, enumHelpFor } from '../../../config/schema/help-texts.js';
import { projectRoot, schemaFilePath, schemaFromFile, writtenWithoutKeyword } from '../../../config/schema/schema.js';
import type { SchemaNode, ValueType } from '../../../config/schema/types.js';
import { generateSchema, type GenerateResult } from '../../../tools/gen-schema.js';
import { flatten, type DataNode } from '../../../tools/yang/model.js';
import { parseYang, type Statement } from '../../../tools/yang/parser.js';
import type { JsonType } from '../../../config/schema/format.js';

const YANG_DIR = join(projectRoot(), '..', 'shared', 'reference', 'junos-yang');

describe.runIf(existsSync(YANG_DIR))('gen-schema against the Junos YANG models', () => {
  let generated: GenerateResult | undefined;
  const gen = (): GenerateResult => (generated ??= generateSchema(YANG_DIR));

  it('the committed JSON is up to date', () => {
    const committed = readFileSync(schemaFilePath(), 'utf8');
    expect(gen().json === committed, 'config/schema/junos-schema.json is stale: run node dist/tools/gen-schema.js').toBe(true);
    expect(gen().warnings.filter((w) => w.startsWith('override rule'))).toEqual([]);
    expect(committed.length).toBeLessThan(3_000_000);
  });

  it('the runtime reads back the resolved tree (first 200000 nodes, depth-first)', () => {
    const { tree, file } = gen();
    const root = schemaFromFile(file);
    let budget = 200_000;
    const bad: string[] = [];
    const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
    const plainType = (t: ValueType): JsonType =>
      t.base === 'enumeration' ? { base: 'enumeration', values: t.values.map((v) => v.name) } : t.base === 'union' ? { base: 'union', members: t.members.map(plainType) } : t;
    const compare = (ir: readonly DataNode[], rt: readonly SchemaNode[], path: string): void => {
      if (!same(rt.map((n) => n.name), ir.map((n) => n.name))) bad.push(`${path}: children differ`);
      for (let i = 0; i < ir.length && i < rt.length && budget > 0 && bad.length < 10; i++, budget--) {
        const a = ir[i]!;
        const b = rt[i]!;
        if (b.kind !== a.kind) bad.push(`${b.path}: kind`);
        else if (a.kind === 'leaf' && b.kind === 'leaf') {
          if (!same(plainType(b.type), a.type) || b.default !== a.default || b.mandatory !== a.mandatory || writtenWithoutKeyword(b) !== a.noKeyword) bad.push(`${b.path}: leaf`);
        } else if (a.kind === 'leaf-list' && b.kind === 'leaf-list') {
          if (!same(plainType(b.type), a.type) || b.orderedByUser !== a.orderedByUser) bad.push(`${b.path}: leaf-list`);
        } else if (a.kind === 'container' && b.kind === 'container') {
          if (b.presence !== a.presence) bad.push(`${b.path}: presence`);
          compare(flatten(a.items), b.children(), b.path);
        } else if (a.kind === 'list' && b.kind === 'list') {
          if (b.orderedByUser !== a.orderedByUser || b.omitName !== a.omitName || !same(b.keys.map((k) => k.name), a.keys)) bad.push(`${b.path}: list`);
          compare(flatten(a.items).filter((k) => !a.keys.includes(k.name)), b.children(), b.path);
        }
      }
    };
    compare(flatten(tree.items), root.children(), '');
    expect(bad).toEqual([]);
    expect(budget).toBeLessThanOrEqual(0);
  });

  it('no help text repeats a YANG description', () => {
    const descriptions = new Set<string>();
    const walk = (s: Statement): void => {
      if (s.keyword === 'description' && s.arg) descriptions.add(s.arg.trim().toLowerCase());
      s.subs.forEach(walk);
    };
    for (const f of readdirSync(YANG_DIR).filter((x) => x.endsWith('.yang'))) parseYang(readFileSync(join(YANG_DIR, f), 'utf8'), f).forEach(walk);
    const ours = new Set<string>();
    for (const p of helpPaths()) {
      ours.add(helpFor(p));
      for (const v of Object.values(enumHelpFor(p) ?? {})) ours.add(v);
    }
    expect([...ours].filter((t) => t !== '' && descriptions.has(t.toLowerCase()))).toEqual([]);
  });
});
