/**
 * A function thread for the tests of `startFunctionThread`: answers an event with what its
 * composition was given, and ends its thread when the event asks it to.
 */
import { serveFunctionThread } from '../../../dev/serve-function-thread.js';

await serveFunctionThread(
  'echo',
  async ({ data, queue }) =>
    async (event: { exit?: number }, context) => {
      if (event.exit !== undefined) process.exit(event.exit);
      await queue.enqueue({ tenantId: 'tenant-a', documentId: 'doc-1', version: 1 });
      return { event, functionName: context.functionName, table: data.config.TABLE_NAME };
    },
);
