// The RAG API playground: a plain ES module, no build step, no framework, no external network.
// It uses the same contract as any client: the HTTP API (sessions, documents) and the streaming
// URL (AI SDK UI message stream protocol v1, read straight from fetch()'s ReadableStream).

const SETTINGS_KEY = 'rag-api-playground.settings';
/** The open chat and the question its answer streams for, so that a reload can resume it. */
const CHAT_KEY = 'rag-api-playground.chat';
const CONFIG_PATH = '/playground/config.json';
const TERMINAL_STATUSES = new Set(['ready', 'failed']);
const MAX_ERRORS_SHOWN = 5;

// ─── Protocol helpers (exported, DOM-free) ───────────────────────────────────────────────────

/**
 * An incremental parser of server-sent events (the WHATWG `text/event-stream` format). Feed it
 * text in chunks of any size, split anywhere (even between `\r` and `\n`); it returns the `data`
 * of each event completed so far. Comment lines (`:` first) and fields other than `data` are
 * ignored; multi-line `data` fields are joined with `\n`.
 *
 * @example
 * const parser = createSseParser();
 * parser.push('data: {"a"'); // []
 * parser.push(':1}\n\n: ping\n\n'); // ['{"a":1}']
 * @returns {{ push(text: string): string[], end(): string[] }}
 */
export const createSseParser = () => {
  let buffer = '';
  /** @type {string[]} */
  let data = [];
  let hasData = false;

  /** @param {string} line @param {string[]} events */
  const takeLine = (line, events) => {
    if (line === '') {
      if (hasData) events.push(data.join('\n'));
      data = [];
      hasData = false;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    data.push(value);
    hasData = true;
  };

  return {
    push(text) {
      /** @type {string[]} */
      const events = [];
      buffer += text;
      let start = 0;
      for (;;) {
        const cr = buffer.indexOf('\r', start);
        const lf = buffer.indexOf('\n', start);
        const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
        if (end === -1) break;
        // A `\r` at the very end may be the first half of `\r\n`: wait for the next chunk.
        if (end === cr && end === buffer.length - 1) break;
        takeLine(buffer.slice(start, end), events);
        start = end + (end === cr && buffer[end + 1] === '\n' ? 2 : 1);
      }
      buffer = buffer.slice(start);
      return events;
    },
    end() {
      /** @type {string[]} */
      const events = [];
      if (buffer.endsWith('\r')) takeLine(buffer.slice(0, -1), events);
      // An event not ended by a blank line is discarded, as the SSE specification says.
      buffer = '';
      data = [];
      hasData = false;
      return events;
    },
  };
};

/**
 * Reads the parts of an AI SDK UI message stream (protocol v1) from a response body, as they
 * arrive. Stops at `data: [DONE]` (and releases the connection) or at the end of the body.
 *
 * @example
 * for await (const part of readUiMessageParts(response.body)) {
 *   if (part.type === 'text-delta') output.append(part.delta);
 * }
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<Record<string, any>, void, undefined>}
 */
export async function* readUiMessageParts(body) {
  const parser = createSseParser();
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      for (const frame of done ? parser.end() : parser.push(value)) {
        if (frame === '[DONE]') return;
        yield parseFrame(frame);
      }
      if (done) return;
    }
  } finally {
    // Releases the connection when the reader stops early ([DONE], an error, or a break).
    reader.cancel().catch(() => undefined);
  }
}

/** @param {string} frame */
const parseFrame = (frame) => {
  try {
    const part = JSON.parse(frame);
    if (part && typeof part === 'object' && typeof part.type === 'string') return part;
  } catch {
    // fall through
  }
  throw new Error(`The stream sent a frame that is not a message part: ${frame.slice(0, 120)}`);
};

/** An HTTP failure carrying the RFC 9457 problem document the API answered with. */
export class ProblemError extends Error {
  /**
   * @param {{ type?: string, title: string, status: number, detail?: string,
   *   errors?: { path: string, message: string }[] }} problem
   */
  constructor(problem) {
    super(problem.detail || problem.title);
    this.name = 'ProblemError';
    this.problem = problem;
  }
}

/**
 * Reads a failed response as a problem document: the body when it is one, else a problem made
 * of the status line and the start of the body.
 *
 * @example
 * if (!response.ok) throw await problemOf(response);
 * @param {Response} response
 * @returns {Promise<ProblemError>}
 */
export const problemOf = async (response) => {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object' && typeof body.title === 'string') {
      return new ProblemError({ ...body, status: body.status ?? response.status });
    }
  } catch {
    // not JSON
  }
  return new ProblemError({
    title: response.statusText || 'Request failed',
    status: response.status,
    detail: text.trim().slice(0, 300) || `The server answered ${response.status}.`,
  });
};

// ─── Configuration ───────────────────────────────────────────────────────────────────────────

/** @typedef {{ apiUrl: string, apiKey: string, streamUrl: string }} Connection */

/** @returns {Partial<Connection>} */
const readSavedSettings = () => {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}');
    return saved && typeof saved === 'object' ? saved : {};
  } catch {
    return {};
  }
};

