// Live chat: join, send with ack, receive events in id order, catch up after a cut; message
// actions, presence, typing, held messages and older history on top of the server-rendered page.
// Offline, what is sent waits in the outbox (chat-outbox.js): the page never posts the form.
import { call, onConnect, openSocket } from "./socket.js";
import { connectionBar } from "./connection.js";
import { clockTime, fmt, plural, readStrings } from "./i18n.js";
import * as R from "./chat-render.js";
import { messageActions } from "./chat-actions.js";
import { presenceStrip, typingLine, typingSender } from "./presence.js";
import { roomControls, supervisorsLine } from "./chat-controls.js";
import { chatOutbox } from "./chat-outbox.js";

const HISTORY_PAGE = 50;
const DESCRIBE_PAGE = 100;
const ANNOUNCE_AFTER = 1500; // ms: messages arriving together are announced as one summary
const STATUS_FOR = 8000; // ms an action's confirmation stays on screen
const GAP_WAIT_MS = 500; // a gap in event ids may fill by itself this quickly (see liveEvent)

export function startChat(section) {
  const t = readStrings();
  const room = section.dataset.room;
  const me = section.dataset.me;
  const meId = Number(section.dataset.meId || 0);
  const meName = section.dataset.meName || me;
  const moderator = section.dataset.moderator === "true";
  const list = section.querySelector("#messages");
  const form = section.querySelector("#composer");
  const textarea = form ? form.querySelector("textarea") : null;
  const sendButton = form ? form.querySelector("button[type=submit]") : null;
  const errorBox = section.querySelector("#composer-error");
  const pill = section.querySelector("#new-pill");
  const start = section.querySelector("#messages-start"); // first item: "Load older messages"
  const older = section.querySelector("#load-older");
  const statusLine = section.querySelector("#chat-status");
  const announcer = section.querySelector("#chat-announce");
  const bar = connectionBar(t);
  const pageLastId = Number(section.dataset.lastId || 0);
  let lastId = pageLastId;
  let locked = section.dataset.locked === "true";
  let archived = false;
  let sending = false;
  let unseen = 0;
  let wasConnected = false;
  let described = false;


  const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  let stuck = true; // the reader is at the newest message: stay there when the list resizes
  const scrollDown = () => { list.scrollTop = list.scrollHeight; stuck = true; };
  scrollDown();
  // the typing line, a notice or an error under the list make it shorter: keep the bottom in view
  if (typeof ResizeObserver === "function") new ResizeObserver(() => { if (stuck) scrollDown(); }).observe(list);

  // --- what the page says to the reader ------------------------------------------------------
  let statusTimer = null;
  // kind: true (or "error") for a refusal, "warn" for a state to wait out (offline)
  function say(text, kind = false) {
    if (!statusLine) return;
    clearTimeout(statusTimer);
    statusLine.textContent = text;
    statusLine.classList.toggle("chat__status--error", kind === true || kind === "error");
    statusLine.classList.toggle("chat__status--warn", kind === "warn");
    statusTimer = setTimeout(() => { statusLine.textContent = ""; }, STATUS_FOR);
  }

  let toAnnounce = [];
  let announceTimer = null;
  function announce(msg) {
    if (!announcer) return;
    toAnnounce.push(msg);
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => {
      const n = toAnnounce.length;
      const text = n === 1
        ? fmt(t.announceOne, { name: toAnnounce[0].author.name || "?", text: toAnnounce[0].text.slice(0, 200) })
        : plural(t, "announceMany", n);
      toAnnounce = [];
      announcer.textContent = text;
    }, ANNOUNCE_AFTER);
  }

  function showPill() {
    if (!pill) return;
    pill.textContent = plural(t, "newMessages", unseen);
    pill.hidden = false;
  }
  if (pill) pill.addEventListener("click", () => { unseen = 0; pill.hidden = true; scrollDown(); });
  list.addEventListener("scroll", () => {
    stuck = nearBottom();
    if (stuck && pill) { unseen = 0; pill.hidden = true; }
  });

  const socket = openSocket();
  const strip = presenceStrip(section.querySelector("#presence"), t);
  const controls = roomControls(section, socket, room, t, say);
  const typingNow = typingLine(section.querySelector("#typing"), t);
  const actions = messageActions({
    list, socket, room, me, moderator, t, say,
    roles: strip.roles,
    maxLength: textarea ? textarea.maxLength : 2000,
  });

  // --- the composer ----------------------------------------------------------------------------
  function updateComposer() {
    if (!form) return;
    const blocked = archived || (locked && !moderator);
    textarea.disabled = blocked || sending;
    if (sendButton) sendButton.disabled = blocked || sending;
  }

  function notice(id, text) {
    let node = section.querySelector(`#${id}`);
    if (!node) {
      node = document.createElement("p");
      node.className = "notice";
      node.id = id;
      list.before(node);
    }
    node.hidden = !text;
    if (text) node.textContent = text;
  }

  function setLocked(value, live) {
    locked = value;
    notice("locked-notice", value ? t.locked : "");
    updateComposer();
    if (live && !value) say(t.unlocked);
  }

  function setSlowMode(seconds, live) {
    notice("slow-notice", seconds > 0 ? plural(t, "slowMode", seconds) : "");
    if (live && !seconds) say(t.slowModeOff);
  }

  function applySettings(data) {
    const name = room.split(":").pop();
    if ("title" in data) {
      const title = `# ${data.title || name}`;
      section.querySelector("#chat-title").textContent = title;
      const link = document.querySelector(`.chat__rooms a[data-room-name="${CSS.escape(name)}"]`);
      if (link) link.textContent = title;
    }
    if ("audience" in data) {
      const badge = section.querySelector("#chat-visibility");
      if (badge) {
        const key = { teachers: "audienceTeachers", group: "audienceGroup" }[data.audience] || "audienceAll";
        badge.textContent = t[key];
        badge.classList.toggle("visibility--teachers", data.audience === "teachers");
      }
    }
    if ("supervision" in data) {
      const rule = section.querySelector(".room-rule");
      if (rule) rule.hidden = data.supervision === "none";
    }
    if ("archived" in data) {
      archived = Boolean(data.archived);
      notice("archived-notice", archived ? t.archived : "");
      updateComposer();
    }
  }

  function composerError(ack) {
    if (ack.error === "timeout") return t.notSent;
    if (ack.error === "muted" && ack.until) {
      return `${ack.message} ${fmt(t.mutedUntil, { time: clockTime(ack.until) })}`;
    }
    if (ack.error === "slow_mode") {
      const n = Math.max(1, Math.ceil(Number(ack.retry_after) || 1));
      return `${ack.message} ${plural(t, "waitSeconds", n)}`;
    }
    return ack.message || t.notSent;
  }

  // A message held by the word filter: only its author sees it, until a teacher approves it.
  function addPending(messageId, text, instead = null) {
    if (R.findByMessageId(list, messageId)) {
      if (instead) instead.remove();
      return;
    }
    const li = document.createElement("li");
    li.className = "message message--mine message--pending message--new";
    li.dataset.messageId = String(messageId);
    const name = document.createElement("span");
    name.className = "message__author";
    name.textContent = meName;
    const body = document.createElement("p");
    body.className = "message__text";
    body.textContent = text;
    const note = document.createElement("p");
    note.className = "message__pending";
    note.textContent = t.pending;
    li.append(name, body, note);
    const empty = document.getElementById("no-messages");
    if (empty) empty.remove();
    if (instead) instead.replaceWith(li);
    else list.append(li);
    scrollDown();
    say(t.pendingSaid);
  }

  // A teacher did not approve a held message: its pending copy says so (and why).
  function markRejected(messageId, reason) {
    const li = list.querySelector(`.message--pending[data-message-id="${Number(messageId)}"]`);
    const text = reason ? fmt(t.rejectedWhy, { reason }) : t.rejected;
    if (li) {
      li.classList.replace("message--pending", "message--rejected");
      const note = li.querySelector(".message__pending");
      if (note) note.textContent = text;
    }
    say(text);
  }

  // --- applying events -------------------------------------------------------------------------
  function addMessage(msg, live) {
    if (R.findById(list, msg.id)) return false;
    if (msg.status !== "visible" && !moderator) return false;
    const empty = document.getElementById("no-messages");
    if (empty) empty.remove();
    const mine = msg.author.username === me;
    if (mine && live) outbox.seen(msg);
    // the same message's held copy, or its copy from the outbox sent before the event came
    const pending = list.querySelector(`.message--pending[data-message-id="${Number(msg.messageId)}"]`)
      || list.querySelector(`.message--outbox[data-sent-id="${Number(msg.id)}"]`);
    const stick = nearBottom();
    const li = R.messageNode(msg, me, t);
    R.keepPlace(list, () => {
      R.insertInOrder(list, li);
      if (pending) pending.remove();
    }, pending);
    actions.attach(li);
    typingNow.stopped(msg.author.id);
    const next = li.nextElementSibling;
    const last = !next || next.classList.contains("message--pending") || next.classList.contains("message--outbox");
    if (stick || (mine && live)) scrollDown();
    else if (last) { unseen += 1; showPill(); }
    if (live && !mine) announce(msg);
    return true;
  }

  function findMessage(data) {
    return (data.seq && R.findById(list, data.seq)) || R.findByMessageId(list, data.message_id);
  }

  function removed(data, status) {
    const li = findMessage(data);
    if (!li) return;
    if (moderator) {
      R.setStatus(li, status, t);
      actions.refresh(li);
    } else {
      actions.forget(li);
      R.keepPlace(list, () => li.remove(), li);
    }
  }

  function restored(event) {
    const msg = R.fromRestoredEvent(event);
    const li = R.findById(list, msg.id);
    if (li) {
      R.setStatus(li, "visible", t);
      actions.refresh(li);
    } else {
      addMessage(msg, false);
    }
  }

  // Returns true when a new chat message was added to the list.
  function apply(event, live = false) {
    if (event.room !== room || event.id <= lastId) return false;
    lastId = event.id;
    const data = event.data || {};
    switch (event.type) {
      case "chat.message":
        return addMessage(R.fromMessageEvent(event), live);
      case "chat.edited": {
        const li = findMessage(data);
        if (li) { R.setText(li, data.text); R.setEdited(li, t); }
        break;
      }
      case "chat.deleted": removed(data, "deleted"); break;
      case "chat.hidden": removed(data, "hidden"); break;
      case "chat.restored": restored(event); break;
      case "chat.locked": setLocked(Boolean(data.locked), live); controls.showLocked(Boolean(data.locked)); break;
      case "chat.slow_mode": setSlowMode(Number(data.seconds) || 0, live); controls.showSlow(Number(data.seconds) || 0); break;
      case "chat.settings": applySettings(data); break;
      default: break;
    }
    return false;
  }

  // Fetch everything after lastId, in order; returns how many chat messages it added.
  let catching = null;
  let catchAgain = false;
  function catchUp() {
    if (catching) { catchAgain = true; return catching; }
    catching = (async () => {
      let added = 0;
      do {
        catchAgain = false;
        for (;;) {
          const ack = await call(socket, "catchup", { room, after: lastId });
          if (!ack.ok) break;
          for (const ev of ack.events) if (apply(ev)) added += 1;
          if (!ack.more) break;
        }
      } while (catchAgain);
      return added;
    })().finally(() => { catching = null; });
    return catching;
  }

  // The page rendered messages without their ids: ask the history once, attach the actions,
  // mark edits, and show moderators what was hidden in between.
  async function describeRendered() {
    const nodes = list.querySelectorAll(".message[data-id]");
    if (!nodes.length || !pageLastId) return;
    const oldest = Number(nodes[0].dataset.id);
    let before = pageLastId + 1;
    for (;;) {
      const ack = await call(socket, "chat:history", { room, before, limit: DESCRIBE_PAGE });
      if (!ack.ok) return;
      let olderExist = ack.more;
      for (const m of ack.messages) {
        const msg = R.fromHistory(m);
        if (msg.id < oldest) { olderExist = true; continue; }
        const li = R.findById(list, msg.id);
        if (li) {
          R.describe(li, msg);
          if (msg.editedAt) R.setEdited(li, t);
          R.setStatus(li, msg.status, t);
          actions.attach(li);
        } else if (msg.status === "visible" || moderator) {
          const node = R.messageNode(msg, me, t, { fresh: false });
          R.keepPlace(list, () => R.insertInOrder(list, node));
          actions.attach(node);
        }
      }
      const first = ack.messages[0];
      if (ack.more && first && first.id > oldest) { before = first.id; continue; }
      if (start) start.hidden = !olderExist;
      return;
    }
  }

  async function loadOlder() {
    const first = list.querySelector(".message[data-id]");
    const before = first ? Number(first.dataset.id) : lastId + 1;
    older.disabled = true;
    const ack = await call(socket, "chat:history", { room, before, limit: HISTORY_PAGE });
    older.disabled = false;
    if (!ack.ok) { say(ack.message || t.notSent, true); return; }
    let added = 0;
    R.keepPlace(list, () => {
      for (const m of ack.messages) {
        if (R.findById(list, m.id)) continue;
        const li = R.messageNode(R.fromHistory(m), me, t, { fresh: false });
        R.insertInOrder(list, li);
        actions.attach(li);
        added += 1;
      }
      if (!ack.more) {
        // nothing older: the button becomes the start of the conversation, in the same place
        const note = document.createElement("p");
        note.className = "hint messages__beginning";
        note.textContent = t.noOlder;
        start.replaceChildren(note);
        list.focus({ preventScroll: true });
      }
    });
    say(added ? plural(t, "olderLoaded", added) : t.noOlder);
  }
  if (older) older.addEventListener("click", loadOlder);

  // --- the outbox: messages sent while offline wait here, then go out in order ----------------
  const outbox = form && textarea ? chatOutbox({
    list, t, say,
    storageKey: `twinspace.chat.outbox:${meId}:${room}`,
    meName,
    online: () => socket.connected,
    send: (entry) => call(socket, "chat:send", { room, text: entry.text, client_id: entry.id }),
    reason: composerError,
    place(li) {
      const empty = document.getElementById("no-messages");
      if (empty) empty.remove();
      list.append(li);
      scrollDown();
    },
    // Sent: the message shows once, where the outbox copy was or where its event put it.
    delivered(entry, ack) {
      const li = entry.node;
      if (ack.held) { addPending(ack.message_id, entry.text, li); return; }
      if (R.findById(list, ack.id) || ack.id <= lastId) { li.remove(); return; }
      li.hidden = false;
      li.dataset.sentId = String(ack.id); // its chat.message event replaces it (addMessage)
      li.classList.add("message--sent");
      li.querySelector(".message__outbox").hidden = true;
      if (ack.id > lastId + 1) catchUp();
    },
    edit(text) {
      const before = textarea.value.trim();
      textarea.value = before ? `${before}\n${text}` : text;
      textarea.focus();
    },
    focusComposer: () => (textarea.disabled ? list : textarea).focus(),
  }) : { size: 0, seen() {}, resume() {} };

  // --- the connection --------------------------------------------------------------------------
  let joining = false; // the join's ack brings what live events arriving meanwhile skip
  onConnect(socket, async () => {
    // the join's ack also carries what was missed since lastId (one round trip)
    joining = true;
    let ack;
    try {
      ack = await call(socket, "join", { room, after: lastId });
    } finally {
      joining = false;
    }
    if (!ack.ok) { say(ack.message || t.notSent, true); return; }
    let missed = 0;
    for (const ev of ack.events || []) if (apply(ev)) missed += 1;
    applyEarly();
    if (ack.more) missed += await catchUp();
    if (!described) {
      described = true;
      await describeRendered();
    }
    if (wasConnected) bar.back(missed);
    wasConnected = true;
    section.dataset.live = "true";
    outbox.resume();
  });
  socket.on("disconnect", () => {
    section.dataset.live = "false";
    if (wasConnected) bar.lost();
  });
  // A gap (an id more than one ahead) usually fills within milliseconds: two server
  // processes publish the events of one room in either order. Hold the early event a
  // moment; only if the gap is still open then, fetch what is missing, in order (every
  // member asking at once for every swapped pair would multiply the server's work).
  const early = new Map();
  let gapTimer = null;
  function liveEvent(event) {
    if (event.id > lastId + 1) {
      early.set(event.id, event);
      if (!gapTimer && !joining) startGapTimer();
      return;
    }
    apply(event, true);
    applyEarly();
  }
  function startGapTimer() {
    gapTimer = setTimeout(() => { gapTimer = null; early.clear(); catchUp(); }, GAP_WAIT_MS);
  }
  // the held events that now follow lastId; a gap still open after a join is waited for
  function applyEarly() {
    while (early.has(lastId + 1)) {
      const next = early.get(lastId + 1);
      early.delete(lastId + 1);
      apply(next, true);
    }
    for (const id of [...early.keys()]) if (id <= lastId) early.delete(id);
    if (!early.size && gapTimer) { clearTimeout(gapTimer); gapTimer = null; }
    else if (early.size && !gapTimer && !joining) startGapTimer();
  }

  socket.on("event", (event) => {
    if (event.room === room) {
      liveEvent(event);
    } else if (typeof event.room === "string" && event.room.startsWith("user:")) {
      const data = event.data || {};
      if (data.chat_room !== room || !errorBox) return;
      if (event.type === "chat.muted") errorBox.textContent = fmt(t.mutedNotice, { time: clockTime(data.until) });
      else if (event.type === "chat.unmuted") { errorBox.textContent = ""; say(t.unmuted); }
      else if (event.type === "chat.rejected") markRejected(data.message_id, data.reason);
    }
  });
  // the server lost its Redis subscription for a moment: events may have been missed
  // (every browser of that process hears it at once: spread the catch-ups over 3 s)
  socket.on("resync", () => { setTimeout(catchUp, Math.random() * 3000); });
  const supervisors = supervisorsLine(section.querySelector("#supervisors"), t);
  // presence: the whole list when we join, then deltas (who is now here, who is gone)
  const present = new Map();
  socket.on("presence", (p) => {
    if (p.room !== room) return;
    if (Array.isArray(p.users)) {
      present.clear();
      for (const user of p.users) present.set(user.id, user);
    } else {
      for (const id of p.left || []) present.delete(id);
      for (const user of p.joined || []) present.set(user.id, user);
    }
    const here = [...present.values()].sort((a, b) => a.name.localeCompare(b.name));
    strip.show(here);
    supervisors.show(here);
  });
  socket.on("typing", (p) => {
    if (p.room === room && p.user && p.user.id !== meId) typingNow.typing(p.user);
  });

  let pendingSend = null;
  const newClientId = () => (window.crypto && crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

  if (form && textarea) {
    const typing = typingSender(textarea, () => {
      if (socket.connected) socket.emit("chat:typing", { room }, () => {});
    });
    textarea.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
    });
    // Without JavaScript the form posts; with it, the page never leaves: a message sent while
    // the connection is down (or while others wait) goes into the outbox, in order.
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = textarea.value.trim();
      if (!text || sending) return;
      errorBox.textContent = "";
      // the same text sent again after a failed attempt keeps its id: stored at most once
      if (!pendingSend || pendingSend.text !== text) pendingSend = { text, id: newClientId() };
      if (!socket.connected || outbox.size) {
        outbox.add(text, pendingSend.id);
        pendingSend = null;
        textarea.value = "";
        typing.sent();
        return;
      }
      sending = true;
      updateComposer();
      const ack = await call(socket, "chat:send", { room, text, client_id: pendingSend.id });
      const sent = pendingSend;
      if (ack.ok) pendingSend = null;
      sending = false;
      updateComposer();
      textarea.focus();
      if (!ack.ok && ack.error === "timeout" && !socket.connected) {
        // the connection went during the send: sent again (same id) once it is back
        outbox.add(text, sent.id);
        pendingSend = null;
        if (textarea.value.trim() === text) textarea.value = "";
        return;
      }
      if (!ack.ok) { errorBox.textContent = composerError(ack); return; }
      textarea.value = "";
      typing.sent();
      if (ack.held) addPending(ack.message_id, text);
      else if (ack.id > lastId + 1) catchUp();
    });
    updateComposer();
  }
}
