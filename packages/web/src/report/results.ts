/**
 * Results directories as the report page reads them: from the files of a picked directory, or over
 * HTTP from `arena report --serve`'s listing. Either way the files become the same trial data as
 * the CLI's report reads from disk (the runner's parseRecords and trialData), so both reports agree.
 */
import { UsageError, parseRecords, trialData } from '@policy-arena/runner/browser';
import type { LoadedResults, Manifest, TrialState } from '@policy-arena/runner/browser';

/** A set of files under one root: '/'-separated paths relative to it. */
export interface ResultsSource {
  readonly paths: readonly string[];
  read(path: string): Promise<string>;
  /** Where the viewer page can fetch the file. */
  url(path: string): string;
  /** How the page names a results directory (a directory of `paths`, holding manifest.json). */
  name(dir: string): string;
}

/** A results directory read: its trials, and per trial the URL of its final policy where it has one. */
export interface ResultsDirectory extends LoadedResults {
  readonly finalPolicies: ReadonlyMap<string, string>;
}

const MANIFEST = 'manifest.json';

const dirOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const join = (dir: string, path: string) => (dir ? `${dir}/${path}` : path);

/** Every directory of `paths` that holds a manifest.json. */
export function resultsDirectories(paths: readonly string[]): string[] {
  return paths
    .filter((p) => p === MANIFEST || p.endsWith(`/${MANIFEST}`))
    .map(dirOf)
    .sort();
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON (${(e as Error).message})`);
  }
}

const describe = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'an object'
        : typeof value;

function checkManifest(value: unknown, file: string): Manifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${file} is not a sweep manifest: expected an object, got ${describe(value)}`);
  }
  const trials = (value as { trials?: unknown }).trials;
  if (!Array.isArray(trials)) {
    throw new UsageError(
      `${file} is not a sweep manifest: expected a "trials" list, got ${describe(trials)}`,
    );
  }
  for (const [i, trial] of trials.entries()) {
    const t = trial as Partial<Record<string, unknown>> | null;
    for (const key of ['id', 'variant', 'task'] as const) {
      if (typeof t?.[key] !== 'string') {
        throw new UsageError(
          `${file} is not a sweep manifest: trials[${i}].${key} should be a string, got ${describe(t?.[key])}`,
        );
      }
    }
    if (typeof t?.['iterations'] !== 'number') {
      throw new UsageError(
        `${file} is not a sweep manifest: trials[${i}].iterations should be a number, got ${describe(t?.['iterations'])}`,
      );
    }
  }
  return value as Manifest;
}

const STATUSES = ['pending', 'running', 'done', 'failed'];

function checkState(value: unknown, file: string): TrialState {
  const status = (value as { status?: unknown } | null)?.status;
  if (typeof status !== 'string' || !STATUSES.includes(status)) {
    throw new UsageError(
      `${file} is not a trial state: expected "status" to be one of ${STATUSES.join(', ')}, got ${JSON.stringify(status) ?? 'nothing'}`,
    );
  }
  return value as TrialState;
}

/** One results directory of a source: its manifest, each trial's trial.json and metrics.jsonl. */
export async function readResultsDirectory(source: ResultsSource, dir: string): Promise<ResultsDirectory> {
  const name = source.name(dir);
  const present = new Set(source.paths);
  const manifestPath = join(dir, MANIFEST);
  const manifest = checkManifest(
    parseJson(await source.read(manifestPath), manifestPath),
    `${name}/${MANIFEST}`,
  );
  const finalPolicies = new Map<string, string>();
  const data = await Promise.all(
    manifest.trials.map(async (trial) => {
      const trialDir = join(dir, `trials/${trial.id}`);
      const metrics = `${trialDir}/metrics.jsonl`;
      const state = `${trialDir}/trial.json`;
      const policy = `${trialDir}/policy-final.json`;
      if (present.has(policy)) finalPolicies.set(trial.id, source.url(policy));
      const [records, stateValue] = await Promise.all([
        present.has(metrics) ? source.read(metrics).then(parseRecords) : [],
        present.has(state)
          ? source
              .read(state)
              .then((text) =>
                checkState(
                  parseJson(text, `${name}/trials/${trial.id}/trial.json`),
                  `${name}/trials/${trial.id}/trial.json`,
                ),
              )
          : undefined,
      ]);
      return trialData(trial, records, stateValue);
    }),
  );
  return { dir: name, manifest, data, finalPolicies };
}

