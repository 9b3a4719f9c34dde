import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  HeadingLevel,
  LineRuleType,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  type ParagraphChild,
} from 'docx';
import { formatDate, formatInstant, localDate } from '../email/dates';
import { agencyName, agencyStatusLines, formatRate, statusText, type AgencyReport, type Summary } from './summary';

// Nghị định 30/2020/NĐ-CP, Phụ lục I: A4, Times New Roman 13–14 pt, margins top/bottom 20–25 mm, left 30–35 mm,
// right 15–20 mm; page numbers centred in the top margin from the second page.
const FONT = 'Times New Roman';
/** Half-points, as docx counts font sizes. */
const pt = (points: number): number => points * 2;
/** Twips (1/1440 inch), as docx counts lengths. */
const mm = (millimetres: number): number => Math.round((millimetres / 25.4) * 1440);
const PAGE = { width: mm(210), height: mm(297) };
const MARGIN = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };
/** The width between the margins, which the column widths of each table add up to. */
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const BODY = pt(14);
const TABLE_TEXT = pt(12);

interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  size?: number;
}

interface ParaStyle extends RunStyle {
  align?: 'center' | 'left' | 'justified';
  indent?: boolean;
  heading?: boolean;
  keepNext?: boolean;
  after?: number;
  before?: number;
}

const alignments = { center: AlignmentType.CENTER, left: AlignmentType.LEFT, justified: AlignmentType.JUSTIFIED };

function para(children: ParagraphChild[] | string, style: ParaStyle = {}): Paragraph {
  const runs =
    typeof children === 'string'
      ? [new TextRun({ text: children, bold: style.bold, italics: style.italics, size: style.size })]
      : children;
  return new Paragraph({
    children: runs,
    alignment: alignments[style.align ?? 'justified'],
    heading: style.heading ? HeadingLevel.HEADING_2 : undefined,
    indent: style.indent ? { firstLine: mm(10) } : undefined,
    keepNext: style.keepNext,
    spacing: { before: style.before ?? 0, after: style.after ?? 100, line: 276 },
  });
}

/** A centred paragraph of one line of text, for the header and the signature block. */
function line(text: string, style: RunStyle & { after?: number } = {}): Paragraph {
  return new Paragraph({
    children: [new TextRun({ text, bold: style.bold, italics: style.italics, size: style.size })],
    alignment: AlignmentType.CENTER,
    spacing: { before: 0, after: style.after ?? 0 },
  });
}

/** A centred horizontal rule `length` twips long inside a space `within` twips wide. */
function rule(length: number, within: number, after = 0): Paragraph {
  const side = Math.max(0, Math.round((within - length) / 2));
  return new Paragraph({
    children: [],
    indent: { left: side, right: side },
    border: { top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 0 } },
    spacing: { before: 80, after, line: 120, lineRule: LineRuleType.EXACT },
  });
}

function plainCell(children: Paragraph[], width: number, style: { verticalTop?: boolean } = {}): TableCell {
  return new TableCell({
    children,
    width: { size: width, type: WidthType.DXA },
    verticalAlign: style.verticalTop === false ? VerticalAlign.CENTER : VerticalAlign.TOP,
  });
}

/** A table without borders, for the header and the signature block. */
function layoutTable(widths: number[], rows: Paragraph[][][]): Table {
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: TableBorders.NONE,
    margins: { left: 0, right: 0, top: 0, bottom: 0 },
    rows: rows.map(
      (cells) =>
        new TableRow({ cantSplit: true, children: cells.map((children, i) => plainCell(children, widths[i])) }),
    ),
  });
}

interface Column {
  header: string;
  /** Twips; the columns of a table add up to TEXT_WIDTH. */
  width: number;
  center?: boolean;
}

