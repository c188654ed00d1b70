/**
 * The interactive report: results directories (picked in the browser, or listed by
 * `arena report --serve`) drawn as Figure 4 with the metric, aggregate, x-axis, tasks and
 * algorithms chosen in the page, a final-value table and the trials with links to the viewer.
 * Every redraw sets `data-revision` on the figure's container, so that a test can wait for it.
 */
import { UsageError, figureSpec, mergeResults, seedText } from '@policy-arena/runner/browser';
import type { Manifest, TrialData } from '@policy-arena/runner/browser';
import type { View } from 'vega';
import { el, errorText } from '../dom.js';
import { AGGREGATES, METRICS, X_AXES, finalRows, metricCurves, variantsWithout } from './curves.js';
import type { Aggregate, CurveOptions, FinalMetricRow, Metric, XChoice } from './curves.js';
import { drawFigure, tooltipHandler } from './figure.js';
import type { TooltipLabels } from './figure.js';
import { checkServedIndex, pickedSource, readResults, servedSource, viewerLink } from './results.js';
import type { ResultsDirectory } from './results.js';
import { initialSettings } from './settings.js';

/** `arena report --serve` names its listing in this meta tag of the page it serves. */
const SERVED_META = 'policy-arena-results';

function choice<K extends string>(
  id: string,
  label: string,
  options: Readonly<Record<K, string>>,
  value: K,
): HTMLLabelElement {
  const s = el('select', { id });
  for (const [key, text] of Object.entries<string>(options)) s.append(el('option', { value: key }, text));
  s.value = value;
  return el('label', { for: id }, label, s);
}

function checkboxes(
  box: HTMLFieldSetElement,
  legend: string,
  values: readonly string[],
  off: Set<string>,
): void {
  box.replaceChildren(
    el('legend', {}, legend),
    ...values.map((value) => {
      const input = el('input', { type: 'checkbox', value });
      input.checked = !off.has(value);
      return el('label', {}, input, value);
    }),
  );
}

const checked = (box: HTMLElement) =>
  [...box.querySelectorAll<HTMLInputElement>('input[type=checkbox]')]
    .filter((i) => i.checked)
    .map((i) => i.value);
const unchecked = (box: HTMLElement) =>
  [...box.querySelectorAll<HTMLInputElement>('input[type=checkbox]')]
    .filter((i) => !i.checked)
    .map((i) => i.value);

const num = (x: number) =>
  !Number.isFinite(x) ? '–' : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4);

function finalTable(rows: readonly FinalMetricRow[], metric: Metric, aggregate: Aggregate): HTMLTableElement {
  const chosen = (which: Aggregate) => (which === aggregate ? 'chosen' : '');
  return el(
    'table',
    { id: 'report-final' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', {}, 'task'),
        el('th', {}, 'algorithm'),
        el('th', { class: chosen('mean') }, `final ${METRICS[metric].label}: mean ± std`),
        el('th', { class: chosen('iqm') }, 'IQM [95 % CI]'),
        el('th', {}, 'seeds'),
      ),
    ),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el(
          'tr',
          { 'data-task': r.task, 'data-variant': r.variant },
          el('td', {}, r.task),
          el('td', {}, r.variant),
          el('td', { class: chosen('mean') }, `${num(r.mean)} ± ${num(r.std)}`),
          el(
            'td',
            { class: chosen('iqm') },
            `${num(r.iqm)} [${num(r.iqmInterval.low)}, ${num(r.iqmInterval.high)}]`,
          ),
          el('td', {}, String(r.seeds)),
        ),
      ),
    ),
  );
}

function trialsTable(
  data: readonly TrialData[],
  policies: ReadonlyMap<string, string>,
  tasks: readonly string[],
  variants: readonly string[],
): HTMLTableElement {
  const shown = data.filter((d) => tasks.includes(d.trial.task) && variants.includes(d.trial.variant));
  return el(
    'table',
    { id: 'report-trials' },
    el(
      'thead',
      {},
      el('tr', {}, ...['trial', 'status', 'iterations', 'final policy'].map((h) => el('th', {}, h))),
    ),
    el(
      'tbody',
      {},
      ...shown.map((d) => {
        const policy = policies.get(d.trial.id);
        return el(
          'tr',
          { 'data-trial': d.trial.id },
          el('td', {}, d.trial.id),
          el('td', {}, d.failure ? `failed: ${d.failure.type}: ${d.failure.message}` : d.trial.status),
          el('td', {}, `${d.records.length}/${d.trial.iterations}`),
          el('td', {}, policy ? el('a', { href: viewerLink(policy) }, 'open in viewer') : '–'),
        );
      }),
    ),
  );
}

