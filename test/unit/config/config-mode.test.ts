import { afterEach, describe, expect, it } from 'vitest';
import { decodeSecret } from '../../../config/secret.js';
import { makeDevice, type TestDevice } from '../../helpers/device.js';

const open: TestDevice[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
function dev(): TestDevice {
  const d = makeDevice([
    [1, 'ioc4'],
    [2, 'spc3'],
  ]);
  open.push(d);
  return d;
}
async function configure(d: TestDevice, ...lines: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const l of ['configure', ...lines]) out.push(...(await d.run(l)));
  return out;
}

describe('set / show / display set', () => {
  it('prints statements in schema order, not the order typed, in curly and set form', async () => {
    const d = dev();
    await configure(
      d,
      'set security ike gateway GW version v2-only',
      'set security ike gateway GW address 192.0.2.1',
      'set security ike gateway GW ike-policy POL',
      'set security ike policy POL proposals P1',
      'set security ike proposal P1 dh-group group14',
      'set security ike proposal P1 authentication-method pre-shared-keys',
    );
    expect(await d.run('show security ike')).toEqual([
      'proposal P1 {',
      '    authentication-method pre-shared-keys;',
      '    dh-group group14;',
      '}',
      'policy POL {',
      '    proposals P1;',
      '}',
      'gateway GW {',
      '    ike-policy POL;',
      '    address 192.0.2.1;',
      '    version v2-only;',
      '}',
    ]);
    expect(await d.run('show security ike | display set')).toEqual([
      'set security ike proposal P1 authentication-method pre-shared-keys',
      'set security ike proposal P1 dh-group group14',
      'set security ike policy POL proposals P1',
      'set security ike gateway GW ike-policy POL',
      'set security ike gateway GW address 192.0.2.1',
      'set security ike gateway GW version v2-only',
    ]);
  });

  it('accepts abbreviated keywords and several sibling statements in one line', async () => {
    const d = dev();
    await configure(d, 'set sec ike prop P1 dh-group group19 encryption-algorithm aes-128-gcm');
    expect(await d.run('show security ike proposal P1')).toEqual(['dh-group group19;', 'encryption-algorithm aes-128-gcm;']);
  });

  it('leaf-lists take one value or a [ … ] set and print as such', async () => {
    const d = dev();
    await configure(d, 'set security ike policy POL proposals [ P1 P2 ]', 'set security ike policy POL proposals P3');
    expect(await d.run('show security ike policy POL')).toEqual(['proposals [ P1 P2 P3 ];']);
    expect(await d.run('show security ike policy POL | display set')).toEqual([
      'set security ike policy POL proposals P1',
      'set security ike policy POL proposals P2',
      'set security ike policy POL proposals P3',
    ]);
  });

  it('obfuscates pre-shared keys with $9$ and marks them SECRET-DATA; the secret decodes back', async () => {
    const d = dev();
    await configure(d, 'set security ike policy POL pre-shared-key ascii-text "my secret"');
    const shown = await d.run('show security ike policy POL');
    expect(shown).toHaveLength(1);
    const m = /^pre-shared-key ascii-text "(\$9\$[^"]+)"; ## SECRET-DATA$/.exec(shown[0]!);
    expect(m).not.toBeNull();
    expect(decodeSecret(m![1]!)).toBe('my secret');
    // A value that already is a $9$ string is kept as it is.
    await d.run(`set security ike policy POL pre-shared-key ascii-text "${m![1]}"`);
    expect(await d.run('show security ike policy POL')).toEqual(shown);
  });

  it('Junos display conventions: family inet on one line, plural lists grouped, one-line routes, bare address-book prefixes', async () => {
    const d = dev();
    await configure(
      d,
      'set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.2/24',
      'set security zones security-zone untrust interfaces ge-0/0/0.0',
      'set security zones security-zone untrust host-inbound-traffic system-services ike',
      'set routing-options static route 0.0.0.0/0 next-hop 192.0.2.1',
      'set security address-book global address NET1 10.0.0.0/8',
    );
    expect(await d.run('show interfaces')).toEqual([
      'ge-0/0/0 {',
      '    unit 0 {',
      '        family inet {',
      '            address 192.0.2.2/24;',
      '        }',
      '    }',
      '}',
    ]);
    expect(await d.run('show security zones')).toEqual([
      'security-zone untrust {',
      '    host-inbound-traffic {',
      '        system-services {',
      '            ike;',
      '        }',
      '    }',
      '    interfaces {',
      '        ge-0/0/0.0;',
      '    }',
      '}',
    ]);
    expect(await d.run('show routing-options')).toEqual(['static {', '    route 0.0.0.0/0 next-hop 192.0.2.1;', '}']);
    expect(await d.run('show security address-book')).toEqual(['global {', '    address NET1 10.0.0.0/8;', '}']);
  });

  it('errors: unknown keyword, bad value, missing argument — with the caret, and nothing changes', async () => {
    const d = dev();
    await d.run('configure');
    const P = 'root@srx5800# '.length;
    expect((await d.cli.execute('set security ike foo')).lines).toEqual([`${' '.repeat(P + 17)}^`, 'syntax error.']);
    const range = await d.cli.execute('set security ipsec vpn V ike anti-replay-window-size 9000');
    expect(range.error).toBe(true);
    expect(range.lines).toEqual([`${' '.repeat(P + 53)}^`, 'Value 9000 is not within range (64..8192)']);
    expect((await d.cli.execute('set system host-name')).lines).toEqual([`${' '.repeat(P + 21)}^`, 'missing argument.']);
    expect((await d.cli.execute('set security ike gateway GW version v3')).lines[1]).toMatch(/invalid value 'v3'|syntax error/);
    expect(await d.run('show | compare')).toEqual([]);
  });
});

