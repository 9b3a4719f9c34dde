import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PLANS } from './support/fixtures';
import { planYaml, tmpPlans } from './support/tmp-plans';

const ROOT = join(__dirname, '..', '..');

function dondoc(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'dondoc.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('dondoc plan import', () => {
  const plans = tmpPlans();
  afterAll(() => plans.cleanup());

  it('prints a draft plan as YAML and the review list on stderr as file:line field: message', () => {
    const { status, stdout, stderr } = dondoc('plan', 'import', 'plans/sources/thai-binh-ttdn-2019.txt');
    expect(status).toBe(0);
    const draft = parse(stdout) as { id: string; tasks: { id: string }[]; source: string };
    expect(draft.id).toBe('thai-binh-ttdn-2019');
    expect(draft.tasks).toHaveLength(11);
    expect(draft.source).toBe('plans/sources/thai-binh-ttdn-2019.txt');
    expect(stderr).toMatch(/^plans\/sources\/thai-binh-ttdn-2019\.txt:\d+ number: /m);
  });

  it('prints JSON with --json', () => {
    const { status, stdout } = dondoc('plan', 'import', 'plans/sources/dak-nong-ttdn-2025.txt', '--json');
    expect(status).toBe(0);
    const { plan, review } = JSON.parse(stdout) as { plan: { number: string }; review: unknown[] };
    expect(plan.number).toBe('678/KH-UBND');
    expect(review.length).toBeGreaterThan(0);
  });

  it.each([
    ['an empty file', '', /empty file/],
    ['a binary file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0xff, 0xfe]), /binary/],
    ['a text that is no plan', 'Danh sách đi chợ\n- rau\n- thịt\n', /not a plan/],
    ['a plan heading without tasks', 'KẾ HOẠCH\nCÔNG TÁC NĂM 2025\nI. MỤC ĐÍCH\nNội dung.\n', /no tasks found/],
  ])('exits 2 with a clear message for %s', (_name, content, message) => {
    const file = plans.write('input.txt', content as string);
    const { status, stderr, stdout } = dondoc('plan', 'import', file);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).toBe('');
  });

  it('exits 2 for a file that does not exist', () => {
    const { status, stderr } = dondoc('plan', 'import', 'plans/sources/khong-co.txt');
    expect(status).toBe(2);
    expect(stderr).toContain('không tìm thấy tệp');
  });
});

describe('dondoc plan validate', () => {
  const plans = tmpPlans();
  afterAll(() => plans.cleanup());

  it('exits 0 for the shipped plans', () => {
    const { status, stdout } = dondoc(
      'plan',
      'validate',
      ...['dak-nong-ttdn-2025', 'ninh-binh-bien-gioi-bien-2022-2030', 'thai-binh-ttdn-2019'].map((id) =>
        join(PLANS, `${id}.yaml`),
      ),
    );
    expect(status).toBe(0);
    expect(stdout.match(/hợp lệ/g)).toHaveLength(3);
  });

  it('exits 1 with one line per problem, each with file, line and path', () => {
    const file = plans.write(
      'bad.yaml',
      planYaml(`  - id: "1"
    title: Một
    lead: [Sở ABC]
    timeframe: { text: Năm 2025, rule: { type: year, year: 2025 } }
  - id: "1"
    title: Hai
    lead: []
    timeframe: { text: Năm 2025, rule: { type: year, year: 2025 } }
`),
    );
    const { status, stdout } = dondoc('plan', 'validate', file);
    expect(status).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/bad\.yaml:13 tasks\[0\]\.lead: unknown agency "Sở ABC"/),
        expect.stringMatching(/bad\.yaml:15 tasks\[1\]\.id: duplicate task id "1"/),
        expect.stringMatching(/bad\.yaml:17 tasks\[1\]\.lead: a task needs at least one lead agency/),
      ]),
    );
  });
});
