/**
 * Finds what the console shows people that is not worded through vue-i18n, by reading the Vue
 * template syntax tree (@vue/compiler-dom) and the TypeScript syntax tree (not by grepping):
 * - text in templates outside `{{ }}` that has letters (Latin or Hangul);
 * - static attributes a person reads (`label`, `placeholder`, `title`, `content`, `description`,
 *   `empty-text`, `sub-title`, `active-text`, `inactive-text`) with letters;
 * - the i18n keys the sources use: `t('a.b')`, `$t('a.b')`, `te('a.b')`, `label('a.b', v)` (a
 *   prefix), template literals `t(`a.b.${x}`)` (their fixed prefix), and route/menu `title:` keys.
 * Allowed without translation: codes, units and symbols (ALLOWED) and text inside `<code>`.
 * Used by test/unit/web/console-strings.test.ts, in the style of ./message-scan.ts for the server.
 */
import ts from 'typescript';
import { parse as parseTemplate, NodeTypes, type TemplateChildNode, type ElementNode } from '@vue/compiler-dom';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Finding {
  file: string;
  line: number;
  text: string;
  /** `text` / `attr:<name>` */
  via: string;
}

export interface KeyUse {
  file: string;
  line: number;
  key: string;
  /** A prefix (`label('a.b', v)`, `t(`a.${x}`)`): the key must name a group of messages. */
  prefix: boolean;
}

/** Attributes whose static value a person reads. */
const READ_ATTRS = new Set(['label', 'placeholder', 'title', 'content', 'description', 'empty-text', 'sub-title', 'active-text', 'inactive-text', 'confirm-button-text', 'cancel-button-text']);
/** Text that is the same in every language: product name, units, symbols, format samples. */
export const ALLOWED = new Set(['Billwise', 'API', 'JSON', 'CSV', 'PDF', 'ID', 'KRW', 'USD', 'OK', 'URL', 'YYYY-MM', 'YYYY-MM-DD', 'ISO', 'v']);
/** Placeholders that show the shape of a code to type (the same in every language). */
export const CODE_SAMPLES = new Set(['api', 'api_calls', 'cycle-1', 'KR', 'Asia/Seoul']);
const LETTERS = /[A-Za-z\uac00-\ud7a3]/;

/** Text worth flagging: has letters, and is not only allowed tokens, numbers and punctuation. */
export function isWording(text: string): boolean {
  const s = text.replace(/\s+/g, ' ').trim();
  if (!LETTERS.test(s)) return false;
  const words = s.split(/[^A-Za-z0-9\uac00-\ud7a3_-]+/).filter(Boolean);
  return words.some((w) => LETTERS.test(w) && !ALLOWED.has(w));
}

export function scanTemplate(file: string, sfc: string): Finding[] {
  const m = /<template>([\s\S]*)<\/template>/.exec(sfc);
  if (!m) return [];
  const offsetLines = sfc.slice(0, m.index).split('\n').length - 1;
  const out: Finding[] = [];
  const ast = parseTemplate(m[1], { comments: false });
  const walk = (nodes: TemplateChildNode[], inCode: boolean) => {
    for (const n of nodes) {
      if (n.type === NodeTypes.TEXT) {
        if (!inCode && isWording(n.content)) out.push({ file, line: n.loc.start.line + offsetLines, text: n.content.trim(), via: 'text' });
      } else if (n.type === NodeTypes.ELEMENT) {
        const el = n as ElementNode;
        for (const p of el.props) {
          if (p.type !== NodeTypes.ATTRIBUTE || !p.value) continue;
          const sample = p.name === 'placeholder' && CODE_SAMPLES.has(p.value.content);
          if (READ_ATTRS.has(p.name) && !sample && isWording(p.value.content)) {
            out.push({ file, line: p.loc.start.line + offsetLines, text: p.value.content, via: `attr:${p.name}` });
          }
        }
        walk(el.children, inCode || el.tag === 'code' || el.tag === 'pre');
      } else if ('children' in n && Array.isArray(n.children)) {
        walk(n.children as TemplateChildNode[], inCode);
      }
    }
  };
  walk(ast.children, false);
  return out;
}

const KEY = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_]+)+$/;
const CALLS = new Set(['t', '$t', 'te', 'tm']);

