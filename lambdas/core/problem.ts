/** One entry of a validation failure: where in the input, and what is wrong there. */
export interface FieldError {
  path: string;
  message: string;
}

/** Options of {@link HttpProblem}. */
export interface HttpProblemInit {
  detail?: string;
  type?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  cause?: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * A failure that the API answers with an RFC 9457 problem document.
 *
 * Core code throws it; the HTTP error middleware renders it as `application/problem+json`.
 *
 * @example
 * throw new HttpProblem(404, { detail: 'No session with this id' });
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly type: string;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, init: HttpProblemInit = {}) {
    const title = TITLES[status] ?? 'Error';
    super(init.detail ?? title, { cause: init.cause });
    this.name = 'HttpProblem';
    this.status = status;
    this.title = title;
    this.type = init.type ?? 'about:blank';
    this.detail = init.detail ?? title;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
  }
}

/** Shorthand for the 404 every missing or foreign resource gets (never 403: no existence leak). */
export const notFound = (what: string): HttpProblem =>
  new HttpProblem(404, { detail: `${what} not found` });
