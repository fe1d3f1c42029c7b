// multipart/form-data encoding for `file_fields` steps (RFC 7578). Small and explicit, so the exact
// bytes sent are known and the request stays replayable (a re-probe re-sends the same body).
import { randomBytes } from 'node:crypto';
import type { MultipartPart } from '../../engine/ports.js';

// Per the HTML form-encoding rules: quotes and newlines in names are percent-encoded.
const quoteSafe = (s: string): string => s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

export function encodeMultipart(parts: readonly MultipartPart[]): { contentType: string; body: Buffer } {
  const boundary = `----verifier${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoteSafe(part.name)}"`;
    if ('data' in part) {
      head += `; filename="${quoteSafe(part.filename)}"\r\nContent-Type: ${part.contentType}\r\n\r\n`;
      chunks.push(Buffer.from(head, 'utf8'), Buffer.from(part.data), Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`${head}\r\n\r\n${part.value}\r\n`, 'utf8'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
