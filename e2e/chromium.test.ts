// The e2e suite drives Debian Chromium. When it is missing this test fails (counted as a failure, not a skip),
// with the way to install it; the scenario files fail in their setup too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CHROMIUM, CHROMIUM_HINT } from './harness.ts';

test('Chromium for the e2e suite is installed', () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}. ${CHROMIUM_HINT}`);
});
