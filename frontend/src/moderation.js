// The teachers' moderation queue, live: held messages and reports slide in, items resolved by
// anyone disappear, and Approve / Reject / Hide / Dismiss go over the socket. The page's own
// forms still post when there is no live connection (or no JavaScript).
import { call, openSocket } from "./socket.js";
import { connectionBar } from "./connection.js";
import { fmt, plural, readStrings } from "./i18n.js";
import { renderTime } from "./when.js";
import { openDialog } from "./dialog.js";

const SUMMARY_AFTER = 1000; // ms: items arriving together are announced as one summary

export function startModeration(root) {
  const t = readStrings("moderation-i18n");
  const space = root.dataset.space;
  const room = root.dataset.room;
  const csrf = document.body.dataset.csrf || "";
  const bar = connectionBar(t);
  const summary = root.querySelector("#moderation-live");
  const queues = {
    held: {
      list: root.querySelector("#held-list"),
      count: root.querySelector("#held-count"),
      empty: root.querySelector("#held-empty"),
      template: document.getElementById("held-item"),
      key: "messageId",
    },
    report: {
      list: root.querySelector("#report-list"),
      count: root.querySelector("#reports-count"),
      empty: root.querySelector("#reports-empty"),
      template: document.getElementById("report-item"),
      key: "reportId",
    },
  };
  const resolved = { held: new Set(), report: new Set() }; // never brought back by a late answer
  let wasConnected = false;

  for (const node of root.querySelectorAll(".queue__item time[datetime]")) renderTime(node);

  function refreshCounts() {
    for (const q of Object.values(queues)) {
      const n = q.list.querySelectorAll(".queue__item").length;
      q.count.textContent = String(n);
      q.empty.hidden = n > 0;
    }
  }

  let fresh = { held: 0, report: 0 };
  let summaryTimer = null;
  function announceNew(kind) {
    fresh[kind] += 1;
    clearTimeout(summaryTimer);
    summaryTimer = setTimeout(() => {
      const parts = [];
      if (fresh.held) parts.push(plural(t, "newHeld", fresh.held));
      if (fresh.report) parts.push(plural(t, "newReports", fresh.report));
      fresh = { held: 0, report: 0 };
      if (summary && parts.length) summary.textContent = parts.join(" ");
    }, SUMMARY_AFTER);
  }
  function say(text) {
    clearTimeout(summaryTimer);
    fresh = { held: 0, report: 0 };
    if (summary) summary.textContent = text;
  }

  function find(kind, id) {
    const attr = kind === "held" ? "data-message-id" : "data-report-id";
    return queues[kind].list.querySelector(`.queue__item[${attr}="${Number(id)}"]`);
  }

  function fill(node, selector, text) {
    const el = node.querySelector(selector);
    if (!el) return;
    if (text) el.textContent = text;
    else el.remove();
  }

  // A queue item built from the page's <template>, the same markup (and forms) as the server's.
  function build(kind, item) {
    const node = queues[kind].template.content.firstElementChild.cloneNode(true);
    node.dataset.chatRoom = item.chat_room;
    node.dataset.messageId = String(item.message_id);
    if (kind === "report") node.dataset.reportId = String(item.report_id);
    fill(node, ".queue__author", item.author);
    fill(node, ".queue__room", `#${item.chat_room}`);
    fill(node, ".queue__text", item.text);
    fill(node, ".queue__reporter", item.reporter ? fmt(t.reportedBy, { name: item.reporter }) : "");
    fill(node, ".queue__reason", item.reason ? fmt(t.reasonGiven, { reason: item.reason }) : "");
    const time = node.querySelector("time");
    if (time && item.at) {
      time.dateTime = item.at;
      renderTime(time);
    } else if (time) time.remove();
    for (const form of node.querySelectorAll("form[data-command]")) {
      form.action = `/spaces/${space}/chat/${encodeURIComponent(item.chat_room)}/do/${form.dataset.command}`;
      for (const input of form.querySelectorAll("input[type=hidden]")) {
        if (input.name === "csrf_token") input.value = csrf;
        else if (input.name === "message_id") input.value = String(item.message_id);
        else if (input.name === "report_id") input.value = String(item.report_id);
        else if (input.name === "reason") input.value = item.reason || "";
      }
    }
    return node;
  }

  function add(kind, item) {
    const id = kind === "held" ? item.message_id : item.report_id;
    if (resolved[kind].has(id) || find(kind, id)) return false;
    const node = build(kind, item);
    node.classList.add("queue__item--new");
    queues[kind].list.append(node);
    refreshCounts();
    announceNew(kind);
    return true;
  }

  function remove(node) {
    if (!node) return;
    const list = node.parentElement;
    const hadFocus = node.contains(document.activeElement);
    const next = node.nextElementSibling || node.previousElementSibling;
    node.remove();
    refreshCounts();
    if (hadFocus) {
      const target = next && next.querySelector("button");
      if (target) target.focus();
      else {
        const heading = list.closest("section").querySelector("h2");
        heading.tabIndex = -1;
        heading.focus();
      }
    }
  }

  function resolve(kind, id) {
    resolved[kind].add(Number(id));
    remove(find(kind, id));
  }

  function onEvent(ev) {
    const d = ev.data || {};
    if (ev.type === "chat.held") {
      add("held", { ...d, author: d.author && d.author.name, at: ev.at });
    } else if (ev.type === "chat.report") {
      add("report", {
        ...d,
        author: d.author && d.author.name,
        reporter: d.reporter && d.reporter.name,
        at: ev.at,
      });
    } else if (ev.type === "moderation.resolved") {
      if (d.kind === "held") resolve("held", d.message_id);
      else if (d.kind === "report") resolve("report", d.report_id);
      else if (d.kind === "message") {
        // the message was hidden: every open report about it is settled
        for (const node of queues.report.list.querySelectorAll(`.queue__item[data-message-id="${Number(d.message_id)}"]`)) {
          resolve("report", node.dataset.reportId);
        }
      }
    }
  }

  // After (re)joining: the queue as it is now, so nothing between page load and join is lost.
  async function reload() {
    const ids = (kind) => [...queues[kind].list.querySelectorAll(".queue__item")].map((node) =>
      Number(kind === "held" ? node.dataset.messageId : node.dataset.reportId));
    // only items already shown before asking may be dropped: a live one may be newer than the answer
    const before = { held: new Set(ids("held")), report: new Set(ids("report")) };
    let response;
    try {
      response = await fetch(`/api/v1/spaces/${space}/moderation`, { headers: { Accept: "application/json" } });
    } catch {
      return;
    }
    if (!response.ok) return;
    const data = await response.json();
    const sets = { held: new Set(), report: new Set() };
    for (const item of data.held || []) {
      sets.held.add(item.message_id);
      add("held", item);
    }
    for (const item of data.reports || []) {
      sets.report.add(item.report_id);
      add("report", item);
    }
    for (const kind of ["held", "report"]) {
      for (const id of before[kind]) if (!sets[kind].has(id)) remove(find(kind, id));
    }
  }

  const socket = openSocket();
  socket.on("connect", async () => {
    const ack = await call(socket, "join", { room });
    if (!ack.ok) return;
    await reload(); // what arrived meanwhile slides in and is announced like live items
    if (wasConnected) bar.back(0);
    wasConnected = true;
    root.dataset.live = "true";
  });
  socket.on("disconnect", () => {
    root.dataset.live = "false";
    if (wasConnected) bar.lost();
  });
  socket.on("event", (ev) => { if (ev.room === room) onEvent(ev); });
  socket.on("resync", () => { reload(); }); // events may have been missed: read the queue again

  const DONE = { approve: "approved", reject: "rejected", hide: "hidden", dismiss_report: "dismissed" };

  root.addEventListener("submit", async (e) => {
    const form = e.target.closest("form[data-command]");
    if (!form || !socket.connected) return; // not live: the form posts as usual
    e.preventDefault();
    const item = form.closest(".queue__item");
    const command = form.dataset.command;
    const payload = { room: `space:${space}:chat:${item.dataset.chatRoom}` };
    for (const [key, value] of new FormData(form).entries()) {
      if (key === "message_id" || key === "report_id") payload[key] = Number(value);
      else if (key === "reason") payload.reason = String(value);
    }
    const errorBox = item.querySelector(".queue__error");
    const buttons = item.querySelectorAll("button");
    const send = () => call(socket, `chat:${command}`, payload);
    let ack;
    if (command === "reject") {
      ack = await openDialog(t, {
        title: t.rejectTitle,
        text: fmt(t.quote, { name: item.querySelector(".queue__author").textContent, text: item.querySelector(".queue__text").textContent }),
        confirm: t.reject,
        danger: true,
        run: send,
      });
      if (!ack) return; // cancelled
    } else {
      buttons.forEach((b) => { b.disabled = true; });
      if (errorBox) errorBox.textContent = "";
      ack = await send();
      buttons.forEach((b) => { b.disabled = false; });
    }
    if (ack.ok) {
      if (command === "dismiss_report") resolve("report", item.dataset.reportId);
      else if (command === "hide") onEvent({ type: "moderation.resolved", data: { kind: "message", message_id: Number(item.dataset.messageId) } });
      else resolve("held", item.dataset.messageId);
      say(t[DONE[command]]);
    } else if (errorBox) {
      errorBox.textContent = ack.message || t.notSent;
    }
  });
}
