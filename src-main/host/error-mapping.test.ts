import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../src-contract/errors.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../storage/errors.ts';
import { EngineCallError, EngineUnavailableError } from '../engine-host/engine-errors.ts';
import { AttendanceRuleError } from '../attendance/day-rules.ts';
import { mapErrors, toVigilError } from './error-mapping.ts';

test('module errors leave handlers as contract errors with the right code', async () => {
  const code = (e: unknown) => (toVigilError(e) as VigilError).code;
  assert.equal(code(new NotFoundError('person', 'p1')), 'NOT_FOUND');
  assert.equal(code(new ConflictError('dup', 'employee_id')), 'CONFLICT');
  assert.equal((toVigilError(new InvalidInputError('bad', [{ path: 'reason', message: 'x' }])) as VigilError).extra.field, 'reason');
  assert.equal(code(new EngineUnavailableError('down', 'crashed')), 'ENGINE_UNAVAILABLE');
  assert.equal(code(new EngineCallError('INVALID_IMAGE', 'corrupt')), 'INVALID_IMAGE');
  assert.equal(code(new EngineCallError('IMAGE_TOO_LARGE', 'big')), 'PAYLOAD_TOO_LARGE');
  assert.equal(code(new AttendanceRuleError('bad zone')), 'INVALID_REQUEST');
  const plain = new Error('bug');
  assert.equal(toVigilError(plain), plain, 'unknown errors pass through (the transport reports INTERNAL)');
  const wrapped = mapErrors({ 'persons.get': () => { throw new NotFoundError('person', 'x'); } });
  await assert.rejects(async () => (wrapped['persons.get'] as (i: unknown, c: unknown) => Promise<unknown>)({ id: 'x' }, {}), (e: unknown) => e instanceof VigilError && e.code === 'NOT_FOUND');
});
