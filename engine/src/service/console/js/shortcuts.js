// The keyboard shortcuts of the console: one table that both the key
// handler of app.js and the shortcut list shown on the agent desk read, so
// the list cannot leave out a key the handler knows.
//
// Each entry: `keys` as shown (or `keysKey`, a translation key, when the
// keys are words), `description` (a translation key), and how it runs:
// `code` (KeyboardEvent.code with Alt) and `action`, handed to the global
// handler when `view` is absent or to the view named `view`. Entries with
// `handler: 'form'` are handled by the questionnaire form itself and are
// listed only.
export const SHORTCUTS = [
  { keys: 'Alt+N', code: 'KeyN', view: 'desk', action: 'next', description: 'shortcut.next' },
  { keys: 'Alt+C', code: 'KeyC', view: 'desk', action: 'call_started', description: 'shortcut.call_started' },
  { keys: 'Alt+D', code: 'KeyD', view: 'desk', action: 'disposition', description: 'shortcut.disposition' },
  { keys: 'Alt+S', code: 'KeyS', view: 'desk', action: 'submit', description: 'shortcut.submit' },
  { keys: '1 … 9', handler: 'form', description: 'shortcut.digits' },
  { keysKey: 'key.arrows', handler: 'form', description: 'shortcut.arrows' },
  { keysKey: 'key.space', handler: 'form', description: 'shortcut.space' },
  { keysKey: 'key.enter', handler: 'form', description: 'shortcut.enter' },
  { keys: 'Alt+R', code: 'KeyR', view: 'alerts', action: 'refresh', description: 'shortcut.refresh' },
  { keys: 'Alt+1 … 3', codes: ['Digit1', 'Digit2', 'Digit3'], action: 'view', description: 'shortcut.views' },
  { keys: 'Alt+L', code: 'KeyL', action: 'language', description: 'shortcut.language' },
];

// The entry for an Alt+key event, or null. `viewId` is the view on screen:
// an entry of another view does not match.
export function shortcutFor(event, viewId) {
  if (!event.altKey || event.ctrlKey || event.metaKey) return null;
  return SHORTCUTS.find((entry) => entry.handler !== 'form' &&
    (entry.code === event.code || entry.codes?.includes(event.code)) &&
    (entry.view === undefined || entry.view === viewId)) ?? null;
}
