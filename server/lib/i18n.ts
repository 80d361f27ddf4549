/**
 * The language of problem+json bodies. Services and validators write English; the HTTP edge
 * (server/lib/http.ts `problem()`) answers in Korean when the request's `Accept-Language` prefers
 * it, by matching each message against the templates of server/lib/messages-ko.ts. Issues made
 * from zod issues are worded from the zod issue code and parameters instead (`zodIssueKo`),
 * unless the schema gave its own message (then that message is looked up like any other).
 * A message without a translation stays English rather than half-translated.
 */
import { z } from 'zod';
import { ZOD_ISSUE, type FieldIssue, type ZodIssueLike } from './errors';
import { KO_MESSAGES, KO_NOUNS } from './messages-ko';

export type Lang = 'en' | 'ko';
export const LANGS: readonly Lang[] = ['en', 'ko'];

/**
 * The language to answer in, from an `Accept-Language` header: the supported language with the
 * highest q-value (`ko`, `ko-KR` → Korean; `en`, `en-US` → English); ties keep header order;
 * `q=0` excludes. English when the header is missing or names nothing we speak.
 */
export function pickLanguage(header: string | null | undefined): Lang {
  if (!header) return 'en';
  const ranges = header.split(',').map((part, index) => {
    const [tag, ...params] = part.trim().split(';');
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    return { lang: tag.trim().toLowerCase().split('-')[0], q: Number.isFinite(q) ? q : 0, index };
  });
  ranges.sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranges) {
    if (r.q <= 0) continue;
    if ((LANGS as readonly string[]).includes(r.lang)) return r.lang as Lang;
  }
  return 'en';
}

// ---------------------------------------------------------------------------------------------
// Templates

const PLACEHOLDER = /\{([A-Za-z_]\w*)(?::(noun|phrase|list|alt|opt))?\}/g;
type Kind = 'plain' | 'noun' | 'phrase' | 'list' | 'alt' | 'opt';

interface Entry { en: string; ko: string; re: RegExp; slots: Array<{ name: string; kind: Kind }>; weight: number }

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(en: string, ko: string): Entry {
  const slots: Entry['slots'] = [];
  let re = '';
  let last = 0;
  for (const m of en.matchAll(PLACEHOLDER)) {
    re += escapeRe(en.slice(last, m.index)) + '([\\s\\S]+?)';
    slots.push({ name: m[1], kind: (m[2] as Kind | undefined) ?? 'plain' });
    last = m.index! + m[0].length;
  }
  re += escapeRe(en.slice(last));
  return { en, ko, re: new RegExp(`^${re}$`), slots, weight: en.replace(PLACEHOLDER, '').length };
}

const EXACT = new Map<string, string>();
const PATTERNS: Entry[] = [];
for (const [en, ko] of Object.entries(KO_MESSAGES)) {
  if (en.search(PLACEHOLDER) < 0) EXACT.set(en, ko);
  else PATTERNS.push(compile(en, ko));
}
// The most specific template first: "{label} version not found" before "{what} not found".
PATTERNS.sort((a, b) => b.weight - a.weight);

/** The normalized form of a template (every placeholder as `{}`), as the coverage test compares them. */
export function templateKey(template: string): string {
  return template.replace(PLACEHOLDER, '{}');
}
/** Every English template of the catalog, normalized. */
export function catalogKeys(): Set<string> {
  return new Set(Object.keys(KO_MESSAGES).map(templateKey));
}

/** Korean for an English message, or null when the catalog has no template for it. */
export function toKorean(text: string, depth = 0): string | null {
  const exact = EXACT.get(text);
  if (exact !== undefined) return exact;
  if (depth > 4) return null;
  for (const e of PATTERNS) {
    const m = e.re.exec(text);
    if (!m) continue;
    const values: Record<string, string> = {};
    let ok = true;
    e.slots.forEach((slot, i) => {
      const v = m[i + 1];
      let out: string | null = v;
      if (slot.kind === 'noun') out = KO_NOUNS[v] ?? null;
      else if (slot.kind === 'phrase') out = toKorean(v, depth + 1);
      else if (slot.kind === 'opt') out = toKorean(v, depth + 1) ?? v;
      else if (slot.kind === 'alt') out = v.split(' or ').join(' 또는 ');
      else if (slot.kind === 'list') {
        const items = v.split('; ').map((x) => toKorean(x, depth + 1));
        out = items.every((x) => x !== null) ? items.join('; ') : null;
      }
      if (out === null) ok = false;
      else values[slot.name] = out;
    });
    if (!ok) continue; // e.g. an unknown noun: try a less specific template, else stay English
    return withParticles(e.ko.replace(PLACEHOLDER, (_, name: string) => values[name] ?? `{${name}}`));
  }
  return null;
}

