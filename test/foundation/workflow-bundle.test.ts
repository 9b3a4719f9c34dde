import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { cachedWorkflowBundle } from '../../src/temporal/workflow-bundle';

describe('cached workflow bundle', () => {
  let dir: string;
  let cacheDir: string;
  let workflows: string;

  beforeAll(() => {
    // Inside the project, where webpack resolves @temporalio/workflow; .dondoc is git-ignored.
    const scratch = join(__dirname, '..', '..', '.dondoc');
    mkdirSync(scratch, { recursive: true });
    dir = mkdtempSync(join(scratch, 'test-bundle-'));
    cacheDir = join(dir, 'cache');
    workflows = join(dir, 'workflows.ts');
    writeFileSync(workflows, "export async function greet(): Promise<string> {\n  return 'phiên bản một';\n}\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const files = () => {
    const names = readdirSync(cacheDir);
    return {
      code: join(cacheDir, names.find((n) => n.endsWith('.js')) as string),
      manifest: join(cacheDir, names.find((n) => n.endsWith('.json')) as string),
    };
  };

  it('bundles once, records the sources it was built from, and reuses the bundle while they are unchanged', async () => {
    const first = await cachedWorkflowBundle(workflows, cacheDir);
    expect(first.code).toContain('phiên bản một');
    const { code, manifest } = files();
    const sources = Object.keys(JSON.parse(readFileSync(manifest, 'utf8')).sources);
    expect(sources).toContain(workflows);
    expect(sources.some((s) => s.includes('@temporalio/workflow'))).toBe(true);

    const written = statSync(manifest).mtimeMs;
    const second = await cachedWorkflowBundle(workflows, cacheDir);
    expect(second.code).toBe(first.code);
    expect(statSync(manifest).mtimeMs).toBe(written);
    expect(statSync(code).size).toBe(Buffer.byteLength(first.code));
  }, 60_000);

  it('rebuilds when a source changes', async () => {
    writeFileSync(workflows, "export async function greet(): Promise<string> {\n  return 'phiên bản hai';\n}\n");
    const bundle = await cachedWorkflowBundle(workflows, cacheDir);
    expect(bundle.code).toContain('phiên bản hai');
    expect(bundle.code).not.toContain('phiên bản một');
  }, 60_000);

  it('rebuilds when the cached code does not match its manifest', async () => {
    appendFileSync(files().code, '\nthrow new Error("hỏng");\n');
    const bundle = await cachedWorkflowBundle(workflows, cacheDir);
    expect(bundle.code).not.toContain('hỏng');
    expect(readFileSync(files().code, 'utf8')).toBe(bundle.code);
  }, 60_000);
});
