// A stand-in for `vigie serve` that implements the JSON API the web console
// uses, on one in-memory campaign (mock/campaign.mjs), and serves the
// console's static files. It exists to test the console alone, quickly;
// the engine's rules (calling hours, priority, stores) are not modelled.
//
// Run: node mock/server.mjs --console DIR [--port 0] [--port-file FILE]
// Test hooks (no login): POST /mock/expire-sessions ends every session,
// POST /mock/advance {"seconds": N} moves the clock forward,
// POST /mock/hold-timeout {"seconds": N} sets how long a hold lasts after
// the agent's last request (120 s until set).

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAMPAIGN, SCRIPT, ROUTES, RETRY_AFTER, applies, evaluate, readRoster } from './campaign.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_ROSTER = join(HERE, '..', 'data', 'registre.csv');

// The users of the browser tests; run_mock.sh and console.mjs log in with these.
export const USERS = {
  agent1: { password: 'agent1-pw', roles: ['agent'] },
  agent2: { password: 'agent2-pw', roles: ['agent'] },
  equipe_social: { password: 'social-pw', roles: ['team:social'] },
  superviseur: { password: 'superviseur-pw', roles: ['supervisor'] },
  polyvalent: { password: 'polyvalent-pw', roles: ['agent', 'team:social', 'supervisor'] },
};

const DEFAULT_HOLD_S = 120;
const LOGIN_LIMIT = { attempts: 5, per_s: 15 * 60 };
const FINAL = new Set(SCRIPT.dispositions.filter((entry) => entry.final).map((entry) => entry.id));
const LINE = new Set(['no_answer', 'busy', 'voicemail', 'failed', 'wrong_number']);
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const token = () => randomBytes(18).toString('base64url');
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// An instant as ISO 8601 with the offset of `timeZone` ("...T10:00:00+02:00").
function localIso(ms, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset',
  }).formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

// "2019-06-24T15:00" in `timeZone` -> epoch milliseconds.
function fromLocal(text, timeZone) {
  const guess = Date.parse(`${text}:00Z`);
  if (Number.isNaN(guess)) return NaN;
  const offset = localIso(guess, timeZone).slice(19);
  return Date.parse(`${text}:00${offset}`);
}

