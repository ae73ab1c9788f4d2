import { describe, expect, it } from 'vitest';
import { emitSchema } from '../../../tools/yang/emit.js';
import { flatten, type DataNode, type Item } from '../../../tools/yang/model.js';
import { parseYang } from '../../../tools/yang/parser.js';
import { parseRanges, YangResolver } from '../../../tools/yang/resolver.js';
import { tokenize, YangSyntaxError } from '../../../tools/yang/tokenizer.js';
import { SCHEMA_FORMAT } from '../../../config/schema/format.js';
import { schemaFromFile } from '../../../config/schema/schema.js';

describe('YANG tokenizer', () => {
  it('splits statements, punctuation and unquoted arguments', () => {
    const t = tokenize('leaf a { type string; }');
    expect(t.map((x) => (x.kind === 'string' ? x.text : x.kind))).toEqual(['leaf', 'a', '{', 'type', 'string', ';', '}']);
  });

  it('skips line and block comments, but not a lone slash in a path', () => {
    const t = tokenize('// line\naugment /jc:configuration /* block\n over lines */ { }');
    expect(t.map((x) => x.text || x.kind)).toEqual(['augment', '/jc:configuration', '{', '}']);
    expect(t[2]!.line).toBe(3);
  });

  it('concatenates quoted strings joined by +, across lines and comments', () => {
    const t = tokenize(`description "one " +\n  'two ' + // c\n "three";`);
    expect(t[1]).toMatchObject({ kind: 'string', text: 'one two three', quoted: true });
    expect(t[2]!.kind).toBe(';');
  });

  it('resolves escapes in double quotes only', () => {
    const t = tokenize(String.raw`a "x\"y\\z\n\t"; b 'x\ny';`);
    expect(t[1]!.text).toBe('x"y\\z\n\t');
    expect(t[4]!.text).toBe('x\\ny');
  });

  it('strips the indentation of continuation lines in double-quoted strings', () => {
    const t = tokenize('  description "first\n               second  \n   third";');
    expect(t[1]!.text).toBe('first\nsecond\nthird');
  });

  it('keeps punctuation inside quotes as text', () => {
    const t = tokenize('pattern "{;}";');
    expect(t[1]).toMatchObject({ kind: 'string', text: '{;}' });
  });

  it('reports unterminated strings and comments with the line', () => {
    expect(() => tokenize('a\n"abc', 'f.yang')).toThrow(YangSyntaxError);
    expect(() => tokenize('a /* x', 'f.yang')).toThrow(/f\.yang:1: unterminated block comment/);
  });
});

describe('YANG parser', () => {
  it('builds the statement tree', () => {
    const [m] = parseYang('module m { prefix p; container c { leaf l { type string; } } }');
    expect(m!.keyword).toBe('module');
    expect(m!.arg).toBe('m');
    const c = m!.subs[1]!;
    expect(c).toMatchObject({ keyword: 'container', arg: 'c' });
    expect(c.subs[0]!.subs[0]).toMatchObject({ keyword: 'type', arg: 'string', subs: [] });
  });

  it('accepts statements without argument and prefixed keywords', () => {
    const [m] = parseYang('module m { input { leaf a { type empty; } } junos:posix-pattern "^a$"; }');
    expect(m!.subs[0]).toMatchObject({ keyword: 'input', arg: undefined });
    expect(m!.subs[1]).toMatchObject({ keyword: 'junos:posix-pattern', arg: '^a$' });
  });

  it('reports a missing closing brace', () => {
    expect(() => parseYang('module m {\n leaf a { type string; }\n', 'x.yang')).toThrow(/missing '}' for 'module'/);
  });

  it('reports a missing semicolon', () => {
    expect(() => parseYang('module m { prefix p }', 'x.yang')).toThrow(/expected ';' or '\{' after 'prefix p'/);
  });
});

// ---------------------------------------------------------------------------------------------

const TYPES = `
module junos-common-types {
  prefix jt;
  typedef ipv4addr { type string; }
  typedef interface-name { type string; }
  typedef percent { type uint8 { range "0 .. 100"; } }
  typedef small-percent { type percent { range "0 .. 10"; } }
}`;

const EXT = `
module junos-common-ddl-extensions {
  prefix junos;
  extension posix-pattern { argument value; }
  extension pattern-message { argument value; }
}`;

