// TwinSpace browser entry: live parts on top of server-rendered pages.
import { startChat } from "./chat.js";

const chat = document.querySelector(".chat__main[data-room]");
if (chat) startChat(chat);
