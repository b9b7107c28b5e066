#!/usr/bin/python3
"""vpnha e2e: merge the configuration written offline by pcs -f into a live CIB.

  cib-merge.py LIVE.xml PCS.xml > CONFIGURATION.xml

Takes the live CIB's <configuration> (its nodes and cluster options stay) and
replaces resources, constraints, rsc_defaults and op_defaults by those of the
pcs-made file; cluster properties set by pcs are merged in.  The output is a
<configuration> element for `cibadmin --replace --scope configuration`: one
atomic change, like `pcs cluster cib-push --config`.
"""
import sys
import xml.etree.ElementTree as ET


def main(live_path, pcs_path):
    live = ET.parse(live_path).getroot().find('configuration')
    new = ET.parse(pcs_path).getroot().find('configuration')
    if live is None or new is None:
        print('cib-merge: no <configuration> element', file=sys.stderr)
        return 1
    for sec in ('resources', 'constraints', 'rsc_defaults', 'op_defaults'):
        n = new.find(sec)
        if n is None:
            continue
        old = live.find(sec)
        if old is not None:
            live.remove(old)
        live.append(n)
    lcc = live.find('crm_config')
    for pset in new.findall('crm_config/cluster_property_set'):
        lset = lcc.find("cluster_property_set[@id='%s']" % pset.get('id'))
        if lset is None:
            lcc.append(pset)
            continue
        for nv in pset.findall('nvpair'):
            old = lset.find("nvpair[@name='%s']" % nv.get('name'))
            if old is not None:
                lset.remove(old)
            lset.append(nv)
    sys.stdout.write(ET.tostring(live, encoding='unicode'))
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
