/**
 * fast-check arbitraries of malformed requests to the HTTP API and the streaming endpoint.
 *
 * Every generated request is wrong *by construction* (a definite defect, never a request the
 * API may legitimately accept) and says which statuses the contract allows for it, so the
 * suite can assert that nothing was written, that no reply is a 5xx and that every error is an
 * RFC 9457 problem document.
 */
import fc from 'fast-check';
import { isBlank } from '../../../lambdas/core/text/whitespace.js';
import { ROUTES, type RouteDefinition } from '../../../lambdas/http/routes.js';

/** The kinds of malformed input, as the suite counts them. */
export const CATEGORIES = [
  'broken-json',
  'wrong-types',
  'invalid-values',
  'odd-unicode',
  'deep-nesting',
  'wrong-content-type',
  'bad-ids',
  'bad-query',
  'oversize',
  'wrong-method-or-path',
  'bad-credentials',
  'malformed-multipart',
] as const;

/** One of {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number];

/** A malformed request and what the contract allows as its answer. */
export interface MalformedRequest {
  category: Category;
  /** The HTTP API, or the streaming function URL. */
  target: 'api' | 'stream';
  method: string;
  /** Path and query, percent-encoded as sent. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Statuses the contract allows (any 2xx is also allowed for reads: they write nothing). */
  allowed: readonly number[];
  /** What is wrong with the request, in words. */
  defect: string;
}

/** What the generators need to know about the stack under test. */
export interface Fixture {
  apiKey: string;
  /** A valid key of another tenant. */
  otherTenantKey: string;
  /** Sessions and documents that exist for the tenant of `apiKey`. */
  sessionIds: readonly string[];
  documentIds: readonly string[];
  maxBodyBytes: number;
  maxUploadBytes: number;
}

const JSON_TYPE = 'application/json';

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** Code points and sequences that break naive string handling. */
const ODD_PIECES = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\ud83d',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\uffff',
  '\ufffe',
  '\u0301',
  '\u{10ffff}',
  '\u{1f916}',
  '\u2028',
  '\u2029',
  '\u001f',
  '\u007f',
  'e\u0301',
  '\u{1d518}\u{1d52b}',
  '\ufdfd',
  '\r\n',
  '\\',
  '"',
  '<script>',
  "'; DROP TABLE x; --",
  '\u0024{jndi:x}',
  '%00',
  '%2e%2e%2f',
  '../',
  '..\\',
] as const;

/** Strings full of odd Unicode: lone surrogates, NUL, bidi overrides, astral and combining characters. */
const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 40 }),
  fc
    .array(fc.constantFrom(...ODD_PIECES), { minLength: 1, maxLength: 8 })
    .map((parts) => parts.join('')),
  fc
    .tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), fc.constantFrom(...ODD_PIECES))
    .map(([ascii, odd]) => `${ascii}${odd}`),
);

/** Text that shows something (`isBlank`): acceptable as a question or a document. */
const questionText = fc
  .oneof(oddText, fc.lorem({ maxCount: 8 }))
  .filter((text) => !isBlank(text) && text.length <= 500);

/** Exactly the characters `String.prototype.trim` removes. */
const TRIMMED = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2005',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];
const blankText = fc
  .array(fc.constantFrom(...TRIMMED), { maxLength: 12 })
  .map((parts) => parts.join(''));

const RESOURCE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const METADATA_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A session id the API accepts. */
const sessionIdText = fc.stringMatching(RESOURCE_ID);

/** Session ids the API must refuse: traversal, odd Unicode, too long, empty. */
const invalidSessionId = fc.oneof(
  fc.constantFrom(
    '',
    '../etc/passwd',
    '..\\..\\win.ini',
    '%2e%2e%2f',
    'a/b',
    'a b',
    'a.b',
    'a\u0000',
  ),
  fc.integer({ min: 65, max: 200 }).map((length) => 'a'.repeat(length)),
  oddText.filter((text) => !RESOURCE_ID.test(text)),
);

/** Any JSON value that is not a string. */
const notAString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/** A JSON key that no strict body schema declares. */
const unknownKey = (declared: readonly string[]) =>
  fc
    .oneof(
      fc.constantFrom('constructor', 'prototype', 'toString', 'Message', 'session_id', 'id', ''),
      oddText,
    )
    .filter((key) => !declared.includes(key) && key !== 'messages' && key !== '__proto__');

const bytes = (body: string | Buffer | undefined): number =>
  body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Routes by function, as declared. */
const route = (method: RouteDefinition['method'], path: string): RouteDefinition => {
  const found = ROUTES.find((candidate) => candidate.method === method && candidate.path === path);
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found;
};

// ---------------------------------------------------------------------------------------------
// The bodies the JSON endpoints accept
// ---------------------------------------------------------------------------------------------

/** An endpoint that takes a JSON body. */
interface JsonEndpoint {
  name: string;
  target: 'api' | 'stream';
  path: string;
  /** Bodies it accepts. */
  valid: fc.Arbitrary<Record<string, unknown>>;
  /** Well-formed JSON with a field of the wrong type. */
  wrongTypes: fc.Arbitrary<{ body: unknown; defect: string }>;
  /** Right types, wrong values (blank, too long, extra keys, bad ids); 400 unless `allowed` says. */
  invalidValues: fc.Arbitrary<{ body: unknown; defect: string; allowed?: readonly number[] }>;
  /** Where a deeply nested value can go, wrapping `nested` (JSON text). */
  nestIn: (nested: string) => fc.Arbitrary<string>;
}

const chatBody = (fixture: Fixture) =>
  fc.record(
    {
      message: questionText,
      sessionId:
        fixture.sessionIds.length > 0 ? fc.constantFrom(...fixture.sessionIds) : sessionIdText,
    },
    { requiredKeys: ['message'] },
  );

const chatWrongTypes = (fixture: Fixture) =>
  fc.oneof(
    notAString.map((message) => ({ body: { message }, defect: 'message is not a string' })),
    fc.tuple(chatBody(fixture), notAString).map(([body, sessionId]) => ({
      body: { ...body, sessionId },
      defect: 'sessionId is not a string',
    })),
    fc.record({}).map(() => ({ body: {}, defect: 'message is missing' })),
    fc
      .oneof(
        fc.integer(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.jsonValue({ maxDepth: 1 })),
      )
      .map((body) => ({ body, defect: 'the body is not an object' })),
    chatBody(fixture).map((body) => ({ body: [body], defect: 'the body is an array' })),
  );

