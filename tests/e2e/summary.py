#!/usr/bin/python3
"""vpnha e2e: summary table of failovers (the JSON files written by timeline.py).

  summary.py RESULT.json...

One row per failover kind: runs, median and worst outage of the lan1 -> lan2
probe, the target, and the median time (from the failure) of the main events.
"""
import json
import statistics
import sys

TARGET = {'extcut': 2.0, 'crash': 3.0, 'standby': 1.0}
COLS = [('detected', ('detected: link attribute 0', 'detected: new membership', 'detected: keepalived',
                            'transition computed')),
        ('old stopped', ('old: group stopped',)),
        ('VIP up', ('new: ext VIP started',)),
        ('SA up', ('SA up',)),
        ('BGP up', ('BGP Established',)),
        ('traffic', ('traffic back',))]


def med(xs):
    xs = [x for x in xs if x is not None]
    return '%.2f' % statistics.median(xs) if xs else '-'


def main(paths):
    runs = {}
    for p in paths:
        with open(p) as f:
            r = json.load(f)
        key = '%s %s' % ('site' + r['tag'].split('-')[1][1:], r['kind'])
        runs.setdefault(key, []).append(r)
    hdr = '| failover | runs | outage median | worst | target | ' + ' | '.join(c for c, _ in COLS) + ' |'
    print(hdr)
    print('|' + '---|' * (hdr.count('|') - 1))
    for key in sorted(runs):
        rs = runs[key]
        out = [r['outage_s'] for r in rs]
        kind = rs[0]['kind']
        cells = []
        for _, names in COLS:
            vals = []
            for r in rs:
                v = next((r['events'].get(n) for n in names if r['events'].get(n) is not None), None)
                vals.append(v)
            cells.append(med(vals))
        ok = 'met' if max(out) <= TARGET.get(kind, 99) else 'MISSED'
        print('| %s | %d | %.2f s | %.2f s | <= %.0f s (%s) | %s |' % (
            key, len(rs), statistics.median(out), max(out), TARGET.get(kind, 0), ok, ' | '.join(cells)))
    print('(event columns: median seconds after the failure, from daemon logs; outage from the 20 pkt/s probe)')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
