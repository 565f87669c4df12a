// SimpleBB dashboard: follows /api/events (Server-Sent Events) and, when an event concerns this page, fetches the
// page again and swaps its <main>, at most once a second (and less often when the page is slow to render), and
// not while the tab is hidden. Builder-supplied text is only ever inserted as text (textContent) or as the server's
// escaped HTML. After the server restarts, the stream reconnects and the page re-reads everything.
'use strict';
(() => {
  const main = document.getElementById('main');
  const live = document.getElementById('live');
  const feed = document.getElementById('feed');
  const kinds = ['connected', 'disconnected', 'suggested', 'started', 'result', 'recording'];
  let source = null, timer = null, lastRefresh = 0, cost = 50, wasDown = false, missed = false, retry = 1000;

  function setLive(on, text) {
    live.textContent = text;
    live.className = 'live ' + (on ? 'live-on' : 'live-off');
  }

  function concerns(kind, ev) {
    const page = main.dataset.page, key = main.dataset.key;
    if (page === 'home') return true;
    if (page === 'project') return ev.project === key || kind === 'recording';
    if (page === 'build') return ev.id === key;
    if (page === 'builder') return ev.builder === key;
    return false;
  }

  function describe(kind, ev) {
    switch (kind) {
      case 'connected': return `${ev.builder} connected from ${ev.address}`;
      case 'disconnected': return `${ev.builder} disconnected (${ev.detail || ''})`;
      case 'suggested': return `${ev.project} ${ev.revision} suggested, ${ev.detail || ''}`;
      case 'started': return `${ev.builder} started ${ev.project} ${ev.revision}`;
      case 'result': return `${ev.builder}: ${ev.detail} for ${ev.project} ${ev.revision}`;
      default: return `recording ${ev.detail || ''}`;
    }
  }

  function addToFeed(kind, ev) {
    for (const quiet of feed.querySelectorAll('li.quiet.waiting')) quiet.remove();
    const li = document.createElement('li');
    li.className = 'fresh';
    const when = document.createElement('span');
    when.className = 'when';
    when.textContent = new Date(ev.time || Date.now()).toLocaleTimeString();
    li.append(when, document.createTextNode(describe(kind, ev)));
    feed.prepend(li);
    setTimeout(() => li.classList.remove('fresh'), 3000);
    while (feed.children.length > 30) feed.lastElementChild.remove();
  }

  function addNote(text) {
    const li = document.createElement('li');
    li.className = 'quiet';
    li.textContent = text;
    feed.prepend(li);
  }

  function schedule(delay) {
    if (timer !== null) return;
    const wait = Math.max(delay, lastRefresh + Math.max(1000, cost * 10) - Date.now());
    timer = setTimeout(refresh, Math.max(0, wait));
  }

  async function refresh() {
    timer = null;
    if (document.hidden) { missed = true; return; }
    const started = performance.now();
    try {
      const response = await fetch(location.pathname + location.search, { cache: 'no-store', headers: { 'Accept': 'text/html' } });
      if (response.ok) {
        const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
        const next = doc.getElementById('main');
        if (next) {
          main.replaceChildren(...next.childNodes);
          main.dataset.updated = String(Date.now());
          relativeTimes();
        }
      }
    } catch (e) {
      missed = true; // the server is away; the stream's reconnect brings a refresh
    }
    cost = performance.now() - started;
    lastRefresh = Date.now();
  }

  function onEvent(ev) {
    if (!kinds.includes(ev.kind)) return;
    addToFeed(ev.kind, ev);
    if (concerns(ev.kind, ev)) schedule(0);
  }

  function connect() {
    source = new EventSource('/api/events');
    source.addEventListener('hello', () => {
      setLive(true, '\u25CF live');
      retry = 1000;
      if (wasDown || missed) { wasDown = false; missed = false; schedule(0); }
    });
    source.addEventListener('error', () => {
      wasDown = true;
      setLive(false, 'reconnecting\u2026');
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. an error page while the server restarted): try again, more slowly each time.
        source.close();
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 30000);
      }
    });
    for (const kind of kinds) {
      source.addEventListener(kind, (e) => {
        let ev;
        try { ev = JSON.parse(e.data); } catch { return; }
        onEvent(ev);
      });
    }
    // Several events gathered together (a burst of results): the newest ones, and how many older ones were left out.
    source.addEventListener('batch', (e) => {
      let batch;
      try { batch = JSON.parse(e.data); } catch { return; }
      const list = Array.isArray(batch.events) ? batch.events : [];
      if (batch.omitted > 0) addNote(`\u2026 ${batch.omitted} more events`);
      for (const ev of list.slice(-30)) if (kinds.includes(ev.kind)) addToFeed(ev.kind, ev);
      if (batch.omitted > 0 || list.some((ev) => concerns(ev.kind, ev))) schedule(0);
    });
  }

  function relativeTimes() {
    const now = Date.now();
    for (const t of main.querySelectorAll('time[datetime]')) {
      const seconds = Math.round((now - Date.parse(t.getAttribute('datetime'))) / 1000);
      if (!t.title) t.title = t.textContent;
      t.textContent = seconds < 60 ? `${Math.max(seconds, 0)} s ago` : seconds < 3600 ? `${Math.floor(seconds / 60)} min ago`
        : seconds < 86400 ? `${Math.floor(seconds / 3600)} h ago` : t.title;
    }
  }

  document.addEventListener('visibilitychange', () => { if (!document.hidden && missed) { missed = false; schedule(0); } });
  setInterval(relativeTimes, 30000);
  relativeTimes();
  connect();
})();
