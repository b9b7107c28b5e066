#!/bin/bash
# ocf:vpnha:gre-tunnel under a real 2-node Pacemaker cluster (UML lab), run by
# tests/gre-tunnel/lab-cluster.test:
#   group vpn = ocf:heartbeat:IPaddr2 (the local underlay address, a VIP)
#             + ocf:vpnha:gre-tunnel (local = the VIP) with inner p2p address and a route;
#   a remote site (site2) has a static GRE tunnel to the VIP.
# The node running the group is put in standby: the group moves, the tunnel comes up
# on the other node, traffic (ping from site2, also from its routed LAN) resumes, and
# the old node is left with no tunnel and no ownership record. Prints the outage.
# Then the node running the group crashes: it is fenced through the lab's power
# switch, the group moves, the node is restored and rejoins (this is also the
# lab harness's cluster self-test: lab_cluster, fencing, lab_crash/lab_restore).
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"
: "${top_builddir:?}"

# Lab hosts have a private /tmp: install a copy of the agent where every host sees it.
lab_install_build_agents gre-tunnel || lab_fail "install agent"

for h in gw1 gw2 site2; do lab_host $h || lab_fail "host $h"; done
lab_segment ring || lab_fail segment
lab_segment wan || lab_fail segment
lab_attach gw1 eth0 ring 10.0.0.1/24 || lab_fail attach
lab_attach gw2 eth0 ring 10.0.0.2/24 || lab_fail attach
lab_attach gw1 eth1 wan 198.51.100.1/24 || lab_fail attach
lab_attach gw2 eth1 wan 198.51.100.2/24 || lab_fail attach
lab_attach site2 eth0 wan 198.51.100.20/24 || lab_fail attach
# site2: a static tunnel to the cluster's VIP, and its LAN
lab_ip site2 link add gre1 type gre local 198.51.100.20 remote 198.51.100.10 ttl 255 || lab_fail "site2 gre"
lab_ip site2 link set gre1 up
lab_ip site2 addr add 172.16.0.2 peer 172.16.0.1 dev gre1 || lab_fail "site2 inner address"
lab_ip site2 link add lan0 type dummy && lab_ip site2 link set lan0 up && lab_addr site2 lan0 10.2.0.1/24 ||
	lab_fail "site2 lan"

lab_log "starting the cluster"
lab_now; T0=$LAB_NOW
lab_cluster c1 gw1=10.0.0.1 gw2=10.0.0.2 || lab_fail cluster
lab_cluster_start c1 || lab_fail "cluster start"
lab_cluster_wait_online c1 300 || lab_fail "cluster not online"
lab_result gre_cluster_online_s "$(lab_since "$T0")"
lab_exec gw1 crm_attribute -t rsc_defaults -n resource-stickiness -v 100 >/dev/null || lab_fail stickiness

lab_now; T0=$LAB_NOW
lab_exec gw1 pcs resource create vip ocf:heartbeat:IPaddr2 ip=198.51.100.10 cidr_netmask=24 nic=eth1 \
	op monitor interval=10s timeout=60s --group vpn >/dev/null || lab_fail "pcs create vip"
lab_exec gw1 pcs resource create tun ocf:vpnha:gre-tunnel ifname=gre1 local=198.51.100.10 remote=198.51.100.20 \
	address=172.16.0.1 peer=172.16.0.2 routes=10.2.0.0/16 op monitor interval=5s timeout=20s --group vpn \
	>/dev/null || lab_fail "pcs create tun"
lab_resource_wait gw1 tun "" 180 || { lab_exec gw1 crm_mon -1 -r; lab_fail "tun did not start"; }
lab_result gre_group_started_s "$(lab_since "$T0")"
N1=$(lab_resource_node gw1 tun)
N2=$([ "$N1" = gw1 ] && echo gw2 || echo gw1)
lab_ok "group vpn started on $N1"

reach() { ip netns exec site2 ping -n -q -c 1 -W 1 "$@" >/dev/null 2>&1; }
lab_check "site2 reaches the tunnel's inner address 172.16.0.1 on $N1" lab_wait 30 0.3 reach 172.16.0.1
lab_check "site2's LAN 10.2.0.1 reaches 172.16.0.1 (the routed prefix on $N1)" lab_wait 10 0.3 reach -I 10.2.0.1 172.16.0.1
lab_check "no tunnel on $N2" bash -c "! ip -n $N2 link show gre1 >/dev/null 2>&1"
fails=$(lab_crm_mon gw1 | grep -c '<failure ')
lab_check "no failed actions (probes on $N2 returned 7): $fails" test "$fails" -eq 0

# put the active node in standby: the group moves
lab_probe_start p1 site2 172.16.0.1 0.1
sleep 1
lab_log "standby $N1"
lab_now; T0=$LAB_NOW
lab_exec gw1 pcs node standby "$N1" >/dev/null || lab_fail "pcs node standby"
if lab_resource_wait gw1 tun "$N2" 180; then
	lab_ok "group moved to $N2 ($(lab_since "$T0") s after the standby)"
