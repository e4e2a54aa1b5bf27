// Dates and times of live items, formatted like the server's `when` filter
// (twinspace/i18n/formatting.py): the reader's language (<html lang>) and time zone
// (<html data-tz>); "just now" under a minute, "5 minutes ago" under an hour, "3 hours ago"
// under six hours, else "14 déc. 2026, 15:49" (medium date, short time). The relative ones are
// refreshed every half-minute, so a chat left open keeps telling the truth.

const RELATIVE_MINUTES = 60;
const RELATIVE_HOURS = 6;
const root = document.documentElement;

let zoneKnown = null; // whether this browser knows the page's zone (else its own is used)
function reader() {
  let zone = root.dataset.tz || undefined;
  if (zone && zoneKnown === null) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      zoneKnown = true;
    } catch {
      zoneKnown = false;
    }
  }
  if (!zoneKnown) zone = undefined;
  return { lang: root.lang || "en", zone, justNow: root.dataset.justNow || "just now" };
}

function toDate(at) {
  const date = at instanceof Date ? at : new Date(at);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function absolute(at) {
  const date = toDate(at);
  if (!date) return "";
  const { lang, zone } = reader();
  return new Intl.DateTimeFormat(lang, { timeZone: zone, dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function calendarDate(at) {
  const date = toDate(at);
  if (!date) return "";
  const { lang, zone } = reader();
  // a bare date ("2026-12-14") is a calendar day, not a moment: no zone shift
  const timeZone = typeof at === "string" && !at.includes("T") ? "UTC" : zone;
  return new Intl.DateTimeFormat(lang, { timeZone, dateStyle: "medium" }).format(date);
}

export function relative(at, now = new Date()) {
  const date = toDate(at);
  if (!date) return null;
  const seconds = (now.getTime() - date.getTime()) / 1000;
  if (seconds < -5 || seconds >= RELATIVE_HOURS * 3600) return null; // a few seconds of clock skew
  const { lang, justNow } = reader();
  if (seconds < 60) return justNow;
  const words = new Intl.RelativeTimeFormat(lang, { numeric: "always" });
  if (seconds < RELATIVE_MINUTES * 60) return words.format(-Math.floor(seconds / 60), "minute");
  return words.format(-Math.floor(seconds / 3600), "hour");
}

// Fill a <time> element (made here or by the server) for the moment it holds.
export function renderTime(node, at = node.dateTime) {
  const date = toDate(at);
  if (!date) return node;
  if (node.dataset.when === "date") {
    node.textContent = calendarDate(at);
    return node;
  }
  if (!node.dateTime) node.dateTime = date.toISOString();
  node.dataset.when = "auto";
  const full = absolute(date);
  node.title = full;
  node.textContent = relative(date) || full;
  return node;
}

// A new <time class="…"> for a live item.
export function timeElement(at, className = "") {
  const node = document.createElement("time");
  if (className) node.className = className;
  const date = toDate(at) || new Date();
  node.dateTime = typeof at === "string" ? at : date.toISOString();
  return renderTime(node, date);
}

export function refreshTimes(scope = document) {
  for (const node of scope.querySelectorAll("time[data-when='auto']")) renderTime(node);
}

let ticking = false;
export function startClock() {
  if (ticking) return;
  ticking = true;
  setInterval(() => refreshTimes(), 30_000);
}

// Readers who are not logged in get their browser's zone through a cookie; the login form
// sends it with the credentials (a person's first zone), the profile can change it.
export function shareZone() {
  let zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch { return; }
  if (!zone) return;
  for (const field of document.querySelectorAll("input[name=time_zone][data-detect]")) field.value = zone;
  if (!document.cookie.split("; ").includes(`ts_tz=${encodeURIComponent(zone)}`)) {
    document.cookie = `ts_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
  }
}
