type JsonObject = Record<string, unknown>;

/** The paths the streaming function URL serves, each a path item with a `servers` entry. */
export const STREAM_PATHS = ['/', '/{chatId}/stream', '/{chatId}/stop'] as const;

/**
 * The `servers` of the streaming endpoint's operations: the function URL when known, else a
 * variable the reader fills in with the stack's output.
 *
 * @example
 * streamServers('https://abc.lambda-url.eu-west-1.on.aws')[0].url
 */
export const streamServers = (streamUrl: string | undefined): JsonObject[] => [
  streamUrl
    ? { url: streamUrl, description: 'The streaming function URL' }
    : {
        url: '{streamUrl}',
        description: 'The streaming function URL (the StreamUrl output of the stack)',
        variables: {
          streamUrl: { default: 'https://example.lambda-url.eu-west-1.on.aws' },
        },
      },
];

/**
 * The `info.description` of the document, naming the streaming function URL when known.
 *
 * @example
 * apiDescription(undefined).startsWith('Chat grounded in your documents'); // true
 */
export const apiDescription = (streamUrl: string | undefined): string =>
  [
    'Chat grounded in your documents, with citations. Authenticate with `Authorization: Bearer <API key>`.',
    `Streaming chat (AI SDK UI message stream) is served by a separate function URL${streamUrl ? ` (${streamUrl})` : ''}: the operations below with a server of their own. On it, \`GET /{chatId}/stream\` resumes the answer a chat is streaming (204 when none) and \`POST /{chatId}/stop\` stops it (or the answer being prepared).`,
    'Every error is an RFC 9457 problem document (`application/problem+json`). A path called with a method it does not declare answers 405 with an `Allow` header; an unknown path answers 404.',
  ].join('\n\n');

/**
 * The OpenAPI document for one deployment, from the template generated at build time (no
 * servers): the API's server is `serverUrl` (the origin the request came by) and the streaming
 * operations' is `streamUrl`. Copies what it changes; the template is left as it was.
 *
 * @example
 * withServers(template, { serverUrl: 'https://api.example.com' }).servers
 * // [{ url: 'https://api.example.com' }]
 */
export const withServers = (
  template: JsonObject,
  options: { serverUrl?: string; streamUrl?: string },
): JsonObject => {
  const paths = { ...(template.paths as Record<string, JsonObject>) };
  for (const path of STREAM_PATHS) {
    const item = paths[path];
    if (item) paths[path] = { ...item, servers: streamServers(options.streamUrl) };
  }
  const { servers: _servers, ...rest } = template;
  return {
    ...rest,
    info: { ...(template.info as JsonObject), description: apiDescription(options.streamUrl) },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
  };
};
