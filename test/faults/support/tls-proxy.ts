/**
 * A TLS-terminating proxy in front of the dev server, as a production cluster's frontend or load balancer would be:
 * it requires a client certificate signed by its CA, offers ALPN `h2` (gRPC), and pipes the decrypted bytes to the
 * dev server's plain TCP port.
 */
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { createServer, type TLSSocket } from 'node:tls';
import type { TestCertificates } from './tls-certs';

/** A running proxy; `stop()` closes it and every connection through it. */
export interface TlsProxy {
  /** `127.0.0.1:<port>`, for `TEMPORAL_ADDRESS`. */
  address: string;
  /** Common names of the client certificates it accepted. */
  accepted: string[];
  /** Why it refused handshakes (Node's TLS error codes or messages). */
  refused: string[];
  stop(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 and forwards to `target` (`host:port`). */
export async function startTlsProxy(target: string, certs: TestCertificates): Promise<TlsProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const accepted: string[] = [];
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(
    {
      key: readFileSync(certs.serverKey),
      cert: readFileSync(certs.serverCert),
      ca: readFileSync(certs.ca),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (client: TLSSocket) => {
      const cn = client.getPeerCertificate().subject?.CN;
      accepted.push(Array.isArray(cn) ? cn.join(',') : String(cn));
      const upstream = connect(port, host);
      sockets.add(client);
      sockets.add(upstream);
      const end = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream).pipe(client);
    },
  );
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => refused.push(err.code ?? err.message));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : 0;
  return {
    address: `127.0.0.1:${listening}`,
    accepted,
    refused,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
