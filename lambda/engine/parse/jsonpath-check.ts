// Strict check of the JSONPath forms real docs use (FORMAT.md §5): `$`, `.key`, `['key']`, `[N]`, `[*]`,
// and filters `[?(@.k == 'v')]` with == != > < >= <= && || !, in the form jsonpath-plus evaluates.
// This only validates syntax; evaluation is left to jsonpath-plus (its safe evaluator) in the runner.

/** Why `path` is not a supported JSONPath, or undefined when it is. */
export function checkJsonPath(path: string): string | undefined {
  const p = new Cursor(path);
  try {
    if (path.trim() !== path) throw new PathSyntax('it has leading or trailing spaces');
    if (path.includes('{{')) throw new PathSyntax('it holds a {{template}}');
    if (!p.eat('$')) throw new PathSyntax('it does not start with "$"');
    segments(p, false);
    if (!p.done()) throw p.fail(`unexpected "${p.rest().slice(0, 20)}"`);
    return undefined;
  } catch (err) {
    if (err instanceof PathSyntax) return err.message;
    return 'not a JSONPath';
  }
}

class PathSyntax extends Error {
  override readonly name = 'PathSyntax';
}

class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  done(): boolean {
    return this.i >= this.s.length;
  }
  peek(n = 0): string {
    return this.s[this.i + n] ?? '';
  }
  rest(): string {
    return this.s.slice(this.i);
  }
  eat(tok: string): boolean {
    if (this.s.startsWith(tok, this.i)) {
      this.i += tok.length;
      return true;
    }
    return false;
  }
  skipSpace(): void {
    while (this.peek() === ' ') this.i++;
  }
  match(re: RegExp): string | undefined {
    const m = re.exec(this.rest());
    if (m?.index !== 0) return undefined;
    this.i += m[0].length;
    return m[0];
  }
  fail(why: string): PathSyntax {
    return new PathSyntax(`${why} at character ${this.i + 1}`);
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;
const INDEX = /^\d+/;
const NUMBER = /^-?\d+(\.\d+)?/;
const QUOTED = /^('([^'\\]|\\.)*'|"([^"\\]|\\.)*")/;

function segments(p: Cursor, relative: boolean): void {
  while (!p.done()) {
    if (p.eat('..')) {
      if (!p.eat('*') && !p.match(NAME)) throw p.fail('expected a name after ".."');
    } else if (p.eat('.')) {
      if (!p.eat('*') && !p.match(NAME)) throw p.fail('expected a name after "."');
    } else if (p.eat('[')) {
      selector(p, relative);
      if (!p.eat(']')) throw p.fail('expected "]"');
    } else {
      return;
    }
  }
}

function selector(p: Cursor, relative: boolean): void {
  p.skipSpace();
  if (p.eat('*') || p.match(INDEX) || p.match(QUOTED)) {
    p.skipSpace();
    return;
  }
  if (!relative && p.eat('?')) {
    // jsonpath-plus (the evaluator) needs the parenthesised filter form.
    if (!p.eat('(')) throw p.fail('expected "(" after "?": write filters as [?(@.k == \'v\')]');
    logical(p);
    p.skipSpace();
    if (!p.eat(')')) throw p.fail('expected ")" closing the filter');
    p.skipSpace();
    return;
  }
  throw p.fail('expected an index, a quoted name, "*" or a filter "?(...)" inside "[...]"');
}

function logical(p: Cursor): void {
  unary(p);
  for (;;) {
    p.skipSpace();
    if (!p.eat('&&') && !p.eat('||')) return;
    p.skipSpace();
    unary(p);
  }
}

function unary(p: Cursor): void {
  p.skipSpace();
  if (p.eat('!')) p.skipSpace();
  if (p.eat('(')) {
    logical(p);
    p.skipSpace();
    if (!p.eat(')')) throw p.fail('expected ")"');
    return;
  }
  operand(p);
  p.skipSpace();
  if (p.match(/^(==|!=|>=|<=|>|<)/)) {
    p.skipSpace();
    operand(p);
  }
}

function operand(p: Cursor): void {
  if (p.eat('@')) {
    segments(p, true);
    return;
  }
  if (p.match(QUOTED) || p.match(NUMBER) || p.match(/^(true|false|null)\b/)) return;
  throw p.fail('expected "@.field", a quoted string, a number, true, false or null in the filter');
}
