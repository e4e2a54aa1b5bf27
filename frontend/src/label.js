// The quality label application: the draft is saved as the teacher types (a PATCH a moment
// after the last key), the examples as they are ticked. Without JavaScript the form's
// "Save the draft" button does the same.
import { apiCall } from "./http.js";
import { readStrings } from "./i18n.js";

const DELAY_MS = 800;

export function startLabelDraft(form) {
  const url = form.dataset.labelDraft;
  const status = form.querySelector("[data-draft-status]");
  const t = readStrings("i18n-label");
  const pending = new Map();
  let timer = null;
  let examplesChanged = false;

  async function save() {
    timer = null;
    const criteria = Object.fromEntries(pending);
    pending.clear();
    const body = {};
    if (Object.keys(criteria).length) body.criteria = criteria;
    if (examplesChanged) {
      body.examples = [...form.querySelectorAll("input[name=examples]:checked")].map((i) => i.value);
      examplesChanged = false;
    }
    if (!Object.keys(body).length) return;
    if (status) status.textContent = t.saving || "";
    const answer = await apiCall("PATCH", url, body);
    if (!status) return;
    status.textContent = answer.ok ? t.saved || "" : answer.message || t.failed || "";
    if (!answer.ok) {
      for (const [name, text] of Object.entries(criteria)) pending.set(name, text);
    }
  }

  function later() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", (event) => {
    const field = event.target;
    if (field.tagName === "TEXTAREA") {
      pending.set(field.name, field.value);
      later();
    } else if (field.name === "examples") {
      examplesChanged = true;
      later();
    }
  });
  form.addEventListener("submit", () => {
    if (timer) clearTimeout(timer);
  });
}
