/**
 * `--state DIR`: the device's state on disk. Every save writes a complete new file next to the
 * old one, flushes it, and renames it over the old one (rename is atomic on POSIX), so a kill at
 * any moment leaves either the previous state or the new one, never a torn file.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceSnapshot } from './device.js';

export interface SavedState {
  readonly savedAt: number;
  readonly device: DeviceSnapshot;
}

export class StateError extends Error {}

export function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  // Make the rename itself durable.
  const dirFd = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

export class StateStore {
  private lastWritten = '';

  constructor(readonly dir: string) {}

  get file(): string {
    return join(this.dir, 'device.json');
  }

  exists(): boolean {
    return existsSync(this.file);
  }

  load(): SavedState | null {
    if (!this.exists()) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      throw new StateError(`${this.file} is not valid JSON: ${(err as Error).message}`);
    }
    const s = parsed as Partial<SavedState>;
    if (typeof s !== 'object' || s === null || typeof s.savedAt !== 'number' || s.device?.format !== 1) {
      throw new StateError(`${this.file} is not an srx5k state file (format 1)`);
    }
    return s as SavedState;
  }

  /** Write the state if it changed since the last save. */
  save(state: SavedState): void {
    const content = `${JSON.stringify(state, null, 1)}\n`;
    const comparable = JSON.stringify(state.device);
    if (comparable === this.lastWritten) return;
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.file, content);
    this.lastWritten = comparable;
  }

  /** Remove leftovers of a save that was killed before its rename. */
  cleanTemporaries(): void {
    if (!existsSync(this.dir)) return;
    for (const f of readdirSync(this.dir)) if (f.startsWith('device.json.tmp-')) unlinkSync(join(this.dir, f));
  }
}
