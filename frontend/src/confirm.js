// Forms marked data-confirm="Question?" ask first in a modal dialog (keyboard: Tab between the
// buttons, Escape or Cancel changes nothing). Without JavaScript they simply submit.
import { openDialog } from "./dialog.js";

// Submit the form the ordinary way (a page load), skipping the submit listeners.
export function nativeSubmit(form) {
  HTMLFormElement.prototype.submit.call(form);
}

// Ask; on confirm run send() (which resolves to an ack {ok, message}: the dialog stays open
// and shows the message when ok is false). Resolves to the ack, or null when cancelled.
export function confirmForm(form, t, send) {
  const button = form.querySelector("button[type=submit], button:not([type])");
  const label = button ? button.textContent.trim() : "";
  return openDialog(t, {
    title: form.dataset.confirm,
    confirm: label || t.confirm || "OK",
    danger: true,
    run: send,
  });
}

// Pages without a richer handler: confirm, then submit normally.
export function enableConfirm(root, t) {
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || event.defaultPrevented) return;
    event.preventDefault();
    confirmForm(form, t, async () => {
      nativeSubmit(form);
      return { ok: true };
    });
  });
}
