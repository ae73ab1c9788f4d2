/**
 * What the tasks need from the daemon that runs them (ike/daemon.ts implements it): injected
 * dependencies, the loaded crypto engines, and the callbacks through which a task reports an
 * outcome (IKE SA keyed / up / failed, CHILD SA up / failed). Tasks never touch the transport,
 * the configuration maps or the views directly.
 */
import type { DhEngine } from '../../crypto/dh.js';
import type { CryptoEngine } from '../../crypto/engine.js';
import type { Clock } from '../../sim/clock.js';
import type { Random } from '../../sim/random.js';
import type { IpsecKernel } from '../ports.js';
import type { IvSource } from '../wire/sk.js';
import type { ChildSa, IkeSa, TunnelRec } from './ike-sa.js';

export interface ChildOutcome {
  readonly tunnel: TunnelRec;
  readonly child: ChildSa;
}

export interface Core {
  readonly clock: Clock;
  readonly random: Random;
  readonly randomBytes: (n: number) => Uint8Array;
  readonly engine: CryptoEngine;
  readonly dh: DhEngine;
  readonly kernel: IpsecKernel;
  readonly ivSource: IvSource | undefined;
  trace(line: string): void;
  /** IKE_SA_INIT completed as initiator: keys are derived, the responder SPI is known. */
  keyed(sa: IkeSa): void;
  /** IKE_AUTH completed (both AUTH payloads verified). */
  ikeEstablished(sa: IkeSa): void;
  /** The IKE SA could not be negotiated or is gone; `reason` is the one line explaining why. */
  ikeFailed(sa: IkeSa, reason: string, tellPeer: boolean): void;
  /**
   * A CHILD SA pair is installed (`replaces`: the SA it rekeyed; `initiated`: we started the
   * exchange, so we delete the old pair — the responder waits for that Delete, §2.8).
   */
  childUp(sa: IkeSa, child: ChildSa, replaces?: ChildSa, initiated?: boolean): void;
  /** A CHILD SA negotiation for `tunnel` failed. */
  childFailed(tunnel: TunnelRec, reason: string): void;
  /** The peer deleted CHILD SAs / the IKE SA (INFORMATIONAL Delete). */
  childDeletedByPeer(sa: IkeSa, child: ChildSa): void;
  ikeDeletedByPeer(sa: IkeSa): void;
  /** The IKE SA was rekeyed into `next` (`started`: by us, so we delete the old one). */
  ikeRekeyed(old: IkeSa, next: IkeSa, started: boolean): void;
  /** A fresh IKE SA object for a rekey (same gateway, new SPIs). */
  newRekeyedSa(old: IkeSa, role: 'initiator' | 'responder', spiI: Uint8Array, spiR: Uint8Array): IkeSa;
}
