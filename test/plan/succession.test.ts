import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbook } from 'exceljs';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import { buildSummary } from '../../src/activities/render/summary';
import { renderSummaryXlsx } from '../../src/activities/render/summary-xlsx';
import { recipientAddresses, successionNotice } from '../../src/activities/recipients';
import { loadDirectoryFile, loadPlanFile, PlanError } from '../../src/plan/load';
import { formatProblem } from '../../src/plan/problems';
import { directorySchema, type Directory } from '../../src/plan/schema';
import { displayName, nameOn, successorOn } from '../../src/plan/succession';

const BASIS = 'Nghị quyết của HĐND tỉnh về thành lập Sở KH&CN trên cơ sở hợp nhất';

/** A directory where A merges into B on 1/3/2025, B is renamed C on 1/7/2025, and D splits on 1/7/2025. */
function directory(): Directory {
  return directorySchema.parse({
    province: 'Thử Nghiệm',
    placeholderEmails: true,
    groups: [{ name: 'các xã, phường (huyện X cũ)' }],
    agencies: [
      {
        name: 'Sở Thông tin và Truyền thông',
        aliases: ['Sở TT&TT'],
        emails: ['a@tn.example'],
        successor: { by: 'Sở Khoa học và Công nghệ', from: '2025-03-01', basis: BASIS },
      },
      {
        name: 'Sở Khoa học và Công nghệ',
        emails: ['b@tn.example'],
        successor: {
          by: 'Sở Khoa học, Công nghệ và Đổi mới sáng tạo',
          from: '2025-07-01',
          basis: 'Quyết định đổi tên',
        },
      },
      { name: 'Sở Khoa học, Công nghệ và Đổi mới sáng tạo', emails: ['c@tn.example'] },
      {
        name: 'Sở Lao động - Thương binh và Xã hội',
        emails: ['d@tn.example'],
        successors: [
          { by: 'Sở Nội vụ', share: 'lao động, việc làm, người có công', from: '2025-03-01', basis: 'NQ chia tách' },
          { by: 'Sở Y tế', share: 'bảo trợ xã hội, trẻ em', from: '2025-03-01', basis: 'NQ chia tách' },
        ],
      },
      { name: 'Sở Nội vụ', emails: ['nv@tn.example'] },
      { name: 'Sở Y tế', emails: ['yt@tn.example'] },
      {
        name: 'Ủy ban nhân dân huyện X',
        emails: ['x@tn.example'],
        successors: [
          { by: 'các xã, phường (huyện X cũ)', share: 'nhiệm vụ cấp huyện', from: '2025-07-01', basis: 'Luật' },
        ],
      },
    ],
  });
}

