// Reading and writing the local store's JSON items: every read is validated (zod) and names the file
// when it does not hold what the store wrote there; every write replaces the file atomically.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import { isNotFound, isTempName, readTextIfExists, writeFileAtomic } from './files.js';

/** A state file that exists but does not hold what the store wrote there. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** The item in `text` (read from `file`), validated. */
export function parseItem<T>(file: string, text: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(`${file}: not valid JSON; remove or repair the file`, { cause: err });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new StateFileError(`${file}: unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  return parsed.data;
}

/** The item stored at `file`, or undefined when there is none. */
export async function readItem<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const text = await readTextIfExists(file);
  return text === undefined ? undefined : parseItem(file, text, schema);
}

export const writeItem = (file: string, value: unknown): Promise<void> =>
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);

/** Every item of a folder (sorted by file name); none when the folder does not exist. */
export async function listItems<T>(folder: string, schema: z.ZodType<T>): Promise<T[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const files = names.filter((n) => n.endsWith('.json') && !isTempName(n)).sort();
  const items = await Promise.all(files.map((n) => readItem(join(folder, n), schema)));
  return items.filter((x): x is Awaited<T> => x !== undefined) as T[];
}
