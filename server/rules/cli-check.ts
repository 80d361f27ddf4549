/**
 * `npm run rules:check <dir>`: validates every *.json under a folder (plans, rules, packs) and
 * prints each problem as `file: path: message`. Exit code 1 when there is any problem.
 */
import { existsSync } from 'node:fs';
import { loadPackDir } from './load-pack';

const dir = process.argv[2];
if (!dir || !existsSync(dir)) {
  console.error('usage: npm run rules:check <dir>');
  process.exit(2);
}
const { plans, rules, problems } = loadPackDir(dir);
for (const p of problems) console.log(`${p.file}: ${p.path}: ${p.message}`);
console.log(`${plans.length} plan(s), ${rules.length} rule(s), ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
