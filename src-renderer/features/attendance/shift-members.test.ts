import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countByShift, departmentsOf, membershipChange, searchPeople, type MemberCandidate } from './shift-members.ts';

const p = (id: string, department: string, shift_id: string | null = null, name = `Person ${id}`): MemberCandidate => ({ id, name, employee_id: `E-${id}`, department, shift_id });
const people = [p('1', 'Sales', 's1'), p('2', 'sales '), p('3', 'Presales'), p('4', ''), p('5', 'Security', 's2'), p('6', 'Sales', 's2', 'Ada Lovelace')];

describe('shift members', () => {
  it('groups departments ignoring case and spaces, exact names only, largest first', () => {
    assert.deepEqual(departmentsOf(people).map((g) => [g.label, g.ids]), [['Sales', ['1', '2', '6']], ['Presales', ['3']], ['Security', ['5']]]);
  });

  it('searches name, employee ID and department', () => {
    assert.deepEqual(searchPeople(people, 'ada').map((x) => x.id), ['6']);
    assert.deepEqual(searchPeople(people, 'e-5').map((x) => x.id), ['5']);
    assert.deepEqual(searchPeople(people, 'SALES').map((x) => x.id), ['1', '2', '3', '6']);
    assert.equal(searchPeople(people, '  ').length, people.length);
  });

  it('saving adds the newly ticked (also from another shift) and removes the unticked members', () => {
    assert.deepEqual(membershipChange(people, 's1', new Set(['2', '6'])), { add: ['2', '6'], remove: ['1'] });
    assert.deepEqual(membershipChange(people, 's1', new Set(['1'])), { add: [], remove: [] });
  });

  it('counts people per shift', () => {
    assert.deepEqual([...countByShift(people)], [['s1', 1], ['s2', 2]]);
  });
});
