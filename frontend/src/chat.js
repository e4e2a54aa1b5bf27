// Live chat: join, send with ack, receive events in id order, catch up after a cut.
import { io } from "socket.io-client";
import { connectionBar } from "./connection.js";

function readStrings() {
  const node = document.getElementById("i18n");
  return node ? JSON.parse(node.textContent) : {};
}

// "HH:MM" in the reader's time zone (the server renders UTC, which is all it knows).
function clockTime(at) {
  return at.toTimeString().slice(0, 5);
}

function messageNode(event, me) {
  const li = document.createElement("li");
  const author = event.data.author || {};
  li.className = "message message--new" + (author.username === me ? " message--mine" : "");
  li.dataset.id = String(event.id);
  const name = document.createElement("span");
  name.className = "message__author";
  name.textContent = author.name || "?";
  const time = document.createElement("time");
  time.className = "message__time";
  const at = event.at ? new Date(event.at) : new Date();
  time.dateTime = at.toISOString();
  time.textContent = clockTime(at);
  const text = document.createElement("p");
  text.className = "message__text";
  text.textContent = event.data.text;
  li.append(name, " ", time, text);
  return li;
}

export function startChat(section) {
  const t = readStrings();
  const room = section.dataset.room;
  const me = section.dataset.me;
  const list = section.querySelector("#messages");
  const form = section.querySelector("#composer");
  const textarea = form ? form.querySelector("textarea") : null;
  const errorBox = section.querySelector("#composer-error");
  const pill = section.querySelector("#new-pill");
  const bar = connectionBar(t);
  let lastId = Number(section.dataset.lastId || 0);
  let unseen = 0;
  let wasConnected = false;

  for (const node of list.querySelectorAll("time.message__time[datetime]")) {
    const at = new Date(node.dateTime);
    if (!Number.isNaN(at.getTime())) node.textContent = clockTime(at);
  }

  const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const scrollDown = () => { list.scrollTop = list.scrollHeight; };
  scrollDown();

  function showPill() {
    if (!pill) return;
    pill.textContent = t.newMessages.replace("%(n)s", unseen);
    pill.hidden = false;
  }
  if (pill) pill.addEventListener("click", () => { unseen = 0; pill.hidden = true; scrollDown(); });
  list.addEventListener("scroll", () => { if (nearBottom() && pill) { unseen = 0; pill.hidden = true; } });

  function apply(event) {
    if (event.room !== room || event.id <= lastId) return false;
    lastId = event.id;
    if (event.type !== "chat.message") return true;
    const empty = document.getElementById("no-messages");
    if (empty) empty.remove();
    const stick = nearBottom();
    list.append(messageNode(event, me));
    if (stick || event.data.author?.username === me) scrollDown();
    else { unseen += 1; showPill(); }
    return true;
  }

  const socket = io({ transports: ["websocket", "polling"] });

  function catchUp() {
    return new Promise((resolve) => {
      socket.timeout(10000).emit("catchup", { room, after: lastId }, (err, ack) => {
        if (err || !ack || !ack.ok) return resolve(0);
        let applied = 0;
        for (const ev of ack.events) if (apply(ev)) applied += 1;
        if (ack.more) catchUp().then((n) => resolve(applied + n));
        else resolve(applied);
      });
    });
  }

  socket.on("connect", () => {
    socket.timeout(10000).emit("join", { room }, async (err, ack) => {
      if (err || !ack || !ack.ok) return;
      const missed = ack.last_id > lastId ? await catchUp() : 0;
      if (wasConnected) bar.back(missed);
      wasConnected = true;
      section.dataset.live = "true";
    });
  });
  socket.on("disconnect", () => {
    section.dataset.live = "false";
    if (wasConnected) bar.lost();
  });
  socket.on("event", (event) => {
    if (event.room !== room) return;
    if (event.id > lastId + 1) catchUp();  // a gap: fetch what is missing, in order
    else apply(event);
  });

  if (form && textarea) {
    textarea.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", (e) => {
      if (!socket.connected) return;  // no live connection: the form posts normally
      e.preventDefault();
      const text = textarea.value.trim();
      if (!text) return;
      errorBox.textContent = "";
      textarea.disabled = true;
      socket.timeout(10000).emit("chat:send", { room, text }, (err, ack) => {
        textarea.disabled = false;
        textarea.focus();
        if (err) { errorBox.textContent = t.notSent; return; }
        if (!ack.ok) { errorBox.textContent = ack.message; return; }
        textarea.value = "";
        if (ack.id > lastId + 1) catchUp();
      });
    });
  }
}
