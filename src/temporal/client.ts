import { Client, Connection } from '@temporalio/client';
import { connectionHint, temporalConfigFromEnv } from './connection';

/** A connected Temporal client; `close()` releases the connection. */
export interface DondocClient {
  client: Client;
  address: string;
  namespace: string;
  close(): Promise<void>;
}

/** Could not reach Temporal: printed as one line, exit code 1. */
export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
}

/** Connects to the Temporal server of `TEMPORAL_ADDRESS` / `TEMPORAL_NAMESPACE` (and TLS or API key settings). */
export async function connectClient(env: NodeJS.ProcessEnv = process.env): Promise<DondocClient> {
  const config = temporalConfigFromEnv(env);
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: config.address,
      tls: config.tls,
      apiKey: config.apiKey,
      connectTimeout: 5_000,
    });
  } catch (err) {
    throw new TemporalUnavailableError(
      `không kết nối được máy chủ Temporal ${config.address} (cannot reach Temporal): ${(err as Error).message}. ` +
        connectionHint(config),
    );
  }
  const client = new Client({ connection, namespace: config.namespace });
  return { client, address: config.address, namespace: config.namespace, close: () => connection.close() };
}

/** Runs `action` with a client from the environment and closes the connection afterwards. */
export async function withClient<T>(
  action: (client: Client) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const connected = await connectClient(env);
  try {
    return await action(connected.client);
  } finally {
    await connected.close();
  }
}
