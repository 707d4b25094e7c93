// Issue 14 #4 and #2 in the console: an admin puts many people on a shift at once (a whole department, picked
// ignoring case, plus someone found by search), takes one off again, and sets a person's start date in the person
// form. A real `vigil serve` (no demo) and Debian Chromium; the results are read back through the contract.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, printScreenshotFolder, rpc, setupAdmin, shot, startHost, step, throwFirstFailure, valueOf } from './harness.ts';
import type { HostProcess } from './harness.ts';

const PEOPLE = [
  ['S-1', 'Ada Lovelace', 'Sales'], ['S-2', 'Alan Turing', 'sales '], ['S-3', 'Grace Hopper', 'Presales'],
  ['K-1', 'Edsger Dijkstra', 'Security'], ['K-2', 'Barbara Liskov', 'Security'],
] as const;

describe('shift assignment and start date in the console', { timeout: 120_000 }, () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let ready: Promise<void>;
  let shiftId: string;
  const ids = new Map<string, string>();

  before(() => {
    ready = (async () => {
      const fixtures = await Promise.allSettled([startHost({ args: ['--no-demo'] }), launchBrowser()]);
      [host, browser] = [valueOf(fixtures[0]), valueOf(fixtures[1])];
      throwFirstFailure(fixtures);
      page = (await newPage(browser)).page;
      await setupAdmin(page, host);
      for (const [employee_id, name, department] of PEOPLE) {
        const p = await rpc(page, 'persons.create', { employee_id, name, department });
        assert.equal(p.status, 200, JSON.stringify(p.body));
        ids.set(employee_id, p.body.id);
      }
      const s = await rpc(page, 'shifts.upsert', { name: 'Early', start: '06:00', end: '14:00', grace_minutes: 5, days: [1, 2, 3, 4, 5] });
      assert.equal(s.status, 200, JSON.stringify(s.body));
      shiftId = s.body.id;
    })();
    ready.catch(() => {});
  });

  after(async () => {
    await ready.catch(() => {});
    await browser?.close();
    await host?.stop();
    printScreenshotFolder();
  });

  const shiftOf = async (employeeId: string) => (await rpc(page, 'persons.get', { id: ids.get(employeeId)! })).body.shift_id;

  it('assigns a department and a searched person to a shift, then takes one off', async () => {
    await ready;
    await step(page, host, 'shifts-assign', async () => {
      await page.goto(`${host.url}/#/attendance/shifts`);
      const row = page.locator(`tr[data-shift-id="${shiftId}"]`);
      await row.getByTestId('shift-people').getByText('0 people').waitFor();
      await row.getByTestId('shift-assign').click();
      const dialog = page.getByTestId('shift-members');
      // "Sales" and "sales " are one department (2 people); "Presales" is another one.
      const sales = dialog.locator('[data-testid=dept-pick][data-department="Sales"]');
      assert.match(await sales.innerText(), /Sales\s*\(2\)/);
      await sales.click();
      await dialog.getByTestId('member-search').fill('liskov');
      await dialog.getByRole('checkbox', { name: 'Barbara Liskov' }).check();
      await dialog.getByTestId('member-search').fill('');
      assert.equal(await dialog.getByTestId('member-summary').innerText(), '3 ticked · 3 to add · 0 to remove');
      await shot(page, 'office-20-shift-members');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.getByTestId('shift-people').getByText('3 people').waitFor();
      assert.deepEqual(await Promise.all(PEOPLE.map(([e]) => shiftOf(e))), [shiftId, shiftId, null, null, shiftId]);

      // Reopened: the members are ticked; unticking one takes the shift off them only.
      await row.getByTestId('shift-assign').click();
      await dialog.getByRole('checkbox', { name: 'Alan Turing' }).uncheck();
      assert.equal(await dialog.getByTestId('member-summary').innerText(), '2 ticked · 0 to add · 1 to remove');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.getByTestId('shift-people').getByText('2 people').waitFor();
      assert.deepEqual(await Promise.all(PEOPLE.map(([e]) => shiftOf(e))), [shiftId, null, null, null, shiftId]);
    });
  });

  it('sets a start date in the person form; attendance counts from it', async () => {
    await ready;
    await step(page, host, 'person-start-date', async () => {
      const id = ids.get('S-1')!;
      await page.goto(`${host.url}/#/people/${id}`);
      await page.getByRole('button', { name: 'Edit details' }).click();
      const form = page.getByTestId('person-form');
      const input = form.locator('input[name=start_date]');
      assert.equal(await input.inputValue(), '', 'no start date yet: the day the person was added');
      await input.fill('2026-03-02');
      await shot(page, 'office-21-person-start-date');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      assert.equal((await rpc(page, 'persons.get', { id })).body.start_date, '2026-03-02');
      // Days before the start date carry no schedule: the range report has no absence there.
      const days = (await rpc(page, 'attendance.range', { from: '2026-02-23', to: '2026-03-06', person_id: id })).body as Array<{ date: string; status: string }>;
      assert.deepEqual(days.filter((d) => d.date < '2026-03-02'), [], 'nothing before the start date');
      assert.ok(days.some((d) => d.date >= '2026-03-02' && d.status === 'absent'), `absences from the start date on: ${JSON.stringify(days)}`);
      // Cleared again: back to the day the person was added.
      await page.getByRole('button', { name: 'Edit details' }).click();
      await form.locator('input[name=start_date]').fill('');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      assert.equal((await rpc(page, 'persons.get', { id })).body.start_date, null);
    });
  });
});
