/** What one CLI login remembers between lines: the mode and, in configuration mode, where it is. */
export type Mode = 'operational' | 'configuration';

export interface Session {
  mode: Mode;
  /** `[edit a b c]` path in configuration mode. */
  editPath: string[];
  user: string;
}

export function newSession(user = 'root'): Session {
  return { mode: 'operational', editPath: [], user };
}
