import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { importPlanText, type ReviewItem } from '../../src/plan/importer';
import { planSchema, directorySchema, type PlanInput } from '../../src/plan/schema';
import { validatePlan } from '../../src/plan/validate';
import { withoutLines } from './support/fixtures';
import { rewrap } from './support/rewrap';

/** Plans written for these tests in layouts the three shipped sources do not use. */
const FIXTURES = join(__dirname, 'fixtures-layouts');
const text = (name: string) => readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
const haTinh = directorySchema.parse(parse(readFileSync(join(FIXTURES, 'ha-tinh.yaml'), 'utf8')));

const importFixture = (name: string, withDirectory = false) =>
  importPlanText(text(name), { fileName: `${name}.txt`, directory: withDirectory ? haTinh : undefined });

/** The 1-based line of the first source line that contains `needle`. */
function lineOf(name: string, needle: string): number {
  const index = text(name)
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in ${name}`);
  return index + 1;
}

const task = (plan: PlanInput, id: string) => {
  const found = plan.tasks.find((t) => t.id === id);
  if (!found) throw new Error(`no task ${id} in ${plan.tasks.map((t) => t.id).join(', ')}`);
  return found;
};

const itemsOf = (review: ReviewItem[], kind: ReviewItem['kind']) => review.filter((r) => r.kind === kind);

/** Every review item reads as Vietnamese for the officer: what was read, assumed and to check, with diacritics. */
function expectVietnamese(review: ReviewItem[]): void {
  for (const item of review) {
    for (const part of [item.read, item.assumed, item.check]) {
      expect(part.length).toBeGreaterThan(0);
      expect(part).toBe(part.normalize('NFC'));
    }
    expect(`${item.read} ${item.assumed} ${item.check}`).toMatch(
      /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/u,
    );
    expect(item.message).toContain(item.read);
    expect(item.message).toContain(item.assumed);
    expect(item.message).toContain(item.check);
    expect(item.message).not.toMatch(/\b(?:check|guessed|assumed|not found|set it)\b/);
    expect(item.line).toBeGreaterThanOrEqual(1);
  }
}

describe('a task whose lettered items are facets of it (nội dung, hình thức, ngôn ngữ, tổ chức thực hiện)', () => {
  const name = 'facets-ha-tinh-bien-dao-2026';
  const { plan, review } = importFixture(name, true);

  it('reads one task per facet group and one task per real sub-task', () => {
    expect(plan.tasks.map((t) => t.id)).toEqual(['1', '2', '3.a', '3.b']);
    expect(task(plan, '1').title).toBe('Tuyên truyền trên báo chí và hệ thống thông tin cơ sở');
  });

  it('takes lead, coordinators and time from the "Tổ chức thực hiện" facet', () => {
    expect(task(plan, '1')).toMatchObject({
      lead: ['Sở Văn hóa, Thể thao và Du lịch'],
      coordinators: ['Báo và Phát thanh, Truyền hình Hà Tĩnh', 'Ủy ban nhân dân các xã, phường ven biển'],
      timeframe: { text: 'Cả năm 2026', rule: { type: 'year', year: 2026 } },
    });
    expect(task(plan, '1').content).toContain('Hình thức: tin, bài, phóng sự');
    expect(task(plan, '1').content).toContain('Về ngôn ngữ: tiếng Việt');
    expect(task(plan, '1').content).toMatch(/^Nội dung: chủ trương của Đảng/);
    expect(task(plan, '1').content).not.toContain('Tổ chức thực hiện:');
  });

  it('reads a "Tổ chức thực hiện" facet written as a sentence, and says so', () => {
    expect(task(plan, '2')).toMatchObject({
      lead: ['Sở Nông nghiệp và Môi trường'],
      coordinators: ['Sở Giáo dục và Đào tạo', 'Tỉnh đoàn'],
      timeframe: { rule: { type: 'month', year: 2026, month: 6 } },
    });
    const prose = itemsOf(review, 'agencies-from-prose').find((r) => r.field === 'tasks[1].lead');
    expect(prose?.line).toBe(lineOf(name, 'c) Tổ chức thực hiện: Sở Nông nghiệp'));
    expect(prose?.assumed).toContain('chủ trì Sở Nông nghiệp và Môi trường');
    const time = review.find((r) => r.field === 'tasks[1].timeframe');
    expect(time?.line).toBe(lineOf(name, 'hoàn thành trong tháng 6/2026'));
    expect(time?.read).toContain('hoàn thành trong tháng 6/2026');
  });

  it('keeps lettered items that each name their own lead and time as separate tasks, without flagging them', () => {
    expect(task(plan, '3.a')).toMatchObject({
      lead: ['Sở Khoa học và Công nghệ'],
      timeframe: { rule: { type: 'quarter', year: 2026, quarter: 2 } },
    });
    expect(task(plan, '3.b')).toMatchObject({
      lead: ['Bộ Chỉ huy Bộ đội Biên phòng tỉnh'],
      coordinators: ['Hội Nông dân tỉnh'],
      timeframe: { rule: { type: 'date', date: '2026-09-30' } },
    });
    expect(itemsOf(review, 'task-split')).toEqual([]);
  });

  it('lists each merge by assumption with the facets it read, at the heading line', () => {
    const merged = itemsOf(review, 'task-merged');
    expect(merged.map((r) => [r.field, r.line])).toEqual([
      ['tasks[0]', lineOf(name, '1. Tuyên truyền trên báo chí')],
      ['tasks[1]', lineOf(name, '2. Tổ chức các hoạt động hưởng ứng')],
    ]);
    expect(merged[0].read).toBe('mục 1 có các mục a)–d) về hình thức, ngôn ngữ, tổ chức thực hiện');
    expect(merged[1].read).toBe('mục 2 có các mục a)–c) về đối tượng, hình thức, tổ chức thực hiện');
    expect(merged[0].check).toContain('tách thành các nhiệm vụ');
  });

  it('reads numbered sub-items that are facets ("1.1. Nội dung", "1.2. Hình thức") as one task too', () => {
    const numbered = [
      'KẾ HOẠCH',
      'Tuyên truyền phòng, chống thiên tai tỉnh Hà Tĩnh năm 2026',
      'II. NỘI DUNG',
      '1. Tuyên truyền kỹ năng ứng phó bão, lũ cho người dân vùng trũng',
      '1.1. Nội dung: nhận biết tin cảnh báo, sơ tán, bảo vệ nhà cửa.',
      '1.2. Hình thức: tờ gấp, phóng sự ngắn, tin nhắn cảnh báo.',
      '1.3. Tổ chức thực hiện: Sở Nông nghiệp và Môi trường chủ trì, phối hợp với Bộ Chỉ huy Bộ đội Biên phòng tỉnh.',
      '1.4. Thời gian: Quý III/2026.',
      '2. Diễn tập cứu hộ tại các xã ven biển',
      '- Cơ quan chủ trì: Bộ Chỉ huy Bộ đội Biên phòng tỉnh.',
      '- Thời gian: Tháng 8 năm 2026.',
    ].join('\n');
    const { plan: p, review: r } = importPlanText(numbered, { fileName: 'thien-tai.txt' });
    expect(p.tasks.map((t) => [t.id, t.lead, t.coordinators, t.timeframe.rule])).toEqual([
      [
        '1',
        ['Sở Nông nghiệp và Môi trường'],
        ['Bộ Chỉ huy Bộ đội Biên phòng tỉnh'],
        { type: 'quarter', year: 2026, quarter: 3 },
      ],
      ['2', ['Bộ Chỉ huy Bộ đội Biên phòng tỉnh'], [], { type: 'month', year: 2026, month: 8 }],
    ]);
    expect(itemsOf(r, 'task-merged').map((i) => [i.field, i.line, i.read])).toEqual([
      ['tasks[0]', 4, 'mục 1 có các mục 1.1–1.4 về hình thức, tổ chức thực hiện'],
    ]);
    expectVietnamese(r);
  });

  it('flags lettered items split into tasks when some name neither their own lead nor their own time', () => {
    const split = [
      'KẾ HOẠCH',
      'Hưởng ứng Ngày Pháp luật Việt Nam tỉnh Hà Tĩnh năm 2026',
      'II. NỘI DUNG',
      '1. Tuyên truyền trực quan',
      'a) Treo băng rôn, khẩu hiệu tại trụ sở các cơ quan, đơn vị.',
      'b) Đăng tải tin, bài trên Cổng Thông tin điện tử tỉnh.',
      '- Đơn vị chủ trì: Sở Tư pháp.',
      '- Thời gian: Tháng 11 năm 2026.',
    ].join('\n');
    const { plan: p, review: r } = importPlanText(split, { fileName: 'phap-luat.txt' });
    expect(p.tasks.map((t) => [t.id, t.lead])).toEqual([
      ['1.a', []],
      ['1.b', ['Sở Tư pháp']],
    ]);
    const flagged = itemsOf(r, 'task-split');
    expect(flagged.map((i) => [i.field, i.line, i.read])).toEqual([
      ['tasks[0]', 4, 'mục 1 có các mục a)–b); a) không ghi cơ quan chủ trì hay thời gian riêng'],
    ]);
    expect(flagged[0].assumed).toBe('mỗi mục chữ là một nhiệm vụ riêng (1.a, 1.b)');
    expect(flagged[0].check).toContain('gộp lại thành nhiệm vụ 1');
    expectVietnamese(r);
  });

  it('reads the header, the focal agency and the yearly report date, and is a valid plan', () => {
    expect(plan).toMatchObject({
      number: '412/KH-UBND',
      issuedOn: '2026-01-14',
      issuer: 'Ủy ban nhân dân tỉnh Hà Tĩnh',
      period: { from: '2026-01-01', to: '2026-12-31' },
      focalAgency: 'Sở Khoa học và Công nghệ',
    });
    expect((plan.deadlines ?? []).map((d) => [d.reportKind, d.rule])).toEqual([
      ['annual', { type: 'annual', month: 11, day: 20 }],
    ]);
    expect(validatePlan(planSchema.parse(plan), haTinh).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('says which agencies a group stands for in the directory', () => {
    const group = itemsOf(review, 'group-expanded');
    expect(group).toHaveLength(1);
    expect(group[0]).toMatchObject({ field: 'tasks[0].coordinators', line: lineOf(name, '1. Tuyên truyền trên báo') });
    expect(group[0].read).toBe('nhóm “Ủy ban nhân dân các xã, phường ven biển”');
    expect(group[0].assumed).toBe(
      'nhóm gồm 3 cơ quan theo danh bạ “Hà Tĩnh”: Ủy ban nhân dân xã Thạch Khê; Ủy ban nhân dân xã Cẩm Nhượng; ' +
        'Ủy ban nhân dân phường Sông Trí',
    );
  });

  it('writes every review item in Vietnamese', () => expectVietnamese(review));
});

describe('tasks whose agencies are only the subjects of their prose bullets', () => {
  const name = 'prose-quang-tri-le-hoi-2024';
  const { plan, review } = importFixture(name);

  it('makes the agency that "tham mưu" the lead and the others named as subjects coordinators', () => {
    expect(task(plan, '1')).toMatchObject({
      lead: ['Sở Thông tin và Truyền thông'],
      coordinators: ['Sở Văn hóa, Thể thao và Du lịch', 'Công an tỉnh', 'các cơ quan báo chí'],
      timeframe: { rule: { type: 'date', date: '2024-06-15' } },
    });
  });

  it('prefers the agency that "chủ trì" over the agencies named before it', () => {
    expect(task(plan, '2')).toMatchObject({
      lead: ['Bộ Chỉ huy Bộ đội Biên phòng tỉnh'],
      coordinators: ['Sở Ngoại vụ', 'Sở Thông tin và Truyền thông', 'Công an tỉnh'],
      timeframe: { rule: { type: 'ongoing' } },
    });
  });

  it('makes the first-named subjects the leads when no bullet says "chủ trì" or "tham mưu"', () => {
    expect(task(plan, '3')).toMatchObject({
      lead: ['Đài Phát thanh và Truyền hình tỉnh', 'Báo Quảng Trị'],
      coordinators: [],
      timeframe: { rule: { type: 'month', year: 2024, month: 7 } },
    });
  });

  it('does not make an agency that only takes part or supports the lead when another agency does the work', () => {
    const written = [
      'KẾ HOẠCH',
      'Bình ổn thị trường dịp Tết tỉnh Quảng Trị năm 2024',
      'II. NHIỆM VỤ',
      '1. Kiểm tra giá cả hàng hóa thiết yếu',
      '- Công an tỉnh phối hợp phát hiện, xử lý hành vi đầu cơ, găm hàng.',
      '- Sở Công Thương kiểm tra việc niêm yết giá tại các chợ, siêu thị trong tháng 1/2024.',
    ].join('\n');
    const { plan: p } = importPlanText(written, { fileName: 'binh-on-gia.txt' });
    expect(p.tasks[0]).toMatchObject({ lead: ['Sở Công Thương'], coordinators: ['Công an tỉnh'] });
  });

  it('flags every task whose agencies came from prose, quoting the bullets, at their lines', () => {
    const prose = itemsOf(review, 'agencies-from-prose');
    expect(prose.map((r) => [r.field, r.line])).toEqual([
      ['tasks[0].lead', lineOf(name, '- Sở Thông tin và Truyền thông tham mưu')],
      ['tasks[1].lead', lineOf(name, '- Sở Ngoại vụ, Sở Thông tin')],
      ['tasks[2].lead', lineOf(name, '- Đài Phát thanh và Truyền hình tỉnh, Báo Quảng Trị')],
    ]);
    expect(prose[0].read).toContain('“Sở Thông tin và Truyền thông tham mưu UBND tỉnh thành lập Trung tâm báo chí');
    expect(prose[0].assumed).toBe(
      'cơ quan “chủ trì” hoặc “tham mưu” đầu tiên là chủ trì: chủ trì Sở Thông tin và Truyền thông; ' +
        'phối hợp Sở Văn hóa, Thể thao và Du lịch; Công an tỉnh; các cơ quan báo chí',
    );
    expect(prose[2].assumed).toMatch(/^không câu nào nói “chủ trì” hay “tham mưu”/);
  });

  it('does not make up a lead for a task that names no agency: it asks for one', () => {
    expect(task(plan, '4').lead).toEqual([]);
    const missing = itemsOf(review, 'lead-missing');
    expect(missing.map((r) => [r.field, r.line])).toEqual([['tasks[3].lead', lineOf(name, '4. Theo dõi dư luận')]]);
    expect(missing[0].check).toBe('ghi cơ quan chủ trì của nhiệm vụ');
  });

  it('does not take a dated task led by an agency for a plan-wide deliverable', () => {
    expect(plan.deadlines).toEqual([]);
    expect(itemsOf(review, 'not-a-task')).toEqual([]);
  });

  it('matches prose agencies through the directory: former names, old tone marks, aliases and groups', () => {
    const written = [
      'KẾ HOẠCH',
      'Phòng, chống rác thải nhựa ở vùng biển tỉnh Hà Tĩnh năm 2026',
      'II. NHIỆM VỤ',
      '1. Thu gom rác thải nhựa trên các bãi biển',
      '- Sở TN&MT tham mưu UBND tỉnh tổ chức các đợt ra quân thu gom rác thải nhựa trong quý II/2026.',
      '- Sở Văn hoá, Thể thao và Du lịch, Tỉnh Đoàn Hà Tĩnh và UBND các xã, phường ven biển huy động đoàn viên, du khách tham gia.',
      '- Bộ đội Biên phòng tỉnh tuyên truyền cho ngư dân không xả rác xuống biển.',
    ].join('\n');
    const { plan: p, review: r } = importPlanText(written, { fileName: 'rac-thai.txt', directory: haTinh });
    expect(p.tasks[0]).toMatchObject({
      lead: ['Sở Nông nghiệp và Môi trường'],
      coordinators: [
        'Sở Văn hóa, Thể thao và Du lịch',
        'Tỉnh đoàn',
        'Ủy ban nhân dân các xã, phường ven biển',
        'Bộ Chỉ huy Bộ đội Biên phòng tỉnh',
      ],
      timeframe: { rule: { type: 'quarter', year: 2026, quarter: 2 } },
    });
    const prose = itemsOf(r, 'agencies-from-prose')[0];
    expect(prose.line).toBe(5);
    expect(prose.assumed).toContain(
      'chủ trì Sở Nông nghiệp và Môi trường (văn bản viết “Sở Tài nguyên và Môi trường”)',
    );
    expect(prose.assumed).toContain('Tỉnh đoàn (văn bản viết “Tỉnh Đoàn Hà Tĩnh”)');
    expect(itemsOf(r, 'agency-unknown')).toEqual([]);
    expect(itemsOf(r, 'group-expanded').map((i) => i.read)).toEqual(['nhóm “Ủy ban nhân dân các xã, phường ven biển”']);
  });

  it('writes every review item in Vietnamese', () => expectVietnamese(review));
});

describe('a plan that gives responsibilities only under "TỔ CHỨC THỰC HIỆN", agency by agency', () => {
  const name = 'duties-kon-tum-pbgdpl-2024-2028';
  const { plan, review } = importFixture(name);

  it('matches each responsibility back to the task it concerns', () => {
    expect(plan.tasks.map((t) => [t.id, t.lead, t.coordinators])).toEqual([
      ['1', ['Ban Dân tộc tỉnh'], []],
      ['2', ['Ban Dân tộc tỉnh'], []],
      ['3', ['Đài Phát thanh và Truyền hình tỉnh'], ['Ban Dân tộc tỉnh']],
      ['4', ['Sở Tư pháp'], []],
    ]);
    expect(plan.focalAgency).toBe('Sở Tư pháp');
    expect(plan.period).toEqual({ from: '2024-01-01', to: '2028-12-31' });
  });

  it('flags every match with the words it was matched on, at the responsibility line', () => {
    const matched = itemsOf(review, 'responsibility-matched');
    expect(matched.map((r) => [r.field, r.line])).toEqual([
      ['tasks[0].lead', lineOf(name, '- Chủ trì biên soạn')],
      ['tasks[1].lead', lineOf(name, '- Chủ trì tổ chức hội nghị')],
      ['tasks[2].lead', lineOf(name, '3. Đài Phát thanh')],
      ['tasks[3].lead', lineOf(name, '- Chủ trì kiểm tra')],
    ]);
    expect(matched[1].read).toBe(
      '“TỔ CHỨC THỰC HIỆN” mục 1, Ban Dân tộc tỉnh: “Chủ trì tổ chức hội nghị phổ biến pháp luật cho người có uy tín.”',
    );
    expect(matched[1].assumed).toContain('việc này là nhiệm vụ 2');
    expect(matched[1].assumed).toContain('(cùng có các từ “tổ chức hội nghị phổ biến …”, “cho người có uy tín”)');
    expect(matched[1].assumed).toContain('Ban Dân tộc tỉnh là chủ trì');
  });

  it('proposes a yearly report and a five-year review with default dates for the undated recurring duties', () => {
    expect(plan.deadlines).toEqual([
      {
        id: 'report-annual',
        text: 'Định kỳ hằng năm báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh (qua Sở Tư pháp).',
        kind: 'periodic-report',
        reportKind: 'annual',
        rule: { type: 'annual', month: 12, day: 15 },
        subject: 'Báo cáo năm kết quả thực hiện Kế hoạch',
        owedBy: 'all',
        line: lineOf(name, 'Định kỳ hằng năm báo cáo'),
      },
      {
        id: 'report-five-year',
        text: 'Sau 05 năm tổng kết, đánh giá kết quả thực hiện Kế hoạch.',
        kind: 'periodic-report',
        reportKind: 'five-year',
        rule: { type: 'date', date: '2028-12-15' },
        subject: 'Báo cáo tổng kết 5 năm kết quả thực hiện Kế hoạch',
        owedBy: 'all',
        line: lineOf(name, 'Sau 05 năm tổng kết'),
      },
    ]);
    expect((plan.duties ?? []).map((d) => d.text)).toEqual([
      'Sở Tài chính: Tham mưu bố trí kinh phí thực hiện Kế hoạch theo quy định.',
    ]);
  });

  it('asks the officer to confirm each proposed date', () => {
    const proposed = itemsOf(review, 'deadline-proposed');
    expect(proposed.map((r) => [r.field, r.line])).toEqual([
      ['deadlines[0]', lineOf(name, 'Định kỳ hằng năm báo cáo')],
      ['deadlines[1]', lineOf(name, 'Sau 05 năm tổng kết')],
    ]);
    expect(proposed[0].assumed).toContain('Trước ngày 15/12 hằng năm');
    expect(proposed[0].assumed).toContain('Nghị định 09/2019/NĐ-CP');
    expect(proposed[1].assumed).toContain('Trước ngày 15/12/2028');
    for (const item of proposed) expect(item.check).toBe('xác nhận hoặc sửa ngày; hạn này chưa có trong văn bản');
  });

  it('does not propose a date for a recurring duty the plan already dates', () => {
    const dated = text(name).replace(
      'Kon Tum giai đoạn 2024 - 2028./.',
      'Kon Tum giai đoạn 2024 - 2028; các cơ quan gửi báo cáo năm trước ngày 20/11 hằng năm về Ủy ban nhân dân tỉnh./.',
    );
    const { plan: withDate, review: withDateReview } = importPlanText(dated, { fileName: `${name}.txt` });
    expect((withDate.deadlines ?? []).map((d) => [d.reportKind, d.rule])).toEqual([
      ['annual', { type: 'annual', month: 11, day: 20 }],
      ['five-year', { type: 'date', date: '2028-12-15' }],
    ]);
    const kept = itemsOf(withDateReview, 'duty-undated').find((r) => r.read.includes('Định kỳ hằng năm'));
    expect(kept?.assumed).toContain('đã có hạn chung “báo cáo năm trước ngày 20/11 hằng năm”');
  });

  it('imports to a plan that validates once the officer confirms it', () => {
    expect(planSchema.safeParse(plan).success).toBe(true);
  });

  it('writes every review item in Vietnamese', () => expectVietnamese(review));
});

describe('objectives and funding numbered like tasks', () => {
  const name = 'objectives-ha-tinh-cds-2026';
  const { plan, review } = importFixture(name, true);

  it('takes tasks only from "NHIỆM VỤ", not from "MỤC TIÊU" nor a numbered "Kinh phí thực hiện"', () => {
    expect(plan.tasks.map((t) => [t.id, t.title])).toEqual([
      ['1', 'Nâng cấp Hệ thống quản lý văn bản và điều hành của tỉnh'],
      ['2', 'Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính'],
      ['3', 'Bồi dưỡng kỹ năng số cho cán bộ, công chức cấp xã'],
    ]);
    expect(plan.tasks.map((t) => [t.lead, t.coordinators, t.timeframe.rule])).toEqual([
      [['Sở Khoa học và Công nghệ'], ['Văn phòng Ủy ban nhân dân tỉnh'], { type: 'quarter', year: 2026, quarter: 3 }],
      [['các Sở, ban, ngành'], [], { type: 'every', unit: 'quarter' }],
      [['Sở Nội vụ'], ['Sở Khoa học và Công nghệ'], { type: 'month', year: 2026, month: 10 }],
    ]);
  });

  it('says which numbered items were left out as objectives or funding', () => {
    const skipped = itemsOf(review, 'not-a-task');
    expect(skipped.map((r) => [r.line, r.read, r.assumed])).toEqual([
      [
        lineOf(name, 'I. MỤC TIÊU'),
        'phần I “MỤC TIÊU” có 3 mục đánh số (1–3) như nhiệm vụ',
        'đó là mục tiêu, không lấy làm nhiệm vụ',
      ],
      [
        lineOf(name, '4. Kinh phí thực hiện'),
        'mục 4 “Kinh phí thực hiện”, đánh số như một nhiệm vụ',
        'đó là kinh phí, không lấy làm nhiệm vụ',
      ],
    ]);
  });

  it('reads both report dates and keeps no duty for the sentence that gave them', () => {
    expect((plan.deadlines ?? []).map((d) => [d.reportKind, d.rule])).toEqual([
      ['six-month', { type: 'annual', month: 6, day: 15 }],
      ['annual', { type: 'annual', month: 12, day: 15 }],
    ]);
    expect(plan.duties).toEqual([]);
  });

  it('skips numbered "Mục tiêu" and "Kinh phí" in a plan without Roman sections, and reads its organisation', () => {
    const flat = [
      'ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH',
      'Số: 15/KH-UBND',
      'Hà Tĩnh, ngày 05 tháng 01 năm 2026',
      'KẾ HOẠCH',
      'Triển khai Tháng hành động vì an toàn thực phẩm năm 2026',
      '1. Mục tiêu',
      '- Không để xảy ra ngộ độc thực phẩm đông người.',
      '2. Nhiệm vụ',
      '2.1. Kiểm tra an toàn thực phẩm tại các chợ đầu mối',
      '- Cơ quan chủ trì: Sở Y tế.',
      '- Thời gian: Tháng 4 năm 2026.',
      '2.2. Tuyên truyền trên sóng phát thanh',
      '- Cơ quan chủ trì: Báo và Phát thanh, Truyền hình Hà Tĩnh.',
      '- Thời gian: Quý II/2026.',
      '3. Kinh phí',
      'Ngân sách tỉnh năm 2026.',
      '4. Tổ chức thực hiện',
      'Sở Y tế là cơ quan đầu mối, theo dõi, đôn đốc, tổng hợp; các cơ quan gửi báo cáo 6 tháng trước ngày 15/6 hằng năm về Ủy ban nhân dân tỉnh.',
    ].join('\n');
    const { plan: p, review: r } = importPlanText(flat, { fileName: 'attp.txt' });
    expect(p.tasks.map((t) => [t.id, t.lead, t.timeframe.rule])).toEqual([
      ['2.1', ['Sở Y tế'], { type: 'month', year: 2026, month: 4 }],
      ['2.2', ['Báo và Phát thanh, Truyền hình Hà Tĩnh'], { type: 'quarter', year: 2026, quarter: 2 }],
    ]);
    expect(p.focalAgency).toBe('Sở Y tế');
    expect((p.deadlines ?? []).map((d) => [d.reportKind, d.rule])).toEqual([
      ['six-month', { type: 'annual', month: 6, day: 15 }],
    ]);
    expect(r).toEqual([]);
  });

  it('takes the tasks of a "MỤC TIÊU VÀ NHIỆM VỤ" section from its "Nhiệm vụ" part', () => {
    const mixed = [
      'KẾ HOẠCH',
      'Phát triển du lịch cộng đồng tỉnh Hà Tĩnh năm 2026',
      'I. MỤC TIÊU VÀ NHIỆM VỤ',
      '1. Mục tiêu',
      '1.1. Đón 50.000 lượt khách đến các điểm du lịch cộng đồng.',
      '1.2. Mỗi xã ven biển có ít nhất một sản phẩm du lịch đặc trưng.',
      '2. Nhiệm vụ',
      '2.1. Xây dựng bộ tiêu chí điểm du lịch cộng đồng',
      '- Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch.',
      '- Thời gian: Quý I/2026.',
      '2.2. Tập huấn kỹ năng đón khách cho hộ gia đình',
      '- Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch.',
      '- Cơ quan phối hợp: Hội Nông dân tỉnh.',
      '- Thời gian: Tháng 5 năm 2026.',
      'II. KINH PHÍ',
      '1. Ngân sách tỉnh.',
      '2. Nguồn xã hội hóa.',
    ].join('\n');
    const { plan: p, review: r } = importPlanText(mixed, { fileName: 'du-lich.txt' });
    expect(p.tasks.map((t) => [t.id, t.lead, t.timeframe.rule])).toEqual([
      ['2.1', ['Sở Văn hóa, Thể thao và Du lịch'], { type: 'quarter', year: 2026, quarter: 1 }],
      ['2.2', ['Sở Văn hóa, Thể thao và Du lịch'], { type: 'month', year: 2026, month: 5 }],
    ]);
    expect(itemsOf(r, 'not-a-task').map((i) => [i.line, i.read])).toEqual([
      [4, 'mục 1 “Mục tiêu” có 2 mục đánh số (1.1–1.2) như nhiệm vụ'],
      [15, 'phần II “KINH PHÍ” có 2 mục đánh số (1–2) như nhiệm vụ'],
    ]);
  });

  it('writes every review item in Vietnamese', () => expectVietnamese(review));
});

describe('a header without "Số: …/KH-UBND" or a place-date line', () => {
  const name = 'header-draft-ngay-sach-2026';
  const { plan, review } = importFixture(name);
  const field = (f: string) => review.find((r) => r.field === f);

  it('leaves number and date out and says what is missing', () => {
    expect(plan.number).toBeUndefined();
    expect(plan.issuedOn).toBeUndefined();
    expect(field('number')).toMatchObject({
      kind: 'header-missing',
      line: 1,
      read: 'văn bản không có dòng “Số: …/KH-UBND”',
    });
    expect(field('issuedOn')).toMatchObject({
      kind: 'header-missing',
      line: 1,
      read: 'văn bản không có dòng địa danh, ngày tháng (“…, ngày … tháng … năm …”)',
    });
  });

  it('does not make up an issuer from provinces the text names in passing', () => {
    expect(plan.issuer).toBe('Ủy ban nhân dân tỉnh');
    expect(JSON.stringify(plan)).not.toMatch(/Nghệ An|Quảng Bình|nghe-an|quang-binh/);
    expect(field('issuer')).toMatchObject({
      kind: 'header-missing',
      assumed: 'không biết tỉnh nào ban hành; ghi tạm “Ủy ban nhân dân tỉnh”',
      check: 'ghi cơ quan ban hành (issuer) và danh bạ (directory)',
    });
  });

  it('still reads the tasks and the focal agency of a one-paragraph "TỔ CHỨC THỰC HIỆN"', () => {
    expect(plan.tasks.map((t) => [t.id, t.lead, t.coordinators, t.timeframe.rule])).toEqual([
      [
        '1',
        ['Sở Văn hóa, Thể thao và Du lịch'],
        ['Tỉnh đoàn', 'Sở Giáo dục và Đào tạo'],
        { type: 'month', year: 2026, month: 4 },
      ],
      ['2', ['Sở Giáo dục và Đào tạo'], [], { type: 'date', date: '2026-04-20' }],
    ]);
    expect(plan.focalAgency).toBe('Sở Văn hóa, Thể thao và Du lịch');
    expect(review.map((r) => r.field)).not.toContain('focalAgency');
    expect(review.map((r) => r.field)).not.toContain('reportsTo');
  });

  it('takes the province from the directory when one is given, and says so', () => {
    const { plan: withDirectory, review: r } = importPlanText(text(name), {
      fileName: `${name}.txt`,
      directory: haTinh,
    });
    expect(withDirectory.issuer).toBe('Ủy ban nhân dân tỉnh Hà Tĩnh');
    expect(withDirectory.directory).toBe('agencies/ha-tinh.yaml');
    expect(r.find((i) => i.field === 'issuer')).toMatchObject({
      kind: 'header-guessed',
      assumed: 'cơ quan ban hành là Ủy ban nhân dân tỉnh Hà Tĩnh, theo tên tỉnh trong danh bạ cơ quan đã chọn',
    });
  });

  it('recognises a draft: a blank number and a blank day, with their lines', () => {
    const draft = [
      'ỦY BAN NHÂN DÂN TỈNH',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số:        /KH-UBND',
      'Hà Tĩnh, ngày      tháng      năm 2026',
      '',
      text(name),
    ].join('\n');
    const { plan: p, review: r } = importPlanText(draft, { fileName: `${name}.txt` });
    expect(p.number).toBeUndefined();
    expect(p.issuer).toBe('Ủy ban nhân dân tỉnh');
    expect(r.find((i) => i.field === 'number')).toMatchObject({
      line: 4,
      read: 'số ký hiệu để trống: “Số: /KH-UBND” (bản dự thảo?)',
    });
    expect(r.find((i) => i.field === 'issuedOn')).toMatchObject({ line: 5 });
    expect(r.find((i) => i.field === 'issuedOn')?.read).toMatch(
      /^ngày ban hành để trống: “Hà Tĩnh, ngày tháng năm 2026”/,
    );
  });

  it('writes every review item in Vietnamese', () => expectVietnamese(review));
});

describe('the review list as machine data', () => {
  it('keeps the same keys on every item, in the same order', () => {
    for (const name of ['facets-ha-tinh-bien-dao-2026', 'duties-kon-tum-pbgdpl-2024-2028']) {
      for (const item of importFixture(name).review)
        expect(Object.keys(item)).toEqual(['kind', 'line', 'field', 'read', 'assumed', 'check', 'message']);
    }
  });
});

describe('the new layouts, re-wrapped or decomposed', () => {
  const names = [
    'facets-ha-tinh-bien-dao-2026',
    'prose-quang-tri-le-hoi-2024',
    'duties-kon-tum-pbgdpl-2024-2028',
    'objectives-ha-tinh-cds-2026',
    'header-draft-ngay-sach-2026',
  ];
  it.each(names)(
    '%s imports to the same plan and review fields at 40 columns, one paragraph per line and NFD',
    (name) => {
      const original = importFixture(name);
      for (const changed of [rewrap(text(name), 40), rewrap(text(name), Infinity), text(name).normalize('NFD')]) {
        const again = importPlanText(changed, { fileName: `${name}.txt` });
        expect(withoutLines(again.plan)).toEqual(withoutLines(original.plan));
        expect(again.review.map((r) => r.field)).toEqual(original.review.map((r) => r.field));
      }
    },
  );
});

describe('dondoc plan import on a new layout', () => {
  const ROOT = join(__dirname, '..', '..');
  const file = 'test/plan/fixtures-layouts/duties-kon-tum-pbgdpl-2024-2028.txt';
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin', 'dondoc.js'), 'plan', 'import', file, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });

  it('prints the review list in Vietnamese, one item per line as file:line field, in source order', () => {
    const { status, stderr } = run();
    expect(status).toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    const numbers = lines.map((l) => Number(/^[^:]+:(\d+) /.exec(l)?.[1]));
    expect(numbers.every((n) => n > 0)).toBe(true);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(stderr).toContain(
      `${file}:${lineOf('duties-kon-tum-pbgdpl-2024-2028', 'Sau 05 năm tổng kết')} deadlines[1]: Đọc được: việc định kỳ không có ngày:`,
    );
    expect(stderr).toMatch(/— Đã giả định: .* — Cần kiểm tra: xác nhận hoặc sửa ngày/);
  }, 60_000);

  it('keeps the machine form with --json: the plan and the items with their kinds and parts', () => {
    const { status, stdout } = run('--json');
    expect(status).toBe(0);
    const { plan, review } = JSON.parse(stdout) as { plan: PlanInput; review: ReviewItem[] };
    expect(plan.deadlines?.map((d) => d.id)).toEqual(['report-annual', 'report-five-year']);
    expect(review.map((r) => r.kind)).toEqual(expect.arrayContaining(['responsibility-matched', 'deadline-proposed']));
    for (const item of review)
      expect(Object.keys(item)).toEqual(['kind', 'line', 'field', 'read', 'assumed', 'check', 'message']);
  }, 60_000);
});
