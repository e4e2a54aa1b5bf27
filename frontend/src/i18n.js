import { absolute } from "./when.js";

// Strings handed over by the page (a <script type="application/json"> block rendered through
// the translation catalogue), and the tiny formatter the templates' "%(name)s" placeholders need.

export function readStrings(id = "i18n") {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : {};
}

// fmt("%(n)s new", {n: 3}) -> "3 new"; unknown placeholders are left as they are.
export function fmt(text, values = {}) {
  return String(text ?? "").replace(/%\((\w+)\)s/g, (whole, key) =>
    key in values ? String(values[key]) : whole,
  );
}

// One or many: t[key + "One"] when n is 1 (and the page gave that string), else t[key].
export function plural(t, key, n, values = {}) {
  const one = t[`${key}One`];
  return fmt(n === 1 && one ? one : t[key], { n, ...values });
}

// A moment in words ("14 déc. 2026, 15:49") in the reader's language and time zone.
export function clockTime(at) {
  return absolute(at);
}
