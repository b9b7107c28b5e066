#!/usr/bin/python3
"""vpnha e2e: the timeline of one failover, from the daemons' own logs.

  timeline.py --t0 EPOCH --kind extcut|crash|standby --old GW --new GW
              --peer GW --hosts DIR --probe FILE --iv SECONDS [--tag T] [--json OUT]

Events (epoch seconds, printed relative to the failure t0):
  failure       the injection (given), or for standby the CIB change (pacemaker-based)
  detection     extcut: attrd sets vpnha-link-ext0[old] to 0 (mii-link);
                crash: corosync forms the new membership on the survivor;
                standby: the DC starts a new transition
  old stopped   the last resource of the group stopped on the old node (extcut, standby)
  takeover      vpn-ext-vip started on the new node (then int VIP, ipsec, gre, bgp)
  SA up         charon on the new node: CHILD_SA ... established
  BGP up        bgpd on the new node: %ADJCHANGE ... Up (and on the peer site)
  traffic back  the probe's first reply after its longest gap
--layout routed (every gateway keeps its tunnels; only the LAN VIP moves):
  old: sessions down      bgpd on the failed gateway: its first %ADJCHANGE Down
  other site: path down   bgpd on the other site's gateways (BFD): first Down
                          of a session to the failed gateway
  old: bgp-peer stopped   standby: the first tunnel's bgp-peer stopped (the
                          other site withdraws at once: make-before-break)
  new: LAN VIP started    vpn-int-vip started on the new node
Logs: HOSTS/NAME/var/log/{pacemaker/pacemaker.log,corosync/corosync.log,
strongswan/charon.log,frr/frr.log}.  Times from logs have millisecond resolution.
"""
import argparse
import datetime
import json
import os
import re
import sys
import time

YEAR = datetime.date.today().year


def ts_syslog(line):
    """'Nov 26 19:32:20.884 ...' (pacemaker, corosync hires)"""
    m = re.match(r'([A-Z][a-z]{2}) +(\d+) (\d\d):(\d\d):(\d\d)\.(\d+)', line)
    if not m:
        return None
    t = time.strptime('%d %s %s %s:%s:%s' % (YEAR, m.group(1), m.group(2), m.group(3),
                                            m.group(4), m.group(5)), '%Y %b %d %H:%M:%S')
    return time.mktime(t) + float('0.' + m.group(6))


def ts_iso(line):
    """'2026-11-26 19:32:20.884' (charon %F %T) or '2026/11/26 19:32:20.884' (FRR)"""
    m = re.match(r'(\d{4})[-/](\d\d)[-/](\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?', line)
    if not m:
        return None
    t = time.mktime(tuple(int(x) for x in m.groups()[:6]) + (0, 0, -1))
    return t + (float('0.' + m.group(7)) if m.group(7) else 0.0)


def first(path, regex, t0, parse, last=False, until=None):
    """First (or last) line of PATH matching REGEX at or after t0: (epoch, line)."""
    rx = re.compile(regex)
    found = None
    try:
        with open(path, errors='replace') as f:
            for line in f:
                if not rx.search(line):
                    continue
                t = parse(line)
                if t is None or t < t0 - 0.0005:
                    continue
                if until is not None and t > until:
                    break
                found = (t, line.rstrip())
                if not last:
                    break
    except OSError:
        return None
    return found


