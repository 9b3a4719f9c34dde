import { describeRule, ExpressionError, parseExpression, parseReportKind } from '../../src/deadlines/expression';
import type { Rule } from '../../src/deadlines/rule';
import { ruleSchema } from '../../src/deadlines/rule';

const understood: [string, Rule][] = [
  // Fixed day every year.
  ['trước ngày 15/5', { type: 'annual', month: 5, day: 15 }],
  ['trước ngày 15/11 hằng năm', { type: 'annual', month: 11, day: 15 }],
  ['trước ngày 15/11 hàng năm', { type: 'annual', month: 11, day: 15 }],
  ['ngày 15 tháng 11 hằng năm', { type: 'annual', month: 11, day: 15 }],
  ['Trước ngày 29/2 hằng năm', { type: 'annual', month: 2, day: 29 }],
  ['truoc ngay 15/5', { type: 'annual', month: 5, day: 15 }],
  ['  trước   ngày  15 / 5 ', { type: 'annual', month: 5, day: 15 }],
  // One-off dates.
  ['trước ngày 10/4/2019', { type: 'date', date: '2019-04-10' }],
  ['ngày 05 tháng 01 năm 2026', { type: 'date', date: '2026-01-05' }],
  ['10/4/2019', { type: 'date', date: '2019-04-10' }],
  ['29/02/2024', { type: 'date', date: '2024-02-29' }],
  ['ngay 31/12/2025.', { type: 'date', date: '2025-12-31' }],
  // Quarters.
  ['quý I/2025', { type: 'quarter', year: 2025, quarter: 1 }],
  ['trong quý I năm 2025', { type: 'quarter', year: 2025, quarter: 1 }],
  ['quý 2/2025', { type: 'quarter', year: 2025, quarter: 2 }],
  ['quý IV/2026', { type: 'quarter', year: 2026, quarter: 4 }],
  ['Quý III / 2025', { type: 'quarter', year: 2025, quarter: 3 }],
  ['hoàn thành trong quý I/2025', { type: 'quarter', year: 2025, quarter: 1 }],
  ['quy iv nam 2026', { type: 'quarter', year: 2026, quarter: 4 }],
  ['hằng quý', { type: 'every', unit: 'quarter' }],
  ['hàng quý', { type: 'every', unit: 'quarter' }],
  // Months and years.
  ['Tháng 6 năm 2019', { type: 'month', year: 2019, month: 6 }],
  ['tháng 7/2019', { type: 'month', year: 2019, month: 7 }],
  ['Tháng 12 năm 2025.', { type: 'month', year: 2025, month: 12 }],
  ['Năm 2025', { type: 'year', year: 2025 }],
  ['Năm 2025.', { type: 'year', year: 2025 }],
  ['Trong năm 2025', { type: 'year', year: 2025 }],
  ['Cả năm 2025', { type: 'year', year: 2025 }],
  ['Cả\nnăm 2025.', { type: 'year', year: 2025 }],
  ['6 tháng đầu năm 2025', { type: 'half', year: 2025, half: 1 }],
  ['06 tháng cuối năm 2025', { type: 'half', year: 2025, half: 2 }],
  ['hằng tháng', { type: 'every', unit: 'month' }],
  ['hàng tháng', { type: 'every', unit: 'month' }],
  ['hằng năm', { type: 'every', unit: 'year' }],
  ['hàng năm', { type: 'every', unit: 'year' }],
  ['Hằng năm', { type: 'every', unit: 'year' }],
  ['Hằng\nnăm.', { type: 'every', unit: 'year' }],
  ['HANG NAM', { type: 'every', unit: 'year' }],
  // Ranges.
  ['Giai đoạn 2024 - 2025', { type: 'range', fromYear: 2024, toYear: 2025 }],
  ['giai đoạn 2022-2030', { type: 'range', fromYear: 2022, toYear: 2030 }],
  ['2023 - 2025', { type: 'range', fromYear: 2023, toYear: 2025 }],
  ['giai đoạn 2022 – 2030', { type: 'range', fromYear: 2022, toYear: 2030 }],
  ['từ năm 2021 đến năm 2025', { type: 'range', fromYear: 2021, toYear: 2025 }],
  // Without a date of their own.
  ['Thường xuyên', { type: 'ongoing' }],
  ['Thường xuyên.', { type: 'ongoing' }],
  ['thuong xuyen', { type: 'ongoing' }],
  ['đột xuất (theo yêu cầu)', { type: 'on-request' }],
  ['báo cáo đột xuất', { type: 'on-request' }],
  ['Thời gian thực hiện: Năm 2019', { type: 'year', year: 2019 }],
];

