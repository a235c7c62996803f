import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './messages.js';
import { multipartBoundary, parseMultipart } from './multipart.js';
import type { OpenApiJudge } from './openApi.js';
import type { RateLimiter } from './rateLimits.js';
import type { Store, UploadedFile } from './store.js';

export const API_PREFIX = '/api/v10';

export interface RouteRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  json: unknown;
  files: UploadedFile[];
}

export interface RouteResponse {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  /** A path below `/api/v10` with `:name` parameters, e.g. `/channels/:channel/messages`. */
  pattern: string;
  /** Interaction callbacks and webhook-token routes carry their credential in the path, as on Discord. */
  auth: boolean;
  handle(request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

/** Serves raw bytes outside the API (attachment downloads). */
export type RawHandler = (path: string) => { contentType: string; data: Buffer } | undefined;

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

/** Discord's rate-limit buckets take the channel, guild or webhook id as the "major parameter". */
const MAJOR_PARAMETERS = ['channel', 'guild', 'webhook', 'interaction'];

/**
 * The HTTP side of the fake: version prefix, bot-token auth, JSON and multipart bodies, rate-limit
 * headers, and Discord-shaped errors. What each route does lives in restRoutes.ts.
 */
export class RestServer {
  private readonly server: Server;
  private readonly routes: CompiledRoute[];

  constructor(
    routes: Route[],
    private readonly token: string,
    private readonly store: Store,
    private readonly rateLimiter: RateLimiter,
    private readonly raw: RawHandler,
    /** Discord's published API: requests it refuses are refused as Discord would, answers it refuses are recorded. */
    private readonly spec: OpenApiJudge,
  ) {
    this.routes = routes.map(compile);
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((error: unknown) => send(res, 500, { message: String(error), code: 0 }));
    });
  }

  /** Listens on a random port of 127.0.0.1 and returns the base URL (`http://127.0.0.1:PORT`). */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    // respond() runs synchronously up to the route's handler: parsing and judging the request.
    const done = this.store.busySince();
    const responded = this.respond(req, res, body);
    done();
    await responded;
  }

  private async respond(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith('/api/')) {
      const file = method === 'GET' ? this.raw(url.pathname) : undefined;
      if (!file) return send(res, 404, { message: '404: Not Found', code: 0 });
      res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.data.length });
      res.end(file.data);
      return;
    }
    const rawPath = url.pathname.slice(API_PREFIX.length);
    // Recorded and rate-limited decoded (discord.js sends `@original` as `%40original`) so tests match readable paths.
    const path = decodeURIComponent(rawPath);
    const record = { method, path, query: Object.fromEntries(url.searchParams), headers: req.headers, json: undefined as unknown };
    let parsed: { json: unknown; files: UploadedFile[] } | undefined;
    const finish = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.store.requests.push({ ...record, files: parsed?.files ?? [], status, at: Date.now() });
      this.store.changed();
      send(res, status, payload, headers);
    };

    if (!url.pathname.startsWith(`${API_PREFIX}/`)) return finish(400, { message: 'Invalid API version', code: 50041 });
    try {
      parsed = parseBody(req.headers['content-type'], body);
    } catch (error) {
      return finish(400, { message: `Invalid body: ${(error as Error).message}`, code: 50109 });
    }
    record.json = parsed.json;
    // The spec first: a route or method Discord lacks, or a body it refuses, is answered as Discord would.
    const refusal = this.spec.checkRequest({ method, path, query: url.searchParams, contentType: req.headers['content-type'], ...parsed });
    if (refusal) return finish(refusal.status, refusal.body);
    const match = this.match(method, rawPath);
    if (!match) return finish(404, { message: '404: Not Found (not implemented by the local Discord)', code: 0 });
    const { route, params } = match;
    if (route.auth && req.headers.authorization !== `Bot ${this.token}`) return finish(401, { message: '401: Unauthorized', code: 0 });

    const major = MAJOR_PARAMETERS.map((name) => params[name]).find((v) => v !== undefined) ?? 'global';
    const verdict = this.rateLimiter.check(method, path, route.pattern, major);
    if (verdict.status === 429) return finish(429, verdict.body, verdict.headers);

    let result: RouteResponse;
    try {
      result = await route.handle({ method, params, query: url.searchParams, ...parsed });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return finish(error.status, { message: error.message, code: error.code }, verdict.headers);
    }
    // Judging and sending the answer: synchronous too.
    const done = this.store.busySince();
    this.spec.checkResponse(method, path, result.status, result.body);
    finish(result.status, result.body, verdict.headers);
    done();
  }

  private match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]));
      return { route, params };
    }
    return undefined;
  }
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\@]/g, '\\$&');
      names.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(contentType: string | undefined, body: Buffer): { json: unknown; files: UploadedFile[] } {
  if (body.length === 0) return { json: undefined, files: [] };
  const boundary = multipartBoundary(contentType);
  if (boundary) {
    const { fields, files } = parseMultipart(body, boundary);
    const payload = fields.get('payload_json');
    return { json: payload === undefined ? undefined : JSON.parse(payload), files };
  }
  if (contentType?.startsWith('application/json')) return { json: JSON.parse(body.toString('utf8')), files: [] };
  throw new Error(`unsupported content type ${contentType ?? '(none)'}`);
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || payload === undefined) {
    res.writeHead(status === 200 ? 204 : status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(payload);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
