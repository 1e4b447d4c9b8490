#!/usr/bin/python3
"""tools/published/ipacs.py {published|constant|fifo} RUNS: the IPACS visit-based home-care
model's rules, written again from the published steady-state code (AliHarp/IPACS_visits_based_paper,
MODEL_steady_state.R; STRESS_DES.md) as a day-by-day loop, for the README's side-by-side with
scenarios/ipacs-discharge.yaml. Needs python3-numpy (apt). Not part of flowsim or its tests.

Rules: each day a Poisson(5.5) number of patients; stay round(exponential(12)) days, 0 drawn
again; visits a day a straight line from IVR to FVR over the stay, each day's rounded to the
half visit after a +-0.01 jitter (IVR, FVR from binned normals, FVR <= IVR); 125 visits a day;
each arrival books the first day from which its whole line fits in what is left (so it may
start before earlier patients still waiting). Measured over days 2001-3000: mean patients
waiting, mean wait (days) of patients leaving, visits in use / 125, fraction delayed.
Variants: `published` as above; `constant` each patient's visits its line's mean every day;
`fifo` constant, and nobody starts before a patient who came earlier (flowsim's first_come).
"""
import sys, math
import numpy as np
from statistics import NormalDist

LAM = 5.5; AVG_LOS = 12; ISR = 2; ENDSR = 1.7372; SD = 0.5; N_SLOTS = 125
SIM = 1000; WARM = 2000

def probs(mu):
    seq = np.arange(0.5, ISR + 4 * SD + 1e-9, 0.5)            # 0.5 .. 4.0
    edges = np.arange(seq[0] - 0.25, seq[-1] + 0.25 + 1e-9, 0.5)
    cdf = np.array([NormalDist(mu, SD).cdf(e) for e in edges])
    p = np.diff(cdf); p = p / p.sum(); p = p[:-1]               # drop the last value, as the R code
    return seq[:-1], p / p.sum()                                # sample() renormalises

VALS, P_I = probs(ISR)
_, P_E = probs(ENDSR)

def run(seed, variant):
    rng = np.random.default_rng(seed)
    days = SIM + WARM
    res = np.full(days * 10, float(N_SLOTS))
    starts = []                      # (arrival, start, end) of patients
    q_sum = 0; used_sum = 0.0
    waits = []
    last_start = 0
    booked = []                      # start days of patients not yet started
    ends = {}
    for t in range(1, days + 1):
        for _ in range(rng.poisson(LAM)):
            los = 0
            while los <= 0:
                los = int(round(rng.exponential(AVG_LOS)))
            init = rng.choice(VALS, p=P_I); end = rng.choice(VALS, p=P_E)
            end = min(end, init)
            v = np.linspace(init, end, los)
            v = np.round((v + rng.choice([-0.01, 0.01], size=los)) / 0.5) * 0.5
            if variant != 'published':
                v = np.full(los, v.mean())
            tt = t if variant != 'fifo' else max(t, last_start)
            while not np.all(res[tt:tt + los] >= v - 1e-9):
                tt += 1
            res[tt:tt + los] -= v
            last_start = tt
            booked.append(tt)
            ends.setdefault(tt + los - 1, []).append((t, tt))
        nq = sum(1 for s in booked if s > t)
        booked = [s for s in booked if s > t]
        if t > WARM:
            q_sum += nq
            used_sum += 1 - res[t] / N_SLOTS
        for (arr, st) in ends.pop(t, []):
            if t >= WARM:
                waits.append(st - arr)
    w = np.array(waits)
    return dict(q=q_sum / SIM, use=used_sum / SIM, wait=w.mean(), pdelay=(w != 0).mean())

def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('published', 'constant', 'fifo'):
        sys.exit('usage: tools/published/ipacs.py {published|constant|fifo} RUNS')
    variant = sys.argv[1]; n = int(sys.argv[2])
    rs = [run(1000 + s, variant) for s in range(n)]
    for k in ('q', 'wait', 'use', 'pdelay'):
        v = np.array([r[k] for r in rs]); h = 1.96 * v.std(ddof=1) / math.sqrt(n)
        print(f"{variant:9s} {k:7s} {v.mean():9.4f}  [{v.mean()-h:.4f}, {v.mean()+h:.4f}]")
main()
