/**
 * Wraps a handler whose dependencies are composed from the environment.
 *
 * In Lambda (where `AWS_LAMBDA_RUNTIME_API` is set) the handler is composed at once, during the
 * init phase, as a composition root should be. Elsewhere (tests that import `createHandler`
 * from the same module) composition waits for the first call, so importing the module needs
 * no environment.
 *
 * @example
 * export const handler = deferredHandler(() => createHandler(composePublicApi(process.env)));
 */
export const deferredHandler = <TArgs extends unknown[], TResult>(
  compose: () => (...args: TArgs) => TResult,
): ((...args: TArgs) => TResult) => {
  // In Lambda the composed handler itself is exported, so that markers the runtime reads on it
  // (the response streaming symbol set by awslambda.streamifyResponse) stay visible.
  if (process.env.AWS_LAMBDA_RUNTIME_API) return compose();
  let built: ((...args: TArgs) => TResult) | undefined;
  return (...args: TArgs) => {
    built ??= compose();
    return built(...args);
  };
};
