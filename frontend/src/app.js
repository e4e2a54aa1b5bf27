// TwinSpace browser entry: live parts on top of server-rendered pages.
import { startChat } from "./chat.js";
import { startModeration } from "./moderation.js";

const chat = document.querySelector(".chat__main[data-room]");
if (chat) startChat(chat);
const moderation = document.querySelector("#moderation[data-room]");
if (moderation) startModeration(moderation);
