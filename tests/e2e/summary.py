#!/usr/bin/python3
"""vpnha e2e: summary table of failovers (the JSON files written by timeline.py).

  summary.py RESULT.json...

One row per failover kind: runs, median and worst outage of the lan1 -> lan2
probe, the target, and the median time (from the failure) of the main events.
"""
import json
import statistics
import sys

# issue 8 (takeover) and issue 15 (routed) targets, seconds of outage
TARGET = {'takeover': {'extcut': 2.0, 'crash': 3.0, 'standby': 1.0},
          'routed': {'extcut': 1.0, 'crash': 3.0, 'standby': 0.1},
          'routed-lan': {'extcut': 1.0, 'crash': 1.0, 'standby': 0.1}}
COLS = {'takeover': [('detected', ('detected: link attribute 0', 'detected: new membership', 'detected: keepalived',
                                  'transition computed')),
                     ('old stopped', ('old: group stopped',)),
                     ('fenced', ('fence confirmed',)),
                     ('VIP up', ('new: ext VIP started',)),
                     ('SA up', ('SA up',)),
                     ('BGP up', ('BGP Established',)),
                     ('traffic', ('traffic back',))],
        'routed': [('other site path down', ('other site: path down',)),
                   ('old sessions down', ('old: sessions down',)),
                   ('fenced', ('fence confirmed',)),
                   ('LAN VIP up', ('new: LAN VIP started',)),
                   ('traffic', ('traffic back',))]}
COLS['routed-lan'] = [COLS['routed'][0], ('LAN router path down', ('LAN router: path down',)),
                      COLS['routed'][1], COLS['routed'][4]]
# the keepalived peer baseline (tests/bench/peer-keepalived): the takeover
# layout's failovers, columns and targets
COLS['keepalived'] = COLS['takeover']
TARGET['keepalived'] = TARGET['takeover']


def med(xs):
    xs = [x for x in xs if x is not None]
    return '%.2f' % statistics.median(xs) if xs else '-'


def main(paths):
    runs = {}
    for p in paths:
        with open(p) as f:
            r = json.load(f)
        r.setdefault('layout', 'takeover')
        key = (r['layout'], 'site' + r['tag'].split('-')[1][1:], r['kind'])
        runs.setdefault(key, []).append(r)
    for layout in sorted({k[0] for k in runs}):
        cols = COLS[layout]
        print('%s layout' % layout)
        hdr = '| failover | runs | outage median | worst | target | ' + ' | '.join(c for c, _ in cols) + ' |'
        print(hdr)
        print('|' + '---|' * (hdr.count('|') - 1))
        for key in sorted(k for k in runs if k[0] == layout):
            rs = runs[key]
            out = [r['outage_s'] for r in rs]
            kind = key[2]
            cells = []
            for _, names in cols:
                vals = []
                for r in rs:
                    v = next((r['events'].get(n) for n in names if r['events'].get(n) is not None), None)
                    vals.append(v)
                cells.append(med(vals))
            target = TARGET[layout].get(kind, 99)
            ok = 'met' if statistics.median(out) <= target else 'MISSED'
            print('| %s %s | %d | %.2f s | %.2f s | <= %.1f s (%s) | %s |' % (
                key[1], kind, len(rs), statistics.median(out), max(out), target, ok, ' | '.join(cells)))
    print('(event columns: median seconds after the failure, from daemon logs; outage from the 20 pkt/s probe)')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
