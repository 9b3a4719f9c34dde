import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { readPlanDocument, type PlanDocument } from '../plan/documents';
import { importPlanDocument } from '../plan/documents/import';
import { describeOrigin, locate } from '../plan/documents/review';
import { formatReviewItem } from '../plan/importer';
import { loadDirectoryFile, loadPlanFile } from '../plan/load';
import { formatProblem, type PlanError } from '../plan/problems';
import type { Directory } from '../plan/schema';
import { registerPlanApply } from './plan-apply';
import { importedPlanYaml, planForFile, relativePath } from '../services/plan-import';

/** Exit codes: 0 done, 1 plan does not validate, 2 input unreadable or not a plan. */
const EXIT_INVALID = 1;
const EXIT_BAD_INPUT = 2;

/** The plan document (.txt, .docx, .pdf, scanned .pdf) read into text; a file that is none exits with code 2. */
async function readSource(file: string): Promise<PlanDocument> {
  try {
    return await readPlanDocument(file);
  } catch (err) {
    if ((err as Error).name !== 'DocumentError') throw err;
    throw Object.assign(new Error(`${file}: ${(err as Error).message}`), { exit: EXIT_BAD_INPUT });
  }
}

async function importCommand(
  file: string,
  options: { output?: string; json?: boolean; directory?: string; text?: string },
): Promise<number> {
  const doc = await readSource(file);
  if (options.text) await writeFile(options.text, doc.text, 'utf8');
  let directory: Directory | undefined;
  if (options.directory) directory = (await loadDirectoryFile(options.directory)).directory;
  let result: ReturnType<typeof importPlanDocument>;
  try {
    result = importPlanDocument(doc, { fileName: file, directory });
  } catch (err) {
    if ((err as Error).name !== 'ImportError') throw err;
    const line = (err as { line?: number }).line;
    const where = line ? (describeOrigin(doc, line) ?? locate(doc, line).line) : undefined;
    console.error(
      `${file}${where === undefined ? '' : typeof where === 'number' ? `:${where}` : ` (${where})`}: ${(err as Error).message}`,
    );
    return EXIT_BAD_INPUT;
  }
  const { review } = result;
  const out = options.output;
  const source = relative(out ? dirname(resolve(out)) : process.cwd(), resolve(file))
    .split('\\')
    .join('/');
  // Written next to its directory, the draft names the directory file given (the import page does the same).
  const directoryPath = options.directory && out ? relativePath(dirname(resolve(out)), options.directory) : undefined;
  const plan = planForFile(result.plan, { source, directory: directoryPath });
  // In source order, so the officer reads the list beside the text; --json keeps the importer's order.
  for (const item of [...review].sort((a, b) => a.line - b.line)) {
    // A PDF's or a .docx's line is given as page and line or paragraph; an item of the whole document has none.
    if (doc.kind === 'text') console.error(formatReviewItem(item, file));
    else {
      const where = item.field === 'source' ? undefined : describeOrigin(doc, item.line);
      console.error(`${file}${where ? ` (${where})` : ''} ${item.field}: ${item.message}`);
    }
  }
  if (options.json) {
    const { kind, pages, ocr, warnings } = doc;
    const located = review.map((item) => (doc.kind === 'text' ? item : { ...item, origin: locate(doc, item.line) }));
    const document = { kind, ...(pages ? { pages } : {}), ...(ocr ? { ocr } : {}), warnings };
    process.stdout.write(`${JSON.stringify({ plan, review: located, document }, null, 2)}\n`);
  } else {
    const yaml = importedPlanYaml(plan, review.length);
    if (out) await writeFile(out, yaml, 'utf8');
    else process.stdout.write(yaml);
  }
  if (out && !options.json)
    console.error(`Đã ghi bản nháp: ${out} (${plan.tasks.length} nhiệm vụ, ${review.length} mục cần rà soát)`);
  return 0;
}

async function validateCommand(files: string[]): Promise<number> {
  let failed = false;
  for (const file of files) {
    try {
      const { warnings, plan } = await loadPlanFile(file);
      for (const w of warnings) console.log(formatProblem(w));
      console.log(`${file}: hợp lệ (valid) — ${plan.tasks.length} nhiệm vụ, ${plan.deadlines.length} hạn chung`);
    } catch (err) {
      if ((err as Error).name !== 'PlanError') throw err;
      failed = true;
      for (const p of (err as PlanError).problems) console.log(formatProblem(p));
    }
  }
  return failed ? EXIT_INVALID : 0;
}

async function showCommand(file: string): Promise<number> {
  try {
    const { plan } = await loadPlanFile(file);
    console.log(`${plan.number ? `${plan.number} — ` : ''}${plan.title}`);
    console.log(`${plan.issuer}${plan.issuedOn ? `, ${plan.issuedOn}` : ''}; ${plan.period.from} → ${plan.period.to}`);
    console.log(`Đầu mối: ${plan.focalAgency}; báo cáo: ${plan.reportsTo}`);
    for (const task of plan.tasks) {
      console.log(`  ${task.id.padEnd(7)} ${task.title.slice(0, 70)}`);
      console.log(`          chủ trì: ${task.lead.join('; ')} | thời gian: ${task.timeframe.text}`);
    }
    for (const d of plan.deadlines) console.log(`  hạn: ${d.text} — ${d.subject}`);
    return 0;
  } catch (err) {
    if ((err as Error).name !== 'PlanError') throw err;
    for (const p of (err as PlanError).problems) console.log(formatProblem(p));
    return EXIT_INVALID;
  }
}

async function run(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (err) {
    const exit = (err as { exit?: number }).exit;
    console.error(`dondoc: ${(err as Error).message}`);
    process.exitCode = exit ?? EXIT_BAD_INPUT;
  }
}

/** Registers `dondoc plan import|validate|show`. */
export function registerPlan(program: Command): void {
  const plan = program.command('plan').description('Kế hoạch: nhập từ văn bản, kiểm tra, xem');
  plan
    .command('import <file>')
    .description('Đọc kế hoạch (.txt, .docx, .pdf, PDF quét), tạo bản nháp YAML và danh sách cần rà soát (stderr)')
    .option('-o, --output <file>', 'ghi bản nháp vào tệp (plans/<id>.yaml)')
    .option('--json', 'in bản nháp và danh sách rà soát dạng JSON ra stdout')
    .option('-d, --directory <file>', 'danh bạ cơ quan của tỉnh để chuẩn hóa tên')
    .option('--text <file>', 'ghi văn bản đọc được từ tài liệu (.docx, .pdf, bản quét) vào tệp')
    .action((file: string, options: { output?: string; json?: boolean; directory?: string; text?: string }) =>
      run(() => importCommand(file, options)),
    );
  plan
    .command('validate <files...>')
    .description('Kiểm tra kế hoạch: mã thoát 0 khi hợp lệ, 1 kèm từng lỗi (tệp:dòng trường: lỗi)')
    .action((files: string[]) => run(() => validateCommand(files)));
  plan
    .command('show <file>')
    .description('Tóm tắt một kế hoạch')
    .action((file: string) => run(() => showCommand(file)));
  // Amending a running plan (issue 13 §1).
  registerPlanApply(plan);
}