const ROOT = `
module rmod {
  prefix jc;
  import junos-common-types { prefix jt; }
  container configuration {
    uses base;
    list groups { key name; ordered-by user; leaf name { type string; } }
  }
  grouping base {
    leaf version { type string; }
    uses apply-advanced;
  }
  grouping apply-advanced {
    leaf-list apply-groups { ordered-by user; type string; }
  }
}`;

const FEATURE = `
module fmod {
  prefix f;
  import rmod { prefix jc; }
  import junos-common-types { prefix jt; }
  import junos-common-ddl-extensions { prefix junos; }
  augment /jc:configuration { uses feature-group; }
  augment /jc:configuration/jc:groups { uses feature-group; }
  typedef local-name { type string { length "1 .. 8"; } }
  grouping apply-advanced {
    leaf-list apply-groups { ordered-by user; type string; }
  }
  grouping feature-group {
    container feature {
      presence "enable feature";
      uses apply-advanced;
      choice mode {
        case a { leaf fast { type empty; } }
        case b { leaf slow { type empty; } leaf slower { type boolean; } }
        leaf shorthand { type string; }
      }
      list peer {
        key "name";
        ordered-by user;
        uses peer-body;
      }
      list pair { key "left right"; leaf left { type uint16; } leaf right { type string; } leaf weight { type int8; } }
      leaf share { type jt:small-percent; default "5"; mandatory true; }
      leaf address { type jt:ipv4addr; }
      leaf ifname { type union { type jt:interface-name; type string { pattern "<.*>|$.*"; } } }
      leaf limit {
        type union {
          type string { pattern "<.*>|$.*"; }
          type uint32 { range "1 .. 10 | 20 .. max"; }
          type enumeration { enum unlimited; enum "none"; }
        }
      }
      leaf code { type local-name; }
      leaf word { type string { junos:posix-pattern "^[[:alpha:]]+$"; junos:pattern-message "letters only"; } }
      leaf ratio { type decimal64 { fraction-digits 2; range "0.5 .. 2.25"; } }
      uses refined { refine "inner/depth" { default "3"; } }
    }
  }
  grouping peer-body {
    leaf name { type string; }
    uses apply-advanced;
    leaf weight { type uint8; }
  }
  grouping refined {
    container inner { leaf depth { type uint8; } }
  }
}`;

function buildSample(): { root: DataNode[]; resolver: YangResolver } {
  const r = new YangResolver();
  r.addSource(TYPES, 'tmod.yang');
  r.addSource(EXT, 'ext.yang');
  r.addSource(ROOT, 'rmod.yang');
  r.addSource(FEATURE, 'fmod.yang');
  const root = r.buildTree('rmod', 'configuration');
  return { root: flatten(root.items), resolver: r };
}

const named = (items: readonly Item[] | readonly DataNode[], name: string): DataNode => {
  const n = flatten(items as Item[]).find((x) => x.name === name);
  if (!n) throw new Error(`no ${name}`);
  return n;
};

