import { afterEach, describe, expect, it } from 'vitest';
import { makeDevice, type TestDevice } from '../../helpers/device.js';

const open: TestDevice[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
function dev(): TestDevice {
  const d = makeDevice([[1, 'ioc4'], [2, 'spc3'], [4, 'spc2']]);
  open.push(d);
  return d;
}

describe('Junos CLI: abbreviations, errors and the caret', () => {
  it('accepts unambiguous abbreviations (sh chas hard)', async () => {
    const d = dev();
    expect(await d.run('sh chas hard')).toEqual(await d.run('show chassis hardware'));
    expect((await d.run('sh ver'))[0]).toBe('Hostname: srx5800');
  });

  it('an unknown first word is "unknown command." with the caret under it', async () => {
    const d = dev();
    const r = await d.cli.execute('foo bar');
    expect(r.error).toBe(true);
    expect(r.lines).toEqual([`${' '.repeat('root@srx5800> '.length)}^`, 'unknown command.']);
  });

  it('a bad later word is "syntax error, expecting <command>." with the caret under its first character', async () => {
    const d = dev();
    const r = await d.cli.execute('show chassis hardwre');
    expect(r.lines).toEqual([`${' '.repeat('root@srx5800> show chassis '.length)}^`, 'syntax error, expecting <command>.']);
  });

  it('an ambiguous word lists the choices', async () => {
    const r = await dev().cli.execute('re chassis');
    expect(r.lines).toEqual([
      `${' '.repeat(14)}^`,
      "'re' is ambiguous.",
      'Possible completions:',
      '  request              Make system-level requests',
      '  restart              Restart software process',
    ]);
  });

  it('an incomplete command points past its end; a missing value names it', async () => {
    const d = dev();
    expect((await d.cli.execute('show chassis')).lines).toEqual([`${' '.repeat(14 + 13)}^`, 'syntax error, expecting <command>.']);
    expect((await d.cli.execute('request chassis fpc slot')).lines).toEqual([`${' '.repeat(14 + 25)}^`, 'syntax error, expecting <slot>.']);
  });

  it('values are range-checked against the chassis on the console', async () => {
    const d = dev();
    const r = await d.cli.execute('request chassis fpc slot 12 offline');
    expect(r.error).toBe(true);
    expect(r.lines[1]).toBe('Value 12 is not within range (0..11)');
    const small = makeDevice([[1, 'spc3']], { model: 'srx5400' });
    open.push(small);
    expect((await small.cli.execute('request chassis fpc slot 3 offline')).lines[1]).toBe('Value 3 is not within range (0..2)');
  });

  it('an error from the device is one "error:" line and sets the error flag', async () => {
    const r = await dev().cli.execute('lab remove fpc 2');
    expect(r).toMatchObject({ error: true, lines: ['error: fpc 2: SRX5K-SPC3 does not support hot removal'] });
  });
});

describe('pipes', () => {
  it('| match, | except, | count, | last, | find, | trim, and chains of them', async () => {
    const d = dev();
    expect(await d.run('show chassis fpc pic-status | match Cp')).toEqual(['  PIC 0  Online       SPU Cp-Flow']);
    expect(await d.run('show chassis fpc pic-status | match "spu cp"')).toEqual(['  PIC 0  Online       SPU Cp-Flow']);
    expect(await d.run('show chassis fpc pic-status | except PIC')).toEqual([
      'Slot 1   Online       SRX5k IOC4 10G',
      'Slot 2   Online       SPC3',
      'Slot 4   Online       SRX5k SPC II',
    ]);
    expect(await d.run('show chassis fpc pic-status | count')).toEqual(['Count: 11 lines']);
    expect(await d.run('show chassis fpc pic-status | match PIC | count')).toEqual(['Count: 8 lines']);
    expect(await d.run('show chassis fpc pic-status | last 2')).toEqual(['  PIC 2  Online       SPU Flow', '  PIC 3  Online       SPU Flow']);
    expect((await d.run('show chassis fpc pic-status | find "Slot 4"'))[0]).toBe('Slot 4   Online       SRX5k SPC II');
    expect(await d.run('show chassis fpc pic-status | match Cp | trim 9')).toEqual(['Online       SPU Cp-Flow']);
  });

  it('| no-more marks the output as not to be paged', async () => {
    const d = dev();
    expect((await d.cli.execute('show version | no-more')).noMore).toBe(true);
    expect((await d.cli.execute('show version')).noMore).toBe(false);
  });

  it('a pipe without a command is a syntax error', async () => {
    const r = await dev().cli.execute('show version | frobnicate');
    expect(r.error).toBe(true);
    expect(r.lines[1]).toBe('syntax error, expecting <command>.');
  });
});

describe('? help and TAB completion', () => {
  it('? after a complete word lists the next words with help, Junos layout', () => {
    expect(dev().cli.help('show chassis ')).toEqual([
      'Possible completions:',
      '  alarms               Show alarm status',
      '  fpc                  Show Flexible PIC Concentrator status',
      '  hardware             Show installed hardware components',
    ]);
  });

  it('? on a runnable command offers <[Enter]> first and | last; values show as <name>', () => {
    const d = dev();
    const h = d.cli.help('show chassis fpc ');
    expect(h[1]).toBe('  <[Enter]>            Execute this command');
    expect(h).toContain('  <slot>               FPC slot number (0..11)');
    expect(h).toContain('  pic-status           Show PIC status of each FPC');
    expect(h[h.length - 1]).toBe('  |                    Pipe through a command');
  });

  it('? on a partial word lists only matching words; nothing matching says so', () => {
    const d = dev();
    expect(d.cli.help('show chassis f')).toEqual(['Possible completions:', '  fpc                  Show Flexible PIC Concentrator status']);
    expect(d.cli.help('show zzz')).toEqual(['No valid completions']);
  });

  it('? after | lists the pipe commands', () => {
    expect(dev().cli.help('show version | ')).toContain('  match                Show only text that matches a pattern');
  });

  it('TAB completes a unique prefix, extends a common prefix, lists an ambiguous one', () => {
    const d = dev();
    expect(d.cli.complete('sh')).toEqual({ line: 'show ' });
    expect(d.cli.complete('show chas')).toEqual({ line: 'show chassis ' });
    expect(d.cli.complete('r')).toEqual({ line: 're' });
    const amb = d.cli.complete('re');
    expect(amb.line).toBe('re');
    expect(amb.listing?.[0]).toBe('Possible completions:');
    expect(d.cli.complete('lab insert fpc 5 spc')).toMatchObject({ line: 'lab insert fpc 5 spc' });
    expect(d.cli.complete('lab insert fpc 5 spc3')).toEqual({ line: 'lab insert fpc 5 spc3 ' });
    expect(d.cli.complete('show zzz')).toEqual({ line: 'show zzz' });
  });
});

describe('modes', () => {
  it('configure enters configuration mode with the [edit] banner and # prompt; exit leaves it', async () => {
    const d = dev();
    expect(await d.run('configure')).toEqual(['Entering configuration mode']);
    expect(d.cli.prompt()).toBe('root@srx5800# ');
    expect(d.cli.banner()).toEqual(['', '[edit]']);
    expect(await d.run('run show chassis fpc pic-status | match Cp')).toEqual(['  PIC 0  Online       SPU Cp-Flow']);
    expect(await d.run('exit')).toEqual(['Exiting configuration mode']);
    expect(d.cli.prompt()).toBe('root@srx5800> ');
    expect(d.cli.banner()).toEqual([]);
  });

  it('configure private warns that uncommitted changes are discarded on exit', async () => {
    expect(await dev().run('configure private')).toEqual(['warning: uncommitted changes will be discarded on exit', 'Entering configuration mode']);
  });

  it('operational exit ends the session', async () => {
    expect((await dev().cli.execute('exit')).endSession).toBe(true);
  });

  it('request system reboot asks first; "no" changes nothing', async () => {
    const d = dev();
    await d.run('lab insert fpc 5 spc3');
    const r = await d.cli.execute('request system reboot');
    expect(r.confirm?.question).toBe('Reboot the system ? [yes,no] (no) ');
    expect((await r.confirm!.answer(false)).lines).toEqual([]);
    expect(d.device.card(5)!.state).toBe('present');
  });
});

describe('? typed at the end of a line (batch, scripts)', () => {
  it('prints the help instead of running the command', async () => {
    const d = dev();
    const r = await d.cli.execute('lab ?');
    expect(r.error).toBe(false);
    expect(r.lines).toEqual([
      'Possible completions:',
      '  capture              Write the packets of a port to a pcap file',
      '  console              Move the console to another device of the topology',
      '  fail                 Inject a hardware fault that kills an SPU (or every SPU of a card)',
      '  insert               Physically insert a card',
      "  keys                 Write the SA keys in Wireshark's decryption-table format",
      '  remove               Physically pull a card out',
      '  wait                 Let time pass on the device clock',
    ]);
    // A quoted ? is part of a pattern, not a help request: the command runs.
    expect((await d.cli.execute('show chassis fpc pic-status | match "Cp-?Flow"')).lines).toEqual(['  PIC 0  Online       SPU Cp-Flow']);
  });
});
