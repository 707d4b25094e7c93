// The live store's acknowledge-all against a contract client that answers like the host: an alert raised while
// the call is in flight is not among the ones it acknowledged, so it stays open on the wall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VigilClient } from '../../../src-contract/api.ts';
import { setClient } from '../../app/client.ts';
import { useLive, type Alert } from './store.ts';

const alert = (id: string, camera_id = 'door'): Alert => ({ id, kind: 'unknown_person', event: null, at: new Date().toISOString(), state: 'open', camera_id });

/** A client whose alerts.acknowledge acknowledges what is open when it runs, then lets `during` happen before it answers. */
function fakeHost(open: Set<string>, during: () => void): VigilClient {
  return {
    call: async (method: string, input: { all?: true; camera_id?: string }) => {
      assert.equal(method, 'alerts.acknowledge');
      const ids = [...open].filter((id) => !input.camera_id || id.startsWith(input.camera_id));
      for (const id of ids) open.delete(id);
      during();
      return { acknowledged: ids.length, ids };
    },
  } as unknown as VigilClient;
}

test('acknowledge all marks exactly what the host acknowledged; an alert raised meanwhile stays open', async () => {
  useLive.getState().reset();
  const open = new Set(['a1', 'a2']);
  for (const id of open) useLive.getState().receiveAlert(alert(id));
  setClient(fakeHost(open, () => { open.add('a3'); useLive.getState().receiveAlert(alert('a3')); }));
  const n = await useLive.getState().acknowledgeAll();
  assert.equal(n, 2);
  const state = Object.fromEntries(useLive.getState().alerts.map((a) => [a.alert.id, a.acknowledged]));
  assert.deepEqual(state, { a1: true, a2: true, a3: false });
});

test('acknowledge per camera leaves the other cameras\' alerts open', async () => {
  useLive.getState().reset();
  const open = new Set(['door-1', 'yard-1']);
  useLive.getState().receiveAlert(alert('door-1', 'door'));
  useLive.getState().receiveAlert(alert('yard-1', 'yard'));
  setClient(fakeHost(open, () => {}));
  assert.equal(await useLive.getState().acknowledgeAll('door'), 1);
  const state = Object.fromEntries(useLive.getState().alerts.map((a) => [a.alert.id, a.acknowledged]));
  assert.deepEqual(state, { 'door-1': true, 'yard-1': false });
});
