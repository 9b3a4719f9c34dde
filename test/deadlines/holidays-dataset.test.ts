import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseHolidayFile } from '../../src/plan/holidays';
import {
  applyOverrides,
  checkHolidays,
  compareYear,
  ensureHolidayDataset,
  generateHolidays,
  pythonVenvAvailable,
  renderHolidayFile,
  type DatasetYear,
  type HolidayOverrides,
} from '../../src/services/holidays-dataset';

const ROOT = path.resolve(__dirname, '../..');
const SHIPPED = path.join(ROOT, 'plans/holidays');

function dondoc(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/dondoc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noOverrides: HolidayOverrides = { excluded: [], daysOff: [], workingDays: [] };

const dataset2026: DatasetYear = {
  year: 2026,
  references: [],
  daysOff: [
    { date: '2026-08-31', name: 'Nghỉ hoán đổi', holiday: 'Nghỉ hoán đổi', kind: 'swap' },
    { date: '2026-09-01', name: 'Quốc khánh 2/9', holiday: 'Quốc khánh', kind: 'holiday' },
    { date: '2026-09-02', name: 'Quốc khánh 2/9', holiday: 'Quốc khánh', kind: 'holiday' },
    { date: '2026-11-24', name: 'Ngày Văn hóa Việt Nam 24/11', holiday: 'Ngày Văn hóa Việt Nam', kind: 'holiday' },
  ],
  workingDays: [{ date: '2026-08-22', name: 'Làm bù', holiday: 'Làm bù', kind: 'swap' }],
};

describe('dondoc when over the 2026 National Day break', () => {
  it('moves "trước ngày 31/8" in 2026 to Thứ Năm 3/9/2026: 31/8, 1/9 and 2/9/2026 are days off', () => {
    const r = dondoc('when', 'trước ngày 31/8', '--period', '2026', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).due).toEqual([
      {
        nominal: '2026-08-31',
        effective: '2026-09-03',
        reason: 'Nghỉ hoán đổi dịp Quốc khánh 2/9 (làm bù thứ Bảy 22/08/2026)',
      },
    ]);
    const text = dondoc('when', 'trước ngày 31/8', '--period', '2026');
    expect(text.stdout).toContain('Thứ Hai, 31/08/2026 → Thứ Năm, 03/09/2026');
  });
});

describe('comparing a year with the dataset', () => {
  const shipped2026 = parseHolidayFile(
    'year: 2026\nstatus: official\nsource: test\ndaysOff:\n  - { from: 2026-09-01, to: 2026-09-02, name: QK }\n',
    '2026.yaml',
  );

  it('names each date whose working/off state differs, not dates that only differ in name', () => {
    const diffs = compareYear(shipped2026, dataset2026);
    expect(diffs.map((d) => [d.date, d.shipped, d.dataset])).toEqual([
      ['2026-08-22', 'off', 'work'],
      ['2026-08-31', 'work', 'off'],
      ['2026-11-24', 'work', 'off'],
    ]);
    expect(diffs[0].shippedName).toBe('Thứ Bảy');
  });

  it('leaves out an excluded holiday and takes in a day the project has a decision for', () => {
    const overrides: HolidayOverrides = {
      excluded: [{ holiday: 'Ngày Văn hóa Việt Nam', fromYear: 2026, reason: 'r', source: 's' }],
      daysOff: [{ date: '2026-12-31', name: 'Nghỉ theo quyết định X', source: 'Quyết định X' }],
      workingDays: [],
    };
    const applied = applyOverrides(dataset2026, overrides);
    expect(applied.daysOff.map((d) => d.date)).toEqual(['2026-08-31', '2026-09-01', '2026-09-02', '2026-12-31']);
    expect(applyOverrides({ ...dataset2026, year: 2025 }, overrides).daysOff).toHaveLength(4);
  });

  it('renders a file that parses to the dataset days, keeping the names and statuses the old file gave', () => {
    const old = parseHolidayFile(
      'year: 2026\nstatus: official\nsource: Nguồn cũ\ndaysOff:\n' +
        '  - { from: 2026-09-01, to: 2026-09-02, name: "Quốc khánh", status: derived }\n',
      '2026.yaml',
    );
    const text = renderHolidayFile(applyOverrides(dataset2026, noOverrides), old, '0.109');
    const back = parseHolidayFile(text, '2026.yaml');
    expect(back.source).toBe('Nguồn cũ');
    expect(back.daysOff.map((d) => [d.date, d.name, d.status])).toEqual([
      ['2026-08-31', 'Nghỉ hoán đổi', undefined],
      ['2026-09-01', 'Quốc khánh', 'derived'],
      ['2026-09-02', 'Quốc khánh', 'derived'],
      ['2026-11-24', 'Ngày Văn hóa Việt Nam 24/11', undefined],
    ]);
    expect(text).toContain('{ from: 2026-09-01, to: 2026-09-02, name: "Quốc khánh", status: derived }');
    expect(back.workingDays.map((d) => d.date)).toEqual(['2026-08-22']);
  });
});

