import { join } from 'node:path';

/** Where `dondoc up` keeps its files: the Temporal database and log, the dondoc database, captured mail. */
export interface DataHome {
  dir: string;
  temporalDb: string;
  temporalLog: string;
  dondocDb: string;
  mailDir: string;
}

/** `DONDOC_HOME` (default `.dondoc`, relative to the working directory) and the files inside it. */
export function dataHomeFromEnv(env: NodeJS.ProcessEnv = process.env): DataHome {
  const dir = env.DONDOC_HOME || '.dondoc';
  return {
    dir,
    temporalDb: join(dir, 'temporal.db'),
    temporalLog: join(dir, 'temporal.log'),
    dondocDb: env.DONDOC_DB || join(dir, 'dondoc.db'),
    mailDir: join(dir, 'mail'),
  };
}

/** The plans folder: `DONDOC_PLANS_DIR` or `plans`. */
export function plansDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DONDOC_PLANS_DIR || 'plans';
}

/**
 * The environment with `DONDOC_DB` pointing into `DONDOC_HOME` when neither it nor `DATABASE_URL` is set, so that the
 * worker, `report submit` and `up` all open the same database.
 */
export function envWithDataHome(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.DATABASE_URL || env.DONDOC_DB) return env;
  return { ...env, DONDOC_DB: dataHomeFromEnv(env).dondocDb };
}
