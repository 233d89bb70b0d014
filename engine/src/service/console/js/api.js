// The client of the Vigie HTTP API. The session lives in the HttpOnly
// cookie; this module keeps the session's CSRF token and sends it as
// X-CSRF-Token on every request that changes something.

let csrfToken = null;
let expiredHandler = () => {};

// An error response of the API: `status` is the HTTP status (0 when the
// server could not be reached), `code` and `message` come from the body
// {"error": {"code", "message"}}, `retryAfter` from the Retry-After header
// in seconds.
export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = details.retryAfter ?? null;
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

// Registers the function called when a request gets 401 because the
// session ended (expired, or logged out elsewhere).
export function onSessionExpired(handler) {
  expiredHandler = handler;
}

function retryAfterSeconds(response) {
  const header = response.headers.get('Retry-After');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function readBody(response) {
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function send(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, 'network', error.message);
  }
}

// Sends a request and returns the parsed JSON body (null for 204).
// Options: `session: false` for the requests whose 401 does not mean an
// expired session (login and the first session check).
export async function api(method, path, body, { session = true } = {}) {
  let response = await send(method, path, body);

  // A CSRF rejection happens when the session was renewed in another tab:
  // fetch the current token once and try again.
  if (response.status === 403 && method !== 'GET' && session) {
    const data = await readBody(response.clone());
    if (data?.error?.code === 'csrf') {
      const current = await send('GET', '/api/session');
      if (current.ok) {
        setCsrfToken((await readBody(current))?.csrf_token ?? null);
        response = await send(method, path, body);
      }
    }
  }

  const data = await readBody(response);
  if (response.ok) return data;

  const error = data?.error ?? {};
  const failure = new ApiError(response.status, error.code, error.message, {
    ...error,
    retryAfter: retryAfterSeconds(response),
  });
  if (response.status === 401 && session) expiredHandler(failure);
  throw failure;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body = {}, options) => api('POST', path, body, options);
export const del = (path, options) => api('DELETE', path, undefined, options);

// Error codes of the API that have a message of their own in i18n/*.json
// (key error.code.<code>). The server's `message` is English and meant for
// developers, so the console shows it only for `invalid`, where it names
// the value to fix.
export const KNOWN_ERROR_CODES = [
  'bad_credentials', 'rate_limited', 'session_expired', 'csrf', 'forbidden', 'not_found',
  'conflict', 'stopping', 'too_large', 'internal', 'invalid', 'unavailable',
];

// The text of an API error in the console's language: the translated
// message of a known code, plus the server's detail for `invalid`; a
// network failure says the server does not respond; an unknown code falls
// back to the HTTP status and the server's message. `translate` is the
// t() of i18n.js, passed in so that this module stays free of the DOM.
export function describeError(error, translate) {
  if (error.status === 0) return translate('error.network');
  const code = error.code || (error.status === 503 ? 'stopping' : null);
  if (code === 'invalid' && error.message && error.message !== code) {
    return translate('error.with_detail', { message: translate('error.code.invalid'), detail: error.message });
  }
  if (KNOWN_ERROR_CODES.includes(code)) return translate(`error.code.${code}`);
  return translate('error.unknown', { status: error.status, message: error.message });
}