/** A message in `lang` (unchanged when English or when the catalog does not know it). */
export function translateMessage(text: string, lang: Lang): string {
  if (lang === 'en') return text;
  return toKorean(text) ?? text;
}

// ---------------------------------------------------------------------------------------------
// Korean particles after a filled-in word: 을(를) → 을 or 를 by the final sound in front.

const DIGIT_FINAL: Record<string, 'none' | 'rieul' | 'other'> = {
  0: 'other', 1: 'rieul', 2: 'none', 3: 'other', 4: 'none', 5: 'none', 6: 'other', 7: 'rieul', 8: 'rieul', 9: 'none',
};

/** The final sound of the word ending at `end` (exclusive): none, ㄹ, another consonant, or unknown. */
function finalSound(s: string, end: number): 'none' | 'rieul' | 'other' | null {
  let i = end - 1;
  // A parenthetical right before the particle does not count: "숫자(…)여야" reads after 숫자.
  while (i >= 0 && s[i] === ')') {
    let depth = 0;
    for (; i >= 0; i--) {
      if (s[i] === ')') depth++;
      else if (s[i] === '(' && --depth === 0) break;
    }
    i--;
    while (i >= 0 && s[i] === ' ') i--;
  }
  if (i < 0) return null;
  const ch = s[i];
  const code = ch.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) {
    const jong = (code - 0xac00) % 28;
    return jong === 0 ? 'none' : jong === 8 ? 'rieul' : 'other';
  }
  return DIGIT_FINAL[ch] ?? null;
}

const PARTICLES: Array<[marker: string, afterConsonant: string, afterVowel: string, afterRieul?: string]> = [
  ['을(를)', '을', '를'],
  ['이(가)', '이', '가'],
  ['은(는)', '은', '는'],
  ['과(와)', '과', '와'],
  ['(으)로', '으로', '로', '로'],
  ['(이)어야', '이어야', '여야'],
];

