import { importPlanText } from '../../src/plan/importer';
import type { PlanInput } from '../../src/plan/schema';

/** A plan in a layout none of the shipped sources uses: letters at the top, prose agencies, bold labels, hard wraps. */
const UNSEEN = [
  'UỶ BAN NHÂN DÂN',
  'TỈNH LÂM ĐỒNG',
  'Số: 123/KH-UBND          Lâm Đồng, ngày 05 tháng 3 năm 2025',
  '',
  'KẾ HOẠCH',
  'TUYÊN TRUYỀN CHUYỂN ĐỔI SỐ TỈNH LÂM ĐỒNG NĂM 2025',
  'Thực hiện Quyết định số 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ, Ủy ban nhân dân tỉnh ban hành',
  'Kế hoạch tuyên truyền chuyển đổi số năm 2025 như sau:',
  'I. MỤC ĐÍCH, YÊU CẦU',
  '- Nâng cao nhận thức của người dân về chuyển đổi số.',
  'II. NỘI DUNG CÁC NHIỆM VỤ TRỌNG TÂM',
  'a) Tổ chức tuần lễ quảng bá du lịch số.',
  'Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với Sở Công Thương và UBND các huyện, thành phố tổ',
  'chức các hoạt động quảng bá, hoàn thành trước ngày 30/6/2025.',
  'b) Xây dựng bộ tài liệu hướng dẫn kỹ năng số cho người dân.',
  'Giao Sở TT&TT chủ trì, phối hợp với Công an tỉnh biên soạn tài liệu, hoàn thành trong quý III/2025.',
  'c) Đánh giá mức độ chuyển đổi số của doanh nghiệp.',
  '- **Cơ quan chủ trì:** Sở KH&ĐT.',
  '- **Cơ quan phối hợp:** Sở Tài chính; Sở LĐTB&XH.',
  '- **Thời gian thực hiện:** Hằng quý.',
  'd) Tổ chức hội nghị xúc tiến đầu tư vào hạ tầng số',
  'Đơn vị chủ trì thực hiện: Sở Ngoại vụ.',
  'Đơn vị phối hợp thực hiện: Văn phòng UBND tỉnh, các cơ quan, đơn vị có liên quan.',
  'Thời gian: Tháng 9 năm 2025.',
  'đ) Tổ chức cuộc thi tìm hiểu về chuyển đổi số trong trường học.',
  'Sở GD&ĐT chủ trì, phối hợp với Tỉnh đoàn và Hội Liên hiệp Phụ nữ tỉnh tổ chức cuộc thi',
  'trong tháng 10/2025.',
  'III. TỔ CHỨC THỰC HIỆN',
  '1. Sở Thông tin và Truyền thông là cơ quan đầu mối, theo dõi, đôn đốc, tổng hợp kết quả thực hiện Kế hoạch.',
  '2. UBND các huyện, thành phố: Định kỳ hằng năm báo cáo kết quả thực hiện về Sở Thông tin và Truyền thông.',
  'Trên đây là Kế hoạch tuyên truyền chuyển đổi số tỉnh Lâm Đồng năm 2025. Các cơ quan, đơn vị gửi báo cáo',
  '6 tháng trước ngày 20/6 và báo cáo năm trước ngày 20/12 hằng năm về Ủy ban nhân dân tỉnh (qua Sở Thông tin',
  'và Truyền thông)./.',
  'Nơi nhận:',
  '- Như trên;',
  '- Lưu: VT.',
].join('\n');