/** Every results directory of a source; a source without one is refused, naming what it holds. */
export async function readResults(source: ResultsSource, what: string): Promise<ResultsDirectory[]> {
  const dirs = resultsDirectories(source.paths);
  if (dirs.length === 0) {
    const shown = source.paths.slice(0, 3).join(', ');
    const more = source.paths.length > 3 ? `, … (${source.paths.length} files)` : '';
    throw new UsageError(
      `${what} is not a results directory: expected a ${MANIFEST} (written by \`arena sweep\` or \`arena run\`) in it or in a directory under it, got ${
        source.paths.length === 0 ? 'no files' : `${shown}${more}`
      }`,
    );
  }
  return Promise.all(dirs.map((dir) => readResultsDirectory(source, dir)));
}

/** The files of a `<input type=file webkitdirectory>`: paths as the browser gives them, under the picked directory's name. */
export function pickedSource(files: readonly File[]): ResultsSource {
  const byPath = new Map(files.map((f) => [f.webkitRelativePath || f.name, f]));
  const urls = new Map<string, string>();
  return {
    paths: [...byPath.keys()],
    read: (path) => byPath.get(path)!.text(),
    url: (path) => {
      // A blob URL lives as long as the page: the viewer, on the same page, can fetch it.
      let url = urls.get(path);
      if (url === undefined) {
        url = URL.createObjectURL(byPath.get(path)!);
        urls.set(path, url);
      }
      return url;
    },
    name: (dir) => dir,
  };
}

/** `arena report --serve`'s listing (results/index.json): each directory as given on the command line. */
export interface ServedIndex {
  readonly version: 1;
  readonly directories: readonly {
    readonly name: string;
    /** Relative to the listing's URL, ending in '/'. */
    readonly url: string;
    /** Every file of the directory, relative to it. */
    readonly files: readonly string[];
  }[];
}

export function checkServedIndex(value: unknown, where: string): ServedIndex {
  const dirs = (value as { directories?: unknown } | null)?.directories;
  const valid =
    Array.isArray(dirs) &&
    dirs.every(
      (d: { name?: unknown; url?: unknown; files?: unknown } | null) =>
        typeof d?.name === 'string' &&
        typeof d.url === 'string' &&
        Array.isArray(d.files) &&
        d.files.every((f) => typeof f === 'string'),
    );
  if (!valid) {
    throw new UsageError(
      `${where} is not a results listing: expected {"directories": [{"name", "url", "files"}, …]}, got ${describe(value)}${
        Array.isArray(dirs) ? ' with other entries' : ' without a "directories" list'
      }`,
    );
  }
  return value as ServedIndex;
}

/** The served directories as one source: directory i's files under "i/". */
export function servedSource(
  index: ServedIndex,
  indexUrl: URL,
  fetchText: (url: URL) => Promise<string>,
): ResultsSource {
  const urls = new Map<string, URL>();
  const names = new Map<string, string>();
  index.directories.forEach((d, i) => {
    names.set(String(i), d.name);
    const base = new URL(d.url, indexUrl);
    for (const file of d.files)
      urls.set(`${i}/${file}`, new URL(file.split('/').map(encodeURIComponent).join('/'), base));
  });
  return {
    paths: [...urls.keys()],
    read: (path) => fetchText(urls.get(path)!),
    url: (path) => urls.get(path)!.pathname,
    name: (dir) => names.get(dir) ?? dir,
  };
}

/**
 * The viewer's link for a policy file: the URL as a `policy` hash parameter, with '/' and ':' left
 * readable (URLSearchParams decodes the rest).
 */
export function viewerLink(policyUrl: string): string {
  return `#viewer?policy=${encodeURIComponent(policyUrl).replace(/%2F/gi, '/').replace(/%3A/gi, ':')}`;
}
