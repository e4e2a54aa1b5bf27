// Drag to reorder (HTML5 drag and drop) with a grip handle; the ↑/↓ buttons stay for the
// keyboard and for touch screens. Items move only among their siblings.

/**
 * dragSort(root, {item, move}) where item is a selector for the draggable things and
 * move(node, position) does the move (position among the siblings without the node).
 * Returns {dragging} so live refreshes can wait until the drop.
 */
export function dragSort(root, { item, move }) {
  let dragged = null;
  let marker = null;

  function clear() {
    for (const node of root.querySelectorAll(".is-drop-before, .is-drop-after")) {
      node.classList.remove("is-drop-before", "is-drop-after");
    }
    marker = null;
  }

  function siblings(node) {
    return [...node.parentElement.children].filter((n) => n.matches(item));
  }

  function targetOf(event) {
    let node = event.target instanceof Element ? event.target.closest(item) : null;
    while (node && dragged && node.parentElement !== dragged.parentElement) {
      node = node.parentElement ? node.parentElement.closest(item) : null;
    }
    return node && root.contains(node) ? node : null;
  }

  root.addEventListener("dragstart", (event) => {
    const handle = event.target instanceof Element ? event.target.closest(".drag-handle") : null;
    if (!handle || !root.contains(handle)) return;
    dragged = handle.closest(item);
    if (!dragged) return;
    dragged.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.pageId || dragged.dataset.widgetId || "");
    event.dataTransfer.setDragImage(dragged, 16, 16);
  });

  root.addEventListener("dragover", (event) => {
    if (!dragged) return;
    const target = targetOf(event);
    if (!target) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (target === dragged) {
      clear();
      return;
    }
    const rect = target.getBoundingClientRect();
    const after = event.clientY > rect.top + rect.height / 2;
    if (marker && marker.node === target && marker.after === after) return;
    clear();
    target.classList.add(after ? "is-drop-after" : "is-drop-before");
    marker = { node: target, after };
  });

  root.addEventListener("drop", (event) => {
    if (!dragged) return;
    event.preventDefault();
    const node = dragged;
    const chosen = marker;
    clear();
    if (!chosen) return;
    const others = siblings(node).filter((n) => n !== node);
    const position = others.indexOf(chosen.node) + (chosen.after ? 1 : 0);
    if (position === siblings(node).indexOf(node)) return;
    move(node, position);
  });

  root.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    clear();
  });

  return {
    get dragging() {
      return dragged !== null;
    },
  };
}

// A grip the mouse can take; hidden from screen readers (they have the ↑/↓ buttons).
export function dragHandle(title) {
  const handle = document.createElement("span");
  handle.className = "drag-handle";
  handle.draggable = true;
  handle.title = title;
  handle.setAttribute("aria-hidden", "true");
  return handle;
}
