// Network pages (contacts, projects, the NSS queue) stay server-rendered; when a notification
// about them arrives on the reader's own room, a quiet notice offers the latest version
// instead of moving what the reader is reading.
import { openSocket } from "./socket.js";

export function startNetworkLive(notice) {
  const kinds = (notice.dataset.networkLive || "").split(" ").filter(Boolean);
  const bell = document.getElementById("bell");
  const room = bell ? `user:${bell.dataset.user}` : null;
  const reload = notice.querySelector(".network-live__reload");
  if (reload) reload.href = window.location.pathname + window.location.search;
  openSocket().on("event", (event) => {
    if (event.type !== "notification.new" || (room && event.room !== room)) return;
    const kind = String(event.data?.kind || "");
    if (kinds.some((prefix) => kind.startsWith(prefix))) notice.hidden = false;
  });
}