const chatInvalidValues = (fixture: Fixture) =>
  fc.oneof(
    blankText.map((message) => ({ body: { message }, defect: 'message is blank' })),
    fc.integer({ min: 8_001, max: Math.min(12_000, fixture.maxBodyBytes - 100) }).map((length) => ({
      body: { message: 'q'.repeat(length) },
      defect: `message has ${length} characters`,
    })),
    fc.tuple(questionText, invalidSessionId).map(([message, sessionId]) => ({
      body: { message, sessionId },
      defect: 'sessionId is malformed',
    })),
    fc
      .tuple(chatBody(fixture), unknownKey(['message', 'sessionId']), fc.jsonValue({ maxDepth: 2 }))
      .map(([body, key, value]) => ({
        body: { ...body, [key]: value },
        defect: `unknown key ${JSON.stringify(key)}`,
      })),
  );

const useChatBody = fc.record({
  id: sessionIdText,
  messages: questionText.map((text) => [
    { id: 'm1', role: 'user', parts: [{ type: 'text', text }] },
  ]),
  trigger: fc.constant('submit-message'),
});

const userMessage = (text: unknown) => ({ role: 'user', parts: [{ type: 'text', text }] });

const useChatWrongTypes = fc.oneof(
  fc
    .tuple(useChatBody, notAString)
    .map(([body, id]) => ({ body: { ...body, id }, defect: 'useChat id is not a string' })),
  fc
    .tuple(
      sessionIdText,
      notAString.filter((value) => !Array.isArray(value)),
    )
    .map(([id, messages]) => ({ body: { id, messages }, defect: 'messages is not an array' })),
  fc
    .tuple(sessionIdText, fc.oneof(fc.constantFrom('tool', 'User', 'bot', ''), fc.integer()))
    .map(([id, role]) => ({
      body: { id, messages: [{ role, parts: [] }] },
      defect: 'unknown role',
    })),
  fc
    .tuple(
      sessionIdText,
      notAString.filter((value) => !Array.isArray(value)),
    )
    .map(([id, parts]) => ({
      body: { id, messages: [{ role: 'user', parts }] },
      defect: 'parts is not an array',
    })),
  fc.tuple(sessionIdText, notAString).map(([id, text]) => ({
    body: { id, messages: [userMessage(text)] },
    defect: 'text is not a string',
  })),
);

const useChatInvalidValues = fc.oneof(
  fc
    .tuple(useChatBody, invalidSessionId)
    .map(([body, id]) => ({ body: { ...body, id }, defect: 'useChat id is malformed' })),
  sessionIdText.map((id) => ({ body: { id, messages: [] }, defect: 'no messages' })),
  fc.tuple(sessionIdText, blankText).map(([id, text]) => ({
    body: { id, messages: [userMessage(text)] },
    defect: 'the last user message is blank',
  })),
  fc.tuple(sessionIdText, questionText).map(([id, text]) => ({
    body: { id, messages: [{ role: 'assistant', parts: [{ type: 'text', text }] }] },
    defect: 'no user message',
  })),
  fc.tuple(sessionIdText, questionText).map(([id, text]) => ({
    body: { id, messages: [{ role: 'user', parts: [{ type: 'image', text }] }] },
    defect: 'the user message has no text part',
  })),
  fc.tuple(sessionIdText, fc.integer({ min: 8_001, max: 12_000 })).map(([id, length]) => ({
    body: { id, messages: [userMessage('q'.repeat(length))] },
    defect: `question of ${length} characters`,
  })),
);

const title = questionText.filter((text) => text.trim().length <= 300);

const documentBody = fc.record(
  {
    title,
    text: questionText,
    metadata: fc.dictionary(
      fc.stringMatching(METADATA_KEY),
      fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()),
      { maxKeys: 3 },
    ),
  },
  { requiredKeys: ['title', 'text'] },
);

const documentWrongTypes = fc.oneof(
  fc
    .tuple(documentBody, notAString)
    .map(([body, value]) => ({ body: { ...body, title: value }, defect: 'title is not a string' })),
  fc
    .tuple(documentBody, notAString)
    .map(([body, value]) => ({ body: { ...body, text: value }, defect: 'text is not a string' })),
  fc
    .tuple(
      documentBody,
      fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.array(fc.jsonValue({ maxDepth: 1 })),
      ),
    )
    .map(([body, metadata]) => ({
      body: { ...body, metadata },
      defect: 'metadata is not an object',
    })),
  fc
    .tuple(
      documentBody,
      fc.oneof(
        fc.constant(null),
        fc.array(fc.integer()),
        fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
      ),
    )
    .map(([body, value]) => ({
      body: { ...body, metadata: { key: value } },
      defect: 'a metadata value is not flat',
    })),
  documentBody.map(({ title: _title, ...body }) => ({ body, defect: 'title is missing' })),
  documentBody.map(({ text: _text, ...body }) => ({ body, defect: 'text is missing' })),
);

const documentInvalidValues = (fixture: Fixture) =>
  fc.oneof(
    fc
      .tuple(documentBody, blankText)
      .map(([body, value]) => ({ body: { ...body, title: value }, defect: 'title is blank' })),
    fc
      .tuple(documentBody, blankText)
      .map(([body, value]) => ({ body: { ...body, text: value }, defect: 'text is blank' })),
    fc.tuple(documentBody, fc.integer({ min: 301, max: 2_000 })).map(([body, length]) => ({
      body: { ...body, title: 't'.repeat(length) },
      defect: `title has ${length} characters`,
    })),
    fc
      .tuple(
        documentBody,
        oddText.filter((key) => !METADATA_KEY.test(key) && key !== '__proto__'),
      )
      .map(([body, key]) => ({
        body: { ...body, metadata: { [key]: 'v' } },
        defect: `metadata key ${JSON.stringify(key)}`,
      })),
    fc.tuple(documentBody, fc.integer({ min: 33, max: 60 })).map(([body, count]) => ({
      body: {
        ...body,
        metadata: Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i])),
      },
      defect: `${count} metadata entries`,
    })),
    fc.tuple(documentBody, fc.integer({ min: 1_001, max: 3_000 })).map(([body, length]) => ({
      body: { ...body, metadata: { note: 'n'.repeat(length) } },
      defect: `a metadata value of ${length} characters`,
    })),
    fc
      .tuple(documentBody, unknownKey(['title', 'text', 'metadata']), fc.jsonValue({ maxDepth: 2 }))
      .map(([body, key, value]) => ({
        body: { ...body, [key]: value },
        defect: `unknown key ${JSON.stringify(key)}`,
      })),
    fc
      .integer({ min: fixture.maxUploadBytes + 1, max: fixture.maxUploadBytes + 4_096 })
      .map((length) => ({
        body: { title: 'Too long', text: 'x'.repeat(length) },
        defect: `text of ${length} bytes, over the upload limit`,
        allowed: [413],
      })),
  );

