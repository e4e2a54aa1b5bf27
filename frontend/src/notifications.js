// The notification bell: its unread count follows `notification.*` events on the user's
// own room, and is re-read from the server after a reconnect (events missed meanwhile).
import { onConnect, openSocket } from "./socket.js";
import { fmt } from "./i18n.js";

export function startBell(bell) {
  const count = bell.querySelector(".bell__count");
  const status = document.getElementById("bell-status");
  const room = `user:${bell.dataset.user}`;
  let shown = Number(count.textContent) || 0;

  function show(unread, announce) {
    count.textContent = String(unread);
    count.hidden = unread === 0;
    bell.setAttribute(
      "aria-label",
      unread ? fmt(bell.dataset.labelSome, { n: unread }) : bell.dataset.labelNone,
    );
    if (announce && status && unread > shown) status.textContent = fmt(bell.dataset.labelSome, { n: unread });
    shown = unread;
  }

  async function refresh() {
    try {
      const response = await fetch("/api/v1/notifications/unread", { credentials: "same-origin" });
      if (response.ok) show((await response.json()).unread, true);
    } catch {
      // offline: the next reconnect tries again
    }
  }

  const socket = openSocket();
  let connectedBefore = false;
  onConnect(socket, () => {
    if (connectedBefore) refresh();
    connectedBefore = true;
    bell.dataset.live = "true";
  });
  socket.on("disconnect", () => { bell.dataset.live = "false"; });
  socket.on("event", (event) => {
    if (event.room !== room || !event.type.startsWith("notification.")) return;
    const unread = Number(event.data?.unread);
    if (Number.isInteger(unread) && unread >= 0) show(unread, event.type === "notification.new");
  });
}
