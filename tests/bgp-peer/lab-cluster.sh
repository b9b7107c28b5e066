#!/bin/bash
# shellcheck disable=SC2015  # "A && B || C": C (a fallback) when A or B fails
# Lab test: ocf:vpnha:bgp-peer under a 2-node Pacemaker cluster (run inside UML
# by tests/lab/lab run, from tests/bgp-peer/lab-cluster.test).
#
# Site A: cluster nodes a1, a2 on the WAN segment (198.51.100.11/.12) and the LAN
# segment (10.1.0.2/.3); group vpn = wan-ip (IPaddr2 198.51.100.10) -> lan-ip
# (IPaddr2 10.1.0.1, the LAN's gateway) -> gre (ocf:vpnha:gre-tunnel to site B)
# -> bgp (ocf:vpnha:bgp-peer, manage=configure). Site B: gateway b with a static
# frr.conf and a static GRE tunnel to the VIP; LAN hosts lana (site A), lanb (B).
#
# Checks: the group starts on one node (N1); BGP Established on both sides, each
# side learns the other's LAN over gre1, lana pings lanb through the tunnel. N1
# is put in standby: the group moves to N2, b's session comes back from N2, the
# routes return on both sides, traffic flows again; N1 is left with no tunnel, no
# VIP, no neighbor in its bgpd and no ownership record; no failed actions. The
# group is disabled: gone everywhere. Prints the times (RESULT lines).
#
# Time budget: UML forks slowly (IPaddr2 takes 2-10 s per action, a pcs call ~6 s),
# so the CIB is pre-seeded (no pcs), Pacemaker's load-threshold is raised (the
# lab's load average would otherwise make each node run one action at a time),
# and every wait is deadline-based and polls without forking where it can.
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"

: "${abs_top_builddir:?}"
GROUP=(wan-ip lan-ip gre bgp)

# ---- agents visible inside the hosts (their /tmp is private) ----
lab_install_build_agents bgp-peer gre-tunnel || lab_fail "install agents"

# ---- topology ----
lab_now; T_SETUP=$LAB_NOW
lab_hosts a1 a2 b lana lanb || lab_fail "hosts"
lab_segment wan || lab_fail "wan"
lab_segment lana-net || lab_fail "lan segment"
lab_attach a1 eth0 wan 198.51.100.11/24 || lab_fail attach
lab_attach a2 eth0 wan 198.51.100.12/24 || lab_fail attach
lab_attach b eth0 wan 198.51.100.2/24 || lab_fail attach
lab_attach a1 eth1 lana-net 10.1.0.2/24 || lab_fail attach
lab_attach a2 eth1 lana-net 10.1.0.3/24 || lab_fail attach
lab_attach lana eth0 lana-net 10.1.0.10/24 || lab_fail attach
lab_link b eth1 lanb eth0 10.2.0.1/24 10.2.0.10/24 || lab_fail "lanb"
lab_route lana default 10.1.0.1 || lab_fail route
lab_route lanb default 10.2.0.1 || lab_fail route
for h in a1 a2 b; do lab_forwarding $h || lab_fail "forwarding $h"; done
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
# keepalive 3 / hold 9 on both sides: a loaded UML must not drop the session on
# its own; the failover does not wait for the hold timer (stop sends a CEASE)
conf b 172.16.0.2 10.2.0.0/24 \
	"$(printf ' neighbor 172.16.0.1 remote-as 65432\n neighbor 172.16.0.1 timers 3 9\n neighbor 172.16.0.1 timers connect 1')" \
	'  neighbor 172.16.0.1 next-hop-self' >/tmp/b.conf

