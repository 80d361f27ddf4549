/**
 * Korean problem+json messages: every English message template in server/**\/*.ts has a Korean
 * translation (found by parsing the source, see test/support/message-scan.ts), the scan really
 * catches untranslated messages, and the edge picks the language and words zod issues by code.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { scanServer, scanSource, type ScannedTemplate } from '../support/message-scan';
import { KO_MESSAGES, KO_NOUNS } from '../../server/lib/messages-ko';
import { catalogKeys, pickLanguage, templateKey, toKorean, translateMessage } from '../../server/lib/i18n';
import { problemBody, zodIssues } from '../../server/lib/http';
import { ErrorCodes, invalid, ServiceError } from '../../server/lib/errors';
import { validatePlan } from '../../server/rules/validate';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HANGUL = /[\uac00-\ud7a3]/;
const PLACEHOLDER = /\{([A-Za-z_]\w*)(?::(noun|phrase|list|alt|opt))?\}/g;

/** The catalog key (with typed placeholders) for a scanned template, if any. */
const keyByNormalized = new Map(Object.keys(KO_MESSAGES).map((k) => [templateKey(k), k]));

/** A concrete message for a template: `{}` filled by values the placeholder's type accepts. */
function sample(template: string): { text: string; plain: string[] } | null {
  const key = keyByNormalized.get(template);
  if (!key) return null;
  const plain: string[] = [];
  let n = 0;
  const text = key.replace(PLACEHOLDER, (_, _name: string, kind?: string) => {
    n++;
    if (kind === 'noun') return 'Customer';
    if (kind === 'phrase') return 'a string';
    if (kind === 'list') return 'a "not" condition matched; x.y equal 1 (is 2)';
    if (kind === 'alt') return 'percent or amount';
    const v = `V${n}q`;
    plain.push(v);
    return v;
  });
  return { text, plain };
}

/** Every template without a Korean translation, as "file:line  template". */
function untranslated(found: ScannedTemplate[]): string[] {
  const keys = catalogKeys();
  const bad: string[] = [];
  for (const t of found) {
    let ok: boolean;
    if (keys.has(t.template)) {
      // The key exists; the runtime matcher must also turn an instance of it into Korean that
      // keeps every verbatim value (codes, dates, numbers).
      const s = sample(t.template)!;
      const ko = toKorean(s.text);
      ok = ko !== null && HANGUL.test(ko) && s.plain.every((v) => ko.includes(v));
    } else {
      // A complete sentence made of a generic template and a literal (notFound('Customer')).
      const ko = t.template.includes('{}') ? null : toKorean(t.template);
      ok = ko !== null && HANGUL.test(ko);
    }
    if (!ok) bad.push(`${t.file}:${t.line}  [${t.via}]  ${t.template}`);
  }
  return bad;
}

