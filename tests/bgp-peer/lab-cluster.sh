#!/bin/bash
# Lab test: bgp-peer under a 2-node Pacemaker cluster (run inside UML by tests/lab/lab run).
#
# Site A: cluster nodes a1, a2 on the WAN segment (198.51.100.11/.12) and the LAN
# segment (10.1.0.2/.3); group wan-ip (IPaddr2 198.51.100.10) -> lan-ip (IPaddr2
# 10.1.0.1, the LAN's gateway) -> gre (ocf:vpnha:gre-tunnel to site B) -> bgp
# (ocf:vpnha:bgp-peer, manage=configure). Site B: gateway b with a static
# frr.conf, LAN host lanb. Checks: routes exchanged, lana -> lanb ping, then a1
# standby: the group moves to a2, routes return, ping works, a1's bgpd keeps no
# neighbor. Prints the failover times.
set -u
. "$LAB_DIR/lib.sh"

BUILD=${abs_top_builddir:?}
fails=0
check() {
	local d=$1; shift
	if "$@"; then lab_log "ok - $d"; else lab_log "not ok - $d"; fails=$((fails + 1)); fi
}

BIN=/usr/local/lib/vpnha-lab
mkdir -p $BIN
cp "$BUILD/agents/bgp-peer" "$BUILD/agents/gre-tunnel" $BIN/ || lab_fail "agents not built in $BUILD"
lab_install_agents $BIN

for h in a1 a2 b lana lanb; do lab_host $h || lab_fail "host $h"; done
lab_segment wan || lab_fail "wan"
lab_segment lana-net || lab_fail "lan segment"
lab_attach a1 eth0 wan 198.51.100.11/24
lab_attach a2 eth0 wan 198.51.100.12/24
lab_attach b eth0 wan 198.51.100.2/24
lab_attach a1 eth1 lana-net 10.1.0.2/24
lab_attach a2 eth1 lana-net 10.1.0.3/24
lab_attach lana eth0 lana-net 10.1.0.10/24
lab_link b eth1 lanb eth0 10.2.0.1/24 10.2.0.10/24
lab_route lana default 10.1.0.1
lab_route lanb default 10.2.0.1
for h in a1 a2 b; do lab_forwarding $h; done
lab_gre b gre1 198.51.100.2 198.51.100.10 172.16.0.2/30 || lab_fail "gre b"

conf() { # conf NAME ROUTER-ID LAN [NEIGHBOR-LINES] [AF-LINES]
	cat <<EOF
frr defaults traditional
hostname $1
ip prefix-list LAN seq 10 permit $3
route-map LAN-ONLY permit 10
 match ip address prefix-list LAN
!
router bgp 65432
 bgp router-id $2
 bgp log-neighbor-changes
${4:-}
 address-family ipv4 unicast
  redistribute connected route-map LAN-ONLY
${5:-}
 exit-address-family
!
EOF
}
conf a1 172.16.0.1 10.1.0.0/24 >/tmp/a1.conf
conf a2 172.16.0.1 10.1.0.0/24 >/tmp/a2.conf
conf b 172.16.0.2 10.2.0.0/24 \
	"$(printf ' neighbor 172.16.0.1 remote-as 65432\n neighbor 172.16.0.1 timers 1 3\n neighbor 172.16.0.1 timers connect 1')" \
	'  neighbor 172.16.0.1 next-hop-self' >/tmp/b.conf
for h in a1 a2 b; do lab_frr_start $h /tmp/$h.conf || lab_fail "frr $h"; done

lab_cluster sitea a1=198.51.100.11 a2=198.51.100.12 || lab_fail "cluster"
lab_now; t0=$LAB_NOW
lab_cluster_start sitea || lab_fail "cluster start"
lab_cluster_wait_online sitea 180 || lab_fail "cluster not online"
lab_result cluster_online_s "$(lab_since "$t0")"