/** @returns {Promise<Partial<Connection>>} what the local stack serves, or nothing elsewhere */
const fetchLocalConfig = async () => {
  try {
    const response = await fetch(CONFIG_PATH, { cache: 'no-store' });
    if (!response.ok) return {};
    const config = await response.json();
    return config && typeof config === 'object' ? config : {};
  } catch {
    return {};
  }
};

/** @param {string} url */
const hostOf = (url) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** @param {string} url */
const trimSlash = (url) => url.replace(/\/+$/, '');

// ─── DOM helpers ─────────────────────────────────────────────────────────────────────────────

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
const byId = (id) => /** @type {T} */ (document.getElementById(id));

/**
 * Creates an element with attributes and children (strings become text, never HTML).
 *
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attributes]
 * @param {(Node | string | undefined | false)[]} [children]
 */
const h = (tag, attributes = {}, children = []) => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'className') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

/** A `<time>` showing the time alone for today, else the day and time. @param {string} iso */
const timeElement = (iso) => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h('time', {}, [iso]);
  const today = date.toDateString() === new Date().toDateString();
  return h('time', { datetime: iso, title: date.toLocaleString() }, [
    (today ? timeFormat : dateFormat).format(date),
  ]);
};

/** @param {number} count @param {string} one @param {string} [many] */
const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

// ─── The app ─────────────────────────────────────────────────────────────────────────────────

/** The page's elements, looked up once at start. */
const collectUi = () => ({
  connection: byId('connection'),
  settingsToggle: byId('settings-toggle'),
  settingsClose: byId('settings-close'),
  settingsForm: /** @type {HTMLFormElement} */ (byId('settings-form')),
  settingsReset: byId('settings-reset'),
  errors: byId('errors'),
  status: byId('status'),
  newChat: byId('new-chat'),
  sessionList: byId('session-list'),
  sessionsEmpty: byId('sessions-empty'),
  sessionsMore: byId('sessions-more'),
  uploadForm: /** @type {HTMLFormElement} */ (byId('upload-form')),
  uploadInput: /** @type {HTMLInputElement} */ (byId('upload-input')),
  documentList: byId('document-list'),
  documentsEmpty: byId('documents-empty'),
  sessionLabel: byId('session-label'),
  olderMessages: byId('older-messages'),
  conversation: byId('conversation'),
  conversationEmpty: byId('conversation-empty'),
  composer: /** @type {HTMLFormElement} */ (byId('composer')),
  input: /** @type {HTMLTextAreaElement} */ (byId('message-input')),
  send: /** @type {HTMLButtonElement} */ (byId('send')),
  stop: byId('stop'),
});

/** @type {ReturnType<typeof collectUi>} */
let ui;

const state = {
  /** @type {Connection} */
  connection: { apiUrl: '', apiKey: '', streamUrl: '' },
  /** @type {Partial<Connection>} */
  localDefaults: {},
  /** @type {string | undefined} */
  sessionId: undefined,
  /** @type {string | undefined} */
  sessionsCursor: undefined,
  /** @type {string | undefined} */
  olderCursor: undefined,
  /** @type {AbortController | undefined} the running answer stream */
  streaming: undefined,
  /** @type {string | undefined} the question whose answer is streaming */
  pendingQuestion: undefined,
  /** @type {Map<string, HTMLLIElement>} document rows by id */
  documentRows: new Map(),
  /** bumped on every reconnection, so that polls of an old connection stop */
  generation: 0,
};

/** Announces a short status change to assistive technology. */
const announce = (/** @type {string} */ message) => {
  ui.status.textContent = '';
  // A fresh text node in a new task makes screen readers announce repeated messages too.
  setTimeout(() => {
    ui.status.textContent = message;
  }, 50);
};

/**
 * Any failure as a problem: the API's own, a network failure (`fetch` rejects with a
 * `TypeError`, which is also how CORS and CSP refusals look), or another error.
 *
 * @param {unknown} error
 * @returns {ProblemError['problem']}
 */
const toProblem = (error) => {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof TypeError) {
    return {
      title: 'Network error',
      status: 0,
      detail: `${error.message}: the server could not be reached, or the browser blocked the request (CORS or Content-Security-Policy).`,
    };
  }
  return {
    title: 'Error',
    status: 0,
    detail: error instanceof Error ? error.message : String(error),
  };
};

/**
 * Shows a failure in the errors area: the problem's title, status and detail, and any
 * validation errors.
 *
 * @param {unknown} error
 * @param {string} [context] what was being done, e.g. "Uploading notes.md"
 */
const showError = (error, context) => {
  const problem = toProblem(error);
  // The same failure from several requests (a rejected key, a server down) is shown once.
  const key = `${problem.status}:${problem.detail}`;
  if (
    [...ui.errors.children].some((item) => item instanceof HTMLElement && item.dataset.key === key)
  )
    return;
  if (problem.status === 401) setSettingsOpen(true);
  const heading = [context, `${problem.title}${problem.status ? ` (${problem.status})` : ''}`]
    .filter(Boolean)
    .join(': ');
  const dismiss = h(
    'button',
    { type: 'button', className: 'dismiss', 'aria-label': 'Dismiss this error' },
    ['×'],
  );
  const item = h('div', { className: 'error-item', 'data-testid': 'error', 'data-key': key }, [
    h('div', { className: 'error-text' }, [
      h('p', { className: 'error-title' }, [heading]),
      problem.detail &&
        h('p', { className: 'error-detail', 'data-testid': 'error-detail' }, [problem.detail]),
      problem.errors?.length &&
        h(
          'ul',
          { className: 'error-fields' },
          problem.errors.map((field) =>
            h('li', {}, [h('code', {}, [field.path || '(body)']), `: ${field.message}`]),
          ),
        ),
    ]),
    dismiss,
  ]);
  dismiss.addEventListener('click', () => {
    item.remove();
    ui.input.focus();
  });
  ui.errors.append(item);
  while (ui.errors.childElementCount > MAX_ERRORS_SHOWN) ui.errors.firstElementChild?.remove();
};

