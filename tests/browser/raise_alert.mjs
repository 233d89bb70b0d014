// Raises the city alert through the HTTP API as a supervisor would, so that
// the campaign of the browser tests opens a cycle.
// Usage: node raise_alert.mjs BASE_URL USER PASSWORD NAME LEVEL
// Exits with 1 when the API rejects a request.

import { apiSession } from './api_client.mjs';

const [base, user, password, name, level] = process.argv.slice(2);
if (!level) {
  console.error('usage: node raise_alert.mjs BASE_URL USER PASSWORD NAME LEVEL');
  process.exit(2);
}

try {
  const call = await apiSession(base, user, password);
  const raised = await call('POST', '/api/alerts', { name, level: Number(level) });
  console.log(`alert ${name} at level ${level}; cycles started: ${JSON.stringify(raised.cycles_started)}`);
  await call('POST', '/api/logout', {});
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exit(1);
}
