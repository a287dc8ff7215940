// The dashboard page: picks the job (`?job=<id>`, else the latest), listens to its server-sent
// events (one push a second and on every job event) and renders the tabs: the job graph with a
// vertex's subtasks on click, checkpoints (counts, latest, chart, history, one checkpoint's
// subtasks on click), exceptions with the restart decision and the restored checkpoint, and the
// configuration. Browser script, no build step.
(() => {
  const $ = (id) => document.getElementById(id);
  const TERMINAL = new Set(['finished', 'failed', 'cancelled']);
  const state = {
    jobId: undefined,
    job: undefined,
    vertex: undefined,
    checkpoint: undefined,
    chart: undefined,
  };

  const format = {
    count(n) {
      if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
      if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
      if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
      return String(Math.round(n));
    },
    percent: (msPerSecond) => `${Math.round(msPerSecond / 10)} %`,
    ms: (ms) =>
      ms >= 10_000
        ? `${(ms / 1000).toFixed(1)} s`
        : ms >= 100
          ? `${Math.round(ms)} ms`
          : `${ms.toFixed(1)} ms`,
    bytes(n) {
      if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
      if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
      return `${n} B`;
    },
    time: (epochMs) => new Date(epochMs).toLocaleTimeString(),
    // JSON has no Infinity: a watermark past the end of a bounded input arrives as null.
    watermark: (w) => (w === undefined ? 'none' : w === null ? 'end' : String(w)),
  };

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function row(cells, attributes = {}) {
    const tr = document.createElement('tr');
    for (const [key, value] of Object.entries(attributes)) tr.setAttribute(key, value);
    tr.append(...cells.map((c) => (c instanceof Node ? c : cell(String(c)))));
    return tr;
  }

  function card(label, value, testid) {
    const div = document.createElement('div');
    div.className = 'card';
    const b = document.createElement('b');
    b.textContent = value;
    if (testid) b.dataset.testid = testid;
    const span = document.createElement('span');
    span.textContent = label;
    div.append(b, span);
    return div;
  }

  async function getJson(path) {
    const response = await fetch(path);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  // ── header and graph ──
  function renderJob(job) {
    document.title = `${job.name} · weir`;
    $('job-name').textContent = job.name;
    $('job-state').textContent = job.state;
    $('job-state').className = `state ${job.state}`;
    $('job-duration').textContent = format.ms(job.duration);
    $('job-attempt').textContent = String(job.attempt);
    $('job-restarts').textContent = String(job.restarts);
    $('job-subtasks').textContent =
      `${job.subtasks.running} running, ${job.subtasks.finished} finished of ${job.subtasks.total}`;
    $('job-id').textContent = job.jid;
    window.weirGraph.render($('graph'), job.plan, job.vertices, format, state.vertex, selectVertex);
  }

  function selectVertex(id) {
    state.vertex = id;
    if (state.job) renderJob(state.job);
    void refreshVertex();
  }

  async function refreshVertex() {
    if (state.vertex === undefined) return;
    const vertex = await getJson(`/jobs/${state.jobId}/vertices/${encodeURIComponent(state.vertex)}`);
    $('vertex-panel').hidden = false;
    $('vertex-title').textContent =
      `${vertex.name} — ${vertex.parallelism} subtask${vertex.parallelism === 1 ? '' : 's'}`;
    $('vertex-subtasks').tBodies[0].replaceChildren(
      ...vertex.subtasks.map((s) => {
        const m = s.metrics;
        return row([
          s.subtask,
          s.status,
          format.count(m.numRecordsIn),
          format.count(m.numRecordsOut),
          format.count(m.numRecordsInPerSecond),
          format.count(m.numRecordsOutPerSecond),
          format.percent(m.busyTimeMsPerSecond),
          format.percent(m.idleTimeMsPerSecond),
          format.percent(m.backPressuredTimeMsPerSecond),
          cell(s.backpressureLevel.toUpperCase(), `level ${s.backpressureLevel}`),
          format.bytes(m.numBytesIn),
          format.bytes(m.numBytesOut),
          format.watermark(m.currentInputWatermark),
          format.watermark(m.currentOutputWatermark),
        ]);
      }),
    );
  }

  // ── checkpoints ──
  function renderCheckpoints(checkpoints) {
    const { counts, latest } = checkpoints;
    $('tab-checkpoints-count').textContent = String(counts.completed);
    $('checkpoint-counts').replaceChildren(
      card('triggered', counts.triggered),
      card('in progress', counts.inProgress),
      card('completed', counts.completed, 'checkpoints-completed'),
      card('failed', counts.failed, 'checkpoints-failed'),
      card('restored', counts.restored),
    );
    const cards = [];
    if (latest.completed) {
      const c = latest.completed;
      cards.push(
        card(
          `latest completed · ${c.pointer}`,
          `#${c.checkpointId} · ${format.ms(c.durationMs)} · ${format.bytes(c.stateBytes)}`,
        ),
      );
    }
    if (latest.failed)
      cards.push(
        card(`latest failed · ${latest.failed.failure?.reason ?? ''}`, `#${latest.failed.checkpointId}`),
      );
    if (latest.restored)
      cards.push(card(`latest restored · ${latest.restored.external_path}`, `#${latest.restored.id}`));
    $('checkpoint-latest').replaceChildren(...cards);
    $('checkpoint-history').tBodies[0].replaceChildren(
      ...checkpoints.history.map((c) => {
        const tr = row(
          [
            c.checkpointId + (c.savepoint ? ' (savepoint)' : ''),
            cell(c.status, `status ${c.status}`),
            format.time(c.triggerTimestamp),
            `${c.acknowledgedTasks}/${c.totalTasks}`,
            format.ms(c.durationMs),
            format.bytes(c.checkpointedBytes),
            format.bytes(c.stateBytes),
            format.ms(c.alignmentMs),
            c.failure ? `${c.failure.reason}: ${c.failure.message}` : '',
          ],
          { 'data-checkpoint': String(c.checkpointId), tabindex: '0' },
        );
        tr.addEventListener('click', () => showCheckpoint(c));
        return tr;
      }),
    );
    renderChart(checkpoints.series);
  }

  function showCheckpoint(c) {
    state.checkpoint = c.checkpointId;
    $('checkpoint-details').hidden = false;
    $('checkpoint-details-title').textContent =
      `Checkpoint ${c.checkpointId}: ${c.acknowledgedTasks} of ${c.totalTasks} subtasks acknowledged`;
    $('checkpoint-details')
      .querySelector('tbody')
      .replaceChildren(
        ...c.subtasks.map((s) =>
          row([
            s.task.vertexId,
            s.task.subtask,
            format.ms(s.endToEndMs),
            format.ms(s.syncDurationMs),
            format.ms(s.asyncDurationMs),
            format.ms(s.alignmentDurationMs),
            format.ms(s.startDelayMs),
            format.bytes(s.stateBytes),
            format.bytes(s.checkpointedBytes ?? s.stateBytes),
          ]),
        ),
      );
  }

  function renderChart(series) {
    const data = [
      series.map((p) => p.checkpointId),
      series.map((p) => p.durationMs),
      series.map((p) => p.stateBytes),
    ];
    const container = $('checkpoint-chart');
    if (state.chart === undefined) {
      if (series.length === 0) return;
      state.chart = new window.uPlot(
        {
          width: Math.max(480, document.querySelector('main').clientWidth - 60),
          height: 220,
          scales: { x: { time: false } },
          axes: [
            { label: 'checkpoint' },
            { label: 'duration (ms)', scale: 'ms' },
            {
              label: 'size',
              scale: 'bytes',
              side: 1,
              grid: { show: false },
              values: (_u, ticks) => ticks.map(format.bytes),
            },
          ],
          series: [
            { label: 'checkpoint' },
            {
              label: 'duration',
              scale: 'ms',
              stroke: '#d9534f',
              width: 2,
              value: (_u, v) => (v == null ? '' : format.ms(v)),
            },
            {
              label: 'state size',
              scale: 'bytes',
              stroke: '#337ab7',
              width: 2,
              value: (_u, v) => (v == null ? '' : format.bytes(v)),
            },
          ],
        },
        data,
        container,
      );
    } else state.chart.setData(data);
  }

  // ── exceptions ──
  function renderExceptions({ exceptionHistory }) {
    const entries = exceptionHistory.entries;
    $('tab-exceptions-count').textContent = entries.length === 0 ? '' : String(entries.length);
    $('exceptions-empty').hidden = entries.length > 0;
    $('exception-list').replaceChildren(
      ...entries.map((e) => {
        const article = document.createElement('article');
        article.className = 'exception';
        article.dataset.testid = 'exception';
        const where = e.operator
          ? `operator ${e.operator.name} (${e.operator.uid})${e.subtask === undefined ? '' : `, subtask ${e.subtask}`}`
          : 'the job';
        const decision = e.restart
          ? `restarted after ${format.ms(e.restart.delayMs)} as attempt ${e.restart.attempt}`
          : 'not restarted: the job failed';
        const restored =
          e.restored === undefined
            ? ''
            : e.restored === null
              ? '; no checkpoint to restore, started from scratch'
              : `; restored checkpoint ${e.restored.checkpointId} (${e.restored.pointer})`;
        const recovered = e.recovery ? `; records flowed again after ${format.ms(e.recovery.restoreMs)}` : '';
        const title = document.createElement('h3');
        title.textContent = `${format.time(e.timestamp)} · attempt ${e.attempt} · ${e.exceptionName}${e.code ? ` [${e.code}]` : ''}`;
        const message = document.createElement('p');
        message.className = 'message';
        message.textContent = e.message;
        const info = document.createElement('p');
        info.textContent = `In ${where}; ${decision}${restored}${recovered}.`;
        const details = document.createElement('details');
        const summary = document.createElement('summary');
        summary.textContent = 'Stack trace';
        const pre = document.createElement('pre');
        pre.textContent = e.stacktrace;
        details.append(summary, pre);
        article.append(title, message, info, details);
        return article;
      }),
    );
  }

  // ── configuration ──
  function flatten(value, prefix, rows) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value))
        flatten(inner, prefix ? `${prefix}.${key}` : key, rows);
    } else rows.push([prefix, JSON.stringify(value) ?? 'undefined']);
    return rows;
  }

  async function renderConfig() {
    const config = await getJson(`/jobs/${state.jobId}/config`);
    $('config-table').tBodies[0].replaceChildren(
      ...flatten(config['execution-config'], '', []).map(([key, value]) =>
        row([cell(key, 'mono'), cell(value, 'mono')]),
      ),
    );
  }

  // ── wiring ──
  for (const button of document.querySelectorAll('#tabs button')) {
    button.addEventListener('click', () => {
      for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b === button);
      for (const s of document.querySelectorAll('main .tab'))
        s.classList.toggle('active', s.id === button.dataset.tab);
    });
  }

  async function start() {
    const { jobs } = await getJson('/jobs');
    const wanted = new URLSearchParams(location.search).get('job');
    const job = jobs.find((j) => j.id === wanted) ?? jobs.at(-1);
    if (job === undefined) {
      $('job-name').textContent = 'no job';
      return;
    }
    state.jobId = job.id;
    await renderConfig();
    const events = new EventSource(`/jobs/${job.id}/events`);
    events.addEventListener('update', (message) => {
      const update = JSON.parse(message.data);
      state.job = update.job;
      renderJob(update.job);
      renderCheckpoints(update.checkpoints);
      renderExceptions(update.exceptions);
      void refreshVertex();
      document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
      // An ended job changes no more: stop listening before its server goes away.
      if (TERMINAL.has(update.job.state)) events.close();
    });
  }

  void start();
})();
