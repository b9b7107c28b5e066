#!/bin/bash
# vpnha end-to-end demo, benchmark and integration test (issue 8), run inside the lab:
#
#   tests/lab/lab run tests/e2e/demo.sh [--layout L] [--bench [N]] [--kinds "KIND..."]
#   (make demo; make demo-bench = --bench, N = E2E_BENCH_N, default 5)
#
# L: takeover (default here: the paper's layout, one public VIP, the group
# moves) or routed (examples/siteN-routed.env: every gateway keeps its own
# tunnels up, failover is routing, only the LAN VIP moves: layout-routed.sh),
# or routed-lan (the same with LAN_ROUTER=yes: lan1/lan2 are the sites' LAN
# routers, running FRR with BGP+BFD to both gateways; no address moves).
#
# Two sites, two 2-node Pacemaker clusters, four gateways (tests/e2e/topology.sh),
# configured from examples/ (the pcs script, charon/FRR/corosync configs).  Shows
# lan1 -> lan2 traffic through the VPN, then fails over and measures each outage
# with a continuous probe (20 packets/s) and a timeline built from the daemons'
# logs.  Every step is asserted: the script exits 1 on the first broken promise
# (traffic not back, state left behind on the gateway that gave up the group).
#
# KIND: s1-extcut s1-standby s1-crash s2-extcut (the default, in this order),
# also s2-standby s2-crash; --bench repeats the list N times (default 5).
# Stateful failover (issue 18: tests/e2e/proofs-conntrack.sh; takeover and
# routed layouts, routed: the VPN connection only, no NAT; on in e2e.test,
# e2e-routed.test and make demo, LAB_E2E_CONNTRACK=0 leaves it out;
# demo.sh run by hand: opt-in): LAB_E2E_CONNTRACK=1 adds an internet host, the example
# firewall and the conntrackd clone (pcs-offline passes CONNTRACKD_CONF), and
# asserts that two long-lived TCP connections from lan1 (NAT, VPN) survive
# each failover; KIND+nosync (e.g. s1-extcut+nosync) is KIND with the clone
# disabled, where the NATed connection (routed: the VPN one) must break.  For example:
#   LAB_E2E_CONNTRACK=1 make demo LAYOUT=takeover
#   LAB_E2E_CONNTRACK=1 LAB_E2E_KINDS="s1-extcut s1-standby s1-extcut+nosync s1-crash" \
#       make check TESTS=tests/e2e/e2e.test
# The probe: lan1 -> lan2 every LAB_E2E_PROBE_IV s (default 0.05 = 20/s).
# LAB_E2E_ROUTING=1 (takeover and routed layouts; issue 18 part A; on in
# e2e.test, e2e-routed.test and make demo, LAB_E2E_ROUTING=0 leaves it out): the proofs of tests/e2e/proofs-routing.sh -- many subnets,
# IPv6 (vpn-int-vip6, BGP ipv6-unicast), multicast (pimd), an OSPF adjacency,
# before and after the failovers.  With LAB_E2E_ROUTING=0 (or unset, when
# demo.sh is run by hand) nothing of it runs (no extra daemons,
# configuration, addresses or resources).
set -u
. "$LAB_DIR/lib.sh"
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
SRC=${abs_top_srcdir:-$(cd "$E2E/../.." && pwd -P)}
B=${abs_top_builddir:-${top_builddir:-$SRC}}
EX=$SRC/examples
# shellcheck source=tests/e2e/topology.sh
. "$E2E/topology.sh"
# shellcheck source=tests/e2e/proofs-routing.sh
. "$E2E/proofs-routing.sh"
# shellcheck source=tests/e2e/proofs-status.sh
. "$E2E/proofs-status.sh"   # issue 17: vpnha status against the truth (status_proofs hooks)
MODE=demo BENCH_N=5 IV=${LAB_E2E_PROBE_IV:-0.05} LAYOUT=takeover
KINDS="s1-extcut s1-standby s1-crash s2-extcut" KINDS_GIVEN=
while [ $# -gt 0 ]; do
	case $1 in
	--bench) MODE=bench; if [[ ${2:-} =~ ^[0-9]+$ ]]; then BENCH_N=$2; shift; fi ;;
	--kinds) KINDS=$2 KINDS_GIVEN=1; shift ;;
	--layout) LAYOUT=$2; shift ;;
	*) echo "usage: demo.sh [--layout takeover|routed|routed-lan] [--bench [N]] [--kinds \"KIND...\"]" >&2; exit 2 ;;
	esac
	shift