/**
 * Calls the HTTP API with the API key; throws a {@link ProblemError} on a non-2xx answer.
 *
 * @param {string} path e.g. `/v1/sessions?limit=20`
 * @param {RequestInit} [init]
 */
const api = async (path, init = {}) => {
  const response = await fetch(`${trimSlash(state.connection.apiUrl)}${path}`, {
    ...init,
    headers: {
      accept: 'application/json',
      authorization: `Bearer ${state.connection.apiKey}`,
      ...init.headers,
    },
  });
  if (!response.ok) throw await problemOf(response);
  return response.status === 204 ? undefined : response.json();
};

// ─── Connection settings ─────────────────────────────────────────────────────────────────────

const applyConnection = () => {
  const saved = readSavedSettings();
  const local = state.localDefaults;
  state.connection = {
    apiUrl: saved.apiUrl || local.apiUrl || location.origin,
    apiKey: saved.apiKey || local.apiKey || '',
    streamUrl: saved.streamUrl || local.streamUrl || '',
  };
  const form = ui.settingsForm.elements;
  /** @type {HTMLInputElement} */ (form.namedItem('apiKey')).value = saved.apiKey ?? '';
  /** @type {HTMLInputElement} */ (form.namedItem('apiUrl')).value = saved.apiUrl ?? '';
  /** @type {HTMLInputElement} */ (form.namedItem('streamUrl')).value = saved.streamUrl ?? '';
  /** @type {HTMLInputElement} */ (form.namedItem('apiKey')).placeholder = local.apiKey
    ? 'the local development key'
    : 'required';
  /** @type {HTMLInputElement} */ (form.namedItem('streamUrl')).placeholder =
    local.streamUrl ?? 'required: the function URL';
  const custom = Boolean(saved.apiKey || saved.apiUrl || saved.streamUrl);
  const key = state.connection.apiKey;
  ui.connection.textContent = key
    ? `${custom ? 'Custom connection' : 'Local stack'} · ${hostOf(state.connection.apiUrl)} · key …${key.slice(-4)}`
    : 'No API key: open the connection settings';
};

/** Shows or hides the connection settings (a disclosure: the toggle says which). */
const setSettingsOpen = (/** @type {boolean} */ open) => {
  ui.settingsForm.hidden = !open;
  ui.settingsToggle.setAttribute('aria-expanded', String(open));
};

const toggleSettings = () => {
  const open = ui.settingsForm.hidden;
  setSettingsOpen(open);
  if (open) /** @type {HTMLElement} */ (ui.settingsForm.elements.namedItem('apiKey'))?.focus();
};

const closeSettings = () => {
  setSettingsOpen(false);
  ui.settingsToggle.focus();
};

const saveSettings = (/** @type {SubmitEvent} */ event) => {
  event.preventDefault();
  const data = new FormData(ui.settingsForm);
  /** @type {Partial<Connection>} */
  const settings = {};
  for (const name of /** @type {const} */ (['apiKey', 'apiUrl', 'streamUrl'])) {
    const value = String(data.get(name) ?? '').trim();
    if (value) settings[name] = name === 'apiKey' ? value : trimSlash(value);
  }
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  reconnect('Settings saved.');
};

const resetSettings = () => {
  localStorage.removeItem(SETTINGS_KEY);
  reconnect('Using the local defaults.');
};

/** @param {string} [message] */
const reconnect = (message) => {
  state.generation += 1;
  stopStreaming();
  applyConnection();
  if (!state.connection.apiKey) setSettingsOpen(true);
  ui.errors.replaceChildren();
  startNewChat({ focus: false });
  state.sessionsCursor = undefined;
  ui.sessionList.replaceChildren();
  ui.sessionsMore.hidden = true;
  ui.sessionsEmpty.hidden = false;
  state.documentRows.clear();
  ui.documentList.replaceChildren();
  ui.documentsEmpty.hidden = false;
  if (message) announce(message);
  if (!state.connection.apiKey) {
    showError(
      new Error('Enter an API key (and the streaming URL) in the connection settings.'),
      'Not connected',
    );
    return;
  }
  void refreshSessions();
  void loadDocuments();
};

// ─── Sessions ────────────────────────────────────────────────────────────────────────────────

