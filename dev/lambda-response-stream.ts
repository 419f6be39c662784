import { Writable } from 'node:stream';

/** Content type the runtime gives a stream wrapped by `HttpResponseStream.from`. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

/** Status and headers that `HttpResponseStream.from` puts before the body. */
export interface ResponsePrelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/** Receives what the function writes, as the function URL front end would. */
export interface ResponseSink {
  /** Called once, before the first body byte, with the prelude (or none for a raw stream). */
  head(prelude: ResponsePrelude, contentType: string): void;
  /** Called for every write of the function, in order: one call per `write()`. */
  chunk(data: Buffer): void;
  end(): void;
}

type BeforeFirstWrite = (write: (chunk: string | Uint8Array) => void) => void;

/**
 * The response stream a streaming Lambda handler receives, reproducing the runtime interface
 * client's: a Writable with `setContentType`, whose first `write` runs the `_onBeforeFirstWrite`
 * hook that `HttpResponseStream.from` installs (a JSON prelude, then 8 NUL bytes). The bytes go
 * to a {@link ResponseSink}, which parses the prelude back out as the function URL service does.
 */
export class LambdaResponseStream extends Writable {
  _onBeforeFirstWrite: BeforeFirstWrite | undefined;
  #contentType = 'application/octet-stream';
  #started = false;
  #headSent = false;
  #preludeBuffer: Buffer | undefined;

  constructor(private readonly sink: ResponseSink) {
    super({ decodeStrings: true });
  }

  setContentType(contentType: string): void {
    if (this.#started) throw new Error('Cannot set content-type, too late.');
    this.#contentType = contentType;
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (!this.#started) {
      this.#started = true;
      if (this._onBeforeFirstWrite) {
        this._onBeforeFirstWrite((first) => super.write(first));
      }
    }
    return super.write(
      chunk as string,
      encoding as BufferEncoding,
      callback as (error?: Error | null) => void,
    );
  }

  override _write(
    chunk: Buffer,
    _: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.#receive(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.#headSent) this.#sendHead({}, Buffer.alloc(0));
    this.sink.end();
    callback();
  }

  #receive(chunk: Buffer): void {
    if (this.#headSent) {
      if (chunk.length > 0) this.sink.chunk(chunk);
      return;
    }
    if (this.#contentType !== HTTP_INTEGRATION_CONTENT_TYPE) {
      this.#sendHead({}, chunk);
      return;
    }
    const buffered = this.#preludeBuffer ? Buffer.concat([this.#preludeBuffer, chunk]) : chunk;
    const delimiter = buffered.indexOf(Buffer.alloc(8));
    if (delimiter < 0) {
      this.#preludeBuffer = buffered;
      return;
    }
    const prelude = JSON.parse(buffered.subarray(0, delimiter).toString('utf8')) as ResponsePrelude;
    this.#sendHead(prelude, buffered.subarray(delimiter + 8));
  }

  #sendHead(prelude: ResponsePrelude, rest: Buffer): void {
    this.#headSent = true;
    this.sink.head(prelude, this.#contentType);
    if (rest.length > 0) this.sink.chunk(rest);
  }
}

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

/** A handler as `awslambda.streamifyResponse` returns it. */
export type StreamingHandler = (
  event: unknown,
  responseStream: Writable,
  context: unknown,
) => Promise<void>;

/**
 * Installs the `awslambda` global that Lambda's Node.js runtime provides (and that Middy's
 * `executionModeStreamifyResponse` calls), so streaming handlers run locally and in tests.
 * Does nothing inside Lambda, where the runtime's own functions exist.
 */
export const installAwsLambdaGlobal = (): void => {
  // Other libraries (Lambda's invoke store) may have created the object already.
  const scope = globalThis as { awslambda?: Record<string, unknown> };
  if (typeof scope.awslambda?.streamifyResponse === 'function') return;
  scope.awslambda = Object.assign(scope.awslambda ?? {}, {
    streamifyResponse: (handler: StreamingHandler & { [STREAMING]?: string }) => {
      handler[STREAMING] = 'response';
      return handler;
    },
    HttpResponseStream: {
      from: (stream: LambdaResponseStream, prelude: ResponsePrelude) => {
        stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
        const metadata = JSON.stringify(prelude);
        stream._onBeforeFirstWrite = (write) => {
          write(metadata);
          write(new Uint8Array(8));
        };
        return stream;
      },
    },
  });
};
