// Warren console: reads and operates the `warren` Actuator endpoint. Plain browser JavaScript, no
// build step. Everything the broker returns (reasons, bodies, stack traces) is untrusted text: it is
// only ever put into the page with textContent, never as HTML.
'use strict';

(() => {
  const REFRESH_EVERY_MS = 15000;

  // The endpoint, relative to where the console is served: /warren/index.html next to
  // /actuator/warren, also under a servlet context path. ?endpoint=/manage/warren overrides it
  // for another management base path; only same-origin paths are taken.
  const endpoint = (() => {
    const asked = new URLSearchParams(window.location.search).get('endpoint');
    if (asked && asked.startsWith('/') && !asked.startsWith('//')) {
      return asked.replace(/\/+$/, '');
    }
    const root = window.location.pathname.replace(/\/warren\/[^/]*$/, '');
    return root + '/actuator/warren';
  })();

  const state = { queue: null, overview: null, busy: false, timer: null };

  const $ = (id) => document.getElementById(id);

  // ---- DOM -------------------------------------------------------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function emptyRow(columns, text) {
    return el('tr', {}, el('td', { colspan: columns, class: 'muted', text }));
  }

  function setStatus(kind, text) {
    const status = $('status');
    status.className = 'status ' + kind;
    status.textContent = text;
    status.title = new Date().toLocaleTimeString();
  }

  // ---- Values ----------------------------------------------------------------------------------

  // A Duration arrives as seconds (a number) or as ISO-8601 ("PT1M12.5S"), depending on the
  // application's JSON settings.
  function seconds(duration) {
    if (duration === null || duration === undefined) return null;
    if (typeof duration === 'number') return duration;
    const match = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(String(duration));
    if (!match) return Number(duration);
    const total = (Number(match[2] || 0) * 86400) + (Number(match[3] || 0) * 3600)
      + (Number(match[4] || 0) * 60) + Number(match[5] || 0);
    return match[1] ? -total : total;
  }

  function age(totalSeconds) {
    if (totalSeconds === null || Number.isNaN(totalSeconds)) return '—';
    const s = Math.max(0, Math.floor(totalSeconds));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  // An Instant arrives as ISO-8601 text or as epoch seconds.
  function instant(value) {
    if (value === null || value === undefined) return null;
    const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  function when(value) {
    const date = instant(value);
    if (!date) return el('span', { class: 'muted', text: '—' });
    const ago = age((Date.now() - date.getTime()) / 1000);
    return el('time', { datetime: date.toISOString(), title: date.toISOString(), text: ago + ' ago' });
  }

  function plural(count, word) {
    return count + ' ' + word + (count === 1 ? '' : 's');
  }

  function cssName(value) {
    return String(value || '').toLowerCase().replace(/[^a-z_]/g, '');
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  function cookie(name) {
    const found = document.cookie.split('; ').find((part) => part.startsWith(name + '='));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
  }

  function failure(response, json, text) {
    const status = response.status;
    if (status === 401) return 'Not signed in (401): reload the page and sign in.';
    if (status === 403) {
      if (json && json.error) return 'Refused (403): ' + json.error + '.';
      return 'Refused (403): your user may not do this, or the application wants a CSRF token for '
        + endpoint + '.';
    }
    const detail = json && (json.message || json.error) ? (json.message || json.error) : text.slice(0, 200);
    return 'The application answered ' + status + (detail ? ': ' + detail : '') + '.';
  }

  async function call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // Spring Security's cookie CSRF repository, when the application uses it.
    const csrf = cookie('XSRF-TOKEN');
    if (csrf && method !== 'GET') headers['X-XSRF-TOKEN'] = csrf;
    let response;
    try {
      // From the origin, which has no user:password@ even when the page's address has: Chromium
      // refuses to fetch a relative URL resolved against an address with credentials.
      response = await fetch(window.location.origin + endpoint + path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error('Cannot reach the application: ' + error.message);
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (ignored) {
      json = null;
    }
    if (!response.ok) {
      if (response.status === 404 && path === '') {
        throw new Error('The warren endpoint is not at ' + endpoint + ': expose it with '
          + 'management.endpoints.web.exposure.include=health,warren.');
      }
      throw new Error(failure(response, json, text));
    }
    return json;
  }

  // One request at a time: while one runs, the page is marked busy and further clicks are
  // ignored, so a double click cannot replay twice.
  async function busy(work) {
    if (state.busy) return;
    state.busy = true;
    document.body.setAttribute('aria-busy', 'true');
    try {
      await work();
    } catch (error) {
      setStatus('error', error.message);
    } finally {
      document.body.removeAttribute('aria-busy');
      state.busy = false;
    }
  }

  // ---- Overview --------------------------------------------------------------------------------

  async function loadOverview() {
    const overview = await call('GET', '');
    state.overview = overview;
    renderQueues(overview.deadLetterQueues || []);
    renderBreakers(overview.circuitBreakers || {});
    renderConsumers(overview.consumers || {});
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    return overview;
  }

  function renderQueues(queues) {
    const body = $('dead-letter-queues').tBodies[0];
    if (queues.length === 0) {
      body.replaceChildren(emptyRow(5, 'No dead-letter queues.'));
      return;
    }
    body.replaceChildren(...queues.map((dlq) => {
      const depth = Number(dlq.depth || 0);
      return el('tr', {
        class: [depth > 0 ? 'has-letters' : '', dlq.queue === state.queue ? 'selected' : ''].join(' ').trim(),
        dataset: { queue: dlq.queue },
      },
      el('td', {}, el('button', {
        type: 'button', class: 'link queue-link', dataset: { queue: dlq.queue },
        title: 'Show the dead letters of ' + dlq.queue, onclick: () => openQueue(dlq.queue),
      }, dlq.queue)),
      el('td', {}, el('code', { text: dlq.deadLetterQueue })),
      el('td', { class: 'num depth', text: String(depth) }),
      el('td', { class: depth > 0 ? '' : 'muted', text: depth > 0 ? age(seconds(dlq.oldestAge)) : '—' }),
      el('td', { class: 'actions' }, el('button', {
        type: 'button', class: 'replay-all', dataset: { queue: dlq.queue }, disabled: depth === 0,
        onclick: () => replayAll(dlq.queue, depth),
      }, 'Replay all')));
    }));
  }

  function renderBreakers(breakers) {
    const body = $('circuit-breakers').tBodies[0];
    const names = Object.keys(breakers).sort();
    if (names.length === 0) {
      body.replaceChildren(emptyRow(2, 'No circuit breakers.'));
      return;
    }
    body.replaceChildren(...names.map((name) => el('tr', {},
      el('td', {}, el('code', { text: name })),
      el('td', {}, el('span', { class: 'badge ' + cssName(breakers[name]), text: breakers[name] })))));
  }

  function renderConsumers(consumers) {
    const body = $('consumers').tBodies[0];
    const names = Object.keys(consumers).sort();
    if (names.length === 0) {
      body.replaceChildren(emptyRow(8, 'No consumers.'));
      return;
    }
    const counters = ['processed', 'duplicates', 'retried', 'deadLettered', 'permanentFailures',
      'transientFailures', 'unknownFailures'];
    body.replaceChildren(...names.map((name) => el('tr', {},
      el('td', {}, el('code', { text: name })),
      counters.map((counter) => el('td', { class: 'num', text: String(consumers[name][counter] ?? '—') })))));
  }

  // ---- One queue -------------------------------------------------------------------------------

  function select(queue) {
    state.queue = queue;
    document.querySelectorAll('#dead-letter-queues tbody tr').forEach((row) => {
      row.classList.toggle('selected', row.dataset.queue === queue);
    });
  }

  async function openQueue(queue) {
    if (state.busy) return;
    select(queue);
    await busy(async () => {
      await loadQueue();
      setStatus('info', 'Showing the dead letters of ' + queue + '.');
    });
    $('letters').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  async function loadQueue() {
    const queue = state.queue;
    if (!queue) return;
    const limit = Number($('limit').value);
    const data = await call('GET', '/' + encodeURIComponent(queue) + '?limit=' + limit);
    if (queue !== state.queue) return;
    $('letters').hidden = false;
    $('letters-title').textContent = 'Dead letters of ' + queue;
    const listed = state.overview && (state.overview.deadLetterQueues || []).find((dlq) => dlq.queue === queue);
    const messages = data.messages || [];
    const depth = listed ? Number(listed.depth || 0) : messages.length;
    $('letters-note').textContent = messages.length === 0 ? 'No dead letters.'
      : 'Showing ' + plural(messages.length, 'message') + ' of ' + depth + ', oldest first.';
    $('letters-replay-all').disabled = messages.length === 0;
    renderGroups(data.groups || []);
    $('messages').replaceChildren(...messages.map(renderMessage));
  }

  function renderGroups(groups) {
    const body = $('groups').tBodies[0];
    if (groups.length === 0) {
      body.replaceChildren(emptyRow(6, 'No failure groups.'));
      return;
    }
    body.replaceChildren(...groups.map((group) => el('tr', { dataset: { fingerprint: group.fingerprint } },
      el('td', {}, el('code', { text: group.exceptionType || 'no exception' })),
      el('td', { text: group.exampleReason || '' }),
      el('td', { class: 'num', text: String(group.count) }),
      el('td', {}, when(group.firstSeen)),
      el('td', {}, when(group.lastSeen)),
      el('td', { class: 'actions' }, el('button', {
        type: 'button', class: 'replay-group', title: 'Replay every message of this group (fingerprint '
          + group.fingerprint + ')',
        onclick: () => operate('replay', { fingerprint: group.fingerprint },
          'the ' + plural(group.count, 'message') + ' of group ' + group.fingerprint),
      }, 'Replay group')))));
  }

  function renderMessage(message) {
    const id = message.messageId;
    const article = el('article', { class: 'message', dataset: id ? { messageId: id } : {} },
      el('div', { class: 'meta' },
        id ? el('code', { class: 'message-id', text: id }) : el('span', { text: 'no message id' }),
        el('span', { class: 'badge ' + cssName(message.failureClass), title: 'failure class',
          text: message.failureClass || 'unknown' }),
        el('span', { text: plural(Number(message.attempts || 0), 'attempt') }),
        Number(message.replays || 0) > 0 ? el('span', { text: 'replayed ' + message.replays + '×' }) : null,
        el('span', {}, 'failed ', when(message.failedAt)),
        message.originalQueue && message.originalQueue !== state.queue
          ? el('span', {}, 'from ', el('code', { text: message.originalQueue })) : null),
      el('p', { class: 'reason', text: message.reason || '(no reason recorded)' }),
      message.exceptionType ? el('p', { class: 'exception' }, el('code', { text: message.exceptionType })) : null,
      ...(message.detailsHidden ? [el('p', { class: 'muted details-hidden',
        text: 'Body (' + plural(Number(message.size || 0), 'byte') + '), headers and stack trace are shown to '
          + 'operators only.' })] : [
        message.stackTrace ? el('details', { class: 'stack-trace' },
          el('summary', {}, 'Stack trace'), el('pre', { text: message.stackTrace })) : null,
        el('details', { class: 'body' },
          el('summary', {}, 'Body' + (message.contentType ? ' (' + message.contentType + ')' : '')),
          el('pre', { text: message.body === null || message.body === undefined ? '' : String(message.body) })),
        message.headers && Object.keys(message.headers).length > 0 ? el('details', { class: 'headers' },
          el('summary', {}, 'Headers'), el('pre', { text: JSON.stringify(message.headers, null, 2) })) : null]));

    const buttons = el('div', { class: 'buttons' });
    if (!id) {
      // Without a message_id there is no selection for this message alone: an empty selection
      // would mean every message of the queue.
      buttons.append(el('span', { class: 'muted',
        text: 'This message has no message_id: replay or discard it with its failure group.' }));
    } else {
      const replay = el('button', { type: 'button', class: 'replay primary',
        onclick: () => operate('replay', { messageId: id }, 'message ' + id, article) }, 'Replay');
      const discard = el('button', { type: 'button', class: 'discard danger' }, 'Discard');
      const reason = el('input', { type: 'text', name: 'reason', 'aria-label': 'Why discard this message',
        placeholder: 'Why discard it? Recorded with your name.' });
      const form = el('form', { class: 'discard', hidden: true },
        reason,
        el('button', { type: 'submit', class: 'confirm-discard danger' }, 'Discard for good'),
        el('button', { type: 'button', class: 'quiet', onclick: () => { form.hidden = true; } }, 'Cancel'));
      discard.addEventListener('click', () => {
        form.hidden = false;
        reason.focus();
      });
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const why = reason.value.trim();
        if (!why) {
          setStatus('error', 'A discard needs a reason: say why ' + id + ' will not be replayed.');
          reason.focus();
          return;
        }
        operate('discard', { messageId: id, reason: why }, 'message ' + id, article);
      });
      buttons.append(replay, discard, form);
    }
    article.append(buttons);
    return article;
  }

  // ---- Operations ------------------------------------------------------------------------------

  function replayAll(queue, depth) {
    const question = 'Replay all ' + plural(depth, 'dead letter') + ' of ' + queue + ' onto their queue?';
    if (state.busy || !window.confirm(question)) return;
    select(queue);
    operate('replay', {}, 'every dead letter');
  }

  async function operate(action, body, what, article) {
    const queue = state.queue;
    await busy(async () => {
      setStatus('info', (action === 'replay' ? 'Replaying ' : 'Discarding ') + what + ' of ' + queue + '…');
      const result = await call('POST', '/' + encodeURIComponent(queue) + '/' + action, body);
      const verb = action === 'replay' ? 'Replayed' : 'Discarded';
      const moved = Number(result.moved || 0);
      const matched = Number(result.matched || 0);
      let text = verb + ' ' + plural(moved, 'message') + ' of ' + queue;
      if (result.destination) text += ' to ' + result.destination;
      text += '.';
      if (moved < matched) text += ' ' + (matched - moved) + ' matched but did not move: look at the application log.';
      if (matched === 0) text = 'Nothing matched ' + what + ' in ' + queue + ': it may have been replayed or discarded already.';
      setStatus(moved < matched ? 'error' : 'ok', text);
      if (article && moved > 0) article.classList.add('done');
      await refreshAfterOperation();
    });
  }

  async function refreshAfterOperation() {
    await loadOverview();
    await loadQueue();
  }

  // ---- Wiring ----------------------------------------------------------------------------------

  function scheduleRefresh() {
    window.clearInterval(state.timer);
    state.timer = null;
    if ($('auto-refresh').checked) {
      state.timer = window.setInterval(() => {
        if (document.hidden || state.busy) return;
        loadOverview().catch((error) => setStatus('error', error.message));
      }, REFRESH_EVERY_MS);
    }
  }

  function start() {
    $('refresh').addEventListener('click', () => busy(async () => {
      await loadOverview();
      await loadQueue();
      setStatus('info', 'Up to date.');
    }));
    $('auto-refresh').addEventListener('change', scheduleRefresh);
    $('limit').addEventListener('change', () => busy(loadQueue));
    $('letters-replay-all').addEventListener('click', () => {
      const listed = state.overview && (state.overview.deadLetterQueues || []).find((dlq) => dlq.queue === state.queue);
      replayAll(state.queue, listed ? Number(listed.depth || 0) : 0);
    });
    $('letters-close').addEventListener('click', () => {
      select(null);
      $('letters').hidden = true;
    });
    busy(async () => {
      const overview = await loadOverview();
      const waiting = (overview.deadLetterQueues || []).reduce((sum, dlq) => sum + Number(dlq.depth || 0), 0);
      setStatus(waiting > 0 ? 'info' : 'ok', waiting > 0
        ? plural(waiting, 'dead letter') + ' waiting. Choose a queue to see why they failed.'
        : 'No dead letters.');
    });
    scheduleRefresh();
  }

  start();
})();