const jsonEndpoints = (fixture: Fixture): JsonEndpoint[] => [
  {
    name: 'POST /v1/chat',
    target: 'api',
    path: '/v1/chat',
    valid: chatBody(fixture),
    wrongTypes: chatWrongTypes(fixture),
    invalidValues: chatInvalidValues(fixture),
    nestIn: (nested) =>
      fc.constantFrom(`{"message":${nested}}`, `{"message":"hi","extra":${nested}}`, nested),
  },
  {
    name: 'stream { message }',
    target: 'stream',
    path: '/',
    valid: chatBody(fixture),
    wrongTypes: chatWrongTypes(fixture),
    invalidValues: chatInvalidValues(fixture),
    nestIn: (nested) =>
      fc.constantFrom(`{"message":${nested}}`, `{"sessionId":${nested},"message":"hi"}`, nested),
  },
  {
    name: 'stream useChat',
    target: 'stream',
    path: '/',
    valid: useChatBody,
    wrongTypes: useChatWrongTypes,
    invalidValues: useChatInvalidValues,
    nestIn: (nested) =>
      fc.constantFrom(
        `{"id":"s1","messages":${nested}}`,
        `{"id":"s1","messages":[{"role":"user","parts":${nested}}]}`,
        `{"id":"s1","messages":[{"role":"user","parts":[{"type":"text","text":${nested}}]}]}`,
      ),
  },
  {
    name: 'POST /v1/documents (JSON)',
    target: 'api',
    path: '/v1/documents',
    valid: documentBody,
    wrongTypes: documentWrongTypes,
    invalidValues: documentInvalidValues(fixture),
    nestIn: (nested) =>
      fc.constantFrom(
        `{"title":"Nested","text":${nested}}`,
        `{"title":"Nested","text":"x","metadata":{"deep":${nested}}}`,
        `{"title":${nested},"text":"x"}`,
      ),
  },
];

/** Limits of the function that serves a route (documents raise theirs to fit uploads). */
const bodyLimitOf = (fixture: Fixture, fn: RouteDefinition['function'] | 'stream') =>
  fn === 'documents'
    ? Math.max(fixture.maxBodyBytes, 2 * fixture.maxUploadBytes + 65_536)
    : fixture.maxBodyBytes;

/** A JSON request to an endpoint, with the tenant's key; 413 allowed once it is over the limit. */
const jsonRequest = (
  fixture: Fixture,
  category: Category,
  endpoint: JsonEndpoint,
  body: string | Buffer,
  defect: string,
  allowed: readonly number[],
): MalformedRequest => {
  const limit = bodyLimitOf(
    fixture,
    endpoint.target === 'stream' ? 'stream' : route('POST', endpoint.path).function,
  );
  return {
    category,
    target: endpoint.target,
    method: 'POST',
    path: endpoint.path,
    headers: { ...bearer(fixture.apiKey), 'content-type': JSON_TYPE },
    body,
    allowed: bytes(body) > limit ? [...allowed, 413] : allowed,
    defect: `${endpoint.name}: ${defect}`,
  };
};

// ---------------------------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------------------------

/** Turns valid JSON text into text that is certainly not JSON. */
const breakJson = (text: string): fc.Arbitrary<{ body: string | Buffer; defect: string }> =>
  fc.oneof(
    fc
      .nat({ max: Math.max(0, text.length - 1) })
      .map((at) => ({ body: text.slice(0, at), defect: `truncated at ${at}` })),
    fc
      .constantFrom(',', '}', ']', 'x', '{', '"', '\u0000', 'null', ' true')
      .map((tail) => ({ body: `${text}${tail}`, defect: `trailing ${JSON.stringify(tail)}` })),
    fc.constant({ body: text.replace(/"/g, "'"), defect: 'single quotes' }),
    fc.constant({ body: text.replace(/"([A-Za-z]+)":/g, '$1:'), defect: 'unquoted keys' }),
    fc.constant({ body: `${text.slice(0, -1)},}`, defect: 'trailing comma' }),
    fc.constant({ body: `${text.slice(0, -1)} /* comment */}`, defect: 'a comment' }),
    fc.constantFrom('NaN', 'undefined', 'Infinity', '0x1F', "'x'", '01').map((value) => ({
      body: `${text.slice(0, -1)},"extra":${value}}`,
      defect: `the value ${value}`,
    })),
    fc
      .constantFrom('\n', '\t', '\u0001')
      .map((raw) => ({
        body: text.replace(/":"/, `":"${raw}`),
        defect: `a raw control character ${JSON.stringify(raw)} in a string`,
      }))
      .filter(({ body }) => body !== text),
    fc.constant({
      body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text)]),
      defect: 'invalid UTF-8 before the JSON',
    }),
    fc.constantFrom('', ' ', '\n\n').map((body) => ({ body, defect: 'an empty body' })),
    fc.constant({ body: `{${text}`, defect: 'an extra opening brace' }),
  );

const brokenJson = (fixture: Fixture) =>
  fc
    .constantFrom(...jsonEndpoints(fixture))
    .chain((endpoint) =>
      endpoint.valid.chain((valid) =>
        breakJson(JSON.stringify(valid)).map(({ body, defect }) =>
          jsonRequest(fixture, 'broken-json', endpoint, body, defect, [400]),
        ),
      ),
    );

const wrongTypes = (fixture: Fixture) =>
  fc
    .constantFrom(...jsonEndpoints(fixture))
    .chain((endpoint) =>
      endpoint.wrongTypes.map(({ body, defect }) =>
        jsonRequest(fixture, 'wrong-types', endpoint, JSON.stringify(body), defect, [400]),
      ),
    );

const invalidValues = (fixture: Fixture) =>
  fc
    .constantFrom(...jsonEndpoints(fixture))
    .chain((endpoint) =>
      endpoint.invalidValues.map(({ body, defect, allowed }) =>
        jsonRequest(
          fixture,
          'invalid-values',
          endpoint,
          JSON.stringify(body),
          defect,
          allowed ?? [400],
        ),
      ),
    );

/** Percent-encodes UTF-16 code units as WTF-8, so lone surrogates survive as `%ED%A0%80`. */
const wtf8PercentEncode = (text: string): string => {
  let out = '';
  for (const unit of text) {
    const code = unit.codePointAt(0) ?? 0;
    if (/^[A-Za-z0-9_.~-]$/.test(unit)) out += unit;
    else if (code >= 0xd800 && code <= 0xdfff && unit.length === 1) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(unit);
  }
  return out;
};

