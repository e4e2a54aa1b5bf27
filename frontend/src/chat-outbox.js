// The chat outbox: what a member sends while the connection is down (or lost during a send)
// waits at the end of the message list, marked "Waiting to send…", and in sessionStorage
// (per member and room), so a reload keeps it. Once the socket is back the messages go out
// one at a time, in order, each with its first client_id: the server stores a message once
// and answers a resend as it answered the first attempt.
// A refusal is shown on the message with Try again / Edit / Discard buttons; a refusal that
// passes by itself (busy, slow mode, too many messages) is also retried by itself.
import { fmt, plural } from "./i18n.js";

const RETRY_BY_ITSELF = new Set(["busy", "slow_mode", "rate_limited"]);
const RETRY_AFTER = 2; // seconds, when the server did not say

export function chatOutbox({ list, storageKey, meName, t, say, online, send, reason, place, delivered, edit, focusComposer }) {
  const entries = []; // oldest first: {id, text, node, error, timer, sending, seenId}
  let flushing = false;
  let serial = 0;

  function save() {
    try {
      if (entries.length) {
        sessionStorage.setItem(storageKey, JSON.stringify(entries.map(({ id, text }) => ({ id, text }))));
      } else {
        sessionStorage.removeItem(storageKey);
      }
    } catch {
      // storage refused or full: the page still holds them
    }
  }

  function load() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(storageKey) || "[]");
      if (!Array.isArray(saved)) return [];
      return saved.filter((e) => e && typeof e.id === "string" && typeof e.text === "string" && e.text);
    } catch {
      return [];
    }
  }

  function button(label, action, describedBy) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button button--small" + (action === "discard" ? " button--warn" : " button--quiet");
    b.dataset.outbox = action;
    b.textContent = label;
    b.setAttribute("aria-describedby", describedBy);
    return b;
  }

  function render(entry, fresh) {
    serial += 1;
    const li = document.createElement("li");
    li.className = "message message--mine message--outbox" + (fresh ? " message--new" : "");
    li.dataset.clientId = entry.id;
    const name = document.createElement("span");
    name.className = "message__author";
    name.textContent = meName;
    const text = document.createElement("p");
    text.className = "message__text";
    text.id = `outbox-text-${serial}`;
    text.textContent = entry.text;
    const mark = document.createElement("p");
    mark.className = "message__outbox";
    mark.textContent = t.outboxWaiting;
    const choices = document.createElement("div");
    choices.className = "message__retry";
    choices.hidden = true;
    choices.append(
      button(t.outboxRetry, "retry", text.id),
      button(t.edit, "edit", text.id),
      button(t.outboxDiscard, "discard", text.id),
    );
    li.append(name, " ", text, mark, choices);
    entry.node = li;
    place(li);
  }

  function show(entry, { text = t.outboxWaiting, failed = false, choices = false } = {}) {
    const li = entry.node;
    li.classList.toggle("message--failed", failed);
    li.querySelector(".message__outbox").textContent = text;
    li.querySelector(".message__retry").hidden = !choices;
  }

  function drop(entry) {
    clearTimeout(entry.timer);
    const at = entries.indexOf(entry);
    if (at >= 0) entries.splice(at, 1);
    save();
  }

  function fail(entry, ack) {
    entry.error = ack.error || "error";
    if (ack.error === "timeout") {
      show(entry, { text: t.notSent, failed: true, choices: true });
      say(t.notSent, true);
      return;
    }
    if (RETRY_BY_ITSELF.has(ack.error)) {
      const seconds = Math.max(1, Math.ceil(Number(ack.retry_after) || RETRY_AFTER));
      const why = ack.message ? `${ack.message} ` : "";
      show(entry, { text: `${why}${plural(t, "outboxRetryIn", seconds)}`, choices: true });
      entry.timer = setTimeout(() => retry(entry), seconds * 1000);
      return;
    }
    const text = fmt(t.outboxNotSent, { reason: reason(ack) });
    show(entry, { text, failed: true, choices: true });
    say(text, true);
  }

  // Send the waiting messages in order; stops at a refusal (the later ones wait behind it).
  async function flush() {
    if (flushing) return;
    flushing = true;
    let sent = 0;
    try {
      while (entries.length && online()) {
        const entry = entries[0];
        if (entry.error) break;
        entry.sending = true;
        entry.seenId = null;
        const ack = await send(entry);
        entry.sending = false;
        if (ack.ok) {
          drop(entry);
          delivered(entry, ack);
          sent += 1;
          continue;
        }
        entry.node.hidden = false; // a message of the same text was someone else's
        if (ack.error === "timeout" && !online()) break; // sent again on reconnection
        fail(entry, ack);
        break;
      }
    } finally {
      flushing = false;
    }
    if (sent) say(plural(t, "outboxSent", sent));
  }

  function retry(entry) {
    clearTimeout(entry.timer);
    entry.error = null;
    show(entry);
    flush();
  }

  list.addEventListener("click", (e) => {
    const b = e.target.closest("[data-outbox]");
    if (!b) return;
    const entry = entries.find((x) => x.node === b.closest(".message--outbox"));
    if (!entry || entry.sending) return;
    const action = b.dataset.outbox;
    if (action === "retry") {
      retry(entry);
      return;
    }
    drop(entry);
    entry.node.remove();
    if (action === "edit") edit(entry.text);
    else {
      say(t.outboxDiscarded);
      focusComposer();
    }
    if (entries.length && !entries[0].error) flush();
  });

  for (const saved of load()) {
    entries.push({ id: saved.id, text: saved.text });
    render(entries.at(-1), false);
  }

  return {
    get size() {
      return entries.length;
    },
    add(text, id) {
      const entry = { id, text };
      entries.push(entry);
      save();
      render(entry, true);
      if (!online()) say(t.outboxOffline, "warn");
      flush();
    },
    // On (re)connection: refusals that may have passed are tried again, then everything.
    resume() {
      const head = entries[0];
      if (head && (head.error === "timeout" || RETRY_BY_ITSELF.has(head.error))) retry(head);
      else flush();
    },
    // A live message of mine arrived: if it is the one being sent (its ack may come after
    // it), its waiting copy steps aside until the ack says which message it was.
    seen(msg) {
      const entry = entries[0];
      if (!entry || !entry.sending || entry.seenId || entry.text !== msg.text) return;
      entry.seenId = msg.id;
      entry.node.hidden = true;
    },
  };
}
