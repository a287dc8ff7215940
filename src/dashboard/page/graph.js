// The job graph of the dashboard page as SVG: vertices in columns by their distance from the
// sources, edges labelled with their exchange, each vertex coloured as Flink's web UI colours it
// (blue when idle, towards red as it gets busy, dark grey when back-pressured). Browser script, no
// build step; exposes `window.weirGraph`.
(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const BOX = { width: 250, height: 130, gapX: 90, gapY: 28, margin: 20 };

  function element(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Column of every vertex: the longest path from a source. */
  function columns(plan) {
    const column = new Map(plan.vertices.map((v) => [v.id, 0]));
    for (let pass = 0; pass < plan.vertices.length; pass++)
      for (const edge of plan.edges)
        column.set(edge.target, Math.max(column.get(edge.target), column.get(edge.source) + 1));
    return column;
  }

  function layout(plan) {
    const column = columns(plan);
    const rows = new Map();
    const position = new Map();
    for (const vertex of plan.vertices) {
      const c = column.get(vertex.id);
      const r = rows.get(c) ?? 0;
      rows.set(c, r + 1);
      position.set(vertex.id, {
        x: BOX.margin + c * (BOX.width + BOX.gapX),
        y: BOX.margin + r * (BOX.height + BOX.gapY),
      });
    }
    const width = BOX.margin * 2 + (Math.max(...column.values()) + 1) * (BOX.width + BOX.gapX) - BOX.gapX;
    const height = BOX.margin * 2 + Math.max(...rows.values()) * (BOX.height + BOX.gapY) - BOX.gapY;
    return { position, width, height };
  }

  /** Flink's vertex colour: back-pressure dominates as grey, otherwise blue (idle) to red (busy). */
  function colour(metrics) {
    const busy = metrics.busyTimeMsPerSecond / 1000;
    const pressured = metrics.backPressuredTimeMsPerSecond / 1000;
    if (pressured > busy) return `hsl(0, 0%, ${Math.round(85 - pressured * 60)}%)`;
    return `hsl(${Math.round(210 - busy * 210)}, 70%, ${Math.round(88 - busy * 28)}%)`;
  }

  /** Draws `vertices` (with metrics) and `plan`'s edges into `container`; `onSelect(id)` on a click. */
  function render(container, plan, vertices, format, selected, onSelect) {
    const { position, width, height } = layout(plan);
    const svg = element('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
    const defs = element('defs', {});
    const marker = element('marker', {
      id: 'arrow',
      viewBox: '0 0 10 10',
      refX: 10,
      refY: 5,
      markerWidth: 8,
      markerHeight: 8,
      orient: 'auto',
    });
    marker.append(element('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#667' }));
    defs.append(marker);
    svg.append(defs);
    for (const edge of plan.edges) {
      const from = position.get(edge.source);
      const to = position.get(edge.target);
      const x1 = from.x + BOX.width;
      const y1 = from.y + BOX.height / 2;
      const x2 = to.x;
      const y2 = to.y + BOX.height / 2;
      const mid = (x1 + x2) / 2;
      svg.append(
        element('path', {
          d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
          class: 'edge',
          'marker-end': 'url(#arrow)',
        }),
      );
      const label = element('text', {
        x: mid,
        y: (y1 + y2) / 2 - 6,
        class: 'edge-label',
        'data-testid': 'edge',
      });
      label.textContent = edge.exchange.toUpperCase();
      if (edge.key) label.append(element('title', {}, edge.key));
      svg.append(label);
    }
    for (const vertex of vertices) {
      const { x, y } = position.get(vertex.id);
      const m = vertex.metrics;
      const group = element('g', {
        class: `vertex${vertex.id === selected ? ' selected' : ''}`,
        'data-testid': 'vertex',
        'data-vertex': vertex.id,
        transform: `translate(${x},${y})`,
        tabindex: 0,
      });
      group.append(element('rect', { width: BOX.width, height: BOX.height, rx: 6, fill: colour(m) }));
      const lines = [
        [vertex.name, 'name'],
        [
          `Parallelism: ${vertex.parallelism}${vertex.operators.length > 1 ? ` · ${vertex.operators.length} chained` : ''}`,
          '',
        ],
        [`In ${format.count(m.numRecordsIn)} · ${format.count(m.numRecordsInPerSecond)}/s`, ''],
        [`Out ${format.count(m.numRecordsOut)} · ${format.count(m.numRecordsOutPerSecond)}/s`, ''],
        [
          `Busy ${format.percent(m.busyTimeMsPerSecond)} · Back-pressured ${format.percent(m.backPressuredTimeMsPerSecond)}`,
          '',
        ],
        // A vertex's watermark is what its inputs reached; a source's, what it sent (as Flink shows).
        [
          `Watermark ${format.watermark('currentInputWatermark' in m ? m.currentInputWatermark : m.currentOutputWatermark)}`,
          'watermark',
        ],
      ];
      lines.forEach(([text, kind], i) => {
        const t = element('text', { x: 10, y: 20 + i * 19, class: kind }, text);
        if (kind === 'name')
          t.append(element('title', {}, vertex.operators.map((o) => `${o.name} (${o.uid})`).join(' -> ')));
        group.append(t);
      });
      const level = element('text', { x: BOX.width - 10, y: 20, class: `level ${vertex.backpressureLevel}` });
      level.textContent = vertex.backpressureLevel.toUpperCase();
      group.append(level);
      group.addEventListener('click', () => onSelect(vertex.id));
      group.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') onSelect(vertex.id);
      });
      svg.append(group);
    }
    container.replaceChildren(svg);
  }

  window.weirGraph = { render };
})();
