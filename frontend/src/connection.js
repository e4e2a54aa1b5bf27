// The "Reconnecting…" / "Back online" bar, announced politely to screen readers.
import { plural } from "./i18n.js";

export function connectionBar(t) {
  const bar = document.getElementById("connection");
  let hideTimer = null;
  return {
    lost() {
      if (!bar) return;
      clearTimeout(hideTimer);
      bar.className = "connection";
      bar.textContent = t.reconnecting;
      bar.hidden = false;
    },
    back(missed) {
      if (!bar) return;
      clearTimeout(hideTimer);
      bar.className = "connection connection--ok";
      bar.textContent = missed > 0 ? plural(t, "backMissed", missed) : t.back;
      bar.hidden = false;
      hideTimer = setTimeout(() => { bar.hidden = true; }, 5000);
    },
  };
}