describe('successorOn', () => {
  const dir = directory();
  const names = (agency: string, date: string, duty?: string) =>
    successorOn(dir, agency, date, duty).agencies.map((a) => a.name);

  it('keeps the agency before its succession date and gives the successor from that day on', () => {
    expect(names('Sở Thông tin và Truyền thông', '2025-02-28')).toEqual(['Sở Thông tin và Truyền thông']);
    expect(names('Sở Thông tin và Truyền thông', '2025-03-01')).toEqual(['Sở Khoa học và Công nghệ']);
    expect(names('Sở TT&TT', '2025-06-30')).toEqual(['Sở Khoa học và Công nghệ']);
  });

  it('follows a chain of successions whose dates have come (A → B → C)', () => {
    const { agencies, steps } = successorOn(dir, 'Sở Thông tin và Truyền thông', '2025-07-01');
    expect(agencies.map((a) => a.name)).toEqual(['Sở Khoa học, Công nghệ và Đổi mới sáng tạo']);
    expect(steps.map((s) => [s.from, s.to, s.date])).toEqual([
      ['Sở Thông tin và Truyền thông', ['Sở Khoa học và Công nghệ'], '2025-03-01'],
      ['Sở Khoa học và Công nghệ', ['Sở Khoa học, Công nghệ và Đổi mới sáng tạo'], '2025-07-01'],
    ]);
    expect(nameOn(dir, 'Sở Thông tin và Truyền thông', '2025-07-01')).toBe(
      'Sở Khoa học, Công nghệ và Đổi mới sáng tạo',
    );
  });

  it('gives a split duty to the successor whose share the duty names, and to all when it cannot be told', () => {
    expect(names('Sở Lao động - Thương binh và Xã hội', '2025-03-01', 'Hỗ trợ việc làm cho thanh niên')).toEqual([
      'Sở Nội vụ',
    ]);
    expect(names('Sở Lao động - Thương binh và Xã hội', '2025-03-01', 'Chăm sóc trẻ em khó khăn')).toEqual(['Sở Y tế']);
    const unknown = successorOn(dir, 'Sở Lao động - Thương binh và Xã hội', '2025-03-01', 'Tuyên truyền biển đảo');
    expect(unknown.agencies.map((a) => a.name)).toEqual(['Sở Nội vụ', 'Sở Y tế']);
    expect(unknown.steps[0].undetermined).toBe(true);
    expect(names('Sở Lao động - Thương binh và Xã hội', '2025-02-28', 'việc làm')).toEqual([
      'Sở Lao động - Thương binh và Xã hội',
    ]);
  });

  it('leaves the duty with the agency while its successor group has no members yet', () => {
    const { agencies, steps } = successorOn(dir, 'Ủy ban nhân dân huyện X', '2025-08-01');
    expect(agencies.map((a) => a.name)).toEqual(['Ủy ban nhân dân huyện X']);
    expect(steps).toHaveLength(1);
  });

  it('names both in a period that reaches the date, the original before it', () => {
    expect(displayName(dir, 'Sở Thông tin và Truyền thông', '2025-02-28')).toBe('Sở Thông tin và Truyền thông');
    expect(displayName(dir, 'Sở Thông tin và Truyền thông', '2025-06-30')).toBe(
      'Sở Khoa học và Công nghệ (trước 1/3/2025: Sở Thông tin và Truyền thông)',
    );
    expect(displayName(dir, 'Sở Y tế', '2025-12-31')).toBe('Sở Y tế');
  });
});

describe('recipientAddresses on a send day', () => {
  const dir = directory();
  it('mails the successor from the succession date, the original before, and says who took over', () => {
    expect(recipientAddresses(dir, ['Sở Thông tin và Truyền thông'], {}, { on: '2025-02-28' })).toEqual([
      'a@tn.example',
    ]);
    expect(recipientAddresses(dir, ['Sở Thông tin và Truyền thông'], {}, { on: '2025-03-01' })).toEqual([
      'b@tn.example',
    ]);
    expect(recipientAddresses(dir, ['Sở Thông tin và Truyền thông'])).toEqual(['a@tn.example']);
    expect(successionNotice(dir, ['Sở Thông tin và Truyền thông'], { on: '2025-02-28' })).toBe('');
    expect(successionNotice(dir, ['Sở Thông tin và Truyền thông'], { on: '2025-03-02' })).toContain(
      'Từ ngày 1/3/2025, Sở Khoa học và Công nghệ tiếp nhận nhiệm vụ của Sở Thông tin và Truyền thông',
    );
  });

  it("keeps an admin's override over the directory's succession", () => {
    const overrides = { 'Sở Thông tin và Truyền thông': ['override@tn.example'] };
    expect(recipientAddresses(dir, ['Sở Thông tin và Truyền thông'], overrides, { on: '2025-05-01' })).toEqual([
      'override@tn.example',
    ]);
  });
});