# ---- the cluster, with the group pre-seeded in the CIB (target-role=Stopped
# until bgpd runs: FRR starts while the cluster forms) ----
lab_cluster sitea a1=198.51.100.11 a2=198.51.100.12 || lab_fail "cluster"
OP='timeout="60s"'    # IPaddr2 forks dozens of processes per action: generous timeouts
cat >/lab/vpn-group.xml <<EOF
<group id="vpn">
  <meta_attributes id="vpn-meta">
    <nvpair id="vpn-target-role" name="target-role" value="Stopped"/>
    <nvpair id="vpn-stickiness" name="resource-stickiness" value="100"/>
  </meta_attributes>
  <primitive id="wan-ip" class="ocf" provider="heartbeat" type="IPaddr2">
    <instance_attributes id="wan-ip-ia">
      <nvpair id="wan-ip-ip" name="ip" value="198.51.100.10"/>
      <nvpair id="wan-ip-cidr" name="cidr_netmask" value="24"/>
      <nvpair id="wan-ip-nic" name="nic" value="eth0"/>
    </instance_attributes>
    <operations>
      <op id="wan-ip-start" name="start" interval="0s" $OP/>
      <op id="wan-ip-stop" name="stop" interval="0s" $OP/>
      <op id="wan-ip-mon" name="monitor" interval="10s" $OP/>
    </operations>
  </primitive>
  <primitive id="lan-ip" class="ocf" provider="heartbeat" type="IPaddr2">
    <instance_attributes id="lan-ip-ia">
      <nvpair id="lan-ip-ip" name="ip" value="10.1.0.1"/>
      <nvpair id="lan-ip-cidr" name="cidr_netmask" value="24"/>
      <nvpair id="lan-ip-nic" name="nic" value="eth1"/>
    </instance_attributes>
    <operations>
      <op id="lan-ip-start" name="start" interval="0s" $OP/>
      <op id="lan-ip-stop" name="stop" interval="0s" $OP/>
      <op id="lan-ip-mon" name="monitor" interval="10s" $OP/>
    </operations>
  </primitive>
  <primitive id="gre" class="ocf" provider="vpnha" type="gre-tunnel">
    <instance_attributes id="gre-ia">
      <nvpair id="gre-ifname" name="ifname" value="gre1"/>
      <nvpair id="gre-local" name="local" value="198.51.100.10"/>
      <nvpair id="gre-remote" name="remote" value="198.51.100.2"/>
      <nvpair id="gre-address" name="address" value="172.16.0.1/30"/>
    </instance_attributes>
    <operations>
      <op id="gre-start" name="start" interval="0s" timeout="30s"/>
      <op id="gre-stop" name="stop" interval="0s" timeout="30s"/>
      <op id="gre-mon" name="monitor" interval="10s" timeout="30s"/>
    </operations>
  </primitive>
  <primitive id="bgp" class="ocf" provider="vpnha" type="bgp-peer">
    <instance_attributes id="bgp-ia">
      <nvpair id="bgp-neighbor" name="neighbor" value="172.16.0.2"/>
      <nvpair id="bgp-local_as" name="local_as" value="65432"/>
      <nvpair id="bgp-remote_as" name="remote_as" value="65432"/>
      <nvpair id="bgp-keepalive" name="keepalive" value="3"/>
      <nvpair id="bgp-holdtime" name="holdtime" value="9"/>
      <nvpair id="bgp-connect_timer" name="connect_timer" value="1"/>
      <nvpair id="bgp-update_source" name="update_source" value="172.16.0.1"/>
    </instance_attributes>
    <operations>
      <op id="bgp-start" name="start" interval="0s" timeout="30s"/>
      <op id="bgp-stop" name="stop" interval="0s" timeout="30s"/>
      <op id="bgp-mon" name="monitor" interval="5s" timeout="30s"/>
      <op id="bgp-mon17" name="monitor" interval="17s" timeout="30s">
        <instance_attributes id="bgp-mon17-ia"><nvpair id="bgp-mon17-depth" name="OCF_CHECK_LEVEL" value="10"/></instance_attributes>
      </op>
    </operations>
  </primitive>
</group>
EOF
cp "$(lab_hostpath a1 /var/lib/pacemaker/cib/cib.xml)" /lab/sitea-cib.xml || lab_fail "no pre-seeded CIB"
export CIB_file=/lab/sitea-cib.xml
cibadmin --create -o resources -x /lab/vpn-group.xml || lab_fail "cibadmin --create (offline)"
# the six lab hosts share one vCPU: every node sees the whole lab's load and
# Pacemaker would throttle to one action per node (a VIP's first monitor then
# delays the next start of the group by 5-10 s)
crm_attribute -t crm_config -n load-threshold -v 1000% >/dev/null || lab_fail "load-threshold"
unset CIB_file
for h in a1 a2; do
	install -m 600 -o hacluster -g haclient /lab/sitea-cib.xml "$(lab_hostpath $h /var/lib/pacemaker/cib/cib.xml)" ||
		lab_fail "install CIB on $h"
