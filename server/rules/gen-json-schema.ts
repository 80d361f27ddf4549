/**
 * Writes rules/schema/plan.schema.json and rule.schema.json from the zod schemas
 * (`npx tsx server/rules/gen-json-schema.ts`). test/unit/rules/json-schema.test.ts fails when
 * the committed files are out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { planJsonSchema, ruleJsonSchema } from './schema';

export function renderSchemas(): Record<string, string> {
  const render = (id: string, title: string, s: Record<string, unknown>) => `${JSON.stringify({ $id: id, title, ...s }, null, 2)}\n`;
  return {
    'plan.schema.json': render('https://billwise.dev/schema/plan.schema.json', 'Billwise plan document', planJsonSchema()),
    'rule.schema.json': render('https://billwise.dev/schema/rule.schema.json', 'Billwise rule document', ruleJsonSchema()),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = new URL('../../rules/schema/', import.meta.url);
  for (const [name, text] of Object.entries(renderSchemas())) {
    writeFileSync(new URL(name, dir), text);
    console.log(`wrote rules/schema/${name}`);
  }
}