/** @param {{ sessionId: string, title: string, updatedAt: string, messageCount: number }} session */
const sessionItem = (session) => {
  const title = session.title || 'Untitled session';
  const open = h(
    'button',
    {
      type: 'button',
      className: 'session-open',
      'aria-current': session.sessionId === state.sessionId ? 'true' : undefined,
    },
    [
      h('span', { className: 'session-title' }, [title]),
      h('span', { className: 'session-meta' }, [
        plural(session.messageCount, 'message'),
        ' · ',
        timeElement(session.updatedAt),
      ]),
    ],
  );
  open.addEventListener('click', () => void loadSession(session.sessionId, title));
  const remove = h(
    'button',
    { type: 'button', className: 'session-delete', 'aria-label': `Delete session “${title}”` },
    ['Delete'],
  );
  remove.addEventListener('click', () => void deleteSession(session.sessionId, title));
  return h('li', { className: 'session', 'data-session-id': session.sessionId }, [open, remove]);
};

/** @param {{ append?: boolean }} [options] */
const refreshSessions = async ({ append = false } = {}) => {
  const generation = state.generation;
  try {
    const cursor =
      append && state.sessionsCursor ? `&cursor=${encodeURIComponent(state.sessionsCursor)}` : '';
    const page = await api(`/v1/sessions?limit=20${cursor}`);
    if (generation !== state.generation) return;
    const items = page.items.map(sessionItem);
    if (append) ui.sessionList.append(...items);
    else ui.sessionList.replaceChildren(...items);
    state.sessionsCursor = page.nextCursor;
    ui.sessionsMore.hidden = !page.nextCursor;
    ui.sessionsEmpty.hidden = ui.sessionList.childElementCount > 0;
  } catch (error) {
    showError(error, 'Loading the sessions');
  }
};

const markCurrentSession = () => {
  for (const item of ui.sessionList.querySelectorAll('li.session')) {
    const button = item.querySelector('.session-open');
    if (item.getAttribute('data-session-id') === state.sessionId)
      button?.setAttribute('aria-current', 'true');
    else button?.removeAttribute('aria-current');
  }
};

/** @param {string} sessionId @param {string} title */
const loadSession = async (sessionId, title) => {
  stopStreaming();
  try {
    const page = await api(`/v1/sessions/${encodeURIComponent(sessionId)}?limit=50`);
    state.sessionId = sessionId;
    rememberChat(sessionId);
    state.olderCursor = page.nextCursor;
    ui.olderMessages.hidden = !page.nextCursor;
    ui.sessionLabel.textContent = title;
    ui.conversation.replaceChildren(...[...page.items].reverse().map(storedMessage));
    markCurrentSession();
    scrollToEnd(true);
    announce(`Loaded “${title}”: ${plural(page.items.length, 'message')}.`);
    ui.input.focus();
  } catch (error) {
    showError(error, `Loading “${title}”`);
  }
};

const loadOlderMessages = async () => {
  if (!state.sessionId || !state.olderCursor) return;
  try {
    const page = await api(
      `/v1/sessions/${encodeURIComponent(state.sessionId)}?limit=50&cursor=${encodeURIComponent(state.olderCursor)}`,
    );
    state.olderCursor = page.nextCursor;
    ui.olderMessages.hidden = !page.nextCursor;
    ui.conversation.prepend(...[...page.items].reverse().map(storedMessage));
    announce(`Loaded ${plural(page.items.length, 'earlier message')}.`);
  } catch (error) {
    showError(error, 'Loading earlier messages');
  }
};

/** @param {string} sessionId @param {string} title */
const deleteSession = async (sessionId, title) => {
  if (!window.confirm(`Delete the session “${title}” and its messages?`)) return;
  try {
    await api(`/v1/sessions/${encodeURIComponent(sessionId)}`, { method: 'DELETE' });
    if (state.sessionId === sessionId) startNewChat({ focus: false });
    announce(`Deleted “${title}”.`);
    await refreshSessions();
    ui.newChat.focus();
  } catch (error) {
    showError(error, `Deleting “${title}”`);
  }
};

/** @param {{ focus?: boolean }} [options] */
const startNewChat = ({ focus = true } = {}) => {
  stopStreaming();
  localStorage.removeItem(CHAT_KEY);
  state.sessionId = undefined;
  state.olderCursor = undefined;
  ui.olderMessages.hidden = true;
  ui.sessionLabel.textContent = 'New conversation';
  ui.conversation.replaceChildren(ui.conversationEmpty);
  markCurrentSession();
  if (focus) ui.input.focus();
};

// ─── Messages ────────────────────────────────────────────────────────────────────────────────

/** @param {string} text */
const userBubble = (text) =>
  h(
    'article',
    { className: 'message user', 'data-testid': 'question', 'aria-label': 'You asked' },
    [h('p', { className: 'message-text' }, [text])],
  );

/**
 * An answer bubble, filled as the stream arrives (or at once from a stored message).
 */
