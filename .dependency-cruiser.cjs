// The layer rules of docs/architecture.md, checked by `npm run deps` (part of `npm test`).
// Layers, lowest first: errors.ts, util, metrics → channel → state, checkpoint, restart, job →
// config → operators → connectors → graph → api → runtime (main thread) → task (worker thread);
// dashboard (main thread, between runtime and api); cli and index.ts on top. A folder may import its own layer's folders and those below it.
/** A path pattern for the given folders of src/. */
const under = (...folders) => `^src/(${folders.join('|')})/`;
const ABOVE_CHANNEL = ['state', 'checkpoint', 'restart', 'job', 'config', 'operators', 'connectors', 'graph', 'api', 'runtime', 'task', 'cli'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'No import cycles, type-only ones included. The one exception: DataStream, KeyedStream and ' +
        'WindowedStream name each other (keyBy returns a KeyedStream, whose aggregations and windows ' +
        "return DataStreams), as in Flink's API; KeyedStream and WindowedStream import only DataStream's " +
        'type and get their streams from a factory.',
      severity: 'error',
      from: {},
      to: { circular: true, viaSomeNot: '^src/api/(data-stream|keyed-stream|windowed-stream)[.]ts$' },
    },
    {
      name: 'foundation-imports-nothing-above',
      comment: 'errors.ts, util/ and metrics/ are the foundation: they import nothing else of weir.',
      severity: 'error',
      from: { path: '^src/(util|metrics)/|^src/errors[.]ts$' },
      to: { path: '^src/', pathNot: '^src/(util|metrics)/|^src/errors[.]ts$' },
    },
    {
      name: 'channel-imports-nothing-above',
      comment: 'The data plane knows frames and bytes, not operators, state or the runtime.',
      severity: 'error',
      from: { path: under('channel') },
      to: { path: under(...ABOVE_CHANNEL) },
    },
    {
      name: 'subsystems-stay-below-the-runtime',
      comment: 'State, checkpoints, restart strategies and the job lifecycle never import the engine above them.',
      severity: 'error',
      from: { path: under('state', 'checkpoint', 'restart', 'job') },
      to: { path: under('config', 'operators', 'connectors', 'graph', 'api', 'runtime', 'task', 'cli') },
    },
    {
      name: 'config-below-operators',
      severity: 'error',
      from: { path: under('config') },
      to: { path: under('operators', 'connectors', 'graph', 'api', 'runtime', 'task', 'cli') },
    },
    {
      name: 'operators-and-connectors-below-the-api',
      comment: 'Operators and connectors are what a graph is made of; they never reach the API, the runtime or the worker loop.',
      severity: 'error',
      from: { path: under('operators', 'connectors') },
      to: { path: under('graph', 'api', 'runtime', 'task', 'cli') },
    },
    {
      name: 'operators-below-connectors',
      severity: 'error',
      from: { path: under('operators') },
      to: { path: under('connectors') },
    },
    {
      name: 'graph-below-the-api',
      severity: 'error',
      from: { path: under('graph') },
      to: { path: under('connectors', 'api', 'runtime', 'task', 'cli') },
    },
    {
      name: 'api-never-imports-task',
      comment: 'The API runs in every thread; the worker loop is reached only through the runtime.',
      severity: 'error',
      from: { path: under('api') },
      to: { path: under('task', 'cli') },
    },
    {
      name: 'runtime-never-imports-task-or-api',
      comment: "The main thread reaches the worker's code only through runtime/protocol.ts (plain data).",
      severity: 'error',
      from: { path: under('runtime') },
      to: { path: under('task', 'api', 'cli') },
    },
    {
      name: 'dashboard-between-runtime-and-api',
      comment:
        'The dashboard reads a job through its own ObservedJob interface (plain runtime data): it never ' +
        'imports the API that starts it, the worker loop or the CLI; nothing below the API imports it.',
      severity: 'error',
      from: { path: under('dashboard') },
      to: { path: under('api', 'task', 'cli') },
    },
    {
      name: 'only-api-and-cli-import-the-dashboard',
      severity: 'error',
      from: { path: '^src/', pathNot: `${under('api', 'cli', 'dashboard')}|^src/index[.]ts$` },
      to: { path: under('dashboard') },
    },
    {
      name: 'task-never-imports-cli',
      severity: 'error',
      from: { path: under('task') },
      to: { path: under('cli') },
    },
    {
      name: 'one-public-door',
      comment: 'src/index.ts is for users; code inside src/ imports the module it needs.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/index[.]ts$' },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/worker/' },
  },
};
