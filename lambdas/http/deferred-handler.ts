/**
 * What a deferred handler does with a request while its composition fails (a Secrets Manager
 * outage at init, say): it answers the request itself, and composition is tried again on the
 * next one.
 */
export interface WhileUnavailable {
  /** The handler that answers while composition fails, given the failure. */
  answer: (error: unknown) => (...args: never[]) => unknown;
  /** The handler streams its response (`awslambda.streamifyResponse`). */
  streaming?: boolean;
}

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

/** The marker Lambda's runtime reads on a handler to give it a response stream. */
const markStreaming = <THandler>(handler: THandler): THandler => {
  (handler as { [STREAMING]?: string })[STREAMING] = 'response';
  return handler;
};

/**
 * Composes a handler whose dependencies come from the environment (and, in AWS, from Secrets
 * Manager), for modules that also export `createHandler(deps)` to tests.
 *
 * In Lambda (where `AWS_LAMBDA_RUNTIME_API` is set) composition runs at once, during the init
 * phase, and the composed handler itself is returned, so that markers the runtime reads on it
 * (the response streaming symbol of `awslambda.streamifyResponse`) stay visible. When it fails
 * there, the init does not fail (which would leave every request with Lambda's bare error until
 * a new container starts): the returned handler tries composition again on each request, and
 * until it succeeds `whileUnavailable` answers (a 503 problem for HTTP; without it, the error is
 * thrown, so SQS retries the batch). Elsewhere (tests importing `createHandler` from the same
 * module) composition waits for the first call, so importing the module needs no environment.
 * Use it with top-level await.
 *
 * @example
 * export const handler = await deferredHandler(
 *   async () => createHandler(await composeChatApi(loadRuntimeConfig(process.env))),
 *   httpUnavailable,
 * );
 */
export const deferredHandler = async <THandler extends (...args: never[]) => unknown>(
  compose: () => THandler | Promise<THandler>,
  whileUnavailable?: WhileUnavailable,
): Promise<THandler> => {
  let built: Promise<THandler> | undefined;
  const composeOnce = (): Promise<THandler> => {
    built ??= Promise.resolve()
      .then(compose)
      .catch((error: unknown) => {
        built = undefined;
        throw error;
      });
    return built;
  };
  if (process.env.AWS_LAMBDA_RUNTIME_API) {
    try {
      return await composeOnce();
    } catch (error) {
      console.error('Composition failed at init; it is retried on the next request', error);
    }
  }
  const retrying = async (...args: Parameters<THandler>) => {
    let handler: THandler;
    try {
      handler = await composeOnce();
    } catch (error) {
      if (!whileUnavailable) throw error;
      console.error('Composition failed; answering that the function is unavailable', error);
      handler = whileUnavailable.answer(error) as THandler;
    }
    return handler(...args);
  };
  const wrapped = retrying as unknown as THandler;
  return whileUnavailable?.streaming ? markStreaming(wrapped) : wrapped;
};