const oddUnicode = (fixture: Fixture) => {
  const [chat, stream, , documents] = jsonEndpoints(fixture);
  const idRoutes = ['/v1/sessions/', '/v1/documents/'];
  return fc.oneof(
    // Odd Unicode in a path id: percent-encoded UTF-8, and WTF-8 for lone surrogates.
    fc
      .tuple(
        fc.constantFrom(...idRoutes),
        fc.constantFrom('GET', 'DELETE'),
        oddText.filter((text) => !/^\.*$/.test(text)),
      )
      .map(([prefix, method, id]) => ({
        category: 'odd-unicode' as const,
        target: 'api' as const,
        method,
        path: `${prefix}${wtf8PercentEncode(id)}`,
        headers: bearer(fixture.apiKey),
        allowed: [400, 404, 405],
        defect: `${method} ${prefix}{id} with id ${JSON.stringify(id)}`,
      })),
    // Blank questions made of Unicode white space.
    fc
      .tuple(fc.constantFrom(chat!, stream!), blankText)
      .map(([endpoint, message]) =>
        jsonRequest(
          fixture,
          'odd-unicode',
          endpoint,
          JSON.stringify({ message }),
          'a question of Unicode white space',
          [400],
        ),
      ),
    // Odd Unicode in a session id of the body.
    fc
      .tuple(
        fc.constantFrom(chat!, stream!),
        oddText.filter((text) => !RESOURCE_ID.test(text)),
      )
      .map(([endpoint, sessionId]) =>
        jsonRequest(
          fixture,
          'odd-unicode',
          endpoint,
          JSON.stringify({ sessionId, message: 'hi' }),
          `sessionId ${JSON.stringify(sessionId)}`,
          [400],
        ),
      ),
    // Odd Unicode as an unknown key of a strict body.
    oddText
      .filter((key) => !['message', 'sessionId', 'messages', '__proto__'].includes(key))
      .map((key) =>
        jsonRequest(
          fixture,
          'odd-unicode',
          chat!,
          JSON.stringify({ message: 'hi', [key]: 1 }),
          `unknown key ${JSON.stringify(key)}`,
          [400],
        ),
      ),
    oddText
      .filter((key) => !['title', 'text', 'metadata', '__proto__'].includes(key))
      .map((key) =>
        jsonRequest(
          fixture,
          'odd-unicode',
          documents!,
          JSON.stringify({ title: 't', text: 'x', [key]: 1 }),
          `unknown key ${JSON.stringify(key)}`,
          [400],
        ),
      ),
    // Raw invalid UTF-8 in a key (it decodes to U+FFFD, still an unknown key).
    fc
      .constantFrom(
        Buffer.from([0xff]),
        Buffer.from([0xc0, 0xaf]),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
      )
      .map((raw) =>
        jsonRequest(
          fixture,
          'odd-unicode',
          chat!,
          Buffer.concat([Buffer.from('{"message":"hi","'), raw, Buffer.from('":1}')]),
          `invalid UTF-8 bytes ${raw.toString('hex')} in a key`,
          [400],
        ),
      ),
    // Odd Unicode in metadata keys and blank titles of documents.
    oddText
      .filter((key) => !METADATA_KEY.test(key) && key !== '__proto__')
      .map((key) =>
        jsonRequest(
          fixture,
          'odd-unicode',
          documents!,
          JSON.stringify({ title: 'T', text: 'x', metadata: { [key]: 1 } }),
          `metadata key ${JSON.stringify(key)}`,
          [400],
        ),
      ),
    blankText.map((blank) =>
      jsonRequest(
        fixture,
        'odd-unicode',
        documents!,
        JSON.stringify({ title: blank, text: 'x' }),
        'a title of Unicode white space',
        [400],
      ),
    ),
    // Odd Unicode in query parameters.
    fc
      .tuple(
        fc.constantFrom('/v1/sessions', '/v1/documents'),
        fc.constantFrom('limit', 'cursor'),
        oddText.filter((text) => text !== ''),
      )
      .map(([path, name, value]) => ({
        category: 'odd-unicode' as const,
        target: 'api' as const,
        method: 'GET',
        path: `${path}?${name}=${wtf8PercentEncode(value)}`,
        headers: bearer(fixture.apiKey),
        allowed: [400],
        defect: `GET ${path}?${name}=${JSON.stringify(value)}`,
      })),
    // Latin-1 in the credential (the most HTTP headers carry).
    fc
      .constantFrom('Bearer é', 'Bearer sk-rag-ÿÿÿ', 'Bêarer x', `Bearer ${fixture.apiKey}é`)
      .map((authorization) => ({
        category: 'odd-unicode' as const,
        target: 'api' as const,
        method: 'GET',
        path: '/v1/sessions',
        headers: { authorization },
        allowed: [401],
        defect: `Authorization ${JSON.stringify(authorization)}`,
      })),
  );
};

/** `depth` levels of arrays, objects, or both, around a value. */
const nested = (depth: number, shape: 'array' | 'object' | 'mixed'): string => {
  let open = '';
  let close = '';
  for (let level = 0; level < depth; level += 1) {
    const array = shape === 'array' || (shape === 'mixed' && level % 2 === 0);
    open += array ? '[' : '{"a":';
    close = (array ? ']' : '}') + close;
  }
  return `${open}1${close}`;
};

const deepNesting = (fixture: Fixture) =>
  fc
    .tuple(
      fc.constantFrom(...jsonEndpoints(fixture)),
      fc.integer({ min: 64, max: 2_400 }),
      fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
    )
    .chain(([endpoint, depth, shape]) =>
      endpoint
        .nestIn(nested(depth, shape))
        .map((body) =>
          jsonRequest(
            fixture,
            'deep-nesting',
            endpoint,
            body,
            `${depth} levels of ${shape} nesting`,
            [400],
          ),
        ),
    );

/** Media types that no JSON route accepts. */
const notJsonType = fc
  .oneof(
    fc.constantFrom(
      'text/plain',
      'text/html',
      'application/xml',
      'application/x-www-form-urlencoded',
      'application/octet-stream',
      'application/javascript',
      'image/png',
      'json',
      'application/jsonx',
      'application/ld+jsonp',
      'application',
      '*/*',
      ';',
    ),
    fc
      .tuple(fc.stringMatching(/^[a-z]{1,10}$/), fc.stringMatching(/^[a-z0-9.+-]{1,16}$/))
      .map(([type, subtype]) => `${type}/${subtype}`),
  )
  .filter((type) => !/json(;|$)/i.test(type) && !/^multipart\/form-data/i.test(type));

