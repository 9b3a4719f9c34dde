import { postgresNote } from './stores';
import { startDevServer } from './temporal';

/** Starts one dev server for every test file that needs visibility or updates; global teardown stops it. */
export default async function globalSetup(): Promise<void> {
  const note = postgresNote();
  if (note) console.log(`\n${note}.`);
  const server = await startDevServer();
  process.env.DONDOC_TEST_TEMPORAL_ADDRESS = server.address;
  (globalThis as { __dondocDevServer?: { stop(): Promise<void> } }).__dondocDevServer = server;
}
