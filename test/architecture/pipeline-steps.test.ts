/** The steps of src/pipeline.ts, read from the source with the TypeScript parser, are the steps
 * README.md and docs/architecture.md document (between `<!-- pipeline-steps:NAME -->` markers),
 * in the same order: the docs cannot drift from the code. A step is a call of one of Pipeline's
 * own methods (`this.step(...)`) or of the execution runner (`this.execution.x(...)`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { OrderEffects, PipelineObserver } from '../../src/pipeline.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

/** Step names called by each method of `class Pipeline`, in source order. */
function stepsOf(source: string): Map<string, string[]> {
  const file = ts.createSourceFile('pipeline.ts', source, ts.ScriptTarget.ES2022, true);
  const cls = file.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === 'Pipeline',
  );
  if (!cls) throw new Error('no class Pipeline');
  const own = new Set(cls.members.flatMap((m) => (ts.isMethodDeclaration(m) && m.name ? [m.name.getText()] : [])));
  const out = new Map<string, string[]>();
  for (const m of cls.members) {
    if (!ts.isMethodDeclaration(m) || !m.body) continue;
    const calls: string[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
        const callee = n.expression;
        const target = callee.expression;
        if (target.kind === ts.SyntaxKind.ThisKeyword && own.has(callee.name.text)) calls.push(callee.name.text);
        else if (
          ts.isPropertyAccessExpression(target) &&
          target.expression.kind === ts.SyntaxKind.ThisKeyword &&
          target.name.text === 'execution'
        )
          calls.push(`execution.${callee.name.text}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(m.body);
    out.set(m.name.getText(), calls);
  }
  return out;
}

/** The backticked step names of the table rows between the markers of `name`, in order. */
function documentedSteps(doc: string, name: string): string[] {
  const start = doc.indexOf(`<!-- pipeline-steps:${name} -->`);
  const end = doc.indexOf('<!-- /pipeline-steps -->', start);
  if (start < 0 || end < 0) throw new Error(`no pipeline-steps:${name} block`);
  return [...doc.slice(start, end).matchAll(/^\|\s*\d*\.?\s*`([\w.]+)`/gm)].map((m) => m[1]!);
}

const METHODS = { submit: 'submit', report: 'afterVenueReport', cancel: 'cancel' } as const;

describe('pipeline steps', () => {
  const steps = stepsOf(read('src/pipeline.ts'));

  it('submit() names every step, the decision effects and the dispatch among them', () => {
    const submit = steps.get('submit')!;
    expect(submit).toContain('recordDecisionEffects');
    expect(submit.indexOf('writeAheadAudit')).toBeLessThan(submit.indexOf('dispatch'));
    expect(submit.indexOf('recordDecisionEffects')).toBeLessThan(submit.indexOf('notifyDecision'));
    expect(steps.get('afterVenueReport')).toEqual(['applyFillEffects']);
  });

  for (const doc of ['README.md', 'docs/architecture.md'])
    for (const [block, method] of Object.entries(METHODS))
      it(`${doc} documents the ${method} steps in the order of src/pipeline.ts`, () => {
        expect(documentedSteps(read(doc), block)).toEqual(steps.get(method));
      });

  it('the reader catches a step that is not documented (fixture)', () => {
    const src = 'class Pipeline { a() { this.b(); this.execution.c(); this.d.x(); } b() {} }';
    expect(stepsOf(src).get('a')).toEqual(['b', 'execution.c']);
    const doc = '<!-- pipeline-steps:a -->\n| 1. `b` | x |\n<!-- /pipeline-steps -->';
    expect(documentedSteps(doc, 'a')).not.toEqual(stepsOf(src).get('a'));
  });

  it('an observer gets the order read-only, an effect may change state (checked by tsc -p tsconfig.test.json)', () => {
    const observer: PipelineObserver = {
      onReport: (_r, parent) => {
        // @ts-expect-error an observer cannot change the order
        if (parent) parent.status = 'canceled';
      },
    };
    const effect: OrderEffects = {
      afterReport: (_r, parent) => {
        if (parent) parent.updatedAt = 0; // compiles: effects are the place for state changes
      },
    };
    expect(Object.keys(observer)).toEqual(['onReport']);
    expect(Object.keys(effect)).toEqual(['afterReport']);
  });
});
