// Builds findings with a stable shape; every parse and lint finding goes through here.
import type { Finding } from '../model.js';

export function errorAt(doc: string, line: number, code: string, message: string): Finding {
  return { doc, line: Math.max(1, line), severity: 'error', code, message };
}

export function warningAt(doc: string, line: number, code: string, message: string): Finding {
  return { doc, line: Math.max(1, line), severity: 'warning', code, message };
}

/** `"x"` as messages quote values: JSON for strings, cut to a readable length. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
