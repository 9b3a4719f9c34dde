/** Stops the dev server global setup started. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __dondocDevServer?: { stop(): Promise<void> } }).__dondocDevServer?.stop();
}
