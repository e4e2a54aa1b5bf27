// Upload progress: forms with data-upload-url send each chosen (or dropped) file on its own
// with XMLHttpRequest, showing a row per file with a progress bar and a Cancel button.
// Without JavaScript the form posts normally; the page refreshes the widget from the server's
// live event once a file is stored.
import { readStrings, fmt } from "./i18n.js";

const DEFAULTS = {
  uploading: "Uploading %(name)s",
  done: "Uploaded",
  cancel: "Cancel",
  cancelled: "Cancelled",
  failed: "The upload failed.",
};

// "42 %" the reader's way (French puts a narrow no-break space before the sign).
function percent(value) {
  const lang = document.documentElement.lang || undefined;
  return new Intl.NumberFormat(lang, { style: "percent" }).format(value / 100);
}

function rowFor(list, file, t) {
  const row = document.createElement("li");
  row.className = "upload";
  row.dataset.state = "sending";
  const name = document.createElement("span");
  name.className = "upload__name";
  name.textContent = file.name;
  const bar = document.createElement("progress");
  bar.className = "upload__bar";
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute("aria-label", fmt(t.uploading, { name: file.name }));
  const status = document.createElement("span");
  status.className = "upload__status";
  status.textContent = percent(0);
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "link upload__cancel";
  cancel.textContent = t.cancel;
  cancel.setAttribute("aria-label", `${t.cancel}: ${file.name}`);
  row.append(name, bar, status, cancel);
  list.append(row);
  return { row, bar, status, cancel };
}

function finish(parts, state, text) {
  parts.row.dataset.state = state;
  parts.status.textContent = text;
  parts.cancel.remove();
  if (state === "done") parts.bar.value = 100;
}

function sendOne(form, url, file, parts, t) {
  const data = new FormData();
  const token = document.body.dataset.csrf || "";
  const formToken = form.querySelector("input[name=csrf_token]");
  data.append("csrf_token", token || (formToken ? formToken.value : ""));
  for (const [key, value] of new FormData(form)) {
    if (key === "csrf_token" || key === "file" || value instanceof File) continue;
    data.append(key, value);
  }
  data.append("file", file, file.name);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", token || data.get("csrf_token"));
    xhr.upload.onprogress = (event) => {
      if (!event.lengthComputable) return;
      const value = Math.round((event.loaded / event.total) * 100);
      parts.bar.value = value;
      parts.status.textContent = percent(value);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        finish(parts, "done", t.done);
      } else {
        let message = t.failed;
        try {
          const body = JSON.parse(xhr.responseText);
          if (body && body.message) message = body.message;
        } catch {
          /* not JSON: the generic message */
        }
        finish(parts, "error", message);
      }
      resolve();
    };
    xhr.onerror = () => {
      finish(parts, "error", t.failed);
      resolve();
    };
    xhr.onabort = () => {
      finish(parts, "cancelled", t.cancelled);
      resolve();
    };
    parts.cancel.addEventListener("click", () => xhr.abort());
    xhr.send(data);
  });
}

// The size cap, checked before anything is sent (the server checks again): the page gives
// the cap in bytes and the sentence that names the file and the cap in the reader's words.
function sizeProblem(file) {
  const max = Number(document.body.dataset.maxUpload || 0);
  if (!max || file.size <= max) return "";
  return fmt(document.body.dataset.tooBig || "%(name)s is too large.", { name: file.name, size: document.body.dataset.maxUploadLabel || "" });
}

// Any file field, with or without the progress rows: a file over the cap makes the field
// invalid (the form will not submit) and says why next to it.
function checkSizes(input) {
  const problems = Array.from(input.files || []).map(sizeProblem).filter(Boolean);
  input.setCustomValidity(problems.join(" "));
  let note = input.nextElementSibling && input.nextElementSibling.classList.contains("upload-error") ? input.nextElementSibling : null;
  if (!problems.length) {
    if (note) note.remove();
    input.removeAttribute("aria-invalid");
    return;
  }
  if (!note) {
    note = document.createElement("p");
    note.className = "error upload-error";
    note.setAttribute("role", "alert");
    note.id = `${input.id || "file"}-size-error`;
    input.after(note);
  }
  note.textContent = problems.join(" ");
  input.setAttribute("aria-invalid", "true");
  const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!described.includes(note.id)) input.setAttribute("aria-describedby", [...described, note.id].join(" "));
}

document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLInputElement && event.target.type === "file") checkSizes(event.target);
});

// The page swaps a widget for the server's fresh HTML after each stored file: the rows (still
// fed by their requests) move into the new form for the same upload URL.
const lists = new Map();

function enhance(form, t) {
  const url = form.dataset.uploadUrl;
  const input = form.querySelector("input[type=file]");
  if (!url || !input || form.dataset.uploadReady) return;
  form.dataset.uploadReady = "true";
  let list = lists.get(url);
  if (!list) {
    list = document.createElement("ul");
    list.className = "uploads";
    list.setAttribute("aria-live", "polite");
    lists.set(url, list);
  }
  form.append(list);

  async function send(files) {
    const chosen = Array.from(files || []);
    if (!chosen.length) return;
    const rows = chosen.map((file) => [file, rowFor(list, file, t)]);
    for (const [file, parts] of rows) {
      const tooBig = sizeProblem(file);
      if (tooBig) finish(parts, "error", tooBig); // never sent: the server would refuse it
      else await sendOne(form, url, file, parts, t);
    }
    input.value = "";
  }

  form.addEventListener("submit", (event) => {
    if (!input.files || !input.files.length) return; // the browser asks for a file
    event.preventDefault();
    if (!input.checkValidity()) {
      input.reportValidity();
      return;
    }
    send(input.files);
  });
  form.addEventListener("dragover", (event) => {
    if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes("Files")) return;
    event.preventDefault();
    form.classList.add("is-dragover");
  });
  form.addEventListener("dragleave", () => form.classList.remove("is-dragover"));
  form.addEventListener("drop", (event) => {
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    form.classList.remove("is-dragover");
    send(event.dataTransfer.files);
  });
}

export function startUploads(root = document) {
  if (!document.body.dataset.csrf) return;
  let t = null;
  const strings = () => {
    if (!t || t === DEFAULTS) t = document.getElementById("i18n-uploads") ? { ...DEFAULTS, ...readStrings("i18n-uploads") } : DEFAULTS;
    return t;
  };
  const scan = (node) => {
    if (node.matches && node.matches("form[data-upload-url]")) enhance(node, strings());
    if (node.querySelectorAll) node.querySelectorAll("form[data-upload-url]").forEach((f) => enhance(f, strings()));
  };
  scan(root);
  // widgets are re-rendered from server fragments: enhance the forms they bring
  new MutationObserver((records) => {
    for (const record of records) record.addedNodes.forEach(scan);
  }).observe(document.body, { childList: true, subtree: true });
}
