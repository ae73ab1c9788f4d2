/**
 * iked and ikemd, the two Routing Engine processes of the junos-ike package (seed: "The two
 * processes, iked and ikemd support IPsec VPN features ... A single instance of iked and ikemd
 * run on the Routing Engine at a time"). `restart ike-key-management` restarts iked,
 * `restart ike-config-management` restarts ikemd.
 */
import type { DaemonProcess } from '../ike/daemon-process.js';

export const IKED_PROCESS: DaemonProcess = {
  name: 'iked',
  command: '/usr/sbin/iked -N',
  restartKeyword: 'ike-key-management',
  restartHelp: 'IKE key management process (iked)',
  title: 'IKE key management daemon',
};

export const IKEMD_PROCESS: DaemonProcess = {
  name: 'ikemd',
  command: '/usr/sbin/ikemd -N',
  restartKeyword: 'ike-config-management',
  restartHelp: 'IKE configuration management process (ikemd)',
  title: 'IKE config management daemon',
};
