import ExcelJS from 'exceljs';
import { formatInstant } from '../email/dates';
import { statusText, type ReportStatus, type Summary } from './summary';

const fills: Record<ReportStatus, string> = {
  'on-time': 'FFD9F2D0',
  late: 'FFFFE5B4',
  extended: 'FFDCE8F7',
  missing: 'FFF8CBCB',
};

function header(sheet: ExcelJS.Worksheet, columns: Array<{ header: string; key: string; width: number }>): void {
  sheet.columns = columns;
  const row = sheet.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
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
  header(tasks, [
    { header: 'STT', key: 'n', width: 6 },
    { header: 'Mã nhiệm vụ', key: 'id', width: 12 },
    { header: 'Nhiệm vụ', key: 'title', width: 60 },
    { header: 'Cơ quan chủ trì', key: 'lead', width: 36 },
    { header: 'Cơ quan phối hợp', key: 'coordinators', width: 36 },
    { header: 'Tình trạng', key: 'status', width: 16 },
  ]);
  summary.tasks.forEach((task, i) => {
    const row = tasks.addRow({
      n: i + 1,
      id: task.id,
      title: task.title,
      lead: task.lead.map((r) => r.agency).join('; '),
      coordinators: task.coordinators.map((r) => r.agency).join('; '),
      status: statusText(task),
    });
    row.alignment = { vertical: 'top', wrapText: true };
    paint(row, 6, task.status);
  });

  const details = workbook.addWorksheet('Chi tiết theo cơ quan');
  header(details, [
    { header: 'Mã nhiệm vụ', key: 'id', width: 12 },
    { header: 'Nhiệm vụ', key: 'title', width: 50 },
    { header: 'Vai trò', key: 'role', width: 10 },
    { header: 'Cơ quan', key: 'agency', width: 40 },
    { header: 'Tình trạng', key: 'status', width: 16 },
    { header: 'Thời điểm nhận', key: 'receivedAt', width: 28 },
    { header: 'Mã báo cáo', key: 'reportId', width: 30 },
  ]);
  for (const task of summary.tasks) {
    for (const r of [...task.lead, ...task.coordinators]) {
      const row = details.addRow({
        id: task.id,
        title: task.title,
        role: r.role === 'lead' ? 'Chủ trì' : 'Phối hợp',
        agency: r.agency,
        status: statusText(r),
        receivedAt: r.receivedAt ? formatInstant(r.receivedAt, zone) : '',
        reportId: r.reportId ?? '',
      });
      row.alignment = { vertical: 'top', wrapText: true };
      paint(row, 5, r.status);
    }
  }

  const agencies = workbook.addWorksheet('Tổng hợp theo cơ quan');
  header(agencies, [
    { header: 'STT', key: 'n', width: 6 },
    { header: 'Cơ quan', key: 'agency', width: 44 },
    { header: 'Phải báo cáo', key: 'owed', width: 14 },
    { header: 'Đúng hạn', key: 'onTime', width: 12 },
    { header: 'Trễ hạn', key: 'late', width: 12 },
    { header: 'Chưa báo cáo', key: 'missing', width: 14 },
    { header: 'Được gia hạn', key: 'extended', width: 14 },
    { header: 'Tỷ lệ đúng hạn', key: 'rate', width: 16 },
  ]);
  summary.agencies.forEach((a, i) => {
    const row = agencies.addRow({
      n: i + 1,
      agency: a.agency,
      owed: a.owed,
      onTime: a.onTime,
      late: a.late,
      missing: a.missing,
      extended: a.extended,
      rate: a.onTimeRate,
    });
    row.getCell(8).numFmt = '0.0%';
  });

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
