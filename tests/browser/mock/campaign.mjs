// The campaign of tests/browser/data/essai_console.vigie, written out by
// hand for the mock service: its script as GET /api/campaigns/{name}/script
// returns it, and its conditions, score and routes as JavaScript. Keep the
// two in step when the campaign changes.

import { readFileSync } from 'node:fs';

export const CAMPAIGN = {
  name: 'essai_console',
  title: 'Essai de la console',
  timezone: 'Europe/Paris',
  trigger: { alert: 'canicule', op: '>=', level: 3 },
  target: 0.65,
  start_within_s: 4 * 3600,
  recontact_every_s: null,
  max_attempts: 3,
};

export const SCRIPT = {
  campaign: CAMPAIGN.name,
  title: CAMPAIGN.title,
  questions: [
    { id: 'intro', kind: 'say', text: 'Bonjour, je vous appelle de la part de la mairie dans le cadre du plan canicule.',
      options: [], min: null, max: null, integer: false, optional: false, conditional: false },
    { id: 'alone', kind: 'yes_no', text: 'Vivez-vous seul(e) ?',
      options: [], min: null, max: null, integer: false, optional: false, conditional: false },
    { id: 'health', kind: 'yes_no', text: 'Avez-vous des problèmes de santé en ce moment ?',
      options: [], min: null, max: null, integer: false, optional: false, conditional: false },
    { id: 'symptoms', kind: 'multi', text: 'Lesquels ?',
      options: [
        { id: 'fatigue', label: 'Fatigue inhabituelle' },
        { id: 'confusion', label: 'Confusion' },
        { id: 'thirst', label: 'Soif intense' },
      ],
      min: null, max: null, integer: false, optional: false, conditional: true },
    { id: 'visits', kind: 'choice', text: 'À quelle fréquence recevez-vous des visites ?',
      options: [
        { id: 'daily', label: 'Tous les jours' },
        { id: 'weekly', label: 'Au moins une fois par semaine' },
        { id: 'rarely', label: 'Rarement ou jamais' },
      ],
      min: null, max: null, integer: false, optional: false, conditional: false },
    { id: 'temp', kind: 'number', text: 'Température dans le logement (°C)',
      options: [], min: 10, max: 45, integer: false, optional: true, conditional: false },
  ],
  dispositions: [
    { id: 'completed', label: 'completed', final: true },
    { id: 'partial', label: 'partial', final: false },
    { id: 'no_answer', label: 'no_answer', final: false },
    { id: 'busy', label: 'busy', final: false },
    { id: 'voicemail', label: 'voicemail', final: false },
    { id: 'failed', label: 'failed', final: false },
    { id: 'callback', label: 'callback', final: false },
    { id: 'wrong_number', label: 'wrong_number', final: true },
    { id: 'refused', label: 'refused', final: true },
    { id: 'deceased', label: 'deceased', final: true },
    { id: 'away', label: 'Absent(e) du domicile', final: true },
  ],
};

export const ROUTES = {
  urgence: { title: "Cellule d'urgence", within_s: 3600 },
  social: { title: 'Suivi social', within_s: 24 * 3600 },
};

// Retry delays of the campaign's `retry` block, in seconds; null is `stop`.
export const RETRY_AFTER = { no_answer: 7200, callback: 3600, wrong_number: null, refused: null, otherwise: 3600 };

// Whether a question applies to the answers so far (`if health == yes`).
export function applies(questionId, answers) {
  if (questionId === 'symptoms') return answers.get('health')?.[0] === 'yes';
  return true;
}

// The `risk` score and the routes fired by a completed questionnaire.
export function evaluate(answers) {
  const one = (id) => answers.get(id)?.[0];
  const symptoms = answers.get('symptoms') ?? [];
  let risk = 0;
  if (one('alone') === 'yes') risk += 3;
  if (one('health') === 'yes') risk += 2;
  if (symptoms.includes('confusion')) risk += 5;
  if (one('visits') === 'rarely') risk += 2;

  const routes = [];
  const urgent = risk >= 8 || symptoms.includes('confusion');
  if (urgent) routes.push('urgence');
  if (risk >= 3 && !urgent) routes.push('social');
  return { scores: { risk }, routes };
}

// "01 99 00 00 01" -> "+33199000001", as the csv source stores French numbers.
function e164(phone) {
  const digits = phone.replace(/\D/g, '');
  return digits.startsWith('0') ? `+33${digits.slice(1)}` : `+${digits}`;
}

// Reads the register of the browser tests (semicolon-separated, UTF-8).
export function readRoster(path) {
  const [header, ...lines] = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line.trim());
  const names = header.split(';');
  return lines.map((line) => {
    const values = line.split(';');
    const row = Object.fromEntries(names.map((name, index) => [name, values[index] ?? '']));
    const fields = { ...row };
    delete fields.id;
    delete fields.phone;
    return { contact_id: row.id, phone: e164(row.phone), timezone: CAMPAIGN.timezone, fields };
  });
}
