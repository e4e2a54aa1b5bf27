// TwinSpace browser entry: live parts on top of server-rendered pages.
import { startChat } from "./chat.js";
import { startModeration } from "./moderation.js";
import { startPages } from "./pages.js";
import { enableConfirm } from "./confirm.js";
import { readStrings } from "./i18n.js";
import { startUploads } from "./uploads.js";
import { startPeople } from "./people.js";
import { startBell } from "./notifications.js";
import { followCountry, startNetworkLive } from "./network.js";
import { refreshTimes, shareZone, startClock } from "./when.js";
import { startMenu } from "./menu.js";


shareZone();
refreshTimes();
startClock();
const menuButton = document.getElementById("menu-button");
if (menuButton) startMenu(menuButton);

const chat = document.querySelector(".chat__main[data-room]");
if (chat) startChat(chat);
const moderation = document.querySelector("#moderation[data-room]");
if (moderation) startModeration(moderation);
const pages = document.querySelector(".pages[data-space]");
if (pages) startPages(pages);
else if (document.querySelector("form[data-confirm]")) {
  const strings = { ...readStrings("i18n"), ...readStrings("i18n-pages") };
  if (strings.cancel) enableConfirm(document, strings);
}

if (document.querySelector("form[data-upload-url]") || pages) startUploads(document);

startPeople(document);
const bell = document.getElementById("bell");
if (bell) startBell(bell);

const networkLive = document.querySelector("[data-network-live]");
if (networkLive) startNetworkLive(networkLive);
const schoolChoice = document.querySelector("select[data-follows]");
if (schoolChoice) followCountry(schoolChoice);

// The wiki's live editor is large: loaded only on a wiki page (a chunk of its own).
const wiki = document.querySelector("[data-wiki-editor]");
if (wiki) import("./wiki.js").then((m) => m.startWiki(wiki));
