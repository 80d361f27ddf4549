/**
 * The ingest bench's HTTP client, run in a worker thread so that building request bodies does not
 * share an event loop with the server: `concurrency` loops take the next batch number from a
 * shared counter and POST it with fetch (undici, keep-alive), until all batches are sent or one fails.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batchBody } from './events';

export interface ClientJob {
  url: string; key: string; batches: number; batchSize: number; customers: number; concurrency: number;
  /** First batch number (default 0). */
  firstBatch?: number;
  timeoutMs?: number;
}
export interface ClientResult { batches: number; accepted: number; duplicates: number; rejected: number; failures: string[]; ms: number }

const COUNTS = /^\{"accepted":(\d+),"duplicates":(\d+),"rejected":(\d+)/;

export async function runClient(job: ClientJob): Promise<ClientResult> {
  const first = job.firstBatch ?? 0;
  let next = first;
  const out: ClientResult = { batches: 0, accepted: 0, duplicates: 0, rejected: 0, failures: [], ms: 0 };
  const headers = { authorization: `Bearer ${job.key}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  const loop = async () => {
    while (out.failures.length === 0) {
      const b = next++;
      if (b >= first + job.batches) return;
      const res = await fetch(job.url, {
        method: 'POST', headers, body: batchBody(b, job.batchSize, job.customers), signal: AbortSignal.timeout(job.timeoutMs ?? 60_000),
      });
      const text = await res.text();
      const m = res.status === 200 ? COUNTS.exec(text) : null;
      if (!m) { out.failures.push(`batch ${b}: HTTP ${res.status} ${text.slice(0, 300)}`); return; }
      out.batches++;
      out.accepted += Number(m[1]);
      out.duplicates += Number(m[2]);
      out.rejected += Number(m[3]);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, () => loop().catch((e) => { out.failures.push(String(e)); })));
  out.ms = performance.now() - t0;
  return out;
}

if (parentPort && workerData?.ingestClient) {
  runClient(workerData.ingestClient as ClientJob).then((r) => parentPort!.postMessage(r), (e) => parentPort!.postMessage({ error: String(e) }));
}
