// The "Reconnecting…" / "Back online" bar, announced politely to screen readers.
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
      bar.className = "connection connection--ok";
      bar.textContent = missed > 0 ? t.backMissed.replace("%(n)s", missed) : t.back;
      bar.hidden = false;
      hideTimer = setTimeout(() => { bar.hidden = true; }, 5000);
    },
  };
}
