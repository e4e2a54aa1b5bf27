// Pages with applications, live: the page's room and the room's page list are joined over the
// socket (ids kept per room, catch-up after a cut); every change is fetched as server-rendered
// HTML and swapped in gently (page-widgets.js). Tool forms, moves and confirmations go through
// the JSON API without reloading; without JavaScript every form still posts normally. With it,
// no form is posted the ordinary way while the connection is down: what was typed stays.
import { call, onConnect, openSocket } from "./socket.js";
import { connectionBar } from "./connection.js";
import { fmt, plural, readStrings } from "./i18n.js";
import { confirmForm, nativeSubmit } from "./confirm.js";
import { apiCall, fetchDocument } from "./http.js";
import { focusKey, isBusy, isVisible, markServerState, restoreFocus, widgetBoard } from "./page-widgets.js";
import { describeForm, doneText, formPayload, showFormError } from "./page-forms.js";
import { dragHandle, dragSort } from "./page-drag.js";

const ANNOUNCE_AFTER = 1500; // ms: changes arriving together are announced as one summary
const STATUS_FOR = 8000; // ms a confirmation stays on screen
const QUIET_FOR = 4000; // ms during which the echo of the reader's own action is not announced
const REJOIN_AFTER = 1500; // ms: a page that stopped being public closes its room; join it again