def probe(path, iv, t0):
    """(gap_start, traffic_back, max_gap, sent, received) from a ping -D -O file."""
    replies = []
    sent = 0
    with open(path, errors='replace') as f:
        for line in f:
            m = re.match(r'\[(\d+\.\d+)\].*icmp_seq=(\d+)', line)
            if m:
                sent = max(sent, int(m.group(2)))
                if 'bytes from' in line:
                    replies.append(float(m.group(1)))
            m = re.match(r'(\d+) packets transmitted', line)
            if m:
                sent = int(m.group(1))
    gap, start, back = 0.0, None, None
    for a, b in zip(replies, replies[1:]):
        if b - a > gap:
            gap, start, back = b - a, a, b
    return start, back, gap, sent, len(replies)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--t0', type=float, required=True)
    ap.add_argument('--kind', required=True)
    ap.add_argument('--old', required=True)
    ap.add_argument('--new', required=True)
    ap.add_argument('--peer', required=True, help='active gateway of the other site')
    ap.add_argument('--hosts', required=True)
    ap.add_argument('--probe', required=True)
    ap.add_argument('--iv', type=float, default=0.05)
    ap.add_argument('--tag', default='')
    ap.add_argument('--neighbor', help="the new node's BGP neighbor (takeover)")
    ap.add_argument('--layout', default='takeover')
    ap.add_argument('--others', default='', help='every gateway (routed: the other site\'s sessions)')
    ap.add_argument('--json')
    a = ap.parse_args()

    def log(host, name):
        return os.path.join(a.hosts, host, 'var/log', name)

    pcmk = [log(h, 'pacemaker/pacemaker.log') for h in (a.new, a.old)]
    t0 = a.t0
    ev = []  # (name, epoch or None, detail)

    def pcmk_first(regex, since, last=False):
        best = None
        for p in pcmk:
            r = first(p, regex, since, ts_syslog, last)
            if r and (best is None or (r[0] > best[0] if last else r[0] < best[0])):
                best = r
        return best

    if a.kind == 'standby':
        r = pcmk_first(r'cib_perform_op.*standby', t0)
        if r:
            t0 = r[0]
    ev.append(('failure', t0, a.kind))

    if a.kind == 'extcut':
        r = pcmk_first(r'Setting vpnha-link-ext0\[%s\]: \S+ -> 0' % re.escape(a.old), t0)
        ev.append(('detected: link attribute 0', r and r[0], 'attrd (mii-link)'))
    elif a.kind == 'crash':
        r = first(log(a.new, 'corosync/corosync.log'), r'A processor failed|Token has not been received', t0, ts_syslog)
        ev.append(('token lost', r and r[0], 'corosync on ' + a.new))
        r = first(log(a.new, 'corosync/corosync.log'), r'A new membership .* was formed', t0, ts_syslog)
        ev.append(('detected: new membership', r and r[0], 'corosync on ' + a.new))
    r = pcmk_first(r'State transition \S+ -> S_POLICY_ENGINE', t0)
    ev.append(('transition computed', r and r[0], 'DC'))

    if a.layout != 'takeover':
        routed_events(a, ev, t0, log, pcmk_first)
    else:
        takeover_events(a, ev, t0, log, pcmk_first)

    gstart, back, gap, sent, recv = probe(a.probe, a.iv, t0)
    outage = max(0.0, gap - a.iv) if sent > recv else 0.0
    ev.append(('probe: last reply before', gstart, 'lan1 -> lan2'))
    ev.append(('traffic back', back if outage > 0 else None, 'lan1 -> lan2'))

    print('timeline %s (%s layout): %s, %s -> %s (times from the failure, seconds)'
          % (a.tag, a.layout, a.kind, a.old, a.new))
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
            json.dump({'tag': a.tag, 'kind': a.kind, 'layout': a.layout, 'old': a.old, 'new': a.new,
                       'outage_s': round(outage, 3), 'max_gap_s': round(gap, 3), 'sent': sent,
                       'received': recv,
                       'events': {n: (round(t - t0, 3) if t is not None else None) for n, t, _ in ev}}, f)
    return 0


