#!/usr/bin/python3
"""The keepalived peer baseline: the timeline of one failover from the daemons' logs.

  timeline.py --t0 EPOCH --kind extcut|crash|standby --old GW --new GW --peer GW
              --hosts DIR --probe FILE --iv SECONDS --neighbor ADDR [--tag T] [--json OUT]

Same arguments and JSON as tests/e2e/timeline.py (tests/e2e/summary.py reads
both); the events are keepalived's (its console log, each line stamped with the
epoch by bench.sh), vpn-notify's, charon's and bgpd's.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'e2e'))
from timeline import first, probe, ts_iso  # noqa: E402  (tests/e2e/timeline.py)


def ts_epoch(line):
    """'1796454025.150957 ...' (bench.sh's stamp on keepalived's console lines)"""
    m = re.match(r'(\d+\.\d+) ', line)
    return float(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    for o in ('--kind', '--old', '--new', '--peer', '--hosts', '--probe', '--neighbor'):
        ap.add_argument(o, required=True)
    ap.add_argument('--t0', type=float, required=True)
    ap.add_argument('--iv', type=float, default=0.05)
    ap.add_argument('--tag', default='')
    ap.add_argument('--json')
    a = ap.parse_args()

    def log(host, name):
        return os.path.join(a.hosts, host, 'var/log', name)

    t0 = a.t0
    ev = [('failure', t0, a.kind)]
    ka_old, ka_new = log(a.old, 'lab/keepalived.log'), log(a.new, 'lab/keepalived.log')
    if a.kind == 'extcut':
        r = first(ka_old, r'\) Entering FAULT STATE', t0, ts_epoch)
        ev.append(('detected: keepalived', r and r[0], 'keepalived on %s: FAULT' % a.old))
    elif a.kind == 'standby':
        r = first(ka_old, r'Stopping', t0, ts_epoch)
        ev.append(('detected: keepalived', r and r[0], 'keepalived on %s: stopping' % a.old))
    else:
        r = first(ka_new, r'\) Receive advertisement timeout', t0, ts_epoch)
        ev.append(('detected: keepalived', r and r[0], 'keepalived on %s: advert timeout' % a.new))
    r = first(ka_new, r'\) Entering MASTER STATE', t0, ts_epoch)
    ev.append(('new: MASTER', r and r[0], 'keepalived on ' + a.new))
    # the VIPs are keepalived's own work right after MASTER (same column as vpnha's VIP start)
    r = first(ka_new, r'\) setting VIPs', t0, ts_epoch)
    ev.append(('new: ext VIP started', r and r[0], 'keepalived on ' + a.new))
    if a.kind != 'crash':
        r = first(log(a.old, 'lab/vpn-notify.log'), r'(fault|stop|backup): done', t0, ts_epoch)
        ev.append(('old: group stopped', r and r[0], 'vpn-notify on ' + a.old))
    nl = log(a.new, 'lab/vpn-notify.log')
    for rx, name in ((r'master: bringing', 'new: notify master'), (r'GRE up', 'new: GRE up'),
                     (r'master: done', 'new: notify done')):
        r = first(nl, rx, t0, ts_epoch)
        ev.append((name, r and r[0], 'vpn-notify on ' + a.new))
    r = first(log(a.new, 'strongswan/charon.log'), r'CHILD_SA \S+ established', t0, ts_iso)
    ev.append(('SA up', r and r[0], 'charon on ' + a.new))
    r = first(log(a.new, 'frr/frr.log'), r'%%ADJCHANGE: neighbor %s\S* .* Up' % re.escape(a.neighbor), t0, ts_iso)
    ev.append(('BGP Established', r and r[0], 'bgpd on ' + a.new))
    r = first(log(a.peer, 'frr/frr.log'), r'%ADJCHANGE: neighbor .* Down', t0, ts_iso)
    ev.append(('peer site: old session down', r and r[0], 'bgpd on ' + a.peer))
    r = first(log(a.peer, 'frr/frr.log'), r'%ADJCHANGE: neighbor .* Up', t0, ts_iso)
    ev.append(('peer site: BGP Established', r and r[0], 'bgpd on ' + a.peer))

    gstart, back, gap, sent, recv = probe(a.probe, a.iv, t0)
    outage = max(0.0, gap - a.iv) if sent > recv else 0.0
    ev.append(('probe: last reply before', gstart, 'lan1 -> lan2'))
    ev.append(('traffic back', back if outage > 0 else None, 'lan1 -> lan2'))

    print('timeline %s (keepalived baseline): %s, %s -> %s (seconds from the failure)' % (a.tag, a.kind, a.old, a.new))
    prev = None
    for name, t, det in sorted(ev, key=lambda e: (e[1] is None, e[1] or 0)):
        if t is None:
            print('  %-30s %8s   %s' % (name, '-', det))
            continue
        d = '' if prev is None else '(+%.2f)' % (t - prev)
        print('  %-30s %8.2f %-9s %s' % (name, t - t0, d, det))
        prev = t
    print('  outage %.2f s (max gap %.2f s at %.0f pkt/s; sent %d, received %d, lost %d)'
          % (outage, gap, 1 / a.iv, sent, recv, sent - recv))
    if a.json:
        with open(a.json, 'w') as f:
            json.dump({'tag': a.tag, 'kind': a.kind, 'old': a.old, 'new': a.new, 'outage_s': round(outage, 3),
                       'max_gap_s': round(gap, 3), 'sent': sent, 'received': recv, 'layout': 'keepalived',
                       'events': {n: (round(t - t0, 3) if t is not None else None) for n, t, _ in ev}}, f)
    return 0


if __name__ == '__main__':
    sys.exit(main())
