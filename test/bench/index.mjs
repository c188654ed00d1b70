// `pnpm bench [name...]` (= `pnpm build && node test/bench/index.mjs [name...]`): runs the named
// benchmarks, or all of them without a name. Each bench module exports `main()` and writes its own
// section of BENCHMARKS.md.
const BENCHES = {
  envs: () => import('./envs.mjs'),
  update: () => import('./update.mjs'),
  iteration: () => import('./iteration.mjs'),
  browser: () => import('./browser.mjs'),
};

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  console.log(`== bench ${name}`);
  const mod = await BENCHES[name]();
  await mod.main();
}
