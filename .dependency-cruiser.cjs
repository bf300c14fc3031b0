// `npm run lint` part 2: no import cycles, type-only imports included. ESLint's import-x/no-cycle skips
// `import type`, and the issue counts those too (a type cycle still ties two modules together), so the cycle
// check is dependency-cruiser's, which reads type-only imports with tsPreCompilationDeps.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle, type-only imports included. Move what both sides share into a module both import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'monitors-stay-out-of-feeds',
      severity: 'error',
      comment: 'src/feeds/ (the poller) imports monitors/; monitors/ importing src/feeds/ back would make the two folders a cycle.',
      from: { path: '^monitors/' },
      to: { path: '^src/feeds/' },
    },
    {
      name: 'kysely-only-in-stores',
      severity: 'error',
      comment:
        'Every table has one owner: Kysely (and so SQL) is used only by the store modules (src/store/, the feed store in src/feeds/feed-{store,transaction,rows,records}.ts) and the database modules (src/db/). Everything else is handed a store interface.',
      from: { path: '^(src|commands|monitors)/', pathNot: '^src/(store|db)/|^src/feeds/feed-(store|transaction|rows|records)[.]ts$' },
      to: { path: '(^|/)node_modules/kysely/' },
    },
    {
      name: 'discord-js-only-in-discord',
      severity: 'error',
      comment:
        'One Discord line: discord.js is imported only by the Discord front end (src/discord/) and the slash commands (commands/). The core, the digest included, builds and renders without it.',
      from: { path: '^(src|monitors)/', pathNot: '^src/discord/' },
      to: { path: '(^|/)node_modules/(discord[.]js|@discordjs/[^/]+|discord-api-types)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
