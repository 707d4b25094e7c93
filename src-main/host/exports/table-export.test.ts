import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { excelDateFormat, exportTable, hoursMinutes } from './table-export.ts';
import type { TableExport } from './table-export.ts';

const Z = 'Europe/Berlin';
const checkIn = DateTime.fromISO('2025-01-06T08:59:30', { zone: Z }).toMillis();

const table: TableExport = {
  name: 'attendance-2025-01-06',
  title: 'Attendance',
  timeZone: Z,
  locale: 'en-GB',
  columns: [
    { key: 'date', header: 'Date', type: 'date' }, { key: 'name', header: 'Name' }, { key: 'in', header: 'Check-in', type: 'time' },
    { key: 'at', header: 'Seen', type: 'datetime' }, { key: 'late', header: 'Late', type: 'bool' }, { key: 'worked', header: 'Worked', type: 'duration' },
  ],
  rows: [
    { date: '2025-01-06', name: 'Zoë Ñúñez', in: checkIn, at: checkIn, late: false, worked: 485 },
    { date: '2025-01-07', name: '=HYPERLINK("x")', in: null, at: null, late: true, worked: 0 },
  ],
};

test('hours:minutes and the locale\'s date order for Excel', () => {
  assert.equal(hoursMinutes(485), '8:05');
  assert.equal(hoursMinutes(0), '0:00');
  assert.equal(excelDateFormat('en-GB'), 'dd/mm/yyyy');
  assert.equal(excelDateFormat('de-DE'), 'dd.mm.yyyy');
  assert.equal(excelDateFormat('en-US'), 'mm/dd/yyyy');
});

test('CSV: site zone and locale, h:mm, yes/no, UTF-8 BOM, formula-looking cells neutralised', async () => {
  const out = await exportTable(table, 'csv');
  assert.equal(out.filename, 'attendance-2025-01-06.csv');
  assert.equal(out.mime, 'text/csv');
  const text = Buffer.from(out.data_base64, 'base64').toString('utf8');
  assert.ok(text.startsWith('\ufeff'));
  const rows = parse(text.slice(1)) as string[][];
  assert.deepEqual(rows[0], ['Date', 'Name', 'Check-in', 'Seen', 'Late', 'Worked']);
  // 07:59:30 UTC is 08:59 in Berlin; no milliseconds, no "Z".
  assert.deepEqual(rows[1], ['06/01/2025', 'Zoë Ñúñez', '08:59', '06/01/2025, 08:59', 'no', '8:05']);
  assert.equal(rows[2][1], `'=HYPERLINK("x")`);
  assert.deepEqual(rows[2].slice(2), ['', '', 'yes', '0:00']);
});

test('XLSX: real date, time and duration cells with formats and widths', async () => {
  const out = await exportTable({ ...table, summary: { title: 'Totals', columns: [{ key: 'name', header: 'Name' }], rows: [{ name: 'Zoë' }] } }, 'xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(out.data_base64, 'base64') as unknown as ArrayBuffer);
  assert.deepEqual(wb.worksheets.map((w) => w.name), ['Totals', 'Attendance']);
  const ws = wb.getWorksheet('Attendance')!;
  assert.equal(ws.getCell('A1').value, 'Date');
  const date = ws.getCell('A2');
  assert.ok(date.value instanceof Date);
  assert.equal((date.value as Date).toISOString(), '2025-01-06T00:00:00.000Z');
  assert.equal(date.numFmt, 'dd/mm/yyyy');
  const time = ws.getCell('C2');
  assert.equal(time.numFmt, 'hh:mm');
  // exceljs reads a time-formatted serial back as a Date on 1899-12-30.
  const tv = time.value instanceof Date ? (time.value.getTime() - Date.UTC(1899, 11, 30)) / 86_400_000 : (time.value as number);
  assert.ok(Math.abs(tv - (8 * 3600 + 59 * 60 + 30) / 86400) < 1e-6, `local time of day, got ${String(time.value)}`);
  const seen = ws.getCell('D2');
  assert.equal((seen.value as Date).toISOString(), '2025-01-06T08:59:30.000Z', 'local wall time (Excel has no zones)');
  const dv = ws.getCell('F2').value;
  assert.ok(Math.abs((dv instanceof Date ? (dv.getTime() - Date.UTC(1899, 11, 30)) / 86_400_000 : (dv as number)) - 485 / 1440) < 1e-6);
  assert.equal(ws.getCell('F2').numFmt, '[h]:mm');
  assert.equal(ws.getCell('B2').value, 'Zoë Ñúñez');
  assert.ok((ws.getColumn(2).width ?? 0) >= 'Zoë Ñúñez'.length, 'column as wide as its content');
  assert.equal(ws.rowCount, 3);
});

test('PDF: title, summary, page numbers on every page, headings repeated', async (t) => {
  const long: TableExport = {
    ...table,
    subtitle: '6 Jan 2025 – 7 Jan 2025',
    rows: Array.from({ length: 150 }, (_, i) => ({ date: '2025-01-06', name: `Person ${i}`, in: checkIn, at: checkIn, late: i % 2 === 0, worked: i })),
    summary: { title: 'Totals per person', columns: [{ key: 'name', header: 'Name' }, { key: 'worked', header: 'Hours', type: 'duration' }], rows: [{ name: 'Person 0', worked: 600 }] },
    chart: { title: 'People per day', series: [{ name: 'On time', color: '#2e9d5b' }], bars: [{ label: '6 Jan', values: [3] }] },
  };
  const out = await exportTable(long, 'pdf');
  const bytes = Buffer.from(out.data_base64, 'base64');
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  let text: string;
  try {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-pdf-'));
    writeFileSync(join(dir, 'r.pdf'), bytes);
    text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
  } catch {
    t.skip('pdftotext (poppler-utils) not installed');
    return;
  }
  const pages = text.split('\f').filter((p) => p.trim());
  assert.ok(pages.length >= 3, `expected several pages, got ${pages.length}`);
  assert.match(pages[0], /Attendance/);
  assert.match(pages[0], /6 Jan 2025 – 7 Jan 2025/);
  assert.match(pages[0], /Totals per person/);
  assert.match(pages[0], /10:00/);
  pages.forEach((p, i) => {
    assert.match(p, new RegExp(`Page ${i + 1} of ${pages.length}`));
    if (i > 0) assert.match(p, /Date\s+Name\s+Check-in/, `column headings on page ${i + 1}`);
  });
  assert.doesNotMatch(text, /T\d\d:\d\d:\d\d/, 'no ISO timestamps');
});
