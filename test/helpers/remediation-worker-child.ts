/**
 * A remediation worker in its own process, for the SIGKILL test: it runs the apply jobs of the
 * queue named by the environment against the simulator at SIM_URL, and at STOP_AT (beforePut or
 * afterPut) prints "STOPPED <where> <proposal>" and hangs there until the test kills it.
 *
 *   node --import tsx test/helpers/remediation-worker-child.ts
 *   env: REDIS_URL, PREFIX, SIM_URL, STOP_AT
 */
import { createRedis } from '../../src/adapters/redis/create-redis.js';
import { ServeApiClient } from '../../src/adapters/serve-api/serve-api-client.js';
import { configSchema } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/log/create-logger.js';
import { createRemediation } from '../../src/service/remediation/create-remediation.js';

const env = process.env;
const stopAt = env.STOP_AT as 'beforePut' | 'afterPut';
const config = configSchema.parse({ redis_prefix: env.PREFIX, cluster_name: 'prod-a', remediation: { approvers: ['U0APPROVER'], verification_window: '1s' } });
const redis = createRedis({ url: env.REDIS_URL!, purpose: 'commands' });
const bull = createRedis({ url: env.REDIS_URL!, purpose: 'bullmq' });
const hang = (where: string) => async (proposalId: string) => {
  process.stdout.write(`STOPPED ${where} ${proposalId}\n`);
  await new Promise(() => undefined);
};
const remediation = createRemediation({
  config,
  redis,
  bullmqConnection: bull,
  serveApi: new ServeApiClient({ baseUrl: env.SIM_URL! }),
  queryEngine: { instantQuery: async () => ({ resultType: 'vector', result: [] }), rangeQuery: async () => [] },
  logger: createLogger({ level: 'warn', destination: process.stderr as never }),
  notifier: {
    postInThread: async () => ({ channel: 'C0ALERTS', ts: '1.000001' }),
    updateInThread: async () => undefined,
    threadKeyOf: (a) => a.fingerprint,
  },
  tuning: { pollMs: 100, lockMs: 1500, stalledIntervalMs: 500, backoffMs: 100 },
  hooks: stopAt === 'beforePut' ? { beforePut: hang('beforePut') } : { afterPut: hang('afterPut') },
});
await remediation.start();
process.stdout.write('READY\n');
