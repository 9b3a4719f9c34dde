import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { formatPath, PlanError, type PlanProblem } from './problems';
import { directorySchema, planSchema, type Directory, type Plan } from './schema';
import { validateDirectory, validatePlan, type Finding } from './validate';

export { PlanError, type PlanProblem } from './problems';

/** A plan read from `plans/`, with its agency directory and the warnings that did not stop it. */
export interface LoadedPlan {
  file: string;
  plan: Plan;
  directory: Directory;
  directoryFile: string;
  warnings: PlanProblem[];
}

/** A YAML file parsed with line numbers, so that field paths can be turned into lines. */
interface ParsedYaml {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** The 1-based line of the node at `path`, or of its nearest ancestor that exists. */
function lineOf(parsed: ParsedYaml, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const keys = path.slice(0, n).map((k) => (typeof k === 'symbol' ? String(k) : k));
    const node = n === 0 ? parsed.doc.contents : parsed.doc.getIn(keys, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    // A missing field is reported at the first line of the collection that should hold it.
    if (range && (n === path.length || isMap(node) || isSeq(node))) return parsed.lines.linePos(range[0]).line;
  }
  return undefined;
}

async function readYaml(file: string): Promise<ParsedYaml> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`;
    throw new PlanError([{ file: shown(file), path: '', message: why, severity: 'error' }]);
  }
  if (text.includes('\u0000')) {
    throw new PlanError([
      { file: shown(file), path: '', message: 'binary file, expected YAML text', severity: 'error' },
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text.normalize('NFC'), { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PlanError(
      doc.errors.map((e) => ({
        file: shown(file),
        line: e.linePos?.[0].line,
        path: '',
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
        severity: 'error' as const,
      })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    // Aliases are resolved only here: one whose anchor is missing or comes later, or so many that they would blow up.
    throw new PlanError([
      {
        file: shown(file),
        line: aliasLine(doc, lines),
        path: '',
        message: `YAML: ${(err as Error).message}`,
        severity: 'error',
      },
    ]);
  }
  if (value === null || value === undefined) {
    throw new PlanError([
      { file: shown(file), path: '', message: 'empty file, expected a YAML mapping', severity: 'error' },
    ]);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new PlanError([
      {
        file: shown(file),
        line: 1,
        path: '',
        message: 'expected a YAML mapping of fields (id, title, tasks …)',
        severity: 'error',
      },
    ]);
  }
  return { file: shown(file), doc, lines, value };
}

/** The line of the first alias that does not resolve, else of the first alias (for a document with too many). */
function aliasLine(doc: Document.Parsed, lines: LineCounter): number {
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, {
    Alias(_, node) {
      const line = node.range ? lines.linePos(node.range[0]).line : undefined;
      first ??= line;
      if (!node.resolve(doc)) {
        unresolved = line;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return unresolved ?? first ?? 1;
}

function schemaProblems(parsed: ParsedYaml, issues: z.core.$ZodIssue[]): PlanProblem[] {
  return issues.map((issue) => ({
    file: parsed.file,
    line: lineOf(parsed, issue.path),
    path: formatPath(issue.path),
    message: issue.message,
    severity: 'error' as const,
  }));
}

function located(parsed: ParsedYaml, findings: Finding[]): PlanProblem[] {
  return findings.map((finding) => {
    const list = finding.path.length > 0 && typeof finding.path[finding.path.length - 1] === 'number';
    return {
      file: parsed.file,
      line: lineOf(parsed, finding.path),
      path: formatPath(list ? finding.path.slice(0, -1) : finding.path),
      message: finding.message,
      severity: finding.severity,
    };
  });
}

/** Reads and checks an agency directory file. */
export async function loadDirectoryFile(file: string): Promise<{ directory: Directory; warnings: PlanProblem[] }> {
  const parsed = await readYaml(file);
  const result = directorySchema.safeParse(parsed.value);
  if (!result.success) throw new PlanError(schemaProblems(parsed, result.error.issues));
  const problems = located(parsed, validateDirectory(result.data));
  if (problems.some((p) => p.severity === 'error')) throw new PlanError(problems);
  return { directory: result.data, warnings: problems };
}

/**
 * Reads a plan YAML file and its agency directory, validates both (schema, then semantic checks) and
 * throws `PlanError` with every located problem when anything is wrong; warnings come back with the plan.
 */
export async function loadPlanFile(file: string): Promise<LoadedPlan> {
  const parsed = await readYaml(file);
  const result = planSchema.safeParse(parsed.value);
  if (!result.success) {
    const problems = schemaProblems(parsed, result.error.issues);
    throw new PlanError(dedupe([...problems, ...(await bestEffortChecks(file, parsed))]));
  }
  const plan = result.data;
  const directoryFile = join(dirname(file), plan.directory);
  let loaded: { directory: Directory; warnings: PlanProblem[] };
  try {
    loaded = await loadDirectoryFile(directoryFile);
  } catch (err) {
    if ((err as Error).name !== 'PlanError') throw err;
    const problems = (err as PlanError).problems;
    const pointer: PlanProblem = {
      file: parsed.file,
      line: lineOf(parsed, ['directory']),
      path: 'directory',
      message: `agency directory "${plan.directory}" cannot be used (see below)`,
      severity: 'error',
    };
    throw new PlanError([pointer, ...problems]);
  }
  const problems = [...loaded.warnings, ...located(parsed, validatePlan(plan, loaded.directory))];
  if (problems.some((p) => p.severity === 'error')) throw new PlanError(problems);
  return {
    file: parsed.file,
    plan,
    directory: loaded.directory,
    directoryFile: shown(directoryFile),
    warnings: problems,
  };
}

function dedupe(problems: PlanProblem[]): PlanProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}|${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Semantic checks on a plan that failed the schema, so that one run reports unknown agencies and duplicate ids
 * too; fields of the wrong type simply make a check give up.
 */
async function bestEffortChecks(file: string, parsed: ParsedYaml): Promise<PlanProblem[]> {
  const raw = parsed.value as Record<string, unknown>;
  if (typeof raw.directory !== 'string' || !Array.isArray(raw.tasks)) return [];
  try {
    const { directory } = await loadDirectoryFile(join(dirname(file), raw.directory));
    const lenient = {
      reportingOfficers: [],
      deadlines: [],
      duties: [],
      ...raw,
      tasks: (raw.tasks as Record<string, unknown>[]).map((t) => ({ coordinators: [], lead: [], ...t })),
    } as unknown as Plan;
    return located(parsed, validatePlan(lenient, directory)).filter((p) => p.severity === 'error');
  } catch {
    return [];
  }
}

async function planFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new PlanError([{ file: shown(dir), path: '', message: 'plans folder not found', severity: 'error' }]);
  }
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/** A plan file of a folder that cannot be used, with the plan ids it may hold. */
export interface BrokenPlanFile {
  file: string;
  /** The `id:` the file declares (when a line says so) and its name without `.yaml`: a lookup of either finds it. */
  planIds: string[];
  problems: PlanProblem[];
}

/** What a plans folder holds: the plans that load, and the files that do not, each on its own. */
export interface PlanFolder {
  plans: LoadedPlan[];
  broken: BrokenPlanFile[];
}

async function declaredIds(file: string): Promise<string[]> {
  const stem = /([^\\/]+)\.ya?ml$/i.exec(file)?.[1];
  let declared: string | undefined;
  try {
    // A regular expression, not the YAML parser: it also reads the id of a file with a syntax error.
    declared = /^id:[ \t]*(["']?)([^"'\s#]+)\1/m.exec(await readFile(file, 'utf8'))?.[2];
  } catch {
    declared = undefined;
  }
  return [...new Set([declared, stem].filter((id): id is string => !!id))];
}

/**
 * Loads every `*.yaml` plan directly in `dir` (not its `agencies/` or other subfolders), each file on its own, so a
 * broken file keeps out only itself; two files with the same plan id are both set aside. Throws `PlanError` only
 * when the folder cannot be read.
 */
export async function loadPlanFolder(dir = 'plans'): Promise<PlanFolder> {
  const loaded: LoadedPlan[] = [];
  const broken: BrokenPlanFile[] = [];
  for (const file of await planFiles(dir)) {
    try {
      loaded.push(await loadPlanFile(file));
    } catch (err) {
      if ((err as Error).name !== 'PlanError') throw err;
      broken.push({ file: shown(file), planIds: await declaredIds(file), problems: (err as PlanError).problems });
    }
  }
  const plans: LoadedPlan[] = [];
  for (const entry of loaded) {
    const others = loaded.filter((o) => o !== entry && o.plan.id === entry.plan.id).map((o) => o.file);
    if (others.length === 0) {
      plans.push(entry);
      continue;
    }
    const message = `plan id "${entry.plan.id}" is also used by ${others.join(', ')}`;
    broken.push({
      file: entry.file,
      planIds: [entry.plan.id],
      problems: [{ file: entry.file, path: 'id', message, severity: 'error' }],
    });
  }
  return { plans, broken };
}

/** Loads every `*.yaml` plan directly in `dir` (not its `agencies/` or other subfolders); throws one `PlanError` for all. */
export async function loadPlans(dir = 'plans'): Promise<LoadedPlan[]> {
  const { plans, broken } = await loadPlanFolder(dir);
  const problems = broken.flatMap((b) => b.problems);
  if (problems.some((p) => p.severity === 'error')) throw new PlanError(problems);
  return plans;
}

/** The path of the plan file whose `id` is `planId`: `<dir>/<planId>.yaml` when it holds that id, else the first file that does. */
export async function findPlanFile(planId: string, dir = 'plans'): Promise<string> {
  const files = await planFiles(dir);
  const preferred = files.filter((f) => /[\\/]([^\\/]+)\.ya?ml$/i.exec(f)?.[1] === planId);
  for (const file of [...preferred, ...files.filter((f) => !preferred.includes(f))]) {
    try {
      const parsed = await readYaml(file);
      if ((parsed.value as { id?: unknown }).id === planId) return file;
    } catch {
      // A broken file is reported by loadPlans; here it simply does not hold the id.
    }
  }
  throw new PlanError([{ file: shown(dir), path: '', message: `no plan with id "${planId}"`, severity: 'error' }]);
}
