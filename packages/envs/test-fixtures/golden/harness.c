// Native MuJoCo reference for swimmer-v1, hopper-v1 and walker-v1: an independent C implementation of
// the tasks of packages/envs/src/mujoco/tasks.ts (frame skip, clipping, reward terms, termination,
// foot-impact penalty), used for the golden fixtures and as the native anchor of `pnpm bench envs`.
//
// Build (Debian: apt-get install libmujoco-dev, MuJoCo 2.2.2):
//   gcc -O2 -o harness harness.c -lmujoco -lm
// Models: the MJCF strings of src/mujoco/models.ts without `<size memory="1M"/>` (2.2.2 rejects it;
// it does not change dynamics). regenerate.mjs and test/bench/envs.mjs write them out.
//
//   harness golden <model.xml> <task> <env_steps> <seed> <out.bin>
//     Initial state qpos0 + eps*u, eps*u (u = xorshift32 in [-1, 1)), mj_forward, then env_steps
//     steps with actions 1.2*u (so some get clipped). Writes float64 little-endian records:
//     [qpos(nq) qvel(nv)] once, then per step
//     [action(nu) qpos(nq) qvel(nv) reward healthy forward_velocity ctrl_cost impact_penalty peak_force(nfeet)].
//   harness bench <model.xml> <task> <env_steps> <reps>
//     The RL loop of MujocoEnv.step on one core: random actions, reset on a fall or at the horizon.
//     Prints one JSON line per rep.
#include <math.h>
#include <mujoco/mujoco.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  const char* name;
  int frame_skip;
  double reset_noise, alive_bonus, ctrl_cost_weight;
  int nfeet;
  const char* feet[2];
  double impact_threshold, impact_weight;  // body weights, penalty per body weight
  int horizon;
} Task;

static const Task TASKS[] = {
    {"swimmer", 4, 0.1, 0, 1e-5, 0, {0, 0}, 0, 0, 1000},
    {"hopper", 4, 0.005, 1, 1e-5, 0, {0, 0}, 0, 0, 1000},
    {"walker2d", 4, 0.005, 1, 1e-5, 2, {"foot", "foot_left"}, 3, 0.5, 1000},
};

static unsigned int rng_state;
static double rnd(void) {  // xorshift32 as in test/bench; uniform in [-1, 1)
  unsigned int x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rng_state = x;
  return ((double)x / 4294967296.0) * 2 - 1;
}
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static const Task* task;
static mjModel* m;
static mjData* d;
static int feet[2];
static double body_weight, dt;
// HARNESS_COM_VELOCITY=1: the forward term of the v2 tasks (centre-of-mass velocity) instead of v1's root dx/dt.
static int com_velocity;

static int healthy(void) {
  const double* q = d->qpos;
  const double* v = d->qvel;
  if (strcmp(task->name, "hopper") == 0) {
    for (int i = 2; i < m->nq; i++) if (!(fabs(q[i]) < 100)) return 0;
    for (int i = 0; i < m->nv; i++) if (!(fabs(v[i]) < 100)) return 0;
    return isfinite(q[0]) && q[1] > 0.7 && fabs(q[2]) < 0.2;
  }
  if (strcmp(task->name, "walker2d") == 0) return q[1] > 0.8 && q[1] < 2 && q[2] > -1 && q[2] < 1;
  return 1;
}

static void reset(void) {
  mj_resetData(m, d);
  for (int i = 0; i < m->nq; i++) d->qpos[i] = m->qpos0[i] + task->reset_noise * rnd();
  for (int i = 0; i < m->nv; i++) d->qvel[i] = task->reset_noise * rnd();
  mj_forward(m, d);
}