describe('parseExpression', () => {
  it.each(understood)('reads %j', (text, rule) => {
    expect(parseExpression(text)).toEqual(rule);
    expect(ruleSchema.parse(parseExpression(text))).toEqual(rule);
  });

  it.each(understood)('reads %j written in NFD', (text, rule) => {
    expect(parseExpression(text.normalize('NFD'))).toEqual(rule);
  });

  it.each(understood)('reads %j without diacritics', (text, rule) => {
    const bare = text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D');
    expect(parseExpression(bare)).toEqual(rule);
  });

  const rejected: [string, RegExp][] = [
    ['ngày mai', /Không hiểu biểu thức thời gian "ngày mai"/],
    ['sớm nhất có thể', /unknown time expression "sớm nhất có thể"/],
    ['31/2', /tháng 2 không có ngày 31/],
    ['30/2/2025', /tháng 2\/2025 không có ngày 30/],
    ['29/2/2025', /tháng 2\/2025 không có ngày 29/],
    ['31/4/2025', /tháng 4\/2025 không có ngày 31/],
    ['15/13', /tháng 13 không tồn tại/],
    ['Tháng 13 năm 2025', /tháng 13 không tồn tại/],
    ['quý V/2025', /quý "v" không tồn tại/],
    ['quý 5/2025', /quý "5" không tồn tại/],
    ['Giai đoạn 2030 - 2022', /giai đoạn ngược: 2030 sau 2022/],
    ['Năm 1500', /năm 1500 nằm ngoài/],
    ['', /Không hiểu biểu thức thời gian ""/],
    ['trước ngày 15/11 hằng năm hoặc báo cáo đột xuất', /Không hiểu/],
  ];

  it.each(rejected)('rejects %j with a message naming the text and the reason', (text, message) => {
    let caught: unknown;
    try {
      parseExpression(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    const err = caught as ExpressionError;
    expect(err.name).toBe('ExpressionError');
    expect(err.text).toBe(text.normalize('NFC').trim());
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`"${err.text}"`);
  });
});

describe('parseReportKind', () => {
  it.each([
    ['báo cáo 6 tháng', 'six-month'],
    ['trước ngày 15/5 đối với báo cáo 6 tháng', 'six-month'],
    ['báo cáo năm', 'annual'],
    ['trước ngày 15/11 đối với báo cáo năm', 'annual'],
    ['báo cáo quý', 'quarterly'],
    ['báo cáo tháng', 'monthly'],
    ['05 năm tổng kết', 'five-year'],
    ['đột xuất (theo yêu cầu)', 'ad-hoc'],
    ['bao cao 6 thang', 'six-month'],
    ['Kế hoạch thực hiện', undefined],
  ])('names %j as %s', (text, kind) => {
    expect(parseReportKind(text)).toBe(kind);
  });
});

describe('describeRule', () => {
  it.each([
    [{ type: 'annual', month: 5, day: 15 }, 'Trước ngày 15/5 hằng năm'],
    [{ type: 'date', date: '2019-04-10' }, 'Trước ngày 10/4/2019'],
    [{ type: 'quarter', year: 2025, quarter: 1 }, 'Quý I/2025'],
    [{ type: 'month', year: 2019, month: 6 }, 'Tháng 6 năm 2019'],
    [{ type: 'half', year: 2025, half: 1 }, '6 tháng đầu năm 2025'],
    [{ type: 'year', year: 2025 }, 'Năm 2025'],
    [{ type: 'range', fromYear: 2024, toYear: 2025 }, 'Giai đoạn 2024 - 2025'],
    [{ type: 'every', unit: 'quarter' }, 'Hằng quý'],
    [{ type: 'ongoing' }, 'Thường xuyên'],
    [{ type: 'on-request' }, 'Đột xuất (theo yêu cầu)'],
  ] as [Rule, string][])('describes %j as %j, which parses back to the same rule', (rule, text) => {
    expect(describeRule(rule)).toBe(text);
    expect(parseExpression(describeRule(rule))).toEqual(rule);
  });
});
