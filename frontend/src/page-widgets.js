// The applications of a page, kept in step with the server without disturbing the reader:
// the server renders them (GET the page with ?fragment=widgets), and only the <article>s whose
// HTML changed are swapped in. A widget where someone is typing is not replaced: its head
// (the manage buttons) is, and a small "Updated — refresh" pill offers the rest. Open
// <details>, focus, typed text and the scroll position survive a swap.
import { fmt } from "./i18n.js";
import { fetchDocument } from "./http.js";

export const FIELDS = "textarea, input:not([type]), input[type=text], input[type=url], input[type=email], input[type=search]";
const FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";

export function isVisible(el) {
  if (!el || !el.isConnected) return false;
  if (typeof el.checkVisibility === "function") return el.checkVisibility();
  return el.getClientRects().length > 0;
}

// Someone is writing here: a text field has the focus, or holds text not yet sent.
export function isBusy(node) {
  const active = document.activeElement;
  for (const field of node.querySelectorAll(FIELDS)) {
    if (field === active || field.value !== field.defaultValue) return true;
  }
  return false;
}

// --- focus, by a key that survives the node being replaced ----------------------------------
export function focusKey(scope) {
  const active = document.activeElement;
  if (!active || active === document.body || !scope.contains(active)) return null;
  if (active.id) return { id: active.id };
  const anchor = active.parentElement && active.parentElement.closest("[id]");
  if (!anchor) return null;
  const list = [...anchor.querySelectorAll(FOCUSABLE)];
  return { anchor: anchor.id, index: list.indexOf(active), tag: active.tagName, text: active.textContent.trim() };
}

export function findByKey(key) {
  if (!key) return null;
  if (key.id) return document.getElementById(key.id);
  const anchor = document.getElementById(key.anchor);
  if (!anchor) return null;
  const list = [...anchor.querySelectorAll(FOCUSABLE)];
  const same = (el) => el && el.tagName === key.tag && el.textContent.trim() === key.text;
  if (same(list[key.index])) return list[key.index];
  return list.find(same) || list[key.index] || null;
}

export function restoreFocus(key) {
  const el = findByKey(key);
  if (isVisible(el) && document.activeElement !== el) el.focus({ preventScroll: true });
  return isVisible(el) && document.activeElement === el;
}

// --- the reader's place on the page ---------------------------------------------------------
// The first element with an id that starts inside the viewport: after a change it is put back
// exactly where it was, so new content above it does not push what is being read.
export function scrollAnchor(scope) {
  for (const el of scope.querySelectorAll("[id]")) {
    const rect = el.getBoundingClientRect();
    if (rect.height > 0 && rect.top >= 0) return { id: el.id, top: rect.top };
  }
  return null;
}

export function restoreScroll(anchor) {
  if (!anchor) return;
  const el = document.getElementById(anchor.id);
  if (!el) return;
  const delta = el.getBoundingClientRect().top - anchor.top;
  if (Math.abs(delta) >= 1) window.scrollBy(0, delta);
}

// --- <details> the reader opened or closed keep their state ---------------------------------
function detailsKey(details) {
  const anchor = details.parentElement ? details.parentElement.closest("[id]") : null;
  if (!anchor) return "";
  const peers = [...anchor.querySelectorAll("details")].filter(
    (d) => d.parentElement.closest("[id]") === anchor,
  );
  return `${anchor.id}#${peers.indexOf(details)}`;
}

export function markServerState(root) {
  for (const d of root.querySelectorAll("details")) d.dataset.serverOpen = d.open ? "1" : "0";
}

function carryDetails(from, to, reset) {
  const chosen = new Map();
  for (const d of from.querySelectorAll("details")) {
    if (reset && (reset === d || d.contains(reset))) continue;
    if (d.open !== (d.dataset.serverOpen === "1")) chosen.set(detailsKey(d), d.open);
  }
  if (!chosen.size) return;
  for (const d of to.querySelectorAll("details")) {
    const key = detailsKey(d);
    if (chosen.has(key)) d.open = chosen.get(key);
  }
}

