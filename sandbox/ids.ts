// Deterministic ids: every sandbox started with the same seed hands out the same ids in the same order,
// so tests and recorded outputs are reproducible. Tokens are NOT derived from the seed (see tokens.ts).

/** mulberry32: a small, well-known 32-bit PRNG; plenty for test ids. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export interface IdSource {
  /** A 16-char lowercase base-36 uid, like the platform's (`arozsmml2kx1xr8o`). */
  uid(): string;
  /** A growing numeric id (messages carry both). */
  serial(): number;
}

export function createIds(seed: number): IdSource {
  const random = createRandom(seed);
  let next = 142_134_000 + Math.floor(random() * 1000);
  const seen = new Set<string>();
  return {
    uid() {
      for (;;) {
        let s = '';
        for (let i = 0; i < 16; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
        if (!seen.has(s)) {
          seen.add(s);
          return s;
        }
      }
    },
    serial: () => next++,
  };
}
