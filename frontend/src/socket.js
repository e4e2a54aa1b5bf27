// One Socket.IO connection per page, and acknowledged calls that always resolve:
// a missing answer becomes {ok: false, error: "timeout"} so callers handle one shape.
import { io } from "socket.io-client";

// One connection per page, shared by every live part (chat, pages, the notification bell).
let shared = null;

export function openSocket() {
  if (!shared) shared = io({ transports: ["websocket", "polling"] });
  return shared;
}

export function call(socket, event, payload, timeout = 10000) {
  return new Promise((resolve) => {
    socket.timeout(timeout).emit(event, payload, (err, ack) => {
      if (err || !ack) resolve({ ok: false, error: "timeout" });
      else resolve(ack);
    });
  });
}

// Run `handler` on every (re)connection, and at once if the shared socket is already up:
// parts loaded later (the wiki editor's chunk) would otherwise miss the first "connect".
export function onConnect(socket, handler) {
  socket.on("connect", handler);
  if (socket.connected) queueMicrotask(handler);
}