const answerBubble = () => {
  const text = document.createTextNode('');
  const body = h('div', { className: 'message-text', 'data-testid': 'answer-text' }, [text]);
  const sourceList = h('ol', { className: 'source-list' });
  const sourcesHeading = h('h3', { className: 'sources-heading' }, ['Sources']);
  const sources = h('section', { className: 'sources', hidden: true }, [
    sourcesHeading,
    sourceList,
  ]);
  const meta = h('p', { className: 'answer-meta', 'data-testid': 'answer-meta', hidden: true });
  const root = h(
    'article',
    { className: 'message answer', 'data-testid': 'answer', 'aria-label': 'Answer' },
    [body, sources, meta],
  );
  return {
    root,
    /** Set by a `finish` part that says the stop route cut the answer. */
    interrupted: false,
    /** @param {string} delta */
    appendText: (delta) => text.appendData(delta),
    textLength: () => text.length,
    /** @param {{ title: string, score: number, snippet: string, documentId: string, chunkIndex: number }} source */
    addSource: (source) => {
      sourceList.append(sourceItem(source));
      sources.hidden = false;
      sourcesHeading.textContent = `Sources (${sourceList.childElementCount})`;
    },
    /** @param {string | undefined} model @param {{ promptTokens?: number, completionTokens?: number, totalTokens?: number } | undefined} usage */
    setMeta: (model, usage) => {
      const parts = [model ? `model ${model}` : undefined];
      if (usage?.totalTokens) {
        parts.push(
          `${plural(usage.totalTokens, 'token')} (${usage.promptTokens ?? '?'} prompt, ${usage.completionTokens ?? '?'} completion)`,
        );
      }
      meta.textContent = parts.filter(Boolean).join(' · ');
      meta.hidden = meta.textContent === '';
    },
    /** @param {'streaming' | 'done' | 'stopped' | 'error'} value @param {string} [note] */
    setState: (value, note) => {
      root.dataset.state = value;
      if (note) root.append(h('p', { className: `answer-note ${value}` }, [note]));
    },
  };
};

/** @param {{ title: string, score: number, snippet: string, documentId: string, chunkIndex: number }} source */
const sourceItem = (source) =>
  h('li', { className: 'source', 'data-testid': 'source', 'data-document-id': source.documentId }, [
    h('div', { className: 'source-head' }, [
      h('span', { className: 'source-title' }, [source.title || source.documentId]),
      h('span', { className: 'source-score', title: 'Similarity score' }, [
        `score ${typeof source.score === 'number' ? source.score.toFixed(3) : '?'}`,
      ]),
    ]),
    h('p', { className: 'source-snippet' }, [source.snippet ?? '']),
  ]);

/** @param {{ role: string, content: string, sources?: any[], model?: string, usage?: any, incomplete?: boolean }} message */
const storedMessage = (message) => {
  if (message.role === 'user') return userBubble(message.content);
  const answer = answerBubble();
  answer.appendText(message.content);
  for (const source of message.sources ?? []) answer.addSource(source);
  answer.setMeta(message.model, message.usage);
  if (message.incomplete) answer.setState('stopped', 'This answer was cut before it finished.');
  else answer.setState('done');
  return answer.root;
};

/** Keeps the newest text in view, unless the reader scrolled up to read something else. */
const scrollToEnd = (force = false) => {
  const element = ui.conversation;
  const nearEnd = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
  if (force || nearEnd) element.scrollTop = element.scrollHeight;
};

/** @param {boolean} running */
const setStreamingUi = (running) => {
  ui.send.disabled = running;
  ui.stop.hidden = !running;
  ui.conversation.setAttribute('aria-busy', String(running));
};

const stopStreaming = () => {
  state.streaming?.abort(new DOMException('Stopped by the user', 'AbortError'));
};

/**
 * Applies one part of the UI message stream to the answer being written.
 *
 * @param {ReturnType<typeof answerBubble>} answer
 * @param {Record<string, any>} part
 * @returns {boolean} whether the part ends the answer (`finish`)
 */
const applyPart = (answer, part) => {
  switch (part.type) {
    case 'start': {
      const sessionId = part.messageMetadata?.sessionId;
      if (sessionId && sessionId !== state.sessionId) {
        state.sessionId = sessionId;
        void refreshSessions();
      }
      if (sessionId) rememberChat(sessionId, state.pendingQuestion);
      return false;
    }
    case 'source-document': {
      const rag = part.providerMetadata?.rag ?? {};
      answer.addSource({
        title: part.title,
        documentId: rag.documentId,
        chunkIndex: rag.chunkIndex,
        score: rag.score,
        snippet: rag.snippet,
      });
      return false;
    }
    case 'text-delta':
      answer.appendText(part.delta ?? '');
      scrollToEnd();
      return false;
    case 'finish':
      answer.interrupted = part.finishReason === 'interrupted';
      answer.setMeta(part.messageMetadata?.model, part.messageMetadata?.usage);
      scrollToEnd();
      return true;
    case 'error':
      throw new Error(part.errorText || 'The answer failed.');
    default:
      return false; // text-start, text-end and parts this page does not show
  }
};

/**
 * Streams an answer into a new bubble: `open` makes the request (the question, or a resume of
 * the chat's active answer). Resolves false, adding nothing, when a resume finds nothing
 * streaming (204).
 *
 * @param {string} question shown above the answer
 * @param {(signal: AbortSignal) => Promise<Response>} open
 */
