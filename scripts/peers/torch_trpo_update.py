#!/usr/bin/env python3
"""PyTorch peer for `pnpm bench update` (test/bench/update.mjs): the TRPO policy update on CPU.

The same math as packages/algorithms/src/trust-region.ts, written the way common PyTorch TRPO ports
write it (rllab / modular_rl style): an MLP obs_dim -> hidden... -> act_dim with tanh hidden units, a
Gaussian with a state-independent log-std parameter (init -0.5), float32, N states of N(0, 1)
observations, actions drawn from the policy, standardized random advantages. One update:
  1. g = gradient of the surrogate mean(ratio * adv)                               (Eq. 14)
  2. 10 conjugate-gradient iterations on Fisher-vector products A v + damping v, where A v is the
     double-backprop Hessian-vector product of the mean KL(old || new) at theta_old, on a random
     subsample of the states (Appendix C: 10 %; 1.0 = full batch); forward + first backward are
     rebuilt for every product (as in rllab and most PyTorch ports)
  3. full step sqrt(2 delta / s^T (A + damping I) s) s, backtracking by 0.5 for at most 10 evaluations until the
     surrogate improves by >= 0.1 x the linear prediction and mean KL <= delta; stops at the first
     acceptable step.
Settings: delta 0.01, damping 0.1, 10 CG iterations, 10 line-search steps.

Protocol (so that the bench can interleave repetitions with its own): reads one JSON request per line
on stdin, {"hidden": [50, 50], "subsample": 0.1, "item": "update"}, runs that item once (the first
request of a configuration builds it and runs one warm-up) and prints {"ms": ...} on stdout. Items:
surrogate_grad, fvp, cg10, update. The first line printed describes the runtime (torch version,
threads, which BLAS library is loaded).
Usage: torch_trpo_update.py --threads 1 [--n 50000] [--obs 12] [--act 3]
"""
import argparse
import json
import math
import re
import sys
import time

import torch

p = argparse.ArgumentParser()
p.add_argument('--threads', type=int, default=1)
p.add_argument('--n', type=int, default=50000)
p.add_argument('--obs', type=int, default=12)
p.add_argument('--act', type=int, default=3)
p.add_argument('--cg-iters', type=int, default=10)
p.add_argument('--ls-steps', type=int, default=10)
p.add_argument('--max-kl', type=float, default=0.01)
p.add_argument('--damping', type=float, default=0.1)
p.add_argument('--accept-ratio', type=float, default=0.1)
args = p.parse_args()
torch.set_num_threads(args.threads)
DT = torch.float32