function dataCell(text: string | string[], column: Column, header = false): TableCell {
  const lines = (Array.isArray(text) ? text : [text]).filter((l) => l !== '');
  return new TableCell({
    children: (lines.length ? lines : ['']).map(
      (l) =>
        new Paragraph({
          children: [new TextRun({ text: l, bold: header, size: TABLE_TEXT })],
          alignment: header || column.center ? AlignmentType.CENTER : AlignmentType.LEFT,
          spacing: { before: 0, after: 0 },
        }),
    ),
    width: { size: column.width, type: WidthType.DXA },
    verticalAlign: header ? VerticalAlign.CENTER : VerticalAlign.TOP,
  });
}

/** A bordered table with fixed column widths, its header row repeated on every page and no row split across pages. */
function dataTable(columns: Column[], rows: Array<Array<string | string[]>>): Table {
  const widths = columns.map((c) => c.width);
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    margins: { left: 70, right: 70, top: 30, bottom: 30 },
    rows: [
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: columns.map((c) => dataCell(c.header, c, true)),
      }),
      ...rows.map(
        (row) => new TableRow({ cantSplit: true, children: row.map((value, i) => dataCell(value, columns[i])) }),
      ),
    ],
  });
}

/** Column widths in twips from shares of the text width; the last column takes the rounding. */
function columns(spec: Array<[header: string, share: number, center?: boolean]>): Column[] {
  const total = spec.reduce((sum, [, share]) => sum + share, 0);
  const cols = spec.map(([header, share, center]) => ({
    header,
    width: Math.floor((TEXT_WIDTH * share) / total),
    center,
  }));
  cols[cols.length - 1].width += TEXT_WIDTH - cols.reduce((sum, c) => sum + c.width, 0);
  return cols;
}

function received(r: AgencyReport, zone: string): string {
  return r.receivedAt ? ` (${formatDate(localDate(r.receivedAt, zone))})` : '';
}

/** Words of a name that should not end a line of a header ("SỞ THÔNG TIN VÀ" / "TRUYỀN THÔNG"). */
const joining = /^(VÀ|VỚI|CỦA|-|,)$/;

/** A name too long for one line of the header, cut in two lines of about the same length. */
function balancedLines(name: string, maxChars: number): string[] {
  const words = name.split(/\s+/);
  if (name.length <= maxChars || words.length < 2) return [name];
  let best: { lines: string[]; score: number } | undefined;
  for (let i = 1; i < words.length; i++) {
    const lines = [words.slice(0, i).join(' '), words.slice(i).join(' ')];
    const score = Math.max(...lines.map((l) => l.length)) + (joining.test(words[i - 1]) ? maxChars : 0);
    if (!best || score < best.score) best = { lines, score };
  }
  return best!.lines;
}

/** "UBND TỈNH ĐẮK NÔNG" for "Ủy ban nhân dân tỉnh Đắk Nông": the parent body's name, abbreviated as headers write it. */
function parentName(issuer: string): string {
  return issuer.replace(/^(Ủy|Uỷ) ban nhân dân\s+/i, 'UBND ').toLocaleUpperCase('vi');
}

function isCommittee(name: string): boolean {
  return /^(UBND|(Ủy|Uỷ) ban nhân dân)\b/i.test(name);
}