const playAnswer = async (question, open) => {
  const controller = new AbortController();
  state.streaming = controller;
  state.pendingQuestion = question;
  setStreamingUi(true);
  /** @type {ReturnType<typeof answerBubble> | undefined} */
  let answer;
  let finished = false;
  try {
    const response = await open(controller.signal);
    if (response.status === 204) return false;
    if (!response.ok) throw await problemOf(response);
    if (!response.body) throw new Error('The response has no body to stream.');
    ui.conversationEmpty.remove();
    ui.conversation.append(userBubble(question));
    answer = answerBubble();
    answer.setState('streaming');
    ui.conversation.append(answer.root);
    scrollToEnd(true);
    announce('Answering…');
    for await (const part of readUiMessageParts(response.body)) {
      if (applyPart(answer, part)) finished = true;
    }
    if (!finished) throw new Error('The stream ended before the answer finished.');
    if (answer.interrupted) {
      answer.setState('stopped', 'Stopped.');
      announce('Answer stopped.');
    } else {
      answer.setState('done');
      announce(`Answer complete${answer.textLength() ? '' : ' (empty)'}.`);
    }
    return true;
  } catch (error) {
    if (controller.signal.aborted) {
      answer?.setState('stopped', 'Stopped.');
      announce('Answer stopped.');
    } else {
      answer?.setState('error', `The answer failed: ${toProblem(error).detail}`);
      showError(error, 'Answering');
      announce('The answer failed.');
    }
    return true;
  } finally {
    if (state.streaming === controller) {
      state.streaming = undefined;
      state.pendingQuestion = undefined;
      setStreamingUi(false);
      if (state.sessionId) rememberChat(state.sessionId);
    }
    if (state.sessionId) void refreshSessions();
  }
};

/** @param {string} message */
const ask = async (message) => {
  if (!state.connection.streamUrl) {
    showError(new Error('Set the streaming URL in the connection settings.'), 'Cannot ask');
    setSettingsOpen(true);
    return;
  }
  if (!state.sessionId) {
    ui.sessionLabel.textContent = message;
    // A new chat is named here, as useChat names it, so that Stop can reach its first answer
    // before that answer's first part (which would otherwise be what names the chat).
    state.sessionId = globalThis.crypto?.randomUUID?.();
  }
  if (state.sessionId) rememberChat(state.sessionId, message);
  await playAnswer(message, (signal) =>
    fetch(state.connection.streamUrl, {
      method: 'POST',
      headers: {
        accept: 'text/event-stream',
        'content-type': 'application/json',
        authorization: `Bearer ${state.connection.apiKey}`,
      },
      body: JSON.stringify(state.sessionId ? { sessionId: state.sessionId, message } : { message }),
      signal,
    }),
  );
};

/** The URL of a route under the chat on the streaming endpoint. @param {string} sessionId @param {'stream' | 'stop'} route */
const chatRoute = (sessionId, route) =>
  `${trimSlash(state.connection.streamUrl)}/${encodeURIComponent(sessionId)}/${route}`;

/** @param {string} sessionId @param {string} [question] */
const rememberChat = (sessionId, question) =>
  localStorage.setItem(CHAT_KEY, JSON.stringify({ sessionId, question }));

/** @returns {{ sessionId?: string, question?: string }} */
const savedChat = () => {
  try {
    const saved = JSON.parse(localStorage.getItem(CHAT_KEY) ?? '{}');
    return saved && typeof saved === 'object' ? saved : {};
  } catch {
    return {};
  }
};

/**
 * Reopens the chat that was open before the page (re)loaded and, like the AI SDK's
 * `useChat({ resume: true })`, reconnects to its answer if one is still streaming: the
 * endpoint replays it from its start, then follows it live.
 *
 * @param {{ sessionId?: string, question?: string }} chat
 */
const resumeChat = async ({ sessionId, question }) => {
  if (!sessionId || !state.connection.streamUrl) return;
  try {
    const page = await api(`/v1/sessions/${encodeURIComponent(sessionId)}?limit=50`).catch(
      (error) => {
        // A first answer still streaming has no stored session yet.
        if (error instanceof ProblemError && error.problem.status === 404) return undefined;
        throw error;
      },
    );
    state.sessionId = sessionId;
    if (page) {
      state.olderCursor = page.nextCursor;
      ui.olderMessages.hidden = !page.nextCursor;
      const messages = [...page.items].reverse();
      ui.sessionLabel.textContent = messages[0]?.content ?? question ?? 'Conversation';
      if (messages.length) ui.conversation.replaceChildren(...messages.map(storedMessage));
    } else if (question) {
      ui.sessionLabel.textContent = question;
    }
    markCurrentSession();
    const resumed = await playAnswer(question ?? '…', (signal) =>
      fetch(chatRoute(sessionId, 'stream'), {
        headers: { authorization: `Bearer ${state.connection.apiKey}` },
        signal,
      }),
    );
    if (!resumed && !page) startNewChat({ focus: false });
    scrollToEnd(true);
  } catch (error) {
    showError(error, 'Reopening the conversation');
  }
};

/**
 * The Stop button: asks the streaming endpoint to stop the answer wherever it runs (the
 * stream then ends with a `finish` part marked interrupted), even while it is prepared. Without
 * resumable streaming (404), or for a chat not named (no `crypto.randomUUID` outside a secure
 * context), cutting the connection is what stops the model.
 */
const requestStop = async () => {
  const sessionId = state.sessionId;
  if (!state.streaming) return;
  if (!sessionId) {
    stopStreaming();
    return;
  }
  try {
    const response = await fetch(chatRoute(sessionId, 'stop'), {
      method: 'POST',
      headers: { authorization: `Bearer ${state.connection.apiKey}` },
    });
    if (!response.ok) stopStreaming();
  } catch {
    stopStreaming();
  }
};

