// "Who is here now" (small initials with names for screen readers) and the polite
// "Anne is typing…" line, plus sending `chat:typing` at most every 3 seconds.
import { fmt } from "./i18n.js";
import { isTeacher } from "./chat-render.js";

const TYPING_EVERY = 3000; // ms between two chat:typing we send
const TYPING_SHOWN = 6000; // ms a "is typing" stays after the last one we received

function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/).filter(Boolean);
  const first = [...(parts[0] || "?")][0];
  const last = parts.length > 1 ? [...parts[parts.length - 1]][0] : "";
  return (first + last).toUpperCase();
}

export function presenceStrip(node, t) {
  const roles = new Map(); // user id -> role, for the message actions (teachers cannot be muted)
  return {
    roles,
    show(users) {
      if (!node) return;
      node.replaceChildren();
      for (const user of users) {
        roles.set(user.id, user.role);
        const li = document.createElement("li");
        li.className = "presence__person" + (isTeacher(user.role) ? " presence__person--teacher" : "");
        li.title = user.name;
        const face = document.createElement("span");
        face.className = "avatar avatar--small";
        face.setAttribute("aria-hidden", "true");
        face.textContent = initials(user.name);
        const label = document.createElement("span");
        label.className = "visually-hidden";
        label.textContent = isTeacher(user.role) ? fmt(t.presenceTeacher, { name: user.name }) : user.name;
        li.append(face, label);
        node.append(li);
      }
      node.dataset.count = String(users.length);
    },
  };
}

export function typingLine(node, t) {
  const typing = new Map(); // user id -> {name, timer}
  let shown = "";
  function render() {
    const names = [...typing.values()].map((x) => x.name);
    let text = "";
    if (names.length === 1) text = fmt(t.typingOne, { name: names[0] });
    else if (names.length === 2) text = fmt(t.typingTwo, { a: names[0], b: names[1] });
    else if (names.length > 2) text = t.typingMany;
    if (node && text !== shown) {
      node.textContent = text; // only a change is announced
      shown = text;
    }
  }
  return {
    typing(user) {
      const known = typing.get(user.id);
      if (known) clearTimeout(known.timer);
      const timer = setTimeout(() => { typing.delete(user.id); render(); }, TYPING_SHOWN);
      typing.set(user.id, { name: user.name, timer });
      render();
    },
    stopped(userId) {
      const known = typing.get(userId);
      if (!known) return;
      clearTimeout(known.timer);
      typing.delete(userId);
      render();
    },
  };
}

// Call `send()` when the person types, but not more often than every 3 seconds.
export function typingSender(textarea, send) {
  let last = 0;
  textarea.addEventListener("input", () => {
    const now = Date.now();
    if (!textarea.value.trim() || now - last < TYPING_EVERY) return;
    last = now;
    send();
  });
  return { sent() { last = 0; } };
}
