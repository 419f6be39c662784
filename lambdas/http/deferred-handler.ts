/**
 * Composes a handler whose dependencies come from the environment (and, in AWS, from Secrets
 * Manager), for modules that also export `createHandler(deps)` to tests.
 *
 * In Lambda (where `AWS_LAMBDA_RUNTIME_API` is set) composition runs at once, during the init
 * phase, and the composed handler itself is returned, so that markers the runtime reads on it
 * (the response streaming symbol of `awslambda.streamifyResponse`) stay visible. Elsewhere
 * (tests importing `createHandler` from the same module) composition waits for the first call,
 * so importing the module needs no environment. Use it with top-level await.
 *
 * @example
 * export const handler = await deferredHandler(async () =>
 *   createHandler(await composeChatApi(loadRuntimeConfig(process.env))),
 * );
 */
export const deferredHandler = async <THandler extends (...args: never[]) => unknown>(
  compose: () => THandler | Promise<THandler>,
): Promise<THandler> => {
  if (process.env.AWS_LAMBDA_RUNTIME_API) return compose();
  let built: Promise<THandler> | undefined;
  const lazy = async (...args: Parameters<THandler>) => {
    built ??= Promise.resolve(compose());
    return (await built)(...args);
  };
  return lazy as unknown as THandler;
};
