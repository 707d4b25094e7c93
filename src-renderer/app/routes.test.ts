import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canAccess, homeFor, hrefOf, parseHash, NAV_SCREENS } from './routes.ts';

test('parses and builds hash routes', () => {
  assert.deepEqual(parseHash('#/live/cam-1'), { screen: 'live', id: 'cam-1' });
  assert.deepEqual(parseHash('#/people'), { screen: 'people' });
  assert.deepEqual(parseHash('#/settings/users?x=1'), { screen: 'settings', id: 'users' });
  assert.equal(parseHash('#/nowhere'), null);
  assert.equal(parseHash(''), null);
  assert.deepEqual(parseHash('#/events/..%2Fetc'), { screen: 'events' }, 'ids outside the contract id charset are dropped');
  assert.equal(hrefOf({ screen: 'cameras', id: 'new' }), '#/cameras/new');
  for (const screen of NAV_SCREENS) assert.deepEqual(parseHash(hrefOf({ screen, id: 'x1' })), { screen, id: 'x1' });
});

test('guards see the live wall and events only; auditors the audit log; admins everything', () => {
  const visible = (role: 'admin' | 'guard' | 'auditor') => NAV_SCREENS.filter((s) => canAccess(role, s));
  assert.deepEqual(visible('guard'), ['live', 'events']);
  assert.deepEqual(visible('auditor'), ['audit']);
  assert.deepEqual(visible('admin'), NAV_SCREENS);
  assert.equal(canAccess('guard', 'people'), false);
  assert.equal(canAccess('guard', 'settings'), false);
  assert.deepEqual(homeFor('auditor'), { screen: 'audit' });
  assert.deepEqual(homeFor('guard'), { screen: 'live' });
});
