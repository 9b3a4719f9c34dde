import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(__dirname, 'fixtures/plan.yaml');

function dondoc(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/dondoc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dondoc when', () => {
  it('prints the rule kind and the due dates of a 2022–2030 period as JSON', () => {
    const r = dondoc('when', 'trước ngày 15/11 hằng năm', '--period', '2022-01-01..2030-12-31', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.kind).toBe('annual');
    expect(out.dates).toEqual([2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030].map((y) => `${y}-11-15`));
    expect(out.due[3]).toEqual({ nominal: '2025-11-15', effective: '2025-11-17', reason: 'Thứ Bảy' });
  });

  it('prints Vietnamese dates with weekdays, nominal → effective with the reason', () => {
    const r = dondoc('when', 'quy I/2025', '--period', '2025');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Quý I/2025');
    expect(r.stdout).toContain('Thứ Hai, 31/03/2025');
  });

  it('exits 2 naming the text it does not understand, without a stack trace', () => {
    const r = dondoc('when', 'ngày mai');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"ngày mai"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a bad or reversed --period', () => {
    const bad = dondoc('when', '15/5', '--period', '2025-13-01..2025-12-31');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--period "2025-13-01..2025-12-31"');
  });
});

describe('dondoc calendar', () => {
  it('writes an iCalendar file of one agency that ical.js accepts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dondoc-ics-'));
    try {
      const file = path.join(dir, 'ngoai-vu.ics');
      const r = dondoc('calendar', FIXTURE, '--agency', 'Sở Ngoại vụ', '--ics', '-o', file);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const cal = new ICAL.Component(ICAL.parse(await readFile(file, 'utf8')));
      const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
      expect(events.map((e) => e.startDate.toString())).toEqual(['2025-03-31', '2025-05-15', '2025-11-17']);
      expect(events.every((e) => e.summary.startsWith('Hạn: '))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
