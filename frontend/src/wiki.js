// A wiki page written together, live: Quill bound to a Yjs document (y-quill), updates sent
// and received over our Socket.IO connection (docs/realtime.md, "Wiki"). Loaded only on wiki
// pages (a chunk of its own). Without JavaScript the page shows the text, read-only.
import * as Y from "yjs";
import Quill from "quill";
import QuillCursors from "quill-cursors/core";
import { QuillBinding } from "y-quill";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from "y-protocols/awareness";
import { call, onConnect, openSocket } from "./socket.js";
import { fmt, readStrings } from "./i18n.js";

Quill.register("modules/cursors", QuillCursors);

const SEND_EVERY = 80; // ms: keystrokes typed together travel as one update
const RETRY_AFTER = 1000; // ms before sending again after a timeout or a rate limit
const CURSOR_EVERY = 150; // ms between two cursor announcements
const ANNOUNCE_AFTER = 1500; // ms: people arriving together are announced as one sentence
const FORMATS = ["bold", "italic", "underline", "strike", "link", "header", "list", "blockquote", "code-block", "code"];

function loadStyles() {
  if (document.querySelector("link[data-wiki-css]")) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = document.body.dataset.wikiCss || "/static/build/wiki.css";
  link.dataset.wikiCss = "";
  document.head.append(link);
}

const bytes = (data) => (data instanceof Uint8Array ? data : new Uint8Array(data));

