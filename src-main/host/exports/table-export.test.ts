import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { exportTable } from './table-export.ts';
import type { TableExport } from './table-export.ts';

const table: TableExport = {
  name: 'attendance-2025-01-06',
  title: 'Attendance',
  columns: [{ key: 'name', header: 'Name' }, { key: 'in', header: 'Check-in' }, { key: 'late', header: 'Late' }, { key: 'min', header: 'Minutes' }],
  rows: [
    { name: 'Zoë Ñúñez', in: '2025-01-06T08:59:00Z', late: false, min: 480 },
    { name: '=HYPERLINK("x")', in: null, late: true, min: 0 },
  ],
};

test('CSV: header, UTF-8 BOM, formula-looking cells neutralised', async () => {
  const out = await exportTable(table, 'csv');
  assert.equal(out.filename, 'attendance-2025-01-06.csv');
  assert.equal(out.mime, 'text/csv');
  const text = Buffer.from(out.data_base64, 'base64').toString('utf8');
  assert.ok(text.startsWith('\ufeff'));
  const rows = parse(text.slice(1)) as string[][];
  assert.deepEqual(rows[0], ['Name', 'Check-in', 'Late', 'Minutes']);
  assert.deepEqual(rows[1], ['Zoë Ñúñez', '2025-01-06T08:59:00Z', 'no', '480']);
  assert.equal(rows[2][0], `'=HYPERLINK("x")`);
});

test('XLSX: readable back with the same cells', async () => {
  const out = await exportTable(table, 'xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(out.data_base64, 'base64') as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  assert.equal(ws.getCell('A1').value, 'Name');
  assert.equal(ws.getCell('A2').value, 'Zoë Ñúñez');
  assert.equal(ws.getCell('D2').value, 480);
  assert.equal(ws.rowCount, 3);
});

test('PDF: a real PDF document that spans pages when long', async () => {
  const long: TableExport = { ...table, rows: Array.from({ length: 200 }, (_, i) => ({ name: `Person ${i}`, in: null, late: i % 2 === 0, min: i })) };
  const out = await exportTable(long, 'pdf');
  const bytes = Buffer.from(out.data_base64, 'base64');
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const pages = (bytes.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
  assert.ok(pages >= 3, `expected several pages, got ${pages}`);
});
