#!/usr/bin/python3
"""vpnha: compare the resources and constraints of two CIBs semantically.

  cib-compare.py A.xml B.xml     exit 0 when equal, else print the differences

Ignores XML ids, attribute order, operation timeouts/intervals (the pcs path
in the lab tunes them) and the order of location rules; compares primitives
(class, provider, type, parameters, meta attributes), group membership and
order, clones, location rules (score, boolean-op, expressions).
"""
import sys
import xml.etree.ElementTree as ET


def prim(p):
    params = {nv.get('name'): nv.get('value') for nv in p.findall('instance_attributes/nvpair')}
    # knobs the lab path sets on purpose
    params.pop('poll_interval', None)
    return (p.get('class'), p.get('provider'), p.get('type'), tuple(sorted(params.items())))


def model(path):
    cfg = ET.parse(path).getroot().find('configuration')
    res = cfg.find('resources')
    m = {'primitives': {}, 'groups': {}, 'clones': {}, 'rules': [], 'defaults': {}}
    for p in res.iter('primitive'):
        m['primitives'][p.get('id')] = prim(p)
    for g in res.iter('group'):
        m['groups'][g.get('id')] = [p.get('id') for p in g.findall('primitive')]
    for c in res.iter('clone'):
        m['clones'][c.find('primitive').get('id')] = True
    for loc in cfg.iter('rsc_location'):
        for r in loc.findall('rule'):
            exprs = tuple(sorted((e.get('attribute'), e.get('operation'), e.get('value') or '')
                                 for e in r.findall('expression')))
            m['rules'].append((loc.get('rsc'), r.get('score'), r.get('boolean-op', 'and'), exprs))
    m['rules'].sort()
    for nv in cfg.findall('rsc_defaults/meta_attributes/nvpair'):
        m['defaults'][nv.get('name')] = nv.get('value')
    for nv in cfg.findall('op_defaults/meta_attributes/nvpair'):
        m['defaults']['op:' + nv.get('name')] = nv.get('value')
    return m


def main(a, b):
    ma, mb = model(a), model(b)
    bad = 0
    for k in ma:
        if ma[k] != mb[k]:
            bad = 1
            print('differ in %s:\n  %s: %r\n  %s: %r' % (k, a, ma[k], b, mb[k]))
    if not ma['primitives']:
        print('no primitives in %s' % a)
        bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
