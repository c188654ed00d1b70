/**
 * Looks a little like an algorithm plugin but is not one: no description, no configSchema, and
 * `run` instead of `create`. `arena sweep` must reject a config that names this package, saying
 * which package and what is missing.
 */
export default {
  name: 'hill-climber',
  run() {
    return 'not how plugins work';
  },
};
