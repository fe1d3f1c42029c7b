// The YAML 1.2 core schema for js-yaml, resolving plain scalars exactly as the yaml library's `core`
// schema does (its regular expressions and conversions), so both libraries read a doc to the same
// value. js-yaml's own CORE_SCHEMA differs at the edges (0b101 is an int there, -.5e+3 a string).
import jsYaml from 'js-yaml';

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_DEC = /^[-+]?[0-9]+$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

// js-yaml tries every implicit type on every plain scalar, keys included: each resolver first rules
// out by the first character what its patterns cannot match (most keys and strings), before a regex.
/** Whether `s` starts with one of `chars`; true for '' (which includes ''), so the regex decides it. */
const startsWithOneOf = (s: string, chars: string) => chars.includes(s.charAt(0));
const NULL_START = '~nN';
const BOOL_START = 'tTfF';
const NUMBER_START = '-+.0123456789';

const nul = new jsYaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: unknown) =>
    s === null || (typeof s === 'string' && startsWithOneOf(s, NULL_START) && NULL.test(s)),
  construct: () => null,
});

const bool = new jsYaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: unknown) => typeof s === 'string' && startsWithOneOf(s, BOOL_START) && BOOL.test(s),
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
});

const int = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: unknown) =>
    typeof s === 'string' &&
    startsWithOneOf(s, NUMBER_START) &&
    (INT_DEC.test(s) || INT_OCT.test(s) || INT_HEX.test(s)),
  construct: (s: string) =>
    INT_OCT.test(s) ? parseInt(s.slice(2), 8) : INT_HEX.test(s) ? parseInt(s.slice(2), 16) : parseInt(s, 10),
});

const float = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: unknown) =>
    typeof s === 'string' &&
    startsWithOneOf(s, NUMBER_START) &&
    (FLOAT_NAN.test(s) || FLOAT_EXP.test(s) || FLOAT.test(s)),
  construct: (s: string) =>
    FLOAT_NAN.test(s)
      ? s.slice(-3).toLowerCase() === 'nan'
        ? Number.NaN
        : s[0] === '-'
          ? Number.NEGATIVE_INFINITY
          : Number.POSITIVE_INFINITY
      : parseFloat(s),
});

/** Strings, sequences and maps (failsafe) plus the core schema's null, bool, int and float. */
export const CORE_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [nul, bool, int, float] });
