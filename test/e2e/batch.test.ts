import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputOf, runProgram } from '../helpers/program.js';

const P = 'root@srx5800> ';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'srx5k-'));
  dirs.push(d);
  return d;
}

describe('srx5k --batch: the chassis-core transcript of the issue', () => {
  it('SRX5800 with --cards 1:ioc4,2:spc3,4:spc2: inventory, SPC3 insertion rules, reboot, iked/ikemd, SPC3 removal refused', async () => {
    const script = [
      'show chassis hardware',
      'show chassis fpc pic-status',
      'lab insert fpc 0 spc3',
      'lab insert fpc 5 spc3',
      'show chassis fpc pic-status',
      'request system reboot',
      'show chassis fpc pic-status',
      'lab remove fpc 2',
      'show system processes',
      '#! comments and blank lines are ignored',
      '',
      'show version | match ike',
    ].join('\n');
    const r = await runProgram(['--batch', '--cards', '1:ioc4,2:spc3,4:spc2'], script);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // two commands were refused
    const t = r.stdout;

    const hw = outputOf(t, `${P}show chassis hardware`);
    expect(hw.slice(0, 2)).toEqual(['Hardware inventory:', 'Item             Version  Part number  Serial number     Description']);
    expect(hw).toContainEqual(expect.stringMatching(/^FPC 2            REV 28   750-073435   CALS\d{4}          SPC3$/));
    expect(hw).toContain('  PIC 0                   BUILTIN      BUILTIN           SPU Cp-Flow');
    expect(hw.filter((l) => /^ {2}PIC \d .*SPU Flow$/.test(l))).toHaveLength(5); // SPC3 PIC 1 + four SPC2 SPUs

    expect(outputOf(t, `${P}show chassis fpc pic-status`)).toEqual([
      'Slot 1   Online       SRX5k IOC4 10G',
      '  PIC 0  Online       20x10GE SFPP',
      '  PIC 1  Online       20x10GE SFPP',
      'Slot 2   Online       SPC3',
      '  PIC 0  Online       SPU Cp-Flow',
      '  PIC 1  Online       SPU Flow',
      'Slot 4   Online       SRX5k SPC II',
      '  PIC 0  Online       SPU Flow',
      '  PIC 1  Online       SPU Flow',
      '  PIC 2  Online       SPU Flow',
      '  PIC 3  Online       SPU Flow',
    ]);
    expect(outputOf(t, `${P}lab insert fpc 0 spc3`)).toEqual(['error: an SPC3 or SPC2 must be inserted in a slot higher than the SPC3 in slot 2']);
    expect(outputOf(t, `${P}lab insert fpc 5 spc3`)[0]).toMatch(/inactive until the node reboots/);
    expect(outputOf(t, `${P}show chassis fpc pic-status`, 1).slice(-1)).toEqual(['Slot 5   Present      SPC3']);
    const reboot = outputOf(t, `${P}request system reboot`);
    expect(reboot[0]).toBe('Reboot the system ? [yes,no] (no) yes');
    expect(reboot).toContain('Shutdown NOW!');
    expect(outputOf(t, `${P}show chassis fpc pic-status`, 2).slice(-3)).toEqual([
      'Slot 5   Online       SPC3',
      '  PIC 0  Online       SPU Flow',
      '  PIC 1  Online       SPU Flow',
    ]);
    expect(outputOf(t, `${P}lab remove fpc 2`)).toEqual(['error: fpc 2: SRX5K-SPC3 does not support hot removal']);
    const ps = outputOf(t, `${P}show system processes`);
    expect(ps[0]).toBe('  PID  TT  STAT      TIME COMMAND');
    expect(ps).toContainEqual(expect.stringMatching(/^ *\d+ {2}- {2}S {8}\d+:\d\d\.\d\d \/usr\/sbin\/iked -N$/));
    expect(ps).toContainEqual(expect.stringMatching(/\/usr\/sbin\/ikemd -N$/));
    expect(ps.join('\n')).not.toMatch(/kmd -N\n|\/kmd /);
    expect(outputOf(t, `${P}show version | match ike`)).toEqual([expect.stringMatching(/^JUNOS ike \[\d{8}\.\d+_builder_junos_244_r1\]$/)]);
    expect(t).not.toMatch(/#! comments/);
  });

  it('the same device with --cards 2:spc2,3:spc2 --no-junos-ike runs kmd', async () => {
    const r = await runProgram(['--batch', '--cards', '2:spc2,3:spc2', '--no-junos-ike'], 'show system processes | match "kmd|iked"\nshow chassis fpc pic-status | match Cp\n');
    expect(r.code).toBe(0);
    expect(outputOf(r.stdout, `${P}show system processes | match "kmd|iked"`)).toEqual([expect.stringMatching(/^ *\d+ {2}- {2}S .* \/usr\/sbin\/kmd -N$/)]);
    expect(outputOf(r.stdout, `${P}show chassis fpc pic-status | match Cp`)).toEqual(['  PIC 0  Online       SPU Cp']);
  });

  it('exit status: 0 when nothing failed, 1 on a syntax error, 2 for bad program arguments', async () => {
    expect((await runProgram(['--batch'], 'show version\n')).code).toBe(0);
    const bad = await runProgram(['--batch'], 'show chassis hardwre\n');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('syntax error, expecting <command>.');
    for (const args of [['--cards', '3:spc9'], ['--model', 'srx9999'], ['--cards', '12:spc2'], ['--release', '25.9R9'], ['--frob']]) {
      const r = await runProgram(['--batch', ...args], 'show version\n');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
    const old = await runProgram(['--batch', '--release', '17.4R1', '--cards', '1:spc3'], '');
    expect(old.code).toBe(2);
    expect(old.stderr).toBe('srx5k: SRX5K-SPC3 requires Junos 18.2R1 or later (this device runs 17.4R1)\n');
  });

  it('--model, --hostname and --release show in prompts and show version', async () => {
    const r = await runProgram(['--batch', '--model', 'srx5600', '--hostname', 'lab-fw1', '--release', '23.4R1'], 'show version | match "Hostname|Model|Junos:"\n');
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(['lab-fw1> show version | match "Hostname|Model|Junos:"'.replace(/^/, 'root@'), 'Hostname: lab-fw1', 'Model: srx5600', 'Junos: 23.4R1.9']);
  });
});

describe('--state DIR', () => {
  it('keeps cards, pending activations and packages across runs', async () => {
    const dir = tempDir();
    const first = await runProgram(['--batch', '--state', dir, '--cards', '1:ioc4,2:spc3'], 'lab insert fpc 5 spc3\nrequest system software delete junos-ike\n');
    expect(first.code).toBe(0);
    const second = await runProgram(['--batch', '--state', dir], 'show chassis fpc pic-status | match Slot\nrequest system reboot\nshow chassis fpc pic-status | match Slot\nshow version | match ike\n');
    expect(second.code).toBe(0);
    expect(outputOf(second.stdout, `${P}show chassis fpc pic-status | match Slot`)).toEqual([
      'Slot 1   Online       SRX5k IOC4 10G',
      'Slot 2   Online       SPC3',
      'Slot 5   Present      SPC3',
    ]);
    expect(outputOf(second.stdout, `${P}show chassis fpc pic-status | match Slot`, 1)).toEqual([
      'Slot 1   Online       SRX5k IOC4 10G',
      'Slot 2   Online       SPC3',
      'Slot 5   Online       SPC3',
    ]);
    expect(outputOf(second.stdout, `${P}show version | match ike`)).toEqual([]);
    const third = await runProgram(['--batch', '--state', dir], 'show chassis alarms\n');
    expect(third.stdout).toContain('Major  IPsec VPN unavailable: SRX5K-SPC3 requires the junos-ike package');
  });

  it('keeps the active configuration, the rollback history and uncommitted changes across runs', async () => {
    const dir = tempDir();
    const first = await runProgram(
      ['--batch', '--state', dir],
      'configure\nset system host-name kept1\ncommit\nset system host-name kept2\ncommit comment "second"\nset security ike proposal P dh-group group14\nexit\n',
    );
    expect(first.code).toBe(0);
    const second = await runProgram(['--batch', '--state', dir], 'show system commit\nconfigure\nshow | compare\nrollback 2\nshow system host-name\n');
    expect(second.code).toBe(0);
    expect(second.stdout.split('\n')[0]).toBe('root@kept2> show system commit');
    const commits = outputOf(second.stdout, 'root@kept2> show system commit');
    expect(commits.map((l) => l.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/, 'T'))).toEqual([
      '0   T by root via cli',
      '    second',
      '1   T by root via cli',
      '2   T by root via factory default',
    ]);
    expect(second.stdout).toContain('Entering configuration mode\nThe configuration has been changed but not committed');
    expect(second.stdout).toContain('+           proposal P {');
    expect(second.stdout).toContain('host-name srx5800;');
  });

  it('refuses hardware flags that would contradict a saved device, and unreadable state', async () => {
    const dir = tempDir();
    await runProgram(['--batch', '--state', dir], 'show version\n');
    const r = await runProgram(['--batch', '--state', dir, '--cards', '1:spc2'], 'show version\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a device; --cards cannot change it/);
    writeFileSync(join(dir, 'device.json'), '{"savedAt": 1, "dev');
    const torn = await runProgram(['--batch', '--state', dir], 'show version\n');
    expect(torn.code).toBe(2);
    expect(torn.stderr).toMatch(/is not valid JSON/);
  });

  it('a save killed at any moment leaves the previous or the new state, never a torn file', async () => {
    const dir = tempDir();
    // Each run rewrites device.json many times (one save per changing command).
    const churn = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'lab insert fpc 7 spc2' : 'lab remove fpc 7')).join('\n');
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/program.js');
    for (let round = 0; round < 6; round++) {
      await new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [BIN, '--batch', '--state', dir, '--seed', String(round)], { stdio: ['pipe', 'ignore', 'ignore'] });
        child.stdin.end(churn);
        setTimeout(() => child.kill('SIGKILL'), 120 + round * 37);
        child.on('close', () => resolve());
      });
      const names = readdirSync(dir);
      if (names.includes('device.json')) {
        const parsed = JSON.parse(readFileSync(join(dir, 'device.json'), 'utf8'));
        expect(parsed.device.format).toBe(1);
      }
    }
    const after = await runProgram(['--batch', '--state', dir], 'show chassis fpc pic-status | match Slot\n');
    expect(after.code).toBe(0);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
