import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from '../helpers/paths.js';
import type { UploadedFile } from './store.js';

/**
 * Discord's published description of its HTTP API (OpenAPI 3.1, API v10), as a judge of every
 * request the bot sends the local Discord and of every answer the local Discord gives. Schemas
 * are JSON Schema 2020-12: ajv compiles each operation's once, on first use, for the process.
 */
export const DISCORD_OPENAPI = join(REPO_ROOT, '..', 'shared', 'specs', 'discord-api', 'openapi.json');
const SPEC_ID = 'discord-openapi.json';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: unknown;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type PathItem = Record<string, Operation> & { parameters?: Parameter[] };
interface Spec {
  paths: Record<string, PathItem>;
}

interface PathTemplate {
  template: string;
  regex: RegExp;
  names: string[];
  /** Literal segments: `/messages/@original` beats `/messages/{message_id}`. */
  literals: number;
}

/** A request Discord would refuse, with the status and body it answers. */
export interface Refusal {
  status: number;
  body: { message: string; code: number; errors?: unknown };
}

export interface SpecRequest {
  method: string;
  /** Below `/api/v10`, percent-decoded. */
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  json: unknown;
  files: readonly UploadedFile[];
}

// ajv-formats ships as CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function escapePointer(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function childOf(node: Record<string, unknown>, key: string): Record<string, unknown> {
  const child = (node[key] as Record<string, unknown> | undefined) ?? {};
  node[key] = child;
  return child;
}

/** Discord's "Invalid Form Body": errors nested by field, each list under `_errors`. */
function invalidFormBody(errors: readonly ErrorObject[]): Refusal {
  const tree: Record<string, unknown> = {};
  for (const error of errors.slice(0, 20)) {
    const segments = error.instancePath.split('/').filter(Boolean);
    if (error.keyword === 'required') segments.push(String((error.params as { missingProperty: string }).missingProperty));
    if (error.keyword === 'additionalProperties')
      segments.push(String((error.params as { additionalProperty: string }).additionalProperty));
    let node = tree;
    for (const segment of segments) node = childOf(node, segment);
    const list = (node._errors as { code: string; message: string }[] | undefined) ?? [];
    node._errors = list;
    list.push({
      code: error.keyword === 'required' ? 'BASE_TYPE_REQUIRED' : `SCHEMA_${error.keyword.toUpperCase()}`,
      message: error.message ?? 'invalid',
    });
  }
  return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: tree } };
}

class OpenApiJudge {
  private readonly spec: Spec;
  private readonly ajv: Ajv2020;
  private readonly coercing: Ajv2020;
  private readonly templates: PathTemplate[];
  private readonly validators = new Map<string, ValidateFunction>();
  /** "METHOD /template" of every operation a request reached, for the route list test. */
  readonly exercised = new Set<string>();
  /** Answers of the local Discord that the spec's response schemas refuse. */
  readonly responseViolations: string[] = [];