// Text typed but not sent goes along into the new version (same field id).
function carryFields(from, to, skipForm) {
  for (const field of from.querySelectorAll(FIELDS)) {
    if (!field.id || field.value === field.defaultValue) continue;
    if (skipForm && skipForm.contains(field)) continue;
    const twin = to.querySelector(`#${CSS.escape(field.id)}`);
    if (!twin) continue;
    twin.value = field.value;
    for (let d = twin.closest("details"); d && to.contains(d); d = d.parentElement.closest("details")) d.open = true;
  }
}

// New list items (a reply, a topic, a post, a comment) slide in.
function markNew(from, to) {
  const known = new Set([...from.querySelectorAll("li[id]")].map((n) => n.id));
  const fresh = [];
  for (const li of to.querySelectorAll("li[id]")) {
    if (known.has(li.id) || fresh.some((f) => f.contains(li))) continue;
    li.classList.add("is-new");
    fresh.push(li);
  }
  return fresh;
}

function serverHtml(article) {
  const head = article.querySelector(":scope > .widget__head");
  const body = article.querySelector(":scope > .widget__body");
  return { all: article.outerHTML, head: head ? head.outerHTML : "", body: body ? body.outerHTML : "" };
}

/**
 * widgetBoard({container, url, t, onInsert, onGone}) keeps #widgets in step with the server.
 * refresh({force, skipForm, reset, carryAll}) -> Promise<{ok, fresh: Map(widget id -> new lis)}>
 *   force: ids of widgets to replace even if busy (the reader's own action); their typed text
 *   outside skipForm is carried over; reset: a <details> to leave as the server renders it.
 */
