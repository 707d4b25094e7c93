// Tabular exports (events, attendance) in the formats the contract offers, each written by a well-kept library:
// CSV by csv-stringify, XLSX by exceljs, PDF by pdfkit. Returned base64 so every transport can carry them.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';

export type ExportFormat = 'csv' | 'xlsx' | 'pdf' | 'json';
export type Cell = string | number | boolean | null;

export interface ExportColumn {
  key: string;
  header: string;
  /** Relative width (characters) for XLSX and PDF. */
  width?: number;
}

export interface TableExport {
  /** File name without extension. */
  name: string;
  title: string;
  columns: ExportColumn[];
  rows: Array<Record<string, Cell>>;
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

/** A cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed so it stays text (CSV injection). */
function safeText(v: Cell): Cell {
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function toCsv(t: TableExport): Buffer {
  const out = stringify(t.rows.map((r) => t.columns.map((c) => safeText(r[c.key] ?? null))), {
    header: true,
    columns: t.columns.map((c) => c.header),
    bom: true, // Excel opens UTF-8 names correctly only with a BOM
    cast: { boolean: (b) => (b ? 'yes' : 'no') },
  });
  return Buffer.from(out, 'utf8');
}

async function toXlsx(t: TableExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Vigil';
  wb.created = new Date();
  const ws = wb.addWorksheet(t.title.slice(0, 31).replace(/[[\]*?/\\:]/g, ' '));
  ws.columns = t.columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? Math.max(10, c.header.length + 2) }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const r of t.rows) ws.addRow(Object.fromEntries(t.columns.map((c) => [c.key, safeText(r[c.key] ?? null)])));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function toPdf(t: TableExport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, info: { Title: t.title, Creator: 'Vigil' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const left = doc.page.margins.left;
    const usable = doc.page.width - left - doc.page.margins.right;
    const weights = t.columns.map((c) => c.width ?? Math.max(8, c.header.length));
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (w / total) * usable);
    const fontSize = 8;
    const rowGap = 3;

    const drawRow = (cells: string[], bold: boolean) => {
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(fontSize);
      const h = Math.max(...cells.map((text, i) => doc.heightOfString(text, { width: widths[i] - 4 }))) + rowGap;
      if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
        doc.addPage();
        if (!bold) drawRow(t.columns.map((c) => c.header), true);
      }
      const y = doc.y;
      let x = left;
      cells.forEach((text, i) => {
        doc.text(text, x + 2, y, { width: widths[i] - 4, lineBreak: true });
        x += widths[i];
      });
      doc.y = y + h;
      doc.moveTo(left, doc.y - 1).lineTo(left + usable, doc.y - 1).lineWidth(0.3).strokeColor('#999999').stroke();
    };

    doc.font('Helvetica-Bold').fontSize(14).text(t.title, left, doc.y);
    doc.font('Helvetica').fontSize(8).fillColor('#555555').text(`Generated ${new Date().toISOString()} · ${t.rows.length} rows`);
    doc.fillColor('#000000').moveDown(0.5);
    drawRow(t.columns.map((c) => c.header), true);
    for (const r of t.rows) drawRow(t.columns.map((c) => formatPdfCell(r[c.key] ?? null)), false);
    doc.end();
  });
}

function formatPdfCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}
