// A modal <dialog> for confirmations and short forms. It stays open while the server answers
// and shows its error in words; it closes (and focus goes back where it was) on success or Cancel.

let counter = 0;

function field(spec, idBase) {
  const wrap = document.createElement("div");
  wrap.className = "dialog__field";
  if (spec.type === "choice") {
    const set = document.createElement("fieldset");
    set.className = "dialog__choices";
    const legend = document.createElement("legend");
    legend.textContent = spec.label;
    set.append(legend);
    spec.options.forEach((option, i) => {
      const label = document.createElement("label");
      label.className = "dialog__choice";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = spec.name;
      input.value = String(option.value);
      input.checked = String(option.value) === String(spec.value ?? spec.options[0].value);
      input.id = `${idBase}-${spec.name}-${i}`;
      label.append(input, " ", option.label);
      set.append(label);
    });
    wrap.append(set);
    return wrap;
  }
  const id = `${idBase}-${spec.name}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = spec.label;
  const input = document.createElement(spec.type === "textarea" ? "textarea" : "input");
  input.id = id;
  input.name = spec.name;
  if (spec.type === "textarea") input.rows = 3;
  else input.type = "text";
  if (spec.maxlength) input.maxLength = spec.maxlength;
  if (spec.required) input.required = true;
  input.value = spec.value ?? "";
  wrap.append(label, input);
  return wrap;
}

/**
 * openDialog(t, {title, text, fields, confirm, danger, enterSubmits, run}) -> Promise<ack | null>
 * run(values) is called on confirm and must resolve to an ack ({ok, message}).
 */
export function openDialog(t, options) {
  const { title, text, fields = [], confirm, danger = false, enterSubmits = false, run } = options;
  const opener = document.activeElement;
  const idBase = `dialog-${++counter}`;
  const dialog = document.createElement("dialog");
  dialog.className = "dialog";
  dialog.setAttribute("aria-labelledby", `${idBase}-title`);
  const form = document.createElement("form");
  form.className = "dialog__form";
  const heading = document.createElement("h2");
  heading.id = `${idBase}-title`;
  heading.textContent = title;
  form.append(heading);
  if (text) {
    const p = document.createElement("p");
    p.className = "dialog__text";
    p.textContent = text;
    dialog.setAttribute("aria-describedby", `${idBase}-text`);
    p.id = `${idBase}-text`;
    form.append(p);
  }
  for (const spec of fields) form.append(field(spec, idBase));
  const error = document.createElement("p");
  error.className = "dialog__error";
  error.setAttribute("role", "alert");
  const buttons = document.createElement("div");
  buttons.className = "dialog__buttons";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "button button--quiet";
  cancel.textContent = t.cancel;
  const ok = document.createElement("button");
  ok.type = "submit";
  ok.className = danger ? "button button--danger" : "button";
  ok.textContent = confirm;
  buttons.append(cancel, ok);
  form.append(error, buttons);
  dialog.append(form);
  document.body.append(dialog);

  return new Promise((resolve) => {
    let result = null;
    const finish = () => {
      dialog.close();
    };
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
      resolve(result);
    });
    cancel.addEventListener("click", finish);
    if (enterSubmits) {
      form.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.target.tagName === "TEXTAREA") {
          e.preventDefault();
          form.requestSubmit();
        }
      });
    }
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (ok.disabled) return;
      const values = {};
      for (const [key, value] of new FormData(form).entries()) values[key] = value;
      ok.disabled = true;
      cancel.disabled = true;
      error.textContent = "";
      const ack = await run(values);
      ok.disabled = false;
      cancel.disabled = false;
      if (ack && ack.ok) {
        result = ack;
        finish();
      } else {
        error.textContent = (ack && ack.message) || t.notSent;
      }
    });
    dialog.showModal();
    const first = form.querySelector("textarea, input[type=text], input[type=radio]:checked");
    (first || cancel).focus();
    if (first && first.tagName === "TEXTAREA") first.setSelectionRange(first.value.length, first.value.length);
  });
}
