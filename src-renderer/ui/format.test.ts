import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, fmtBytes, fmtMinutes, isoToLocalInput, localInputToIso, secondsUntil } from './format.ts';

test('formats durations, sizes and countdowns', () => {
  assert.equal(fmtMinutes(425), '7 h 05 min');
  assert.equal(fmtMinutes(42.4), '42 min');
  assert.equal(fmtBytes(512), '512 B');
  assert.equal(fmtBytes(1536), '1.5 KB');
  assert.equal(fmtBytes(300 * 1024 * 1024), '300 MB');
  assert.equal(secondsUntil('2024-01-01T00:00:05.000Z', Date.parse('2024-01-01T00:00:00.200Z')), 5);
  assert.equal(secondsUntil('2024-01-01T00:00:00Z', Date.parse('2024-01-02T00:00:00Z')), 0);
  assert.equal(secondsUntil(null), 0);
});

test('calendar arithmetic stays on calendar dates across month ends', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  assert.equal(addDays('2024-12-31', 1), '2025-01-01');
});

test('datetime-local values round-trip through ISO', () => {
  const iso = localInputToIso('2024-05-06T07:08');
  assert.ok(iso);
  assert.equal(isoToLocalInput(iso), '2024-05-06T07:08');
  assert.equal(localInputToIso(''), undefined);
});
