import { Worker } from 'node:worker_threads';

/**
 * Runs a TypeScript module in a worker thread (tsx's loader is registered inside the worker first)
 * and resolves with the first message it posts.
 */
export function runTsWorker<T>(moduleUrl: URL, workerData: unknown): Promise<T> {
  const code = `import('tsx/esm/api').then((a) => { a.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Promise<T>((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData });
    w.once('message', (m: T & { error?: string }) => {
      void w.terminate();
      if (m && typeof m === 'object' && 'error' in m && m.error) reject(new Error(m.error));
      else resolve(m);
    });
    w.once('error', reject);
    w.once('exit', (code) => { if (code !== 0 && code !== 1) reject(new Error(`worker exited with ${code}`)); });
  });
}
