import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportSettings } from '../../../src/services/plan-import';

const ROOT = join(__dirname, '..', '..', '..');

/** A plans folder of its own for the import page: the shipped agency directories, no plans yet; drafts beside it. */
export interface ImportFolder {
  root: string;
  plansDir: string;
  settings: ImportSettings;
  /** A file name no other test uses, so the plan id (and its workflow ids on the shared server) is unique. */
  unique(stem: string, ext: string): string;
  drafts(): string[];
  cleanup(): void;
}

export function importFolder(name: string, taskQueue?: string): ImportFolder {
  const root = mkdtempSync(join(tmpdir(), `dondoc-${name}-`));
  const plansDir = join(root, 'plans');
  mkdirSync(join(plansDir, 'agencies'), { recursive: true });
  for (const file of readdirSync(join(ROOT, 'plans', 'agencies')))
    copyFileSync(join(ROOT, 'plans', 'agencies', file), join(plansDir, 'agencies', file));
  const draftsDir = join(root, 'home', 'drafts');
  return {
    root,
    plansDir,
    settings: { plansDir, draftsDir, ...(taskQueue ? { taskQueue } : {}) },
    unique: (stem, ext) => `${stem}-${randomBytes(3).toString('hex')}.${ext}`,
    drafts: () => {
      try {
        return readdirSync(draftsDir);
      } catch {
        return [];
      }
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A shipped plan text. */
export const shippedText = (name: string) => join(ROOT, 'plans', 'sources', `${name}.txt`);