done

lab_log "starting FRR and the cluster"
lab_now; T0=$LAB_NOW
frr_pids=()
for h in a1 a2 b; do lab_frr_start $h /tmp/$h.conf & frr_pids+=($!); done
lab_cluster_start sitea || lab_fail "cluster start"
for p in "${frr_pids[@]}"; do wait "$p" || lab_fail "FRR did not start"; done
lab_result frr_started_s "$(lab_since "$T0")"
lab_cluster_wait_online sitea 240 || lab_fail "cluster not online"
lab_result cluster_online_s "$(lab_since "$T0")"
lab_result setup_s "$(lab_since "$T_SETUP")"

# ---- helpers: cluster state (one crm_mon per call) ----
MON=
mon() { MON=$(lab_exec "$1" crm_mon -1 --output-as=xml 2>/dev/null); [ -n "$MON" ]; }
# group_on FROM NODE: every member of the group is Started (not pending, not failed)
# on NODE ("" = any one node), seen from FROM; sets ON to that node.
ON=
group_on() {
	mon "$1" || return 1
	ON=$(awk -v want="$2" -v list="${GROUP[*]}" '
		BEGIN { n = split(list, g, " "); for (i = 1; i <= n; i++) member[g[i]] = 1 }
		/<resource id="/ {
			match($0, /id="[^"]*"/); id = substr($0, RSTART + 4, RLENGTH - 5); cur = ""
			if (!(id in member)) next
			cur = id
			ok[id] = $0 ~ /role="Started"/ && $0 ~ /active="true"/ && $0 ~ /failed="false"/ &&
				$0 ~ /nodes_running_on="1"/ && $0 !~ /pending=/
			next
		}
		/<node name="/ && cur != "" { match($0, /name="[^"]*"/); on[cur] = substr($0, RSTART + 6, RLENGTH - 7); cur = "" }
		/<\/resource>/ { cur = "" }
		END {
			node = want
			for (i = 1; i <= n; i++) {
				r = g[i]
				if (!ok[r] || on[r] == "") exit 1
				if (node == "") node = on[r]
				if (on[r] != node) exit 1
			}
			print node
		}' <<<"$MON")
}
# group_stopped FROM: no member of the group is active anywhere
group_stopped() {
	mon "$1" || return 1
	awk -v list="${GROUP[*]}" '
		BEGIN { n = split(list, g, " "); for (i = 1; i <= n; i++) member[g[i]] = 1; bad = 0; seen = 0 }
		/<resource id="/ {
			match($0, /id="[^"]*"/); id = substr($0, RSTART + 4, RLENGTH - 5)
			if (!(id in member)) next
			seen++
			if ($0 !~ /active="false"/ || $0 !~ /nodes_running_on="0"/ || $0 ~ /pending=/) bad = 1
		}
		END { exit !(seen == n && !bad) }' <<<"$MON"
}
# failures FROM: prints the failed actions crm_mon reports; true when there are none
failures() {
	mon "$1" || { echo "crm_mon failed on $1"; return 1; }
	local f
	f=$(grep '<failure ' <<<"$MON")
	[ -z "$f" ] && return 0
	echo "$f"; return 1
}

