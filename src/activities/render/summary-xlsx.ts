import ExcelJS from 'exceljs';
import { formatInstant } from '../email/dates';
import { agencyName, agencyStatusLines, statusText, type ReportStatus, type Summary } from './summary';

const fills: Record<ReportStatus, string> = {
  'on-time': 'FFD9F2D0',
  late: 'FFFFE5B4',
  extended: 'FFDCE8F7',
  missing: 'FFF8CBCB',
};

const FONT = 'Times New Roman';
/** `PaperSize.A4` of exceljs, a const enum that isolated modules cannot read. */
const A4 = 9 as ExcelJS.PaperSize;
/** Characters of 11 pt Times New Roman per unit of column width (one digit of the default font), kept low on purpose. */
const CHARS_PER_WIDTH = 1.2;
/** Points per line of 11–12 pt text. */
const LINE_HEIGHT = 14.5;
const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };

interface Column {
  header: string;
  key: string;
  /** In characters of the default font. */
  width: number;
  center?: boolean;
}

/** Header row in bold, frozen, filtered and repeated on every printed page; the rest set for printing on A4 landscape. */
function header(sheet: ExcelJS.Worksheet, columns: Column[]): void {
  sheet.columns = columns.map(({ header: h, key, width }) => ({ header: h, key, width }));
  const row = sheet.getRow(1);
  row.font = { name: FONT, size: 12, bold: true };
  row.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  sheet.views = [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }];
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  sheet.pageSetup = {
    ...sheet.pageSetup,
    paperSize: A4,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    printTitlesRow: '1:1',
    // Inches, as Excel counts them: about 15 mm at the sides, 20 mm top and bottom.
    margins: { left: 0.6, right: 0.6, top: 0.8, bottom: 0.8, header: 0.3, footer: 0.3 },
  };
  sheet.headerFooter = { oddFooter: `&L&"${FONT}"&8&A&R&"${FONT}"&8Trang &P/&N` };
}

/** Lines a text takes in a column `width` characters wide, wrapped at spaces. */
function wrappedLines(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor(width * CHARS_PER_WIDTH) - 1);
  let lines = 0;
  for (const paragraph of text.split('\n')) {
    let used = 0;
    lines += 1;
    for (const word of paragraph.split(' ')) {
      const need = used === 0 ? word.length : used + 1 + word.length;
      if (need <= perLine) used = need;
      else {
        lines += used === 0 ? Math.ceil(word.length / perLine) - 1 : Math.ceil(word.length / perLine);
        used = word.length % perLine || perLine;
      }
    }
  }
  return lines;
}

/**
 * Every cell of the sheet in the document font, wrapped, top-aligned and ruled, so that it prints as a table; each row
 * as tall as its longest cell, since neither Excel nor LibreOffice fits the height of wrapped text on opening a file.
 */
function finish(sheet: ExcelJS.Worksheet, columns: Column[]): void {
  sheet.eachRow((row, n) => {
    let lines = 1;
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const column = columns[col - 1];
      cell.border = { top: thin, left: thin, bottom: thin, right: thin };
      // The header is in 12 pt bold: fewer letters to a line.
      const width = (column?.width ?? 10) * (n === 1 ? 0.85 : 1);
      if (typeof cell.value === 'string') lines = Math.max(lines, wrappedLines(cell.value, width));
      if (n === 1) return;
      cell.font = { name: FONT, size: 11 };
      cell.alignment = { vertical: 'top', horizontal: column?.center ? 'center' : 'left', wrapText: true };
    });
    row.height = Math.min(409, lines * LINE_HEIGHT + 4);
  });
}

function paint(row: ExcelJS.Row, column: number, status: ReportStatus): void {
  row.getCell(column).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fills[status] } };
}

/** The statuses as an Excel workbook: per task, per task and agency, and totals per agency. */
export async function renderSummaryXlsx(summary: Summary): Promise<Buffer> {
  const zone = summary.plan.timezone;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Hệ thống Đôn đốc';
  workbook.created = new Date(summary.compiledAt);
  workbook.title = `${summary.plan.number ?? summary.plan.title} – ${summary.period.label}`;

  const tasks = workbook.addWorksheet('Nhiệm vụ');
  const taskColumns: Column[] = [
    { header: 'STT', key: 'n', width: 6, center: true },
    { header: 'Mã nhiệm vụ', key: 'id', width: 10, center: true },
    { header: 'Nhiệm vụ', key: 'title', width: 45 },
    { header: 'Cơ quan chủ trì', key: 'lead', width: 34 },
    { header: 'Cơ quan phối hợp', key: 'coordinators', width: 34 },
    { header: 'Tình trạng', key: 'status', width: 14 },
  ];
  header(tasks, taskColumns);
  summary.tasks.forEach((task, i) => {
    const row = tasks.addRow({
      n: i + 1,
      id: task.id,
      title: task.title,
      lead: agencyStatusLines(task.lead, zone).join('\n'),
      coordinators: agencyStatusLines(task.coordinators, zone).join('\n'),
      status: statusText(task),
    });
    paint(row, 6, task.status);
  });
  finish(tasks, taskColumns);

  const details = workbook.addWorksheet('Chi tiết theo cơ quan');
  const detailColumns: Column[] = [
    { header: 'Mã nhiệm vụ', key: 'id', width: 10, center: true },
    { header: 'Nhiệm vụ', key: 'title', width: 34 },
    { header: 'Vai trò', key: 'role', width: 9, center: true },
    { header: 'Cơ quan', key: 'agency', width: 32 },
    { header: 'Tình trạng', key: 'status', width: 16 },
    { header: 'Thời điểm nhận', key: 'receivedAt', width: 17 },
    { header: 'Mã báo cáo', key: 'reportId', width: 28 },
  ];
  header(details, detailColumns);
  for (const task of summary.tasks) {
    for (const r of [...task.lead, ...task.coordinators]) {
      const row = details.addRow({
        id: task.id,
        title: task.title,
        role: r.role === 'lead' ? 'Chủ trì' : 'Phối hợp',
        agency: agencyName(r),
        status: statusText(r),
        receivedAt: r.receivedAt ? formatInstant(r.receivedAt, zone) : '',
        reportId: r.reportId ?? '',
      });
      paint(row, 5, r.status);
    }
  }
  finish(details, detailColumns);

  const agencies = workbook.addWorksheet('Tổng hợp theo cơ quan');
  const agencyColumns: Column[] = [
    { header: 'STT', key: 'n', width: 6, center: true },
    { header: 'Cơ quan', key: 'agency', width: 45 },
    { header: 'Phải báo cáo', key: 'owed', width: 11, center: true },
    { header: 'Đúng hạn', key: 'onTime', width: 11, center: true },
    { header: 'Trễ hạn', key: 'late', width: 11, center: true },
    { header: 'Chưa báo cáo', key: 'missing', width: 11, center: true },
    { header: 'Được gia hạn', key: 'extended', width: 11, center: true },
    { header: 'Tỷ lệ đúng hạn', key: 'rate', width: 18, center: true },
  ];
  header(agencies, agencyColumns);
  summary.agencies.forEach((a, i) => {
    const row = agencies.addRow({
      n: i + 1,
      agency: agencyName(a),
      owed: a.owed,
      onTime: a.onTime,
      late: a.late,
      missing: a.missing,
      extended: a.extended,
      // Nothing owed yet (all extended): no rate rather than 0%.
      rate: a.owed ? a.onTimeRate : null,
    });
    row.getCell(8).numFmt = '0.0%';
  });
  finish(agencies, agencyColumns);

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