describe('Korean message catalog', () => {
  const found = scanServer(ROOT);

  it('finds the server\'s messages by parsing the source', () => {
    expect(found.length).toBeGreaterThan(150);
    const templates = new Set(found.map((t) => t.template));
    // One of each way a message is written.
    for (const t of [
      'already in use', // message: in an issue object
      'must be on or after the subscription start {}', // message: template literal
      'A customer with this external id already exists', // conflict(
      'Customer not found', // notFound(
      'This action needs the permission "platform:tenants"', // forbidden(
      '{} problem(s) in the file; nothing was imported', // invalid(issues, detail)
      'The body is not valid JSON', // new ServiceError(
      'must be a date YYYY-MM-DD', // zod .regex(re, msg)
      'must be an e-mail address', // z.email(msg)
      'must be an ISO 4217 code like "USD"', // zod { error }
      'must be a non-negative number or decimal string, at most 15 digits before the point and 12 after', // { error: CONST } with ${CONST}
      'unknown fact "{}"', // rules validator add(segs, message)
      '"{}" does not fit the {} fact "{}"', // add(segs, why) with why a const ternary
      'a number (conditions compare money facts as numbers)', // TYPE_WORD[...] spliced into a message
      'a quoted field is not closed', // new CsvSyntaxError(
      'the customer is not eligible for plan "{}": {}', // eligibility reason
    ]) expect(templates, t).toContain(t);
  });

  it('has a Korean translation for every message template in server/', () => {
    const bad = untranslated(found);
    expect(bad, `untranslated message templates (add them to server/lib/messages-ko.ts or an area file it merges, e.g. messages-ko-collections.ts):\n${bad.join('\n')}`).toEqual([]);
  });

  it('fails on a source with untranslated messages (the scan is not vacuous)', () => {
    const src = `
      import { z } from 'zod';
      const WHY = 'the widget is upside down';
      export const W = z.string().regex(/^w/, 'must be a widget code');
      export function f(n: number, ok: boolean) {
        if (!ok) throw conflict('The widget is frobnicated');
        if (n > 3) throw invalid([{ path: 'n', message: \`must frobnicate \${n} widgets\` }]);
        if (n < 0) throw invalid([{ path: 'n', message: n < -1 ? WHY : 'already in use' }]);
        throw notFound('Widget');
      }`;
    const scanned = scanSource('server/widgets/widgets.ts', src);
    const bad = untranslated(scanned).map((b) => b.replace(/^.*\]\s+/, ''));
    expect(bad.sort()).toEqual([
      'The widget is frobnicated',
      'Widget not found',
      'must be a widget code',
      'must frobnicate {} widgets',
      'the widget is upside down',
    ]);
    // ...while the translated ones found in the same source pass.
    expect(scanned.map((s) => s.template)).toContain('already in use');
  });

  it('keeps every catalog entry well formed', () => {
    for (const [en, ko] of Object.entries(KO_MESSAGES)) {
      const enNames = [...en.matchAll(PLACEHOLDER)].map((m) => m[1]).sort();
      const koNames = [...ko.matchAll(PLACEHOLDER)].map((m) => m[1]).sort();
      expect(koNames, en).toEqual(enNames);
      expect(HANGUL.test(ko) || ko === '', en).toBe(true);
    }
    for (const ko of Object.values(KO_NOUNS)) expect(ko).toMatch(HANGUL);
    for (const def of Object.values(ErrorCodes)) expect(def.titleKo).toMatch(HANGUL);
  });
});

describe('Korean wording', () => {
  it('fills placeholders, keeps codes and values, and picks particles', () => {
    expect(translateMessage('must be on or after the subscription start 2025-03-01', 'ko')).toBe('서비스 시작일 2025-03-01 이후여야 합니다');
    expect(translateMessage('already in use', 'ko')).toBe('이미 사용 중입니다');
    expect(translateMessage('must be a positive decimal string', 'ko')).toBe('양의 소수 문자열이어야 합니다');
    expect(translateMessage('Customer not found', 'ko')).toBe('고객을 찾을 수 없습니다');
    expect(translateMessage('API key not found', 'ko')).toBe('API 키를 찾을 수 없습니다');
    expect(translateMessage('Plan version not found', 'ko')).toBe('상품 버전을 찾을 수 없습니다');
    expect(translateMessage('The only version of rule "spring" cannot be discarded; retire the rule instead', 'ko'))
      .toBe('룰 "spring"의 하나뿐인 버전은 삭제할 수 없습니다. 대신 룰을 판매 종료하세요');
    expect(translateMessage('This action needs the permission "customers:write"', 'ko')).toBe('이 작업에는 "customers:write" 권한이 필요합니다');
    expect(translateMessage('must be a string', 'ko')).toBe('문자열이어야 합니다');
    expect(translateMessage('must be a number', 'ko')).toBe('숫자여야 합니다');
    expect(translateMessage('must be a number (conditions compare money facts as numbers)', 'ko')).toBe('숫자(조건에서는 금액 항목을 숫자로 비교합니다)여야 합니다');
    expect(translateMessage('give exactly one of percent or amount', 'ko')).toBe('percent 또는 amount 중 정확히 하나를 지정하세요');
    expect(translateMessage('Invoice INV-2025-0001 is paid and cannot change; issue a credit note instead', 'ko'))
      .toBe('청구서 INV-2025-0001은 paid 상태라 변경할 수 없습니다. 대신 요금 조정을 발행하세요');
    expect(translateMessage('the customer is not eligible for plan "corp": customer.type equal "corporate" (is "individual")', 'ko'))
      .toBe('고객이 "corp" 상품의 가입 조건을 충족하지 않습니다: customer.type equal "corporate" (현재 값 "individual")');
    expect(translateMessage('send {"events": [...]} for a batch', 'ko')).toBe('여러 건은 {"events": [...]} 형식으로 보내세요');
  });

  it('leaves English alone, and unknown text English rather than half-translated', () => {
    expect(translateMessage('already in use', 'en')).toBe('already in use');
    expect(translateMessage('Widget not found', 'ko')).toBe('Widget not found');
    expect(translateMessage('must be a widget', 'ko')).toBe('must be a widget');
  });
});

