// TwinSpace browser entry: live parts on top of server-rendered pages.
import { refreshTimes, shareZone, startClock } from "./when.js";
import { startMenu } from "./menu.js";

// On every page: times in the reader's zone and words (kept fresh), the phone's site menu.
// (never in the way of the live parts below, whatever happens here)
try {
  shareZone();
  refreshTimes();
  startClock();
  const menuButton = document.getElementById("menu-button");
  if (menuButton) startMenu(menuButton);
} catch (error) {
  console.error(error);
}
// Each part is a chunk of its own, loaded only by the pages that have it, so the login and
// registration pages load no socket, chat or page-editing code.
const when = (selector, load) => {
  const node = document.querySelector(selector);
  if (node) load().then((start) => start(node));
  return node;
};

when(".chat__main[data-room]", () => import("./chat.js").then((m) => m.startChat));
when("#moderation[data-room]", () => import("./moderation.js").then((m) => m.startModeration));
const pages = when(".pages[data-space]", () => import("./pages.js").then((m) => m.startPages));
if (!pages && document.querySelector("form[data-confirm]")) {
  Promise.all([import("./confirm.js"), import("./i18n.js")]).then(([confirm, i18n]) => {
    const strings = { ...i18n.readStrings("i18n"), ...i18n.readStrings("i18n-pages") };
    if (strings.cancel) confirm.enableConfirm(document, strings);
  });
}
// uploads.js also checks the size cap of any file field before anything is sent
if (document.querySelector("form[data-upload-url], input[type=file]") || pages) {
  import("./uploads.js").then((m) => m.startUploads(document));
}
if (document.querySelector("[data-print], .feed[data-rooms], [data-unread-count][data-space]")) {
  import("./people.js").then((m) => m.startPeople(document));
}
when("#meeting[data-space]", () => import("./meeting.js").then((m) => m.startMeeting));
when("#bell", () => import("./notifications.js").then((m) => m.startBell));
when("[data-network-live]", () => import("./network.js").then((m) => m.startNetworkLive));
when("select[data-follows]", () => import("./school-select.js").then((m) => m.followCountry));
when("[data-wiki-editor]", () => import("./wiki.js").then((m) => m.startWiki));
when("form[data-label-draft]", () => import("./label.js").then((m) => m.startLabelDraft));
const autosaved = document.querySelectorAll("form[data-autosave]");
if (autosaved.length) {
  import("./autosave.js").then((m) => autosaved.forEach((form) => m.startAutosave(form)));
}