describe('a plan in a layout the importer has never seen', () => {
  const { plan, review } = importPlanText(UNSEEN, { fileName: 'lam-dong-cds-2025.txt' });
  const task = (id: string) => plan.tasks.find((t) => t.id === id);

  it('reads the header: number, date, issuer, title and period', () => {
    expect(plan).toMatchObject({
      id: 'lam-dong-cds-2025',
      number: '123/KH-UBND',
      issuedOn: '2025-03-05',
      issuer: 'Ủy ban nhân dân tỉnh Lâm Đồng',
      title: 'Tuyên truyền chuyển đổi số tỉnh Lâm Đồng năm 2025',
      period: { from: '2025-01-01', to: '2025-12-31' },
      focalAgency: 'Sở Thông tin và Truyền thông',
      reportsTo: 'Ủy ban nhân dân tỉnh',
    });
  });

  it('numbers top-level lettered tasks by their letter, "đ" included', () => {
    expect(plan.tasks.map((t) => t.id)).toEqual(['a', 'b', 'c', 'd', 'đ']);
  });

  it.each<[string, string[], string[], PlanInput['tasks'][number]['timeframe']['rule']]>([
    [
      'a',
      ['Sở Văn hóa, Thể thao và Du lịch'],
      ['Sở Công Thương', 'Ủy ban nhân dân các huyện, thành phố'],
      { type: 'date', date: '2025-06-30' },
    ],
    ['b', ['Sở Thông tin và Truyền thông'], ['Công an tỉnh'], { type: 'quarter', year: 2025, quarter: 3 }],
    [
      'c',
      ['Sở Kế hoạch và Đầu tư'],
      ['Sở Tài chính', 'Sở Lao động - Thương binh và Xã hội'],
      { type: 'every', unit: 'quarter' },
    ],
    ['d', ['Sở Ngoại vụ'], ['Văn phòng Ủy ban nhân dân tỉnh'], { type: 'month', year: 2025, month: 9 }],
    [
      'đ',
      ['Sở Giáo dục và Đào tạo'],
      ['Tỉnh đoàn', 'Hội Liên hiệp Phụ nữ tỉnh'],
      { type: 'month', year: 2025, month: 10 },
    ],
  ])('task %s: lead %j, coordinators %j, timeframe %j', (id, lead, coordinators, rule) => {
    expect(task(id)).toMatchObject({ lead, coordinators, timeframe: { rule } });
  });

  it('reads the report dates written in another order ("báo cáo 6 tháng trước ngày 20/6")', () => {
    expect((plan.deadlines ?? []).map((d) => [d.reportKind, d.rule, d.owedBy])).toEqual([
      ['six-month', { type: 'annual', month: 6, day: 20 }, 'all'],
      ['annual', { type: 'annual', month: 12, day: 20 }, 'all'],
    ]);
  });

  it('keeps "Định kỳ hằng năm báo cáo" as a duty for review, without inventing a date', () => {
    const duty = (plan.duties ?? []).find((d) => d.text.includes('Định kỳ hằng năm báo cáo'));
    expect(duty?.agencies).toEqual(['Ủy ban nhân dân các huyện, thành phố']);
    expect(review.some((r) => r.field === 'duties' && r.message.includes('Định kỳ hằng năm'))).toBe(true);
    expect(JSON.stringify(plan.deadlines)).not.toContain('Định kỳ');
  });

  it('marks prose-read agencies and timeframes for review', () => {
    expect(review.map((r) => r.field)).toEqual(expect.arrayContaining(['tasks[0].lead', 'tasks[0].timeframe']));
  });

  it('still imports without the header block, and lists the missing header fields', () => {
    const body = UNSEEN.slice(UNSEEN.indexOf('KẾ HOẠCH'));
    const { plan: bare, review: bareReview } = importPlanText(body, { fileName: 'lam-dong-cds-2025.txt' });
    expect(bare.number).toBeUndefined();
    expect(bare.issuedOn).toBeUndefined();
    expect(bare.issuer).toBe('Ủy ban nhân dân tỉnh Lâm Đồng');
    expect(bare.tasks.map((t) => t.id)).toEqual(['a', 'b', 'c', 'd', 'đ']);
    expect(bareReview.map((r) => r.field)).toEqual(expect.arrayContaining(['number', 'issuedOn', 'issuer']));
  });
});