export function withParticles(s: string): string {
  let out = s;
  for (const [marker, consonant, vowel, rieul] of PARTICLES) {
    let at = out.indexOf(marker);
    while (at >= 0) {
      const sound = finalSound(out, at);
      const pick = sound === null ? marker : sound === 'none' ? vowel : sound === 'rieul' && rieul ? rieul : consonant;
      out = out.slice(0, at) + pick + out.slice(at + marker.length);
      at = out.indexOf(marker, at + pick.length);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// zod issues: worded from the code and parameters

const enZod = z.locales.en().localeError;

/** Whether the issue still carries zod's own English message (not one the schema set). */
function isZodDefault(i: ZodIssueLike): boolean {
  if (i.message === 'Invalid input') return true;
  if (i.code === 'invalid_type') return /^Invalid input: expected \S+, received \S+$/.test(i.message);
  const m = enZod(i as unknown as Parameters<typeof enZod>[0]);
  return (typeof m === 'string' ? m : m?.message) === i.message;
}

const TYPE_KO: Record<string, string> = {
  string: '문자열', number: '숫자', int: '정수', bigint: '정수', boolean: 'true 또는 false 값', object: '객체',
  array: '배열', date: '날짜', null: 'null 값', undefined: '빈 값', symbol: '심볼', function: '함수',
  map: '맵', set: '집합', file: '파일', record: '객체', tuple: '배열', nan: 'NaN',
};
const FORMAT_KO: Record<string, string> = {
  email: '이메일 주소', url: 'URL', uuid: 'UUID', uuidv4: 'UUIDv4', uuidv6: 'UUIDv6', uuidv7: 'UUIDv7', guid: 'GUID',
  date: 'YYYY-MM-DD 형식의 날짜', datetime: 'ISO 8601 날짜·시각', time: 'ISO 8601 시각', duration: 'ISO 8601 기간',
  ipv4: 'IPv4 주소', ipv6: 'IPv6 주소', cidrv4: 'IPv4 대역', cidrv6: 'IPv6 대역', base64: 'base64 문자열',
  base64url: 'base64url 문자열', json_string: 'JSON 문자열', e164: 'E.164 전화번호', jwt: 'JWT', emoji: '이모지',
  nanoid: 'nanoid', cuid: 'cuid', cuid2: 'cuid2', ulid: 'ULID', xid: 'XID', ksuid: 'KSUID', mac: 'MAC 주소',
};
const UNIT_KO: Record<string, string> = { string: '자', array: '개', set: '개', map: '개', file: '바이트' };

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : typeof v === 'bigint' ? `${v}` : JSON.stringify(v) ?? String(v));
const num = (v: unknown) => String(v);

/** Korean for a zod issue that kept zod's default message; null when the code is not known. */
export function zodIssueKo(issue: ZodIssueLike): string | null {
  const i = issue as ZodIssueLike & Record<string, unknown>;
  const origin = typeof i.origin === 'string' ? i.origin : '';
  const unit = UNIT_KO[origin];
  switch (i.code) {
    case 'invalid_type': {
      const received = /received (\S+)$/.exec(i.message)?.[1];
      if (received === 'undefined') return '필수 항목입니다';
      const t = TYPE_KO[String(i.expected)] ?? String(i.expected);
      return withParticles(`${t}(이)어야 합니다`);
    }
    case 'invalid_value': {
      const values = Array.isArray(i.values) ? i.values : [];
      if (values.length === 1) return `${show(values[0])} 값만 쓸 수 있습니다`;
      return `${values.map(show).join(', ')} 중 하나여야 합니다`;
    }
    case 'too_small': {
      const n = num(i.minimum);
      if (i.exact) return unit ? `정확히 ${n}${unit}여야 합니다` : withParticles(`정확히 ${n}(이)어야 합니다`);
      if (unit) {
        if (i.inclusive !== false && n === '1') return origin === 'string' ? '비워 둘 수 없습니다' : '하나 이상 있어야 합니다';
        return i.inclusive === false ? `${n}${unit}보다 많아야 합니다` : `${n}${unit} 이상이어야 합니다`;
      }
      if (origin === 'date') return i.inclusive === false ? `${n}보다 늦어야 합니다` : `${n} 이후여야 합니다`;
      return i.inclusive === false ? `${n}보다 커야 합니다` : `${n} 이상이어야 합니다`;
    }
    case 'too_big': {
      const n = num(i.maximum);
      if (i.exact) return unit ? `정확히 ${n}${unit}여야 합니다` : withParticles(`정확히 ${n}(이)어야 합니다`);
      if (unit) return i.inclusive === false ? `${n}${unit}보다 적어야 합니다` : `${n}${unit} 이하여야 합니다`;
      if (origin === 'date') return i.inclusive === false ? `${n}보다 일러야 합니다` : `${n} 이전이어야 합니다`;
      return i.inclusive === false ? `${n}보다 작아야 합니다` : `${n} 이하여야 합니다`;
    }
    case 'invalid_format': {
      const f = String(i.format);
      if (f === 'starts_with') return `"${i.prefix}"(으)로 시작해야 합니다`;
      if (f === 'ends_with') return `"${i.suffix}"(으)로 끝나야 합니다`;
      if (f === 'includes') return `"${i.includes}"을(를) 포함해야 합니다`;
      if (f === 'regex') return `형식이 올바르지 않습니다 (패턴 ${i.pattern})`;
      return withParticles(`${FORMAT_KO[f] ?? f} 형식(이)어야 합니다`);
    }
    case 'not_multiple_of':
      return `${num(i.divisor)}의 배수여야 합니다`;
    case 'unrecognized_keys': {
      const keys = Array.isArray(i.keys) ? i.keys : [];
      return `알 수 없는 필드입니다: ${keys.map((k) => `"${String(k)}"`).join(', ')}`;
    }
    case 'invalid_key':
      return '올바르지 않은 키가 있습니다';
    case 'invalid_element':
      return '올바르지 않은 항목이 있습니다';
    case 'invalid_union': {
      const options = Array.isArray(i.options) ? i.options : [];
      if (options.length) return `${options.map((o) => `'${String(o)}'`).join(' | ')} 중 하나여야 합니다`;
      if (i.inclusive === false) return '둘 이상의 형식과 일치합니다';
      return '올바르지 않은 값입니다';
    }
    case 'custom':
      return '올바르지 않은 값입니다';
    default:
      return null;
  }
}

/** One issue's message in `lang`. */
export function translateIssueMessage(issue: FieldIssue, lang: Lang): string {
  if (lang === 'en') return issue.message;
  const z = issue[ZOD_ISSUE];
  if (z && z.message === issue.message && isZodDefault(z)) {
    const ko = zodIssueKo(z);
    if (ko) return ko;
  }
  return translateMessage(issue.message, lang);
}

/** A field issue from a zod issue, keeping the zod issue for translation (never serialised). */
export function fromZodIssue(issue: ZodIssueLike, path: string, message = issue.message, code: string = issue.code): FieldIssue {
  return { path, message, code, [ZOD_ISSUE]: issue };
}
