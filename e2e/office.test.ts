// The office manager's and admin's path end to end (issue 14): attendance days that start at the start date,
// "In now" vs "Not arrived yet" on the Day view, export files opened and read back (CSV parsed, XLSX through
// exceljs, PDF through poppler's pdftotext), a batch with a zero-byte photo, and a bulk folder with hyphenated
// employee ids parsed, previewed and fixed before import. A real `vigil serve` (no demo) and Debian Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, printScreenshotFolder, rpc, setupAdmin, shot, startHost, step, throwFirstFailure, valueOf } from './harness.ts';
import type { HostProcess } from './harness.ts';
import { castMember, enrolmentPhotos } from './media-fixtures.ts';
import type { Photo } from './media-fixtures.ts';

const ZONE = 'Europe/Berlin';

function hasPdftotext(): boolean {
  try { execFileSync('pdftotext', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; }
}

describe('office: attendance, exports, batch and bulk enrolment', { timeout: 200_000 }, () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let photos: Photo[];
  let ready: Promise<void>;
  const folder = mkdtempSync(join(tmpdir(), 'vigil-bulk-'));
  const scenario = (name: string, slug: string, body: () => Promise<void>) => it(name, async () => {
    await ready;
    await step(page, host, slug, body);
  });

  before(() => {
    ready = (async () => {
      const fixtures = await Promise.allSettled([startHost({ args: ['--no-demo'] }), launchBrowser(), enrolmentPhotos(castMember('ava'), [1, 2])]);
      [host, browser, photos] = [valueOf(fixtures[0]), valueOf(fixtures[1]), valueOf(fixtures[2])];
      throwFirstFailure(fixtures);
      // The office PC sits in the site's zone; without this the Day view's "today" is CI's UTC date, a day off
      // from the site's between 23:00 and 24:00 UTC.
      page = (await newPage(browser, { timezoneId: ZONE })).page;
      await setupAdmin(page, host);
      const s = await rpc(page, 'settings.update', { timezone: ZONE, locale: 'en-GB' });
      if (s.status !== 200) throw new Error(`settings.update: ${JSON.stringify(s.body)}`);
    })();
    ready.catch(() => {});
  });

  after(async () => {
    await ready.catch(() => {});
    await browser?.close();
    await host?.stop();
    rmSync(folder, { recursive: true, force: true });
    printScreenshotFolder();
  });

  const today = () => DateTime.now().setZone(ZONE).toISODate()!;

  scenario('first run asks for the consent policy; the person list shows consent and demo state', 'office-consent', async () => {
    const step = page.getByTestId('consent-step');
    await step.waitFor();
    await shot(page, 'office-00-consent-step');
    await step.getByLabel(/Do not recognise them/).check();
    await step.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('consent-step').waitFor({ state: 'detached' });
    const s = await rpc(page, 'settings.get', {});
    assert.equal(s.body.consent_policy, 'block');
    const demo = await rpc(page, 'demo.status', {});
    assert.deepEqual(demo.body, { people: 0, cameras: 0 });
    const reserved = await rpc(page, 'persons.create', { employee_id: 'DEMO-1001', name: 'Not a demo person' });
    assert.equal(reserved.status, 400, 'DEMO- ids are reserved for demo data');
    await page.getByRole('button', { name: 'Skip setup' }).click();
  });

  scenario('days count only from the start date; "Not arrived yet" is not "In now"', 'office-attendance', async () => {
    // A shift every day of the week, all day, so "today" always has one under way.
    const shift = await rpc(page, 'shifts.upsert', { name: 'All day', start: '00:00', end: '23:59', grace_minutes: 5, days: [1, 2, 3, 4, 5, 6, 7] });
    assert.equal(shift.status, 200, JSON.stringify(shift.body));
    const since = DateTime.now().setZone(ZONE).minus({ days: 3 }).toISODate()!;
    const veteran = await rpc(page, 'persons.create', { employee_id: 'E-1001', name: 'Vera Veteran', department: 'Sales', shift_id: shift.body.id, start_date: since });
    const newcomer = await rpc(page, 'persons.create', { employee_id: 'E-1002', name: 'Nina Newcomer', department: 'Inside sales', shift_id: shift.body.id });
    assert.equal(newcomer.body.start_date, null, 'default: the enrolment day');
    const from = DateTime.now().setZone(ZONE).minus({ days: 6 }).toISODate()!;
    const range = await rpc(page, 'attendance.range', { from, to: today() });
    const rows = range.body.map((d) => `${d.employee_id}:${d.date}:${d.status}`);
    assert.ok(!rows.some((r) => r.startsWith('E-1002') && !r.includes(today())), `no days before the newcomer's enrolment: ${rows.join(', ')}`);
    assert.equal(range.body.filter((d) => d.person_id === veteran.body.id && d.date < since).length, 0, 'nothing before the start date');
    assert.equal(range.body.filter((d) => d.person_id === veteran.body.id && d.status === 'absent').length, 3, 'absent on the 3 past shift days since the start date');
    // Department filter: case-insensitive, part of the name.
    const sales = await rpc(page, 'attendance.day', { date: today(), department: 'sales' });
    assert.equal(sales.body.length, 2);

    await page.getByTestId('nav-attendance').click();
    const table = page.getByTestId('attendance-day');
    await table.waitFor();
    assert.equal(await table.locator('tr[data-status=in_progress]').count(), 2, 'both not arrived yet today');
    assert.equal((await page.getByTestId('card-in-now').locator('.card-n').textContent())?.trim(), '0', 'nobody without a check-in is "In now"');
    assert.equal((await page.getByTestId('card-not-arrived').locator('.card-n').textContent())?.trim(), '2');
    await page.getByText('Not arrived yet', { exact: true }).first().waitFor();
    await shot(page, 'office-01-day-view');
  });

  scenario('exports: CSV, XLSX and PDF read back as an office would', 'office-exports', async () => {
    const from = DateTime.now().setZone(ZONE).minus({ days: 6 }).toISODate()!;
    const get = async (format: 'csv' | 'xlsx' | 'pdf') => {
      const r = await rpc(page, 'attendance.export', { from, to: today(), format });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return Buffer.from(r.body.data_base64, 'base64');
    };
    const csv = parse((await get('csv')).toString('utf8').replace(/^\ufeff/, ''), { columns: true }) as Array<Record<string, string>>;
    assert.ok(csv.length >= 4);
    assert.deepEqual(Object.keys(csv[0]).slice(0, 5), ['Date', 'Employee ID', 'Name', 'Department', 'Status']);
    for (const r of csv) {
      assert.match(r.Date, /^\d\d\/\d\d\/\d{4}$/, 'en-GB date');
      assert.ok(['Absent', 'Not arrived yet', 'Present', 'Late'].includes(r.Status), r.Status);
      assert.match(r['Worked (h:mm)'], /^\d+:\d\d$/);
    }
    assert.doesNotMatch(JSON.stringify(csv), /T\d\d:\d\d:\d\d|in_progress/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get('xlsx')) as unknown as ArrayBuffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['Totals per person', 'Attendance report']);
    const ws = wb.getWorksheet('Attendance report')!;
    assert.ok(ws.getCell('A2').value instanceof Date, 'a real date cell');
    assert.equal(ws.getCell('A2').numFmt, 'dd/mm/yyyy');
    assert.ok((ws.getColumn(3).width ?? 0) >= 'Nina Newcomer'.length);
    const totals = wb.getWorksheet('Totals per person')!;
    assert.equal(totals.getCell('A1').value, 'Employee ID');

    const pdf = await get('pdf');
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    if (hasPdftotext()) {
      const file = join(folder, 'report.pdf');
      writeFileSync(file, pdf);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      assert.match(text, /Attendance report/);
      assert.match(text, /Totals per person/);
      assert.match(text, /People per day/);
      assert.match(text, /Page 1 of \d/);
      assert.match(text, /Vera Veteran/);
    }
  });

  scenario('batch enrolment: a zero-byte photo gets its own verdict, the good ones enrol', 'office-batch', async () => {
    const p = await rpc(page, 'persons.create', { employee_id: 'E-2001', name: 'Ava Reyes' });
    const r = await rpc(page, 'persons.enrolPhotos', { id: p.body.id, photos: [
      { name: photos[0].name, data_base64: photos[0].buffer.toString('base64') },
      { name: 'empty.jpg', data_base64: '' },
      { name: photos[1].name, data_base64: photos[1].buffer.toString('base64') },
    ] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.verdicts.map((v) => [v.name, v.accepted]), [[photos[0].name, true], ['empty.jpg', false], [photos[1].name, true]]);
    assert.match(r.body.verdicts[1].reason ?? '', /empty/i);
    assert.equal(r.body.person.template_count, 2);
  });

  scenario('bulk folder: hyphenated ids parsed, shown before import, a row fixed by the admin', 'office-bulk', async () => {
    const root = join(folder, 'staff');
    const put = (dir: string, file: string, data: Buffer) => { mkdirSync(join(root, dir), { recursive: true }); writeFileSync(join(root, dir, file), data); };
    put('Sales/E-3001 Arnold Schwarzenegger', 'a.jpg', photos[0].buffer);
    put('Sales/EMP-0042 - John Smith', 'b.jpg', photos[1].buffer);
    put('Ada Lovelace', 'c.jpg', photos[0].buffer);
    put('E-3003 - Empty Folder', 'notes.txt', Buffer.from('no photo here'));
    await page.getByTestId('nav-people').click();
    await page.getByRole('button', { name: 'Bulk enrolment' }).click();
    await page.getByTestId('bulk-folder-input').setInputFiles(root);
    const preview = page.getByTestId('bulk-preview');
    await preview.waitFor();
    const ids = await preview.getByTestId('bulk-id').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const names = await preview.getByTestId('bulk-name').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    assert.deepEqual(ids, ['ada-lovelace', 'E-3001', 'EMP-0042']);
    assert.deepEqual(names, ['Ada Lovelace', 'Arnold Schwarzenegger', 'John Smith']);
    await page.getByText('E-3003 - Empty Folder').waitFor(); // reported, not skipped silently
    await page.getByText('No employee ID in the folder name').waitFor();
    await shot(page, 'office-02-bulk-preview');
    await preview.getByTestId('bulk-id').first().fill('E-3002');
    await page.getByRole('button', { name: 'Enrol 3 people' }).click();
    await page.getByTestId('bulk-summary').waitFor({ timeout: 60_000 });
    await shot(page, 'office-03-bulk-summary');
    const list = await rpc(page, 'persons.list', { query: 'E-300', status: 'all' });
    assert.deepEqual(list.body.items.map((p) => [p.employee_id, p.name]).sort(), [['E-3001', 'Arnold Schwarzenegger'], ['E-3002', 'Ada Lovelace']]);
    const john = await rpc(page, 'persons.list', { query: 'EMP-0042', status: 'all' });
    assert.equal(john.body.items[0]?.name, 'John Smith');
    assert.equal(john.body.items[0]?.department, 'Sales');
  });
});
