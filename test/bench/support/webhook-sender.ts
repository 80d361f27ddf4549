/**
 * The gateway's side of `npm run bench:payments`, in a worker thread: signs and POSTs each webhook
 * body to the server over keep-alive HTTP, `parallel` in flight, and posts back the outcomes. A
 * gateway is another machine; here it is at least another thread, so the server's event loop does
 * not also carry the senders.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Agent, request } from 'node:http';
import { signSandbox } from '../../../server/payments/gateways/sandbox-webhooks';

export interface SenderJob { port: number; tenantId: string; bodies: string[]; parallel: number }
export interface SenderResult { outcomes: Record<string, number>; seconds: number; error?: string }

const { port, tenantId, bodies, parallel } = workerData as SenderJob;
const agent = new Agent({ keepAlive: true, maxSockets: parallel });
const post = (body: string) => new Promise<{ status: number; text: string }>((ok, fail) => {
  const req = request({ host: '127.0.0.1', port, agent, method: 'POST', path: `/api/v1/webhooks/payments/sandbox?tenant=${tenantId}`,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'billwise-sandbox-signature': signSandbox(tenantId, body) } }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => ok({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    res.on('error', fail);
  });
  req.on('error', fail);
  req.end(body);
});

const outcomes: Record<string, number> = {};
const t0 = performance.now();
try {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < bodies.length) {
      const res = await post(bodies[next++]);
      const o = res.status === 200 ? (JSON.parse(res.text) as { outcome: string }).outcome : `http ${res.status}`;
      outcomes[o] = (outcomes[o] ?? 0) + 1;
    }
  }));
  agent.destroy();
  parentPort!.postMessage({ outcomes, seconds: (performance.now() - t0) / 1000 } satisfies SenderResult);
} catch (e) {
  parentPort!.postMessage({ outcomes, seconds: 0, error: e instanceof Error ? e.message : String(e) } satisfies SenderResult);
}