/** i18n keys used in a script (TS, or the expressions of a Vue file's template and script). */
export function scanKeys(file: string, code: string, lineOffset = 0): KeyUse[] {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: KeyUse[] = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1 + lineOffset;
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n)) {
      const callee = ts.isIdentifier(n.expression) ? n.expression.text
        : ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : '';
      const a0 = n.arguments[0];
      if (a0 && (CALLS.has(callee) || callee === 'label')) {
        if ((ts.isStringLiteral(a0) || ts.isNoSubstitutionTemplateLiteral(a0)) && KEY.test(a0.text)) {
          out.push({ file, line: lineOf(n), key: a0.text, prefix: callee === 'label' });
        } else if (ts.isTemplateExpression(a0)) {
          const head = a0.head.text.replace(/\.$/, '');
          if (KEY.test(head) || /^[a-z][A-Za-z0-9]*$/.test(head)) out.push({ file, line: lineOf(n), key: head, prefix: true });
        }
      }
    }
    // Route and menu titles are keys the layout words (`title: 'ops.routes.customers'`).
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === 'title' && ts.isStringLiteral(n.initializer) && KEY.test(n.initializer.text)) {
      out.push({ file, line: lineOf(n), key: n.initializer.text, prefix: false });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Every key use in a Vue file: its script blocks and its template's expressions. */
export function scanVueKeys(file: string, sfc: string): KeyUse[] {
  const out: KeyUse[] = [];
  for (const m of sfc.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)) {
    out.push(...scanKeys(file, m[1], sfc.slice(0, m.index).split('\n').length - 1));
  }
  const tm = /<template>([\s\S]*)<\/template>/.exec(sfc);
  if (tm) {
    const offset = sfc.slice(0, tm.index).split('\n').length - 1;
    const exprs: Array<{ code: string; line: number }> = [];
    const walk = (nodes: TemplateChildNode[]) => {
      for (const n of nodes) {
        if (n.type === NodeTypes.INTERPOLATION && n.content.type === NodeTypes.SIMPLE_EXPRESSION) exprs.push({ code: n.content.content, line: n.loc.start.line });
        if (n.type === NodeTypes.ELEMENT) {
          for (const p of n.props) if (p.type === NodeTypes.DIRECTIVE && p.exp && p.exp.type === NodeTypes.SIMPLE_EXPRESSION) exprs.push({ code: p.exp.content, line: p.loc.start.line });
          walk(n.children);
        } else if ('children' in n && Array.isArray(n.children)) walk(n.children as TemplateChildNode[]);
      }
    };
    walk(parseTemplate(tm[1], { comments: false }).children);
    for (const e of exprs) out.push(...scanKeys(file, `(${e.code})`, offset + e.line - 1));
  }
  return out;
}

export function webFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(vue|ts)$/.test(name) && !/\.gen\.ts$|\.d\.ts$/.test(name) && !p.includes(`${join('src', 'locales')}`)) out.push(p);
    }
  };
  walk(join(root, 'web', 'src'));
  return out;
}

export function scanWeb(root: string): { findings: Finding[]; keys: KeyUse[] } {
  const findings: Finding[] = [];
  const keys: KeyUse[] = [];
  for (const p of webFiles(root)) {
    const text = readFileSync(p, 'utf8');
    const file = relative(root, p);
    if (p.endsWith('.vue')) {
      findings.push(...scanTemplate(file, text));
      keys.push(...scanVueKeys(file, text));
    } else keys.push(...scanKeys(file, text));
  }
  return { findings, keys };
}

/** Every leaf key of a message tree (`a.b.c`) and every group (`a.b`). */
export function flatten(tree: Record<string, unknown>, prefix = ''): { leaves: Set<string>; groups: Set<string> } {
  const leaves = new Set<string>();
  const groups = new Set<string>();
  const walk = (o: Record<string, unknown>, p: string) => {
    for (const [k, v] of Object.entries(o)) {
      const key = p ? `${p}.${k}` : k;
      if (v && typeof v === 'object') {
        groups.add(key);
        walk(v as Record<string, unknown>, key);
      } else leaves.add(key);
    }
  };
  walk(tree, prefix);
  return { leaves, groups };
}