const submitQuestion = (/** @type {Event} */ event) => {
  event.preventDefault();
  const message = ui.input.value.trim();
  if (!message || state.streaming) return;
  ui.input.value = '';
  void ask(message);
};

/** Enter sends, Shift+Enter starts a new line, Escape stops a running answer. */
const onInputKey = (/** @type {KeyboardEvent} */ event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.composer.requestSubmit();
  } else if (event.key === 'Escape' && state.streaming) {
    event.preventDefault();
    void requestStop();
  }
};

// ─── Documents ───────────────────────────────────────────────────────────────────────────────

/**
 * @typedef {{ id: string, title: string, status: string, chunkCount?: number, error?: string,
 *   version?: number, updatedAt?: string }} DocumentView
 */

/** @param {string} title */
const documentRow = (title) => {
  const row = /** @type {HTMLLIElement} */ (
    h('li', { className: 'document' }, [
      h('span', { className: 'document-title' }, [title]),
      h(
        'span',
        {
          className: 'document-status',
          'data-testid': 'document-status',
          'data-status': 'uploading',
        },
        ['uploading'],
      ),
      h('span', { className: 'document-detail' }),
    ])
  );
  addDocumentActions(row);
  ui.documentList.prepend(row);
  ui.documentsEmpty.hidden = true;
  return row;
};

/** @param {HTMLLIElement} row @param {Partial<DocumentView> & { status: string }} document */
const renderDocument = (row, document) => {
  const status = /** @type {HTMLElement} */ (row.querySelector('.document-status'));
  const detail = /** @type {HTMLElement} */ (row.querySelector('.document-detail'));
  const title = /** @type {HTMLElement} */ (row.querySelector('.document-title'));
  if (document.title) title.textContent = document.title;
  if (document.id) row.dataset.documentId = document.id;
  status.dataset.status = document.status;
  status.textContent = document.status;
  detail.textContent =
    document.status === 'ready'
      ? plural(document.chunkCount ?? 0, 'chunk')
      : document.status === 'failed'
        ? (document.error ?? 'Indexing failed.')
        : document.version && document.version > 1
          ? `version ${document.version}`
          : '';
};

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls a document until it is `ready` or `failed`, updating its row and announcing the end.
 *
 * @param {string} id @param {HTMLLIElement} row
 */
const pollDocument = async (id, row) => {
  const generation = state.generation;
  let delay = 300;
  let failures = 0;
  while (generation === state.generation && row.isConnected) {
    await sleep(delay);
    if (generation !== state.generation || !row.isConnected) return;
    try {
      /** @type {DocumentView} */
      const document = await api(`/v1/documents/${encodeURIComponent(id)}`);
      failures = 0;
      const before = row.querySelector('.document-status')?.getAttribute('data-status');
      renderDocument(row, document);
      if (TERMINAL_STATUSES.has(document.status)) {
        if (before !== document.status) {
          announce(
            document.status === 'ready'
              ? `“${document.title}” is ready: ${plural(document.chunkCount ?? 0, 'chunk')}.`
              : `“${document.title}” failed: ${document.error ?? 'indexing failed'}.`,
          );
        }
        return;
      }
    } catch (error) {
      failures += 1;
      if (failures >= 5) {
        showError(error, `Checking “${row.querySelector('.document-title')?.textContent}”`);
        return;
      }
    }
    delay = Math.min(delay * 1.5, 3_000);
  }
};

/** @param {File} file */
const uploadFile = async (file) => {
  const row = documentRow(file.name);
  try {
    const form = new FormData();
    form.append('file', file, file.name);
    /** @type {{ id: string, status: string, version: number }} */
    const accepted = await api('/v1/documents', { method: 'POST', body: form });
    // A new version of a listed document replaces its row.
    const existing = state.documentRows.get(accepted.id);
    if (existing && existing !== row) existing.remove();
    state.documentRows.set(accepted.id, row);
    renderDocument(row, { ...accepted, title: file.name });
    announce(`“${file.name}” uploaded: ${accepted.status}.`);
    await pollDocument(accepted.id, row);
  } catch (error) {
    renderDocument(row, {
      status: 'failed',
      error: error instanceof Error ? error.message : String(error),
    });
    showError(error, `Uploading “${file.name}”`);
  }
};

const uploadSelected = () => {
  const files = [...(ui.uploadInput.files ?? [])];
  ui.uploadForm.reset();
  if (files.length === 0) return;
  announce(`Uploading ${plural(files.length, 'file')}…`);
  for (const file of files) void uploadFile(file);
};

const loadDocuments = async () => {
  const generation = state.generation;
  try {
    /** @type {{ items: DocumentView[] }} */
    const page = await api('/v1/documents?limit=50');
    if (generation !== state.generation) return;
    for (const document of [...page.items].reverse()) {
      if (state.documentRows.has(document.id)) continue;
      const row = documentRow(document.title);
      state.documentRows.set(document.id, row);
      renderDocument(row, document);
      if (!TERMINAL_STATUSES.has(document.status)) void pollDocument(document.id, row);
    }
    ui.documentsEmpty.hidden = ui.documentList.childElementCount > 0;
  } catch (error) {
    showError(error, 'Loading the documents');
  }
};

