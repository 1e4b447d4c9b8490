#!/usr/bin/python3
"""tools/published/hep.py {random|fixed} [RUNS]: the HEP orthopaedic model's rules, written
again from their description in the published code (AliHarp/HEP,
HEP_notebooks/01_model/model2.py) as a small event loop, for the README's side-by-side with
scenarios/hep-orthopaedics.yaml. HEP itself runs on SimPy 4, which cannot be installed on our
machines (Debian has SimPy 2; no PyPI), so this stands in for it. Needs python3-numpy (apt).

Rules (model2.py): a week's timetable of 4 theatres a weekday, sessions 2P_or_1R, 2P_or_1R, 1P
(`random`: each 2P_or_1R drawn with chance 0.5, as Schedule.create_schedule; `fixed`: the mean,
12 primary and 4 revision cases a weekday, as flowsim books them); each day's patients arrive
at its start, primary before revision; each asks for one of 40 beds (first come, first served,
as simpy.Resource) and gives up after uniform(0.5, 1) days without one (a lost slot); stays
lognormal by case type, or with chance 0.076 the delayed-discharge stay instead. Measured over
days 35-105: mean beds occupied (time average), admissions a day, slots lost a week by class,
and HEP's own daily audit (beds in use / 40 just after each day's arrivals). Not part of
flowsim or its tests.
"""
import heapq, sys, math
import numpy as np

N_BEDS = 40; WARM = 35; COLLECT = 70
P_TYPES = [(0.51, 4.433333, 2.949526), (0.38, 4.651163, 2.828129), (0.11, 2.914671, 2.136334)]
R_TYPES = [(0.55, 6.908867, 6.965812), (0.45, 7.194118, 7.598554)]
DELAY = (16.521739, 15.153132); P_DELAY = 0.076

def ln_params(m, s):
    phi = (s * s + m * m) ** 0.5
    return math.log(m * m / phi), math.log(phi * phi / (m * m)) ** 0.5

def schedule(rng, fixed):
    """one week: primary, revision slots per weekday (4 theatres, 2P_or_1R, 2P_or_1R, 1P)"""
    week = []
    for d in range(7):
        if d >= 5: week.append((0, 0)); continue
        if fixed: week.append((12, 4)); continue
        p = r = 0
        for th in range(4):
            for s in range(2):
                if rng.random() > 0.5: p += 2
                else: r += 1
            p += 1
        week.append((p, r))
    return week

def run(seed, fixed):
    rng = np.random.default_rng(seed)
    los_rng = np.random.default_rng(seed + 10**6)
    days = WARM + COLLECT
    weeks = [schedule(rng, fixed) for _ in range(int(round(2 * days / 7)))]
    sched = [d for w in weeks for d in w]
    busy = 0; queue = []            # FIFO of [patient, alive]
    ev = []; seq = 0                # (time, seq, kind, payload)
    area = 0.0; last = 0.0
    stats = dict(admit=0, lost_p=0, lost_r=0, los_sum=0.0, audit=[], waits=0)
    def occ_to(t):
        nonlocal area, last
        lo = max(last, WARM); hi = min(t, days)
        if hi > lo: area += busy * (hi - lo)
        last = t
    def push(t, kind, x):
        nonlocal seq
        heapq.heappush(ev, (t, seq, kind, x)); seq += 1
    def admit(p, t):
        nonlocal busy
        busy += 1
        p['admitted'] = True
        if WARM <= t < days: stats['admit'] += 1; stats['los_sum'] += p['los']
        push(t + p['los'], 'free', p)
    for day in range(days):
        push(float(day), 'day', day)
        push(float(day), 'audit', day)   # after the day's arrivals, as perform_audit's timeout
    while ev:
        t, _, kind, x = heapq.heappop(ev)
        if t >= days: break
        occ_to(t)
        if kind == 'day':
            np_, nr = sched[x]
            for cls, n in (('p', np_), ('r', nr)):
                for _ in range(n):
                    types = P_TYPES if cls == 'p' else R_TYPES
                    k = los_rng.choice(len(types), p=[w for w, _, _ in types])
                    los = los_rng.lognormal(*ln_params(types[k][1], types[k][2]))
                    if los_rng.random() < P_DELAY:
                        los = los_rng.lognormal(*ln_params(*DELAY))
                    p = dict(cls=cls, day=x, los=los, admitted=False, gone=False)
                    if busy < N_BEDS and not queue: admit(p, t)
                    else:
                        queue.append(p); push(t + rng.uniform(0.5, 1), 'renege', p)
        elif kind == 'audit':
            if x >= WARM: stats['audit'].append(busy / N_BEDS)
        elif kind == 'renege':
            if not x['admitted']:
                x['gone'] = True; queue.remove(x)
                if WARM <= t < days:     # counted when they happen, as flowsim counts
                    stats['lost_' + x['cls']] += 1
        elif kind == 'free':
            busy -= 1
            if queue: admit(queue.pop(0), t)
    occ_to(days)
    return dict(occ=area / COLLECT, admit=stats['admit'] / COLLECT,
                lost_p=stats['lost_p'] / COLLECT * 7, lost_r=stats['lost_r'] / COLLECT * 7,
                audit=np.mean(stats['audit']))

def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ('random', 'fixed'):
        sys.exit('usage: tools/published/hep.py {random|fixed} [RUNS]')
    fixed = sys.argv[1] == 'fixed'
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    res = [run(s, fixed) for s in range(n)]
    for k in ('occ', 'admit', 'lost_p', 'lost_r', 'audit'):
        v = np.array([r[k] for r in res])
        h = 1.96 * v.std(ddof=1) / math.sqrt(n)
        print(f"{k:8s} {v.mean():9.4f}  [{v.mean()-h:.4f}, {v.mean()+h:.4f}]")
main()