export function startPages(root) {
  const t = readStrings("i18n-pages");
  const spaceId = root.dataset.space;
  const pageId = Number(root.dataset.pageId || 0);
  const pageRoom = root.dataset.pageRoom || "";
  const roomChannel = `space:${spaceId}:${root.dataset.roomKind}`;
  const member = root.dataset.member === "true";
  const manage = root.dataset.manage === "true";
  const roomUrl = root.dataset.roomUrl;
  const pageUrl = pageId ? `/spaces/${spaceId}/pages/${pageId}` : "";
  const main = root.querySelector(".pages__main");
  const nav = root.querySelector(".pages__list");
  const container = document.getElementById("widgets");
  const announcer = document.getElementById("pages-announce");
  const roomTitle = (document.getElementById("pages-title") || {}).textContent || "";
  const bar = connectionBar(t);
  let gone = false;

  // --- what the page says ----------------------------------------------------------------------
  let heard = [];
  let heardTimer = null;
  function announce(text) {
    if (!announcer || !text) return;
    heard.push(text);
    clearTimeout(heardTimer);
    announcer.dataset.pending = "true";
    heardTimer = setTimeout(() => {
      delete announcer.dataset.pending;
      // one change is said as it is, two different ones together, more as a count
      const distinct = [...new Set(heard)];
      announcer.textContent = distinct.length === heard.length && heard.length <= 2
        ? distinct.join(" ")
        : plural(t, "changes", heard.length);
      heard = [];
    }, ANNOUNCE_AFTER);
  }
  // what the reader's own action did, said at once (others' changes still follow, summarised)
  function speak(text) {
    if (announcer && text) announcer.textContent = text;
  }

  function statusLine(anchor, className, where = "after") {
    let line = where === "after" ? anchor.nextElementSibling : anchor.previousElementSibling;
    if (!line || !line.classList.contains(className)) {
      line = document.createElement("p");
      line.className = `status-line ${className}`;
      anchor.insertAdjacentElement(where === "after" ? "afterend" : "beforebegin", line);
    }
    return line;
  }
  const timers = new WeakMap();
  function show(line, text, isError = false) {
    if (!line) return;
    clearTimeout(timers.get(line));
    line.textContent = text;
    line.classList.toggle("status-line--error", isError);
    if (text && !isError) timers.set(line, setTimeout(() => { line.textContent = ""; }, STATUS_FOR));
  }
  const listStatus = () => statusLine(document.getElementById("page-list"), "pages__status");
  const widgetsStatus = () => (container ? statusLine(container, "widgets__status", "before") : null);
  function widgetStatus(id) {
    const article = document.getElementById(id);
    const heading = article && article.querySelector(".widget__head h2");
    if (!heading) return widgetsStatus();
    let line = article.querySelector(".widget__status");
    if (!line) {
      line = document.createElement("p");
      line.className = "status-line widget__status";
      article.querySelector(".widget__head").after(line);
    }
    return line;
  }
  function say(line, text, isError = false) {
    show(line, text, isError);
    if (text) speak(text);
  }

  const quietUntil = new Map(); // widget id or "list" -> time
  const quiet = (key) => (quietUntil.get(key) || 0) > Date.now();
  const hush = (key) => quietUntil.set(key, Date.now() + QUIET_FOR);

  // --- the applications ------------------------------------------------------------------------
  const widgetName = (article) => {
    const heading = article.querySelector(".widget__head h2");
    return heading ? heading.textContent.trim() : "";
  };
  function enhanceWidget(article) {
    if (!manage) return;
    const head = article.querySelector(":scope > .widget__head");
    if (head && head.querySelector(".widget__manage") && !head.querySelector(":scope > .drag-handle")) {
      head.prepend(dragHandle(fmt(t.dragHandle, { name: widgetName(article) })));
    }
  }
  const board = container && pageUrl
    ? widgetBoard({
        container,
        url: `${pageUrl}?fragment=widgets`,
        t,
        onInsert: (article) => enhanceWidget(article),
        onGone: () => pageVanished(),
      })
    : null;

  // --- the page list, the page's title and visibility -----------------------------------------
  const listNode = () => document.getElementById("page-list");
  let listHtml = listNode() ? listNode().innerHTML : "";
  let listStale = false;
  function enhanceList() {
    if (!manage) return;
    for (const li of root.querySelectorAll(".page-tree__item")) {
      if (li.querySelector(":scope > .drag-handle")) continue;
      const link = li.querySelector(":scope > a");
      li.prepend(dragHandle(fmt(t.dragHandle, { name: link ? link.textContent.trim() : "" })));
    }
  }
  enhanceList();

  function listFocus() {
    const active = document.activeElement;
    const list = listNode();
    if (!list || !list.contains(active)) return null;
    const li = active.closest(".page-tree__item");
    return li ? { page: li.dataset.pageId, text: active.textContent.trim(), tag: active.tagName } : null;
  }
  function focusListItem(pageKey, text) {
    const li = root.querySelector(`.page-tree__item[data-page-id="${CSS.escape(String(pageKey))}"]`);
    if (!li) return false;
    const buttons = [...li.querySelectorAll(":scope > .page-move button")];
    const target = buttons.find((b) => b.textContent.trim() === text) || buttons[0] || li.querySelector(":scope > a");
    if (target) target.focus({ preventScroll: true });
    return Boolean(target);
  }

  function swapList(doc) {
    const fresh = doc.getElementById("page-list");
    const current = listNode();
    if (!fresh || !current) return false;
    if (drag && drag.dragging) {
      listStale = true;
      return false;
    }
    const html = fresh.innerHTML;
    if (html === listHtml) return false;
    listHtml = html;
    const key = listFocus();
    current.replaceChildren(...fresh.childNodes);
    for (const link of current.querySelectorAll("a[aria-current]")) link.removeAttribute("aria-current");
    const open = pageId && current.querySelector(`.page-tree__item[data-page-id="${pageId}"] > a`);
    if (open && !gone) open.setAttribute("aria-current", "page");
    enhanceList();
    if (key) focusListItem(key.page, key.text);
    const select = document.getElementById("new-page-parent");
    const freshSelect = doc.getElementById("new-page-parent");
    if (select && freshSelect && document.activeElement !== select) {
      const value = select.value;
      select.replaceChildren(...freshSelect.childNodes);
      select.value = [...select.options].some((o) => o.value === value) ? value : "";
    }
    return true;
  }

  function replaceIfChanged(old, fresh) {
    if (!old || !fresh || old.outerHTML === fresh.outerHTML) return;
    const key = focusKey(old);
    old.replaceWith(fresh);
    restoreFocus(key);
  }

  function swapHead(doc) {
    const freshMain = doc.querySelector(".pages__main");
    if (!main || !freshMain || gone) return;
    const head = main.querySelector(".page-head");
    replaceIfChanged(head, freshMain.querySelector(".page-head"));
    const banner = main.querySelector(".banner--public");
    const freshBanner = freshMain.querySelector(".banner--public");
    if (banner && !freshBanner) banner.remove();
    else if (!banner && freshBanner) main.querySelector(".page-head").before(freshBanner);
    else replaceIfChanged(banner, freshBanner);
    const settings = main.querySelector("details.manage--page");
    const freshSettings = freshMain.querySelector("details.manage--page");
    if (settings && freshSettings && !isBusy(settings)) {
      freshSettings.open = settings.open;
      markServerState(freshSettings);
      replaceIfChanged(settings, freshSettings);
    }
    if (doc.title) document.title = doc.title;
  }

  let pageRunning = null;
  let pageAgain = false;
  async function pageOnce() {
    let answer = await fetchDocument(!gone && pageUrl ? pageUrl : roomUrl);
    if (!answer.ok && (answer.status === 404 || answer.status === 403) && pageUrl && !gone) {
      pageVanished();
      answer = member ? await fetchDocument(roomUrl) : answer;
    }
    if (!answer.ok) return;
    swapList(answer.doc);
    if (!gone && pageUrl) swapHead(answer.doc);
  }
  function refreshPage() {
    if (pageRunning) {
      pageAgain = true;
      return pageRunning;
    }
    pageRunning = (async () => {
      do {
        pageAgain = false;
        await pageOnce();
      } while (pageAgain);
    })().finally(() => {
      pageRunning = null;
    });
    return pageRunning;
  }

  // --- the page is gone: deleted, made private, or no longer readable by this reader ----------
  function pageGone(kind) {
    if (gone || !main) return;
    gone = true;
    const hadFocus = main.contains(document.activeElement) || document.activeElement === document.body;
    const card = document.createElement("div");
    card.className = "card page-gone";
    card.setAttribute("role", "status");
    const heading = document.createElement("h1");
    heading.id = "page-gone-title";
    heading.tabIndex = -1;
    const text = document.createElement("p");
    const next = document.createElement("p");
    const link = document.createElement("a");
    next.append(link);
    if (kind === "private") {
      heading.textContent = t.noLongerPublic;
      text.textContent = t.noLongerPublicText;
      link.href = "/gallery";
      link.textContent = t.otherProjects;
    } else if (kind === "deleted") {
      heading.textContent = t.deletedTitle;
      text.textContent = t.deletedText;
      link.href = roomUrl;
      link.textContent = fmt(t.goTo, { room: roomTitle });
    } else {
      heading.textContent = t.goneTitle;
      link.href = member ? roomUrl : "/gallery";
      link.textContent = member ? fmt(t.goTo, { room: roomTitle }) : t.otherProjects;
    }
    card.append(heading, text, next);
    main.replaceChildren(card);
    main.setAttribute("aria-labelledby", heading.id);
    if (!member && nav) nav.hidden = true;
    root.classList.add("pages--gone");
    for (const link of root.querySelectorAll(".pages__list a[aria-current]")) link.removeAttribute("aria-current");
    document.title = heading.textContent;
    if (hadFocus) heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
    speak(heading.textContent);
    if (pageRoom && rooms.has(pageRoom)) {
      rooms.delete(pageRoom);
      if (socket.connected) call(socket, "leave", { room: pageRoom });
    }
  }
  function pageVanished() {
    pageGone(member ? "gone" : "private");
  }

  // --- forms: confirm, send through the API, show the answer in words -------------------------
  function idChain(node) {
    const ids = [];
    for (let el = node; el && el !== root; el = el.parentElement) if (el.id) ids.push(el.id);
    return ids;
  }
  function focusItem(el) {
    if (!el) return;
    if (el.matches("article.widget")) {
      const heading = el.querySelector(".widget__head h2");
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
      return;
    }
    // a topic is opened by its own summary; anything else is focused as a whole
    const own = el.querySelector(":scope > details > summary");
    if (own && isVisible(own)) own.focus();
    else {
      el.tabIndex = -1;
      el.focus();
    }
  }
  function focusMoved(node, direction) {
    if (!node) return;
    const buttons = [...node.querySelectorAll(":scope > .page-move button, :scope > .widget__head .widget__manage .icon-button")];
    const target = buttons.find((b) => b.textContent.trim() === direction) || buttons[0];
    if (target) target.focus();
    else focusItem(node);
  }
  const nameOf = (node) => {
    if (!node) return "";
    if (node.matches("article.widget")) return widgetName(node);
    const link = node.querySelector(":scope > a");
    return link ? link.textContent.trim() : "";
  };

  async function moveWidget(article, position, direction = "") {
    const id = Number(article.dataset.widgetId);
    const name = nameOf(article);
    hush(id);
    hush("widgets");
    show(widgetStatus(article.id), fmt(t.moving, { name }));
    const ack = await apiCall("POST", `/api/v1/spaces/${spaceId}/widgets/${id}/move`, { position });
    if (!ack.ok) {
      say(widgetStatus(article.id), fmt(t.failed, { message: ack.message || t.notSent }), true);
      return null;
    }
    await board.refresh({ force: [id] });
    const moved = document.getElementById(article.id);
    const place = moved ? [...container.querySelectorAll(":scope > article.widget")].indexOf(moved) + 1 : position + 1;
    say(widgetStatus(article.id), fmt(t.moved, { name, n: place }));
    return () => focusMoved(moved, direction);
  }

  async function movePage(li, position, direction = "") {
    const id = Number(li.dataset.pageId);
    const name = nameOf(li);
    hush("list");
    show(listStatus(), fmt(t.moving, { name }));
    const ack = await apiCall("POST", `/api/v1/spaces/${spaceId}/pages/${id}/move`, { position });
    if (!ack.ok) {
      say(listStatus(), fmt(t.failed, { message: ack.message || t.notSent }), true);
      return null;
    }
    await refreshPage();
    const moved = root.querySelector(`.page-tree__item[data-page-id="${id}"]`);
    const place = moved ? [...moved.parentElement.children].indexOf(moved) + 1 : position + 1;
    say(listStatus(), fmt(t.moved, { name, n: place }));
    return () => focusMoved(moved, direction);
  }

  async function afterTool(form, spec, key) {
    const articleId = `widget-${spec.widget}`;
    const chain = idChain(form);
    const reset = form.parentElement && form.parentElement.tagName === "DETAILS" ? form.parentElement : null;
    const result = board ? await board.refresh({ force: [spec.widget], skipForm: form, reset }) : { fresh: new Map() };
    say(widgetStatus(articleId), doneText(t, spec));
    return () => {
      if (key && restoreFocus(key)) return;
      // (a later refresh may have swapped the widget again: take the item now in the page)
      const added = (result.fresh.get(spec.widget) || []).map((li) => document.getElementById(li.id)).filter(Boolean);
      if (/\.create$/.test(spec.command || "") && added.length) {
        focusItem(added[0]);
        return;
      }
      for (const id of chain) {
        const el = document.getElementById(id);
        if (isVisible(el)) {
          focusItem(el);
          return;
        }
      }
    };
  }

  async function afterRemove(spec) {
    const ids = [...container.querySelectorAll(":scope > article.widget")].map((a) => a.id);
    const index = ids.indexOf(`widget-${spec.widget}`);
    await board.refresh();
    say(widgetsStatus(), doneText(t, spec));
    return () => {
      const next = document.getElementById(ids[index + 1]) || document.getElementById(ids[index - 1]);
      if (next) focusItem(next);
      else {
        const add = main.querySelector(".add-app > summary");
        if (add) add.focus();
      }
    };
  }

  async function afterAdd(form, ack) {
    await board.refresh();
    const details = form.closest("details");
    if (details) details.open = false;
    say(widgetsStatus(), doneText(t, { kind: "add-app" }));
    return () => focusItem(document.getElementById(`widget-${ack.id}`));
  }

  // Send a form through the API. -> {ok, message, focus}: focus() puts the keyboard where the
  // reader expects it once any dialog has closed.
  async function sendForm(form, spec, { submitter = null, inDialog = false } = {}) {
    const body = spec.method === "DELETE" ? undefined : formPayload(form);
    const key = inDialog ? null : focusKey(main || root);
    const direction = submitter ? submitter.textContent.trim() : "";
    if (spec.kind === "widget-move") {
      const article = form.closest("article.widget");
      const focus = await moveWidget(article, body.position, direction);
      return focus ? { ok: true, focus } : { ok: false, message: "" };
    }
    if (spec.kind === "page-move") {
      const focus = await movePage(form.closest(".page-tree__item"), body.position, direction);
      return focus ? { ok: true, focus } : { ok: false, message: "" };
    }
    const article = form.closest("article.widget");
    if (spec.widget) hush(spec.widget);
    if (spec.kind !== "tool") hush("widgets");
    if (!inDialog) showFormError(form, "");
    const buttons = [...form.querySelectorAll("button")];
    for (const b of buttons) b.disabled = true;
    form.setAttribute("aria-busy", "true");
    if (article) show(widgetStatus(article.id), t.sending);
    const ack = await apiCall(spec.method, spec.url, body);
    for (const b of buttons) b.disabled = false;
    form.removeAttribute("aria-busy");
    if (!ack.ok && ack.error === "network") {
      // no answer at all (offline, or the server is away): never leave the page, keep the text
      lostForms.add(form);
    }
    if (!ack.ok) {
      const message = ack.error === "network" ? t.offlineKept : ack.message || t.notSent;
      if (article) show(widgetStatus(article.id), "");
      if (!inDialog) {
        if (form.classList.contains("inline")) say(article ? widgetStatus(article.id) : widgetsStatus(), fmt(t.failed, { message }), true);
        else showFormError(form, message);
        if (key) restoreFocus(key);
      }
      return { ok: false, message };
    }
    let focus = null;
    if (spec.kind === "tool") focus = await afterTool(form, spec, key);
    else if (spec.kind === "widget-remove") focus = await afterRemove(spec);
    else if (spec.kind === "add-app") focus = await afterAdd(form, ack);
    return { ok: true, focus };
  }

  // Forms that could not be sent for want of a connection: told when it is back.
  const lostForms = new Set();
  function connectionBack() {
    for (const form of lostForms) {
      const box = form.querySelector(":scope > .form__error");
      if (form.isConnected && box && box.textContent === t.offlineKept) showFormError(form, t.offlineBack);
    }
    lostForms.clear();
  }
  window.addEventListener("online", () => { if (!isOffline()) connectionBack(); });
  // Offline: the browser says so, or the live connection we had is gone (a Wi-Fi blip).
  const isOffline = () => !navigator.onLine || (wasConnected && !socket.connected);

  const mayWrite = Boolean(document.body.dataset.csrf);
  root.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    let spec = mayWrite && !gone ? describeForm(form) : null;
    if (spec && !board && spec.kind !== "page-move") spec = null;
    if (!spec && isOffline()) {
      // an ordinary form (an upload…) would leave for an error page: keep it, say why
      event.preventDefault();
      showFormError(form, t.offlineKept);
      lostForms.add(form);
      return;
    }
    if (!spec && !form.dataset.confirm) return; // an ordinary form: the browser posts it
    event.preventDefault();
    const submitter = event.submitter || null;
    if (form.dataset.confirm) {
      let focus = null;
      const ack = await confirmForm(form, t, async () => {
        if (!spec) {
          nativeSubmit(form);
          return { ok: true };
        }
        const answer = await sendForm(form, spec, { submitter, inDialog: true });
        focus = answer.focus;
        return answer;
      });
      if (ack && focus) focus();
      return;
    }
    if (form.dataset.sending === "true") return;
    form.dataset.sending = "true";
    try {
      const answer = await sendForm(form, spec, { submitter });
      if (answer.ok && answer.focus) answer.focus();
    } finally {
      delete form.dataset.sending;
    }
  });

  // --- drag to reorder (managers) --------------------------------------------------------------
  let drag = null;
  if (manage) {
    const list = nav;
    if (list) {
      drag = dragSort(list, {
        item: ".page-tree__item",
        move: (li, position) => movePage(li, position),
      });
      list.addEventListener("dragend", () => {
        if (listStale) {
          listStale = false;
          refreshPage();
        }
      });
    }
    if (container && board) {
      dragSort(container, {
        item: "article.widget",
        move: (article, position) => moveWidget(article, position),
      });
    }
  }

  // --- live: rooms, ids, catch-up --------------------------------------------------------------
  const socket = openSocket();
  const rooms = new Map(); // name -> {last, seen, synced, joining, early, catching, again}
  const track = (name) => rooms.set(name, { last: 0, seen: 0, synced: false, early: [], catching: null, again: false });
  if (pageRoom) track(pageRoom);
  if (member) track(roomChannel);
  let wasConnected = false;

  function describe(event) {
    const data = event.data || {};
    const article = data.widget_id ? document.getElementById(`widget-${data.widget_id}`) : null;
    const app = article ? widgetName(article) : "";
    switch (event.type) {
      case "forum.topic_created": return fmt(t.newTopic, { app });
      case "forum.reply_created": return fmt(t.newReply, { app });
      case "blog.post_created": return fmt(t.newPost, { app });
      case "blog.comment_created": return fmt(t.newComment, { app });
      case "widget.added": return t.appAdded;
      case "widget.removed": return t.appRemoved;
      case "widget.reordered": return t.appsReordered;
      default: return app ? fmt(t.appUpdated, { app }) : t.pageChanged;
    }
  }

  function rejoinSoon() {
    if (!pageRoom || !rooms.has(pageRoom)) return;
    join(pageRoom);
    setTimeout(() => { if (rooms.has(pageRoom) && socket.connected) join(pageRoom); }, REJOIN_AFTER);
  }

  function apply(event, live) {
    if (gone && event.room === pageRoom) return;
    const data = event.data || {};
    if (event.room === pageRoom) {
      if (event.type === "page.deleted") {
        pageGone("deleted");
        if (member) refreshPage();
      } else if (event.type === "page.visibility") {
        if (!member && !data.is_public) {
          pageGone("private");
          return;
        }
        refreshPage();
        if (!data.is_public) rejoinSoon();
        if (live) announce(t.pageChanged);
      } else if (event.type.startsWith("page.")) {
        refreshPage();
        if (live) announce(t.pageChanged);
      } else if (data.widget_id !== undefined && board) {
        board.refresh();
        const mine = quiet(Number(data.widget_id)) || (event.type.startsWith("widget.") && quiet("widgets"));
        if (live && !mine) announce(describe(event));
      }
      return;
    }
    if (event.room === roomChannel) {
      if (event.type === "page.deleted" && Number(data.id) === pageId) pageGone("deleted");
      refreshPage();
      if (live && !quiet("list") && Number(data.id) !== pageId) announce(t.listChanged);
    }
  }

  function catchUp(name) {
    const state = rooms.get(name);
    if (!state) return Promise.resolve(0);
    if (state.catching) {
      state.again = true;
      return state.catching;
    }
    state.catching = (async () => {
      let applied = 0;
      do {
        state.again = false;
        const goal = state.seen;
        for (;;) {
          const ack = await call(socket, "catchup", { room: name, after: state.last });
          if (!ack.ok) break;
          for (const event of ack.events) {
            if (event.id <= state.last) continue;
            state.last = event.id;
            apply(event, false);
            applied += 1;
          }
          if (!ack.more) break;
        }
        // events this reader may not see are left out of catch-up: do not ask for them again
        state.last = Math.max(state.last, goal);
      } while (state.again);
      return applied;
    })().finally(() => {
      state.catching = null;
    });
    return state.catching;
  }

  function receive(event) {
    const state = rooms.get(event.room);
    if (!state) return;
    if (!state.synced || state.joining) { // the join's ack brings what comes before these
      state.early.push(event);
      return;
    }
    state.seen = Math.max(state.seen, event.id);
    if (event.id <= state.last) return;
    if (event.id > state.last + 1) {
      catchUp(event.room); // a gap: fetch what is missing, in order
      return;
    }
    state.last = event.id;
    apply(event, true);
  }

  async function join(name) {
    const state = rooms.get(name);
    if (!state) return { ok: false };
    // after a reconnect the join's ack also carries what was missed (one round trip)
    state.joining = state.synced;
    let ack;
    try {
      ack = await call(socket, "join", state.synced ? { room: name, after: state.last } : { room: name });
    } finally {
      state.joining = false;
    }
    if (!ack.ok) {
      state.early = state.synced ? [] : state.early; // a rejoin refused: nothing to place
      return { ok: false, ack };
    }
    state.seen = Math.max(state.seen, ack.last_id);
    if (!state.synced) {
      // first join: the page was rendered a moment ago; whatever happened since is fetched once
      state.last = ack.last_id;
      state.synced = true;
      const early = state.early.sort((a, b) => a.id - b.id);
      state.early = [];
      for (const event of early) receive(event);
      if (name === pageRoom && board) board.refresh();
      return { ok: true, missed: 0 };
    }
    let missed = 0;
    for (const event of ack.events || []) {
      if (event.id <= state.last) continue;
      state.last = event.id;
      apply(event, false);
      missed += 1;
    }
    // events this reader may not see are left out: up to last_id, nothing more to ask
    if (ack.events && !ack.more) state.last = Math.max(state.last, ack.last_id);
    const held = state.early.sort((a, b) => a.id - b.id);
    state.early = [];
    if (ack.last_id > state.last) missed += await catchUp(name);
    for (const event of held) receive(event);
    return { ok: true, missed };
  }

  onConnect(socket, async () => {
    let missed = 0;
    for (const name of [...rooms.keys()]) {
      const answer = await join(name);
      if (answer.ok) {
        missed += answer.missed;
        continue;
      }
      const code = answer.ack && answer.ack.error;
      if (name === pageRoom && code === "not_found") {
        if (!member) pageGone("private");
        else refreshPage();
      } else if (name === roomChannel && code === "not_found") {
        rooms.delete(name);
      }
    }
    if (wasConnected) bar.back(missed);
    wasConnected = true;
    root.dataset.live = "true";
    connectionBack();
  });
  socket.on("disconnect", () => {
    root.dataset.live = "false";
    if (wasConnected) bar.lost();
  });
  socket.on("event", receive);
  // the server lost its Redis subscription for a moment: events may have been missed
  socket.on("resync", () => {
    // every browser of that process hears it at once: spread the catch-ups over 3 s
    setTimeout(() => {
      for (const [name, state] of rooms) if (state.synced) catchUp(name);
    }, Math.random() * 3000);
  });
}
