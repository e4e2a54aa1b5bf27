// Talking to the server from the pages: JSON API calls carrying the page's CSRF token, and
// server-rendered HTML fetched to be swapped in (the server's HTML is the one source of markup).

// apiCall("POST", url, body) -> {ok: true, ...answer} or {ok: false, error, message, status};
// a request that never got an answer is {ok: false, error: "network"}.
export async function apiCall(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        "X-CSRF-Token": document.body.dataset.csrf || "",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, error: "network", status: 0, message: "" };
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  const answer = data && typeof data === "object" && !Array.isArray(data) ? data : {};
  if (response.ok) return { ...answer, ok: true, status: response.status };
  return {
    ok: false,
    status: response.status,
    error: answer.error || "http",
    message: typeof answer.message === "string" ? answer.message : "",
    fields: answer.fields && typeof answer.fields === "object" ? answer.fields : {},
  };
}

// fetchDocument(url) -> {ok, status, doc}: the page parsed (never run: parsed documents do not
// execute scripts, and the page's CSP would refuse inline ones anyway).
export async function fetchDocument(url) {
  let response;
  try {
    response = await fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "text/html" },
    });
  } catch {
    return { ok: false, status: 0, doc: null };
  }
  if (!response.ok) return { ok: false, status: response.status, doc: null };
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  return { ok: true, status: response.status, doc };
}
