#!/usr/bin/env python3
"""combo.py - property-based tests over random combinations of model features.

A seed makes one random valid scenario that combines 3 to 8 of the model's features (rounds,
bed changes, escalation, ring-fences, outliers, priorities, patience, mixtures, theatres, D2A,
census, dates, diverts, targets, arrival profiles, readmissions); the scenario lists its
features in its top comment. Each is validated, run under the checking build (the model's
bookkeeping and output invariants after every event and every replication: a broken one
aborts, naming the rule) and its JSON is held to the named sanity rules of docs/combo.md.
A failing seed is shrunk (features dropped, then the run made shorter, while it still fails)
and written as a regression file; `--regress DIR` runs every file kept there.

Usage: combo.py FLOWSIM [--seeds A:B] [--regress DIR] [--keep DIR] [--jobs N] [--show SEED]
Prints a line per failure and ends with "combo: N passed, N failed". Exit 1 on any failure.
Standard library only.
"""
import argparse
import concurrent.futures
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile

FEATURES = ['rounds', 'bed_changes', 'escalation', 'fence', 'outliers', 'priorities', 'patience',
            'mixtures', 'theatres', 'd2a', 'census', 'dates', 'divert', 'targets', 'profiles',
            'readmission', 'multistep']
DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']


# ---- the generator -------------------------------------------------------------------------

