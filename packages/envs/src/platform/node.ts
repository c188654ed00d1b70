/**
 * What envs does differently in Node.js and in a browser, Node side (package.json maps the subpath
 * import `#platform` here, or to `browser.ts` under the bundlers' "browser" condition): sampler
 * threads are node:worker_threads.
 */
export { Worker } from 'node:worker_threads';
