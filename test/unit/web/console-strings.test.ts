/**
 * No untranslated console text: ko and en have the same keys; every key the sources use exists
 * in both; templates have no hard-coded words (test/support/console-scan.ts reads the syntax
 * trees); every trace reason code the server sends is worded with the same parameters. And the
 * scan really catches each kind of miss (planted examples), so it cannot pass by finding nothing.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import en from '@/locales/en';
import ko from '@/locales/ko';
import { flatten, scanKeys, scanTemplate, scanVueKeys, scanWeb } from '../../support/console-scan';
import { REASON_CODES, REASON_TEMPLATES } from '../../../server/rating/reasons';
import { DUNNING_REASON_CODES, DUNNING_REASON_TEMPLATES } from '../../../server/dunning/reasons';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const EN = flatten(en as unknown as Record<string, unknown>);
const KO = flatten(ko as unknown as Record<string, unknown>);
const HANGUL = /[\uac00-\ud7a3]/;
const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console strings', () => {
  const { findings, keys } = scanWeb(ROOT);

  it('ko and en have the same keys, the same placeholders, and Korean text in Korean', () => {
    expect([...KO.leaves].filter((k) => !EN.leaves.has(k))).toEqual([]);
    expect([...EN.leaves].filter((k) => !KO.leaves.has(k))).toEqual([]);
    const get = (tree: unknown, key: string) => key.split('.').reduce((o, k) => (o as Record<string, unknown>)[k], tree) as string;
    const mismatch = [...EN.leaves].filter((k) => params(get(en, k)).join() !== params(get(ko, k)).join());
    expect(mismatch).toEqual([]);
    // Identical en/ko texts are fine for names and symbols, not for sentences.
    const untranslated = [...EN.leaves].filter((k) => get(en, k) === get(ko, k) && /[a-z]{3,} [a-z]{3,}/.test(get(en, k)));
    expect(untranslated).toEqual([]);
    expect(KO.leaves.size).toBeGreaterThan(500);
    expect([...KO.leaves].filter((k) => HANGUL.test(get(ko, k))).length).toBeGreaterThan(KO.leaves.size * 0.6);
  });

  it('every key the console uses exists in both languages', () => {
    expect(keys.length).toBeGreaterThan(500);
    const missing = keys.filter((u) => {
      const inBoth = (s: { leaves: Set<string>; groups: Set<string> }) => (u.prefix ? s.groups.has(u.key) || s.leaves.has(u.key) : s.leaves.has(u.key));
      return !inBoth(EN) || !inBoth(KO);
    }).map((u) => `${u.file}:${u.line} ${u.key}`);
    expect(missing).toEqual([]);
  });

  it('templates word everything through i18n (no hard-coded text)', () => {
    expect(findings.map((f) => `${f.file}:${f.line} ${f.via} "${f.text}"`)).toEqual([]);
  });

  it('words every trace reason code, with the server template\'s parameters', () => {
    for (const code of REASON_CODES) {
      for (const [lang, tree] of [['en', EN], ['ko', KO]] as const) expect(tree.leaves.has(`trace.reasons.${code}`), `${lang} ${code}`).toBe(true);
      expect(params((en.trace.reasons as Record<string, string>)[code]), code).toEqual(params(REASON_TEMPLATES[code]));
      expect(params((ko.trace.reasons as Record<string, string>)[code]), code).toEqual(params(REASON_TEMPLATES[code]));
    }
  });

  it('words every dunning timeline reason code, with the server template\'s parameters', () => {
    for (const code of DUNNING_REASON_CODES) {
      for (const [lang, tree] of [['en', EN], ['ko', KO]] as const) expect(tree.leaves.has(`dunning.reasons.${code}`), `${lang} ${code}`).toBe(true);
      expect(params((en.dunning.reasons as Record<string, string>)[code]), code).toEqual(params(DUNNING_REASON_TEMPLATES[code]));
      expect(params((ko.dunning.reasons as Record<string, string>)[code]), code).toEqual(params(DUNNING_REASON_TEMPLATES[code]));
    }
  });

  it('catches planted misses: template text, a read attribute, a missing key, a key prefix', () => {
    const sfc = `<template>\n  <div>\n    <el-button :title="t('x.y')">Save now</el-button>\n    <el-input placeholder="equal" />\n    <code>components[0].code</code> {{ n }} KRW\n  </div>\n</template>`;
    expect(scanTemplate('planted.vue', sfc).map((f) => [f.via, f.text, f.line])).toEqual([['text', 'Save now', 3], ['attr:placeholder', 'equal', 4]]);
    const uses = scanVueKeys('planted.vue', `<script setup lang="ts">\nconst a = t('common.save');\n</script>\n<template><p>{{ t(\`rules.kinds.\${k}\`) }} {{ label('ops.nope', v) }}</p></template>`);
    expect(uses.map((u) => [u.key, u.prefix])).toEqual([['common.save', false], ['rules.kinds', true], ['ops.nope', true]]);
    expect(scanKeys('r.ts', `const r = { meta: { title: 'routes.nowhere' } };`).map((u) => u.key)).toEqual(['routes.nowhere']);
    expect(EN.groups.has('ops.nope') || EN.leaves.has('ops.nope')).toBe(false);
  });
});
