/**
 * The job worker process (server/jobs/worker-main.ts) that SIGKILLs itself right after a payment
 * provider answered a charge and before Billwise wrote the answer down: the worst moment to die
 * (test/api/collect-kill.test.ts). Nothing else differs from the real worker.
 */
import { collectHooks } from '../../server/payments/collection/auto-collect';

collectHooks.afterGatewayCall = () => {
  console.log('[kill] charged at the gateway; dying before the write');
  process.kill(process.pid, 'SIGKILL');
};
await import('../../server/jobs/worker-main');
