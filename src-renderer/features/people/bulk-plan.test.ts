import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batches, parsePersonFolder, planFromCsv, planFromFolder } from './bulk-plan.ts';

const f = (path: string, size = 1000) => ({ path, size });

test('person folder names give the employee id and the name', () => {
  const cases: Array<[string, string, string]> = [
    ['E1001 - Ada Lovelace', 'E1001', 'Ada Lovelace'],
    ['E-1001 - Ada Lovelace', 'E-1001', 'Ada Lovelace'],
    ['E-3001 Arnold Schwarzenegger', 'E-3001', 'Arnold Schwarzenegger'],
    ['EMP-0042 - John Smith', 'EMP-0042', 'John Smith'],
    ['EMP-0042 – John Smith', 'EMP-0042', 'John Smith'],
    ['E1002_Alan Turing', 'E1002', 'Alan Turing'],
    ['E-1002_Alan_Turing', 'E-1002', 'Alan Turing'],
    ['1003 Grace Hopper', '1003', 'Grace Hopper'],
    ['A12-B3 Jean-Luc Picard', 'A12-B3', 'Jean-Luc Picard'],
    ['Ada Lovelace (E-1001)', 'E-1001', 'Ada Lovelace'],
    ['Ada Lovelace - EMP-7', 'EMP-7', 'Ada Lovelace'],
    ['e-1001  -  ada lovelace', 'E-1001', 'ada lovelace'],
  ];
  for (const [folder, id, name] of cases) assert.deepEqual(parsePersonFolder(folder), { employee_id: id, name, idGuessed: false }, folder);
  assert.deepEqual(parsePersonFolder('Émile Zola'), { employee_id: 'emile-zola', name: 'Émile Zola', idGuessed: true });
});

test('folder mode: one person per folder, departments from parent folders, loose photos reported', () => {
  const plan = planFromFolder([
    f('staff/Security/E1 - Ada/1.jpg'), f('staff/Security/E1 - Ada/2.PNG'), f('staff/Security/E1 - Ada/notes.txt'),
    f('staff/E2 Bob/a.jpeg'),
    f('staff/group.jpg'),
  ]);
  assert.deepEqual(plan.rows.map((r) => [r.employee_id, r.name, r.department, r.photos.length]), [['E1', 'Ada', 'Security', 2], ['E2', 'Bob', '', 1]]);
  assert.deepEqual(plan.problems, [{ where: 'staff/group.jpg', code: 'loose_photo' }]);
});

test('folder mode caps photos per person at the contract limit', () => {
  const files = Array.from({ length: 12 }, (_, i) => f(`root/E9 Zed/${String(i).padStart(2, '0')}.jpg`));
  const plan = planFromFolder(files);
  assert.equal(plan.rows[0].photos.length, 10);
  assert.equal(plan.problems[0].code, 'too_many_photos');
});

test('CSV mode: quoted fields, photo lists, missing photos and bad rows', () => {
  const csv = [
    'Employee ID,Name,Dept,Photos,Watchlist',
    'E1,"Lovelace, Ada",R&D,ada1.jpg;sub/ada2.jpg,no',
    'E2,Bob,,bob.jpg|gone.jpg,yes',
    ',No Id,,x.jpg,',
    'E3,Carol,,,',
    'E1,Dup,,ada1.jpg,',
  ].join('\n');
  const plan = planFromCsv(csv, [f('pick/ada1.jpg'), f('pick/sub/ada2.jpg'), f('pick/other/ada2.jpg'), f('pick/bob.jpg'), f('pick/E3/c.jpg'), f('pick/people.csv')]);
  assert.deepEqual(plan.rows.map((r) => [r.employee_id, r.name, r.department, r.watchlist, r.photos.map((p) => p.path)]), [
    ['E1', 'Lovelace, Ada', 'R&D', false, ['pick/ada1.jpg', 'pick/sub/ada2.jpg']],
    ['E2', 'Bob', '', true, ['pick/bob.jpg']],
    ['E3', 'Carol', '', false, ['pick/E3/c.jpg']],
  ]);
  assert.deepEqual(plan.problems.map((p) => p.code), ['missing_photo', 'bad_row', 'duplicate_id']);
  assert.equal(plan.problems[0].detail, 'gone.jpg');
});

test('a broken CSV is one clear problem, not an exception', () => {
  const plan = planFromCsv('employee_id,name\n"E1,Ada', []);
  assert.equal(plan.rows.length, 0);
  assert.equal(plan.problems[0].code, 'bad_csv');
});

test('batches respect row and byte budgets', () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ employee_id: `E${i}`, name: 'x', department: '', watchlist: false, photos: [f(`p${i}.jpg`, 400)] }));
  assert.deepEqual(batches(rows, 2, 10_000).map((b) => b.length), [2, 2, 1]);
  assert.deepEqual(batches(rows, 10, 900).map((b) => b.length), [2, 2, 1]);
  assert.deepEqual(batches(rows, 10, 100).map((b) => b.length), [1, 1, 1, 1, 1], 'an oversized row still goes, alone');
});

test('folder mode: a person folder without photos is reported, a department folder is not', () => {
  const plan = planFromFolder([f('staff/Sales/E-1 - Ada/1.jpg'), f('staff/Sales/E-2 - Bob/readme.txt'), f('staff/Sales/notes.docx')]);
  assert.deepEqual(plan.rows.map((r) => [r.employee_id, r.name, r.department, r.folder]), [['E-1', 'Ada', 'Sales', 'E-1 - Ada']]);
  assert.deepEqual(plan.problems, [{ where: 'E-2 - Bob', code: 'no_photos' }]);
});
