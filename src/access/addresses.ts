/** The web server's port: `DONDOC_WEB_PORT`, default 8080 (0 lets the system choose, for tests). */
export function webPortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DONDOC_WEB_PORT;
  if (raw === undefined || raw === '') return 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`DONDOC_WEB_PORT="${raw}" không phải số cổng hợp lệ (0–65535)`);
  }
  return port;
}

/**
 * The address agencies see in their links: `DONDOC_PUBLIC_URL` (e.g. https://dondoc.ninhbinh.gov.vn), else the local
 * web server. No trailing slash.
 */
export function publicUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DONDOC_PUBLIC_URL || env.DONDOC_WEB_URL;
  if (configured) {
    const url = new URL(configured);
    return url.toString().replace(/\/+$/, '');
  }
  return `http://127.0.0.1:${webPortFromEnv(env) || 8080}`;
}