# ---- helpers: routes and logs without forking ----
# kroute HOST HEXDEST: HOST's kernel has a /24 to HEXDEST (/proc/net/route order) on gre1
kroute() {
	local ifc dst _gw _fl _rc _use _met mask _rest
	while read -r ifc dst _gw _fl _rc _use _met mask _rest; do
		[ "$ifc" = gre1 ] && [ "$dst" = "$2" ] && [ "$mask" = 00FFFFFF ] && return 0
	done <"/proc/$(<"$LAB_HOSTS/$1/pid")/net/route"
	return 1
}
LANA_HEX=0000010A   # 10.1.0.0
LANB_HEX=0000020A   # 10.2.0.0
# slurp FILE: its content into $SLURP (no fork)
SLURP=
slurp() { SLURP=; [ -r "$1" ] && IFS= read -r -d '' SLURP <"$1"; return 0; }
# log_after FILE OFFSET TEXT: FILE has TEXT after its first OFFSET characters
log_after() { slurp "$1"; [[ ${SLURP:$2} == *"$3"* ]]; }
log_len() { slurp "$1"; echo "${#SLURP}"; }
BGPD_B=$(lab_hostpath b /var/log/frr/bgpd.log)
# gre1's rx packet counter on HOST (from /proc/PID/net/dev, no fork)
RX=0
gre_rx() {
	local l
	RX=-1
	while IFS= read -r l; do
		[[ $l =~ ^\ *gre1:\ *[0-9]+\ +([0-9]+) ]] && { RX=${BASH_REMATCH[1]}; return 0; }
	done <"/proc/$(<"$LAB_HOSTS/$1/pid")/net/dev"
	return 1
}
# lan_ping N: N echo requests lana -> lanb; true when they got through and b
# received at least N packets on gre1 meanwhile (the LANs only route via the tunnel)
lan_ping() {
	local before
	gre_rx b || return 1
	before=$RX
	ip netns exec lana ping -n -q -c "$1" -i 0.1 -W 2 10.2.0.10 >/dev/null 2>&1 || return 1
	gre_rx b || return 1
	lab_log "  b's gre1 received $((RX - before)) packets during $1 pings"
	[ $((RX - before)) -ge "$1" ]
}
# nb_configured HOST: 0 the neighbor is in HOST's bgpd, 1 it is not, 2 vtysh gave no config
nb_configured() {
	local c
	c=$(lab_vtysh "$1" -c 'show running-config' 2>/dev/null)
	[[ $c == *"router bgp 65432"* ]] || { lab_log "  $1: vtysh gave no BGP config"; return 2; }
	grep -q '^ neighbor 172\.16\.0\.2 ' <<<"$c"
}
no_nb() { nb_configured "$1"; [ $? -eq 1 ]; }
state_file() { [ -e "/proc/$(lab_pid "$1")/root/run/vpnha/$2" ]; }
# b_not_established: b's bgpd knows the neighbor and is not Established with it
b_not_established() { local st; st=$(lab_bgp_state b 172.16.0.1); lab_log "  b: $st"; [ -n "$st" ] && [ "$st" != none ] && [ "$st" != Established ]; }
bgp_est() { [ "$(lab_bgp_state "$1" "$2")" = Established ]; }
has_addr() { ip -n "$1" -o addr show 2>/dev/null | grep -qF " inet $2/"; }
has_gre1() { ip -n "$1" link show gre1 >/dev/null 2>&1; }
not() { ! "$@"; }
no_vip() { ! has_addr "$1" 198.51.100.10 && ! has_addr "$1" 10.1.0.1; }
# the agents' ownership records (instance names = resource ids)
has_records() { state_file "$1" gre-tunnel/gre.owner && state_file "$1" bgp-peer/bgp.state; }
no_records() { ! state_file "$1" gre-tunnel/gre.owner && ! state_file "$1" bgp-peer/bgp.state; }

# ---- start the group ----
lab_now; T0=$LAB_NOW
lab_exec a1 crm_resource -r vpn --meta -p target-role -v Started >/dev/null 2>&1 || lab_fail "enable the group"
if ! lab_wait 180 1 group_on a1 ""; then
	lab_exec a1 crm_mon -1 -r; lab_fail "group vpn did not start"
fi
N1=$ON
N2=$([ "$N1" = a1 ] && echo a2 || echo a1)
lab_result group_started_s "$(lab_since "$T0")"
lab_ok "group vpn started on $N1 (all four members)"
lab_check "b learns site A's LAN over gre1" lab_wait 60 0.3 kroute b $LANA_HEX
lab_check "$N1 learns site B's LAN over gre1" lab_wait 30 0.3 kroute "$N1" $LANB_HEX
lab_result group_start_to_routes_s "$(lab_since "$T0")"
bgp_route_b() { [ -n "$(ip -n b route show 10.1.0.0/24 proto bgp dev gre1)" ]; }
lab_check "b: route 10.1.0.0/24 is proto bgp" bgp_route_b
lab_check "BGP Established on $N1" lab_wait 20 1 bgp_est "$N1" 172.16.0.2
lab_check "BGP Established on b" lab_wait 20 1 bgp_est b 172.16.0.1
lab_check "lana pings lanb through the tunnel" lab_wait 20 1 lan_ping 10
lab_check "$N1 owns the tunnel and the neighbor (state files)" has_records "$N1"
lab_check "$N1's bgpd has the neighbor" nb_configured "$N1"
lab_check "no tunnel on $N2" not has_gre1 "$N2"
lab_check "no neighbor in $N2's bgpd" no_nb "$N2"
lab_check "no ownership record on $N2" no_records "$N2"
lab_check "no failed actions after the start" failures a1

