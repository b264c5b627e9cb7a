import type { Scenario } from '../harness/scenario';
import { deleteWhileProcessing } from './delete-while-processing';
import { gatewayKills } from './gateway-kills';
import { imagekitFaults } from './imagekit-faults';
import { poisonedJob } from './poisoned-job';
import { redisOutages } from './redis-outages';
import { rollingRestart } from './rolling-restart';
import { webhookDisorder } from './webhook-disorder';
import { workerKills } from './worker-kills';

/** Every scenario, in the order a run takes them. */
export const scenarios: readonly Scenario[] = [
  workerKills,
  poisonedJob,
  redisOutages,
  imagekitFaults,
  gatewayKills,
  webhookDisorder,
  rollingRestart,
  deleteWhileProcessing,
];
