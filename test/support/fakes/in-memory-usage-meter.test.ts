import {
  describeTenantLimitsStoreContract,
  describeUsageMeterContract,
} from '../../contracts/usage-meter-contract.js';
import { InMemoryTenantLimitsStore } from './in-memory-tenant-limits-store.js';
import { InMemoryUsageMeter } from './in-memory-usage-meter.js';

describeUsageMeterContract('InMemoryUsageMeter', async (clock) => new InMemoryUsageMeter(clock));
describeTenantLimitsStoreContract(
  'InMemoryTenantLimitsStore',
  async () => new InMemoryTenantLimitsStore(),
);