def routed_events(a, ev, t0, log, pcmk_first):
    """The routed layout: routing moves the traffic, Pacemaker only the LAN VIP."""
    site = a.old[:3]
    r = first(log(a.old, 'frr/frr.log'), r'%ADJCHANGE: neighbor .* Down', t0, ts_iso)
    ev.append(('old: sessions down', r and r[0], 'bgpd on ' + a.old))
    best = None
    for h in a.others.split():
        if h.startswith(site):
            continue
        r = first(log(h, 'frr/frr.log'), r'%ADJCHANGE: neighbor .* Down', t0, ts_iso)
        if r and (best is None or r[0] < best[0]):
            best = (r[0], h)
    ev.append(('other site: path down', best and best[0], 'bgpd on ' + (best[1] if best else '-')))
    lan = 'lan' + a.old[2]
    if os.path.exists(log(lan, 'frr/frr.log')):
        r = first(log(lan, 'frr/frr.log'), r'%ADJCHANGE: neighbor .* Down', t0, ts_iso)
        ev.append(('LAN router: path down', r and r[0], 'bgpd on ' + lan))
    if a.kind == 'extcut':
        r = pcmk_first(r'Setting vpnha-link-ext0\[%s\]: \S+ -> 0' % re.escape(a.old), t0)
        ev.append(('link attribute 0', r and r[0], 'attrd (mii-link)'))
    elif a.kind == 'crash':
        r = first(log(a.new, 'corosync/corosync.log'), r'A new membership .* was formed', t0, ts_syslog)
        ev.append(('new membership', r and r[0], 'corosync on ' + a.new))
    else:
        r = pcmk_first(r'Result of stop operation for bgp-\S+ on %s: ok' % re.escape(a.old), t0)
        ev.append(('old: bgp-peer stopped', r and r[0], a.old))
    r = pcmk_first(r'Result of stop operation for vpn-int-vip on %s: ok' % re.escape(a.old), t0)
    ev.append(('old: LAN VIP stopped', r and r[0], a.old))
    r = pcmk_first(r'Result of start operation for vpn-int-vip on %s: ok' % re.escape(a.new), t0)
    ev.append(('new: LAN VIP started', r and r[0], a.new))


def takeover_events(a, ev, t0, log, pcmk_first):
    """The takeover layout: the whole group moves."""
    if a.kind != 'crash':
        r = pcmk_first(r'Result of stop operation for vpn-bgp on %s: ok' % re.escape(a.old), t0)
        ev.append(('old: bgp-peer stopped', r and r[0], a.old))
        r = pcmk_first(r'Result of stop operation for vpn-ext-vip on %s: ok' % re.escape(a.old), t0)
        ev.append(('old: group stopped', r and r[0], a.old))
    for rsc, what in (('vpn-ext-vip', 'ext VIP'), ('vpn-int-vip', 'int VIP'), ('vpn-ipsec', 'ipsec-conn'),
                      ('vpn-gre', 'gre-tunnel'), ('vpn-bgp', 'bgp-peer')):
        r = pcmk_first(r'Result of start operation for %s on %s: ok' % (rsc, re.escape(a.new)), t0)
        ev.append(('new: %s started' % what, r and r[0], a.new))
    r = first(log(a.new, 'strongswan/charon.log'), r'CHILD_SA \S+ established', t0, ts_iso)
    ev.append(('SA up', r and r[0], 'charon on ' + a.new))
    r = first(log(a.new, 'frr/frr.log'), r'%%ADJCHANGE: neighbor %s\S* .* Up' % re.escape(a.neighbor), t0, ts_iso)
    ev.append(('BGP Established', r and r[0], 'bgpd on ' + a.new))
    r = first(log(a.peer, 'frr/frr.log'), r'%ADJCHANGE: neighbor .* Down', t0, ts_iso)
    ev.append(('peer site: old session down', r and r[0], 'bgpd on ' + a.peer))
    r = first(log(a.peer, 'frr/frr.log'), r'%ADJCHANGE: neighbor .* Up', t0, ts_iso)
    ev.append(('peer site: BGP Established', r and r[0], 'bgpd on ' + a.peer))


if __name__ == '__main__':
    sys.exit(main())
