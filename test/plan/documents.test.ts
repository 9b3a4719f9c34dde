import { execFile, spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { readPlanDocument, type PlanDocument } from '../../src/plan/documents';
import { normalizeText } from '../../src/plan/documents/normalize-text';
import { documentReview } from '../../src/plan/documents/review';
import { importPlanText, type ReviewItem } from '../../src/plan/importer';
import type { PlanInput } from '../../src/plan/schema';
import { legacyBytes, toTcvn3, toVni } from './support/documents-legacy';
import { hasTool, numberedDocx, planDocx, printToPdf, scanPdf, scratch } from './support/documents-make';
import { directory, SHIPPED, source } from './support/fixtures';

const run = promisify(execFile);

/** What a document import must share with the text import: task ids, leads, coordinators, timeframes, deadlines. */
const essentials = (plan: PlanInput) => ({
  number: plan.number,
  issuedOn: plan.issuedOn,
  tasks: plan.tasks.map((t) => ({ id: t.id, lead: t.lead, coordinators: t.coordinators, timeframe: t.timeframe })),
  deadlines: (plan.deadlines ?? []).map((d) => ({ id: d.id, rule: d.rule, owedBy: d.owedBy })),
});

// LibreOffice, poppler and Tesseract are system packages (.ci/run installs them): without them the parts that need
// them are skipped on a developer's machine, never in CI.
const CI = Boolean(process.env.CI);
let tools = { soffice: false, poppler: false, tesseract: false };
const needs = (...names: (keyof typeof tools)[]) => names.every((n) => tools[n]) || CI;

beforeAll(async () => {
  const [soffice, poppler, tesseract] = await Promise.all([
    hasTool('soffice', ['--version']),
    hasTool('pdftotext', ['-v']),
    run('tesseract', ['--list-langs']).then(
      (r) => /^vie$/m.test(r.stdout),
      () => false,
    ),
  ]);
  tools = { soffice, poppler, tesseract };
}, 120_000);

// Each shipped plan's .docx, and its PDF when LibreOffice is here, made once for the whole file.
const work = scratch();
afterAll(async () => (await work).cleanup());
const made = new Map<string, Promise<{ docx: string; pdf?: string }>>();
function documentsOf(id: string): Promise<{ docx: string; pdf?: string }> {
  if (!made.has(id))
    made.set(
      id,
      (async () => {
        const { dir } = await work;
        const docx = join(dir, `${id}.docx`);
        await writeFile(docx, await planDocx(source(id)));
        return { docx, ...(needs('soffice') ? { pdf: await printToPdf(docx, dir) } : {}) };
      })(),
    );
  return made.get(id)!;
}

describe.each(SHIPPED)('the $id plan as officers receive it', ({ id, province }) => {
  const dir = directory(province);
  const text = importPlanText(source(id), { fileName: `${id}.txt`, directory: dir });
  let docxFile: string;
  let pdfFile: string | undefined;

  beforeAll(async () => {
    ({ docx: docxFile, pdf: pdfFile } = await documentsOf(id));
  }, 240_000);

  const imported = (doc: PlanDocument) => importPlanText(doc.text, { fileName: `${id}.txt`, directory: dir });

  it('reads the shipped text file to the plan the importer makes of the text', async () => {
    const doc = await readPlanDocument(join(__dirname, '..', '..', 'plans', 'sources', `${id}.txt`));
    expect(doc.kind).toBe('text');
    expect(essentials(imported(doc).plan)).toEqual(essentials(text.plan));
  });

  it('reads a .docx written from the text to the same tasks, leads and deadlines', async () => {
    const doc = await readPlanDocument(docxFile);
    expect(doc.kind).toBe('docx');
    expect(essentials(imported(doc).plan)).toEqual(essentials(text.plan));
  });

  it('reads the PDF LibreOffice prints from that .docx to the same tasks, leads and deadlines', async () => {
    if (!needs('soffice', 'poppler')) return;
    const doc = await readPlanDocument(pdfFile!);
    expect(doc.kind).toBe('pdf-text');
    expect(doc.pages).toBeGreaterThan(1);
    // The running footer of every page and the page numbers from page 2 are gone.
    expect(doc.text).not.toContain('Kế hoạch công tác thông tin đối ngoại\n');
    expect(doc.warnings.join('\n')).toContain(`đã bỏ ${doc.pages! * 2 - 1} dòng đầu trang`);
    expect(essentials(imported(doc).plan)).toEqual(essentials(text.plan));
    expect(doc.origins[doc.origins.length - 1].page).toBe(doc.pages);
  });
});

describe('a scanned PDF', () => {
  it('is read by OCR to the tasks and deadlines of the text on its pages', async () => {
    if (!needs('soffice', 'poppler', 'tesseract')) return;
    const { dir: folder } = await work;
    const id = 'thai-binh-ttdn-2019';
    const pdf = (await documentsOf(id)).pdf!;
    // Two pages keep the test short; the text-layer PDF of the same two pages is what OCR must match.
    await run('pdfseparate', ['-f', '1', '-l', '2', pdf, join(folder, 'page-%d.pdf')]);
    const twoPages = join(folder, 'two-pages.pdf');
    await run('pdfunite', [join(folder, 'page-1.pdf'), join(folder, 'page-2.pdf'), twoPages]);
    const scanned = await scanPdf(pdf, join(folder, 'scanned.pdf'), 1, 2);

    const doc = await readPlanDocument(scanned);
    expect(doc.kind).toBe('pdf-scanned');
    expect(doc.ocr?.pages).toEqual([1, 2]);
    expect(doc.ocr?.meanConfidence).toBeGreaterThan(80);
    const dir = directory('thai-binh');
    const ocr = importPlanText(doc.text, { fileName: `${id}.txt`, directory: dir }).plan;
    const layer = importPlanText((await readPlanDocument(twoPages)).text, {
      fileName: `${id}.txt`,
      directory: dir,
    }).plan;
    expect(layer.tasks.length).toBeGreaterThanOrEqual(4);
    expect(ocr.tasks.map((t) => t.id)).toEqual(layer.tasks.map((t) => t.id));
    expect(ocr.tasks.map((t) => t.timeframe.rule)).toEqual(layer.tasks.map((t) => t.timeframe.rule));
    expect((ocr.deadlines ?? []).map((d) => [d.id, d.rule])).toEqual(
      (layer.deadlines ?? []).map((d) => [d.id, d.rule]),
    );
    // Every name OCR read is on the review list, with the pages and their confidence.
    const review = documentReview(doc, ocr);
    expect(review.find((r) => r.kind === 'ocr-confidence' && r.field === 'source')?.read).toMatch(
      /OCR.*trang 1, 2; độ tin cậy trung bình \d+,\d%/,
    );
    ocr.tasks.forEach((task, i) => {
      if (task.lead.length)
        expect(review.map((r) => `${r.kind} ${r.field}`)).toContain(`ocr-confidence tasks[${i}].lead`);
    });
    // The tasks of those pages are the first tasks of the whole plan.
    const whole = importPlanText(source(id), { fileName: `${id}.txt`, directory: dir }).plan;
    expect(whole.tasks.slice(0, layer.tasks.length).map((t) => t.id)).toEqual(layer.tasks.map((t) => t.id));
  }, 240_000);
});

describe("a scan with its scanner's hidden text layer", () => {
  it('is read again by OCR, so that the review list has its pages and confidence', async () => {
    if (!needs('soffice', 'poppler', 'tesseract')) return;
    const { dir } = await work;
    const pdf = (await documentsOf('thai-binh-ttdn-2019')).pdf!;
    await run('pdftoppm', ['-r', '200', '-png', '-f', '1', '-l', '1', pdf, join(dir, 'searchable')]);
    // Tesseract's own PDF output is a page image with the recognised text hidden over it, as scanners make.
    const image = join(
      dir,
      (await readdir(dir)).find((f) => /^searchable-\d+\.png$/.test(f))!,
    );
    await run('tesseract', [image, join(dir, 'searchable'), '-l', 'vie', 'pdf'], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    const doc = await readPlanDocument(join(dir, 'searchable.pdf'));
    expect(doc.kind).toBe('pdf-scanned');
    expect(doc.ocr?.pages).toEqual([1]);
    expect(doc.warnings.join('\n')).toContain('trang 1 là bản quét đã có lớp chữ');
    const tasks = (text: string) => importPlanText(text).plan.tasks.map((t) => t.id);
    expect(tasks(doc.text).length).toBeGreaterThan(0);
  }, 240_000);
});

describe('a page scanned sideways', () => {
  it('is turned upright and read to the tasks of its text', async () => {
    if (!needs('soffice', 'poppler', 'tesseract')) return;
    const { dir } = await work;
    const pdf = (await documentsOf('thai-binh-ttdn-2019')).pdf!;
    await run('pdfseparate', ['-f', '1', '-l', '1', pdf, join(dir, 'upright-%d.pdf')]);
    const doc = await readPlanDocument(await scanPdf(pdf, join(dir, 'sideways.pdf'), 1, 1, 200, 90));
    expect(doc.warnings.join('\n')).toContain('trang 1 được quét ngang hoặc ngược: đã xoay lại');
    expect(doc.ocr?.meanConfidence).toBeGreaterThan(80);
    const tasks = (text: string) => importPlanText(text).plan.tasks.map((t) => [t.id, t.timeframe.rule]);
    const layer = tasks((await readPlanDocument(join(dir, 'upright-1.pdf'))).text);
    expect(layer.length).toBeGreaterThan(0);
    expect(tasks(doc.text)).toEqual(layer);
  }, 240_000);
});

describe('a scan longer than OCR reads at once', () => {
  it('is refused before any page is read, saying how many pages it has', async () => {
    if (!needs('soffice', 'poppler')) return;
    const { dir } = await work;
    const scanned = await scanPdf((await documentsOf('thai-binh-ttdn-2019')).pdf!, join(dir, 'long.pdf'), 1, 2);
    await expect(readPlanDocument(scanned, { maxOcrPages: 1 })).rejects.toThrow(
      /có 2 trang quét, quá 1 trang OCR đọc một lần/,
    );
  });
});

describe('Word auto-numbering', () => {
  it('keeps the numbers Word draws (I., 1., a), bullets), restarting under each heading', async () => {
    const buffer = await numberedDocx([
      { text: 'KẾ HOẠCH' },
      { text: 'CÔNG TÁC THÔNG TIN ĐỐI NGOẠI NĂM 2025' },
      { text: 'MỤC ĐÍCH, YÊU CẦU', level: 0 },
      { text: 'Nâng cao chất lượng thông tin đối ngoại.' },
      { text: 'NỘI DUNG', level: 0 },
      { text: 'Tổ chức hội nghị báo chí', level: 1 },
      { text: 'Thời gian: Quý II/2025.', level: 3 },
      { text: 'Đơn vị chủ trì: Sở Văn hóa, Thể thao và Du lịch.', level: 3 },
      { text: 'Tuyên truyền trên báo, đài', level: 1 },
      { text: 'Tin bài trên Báo tỉnh.', level: 2 },
      { text: 'Phóng sự trên Đài Phát thanh và Truyền hình tỉnh.', level: 2 },
      { text: 'TỔ CHỨC THỰC HIỆN', level: 0 },
      { text: 'Sở Tài chính bố trí kinh phí.', level: 1 },
    ]);
    const doc = await readPlanDocument({ buffer, name: 'numbered.docx' });
    const lines = doc.text.split('\n').filter(Boolean);
    expect(lines).toEqual([
      'KẾ HOẠCH',
      'CÔNG TÁC THÔNG TIN ĐỐI NGOẠI NĂM 2025',
      'I. MỤC ĐÍCH, YÊU CẦU',
      'Nâng cao chất lượng thông tin đối ngoại.',
      'II. NỘI DUNG',
      '1. Tổ chức hội nghị báo chí',
      '- Thời gian: Quý II/2025.',
      '- Đơn vị chủ trì: Sở Văn hóa, Thể thao và Du lịch.',
      '2. Tuyên truyền trên báo, đài',
      'a) Tin bài trên Báo tỉnh.',
      'b) Phóng sự trên Đài Phát thanh và Truyền hình tỉnh.',
      'III. TỔ CHỨC THỰC HIỆN',
      '1. Sở Tài chính bố trí kinh phí.',
    ]);
    expect(doc.warnings.join('\n')).toContain('số thứ tự tự động');
    const { plan } = importPlanText(doc.text, { fileName: 'numbered.txt' });
    expect(plan.tasks[0]).toMatchObject({ id: '1', lead: ['Sở Văn hóa, Thể thao và Du lịch'] });
  });
});

// Sentences typed as the legacy fonts stored them (TCVN3: one byte per letter; VNI: marks after the vowel).
const UNICODE =
  'Cộng hòa xã hội chủ nghĩa Việt Nam. Kế hoạch công tác thông tin đối ngoại tỉnh Thái Bình năm 2019. Người dân được hưởng lợi.';
const TCVN3 =
  'Céng hßa x· héi chñ nghÜa ViÖt Nam. KÕ ho¹ch c«ng t¸c th«ng tin ®èi ngo¹i tØnh Th¸i B×nh n¨m 2019. Ng\u00adêi d©n ®\u00adîc h\u00adëng lîi.';
const VNI =
  'Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Keá hoaïch coâng taùc thoâng tin ñoái ngoaïi tænh Thaùi Bình naêm 2019. Ngöôøi daân ñöôïc höôûng lôïi.';

describe('legacy Vietnamese encodings', () => {
  it.each([
    ['TCVN3', TCVN3],
    ['VNI', VNI],
  ])('converts %s text in a text file (8-bit bytes) to Unicode', async (name, legacy) => {
    const doc = await readPlanDocument({ buffer: Buffer.from(`${legacy}\n`, 'latin1'), name: 'cu.txt' });
    expect(doc.text).toBe(`${UNICODE}\n`);
    expect(doc.warnings.join('\n')).toContain(name);
  });

  it('converts TCVN3 text in a .docx (a .doc saved with its .VnTime font), keeping Unicode paragraphs as they are', async () => {
    const buffer = await Packer.toBuffer(
      new Document({
        sections: [
          {
            children: [
              new Paragraph({ children: [new TextRun({ text: TCVN3, font: '.VnTime' })] }),
              new Paragraph({ children: [new TextRun('Đoạn này đã là Unicode: hoàn thành trước ngày 15/5.')] }),
              new Paragraph({ children: [new TextRun({ text: 'Uû ban nh©n d©n tØnh', font: '.VnTime' })] }),
              new Paragraph({ children: [new TextRun({ text: 'KÕ HO¹CH', font: '.VnTimeH' })] }),
            ],
          },
        ],
      }),
    );
    const doc = await readPlanDocument({ buffer, name: 'cu.docx' });
    expect(doc.text.split('\n').filter(Boolean)).toEqual([
      UNICODE,
      'Đoạn này đã là Unicode: hoàn thành trước ngày 15/5.',
      'Uỷ ban nhân dân tỉnh',
      'KẾ HOẠCH',
    ]);
    expect(doc.warnings.join('\n')).toMatch(/TCVN3.*chỉ những từ không đọc được bằng Unicode/);
  });

  it('reads a whole plan typed in VNI, as an 8-bit text file and in a .docx, to the plan of its Unicode text', async () => {
    const id = 'thai-binh-ttdn-2019';
    const dir = directory('thai-binh');
    const want = essentials(importPlanText(source(id), { fileName: `${id}.txt`, directory: dir }).plan);
    const vni = toVni(source(id));
    expect(vni).not.toMatch(/[\u0100-\uffff]/u);
    const txt = await readPlanDocument({ buffer: legacyBytes(vni), name: `${id}.txt` });
    const docx = await readPlanDocument({
      buffer: await planDocx(source(id), 'Kế hoạch thông tin đối ngoại', toVni),
      name: `${id}.docx`,
    });
    for (const doc of [txt, docx]) {
      expect(doc.warnings.join('\n')).toContain('VNI');
      expect(essentials(importPlanText(doc.text, { fileName: `${id}.txt`, directory: dir }).plan)).toEqual(want);
    }
    expect(txt.text).toBe((await readPlanDocument({ buffer: Buffer.from(source(id)), name: `${id}.txt` })).text);
  });

  it('reads a whole plan typed in TCVN3 to the tasks, timeframes and deadlines of its Unicode text', async () => {
    // TCVN3 has no capitals with tone marks outside all-capitals lines: "Ủy ban" comes back as "ủy ban", so names
    // differ in case; what the schedule needs does not.
    const id = 'dak-nong-ttdn-2025';
    const schedule = (plan: PlanInput) => ({
      tasks: plan.tasks.map((t) => [t.id, t.timeframe.rule]),
      deadlines: (plan.deadlines ?? []).map((d) => [d.id, d.rule]),
    });
    const doc = await readPlanDocument({ buffer: legacyBytes(toTcvn3(source(id))), name: `${id}.txt` });
    expect(doc.warnings.join('\n')).toContain('TCVN3');
    expect(doc.text).toContain('KẾ HOẠCH\nCÔNG TÁC THÔNG TIN ĐỐI NGOẠI TỈNH ĐẮK NÔNG NĂM 2025');
    expect(schedule(importPlanText(doc.text, { fileName: `${id}.txt` }).plan)).toEqual(
      schedule(importPlanText(source(id), { fileName: `${id}.txt` }).plan),
    );
  });

  it('reads an old Word .doc typed in VNI (converted to .docx by LibreOffice) to the plan of its Unicode text', async () => {
    if (!needs('soffice')) return;
    const id = 'thai-binh-ttdn-2019';
    const dir = directory('thai-binh');
    const { dir: folder } = await work;
    const docx = join(folder, 'vni.docx');
    await writeFile(docx, await planDocx(source(id), 'Kế hoạch thông tin đối ngoại', toVni));
    const profile = join(folder, 'lo-doc');
    await run(
      'soffice',
      ['--headless', `-env:UserInstallation=file://${profile}`, '--convert-to', 'doc', '--outdir', folder, docx],
      {
        timeout: 180_000,
      },
    );
    const doc = await readPlanDocument(join(folder, 'vni.doc'));
    expect(doc.kind).toBe('docx');
    expect(doc.warnings.join('\n')).toMatch(/Word cũ \(\.doc\)[\s\S]*VNI/);
    expect(essentials(importPlanText(doc.text, { fileName: `${id}.txt`, directory: dir }).plan)).toEqual(
      essentials(importPlanText(source(id), { fileName: `${id}.txt`, directory: dir }).plan),
    );
  }, 240_000);

  it('leaves Unicode text alone', async () => {
    const doc = await readPlanDocument({ buffer: Buffer.from(`${UNICODE}\n`), name: 'moi.txt' });
    expect(doc.text).toBe(`${UNICODE}\n`);
    expect(doc.warnings).toEqual([]);
  });

  it('refuses 8-bit text that is no legacy Vietnamese, saying where the first odd byte is', async () => {
    const buffer = Buffer.concat([Buffer.from('KẾ HOẠCH\nNăm '), Buffer.from([0xe9, 0xe8, 0x20, 0xfc, 0xff, 0x0a])]);
    await expect(readPlanDocument({ buffer, name: 'la.txt' })).rejects.toThrow(
      /không phải văn bản UTF-8.*byte 0xe9 ở dòng 2, cột 6/,
    );
  });
});

describe('documents that are not plans', () => {
  it('refuses binary data, naming the first binary byte and its place', async () => {
    const buffer = Buffer.concat([Buffer.from('KẾ HOẠCH\nabc'), Buffer.from([0x00, 0x13, 0x37, 0xff])]);
    await expect(readPlanDocument({ buffer, name: 'plan.txt' })).rejects.toThrow(
      /tệp nhị phân.*\(binary file\): byte 0x00 ở vị trí 16 \(dòng 2, cột 4\)/,
    );
  });

  it.each([
    [
      'an old Office file that is no Word document',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      /Office cũ/,
    ],
    ['a PNG image', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), /ảnh PNG/],
    ['a ZIP that is no .docx', Buffer.from('PK\u0003\u0004 xl/workbook.xml', 'latin1'), /Excel/],
    ['a damaged .docx', Buffer.from('PK\u0003\u0004 word/document.xml and nothing else', 'latin1'), /\.docx hỏng/],
  ])('refuses %s with what to do', async (_name, buffer, reason) => {
    await expect(readPlanDocument({ buffer, name: 'ke-hoach.docx' })).rejects.toThrow(reason);
  });

  it('tells the format by content, not by name, and says so', async () => {
    const buffer = await planDocx('KẾ HOẠCH\nCÔNG TÁC NĂM 2025\n');
    const doc = await readPlanDocument({ buffer, name: 'ke-hoach.pdf' });
    expect(doc.kind).toBe('docx');
    expect(doc.warnings[0]).toContain('đuôi .pdf nhưng nội dung là DOCX');
  });
});

describe('normalising extracted text', () => {
  const page = (n: number, lines: string[]) => ({ page: n, lines: lines.map((text, i) => ({ text, line: i + 1 })) });

  it('drops running headers, footers and page numbers repeated across pages, and keeps the body', () => {
    const { text, origins } = normalizeText([
      page(1, ['UBND TỈNH X', 'KẾ HOẠCH', 'a) Nội dung một.', 'Trang 1/3']),
      page(2, ['UBND TỈNH X', '- 2 -', 'b) Nội dung hai.', 'Trang 2/3']),
      page(3, ['UBND TỈNH X', '3', 'c) Nội dung ba.', 'Trang 3/3']),
    ]);
    expect(text).toBe('KẾ HOẠCH\na) Nội dung một.\nb) Nội dung hai.\nc) Nội dung ba.\n');
    expect(origins).toEqual([
      { page: 1, line: 2 },
      { page: 1, line: 3 },
      { page: 2, line: 3 },
      { page: 3, line: 3 },
    ]);
  });

  it('joins codes split at a hyphen, soft hyphens and lines that continue in lower case, never an item', () => {
    const { text } = normalizeText([
      {
        lines: [
          'Kết luận số 57-',
          'KL/TW ngày 15/6/2023 của Bộ Chính trị về',
          'công tác thông tin đối ngoại; phát triển kinh tế -',
          'xã hội của tỉnh; thông tin đối ngoại (infor\u00ad',
          'mation)',
          'a) Cơ quan chủ trì:',
          'b) phối hợp',
          '- Thời gian:',
          'Thường xuyên',
        ].map((t, i) => ({ text: t, line: i + 1 })),
      },
    ]);
    expect(text.split('\n').filter(Boolean)).toEqual([
      'Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị về công tác thông tin đối ngoại; phát triển kinh tế - xã hội của tỉnh; thông tin đối ngoại (information)',
      'a) Cơ quan chủ trì:',
      'b) phối hợp',
      '- Thời gian:',
      'Thường xuyên',
    ]);
  });

  it('writes NFC with plain spaces', () => {
    const { text } = normalizeText([{ lines: [{ text: 'Ke\u0302\u0301\u00a0hoa\u0323ch\tna\u0306m', line: 1 }] }]);
    expect(text).toBe('Kế hoạch năm\n');
  });
});

describe('the bytes of a file on disk', () => {
  it('are read from a path as from a buffer', async () => {
    const file = join(__dirname, '..', '..', 'plans', 'sources', 'thai-binh-ttdn-2019.txt');
    const [fromPath, fromBuffer] = await Promise.all([
      readPlanDocument(file),
      readFile(file).then((buffer) => readPlanDocument({ buffer, name: 'x.txt' })),
    ]);
    expect(fromPath).toEqual(fromBuffer);
  });
});

const ROOT = join(__dirname, '..', '..');
const dondoc = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'dondoc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('dondoc plan import of a document', () => {
  const id = 'thai-binh-ttdn-2019';

  it('imports a .docx to the tasks of the text, its review list located by paragraph', async () => {
    const { dir } = await work;
    const file = (await documentsOf(id)).docx;
    const json = dondoc('plan', 'import', file, '--json');
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout) as { plan: PlanInput; document: { kind: string }; review: ReviewItem[] };
    expect(out.document.kind).toBe('docx');
    expect(out.plan.tasks.map((t) => t.id)).toEqual(importPlanText(source(id)).plan.tasks.map((t) => t.id));
    const yaml = dondoc('plan', 'import', file, '--text', join(dir, 'text.txt'));
    expect(yaml.status).toBe(0);
    expect(yaml.stderr).toMatch(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')} \\(đoạn \\d+\\) \\S+: `, 'm'));
    expect(await readFile(join(dir, 'text.txt'), 'utf8')).toContain('KẾ HOẠCH');
  });

  it('says in the review list which pages of a partly scanned PDF OCR read, and flags the names on them', async () => {
    if (!needs('soffice', 'poppler', 'tesseract')) return;
    const { dir } = await work;
    // Page 1 keeps its text layer, page 2 is a scan: the signed page of a plan often is.
    const pdf = (await documentsOf(id)).pdf!;
    await run('pdfseparate', ['-f', '1', '-l', '1', pdf, join(dir, 'text-%d.pdf')]);
    await scanPdf(pdf, join(dir, 'scan-2.pdf'), 2, 2);
    const mixed = join(dir, 'mixed.pdf');
    await run('pdfunite', [join(dir, 'text-1.pdf'), join(dir, 'scan-2.pdf'), mixed]);
    const { status, stdout, stderr } = dondoc('plan', 'import', mixed, '--json');
    expect(status).toBe(0);
    const out = JSON.parse(stdout) as {
      plan: PlanInput;
      document: { kind: string; ocr: { pages: number[]; meanConfidence: number } };
      review: ReviewItem[];
    };
    expect(out.document).toMatchObject({ kind: 'pdf-scanned', pages: 2, ocr: { pages: [2] } });
    const flagged = new Set(out.review.filter((r) => r.kind === 'ocr-confidence').map((r) => r.field));
    expect(flagged).toContain('source');
    // The tasks whose text is all on page 1 (the text layer): every one but the last that page starts.
    const page1 = importPlanText((await readPlanDocument(join(dir, 'text-1.pdf'))).text).plan.tasks.map((t) => t.id);
    const onPage1 = out.plan.tasks.filter((t) => page1.slice(0, -1).includes(t.id));
    const onPage2 = out.plan.tasks.filter((t) => !page1.includes(t.id) && t.lead.length > 0);
    for (const t of onPage2) expect(flagged).toContain(`tasks[${out.plan.tasks.indexOf(t)}].lead`);
    for (const t of onPage1) expect(flagged).not.toContain(`tasks[${out.plan.tasks.indexOf(t)}].lead`);
    expect(stderr).toMatch(/mixed\.pdf source: .*OCR.* trang 2;/);
  }, 240_000);
});
