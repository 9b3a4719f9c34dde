import { loadPlanFolder, PlanError, type LoadedPlan, type PlanFolder } from '../plan/load';
import { formatProblem, type PlanProblem } from '../plan/problems';
import { planRevision } from '../plan/revision';
import type { PlanCatalog } from './types';

/** A plan the catalog cannot serve now (its file is broken, or no file declares the id); fixing the folder cures it. */
export class PlanUnavailableError extends Error {
  override readonly name = 'PlanUnavailableError';
  constructor(
    message: string,
    readonly planId: string,
    /** False when this catalog already gave this very message for this plan: the caller logs it once. */
    readonly firstReport: boolean,
  ) {
    super(message);
  }
}

/** The plans folder holds another revision of the plan than the one asked for. */
export class RevisionMismatchError extends Error {
  override readonly name = 'RevisionMismatchError';
}

/** How often a lookup that misses may re-read the folder. */
const REREAD_EVERY_MS = 5_000;
/** How old a read may get before a lookup reads the folder again (edited directories and plans reach running workflows). */
const REFRESH_EVERY_MS = 60_000;

type Read = PlanFolder & { folderProblems: PlanProblem[] };

function errorsOf(problems: PlanProblem[]): string {
  return problems
    .filter((p) => p.severity === 'error')
    .map((p) => `  ${formatProblem(p)}`)
    .join('\n');
}

function unavailableMessage(dir: string, planId: string, read: Read): string {
  const head = `Kế hoạch "${planId}" tạm thời không dùng được (plan unavailable)`;
  const retry = 'dondoc tự thử lại, không cần khởi động lại worker';
  if (read.folderProblems.length > 0) {
    return `${head}: không đọc được thư mục kế hoạch ${dir}; sửa DONDOC_PLANS_DIR hoặc tạo thư mục, ${retry}.\n${errorsOf(read.folderProblems)}`;
  }
  const broken = read.broken.filter((b) => b.planIds.includes(planId));
  if (broken.length > 0) {
    const files = broken.map((b) => b.file).join(', ');
    return `${head}: tệp ${files} có lỗi; sửa tệp rồi chạy "dondoc plan validate ${broken[0].file}", ${retry}.\n${errorsOf(broken.flatMap((b) => b.problems))}`;
  }
  return `${head}: không tệp nào trong thư mục kế hoạch ${dir} (DONDOC_PLANS_DIR) khai báo id "${planId}"; chép tệp kế hoạch vào ${dir}, ${retry}.`;
}

/**
 * Plans read from a folder, each file on its own: a valid plan is served while a sibling is broken. A lookup that
 * misses re-reads the folder (at most every `rereadEveryMs`), so a fixed or added file is picked up without a
 * restart; until then it throws `PlanUnavailableError`, naming the file, line and problem.
 */
export function createPlanCatalog(
  dir: string,
  options: { rereadEveryMs?: number; refreshEveryMs?: number; now?: () => number } = {},
): PlanCatalog & { all(): Promise<LoadedPlan[]> } {
  const rereadEveryMs = options.rereadEveryMs ?? REREAD_EVERY_MS;
  const refreshEveryMs = options.refreshEveryMs ?? REFRESH_EVERY_MS;
  const now = options.now ?? Date.now;
  let cache: Promise<Read> | undefined;
  let readAt = -Infinity;
  const reported = new Map<string, Set<string>>();

  const read = (): Promise<Read> => {
    readAt = now();
    const reading = loadPlanFolder(dir).then(
      (folder): Read => ({ ...folder, folderProblems: [] }),
      (err: unknown): Read => {
        if ((err as Error).name !== 'PlanError') throw err;
        return { plans: [], broken: [], folderProblems: (err as PlanError).problems };
      },
    );
    cache = reading;
    // An unexpected failure is not kept: the next lookup reads again.
    reading.catch(() => {
      if (cache === reading) cache = undefined;
    });
    return reading;
  };
  // A reorganisation recorded in a directory (successors) is picked up without a restart once the read is stale.
  const current = () => (cache && now() - readAt < refreshEveryMs ? cache : read());
  const find = (folder: Read, planId: string) => folder.plans.find((p) => p.plan.id === planId);

  return {
    all: async () => (await current()).plans,
    async get(planId: string, options: { revision?: string } = {}) {
      let folder = await current();
      let found = find(folder, planId);
      const wanted = options.revision;
      if (found && wanted && planRevision(found.plan) !== wanted) {
        // Revisions are applied rarely: read at once, the file was just changed.
        folder = await read();
        found = find(folder, planId);
      }
      if (!found) {
        // Within the throttle window, wait for the read in flight (or the last one) instead of starting another.
        folder = now() - readAt >= rereadEveryMs ? await read() : await current();
        found = find(folder, planId);
      }
      if (found && wanted && planRevision(found.plan) !== wanted) {
        throw new RevisionMismatchError(
          `Tệp kế hoạch "${planId}" trong ${dir} là bản ${planRevision(found.plan)}, không phải bản ${wanted} đang được áp dụng (revision mismatch)`,
        );
      }
      if (found) {
        reported.delete(planId);
        return { plan: found.plan, directory: found.directory };
      }
      const message = unavailableMessage(dir, planId, folder);
      const seen = reported.get(planId) ?? new Set<string>();
      reported.set(planId, seen);
      const firstReport = !seen.has(message);
      seen.add(message);
      throw new PlanUnavailableError(message, planId, firstReport);
    },
  };
}
