import { importPlanText } from '../../src/plan/importer';
import type { PlanInput } from '../../src/plan/schema';
import { directory, reviewed, SHIPPED, source } from './support/fixtures';

/**
 * Fields of the reviewed plans that were fixed by hand because the text does not say them; for these the test
 * checks the importer's draft value instead (and that the review list flags them).
 */
const HAND_FIXES: Record<string, { task: string; field: 'lead' | 'coordinators'; draft: string[]; why: string }[]> = {
  'ninh-binh-bien-gioi-bien-2022-2030': [
    {
      task: '5',
      field: 'lead',
      draft: [],
      why: 'no agency is named for task 5, nor does any responsibility clearly match it',
    },
    { task: '5', field: 'coordinators', draft: [], why: 'chosen with the lead' },
  ],
};

const header = (plan: PlanInput) => ({
  id: plan.id,
  number: plan.number,
  title: plan.title,
  issuer: plan.issuer,
  issuedOn: plan.issuedOn,
  period: plan.period,
  directory: plan.directory,
  focalAgency: plan.focalAgency,
  reportsTo: plan.reportsTo,
});

const deadlines = (plan: PlanInput) =>
  (plan.deadlines ?? []).map((d) => ({
    id: d.id,
    text: d.text,
    kind: d.kind,
    reportKind: d.reportKind,
    rule: d.rule,
    subject: d.subject,
    owedBy: d.owedBy,
  }));

describe.each(SHIPPED)('importing $id', ({ id, province }) => {
  const { plan: draft, review } = importPlanText(source(id), { fileName: `${id}.txt`, directory: directory(province) });
  const expected = reviewed(id);
  const fixes = HAND_FIXES[id] ?? [];

  it('reads the header fields of the reviewed plan', () => {
    expect(header(draft)).toEqual(header(expected));
  });

  it('finds the same tasks, numbered as in the document', () => {
    expect(draft.tasks.map((t) => t.id)).toEqual(expected.tasks.map((t) => t.id));
    expect(draft.tasks.map((t) => t.title)).toEqual(expected.tasks.map((t) => t.title));
  });

  it('gives each task the reviewed leads, coordinators and timeframe (hand fixes excepted)', () => {
    for (const [i, task] of draft.tasks.entries()) {
      const want = expected.tasks[i];
      for (const field of ['lead', 'coordinators'] as const) {
        const fix = fixes.find((f) => f.task === task.id && f.field === field);
        expect({ task: task.id, field, value: task[field] ?? [] }).toEqual({
          task: task.id,
          field,
          value: fix ? fix.draft : (want[field] ?? []),
        });
      }
      expect({ task: task.id, timeframe: task.timeframe }).toEqual({ task: task.id, timeframe: want.timeframe });
    }
  });

  it('finds the plan-wide deadlines', () => {
    expect(deadlines(draft)).toEqual(deadlines(expected));
  });

  it('puts every hand-fixed field on the review list', () => {
    for (const fix of fixes) {
      const index = draft.tasks.findIndex((t) => t.id === fix.task);
      if (fix.field === 'lead') expect(review.map((r) => r.field)).toContain(`tasks[${index}].lead`);
      const reviewedTask = expected.tasks[index];
      expect(reviewedTask[fix.field]).not.toEqual(fix.draft);
    }
  });

  it('keeps the undated duties of the text, never scheduled', () => {
    expect((draft.duties ?? []).map((d) => d.text)).toEqual((expected.duties ?? []).map((d) => d.text));
  });
});

describe('what the sources say, checked by hand against the texts', () => {
  const dakNong = importPlanText(source('dak-nong-ttdn-2025'), { fileName: 'dak-nong-ttdn-2025.txt' }).plan;
  const thaiBinh = importPlanText(source('thai-binh-ttdn-2019'), { fileName: 'thai-binh-ttdn-2019.txt' }).plan;
  const ninhBinh = importPlanText(source('ninh-binh-bien-gioi-bien-2022-2030'), { fileName: 'x.txt' }).plan;
  const task = (plan: PlanInput, id: string) => plan.tasks.find((t) => t.id === id);

  it.each([
    ['2.4.1', ['Văn phòng Ủy ban nhân dân tỉnh'], { type: 'ongoing' }],
    [
      '3.1',
      ['Sở Thông tin và Truyền thông', 'Ủy ban nhân dân các huyện, thành phố'],
      { type: 'range', fromYear: 2024, toYear: 2025 },
    ],
    [
      '6.1',
      ['Báo Đắk Nông', 'Đài Phát thanh và Truyền hình Đắk Nông', 'Tạp chí Nâm Nung', 'Cổng Thông tin điện tử tỉnh'],
      { type: 'ongoing' },
    ],
    ['6.3', ['Bộ Chỉ huy Bộ đội Biên phòng tỉnh', 'Sở Thông tin và Truyền thông'], { type: 'every', unit: 'year' }],
    ['8.4', ['Sở Văn hóa, Thể thao và Du lịch'], { type: 'year', year: 2025 }],
  ])('Đắk Nông task %s has leads %j and timeframe %j', (id, lead, rule) => {
    expect(task(dakNong, id)?.lead).toEqual(lead);
    expect(task(dakNong, id)?.timeframe.rule).toEqual(rule);
  });

  it("reads Đắk Nông's report dates and the first-quarter deliverable", () => {
    expect(dakNong.number).toBe('678/KH-UBND');
    expect(dakNong.issuedOn).toBe('2024-10-23');
    expect(deadlines(dakNong).map((d) => [d.reportKind ?? d.kind, d.rule])).toEqual([
      ['six-month', { type: 'annual', month: 5, day: 15 }],
      ['annual', { type: 'annual', month: 11, day: 15 }],
      ['deliverable', { type: 'quarter', year: 2025, quarter: 1 }],
    ]);
  });

  it("reads Thái Bình's lettered tasks and its one-off deadline of 10/4/2019", () => {
    expect(thaiBinh.tasks.map((t) => t.id)).toEqual([
      '1.a',
      '1.b',
      '3',
      '4.a',
      '4.b',
      '4.c',
      '4.d',
      '4.đ',
      '4.e',
      '4.f',
      '4.g',
    ]);
    expect(task(thaiBinh, '1.a')?.timeframe.rule).toEqual({ type: 'month', year: 2019, month: 6 });
    expect(task(thaiBinh, '3')?.timeframe.rule).toEqual({ type: 'month', year: 2019, month: 7 });
    expect(deadlines(thaiBinh)).toEqual([
      expect.objectContaining({ kind: 'deliverable', rule: { type: 'date', date: '2019-04-10' } }),
    ]);
  });

  it("links Ninh Bình's responsibilities to its tasks and reads the yearly report date", () => {
    expect(task(ninhBinh, '1')?.lead).toEqual(['Sở Thông tin và Truyền thông']);
    expect(task(ninhBinh, '2')?.lead).toEqual(['Sở Thông tin và Truyền thông', 'Bộ Chỉ huy Bộ đội Biên phòng tỉnh']);
    expect(task(ninhBinh, '4')?.lead).toEqual(['Sở Thông tin và Truyền thông']);
    expect(deadlines(ninhBinh)[0]).toMatchObject({
      reportKind: 'annual',
      rule: { type: 'annual', month: 11, day: 15 },
      owedBy: 'all',
    });
    expect(ninhBinh.period).toEqual({ from: '2022-01-01', to: '2030-12-31' });
  });
});
