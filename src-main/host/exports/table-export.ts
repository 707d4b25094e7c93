// Tabular exports (events, attendance) in the formats the contract offers, each written by a well-kept library:
// CSV by csv-stringify, XLSX by exceljs, PDF by pdfkit. Returned base64 so every transport can carry them.
//
// Cells carry typed values (instants as epoch ms, days as YYYY-MM-DD, durations as minutes) and each format
// renders them for people: CSV and PDF in the site's time zone and locale, XLSX as real date/time/duration cells
// (local wall time, as Excel has no zones) with a number format, durations as hours:minutes everywhere.
import { existsSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import PDFDocument from 'pdfkit';

export type ExportFormat = 'csv' | 'xlsx' | 'pdf' | 'json';
export type Cell = string | number | boolean | null;

/**
 * text/number as given; `date` a YYYY-MM-DD string; `datetime`/`time` epoch ms shown in the site zone;
 * `duration` minutes shown as h:mm; `bool` yes/no.
 */
export type ColumnType = 'text' | 'number' | 'date' | 'datetime' | 'time' | 'duration' | 'bool';

export interface ExportColumn {
  key: string;
  header: string;
  type?: ColumnType;
  /** Relative width (characters) for the PDF; XLSX widths follow the content. */
  width?: number;
}

export interface TableSection {
  title: string;
  columns: ExportColumn[];
  rows: Array<Record<string, Cell>>;
}

/** A stacked bar chart (one bar per label), drawn in the PDF above the detail table. */
export interface BarChart {
  title: string;
  series: Array<{ name: string; color: string }>;
  bars: Array<{ label: string; values: number[] }>;
}

export interface TableExport {
  /** File name without extension. */
  name: string;
  title: string;
  /** e.g. the period: "1 Dec 2026 – 7 Dec 2026 · Sales". */
  subtitle?: string;
  timeZone: string;
  locale: string;
  columns: ExportColumn[];
  rows: Array<Record<string, Cell>>;
  /** Totals shown before the detail rows (PDF), as their own sheet (XLSX). */
  summary?: TableSection;
  chart?: BarChart;
}

export interface ExportResult {
  filename: string;
  mime: string;
  data_base64: string;
}

const MIME: Record<ExportFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  json: 'application/json',
};

export async function exportTable(table: TableExport, format: ExportFormat): Promise<ExportResult> {
  let bytes: Buffer;
  switch (format) {
    case 'csv': bytes = toCsv(table); break;
    case 'xlsx': bytes = await toXlsx(table); break;
    case 'pdf': bytes = await toPdf(table); break;
    case 'json': bytes = Buffer.from(JSON.stringify(table.rows, null, 2)); break;
  }
  return { filename: `${table.name}.${format}`, mime: MIME[format], data_base64: bytes.toString('base64') };
}

