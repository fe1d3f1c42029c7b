// JUnit test cases for what a doc promises beyond its status codes: one per doc × token type the auth
// matrix re-sent, one per step whose response was checked against its schema. A finding other than
// `ok` (or a drift) is a <failure> typed by its kind, so CI shows a security finding as red.
import type { DocResult } from '../../engine/model.js';
import { attrs, xmlText } from './xml.js';

export interface PromiseCase {
  readonly xml: string;
  readonly failed: boolean;
}

export function renderPromiseCases(result: DocResult): PromiseCase[] {
  const cases: PromiseCase[] = [];
  const classname = result.domain;
  for (const a of result.auth ?? []) {
    const name = `${result.doc} [auth ${a.tokenType}: ${a.step}]`;
    const expected =
      a.documented === 'accepted'
        ? 'accepted'
        : `refused${a.expectedStatus ? ` with ${a.expectedStatus}` : ''}`;
    const got = a.status === undefined ? 'no response' : String(a.status);
    if (a.finding === 'ok') {
      cases.push({ xml: `<testcase${attrs({ name, classname, time: '0.000' })}/>`, failed: false });
      continue;
    }
    const message = `${a.finding}: the doc says ${a.tokenType} is ${expected}; the API answered ${got}`;
    cases.push({
      xml: `<testcase${attrs({ name, classname, time: '0.000' })}><failure${attrs({ message, type: a.finding })}/></testcase>`,
      failed: true,
    });
  }
  for (const c of result.contract ?? []) {
    const name = `${result.doc} [contract ${c.step}: ${c.operation}]`;
    if (c.valid) {
      cases.push({ xml: `<testcase${attrs({ name, classname, time: '0.000' })}/>`, failed: false });
      continue;
    }
    const text = c.findings.map((f) => `${f.pointer || '/'}: ${f.message}`).join('\n');
    const message = `the response drifted from ${c.operation} in ${c.spec}`;
    cases.push({
      xml: `<testcase${attrs({ name, classname, time: '0.000' })}><failure${attrs({ message, type: 'contract' })}>${xmlText(text)}</failure></testcase>`,
      failed: true,
    });
  }
  return cases;
}
