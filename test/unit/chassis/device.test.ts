import { afterEach, describe, expect, it } from 'vitest';
import { makeDevice, type TestDevice } from '../../helpers/device.js';

const open: TestDevice[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
function dev(...args: Parameters<typeof makeDevice>): TestDevice {
  const d = makeDevice(...args);
  open.push(d);
  return d;
}

const picStatus = (d: TestDevice) => d.run('show chassis fpc pic-status');

describe('SPC insertion (seed: "Inserting SPC3 Card: Guidelines and Limitations")', () => {
  it('"You must reboot the node after the inserting SPC3 to activate the card": present until reboot, then online with 2 SPUs', async () => {
    const d = dev([[1, 'ioc4'], [2, 'spc3'], [4, 'spc2']]);
    expect(await d.run('lab insert fpc 5 spc3')).toEqual([
      'fpc 5: SRX5K-SPC3 inserted; it stays inactive until the node reboots (request system reboot)',
    ]);
    expect(await picStatus(d)).toContain('Slot 5   Present      SPC3');
    await d.device.wait(3600);
    expect(d.device.card(5)!.state).toBe('present');
    expect(await d.run('show chassis alarms')).toContain(
      `${'2026-01-01 00:00:00 UTC'.padEnd(25)}Minor  FPC 5 inserted, reboot required to activate`,
    );
    const reboot = await d.run('request system reboot');
    expect(reboot).toContain('System going down IMMEDIATELY');
    const after = await picStatus(d);
    const at = after.indexOf('Slot 5   Online       SPC3');
    expect(at).toBeGreaterThan(0);
    expect(after.slice(at + 1, at + 3)).toEqual(['  PIC 0  Online       SPU Flow', '  PIC 1  Online       SPU Flow']);
    expect(after[at + 3]).toBeUndefined();
    expect(d.device.card(5)!.spus.every((s) => s.thread !== null && s.state === 'online')).toBe(true);
  });

  it('"in a higher slot than a current SPC3": slot 0 refused, and nothing changes', async () => {
    const d = dev([[1, 'ioc4'], [2, 'spc3'], [4, 'spc2']]);
    const before = await d.run('show chassis hardware');
    expect(await d.run('lab insert fpc 0 spc3')).toEqual(['error: an SPC3 or SPC2 must be inserted in a slot higher than the SPC3 in slot 2']);
    expect(await d.run('show chassis hardware')).toEqual(before);
  });

  it('an SPC2 hot-inserted into an SPC2 chassis boots on the device clock and comes online by itself', async () => {
    const d = dev([[0, 'ioc4'], [1, 'spc2']], { junosIke: false });
    expect(await d.run('lab insert fpc 3 spc2')).toEqual(['fpc 3: SRX5K-SPC-4-15-320 inserted; booting, online in 60 seconds']);
    expect(await d.run('show chassis fpc 3')).toEqual(expect.arrayContaining(['  3  Present']));
    await d.run('lab wait 59');
    expect(d.device.card(3)!.state).toBe('booting');
    await d.run('lab wait 1');
    expect(d.device.card(3)!.state).toBe('online');
    expect(d.device.card(3)!.spus.map((s) => s.origin)).toEqual(['hot', 'hot', 'hot', 'hot']);
    // The CP stays where the boot put it: a hot-inserted card never takes it over.
    expect(d.device.centralPoint).toEqual({ slot: 1, pic: 0 });
  });

  it('"existing tunnels cannot use the processing power of the SPUs in the new SPCs": boot SPUs and hot SPUs are told apart until reboot', async () => {
    const d = dev([[2, 'spc3']]);
    await d.run('lab insert fpc 3 spc2');
    await d.run('lab wait 60');
    expect(d.device.spus().map((s) => `${s.slot}/${s.pic}:${s.origin}`)).toEqual(['2/0:boot', '2/1:boot', '3/0:hot', '3/1:hot', '3/2:hot', '3/3:hot']);
    await d.run('request system reboot');
    expect(d.device.spus().every((s) => s.origin === 'boot')).toBe(true);
  });
});

describe('removal and faults', () => {
  it('"We do not support SPC3 hot removal": lab remove fpc 2 is refused and the card stays', async () => {
    const d = dev([[1, 'ioc4'], [2, 'spc3'], [4, 'spc2']]);
    expect(await d.run('lab remove fpc 2')).toEqual(['error: fpc 2: SRX5K-SPC3 does not support hot removal']);
    expect(d.device.card(2)!.state).toBe('online');
  });

  it('removing an SPC2 ends its SPU threads', async () => {
    const d = dev([[1, 'ioc4'], [2, 'spc3'], [4, 'spc2']]);
    const card = d.device.card(4)!;
    const threads = card.spus.map((s) => s.thread!);
    await Promise.all(threads.map((t) => t.wake()));
    expect(threads.every((t) => t.running)).toBe(true);
    expect(await d.run('lab remove fpc 4')).toEqual(['fpc 4: SRX5K-SPC-4-15-320 removed']);
    expect(threads.every((t) => !t.running && !t.alive)).toBe(true);
    expect(await d.run('show chassis fpc 4')).toEqual(expect.arrayContaining(['  4  Empty']));
  });

  it('lab fail kills the SPU thread: pic-status shows it Offline, an alarm is raised, the emulator carries on', async () => {
    const d = dev([[2, 'spc3'], [4, 'spc2']]);
    const thread = d.device.card(4)!.spus[1]!.thread!;
    expect(await d.run('lab fail fpc 4 pic 1')).toEqual(['fpc 4 pic 1: SPU failed (hardware fault)']);
    expect(thread.alive).toBe(false);
    const ps = await picStatus(d);
    expect(ps).toContain('  PIC 1  Offline      SPU Flow');
    expect(ps.filter((l) => l.startsWith('  PIC') && l.includes('Online'))).toHaveLength(5);
    expect((await d.run('show chassis alarms')).join('\n')).toMatch(/Major  FPC 4 PIC 1 Failure/);
    expect(await d.run('lab fail fpc 4 pic 1')).toEqual(['error: fpc 4 pic 1 has already failed']);
    expect(await d.run('lab fail fpc 9')).toEqual(['error: fpc 9 is empty']);
    // A reboot brings the SPU back on a fresh thread.
    await d.run('request system reboot');
    expect(d.device.card(4)!.spus[1]!.state).toBe('online');
    expect((await d.device.card(4)!.spus[1]!.thread!.wake()).spu).toBe('fpc4.pic1');
  });

  it('an SPU thread that dies on its own is a failed SPU, not a crashed emulator', async () => {
    const d = dev([[2, 'spc3']]);
    const spu = d.device.card(2)!.spus[1]!;
    await spu.thread!.wake();
    await expect(spu.thread!.run('no-such-handler', null)).rejects.toThrow();
    expect(spu.state).toBe('failed');
    expect(await picStatus(d)).toContain('  PIC 1  Offline      SPU Flow');
  });
});

describe('request chassis fpc slot N offline|online', () => {
  it('takes an SPC2 offline (threads end) and back online through booting', async () => {
    const d = dev([[1, 'spc2'], [3, 'spc2']], { junosIke: false });
    const t = d.device.card(3)!.spus[0]!.thread!;
    await t.wake();
    expect(await d.run('request chassis fpc slot 3 offline')).toEqual(['Offline initiated, use "show chassis fpc" to verify']);
    expect(t.alive).toBe(false);
    expect(await d.run('show chassis fpc pic-status 3')).toEqual(['Slot 3   Offline      SRX5k SPC II']);
    expect(await d.run('request chassis fpc slot 3 offline')).toEqual(['error: FPC 3 is already offline']);
    expect(await d.run('request chassis fpc slot 3 online')).toEqual(['Online initiated, use "show chassis fpc" to verify']);
    expect(await d.run('request chassis fpc slot 3 online')).toEqual(['error: FPC 3 already transitioning to online']);
    await d.run('lab wait 60');
    expect(d.device.card(3)!.state).toBe('online');
  });

  it('refuses the central point card and empty slots', async () => {
    const d = dev([[1, 'spc2'], [3, 'spc2']], { junosIke: false });
    expect(await d.run('request chassis fpc slot 1 offline')).toEqual(['error: FPC 1 hosts the central point SPU and cannot be taken offline']);
    expect(await d.run('request chassis fpc slot 5 offline')).toEqual(['error: FPC 5 is not present']);
  });
});

describe('IKE daemon at boot (seed Tables 4 and 6)', () => {
  it('default SRX5800 with SPC3 and RE3: iked and ikemd run (Table 6: "19.4R1 and later as default package")', async () => {
    const d = dev([[1, 'ioc4'], [2, 'spc3'], [4, 'spc2']]);
    const ps = (await d.run('show system processes')).join('\n');
    expect(ps).toMatch(/\/usr\/sbin\/iked -N/);
    expect(ps).toMatch(/\/usr\/sbin\/ikemd -N/);
    expect(ps).not.toMatch(/\/usr\/sbin\/kmd -N/);
    expect(await d.run('show version | match ike')).toEqual(['JUNOS ike [20241211.085319_builder_junos_244_r1]']);
  });

  it('SPC2 only without junos-ike: kmd ("Supports kmd process")', async () => {
    const d = dev([[2, 'spc2'], [3, 'spc2']], { junosIke: false });
    const ps = (await d.run('show system processes')).join('\n');
    expect(ps).toMatch(/\/usr\/sbin\/kmd -N/);
    expect(ps).not.toMatch(/iked/);
    expect(await d.run('show version | match ike')).toEqual([]);
  });

  it('"request system software delete junos-ike ... After running the command, reboot the device": kmd only after the reboot', async () => {
    const d = dev([[2, 'spc2'], [3, 'spc2']]);
    expect(d.device.ikeDaemon.daemon).toBe('iked');
    const out = await d.run('request system software delete junos-ike');
    expect(out).toContain("NOTICE: 'pending' set will be activated at next reboot...");
    expect(d.device.ikeDaemon.daemon).toBe('iked');
    expect(await d.run('request system software delete junos-ike')).toEqual(['error: junos-ike is already pending deletion; reboot to complete it']);
    await d.run('request system reboot');
    expect(d.device.ikeDaemon.daemon).toBe('kmd');
    expect(await d.run('request system software delete junos-ike')).toEqual(['error: package junos-ike is not installed']);
  });

  it('request system software add optional://junos-ike.tgz takes effect at reboot', async () => {
    const d = dev([[2, 'spc2']], { junosIke: false });
    const out = await d.run('request system software add optional://junos-ike.tgz');
    expect(out[0]).toBe('Verified junos-ike signed by PackageProductionECP256_2024 method ECDSA256+SHA256');
    expect(d.device.ikeDaemon.daemon).toBe('kmd');
    await d.run('request system reboot');
    expect(d.device.ikeDaemon.daemon).toBe('iked');
    expect(await d.run('request system software add junos-ike')).toEqual(['error: junos-ike is already installed']);
    expect(await d.run('request system software add jinstall-foo.tgz')).toEqual([
      "error: package 'jinstall-foo.tgz' not found: this emulator provides junos-ike (optional://junos-ike.tgz)",
    ]);
  });

  it('Table 6: junos-ike cannot be installed before 18.2R1', async () => {
    const d = dev([[2, 'spc2']], { release: '17.4R1', junosIke: false, re: 're2' });
    expect(await d.run('request system software add junos-ike')).toEqual(['error: junos-ike is not supported on Junos 17.4R1: it requires 18.2R1 or later']);
  });

  it('SPC3 without junos-ike: no IKE daemon, and a major alarm says why', async () => {
    const d = dev([[2, 'spc3']], { junosIke: false });
    expect(d.device.ikeDaemon.daemon).toBeNull();
    expect((await d.run('show system processes')).join('\n')).not.toMatch(/kmd|iked/);
    expect((await d.run('show chassis alarms')).join('\n')).toMatch(/Major  IPsec VPN unavailable: SRX5K-SPC3 requires the junos-ike package/);
  });

  it('RE2 with SPC3 on 24.4R1: junos-ike is optional (not installed by default), so no daemon until it is added', async () => {
    const d = dev([[2, 'spc3']], { re: 're2' });
    expect(d.device.junosIke).toBe(false);
    await d.run('request system software add junos-ike');
    await d.run('request system reboot');
    expect(d.device.ikeDaemon.daemon).toBe('iked');
  });
});

describe('restart ike-key-management | ike-config-management (seed)', () => {
  it('"restart ike-key-management" restarts iked with a new pid; ikemd keeps its pid', async () => {
    const d = dev([[2, 'spc3']]);
    const pidOf = (name: string) => d.device.processes.find((p) => p.daemon === name)!.pid;
    const [iked, ikemd] = [pidOf('iked'), pidOf('ikemd')];
    const out = await d.run('restart ike-key-management');
    expect(out).toEqual([`IKE key management daemon started, pid ${pidOf('iked')}`]);
    expect(pidOf('iked')).not.toBe(iked);
    expect(pidOf('ikemd')).toBe(ikemd);
    expect(await d.run('restart ike-config-management')).toEqual([`IKE config management daemon started, pid ${pidOf('ikemd')}`]);
  });

  it('refuses to restart a daemon that is not the one running', async () => {
    const kmdBox = dev([[2, 'spc2']], { junosIke: false });
    expect(await kmdBox.run('restart ike-key-management')).toEqual([
      'error: iked is not running: the key management daemon on this device is kmd (restart ipsec-key-management)',
    ]);
    expect((await kmdBox.run('restart ipsec-key-management'))[0]).toMatch(/^IPSec Key Management daemon started, pid \d+$/);
    const ikedBox = dev([[2, 'spc3']]);
    expect(await ikedBox.run('restart ipsec-key-management')).toEqual([
      'error: kmd is not running: the key management daemons on this device are iked and ikemd (junos-ike package)',
    ]);
  });
});
