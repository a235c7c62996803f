import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Studio } from '../studio/index.js';
import { createWebApp } from './app.js';

export interface WebServerOptions {
  studio: Studio;
  port: number;
  host: string;
  publicFolder?: string;
}

export interface WebServer {
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  port: number;
  /** Stops listening and ends open connections (event streams would otherwise hold the server open). */
  close(): Promise<void>;
}

/** The web app on Node's HTTP server; resolves once it is listening. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const app = createWebApp({ studio: options.studio, ...(options.publicFolder ? { publicFolder: options.publicFolder } : {}) });
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) =>
      resolve({ server: started, address: info }),
    );
    started.once('error', reject);
  });
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
