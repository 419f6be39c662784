import { describeStreamSlotsContract } from '../../contracts/stream-slots-contract.js';
import {
  describeTenantLimitsStoreContract,
  describeUsageMeterContract,
} from '../../contracts/usage-meter-contract.js';
import { InMemoryStreamSlots } from './in-memory-stream-slots.js';
import { InMemoryTenantLimitsStore } from './in-memory-tenant-limits-store.js';
import { InMemoryUsageMeter } from './in-memory-usage-meter.js';

describeUsageMeterContract('InMemoryUsageMeter', async (clock) => new InMemoryUsageMeter(clock));
describeTenantLimitsStoreContract(
  'InMemoryTenantLimitsStore',
  async () => new InMemoryTenantLimitsStore(),
);

describeStreamSlotsContract('InMemoryStreamSlots', async (clock) => new InMemoryStreamSlots(clock));
