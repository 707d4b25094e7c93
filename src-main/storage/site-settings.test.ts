// The settings cache: the pipeline reads the settings per frame, so they are read from SQLite only after a commit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from './host-store.ts';
import { SiteSettings } from './site-settings.ts';
import { tempDataDir } from './testing/temp-data-dir.ts';

test('settings are cached until a commit; updates (also through another instance) are seen; copies are private', async (t) => {
  const store = await openStore(tempDataDir(t));
  t.after(() => store.close());
  const a = store.settings;
  const first = a.get();
  first.recognition.min_votes = 99; // a caller changing its copy changes nothing
  assert.notEqual(a.get().recognition.min_votes, 99);
  const returned = await store.write(() => a.update({ recognition: { ...a.get().recognition, min_votes: 4 } }));
  assert.equal(returned.recognition.min_votes, 4, 'update answers the new settings (the host applies them from this)');
  assert.equal(a.get().recognition.min_votes, 4);
  // a second SiteSettings on the same database (another writer of the rows): its commit is seen by the first
  const b = new SiteSettings(store.settingsRepo);
  await store.write(() => b.update({ recognition: { ...b.get().recognition, min_votes: 2 } }));
  assert.equal(a.get().recognition.min_votes, 2);
});

test('visit gap and unknown-cluster window: defaults from core/defaults.ts, filled in for an older stored row, validated', async (t) => {
  const { DEFAULTS } = await import('../core/defaults.ts');
  const store = await openStore(tempDataDir(t));
  t.after(() => store.close());
  const s = store.settings;
  assert.equal(s.get().recognition.visit_gap_seconds, DEFAULTS.site.visitGapSeconds.value);
  assert.equal(s.get().recognition.unknown_cluster_window_days, DEFAULTS.site.unknownClusterWindowDays.value);
  // A recognition section written before these fields existed reads as the defaults.
  const { target_far, min_votes, unknown_alerts } = s.get().recognition;
  await store.write(() => s.update({ recognition: { target_far, min_votes, unknown_alerts } }));
  assert.equal(s.get().recognition.visit_gap_seconds, 30);
  await store.write(() => s.update({ recognition: { ...s.get().recognition, visit_gap_seconds: 90, unknown_cluster_window_days: 14 } }));
  assert.deepEqual([s.get().recognition.visit_gap_seconds, s.get().recognition.unknown_cluster_window_days], [90, 14]);
  for (const bad of [{ visit_gap_seconds: 0 }, { visit_gap_seconds: 1.5 }, { unknown_cluster_window_days: 400 }]) {
    assert.throws(() => s.update({ recognition: { ...s.get().recognition, ...bad } }), (e: Error) => e.name === 'InvalidInputError', JSON.stringify(bad));
  }
  assert.equal(s.get().recognition.visit_gap_seconds, 90, 'a rejected update changes nothing');
});
