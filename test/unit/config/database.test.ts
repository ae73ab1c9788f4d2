/**
 * ConfigDatabase keeps the shared candidate as a copy of the active configuration made when
 * first asked for (config/database.ts): after a commit, a discard or an automatic rollback
 * nothing is copied until somebody configures, and the copy never aliases the active tree.
 */
import { describe, expect, it } from 'vitest';
import { ConfigDatabase } from '../../../config/database.js';
import { emptyContainer, type DataContainer } from '../../../config/data.js';
import { loadConfigText } from '../../../config/load.js';
import { schemaRoot } from '../../../config/schema/schema.js';
import { VirtualClock } from '../../../sim/clock.js';

function withLines(base: DataContainer, lines: string): DataContainer {
  const r = loadConfigText('set', lines, base, { root: schemaRoot(), origin: 'test' });
  if (!r.ok || r.errors.length > 0) throw new Error(r.ok ? r.errors.join('\n') : r.error);
  return r.tree;
}

function db(): { db: ConfigDatabase; applied: DataContainer[]; clock: VirtualClock } {
  const clock = new VirtualClock(0);
  const applied: DataContainer[] = [];
  return { db: new ConfigDatabase(emptyContainer(), clock, () => [], (t) => applied.push(t)), applied, clock };
}

describe('the shared candidate', () => {
  it('is a copy of the active configuration: editing it changes nothing committed', () => {
    const { db: d } = db();
    expect(d.commit(withLines(d.candidate, 'set system host-name a'), { user: 'root' }).ok).toBe(true);
    expect(d.isDirty()).toBe(false);
    const c = d.candidate;
    expect(c).not.toBe(d.active);
    expect(c).toEqual(d.active);
    const edited = withLines(c, 'set system host-name b');
    Object.assign(c.ch, edited.ch);
    expect(d.isDirty()).toBe(true);
    expect(JSON.stringify(d.active)).toContain('"a"');
    expect(JSON.stringify(d.active)).not.toContain('"b"');
    d.discardShared();
    expect(d.isDirty()).toBe(false);
    expect(d.candidate).toEqual(d.active);
    expect(d.candidate).not.toBe(d.active);
  });

  it('a snapshot of an untouched candidate saves the active configuration, and restores clean', () => {
    const { db: d, clock } = db();
    d.commit(withLines(d.candidate, 'set system host-name a'), { user: 'root' });
    const snap = structuredClone(d.snapshot());
    expect(snap.candidate).toEqual(d.active);
    const back = ConfigDatabase.restore(snap, clock, () => [], () => undefined);
    expect(back.isDirty()).toBe(false);
    expect(back.active).toEqual(d.active);
  });

  it('an unconfirmed commit rolls back and the untouched candidate follows the active one', () => {
    const { db: d, clock } = db();
    d.commit(withLines(d.candidate, 'set system host-name a'), { user: 'root' });
    d.commit(withLines(d.candidate, 'set system host-name b'), { user: 'root', confirmMinutes: 1 });
    clock.advance(60_000);
    expect(JSON.stringify(d.active)).toContain('"a"');
    expect(d.isDirty()).toBe(false);
    expect(d.candidate).toEqual(d.active);
    expect(d.takeNotices()).toEqual(['Commit was not confirmed; automatic rollback complete.']);
  });
});
