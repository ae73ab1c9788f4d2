/** What one CLI login remembers between lines: the mode and, in configuration mode, where it is. */
import type { DataContainer } from '../../config/data.js';

export type Mode = 'operational' | 'configuration';

export interface Session {
  mode: Mode;
  /** `[edit a b c]` path in configuration mode: canonical words from the top. */
  editPath: string[];
  user: string;
  /** `configure private`: this session's own candidate (else the shared one). */
  privateCandidate: DataContainer | null;
  /** `configure exclusive`: this session holds the configuration lock. */
  exclusive: boolean;
}

export function newSession(user = 'root'): Session {
  return { mode: 'operational', editPath: [], user, privateCandidate: null, exclusive: false };
}