# ---- standby N1: the group moves to N2 ----
lab_probe_start fo lana 10.2.0.10 0.1
probe_ok() { slurp "$LAB_OUT/probes/fo.txt"; [[ $SLURP == *"bytes from"* ]]; }
lab_wait 10 0.2 probe_ok || lab_fail "the probe gets no reply before the standby"
off_b=$(log_len "$BGPD_B")
PCMK_N2=$(lab_hostpath "$N2" /var/log/pacemaker/pacemaker.log)
off_p=$(log_len "$PCMK_N2")
STARTED="Result of start operation for bgp on $N2: ok"   # bgp: the group's last member
UP="neighbor 172.16.0.1($N2) in vrf default Up"          # b's bgpd: the session from N2
p_started='' p_est='' p_routes='' p_traffic=''
# step: one poll of every milestone not reached yet; reads logs and /proc only
# (no fork: the nodes' IPaddr2 actions need the one vCPU). The p_* are poll times
# (since the standby); the exact ones come from the logs afterwards.
step() {
	if [ -z "$p_started" ] && log_after "$PCMK_N2" "$off_p" "$STARTED"; then p_started=$(lab_since "$T0"); fi
	if [ -z "$p_est" ] && log_after "$BGPD_B" "$off_b" "$UP"; then p_est=$(lab_since "$T0"); fi
	if [ -n "$p_est" ] && [ -z "$p_routes" ] && kroute b $LANA_HEX && kroute "$N2" $LANB_HEX; then
		p_routes=$(lab_since "$T0")
	fi
	if [ -n "$p_routes" ] && [ -z "$p_traffic" ]; then
		# the probe's latest line is a reply (ping -O prints "no answer yet" otherwise)
		slurp "$LAB_OUT/probes/fo.txt"
		local l=${SLURP%$'\n'}
		l=${l##*$'\n'}
		[[ $l == *"bytes from"* ]] && p_traffic=$(lab_since "$T0")
	fi
	[ -n "$p_started" ] && [ -n "$p_traffic" ]
}
# pcmk_since FILE OFFSET TEXT: seconds from the standby ($TSB_EPOCH) to the
# Pacemaker log line (after OFFSET) containing TEXT ("Mon DD HH:MM:SS.mmm ...", local time)
pcmk_since() {
	local t base
	slurp "$1"
	t=${SLURP:$2}
	[[ $t == *"$3"* ]] || return 1
	t=${t%%"$3"*}
	t=${t##*$'\n'}
	[[ $t =~ ([0-9]{2}):([0-9]{2}):([0-9]{2}\.[0-9]+) ]] || return 1
	printf -v base '%(%H:%M:%S)T' "${TSB_EPOCH%.*}"
	awk -v h="${BASH_REMATCH[1]}" -v m="${BASH_REMATCH[2]}" -v s="${BASH_REMATCH[3]}" \
		-v b="$base" -v f="0.${TSB_EPOCH#*.}" 'BEGIN {
		split(b, x, ":"); d = h * 3600 + m * 60 + s - (x[1] * 3600 + x[2] * 60 + x[3] + f)
		if (d < -43200) d += 86400
		printf "%.2f\n", d }'
}
lab_log "standby $N1"
TSB_EPOCH=$EPOCHREALTIME
lab_now; T0=$LAB_NOW
lab_exec "$N2" crm_attribute --node "$N1" --name standby --update on || lab_fail "standby $N1"
lab_wait 240 0.3 step
lab_log "polled since the standby: bgp started on $N2 ${p_started:-never}, b Established from $N2" \
	"${p_est:-never}, routes back ${p_routes:-never}, traffic back ${p_traffic:-never}"
lab_probe_stop fo
rep=$(lab_probe_report fo)
lab_log "probe during the standby: $rep"
lab_check "group started on $N2 after the standby (all four members)" lab_wait 60 1 group_on "$N2" "$N2"
lab_check "bgp's start result is in $N2's Pacemaker log" test -n "$p_started"
lab_check "b's session re-Established from $N2" test -n "$p_est"
lab_check "routes returned on both sides" test -n "$p_routes"
lab_check "traffic back (probe replies again)" test -n "$p_traffic"
# exact times: the start's result in N2's Pacemaker log (ms), the age of b's
# session (bgpTimerUpMsec), the probe's timestamps; each must agree with the poll
# (within its 0.3 s interval plus the time a poll takes)
near_poll() { awk -v v="$1" -v p="$2" 'BEGIN { exit !(v >= 0 && v <= p + 2) }'; }
if [ -n "$p_started" ]; then
	t=$(pcmk_since "$PCMK_N2" "$off_p" "$STARTED") && near_poll "$t" "$p_started" ||
		{ lab_log "  log time of the start: '$t' (poll: $p_started): using the poll"; t=$p_started; }
	lab_result standby_to_started_s "$t"
fi
if [ -n "$p_est" ]; then
	j=$(lab_vtysh b -c 'show bgp neighbors 172.16.0.1 json' 2>/dev/null)
	lab_now
	t=$(jq -r '.["172.16.0.1"].bgpTimerUpMsec // empty' <<<"$j" 2>/dev/null)
	t=$(awk -v now="$LAB_NOW" -v t0="$T0" -v up="$t" 'BEGIN { if (up == "") exit 1; printf "%.2f\n", now - up / 1000 - t0 }') &&
		near_poll "$t" "$p_est" ||
		{ lab_log "  b's session age gives '$t' (poll: $p_est): using the poll"; t=$p_est; }
	lab_result standby_to_established_s "$t"
fi
[ -n "$p_routes" ] && lab_result standby_to_routes_s "$p_routes"
# traffic back, exactly: the probe's reply that ended its longest gap
back=$(awk -v t0="$TSB_EPOCH" '/bytes from/ {
		ts = substr($1, 2, length($1) - 2) + 0
		if (n++ && ts - last > gap) { gap = ts - last; end = ts }
		last = ts
	} END { if (gap > 0.25) printf "%.2f\n", end - t0; else print "none" }' "$LAB_OUT/probes/fo.txt")
lab_check "the probe saw the outage end after the standby: $back" test "$back" != none
[ "$back" != none ] && lab_result standby_to_traffic_back_s "$back"
lab_result standby_outage_ms "$(sed -n 's/.*outage_ms=\([0-9]*\).*/\1/p' <<<"$rep")"
lab_result standby_probe_lost "$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$rep")"

