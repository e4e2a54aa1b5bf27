// Which JSON API call a plain page form stands for, and how its fields become the JSON body
// (the same conversions the server applies to the form: ids and positions are numbers).

const TOOL = /^\/spaces\/(\d+)\/widgets\/(\d+)\/([\w.-]+)$/;
const PAGE_MOVE = /^\/spaces\/(\d+)\/pages\/(\d+)\/move$/;
const ADD_APP = /^\/spaces\/(\d+)\/pages\/(\d+)\/widgets$/;

// -> {kind, method, url, widget?, command?, page?} or null for forms left to the browser
export function describeForm(form) {
  const action = form.getAttribute("action");
  if (!action || (form.getAttribute("method") || "get").toLowerCase() !== "post") return null;
  if (form.enctype === "multipart/form-data") return null;  // uploads post to their own routes
  const path = new URL(action, window.location.href).pathname;
  let m = path.match(TOOL);
  if (m) {
    const [, space, widget, command] = m;
    const base = `/api/v1/spaces/${space}/widgets/${widget}`;
    if (command === "remove") return { kind: "widget-remove", method: "DELETE", url: base, widget: Number(widget) };
    if (command === "move") return { kind: "widget-move", method: "POST", url: `${base}/move`, widget: Number(widget) };
    return { kind: "tool", method: "POST", url: `${base}/${command}`, widget: Number(widget), command };
  }
  m = path.match(PAGE_MOVE);
  if (m) return { kind: "page-move", method: "POST", url: `/api/v1/spaces/${m[1]}/pages/${m[2]}/move`, page: Number(m[2]) };
  m = path.match(ADD_APP);
  if (m) return { kind: "add-app", method: "POST", url: `/api/v1/spaces/${m[1]}/pages/${m[2]}/widgets` };
  return null;
}

export function formPayload(form) {
  const body = {};
  for (const [key, value] of new FormData(form).entries()) {
    if (key === "csrf_token" || typeof value !== "string") continue;
    const numeric = /^\d+$/.test(value) && (key.endsWith("_id") || key === "position");
    body[key] = numeric ? Number(value) : value;
  }
  return body;
}

// An error said in the form itself, next to its button; "" clears it.
export function showFormError(form, text) {
  let box = form.querySelector(":scope > .form__error");
  if (!text) {
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = document.createElement("p");
    box.className = "form__error";
    box.setAttribute("role", "alert");
    const button = form.querySelector(":scope > button[type=submit]");
    form.insertBefore(box, button || null);
  }
  box.textContent = text;
}

// The message a command's success deserves.
export function doneText(t, spec) {
  if (spec.kind === "widget-remove") return t.deleted;
  if (spec.kind === "add-app") return t.added;
  const command = spec.command || "";
  if (/\.create$/.test(command)) return t.sent;
  if (/(\.edit|^save)$/.test(command)) return t.saved;
  if (/\.delete$/.test(command)) return t.deleted;
  return t.done;
}
