/**
 * Writes web/src/api/schema.gen.ts, the console's wire types, from the OpenAPI document the API
 * serves at /api/openapi.json (`npm run api:types`). The document is taken from an app built
 * in-process on an empty in-memory PGlite, so generating needs no running server and no data; the
 * route schemas do not depend on the database. test/api/web/api-types.test.ts fails when the
 * committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { createApp } from './app';
import { createDb } from './db/client';

export const API_TYPES_FILE = new URL('../web/src/api/schema.gen.ts', import.meta.url);
export const API_TYPES_COMMAND = 'npm run api:types';

/** The OpenAPI 3.1 document exactly as GET /api/openapi.json answers it. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const handle = await createDb({ inMemory: true });
  try {
    const res = await createApp({ db: handle.db, dbKind: handle.kind }).request('/api/openapi.json');
    if (res.status !== 200) throw new Error(`/api/openapi.json answered ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  } finally {
    await handle.close();
  }
}

export async function renderApiTypes(): Promise<string> {
  const ast = await openapiTS((await openApiDocument()) as never);
  const header = COMMENT_HEADER.replace(
    'Do not make direct changes to the file.',
    `Do not make direct changes to the file: it is generated from the server's zod route schemas by\n * \`${API_TYPES_COMMAND}\` (server/gen-api-types.ts).`,
  );
  return header + astToString(ast);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(API_TYPES_FILE, await renderApiTypes());
  console.log('wrote web/src/api/schema.gen.ts');
}
