import { findPlanFile, loadPlanFile, loadPlanFolder, loadPlans, PlanError } from '../../src/plan/load';
import { formatProblem } from '../../src/plan/problems';
import { PLANS } from './support/fixtures';
import { planYaml, tmpPlans } from './support/tmp-plans';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function problems(file: string): Promise<string[]> {
  try {
    await loadPlanFile(file);
  } catch (err) {
    expect((err as Error).name).toBe('PlanError');
    return (err as PlanError).problems.map((p) => formatProblem({ ...p, file: 'x.yaml' }));
  }
  throw new Error('expected the plan to be rejected');
}

describe('loadPlanFile', () => {
  const plans = tmpPlans();
  afterAll(() => plans.cleanup());

  it('loads a valid plan with its directory and fills the defaults', async () => {
    const { plan, directory, warnings } = await loadPlanFile(plans.write('ok.yaml', planYaml()));
    expect(plan.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(plan.policy.remindDaysBefore).toEqual([7, 1]);
    expect(directory.province).toBe('Đắk Nông');
    expect(warnings.filter((w) => w.severity === 'error')).toEqual([]);
  });

  it.each([
    [
      'an unknown agency, with a suggestion',
      planYaml(`  - id: "1"
    title: Một
    lead: [Sở Tài chánh]
    timeframe: { text: Năm 2025, rule: { type: year, year: 2025 } }
`),
      ['x.yaml:13 tasks[0].lead: unknown agency "Sở Tài chánh" (did you mean "Sở Tài chính"'],
    ],
    [
      'duplicate task ids',
      planYaml(`  - id: "1"
    title: Một
    lead: [Sở Tài chính]
    timeframe: { text: Năm 2025, rule: { type: year, year: 2025 } }
  - id: "1"
    title: Hai
    lead: [Sở Tài chính]
    timeframe: { text: Năm 2025, rule: { type: year, year: 2025 } }
`),
      ['x.yaml:15 tasks[1].id: duplicate task id "1" (also tasks[0])'],
    ],
    [
      'a task with no lead',
      planYaml(`  - id: "1"
    title: Một
    lead: []
    timeframe: { text: Năm 2025, rule: { type: year, year: 2025 } }
`),
      ['x.yaml:13 tasks[0].lead: a task needs at least one lead agency (chủ trì)'],
    ],
    [
      'a deadline outside the plan period',
      planYaml(
        undefined,
        `deadlines:
  - id: deliverable-2019-04-10
    text: trước ngày 10/4/2019
    kind: deliverable
    rule: { type: date, date: "2019-04-10" }
    subject: Danh sách cán bộ
    owedBy: ["các Sở, ban, ngành", Sở ABC]
`,
      ),
      [
        'x.yaml:20 deadlines[0].rule: deadline "trước ngày 10/4/2019" falls outside the plan period 2025-01-01..2025-12-31',
        'x.yaml:22 deadlines[0].owedBy: unknown agency "Sở ABC"',
      ],
    ],
    [
      'wrong types',
      planYaml(`  - id: 1
    title: [a, b]
    lead: Sở Tài chính
    timeframe: { text: Năm 2025, rule: { type: decade } }
`).replace('from: 2025-01-01', 'from: 2025'),
      [
        'x.yaml:5 period.from:',
        'x.yaml:11 tasks[0].id:',
        'x.yaml:12 tasks[0].title:',
        'x.yaml:13 tasks[0].lead:',
        'x.yaml:14 tasks[0].timeframe.rule',
      ],
    ],
    [
      'a time zone that is not an IANA zone',
      planYaml(undefined, 'timezone: Asia/Hanoi_City\n'),
      ['x.yaml:16 timezone: múi giờ "Asia/Hanoi_City" không hợp lệ (expected an IANA zone'],
    ],
    [
      'a send time past 23:59',
      planYaml(undefined, 'policy:\n  sendAt: "99:99"\n'),
      ['x.yaml:17 policy.sendAt: giờ gửi "99:99" không hợp lệ (expected HH:mm, 00:00–23:59'],
    ],
    [
      'a send time without its leading zero',
      planYaml(undefined, 'policy:\n  sendAt: "8:00"\n'),
      ['x.yaml:17 policy.sendAt:'],
    ],
    ['a YAML syntax error', 'id: x\ntitle: [unclosed\n', ['x.yaml:3: YAML syntax']],
    ['an empty file', '', ['x.yaml: empty file, expected a YAML mapping']],
    ['a list instead of a mapping', '- a\n- b\n', ['x.yaml:1: expected a YAML mapping']],
    ['a binary file', 'id: x\u0000\u0001\u0002', ['x.yaml: binary file, expected YAML text']],
  ])('rejects %s with located messages', async (_name, yaml, expected) => {
    const found = await problems(plans.write('bad.yaml', yaml));
    for (const message of expected)
      expect(found).toContainEqual(expect.stringMatching(new RegExp(`^${escape(message)}`)));
  });

  it.each([
    ['UTC', '00:00'],
    ['Asia/Bangkok', '23:59'],
  ])('accepts the time zone %s and the send time %s', async (timezone, sendAt) => {
    const { plan } = await loadPlanFile(
      plans.write('zone.yaml', planYaml(undefined, `timezone: ${timezone}\npolicy:\n  sendAt: "${sendAt}"\n`)),
    );
    expect([plan.timezone, plan.policy.sendAt]).toEqual([timezone, sendAt]);
  });

  it('names a missing directory file from the plan', async () => {
    const found = await problems(
      plans.write('nodir.yaml', planYaml().replace('agencies/dak-nong.yaml', 'agencies/none.yaml')),
    );
    expect(found[0]).toMatch(/^x\.yaml:7 directory: agency directory "agencies\/none.yaml" cannot be used/);
    expect(found[1]).toContain('file not found');
  });

  it('reports a missing plan file without a stack trace', async () => {
    const found = await problems(`${plans.dir}/missing.yaml`);
    expect(found).toEqual(['x.yaml: file not found']);
  });
});

describe('loadPlanFolder', () => {
  const plans = tmpPlans();
  afterAll(() => plans.cleanup());

  it('loads each file on its own: a broken file keeps out only itself, with the id it declares', async () => {
    plans.write('a-good.yaml', planYaml());
    plans.write(
      'b-old-name.yaml',
      planYaml().replace('id: thu-nghiem', 'id: ke-hoach-hong').replace('tasks:', 'tasks: ['),
    );
    const { plans: loaded, broken } = await loadPlanFolder(plans.dir);
    expect(loaded.map((l) => l.plan.id)).toEqual(['thu-nghiem']);
    expect(broken).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/b-old-name\.yaml$/),
        planIds: ['ke-hoach-hong', 'b-old-name'],
        problems: expect.arrayContaining([
          expect.objectContaining({ message: expect.stringContaining('YAML syntax') }),
        ]),
      }),
    ]);
    await expect(loadPlans(plans.dir)).rejects.toMatchObject({
      message: expect.stringMatching(/b-old-name\.yaml:\d+: YAML syntax/),
    });
  });

  it('sets aside both files of a plan id used twice', async () => {
    plans.write('b-old-name.yaml', planYaml());
    const { plans: loaded, broken } = await loadPlanFolder(plans.dir);
    expect(loaded).toEqual([]);
    expect(broken.map((b) => [b.planIds, b.problems[0].message])).toEqual([
      [['thu-nghiem'], expect.stringMatching(/^plan id "thu-nghiem" is also used by .*b-old-name\.yaml$/)],
      [['thu-nghiem'], expect.stringMatching(/^plan id "thu-nghiem" is also used by .*a-good\.yaml$/)],
    ]);
  });
});

