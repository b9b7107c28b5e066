#!/usr/bin/python3
"""vpnha: compare the resources and constraints of two CIBs semantically.

  cib-compare.py A.xml B.xml     exit 0 when equal, else print the differences

Ignores XML ids, attribute order, operation timeouts/intervals (the pcs path
in the lab tunes them) and the order of location rules; compares primitives
(class, provider, type, parameters, operations with their OCF_CHECK_LEVEL:
the depth-10 monitors), fence devices, group membership, order and meta
attributes (priority), clones and their meta attributes (promotable),
colocation and order constraints (with roles, actions, kind), location rules (score, boolean-op,
expressions), node locations (fence devices' "avoids") and the fencing
cluster options (stonith-enabled, priority-fencing-delay, stonith-action).
"""
import sys
import xml.etree.ElementTree as ET


def prim(p):
    params = {nv.get('name'): nv.get('value') for nv in p.findall('instance_attributes/nvpair')}
    # knobs the lab path sets on purpose
    params.pop('poll_interval', None)
    # monitors and their depth (OCF_CHECK_LEVEL), not their intervals/timeouts
    # (pcs also writes the agent's other default operations: not compared)
    ops = sorted(''.join(nv.get('value') for nv in o.findall('instance_attributes/nvpair')
                         if nv.get('name') == 'OCF_CHECK_LEVEL') or '0'
                 for o in p.findall('operations/op') if o.get('name') == 'monitor')
    return (p.get('class'), p.get('provider'), p.get('type'), tuple(sorted(params.items())), tuple(ops))


# cluster options the examples set (fencing)
PROPERTIES = ('stonith-enabled', 'priority-fencing-delay', 'stonith-action')


def model(path):
    cfg = ET.parse(path).getroot().find('configuration')
    res = cfg.find('resources')
    m = {'primitives': {}, 'groups': {}, 'clones': {}, 'rules': [], 'locations': [], 'defaults': {},
         'properties': {}, 'colocations': [], 'orders': []}
    for p in res.iter('primitive'):
        m['primitives'][p.get('id')] = prim(p)
    for g in res.iter('group'):
        meta = tuple(sorted((nv.get('name'), nv.get('value')) for nv in g.findall('meta_attributes/nvpair')))
        m['groups'][g.get('id')] = ([p.get('id') for p in g.findall('primitive')], meta)
    for c in res.iter('clone'):
        m['clones'][c.find('primitive').get('id')] = tuple(sorted(
            (nv.get('name'), nv.get('value')) for nv in c.findall('meta_attributes/nvpair')))
    # roles: pcs writes Started where crmsh leaves the default out; Master
    # and Slave are the old names of Promoted and Unpromoted
    def role(r):
        r = r or 'Started'
        return {'Master': 'Promoted', 'Slave': 'Unpromoted'}.get(r, r)
    for c in cfg.iter('rsc_colocation'):
        m['colocations'].append((c.get('rsc'), role(c.get('rsc-role')), c.get('with-rsc'),
                                 role(c.get('with-rsc-role')), c.get('score')))
    for o in cfg.iter('rsc_order'):
        m['orders'].append((o.get('first'), o.get('first-action'), o.get('then'), o.get('then-action'), o.get('kind')))
    m['colocations'].sort()
    m['orders'].sort()
    for loc in cfg.iter('rsc_location'):
        if loc.get('node'):
            m['locations'].append((loc.get('rsc'), loc.get('node'), loc.get('score')))
        for r in loc.findall('rule'):
            exprs = tuple(sorted((e.get('attribute'), e.get('operation'), e.get('value') or '')
                                 for e in r.findall('expression')))
            m['rules'].append((loc.get('rsc'), r.get('score'), r.get('boolean-op', 'and'), exprs))
    m['rules'].sort()
    m['locations'].sort()
    for nv in cfg.findall('crm_config/cluster_property_set/nvpair'):
        if nv.get('name') in PROPERTIES:
            m['properties'][nv.get('name')] = nv.get('value')
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
