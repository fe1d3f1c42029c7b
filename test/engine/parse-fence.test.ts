// The steps block of a section: the first top-level ```yaml fence, by CommonMark's fence rules.
import { describe, expect, it } from 'vitest';
import { readSections } from '../../lambda/engine/parse/sections.js';

/** The steps block of `## Test Request` followed by `body`, with its first line (the heading is line 1). */
const blockOf = (...body: string[]) => readSections(['## Test Request', ...body]).test?.block;

describe('the steps fence of a section', () => {
  it('accepts ``` and ~~~ fences, yaml or yml in any case, with more info after the language', () => {
    expect(blockOf('```yaml', 'steps: []', '```')).toEqual({ source: 'steps: []', firstLine: 3 });
    expect(blockOf('text', '~~~yml', 'a: 1', '~~~')).toEqual({ source: 'a: 1', firstLine: 4 });
    expect(blockOf('   ``` YAML title="x"', 'a: 1', '```')?.source).toBe('a: 1');
    expect(blockOf('```json', '{}', '```', '```yaml', 'b: 2', '```')).toEqual({
      source: 'b: 2',
      firstLine: 6,
    });
  });

  it('closes only on the same character, at least as long, with nothing after it', () => {
    expect(blockOf('````yaml', '```', '~~~~', '```` x', '`````', 'after')?.source).toBe('```\n~~~~\n```` x');
    expect(blockOf('~~~yaml', '```', '~~~ ', 'after')?.source).toBe('```');
  });

  it('removes the opening fence indentation from content lines', () => {
    expect(blockOf('  ```yaml', 'steps:', '    - id: a', ' b: 1', '  ```')?.source).toBe(
      'steps:\n  - id: a\nb: 1',
    );
  });

  it('lets an unclosed fence run to the end: it hides later headings, so its section is the rest of the file', () => {
    const sections = readSections([
      '## Test Request',
      '```yaml',
      'steps:',
      '  - id: a',
      '',
      '## Cleanup',
      'x',
      '',
    ]);
    expect(sections.test?.block).toEqual({ source: 'steps:\n  - id: a\n\n## Cleanup\nx', firstLine: 3 });
  });

  it('skips yaml inside another fence, indented code, lists, quotes and HTML blocks', () => {
    expect(blockOf('~~~', '```yaml', 'no: 1', '```', '~~~', '```yml', 'yes: 1', '```')?.source).toBe(
      'yes: 1',
    );
    expect(blockOf('    ```yaml', '    no: 1', '    ```')).toBeUndefined();
    expect(blockOf('- item', '  ```yaml', '  no: 1', '  ```')).toBeUndefined();
    expect(blockOf('- ```yaml', '  no: 1', '  ```')).toBeUndefined();
    expect(blockOf('> ```yaml', '> no: 1', '> ```')).toBeUndefined();
    expect(blockOf('<!--', '```yaml', 'no: 1', '```', '-->', '```yaml', 'yes: 1', '```')?.source).toBe(
      'yes: 1',
    );
    // A list item ends at a line indented less than its content: the fence after it is top-level.
    expect(blockOf('- item', '', '```yaml', 'yes: 1', '```')).toEqual({ source: 'yes: 1', firstLine: 5 });
    expect(blockOf('- item', '  ```', '  x', '```yaml', 'yes: 1', '```')?.source).toBe('yes: 1');
  });

  it('stops at the first subheading, ATX or setext', () => {
    expect(blockOf('### How to obtain X', '```yaml', 'no: 1', '```')).toBeUndefined();
    expect(blockOf('Sub', '---', '```yaml', 'no: 1', '```')).toBeUndefined();
    expect(blockOf('Sub', '===', '```yaml', 'no: 1', '```')).toBeUndefined();
    // After a blank line `---` is a thematic break, not a heading.
    expect(blockOf('Text', '', '---', '```yaml', 'yes: 1', '```')?.source).toBe('yes: 1');
  });

  it('does not take a ``` line whose info holds a backtick as a fence', () => {
    expect(blockOf('```yaml`', 'no: 1', '```')).toBeUndefined();
  });
});