describe('successions in files', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-succession-'));
    mkdirSync(join(root, 'agencies'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const writeDirectory = (agencies: string) =>
    writeFileSync(
      join(root, 'agencies', 'tn.yaml'),
      `province: Thử Nghiệm\nplaceholderEmails: true\nagencies:\n  - name: Ủy ban nhân dân tỉnh\n    emails: ["ubnd@tn.example"]\n${agencies}`,
    );
  const MERGED = `  - name: Sở Thông tin và Truyền thông
    emails: ["a@tn.example"]
    successor: { by: Sở Khoa học và Công nghệ, from: "2025-03-01", basis: "${BASIS}", note: Cán bộ kiểm tra số nghị quyết }
  - name: Sở Khoa học và Công nghệ
    emails: ["b@tn.example"]
`;
  const plan = (from: string, to: string) => `id: tn
title: Kế hoạch thử nghiệm
issuer: Ủy ban nhân dân tỉnh
period: { from: "${from}", to: "${to}" }
directory: agencies/tn.yaml
focalAgency: Ủy ban nhân dân tỉnh
reportsTo: Ủy ban nhân dân tỉnh
tasks:
  - id: "1"
    title: Nhiệm vụ một
    lead:
      - Sở Thông tin và Truyền thông
    timeframe: { text: Thường xuyên, rule: { type: ongoing } }
`;

  it('warns, at the line, when a plan names an agency succeeded inside its period, and proposes the successor', async () => {
    writeDirectory(MERGED);
    writeFileSync(join(root, 'tn.yaml'), plan('2025-01-01', '2025-12-31'));
    const loaded = await loadPlanFile(join(root, 'tn.yaml'));
    const lines = loaded.warnings.map(formatProblem).filter((l) => l.includes('kế thừa'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /tn\.yaml:12 tasks\[0\]\.lead: warning: "Sở Thông tin và Truyền thông" có cơ quan kế thừa từ 1\/3\/2025/,
    );
    expect(lines[0]).toContain('Đề xuất: thay bằng "Sở Khoa học và Công nghệ"');
    expect(lines[0]).toContain('Ghi chú: Cán bộ kiểm tra số nghị quyết');
  });

  it('does not warn for a plan that ends before the succession date', async () => {
    writeDirectory(MERGED);
    writeFileSync(join(root, 'tn.yaml'), plan('2024-01-01', '2025-02-28'));
    const loaded = await loadPlanFile(join(root, 'tn.yaml'));
    expect(loaded.warnings.filter((w) => w.message.includes('kế thừa'))).toEqual([]);
  });

  it('refuses a directory whose successor it does not know, or whose chain comes back', async () => {
    writeDirectory(`  - name: Sở A
    emails: ["a@tn.example"]
    successor: { by: Sở Không Có, from: "2025-03-01", basis: x }
`);
    await expect(loadDirectoryFile(join(root, 'agencies', 'tn.yaml'))).rejects.toThrow(
      /successor\.by: cơ quan kế thừa "Sở Không Có" không có trong danh bạ/,
    );
    writeDirectory(`  - name: Sở A
    emails: ["a@tn.example"]
    successor: { by: Sở B, from: "2025-03-01", basis: x }
  - name: Sở B
    emails: ["b@tn.example"]
    successor: { by: Sở A, from: "2025-07-01", basis: x }
`);
    const err = await loadDirectoryFile(join(root, 'agencies', 'tn.yaml')).catch((e: PlanError) => e);
    expect((err as PlanError).message).toMatch(/chuỗi kế thừa của "Sở A" quay lại chính nó/);
  });

  it('reaches a running worker: the catalog reads an edited directory again once its read is a minute old', async () => {
    writeDirectory(`  - name: Sở Thông tin và Truyền thông
    emails: ["a@tn.example"]
  - name: Sở Khoa học và Công nghệ
    emails: ["b@tn.example"]
`);
    writeFileSync(join(root, 'tn.yaml'), plan('2025-01-01', '2025-12-31'));
    let clock = 0;
    const catalog = createPlanCatalog(root, { now: () => clock });
    const addresses = async () =>
      recipientAddresses(
        (await catalog.get('tn')).directory,
        ['Sở Thông tin và Truyền thông'],
        {},
        { on: '2025-05-01' },
      );
    expect(await addresses()).toEqual(['a@tn.example']);
    writeDirectory(MERGED);
    clock += 30_000;
    expect(await addresses()).toEqual(['a@tn.example']);
    clock += 30_000;
    expect(await addresses()).toEqual(['b@tn.example']);
  });
});

describe('the shipped Ninh Bình 2022–2030 plan and its directory', () => {
  const file = join(__dirname, '..', '..', 'plans', 'ninh-binh-bien-gioi-bien-2022-2030.yaml');

  it('addresses agencies that exist in its remaining years, and says which tasks a split cannot place', async () => {
    const { plan, directory, warnings } = await loadPlanFile(file);
    const holders = (agency: string, date: string, duty?: string) =>
      successorOn(directory, agency, date, duty).agencies.map((a) => a.name);
    // External information passed to Sở VHTTDL with the press (Nghị định 43/2025/NĐ-CP): the plan's focal role.
    expect(holders(plan.focalAgency, '2025-02-28', plan.title)).toEqual(['Sở Thông tin và Truyền thông']);
    expect(holders(plan.focalAgency, '2026-11-15', plan.title)).toEqual(['Sở Văn hóa, Thể thao và Du lịch']);
    // Task 2 (telecom infrastructure and external information) falls under both shares.
    const task2 = plan.tasks.find((t) => t.id === '2')!;
    expect(holders('Sở Thông tin và Truyền thông', '2026-11-15', `${task2.title}\n${task2.content}`)).toEqual([
      'Sở Khoa học và Công nghệ',
      'Sở Văn hóa, Thể thao và Du lịch',
    ]);
    // The district committee stays addressed until the officer names the communes that took over.
    expect(holders('Ủy ban nhân dân huyện Kim Sơn', '2026-11-15')).toEqual(['Ủy ban nhân dân huyện Kim Sơn']);
    const lines = warnings.map(formatProblem).filter((l) => l.includes('kế thừa'));
    expect(lines.filter((l) => l.includes('không xác định được phần việc này')).length).toBeGreaterThan(0);
    expect(
      lines.some((l) => /focalAgency: warning: .*Đề xuất: thay bằng "Sở Văn hóa, Thể thao và Du lịch"/.test(l)),
    ).toBe(true);
  });
});

describe('summary workbooks across a succession', () => {
  it('name the successor with the original in a period that reaches the date, and keep the original before', async () => {
    const dir = directory();
    const plan = {
      id: 'tn',
      title: 'Kế hoạch thử nghiệm',
      issuer: 'Ủy ban nhân dân tỉnh',
      period: { from: '2025-01-01', to: '2025-12-31' },
      timezone: 'Asia/Ho_Chi_Minh',
      directory: 'x',
      focalAgency: 'Sở Y tế',
      reportsTo: 'Sở Y tế',
      reportingOfficers: [],
      policy: {} as never,
      tasks: [
        {
          id: '1',
          title: 'Nhiệm vụ một',
          content: '',
          lead: ['Sở Thông tin và Truyền thông'],
          coordinators: [],
          timeframe: { text: 'Thường xuyên', rule: { type: 'ongoing' as const } },
        },
      ],
      deadlines: [],
      duties: [],
    };
    const cells = async (at: string) => {
      const summary = buildSummary({
        plan,
        directory: dir,
        period: { id: 'p', label: 'Kỳ', at },
        reports: [],
        now: new Date(at),
      });
      const book = new Workbook();
      await book.xlsx.load((await renderSummaryXlsx(summary)) as unknown as ArrayBuffer);
      const values: string[] = [];
      book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => values.push(String(cell.value)))));
      return values;
    };
    expect(await cells('2025-06-30T03:00:00Z')).toContain(
      'Sở Khoa học và Công nghệ (trước 1/3/2025: Sở Thông tin và Truyền thông)',
    );
    const before = await cells('2025-02-14T03:00:00Z');
    expect(before).toContain('Sở Thông tin và Truyền thông');
    expect(before.join('|')).not.toContain('Sở Khoa học và Công nghệ');
  });
});