const wrongContentType = (fixture: Fixture) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom(...jsonEndpoints(fixture)), fc.option(notJsonType, { nil: undefined }))
      .chain(([endpoint, type]) =>
        endpoint.valid.map((valid): MalformedRequest => {
          const headers: Record<string, string> = bearer(fixture.apiKey);
          if (type !== undefined) headers['content-type'] = type;
          return {
            category: 'wrong-content-type',
            target: endpoint.target,
            method: 'POST',
            path: endpoint.path,
            headers,
            body: JSON.stringify(valid),
            allowed: [415],
            defect: `${endpoint.name}: a valid body sent as ${type ?? 'no content type'}`,
          };
        }),
      ),
    chatBody(fixture).map(
      (valid): MalformedRequest => ({
        category: 'wrong-content-type',
        target: 'api',
        method: 'POST',
        path: '/v1/chat',
        headers: { ...bearer(fixture.apiKey), 'content-type': 'multipart/form-data; boundary=x' },
        body: multipart('x', [{ name: 'message', content: valid.message }]),
        allowed: [415],
        defect: 'POST /v1/chat: a form upload',
      }),
    ),
    fc.constant<MalformedRequest>({
      category: 'wrong-content-type',
      target: 'api',
      method: 'POST',
      path: '/v1/documents',
      headers: { ...bearer(fixture.apiKey), 'content-type': JSON_TYPE },
      body: multipart('x', [
        { name: 'file', filename: 'a.txt', type: 'text/plain', content: 'Hello' },
      ]),
      allowed: [400],
      defect: 'POST /v1/documents: a multipart body labelled as JSON',
    }),
  );

const badIds = (fixture: Fixture) => {
  const traversal = fc.constantFrom(
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e',
    '%2e%2e%2f%2e%2e%2f',
    '..%5C..%5Cwindows',
    '....%2F%2F',
    '%252e%252e%252f',
    '..%3B',
    '%2F',
    'a%2Fb',
    '%00',
    'a%00b',
    '%20',
    '%C0%AF',
    '%FF',
    '%FE%FF',
    '%ED%A0%80',
    '%E2%80%AE',
    '..',
    '~',
    "'or'1'='1",
    '*',
    '$',
    ':id',
    '%7Bid%7D',
  );
  const malformedPercent = fc.constantFrom('%', '%G1', '%E0%A4%A', 'abc%', '%%', '%u2028', '%zz');
  const tooLong = fc.integer({ min: 65, max: 400 }).map((length) => 'a'.repeat(length));
  const unknownSession = sessionIdText.filter((id) => !fixture.sessionIds.includes(id));
  const unknownDocument = fc.uuid().filter((id) => !fixture.documentIds.includes(id));
  const notUuid = fc.oneof(
    sessionIdText,
    fc.constantFrom(
      '00000000-0000-0000-0000-00000000000g',
      '00000000000000000000000000000000',
      '{00000000-0000-0000-0000-000000000000}',
    ),
  );

  const idRequest = (
    resource: 'sessions' | 'documents',
    id: fc.Arbitrary<string>,
    kind: string,
    allowed: readonly number[],
    key = fixture.apiKey,
  ) =>
    fc.tuple(fc.constantFrom('GET', 'DELETE'), id).map(
      ([method, value]): MalformedRequest => ({
        category: 'bad-ids',
        target: 'api',
        method,
        path: `/v1/${resource}/${value}`,
        headers: bearer(key),
        allowed,
        defect: `${method} /v1/${resource}/{id}: ${kind} ${JSON.stringify(value)}`,
      }),
    );
  const resource = fc.constantFrom('sessions' as const, 'documents' as const);
  return fc.oneof(
    resource.chain((name) =>
      idRequest(name, traversal, 'path traversal or encoded id', [400, 404, 405]),
    ),
    resource.chain((name) =>
      idRequest(name, malformedPercent, 'malformed percent-encoding', [400, 404]),
    ),
    resource.chain((name) => idRequest(name, tooLong, 'an id too long', [400])),
    idRequest('documents', notUuid, 'not a UUID', [400]),
    idRequest('sessions', unknownSession, 'an unknown id', [404]),
    idRequest('documents', unknownDocument, 'an unknown id', [404]),
    // Another tenant asking for this tenant's data: as if it did not exist.
    fixture.sessionIds.length > 0
      ? idRequest(
          'sessions',
          fc.constantFrom(...fixture.sessionIds),
          "another tenant's id",
          [404],
          fixture.otherTenantKey,
        )
      : idRequest('sessions', unknownSession, 'an unknown id', [404]),
    fixture.documentIds.length > 0
      ? idRequest(
          'documents',
          fc.constantFrom(...fixture.documentIds),
          "another tenant's id",
          [404],
          fixture.otherTenantKey,
        )
      : idRequest('documents', unknownDocument, 'an unknown id', [404]),
    // A buffered chat that continues a session that does not exist.
    fc.tuple(unknownSession, questionText).map(
      ([sessionId, message]): MalformedRequest => ({
        category: 'bad-ids',
        target: 'api',
        method: 'POST',
        path: '/v1/chat',
        headers: { ...bearer(fixture.apiKey), 'content-type': JSON_TYPE },
        body: JSON.stringify({ sessionId, message }),
        allowed: [404],
        defect: `POST /v1/chat: unknown session ${sessionId}`,
      }),
    ),
  );
};

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const badQuery = (fixture: Fixture) => {
  const listings = [
    '/v1/sessions',
    '/v1/documents',
    ...fixture.sessionIds.slice(0, 1).map((id) => `/v1/sessions/${id}`),
  ];
  const badLimit = fc.oneof(
    fc.constantFrom(
      '-1',
      '0',
      '-0',
      '101',
      '1000',
      '1.5',
      'abc',
      '',
      'NaN',
      'Infinity',
      '1e3',
      '1,2',
      '10abc',
      'null',
      '%00',
      '-',
    ),
    fc.integer({ min: 101 }).map(String),
    fc.integer({ max: 0 }).map(String),
    fc.stringMatching(/^[a-zA-Z_]{1,8}$/),
  );
  const tenantPrefix = (tenant: string) => `TENANT#${tenant}#`;
  const badCursor = fc.oneof(
    fc.constantFrom('', '%ZZ', 'e30', 'W10', 'MQ', 'bnVsbA', '!!!', '===='),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/).filter((text) => {
      try {
        JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
        return false;
      } catch {
        return true;
      }
    }),
    fc.integer({ min: 2_049, max: 3_000 }).map((length) => 'A'.repeat(length)),
    fc
      .constantFrom<unknown>(
        [],
        ['TENANT#local#SESSIONS'],
        { pk: 1, sk: 2 },
        { pk: null },
        { a: 'b', c: 'd', e: 'f', g: 'h', i: 'j' },
        {
          pk: `${tenantPrefix('other-tenant')}SESSIONS`,
          gsi1pk: `${tenantPrefix('other-tenant')}SESSIONS`,
        },
        {
          pk: `${tenantPrefix('other-tenant')}DOCS`,
          gsi1pk: `${tenantPrefix('other-tenant')}DOCS`,
          sk: 'DOC',
          gsi1sk: 'x',
        },
        { pk: `${tenantPrefix('loca')}x`, gsi1pk: `${tenantPrefix('loca')}x` },
        { sk: 'MSG#' },
      )
      .map(base64url),
    // Cursors that name this tenant's partitions but are not keys the API ever made.
    fc
      .constantFrom<unknown>(
        { pk: `${tenantPrefix('local')}x`, gsi1pk: `${tenantPrefix('local')}x` },
        { pk: `${tenantPrefix('local')}x`, gsi1pk: `${tenantPrefix('local')}DOCS` },
        { pk: `${tenantPrefix('local')}x`, gsi1pk: `${tenantPrefix('local')}SESSIONS`, foo: 'bar' },
        {
          pk: `${tenantPrefix('local')}x`,
          gsi1pk: `${tenantPrefix('local')}DOCS`,
          sk: '',
          gsi1sk: '',
        },
        ...fixture.sessionIds
          .slice(0, 1)
          .flatMap((id) => [
            { pk: `${tenantPrefix('local')}SESSION#${id}` },
            { pk: `${tenantPrefix('local')}SESSION#${id}`, sk: 'MSG#', extra: 'x' },
            { pk: `${tenantPrefix('local')}SESSION#${id}x`, sk: 'MSG#' },
          ]),
      )
      .map(base64url),
  );
  const param = fc.oneof(
    badLimit.map((value) => ({
      query: `limit=${encodeURIComponent(value)}`,
      defect: `limit=${JSON.stringify(value)}`,
    })),
    fc
      .tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }))
      .map(([a, b]) => ({ query: `limit=${a}&limit=${b}`, defect: 'limit given twice' })),
    badCursor.map((value) => ({
      query: `cursor=${value}`,
      defect: `cursor=${value.slice(0, 80)}`,
    })),
    fc
      .stringMatching(/^[a-zA-Z_[\]]{0,12}$/)
      .filter((name) => name !== 'limit' && name !== 'cursor')
      .map((name) => ({ query: `${name}=1`, defect: `unknown parameter ${JSON.stringify(name)}` })),
  );
  const listing = fc.tuple(fc.constantFrom(...listings), param).map(
    ([path, { query, defect }]): MalformedRequest => ({
      category: 'bad-query',
      target: 'api',
      method: 'GET',
      path: `${path}?${query}`,
      headers: bearer(fixture.apiKey),
      allowed: [400],
      defect: `GET ${path}: ${defect}`,
    }),
  );
  // The public routes ignore unknown parameters; `/health` declares `deep` (true or false), so a
  // junk value of it is refused with a 400. Never a 5xx.
  const publicRoute = fc
    .tuple(
      fc.constantFrom('/health', '/openapi.json', '/docs'),
      fc.oneof(
        param.map(({ query }) => query),
        fc.constantFrom('deep=maybe', 'deep=true&deep=false', 'deep=', 'deep=%00', 'deep[]=1'),
        oddText.map((text) => `q=${wtf8PercentEncode(text)}`),
      ),
    )
    .map(
      ([path, query]): MalformedRequest => ({
        category: 'bad-query',
        target: 'api',
        method: 'GET',
        path: `${path}?${query}`,
        headers: bearer(fixture.apiKey),
        allowed: path === '/health' ? [200, 400] : [200],
        defect: `GET ${path}: junk parameters ${query.slice(0, 80)}`,
      }),
    );
  return fc.oneof({ arbitrary: listing, weight: 3 }, { arbitrary: publicRoute, weight: 1 });
};