describe('edit, up, top, delete, deactivate', () => {
  it('edit moves the [edit …] banner; relative statements and show work there; up and top go back', async () => {
    const d = dev();
    await configure(d, 'edit security ike gateway GW');
    expect(d.cli.banner()).toEqual(['', '[edit security ike gateway GW]']);
    await d.run('set address 192.0.2.9');
    expect(await d.run('show')).toEqual(['address 192.0.2.9;']);
    await d.run('up');
    expect(d.cli.banner()).toEqual(['', '[edit security ike]']);
    await d.run('top');
    expect(d.cli.banner()).toEqual(['', '[edit]']);
    expect(await d.run('show security ike gateway GW')).toEqual(['address 192.0.2.9;']);
  });

  it('delete removes a statement, empties collapse, a missing one warns', async () => {
    const d = dev();
    await configure(d, 'set security ike gateway GW address 192.0.2.1', 'set security ike gateway GW version v2-only');
    await d.run('delete security ike gateway GW address');
    expect(await d.run('show security ike')).toEqual(['gateway GW {', '    version v2-only;', '}']);
    await d.run('delete security ike gateway GW');
    expect(await d.run('show security')).toEqual([]);
    expect(await d.run('delete security ike gateway NOPE')).toEqual(['warning: statement not found']);
  });

  it('deactivate marks a statement inactive in both forms; commit ignores it; activate restores', async () => {
    const d = dev();
    await configure(d, 'set security ike gateway GW address 192.0.2.1', 'deactivate security ike gateway GW');
    expect(await d.run('show security ike')).toEqual(['inactive: gateway GW {', '    address 192.0.2.1;', '}']);
    expect(await d.run('show security ike | display set')).toEqual(['set security ike gateway GW address 192.0.2.1', 'deactivate security ike gateway GW']);
    await d.run('activate security ike gateway GW');
    expect(await d.run('show security ike')).toEqual(['gateway GW {', '    address 192.0.2.1;', '}']);
  });
});

describe('commit, compare, rollback', () => {
  it('commit applies host-name to the prompt; show | compare shows the pending change grouped by level', async () => {
    const d = dev();
    await configure(d, 'set system host-name fw1', 'set security ike proposal P dh-group group14');
    expect(await d.run('show | compare')).toEqual([
      '[edit system]',
      '-   host-name srx5800;',
      '+   host-name fw1;',
      '[edit]',
      '+   security {',
      '+       ike {',
      '+           proposal P {',
      '+               dh-group group14;',
      '+           }',
      '+       }',
      '+   }',
    ]);
    expect(await d.run('commit check')).toEqual(['configuration check succeeds']);
    expect(d.cli.prompt()).toBe('root@srx5800# ');
    expect(await d.run('commit')).toEqual(['commit complete']);
    expect(d.cli.prompt()).toBe('root@fw1# ');
    expect(await d.run('show | compare')).toEqual([]);
    expect(await d.run('show | compare rollback 1')).toContain('+   host-name fw1;');
  });

  it('rollback N loads an older configuration into the candidate ("load complete"); rollback 0 discards changes', async () => {
    const d = dev();
    await configure(d, 'set system host-name a1', 'commit', 'set system host-name a2', 'commit', 'set system host-name junk');
    expect(await d.run('rollback 0')).toEqual(['load complete']);
    expect(await d.run('show system host-name')).toEqual(['host-name a2;']);
    expect(await d.run('rollback 2')).toEqual(['load complete']);
    expect(await d.run('show system host-name')).toEqual(['host-name srx5800;']);
    await d.run('commit');
    expect(d.cli.prompt()).toBe('root@srx5800# ');
    expect((await d.run('rollback 9'))[0]).toMatch(/^error: Cannot rollback, file does not exist/);
  });

  it('keeps 50 configurations: rollback 49 is the oldest', async () => {
    const d = dev();
    await d.run('configure');
    for (let i = 1; i <= 55; i++) {
      await d.run(`set system host-name h${i}`);
      await d.run('commit');
    }
    expect(d.device.config.revisions()).toHaveLength(50);
    await d.run('rollback 49');
    expect(await d.run('show system host-name')).toEqual(['host-name h6;']);
    expect((await d.cli.execute('rollback 50')).lines[1]).toBe('Value 50 is not within range (0..49)');
  });

  it('commit confirmed rolls back by itself on the device clock unless confirmed', async () => {
    const d = dev();
    await configure(d, 'set system host-name risky');
    expect(await d.run('commit confirmed 5')).toEqual(['commit confirmed will be automatically rolled back in 5 minutes unless confirmed', 'commit complete']);
    expect(d.cli.prompt()).toBe('root@risky# ');
    expect(d.cli.banner()).toEqual(['', '# commit confirmed will be rolled back in 5 minutes', '[edit]']);
    d.clock.advance(4 * 60_000);
    expect(d.cli.banner()[1]).toBe('# commit confirmed will be rolled back in 1 minute');
    d.clock.advance(60_000);
    expect(d.cli.prompt()).toBe('root@srx5800# ');
    expect((await d.run('show system host-name'))).toEqual(['Commit was not confirmed; automatic rollback complete.', 'host-name srx5800;']);
  });

  it('a confirming commit stops the rollback', async () => {
    const d = dev();
    await configure(d, 'set system host-name keep', 'commit confirmed 2', 'commit');
    d.clock.advance(10 * 60_000);
    expect(d.cli.prompt()).toBe('root@keep# ');
  });

  it('commit and-quit leaves configuration mode', async () => {
    const d = dev();
    expect(await configure(d, 'set system host-name q1', 'commit and-quit')).toEqual(['Entering configuration mode', 'commit complete', 'Exiting configuration mode']);
    expect(d.cli.prompt()).toBe('root@q1> ');
  });
});

