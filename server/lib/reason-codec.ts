/**
 * Reason texts ↔ stable codes with parameters, for any table of English templates (`{name}` is a
 * parameter: free text without line breaks). The server keeps writing the English text (logs, old
 * rows, API compatibility); the API edge reads it back into `code` + `params`, and the console
 * words each code in Korean and English. A text no template matches is `other` with the text.
 * Used by rating traces (server/rating/reasons.ts) and the dunning timeline (server/dunning/reasons.ts).
 */
export interface CodedReason<C extends string> { code: C | 'other' | ''; params: Record<string, string> }

const PARAM = /\{(\w+)\}/g;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function reasonCodec<T extends Record<string, string>>(templates: T) {
  type C = keyof T & string;
  const codes = Object.keys(templates) as C[];
  /** Each template as an anchored pattern; a parameter used twice must match the same text. Earlier templates win. */
  const matchers = codes.map((code) => {
    const names: string[] = [];
    const source = templates[code].split(PARAM).map((part, i) => {
      if (i % 2 === 0) return escape(part);
      const seen = names.indexOf(part);
      if (seen >= 0) return `\\${seen + 1}`;
      names.push(part);
      return '(.+?)';
    }).join('');
    return { code, names, re: new RegExp(`^${source}$`) };
  });
  return {
    codes,
    text: (code: C, params: Record<string, string | number> = {}) => templates[code].replace(PARAM, (_, k: string) => String(params[k] ?? '')),
    of(text: string): CodedReason<C> {
      if (text === '') return { code: '', params: {} };
      for (const m of matchers) {
        const hit = m.re.exec(text);
        if (hit) return { code: m.code, params: Object.fromEntries(m.names.map((n, i) => [n, hit[i + 1]])) };
      }
      return { code: 'other', params: { text } };
    },
  };
}