export function startWiki(root) {
  loadStyles();
  const t = readStrings("i18n-wiki");
  const ids = {
    space_id: Number(root.dataset.space),
    widget_id: Number(root.dataset.widget),
    page_id: Number(root.dataset.page),
  };
  const room = root.dataset.room;
  const teacher = root.dataset.teacher === "true";
  const mayWrite = root.dataset.mayWrite === "true";
  const member = root.dataset.member === "true";
  let frozen = !document.getElementById("wiki-frozen-badge").hidden;
  const body = document.getElementById("wiki-body");
  const editor = document.getElementById("wiki-editor");
  const saved = document.getElementById("wiki-saved");
  const announcer = document.getElementById("wiki-announce");
  const peopleBox = root.querySelector(".wiki-people");
  const peopleList = document.getElementById("wiki-people");
  const help = document.getElementById("wiki-help");

  const doc = new Y.Doc();
  const ytext = doc.getText("text");
  const awareness = member ? new Awareness(doc) : null;
  const quill = new Quill("#wiki-text", {
    theme: "snow",
    formats: FORMATS,
    readOnly: true,
    modules: {
      toolbar: "#wiki-toolbar",
      cursors: { transformOnTextChange: true },
      history: { userOnly: true },
      keyboard: {
        bindings: {
          // Escape leaves the text: the next Tab goes on with the page (no keyboard trap)
          leave: { key: "Escape", handler: () => { help.focus(); return false; } },
        },
      },
    },
  });
  new QuillBinding(ytext, quill, awareness || undefined);
  quill.root.setAttribute("role", "textbox");
  quill.root.setAttribute("aria-multiline", "true");
  quill.root.setAttribute("aria-label", t.editorLabel || "");
  quill.root.setAttribute("aria-describedby", "wiki-help");
  help.tabIndex = -1;
  root.querySelector(".wiki-editor__keys").hidden = false;

  const mayEdit = () => mayWrite && (!frozen || teacher);
  function applyRights() {
    quill.enable(synced && mayEdit());
    root.dataset.editable = String(synced && mayEdit());
    document.getElementById("wiki-frozen-badge").hidden = !frozen;
    document.getElementById("wiki-frozen-note").hidden = !frozen || mayEdit() || !mayWrite;
  }

  // --- saying things, politely -----------------------------------------------------------------
  let heard = [];
  let heardTimer = null;
  function announce(text) {
    if (!text) return;
    heard.push(text);
    clearTimeout(heardTimer);
    heardTimer = setTimeout(() => {
      announcer.textContent = [...new Set(heard)].join(" ");
      heard = [];
    }, ANNOUNCE_AFTER);
  }
  function status(text) {
    if (saved) saved.textContent = text;
  }

  // --- the socket ------------------------------------------------------------------------------
  const socket = openSocket();
  let synced = false;
  let pending = [];
  let sending = false;
  let sendTimer = null;

  function schedule(delay = SEND_EVERY) {
    if (!sendTimer) sendTimer = setTimeout(flush, delay);
  }
  async function flush() {
    sendTimer = null;
    if (sending || !pending.length || !synced || !socket.connected) return;
    const update = pending.length === 1 ? pending[0] : Y.mergeUpdates(pending);
    pending = [];
    sending = true;
    status(t.saving);
    const ack = await call(socket, "wiki:update", { ...ids, update });
    sending = false;
    if (ack.ok) {
      status(pending.length ? t.saving : t.saved);
    } else if (ack.error === "timeout" || ack.error === "rate_limited") {
      pending.unshift(update); // kept; sent again (a sync after a reconnect covers it too)
      schedule(RETRY_AFTER);
      return;
    } else {
      status(fmt(t.refused, { message: ack.message || "" }));
      announce(fmt(t.refused, { message: ack.message || "" }));
      if (ack.error === "locked" || ack.error === "forbidden") {
        frozen = ack.error === "locked" ? true : frozen;
        applyRights();
      }
    }
    if (pending.length) schedule();
  }
  doc.on("update", (update, origin) => {
    if (origin === "remote") return;
    pending.push(update);
    if (!socket.connected) status(t.offline);
    schedule();
  });

  // catch up (after the first load, a reconnect, a restore), then send what the server lacks
  let syncing = null;
  function sync() {
    if (syncing) return syncing;
    syncing = (async () => {
      const ack = await call(socket, "wiki:sync", { ...ids, state_vector: Y.encodeStateVector(doc) });
      if (!ack.ok) return false;
      Y.applyUpdate(doc, bytes(ack.update), "remote");
      frozen = ack.frozen;
      // what we have and the server lacks (typed offline); it always carries our whole delete
      // set, so the server stores it only if it changes something ("catchup")
      const missing = Y.encodeStateAsUpdate(doc, bytes(ack.state_vector));
      pending = [];
      if (missing.length > 2) { // an empty update is two bytes
        const sent = await call(socket, "wiki:update", { ...ids, update: missing, catchup: true });
        if (!sent.ok && (sent.error === "timeout" || sent.error === "rate_limited")) pending.push(missing);
      }
      if (!synced) {
        synced = true;
        body.hidden = true;
        editor.hidden = false;
      }
      applyRights();
      if (pending.length) schedule(0);
      return true;
    })().finally(() => { syncing = null; });
    return syncing;
  }

  socket.on("wiki:update", (data) => {
    if (data.page_id !== ids.page_id) return;
    Y.applyUpdate(doc, bytes(data.update), "remote");
  });

  socket.on("event", (event) => {
    if (event.room !== room) return;
    const data = event.data || {};
    if (data.widget_id !== ids.widget_id || (data.page_id !== undefined && data.page_id !== ids.page_id)) return;
    if (event.type === "wiki.frozen") {
      frozen = Boolean(data.frozen);
      applyRights();
      announce(frozen && !mayEdit() ? t.frozen : frozen ? "" : t.unfrozen);
      const form = document.getElementById("wiki-freeze");
      if (form) setFreezeForm(form);
    } else if (event.type === "wiki.restored") {
      sync();
      announce(fmt(t.restored, { n: data.restored_from }));
      status(fmt(t.revision, { n: data.revision }));
    } else if (event.type === "wiki.revision_saved") {
      status(fmt(t.revision, { n: data.revision }));
    } else if (event.type === "wiki.page_deleted") {
      frozen = true;
      synced = false;
      quill.enable(false);
      root.dataset.editable = "false";
      const note = document.getElementById("wiki-frozen-note");
      note.textContent = t.deleted;
      note.hidden = false;
      announce(t.deleted);
    } else if (event.type === "wiki.page_renamed" && data.page && data.page.id === ids.page_id) {
      document.getElementById("wiki-title").textContent = data.page.title;
    }
  });

  // --- who is here (cursors with names and colours; the server writes the names) --------------
  let cursorTimer = null;
  let cursorClients = new Set();
  function sendAwareness(clients) {
    if (!awareness) return;
    for (const c of clients) cursorClients.add(c);
    if (cursorTimer) return;
    cursorTimer = setTimeout(async () => {
      cursorTimer = null;
      const list = [...cursorClients];
      cursorClients = new Set();
      if (!socket.connected || !synced) return;
      await call(socket, "wiki:awareness", { ...ids, update: encodeAwarenessUpdate(awareness, list) });
    }, CURSOR_EVERY);
  }
  const names = new Map(); // client id -> name
  function showPeople() {
    if (!awareness) return;
    const now = new Map();
    awareness.getStates().forEach((state, client) => {
      if (client !== doc.clientID && state && state.user && state.user.name) now.set(client, state.user);
    });
    for (const [client, user] of now) if (!names.has(client)) announce(fmt(t.joined, { name: user.name }));
    for (const [client, name] of names) if (!now.has(client)) announce(fmt(t.left, { name }));
    names.clear();
    peopleList.replaceChildren();
    const seen = new Set();
    for (const [client, user] of now) {
      names.set(client, user.name);
      if (seen.has(user.name)) continue; // one person with two windows is listed once
      seen.add(user.name);
      const li = document.createElement("li");
      li.className = "wiki-people__item";
      const dot = document.createElement("span");
      dot.className = "wiki-people__dot";
      dot.setAttribute("aria-hidden", "true");
      dot.style.backgroundColor = user.color || "#5e5c64";
      li.append(dot, document.createTextNode(user.name));
      peopleList.append(li);
    }
    peopleBox.hidden = seen.size === 0;
  }
  if (awareness) {
    awareness.setLocalStateField("user", {});
    awareness.on("update", ({ added, updated, removed }, origin) => {
      if (origin === "remote") return;
      sendAwareness([...added, ...updated, ...removed]);
    });
    awareness.on("change", ({ added }, origin) => {
      showPeople();
      if (origin === "remote" && added.length) sendAwareness([doc.clientID]); // newcomers see us
    });
    socket.on("wiki:awareness", (data) => {
      if (data.page_id !== ids.page_id) return;
      applyAwarenessUpdate(awareness, bytes(data.update), "remote");
    });
    window.addEventListener("pagehide", () => awareness.setLocalState(null));
  }

  // --- freezing without a page load ----------------------------------------------------------
  function setFreezeForm(form) {
    const button = form.querySelector("button");
    form.action = form.action.replace(/page\.(un)?freeze$/, frozen ? "page.unfreeze" : "page.freeze");
    form.dataset.frozen = String(frozen);
    button.textContent = frozen ? button.dataset.unfreeze : button.dataset.freeze;
  }
  const freezeForm = document.getElementById("wiki-freeze");
  if (freezeForm) {
    freezeForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const command = frozen ? "page.unfreeze" : "page.freeze";
      const ack = await call(socket, "tool", { space_id: ids.space_id, widget_id: ids.widget_id, command, page_id: ids.page_id });
      if (!ack.ok) {
        announce(fmt(t.refused, { message: ack.message || "" }));
        return;
      }
      frozen = command === "page.freeze";
      applyRights();
      setFreezeForm(freezeForm);
      announcer.textContent = frozen ? t.freezeDone : t.unfreezeDone;
    });
  }

  // --- connection ------------------------------------------------------------------------------
  const bar = document.getElementById("connection");
  let wasConnected = false;
  onConnect(socket, async () => {
    const ack = await call(socket, "join", { room });
    if (!ack.ok) return;
    const caughtUp = await sync();
    if (awareness) sendAwareness([doc.clientID]);
    if (wasConnected && caughtUp && !pending.length) status(t.saved);
    if (wasConnected && bar) {
      bar.className = "connection connection--ok";
      bar.textContent = t.back;
      bar.hidden = false;
      setTimeout(() => { bar.hidden = true; }, 4000);
    }
    wasConnected = true;
    root.dataset.live = "true";
  });
  socket.on("disconnect", () => {
    root.dataset.live = "false";
    if (awareness) {
      // others' cursors are stale until we are back
      const others = [...awareness.getStates().keys()].filter((c) => c !== doc.clientID);
      removeAwarenessStates(awareness, others, "remote");
    }
    status(t.offline);
    if (bar && wasConnected) {
      bar.className = "connection";
      bar.textContent = t.reconnecting;
      bar.hidden = false;
    }
  });
  return { doc, quill };
}