const oversize = (fixture: Fixture) => {
  const filler = fc.constantFrom('x', '\u20ac', '\u{1f916}', '\u0000', '\ud800');
  const targets = [
    ...ROUTES.map((candidate) => ({ target: 'api' as const, route: candidate })),
    { target: 'stream' as const, route: undefined },
  ];
  return fc
    .tuple(fc.constantFrom(...targets), filler, fc.integer({ min: 1, max: 24_000 }), fc.boolean())
    .map(([{ target, route: declared }, unit, extra, asForm]): MalformedRequest => {
      const limit = bodyLimitOf(fixture, declared?.function ?? 'stream');
      const isUpload = declared?.path === '/v1/documents' && declared.method === 'POST';
      const form = isUpload && asForm;
      // Bytes one unit takes in the body: raw in a form, escaped or not in JSON.
      const unitBytes = form
        ? Buffer.byteLength(unit)
        : Buffer.byteLength(JSON.stringify(unit)) - 2;
      const text = unit.repeat(Math.ceil((limit + extra) / unitBytes));
      const body = form
        ? multipart('x', [{ name: 'file', filename: 'big.txt', type: 'text/plain', content: text }])
        : JSON.stringify(isUpload ? { title: 'Big', text } : { message: text });
      const path = (declared?.path ?? '/').replace('{id}', fixture.sessionIds[0] ?? 'some-id');
      return {
        category: 'oversize',
        target,
        method: declared?.method ?? 'POST',
        path,
        headers: {
          ...bearer(fixture.apiKey),
          'content-type': form ? 'multipart/form-data; boundary=x' : JSON_TYPE,
        },
        body,
        allowed: [413],
        defect: `${declared ? `${declared.method} ${declared.path}` : 'stream'}: a ${bytes(body)}-byte body (limit ${limit})`,
      };
    });
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const wrongMethodOrPath = (fixture: Fixture) => {
  const concrete = (path: string) => path.replace('{id}', fixture.sessionIds[0] ?? 'some-id');
  const paths = [...new Set(ROUTES.map((candidate) => candidate.path))];
  const wrongMethod = fc.constantFrom(...paths).chain((path) => {
    const allowedMethods: string[] = ROUTES.filter((candidate) => candidate.path === path).map(
      (candidate) => candidate.method,
    );
    return fc.constantFrom(...METHODS.filter((method) => !allowedMethods.includes(method))).map(
      (method): MalformedRequest => ({
        category: 'wrong-method-or-path',
        target: 'api',
        method,
        path: concrete(path),
        headers: { ...bearer(fixture.apiKey), 'content-type': JSON_TYPE },
        body: '{"message":"hi","title":"t","text":"x"}',
        allowed: [405],
        defect: `${method} ${path}`,
      }),
    );
  });
  const unknownPath = fc
    .oneof(
      fc.constantFrom(
        '/v2/chat',
        '/v1/chat/extra',
        '/v1/sessions/a/b',
        '/V1/CHAT',
        '/v1',
        '/v1/',
        '/api/v1/chat',
        '/health/deep',
        '/openapi.yaml',
        '/v1/documents/x/y',
        '/v1//chat',
        '/%2e%2e/etc/passwd',
        '/v1/sessions%2Fx',
        '/.env',
      ),
      fc
        .array(fc.stringMatching(/^[a-z0-9._~-]{1,12}$/), { minLength: 1, maxLength: 4 })
        .map((segments) => `/x-${segments.join('/')}`),
    )
    .chain((path) =>
      fc.constantFrom(...METHODS).map(
        (method): MalformedRequest => ({
          category: 'wrong-method-or-path',
          target: 'api',
          method,
          path,
          headers: bearer(fixture.apiKey),
          allowed: [404, 405],
          defect: `${method} ${path}`,
        }),
      ),
    );
  const streamMethod = fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE').map(
    (method): MalformedRequest => ({
      category: 'wrong-method-or-path',
      target: 'stream',
      method,
      path: '/',
      headers: { ...bearer(fixture.apiKey), 'content-type': JSON_TYPE },
      body: '{"message":"hi"}',
      allowed: [405],
      defect: `${method} on the streaming endpoint`,
    }),
  );
  return fc.oneof(wrongMethod, unknownPath, streamMethod);
};