describe('loadPlans and findPlanFile on the shipped plans', () => {
  it('loads every plan of plans/ but not the agencies folder', async () => {
    const loaded = await loadPlans(PLANS);
    expect(loaded.map((l) => l.plan.id).sort()).toEqual([
      'dak-nong-ttdn-2025',
      'ninh-binh-bien-gioi-bien-2022-2030',
      'thai-binh-ttdn-2019',
    ]);
    for (const { warnings } of loaded) expect(warnings.filter((w) => w.severity === 'error')).toEqual([]);
  });

  it('finds a plan file by its id and refuses an unknown id', async () => {
    expect(await findPlanFile('thai-binh-ttdn-2019', PLANS)).toMatch(/thai-binh-ttdn-2019\.yaml$/);
    await expect(findPlanFile('khong-co', PLANS)).rejects.toMatchObject({ name: 'PlanError' });
  });

  it('ships directories with placeholder addresses on the reserved .example domain only', async () => {
    for (const { directory, plan } of await loadPlans(PLANS)) {
      expect(directory.placeholderEmails).toBe(true);
      for (const agency of directory.agencies) for (const email of agency.emails) expect(email).toMatch(/\.example$/);
      for (const officer of plan.reportingOfficers) expect(officer.email).toMatch(/\.example$/);
    }
  });
});
