/**
 * kmd, the legacy IPsec key management daemon of Junos, as a Routing Engine process. It runs when
 * junos-ike is not installed and no SPC3 is present (seed, Table 4). Its protocol machinery
 * is kmd/daemon.ts; this is its identity on the RE.
 */
import type { DaemonProcess } from '../ike/daemon-process.js';

export const KMD_PROCESS: DaemonProcess = {
  name: 'kmd',
  command: '/usr/sbin/kmd -N',
  restartKeyword: 'ipsec-key-management',
  restartHelp: 'IPSec key management process',
  title: 'IPSec Key Management daemon',
};
