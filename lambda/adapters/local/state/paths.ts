// File names for store keys. Doc ids contain `/`; run ids and business ids come from outside:
// every key becomes one safe file name, distinct from every other key's name even on a
// case-insensitive file system (macOS, Windows), and bounded in length.
import { createHash } from 'node:crypto';

const MAX_NAME = 180;

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** A collision-free file name for `key` (without extension); readable for ordinary ids. */
export function keyToFileName(key: string): string {
  if (key === '') throw new Error('state store key must not be empty');
  let encoded: string;
  try {
    // Escapes are upper-case hex; `.` (no `..` or hidden names), `*` and `~` (our separator) too.
    encoded = encodeURIComponent(key).replace(/\./g, '%2E').replace(/\*/g, '%2A').replace(/~/g, '%7E');
  } catch {
    // a lone surrogate cannot be percent-encoded: fall back to the hash alone
    return `~${hashOf(key)}`;
  }
  // Upper-case letters would collide with lower-case ones on a case-insensitive file system:
  // such keys carry a hash of the exact key.
  const needsHash = encoded.length > MAX_NAME || /[A-Z]/.test(key);
  if (!needsHash) return encoded;
  return `${encoded.slice(0, MAX_NAME - 17)}~${hashOf(key)}`;
}
