import { AbstractLevel } from 'abstract-level';

let open = 0;
let tracking = false;

/**
 * Counts the LevelDB resources (iterators, snapshots, batches) open in this process, the ones
 * dynalite's databases hold: every `abstract-level` database registers a resource when it opens
 * it and unregisters it when it is closed. Call before the databases start; the returned
 * function reads the current count.
 *
 * @example
 * const openResources = trackOpenLevelResources();
 * // … run queries …
 * expect(openResources()).toBe(0);
 */
export const trackOpenLevelResources = (): (() => number) => {
  if (!tracking) {
    tracking = true;
    const prototype = AbstractLevel.prototype as unknown as {
      attachResource(resource: object): void;
      detachResource(resource: object): void;
    };
    const attach = prototype.attachResource;
    const detach = prototype.detachResource;
    prototype.attachResource = function (resource) {
      open += 1;
      attach.call(this, resource);
    };
    prototype.detachResource = function (resource) {
      open -= 1;
      detach.call(this, resource);
    };
  }
  return () => open;
};
