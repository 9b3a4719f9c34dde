import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { loadPlanFile, type PlanProblem } from '../../src/plan/load';
import { directorySchema, planSchema, type Directory } from '../../src/plan/schema';
import { validateDirectory, validatePlan } from '../../src/plan/validate';
import { hostileAgencyName, hostileText, longAgencyName, mutations } from '../support/adversarial';
import { PLANS, SHIPPED } from './support/fixtures';

/** A JSON-like value (what YAML gives), mutated in place by the arbitraries below. */
type Json = unknown;
type Path = (string | number)[];

const MISSING = Symbol('missing');

/** The value at `path`, or `MISSING` when some step does not exist. */
function at(value: Json, path: readonly PropertyKey[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key))
      return MISSING;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A path names something that exists, or a missing field of an object that exists (a required field left out). */
function expectPathIn(value: Json, path: readonly PropertyKey[], what: string): void {
  if (at(value, path) !== MISSING) return;
  const parent = at(value, path.slice(0, -1));
  if (parent === MISSING || parent === null || typeof parent !== 'object')
    throw new Error(`${what} names a path that does not exist: ${JSON.stringify(path)}`);
}

/** Every path of a value's objects, arrays and leaves. */
function paths(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

/** A value of the wrong kind, or of the right kind with hostile content. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  hostileAgencyName,
  hostileText(6),
  longAgencyName,
  fc.constantFrom(
    '',
    ' ',
    '2025-02-30',
    '2025-13-01',
    '9999-99-99',
    'all',
    'Asia/Hanoi',
    'Mars/Olympus',
    '25:61',
    '2.4.1',
  ),
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.MAX_SAFE_INTEGER + 2,
  ),
  fc.constant([]),
  fc.constant({}),
  fc.array(hostileAgencyName, { maxLength: 3 }),
  fc.dictionary(
    fc.constantFrom('type', 'text', 'rule', 'year', 'month', 'day', '__proto__', 'constructor'),
    fc.oneof(fc.string(), fc.integer()),
    { maxKeys: 3 },
  ),
  // A rule of a valid type with values out of range.
  fc.record({
    type: fc.constantFrom(
      'annual',
      'date',
      'quarter',
      'month',
      'half',
      'year',
      'range',
      'every',
      'ongoing',
      'on-request',
      'weekly',
    ),
    year: fc.integer({ min: -10, max: 100_000 }),
    month: fc.integer({ min: -1, max: 14 }),
    day: fc.integer({ min: -1, max: 40 }),
    quarter: fc.integer({ min: 0, max: 5 }),
  }),
);

/** One structural change at a random place: a new value, a deletion, a duplicated list item, a hostile list item. */
type Edit = (value: Json) => void;
const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(position, hostileValue).map(([p, v]): Edit => (doc) => {
    const all = paths(doc).filter((path) => path.length > 0);
    const path = all[Math.floor(p * all.length)];
    (at(doc, path.slice(0, -1)) as Record<string | number, unknown>)[path[path.length - 1]] = structuredClone(v);
  }),
  position.map((p): Edit => (doc) => {
    const all = paths(doc).filter((path) => path.length > 0);
    const path = all[Math.floor(p * all.length)];
    const parent = at(doc, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
    if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
    else delete parent[path[path.length - 1]];
  }),
  fc.tuple(position, fc.boolean()).map(([p, hostile]): Edit => (doc) => {
    const lists = paths(doc).filter((path) => Array.isArray(at(doc, path)));
    if (lists.length === 0) return;
    const list = at(doc, lists[Math.floor(p * lists.length)]) as unknown[];
    const item = list.length > 0 ? structuredClone(list[Math.floor(p * list.length)]) : 'Sở Tài chính';
    list.push(hostile && typeof item === 'string' ? `${item}\u202e\u200b` : item);
  }),
);
const edits = fc.array(edit, { minLength: 1, maxLength: 4 });

const plans = SHIPPED.map(({ id, province }) => {
  const planText = readFileSync(join(PLANS, `${id}.yaml`), 'utf8');
  const directoryText = readFileSync(join(PLANS, 'agencies', `${province}.yaml`), 'utf8');
  return {
    id,
    province,
    planText,
    directoryText,
    plan: planSchema.parse(parse(planText)),
    raw: parse(planText) as Json,
    rawDirectory: parse(directoryText) as Json,
    directory: directorySchema.parse(parse(directoryText)) as Directory,
  };
});
// A failing run names the plan rather than printing its whole text.
const shipped = fc.constantFrom(...plans.map((p) => Object.assign(p, { [fc.toStringMethod]: () => p.id })));

function mutated(value: Json, changes: Edit[]): Json {
  // Through JSON, as YAML would give it (dates stay strings), then edited.
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  for (const change of changes) change(copy);
  return copy;
}

describe('the plan validator on mutated plans', () => {
  it('reports every schema problem at a field of the plan, without crashing', () => {
    fc.assert(
      fc.property(shipped, edits, (s, changes) => {
        const doc = mutated(s.raw, changes);
        const result = planSchema.safeParse(doc);
        if (result.success) return;
        expect(result.error.issues.length).toBeGreaterThan(0);
        for (const issue of result.error.issues) {
          expectPathIn(doc, issue.path, `schema issue "${issue.message}"`);
          expect(issue.message.trim()).not.toBe('');
        }
      }),
      { numRuns: 800 },
    );
  });

  it('checks every plan the schema takes against its directory, each finding at a field that exists', () => {
    fc.assert(
      fc.property(shipped, edits, (s, changes) => {
        const result = planSchema.safeParse(mutated(s.raw, changes));
        if (!result.success) return;
        for (const finding of validatePlan(result.data, s.directory)) {
          expectPathIn(result.data, finding.path, `finding "${finding.message}"`);
          expect(finding.message.trim()).not.toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('names agencies with zero-width, RTL, NFD, CRLF and very long names as unknown or as the agency they spell', () => {
    fc.assert(
      fc.property(shipped, hostileAgencyName, fc.nat(), (s, name, n) => {
        const plan = structuredClone(s.plan);
        const i = n % plan.tasks.length;
        plan.tasks[i].lead = [name];
        const findings = validatePlan(plan, s.directory).filter((f) => f.path.join('.') === `tasks.${i}.lead.0`);
        for (const f of findings) expect(f.message).toMatch(/unknown agency|có cơ quan kế thừa|has no members/);
        // A name with only invisible or decomposed differences is the agency itself.
        const plain = name.normalize('NFC').replace(/[\u200b-\u200d\u2060\ufeff]/g, '');
        if (plain === 'Sở Tài chính' && s.directory.agencies.some((a) => a.name === 'Sở Tài chính'))
          expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('checks mutated directories without crashing, each finding at a field of the directory', () => {
    fc.assert(
      fc.property(shipped, edits, (s, changes) => {
        const doc = mutated(s.rawDirectory, changes);
        const result = directorySchema.safeParse(doc);
        if (!result.success) {
          for (const issue of result.error.issues) expectPathIn(doc, issue.path, `schema issue "${issue.message}"`);
          return;
        }
        for (const finding of validateDirectory(result.data))
          expectPathIn(result.data, finding.path, `finding "${finding.message}"`);
        for (const finding of validatePlan(s.plan, result.data))
          expectPathIn(s.plan, finding.path, `finding "${finding.message}"`);
      }),
      { numRuns: 150 },
    );
  });
});

describe('loading mutated plan files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-validator-properties-'));
    mkdirSync(join(dir, 'agencies'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Loads a plan file; anything but a plan or a `PlanError` escapes and fails the property. */
  async function load(planText: string, province: string, directoryText: string) {
    const file = join(dir, 'plan.yaml');
    writeFileSync(file, planText);
    writeFileSync(join(dir, 'agencies', `${province}.yaml`), directoryText);
    try {
      const loaded = await loadPlanFile(file);
      return { problems: loaded.warnings, lines: planText.split('\n').length };
    } catch (err) {
      if ((err as Error).name !== 'PlanError') throw err;
      return {
        problems: (err as { problems: PlanProblem[] }).problems,
        lines: planText.split('\n').length,
        error: err,
      };
    }
  }

  /** Every problem of the plan file is on one of its lines; problems of the directory file name that file. */
  function expectLocated(outcome: Awaited<ReturnType<typeof load>>, directoryLines: number): void {
    if (outcome.error) expect(outcome.problems.some((p) => p.severity === 'error')).toBe(true);
    for (const problem of outcome.problems) {
      expect(problem.message.trim()).not.toBe('');
      const max = problem.file.endsWith('plan.yaml') ? outcome.lines : directoryLines;
      if (problem.line !== undefined && (problem.line < 1 || problem.line > max))
        throw new Error(`problem outside its file (${max} lines): ${JSON.stringify(problem)}`);
    }
  }

  it('reports every problem of an edited plan or directory on a line of its file', async () => {
    await fc.assert(
      fc.asyncProperty(shipped, edits, fc.boolean(), async (s, changes, inDirectory) => {
        const planText = inDirectory ? s.planText : stringify(mutated(s.raw, changes));
        const directoryText = inDirectory ? stringify(mutated(s.rawDirectory, changes)) : s.directoryText;
        expectLocated(await load(planText, s.province, directoryText), directoryText.split('\n').length);
      }),
      { numRuns: 40 },
    );
  });

  it.each([
    ['a lone alias', '**'],
    ['an alias before its anchor', 'id: *later\ntitle: &later Kế hoạch\n'],
    ['an alias to nothing', 'id: x\ntasks:\n  - *task\n'],
    [
      'a billion laughs',
      `a: &a [x, x, x, x, x, x, x, x, x]\n${[...'bcdefghij'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`).join('\n')}\n`,
    ],
  ])('refuses %s as a located YAML problem', async (_, text) => {
    // The parser reports unresolved and excessive aliases only when the document is turned into values (a
    // ReferenceError that escaped as a crash of "dondoc plan check"), not among its syntax errors.
    const outcome = await load(text, 'dak-nong', plans[0].directoryText);
    expect(outcome.error).toBeDefined();
    expect(outcome.problems).toEqual([
      expect.objectContaining({ severity: 'error', line: expect.any(Number), message: expect.stringMatching(/^YAML/) }),
    ]);
    expectLocated(outcome, 1);
  });

  it('reports YAML damaged as text (cut, NFD, CRLF, zero-width, RTL, control bytes) on a line of the file', async () => {
    await fc.assert(
      fc.asyncProperty(shipped, mutations(3), async (s, mutate) => {
        const planText = mutate(s.planText);
        expectLocated(await load(planText, s.province, s.directoryText), s.directoryText.split('\n').length);
      }),
      { numRuns: 40 },
    );
  });
});
