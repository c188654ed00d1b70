#!/usr/bin/env bash
# A policy-arena sweep as a Slurm job array: array task k runs shard k+1 of N (`arena sweep
# --shard`), each in its own directory; `arena merge` then combines them for `arena report`.
# docs/cluster.md explains the choices; the defaults run the hopper panel of Figure 4 at the
# paper budget (25 trials) on 8 nodes.
#
#   sbatch docs/cluster/slurm-array.sh                                    # 8 shards
#   sbatch --array=0-3 --export=ALL,CONFIG=docs/sweeps/walker.jsonc,RUNS=runs/walker docs/cluster/slurm-array.sh
#   # when every task has finished (or chained: sbatch --dependency=afterok:<array job id> …):
#   npx arena merge runs/hopper runs/hopper/shard-*
#   npx arena report runs/hopper
#
# SHARED=1 writes every shard into $RUNS itself instead (one sweep directory on a shared file
# system, nothing to merge: the per-trial locks keep shards apart, as for two sweeps on one
# directory). A task that is requeued or resubmitted resumes its trials from their checkpoints.
#
#SBATCH --job-name=arena-sweep
#SBATCH --array=0-7
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --output=arena-%x-%A_%a.log
set -euo pipefail

CONFIG=${CONFIG:-docs/sweeps/hopper.jsonc} # a sweep config (relative to the submit directory)
RUNS=${RUNS:-runs/hopper}                  # where the shard directories go
ARENA=${ARENA:-npx arena}                  # `node packages/runner/dist/cli.js` in a clone of the repository
SHARED=${SHARED:-0}
CPUS=${SLURM_CPUS_PER_TASK:-$(nproc)}
SAMPLERS=${SAMPLERS:-2} # sampling threads per trial: 2 halves a paper iteration's wall time

cd "${SLURM_SUBMIT_DIR:-.}"
: "${SLURM_ARRAY_TASK_ID:?run me with sbatch (a job array), or set SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT}"
COUNT=${SLURM_ARRAY_TASK_COUNT:?SLURM_ARRAY_TASK_COUNT is not set (Slurm sets it for job arrays)}
SHARD=$((SLURM_ARRAY_TASK_ID + 1))
if [ "$SHARED" = 1 ]; then OUT=$RUNS; else OUT=$RUNS/shard-$SHARD; fi
# Trials at once: one per SAMPLERS cores (at least one); SAMPLERS=0: one per core, each sampling in its own thread.
if [ "$SAMPLERS" -gt 0 ]; then WORKERS=$((CPUS / SAMPLERS)); else WORKERS=$CPUS; fi
if [ "$WORKERS" -lt 1 ]; then WORKERS=1; fi

echo "shard $SHARD/$COUNT of $CONFIG -> $OUT on $(hostname): $WORKERS trials at once, $SAMPLERS sampling threads each"
# shellcheck disable=SC2086 # ARENA may be a command with arguments
exec $ARENA sweep "$CONFIG" --shard "$SHARD/$COUNT" --out "$OUT" \
  --workers "$WORKERS" --sampler-workers "$SAMPLERS" --progress-interval 60