lab_check "BGP Established on $N2" lab_wait 20 1 bgp_est "$N2" 172.16.0.2
lab_check "BGP Established on b" lab_wait 20 1 bgp_est b 172.16.0.1
lab_check "lana pings lanb through the tunnel via $N2" lab_wait 20 1 lan_ping 10
lab_check "b got a CEASE from $N1 (stop shut the neighbor down)" \
	log_after "$BGPD_B" "$off_b" "neighbor 172.16.0.1($N1) in vrf default Down BGP Notification received"
lab_check "$N2 has the neighbor in its bgpd" nb_configured "$N2"
lab_check "$N1's bgpd has no neighbor 172.16.0.2" no_nb "$N1"
lab_check "$N1 has no tunnel" not has_gre1 "$N1"
lab_check "$N1 has no VIP" no_vip "$N1"
lab_check "$N1 has no ownership record" no_records "$N1"
lab_check "$N2 has the ownership records" has_records "$N2"
lab_check "no failed actions after the standby" failures "$N2"

# ---- disable: gone everywhere ----
lab_now; T0=$LAB_NOW
lab_exec "$N2" crm_resource -r vpn --meta -p target-role -v Stopped >/dev/null 2>&1 || lab_fail "disable the group"
if lab_wait 120 1 group_stopped "$N2"; then
	lab_result disable_to_stopped_s "$(lab_since "$T0")"
	lab_ok "group stopped after the disable"
else
	lab_notok "group did not stop"; lab_exec "$N2" crm_mon -1 -r
fi
for h in a1 a2; do
	lab_check "$h: no tunnel" not has_gre1 $h
	lab_check "$h: no VIP" no_vip $h
	lab_check "$h: no neighbor in bgpd" no_nb $h
	lab_check "$h: no ownership record" no_records $h
done
lab_check "b: no route to site A's LAN" not kroute b $LANA_HEX
lab_check "b: session not Established" b_not_established
lab_check "no failed actions after the disable" failures "$N2"

lab_summary