done
case $LAYOUT in
takeover) LAST_RSC=vpn-bgp ;;
# shellcheck source=tests/e2e/layout-routed.sh
routed) . "$E2E/layout-routed.sh"; LAST_RSC=vpn-int-vip ;;
routed-lan) . "$E2E/layout-routed.sh"; LAST_RSC= ;;
*) echo "demo.sh: unknown layout $LAYOUT" >&2; exit 2 ;;
esac
# shellcheck source=tests/e2e/proofs-conntrack.sh
. "$E2E/proofs-conntrack.sh"   # issue 18: stateful failover (ct_* hooks)
# with conntrackd, the demo also shows a link cut without it (the paper's case)
[ "$CT_ON" != 1 ] || [ -n "$KINDS_GIVEN" ] || KINDS="s1-extcut s1-standby s1-extcut+nosync s1-crash s2-extcut"
if [ "$CT_ON" != 1 ] && [[ " $KINDS" == *+nosync* ]]; then
	echo "demo.sh: KIND+nosync needs LAB_E2E_CONNTRACK=1 and the takeover layout" >&2; exit 2
fi
PY=$E2E/timeline.py
RES=$LAB_OUT/e2e; mkdir -p "$RES"
T_START=$EPOCHREALTIME
if [ -n "${LAB_E2E_TRACE:-}" ]; then   # debugging: bash trace (no forks) on the host side
	exec 9>>"$RES/trace.log"; BASH_XTRACEFD=9; PS4='+ $EPOCHREALTIME ${FUNCNAME[0]:-main}: '; set -x
fi