export function createMockService({ rosterPath = DEFAULT_ROSTER, start = '2019-06-24T08:00:00Z' } = {}) {
  const roster = readRoster(rosterPath);
  const startedAt = Date.now();
  let advanced = 0;
  let holdSeconds = DEFAULT_HOLD_S;
  const now = () => Date.parse(start) + (Date.now() - startedAt) + advanced;

  const sessions = new Map();
  const failures = new Map();  // user -> [failure times]
  const alerts = new Map();
  const holds = new Map();     // token -> hold
  const cycles = [];
  const deskAlerts = [];
  const seen = new Map();      // agent -> last request time

  // ---- sessions --------------------------------------------------------

  function sessionOf(request) {
    const cookie = request.headers.cookie ?? '';
    const id = /(?:^|;\s*)vigie_session=([^;]+)/.exec(cookie)?.[1];
    const session = id && sessions.get(id);
    if (!session || session.expires < Date.now()) throw new HttpError(401, 'unauthenticated', 'not logged in or session expired');
    return session;
  }

  function sessionBody(session) {
    return { user: session.user, roles: session.roles, csrf_token: session.csrf, expires_at: iso(session.expires) };
  }

  function login(body, response) {
    const user = String(body.user ?? '');
    const recent = (failures.get(user) ?? []).filter((at) => Date.now() - at < LOGIN_LIMIT.per_s * 1000);
    if (recent.length >= LOGIN_LIMIT.attempts) {
      const wait = Math.ceil((recent[0] + LOGIN_LIMIT.per_s * 1000 - Date.now()) / 1000);
      throw new HttpError(429, 'rate_limited', 'too many login attempts', { 'Retry-After': String(wait) });
    }
    const account = USERS[user];
    if (!account || account.password !== body.password) {
      failures.set(user, [...recent, Date.now()]);
      throw new HttpError(401, 'bad_credentials', 'wrong user name or password');
    }

    const id = token();
    const session = { id, user, roles: account.roles, csrf: token(), expires: Date.now() + 8 * 3600 * 1000 };
    sessions.set(id, session);
    response.setHeader('Set-Cookie', `vigie_session=${id}; HttpOnly; SameSite=Strict; Path=/`);
    return sessionBody(session);
  }

  function requireRole(session, ...roles) {
    if (!session.roles.some((role) => roles.includes(role))) {
      throw new HttpError(403, 'forbidden', `this needs one of the roles ${roles.join(', ')}`);
    }
  }

  // ---- cycles and holds ------------------------------------------------

  const openCycle = () => cycles.find((cycle) => !cycle.ended);

  function startCycle() {
    const started = now();
    const cycle = {
      cycle: cycles.length + 1, started, window_end: started + 48 * 3600 * 1000, ended: null,
      start_deadline: started + CAMPAIGN.start_within_s * 1000, first_call_at: null,
      contacts: new Map(roster.map((person) => [person.contact_id, {
        person, attempts: [], next_due: started, decided: false, outcome: null, answers: new Map(),
      }])),
    };
    cycles.push(cycle);
    return cycle;
  }

  function expireHolds() {
    for (const [key, hold] of holds) {
      if (hold.expires > now()) continue;
      holds.delete(key);
      for (const id of hold.people) record(hold.cycle, id, 'failed', new Map());
    }
  }

  function personRecord(cycle, state) {
    const previous = [];
    for (const other of cycles) {
      const entry = other.contacts.get(state.person.contact_id);
      for (const attempt of entry?.attempts ?? []) previous.push({ cycle: other.cycle, attempt: attempt.attempt, start: iso(attempt.start), disposition: attempt.disposition });
    }
    const outcomes = cycles.filter((other) => other !== cycle && other.contacts.get(state.person.contact_id)?.outcome)
      .map((other) => ({ cycle: other.cycle, outcome: other.contacts.get(state.person.contact_id).outcome }));
    return {
      contact_id: state.person.contact_id, phone: state.person.phone, attempt: state.attempts.length + 1,
      timezone: state.person.timezone, fields: state.person.fields,
      previous_attempts: previous, previous_outcomes: outcomes,
    };
  }

  function handoutBody(hold) {
    return {
      token: hold.token, campaign: CAMPAIGN.name, cycle: hold.cycle.cycle, taken_at: iso(hold.taken), expires_at: iso(hold.expires),
      people: hold.people.map((id) => personRecord(hold.cycle, hold.cycle.contacts.get(id))),
    };
  }

  const heldIds = () => new Set([...holds.values()].flatMap((hold) => hold.people));

  function next(agent) {
    const existing = [...holds.values()].find((hold) => hold.agent === agent);
    if (existing) return { status: 'already_holding', handout: handoutBody(existing) };
    const cycle = openCycle();
    if (!cycle) return { status: 'no_active_cycle' };

    const held = heldIds();
    const waiting = [...cycle.contacts.values()].filter((state) => !state.decided && !held.has(state.person.contact_id));
    const due = waiting.filter((state) => state.next_due <= now());
    if (due.length === 0) {
      const times = waiting.map((state) => state.next_due);
      return { status: 'nothing_due', next_due: times.length ? iso(Math.min(...times)) : null };
    }

    const first = due[0];
    const household = due.filter((state) => state.person.phone === first.person.phone);
    const hold = { token: token(), agent, cycle, taken: now(), expires: now() + holdSeconds * 1000, people: household.map((state) => state.person.contact_id) };
    holds.set(hold.token, hold);
    return { status: 'handed', handout: handoutBody(hold) };
  }

  function holdOf(agent, body) {
    const hold = holds.get(body.token);
    if (!hold) throw new HttpError(404, 'not_found', 'no hold with this token: it expired or was submitted');
    if (hold.agent !== agent) throw new HttpError(403, 'forbidden', 'this hold belongs to another agent');
    hold.expires = now() + holdSeconds * 1000;
    return hold;
  }

  function settleAnswers(draft) {
    const answers = new Map((draft ?? []).map((answer) => [answer.question, answer.values ?? []]));
    const cleared = [];
    const questions = SCRIPT.questions.map((question) => {
      const applying = applies(question.id, answers);
      if (!applying && answers.has(question.id)) {
        answers.delete(question.id);
        cleared.push(question.id);
      }
      return { id: question.id, applies: applying, answered: answers.has(question.id) };
    });
    const complete = SCRIPT.questions.every((question) =>
      question.kind === 'say' || question.optional || !applies(question.id, answers) || answers.has(question.id));
    return { answers, questions, cleared, complete };
  }

  function checkAnswer(contactId, answer) {
    const question = SCRIPT.questions.find((entry) => entry.id === answer.question);
    const fail = (why) => new HttpError(400, 'invalid', `contact ${contactId}: the answer to question '${answer.question}' ${why}`);
    if (!question || question.kind === 'say') throw fail('names no question of the script');
    const values = answer.values ?? [];
    if (question.kind === 'yes_no' && !(values.length === 1 && ['yes', 'no'].includes(values[0]))) throw fail('must be yes or no');
    if (question.kind === 'choice' && !(values.length === 1 && question.options.some((option) => option.id === values[0]))) throw fail('must be one option id');
    if (question.kind === 'multi' && !values.every((value) => question.options.some((option) => option.id === value))) throw fail('has an unknown option id');
    if (question.kind === 'number') {
      const number = Number(values[0]);
      if (values.length !== 1 || Number.isNaN(number) || number < question.min || number > question.max) {
        throw fail(`must be a number from ${question.min} to ${question.max}`);
      }
    }
  }

  function record(cycle, contactId, disposition, answers, callbackAt = null) {
    const state = cycle.contacts.get(contactId);
    const at = now();
    state.attempts.push({ attempt: state.attempts.length + 1, start: at, disposition });
    cycle.first_call_at ??= at;

    const decision = { contact_id: contactId, attempt: state.attempts.length, final: false, outcome: null, next_attempt: null, routes: [] };
    const stop = RETRY_AFTER[disposition] === null;
    if (FINAL.has(disposition) || stop || state.attempts.length >= CAMPAIGN.max_attempts) {
      state.decided = true;
      state.outcome = FINAL.has(disposition) || stop ? disposition : 'unreachable';
      state.answers = answers;
      decision.final = true;
      decision.outcome = state.outcome;
      if (state.outcome === 'completed') fire(cycle, state, answers, decision);
      return decision;
    }
    const delay = RETRY_AFTER[disposition] ?? RETRY_AFTER.otherwise;
    state.next_due = callbackAt ?? at + delay * 1000;
    decision.next_attempt = iso(state.next_due);
    return decision;
  }

  function fire(cycle, state, answers, decision) {
    const { scores, routes } = evaluate(answers);
    decision.routes = routes;
    for (const route of routes) {
      const due = now() + ROUTES[route].within_s * 1000;
      deskAlerts.push({
        campaign: CAMPAIGN.name, cycle: cycle.cycle, route, route_title: ROUTES[route].title,
        contact_id: state.person.contact_id, fired_at: iso(now()), due: iso(due),
        due_local: localIso(due, state.person.timezone), scores, state: 'open',
        acknowledged_by: '', acknowledged_at: null, closed_by: '', closed_at: null,
      });
    }
  }

  function submit(agent, body) {
    const hold = holdOf(agent, body);
    const people = body.people ?? [];
    const dialled = people.find((entry) => entry.contact_id === hold.people[0]);
    if (!dialled) throw new HttpError(400, 'invalid', `the submission has no entry for the dialled contact ${hold.people[0]}`);
    const lineOnly = LINE.has(dialled.disposition) && people.length === 1;
    if (!lineOnly) {
      for (const id of hold.people) {
        if (!people.some((entry) => entry.contact_id === id)) throw new HttpError(400, 'invalid', `the submission has no entry for contact ${id}`);
      }
    }

    const checked = people.map((entry) => {
      if (!hold.people.includes(entry.contact_id)) throw new HttpError(400, 'invalid', `contact ${entry.contact_id} is not part of this hold`);
      if (!SCRIPT.dispositions.some((disposition) => disposition.id === entry.disposition)) {
        throw new HttpError(400, 'invalid', `contact ${entry.contact_id}: unknown disposition "${entry.disposition}"`);
      }
      for (const answer of entry.answers ?? []) checkAnswer(entry.contact_id, answer);
      let callbackAt = null;
      if (entry.disposition === 'callback') {
        if (!entry.callback_local) throw new HttpError(400, 'invalid', `contact ${entry.contact_id}: a callback needs callback_local`);
        callbackAt = fromLocal(entry.callback_local, CAMPAIGN.timezone);
        if (Number.isNaN(callbackAt)) throw new HttpError(400, 'invalid', `contact ${entry.contact_id}: callback_local "${entry.callback_local}" is not YYYY-MM-DDTHH:MM`);
      }
      const settled = settleAnswers(entry.answers);
      const disposition = entry.disposition === 'completed' && !settled.complete ? 'partial' : entry.disposition;
      return { entry, disposition, answers: settled.answers, callbackAt };
    });

    holds.delete(hold.token);
    const ids = lineOnly ? hold.people : checked.map((item) => item.entry.contact_id);
    return {
      people: ids.map((id) => {
        const item = checked.find((entry) => entry.entry.contact_id === id) ?? checked[0];
        return record(hold.cycle, id, item.disposition, item.answers, item.callbackAt);
      }),
    };
  }

  // ---- alert desk and supervision --------------------------------------

  function visibleAlerts(session, url) {
    const all = session.roles.includes('supervisor') || session.roles.includes('admin');
    const routes = session.roles.filter((role) => role.startsWith('team:')).map((role) => role.slice(5));
    if (!all && routes.length === 0) throw new HttpError(403, 'forbidden', 'the alert desk needs a team, supervisor or admin role');
    const state = url.searchParams.get('state');
    return deskAlerts.filter((alert) => (all || routes.includes(alert.route)) &&
      (state === 'all' || (state ? alert.state === state : alert.state !== 'closed')))
      .map((alert) => ({ ...alert, person: personRecord(cycles[alert.cycle - 1], cycles[alert.cycle - 1].contacts.get(alert.contact_id)) }));
  }

  function deskAction(session, body, action) {
    const alert = deskAlerts.find((entry) => entry.campaign === body.campaign && entry.cycle === body.cycle &&
      entry.route === body.route && entry.contact_id === body.contact_id);
    if (!alert) throw new HttpError(404, 'not_found', 'no such alert');
    const all = session.roles.includes('supervisor') || session.roles.includes('admin');
    if (!all && !session.roles.includes(`team:${alert.route}`)) throw new HttpError(403, 'forbidden', `route ${alert.route} is not yours`);
    if (alert.state === 'closed') throw new HttpError(409, 'conflict', 'this alert is closed');
    if (action === 'ack') Object.assign(alert, { state: 'acknowledged', acknowledged_by: session.user, acknowledged_at: iso(now()) });
    else Object.assign(alert, { state: 'closed', closed_by: session.user, closed_at: iso(now()) });
    return alert;
  }

  function status() {
    const cycleStatus = cycles.map((cycle) => {
      const states = [...cycle.contacts.values()];
      const held = heldIds();
      const outcomes = {};
      const routes = {};
      for (const state of states) if (state.outcome) outcomes[state.outcome] = (outcomes[state.outcome] ?? 0) + 1;
      for (const alert of deskAlerts.filter((entry) => entry.cycle === cycle.cycle)) routes[alert.route] = (routes[alert.route] ?? 0) + 1;
      const useful = states.filter((state) => state.outcome === 'completed').length;
      return {
        cycle: cycle.cycle, started: iso(cycle.started), window_end: iso(cycle.window_end), ended: cycle.ended ? iso(cycle.ended) : null,
        start_deadline: iso(cycle.start_deadline), first_call_at: cycle.first_call_at ? iso(cycle.first_call_at) : null,
        contacts: states.length, attempted: states.filter((state) => state.attempts.length).length,
        decided: states.filter((state) => state.decided).length, held: states.filter((state) => held.has(state.person.contact_id)).length,
        attempts: states.reduce((sum, state) => sum + state.attempts.length, 0), useful, outcomes, routes,
        useful_rate: states.length ? useful / states.length : null,
      };
    });
    const attempts = cycles.flatMap((cycle) => [...cycle.contacts.values()].flatMap((state) => state.attempts));
    const dispositions = {};
    for (const attempt of attempts) dispositions[attempt.disposition] = (dispositions[attempt.disposition] ?? 0) + 1;
    const alert = alerts.get(CAMPAIGN.trigger.alert);
    const agents = [...seen.values()].filter((at) => Date.now() - at < 5 * 60 * 1000).length;
    return {
      campaign: CAMPAIGN.name, title: CAMPAIGN.title, timezone: CAMPAIGN.timezone, target: CAMPAIGN.target,
      start_within_s: CAMPAIGN.start_within_s, recontact_every_s: CAMPAIGN.recontact_every_s, trigger: CAMPAIGN.trigger,
      trigger_holds: Boolean(alert?.active && alert.level >= CAMPAIGN.trigger.level), next_cycle_at: null,
      cycles: cycleStatus, agents_active: agents,
      attempts_last_hour: attempts.filter((attempt) => now() - attempt.start < 3600 * 1000).length,
      attempts_per_hour: attempts.filter((attempt) => now() - attempt.start < 3600 * 1000).length,
      outbox_pending: 0, dispositions,
    };
  }

  function raise(session, body) {
    const name = String(body.name ?? '').trim();
    const level = body.level;
    if (!name) throw new HttpError(400, 'invalid', 'the alert needs a name');
    if (!Number.isInteger(level) || level < 0 || level > 100) throw new HttpError(400, 'invalid', `level ${level} is not an integer from 0 to 100`);
    const alert = { name, level, active: true, raised_at: iso(now()), raised_by: session.user, ended_at: null };
    alerts.set(name, alert);
    const started = [];
    if (name === CAMPAIGN.trigger.alert && level >= CAMPAIGN.trigger.level && !openCycle()) {
      started.push({ campaign: CAMPAIGN.name, cycle: startCycle().cycle });
    }
    return { alert, cycles_started: started };
  }

  function exportCsv(kind, cycleNumber) {
    const cycle = cycles[cycleNumber - 1];
    if (!cycle) throw new HttpError(404, 'not_found', `no cycle ${cycleNumber}`);
    const states = [...cycle.contacts.values()];
    if (kind === 'attempts') {
      return ['cycle,contact_id,attempt,start,disposition', ...states.flatMap((state) => state.attempts.map((attempt) =>
        `${cycle.cycle},${state.person.contact_id},${attempt.attempt},${iso(attempt.start)},${attempt.disposition}`))].join('\n') + '\n';
    }
    if (kind === 'outcomes') {
      return ['cycle,contact_id,outcome', ...states.map((state) => `${cycle.cycle},${state.person.contact_id},${state.outcome ?? ''}`)].join('\n') + '\n';
    }
    return ['cycle,route,contact_id,due,risk', ...deskAlerts.filter((alert) => alert.cycle === cycle.cycle).map((alert) =>
      `${alert.cycle},${alert.route},${alert.contact_id},${alert.due_local},${alert.scores.risk}`)].join('\n') + '\n';
  }

  // ---- routing ---------------------------------------------------------

  async function api(request, response, url, body) {
    const method = request.method;
    const path = url.pathname;
    if (method === 'POST' && path === '/api/login') return login(body, response);

    const session = sessionOf(request);
    if (method !== 'GET' && request.headers['x-csrf-token'] !== session.csrf) throw new HttpError(403, 'csrf', 'missing or wrong X-CSRF-Token');
    expireHolds();

    if (method === 'GET' && path === '/api/session') return sessionBody(session);
    if (method === 'POST' && path === '/api/logout') {
      sessions.delete(session.id);
      response.setHeader('Set-Cookie', 'vigie_session=; Max-Age=0; Path=/');
      return null;
    }

    const script = /^\/api\/campaigns\/([^/]+)\/script$/.exec(path);
    if (method === 'GET' && script) {
      if (decodeURIComponent(script[1]) !== CAMPAIGN.name) throw new HttpError(404, 'not_found', `no campaign ${script[1]}`);
      return SCRIPT;
    }

    if (path.startsWith('/api/desk/') && !path.startsWith('/api/desk/alerts')) {
      requireRole(session, 'agent');
      seen.set(session.user, Date.now());
      if (method === 'POST' && path === '/api/desk/next') return next(session.user);
      if (method === 'GET' && path === '/api/desk/current') {
        const hold = [...holds.values()].find((entry) => entry.agent === session.user);
        return { handout: hold ? handoutBody(hold) : null };
      }
      if (method === 'POST' && path === '/api/desk/heartbeat') return { expires_at: iso(holdOf(session.user, body).expires) };
      if (method === 'POST' && path === '/api/desk/settle') {
        const hold = holdOf(session.user, body);
        if (!hold.people.includes(body.contact_id)) throw new HttpError(400, 'invalid', `contact ${body.contact_id} is not part of this hold`);
        const settled = settleAnswers(body.answers);
        return {
          questions: settled.questions, cleared: settled.cleared, complete: settled.complete,
          answers: [...settled.answers].map(([question, values]) => ({ question, values })),
        };
      }
      if (method === 'POST' && path === '/api/desk/submit') return submit(session.user, body);
    }

    if (method === 'GET' && path === '/api/desk/alerts') return visibleAlerts(session, url);
    if (method === 'POST' && path === '/api/desk/alerts/ack') return deskAction(session, body, 'ack');
    if (method === 'POST' && path === '/api/desk/alerts/close') return deskAction(session, body, 'close');

    if (method === 'GET' && path === '/api/alerts') return [...alerts.values()];
    if (method === 'POST' && path === '/api/alerts') {
      requireRole(session, 'supervisor', 'admin');
      return raise(session, body);
    }
    const ending = /^\/api\/alerts\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && ending) {
      requireRole(session, 'supervisor', 'admin');
      const alert = alerts.get(decodeURIComponent(ending[1]));
      if (!alert) throw new HttpError(404, 'not_found', `no alert ${ending[1]}`);
      Object.assign(alert, { active: false, ended_at: iso(now()) });
      return { alert };
    }

    if (method === 'GET' && path === '/api/status') {
      requireRole(session, 'supervisor', 'admin');
      return { now: iso(now()), campaigns: [status()], agents_active: status().agents_active };
    }
    const exporting = /^\/api\/campaigns\/([^/]+)\/export\/(attempts|outcomes|escalations)\.csv$/.exec(path);
    if (method === 'GET' && exporting) {
      requireRole(session, 'supervisor', 'admin');
      response.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8' });
      response.end(exportCsv(exporting[2], Number(url.searchParams.get('cycle') ?? 1)));
      return undefined;
    }
    throw new HttpError(404, 'not_found', `no route ${method} ${path}`);
  }

  function hooks(request, url, body) {
    if (url.pathname === '/mock/expire-sessions') {
      sessions.clear();
      return {};
    }
    if (url.pathname === '/mock/advance') {
      advanced += Number(body.seconds ?? 0) * 1000;
      return { now: iso(now()) };
    }
    if (url.pathname === '/mock/hold-timeout') {
      holdSeconds = Number(body.seconds ?? DEFAULT_HOLD_S);
      return { seconds: holdSeconds };
    }
    throw new HttpError(404, 'not_found', 'no such hook');
  }

  return { api, hooks, now };
}

