// A minimal client of the Vigie HTTP API for test set-up: logs in, keeps
// the session cookie and the CSRF token, and sends JSON.

export async function apiSession(base, user, password) {
  const login = await fetch(new URL('/api/login', base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  if (!login.ok) throw new Error(`login of ${user} at ${base}: HTTP ${login.status} ${await login.text()}`);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await login.json();

  // Sends a request; throws with the status and body unless it succeeds.
  return async function call(method, path, body) {
    const response = await fetch(new URL(path, base), {
      method,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Cookie: cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}