// The CI check: the shipped files against the pinned python-holidays. It must run in CI; locally it is skipped only
// when no Python venv can be made.
const canRun = process.env.CI ? true : undefined;
describe('the shipped holiday files against the pinned dataset', () => {
  let available = false;
  let dir: string;
  beforeAll(async () => {
    available = canRun ?? (await pythonVenvAvailable());
    if (available) await ensureHolidayDataset();
    dir = await mkdtemp(path.join(tmpdir(), 'dondoc-holidays-dataset-'));
  }, 300_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const maybe = (name: string, fn: () => Promise<void>) =>
    it(
      name,
      async () => {
        if (!available) {
          console.warn('python3 -m venv is unavailable: the holiday dataset check is skipped here (CI runs it)');
          return;
        }
        await fn();
      },
      120_000,
    );

  maybe('agree on every official year, minus the listed overrides', async () => {
    const check = await checkHolidays(SHIPPED);
    expect(check.version).toBe('0.109');
    expect(check.officialYears).toEqual(expect.arrayContaining([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]));
    expect(check.differences).toEqual([]);
    expect(check.overridesUsed.join('\n')).toContain('Ngày Văn hóa Việt Nam');
  });

  maybe('are what generate writes: regenerating the shipped files changes none', async () => {
    const copy = path.join(dir, 'same');
    await cp(SHIPPED, copy, { recursive: true });
    const result = await generateHolidays({ dir: copy });
    expect(result.written).toEqual([]);
    expect(result.unchanged).toHaveLength(8);
  });

  maybe('report a missing day off in Vietnamese and exit 1; generate puts it back', async () => {
    const broken = path.join(dir, 'broken');
    await cp(SHIPPED, broken, { recursive: true });
    const file = path.join(broken, '2026.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(
      file,
      original
        .split('\n')
        .filter((l) => !l.includes('2026-08-31') && !l.includes('2026-08-22'))
        .join('\n')
        .replace('workingDays:\n', 'workingDays: []\n'),
    );
    const r = dondoc('holidays', 'check', '--dir', broken);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Năm 2026 (plans/holidays/2026.yaml):');
    expect(r.stdout).toContain('Thứ Hai, 31/08/2026: tệp ghi ngày làm việc, bộ dữ liệu ghi ngày nghỉ');
    expect(r.stdout).toContain('Thứ Bảy, 22/08/2026: tệp ghi ngày nghỉ (Thứ Bảy), bộ dữ liệu ghi ngày làm việc');
    expect(r.stdout).toContain('2 ngày khác bộ dữ liệu');

    await generateHolidays({ dir: broken });
    expect(await readFile(file, 'utf8')).toBe(original);
    expect(dondoc('holidays', 'check', '--dir', broken).status).toBe(0);
  });

  maybe('rewrite a derived year from the dataset rule only when asked, citing that rule', async () => {
    const derived = path.join(dir, 'derived');
    await cp(SHIPPED, derived, { recursive: true });
    const before = await checkHolidays(derived);
    expect(before.derivedDifferences.map((d) => d.date)).toEqual(['2027-02-04', '2027-02-11']);
    expect((await generateHolidays({ dir: derived })).written).toEqual([]);
    expect((await generateHolidays({ dir: derived, derived: true })).written).toEqual([
      path.join(derived, '2027.yaml'),
    ]);
    const y2027 = parseHolidayFile(await readFile(path.join(derived, '2027.yaml'), 'utf8'), '2027.yaml');
    expect(y2027.status).toBe('derived');
    expect(y2027.source).toContain('Dự kiến theo quy tắc của python-holidays 0.109');
    expect((await checkHolidays(derived)).derivedDifferences).toEqual([]);
  });

  maybe('count 24/11 as a difference once its exclusion is removed from overrides.yaml', async () => {
    const bare = path.join(dir, 'bare');
    await cp(SHIPPED, bare, { recursive: true });
    await rm(path.join(bare, 'overrides.yaml'));
    const check = await checkHolidays(bare);
    expect(check.differences.map((d) => d.date)).toEqual(['2026-11-24']);
  });
});
