import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';

/** Where bundles are kept unless `DONDOC_CACHE_DIR` says otherwise: beside the project's other local state. */
export const defaultBundleCacheDir = resolve(__dirname, '..', '..', '.dondoc', 'cache');

/** Bump when the bundling options below change: bundles made with other options are not reused. */
const BUNDLE_OPTIONS_VERSION = 1;

/** What a cached bundle was built from: every source file in its source map, with the content hash of each. */
interface BundleManifest {
  options: number;
  workflowsPath: string;
  node: string;
  lockfile: string;
  code: string;
  sources: Record<string, string>;
}

const quietLogger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
  log() {},
};

function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

function fileHash(path: string): string | undefined {
  try {
    return sha1(readFileSync(path));
  } catch {
    return undefined;
  }
}

function lockfileHash(workflowsPath: string): string {
  // The lock file pins the SDK and the bundler: a dependency change rebuilds.
  let dir = resolve(workflowsPath);
  for (let i = 0; i < 8; i++) {
    const lock = join(dir, 'package-lock.json');
    if (existsSync(lock)) return fileHash(lock) ?? '';
    dir = resolve(dir, '..');
  }
  return '';
}

/** The source files webpack put into the bundle, from its inline source map. */
function bundledSources(code: string): string[] {
  const match = /sourceMappingURL=data:application\/json;[^,]*,([A-Za-z0-9+/=]+)\s*$/m.exec(code);
  if (!match) return [];
  const map = JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) as { sources?: string[] };
  return (map.sources ?? []).filter((s) => isAbsolute(s));
}

function readCached(codeFile: string, manifestFile: string, expected: Omit<BundleManifest, 'code' | 'sources'>) {
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BundleManifest;
    if (
      manifest.options !== expected.options ||
      manifest.workflowsPath !== expected.workflowsPath ||
      manifest.node !== expected.node ||
      manifest.lockfile !== expected.lockfile
    )
      return undefined;
    for (const [path, hash] of Object.entries(manifest.sources)) if (fileHash(path) !== hash) return undefined;
    const code = readFileSync(codeFile, 'utf8');
    // A writer may have replaced the code since the manifest was read: the pair must match.
    if (sha1(code) !== manifest.code) return undefined;
    return code;
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/**
 * The workflow bundle for `workflowsPath`, built once and kept on disk: bundling takes seconds, and every worker start,
 * simulation and test would pay them. The cached bundle is used only while every file it was built from is unchanged
 * (content hashes from its source map), and the lock file and Node.js version are the same; otherwise it is rebuilt.
 */
export async function cachedWorkflowBundle(
  workflowsPath: string,
  cacheDir: string = process.env.DONDOC_CACHE_DIR || defaultBundleCacheDir,
): Promise<WorkflowBundle> {
  const absolute = resolve(workflowsPath);
  const name = `workflow-bundle-${sha1(absolute).slice(0, 12)}`;
  const codeFile = join(cacheDir, `${name}.js`);
  const manifestFile = join(cacheDir, `${name}.json`);
  const expected = {
    options: BUNDLE_OPTIONS_VERSION,
    workflowsPath: absolute,
    node: process.version,
    lockfile: lockfileHash(absolute),
  };

  const cached = readCached(codeFile, manifestFile, expected);
  if (cached !== undefined) return { code: cached };

  const bundle = await bundleWorkflowCode({ workflowsPath: absolute, logger: quietLogger });
  const sources: Record<string, string> = {};
  for (const path of bundledSources(bundle.code)) {
    const hash = fileHash(path);
    if (hash) sources[path] = hash;
  }
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Code first, then the manifest that vouches for it.
    writeAtomically(codeFile, bundle.code);
    writeAtomically(
      manifestFile,
      JSON.stringify({ ...expected, code: sha1(bundle.code), sources } satisfies BundleManifest),
    );
  } catch (err) {
    // A read-only checkout still runs; it only bundles every time.
    console.error(`dondoc: workflow bundle not cached in ${cacheDir}: ${(err as Error).message}`);
  }
  return { code: bundle.code };
}
