// A form that keeps every word: each field is saved through the JSON API as it is typed
// (debounced), so a reload, a closed tab or another device finds the text again. The form
// still posts as a plain form (the server's step form works without JavaScript).
//
// <form data-autosave="/api/v1/...?autosave=1"> with a <p data-autosave-status> inside;
// the strings come from <script id="i18n-autosave">.
import { apiCall } from "./http.js";
import { fmt, readStrings } from "./i18n.js";

const DELAY_MS = 700;
const RETRY_MS = 5000;

function fieldValue(form, name) {
  const fields = [...form.elements].filter((el) => el.name === name);
  if (fields.some((el) => el.type === "checkbox")) {
    return fields.filter((el) => el.checked).map((el) => el.value);
  }
  if (fields.some((el) => el.type === "radio")) {
    const chosen = fields.find((el) => el.checked);
    return chosen ? Number(chosen.value) : null;
  }
  const value = fields[0]?.value ?? "";
  if (fields[0]?.type === "number") return value === "" ? null : value;
  return value;
}

export function startAutosave(form) {
  const url = form.dataset.autosave;
  const status = form.querySelector("[data-autosave-status]");
  const t = readStrings("i18n-autosave");
  const dirty = new Set();
  let timer = null;
  let running = null;

  const show = (text, state) => {
    if (!status) return;
    status.textContent = text;
    status.dataset.state = state;
  };

  const body = () => {
    const data = {};
    for (const name of dirty) data[name] = fieldValue(form, name);
    return data;
  };

  async function save() {
    timer = null;
    if (running) {
      await running;
      if (!dirty.size) return;
    }
    if (!dirty.size) return;
    const sent = body();
    dirty.clear();
    show(t.saving, "saving");
    running = apiCall("PATCH", url, sent);
    const answer = await running;
    running = null;
    if (answer.ok) {
      if (!dirty.size) show(t.saved, "saved");
      return;
    }
    for (const name of Object.keys(sent)) if (!dirty.has(name)) dirty.add(name);
    if (answer.status === 0) {
      show(t.offline, "error");
      timer = setTimeout(save, RETRY_MS);
      return;
    }
    const fields = answer.fields || {};
    const first = Object.keys(fields)[0];
    show(fmt(t.notSaved, { message: first ? fields[first] : answer.message }), "error");
    if (first) {
      // the wrong field stays to be saved once corrected; the others are saved now
      for (const name of Object.keys(fields)) dirty.delete(name);
      const rest = body();
      if (Object.keys(rest).length) {
        const again = await apiCall("PATCH", url, rest);
        if (again.ok) {
          // saved, unless typed again meanwhile (then it stays to be saved)
          for (const [name, value] of Object.entries(rest)) {
            if (JSON.stringify(fieldValue(form, name)) === JSON.stringify(value)) {
              dirty.delete(name);
            }
          }
        }
      }
      for (const name of Object.keys(fields)) dirty.add(name);
    }
  }

  const touched = (event) => {
    const name = event.target?.name;
    if (!name || name === "csrf_token" || name === "back_to") return;
    dirty.add(name);
    show(t.saving, "pending");
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  };
  form.addEventListener("input", touched);
  form.addEventListener("change", touched);

  // Leaving the page (reload, tab closed, "Next step"): what is not saved yet goes now.
  const flush = () => {
    if (!dirty.size) return;
    clearTimeout(timer);
    const sent = body();
    dirty.clear();
    fetch(url, {
      method: "PATCH",
      keepalive: true,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRF-Token": document.body.dataset.csrf || "",
      },
      body: JSON.stringify(sent),
    }).catch(() => {});
  };
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    dirty.clear(); // the form itself carries every field
  });
}
