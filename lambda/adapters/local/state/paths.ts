// File names for store keys. Doc ids contain `/`; run ids and business ids come from outside:
// every key is encoded so it stays one safe file name, and long keys keep a hash suffix.
import { createHash } from 'node:crypto';

const MAX_NAME = 180;

/** A reversible-looking, collision-free file name for `key` (without extension). */
export function keyToFileName(key: string): string {
  if (key === '') throw new Error('state store key must not be empty');
  const encoded = encodeURIComponent(key).replace(/\./g, '%2E').replace(/\*/g, '%2A').replace(/~/g, '%7E');
  if (encoded.length <= MAX_NAME) return encoded;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `${encoded.slice(0, MAX_NAME - 17)}~${hash}`;
}
