// Chat message list items: one shape for messages from the page, live events, catch-up and
// history; kept in order by their event id (data-id); pending (held) and outbox lines last.
import { timeElement } from "./when.js";

const TEACHER_ROLES = new Set(["teacher_admin", "teacher_member"]);

export function isTeacher(role) {
  return TEACHER_ROLES.has(role);
}

// A message from a `chat.message` event (live or caught up).
export function fromMessageEvent(ev) {
  const d = ev.data;
  return {
    id: ev.id,
    messageId: d.message_id,
    text: d.text,
    author: d.author || {},
    at: ev.at,
    status: d.status || "visible",
  };
}

// A message from `chat.restored`: its own id and time are the original ones.
export function fromRestoredEvent(ev) {
  const d = ev.data;
  return { id: d.seq, messageId: d.message_id, text: d.text, author: d.author || {}, at: d.at, status: "visible" };
}

// A message from the `chat:history` answer.
export function fromHistory(m) {
  return {
    id: m.id,
    messageId: m.message_id,
    text: m.text,
    author: m.author || {},
    at: m.at,
    editedAt: m.edited_at,
    status: m.status || "visible",
  };
}

export function messageText(li) {
  const node = li.querySelector(".message__text");
  return node ? node.textContent : "";
}

export function authorName(li) {
  const node = li.querySelector(".message__author");
  return node ? node.textContent : "";
}

// Copy what the page did not render (ids, author) onto a list item.
export function describe(li, msg) {
  if (msg.messageId != null) li.dataset.messageId = String(msg.messageId);
  const author = msg.author || {};
  if (author.id != null) li.dataset.authorId = String(author.id);
  if (author.username) li.dataset.author = author.username;
  if (author.role) li.dataset.authorRole = author.role;
}

export function setEdited(li, t) {
  if (li.querySelector(".message__edited")) return;
  const mark = document.createElement("span");
  mark.className = "message__edited";
  mark.textContent = t.edited;
  const time = li.querySelector(".message__time");
  if (time) time.after(" ", mark);
  else li.prepend(mark);
}

export function setText(li, text) {
  const node = li.querySelector(".message__text");
  if (node) node.textContent = text;
}

// "visible", or (for moderators, who still see them) "hidden" / "deleted", said in words.
export function setStatus(li, status, t) {
  li.dataset.status = status;
  li.classList.toggle("message--hidden", status === "hidden");
  li.classList.toggle("message--deleted", status === "deleted");
  let badge = li.querySelector(".message__status");
  if (status === "visible") {
    if (badge) badge.remove();
    return;
  }
  if (!badge) {
    badge = document.createElement("span");
    badge.className = "badge message__status";
    const text = li.querySelector(".message__text");
    if (text) text.before(badge);
    else li.append(badge);
  }
  badge.textContent = status === "hidden" ? t.hidden : t.deleted;
}

export function messageNode(msg, me, t, { fresh = true } = {}) {
  const li = document.createElement("li");
  const author = msg.author || {};
  li.className = "message" + (fresh ? " message--new" : "") + (author.username && author.username === me ? " message--mine" : "");
  li.dataset.id = String(msg.id);
  describe(li, msg);
  const name = document.createElement("span");
  name.className = "message__author";
  name.textContent = author.name || "?";
  const time = timeElement(msg.at || new Date(), "message__time");
  const text = document.createElement("p");
  text.className = "message__text";
  text.textContent = msg.text;
  li.append(name, " ", time, text);
  if (msg.editedAt) setEdited(li, t);
  setStatus(li, msg.status || "visible", t);
  return li;
}

export function findById(list, id) {
  return list.querySelector(`.message[data-id="${Number(id)}"]`);
}

export function findByMessageId(list, messageId) {
  return list.querySelector(`.message[data-message-id="${Number(messageId)}"]:not(.message--pending)`);
}

// Insert a message at its place by id; pending (held) and outbox lines stay at the end.
export function insertInOrder(list, li) {
  const id = Number(li.dataset.id);
  const placed = list.querySelectorAll(".message[data-id]");
  for (let i = placed.length - 1; i >= 0; i -= 1) {
    if (Number(placed[i].dataset.id) < id) {
      placed[i].after(li);
      return;
    }
  }
  const first = placed[0] || list.querySelector(".message--pending, .message--outbox");
  if (first) first.before(li);
  else list.append(li); // after the "load older" item, which always stays first
}

// Run `change` (which adds or removes items) without moving what the reader is looking at:
// the first item visible at the top of the list stays exactly where it was.
// `moving` (an item about to be removed or replaced) is never taken as the anchor, nor is the
// "load older messages" item, above which nothing is ever inserted.
export function keepPlace(list, change, moving = null) {
  const top = list.getBoundingClientRect().top;
  let anchor = null;
  let offset = 0;
  for (const node of list.children) {
    if (node === moving || node.classList.contains("messages__start")) continue;
    const box = node.getBoundingClientRect();
    if (box.bottom > top) {
      anchor = node;
      offset = box.top - top;
      break;
    }
  }
  const result = change();
  if (anchor && anchor.isConnected) {
    list.scrollTop += anchor.getBoundingClientRect().top - top - offset;
  }
  return result;
}
