/**
 * Finds the English message templates in server source that can reach a problem+json body, by
 * reading the TypeScript syntax tree (not by grepping), so the Korean catalog can be checked for
 * completeness. A template is the literal text with every `${...}` replaced by `{}`.
 *
 * What counts as a message:
 * - `message:` and `error:` properties of object literals (field issues, zod `{ error }` /
 *   `refine(..., { message })` options, BRN check results);
 * - the detail argument of `conflict(d)`, `invalid(issues, d)`, `new ServiceError(code, d)`,
 *   `notFound(what)` (as "`what` not found") and `forbidden(p)` (as the sentence errors.ts builds);
 * - zod's positional messages: `.regex(re, 'msg')`, `.min(n, 'msg')`, `z.email('msg')`, `.refine(fn, 'msg')`;
 * - the rules validator's `add(segs, message)` (server/rules/validate.ts) and CSV syntax errors
 *   (`new CsvSyntaxError(line, message)`);
 * - plan eligibility reasons (server/rating/eligibility.ts: its returned and pushed texts).
 * An argument that is a same-file constant (`const MSG = '...'`, `const why = a ? `...` : ...`) is
 * followed to its initializer; `${CONST}` of a same-file string constant inside a template is
 * inlined; and `${TABLE[key]}` also yields every string value of a same-file object-literal TABLE
 * (they are spliced into the message).
 */
import ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface ScannedTemplate {
  /** English text, `{}` for each interpolation. */
  template: string;
  file: string;
  line: number;
  /** What made it a message (`message:`, `conflict(`, ...). */
  via: string;
}

const DETAIL_CALLS: Record<string, { index: number; wrap?: (s: string) => string }> = {
  conflict: { index: 0 },
  invalid: { index: 1 },
  notFound: { index: 0, wrap: (s) => `${s} not found` },
  forbidden: { index: 0, wrap: (s) => `This action needs the permission "${s}"` },
};
const CONSTRUCTORS: Record<string, number> = { ServiceError: 1, CsvSyntaxError: 1 };
/** zod methods whose message is the argument after the first (`.regex(re, msg)`). */
const ZOD_SECOND_ARG = new Set(['regex', 'min', 'max', 'length', 'gt', 'gte', 'lt', 'lte', 'refine', 'multipleOf', 'startsWith', 'endsWith']);
/** zod methods and factories whose message is the only argument (`z.email(msg)`). */
const ZOD_FIRST_ARG = new Set(['email', 'url', 'uuid', 'nonempty', 'positive', 'nonnegative', 'negative', 'nonpositive']);
/** Local helpers that take a message: file pattern, callee name, argument index. */
const LOCAL_CALLS: Array<{ file: RegExp; callee: string; index: number }> = [
  { file: /server\/rules\/validate\.ts$/, callee: 'add', index: 1 },
];
/** Files whose returned / pushed strings become messages (eligibility reasons). */
const REASON_FILES = [/server\/rating\/eligibility\.ts$/];

export function scanSource(file: string, text: string): ScannedTemplate[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: ScannedTemplate[] = [];
  const consts = new Map<string, ts.Expression>();
  const visitDecls = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) consts.set(n.name.text, n.initializer);
    ts.forEachChild(n, visitDecls);
  };
  visitDecls(sf);

  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const add = (n: ts.Node, via: string, templates: string[], wrap?: (s: string) => string) => {
    for (const t of templates) {
      if (!/[A-Za-z]/.test(t.replace(/\{\}/g, ''))) continue; // only placeholders / no words
      out.push({ template: wrap ? wrap(t) : t, file, line: lineOf(n), via });
    }
  };

  /** The string texts an expression can evaluate to ([] when it is not built from literals). */
  const texts = (e: ts.Expression | undefined, seen = new Set<string>()): string[] => {
    if (!e) return [];
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
    if (ts.isTemplateExpression(e)) {
      for (const span of e.templateSpans) tables(span.expression);
      // `${CONST}` of a same-file string constant is part of the text; anything else is a placeholder.
      const inline = (x: ts.Expression) => {
        if (!ts.isIdentifier(x) || seen.has(x.text)) return '{}';
        const v = texts(x, new Set(seen));
        return v.length === 1 && !v[0].includes('{}') ? v[0] : '{}';
      };
      return [e.head.text + e.templateSpans.map((s) => `${inline(s.expression)}${s.literal.text}`).join('')];
    }
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) return texts(e.expression, seen);
    if (ts.isConditionalExpression(e)) return [...texts(e.whenTrue, seen), ...texts(e.whenFalse, seen)];
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) return [...texts(e.left, seen), ...texts(e.right, seen)];
      if (op === ts.SyntaxKind.PlusToken) {
        const l = texts(e.left, seen);
        const r = texts(e.right, seen);
        if (!l.length && !r.length) return [];
        return (l.length ? l : ['{}']).flatMap((a) => (r.length ? r : ['{}']).map((b) => a + b));
      }
      return [];
    }
    if (ts.isIdentifier(e) && consts.has(e.text) && !seen.has(e.text)) {
      seen.add(e.text);
      return texts(consts.get(e.text), seen);
    }
    return [];
  };
  /** `${TABLE[k]}`: the string values of a same-file object literal spliced into a message. */
  const tables = (e: ts.Expression) => {
    if (!ts.isElementAccessExpression(e) || !ts.isIdentifier(e.expression)) return;
    const init = consts.get(e.expression.text);
    if (!init || !ts.isObjectLiteralExpression(init)) return;
    for (const p of init.properties) if (ts.isPropertyAssignment(p)) add(p, `${e.expression.text}[...]`, texts(p.initializer));
  };

  const isReasonFile = REASON_FILES.some((r) => r.test(file));
  const visit = (n: ts.Node) => {
    if (ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name))
      && (n.name.text === 'message' || n.name.text === 'error')) {
      add(n, `${n.name.text}:`, texts(n.initializer));
    } else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      if (ts.isIdentifier(callee)) {
        const d = DETAIL_CALLS[callee.text];
        if (d) add(n, `${callee.text}(`, texts(n.arguments[d.index]), d.wrap);
        for (const l of LOCAL_CALLS) if (l.callee === callee.text && l.file.test(file)) add(n, `${callee.text}(`, texts(n.arguments[l.index]));
      } else if (ts.isPropertyAccessExpression(callee)) {
        const name = callee.name.text;
        if (ZOD_SECOND_ARG.has(name) && n.arguments.length >= 2) add(n, `.${name}(`, texts(n.arguments[1]));
        if (ZOD_FIRST_ARG.has(name) && n.arguments.length >= 1) add(n, `.${name}(`, texts(n.arguments[0]));
        if (isReasonFile && name === 'push' && n.arguments.length === 1) add(n, 'reason push', texts(n.arguments[0]));
      }
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text in CONSTRUCTORS) {
      add(n, `new ${n.expression.text}(`, texts(n.arguments?.[CONSTRUCTORS[n.expression.text]]));
    } else if (isReasonFile && ts.isReturnStatement(n) && n.expression && ts.isTemplateExpression(n.expression)) {
      add(n, 'reason return', texts(n.expression));
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'migrations' ? [] : tsFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every message template in `root`/server/**\/*.ts, with its first location. */
export function scanServer(root: string): ScannedTemplate[] {
  const found = new Map<string, ScannedTemplate>();
  for (const f of tsFiles(join(root, 'server'))) {
    for (const t of scanSource(relative(root, f), readFileSync(f, 'utf8'))) if (!found.has(t.template)) found.set(t.template, t);
  }
  return [...found.values()];
}