else
	lab_notok "group did not move to $N2"; lab_exec gw1 crm_mon -1 -r
fi
lab_check "traffic resumes through $N2" lab_wait 60 0.3 reach 172.16.0.1
lab_result gre_standby_traffic_back_s "$(lab_since "$T0")"
lab_check "routed prefix works through $N2" lab_wait 10 0.3 reach -I 10.2.0.1 172.16.0.1
sleep 1
lab_probe_stop p1
rep=$(lab_probe_report p1)
echo "# probe during the move: $rep"
lab_result gre_standby_outage_ms "$(sed -n 's/.*outage_ms=\([0-9]*\).*/\1/p' <<<"$rep")"
lab_check "$N1 has no tunnel left" bash -c "! ip -n $N1 link show gre1 >/dev/null 2>&1"
lab_check "$N1 has no ownership record left" bash -c "! ls /proc/$(lab_pid "$N1")/root/run/vpnha/gre-tunnel/tun.owner 2>/dev/null"
lab_check "$N2 has the ownership record" test -s "/proc/$(lab_pid "$N2")/root/run/vpnha/gre-tunnel/tun.owner"
fails=$(lab_crm_mon gw1 | grep -c '<failure ')
lab_check "no failed actions after the move: $fails" test "$fails" -eq 0

# a change behind the agent's back on the active node: the recurring monitor sees it, Pacemaker repairs
lab_log "ttl changed behind the agent on $N2"
ip -n "$N2" link set gre1 type gre ttl 17
fixed() { ip -n "$N2" -d link show gre1 2>/dev/null | grep -q 'ttl 255'; }
lab_check "monitor caught the drift and Pacemaker restarted the tunnel (ttl 255 again)" lab_wait 60 0.5 fixed
lab_check "traffic after the repair" lab_wait 30 0.3 reach 172.16.0.1
lab_exec gw1 crm_resource --cleanup -r tun >/dev/null 2>&1

lab_exec gw1 pcs node unstandby "$N1" >/dev/null

# the node running the group crashes (the lab harness's cluster self-test, in
# this boot: tests/lab/README.md): the survivor fences it through the lab's
# power switch, the group moves, the node is restored and rejoins
lab_check "both nodes online after unstandby" lab_cluster_wait_online c1 120
victim=$(lab_resource_node gw1 tun)
survivor=gw1; [ "$victim" = gw1 ] && survivor=gw2
lab_log "crashing $victim (runs the group)"
lab_now; T0=$LAB_NOW
lab_crash "$victim" || lab_fail "crash $victim"
lab_check "group moved to $survivor after the crash of $victim" lab_resource_wait "$survivor" tun "$survivor" 120
lab_result gre_crash_to_moved_s "$(lab_since "$T0")"
lab_check "traffic through $survivor after the crash" lab_wait 60 0.3 reach 172.16.0.1
h=$(lab_exec "$survivor" stonith_admin --history "$victim" --output-as=xml 2>/dev/null)
lab_check "$victim fenced (successful fence event in $survivor's history)" \
	grep -Eq "<fence_event [^>]*(action=\"off\"[^>]*target=\"$victim\"[^>]*status=\"success\"|status=\"success\"[^>]*target=\"$victim\")" <<<"$h"
lab_check "the power switch switched $victim off (power.log)" grep -q " off $victim: ok" "$LAB_OUT/power.log"
lab_check "lab_power $victim status: OFF" test "$(lab_power "$victim" status)" = "Status: OFF"
lab_now; T0=$LAB_NOW
lab_restore "$victim" || lab_fail "restore $victim"
lab_check "$victim restored and rejoined" lab_cluster_wait_online c1 180
lab_result gre_restore_to_rejoined_s "$(lab_since "$T0")"
lab_check "lab_power $victim status: ON" test "$(lab_power "$victim" status)" = "Status: ON"
LAB_OCF_INSTANCE=tun lab_expect_ocf "probe of the tunnel on the rejoined $victim: not running" "$victim" \
	vpnha:gre-tunnel monitor 7 -- ifname=gre1 local=198.51.100.10 remote=198.51.100.20 address=172.16.0.1 \
	peer=172.16.0.2 routes=10.2.0.0/16
lab_check "$survivor keeps the group after the rejoin" test "$(lab_resource_node gw1 tun)" = "$survivor"

lab_exec gw1 pcs resource disable vpn >/dev/null
stopped() { ! lab_resource_node gw1 tun >/dev/null 2>&1; }
lab_check "group stops when disabled" lab_wait 120 0.5 stopped
lab_check "no tunnel anywhere after disable" bash -c "! ip -n gw1 link show gre1 >/dev/null 2>&1 && ! ip -n gw2 link show gre1 >/dev/null 2>&1"

lab_summary