class Policy(torch.nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.log_std = torch.nn.Parameter(torch.zeros(sizes[-1]) - 0.5)

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.tanh(layer(x))
        return self.layers[-1](x), self.log_std


def log_prob(mean, log_std, act):
    return (-0.5 * ((act - mean) / log_std.exp()) ** 2 - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)


def kl_old_new(mean_old, log_std_old, mean, log_std):
    var_old, var = (2 * log_std_old).exp(), (2 * log_std).exp()
    return (log_std - log_std_old + (var_old + (mean_old - mean) ** 2) / (2 * var) - 0.5).sum(-1).mean()


def flat(ts):
    return torch.cat([t.reshape(-1) for t in ts])


def set_flat(params, v):
    i = 0
    for q in params:
        n = q.numel()
        q.data.copy_(v[i:i + n].view_as(q))
        i += n


class Problem:
    def __init__(self, hidden, subsample):
        torch.manual_seed(0)
        self.pol = Policy([args.obs, *hidden, args.act]).to(DT)
        self.params = list(self.pol.parameters())
        n = args.n
        self.obs = torch.randn(n, args.obs, dtype=DT)
        with torch.no_grad():
            mean, log_std = self.pol(self.obs)
            self.mean_old, self.log_std_old = mean.clone(), log_std.clone()
            self.act = mean + log_std.exp() * torch.randn_like(mean)
            self.logp_old = log_prob(self.mean_old, self.log_std_old, self.act)
        adv = torch.randn(n, dtype=DT)
        self.adv = (adv - adv.mean()) / adv.std()
        m = max(1, min(n, math.ceil(subsample * n)))
        self.sub_obs = self.obs[torch.randperm(n)[:m]] if m < n else self.obs
        self.v = torch.randn(sum(q.numel() for q in self.params), dtype=DT)
        self.accepted = None

    def surr(self):
        mean, log_std = self.pol(self.obs)
        return (torch.exp(log_prob(mean, log_std, self.act) - self.logp_old) * self.adv).mean()

    def surr_grad(self):
        return flat(torch.autograd.grad(self.surr(), self.params))

    def fvp(self, vec):
        mean, log_std = self.pol(self.sub_obs)
        kl = kl_old_new(mean.detach(), log_std.detach(), mean, log_std)
        g = flat(torch.autograd.grad(kl, self.params, create_graph=True))
        return flat(torch.autograd.grad((g * vec).sum(), self.params)) + args.damping * vec

    def cg(self, b, iters):
        x = torch.zeros_like(b)
        r = b.clone()
        pdir = b.clone()
        rr = r.dot(r)
        for _ in range(iters):
            Ap = self.fvp(pdir)
            alpha = rr / pdir.dot(Ap)
            x += alpha * pdir
            r -= alpha * Ap
            rr_new = r.dot(r)
            pdir = r + (rr_new / rr) * pdir
            rr = rr_new
        return x

    def update(self):
        theta0 = flat([q.data for q in self.params]).clone()
        surr0 = self.surr()
        g = flat(torch.autograd.grad(surr0, self.params))
        s = self.cg(g, args.cg_iters)
        shs = s.dot(self.fvp(s))  # s^T (A + damping I) s, as in trustRegionStep
        fullstep = s * torch.sqrt(2 * args.max_kl / shs)
        expected = g.dot(fullstep)
        accepted = None
        with torch.no_grad():
            for k in range(args.ls_steps):
                frac = 0.5 ** k
                set_flat(self.params, theta0 + frac * fullstep)
                mean, log_std = self.pol(self.obs)
                surr = (torch.exp(log_prob(mean, log_std, self.act) - self.logp_old) * self.adv).mean()
                kl = kl_old_new(self.mean_old, self.log_std_old, mean, log_std)
                improvement = float(surr - surr0)
                if improvement > 0 and improvement >= args.accept_ratio * frac * float(expected) and float(kl) <= args.max_kl:
                    accepted = k
                    break
        set_flat(self.params, theta0)  # keep the benchmark state fixed across repetitions
        self.accepted = accepted

    def run(self, item):
        if item == 'surrogate_grad':
            self.surr_grad()
        elif item == 'fvp':
            self.fvp(self.v)
        elif item == 'cg10':
            self.cg(self.v, args.cg_iters)
        elif item == 'update':
            self.update()
        else:
            raise ValueError(f'unknown item {item}')


def blas_libraries():
    torch.mm(torch.randn(64, 64), torch.randn(64, 64))
    libs = set()
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                path = line.split()[-1]
                if 'blas' in path.lower():
                    libs.add(path)
    except OSError:
        pass
    return sorted(libs)


blas = blas_libraries()
print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas,
                  'blas_info': (re.findall(r'BLAS_INFO=(\w+)', torch.__config__.show()) or [None])[0]}), flush=True)
problems = {}
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    req = json.loads(line)
    key = (tuple(req['hidden']), float(req['subsample']))
    if key not in problems:
        problems[key] = Problem(list(req['hidden']), float(req['subsample']))
    prob = problems[key]
    if req.get('warmup'):
        prob.run(req['item'])
    t = time.perf_counter()
    prob.run(req['item'])
    ms = (time.perf_counter() - t) * 1e3
    out = {'ms': ms}
    if req['item'] == 'update':
        out['accepted_at'] = prob.accepted
    print(json.dumps(out), flush=True)
