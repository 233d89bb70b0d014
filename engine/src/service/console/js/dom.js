// Small DOM helpers shared by the views. Everything is built with
// createElement and textContent, never by parsing HTML text, so that
// register fields and campaign texts can never inject markup.

// Creates an element. The `attrs` keys `class`, `text`, `hidden`, `dataset`
// (an object) and `on` (event handlers by event name) are special. Any
// other key becomes an attribute, skipped when null, undefined or false.
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);

  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'text') element.textContent = value;
    else if (key === 'hidden') element.hidden = Boolean(value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'on') {
      for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    } else element.setAttribute(key, value === true ? '' : String(value));
  }

  append(element, children);
  return element;
}

// Appends children, flattening arrays and skipping null and false.
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// Replaces the children of `parent`, keeping keyboard focus on the element
// with the same data-focus-key when the old one had focus. The periodic
// refreshes of the alert desk and the supervisor view rely on this so that
// a keyboard user does not lose their place every few seconds.
export function replaceKeepingFocus(parent, children) {
  const active = document.activeElement;
  const key = active && parent.contains(active) ? active.dataset.focusKey : undefined;

  parent.replaceChildren();
  append(parent, children);

  if (key === undefined) return;
  const again = parent.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (again) again.focus();
}

// A <kbd> element for a shortcut such as "Alt+N".
export function kbd(text) {
  return h('kbd', { text });
}
