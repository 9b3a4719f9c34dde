import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import { formatDate, formatInstant, localDate } from '../email/dates';
import { formatRate, statusText, type AgencyReport, type Summary } from './summary';

// Nghị định 30/2020/NĐ-CP: Times New Roman 13–14 pt, A4, margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
const FONT = 'Times New Roman';
const SIZE = 26;
const mm = (millimetres: number): number => Math.round((millimetres / 25.4) * 1440);

function para(
  children: ParagraphChild[] | string,
  options: { bold?: boolean; center?: boolean; heading?: boolean; italics?: boolean } = {},
): Paragraph {
  const runs =
    typeof children === 'string'
      ? [new TextRun({ text: children, bold: options.bold, italics: options.italics })]
      : children;
  return new Paragraph({
    children: runs,
    alignment: options.center ? AlignmentType.CENTER : AlignmentType.JUSTIFIED,
    heading: options.heading ? HeadingLevel.HEADING_2 : undefined,
    spacing: { after: 80 },
  });
}

function cell(text: string | string[], options: { bold?: boolean; width?: number } = {}): TableCell {
  const lines = Array.isArray(text) ? text : [text];
  return new TableCell({
    children: (lines.length ? lines : ['']).map(
      (line) => new Paragraph({ children: [new TextRun({ text: line, bold: options.bold, size: 24 })] }),
    ),
    width: options.width ? { size: options.width, type: WidthType.PERCENTAGE } : undefined,
  });
}

function table(header: string[], widths: number[], rows: Array<Array<string | string[]>>): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h, i) => cell(h, { bold: true, width: widths[i] })) }),
      ...rows.map((row) => new TableRow({ children: row.map((value, i) => cell(value, { width: widths[i] })) })),
    ],
  });
}

function agencyLines(reports: AgencyReport[], zone: string): string[] {
  return reports.map(
    (r) => `${r.agency}: ${statusText(r)}${r.receivedAt ? ` (${formatDate(localDate(r.receivedAt, zone))})` : ''}`,
  );
}

/** The compiled summary as a Word document officers can edit, sign and file. */
export async function renderSummaryDocx(summary: Summary): Promise<Buffer> {
  const zone = summary.plan.timezone;
  const t = summary.totals;
  const planName = `Kế hoạch ${summary.plan.number ? `số ${summary.plan.number} ` : ''}${summary.plan.title}`;
  const children: Array<Paragraph | Table> = [
    para(summary.plan.focalAgency.toUpperCase(), { bold: true, center: true }),
    para(`Ngày ${formatDate(localDate(summary.compiledAt, zone))}`, { italics: true, center: true }),
    para('BÁO CÁO TỔNG HỢP', { bold: true, center: true }),
    para(`Tình hình thực hiện ${planName}`, { bold: true, center: true }),
    para(summary.period.label, { bold: true, center: true }),
    para(`Kính gửi: ${summary.plan.reportsTo}.`, { center: true }),
    para('I. TỔNG QUAN', { bold: true, heading: true }),
    para(
      `Tổng số nhiệm vụ: ${t.tasks}. Số nhiệm vụ cơ quan chủ trì báo cáo đúng hạn: ${t['on-time']}; trễ hạn: ${t.late}; chưa báo cáo: ${t.missing}${t.extended ? `; được gia hạn (chưa đến hạn mới): ${t.extended}` : ''}. ` +
        `Số liệu tổng hợp đến ${formatInstant(summary.compiledAt, zone)}.`,
    ),
    para('II. TÌNH TRẠNG BÁO CÁO THEO NHIỆM VỤ', { bold: true, heading: true }),
    table(
      ['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Tình trạng'],
      [6, 34, 24, 24, 12],
      summary.tasks.map((task, i) => [
        String(i + 1),
        `${task.id}. ${task.title}`,
        agencyLines(task.lead, zone),
        agencyLines(task.coordinators, zone),
        statusText(task),
      ]),
    ),
    para('III. TỔNG HỢP THEO CƠ QUAN', { bold: true, heading: true }),
    table(
      ['STT', 'Cơ quan', 'Phải báo cáo', 'Đúng hạn', 'Trễ hạn', 'Chưa báo cáo', 'Tỷ lệ đúng hạn'],
      [6, 38, 11, 11, 11, 11, 12],
      summary.agencies.map((a, i) => [
        String(i + 1),
        a.agency,
        String(a.owed),
        String(a.onTime),
        String(a.late),
        String(a.missing),
        formatRate(a.onTimeRate),
      ]),
    ),
    para('IV. NỘI DUNG BÁO CÁO CỦA CÁC NHIỆM VỤ', { bold: true, heading: true }),
  ];
  for (const task of summary.tasks) {
    children.push(para(`Nhiệm vụ ${task.id}. ${task.title}`, { bold: true }));
    for (const r of [...task.lead, ...task.coordinators]) {
      const role = r.role === 'lead' ? 'Chủ trì' : 'Phối hợp';
      children.push(
        para([new TextRun({ text: `${role} – ${r.agency}: `, italics: true }), new TextRun(statusText(r))]),
      );
      for (const line of (r.text ?? '').split(/\r?\n/).filter((l) => l.trim())) children.push(para(line));
      if (r.attachments.length)
        children.push(para(`Tệp đính kèm: ${r.attachments.map((a) => a.filename).join('; ')}`, { italics: true }));
    }
  }
  const document = new Document({
    creator: 'Hệ thống Đôn đốc',
    title: `Báo cáo tổng hợp ${summary.period.label}`,
    styles: { default: { document: { run: { font: FONT, size: SIZE } } } },
    sections: [
      { properties: { page: { margin: { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) } } }, children },
    ],
  });
  return Packer.toBuffer(document);
}