class Gen:
    """One scenario from a seed and the features it may use (all that the seed picks, unless
    `only` narrows them while shrinking)."""

    def __init__(self, seed, only=None, horizon=None, reps=None):
        self.r = random.Random(seed)
        self.seed = seed
        picked = self.r.sample(FEATURES, self.r.randint(3, 8))
        self.features = sorted(f for f in picked if only is None or f in only)
        self.horizon = horizon or self.r.choice([30, 45, 60, 90])
        self.reps = reps or self.r.choice([2, 3])
        self.warmup = self.r.choice([0, 7, 14])

    def has(self, f):
        return f in self.features

    def dist(self, mean_h, positive=True):
        """A stay of about mean_h hours in a family that mixtures (non-memoryless) may widen."""
        r = self.r
        fams = ['exponential', 'lognormal', 'gamma']
        if self.has('mixtures'):
            fams += ['weibull', 'triangular', 'uniform', 'fixed', 'empirical', 'mixture']
        fam = r.choice(fams)
        return self._family(fam, mean_h)

    def _family(self, fam, mean_h):
        r = self.r
        m = round(mean_h, 2)
        sd = round(mean_h * r.uniform(0.3, 1.5), 2)
        if fam == 'exponential':
            return '{dist: exponential, mean: %gh}' % m
        if fam in ('lognormal', 'gamma'):
            return '{dist: %s, mean: %gh, sd: %gh}' % (fam, m, sd)
        if fam == 'weibull':
            return '{dist: weibull, shape: %g, scale: %gh}' % (round(r.uniform(0.6, 3), 2), m)
        if fam == 'triangular':
            return '{dist: triangular, min: %gh, mode: %gh, max: %gh}' % (round(m * 0.2, 2), m, round(m * 2.5, 2))
        if fam == 'uniform':
            return '{dist: uniform, min: %gh, max: %gh}' % (round(m * 0.3, 2), round(m * 1.7, 2))
        if fam == 'fixed':
            return '{dist: fixed, value: %gh}' % m
        if fam == 'empirical':
            vals = sorted(round(m * r.uniform(0.1, 2.5), 2) for _ in range(r.randint(2, 5)))
            return '{dist: empirical, values: [%s]}' % ', '.join('%gh' % v for v in vals)
        parts = []
        for _ in range(r.randint(2, 3)):
            fam2 = r.choice(['lognormal', 'gamma', 'exponential', 'weibull', 'fixed'])
            body = self._family(fam2, mean_h * r.uniform(0.4, 1.8))[1:-1]
            parts.append('{weight: %g, %s}' % (round(r.uniform(0.2, 1), 2), body))
        return '{dist: mixture, of: [%s]}' % ', '.join(parts)

    def time(self):
        return '"%02d:%02d"' % (self.r.randint(0, 23), self.r.choice([0, 15, 30, 45]))

    def days(self, k=None):
        picked = self.r.sample(DAYS, k or self.r.randint(1, 7))
        return '[%s]' % ', '.join(d for d in DAYS if d in picked)

    def build(self):
        r = self.r
        nwards = r.randint(1, 4) + (1 if self.has('outliers') else 0)
        wards = [{'name': 'W%d' % i, 'beds': r.randint(3, 30), 'lines': []} for i in range(nwards)]
        ngroups = r.randint(1, 3)
        groups = [{'name': 'g%d' % i, 'lines': []} for i in range(ngroups)]
        lines = ['# combo seed %d: %s' % (self.seed, ', '.join(self.features)),
                 'name: combo %d' % self.seed, 'horizon: %dd' % self.horizon, 'warmup: %dd' % self.warmup,
                 'replications: %d' % self.reps, 'seed: %d' % (self.seed % 1000 + 1)]
        if self.has('dates'):
            y = r.choice([2026, 2027, 2028])
            lines.append('start: %d-%02d-%02d' % (y, r.randint(1, 12), r.randint(1, 28)))
            lines.append('holidays: [%d-%02d-%02d]' % (y, r.randint(1, 12), r.randint(1, 28)))
        # routes: each group visits 1-3 wards
        for g in groups:
            steps = []
            for k in range(r.randint(1, 3) if self.has('multistep') else 1):
                w = r.randrange(nwards) if not (steps and self.has('multistep') and r.random() < 0.3) else steps[-1][0]
                p = 1 if k == 0 or r.random() < 0.5 else round(r.uniform(0.2, 0.9), 2)
                steps.append((w, p, self.dist(r.uniform(6, 96))))
            g['steps'] = steps
            g['rate'] = round(r.uniform(0.5, 6), 2)
        # loads: beds enough for about 0.6 to 1.2 of the offered load
        for i, w in enumerate(wards):
            load = 0
            for g in groups:
                load += sum(g['rate'] * self.mean_hint(s[2]) / 24 for s in g['steps'] if s[0] == i)
            w['beds'] = max(2, int(load / r.uniform(0.6, 1.2)) + 1)
        self.ward_features(wards, groups)
        self.group_features(groups, wards)
        out = lines + ['wards:']
        for w in wards:
            out.append('  - name: %s' % w['name'])
            out.append('    beds: %d' % w['beds'])
            out += ['    ' + l for l in w['lines']]
        if self.has('theatres'):
            out += self.theatres(groups, wards)
        if self.has('d2a'):
            out += self.d2a(groups)
        out.append('groups:')
        for g in groups:
            out.append('  - name: %s' % g['name'])
            if g.get('elective'):
                out.append('    arrivals: {referrals: %g/d}' % g['rate'])
            else:
                out.append('    arrivals: %s' % self.arrivals(g))
            out += ['    ' + l for l in g['lines']]
            out.append('    route:')
            if g.get('elective'):
                out.append('      - {theatre: T0, operation: %s%s%s}' % (
                    self.op_dist(), g.get('patience', ''), g.get('unfit', '')))
            for w, p, d in g['steps']:
                out.append('      - {ward: %s, stay: %s%s}' % (wards[w]['name'], d, '' if p == 1 else ', p: %g' % p))
        if self.has('census'):
            out += self.census(groups, wards)
        return '\n'.join(out) + '\n'

    @staticmethod
    def mean_hint(d):
        m = re.search(r'(?:mean|value|scale|mode): ([0-9.]+)h', d)
        return float(m.group(1)) if m else 24

    def arrivals(self, g):
        r = self.r
        parts = ['rate: %g/d' % g['rate']]
        if self.has('profiles'):
            if r.random() < 0.7:
                parts.append('by_hour: [%s]' % ', '.join('%g' % round(r.uniform(0.2, 2), 2) for _ in range(24)))
            if r.random() < 0.6:
                parts.append('by_weekday: [%s]' % ', '.join('%g' % round(r.uniform(0.5, 1.5), 2) for _ in range(7)))
            if r.random() < 0.4:
                parts.append('growth_per_year: %g' % round(r.uniform(-0.3, 0.8), 2))
            if self.has('dates') and r.random() < 0.5:
                parts.append('by_month: [%s]' % ', '.join('%g' % round(r.uniform(0.7, 1.3), 2) for _ in range(12)))
        return '{%s}' % ', '.join(parts)

    def ward_features(self, wards, groups):
        r = self.r
        n = len(wards)
        modes = ['queue'] * n
        if self.has('divert'):
            modes[r.randrange(n)] = 'divert'
        if self.has('outliers') and n >= 2:
            i = r.randrange(n)
            if modes[i] == 'queue':
                modes[i] = 'outlie'
                hosts = [wards[k]['name'] for k in range(n) if k != i]
                wards[i]['lines'].append('outlie_to: [%s]' % ', '.join(r.sample(hosts, r.randint(1, len(hosts)))))
                if r.random() < 0.5:
                    wards[i]['lines'].append('outlier_stay_factor: %g' % round(r.uniform(0.8, 1.6), 2))
        for i, w in enumerate(wards):
            if modes[i] != 'queue':
                w['lines'].append('when_full: %s' % modes[i])
        if self.has('rounds'):
            for w in r.sample(wards, r.randint(1, n)):
                times = sorted(set(self.time() for _ in range(r.randint(1, 2))))
                rounds = ['{days: %s, at: %s%s}' % (self.days(), t, ', p_review: %g' % round(r.uniform(0.3, 1), 2)
                                                      if r.random() < 0.4 else '') for t in times]
                w['lines'].append('rounds: [%s]' % ', '.join(rounds))
                if r.random() < 0.5:
                    w['lines'].append('after_round: %s' % self.dist(r.uniform(1, 6)))
        if self.has('bed_changes'):
            for w in r.sample(wards, r.randint(1, n)):
                ch = []
                for _ in range(r.randint(1, 3)):
                    delta = r.randint(-w['beds'] // 2, 3) or -1
                    if self.has('dates') and r.random() < 0.3:
                        ch.append('{from: %s, to: %s, change: %d}' % (self.date_in_run(0), self.date_in_run(10), max(delta, 0) or 1))
                    elif r.random() < 0.5:
                        ch.append('{days: %s, change: %d}' % (self.days(r.randint(1, 3)), delta))
                    else:
                        ch.append('{days: %s, start: %s, length: %dh, change: %d}' % (
                            self.days(r.randint(1, 3)), self.time(), r.randint(1, 20), delta))
                w['beds'] += sum(max(0, -int(re.search(r'change: (-?\d+)', c).group(1))) for c in ch)
                w['lines'].append('bed_changes: [%s]' % ', '.join(ch))
        if self.has('escalation'):
            cands = [w for i, w in enumerate(wards) if modes[i] == 'queue']
            for w in r.sample(cands, min(len(cands), r.randint(1, 2))):
                e = r.randint(1, 8)
                w['lines'].append('escalation: {beds: %d, open_when_waiting: %d, close_when_free: %d}' % (
                    e, r.randint(1, 4), r.randint(1, e + 2)))
        if self.has('fence'):
            w = r.choice(wards)
            names = [g['name'] for g in r.sample(groups, r.randint(1, len(groups)))]
            w['lines'].append('reserved: {beds: %d, groups: [%s]}' % (r.randint(1, max(1, w['beds'] // 2)), ', '.join(names)))
        if self.has('patience'):
            for w in r.sample(wards, r.randint(1, n)):
                w['lines'].append('patience: %s' % self.dist(r.uniform(2, 24)))
        if self.has('targets'):
            w = r.choice(wards)
            w['lines'].append('targets: [%dh, %dh]' % (r.randint(1, 4), r.randint(5, 48)))

    def date_in_run(self, k):
        return '${DATE%d}' % k      # filled in once the start is known (see fill_dates)

    def group_features(self, groups, wards):
        r = self.r
        if self.has('priorities'):
            for g in groups:
                g['lines'].append('priority: %d' % r.randint(1, 9))
        if self.has('targets') and r.random() < 0.7:
            g = r.choice(groups)
            g['lines'].append('wait_targets: [%dm, %dh]' % (r.randint(5, 59), r.randint(1, 12)))
        if self.has('theatres'):
            g = groups[0]
            g['elective'] = True
            g['rate'] = round(r.uniform(0.5, 3), 2)
            if r.random() < 0.5:
                g['patience'] = ', bed_patience: %s' % self.dist(r.uniform(1, 6))
            if r.random() < 0.4:
                g['unfit'] = ', p_unfit_on_day: %g' % round(r.uniform(0.02, 0.2), 2)
            if r.random() < 0.5:
                g['lines'].append('initial_waiting_list: %d' % r.randint(0, 40))
            if r.random() < 0.4:
                g['lines'].append('waiting_since: [%s]' % ', '.join('%dd' % r.randint(0, 400) for _ in range(r.randint(1, 5))))
            if r.random() < 0.4:
                g['lines'].append('due: %dd' % r.randint(3, 120))
            if r.random() < 0.4:
                g['lines'].append('leave_list: %s' % self.dist(r.uniform(24 * 20, 24 * 200)))

    def op_dist(self):
        return '{dist: lognormal, mean: %dm, sd: %dm}' % (self.r.randint(40, 150), self.r.randint(10, 60))

    def theatres(self, groups, wards):
        r = self.r
        out = ['theatres:', '  - name: T0', '    sessions:']
        out.append('      - {days: %s, start: "08:00", length: %dh}' % (self.days(r.randint(2, 5)), r.randint(4, 8)))
        extras = []
        if r.random() < 0.5:
            extras.append('late_start: {dist: exponential, mean: %dm}' % r.randint(5, 40))
        if r.random() < 0.5:
            extras.append('turnaround: {dist: fixed, value: %dm}' % r.randint(5, 30))
        if r.random() < 0.5:
            extras.append('overrun: %s' % r.choice(['finish', 'cancel_remaining']))
        if r.random() < 0.4:
            extras.append('booking_fill: %g' % round(r.uniform(0.7, 1.2), 2))
        out += ['    ' + e for e in extras]
        return out

    def d2a(self, groups):
        r = self.r
        out = ['community:']
        services = []
        for k in range(r.randint(1, 3)):
            name = 'S%d' % k
            services.append(name)
            out.append('  - name: %s' % name)
            if r.random() < 0.3:
                out.append('    visits_per_day: %d' % r.randint(5, 40))
                out.append('    visits: {dist: empirical, values: [1, 2, 4], weights: [3, 2, 1]}')
                if r.random() < 0.5:
                    out.append('    order: %s' % r.choice(['first_come', 'first_fit']))
            elif r.random() < 0.8:
                out.append('    capacity: %d' % r.randint(2, 30))
            if r.random() < 0.3:
                out.append('    when_full: divert')
            out.append('    stay: %s' % self.dist(r.uniform(24 * 3, 24 * 20)))
            if r.random() < 0.5:
                out.append('    cost_per_day: %d' % r.randint(50, 300))
        out.append('discharge:')
        out.append('  model: %s' % r.choice(['assess_in_hospital', 'discharge_to_assess']))
        if r.random() < 0.7:
            out.append('  assessment: %s' % self.dist(r.uniform(2, 48)))
        if r.random() < 0.6:
            out.append('  assessment_capacity: %d' % r.randint(1, 6))
        out.append('  pathways:')
        shares = [r.uniform(0.1, 1) for _ in range(len(services) + 1)]
        total = sum(shares)
        shares = [round(s / total, 3) for s in shares]
        shares[0] = round(1 - sum(shares[1:]), 3)
        readmit = self.has('readmission')
        target = next((g['name'] for g in groups if not g.get('elective')), None)
        for k, share in enumerate(shares):
            line = '    - {pathway: %d, share: %g' % (k, share)
            if k == 0:
                line += ', delay: %s' % self.dist(r.uniform(1, 24))
            else:
                line += ', service: %s' % services[k - 1]
            if readmit and target and r.random() < 0.6:
                line += ', readmission: {p: %g, after: {dist: exponential, mean: %dd}, group: %s}' % (
                    round(r.uniform(0.02, 0.15), 3), r.randint(5, 30), target)
            out.append(line + '}')
        return out

    def census(self, groups, wards):
        r = self.r
        out = ['initial:']
        for g in groups:
            for w, p, d in g['steps'][:1]:
                if r.random() < 0.5:
                    out.append('  - {ward: %s, group: %s, patients: %d}' % (wards[w]['name'], g['name'], r.randint(0, wards[w]['beds'] // 2)))
                else:
                    out.append('  - {ward: %s, group: %s, elapsed: [%s]}' % (
                        wards[w]['name'], g['name'], ', '.join('%gh' % round(r.uniform(0, 200), 1) for _ in range(r.randint(1, 4)))))
        return out if len(out) > 1 else []


def fill_dates(text):
    """Dated bed changes fall inside the run: dates counted from `start`."""
    import datetime
    m = re.search(r'^start: (\d+)-(\d+)-(\d+)$', text, re.M)
    if not m:
        return re.sub(r'\{from: \$\{DATE\d+\}, to: \$\{DATE\d+\}, change: (-?\d+)\}',
                      r'{days: [mon], change: \1}', text)
    start = datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    text = text.replace('${DATE0}', (start + datetime.timedelta(days=5)).isoformat())
    return text.replace('${DATE10}', (start + datetime.timedelta(days=25)).isoformat())


def scenario(seed, only=None, horizon=None, reps=None):
    g = Gen(seed, only, horizon, reps)
    return g, fill_dates(g.build())


# ---- the rules -------------------------------------------------------------------------------

FRACTION = re.compile(r'^(p_|within_|wait_within_)|_fraction$|^occupancy$|^utilisation$|_within_18_weeks$')


def metrics(section):
    for entity, values in section.items():
        if isinstance(values, dict):
            for key, s in values.items():
                if isinstance(s, dict) and 'mean' in s:
                    yield entity, key, s


def rules(d):
    """The named sanity rules of docs/combo.md, on one run's JSON. Yields (rule, detail)."""
    def num(x):
        return x is not None and not (isinstance(x, float) and math.isnan(x))
    for name in ('system',):
        for key, s in d.get(name, {}).items():
            if isinstance(s, dict) and num(s.get('mean')) and s['mean'] < -1e-9:
                yield 'nonnegative', 'system.%s = %g' % (key, s['mean'])
    for sec in ('wards', 'groups', 'theatres', 'community', 'pathways'):
        for entity, key, s in metrics(d.get(sec, {})):
            m = s.get('mean')
            if not num(m):
                continue
            if m < -1e-9:
                yield 'nonnegative', '%s.%s.%s = %g' % (sec, entity, key, m)
            if FRACTION.search(key) and m > 1 + 1e-9:
                yield 'fraction', '%s.%s.%s = %g' % (sec, entity, key, m)
            if num(s.get('ci_low')) and num(s.get('ci_high')) and s['sd'] > 0 and not (
                    s['ci_low'] <= m + 1e-9 * max(1, abs(m)) and m <= s['ci_high'] + 1e-9 * max(1, abs(m))):
                yield 'interval holds the mean', '%s.%s.%s = %g [%g, %g]' % (sec, entity, key, m, s['ci_low'], s['ci_high'])
    for w, v in d.get('wards', {}).items():
        g = lambda k: v.get(k, {}).get('mean') if isinstance(v.get(k), dict) else None
        occ, beds = g('mean_occupied_beds'), g('mean_beds')
        if num(occ) and num(beds) and occ > beds * (1 + 1e-9) + 1e-9:
            yield 'occupied within open beds', 'wards.%s: %g occupied, %g open' % (w, occ, beds)
        for part in ('blocked_bed_days_per_day', 'ready_bed_days_per_day', 'outliers_mean'):
            x = g(part)
            if num(x) and num(occ) and x > occ * (1 + 1e-9) + 1e-9:
                yield 'part within occupied beds', 'wards.%s.%s = %g > %g occupied' % (w, part, x, occ)
        pw, mw = g('p_wait'), g('mean_wait_hours')
        if num(pw) and num(mw) and (pw == 0) != (mw == 0):
            yield 'waits and waiting agree', 'wards.%s: p_wait %g, mean_wait_hours %g' % (w, pw, mw)
        within = sorted((int(k[len('within_'):-1]) * {'h': 1, 'm': 1 / 60, 'd': 24}[k[-1]], g(k))
                        for k in v if k.startswith('within_'))
        for (a, x), (b, y) in zip(within, within[1:]):
            if num(x) and num(y) and x > y + 1e-9:
                yield 'targets nested', 'wards.%s: within %gh = %g > within %gh = %g' % (w, a, x, b, y)
    sysd = d.get('system', {})
    q = [sysd.get(k, {}).get('mean') for k in ('los_days_p50', 'los_days_p90', 'los_days_p95')]
    if all(num(x) for x in q) and not (q[0] <= q[1] + 1e-9 and q[1] <= q[2] + 1e-9):
        yield 'centiles ordered', 'los p50 %g, p90 %g, p95 %g' % tuple(q)


# ---- running ---------------------------------------------------------------------------------

def run(flowsim, text, where, threads=2):
    path = os.path.join(where, 'combo.yaml')
    with open(path, 'w') as f:
        f.write(text)
    v = subprocess.run([flowsim, 'validate', path], capture_output=True, text=True, timeout=600)
    if v.returncode != 0:
        return [('generator makes a valid scenario', (v.stderr or v.stdout).strip().splitlines()[0])], None
    p = subprocess.run([flowsim, 'run', path, '--format', 'json', '--quiet', '--threads', str(threads)],
                       capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        line = next((l for l in p.stderr.splitlines() if 'invariant' in l or 'error' in l),
                    p.stderr.strip().splitlines()[-1] if p.stderr.strip() else 'exit %d' % p.returncode)
        return [('runs clean (exit %d)' % p.returncode, line)], None
    d = json.loads(p.stdout)
    return list(rules(d)), p.stdout


def check(flowsim, text, seed):
    with tempfile.TemporaryDirectory() as where:
        broken, out = run(flowsim, text, where)
        if not broken and seed % 10 == 0:
            again, out1 = run(flowsim, text, where, threads=1)
            if not again and out1 != out:
                broken = [('same output on any number of threads', '1 and 2 threads differ')]
        return broken


def shrink(flowsim, seed):
    """The smallest feature set (then horizon and replications) that still fails."""
    g, text = scenario(seed)
    feats, horizon, reps = list(g.features), g.horizon, g.reps
    fails = lambda f, h, n: check(flowsim, scenario(seed, f, h, n)[1], 1)
    changed = True
    while changed:
        changed = False
        for f in list(feats):
            trial = [x for x in feats if x != f]
            if fails(trial, horizon, reps):
                feats, changed = trial, True
    for h in (7, 14, 30):
        if h < horizon and fails(feats, h, reps):
            horizon = h
            break
    if reps > 1 and fails(feats, horizon, 1):
        reps = 1
    return scenario(seed, feats, horizon, reps)[1]


def one(flowsim, seed):
    _, text = scenario(seed)
    return seed, check(flowsim, text, seed)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('flowsim')
    ap.add_argument('--seeds', default='1:200', help='A:B, the seeds from A to B')
    ap.add_argument('--regress', help='also run every .yaml file in this directory')
    ap.add_argument('--keep', help='write each failing seed, shrunk, into this directory')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--show', type=int, help='print the scenario of this seed and stop')
    a = ap.parse_args()
    if a.show is not None:
        sys.stdout.write(scenario(a.show)[1])
        return 0
    lo, hi = (int(x) for x in a.seeds.split(':'))
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        for seed, broken in pool.map(lambda s: one(a.flowsim, s), range(lo, hi + 1)):
            if broken:
                failed += 1
                for rule, detail in broken:
                    print('combo: seed %d: %s: %s' % (seed, rule, detail))
                if a.keep:
                    os.makedirs(a.keep, exist_ok=True)
                    path = os.path.join(a.keep, 'seed-%d.yaml' % seed)
                    with open(path, 'w') as f:
                        f.write(shrink(a.flowsim, seed))
                    print('combo: seed %d shrunk into %s' % (seed, path))
            else:
                passed += 1
    if a.regress:
        for name in sorted(os.listdir(a.regress)):
            if not name.endswith('.yaml'):
                continue
            with open(os.path.join(a.regress, name)) as f:
                text = f.read()
            broken = check(a.flowsim, text, 1)
            for rule, detail in broken:
                print('combo: %s: %s: %s' % (name, rule, detail))
            failed += bool(broken)
            passed += not broken
    print('combo: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
