// The forms of a token the redactor hides: a token may leave in any of them.
import { describe, expect, it } from 'vitest';
import { secretForms } from '../../lambda/engine/run/secrets.js';

describe('secretForms', () => {
  it('covers trimmed, JSON-escaped, form-encoded forms and distinctive fragments', () => {
    const forms = secretForms([" tok/a&b!'-9f8e7d6c "]);
    expect(forms).toEqual(
      expect.arrayContaining([
        "tok/a&b!'-9f8e7d6c",
        'tok\\/a\\u0026b!\\u0027-9f8e7d6c',
        'tok%2Fa%26b%21%27-9f8e7d6c',
        '9f8e7d6c',
      ]),
    );
    expect(forms).not.toContain('tok');
  });

  it('covers the JSON-pointer form: a body keyed by the token puts it in a contract finding', () => {
    expect(secretForms(['CANARY-st/Wm7 Rx3~Kd'])).toContain('CANARY-st~1Wm7 Rx3~0Kd');
  });
});
