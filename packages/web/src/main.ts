/**
 * The app's three pages behind hash routes (#viewer, #train, #report). Each page's module is
 * loaded on first visit, so the report never downloads MuJoCo and the viewer never downloads vega.
 */
const pages = {
  viewer: () => import('./viewer/page.js').then((m) => m.mountViewerPage),
  train: () => import('./train/page.js').then((m) => m.mountTrainPage),
  report: () => import('./report/page.js').then((m) => m.mountReportPage),
} as const;
type PageName = keyof typeof pages;

const mounted = new Set<PageName>();

function pageFromHash(): PageName {
  const name = location.hash.replace(/^#/, '').split('?')[0];
  return name && name in pages ? (name as PageName) : 'viewer';
}

async function show(): Promise<void> {
  const name = pageFromHash();
  for (const key of Object.keys(pages) as PageName[]) {
    document.getElementById(`page-${key}`)!.hidden = key !== name;
    document.querySelector(`nav a[data-page="${key}"]`)?.toggleAttribute('aria-current', key === name);
    if (key === name)
      document.querySelector(`nav a[data-page="${key}"]`)?.setAttribute('aria-current', 'page');
  }
  if (mounted.has(name)) return;
  mounted.add(name);
  const mount = await pages[name]();
  await mount(document.getElementById(`page-${name}`)!);
}

window.addEventListener('hashchange', () => void show());
void show();