const badCredentials = (fixture: Fixture) => {
  const key = fixture.apiKey;
  const header = fc.oneof(
    fc.constant<string | undefined>(undefined),
    fc.constantFrom(
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      `Token ${key}`,
      key,
      `Bearer ${key}x`,
      `Bearer ${key.slice(0, -1)}`,
      `Bearer ${key} ${key}`,
      `Bearer ${key.toUpperCase()}`,
      `Bearer "${key}"`,
      `Bearer ${'a'.repeat(4_000)}`,
      'Bearer sk-rag-',
      'Bearer null',
      'Bearer undefined',
    ),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((random) => `Bearer sk-rag-${random}`),
  );
  const validRequest = fc.oneof(
    ...ROUTES.filter((candidate) => !candidate.public).map((declared) => {
      if (declared.method === 'POST' && declared.path === '/v1/chat') {
        return chatBody(fixture).map((body) => ({
          declared,
          body: JSON.stringify(body),
          type: JSON_TYPE,
        }));
      }
      if (declared.method === 'POST') {
        return documentBody.map((body) => ({
          declared,
          body: JSON.stringify(body),
          type: JSON_TYPE,
        }));
      }
      return fc.constant({
        declared,
        body: undefined as string | undefined,
        type: undefined as string | undefined,
      });
    }),
  );
  const concrete = (declared: RouteDefinition) =>
    declared.path.replace(
      '{id}',
      (declared.path.startsWith('/v1/documents')
        ? fixture.documentIds[0]
        : fixture.sessionIds[0]) ?? 'some-id',
    );
  return fc.oneof(
    fc.tuple(validRequest, header).map(
      ([{ declared, body, type }, authorization]): MalformedRequest => ({
        category: 'bad-credentials',
        target: 'api',
        method: declared.method,
        path: concrete(declared),
        headers: {
          ...(authorization === undefined ? {} : { authorization }),
          ...(type === undefined ? {} : { 'content-type': type }),
        },
        ...(body === undefined ? {} : { body }),
        allowed: [401],
        defect: `${declared.method} ${declared.path} with Authorization ${JSON.stringify(authorization?.slice(0, 60))}`,
      }),
    ),
    fc.tuple(chatBody(fixture), header).map(
      ([body, authorization]): MalformedRequest => ({
        category: 'bad-credentials',
        target: 'stream',
        method: 'POST',
        path: '/',
        headers: {
          'content-type': JSON_TYPE,
          ...(authorization === undefined ? {} : { authorization }),
        },
        body: JSON.stringify(body),
        allowed: [401],
        defect: `stream with Authorization ${JSON.stringify(authorization?.slice(0, 60))}`,
      }),
    ),
    // Public routes ignore credentials, even broken ones.
    fc.tuple(fc.constantFrom(...ROUTES.filter((candidate) => candidate.public)), header).map(
      ([declared, authorization]): MalformedRequest => ({
        category: 'bad-credentials',
        target: 'api',
        method: declared.method,
        path: declared.path,
        headers: authorization === undefined ? {} : { authorization },
        allowed: [200],
        defect: `${declared.method} ${declared.path} (public) with Authorization ${JSON.stringify(authorization?.slice(0, 60))}`,
      }),
    ),
  );
};

/** A part of a multipart body. */
interface FormPart {
  name: string;
  content: string;
  filename?: string;
  type?: string;
  /** Raw header lines instead of the usual ones. */
  rawHeaders?: string;
}

/** Encodes a `multipart/form-data` body with `boundary` (closed unless `open`). */
export const multipart = (boundary: string, parts: readonly FormPart[], open = false): string =>
  parts
    .map((part) => {
      const headers =
        part.rawHeaders ??
        `Content-Disposition: form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}`;
      return `--${boundary}\r\n${headers}\r\n${part.content}\r\n`;
    })
    .join('') + (open ? '' : `--${boundary}--\r\n`);

