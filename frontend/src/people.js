// Home's people services, live: the latest-activities feed (joins every room the viewer may
// read, as listed by the server, and fetches the server-rendered items that arrived, so the
// server's visibility rules are the only ones), the unread-mail count, and print buttons.
import { call, onConnect, openSocket } from "./socket.js";
import { fetchDocument } from "./http.js";
import { fmt, readStrings } from "./i18n.js";

const SETTLE = 300; // ms: events arriving together are fetched once

export function startPeople(root) {
  for (const button of root.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  const feed = root.querySelector(".feed[data-rooms]");
  const counters = [...root.querySelectorAll("[data-unread-count][data-space]")];
  if (!feed && !counters.length) return;
  const t = readStrings("i18n");
  const socket = openSocket();
  const rooms = feed ? JSON.parse(feed.dataset.rooms || "[]") : [];
  const list = feed ? feed.querySelector(".feed__items") : null;
  const status = feed ? feed.querySelector(".feed__status") : null;
  let timer = null;

  function newest() {
    const first = list && list.querySelector(".feed__item[data-id]");
    return first ? Number(first.dataset.id) : 0;
  }

  async function refresh() {
    const after = newest();
    const answer = await fetchDocument(`${feed.dataset.feed}?fragment=items&after=${after}`);
    if (!answer.ok) return;
    const items = [...answer.doc.querySelectorAll(".feed__item[data-id]")].filter(
      (li) => !list.querySelector(`.feed__item[data-id="${li.dataset.id}"]`),
    );
    if (!items.length) return;
    const fragment = document.createDocumentFragment();
    for (const li of items) {
      const node = document.importNode(li, true);
      node.classList.add("is-new");
      fragment.append(node);
    }
    list.prepend(fragment);
    const empty = feed.querySelector(".feed__empty");
    if (empty) empty.hidden = true;
    if (status) status.textContent = fmt(t.newItems || "%(n)s new", { n: items.length });
    feed.dataset.live = "true";
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, SETTLE);
  }

  onConnect(socket, async () => {
    await Promise.all(rooms.map((room) => call(socket, "join", { room })));
    if (feed) {
      feed.dataset.joined = "true";
      schedule(); // anything missed while disconnected
    }
  });
  socket.on("event", (event) => {
    if (feed && rooms.includes(event.room)) schedule();
    if (event.type === "mail.new" || event.type === "mail.read") {
      for (const counter of counters) {
        if (Number(counter.dataset.space) === event.data.space_id) {
          counter.textContent = String(event.data.unread);
        }
      }
    }
  });
}
