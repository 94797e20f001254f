{% raw %}
// The live page: the conversation's events over a WebSocket, drawn as they come; when the
// conversation ends, the finished page replaces this one's content (no reload). Without a
// socket (an upload being processed, a network that drops it), the page is fetched again
// every few seconds instead.
(() => {
  "use strict";
  const config = JSON.parse(document.getElementById("live-config").textContent);
  const shown = new Set();
  let finished = false;
  let socket = null;
  let polling = null;

  const byId = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const clock = (seconds) => {
    const total = Math.max(0, Math.round(seconds));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const ss = String(s).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
  };
  const remember = () => {
    document.querySelectorAll("[data-id]").forEach((n) => n.dataset.id && shown.add(n.dataset.id));
  };
  const setState = (text) => {
    const badge = byId("state");
    if (badge) badge.textContent = text;
  };
  const clearEmpty = (section) => section.querySelectorAll(".empty").forEach((n) => n.remove());

  // --- transcript -----------------------------------------------------------------------
  function pending(speaker, text, final) {
    const line = byId("pending");
    if (!line) return;
    line.hidden = !text;
    line.querySelector(".sp").textContent = speaker || "";
    const words = line.querySelector(".words");
    words.textContent = text;
    words.classList.toggle("interim", !final);
  }

  function addMessages(messages) {
    const section = byId("transcript");
    const before = byId("pending");
    for (const m of messages) {
      if (shown.has(m.id)) continue;
      shown.add(m.id);
      clearEmpty(section);
      const line = el("div", "line");
      line.dataset.id = m.id;
      line.append(el("span", "t", clock((m.duration || {}).timeOffset || 0)));
      const body = el("div");
      body.append(el("span", "sp", (m.from && m.from.name) || "Unknown speaker"), el("br"));
      body.append(document.createTextNode((m.payload || {}).content || ""));
      line.append(body);
      section.insertBefore(line, before);
    }
    pending("", "", true);
  }

  // --- insights ---------------------------------------------------------------------------
  const SECTIONS = { question: "questions", action_item: "action-items", follow_up: "follow-ups" };

  function insightItem(insight) {
    const item = el("li");
    item.dataset.id = insight.id;
    item.append(document.createTextNode((insight.payload || {}).content || ""));
    const who = insight.assignee && insight.assignee.name;
    if (who) item.append(" ", el("span", "who", `— ${who}`));
    const due = insight.dueBy && insight.dueBy.value;
    if (due) {
      const day = new Date(due).toLocaleDateString("en-GB", { day: "2-digit", month: "short", year: "numeric", timeZone: "UTC" });
      item.append(" ", el("span", "due", `due ${day}`));
    }
    return item;
  }

  function addInsights(insights) {
    for (const insight of insights) {
      const section = byId(SECTIONS[insight.type]);
      if (!section) continue;
      const item = insightItem(insight);
      const known = section.querySelector(`li[data-id="${CSS.escape(insight.id)}"]`);
      if (known) { known.replaceWith(item); continue; }
      clearEmpty(section);
      let list = section.querySelector("ul");
      if (!list) { list = el("ul"); section.append(list); }
      list.append(item);
      shown.add(insight.id);
    }
  }

  function setTopics(topics) {
    const section = byId("topics");
    if (!section || !topics.length) return;
    section.querySelectorAll("span, .empty").forEach((n) => n.remove());
    for (const t of topics) section.append(el("span", null, t.phrases || t.text || ""));
  }

  // --- events -----------------------------------------------------------------------------
  function handle(event) {
    if (event.type === "message_response") return addMessages(event.messages || []);
    if (event.type === "insight_response") return addInsights(event.insights || []);
    if (event.type === "topic_response") return setTopics(event.topics || []);
    if (event.type !== "message" || !event.message) return;
    const m = event.message;
    if (m.type === "recognition_result") {
      pending((m.user || {}).name, (m.punctuated || {}).transcript || "", m.isFinal);
    } else if (m.type === "call_state") {
      setState(m.data.state === "ended" ? "call ended" : `live · ${m.data.state.replace(/_/g, " ")}`);
      if (m.data.state === "ended") hideStop();
    } else if (m.type === "recognition_stopped") {
      setState("finishing…");
      hideStop();
    } else if (m.type === "error") {
      const banner = byId("live-error");
      banner.textContent = m.error.message;
      banner.hidden = false;
    } else if (m.type === "conversation_completed") {
      finished = true;
      finish();
    }
  }

  // --- the end: the finished page's content replaces this one's ---------------------------
  async function reload() {
    const answer = await fetch(location.href, { cache: "no-store" });
    if (!answer.ok) return false;
    const next = new DOMParser().parseFromString(await answer.text(), "text/html");
    document.querySelector("main").replaceWith(document.adoptNode(next.querySelector("main")));
    document.title = next.title;
    remember();
    return !next.getElementById("live-config");
  }

  async function finish() {
    if (socket) socket.close();
    if (polling) clearInterval(polling);
    for (let tries = 0; tries < 20; tries++) {  // the summary may take a moment to be stored
      try {
        if (await reload()) return;
      } catch (_) { /* the server may be restarting: try again */ }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  function poll() {
    if (polling || finished) return;
    polling = setInterval(async () => {
      try {
        if (await reload()) { finished = true; clearInterval(polling); }
      } catch (_) { /* next time */ }
    }, config.pollSeconds * 1000);
  }

  // --- the owner's stop button ------------------------------------------------------------
  function hideStop() {
    const button = byId("stop");
    if (button) button.remove();
  }

  const stop = byId("stop");
  if (stop) {
    stop.addEventListener("click", async () => {
      stop.disabled = true;
      stop.textContent = "Stopping…";
      const answer = await fetch(config.stop, { method: "POST" });
      if (!answer.ok) {
        stop.disabled = false;
        stop.textContent = "Stop the call";
        const body = await answer.json().catch(() => ({}));
        const banner = byId("live-error");
        banner.textContent = body.message || `stopping failed (${answer.status})`;
        banner.hidden = false;
      }
    });
  }

  // --- the socket -------------------------------------------------------------------------
  remember();
  if (!config.socket) return poll();
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  socket = new WebSocket(scheme + location.host + config.socket);
  socket.addEventListener("message", (e) => {
    try { handle(JSON.parse(e.data)); } catch (_) { /* not an event */ }
  });
  socket.addEventListener("close", () => { if (!finished) poll(); });
})();
{% endraw %}
