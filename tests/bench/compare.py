#!/usr/bin/python3
"""vpnha's takeover layout side by side with the keepalived peer baseline (issue 21).

  compare.py VPNHA_DIR BASELINE_DIR

VPNHA_DIR: the failover JSON files of `make demo-bench` (lab-out/demo-bench/e2e,
tests/e2e/timeline.py); BASELINE_DIR: those of `make bench-peer`
(lab-out/bench-peer/peer, tests/bench/peer-keepalived/timeline.py).  One row per
failover kind: runs, median and worst outage of the 20 pkt/s probe lan1 -> lan2
for each, and the ratio of the medians (vpnha / keepalived: below 1 = vpnha
faster), then the median time of the main events for both.  Exit 1 when a
directory holds no results.
"""
import glob
import json
import os
import statistics
import sys

KINDS = [('site1 extcut', 'external link cut, site 1'), ('site1 standby', 'planned switchover'),
         ('site1 crash', 'active gateway crash'), ('site2 extcut', 'external link cut, site 2')]
EVENTS = [('detected', ('detected: link attribute 0', 'detected: new membership', 'detected: keepalived',
                        'transition computed')),
          ('VIP up', ('new: ext VIP started',)), ('SA up', ('SA up',)), ('BGP up', ('BGP Established',)),
          ('peer drops old', ('peer site: old session down',))]


def load(d):
    runs = {}
    for p in sorted(glob.glob(os.path.join(d, '[0-9]*.json'))):
        with open(p) as f:
            r = json.load(f)
        key = '%s %s' % ('site' + r['tag'].split('-')[1][1:], r['kind'])
        runs.setdefault(key, []).append(r)
    return runs


def med_event(rs, names):
    v = [next((r['events'].get(n) for n in names if r['events'].get(n) is not None), None) for r in rs]
    v = [x for x in v if x is not None]
    return '%.2f' % statistics.median(v) if v else '-'


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    a, b = load(argv[1]), load(argv[2])
    if not a or not b:
        print('compare.py: no results in %s' % (argv[1] if not a else argv[2]), file=sys.stderr)
        return 1
    print('| failover | vpnha takeover: runs, median (worst) | keepalived baseline: runs, median (worst) '
          '| ratio of medians |')
    print('|---|---|---|---|')
    for key, label in KINDS:
        cells = []
        meds = []
        for runs in (a, b):
            rs = runs.get(key)
            if not rs:
                cells.append('-')
                meds.append(None)
                continue
            out = [r['outage_s'] for r in rs]
            meds.append(statistics.median(out))
            cells.append('%d, %.2f s (%.2f s)' % (len(rs), meds[-1], max(out)))
        ratio = '%.2f' % (meds[0] / meds[1]) if None not in meds and meds[1] > 0 else '-'
        print('| %s | %s | %s | %s |' % (label, cells[0], cells[1], ratio))
    print()
    print('median seconds after the failure (vpnha / keepalived), from the daemons\' logs:')
    print('| failover | ' + ' | '.join(n for n, _ in EVENTS) + ' |')
    print('|---|' + '---|' * len(EVENTS))
    for key, label in KINDS:
        if key not in a and key not in b:
            continue
        cells = ['%s / %s' % (med_event(a.get(key, []), names), med_event(b.get(key, []), names))
                 for _, names in EVENTS]
        print('| %s | %s |' % (label, ' | '.join(cells)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