  constructor(path: string) {
    this.spec = JSON.parse(readFileSync(path, 'utf8')) as Spec;
    const formats = {
      snowflake: /^(0|[1-9][0-9]*)$/,
      int32: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 },
      int64: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) },
      double: { type: 'number' as const, validate: (n: number) => Number.isFinite(n) },
      // A nonce is a string or an integer of at most 25 characters.
      nonce: (value: string) => value.length <= 25,
    };
    const options = { strict: false, allErrors: true, formats };
    this.ajv = addFormats(new Ajv2020(options));
    this.ajv.addSchema(this.spec as object, SPEC_ID);
    // Path and query parameters arrive as strings; their schemas say integer or boolean.
    this.coercing = addFormats(new Ajv2020({ ...options, coerceTypes: true }));
    this.coercing.addSchema(this.spec as object, SPEC_ID);
    this.templates = Object.keys(this.spec.paths).map((template) => {
      const names: string[] = [];
      const source = template
        .split('/')
        .map((segment) => {
          const parameter = /^\{(.+)\}$/.exec(segment);
          if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(parameter[1] as string);
          return '([^/]+)';
        })
        .join('/');
      return { template, regex: new RegExp(`^${source}$`), names, literals: template.split('/').length - names.length };
    });
  }

  private validator(pointer: string): ValidateFunction {
    let found = this.validators.get(pointer);
    if (!found) {
      found = this.ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
      this.validators.set(pointer, found);
    }
    return found;
  }

  /** For a path or query parameter: held as `{ value }`, since ajv coerces a string only inside an object. */
  private parameterValidator(pointer: string): ValidateFunction {
    const key = `parameter:${pointer}`;
    let found = this.validators.get(key);
    if (!found) {
      found = this.coercing.compile({ type: 'object', properties: { value: { $ref: `${SPEC_ID}#${pointer}` } } });
      this.validators.set(key, found);
    }
    return found;
  }

  private route(path: string): { template: PathTemplate; params: Record<string, string> } | undefined {
    const matches = this.templates
      .map((template) => ({ template, found: template.regex.exec(path) }))
      .filter((entry) => entry.found)
      .sort((a, b) => b.template.literals - a.template.literals);
    const best = matches[0];
    if (!best?.found) return undefined;
    const found = best.found;
    return { template: best.template, params: Object.fromEntries(best.template.names.map((name, i) => [name, found[i + 1] ?? ''])) };
  }

  /** Undefined when Discord would accept the request; else how it would refuse it. */
  checkRequest(request: SpecRequest): Refusal | undefined {
    const routed = this.route(request.path);
    if (!routed) return { status: 404, body: { message: '404: Not Found', code: 0 } };
    const item = this.spec.paths[routed.template.template] as PathItem;
    const method = request.method.toLowerCase();
    const operation = item[method];
    if (!operation || method === 'parameters') return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
    this.exercised.add(`${request.method} ${routed.template.template}`);
    const base = `/paths/${escapePointer(routed.template.template)}`;
    const parameters = [
      ...(item.parameters ?? []).map((p, i) => ({ p, at: `${base}/parameters/${i}` })),
      ...(operation.parameters ?? []).map((p, i) => ({ p, at: `${base}/${method}/parameters/${i}` })),
    ];
    for (const { p, at } of parameters) {
      if (p.in === 'header' || !p.schema) continue;
      const value = p.in === 'path' ? routed.params[p.name] : (request.query.get(p.name) ?? undefined);
      if (value === undefined) {
        if (p.required)
          return invalidFormBody([
            {
              instancePath: '',
              keyword: 'required',
              params: { missingProperty: p.name },
              message: 'This field is required',
              schemaPath: at,
            },
          ]);
        continue;
      }
      const validate = this.parameterValidator(`${at}/schema`);
      if (!validate({ value })) {
        return invalidFormBody(
          (validate.errors ?? []).map((error) => ({ ...error, instancePath: error.instancePath.replace(/^\/value/, `/${p.name}`) })),
        );
      }
    }
    return this.checkBody(request, operation, `${base}/${method}`);
  }

  private checkBody(request: SpecRequest, operation: Operation, at: string): Refusal | undefined {
    if (!operation.requestBody) return undefined;
    const multipart = request.contentType?.startsWith('multipart/form-data') ?? false;
    const mediaType = multipart ? 'multipart/form-data' : 'application/json';
    if (request.json === undefined && !multipart) {
      return operation.requestBody.required ? { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: {} } } : undefined;
    }
    if (!operation.requestBody.content[mediaType])
      return { status: 400, body: { message: `Unsupported content type ${mediaType}`, code: 50035, errors: {} } };
    const validate = this.validator(`${at}/requestBody/content/${escapePointer(mediaType)}/schema`);
    if (!validate(request.json ?? {})) return invalidFormBody(validate.errors ?? []);
    if (multipart) return this.checkFiles(request);
    return undefined;
  }

  /** Each `files[n]` part is one the spec allows (files[0]..files[9]), and each attachment in the payload names one that was sent. */
  private checkFiles(request: SpecRequest): Refusal | undefined {
    const sent = new Set(request.files.map((file) => file.field));
    for (const field of sent) {
      if (!/^files\[[0-9]\]$/.test(field))
        return invalidFormBody([
          {
            instancePath: '',
            keyword: 'additionalProperties',
            params: { additionalProperty: field },
            message: 'Unknown file field',
            schemaPath: '',
          },
        ]);
    }
    const attachments = ((request.json as { attachments?: { id?: unknown }[] } | undefined)?.attachments ?? []).filter(
      (a) => a.id !== undefined,
    );
    for (const [index, attachment] of attachments.entries()) {
      const id = String(attachment.id);
      // An attachment kept from the message being edited carries its snowflake instead of a part index.
      if (/^[0-9]$/.test(id) && !sent.has(`files[${id}]`)) {
        return invalidFormBody([
          {
            instancePath: `/attachments/${index}/id`,
            keyword: 'reference',
            params: {},
            message: `no files[${id}] part was sent`,
            schemaPath: '',
          },
        ]);
      }
    }
    return undefined;
  }

  /**
   * Compiles the request and success-response schemas of the operations these paths reach, so
   * that no request pays for it: the interaction callback's union compiles for most of a second,
   * which would otherwise stall the event loop the bot under test shares with the local Discord.
   */
  prepare(operations: readonly { method: string; path: string }[]): void {
    for (const { method, path } of operations) {
      const routed = this.route(path);
      const lower = method.toLowerCase();
      const operation = routed ? this.spec.paths[routed.template.template]?.[lower] : undefined;
      if (!routed || !operation || lower === 'parameters') continue;
      const at = `/paths/${escapePointer(routed.template.template)}/${lower}`;
      for (const mediaType of ['application/json', 'multipart/form-data']) {
        if (operation.requestBody?.content[mediaType]) this.validator(`${at}/requestBody/content/${escapePointer(mediaType)}/schema`);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status.startsWith('2') && response.content?.['application/json'])
          this.validator(`${at}/responses/${status}/content/application~1json/schema`);
      }
    }
  }

  /** Records it when an answer of the local Discord is not what the spec says the operation returns. */
  checkResponse(method: string, path: string, status: number, body: unknown): void {
    const routed = this.route(path);
    const operation = routed ? this.spec.paths[routed.template.template]?.[method.toLowerCase()] : undefined;
    if (!routed || !operation || status >= 400 || body === undefined) return;
    const response = operation.responses[String(status)];
    if (!response) {
      this.responseViolations.push(`${method} ${routed.template.template}: status ${status} is not among the spec's responses`);
      return;
    }
    if (!response.content?.['application/json']) return;
    const validate = this.validator(
      `/paths/${escapePointer(routed.template.template)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`,
    );
    if (!validate(body)) {
      const first = (validate.errors ?? []).slice(0, 3).map((error) => `${error.instancePath || '/'} ${error.message}`);
      this.responseViolations.push(`${method} ${routed.template.template} -> ${status}: ${first.join('; ')}`);
    }
  }
}

let shared: OpenApiJudge | undefined;

/** One judge per process: the spec is 1.2 MB and its compiled schemas are worth keeping. */
export function discordOpenApi(): OpenApiJudge {
  shared ??= new OpenApiJudge(DISCORD_OPENAPI);
  return shared;
}
export type { OpenApiJudge };