export async function mountReportPage(root: HTMLElement): Promise<void> {
  const settings = initialSettings(location.hash);
  const picker = el('input', { id: 'report-dir', type: 'file', webkitdirectory: '', multiple: '' });
  const clear = el('button', { id: 'report-clear', type: 'button', disabled: '' }, 'Clear');
  const errorBox = el('div', { id: 'report-error' });
  const summary = el('p', { id: 'report-summary', class: 'status', role: 'status' });
  const tasksBox = el('fieldset', { id: 'report-tasks', class: 'choices' });
  const algosBox = el('fieldset', { id: 'report-algos', class: 'choices' });
  const controls = el(
    'div',
    { class: 'controls', id: 'report-controls', hidden: '' },
    tasksBox,
    algosBox,
    choice(
      'report-metric',
      'Metric',
      objectMap(METRICS, (m) => m.label),
      settings.metric,
    ),
    choice(
      'report-aggregate',
      'Aggregate',
      objectMap(AGGREGATES, (a) => a.label),
      settings.aggregate,
    ),
    choice('report-x', 'x-axis', X_AXES, settings.x),
  );
  const figureBox = el('div', { id: 'report-figure', class: 'card', 'data-revision': '0' });
  const note = el('p', { id: 'report-note', class: 'status' });
  const tooltip = el('div', { id: 'report-tooltip', class: 'report-tooltip', role: 'tooltip', hidden: '' });
  const tableBox = el('div', { id: 'report-table' });
  const trialsBox = el('details', { id: 'report-trials-box' });
  const results = el('div', { id: 'report-results', hidden: '' }, figureBox, note, tableBox, trialsBox);
  root.append(
    el('h2', {}, 'Report'),
    el(
      'p',
      { class: 'status' },
      'Figure 4 and final values of results directories: the output directory of ',
      el('code', {}, 'arena sweep'),
      ' or ',
      el('code', {}, 'arena run'),
      ', or a directory holding several, merged as ',
      el('code', {}, 'arena report a b'),
      ' merges them. Picking again adds directories; Clear starts over.',
    ),
    el('div', { class: 'controls' }, el('label', { for: 'report-dir' }, 'Results directory', picker), clear),
    errorBox,
    summary,
    controls,
    results,
    tooltip,
  );

  let directories: ResultsDirectory[] = [];
  let merged: { manifest: Manifest; data: TrialData[] } | undefined;
  let view: View | undefined;
  let revision = 0;
  let generation = 0;

  const value = <K extends string>(id: string) =>
    (document.getElementById(id) as HTMLSelectElement).value as K;
  const showError = (message: string | undefined) =>
    errorBox.replaceChildren(...(message ? [el('p', { class: 'error', role: 'alert' }, message)] : []));
  if (settings.problems.length) showError(settings.problems.join('\n'));

  const labels = (): TooltipLabels => {
    const x = value<XChoice>('report-x');
    return {
      x: x === 'steps' ? 'env steps' : x === 'wallTime' ? 'wall time (s)' : 'iteration',
      xField: x === 'steps' ? 'envSteps' : x === 'wallTime' ? 'wallSeconds' : 'iteration',
      y: `${METRICS[value<Metric>('report-metric')].label} (${AGGREGATES[value<Aggregate>('report-aggregate')].short})`,
    };
  };
  const onTooltip = tooltipHandler(tooltip, labels);

  async function redraw(): Promise<void> {
    if (!merged) return;
    const current = ++generation;
    const { data } = merged;
    const tasks = checked(tasksBox);
    const variants = checked(algosBox);
    const allVariants = [...new Set(merged.manifest.trials.map((t) => t.variant))];
    const metric = value<Metric>('report-metric');
    const aggregate = value<Aggregate>('report-aggregate');
    const x = value<XChoice>('report-x');
    const options: CurveOptions = { metric, aggregate, reps: settings.reps, seed: settings.seed };
    const points = metricCurves(data, tasks, variants, options);
    const missing = variantsWithout(data, tasks, variants, metric);
    note.textContent = missing.length
      ? `No ${METRICS[metric].label} in the records of: ${missing.join(', ')}.`
      : '';
    tableBox.replaceChildren(
      el('h3', {}, 'Final values'),
      finalTable(finalRows(data, tasks, variants, options), metric, aggregate),
    );
    const policies = new Map(directories.flatMap((d) => [...d.finalPolicies]));
    trialsBox.replaceChildren(el('summary', {}, 'Trials'), trialsTable(data, policies, tasks, variants));

    const holder = el('div');
    let next: View | undefined;
    if (points.length === 0) {
      holder.append(
        el(
          'p',
          { class: 'status' },
          tasks.length === 0 || variants.length === 0
            ? 'Select at least one task and one algorithm.'
            : `Nothing to draw: no ${METRICS[metric].label} in the chosen trials' records.`,
        ),
      );
    } else {
      const short = AGGREGATES[aggregate].short;
      const spec = figureSpec(points, tasks, allVariants, {
        x,
        yTitle: `${METRICS[metric].axis} (${short})`,
        caption:
          `${short === 'IQM' ? 'Interquartile mean' : 'Mean'} over ${seedText(points)} per curve; ` +
          `shaded: the 95 % percentile-bootstrap interval of the ${short}. ` +
          `x: ${x === 'steps' ? 'env steps so far' : x === 'wallTime' ? 'wall time so far' : 'policy iteration'} (mean over seeds); ` +
          `y: ${METRICS[metric].axis}.`,
        legendVariants: allVariants.filter((v) => variants.includes(v)),
        hover: true,
      });
      next = await drawFigure(holder, spec, onTooltip);
    }
    // A later change started its own redraw meanwhile: that one's figure is the one to show.
    if (current !== generation) {
      next?.finalize();
      return;
    }
    view?.finalize();
    view = next;
    tooltip.hidden = true;
    figureBox.replaceChildren(holder);
    figureBox.dataset.revision = String(++revision);
  }

  function showResults(): void {
    if (!merged) {
      controls.hidden = true;
      results.hidden = true;
      summary.textContent = '';
      return;
    }
    const { manifest, data } = merged;
    const done = data.filter((d) => d.done).length;
    const failed = data.filter((d) => d.failure).length;
    summary.textContent =
      `${directories.map((d) => d.dir).join(' + ')}: ${data.length} trials, ${done} finished` +
      `${failed ? `, ${failed} failed` : ''} · preset ${manifest.preset} · seeds ${manifest.seeds.join(', ')}`;
    checkboxes(
      tasksBox,
      'Tasks',
      [...new Set(manifest.trials.map((t) => t.task))],
      new Set(unchecked(tasksBox)),
    );
    checkboxes(
      algosBox,
      'Algorithms',
      [...new Set(manifest.trials.map((t) => t.variant))],
      new Set(unchecked(algosBox)),
    );
    controls.hidden = false;
    results.hidden = false;
  }

  /** Adds the directories of a source to those shown; one of the same name is replaced. */
  async function add(load: () => Promise<ResultsDirectory[]>, what: string): Promise<void> {
    try {
      const added = await load();
      const names = new Set(added.map((d) => d.dir));
      const next = [...directories.filter((d) => !names.has(d.dir)), ...added];
      merged = mergeResults(next);
      directories = next;
      showError(undefined);
      clear.disabled = false;
      showResults();
      await redraw();
    } catch (e) {
      showError(e instanceof UsageError ? e.message : `Could not read ${what}: ${errorText(e)}`);
    }
  }

  picker.addEventListener('change', () => {
    const files = [...(picker.files ?? [])];
    picker.value = ''; // picking the same directory again is a change too
    const top = files[0]?.webkitRelativePath.split('/')[0];
    void add(
      () => readResults(pickedSource(files), top ? `"${top}"` : 'the picked directory'),
      'the picked directory',
    );
  });
  clear.addEventListener('click', () => {
    directories = [];
    merged = undefined;
    view?.finalize();
    view = undefined;
    figureBox.replaceChildren();
    clear.disabled = true;
    showError(undefined);
    showResults();
  });
  // Every control is inside `controls`: their change events bubble to it.
  controls.addEventListener('change', () => {
    void redraw().catch((e: unknown) => showError(`Could not draw the figure: ${errorText(e)}`));
  });

  const served = document.querySelector<HTMLMetaElement>(`meta[name="${SERVED_META}"]`)?.content;
  if (served) {
    const indexUrl = new URL(served, document.baseURI);
    const fetchText = async (url: URL) => {
      const response = await fetch(url);
      if (!response.ok)
        throw new UsageError(`${url.pathname}: HTTP ${response.status} ${response.statusText}`);
      return response.text();
    };
    await add(async () => {
      const index = checkServedIndex(JSON.parse(await fetchText(indexUrl)), indexUrl.pathname);
      return readResults(servedSource(index, indexUrl, fetchText), indexUrl.pathname);
    }, indexUrl.pathname);
  }
}

function objectMap<K extends string, V>(
  record: Readonly<Record<K, V>>,
  f: (v: V) => string,
): Record<K, string> {
  return Object.fromEntries(Object.entries<V>(record).map(([k, v]) => [k, f(v)])) as Record<K, string>;
}
