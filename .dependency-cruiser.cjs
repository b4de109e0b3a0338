/**
 * The module map, checked in CI (`npm run lint:deps`): no cycles between folders, and the base layer
 * (common, config, logging) depends on no feature module.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Two folders import each other (directly or around a loop): move the shared part down a layer.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'base-layer-stays-below',
      comment: 'src/common, src/config and src/logging are the base every module builds on; they import no feature module.',
      severity: 'error',
      from: { path: '^src/(common|config|logging)/' },
      to: { path: '^src/', pathNot: '^src/(common|config|logging)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.build.json' },
  },
};
