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
  await store.write(() => a.update({ recognition: { ...a.get().recognition, min_votes: 4 } }));
  assert.equal(a.get().recognition.min_votes, 4);
  // a second SiteSettings on the same database (another writer of the rows): its commit is seen by the first
  const b = new SiteSettings(store.settingsRepo);
  await store.write(() => b.update({ recognition: { ...b.get().recognition, min_votes: 2 } }));
  assert.equal(a.get().recognition.min_votes, 2);
});