lab_exec a1 cibadmin --create -o resources -X '
<group id="vpn">
  <primitive id="wan-ip" class="ocf" provider="heartbeat" type="IPaddr2">
    <instance_attributes id="wan-ip-ia">
      <nvpair id="wan-ip-ip" name="ip" value="198.51.100.10"/>
      <nvpair id="wan-ip-cidr" name="cidr_netmask" value="24"/>
      <nvpair id="wan-ip-nic" name="nic" value="eth0"/>
    </instance_attributes>
    <operations><op id="wan-ip-mon" name="monitor" interval="10s" timeout="30s"/></operations>
  </primitive>
  <primitive id="lan-ip" class="ocf" provider="heartbeat" type="IPaddr2">
    <instance_attributes id="lan-ip-ia">
      <nvpair id="lan-ip-ip" name="ip" value="10.1.0.1"/>
      <nvpair id="lan-ip-cidr" name="cidr_netmask" value="24"/>
      <nvpair id="lan-ip-nic" name="nic" value="eth1"/>
    </instance_attributes>
    <operations><op id="lan-ip-mon" name="monitor" interval="10s" timeout="30s"/></operations>
  </primitive>
  <primitive id="gre" class="ocf" provider="vpnha" type="gre-tunnel">
    <instance_attributes id="gre-ia">
      <nvpair id="gre-ifname" name="ifname" value="gre1"/>
      <nvpair id="gre-local" name="local" value="198.51.100.10"/>
      <nvpair id="gre-remote" name="remote" value="198.51.100.2"/>
      <nvpair id="gre-address" name="address" value="172.16.0.1/30"/>
    </instance_attributes>
    <operations><op id="gre-mon" name="monitor" interval="10s" timeout="20s"/></operations>
  </primitive>
  <primitive id="bgp" class="ocf" provider="vpnha" type="bgp-peer">
    <instance_attributes id="bgp-ia">
      <nvpair id="bgp-neighbor" name="neighbor" value="172.16.0.2"/>
      <nvpair id="bgp-local_as" name="local_as" value="65432"/>
      <nvpair id="bgp-remote_as" name="remote_as" value="65432"/>
      <nvpair id="bgp-keepalive" name="keepalive" value="1"/>
      <nvpair id="bgp-holdtime" name="holdtime" value="3"/>
      <nvpair id="bgp-connect_timer" name="connect_timer" value="1"/>
      <nvpair id="bgp-update_source" name="update_source" value="172.16.0.1"/>
    </instance_attributes>
    <operations>
      <op id="bgp-mon" name="monitor" interval="5s" timeout="20s"/>
      <op id="bgp-mon10" name="monitor" interval="17s" timeout="20s">
        <instance_attributes id="bgp-mon10-ia"><nvpair id="bgp-mon10-depth" name="OCF_CHECK_LEVEL" value="10"/></instance_attributes>
      </op>
    </operations>
  </primitive>
</group>' || lab_fail "cibadmin --create"
lab_exec a1 crm_resource --resource vpn --meta --set-parameter resource-stickiness --parameter-value 100 >/dev/null 2>&1

lab_now; t0=$LAB_NOW
check "group runs" lab_resource_wait a1 bgp "" 120
first=$(lab_resource_node a1 bgp)
lab_result group_start_s "$(lab_since "$t0")"
lab_log "bgp-peer runs on $first"
check "b learns site A's LAN" lab_route_wait b 10.1.0.0/24 30
lab_result group_start_to_routes_s "$(lab_since "$t0")"
check "ping lana -> lanb" lab_exec lana ping -c 3 -i 0.3 -W 2 10.2.0.10
other=a2; [ "$first" = a2 ] && other=a1

lab_log "== standby $first: the group moves to $other"
lab_probe_start fo lana 10.2.0.10 0.1
lab_now; t0=$LAB_NOW
lab_exec a1 crm_attribute --node "$first" --name standby --update on || lab_fail "standby"
check "bgp-peer runs on $other" lab_resource_wait a1 bgp "$other" 120
lab_result failover_resources_s "$(lab_since "$t0")"
route_back() { [ -n "$(ip -n b route show 10.1.0.0/24 proto bgp 2>/dev/null)" ]; }
check "routes return on b" lab_wait 60 0.2 route_back
lab_result failover_routes_s "$(lab_since "$t0")"
check "ping lana -> lanb after failover" lab_exec lana ping -c 3 -i 0.3 -W 2 10.2.0.10
lab_probe_stop fo
lab_log "probe during failover: $(lab_probe_report fo)"
nb_gone() { ! lab_vtysh "$first" -c 'show bgp neighbors 172.16.0.2 json' | grep -q '"172.16.0.2"'; }
check "$first's bgpd kept no neighbor (stop removed it)" nb_gone
b_state=$(lab_vtysh b -c 'show bgp neighbors 172.16.0.1 json' | jq -r '.["172.16.0.1"].lastNotificationReason // "none"')
lab_log "b: last notification: $b_state"
check "b got a CEASE from the old node" test "$b_state" != none

lab_log "bgp-peer cluster lab: $fails failed"
[ "$fails" -eq 0 ]
