#!/usr/bin/python3
"""bench-orchestration: the examples' CIB with stand-ins for the agents that need GRE/ESP.

  stand-ins.py IN.xml OUT.xml [group|sets]

ipsec-conn, gre-tunnel and bgp-peer become ocf:pacemaker:Dummy (their
parameters dropped); the VIPs and mii-link stay.  'sets' (a lever of issue 21,
measured, not the examples' layout): no strict group; each member colocated
with the external VIP (the anchor, which takes the group's location rules),
the SA and GRE after the external VIP in parallel, BGP after both (nothing
sends into the tunnel before BGP: no cleartext GRE while the SA is missing),
the LAN VIP in parallel with them: 3 serialized steps instead of 5 on each node.
"""
import sys
import xml.etree.ElementTree as ET


def main(src, dst, layout='group'):
    tree = ET.parse(src)
    n = 0
    for p in tree.getroot().iter('primitive'):
        if p.get('provider') == 'vpnha' and p.get('type') in ('ipsec-conn', 'gre-tunnel', 'bgp-peer'):
            p.set('provider', 'pacemaker')
            p.set('type', 'Dummy')
            for ia in p.findall('instance_attributes'):
                p.remove(ia)
            n += 1
    if n != 3:
        print('stand-ins.py: expected 3 GRE/ESP agents, found %d' % n, file=sys.stderr)
        return 1
    if layout == 'sets':
        cfg = tree.getroot().find('configuration')
        res, cons = cfg.find('resources'), cfg.find('constraints')
        g = res.find("group[@id='vpn']")
        members = g.findall('primitive')
        for m in members:
            g.remove(m)
            res.append(m)
        res.remove(g)
        anchor = 'vpn-ext-vip'
        for loc in cons.findall('rsc_location'):
            if loc.get('rsc') == 'vpn':
                loc.set('rsc', anchor)
        for m in members:
            if m.get('id') != anchor:
                ET.SubElement(cons, 'rsc_colocation', {'id': 'col-' + m.get('id'), 'rsc': m.get('id'),
                                                       'with-rsc': anchor, 'score': 'INFINITY'})
        for a, b in ((anchor, 'vpn-ipsec'), (anchor, 'vpn-gre'), ('vpn-ipsec', 'vpn-bgp'), ('vpn-gre', 'vpn-bgp')):
            ET.SubElement(cons, 'rsc_order', {'id': 'ord-%s-%s' % (a, b), 'first': a, 'then': b,
                                              'kind': 'Mandatory'})
    elif layout != 'group':
        print('stand-ins.py: layout must be group or sets', file=sys.stderr)
        return 2
    tree.write(dst)
    return 0


if __name__ == '__main__':
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
