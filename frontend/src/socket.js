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
