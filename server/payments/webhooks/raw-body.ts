/**
 * The raw body of an inbound gateway webhook, read straight from Node's IncomingMessage when the
 * app is served by @hono/node-server: `c.req.text()` first builds a full fetch `Request` (an
 * AbortController, a web ReadableStream over the socket, a Headers copy), which was the largest
 * single cost of a webhook in `npm run bench:payments`'s CPU profile. Only for a body with a
 * Content-Length and no Transfer-Encoding: bodyLimits (server/lib/body-limit.ts) has then already
 * refused a length over the limit without reading; anything else (chunked, `app.request` in
 * tests) goes through hono, which counts streamed bytes against the limit.
 */
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';

export async function webhookBody(c: Context): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const length = incoming?.headers['content-length'];
  if (!incoming || length === undefined || incoming.headers['transfer-encoding'] || incoming.readableEnded || incoming.readableDidRead) return c.req.text();
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
