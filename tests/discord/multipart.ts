import type { UploadedFile } from './store.js';

export interface MultipartBody {
  /** Text fields by name (`payload_json` among them). */
  fields: Map<string, string>;
  /** Parts that carried a filename, in order. */
  files: UploadedFile[];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary from a `multipart/form-data; boundary=...` content type, or undefined for any other type. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2]?.trim();
}

/**
 * Parses a multipart/form-data body (RFC 7578) on byte offsets, never through strings, so binary
 * file parts come back byte for byte.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new Map<string, string>();
  const files: UploadedFile[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) throw new Error('multipart body without its boundary');
  for (;;) {
    start += delimiter.length;
    // `--` right after a delimiter closes the body.
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    if (!body.subarray(start, start + 2).equals(CRLF)) throw new Error('malformed multipart delimiter line');
    const headersEnd = body.indexOf(HEADER_END, start + 2);
    if (headersEnd < 0) throw new Error('multipart part without a header end');
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headersEnd + HEADER_END.length);
    if (next < 0) throw new Error('multipart body not closed');
    const headers = parseHeaders(body.subarray(start + 2, headersEnd).toString('utf8'));
    const data = body.subarray(headersEnd + HEADER_END.length, next);
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    if (name === undefined) throw new Error('multipart part without a name');
    const filename = dispositionParam(disposition, 'filename');
    if (filename === undefined) fields.set(name, data.toString('utf8'));
    else
      files.push({
        field: name,
        filename,
        contentType: headers.get('content-type') ?? 'application/octet-stream',
        data: Buffer.from(data),
      });
    start = next + CRLF.length;
  }
  return { fields, files };
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** Reads a Content-Disposition parameter; browsers and undici percent-escape `"`, CR and LF in quoted values. */
function dispositionParam(disposition: string, param: string): string | undefined {
  const quoted = new RegExp(`(?:^|;)\\s*${param}="([^"]*)"`, 'i').exec(disposition)?.[1];
  if (quoted !== undefined) return quoted.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
  return new RegExp(`(?:^|;)\\s*${param}=([^;]+)`, 'i').exec(disposition)?.[1]?.trim();
}