// One env step; out: reward healthy vx ctrl_cost impact peak[nfeet]. Returns healthy.
static int env_step(const double* action, double* out) {
  double sumsq = 0, peak[2] = {0, 0};
  for (int j = 0; j < m->nu; j++) {
    double a = action[j] < -1 ? -1 : action[j] > 1 ? 1 : action[j];
    sumsq += a * a;
    const double* r = m->actuator_ctrlrange + 2 * j;
    d->ctrl[j] = (r[0] + r[1]) / 2 + (r[1] - r[0]) / 2 * a;
  }
  double x0 = d->qpos[0];
  for (int k = 0; k < task->frame_skip; k++) {
    mj_step(m, d);
    if (task->nfeet) {
      mj_rnePostConstraint(m, d);
      for (int f = 0; f < task->nfeet; f++) {
        double fz = d->cfrc_ext[6 * feet[f] + 5];
        if (fz > peak[f]) peak[f] = fz;
      }
    }
  }
  double vx = (d->qpos[0] - x0) / dt;
  if (com_velocity) {
    // The v2 tasks: x-velocity of the root body's subtree centre of mass at the end of the step.
    mj_kinematics(m, d);
    mj_comPos(m, d);
    mj_comVel(m, d);
    mj_subtreeVel(m, d);
    vx = d->subtree_linvel[3 * 1 + 0];
  }
  double ctrl_cost = task->ctrl_cost_weight * sumsq;
  double impact = 0;
  for (int f = 0; f < task->nfeet; f++) {
    double excess = peak[f] / body_weight - task->impact_threshold;
    impact += excess > 0 ? excess : 0;
  }
  impact *= task->impact_weight;
  int h = healthy();
  double reward = vx - ctrl_cost + (h ? task->alive_bonus : 0) - impact;
  out[0] = reward;
  out[1] = h;
  out[2] = vx;
  out[3] = ctrl_cost;
  out[4] = impact;
  for (int f = 0; f < task->nfeet; f++) out[5 + f] = peak[f];
  return h;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s golden|bench model.xml task ...\n", argv[0]);
    return 2;
  }
  const char* mode = argv[1];
  com_velocity = getenv("HARNESS_COM_VELOCITY") && strcmp(getenv("HARNESS_COM_VELOCITY"), "1") == 0;
  char err[1000] = "";
  m = mj_loadXML(argv[2], NULL, err, sizeof(err));
  if (!m) {
    fprintf(stderr, "load error: %s\n", err);
    return 1;
  }
  task = NULL;
  for (unsigned i = 0; i < sizeof(TASKS) / sizeof(TASKS[0]); i++)
    if (strcmp(TASKS[i].name, argv[3]) == 0) task = &TASKS[i];
  if (!task) {
    fprintf(stderr, "unknown task %s\n", argv[3]);
    return 2;
  }
  d = mj_makeData(m);
  dt = task->frame_skip * m->opt.timestep;
  double mass = 0;
  for (int b = 0; b < m->nbody; b++) mass += m->body_mass[b];
  const double* g = m->opt.gravity;
  body_weight = mass * sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
  for (int f = 0; f < task->nfeet; f++) {
    feet[f] = mj_name2id(m, mjOBJ_BODY, task->feet[f]);
    if (feet[f] < 0) {
      fprintf(stderr, "no body %s\n", task->feet[f]);
      return 1;
    }
  }
  double action[16], info[8];

  if (strcmp(mode, "golden") == 0 && argc == 7) {
    long steps = atol(argv[4]);
    rng_state = (unsigned)strtoul(argv[5], NULL, 10);
    FILE* out = fopen(argv[6], "wb");
    if (!out) return 1;
    reset();
    fwrite(d->qpos, sizeof(double), m->nq, out);
    fwrite(d->qvel, sizeof(double), m->nv, out);
    for (long t = 0; t < steps; t++) {
      for (int j = 0; j < m->nu; j++) action[j] = 1.2 * rnd();
      env_step(action, info);
      fwrite(action, sizeof(double), m->nu, out);
      fwrite(d->qpos, sizeof(double), m->nq, out);
      fwrite(d->qvel, sizeof(double), m->nv, out);
      fwrite(info, sizeof(double), 5 + task->nfeet, out);
    }
    fclose(out);
    printf("{\"mujoco_version\":%d,\"nq\":%d,\"nv\":%d,\"nu\":%d,\"nfeet\":%d,\"timestep\":%.17g,\"body_weight\":%.17g}\n",
           mj_version(), m->nq, m->nv, m->nu, task->nfeet, m->opt.timestep, body_weight);
  } else if (strcmp(mode, "bench") == 0 && argc == 6) {
    long steps = atol(argv[4]);
    int reps = atoi(argv[5]);
    double* obs = calloc(m->nq + m->nv, sizeof(double));
    for (int r = -1; r < reps; r++) {  // r = -1: warm-up
      rng_state = 2463534242u;
      long n = r < 0 ? steps / 10 : steps, episodes = 0, t_ep = 0;
      double sum = 0;
      reset();
      double t0 = now_ms();
      for (long i = 0; i < n; i++) {
        for (int j = 0; j < m->nu; j++) action[j] = rnd();
        int h = env_step(action, info);
        for (int j = 0; j < m->nq; j++) obs[j] = d->qpos[j];
        for (int j = 0; j < m->nv; j++) obs[m->nq + j] = d->qvel[j];
        sum += info[0] + obs[m->nq];
        t_ep++;
        if (!h || t_ep >= task->horizon) {
          episodes++;
          t_ep = 0;
          reset();
        }
      }
      double ms = now_ms() - t0;
      if (r >= 0)
        printf("{\"impl\":\"native\",\"mujoco_version\":%d,\"task\":\"%s\",\"rep\":%d,\"env_steps\":%ld,\"episodes\":%ld,"
               "\"ms\":%.3f,\"env_steps_per_s\":%.1f,\"checksum\":%.6g}\n",
               mj_version(), task->name, r, n, episodes, ms, n / (ms / 1000), sum);
    }
    free(obs);
  } else {
    fprintf(stderr, "bad arguments\n");
    return 2;
  }
  mj_deleteData(d);
  mj_deleteModel(m);
  return 0;
}
