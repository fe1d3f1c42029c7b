// The first ```yaml (or ~~~yml) fence that is a top-level block of a step section, found by one line
// scan with the CommonMark rules that decide it (FORMAT.md §1). It stops at the first subheading (ATX or
// setext). Fences inside list items or blockquotes, indented code and fences inside other fences do
// not hold steps. An unclosed fence runs to the end of the section.
import type { StepsBlock } from './steps-block.js';

const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const ATX = /^#{1,6}(?:[ \t]|$)/;
const SETEXT = /^(?:=+|-+)[ \t]*$/;
const THEMATIC = /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^([-*+]|\d{1,9}[.)])([ \t]+|$)/;
/** HTML blocks: start, and the end line (undefined: a blank line ends it); fences inside are HTML. */
const HTML: readonly (readonly [RegExp, RegExp | undefined, boolean])[] = [
  [/^<(?:script|pre|style|textarea)(?:[ \t>]|$)/i, /<\/(?:script|pre|style|textarea)>/i, true],
  [/^<!--/, /-->/, true],
  [/^<\?/, /\?>/, true],
  [/^<![A-Za-z]/, />/, true],
  [/^<!\[CDATA\[/, /\]\]>/, true],
  [
    /^<\/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:[ \t>]|\/>|$)/i,
    undefined,
    true,
  ],
  [
    /^(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>|<\/[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*$/,
    undefined,
    false,
  ],
];

/** What the previous line was, when it matters: top-level paragraph text, lazy text (of a list item or
 * quote), or indented code. */
type Prev = 'paragraph' | 'lazy' | 'code' | undefined;

interface Fence {
  readonly char: string;
  readonly len: number;
  /** Columns of the opening fence: as many leading spaces are removed from content lines. */
  readonly indent: number;
  /** Content column of the list item holding the fence (0 at top level). */
  readonly base: number;
  readonly yaml: boolean;
  /** 0-based line index of the opening fence. */
  readonly at: number;
}

/** `lines` are file lines; scans indexes `start + 1` (after the heading) to `end - 1`. */
export function findYamlFence(lines: readonly string[], start: number, end: number): StepsBlock | undefined {
  let fence: Fence | undefined;
  let content: string[] = [];
  /** Content column of the open top-level list item, if any. */
  let list: number | undefined;
  let prev: Prev;
  /** The end of the open HTML block: a pattern, or null for a blank line. */
  let html: RegExp | null | undefined;
  for (let i = start + 1; i < end; i++) {
    const line = lines[i] ?? '';
    const blank = isBlank(line);
    const indent = columns(line);
    if (html !== undefined) {
      if (html === null ? blank : html.test(line)) html = undefined;
      continue;
    }
    if (fence) {
      // A list item's fence ends with the item: at a non-blank line indented less than its content.
      if (!(fence.base > 0 && !blank && indent < fence.base)) {
        const close = FENCE_CLOSE.exec(line.slice(Math.min(fence.base, leading(line))));
        if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.len) {
          if (fence.yaml) return { source: content.join('\n'), firstLine: fence.at + 2 };
          fence = undefined;
        } else if (fence.yaml) content.push(stripColumns(line, fence.indent));
        continue;
      }
      fence = undefined;
      list = undefined;
    }
    if (blank) {
      prev = undefined;
      continue;
    }
    if (list !== undefined) {
      if (indent >= list) {
        // Inside the item: a fence, or a nested item starting with one, hides the lines under it.
        const inner = line.slice(leading(line));
        const open = indent - list <= 3 ? fenceOpen(inner) : undefined;
        const nested =
          open || THEMATIC.test(inner)
            ? undefined
            : listItem(inner, indent, prev === 'lazy' ? 'paragraph' : undefined)?.fence;
        const opened = open ?? nested;
        if (opened) fence = { ...opened, indent, base: list, yaml: false, at: i };
        prev = opened ? undefined : 'lazy';
        continue;
      }
      const rest = line.slice(leading(line));
      const item = indent <= 3 && !THEMATIC.test(rest) ? listItem(rest, indent, prev) : undefined;
      if (item) {
        list = item.base;
        fence = item.fence ? { ...item.fence, base: list, yaml: false, at: i } : undefined;
        prev = item.lazy ? 'lazy' : undefined;
        continue;
      }
      if (prev === 'lazy' && isLazy(line)) continue;
      list = undefined;
    }
    // Indented code, or the continuation of a paragraph: never a fence.
    if (indent >= 4) {
      prev ??= 'code';
      continue;
    }
    const rest = line.slice(leading(line));
    const open = fenceOpen(rest);
    if (open) {
      fence = { ...open, indent, base: 0, at: i };
      content = [];
      prev = undefined;
      continue;
    }
    if (ATX.test(rest)) return undefined;
    if (prev === 'paragraph' && SETEXT.test(rest)) return undefined;
    if (THEMATIC.test(rest)) {
      prev = undefined;
      continue;
    }
    if (rest.startsWith('>')) {
      // Only a paragraph inside the quote continues lazily onto the next line.
      const quoted = rest.replace(/^(?:>[ \t]?[ \t]{0,3})+/, '');
      prev = isBlank(quoted) || !isLazy(quoted) ? undefined : 'lazy';
      continue;
    }
    if (prev === 'lazy' && isLazy(line)) continue;
    const block = HTML.find(([open, , interrupts]) => open.test(rest) && (interrupts || !prev));
    if (block) {
      const close = block[1];
      html = close === undefined ? null : close.test(rest.replace(block[0], '')) ? undefined : close;
      prev = undefined;
      continue;
    }
    const item = listItem(rest, indent, prev);
    if (item) {
      list = item.base;
      fence = item.fence ? { ...item.fence, base: list, yaml: false, at: i } : undefined;
      prev = item.lazy ? 'lazy' : undefined;
      continue;
    }
    prev = 'paragraph';
  }
  if (!fence?.yaml) return undefined;
  // The section's text ends with a line break when its last line is empty: that is no content line.
  if (content.length > 0 && end - 1 > fence.at && lines[end - 1] === '') content.pop();
  return { source: content.join('\n'), firstLine: fence.at + 2 };
}

