// Video meetings: a WebRTC mesh between the participants' browsers (up to 6), signalled over
// the page's Socket.IO connection. The server relays offers, answers and ICE candidates to
// one socket at a time and only between people in the same meeting; media never reaches it.
import { call, onConnect, openSocket } from "./socket.js";
import { fmt, readStrings } from "./i18n.js";

const TEACHERS = new Set(["teacher_admin", "teacher_member"]);
const PUPILS = new Set(["pupil_admin", "pupil_member"]);

export function startMeeting(root) {
  const t = readStrings("i18n-meeting");
  const $ = (id) => document.getElementById(id);
  const socket = openSocket();
  const where = { space_id: Number(root.dataset.space), key: root.dataset.key };
  const runs = root.dataset.runs === "true";
  const meId = Number(root.dataset.meId);
  const external = root.dataset.external === "true";
  const peers = new Map(); // socket id -> {pc, stream, tile, pending: [candidates]}
  const earlyIce = new Map(); // candidates that came before the offer
  let known = new Map(); // socket id -> participant, for join/leave announcements
  let local = null; // the camera/microphone stream
  let screen = null;
  let mySid = null;
  let iceServers = [];
  let joined = false;
  let active = false;
  const me = { muted: false, camera_off: false, sharing: false, hand_raised: false };
  window.twinspaceMeeting = { peers }; // read by the browser tests (connection stats)

  const say = (text) => {
    const node = $("meeting-announce");
    node.textContent = "";
    setTimeout(() => { node.textContent = text; }, 50);
  };
  const showError = (text) => { const n = $("meeting-error"); if (n) n.textContent = text || ""; };

  function renderStatus(status) {
    if (status.room && !status.room.endsWith(`:meeting:${where.key}`)) return;
    active = status.active;
    $("meeting-status").textContent = !status.active ? t.off : status.locked ? t.locked : t.on;
    const people = status.participants || [];
    const list = $("meeting-people");
    list.replaceChildren();
    if (!people.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = t.nobody;
      list.append(li);
    }
    for (const p of people) list.append(personItem(p));
    const now = new Map(people.map((p) => [p.sid, p]));
    if (joined) {
      for (const [sid, p] of now) {
        const before = known.get(sid);
        if (sid === mySid) continue;
        if (!before) say(fmt(t.joined, { name: p.name }));
        else if (p.hand_raised && !before.hand_raised) say(fmt(t.handUp, { name: p.name }));
      }
      for (const [sid, p] of known) {
        if (!now.has(sid) && sid !== mySid) say(fmt(t.left, { name: p.name }));
      }
      for (const sid of [...peers.keys()]) if (!now.has(sid)) closePeer(sid);
      for (const [sid, p] of now) updateTile(sid, p);
    }
    known = now;
    const join = $("meeting-join");
    if (join) join.hidden = external || joined || !status.active;
  }

  function personItem(p) {
    const li = document.createElement("li");
    li.dataset.userId = p.user_id;
    const name = document.createElement("span");
    name.className = "meeting__name";
    name.textContent = p.name;
    li.append(name);
    const marks = [];
    if (TEACHERS.has(p.role)) marks.push(t.teacher);
    if (p.sid === mySid) marks.push(t.you);
    if (p.hand_raised) marks.push(`✋ ${t.hand}`);
    if (p.muted) marks.push(t.mutedMark);
    if (p.camera_off) marks.push(t.cameraOffMark);
    if (p.sharing) marks.push(t.sharingMark);
    if (marks.length) {
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = ` ${marks.join(" · ")}`;
      li.append(hint);
    }
    if (runs && p.user_id !== meId) {
      if (PUPILS.has(p.role) && !p.muted) {
        li.append(moderationButton(fmt(t.muteOne, { name: p.name }), "meeting:mute", p));
      }
      if (p.role !== "teacher_admin") {
        li.append(moderationButton(fmt(t.removeOne, { name: p.name }), "meeting:remove", p));
      }
    }
    return li;
  }

  function moderationButton(label, event, p) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small button--quiet";
    button.textContent = label;
    button.addEventListener("click", async () => {
      if (event === "meeting:remove" && !window.confirm(fmt(t.removeConfirm, { name: p.name }))) return;
      const ack = await call(socket, event, { ...where, user_id: p.user_id });
      if (!ack.ok) showError(ack.message);
    });
    return button;
  }

  // --- media -------------------------------------------------------------------------------
  async function getMedia(video) {
    if (!navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error(), { name: "NoMedia" });
    return navigator.mediaDevices.getUserMedia({ audio: true, video });
  }

  function mediaMessage(err) {
    if (err.name === "NotAllowedError" || err.name === "SecurityError") return t.denied;
    if (err.name === "NotFoundError" || err.name === "OverconstrainedError") return t.noDevice;
    if (err.name === "NoMedia") return t.noMedia;
    return `${t.noDevice} (${err.name || err})`;
  }

  const track = (kind) => {
    if (kind === "video" && screen) return screen.getVideoTracks()[0] || null;
    return local ? local.getTracks().find((tr) => tr.kind === kind) || null : null;
  };

  function tileFor(sid, name, isLocal = false) {
    const li = document.createElement("li");
    li.className = "meeting__tile";
    li.dataset.sid = sid;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    if (isLocal) video.muted = true;
    video.setAttribute("aria-label", fmt(t.videoOf, { name }));
    const caption = document.createElement("p");
    caption.className = "meeting__caption";
    caption.textContent = name;
    li.append(video, caption);
    $("meeting-videos").append(li);
    return li;
  }

  function updateTile(sid, p) {
    const tile = sid === mySid ? $("meeting-videos").querySelector(`[data-sid="${CSS.escape(sid)}"]`) : peers.get(sid)?.tile;
    if (!tile) return;
    const marks = [p.name];
    if (p.hand_raised) marks.push(`✋ ${t.hand}`);
    if (p.muted) marks.push(t.mutedMark);
    if (p.camera_off) marks.push(t.cameraOffMark);
    tile.querySelector(".meeting__caption").textContent = marks.join(" · ");
    tile.querySelector("video").setAttribute("aria-label", fmt(t.videoOf, { name: p.name }));
  }

  // --- peers -------------------------------------------------------------------------------
  const signal = (to, kind, body) => call(socket, "meeting:signal", { ...where, to, kind, ...body });

  function makePeer(sid, name) {
    const pc = new RTCPeerConnection({ iceServers });
    const stream = new MediaStream();
    const peer = { pc, stream, tile: tileFor(sid, name), pending: earlyIce.get(sid) || [] };
    earlyIce.delete(sid);
    peer.tile.querySelector("video").srcObject = stream;
    pc.ontrack = (event) => { stream.addTrack(event.track); };
    pc.onicecandidate = (event) => {
      signal(sid, "ice", { candidate: event.candidate ? event.candidate.toJSON() : null });
    };
    peers.set(sid, peer);
    return peer;
  }

  async function attachTracks(pc) {
    for (const transceiver of pc.getTransceivers()) {
      transceiver.direction = "sendrecv";
      await transceiver.sender.replaceTrack(track(transceiver.receiver.track.kind));
    }
  }

  async function flushIce(peer) {
    for (const candidate of peer.pending.splice(0)) {
      await peer.pc.addIceCandidate(candidate).catch(() => {});
    }
  }

  async function callPeer(p) {
    const peer = makePeer(p.sid, p.name);
    peer.pc.addTransceiver("audio", { direction: "sendrecv" });
    peer.pc.addTransceiver("video", { direction: "sendrecv" });
    await attachTracks(peer.pc);
    await peer.pc.setLocalDescription(await peer.pc.createOffer());
    await signal(p.sid, "offer", { description: peer.pc.localDescription.toJSON() });
  }

  async function onSignal(message) {
    if (!joined || !message.room?.endsWith(`:meeting:${where.key}`)) return;
    const sid = message.from;
    if (message.kind === "offer") {
      const name = known.get(sid)?.name || "";
      const peer = peers.get(sid) || makePeer(sid, name);
      await peer.pc.setRemoteDescription(message.description);
      await attachTracks(peer.pc);
      await peer.pc.setLocalDescription(await peer.pc.createAnswer());
      await signal(sid, "answer", { description: peer.pc.localDescription.toJSON() });
      await flushIce(peer);
    } else if (message.kind === "answer") {
      const peer = peers.get(sid);
      if (!peer) return;
      await peer.pc.setRemoteDescription(message.description);
      await flushIce(peer);
    } else if (message.kind === "ice" && message.candidate) {
      const peer = peers.get(sid);
      if (!peer) earlyIce.set(sid, [...(earlyIce.get(sid) || []), message.candidate]);
      else if (peer.pc.remoteDescription) await peer.pc.addIceCandidate(message.candidate).catch(() => {});
      else peer.pending.push(message.candidate);
    }
  }

  function closePeer(sid) {
    const peer = peers.get(sid);
    if (!peer) return;
    peer.pc.close();
    peer.tile.remove();
    peers.delete(sid);
  }

  // --- joining and leaving -----------------------------------------------------------------
  async function join(video) {
    showError("");
    const may = await call(socket, "meeting:join", { ...where, dry_run: true });
    if (!may.ok) {
      showError(may.message);
      return;
    }
    if (!local) {
      try {
        local = await getMedia(video);
      } catch (err) {
        showError(mediaMessage(err));
        return;
      }
    }
    const ack = await call(socket, "meeting:join", where);
    if (!ack.ok) {
      showError(ack.message);
      stopLocal();
      return;
    }
    joined = true;
    mySid = ack.sid;
    iceServers = ack.ice_servers || [];
    const mine = tileFor(mySid, t.you, true);
    mine.querySelector("video").srcObject = local;
    me.camera_off = !local.getVideoTracks().length;
    $("meeting-join").hidden = true;
    $("meeting-controls").hidden = false;
    labelControls();
    say(t.youAreIn);
    if (me.camera_off) await call(socket, "meeting:state", { ...where, camera_off: true });
    for (const p of ack.participants) {
      known.set(p.sid, p);
      await callPeer(p);
    }
    $("meeting-mic").focus();
  }

  function stopLocal() {
    for (const stream of [local, screen]) stream?.getTracks().forEach((tr) => tr.stop());
    local = screen = null;
  }

  function leaveLocal(message) {
    joined = false;
    for (const sid of [...peers.keys()]) closePeer(sid);
    $("meeting-videos").replaceChildren();
    stopLocal();
    Object.assign(me, { muted: false, camera_off: false, sharing: false, hand_raised: false });
    $("meeting-controls").hidden = true;
    $("meeting-join").hidden = !active;
    if (message) { showError(message); say(message); }
  }

  // --- controls ----------------------------------------------------------------------------
  function labelControls() {
    const set = (id, pressed, on, off) => {
      const button = $(id);
      button.setAttribute("aria-pressed", String(pressed));
      button.textContent = pressed ? on : off;
    };
    set("meeting-mic", me.muted, t.unmute, t.mute);
    set("meeting-camera", me.camera_off, t.cameraOn, t.cameraOff);
    set("meeting-screen", me.sharing, t.stopShare, t.share);
    set("meeting-hand", me.hand_raised, t.lower, t.raise);
  }

  async function setState(changes) {
    Object.assign(me, changes);
    local?.getAudioTracks().forEach((tr) => { tr.enabled = !me.muted; });
    local?.getVideoTracks().forEach((tr) => { tr.enabled = !me.camera_off; });
    labelControls();
    const ack = await call(socket, "meeting:state", { ...where, ...changes });
    if (!ack.ok) showError(ack.message);
  }

  async function replaceVideo() {
    for (const { pc } of peers.values()) {
      for (const sender of pc.getSenders()) {
        const kind = pc.getTransceivers().find((tr) => tr.sender === sender)?.receiver.track.kind;
        if (kind === "video") await sender.replaceTrack(track("video"));
      }
    }
  }

  async function toggleScreen() {
    if (screen) {
      screen.getTracks().forEach((tr) => tr.stop());
      screen = null;
      await replaceVideo();
      return setState({ sharing: false });
    }
    try {
      screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
    } catch {
      showError(t.screenDenied);
      return undefined;
    }
    screen.getVideoTracks()[0].addEventListener("ended", () => { if (screen) toggleScreen(); });
    await replaceVideo();
    return setState({ sharing: true });
  }

  if (external) {
    socket.on("meeting:status", renderStatus);
  } else {
    $("meeting-join-button").addEventListener("click", () => join(true));
    $("meeting-join-audio").addEventListener("click", () => join(false));
    $("meeting-mic").addEventListener("click", () => setState({ muted: !me.muted }));
    $("meeting-camera").addEventListener("click", () => setState({ camera_off: !me.camera_off }));
    $("meeting-screen").addEventListener("click", toggleScreen);
    $("meeting-hand").addEventListener("click", () => setState({ hand_raised: !me.hand_raised }));
    $("meeting-leave").addEventListener("click", async () => {
      await call(socket, "meeting:leave", where);
      leaveLocal();
      say(t.leftSelf);
    });
    socket.on("meeting:status", renderStatus);
    socket.on("meeting:signal", (message) => { onSignal(message).catch((err) => console.warn(err)); });
    socket.on("meeting:closed", (message) => {
      if (message.room?.endsWith(`:meeting:${where.key}`)) leaveLocal(t[message.reason] || t.ended);
    });
    socket.on("meeting:muted", () => {
      setState({ muted: true });
      say(t.mutedByTeacher);
      showError(t.mutedByTeacher);
    });
    socket.on("disconnect", () => { if (joined) leaveLocal(); });
    window.addEventListener("pagehide", () => { if (joined) call(socket, "meeting:leave", where, 500); });
  }
  socket.on("meeting:invited", () => call(socket, "meeting:watch", where).then((ack) => { if (ack.ok) renderStatus(ack); }));
  onConnect(socket, async () => {
    const ack = await call(socket, "meeting:watch", where);
    if (ack.ok) renderStatus(ack);
    root.dataset.live = "true";
  });
}