const malformedMultipart = (fixture: Fixture) => {
  const boundary = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
  const goodFile = fc
    .tuple(
      questionText,
      fc.constantFrom('notes.txt', 'guide.md', 'page.html', '../../etc/passwd.txt', 'é.md'),
    )
    .map(
      ([content, filename]): FormPart => ({ name: 'file', filename, type: 'text/plain', content }),
    );
  const upload = (
    defect: string,
    allowed: readonly number[],
    parts: fc.Arbitrary<{ boundary: string; body: string | Buffer; contentType?: string }>,
  ) =>
    parts.map(
      ({ boundary: used, body, contentType }): MalformedRequest => ({
        category: 'malformed-multipart',
        target: 'api',
        method: 'POST',
        path: '/v1/documents',
        headers: {
          ...bearer(fixture.apiKey),
          'content-type': contentType ?? `multipart/form-data; boundary=${used}`,
        },
        body,
        allowed,
        defect: `multipart: ${defect}`,
      }),
    );
  const withFile = (extra: fc.Arbitrary<FormPart[]>) =>
    fc
      .tuple(boundary, goodFile, extra)
      .map(([used, file, parts]) => ({ boundary: used, body: multipart(used, [file, ...parts]) }));
  return fc.oneof(
    upload(
      'the body ends before the closing boundary',
      [400],
      fc.tuple(boundary, goodFile, fc.nat()).map(([used, file, cut]) => {
        const whole = multipart(used, [file]);
        const end = whole.lastIndexOf(`--${used}--`);
        return { boundary: used, body: whole.slice(0, 1 + (cut % Math.max(1, end - 1))) };
      }),
    ),
    upload(
      'the body uses another boundary',
      [400],
      fc
        .tuple(boundary, goodFile)
        .map(([used, file]) => ({ boundary: used, body: multipart(`Z${used}Z`, [file]) })),
    ),
    upload(
      'no boundary parameter',
      [400],
      fc.tuple(boundary, goodFile).map(([used, file]) => ({
        boundary: used,
        body: multipart(used, [file]),
        contentType: 'multipart/form-data',
      })),
    ),
    upload(
      'random bytes',
      [400],
      fc
        .tuple(boundary, fc.uint8Array({ maxLength: 300 }))
        .map(([used, raw]) => ({ boundary: used, body: Buffer.from(raw) })),
    ),
    upload(
      'no file part',
      [400],
      fc.tuple(boundary, title).map(([used, name]) => ({
        boundary: used,
        body: multipart(used, [{ name: 'title', content: name }]),
      })),
    ),
    upload(
      'a file of an unsupported type',
      [415],
      fc
        .tuple(
          boundary,
          questionText,
          fc.constantFrom('a.exe', 'photo.png', '../../etc/passwd', 'noextension', 'a.pdf'),
          fc.constantFrom('application/octet-stream', 'image/png', 'application/pdf', ''),
        )
        .map(([used, content, filename, type]) => ({
          boundary: used,
          body: multipart(used, [{ name: 'file', filename, ...(type ? { type } : {}), content }]),
        })),
    ),
    upload(
      'a file with no text',
      [422],
      fc.tuple(boundary, blankText).map(([used, content]) => ({
        boundary: used,
        body: multipart(used, [
          { name: 'file', filename: 'blank.txt', type: 'text/plain', content },
        ]),
      })),
    ),
    upload(
      'a file over the upload limit',
      [413],
      fc.tuple(boundary, fc.integer({ min: 1, max: 8_000 })).map(([used, extra]) => ({
        boundary: used,
        body: multipart(used, [
          {
            name: 'file',
            filename: 'big.txt',
            type: 'text/plain',
            content: 'x'.repeat(fixture.maxUploadBytes + extra),
          },
        ]),
      })),
    ),
    upload(
      'metadata that is not JSON',
      [400],
      withFile(
        fc
          .constantFrom('{', 'not json', "{'a':1}", '')
          .map((content) => [{ name: 'metadata', content }]),
      ),
    ),
    upload(
      'metadata that is not flat',
      [400],
      withFile(
        fc
          .constantFrom('[]', '"x"', '1', '{"a":{"b":1}}', '{"a":[1]}', '{"":1}', '{"a":null}')
          .map((content) => [{ name: 'metadata', content }]),
      ),
    ),
    upload(
      'a blank or too long title',
      [400],
      withFile(
        fc
          .oneof(blankText, fc.constant('t'.repeat(301)))
          .map((content) => [{ name: 'title', content }]),
      ),
    ),
    upload(
      'an unknown field',
      [400],
      withFile(
        fc
          .stringMatching(/^[a-z]{1,20}$/)
          .filter((name) => !['file', 'title', 'metadata'].includes(name))
          .map((name) => [{ name, content: 'x' }]),
      ),
    ),
    upload(
      'a field name over 100 characters',
      [400],
      withFile(fc.constant([{ name: 'f'.repeat(120), content: 'x' }])),
    ),
    upload(
      'the file under another name',
      [400],
      fc.tuple(boundary, goodFile).map(([used, file]) => ({
        boundary: used,
        body: multipart(used, [{ ...file, name: 'upload' }]),
      })),
    ),
    upload(
      'a part without Content-Disposition',
      [400],
      fc.tuple(boundary, questionText).map(([used, content]) => ({
        boundary: used,
        body: multipart(used, [
          { name: 'file', content, rawHeaders: 'Content-Type: text/plain\r\n' },
        ]),
      })),
    ),
  );
};

/** Makes fast-check print a request as one line (bodies can be 100 KB). */
const printable = (arbitrary: fc.Arbitrary<MalformedRequest>): fc.Arbitrary<MalformedRequest> =>
  arbitrary.map((request) =>
    Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) }),
  );

/** The arbitrary of each category, for the fixture of the stack under test. */
export const malformedRequests = (
  fixture: Fixture,
): Record<Category, fc.Arbitrary<MalformedRequest>> => ({
  'broken-json': printable(brokenJson(fixture)),
  'wrong-types': printable(wrongTypes(fixture)),
  'invalid-values': printable(invalidValues(fixture)),
  'odd-unicode': printable(oddUnicode(fixture)),
  'deep-nesting': printable(deepNesting(fixture)),
  'wrong-content-type': printable(wrongContentType(fixture)),
  'bad-ids': printable(badIds(fixture)),
  'bad-query': printable(badQuery(fixture)),
  oversize: printable(oversize(fixture)),
  'wrong-method-or-path': printable(wrongMethodOrPath(fixture)),
  'bad-credentials': printable(badCredentials(fixture)),
  'malformed-multipart': printable(malformedMultipart(fixture)),
});

/** A one-line description of a request, for failure messages. */
export const describeRequest = (request: MalformedRequest): string => {
  const size = bytes(request.body);
  const preview =
    request.body === undefined
      ? ''
      : ` body[${size} B]=${JSON.stringify((typeof request.body === 'string' ? request.body : request.body.toString('latin1')).slice(0, 120))}`;
  const type = request.headers['content-type'];
  return `[${request.category}] ${request.defect} — ${request.method} ${request.target === 'stream' ? 'STREAM' : ''}${request.path.slice(0, 160)}${type ? ` (${type})` : ''}${preview}`;
};
