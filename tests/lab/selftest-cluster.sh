#!/bin/bash
# Lab self-test (cluster): run inside UML by `tests/lab/lab run`.
#   (2) a 2-node Corosync 3 (knet) + Pacemaker cluster forms; a resource created with
#       `pcs resource create ... ocf:pacemaker:Dummy` runs; the node running it is
#       crashed; the resource moves; the crashed node is restored and rejoins.
#       Also: lab_install_agents + `pcs resource create ... ocf:vpnha:NAME`, lab_ocf.
#       Fencing is on (lab_cluster): the survivor fences the crashed node through
#       the lab power switch (fence_vpnha_lab) before the resource moves.
# Prints RESULT lines with the measured numbers.
. "$LAB_DIR/lib.sh"

lab_result boot_s "$(sed -n 's/^LAB_BOOT_SECONDS=//p' "$LAB_OUT/boot.env")"
lab_now; t0=$LAB_NOW
lab_segment ring || lab_fail "segment"
lab_hosts n1 n2 || lab_fail "hosts"
lab_attach n1 eth0 ring 172.16.0.1/24 || lab_fail "attach n1"
lab_attach n2 eth0 ring 172.16.0.2/24 || lab_fail "attach n2"
lab_result hosts_created_s "$(lab_since "$t0")"

lab_cluster c1 --token "${LAB_TOKEN:-1000}" n1=172.16.0.1 n2=172.16.0.2 || lab_fail "cluster config"
lab_now; tc=$LAB_NOW
lab_cluster_start c1 || lab_fail "cluster start"
# 240 s: on a loaded machine (load 5-10) pacemakerd kills and respawns its
# starved subdaemons (fenced too, while it runs the fence agent's meta-data
# synchronously) and the cluster formed after ~125 s
lab_cluster_wait_online c1 240 || { lab_exec n1 crm_mon -1; lab_fail "cluster did not form in 240 s"; }
lab_result cluster_formed_s "$(lab_since "$tc")"
lab_result boot_plus_cluster_s "$(lab_since 0)"
lab_exec n1 crm_mon -1 | sed 's/^/  /'

lab_now; tp=$LAB_NOW
lab_exec n1 pcs resource create d1 ocf:pacemaker:Dummy op monitor interval=5s >/dev/null ||
	lab_fail "pcs resource create failed"
lab_result pcs_create_s "$(lab_since "$tp")"
lab_resource_wait n1 d1 "" 60 || { lab_exec n1 crm_mon -1; lab_fail "d1 did not start"; }
lab_result create_to_started_s "$(lab_since "$tp")"
# agents from a directory (as the agents' lab tests do with the build tree)
mkdir -p /lab/agents && ln -sf /usr/lib/ocf/resource.d/pacemaker/Dummy /lab/agents/labdummy
lab_install_agents /lab/agents || lab_fail "lab_install_agents"
LAB_OCF_INSTANCE=probe lab_ocf n2 vpnha:labdummy monitor >/dev/null; rc=$?
[ $rc = 7 ] || lab_fail "lab_ocf monitor of a stopped resource: rc $rc, expected 7"
lab_now; tp=$LAB_NOW
lab_exec n1 pcs resource create d2 ocf:vpnha:labdummy >/dev/null || lab_fail "pcs resource create ocf:vpnha:labdummy failed"
lab_resource_wait n1 d2 "" 60 || { lab_exec n1 crm_mon -1; lab_fail "d2 (ocf:vpnha:labdummy) did not start"; }
lab_result vpnha_agent_create_to_started_s "$(lab_since "$tp")"
victim=$(lab_resource_node n1 d1)
survivor=n1; [ "$victim" = n1 ] && survivor=n2
lab_log "d1 runs on $victim: crashing it"

lab_now; tk=$LAB_NOW
lab_crash "$victim" || lab_fail "crash $victim"
lab_resource_wait "$survivor" d1 "$survivor" 60 || { lab_exec "$survivor" crm_mon -1; lab_fail "d1 did not move to $survivor"; }
lab_result crash_to_moved_s "$(lab_since "$tk")"
lab_exec "$survivor" crm_mon -1 | sed 's/^/  /'
# fencing: the survivor switched the victim off through the lab's power switch
# before it moved d1 (the switch found it already off: the crash cut its power)
h=$(lab_exec "$survivor" stonith_admin --history "$victim" --output-as=xml 2>/dev/null)
grep -q "<fence_event .*action=\"off\" target=\"$victim\".*status=\"success\"" <<<"$h" ||
	grep -q "<fence_event .*status=\"success\".*target=\"$victim\"" <<<"$h" ||
	{ echo "$h"; lab_fail "no successful fencing of $victim in the fence history"; }
grep -q " off $victim: ok" "$LAB_OUT/power.log" || { cat "$LAB_OUT/power.log"; lab_fail "the power switch got no 'off $victim'"; }
[ "$(lab_power "$victim" status)" = "Status: OFF" ] || lab_fail "lab_power $victim status: not OFF"

lab_now; tr=$LAB_NOW
lab_restore "$victim" || lab_fail "restore $victim"
lab_cluster_wait_online c1 120 || { lab_exec "$survivor" crm_mon -1; lab_fail "$victim did not rejoin"; }
lab_result restore_to_rejoined_s "$(lab_since "$tr")"
lab_exec "$victim" crm_mon -1 | sed 's/^/  /'
[ "$(lab_power "$victim" status)" = "Status: ON" ] || lab_fail "lab_power $victim status: not ON"
lab_result total_s "$(lab_since "$t0")"
lab_log "PASS"