step() { lab_log "== $*"; }
elapsed() { awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }
# gw_of_site SITE: a live node of SITE (to run cluster tools from)
live_node() { local h; for h in $(e2e_nodes "$1"); do lab_alive "$h" && { echo "$h"; return 0; }; done; return 1; }
# pid_of HOST: sets PID to HOST's init pid when HOST is alive (no fork).
pid_of() { PID=; read -r PID <"$LAB_HOSTS/$1/pid" 2>/dev/null && [ -n "$PID" ] && [ -d "/proc/$PID" ]; }
# has_local_addr PID ADDR: ADDR is a local address in PID's network namespace
# (its fib_trie; read with mapfile: no fork)
has_local_addr() {
	local -a l; local x
	mapfile -t l <"/proc/$1/net/fib_trie" 2>/dev/null || return 1
	for x in "${l[@]}"; do [[ $x == *"-- $2" ]] && return 0; done
	return 1
}
# vip_addr SITE: sets VIPA to the VIP that marks the active gateway: the
# public VIP 203.0.113.N0 (takeover), the LAN VIP 10.N.0.1 (routed)
vip_addr() { if [ "$LAYOUT" = takeover ]; then VIPA=203.0.113.${1#site}0; else VIPA=10.${1#site}.0.1; fi; }
# holder SITE: sets HOLDER to the live gateway of SITE that holds the site's
# VIP, read from /proc (no fork); 1 if none does.  routed-lan (no VIP): the
# site's primary while it is alive (its paths are preferred), else the other.
holder() {
	local h n=${1#site}
	HOLDER=; vip_addr "$1"
	if [ "$LAYOUT" = routed-lan ]; then
		routed_primary "$1"
		if pid_of "$PRIMARY"; then HOLDER=$PRIMARY; else HOLDER=$(e2e_other "$PRIMARY"); pid_of "$HOLDER" || return 1; fi
		return 0
	fi
	for h in "gw${n}a" "gw${n}b"; do
		pid_of "$h" && has_local_addr "$PID" "$VIPA" && { HOLDER=$h; return 0; }
	done
	return 1
}

# ---------------------------------------------------------------- agents
step "installing the agents from $B"
lab_install_build_agents gre-tunnel ipsec-conn bgp-peer mii-link mii-linkd vip || lab_fail "install agents"

# ---------------------------------------------------------------- topology
step "topology: internet, site1 (gw1a gw1b lan1), site2 (gw2a gw2b lan2)"
e2e_topology || lab_fail "topology"
ct_topology || lab_fail "topology: internet host, netfilter"
e2e_configs "$EX" || lab_fail "configs"
[ "$LAYOUT" = takeover ] || routed_configs "$EX" || lab_fail "routed configs"
routing_configs "$EX" && routing_topology || lab_fail "subnets, IPv6, multicast"
if [ "$LAYOUT" = routed-lan ]; then routed_lan_setup "$EX" || lab_fail "LAN routers"; fi
for s in $E2E_SITES; do e2e_cluster_define "$s" "$EX" || lab_fail "cluster $s"; done
lab_result e2e_topology_s "$(elapsed)"

step "starting charon + FRR on the gateways, corosync + pacemaker on both sites"
# Each site's configuration comes from examples/pcs/configure-site.sh (pcs -f).
# Fast path (make demo, the test): tests/e2e/pcs-offline ran it outside the lab
# (LAB_E2E_CIB_DIR); it is merged into the live CIB in one cibadmin --replace.
# Slow path (LAB_E2E_CIB_DIR unset): pcs runs here, ~7 s per call inside UML.
# make demo runs pcs-offline in the background while the lab boots: it writes
# CIB_DIR/status last, and is waited for only when its CIBs are needed.
CIB_DIR=${LAB_E2E_CIB_DIR:-}
[ -z "$CIB_DIR" ] || [ -d "$CIB_DIR" ] || lab_fail "no directory $CIB_DIR (run tests/e2e/pcs-offline)"
# cib_ready: pcs-offline is done (a glob reads the directory: a lookup of a file
# the host has not written yet could leave hostfs with a stale negative entry)
cib_ready() { local f=("$CIB_DIR"/statu[s]); [ -e "${f[0]}" ]; }
pids=()
DAEMONS=e2e_daemons; [ "$LAYOUT" = takeover ] || DAEMONS=routed_daemons
for h in $E2E_GWS; do $DAEMONS "$h" >"$RES/daemons-$h.log" 2>&1 & pids+=($!); done
for s in $E2E_SITES; do lab_cluster_start "$s" & pids+=($!); done
if [ -z "$CIB_DIR" ]; then
	for s in $E2E_SITES; do
		n=$(live_node "$s")
		env=$EX/$s.env; [ "$LAYOUT" = takeover ] || env=$EX/$s-$LAYOUT.env
		# LAB_E2E_ROUTING=1: the IPv6 VIP and address families (as pcs-offline)
		rt=(); [ "$LAYOUT" = routed-lan ] || ! routing_on ||
			rt=(INT_VIP6="fd00:${s#site}::1" INT_PREFIX6=64 BGP_AFS="ipv4-unicast ipv6-unicast")
		lab_exec "$n" env CIB_IN="$LAB_STATE/clusters/$s.cib.xml" NO_PUSH=1 LAB=1 "${rt[@]}" \
			"$EX/pcs/configure-site.sh" "$env" >"$RES/pcs-$s.log" 2>&1 & pids+=($!)
	done
fi
if [ "$LAYOUT" = routed-lan ]; then
	for h in lan1 lan2; do routed_lan_daemons "$h" >"$RES/daemons-$h.log" 2>&1 & pids+=($!); done
fi
rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ $rc = 0 ] || { tail -n 20 "$RES"/daemons-*.log "$RES"/pcs-*.log 2>/dev/null; lab_fail "daemons, cluster start or pcs failed"; }
lab_result e2e_daemons_s "$(elapsed)"
# (60-150 s after the start on an idle machine, minutes on a loaded one)
for s in $E2E_SITES; do lab_cluster_wait_online "$s" 360 || lab_fail "cluster $s not online"; done
lab_result e2e_clusters_online_s "$(elapsed)"

for s in $E2E_SITES; do
	n=$(live_node "$s")
	if [ -n "$CIB_DIR" ]; then
		lab_wait 300 0.5 cib_ready || lab_fail "pcs-offline did not finish ($CIB_DIR/status)"
		lab__read st "$CIB_DIR/status"
		[ "$st" = 0 ] || { cat "$CIB_DIR/pcs-offline.log" 2>/dev/null; lab_fail "pcs-offline failed (status $st)"; }
		step "$s: merging the pcs-made configuration ($CIB_DIR/cib-$s.xml) into the live CIB"
		lab_exec "$n" cibadmin -Q >"$RES/live-$s.xml" || lab_fail "$s: cibadmin -Q"
		python3 "$E2E/cib-merge.py" "$RES/live-$s.xml" "$CIB_DIR/cib-$s.xml" \
			>"$(lab_hostpath "$n" /var/lib/pacemaker/vpnha-config.xml)" || lab_fail "$s: cib-merge"
		lab_exec "$n" cibadmin --replace --scope configuration \
			--xml-file /var/lib/pacemaker/vpnha-config.xml || lab_fail "$s: cibadmin --replace"
	else
		step "$s: pcs cluster cib-push --config"
		lab_exec "$n" pcs cluster cib-push /var/lib/pacemaker/vpnha-cib.xml --config >>"$RES/pcs-$s.log" 2>&1 ||
			{ cat "$RES/pcs-$s.log"; lab_fail "$s: cib-push failed"; }
	fi
done
lab_result e2e_configured_s "$(elapsed)"

# ---------------------------------------------------------------- converged?
step "waiting for both groups, the SAs, BGP and lan1 -> lan2 traffic"
# traffic first, polled every 2 s (cheap), then both groups' state once
lab_wait "${LAB_E2E_WAIT:-600}" 2 lab_exec lan1 ping -c1 -W1 -q 10.2.0.100 >/dev/null 2>&1 ||
	{ for s in $E2E_SITES; do lab_exec "$(live_node "$s")" crm_mon -1 -r; done; lab_fail "no lan1 -> lan2 traffic"; }
for s in $E2E_SITES; do
	[ -n "$LAST_RSC" ] || break
	lab_resource_wait "$(live_node "$s")" "$LAST_RSC" "" 120 || { lab_exec "$(live_node "$s")" crm_mon -1 -r; lab_fail "$LAST_RSC not running on $s"; }
done
if [ "$LAYOUT" != takeover ]; then
	lab_wait 300 0.5 routed_all_up || { routed_show; lab_fail "not every BGP session is up"; }
fi
lab_result e2e_traffic_s "$(elapsed)"

# show_vpn: what an admin would look at on both active gateways
show_vpn() {
	local s a
	for s in $E2E_SITES; do
		holder "$s" || { lab_log "$s: no gateway holds the VIP"; continue; }
		a=$HOLDER
		lab_log "$s: group vpn on $a"
		lab_exec "$a" crm_mon -1 -r 2>/dev/null | sed -n '/Full List of Resources/,$p' | sed 's/^/    /'
		echo "    routes learned by BGP on $a:"; ip -n "$a" route show proto bgp | sed 's/^/      /'
		echo "    ESP SAs on $a:"; ip -n "$a" xfrm state | grep -E '^src|proto esp' | paste - - | sed 's/^/      /'
		echo "    BGP on $a:"; lab_vtysh "$a" -c 'show bgp summary' 2>/dev/null | grep -E '^Neighbor|^172\.' | sed 's/^/      /'
	done
}
show_state() { if [ "$LAYOUT" = takeover ]; then show_vpn; else routed_show; fi; }
show_state
for s in $E2E_SITES; do
	holder "$s" || { show_state; lab_fail "$s: no live gateway holds the VIP"; }
	a=$HOLDER; n=$(e2e_n "$a"); o=$((3 - n))
	[ -n "$(ip -n "$a" route show "10.$o.0.0/24" proto bgp)" ] || lab_fail "$a: 10.$o.0.0/24 not learned by BGP"
done
step "ESP on the wire: capturing the internet segment for 2 s"
lab_capture_start wire internet br0 || lab_fail capture
lab_exec lan1 ping -c 20 -i 0.05 -q 10.2.0.100 >/dev/null 2>&1
lab_capture_stop wire
esp=$(lab_capture_count wire esp); gre=$(lab_capture_count wire 'ip proto 47')
lab_log "internet segment: $esp ESP packets, $gre cleartext GRE packets"
lab_result e2e_wire_esp "$esp"; lab_result e2e_wire_cleartext_gre "$gre"
[ "$esp" -ge 40 ] || lab_fail "expected >= 40 ESP packets on the internet segment, saw $esp"
[ "$gre" = 0 ] || lab_fail "cleartext GRE on the internet segment: $gre packets"
routing_proofs before
ct_start

# ---------------------------------------------------------------- failovers
# probe_steady TAG SINCE: the probe answered after SINCE and for the last 2 s without a loss
probe_steady() {
	awk -v since="$2" -v now="$EPOCHREALTIME" -v iv="$IV" '
	/bytes from/ { t = substr($1, 2, length($1) - 2) + 0; if (t > since) { n++; if (t > now - 2) recent++ } }
	/no answer yet/ { t = substr($1, 2, length($1) - 2) + 0; if (t > now - 2) lost++ }
	END { exit !(n > 0 && lost == 0 && recent >= 0.5 * 2 / iv) }' "$LAB_OUT/probes/$1.txt"
}

# gave_up_clean OLD SITE: nothing of the group is left on the gateway that gave it up:
# no VIP, no ESP SA, no IPsec policy other than ipsec-conn's fail-closed block
# policy (kept by design) and charon's socket bypass policies, no gre1, no route to
# the other LAN, no BGP neighbor.
gave_up_clean() {
	local h=$1 n o bad=0 x
	n=$(e2e_n "$h"); o=$((3 - n))
	x=$(ip -n "$h" -4 addr show | grep -E "inet (203\.0\.113\.${n}0|10\.$n\.0\.1)/") &&
		{ lab_log "$h still has a VIP: $x"; bad=1; }
	x=$(ip -n "$h" xfrm state | grep -c '^src')
	[ "$x" = 0 ] || { lab_log "$h still has $x ESP SAs:"; ip -n "$h" xfrm state; bad=1; }
	x=$(ip -n "$h" xfrm policy | awk '/^src/ { if (p != "" && p !~ /action block/ && p !~ /socket/) c++; p = $0; next }
		{ p = p " " $0 } END { if (p != "" && p !~ /action block/ && p !~ /socket/) c++; print c + 0 }')
	[ "$x" = 0 ] || { lab_log "$h still has $x IPsec policies:"; ip -n "$h" xfrm policy; bad=1; }
	ip -n "$h" link show gre1 >/dev/null 2>&1 && { lab_log "$h still has gre1"; bad=1; }
	x=$(ip -n "$h" route show "10.$o.0.0/24")
	[ -z "$x" ] || { lab_log "$h still has a route to 10.$o.0.0/24: $x"; bad=1; }
	x=$(lab_vtysh "$h" -c 'show running-config' 2>/dev/null | grep -c "neighbor 172\.16\.0\.")
	[ "$x" = 0 ] || { lab_log "$h still has a BGP neighbor"; lab_vtysh "$h" -c 'show bgp summary'; bad=1; }
	return $bad
}

# link_up NODE: NODE's attrd last logged both of NODE's mii-link attributes
# as 1 (read from its Pacemaker log: no fork).  Right after a restore the log
# still holds the values from before the crash: use link_ok there.
link_up() {
	local i e='' n=''; local -a l
	mapfile -t l <"$LAB_HOSTS/$1/var/log/pacemaker/pacemaker.log" 2>/dev/null || return 1
	for ((i = ${#l[@]} - 1; i >= 0 && (${#e} == 0 || ${#n} == 0); i--)); do
		[[ ${l[i]} == *"Setting vpnha-link-"* ]] || continue
		if [ -z "$e" ] && [[ ${l[i]} == *"Setting vpnha-link-ext0[$1]: "* ]]; then
			[[ ${l[i]} == *"-> 1 |"* ]] && e=1 || e=0
		elif [ -z "$n" ] && [[ ${l[i]} == *"Setting vpnha-link-int0[$1]: "* ]]; then
			[[ ${l[i]} == *"-> 1 |"* ]] && n=1 || n=0
		fi
	done
	[ "$e$n" = 11 ]
}
# links_up SITE: link_up on every live gateway of SITE
links_up() {
	local h n=${1#site}
	for h in "gw${n}a" "gw${n}b"; do pid_of "$h" || continue; link_up "$h" || return 1; done
}
# link_ok NODE: NODE's mii-link attributes are 1, asked from attrd (forks)
link_ok() {
	local v i
	for i in ext0 int0; do
		v=$(lab_exec "$1" attrd_updater -Q -n "vpnha-link-$i" -N "$1" 2>/dev/null | sed -n 's/.*value="\([^"]*\)".*/\1/p')
		[ "$v" = 1 ] || return 1
	done
}

# moved_steady PID VIP TAG SINCE: the new gateway has the VIP and traffic is steady
# (routed-lan: no VIP, traffic only)
moved_steady() { { [ "$LAYOUT" = routed-lan ] || has_local_addr "$1" "$2"; } && probe_steady "$3" "$4"; }

# site_idle SITE: the site's DC is idle: a live node's controller last logged a
# state transition to S_IDLE (no transition in progress).  Read from the
# Pacemaker logs (no fork: cluster tools cost ~0.3 s each inside UML).
site_idle() {
	local h n=${1#site} i; local -a l
	for h in "gw${n}a" "gw${n}b"; do
		pid_of "$h" || continue
		mapfile -t l <"$LAB_HOSTS/$h/var/log/pacemaker/pacemaker.log" 2>/dev/null || continue
		for ((i = ${#l[@]} - 1; i >= 0; i--)); do
			[[ ${l[i]} == *"State transition "* ]] || continue
			[[ ${l[i]} == *"-> S_IDLE "* ]] && return 0
			break
		done
	done
	return 1
}
# ready: both groups run (VIP holders, from /proc) and both DCs are idle, seen
# twice 1 s apart: after a repair (link back, unstandby, rejoin) Pacemaker may
# still be re-probing or recovering.
# (routed: the VIP is back on the site's primary, unless the primary stays
# off after the site's last crash, and every live BGP session is up)
ready_once() {
	local s
	for s in $E2E_SITES; do holder "$s" && site_idle "$s" || return 1; done
	[ "$LAYOUT" = takeover ] && return 0
	for s in $E2E_SITES; do
		routed_primary "$s" && holder "$s" || return 1
		[ "$HOLDER" = "$PRIMARY" ] || ! pid_of "$PRIMARY" || return 1
	done
	routed_all_up
}
ready() { ready_once && lab_sleep 1 && ready_once; }

N_FO=0
# failover KIND ROUND: KIND = s1-extcut | s1-crash | s1-standby | s2-extcut | s2-crash | s2-standby
failover() {
	local kind=$1 round=$2 site k old new peer tag t0 nosync=
	# KIND+nosync: with the conntrackd clone disabled (proofs-conntrack.sh)
	[[ $kind == *+nosync ]] && nosync=1 kind=${kind%+nosync}
	site=site${kind:1:1}; k=${kind#*-}
	N_FO=$((N_FO + 1)); tag=$(printf '%02d-%s' "$N_FO" "$kind${nosync:+-nosync}")
	# Both groups running and the clusters idle before the next failure: after a
	# repair (link back, unstandby, rejoin) Pacemaker may still be re-probing or
	# recovering; under a slow UML that can take tens of seconds.
	# Both gateways of the site report their links up (after the previous
	# repair), then both groups run and both clusters are idle.
	lab_wait 180 0.5 links_up "$site" || lab_fail "$tag: $site's links are not all reported up"
	lab_wait 300 0.5 ready || { show_state; lab_fail "$tag: groups not running or clusters not idle"; }
	holder "$site"; old=$HOLDER; new=$(e2e_other "$old")
	lab_alive "$new" || lab_fail "$tag: $new is down"
	holder "$([ "$site" = site1 ] && echo site2 || echo site1)"; peer=$HOLDER
	step "failover $tag (round $round): $k on $old ($site active), $new should take over"
	lab_probe_start "$tag" lan1 10.2.0.100 "$IV"
	lab_wait 30 0.25 probe_steady "$tag" 0 || lab_fail "$tag: no steady traffic before the failure"
	ct_pre "$tag" "$site" "$old" "$new" "$nosync"
	case $k in
	extcut) t0=$EPOCHREALTIME; lab_cut "$old" ext0 ;;
	crash) t0=$EPOCHREALTIME; lab_crash "$old" ;;
	standby)
		t0=$EPOCHREALTIME
		# niced: pcs (python) keeps running after its CIB change; on the lab's
		# one vCPU it would otherwise compete with the failover it started
		lab_exec "$new" nice -n 19 pcs node standby "$old" >/dev/null || lab_fail "$tag: pcs node standby"
		lab_log "pcs node standby $old returned after $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s"
		;;
	*) lab_fail "unknown failover kind $kind" ;;
	esac
	# The new gateway holds the site's public VIP and traffic flows steadily,
	# checked once a second from files (no cluster tool): polling the cluster
	# during the outage would take CPU from the one UML vCPU the failover runs on.
	# Then where the group runs, once.
	local vpid; vpid=$(lab_pid "$new") || lab_fail "$tag: no pid for $new"
	vip_addr "$site"
	lab_wait "${LAB_E2E_WAIT:-600}" 1 moved_steady "$vpid" "$VIPA" "$tag" "$t0" ||
		{ show_state; lab_fail "$tag: lan1 -> lan2 traffic not back through $new"; }
	if [ -n "$LAST_RSC" ]; then
		lab_resource_wait "$new" "$LAST_RSC" "$new" 120 || { lab_exec "$new" crm_mon -1 -r; lab_fail "$tag: $LAST_RSC did not move to $new"; }
	fi
	sleep 0.5
	lab_probe_stop "$tag"
	ct_post "$tag" "$site" "$t0" "$nosync" "$old"
	python3 "$PY" --t0 "$t0" --kind "$k" --old "$old" --new "$new" --peer "$peer" --hosts "$LAB_HOSTS" \
		--probe "$LAB_OUT/probes/$tag.txt" --iv "$IV" --tag "$tag" --neighbor "172.16.0.$((3 - $(e2e_n "$new")))" \
		--layout "$LAYOUT" --others "$E2E_GWS" \
		--json "$RES/$tag.json" || lab_fail "$tag: timeline"
	# the gateway that gave up the group keeps nothing of it
	if [ "$k" != crash ]; then
		if [ "$LAYOUT" = takeover ]; then gave_up_clean "$old"; else routed_gave_up_clean "$old"; fi ||
			lab_fail "$tag: state left on $old"
		lab_log "ok: nothing of the group left on $old"
	fi
	# repair, so that OLD can take the group again
	case $k in
	extcut) lab_uncut "$old" ext0 ;;
	standby) lab_exec "$new" crm_attribute -N "$old" -n standby -v off >/dev/null ;;
	crash)
		# fencing is on: the survivor switched OLD off through the lab's
		# power switch before it took the group (OLD was already off: the
		# crash cut its power)
		awk -v t0="$t0" -v h="$old:" '$1 >= t0 && $2 == "off" && $3 == h && $4 == "ok" { f = 1 } END { exit !f }' \
			"$LAB_OUT/power.log" 2>/dev/null ||
			{ cat "$LAB_OUT/power.log"; lab_fail "$tag: $old was not fenced"; }
		[ "${3:-}" = last ] && { status_proofs lost "$new" "$old" "$t0"; return 0; }
		# a fenced gateway stays off (stonith-action=off): power it on at the
		# switch, as an admin would; its daemons start (lab_restore)
		lab_power "$old" on >"$RES/restore-$tag.log" 2>&1 || { cat "$RES/restore-$tag.log"; lab_fail "$tag: power on $old"; }
		lab_cluster_wait_online "$site" 120 || lab_fail "$tag: $old did not rejoin"
		lab_wait 180 2 link_ok "$old" || lab_fail "$tag: $old's links not reported up again"
		;;
	esac
	status_proofs failover "$tag" "$site"
}

# vpnha status against the truth before the failovers (proofs-status.sh:
# here, once demo.sh's helpers it uses are defined)
status_proofs before
# fail-closed across every failover: no GRE may cross the internet in clear
lab_capture_start cleartext internet br0 'ip proto 47' || lab_fail "capture"
kinds=()
if [ "$MODE" = bench ]; then
	for ((r = 1; r <= BENCH_N; r++)); do for k in $KINDS; do kinds+=("$k:$r"); done; done
else
	for k in $KINDS; do kinds+=("$k:1"); done
fi
for ((i = 0; i < ${#kinds[@]}; i++)); do
	k=${kinds[$i]}; last=
	# the last crash of a site needs no restore (nothing comes after it there)
	if [[ $k == *crash* ]]; then
		last=last
		for ((j = i + 1; j < ${#kinds[@]}; j++)); do [[ ${kinds[$j]} == ${k:0:2}-* ]] && last=; done
	fi
	failover "${k%%:*}" "${k##*:}" $last
done

lab_capture_stop cleartext
gre=$(lab_capture_count cleartext)
lab_log "cleartext GRE packets on the internet segment during all failovers: $gre"
lab_result e2e_failover_cleartext_gre "$gre"
[ "$gre" = 0 ] || lab_fail "GRE crossed the internet in clear during a failover ($gre packets)"

routing_proofs after

# ---------------------------------------------------------------- summary
step "summary"
python3 "$E2E/summary.py" "$RES"/[0-9]*.json | tee "$RES/summary.txt"
cp "$RES/summary.txt" "$LAB_OUT/summary-$LAYOUT.txt"
ct_summary
lab_result e2e_total_s "$(elapsed)"
for s in $E2E_SITES; do holder "$s" && lab_log "$s: the VIP and the group are on $HOLDER"; done
step "done in $(elapsed) s (mode $MODE)"
