#!/usr/bin/env node
// Builds src/ into dist/ with esbuild, so that `dondoc` runs plain JavaScript: every module one file, the same tree
// as src/ (paths computed from __dirname and the worker's require.resolve('./workflows') hold), except dist/cli/main.js,
// one bundle of the CLI and of the commands that need neither Temporal nor a database, for a fast start.
// `node scripts/build.js` builds; bin/dondoc.js calls ensureBuilt() before each run and rebuilds when src/ changed.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const manifestFile = path.join(dist, '.build.json');
const lockDir = path.join(dist, '.build.lock');

/** Commands that dist/cli/main.js carries inside; the others load from their own files when run. */
const bundledCommands = ['when'];
/** Pure-JavaScript packages of those commands put in the bundle; every other package loads from node_modules. */
const bundledPackages = ['commander', 'luxon', 'yaml', 'zod'];

function sourceFiles(dir = src) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
}

/** What a build is made from, by size and modification time: sources, this script, esbuild, the bundled packages. */
function inputs() {
  const state = {};
  const packages = ['esbuild', ...bundledPackages].map((p) => path.join(root, 'node_modules', p, 'package.json'));
  for (const file of [path.join(__dirname, 'build.js'), ...packages, ...sourceFiles()]) {
    const s = fs.statSync(file, { throwIfNoEntry: false });
    state[path.relative(root, file)] = s ? `${s.size}:${s.mtimeMs}` : 'missing';
  }
  return state;
}

function readManifest() {
  try {
    return JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when dist/ was built from the sources as they are now (or there are no sources, only a build). */
function isFresh() {
  const manifest = readManifest();
  if (!manifest) return false;
  if (!fs.existsSync(src)) return true;
  const now = inputs();
  const built = manifest.inputs ?? {};
  const keys = Object.keys(now);
  return keys.length === Object.keys(built).length && keys.every((k) => built[k] === now[k]);
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** What the CLI bundle leaves out, to load from its own file: the other commands, and the other packages. */
const cliBundleBoundary = {
  name: 'cli-bundle-boundary',
  setup(build) {
    const main = path.join(src, 'cli', 'main.ts');
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path.startsWith('.')) {
        const command = args.importer === main ? /^\.\/([\w-]+)$/.exec(args.path)?.[1] : undefined;
        // Left as written: dist/cli/main.js requires it from beside itself.
        return command && !bundledCommands.includes(command) ? { path: args.path, external: true } : undefined;
      }
      return bundledPackages.includes(packageName(args.path)) ? undefined : { path: args.path, external: true };
    });
  },
};

function writeIfChanged(file, contents) {
  try {
    const old = fs.readFileSync(file);
    if (typeof contents === 'string' ? old.toString() === contents : old.equals(contents)) return;
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

function removeStale(dir, keep) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, e.name);
    if (e.isDirectory() && file !== lockDir) {
      removeStale(file, keep);
      if (fs.readdirSync(file).length === 0) fs.rmdirSync(file);
    } else if (e.isFile() && /\.(js|tmp)$/.test(e.name) && !keep.has(file)) fs.rmSync(file);
  }
}

/** Builds dist/ from src/; each file is replaced atomically, so a CLI already running reads whole files. */
async function build() {
  const sources = inputs();
  const esbuild = require('esbuild');
  const common = {
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() of a module becomes require(): one module system, and a command's code loads only when it runs.
    supported: { 'dynamic-import': false },
    write: false,
    logLevel: 'silent',
  };
  const [modules, cli] = await Promise.all([
    esbuild.build({ ...common, entryPoints: sourceFiles(), outbase: src, outdir: dist }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(src, 'cli', 'main.ts')],
      outfile: path.join(dist, 'cli', 'main.js'),
      bundle: true,
      minifyWhitespace: true,
      minifySyntax: true,
      plugins: [cliBundleBoundary],
    }),
  ]);
  const outputs = new Map(modules.outputFiles.map((f) => [f.path, f.contents]));
  for (const f of cli.outputFiles) outputs.set(f.path, f.contents);
  for (const [file, contents] of outputs) writeIfChanged(file, contents);
  removeStale(dist, new Set(outputs.keys()));
  writeIfChanged(manifestFile, `${JSON.stringify({ esbuild: esbuild.version, inputs: sources }, null, 1)}\n`);
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds under a lock: CLIs started together (tests run many) build once and none reads a half-written tree. */
async function buildLocked() {
  fs.mkdirSync(dist, { recursive: true });
  for (const started = Date.now(); ; sleep(50)) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    if (isFresh()) return;
    // A build takes a second or two: a lock this old was left by a builder that died.
    const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 60_000 || Date.now() - started > 120_000) fs.rmSync(lockDir, { recursive: true, force: true });
  }
  try {
    if (!isFresh()) await build();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Error codes that mean no build can be made here (no esbuild, a read-only install), as opposed to broken sources. */
const cannotBuild = new Set(['MODULE_NOT_FOUND', 'EACCES', 'EPERM', 'EROFS']);

/**
 * Makes dist/ current. Returns the path of the CLI to run, or undefined when no build can be made here; a source that
 * does not compile throws esbuild's error, since running the previous build would be running stale code.
 */
async function ensureBuilt() {
  const cliFile = path.join(dist, 'cli', 'main.js');
  if (isFresh()) return cliFile;
  try {
    await buildLocked();
    return cliFile;
  } catch (err) {
    if (cannotBuild.has(err.code)) return undefined;
    throw err;
  }
}

module.exports = { ensureBuilt, isFresh, build: buildLocked, dist };

if (require.main === module) {
  fs.rmSync(manifestFile, { force: true });
  buildLocked().catch((err) => {
    console.error(`dondoc build: ${err.message}`);
    process.exit(1);
  });
}