/** Who signs: a committee for its chair, a department for its head; anyone else as the reporting person. */
function signatory(issuingBody: string): { authority?: string; title: string } {
  if (isCommittee(issuingBody)) return { authority: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH' };
  if (/^(Sở|Trung tâm|Công an)\s/i.test(issuingBody)) return { title: 'GIÁM ĐỐC' };
  if (/^Văn phòng\s/i.test(issuingBody)) return { title: 'CHÁNH VĂN PHÒNG' };
  if (/^Ban\s/i.test(issuingBody)) return { title: 'TRƯỞNG BAN' };
  return { title: 'NGƯỜI BÁO CÁO' };
}

/** Issuing body over its parent, national name and motto, number, place and date: the header of Nghị định 30. */
function documentHeader(summary: Summary): Table {
  const left = mm(64);
  const right = TEXT_WIDTH - left;
  const body = summary.plan.focalHolder ?? summary.plan.focalAgency;
  const year = localDate(summary.compiledAt, summary.plan.timezone).slice(0, 4);
  // About 20 capitals of 13 pt bold fit on a line of the left column.
  const names = (text: string, bold: boolean): Paragraph[] =>
    balancedLines(text, 20).map((l) => line(l, { bold, size: pt(13) }));
  const bodyLines = isCommittee(body)
    ? names(body.toLocaleUpperCase('vi'), true)
    : [...names(parentName(summary.plan.issuer), false), ...names(body.toLocaleUpperCase('vi'), true)];
  const place = summary.plan.place ?? '……';
  return layoutTable(
    [left, right],
    [
      [
        [...bodyLines, rule(mm(22), left, 120)],
        [
          line('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, size: pt(12) }),
          line('Độc lập - Tự do - Hạnh phúc', { bold: true, size: pt(13) }),
          rule(mm(57), right, 120),
        ],
      ],
      [
        [line('Số: ……/BC-……', { size: pt(13) })],
        [line(`${place}, ngày …… tháng …… năm ${year}`, { italics: true, size: pt(14) })],
      ],
    ],
  );
}

/** "Nơi nhận:" on the left, the signer's authority and title on the right. */
function closing(summary: Summary): Table {
  const left = mm(70);
  const right = TEXT_WIDTH - left;
  const recipient = (text: string): Paragraph =>
    new Paragraph({ children: [new TextRun({ text, size: pt(11) })], spacing: { before: 0, after: 0 } });
  const signer = signatory(summary.plan.focalHolder ?? summary.plan.focalAgency);
  return layoutTable(
    [left, right],
    [
      [
        [
          new Paragraph({
            children: [new TextRun({ text: 'Nơi nhận:', bold: true, italics: true, size: pt(12) })],
            spacing: { before: 0, after: 0 },
          }),
          recipient(`- ${summary.plan.reportsTo} (b/c);`),
          recipient('- Lưu: VT.'),
        ],
        [
          ...(signer.authority ? [line(signer.authority, { bold: true, size: pt(14) })] : []),
          line(signer.title, { bold: true, size: pt(14) }),
          line('(Ký, ghi rõ họ tên)', { italics: true, size: pt(13) }),
          // Room for the signature (and the seal) above the name the signer writes.
          ...[1, 2, 3, 4].map(() => line('', { size: pt(14) })),
        ],
      ],
    ],
  );
}

/** The compiled summary as a Word document in the layout of an administrative report, for officers to sign and file. */
export async function renderSummaryDocx(summary: Summary): Promise<Buffer> {
  const zone = summary.plan.timezone;
  const t = summary.totals;
  const planName = `Kế hoạch ${summary.plan.number ? `số ${summary.plan.number} ` : ''}${summary.plan.title}`;
  const heading = (text: string): Paragraph => para(text, { bold: true, heading: true, keepNext: true, before: 240 });
  const children: Array<Paragraph | Table> = [
    documentHeader(summary),
    para('BÁO CÁO', { bold: true, align: 'center', before: 360, after: 0 }),
    para(`Tổng hợp tình hình thực hiện ${planName}`, { bold: true, align: 'center', after: 0 }),
    para(summary.period.label, { bold: true, align: 'center', after: 0 }),
    rule(mm(40), TEXT_WIDTH, 240),
    heading('I. TỔNG QUAN'),
    para(
      `Tổng số nhiệm vụ: ${t.tasks}. Số nhiệm vụ cơ quan chủ trì báo cáo đúng hạn: ${t['on-time']}; trễ hạn: ${t.late}; chưa báo cáo: ${t.missing}${t.extended ? `; được gia hạn (chưa đến hạn mới): ${t.extended}` : ''}. ` +
        `Số liệu tổng hợp đến ${formatInstant(summary.compiledAt, zone)}.`,
      { indent: true },
    ),
    heading('II. TÌNH TRẠNG BÁO CÁO THEO NHIỆM VỤ'),
    dataTable(
      columns([
        ['STT', 7, true],
        ['Nhiệm vụ', 33],
        ['Cơ quan chủ trì', 23],
        ['Cơ quan phối hợp', 23],
        ['Tình trạng', 14],
      ]),
      summary.tasks.map((task, i) => [
        String(i + 1),
        `${task.id}. ${task.title}`,
        agencyStatusLines(task.lead, zone),
        agencyStatusLines(task.coordinators, zone),
        statusText(task),
      ]),
    ),
    heading('III. TỔNG HỢP THEO CƠ QUAN'),
    dataTable(
      columns([
        ['STT', 7, true],
        ['Cơ quan', 35],
        ['Phải báo cáo', 10, true],
        ['Đúng hạn', 10, true],
        ['Trễ hạn', 10, true],
        ['Chưa báo cáo', 10, true],
        ['Được gia hạn', 10, true],
        ['Tỷ lệ đúng hạn', 11, true],
      ]),
      summary.agencies.map((a, i) => [
        String(i + 1),
        agencyName(a),
        String(a.owed),
        String(a.onTime),
        String(a.late),
        String(a.missing),
        String(a.extended),
        // Nothing owed yet (all extended): no rate rather than 0%.
        a.owed ? formatRate(a.onTimeRate) : '–',
      ]),
    ),
    heading('IV. NỘI DUNG BÁO CÁO CỦA CÁC NHIỆM VỤ'),
  ];
  for (const task of summary.tasks) {
    children.push(para(`Nhiệm vụ ${task.id}. ${task.title}`, { bold: true, keepNext: true, indent: true }));
    const reports = [...task.lead, ...task.coordinators];
    for (const r of reports.filter((x) => x.receivedAt)) {
      const role = r.role === 'lead' ? 'Chủ trì' : 'Phối hợp';
      children.push(
        para(
          [
            new TextRun({ text: `${role} – ${agencyName(r)}: `, italics: true }),
            new TextRun(statusText(r) + received(r, zone)),
          ],
          { indent: true },
        ),
      );
      for (const text of (r.text ?? '').split(/\r?\n/).filter((l) => l.trim()))
        children.push(para(text, { indent: true }));
      if (r.attachments.length)
        children.push(
          para(`Tệp đính kèm: ${r.attachments.map((a) => a.filename).join('; ')}`, { italics: true, indent: true }),
        );
    }
    // Those that sent nothing, one line per role and status.
    for (const role of ['lead', 'coordinators'] as const) {
      const unsent = new Map<string, string[]>();
      for (const r of reports.filter((x) => x.role === role && !x.receivedAt))
        unsent.set(statusText(r), [...(unsent.get(statusText(r)) ?? []), agencyName(r)]);
      for (const [status, agencies] of unsent) {
        const label = role === 'lead' ? 'Chủ trì' : 'Phối hợp';
        children.push(
          para(
            [new TextRun({ text: `${label} – ${status}: `, italics: true }), new TextRun(`${agencies.join('; ')}.`)],
            { indent: true },
          ),
        );
      }
    }
  }
  children.push(para('', { after: 120 }), closing(summary));

  const pageNumber = new Header({
    children: [
      new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT] })] }),
    ],
  });
  const document = new Document({
    creator: 'Hệ thống Đôn đốc',
    title: `Báo cáo tổng hợp ${summary.period.label}`,
    styles: {
      default: {
        document: { run: { font: FONT, size: BODY } },
        heading2: {
          run: { font: FONT, size: BODY, bold: true, color: '000000' },
          paragraph: { spacing: { before: 120, after: 100 } },
        },
      },
    },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: PAGE.width, height: PAGE.height, orientation: PageOrientation.PORTRAIT },
            margin: { ...MARGIN, header: mm(10), footer: mm(10) },
          },
        },
        headers: { default: pageNumber, first: new Header({ children: [] }) },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
