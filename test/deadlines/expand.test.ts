import { expandRule, PeriodError } from '../../src/deadlines/expand';
import { parseExpression } from '../../src/deadlines/expression';
import type { Rule } from '../../src/deadlines/rule';

const year2025 = { from: '2025-01-01', to: '2025-12-31' };

describe('expandRule', () => {
  it.each<[string, { from: string; to: string }, string[]]>([
    ['trước ngày 15/5', year2025, ['2025-05-15']],
    [
      'trước ngày 15/11 hằng năm',
      { from: '2022-01-01', to: '2030-12-31' },
      [2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030].map((y) => `${y}-11-15`),
    ],
    ['trước ngày 10/4/2019', { from: '2019-01-01', to: '2019-12-31' }, ['2019-04-10']],
    ['trước ngày 10/4/2019', year2025, []],
    ['quý I/2025', year2025, ['2025-03-31']],
    ['quý IV/2026', { from: '2025-01-01', to: '2026-12-31' }, ['2026-12-31']],
    ['quý IV/2026', year2025, []],
    ['Tháng 6 năm 2019', { from: '2019-01-01', to: '2019-12-31' }, ['2019-06-30']],
    ['tháng 2/2024', { from: '2024-01-01', to: '2024-12-31' }, ['2024-02-29']],
    ['tháng 2/2025', year2025, ['2025-02-28']],
    ['6 tháng đầu năm 2025', year2025, ['2025-06-30']],
    ['6 tháng cuối năm 2025', year2025, ['2025-12-31']],
    ['Năm 2025', year2025, ['2025-12-31']],
    ['Giai đoạn 2024 - 2025', year2025, ['2025-12-31']],
    ['giai đoạn 2022-2030', year2025, []],
    ['giai đoạn 2022-2030', { from: '2022-01-01', to: '2030-12-31' }, ['2030-12-31']],
    ['hằng quý', year2025, ['2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31']],
    ['hằng năm', { from: '2022-06-01', to: '2024-06-30' }, ['2022-12-31', '2023-12-31']],
    ['Thường xuyên', year2025, []],
    ['đột xuất (theo yêu cầu)', year2025, []],
  ])('expands %j in %j', (text, period, dates) => {
    expect(expandRule(parseExpression(text), period)).toEqual(dates);
  });

  it('gives the last day of each month, February 29 in leap years', () => {
    const dates = expandRule({ type: 'every', unit: 'month' }, { from: '2024-01-01', to: '2024-12-31' });
    expect(dates).toHaveLength(12);
    expect(dates[1]).toBe('2024-02-29');
    expect(expandRule({ type: 'every', unit: 'month' }, year2025)[1]).toBe('2025-02-28');
  });

  it('keeps only dates inside a period that crosses a year boundary', () => {
    const period = { from: '2024-12-01', to: '2025-01-31' };
    expect(expandRule({ type: 'every', unit: 'month' }, period)).toEqual(['2024-12-31', '2025-01-31']);
    expect(expandRule({ type: 'annual', month: 1, day: 15 }, period)).toEqual(['2025-01-15']);
    expect(expandRule({ type: 'annual', month: 12, day: 15 }, period)).toEqual(['2024-12-15']);
  });

  it('moves 29/2 to 28/2 in common years and keeps it in leap years', () => {
    const rule: Rule = { type: 'annual', month: 2, day: 29 };
    expect(expandRule(rule, { from: '2023-01-01', to: '2025-12-31' })).toEqual([
      '2023-02-28',
      '2024-02-29',
      '2025-02-28',
    ]);
    expect(expandRule(rule, { from: '2100-01-01', to: '2100-12-31' })).toEqual(['2100-02-28']);
    expect(expandRule(rule, { from: '2000-01-01', to: '2000-12-31' })).toEqual(['2000-02-29']);
  });

  it('includes both ends of the period', () => {
    expect(expandRule({ type: 'date', date: '2025-03-01' }, { from: '2025-03-01', to: '2025-03-01' })).toEqual([
      '2025-03-01',
    ]);
  });

  it.each([
    [{ from: '2025-12-31', to: '2025-01-01' }, /reversed period: 2025-12-31 is after 2025-01-01/],
    [{ from: '2025-02-30', to: '2025-12-31' }, /from "2025-02-30" is not a date/],
    [{ from: '2025-01-01', to: '2025-13-01' }, /to "2025-13-01" is not a date/],
    [{ from: '1/1/2025', to: '2025-12-31' }, /Khoảng thời gian không hợp lệ/],
  ])('rejects the period %j', (period, message) => {
    expect(() => expandRule({ type: 'every', unit: 'year' }, period)).toThrow(PeriodError);
    expect(() => expandRule({ type: 'every', unit: 'year' }, period)).toThrow(message);
  });
});
