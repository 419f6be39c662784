import { TenantLimiter } from '../../lambdas/core/limits/tenant-limiter.js';
import type { TenantLimits } from '../../lambdas/core/limits/tenant-limits.js';
import type { Clock } from '../../lambdas/core/ports/clock.js';
import type { TenantLimitsStore } from '../../lambdas/core/ports/tenant-limits-store.js';
import type { UsageMeter } from '../../lambdas/core/ports/usage-meter.js';
import { InMemoryStreamSlots } from './fakes/in-memory-stream-slots.js';
import { InMemoryTenantLimitsStore } from './fakes/in-memory-tenant-limits-store.js';
import { InMemoryUsageMeter } from './fakes/in-memory-usage-meter.js';

/**
 * A `TenantLimiter` over in-memory fakes: `defaults` as the service's limits, the stream and
 * follower slots in pools of their own, and a fresh meter and limits store unless given.
 *
 * @example
 * const limiter = inMemoryTenantLimiter({ clock, defaults: { requestsPerMinute: 1, tokensPerDay: 1_000, concurrentStreams: 2, concurrentFollowers: 8 } });
 */
export const inMemoryTenantLimiter = (options: {
  clock: Clock;
  defaults: TenantLimits;
  meter?: UsageMeter;
  limits?: TenantLimitsStore;
}) =>
  new TenantLimiter({
    meter: options.meter ?? new InMemoryUsageMeter(options.clock),
    limits: options.limits ?? new InMemoryTenantLimitsStore(),
    slots: new InMemoryStreamSlots(options.clock),
    followerSlots: new InMemoryStreamSlots(options.clock),
    defaults: options.defaults,
    clock: options.clock,
  });