/** An opening fence (after its indentation): ``` info may not hold a backtick. */
function fenceOpen(rest: string): { char: string; len: number; yaml: boolean } | undefined {
  const m = FENCE_OPEN.exec(rest);
  if (!m?.[1]) return undefined;
  const info = (m[2] ?? '').trim();
  if (m[1][0] === '`' && info.includes('`')) return undefined;
  const lang = info.split(/[ \t]/, 1)[0] ?? '';
  return { char: m[1][0] ?? '`', len: m[1].length, yaml: /^ya?ml$/i.test(lang) };
}

/** A list item starting at `rest` (column `indent`): its content column and first-line content. */
function listItem(
  rest: string,
  indent: number,
  prev: Prev,
): { base: number; lazy: boolean; fence?: { char: string; len: number; indent: number } } | undefined {
  const m = LIST_ITEM.exec(rest);
  if (!m?.[1]) return undefined;
  const marker = m[1];
  const after = rest.slice(marker.length);
  const empty = isBlank(after);
  // A paragraph is interrupted only by a bullet or `1.` item with content (micromark also keeps an
  // ordered item not numbered 1 right after indented code as paragraph text).
  const ordered = /^\d/.test(marker) && !/^1[.)]$/.test(marker);
  if ((prev === 'paragraph' && (empty || ordered)) || (prev === 'code' && ordered)) return undefined;
  const spaces = columns(after, indent + marker.length);
  const gap = empty || spaces > 4 ? 1 : spaces;
  const base = indent + marker.length + gap;
  const body = after.slice(leading(after));
  const open = empty ? undefined : fenceOpen(body);
  return {
    base,
    lazy: !empty && !open,
    fence: open ? { char: open.char, len: open.len, indent: base } : undefined,
  };
}

/** A line that continues a paragraph lazily (it starts no other block). */
function isLazy(line: string): boolean {
  const indent = columns(line);
  if (indent >= 4) return true;
  const rest = line.slice(leading(line));
  return !(
    fenceOpen(rest) ||
    ATX.test(rest) ||
    THEMATIC.test(rest) ||
    rest.startsWith('>') ||
    HTML.some(([open, , interrupts]) => interrupts && open.test(rest)) ||
    (LIST_ITEM.test(rest) && !isBlank(rest.replace(LIST_ITEM, '')))
  );
}

/** Columns of leading whitespace (tabs to the next multiple of 4), counted from column `from`. */
function columns(text: string, from = 0): number {
  let col = from;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE) col++;
    else if (c === TAB) col += 4 - (col % 4);
    else break;
  }
  return col - from;
}

function leading(text: string): number {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
  return i;
}

/** Empty, or only spaces and tabs. */
function isBlank(text: string): boolean {
  return leading(text) === text.length;
}

const SPACE = 0x20;
const TAB = 0x09;

/** `line` without up to `n` columns of leading whitespace (a tab wider than what is left keeps the rest as spaces). */
function stripColumns(line: string, n: number): string {
  let col = 0;
  let i = 0;
  while (col < n && i < line.length) {
    const ch = line[i];
    if (ch === ' ') col++;
    else if (ch === '\t') {
      const to = col + 4 - (col % 4);
      if (to > n) return ' '.repeat(to - n) + line.slice(i + 1);
      col = to;
    } else break;
    i++;
  }
  return line.slice(i);
}
