import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';

/** Where and how to reach Temporal; from the environment. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  tls?: ConnectionOptions['tls'];
  apiKey?: string;
}

/**
 * `TEMPORAL_ADDRESS` (default 127.0.0.1:7233), `TEMPORAL_NAMESPACE` (default `default`), mTLS with
 * `TEMPORAL_TLS_CERT` + `TEMPORAL_TLS_KEY` (file paths; `TEMPORAL_TLS_CA` optional, `TEMPORAL_TLS_SERVER_NAME`),
 * or Temporal Cloud with `TEMPORAL_API_KEY` (TLS on). `TEMPORAL_TLS=true` turns TLS on without client certificates.
 */
export function temporalConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const address = env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  const namespace = env.TEMPORAL_NAMESPACE || 'default';
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const read = (name: string) => {
    const path = env[name];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`${name}=${path}: cannot read the file (${(err as Error).message})`);
    }
  };
  const crt = read('TEMPORAL_TLS_CERT');
  const key = read('TEMPORAL_TLS_KEY');
  if (!!crt !== !!key) throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together');
  const ca = read('TEMPORAL_TLS_CA');
  const wantTls = !!crt || !!ca || !!apiKey || env.TEMPORAL_TLS === 'true';
  const tls: ConnectionOptions['tls'] = wantTls
    ? {
        ...(crt && key ? { clientCertPair: { crt, key } } : {}),
        ...(ca ? { serverRootCACertificate: ca } : {}),
        ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
      }
    : undefined;
  return { address, namespace, tls, apiKey };
}

/** What to check when a connection with `config` fails: the TLS files or the API key, or the address (Vietnamese). */
export function connectionHint(config: TemporalConfig): string {
  if (config.apiKey) return 'Kiểm tra khóa API (TEMPORAL_API_KEY), TEMPORAL_ADDRESS và TEMPORAL_NAMESPACE.';
  if (config.tls) {
    return (
      'Kết nối dùng TLS: kiểm tra chứng chỉ máy khách (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY) có do CA mà máy chủ ' +
      'tin cậy cấp không, CA của máy chủ (TEMPORAL_TLS_CA) và tên máy chủ (TEMPORAL_TLS_SERVER_NAME).'
    );
  }
  return 'Chạy "npm start" hoặc đặt TEMPORAL_ADDRESS.';
}