/** Minutes as hours:minutes ("7:05", "0:00", "-0:10"). */
export function hoursMinutes(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const m = Math.abs(Math.round(minutes));
  return `${sign}${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}

/** A cell as text for people (CSV, PDF): site zone and locale, h:mm durations, yes/no. */
export function formatCell(v: Cell, type: ColumnType, zone: string, locale: string): string {
  if (v === null || v === '') return '';
  switch (type) {
    case 'bool': return v ? 'yes' : 'no';
    case 'duration': return typeof v === 'number' ? hoursMinutes(v) : String(v);
    case 'date': return typeof v === 'string' ? DateTime.fromISO(v, { zone }).setLocale(locale).toLocaleString(DateTime.DATE_SHORT) : String(v);
    case 'datetime': return typeof v === 'number' ? DateTime.fromMillis(v, { zone }).setLocale(locale).toLocaleString(DateTime.DATETIME_SHORT) : String(v);
    case 'time': return typeof v === 'number' ? DateTime.fromMillis(v, { zone }).setLocale(locale).toLocaleString(DateTime.TIME_SIMPLE) : String(v);
    default: return typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
  }
}

/** A cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed so it stays text (CSV injection). */
function safeText(v: Cell): Cell {
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function toCsv(t: TableExport): Buffer {
  const out = stringify(t.rows.map((r) => t.columns.map((c) => {
    const v = r[c.key] ?? null;
    return c.type && c.type !== 'text' ? formatCell(v, c.type, t.timeZone, t.locale) : safeText(typeof v === 'boolean' ? (v ? 'yes' : 'no') : v);
  })), {
    header: true,
    columns: t.columns.map((c) => c.header),
    bom: true, // Excel opens UTF-8 names correctly only with a BOM
  });
  return Buffer.from(out, 'utf8');
}

/** The locale's order of day, month and year as an Excel number format ("dd/mm/yyyy", "m/d/yyyy", "dd.mm.yyyy"). */
export function excelDateFormat(locale: string): string {
  const parts = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(Date.UTC(2026, 10, 23)));
  return parts.map((p) => (p.type === 'day' ? 'dd' : p.type === 'month' ? 'mm' : p.type === 'year' ? 'yyyy' : p.value)).join('');
}

/** Local wall time as a "floating" Date for Excel (exceljs writes Dates as UTC serials). */
function wallClock(ms: number, zone: string): Date {
  const d = DateTime.fromMillis(ms, { zone });
  return new Date(Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second));
}

function xlsxValue(v: Cell, type: ColumnType, zone: string): ExcelJS.CellValue {
  if (v === null || v === '') return null;
  switch (type) {
    case 'date': return typeof v === 'string' ? new Date(`${v}T00:00:00Z`) : v;
    case 'datetime': return typeof v === 'number' ? wallClock(v, zone) : v;
    case 'time': {
      if (typeof v !== 'number') return v;
      const d = DateTime.fromMillis(v, { zone });
      return (d.hour * 3600 + d.minute * 60 + d.second) / 86400; // time of day as a fraction, formatted hh:mm
    }
    case 'duration': return typeof v === 'number' ? v / 1440 : v; // days, formatted [h]:mm
    case 'bool': return v ? 'yes' : 'no';
    default: return safeText(v);
  }
}

function addSheet(wb: ExcelJS.Workbook, name: string, s: TableSection, t: TableExport): void {
  const ws = wb.addWorksheet(name.slice(0, 31).replace(/[[\]*?/\\:]/g, ' '));
  const dateFmt = excelDateFormat(t.locale);
  const fmt: Partial<Record<ColumnType, string>> = { date: dateFmt, datetime: `${dateFmt} hh:mm`, time: 'hh:mm', duration: '[h]:mm' };
  ws.columns = s.columns.map((c) => ({ header: c.header, key: c.key }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EDF3' } };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const r of s.rows) ws.addRow(Object.fromEntries(s.columns.map((c) => [c.key, xlsxValue(r[c.key] ?? null, c.type ?? 'text', t.timeZone)])));
  s.columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    const f = fmt[c.type ?? 'text'];
    if (f) col.numFmt = f;
    // Width from what is shown: the header, and each value as it will be displayed.
    const shown = s.rows.map((r) => formatCell(r[c.key] ?? null, c.type ?? 'text', t.timeZone, t.locale).length);
    col.width = Math.min(60, Math.max(c.header.length, ...shown, 6) + 2);
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: s.columns.length } };
}

async function toXlsx(t: TableExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Vigil';
  wb.created = new Date();
  wb.title = t.title;
  if (t.summary) addSheet(wb, t.summary.title, t.summary, t);
  addSheet(wb, t.title, t, t);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- PDF

const FONT_DIRS = ['/usr/share/fonts/truetype/liberation', '/usr/share/fonts/liberation'];

/** Liberation Sans where installed (covers names beyond Latin-1), otherwise the PDF's built-in Helvetica. */
function fonts(doc: PDFKit.PDFDocument): { regular: string; bold: string } {
  for (const dir of FONT_DIRS) {
    const r = `${dir}/LiberationSans-Regular.ttf`;
    const b = `${dir}/LiberationSans-Bold.ttf`;
    if (existsSync(r) && existsSync(b)) {
      doc.registerFont('body', r);
      doc.registerFont('body-bold', b);
      return { regular: 'body', bold: 'body-bold' };
    }
  }
  return { regular: 'Helvetica', bold: 'Helvetica-Bold' };
}

function toPdf(t: TableExport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margins: { top: 40, bottom: 44, left: 36, right: 36 }, bufferPages: true, info: { Title: t.title, Creator: 'Vigil' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const f = fonts(doc);
    const left = doc.page.margins.left;
    const usable = doc.page.width - left - doc.page.margins.right;
    const bottom = () => doc.page.height - doc.page.margins.bottom;

    // Header block.
    doc.font(f.bold).fontSize(16).fillColor('#111111').text(t.title, left, doc.page.margins.top);
    if (t.subtitle) doc.font(f.regular).fontSize(10).fillColor('#333333').text(t.subtitle);
    const generated = DateTime.now().setZone(t.timeZone).setLocale(t.locale).toLocaleString(DateTime.DATETIME_MED);
    doc.font(f.regular).fontSize(8).fillColor('#666666').text(`Generated ${generated} (${t.timeZone}) · ${t.rows.length} rows`);
    doc.fillColor('#000000').moveDown(0.8);

    if (t.summary) drawTable(doc, f, t.summary, t, usable, bottom, true);
    if (t.chart && t.chart.bars.length) drawChart(doc, f, t.chart, usable, bottom);
    drawTable(doc, f, { title: t.summary ? 'Detail' : '', columns: t.columns, rows: t.rows }, t, usable, bottom, false);

    // Page numbers last, when the page count is known. The footer sits in the bottom margin: lift the margin
    // while writing so pdfkit does not start a new page for it.
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const keep = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.font(f.regular).fontSize(8).fillColor('#666666')
        .text(`${t.title} · Page ${i + 1} of ${range.count}`, left, doc.page.height - 28, { width: usable, align: 'right', lineBreak: false });
      doc.page.margins.bottom = keep;
    }
    doc.end();
  });
}

type Fonts = { regular: string; bold: string };

function drawTable(doc: PDFKit.PDFDocument, f: Fonts, s: TableSection, t: TableExport, usable: number, bottom: () => number, isSummary: boolean): void {
  const left = doc.page.margins.left;
  const weights = s.columns.map((c) => c.width ?? Math.max(8, c.header.length));
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * usable);
  const numeric = (c: ExportColumn) => c.type === 'number' || c.type === 'duration';
  const fontSize = 8.5;
  const pad = 3;

  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(fontSize);
    return Math.max(...cells.map((text, i) => doc.heightOfString(text || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
  };
  // Every row sets its own font right before drawing, so a page break never leaves a body row in bold.
  const drawCells = (cells: string[], font: string, fill: string | null) => {
    const h = rowHeight(cells, font);
    const y = doc.y;
    if (fill) doc.rect(left, y, usable, h).fill(fill);
    doc.fillColor('#111111').font(font).fontSize(fontSize);
    let x = left;
    cells.forEach((text, i) => {
      doc.text(text, x + pad, y + pad, { width: widths[i] - 2 * pad, align: numeric(s.columns[i]) ? 'right' : 'left', lineBreak: true });
      x += widths[i];
    });
    doc.y = y + h;
    doc.moveTo(left, doc.y).lineTo(left + usable, doc.y).lineWidth(0.3).strokeColor('#bbbbbb').stroke();
    doc.x = left;
  };
  const header = s.columns.map((c) => c.header);
  const drawHeader = () => drawCells(header, f.bold, '#e8edf3');

  const headerH = rowHeight(header, f.bold);
  const titleH = s.title ? 20 : 0;
  if (doc.y + titleH + headerH + 20 > bottom()) doc.addPage();
  if (s.title) {
    doc.font(f.bold).fontSize(11).fillColor('#111111').text(s.title, left, doc.y);
    doc.moveDown(0.3);
  }
  drawHeader();
  s.rows.forEach((r, n) => {
    const cells = s.columns.map((c) => formatCell(r[c.key] ?? null, c.type ?? 'text', t.timeZone, t.locale));
    if (doc.y + rowHeight(cells, f.regular) > bottom()) {
      doc.addPage();
      doc.y = doc.page.margins.top;
      drawHeader(); // the column headings again on every continuation page
    }
    drawCells(cells, f.regular, n % 2 === 1 && !isSummary ? '#f7f8fa' : null);
  });
  doc.moveDown(1);
}

function drawChart(doc: PDFKit.PDFDocument, f: Fonts, c: BarChart, usable: number, bottom: () => number): void {
  const left = doc.page.margins.left;
  const height = 150;
  if (doc.y + height + 50 > bottom()) doc.addPage();
  doc.font(f.bold).fontSize(11).fillColor('#111111').text(c.title, left, doc.y);
  doc.moveDown(0.3);
  // Legend.
  let lx = left;
  const ly = doc.y;
  doc.font(f.regular).fontSize(8);
  for (const s of c.series) {
    doc.rect(lx, ly + 1, 8, 8).fill(s.color);
    doc.fillColor('#333333').text(s.name, lx + 11, ly, { lineBreak: false });
    lx += 11 + doc.widthOfString(s.name) + 14;
  }
  const top = ly + 16;
  const axisW = 24;
  const plotW = usable - axisW;
  const max = Math.max(1, ...c.bars.map((b) => b.values.reduce((a, v) => a + v, 0)));
  const step = plotW / c.bars.length;
  const barW = Math.max(2, Math.min(28, step * 0.7));
  // Axis and grid (0, half, max).
  doc.lineWidth(0.3).strokeColor('#cccccc');
  for (const frac of [0, 0.5, 1]) {
    const y = top + height - frac * height;
    doc.moveTo(left + axisW, y).lineTo(left + usable, y).stroke();
    doc.fillColor('#666666').fontSize(7).text(String(Math.round(max * frac)), left, y - 3.5, { width: axisW - 4, align: 'right', lineBreak: false });
  }
  const labelEvery = Math.ceil(c.bars.length / Math.max(1, Math.floor(plotW / 34)));
  c.bars.forEach((b, i) => {
    const x = left + axisW + i * step + (step - barW) / 2;
    let y = top + height;
    b.values.forEach((v, k) => {
      if (v <= 0) return;
      const h = (v / max) * height;
      y -= h;
      doc.rect(x, y, barW, h).fill(c.series[k].color);
    });
    if (i % labelEvery === 0) {
      doc.fillColor('#444444').fontSize(7).text(b.label, x + barW / 2 - 20, top + height + 3, { width: 40, align: 'center', lineBreak: false });
    }
  });
  doc.fillColor('#000000');
  doc.x = left;
  doc.y = top + height + 18;
  doc.moveDown(0.5);
}