describe('YANG resolver', () => {
  it('expands uses of local groupings in place, in statement order', () => {
    const { root } = buildSample();
    expect(root.map((n) => n.name)).toEqual(['version', 'apply-groups', 'groups', 'feature']);
  });

  it('applies augments of the root container and of the groups list', () => {
    const { root } = buildSample();
    const groups = named(root, 'groups');
    expect(groups.kind).toBe('list');
    expect(flatten((groups as { items: Item[] }).items).map((n) => n.name)).toEqual(['name', 'feature']);
  });

  it('flattens choice and case (including shorthand cases) into the parent', () => {
    const { root } = buildSample();
    const feature = named(root, 'feature');
    expect(feature).toMatchObject({ kind: 'container', presence: true });
    const names = flatten((feature as { items: Item[] }).items).map((n) => n.name);
    expect(names.slice(0, 5)).toEqual(['apply-groups', 'fast', 'slow', 'slower', 'shorthand']);
  });

  it('keeps list keys and ordered-by', () => {
    const { root } = buildSample();
    const f = (named(root, 'feature') as { items: Item[] }).items;
    expect(named(f, 'peer')).toMatchObject({ kind: 'list', keys: ['name'], orderedByUser: true });
    expect(named(f, 'pair')).toMatchObject({ kind: 'list', keys: ['left', 'right'], orderedByUser: false });
  });

  it('resolves typedef chains across modules by prefix, with the derived range winning', () => {
    const { root } = buildSample();
    const f = (named(root, 'feature') as { items: Item[] }).items;
    expect(named(f, 'share')).toMatchObject({ kind: 'leaf', type: { base: 'integer', ranges: [{ min: '0', max: '10' }] }, default: '5', mandatory: true });
    expect(named(f, 'code')).toMatchObject({ type: { base: 'string', length: [{ min: '1', max: '8' }] } });
  });

  it('maps Junos named types and drops the variable-only member of unions', () => {
    const { root } = buildSample();
    const f = (named(root, 'feature') as { items: Item[] }).items;
    expect(named(f, 'address')).toMatchObject({ type: { base: 'ipv4-address' } });
    expect(named(f, 'ifname')).toMatchObject({ type: { base: 'interface-name' } });
    expect(named(f, 'limit')).toMatchObject({
      type: {
        base: 'union',
        members: [
          { base: 'integer', ranges: [{ min: '1', max: '10' }, { min: '20', max: '4294967295' }] },
          { base: 'enumeration', values: ['unlimited', 'none'] },
        ],
      },
    });
  });

  it('reads the junos:posix-pattern extension and its message', () => {
    const { root } = buildSample();
    const f = (named(root, 'feature') as { items: Item[] }).items;
    expect(named(f, 'word')).toMatchObject({ type: { base: 'string', pattern: '^[[:alpha:]]+$', patternMessage: 'letters only' } });
  });

  it('resolves decimal64 with fraction digits and range', () => {
    const { root } = buildSample();
    const f = (named(root, 'feature') as { items: Item[] }).items;
    expect(named(f, 'ratio')).toMatchObject({ type: { base: 'decimal', ranges: [{ min: '0.5', max: '2.25' }] } });
  });

  it('applies refine to a copy, leaving the shared grouping untouched', () => {
    const { root } = buildSample();
    const f = (named(root, 'feature') as { items: Item[] }).items;
    const inner = named(f, 'inner') as { items: Item[] };
    expect(named(inner.items, 'depth')).toMatchObject({ default: '3' });
  });

  it('shares a grouping between its uses instead of copying it', () => {
    const { root } = buildSample();
    const feature = named(root, 'feature') as { items: Item[] };
    const inGroups = named((named(root, 'groups') as { items: Item[] }).items, 'feature');
    expect(inGroups).toBe(feature); // same node object: one resolved grouping
  });

  it('reports unknown groupings and types', () => {
    const r = new YangResolver();
    r.addSource('module a { prefix a; container configuration { uses nope; } }', 'a.yang');
    expect(() => r.buildTree('a', 'configuration')).toThrow(/grouping 'nope' not found/);
    const r2 = new YangResolver();
    r2.addSource('module a { prefix a; container configuration { leaf x { type a:nope; } } }', 'a.yang');
    expect(() => r2.buildTree('a', 'configuration')).toThrow(/type 'a:nope' not found/);
  });

  it('parses range expressions with min and max', () => {
    expect(parseRanges('min .. 10 | 20 | 30 .. max', [{ min: '-5', max: '100' }])).toEqual([
      { min: '-5', max: '10' },
      { min: '20', max: '20' },
      { min: '30', max: '100' },
    ]);
  });

  it('emits a compact file that the runtime reads back into the same tree', () => {
    const { resolver } = buildSample();
    const root = resolver.buildTree('rmod', 'configuration');
    const e = emitSchema(root.items);
    const schema = schemaFromFile({
      format: SCHEMA_FORMAT,
      source: { models: 't', junosVersion: 't', revision: 't', modules: [], generator: 't' },
      types: e.types,
      defs: e.defs,
      root: e.root,
    });
    expect(schema.children().map((c) => c.name)).toEqual(['version', 'apply-groups', 'groups', 'feature']);
    const feature = schema.child('feature');
    expect(feature?.kind).toBe('container');
    if (feature?.kind !== 'container') return;
    expect(feature.presence).toBe(true);
    expect(feature.path).toBe('feature');
    const pair = feature.child('pair');
    expect(pair?.kind).toBe('list');
    if (pair?.kind !== 'list') return;
    expect(pair.keys.map((k) => k.name)).toEqual(['left', 'right']);
    expect(pair.keyKeywords).toEqual(['left', 'right']);
    expect(pair.children().map((c) => c.name)).toEqual(['weight']);
    const groups = schema.child('groups');
    expect(groups?.kind === 'list' && groups.child('feature')?.path).toBe('groups feature');
  });
});