export function widgetBoard({ container, url, t, onInsert = () => {}, onGone = () => {} }) {
  const known = new Map(); // article id -> {all, body} as the server last sent it
  const pending = new Map(); // article id -> fresher article waiting behind a pill
  for (const article of container.querySelectorAll(":scope > article.widget")) {
    known.set(article.id, serverHtml(article));
  }
  markServerState(container);
  for (const article of container.querySelectorAll(":scope > article.widget")) onInsert(article);

  function label(article) {
    const heading = article.querySelector(".widget__head h2");
    return heading ? heading.textContent.trim() : "";
  }

  function removePill(article) {
    const wrap = article.querySelector(":scope > .widget__pill-wrap");
    if (wrap) wrap.remove();
  }

  // The pill sits in a zero-height sticky strip at the top of the card: it stays in sight while
  // the reader is anywhere in this application, and takes no room (nothing moves).
  function showPill(article) {
    if (article.querySelector(":scope > .widget__pill-wrap")) return;
    const wrap = document.createElement("div");
    wrap.className = "widget__pill-wrap";
    const pill = document.createElement("button");
    pill.type = "button";
    pill.className = "widget__pill";
    pill.textContent = t.updated;
    pill.setAttribute("aria-label", fmt(t.updatedLabel, { name: label(article) }));
    pill.addEventListener("click", () => applyPending(article.id, true));
    wrap.append(pill);
    article.prepend(wrap);
  }

  // Put `fresh` in the place of `old` (already in the page), keeping what the reader had.
  function swap(old, fresh, { carry = false, skipForm = null, reset = null } = {}) {
    markServerState(fresh);
    carryDetails(old, fresh, reset);
    if (carry) carryFields(old, fresh, skipForm);
    const added = markNew(old, fresh);
    old.replaceWith(fresh);
    pending.delete(fresh.id);
    onInsert(fresh);
    return added;
  }

  function applyPending(id, carry) {
    const article = document.getElementById(id);
    const next = pending.get(id);
    if (!article || !next) return;
    const key = focusKey(article);
    const place = scrollAnchor(container);
    swap(article, next.node, { carry });
    known.set(id, next.html);
    restoreScroll(place);
    if (!restoreFocus(key) && carry) {
      const heading = next.node.querySelector(".widget__head h2");
      if (heading) { heading.tabIndex = -1; heading.focus(); }
    }
  }

  // When the reader leaves a widget with nothing typed, its waiting update goes in.
  container.addEventListener("focusout", () => {
    setTimeout(() => {
      for (const id of [...pending.keys()]) {
        const article = document.getElementById(id);
        if (article && !isBusy(article) && !article.contains(document.activeElement)) applyPending(id, false);
      }
    }, 0);
  });

  function reconcile(freshContainer, options) {
    const force = options.force || new Set();
    const key = focusKey(container);
    const place = scrollAnchor(container.closest(".pages__main") || container);
    const current = new Map([...container.querySelectorAll(":scope > article.widget")].map((a) => [a.id, a]));
    const desired = [];
    const fresh = new Map();
    for (const node of [...freshContainer.children]) {
      if (!(node instanceof HTMLElement)) continue;
      if (!node.matches("article.widget")) {
        const twin = [...container.children].find((c) => !c.matches("article.widget") && c.outerHTML === node.outerHTML);
        desired.push(twin || node);
        continue;
      }
      const html = serverHtml(node);
      const old = current.get(node.id);
      if (!old) {
        markServerState(node);
        node.classList.add("is-new");
        known.set(node.id, html);
        desired.push(node);
        onInsert(node);
        continue;
      }
      const before = known.get(node.id) || { all: "", head: "", body: "" };
      const forced = force.has(Number(old.dataset.widgetId));
      if (html.all === before.all && !forced) {
        desired.push(old);
        continue;
      }
      if (!forced && isBusy(old)) {
        // keep the body the reader is writing in; the head (manage buttons) follows the server
        const head = old.querySelector(":scope > .widget__head");
        const freshHead = node.querySelector(":scope > .widget__head");
        if (head && freshHead && html.head !== before.head) {
          const headKey = focusKey(head);
          head.replaceWith(freshHead.cloneNode(true));
          onInsert(old);
          restoreFocus(headKey);
          known.set(node.id, { ...before, head: html.head });
        }
        if (html.body !== before.body) {
          pending.set(node.id, { node, html });
          showPill(old);
        } else {
          known.set(node.id, html);
        }
        desired.push(old);
        continue;
      }
      const added = swap(old, node, {
        carry: forced,
        skipForm: options.skipForm,
        reset: options.reset,
      });
      removePill(node);
      known.set(node.id, html);
      fresh.set(Number(node.dataset.widgetId), added);
      desired.push(node);
    }
    // children that are no longer there go; the rest take the server's order
    for (const child of [...container.children]) {
      if (!desired.includes(child)) {
        if (child.id) { known.delete(child.id); pending.delete(child.id); }
        child.remove();
      }
    }
    desired.forEach((node, index) => {
      if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
    });
    restoreScroll(place);
    restoreFocus(key);
    return fresh;
  }

  let running = null;
  let again = false;
  let queued = [];
  async function runOnce(batch) {
    const options = { force: new Set(), skipForm: null, reset: null };
    for (const o of batch) {
      for (const id of o.force || []) options.force.add(Number(id));
      if (o.skipForm) options.skipForm = o.skipForm;
      if (o.reset) options.reset = o.reset;
    }
    const answer = await fetchDocument(url);
    if (!answer.ok) {
      if (answer.status === 404 || answer.status === 401 || answer.status === 403) onGone(answer.status);
      return { ok: false, fresh: new Map() };
    }
    const freshContainer = answer.doc.getElementById("widgets");
    if (!freshContainer) return { ok: false, fresh: new Map() };
    return { ok: true, fresh: reconcile(freshContainer, options) };
  }

  // Coalesced: many events in a burst make one request; a call made while a request runs is
  // served by one more request after it (its options included), and its promise waits for that.
  function refresh(options = {}) {
    queued.push(options);
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let result = { ok: true, fresh: new Map() };
      do {
        again = false;
        const batch = queued;
        queued = [];
        const r = await runOnce(batch);
        // what every run added: a later run that finds nothing new must not hide an earlier find
        for (const [id, added] of r.fresh) result.fresh.set(id, [...(result.fresh.get(id) || []), ...added]);
        result = { ok: r.ok, fresh: result.fresh };
      } while (again);
      return result;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return { refresh, label };
}
