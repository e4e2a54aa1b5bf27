// The teachers' Lock / Unlock and Slow mode controls of a chat room (plain forms that work
// without JavaScript; here they go over the socket and the page stays put), and the line
// that tells pupils which teachers are in the room.
import { call } from "./socket.js";
import { fmt } from "./i18n.js";
import { isTeacher } from "./chat-render.js";

export function roomControls(section, socket, room, t, say) {
  const box = section.querySelector("#chat-controls");
  const lockForm = box ? box.querySelector('[data-chat-control="lock"]') : null;
  const slowForm = box ? box.querySelector('[data-chat-control="slow_mode"]') : null;

  function showLocked(locked) {
    if (!lockForm) return;
    lockForm.querySelector("input[name=locked]").value = locked ? "false" : "true";
    lockForm.querySelector("button").textContent = locked ? t.unlockRoom : t.lockRoom;
  }

  function showSlow(seconds) {
    if (!slowForm) return;
    const select = slowForm.querySelector("select");
    if (![...select.options].some((o) => Number(o.value) === seconds)) return;
    select.value = String(seconds);
  }

  async function submit(form, event, payload, done) {
    if (!socket.connected) return; // no socket: the form posts as a plain form
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    const ack = await call(socket, `chat:${form.dataset.chatControl}`, { room, ...payload });
    button.disabled = false;
    if (ack.ok) say(done);
    else say(ack.message || ack.error, true);
  }

  if (lockForm) {
    lockForm.addEventListener("submit", (event) => {
      const locked = lockForm.querySelector("input[name=locked]").value === "true";
      submit(lockForm, event, { locked }, locked ? t.lockedDone : t.unlocked);
    });
  }
  if (slowForm) {
    slowForm.addEventListener("submit", (event) => {
      const seconds = Number(slowForm.querySelector("select").value) || 0;
      submit(slowForm, event, { seconds }, seconds ? t.slowModeSet : t.slowModeOff);
    });
  }
  return { showLocked, showSlow };
}

// "Teachers here now: Anne Moreau." from the live presence list.
export function supervisorsLine(node, t) {
  return {
    show(users) {
      if (!node) return;
      const names = users.filter((u) => isTeacher(u.role)).map((u) => u.name);
      node.textContent = names.length ? fmt(t.teachersHere, { names: names.join(", ") }) : t.noTeacherHere;
    },
  };
}