describe('Accept-Language', () => {
  it.each([
    [undefined, 'en'], ['', 'en'], ['ko', 'ko'], ['ko-KR', 'ko'], ['KO-kr', 'ko'], ['en', 'en'], ['*', 'en'],
    ['ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7', 'ko'],
    ['en-US,en;q=0.9,ko;q=0.8', 'en'],
    ['en;q=0.5, ko-KR;q=0.8', 'ko'],
    ['fr-FR, ko;q=0.3', 'ko'],
    ['ko;q=0, en', 'en'],
    ['ja, de;q=0.9', 'en'],
  ] as const)('%s → %s', (header, lang) => {
    expect(pickLanguage(header)).toBe(lang);
  });
});

describe('zod issues in Korean (by code and parameters)', () => {
  const Schema = z.strictObject({
    name: z.string().min(1),
    code: z.string().min(2).max(5),
    email: z.email('must be an e-mail address'),
    kind: z.enum(['a', 'b']),
    count: z.int().min(1).max(10),
    tags: z.array(z.string()).min(1),
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
    id: z.uuid(),
  });

  it('words each zod issue from its code; schema messages come from the catalog', () => {
    const r = Schema.safeParse({ code: 'toolong', email: 'x', kind: 'c', count: 11, tags: [], day: '1/2', id: 'nope', extra: 1 });
    expect(r.success).toBe(false);
    const err = invalid(zodIssues(r.error!));
    const en = problemBody(err, 'req', 'en');
    const ko = problemBody(err, 'req', 'ko');
    const byPath = Object.fromEntries(ko.issues!.map((i) => [i.path, i.message]));
    expect(byPath).toEqual({
      name: '필수 항목입니다',
      code: '5자 이하여야 합니다',
      email: '이메일 주소여야 합니다',
      kind: '"a", "b" 중 하나여야 합니다',
      count: '10 이하여야 합니다',
      tags: '하나 이상 있어야 합니다',
      day: 'YYYY-MM-DD 형식의 날짜여야 합니다',
      id: 'UUID 형식이어야 합니다',
      $: '알 수 없는 필드입니다: "extra"',
    });
    // Same paths and codes in both languages; English is zod's own text.
    expect(ko.issues!.map((i) => [i.path, i.code])).toEqual(en.issues!.map((i) => [i.path, i.code]));
    expect(en.issues!.find((i) => i.path === 'name')!.message).toBe('Invalid input: expected string, received undefined');
    expect(ko.title).toBe('요청에 올바르지 않은 항목이 있습니다');
    expect(ko.detail).toBe(ko.issues!.map((i) => `${i.path}: ${i.message}`).join('; '));
    expect(en.detail).toBe(err.detail);
    // The kept zod issue never reaches the JSON body.
    expect(JSON.parse(JSON.stringify(ko)).issues[0]).toEqual({ path: 'name', message: '필수 항목입니다', code: 'invalid_type' });
  });

  it('words plan document issues (rules validator and its zod schema)', () => {
    const issues = validatePlan({ code: 'p', name: '', currency: 'usd', interval: 'month', components: [] }, 'document');
    const body = problemBody(new ServiceError('PLAN_INVALID', undefined, issues), 'req', 'ko');
    const msgs = Object.fromEntries(body.issues!.map((i) => [i.path, i.message]));
    expect(body.issues!.filter((i) => i.path === 'document.currency').map((i) => i.message)).toContain('"USD" 같은 ISO 4217 통화 코드여야 합니다');
    expect(msgs['document.name']).toBe('비워 둘 수 없습니다');
    expect(msgs['document.components']).toBe('하나 이상 있어야 합니다');
    expect(body.detail).toBe('상품 문서가 올바르지 않습니다');
  });
});