async function readJson(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid', 'the body is not valid JSON');
  }
}

async function serveStatic(consoleDir, url, response) {
  const relative = normalize(decodeURIComponent(url.pathname.slice('/console/'.length)) || 'index.html');
  const file = resolve(consoleDir, relative);
  if (!file.startsWith(resolve(consoleDir))) throw new HttpError(404, 'not_found', 'outside the console folder');
  let content;
  try {
    content = await readFile(file);
  } catch {
    throw new HttpError(404, 'not_found', `no file ${relative}`);
  }
  response.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': "default-src 'self'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-cache',
  });
  response.end(content);
}

// Starts the mock on 127.0.0.1. Returns {server, port, service}.
export async function startMockServer({ consoleDir, port = 0, rosterPath } = {}) {
  const service = createMockService({ rosterPath });
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    try {
      if (url.pathname === '/') {
        response.writeHead(302, { Location: '/console/' });
        response.end();
        return;
      }
      if (url.pathname.startsWith('/console/')) {
        await serveStatic(consoleDir, url, response);
        return;
      }
      if (url.pathname === '/healthz') {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end('{"status":"ok"}');
        return;
      }
      const body = request.method === 'GET' ? {} : await readJson(request);
      const result = url.pathname.startsWith('/mock/')
        ? service.hooks(request, url, body)
        : await service.api(request, response, url, body);
      if (result === undefined) return;
      if (result === null) {
        response.writeHead(204);
        response.end();
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify(result));
    } catch (error) {
      const failure = error instanceof HttpError ? error : new HttpError(500, 'internal', error.message);
      if (!(error instanceof HttpError)) console.error(error);
      response.writeHead(failure.status, { 'Content-Type': 'application/json; charset=utf-8', ...failure.headers });
      response.end(JSON.stringify({ error: { code: failure.code, message: failure.message } }));
    }
  });
  await new Promise((done) => server.listen(port, '127.0.0.1', done));
  return { server, port: server.address().port, service };
}

// Command line: node mock/server.mjs --console DIR [--port N] [--port-file FILE]
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : fallback;
  };
  const consoleDir = option('console', join(HERE, '..', '..', '..', 'engine', 'src', 'service', 'console'));
  const { port } = await startMockServer({ consoleDir, port: Number(option('port', '0')) });
  const portFile = option('port-file');
  if (portFile) await writeFile(portFile, `${port}\n`);
  console.log(`mock Vigie service on http://127.0.0.1:${port}/ serving ${consoleDir}`);
  process.on('SIGTERM', () => process.exit(0));
}
