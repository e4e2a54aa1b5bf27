// Per-message actions: a small button on each message (shown on hover, on keyboard focus,
// and always on touch screens) opens a row of actions under the message. Everything goes
// over the socket with an acknowledgement; destructive actions ask first; errors are words.
import { call } from "./socket.js";
import { clockTime, fmt } from "./i18n.js";
import { openDialog } from "./dialog.js";
import { authorName, isTeacher, messageText } from "./chat-render.js";

const MUTE_CHOICES = [5, 15, 60];
const REASON_MAX = 500;

export function messageActions({ list, socket, room, me, moderator, maxLength, roles, say, t }) {
  let open = null; // {li, toggle, menu}

  function close({ focus = false } = {}) {
    if (!open) return;
    const { li, toggle, menu } = open;
    open = null;
    menu.remove();
    li.classList.remove("message--menu-open");
    toggle.setAttribute("aria-expanded", "false");
    if (focus && toggle.isConnected) toggle.focus();
  }

  function authorRole(li) {
    return li.dataset.authorRole || roles.get(Number(li.dataset.authorId)) || "";
  }

  // What this person may do with this message now (the server checks again).
  function choices(li) {
    const status = li.dataset.status || "visible";
    const mine = li.classList.contains("message--mine");
    const out = [];
    if (status === "visible") {
      if (me && !mine) out.push(["report", t.report]);
      if (mine) out.push(["edit", t.edit], ["delete", t.delete]);
      if (moderator) out.push(["hide", t.hide]);
    }
    if (status === "hidden" && moderator) out.push(["restore", t.restore]);
    if (moderator && !mine && status !== "deleted" && !isTeacher(authorRole(li)) && li.dataset.authorId) {
      out.push(["mute", t.mute]);
    }
    return out;
  }

  // Add the actions button to a message once its ids are known.
  function attach(li) {
    if (!li.dataset.messageId || li.classList.contains("message--pending")) return;
    let wrap = li.querySelector(".message__actions");
    if (!choices(li).length) {
      if (wrap) wrap.remove();
      return;
    }
    if (wrap) return;
    wrap = document.createElement("div");
    wrap.className = "message__actions";
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "message__toggle";
    toggle.tabIndex = -1; // the list is one Tab stop: arrow keys reach the messages (below)
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-label", fmt(t.actionsFor, { name: authorName(li) }));
    toggle.title = t.actions;
    const dots = document.createElement("span");
    dots.className = "dots";
    dots.setAttribute("aria-hidden", "true");
    toggle.append(dots);
    wrap.append(toggle);
    li.append(wrap);
  }

  function openMenu(li, toggle) {
    close();
    const menu = document.createElement("div");
    menu.className = "message__menu";
    menu.id = `actions-${li.dataset.messageId}`;
    menu.setAttribute("role", "group");
    menu.setAttribute("aria-label", toggle.getAttribute("aria-label"));
    for (const [action, label] of choices(li)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small" + (["delete", "hide", "mute"].includes(action) ? " button--warn" : " button--quiet");
      button.dataset.action = action;
      button.textContent = label;
      menu.append(button);
    }
    li.append(menu);
    li.classList.add("message--menu-open");
    toggle.setAttribute("aria-expanded", "true");
    toggle.setAttribute("aria-controls", menu.id);
    open = { li, toggle, menu };
    menu.scrollIntoView({ block: "nearest" });
    const first = menu.querySelector("button");
    if (first) first.focus();
  }

  const payload = (li, extra = {}) => ({ room, message_id: Number(li.dataset.messageId), ...extra });
  const quote = (li) => {
    const text = messageText(li);
    return fmt(t.quote, { name: authorName(li), text: text.length > 140 ? text.slice(0, 139) + "…" : text });
  };

  async function run(action, li) {
    const name = authorName(li);
    if (action === "report") {
      const ack = await openDialog(t, {
        title: t.reportTitle,
        text: quote(li),
        fields: [{ type: "textarea", name: "reason", label: t.reportReason, maxlength: REASON_MAX }],
        confirm: t.report,
        run: (v) => call(socket, "chat:report", payload(li, { reason: v.reason })),
      });
      if (ack) say(t.reportDone);
    } else if (action === "edit") {
      await openDialog(t, {
        title: t.editTitle,
        fields: [{ type: "textarea", name: "text", label: t.editLabel, value: messageText(li), maxlength: maxLength, required: true }],
        confirm: t.save,
        enterSubmits: true,
        run: (v) => call(socket, "chat:edit", payload(li, { text: v.text })),
      });
    } else if (action === "delete") {
      const ack = await openDialog(t, {
        title: t.deleteTitle,
        text: t.deleteText,
        confirm: t.delete,
        danger: true,
        run: () => call(socket, "chat:delete", payload(li)),
      });
      if (ack) say(t.deleted);
    } else if (action === "hide") {
      const ack = await openDialog(t, {
        title: t.hideTitle,
        text: `${t.hideText} ${quote(li)}`,
        fields: [{ type: "text", name: "reason", label: t.reason, maxlength: REASON_MAX }],
        confirm: t.hideConfirm,
        danger: true,
        run: (v) => call(socket, "chat:hide", payload(li, { reason: v.reason })),
      });
      if (ack) say(t.hiddenDone);
    } else if (action === "restore") {
      const ack = await call(socket, "chat:restore", payload(li, { reason: "" }));
      say(ack.ok ? t.restoredDone : ack.message || t.notSent, !ack.ok);
    } else if (action === "mute") {
      const ack = await openDialog(t, {
        title: fmt(t.muteTitle, { name }),
        fields: [
          {
            type: "choice",
            name: "minutes",
            label: t.muteFor,
            options: MUTE_CHOICES.map((n) => ({ value: n, label: fmt(t.minutes, { n }) })),
            value: MUTE_CHOICES[0],
          },
          { type: "text", name: "reason", label: t.reason, maxlength: REASON_MAX },
        ],
        confirm: t.muteConfirm,
        danger: true,
        run: (v) =>
          call(socket, "chat:mute", {
            room,
            user_id: Number(li.dataset.authorId),
            minutes: Number(v.minutes),
            reason: v.reason,
          }),
      });
      if (ack) say(fmt(t.muteDone, { name, time: clockTime(ack.until) }));
    }
  }

  list.addEventListener("click", (e) => {
    const toggle = e.target.closest(".message__toggle");
    if (toggle) {
      const li = toggle.closest(".message");
      if (open && open.li === li) close({ focus: true });
      else openMenu(li, toggle);
      return;
    }
    const button = e.target.closest(".message__menu button[data-action]");
    if (button && open) {
      const { li, toggle } = open;
      close();
      toggle.focus(); // where focus returns once a dialog closes
      run(button.dataset.action, li);
    }
  });
  list.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && open) {
      e.preventDefault();
      close({ focus: true });
      return;
    }
    if (e.target.closest(".message__menu")) return;
    // One Tab stop for the whole list: the arrow keys go from message to message (each one
    // read out whole), Enter opens the focused message's actions; Tab goes on to the composer.
    const messages = [...list.querySelectorAll("li.message")];
    if (!messages.length) return;
    const current = e.target.closest("li.message");
    let next = null;
    if (e.key === "ArrowUp") next = current ? messages[messages.indexOf(current) - 1] : messages.at(-1);
    else if (e.key === "ArrowDown") next = current ? messages[messages.indexOf(current) + 1] : messages.at(-1);
    else if (e.key === "Home") next = messages[0];
    else if (e.key === "End") next = messages.at(-1);
    else if ((e.key === "Enter" || e.key === " ") && current && e.target === current) {
      const toggle = current.querySelector(".message__toggle");
      if (toggle) {
        e.preventDefault();
        openMenu(current, toggle);
      }
      return;
    } else return;
    e.preventDefault();
    if (!next && e.key === "ArrowUp") next = list.querySelector(".messages__start:not([hidden]) button");
    if (!next) return;
    next.tabIndex = -1;
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  });
  document.addEventListener("click", (e) => {
    if (open && !open.li.contains(e.target)) close();
  });
  list.addEventListener("focusout", (e) => {
    if (open && e.relatedTarget && !open.li.contains(e.relatedTarget) && !e.relatedTarget.closest("dialog")) close();
  });

  return {
    attach,
    // A message changed (status, removed): refresh or drop its actions.
    refresh(li) {
      if (open && open.li === li) close();
      const wrap = li.querySelector(".message__actions");
      if (wrap && !choices(li).length) wrap.remove();
      else if (!wrap) attach(li);
    },
    forget(li) {
      if (open && open.li === li) close();
    },
  };
}
