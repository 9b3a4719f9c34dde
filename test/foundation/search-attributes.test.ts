import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startServices } from '../../src/services/up';
import type { DevServer } from '../../src/temporal/dev-server';
import {
  assertSearchAttributes,
  checkSearchAttributes,
  searchAttributeCreateArgs,
} from '../../src/temporal/search-attributes';
import { statusKey } from '../../src/workflows/search-attributes';
import { sharedDevServerAddress, startDevServer } from '../support/temporal';

const run = promisify(execFile);
const createCommand = (args: string[]) =>
  ['temporal operator search-attribute create', '--namespace', 'default', ...args].join(' ');

describe("dondoc's search attributes, checked when the worker starts", () => {
  let bare: DevServer;
  let root: string;
  beforeAll(async () => {
    bare = await startDevServer({ searchAttributes: false });
    root = mkdtempSync(join(tmpdir(), 'dondoc-sa-'));
  });
  afterAll(async () => {
    await bare?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('passes on the dev server dondoc starts, with a client or a worker connection', async () => {
    const address = sharedDevServerAddress();
    const client = await Connection.connect({ address });
    const native = await NativeConnection.connect({ address });
    try {
      expect(await checkSearchAttributes(client, 'default')).toEqual({ missing: [], wrongType: [] });
      expect(await assertSearchAttributes(native, 'default', address)).toEqual({});
    } finally {
      await client.close();
      await native.close();
    }
  });

  it('stops the worker process on a server without them, printing the exact command to run', async () => {
    const failed = await run('npx', ['tsx', 'src/worker.ts'], {
      env: { ...process.env, TEMPORAL_ADDRESS: bare.address, DONDOC_DB: join(root, 'worker.db'), DATABASE_URL: '' },
      timeout: 60_000,
    }).catch((err: { code?: number; stderr?: string }) => err);
    expect(failed).toMatchObject({ code: 1 });
    const stderr = (failed as { stderr: string }).stderr;
    expect(stderr).toContain('dondoc worker: namespace "default" trên máy chủ Temporal');
    expect(stderr).toContain('Thiếu (missing): DondocPlanId, DondocAgencies, DondocOverdueAgencies');
    expect(stderr).toContain(createCommand(searchAttributeCreateArgs()));
  });

  it('says so when a name is registered with another type, and asks to recreate it', async () => {
    const connection = await Connection.connect({ address: bare.address });
    try {
      // 1 is INDEXED_VALUE_TYPE_TEXT; dondoc wants DondocStatus as a Keyword.
      await connection.operatorService.addSearchAttributes({
        namespace: 'default',
        searchAttributes: { DondocStatus: 1 },
      });
      const check = await checkSearchAttributes(connection, 'default');
      expect(check.wrongType).toEqual([{ key: statusKey, registered: 'Text' }]);
      expect(check.missing.map((k) => k.name)).not.toContain('DondocStatus');
      const error = await assertSearchAttributes(connection, 'default', bare.address).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'SearchAttributesError' });
      const { message, command } = error as { message: string; command: string };
      expect(message).toContain('DondocStatus đã đăng ký với kiểu Text, dondoc cần Keyword (wrong type)');
      expect(message).toContain('temporal operator search-attribute remove --namespace default --name DondocStatus');
      expect(command).toBe(createCommand(searchAttributeCreateArgs([...check.missing, statusKey])));
      expect(message).toContain(command);
    } finally {
      await connection.close();
    }
  });

  it('makes dondoc up refuse an external server without them, before the worker runs', async () => {
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: bare.address,
      DONDOC_HOME: join(root, 'home'),
      DONDOC_MAIL_CAPTURE_SMTP_PORT: '0',
      DONDOC_MAIL_CAPTURE_HTTP_PORT: '0',
      DONDOC_WEB_PORT: '0',
      DONDOC_INBOUND_SMTP_PORT: '0',
      DATABASE_URL: '',
    };
    await expect(startServices(env)).rejects.toMatchObject({
      name: 'SearchAttributesError',
      message: expect.stringContaining('temporal operator search-attribute create --namespace default'),
    });
  });
});