describe('configure private / exclusive and leaving with changes', () => {
  it('exit with uncommitted changes asks first; the shared changes stay for the next configure', async () => {
    const d = dev();
    await configure(d, 'set system host-name pending');
    const r = await d.cli.execute('exit');
    expect(r.lines).toEqual(['The configuration has been changed but not committed']);
    expect(r.confirm?.question).toBe('Exit with uncommitted changes? [yes,no] (yes) ');
    expect((await r.confirm!.answer(true)).lines).toEqual(['Exiting configuration mode']);
    expect(await d.run('configure')).toEqual(['Entering configuration mode', 'The configuration has been changed but not committed']);
    await d.run('exit');
    expect(await d.run('configure private')).toEqual([
      'error: shared configuration database modified',
      'Please use the configure command (or commit or discard the shared changes) first',
    ]);
    expect(d.cli.prompt()).toBe('root@srx5800> ');
  });

  it('configure private works on its own copy and commits only its changes', async () => {
    const d = dev();
    expect(await d.run('configure private')).toEqual(['warning: uncommitted changes will be discarded on exit', 'Entering configuration mode']);
    await d.run('set system host-name priv');
    expect(d.device.config.isDirty()).toBe(false);
    await d.run('commit');
    expect(d.cli.prompt()).toBe('root@priv# ');
  });
});

describe('load', () => {
  it('load merge / override / set from a file', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'srx5k-load-'));
    writeFileSync(join(dir, 'curly.conf'), 'security {\n    ike {\n        proposal P9 {\n            dh-group group19; # comment\n        }\n    }\n}\n');
    writeFileSync(join(dir, 'set.conf'), '# a comment\nset system host-name from-file\n');
    const d = dev();
    await d.run('configure');
    expect(await d.run(`load merge ${join(dir, 'curly.conf')}`)).toEqual(['load complete']);
    expect(await d.run(`load set ${join(dir, 'set.conf')}`)).toEqual(['load complete']);
    expect(await d.run('show | display set')).toEqual(['set system host-name from-file', 'set security ike proposal P9 dh-group group19']);
    expect(await d.run(`load override ${join(dir, 'curly.conf')}`)).toEqual(['load complete']);
    expect(await d.run('show | display set')).toEqual(['set security ike proposal P9 dh-group group19']);
    expect((await d.run('load merge /nonexistent/file'))[0]).toBe('error: could not read /nonexistent/file');
  });

  it('load replace swaps the contents of replace:-tagged levels in place and merges the rest', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'srx5k-load-')), 'replace.conf');
    writeFileSync(file, 'security {\n    ike {\n        replace: proposal P1 {\n            dh-group group19;\n        }\n        proposal P3 {\n            dh-group group20;\n        }\n    }\n}\n');
    const d = dev();
    await configure(d, 'set security ike proposal P1 dh-group group14', 'set security ike proposal P1 encryption-algorithm aes-128-cbc', 'set security ike proposal P2 dh-group group2');
    expect(await d.run(`load replace ${file}`)).toEqual(['load complete']);
    expect(await d.run('show security ike | display set')).toEqual([
      'set security ike proposal P1 dh-group group19',
      'set security ike proposal P2 dh-group group2',
      'set security ike proposal P3 dh-group group20',
    ]);
  });

  it('a malformed curly file is refused whole, with its line', async () => {
    const d = dev();
    await d.run('configure');
    const r = await d.cli.execute('load merge terminal');
    const done = await r.readTerminal!.done('system {\n    host-name x\n}\n');
    expect(done.error).toBe(true);
    expect(done.lines).toEqual(["terminal:3:syntax error: missing ';' after 'host-name x'", 'error: load failed']);
    expect(await d.run('show | compare')).toEqual([]);
  });
});
