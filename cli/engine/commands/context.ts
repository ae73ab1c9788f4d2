/** What every command tree reads: the devices of this process and the one on the console. */
import type { Topology } from '../../../chassis/topology.js';

export interface CommandContext {
  readonly topology: Topology;
}
