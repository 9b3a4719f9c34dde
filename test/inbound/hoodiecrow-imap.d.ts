// hoodiecrow-imap (a scriptable IMAP server for tests) ships no types; the part the tests use.
declare module 'hoodiecrow-imap' {
  import type { Server } from 'node:net';
  interface HoodiecrowOptions {
    plugins?: string[];
    users?: Record<string, { password: string }>;
    storage?: Record<string, { messages: { raw: string; flags?: string[] }[] }>;
  }
  interface Hoodiecrow {
    server: Server;
    listen(port: number, host: string, cb: () => void): void;
    close(cb: () => void): void;
  }
  function hoodiecrow(options: HoodiecrowOptions): Hoodiecrow;
  export = hoodiecrow;
}