// ─── Document actions: delete, chunk view ────────────────────────────────────────────────────

/** How many chunks the chunk view loads at a time. */
const CHUNK_PAGE_SIZE = 20;

/** @param {HTMLLIElement} row */
const documentTitleOf = (row) => row.querySelector('.document-title')?.textContent ?? 'document';

/**
 * Gives a document row its "Chunks" and "Delete" buttons and its (closed) chunk view. Both act
 * once the upload has an id.
 *
 * @param {HTMLLIElement} row
 */
const addDocumentActions = (row) => {
  const chunks = h(
    'button',
    {
      type: 'button',
      className: 'document-action',
      'aria-expanded': 'false',
      'data-testid': 'document-chunks',
    },
    ['Chunks'],
  );
  const remove = h(
    'button',
    {
      type: 'button',
      className: 'document-action document-delete',
      'data-testid': 'document-delete',
    },
    ['Delete'],
  );
  const view = h('div', { className: 'chunk-view', 'data-testid': 'chunk-view', hidden: true });
  chunks.addEventListener('click', () => void toggleChunks(row, chunks, view));
  remove.addEventListener('click', () => void deleteDocument(row));
  row.append(h('div', { className: 'document-actions' }, [chunks, remove]), view);
};

/** @param {HTMLLIElement} row */
const deleteDocument = async (row) => {
  const id = row.dataset.documentId;
  const title = documentTitleOf(row);
  if (!id || !window.confirm(`Delete “${title}”, its upload and its indexed chunks?`)) return;
  try {
    await api(`/v1/documents/${encodeURIComponent(id)}`, { method: 'DELETE' });
    row.remove();
    state.documentRows.delete(id);
    ui.documentsEmpty.hidden = ui.documentList.childElementCount > 0;
    announce(`Deleted “${title}”.`);
  } catch (error) {
    showError(error, `Deleting “${title}”`);
  }
};

/**
 * Opens (loading the first page) or closes a document's chunk view.
 *
 * @param {HTMLLIElement} row @param {HTMLElement} button @param {HTMLElement} view
 */
const toggleChunks = async (row, button, view) => {
  const open = button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(open));
  view.hidden = !open;
  if (!open) return;
  view.replaceChildren();
  await loadChunks(row, view, 0);
};

/**
 * Appends a page of a document's chunks to its chunk view, with a "More chunks" button while
 * there are more.
 *
 * @param {HTMLLIElement} row @param {HTMLElement} view @param {number} offset
 */
const loadChunks = async (row, view, offset) => {
  const id = row.dataset.documentId;
  if (!id) return;
  try {
    /** @type {{ items: { chunkIndex: number, text: string }[], nextOffset?: number }} */
    const page = await api(
      `/v1/documents/${encodeURIComponent(id)}/chunks?offset=${offset}&limit=${CHUNK_PAGE_SIZE}`,
    );
    view.querySelector('.chunks-more')?.remove();
    let list = view.querySelector('ol.chunk-list');
    if (!list) {
      list = h('ol', { className: 'chunk-list', 'data-testid': 'chunk-list' });
      view.append(list);
    }
    list.append(
      ...page.items.map((chunk) =>
        h(
          'li',
          { className: 'chunk', value: String(chunk.chunkIndex + 1), 'data-testid': 'chunk' },
          [h('pre', { className: 'chunk-text' }, [chunk.text])],
        ),
      ),
    );
    if (list.childElementCount === 0)
      view.append(h('p', { className: 'empty' }, ['No chunks indexed yet.']));
    if (page.nextOffset !== undefined) {
      const more = h('button', { type: 'button', className: 'secondary small chunks-more' }, [
        'More chunks',
      ]);
      more.addEventListener(
        'click',
        () => void loadChunks(row, view, /** @type {number} */ (page.nextOffset)),
      );
      view.append(more);
    }
  } catch (error) {
    showError(error, `Loading the chunks of “${documentTitleOf(row)}”`);
  }
};

// ─── Start ───────────────────────────────────────────────────────────────────────────────────

const boot = async () => {
  ui = collectUi();
  ui.settingsForm.addEventListener('submit', saveSettings);
  ui.settingsReset.addEventListener('click', resetSettings);
  ui.settingsToggle.addEventListener('click', toggleSettings);
  ui.settingsClose.addEventListener('click', closeSettings);
  ui.settingsForm.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeSettings();
  });
  ui.newChat.addEventListener('click', () => startNewChat());
  ui.sessionsMore.addEventListener('click', () => void refreshSessions({ append: true }));
  ui.olderMessages.addEventListener('click', () => void loadOlderMessages());
  ui.uploadInput.addEventListener('change', uploadSelected);
  ui.uploadForm.addEventListener('submit', (event) => event.preventDefault());
  ui.composer.addEventListener('submit', submitQuestion);
  ui.input.addEventListener('keydown', onInputKey);
  ui.stop.addEventListener('click', () => {
    void requestStop();
    ui.input.focus();
  });
  state.localDefaults = await fetchLocalConfig();
  const chat = savedChat();
  reconnect();
  void resumeChat(chat);
  document.body.dataset.ready = 'true';
};

// Importable without a DOM (the protocol helpers above are plain functions).
if (typeof document !== 'undefined') void boot();
