#!/bin/bash
# Lab test for ocf:vpnha:bgp-peer (run inside UML by tests/lab/lab run).
#
# Two gateways, gw1 and gw2, joined by an underlay cable (198.51.100.0/24) and a
# GRE tunnel (172.16.0.0/30); a LAN host behind each (10.1.0.0/24, 10.2.0.0/24).
# FRR (zebra, bgpd, bfdd) on both; iBGP AS 65432 over the tunnel, next-hop-self,
# redistribute connected filtered by a route-map to the LAN prefixes. gw2's side
# is static frr.conf (the "remote site"); gw1's neighbor is the agent's.
# Every scenario prints what it measured; any failed expectation fails the test.
# shellcheck disable=SC2317
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"

: "${abs_top_builddir:?}"
SRC=${abs_top_srcdir:?}

# ---- agents visible inside the hosts (their /tmp is private) ----
lab_install_build_agents bgp-peer "$SRC/tests/ocf-conformance" "$SRC/tests/bgp-peer/bench.sh" ||
	lab_fail "install the agent"
BIN=$LAB_AGENTS
AGENT=$BIN/bgp-peer

# ---- topology ----
for h in gw1 gw2 lan1 lan2; do lab_host $h || lab_fail "host $h"; done
lab_link gw1 eth0 gw2 eth0 198.51.100.1/24 198.51.100.2/24 || lab_fail "underlay"
lab_link gw1 eth1 lan1 eth0 10.1.0.1/24 10.1.0.10/24 || lab_fail "lan1"
lab_link gw2 eth1 lan2 eth0 10.2.0.1/24 10.2.0.10/24 || lab_fail "lan2"
lab_route lan1 default 10.1.0.1
lab_route lan2 default 10.2.0.1
lab_forwarding gw1
lab_forwarding gw2
lab_gre gw1 gre1 198.51.100.1 198.51.100.2 172.16.0.1/30 || lab_fail "gre gw1"
lab_gre gw2 gre1 198.51.100.2 198.51.100.1 172.16.0.2/30 || lab_fail "gre gw2"

frr_conf() { # frr_conf ID LANPREFIX [PEER-NEIGHBOR-LINES]
	cat <<EOF
frr defaults traditional
hostname $1
ip prefix-list LAN seq 10 permit $2
route-map LAN-ONLY permit 10
 match ip address prefix-list LAN
!
bfd
 profile fast
  receive-interval 100
  transmit-interval 100
  detect-multiplier 3
 !
!
router bgp 65432
 bgp router-id $3
 bgp log-neighbor-changes
 no bgp ebgp-requires-policy
${4:-}
 address-family ipv4 unicast
  redistribute connected route-map LAN-ONLY
${5:-}
 exit-address-family
!
EOF
}
frr_conf gw1 10.1.0.0/24 172.16.0.1 >/tmp/gw1.conf
frr_conf gw2 10.2.0.0/24 172.16.0.2 \
	"$(printf ' neighbor 172.16.0.1 remote-as 65432\n neighbor 172.16.0.1 timers 3 9\n neighbor 172.16.0.1 timers connect 1\n neighbor 172.16.0.1 bfd\n neighbor 172.16.0.1 bfd profile fast')" \
	'  neighbor 172.16.0.1 next-hop-self' >/tmp/gw2.conf
lab_frr_start gw1 /tmp/gw1.conf zebra bgpd bfdd || lab_fail "frr gw1"
lab_frr_start gw2 /tmp/gw2.conf zebra bgpd bfdd || lab_fail "frr gw2"
lab_log "topology and FRR up"

NBR=172.16.0.2
# keepalive 3 / hold 9: robust when the lab machine is loaded; BFD does the fast detection
BASE=("neighbor=$NBR" local_as=65432 remote_as=65432 keepalive=3 holdtime=9 connect_timer=1)
ocf() { lab_ocf gw1 "$AGENT" "$@"; }   # ocf ACTION KEY=VALUE...
# monitors are recurring ones unless a test says OCF_RESKEY_CRM_meta_interval=0 (probe)
export OCF_RESKEY_CRM_meta_interval=10000
rc_of() { "$@" >/tmp/ocf.out 2>&1; echo $?; }
vty1() { lab_vtysh gw1 -c "$1"; }
vty2() { lab_vtysh gw2 -c "$1"; }
nbr_field() { # nbr_field HOST NEIGHBOR JQ-PATH
	lab_vtysh "$1" -c "show bgp neighbors $2 json" 2>/dev/null | jq -r --arg n "$2" ".[\$n]$3 // \"none\""
}
gw1_has_neighbor() { [ "$(nbr_field gw1 $NBR .bgpState)" != none ]; }
gw1_no_neighbor() { ! gw1_has_neighbor; }
bfd_up() { [ "$(nbr_field gw1 $NBR .peerBfdInfo.status)" = Up ]; }

# route_present HOST A.B.C.D: HOST's kernel has a route to that /24 (no fork: /proc).
# shellcheck disable=SC2086 # split the address on IFS=.
route_hex() { local IFS=.; set -- $1; printf '%02X%02X%02X%02X' "$4" "$3" "$2" "$1"; }
route_present() {
	local l pid want; pid=$(lab_pid "$1"); want=$'\t'"$(route_hex "$2")"$'\t'
	while IFS= read -r l; do [[ $l == *"$want"* ]] && return 0; done <"/proc/$pid/net/route"
	return 1
}
# notif_time PCAP T0: epoch time of the first BGP NOTIFICATION in PCAP at or after T0.
notif_time() {
	tcpdump -r "$1" -tt -n 'tcp port 179 and tcp[((tcp[12]>>4)*4)+18] == 3' 2>/dev/null |
		awk -v t0="$2" '$1 >= t0 { print $1; found = 1; exit } END { exit !found }'
}
# a sleep that does not fork (bash read timeout on an idle fifo)
mkfifo /tmp/idle.fifo; exec 9<>/tmp/idle.fifo
nap() { read -r -t "$1" -u 9 _; }
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%d", (b-a)*1000}'; }

# ================================================================ bad input
lab_log "== bad input: rc 6 with a reason, nothing configured"
install -d -m 700 "$(lab_hostpath gw1 /etc/vpnha)"
printf 'S3cret-pw\n' >"$(lab_hostpath gw1 /etc/vpnha/bgp.pw)"; chmod 600 "$(lab_hostpath gw1 /etc/vpnha/bgp.pw)"
printf 'S3cret-pw\n' >"$(lab_hostpath gw1 /etc/vpnha/open.pw)"; chmod 644 "$(lab_hostpath gw1 /etc/vpnha/open.pw)"
bad() { # bad DESC WANT-IN-REASON KEY=VALUE... (rc 6; BAD_RC=5 for a node-local fault)
	local d=$1 want=$2 rc; shift 2
	rc=$(rc_of ocf start "$@")
	if [ "$rc" = "${BAD_RC:-6}" ] && grep -q "ocf-exit-reason:.*$want" /tmp/ocf.out && ! gw1_has_neighbor; then
		lab_ok "bad input: $d -> rc $rc: $(grep ocf-exit-reason /tmp/ocf.out)"
	else
		lab_notok "bad input: $d -> rc $rc"; cat /tmp/ocf.out
	fi
}
bad "malformed neighbor" "neighbor" neighbor=172.16.0.256 local_as=65432 remote_as=65432
bad "neighbor with a space" "neighbor" "neighbor=172.16.0.2 shutdown" local_as=65432 remote_as=65432
bad "AS 0" "remote_as" neighbor=$NBR local_as=65432 remote_as=0
bad "AS 4294967296" "local_as" neighbor=$NBR local_as=4294967296 remote_as=65432
bad "unknown address family" "address_families" "${BASE[@]}" address_families=ipv4-multicast
bad "vrf with a space" "vrf" "${BASE[@]}" "vrf=red blue"
bad "update_source with a newline" "update_source" "${BASE[@]}" "update_source=$(printf 'eth0\nno router bgp 65432')"
BAD_RC=5 bad "password file missing (node-local: 5)" "password_file" "${BASE[@]}" password_file=/etc/vpnha/missing.pw
BAD_RC=5 bad "password file world-readable (node-local: 5)" "password_file" "${BASE[@]}" password_file=/etc/vpnha/open.pw
bad "multicast neighbor" "neighbor.*multicast" neighbor=224.0.0.5 local_as=65432 remote_as=65432
bad "holdtime without keepalive" "keepalive" neighbor=$NBR local_as=65432 remote_as=65432 holdtime=9
bad "configure-only parameter in shutdown mode" "bfd" neighbor=$NBR local_as=65432 manage=shutdown bfd=true

# ================================================================ conformance
lab_log "== conformance harness (manage=configure, real bgpd)"
lab_exec gw1 "$BIN"/ocf-conformance -o neighbor=$NBR -o local_as=65432 -o remote_as=65432 \
	-o keepalive=3 -o holdtime=9 -o connect_timer=1 "$AGENT" >/tmp/conf.out 2>&1
crc=$?; cat /tmp/conf.out
lab_check "conformance harness (configure)" test "$crc" = 0
lab_check "no neighbor left after the harness" gw1_no_neighbor

# ================================================================ routes over GRE
lab_log "== start (configure): BGP over GRE, LAN routes, ping"
lab_now; t0=$LAB_NOW
rc=$(rc_of ocf start "${BASE[@]}" wait_established=true); cat /tmp/ocf.out
lab_result bgp_start_to_established_s "$(lab_since "$t0")"
lab_check "start rc 0 (Established)" test "$rc" = 0
lab_check "gw1 learns 10.2.0.0/24" lab_route_wait gw1 10.2.0.0/24 15
lab_check "gw2 learns 10.1.0.0/24" lab_route_wait gw2 10.1.0.0/24 15
lab_check "underlay 198.51.100.0/24 not announced (route-map)" \
	test "$(nbr_field gw2 172.16.0.1 .addressFamilyInfo.ipv4Unicast.acceptedPrefixCounter)" = 1
nh_self() { ip -n gw2 route show 10.1.0.0/24 | grep -q 'via 172.16.0.1 dev gre1'; }
lab_check "next-hop-self: gw2's route to 10.1.0.0/24 via 172.16.0.1" nh_self
lab_check "ping lan1 -> lan2 through the tunnel" lab_exec lan1 ping -c 3 -i 0.2 -W 2 10.2.0.10
lab_check "monitor rc 0" test "$(rc_of ocf monitor "${BASE[@]}")" = 0
lab_check "monitor depth 10, min_prefixes=1: rc 0" \
	test "$(OCF_CHECK_LEVEL=10 rc_of ocf monitor "${BASE[@]}" min_prefixes=1)" = 0
lab_check "monitor depth 10, min_prefixes=5, no grace: rc 1" \
	test "$(OCF_CHECK_LEVEL=10 rc_of ocf monitor "${BASE[@]}" min_prefixes=5 established_grace=0)" = 1
grep ocf-exit-reason /tmp/ocf.out

# ================================================================ benchmark
lab_log "== benchmark (inside UML: process start-up dominates both)"
lab_exec gw1 env VPNHA_RUN_DIR=/run/vpnha "$BIN"/bench.sh "$AGENT" $NBR 65432 /run/frr 50 >/tmp/bench.out 2>&1
grep -v ^RESULT /tmp/bench.out
while read -r _ kv; do lab_result "uml_${kv%%=*}" "${kv#*=}"; done < <(grep ^RESULT /tmp/bench.out)
lab_check "monitor forks nothing" grep -q "bench_agent_monitor_forks=0" /tmp/bench.out

# ================================================================ reload-agent
lab_log "== reload-agent: timers and BFD without a session reset"
drop0=$(nbr_field gw1 $NBR .connectionsDropped)
rc=$(rc_of ocf reload-agent neighbor=$NBR local_as=65432 remote_as=65432 keepalive=2 holdtime=6 \
	connect_timer=1); cat /tmp/ocf.out
lab_check "reload-agent (timers) rc 0" test "$rc" = 0
lab_check "configured hold time is now 6 s" test "$(nbr_field gw1 $NBR .bgpTimerConfiguredHoldTimeMsecs)" = 6000
lab_check "session not reset by the timers reload (connectionsDropped $drop0)" \
	test "$(nbr_field gw1 $NBR .connectionsDropped)" = "$drop0"
lab_log "gw1: last reset: $(nbr_field gw1 $NBR .lastResetDueTo)"
rc=$(rc_of ocf reload-agent neighbor=$NBR local_as=65432 remote_as=65432 keepalive=2 holdtime=6 \
	connect_timer=1 bfd=true bfd_profile=fast); cat /tmp/ocf.out
lab_check "reload-agent (bfd on) rc 0" test "$rc" = 0
lab_check "BFD comes up" lab_wait 10 0.3 bfd_up
lab_check "still Established" lab_bgp_wait_established gw1 $NBR 20
BFD=("neighbor=$NBR" local_as=65432 remote_as=65432 keepalive=2 holdtime=6 connect_timer=1 bfd=true bfd_profile=fast)

# ================================================================ BFD
lab_log "== BFD: underlay cut detected in < 1 s"
lab_capture_start bfd-gw1 gw1 gre1 tcp port 179 || lab_fail "capture"
t0=$EPOCHREALTIME
lab_cut gw1 eth0 --silent
t1=$EPOCHREALTIME
lab_check "BFD took the session down (Cease/BFD Down)" \
	lab_wait 5 0.1 grep -q 'Cease/BFD Down' "$(lab_hostpath gw1 /var/log/frr/bgpd.log)"
# tcpdump may lag under load: let it write the packet before stopping it
lab_wait 10 0.2 notif_time "$LAB_OUT/captures/bfd-gw1.pcap" "$t0" >/dev/null
lab_capture_stop bfd-gw1
if td=$(notif_time "$LAB_OUT/captures/bfd-gw1.pcap" "$t0"); then
	lab_result bfd_cut_detect_ms "$(ms_between "$t0" "$td")"
	lab_check "BFD detection (cut -> NOTIFICATION sent) < 1000 ms" test "$(ms_between "$t0" "$td")" -lt 1000
else
	lab_check "gw1 sent a NOTIFICATION after the cut" false
fi
lab_uncut gw1 eth0
lab_check "re-established after the cut" lab_bgp_wait_established gw1 $NBR 30
lab_check "routes back" lab_route_wait gw1 10.2.0.0/24 15

# ================================================================ stop: CEASE
lab_log "== stop: peer sees CEASE within 1 s and withdraws"
lab_bgp_wait_established gw2 172.16.0.1 10
lab_capture_start cease-gw2 gw2 gre1 tcp port 179 || lab_fail "capture"
t0=$EPOCHREALTIME
rc=$(rc_of ocf stop "${BFD[@]}"); cat /tmp/ocf.out
t1=$EPOCHREALTIME
lab_check "stop rc 0" test "$rc" = 0
gone=
while :; do
	route_present gw2 10.1.0.0 || { gone=$EPOCHREALTIME; break; }
	[ "$(ms_between "$t0" "$EPOCHREALTIME")" -gt 5000 ] && break
	nap 0.005
done
lab_wait 10 0.2 notif_time "$LAB_OUT/captures/cease-gw2.pcap" "$t0" >/dev/null
lab_capture_stop cease-gw2
g2log=$(lab_hostpath gw2 /var/log/frr/bgpd.log)
if td=$(notif_time "$LAB_OUT/captures/cease-gw2.pcap" "$t0"); then
	lab_result stop_to_peer_notification_ms "$(ms_between "$t0" "$td")"
	lab_check "peer receives the CEASE within 1 s of the stop action" test "$(ms_between "$t0" "$td")" -lt 1000
else
	lab_check "peer received a NOTIFICATION" false
fi
lab_check "peer logged Cease/Administrative Shutdown" grep -q 'Cease/Administrative Shutdown' "$g2log"
if [ -n "$gone" ] && [ -n "${td:-}" ]; then
	lab_result stop_to_peer_withdrawn_ms "$(ms_between "$t0" "$gone")"
	lab_result peer_withdrawn_after_cease_ms "$(ms_between "$td" "$gone")"
	# without the CEASE the peer would wait out its hold timer (9 s) first
	lab_check "peer withdrew 10.1.0.0/24 before its hold timer (9 s) could have expired" \
		test "$(ms_between "$t0" "$gone")" -lt 9000
else
	lab_check "peer withdrew 10.1.0.0/24" false
fi
lab_result stop_action_ms "$(ms_between "$t0" "$t1")"
lab_check "neighbor removed from gw1 (we added it)" gw1_no_neighbor
lab_check "monitor after stop rc 7" test "$(rc_of ocf monitor "${BASE[@]}")" = 7

# ================================================================ faults
lab_log "== fault: peer down at start"
lab_vtysh gw2 -c "configure terminal" -c "router bgp 65432" -c "neighbor 172.16.0.1 shutdown" >/dev/null
REQ=("${BASE[@]}" require_established=true established_grace=2s)
lab_check "start with the peer down: rc 0" test "$(rc_of ocf start "${REQ[@]}")" = 0
lab_check "monitor within grace: rc 0" test "$(rc_of ocf monitor "${REQ[@]}")" = 0
lab_check "monitor without require_established: rc 0" test "$(rc_of ocf monitor "${BASE[@]}")" = 0
sleep 2.5
lab_check "monitor after grace with require_established: rc 1" test "$(rc_of ocf monitor "${REQ[@]}")" = 1
grep ocf-exit-reason /tmp/ocf.out
lab_check "depth 10 without require_established: rc 0" test "$(OCF_CHECK_LEVEL=10 rc_of ocf monitor "${BASE[@]}")" = 0
lab_vtysh gw2 -c "configure terminal" -c "router bgp 65432" -c "no neighbor 172.16.0.1 shutdown" >/dev/null
lab_check "peer back: Established" lab_bgp_wait_established gw1 $NBR 20

lab_log "== fault: neighbor removed behind the agent's back"
lab_vtysh gw1 -c "configure terminal" -c "router bgp 65432" -c "no neighbor $NBR" >/dev/null
lab_check "monitor rc 1" test "$(rc_of ocf monitor "${BASE[@]}")" = 1
grep ocf-exit-reason /tmp/ocf.out
lab_check "probe rc 7" test "$(OCF_RESKEY_CRM_meta_interval=0 rc_of ocf monitor "${BASE[@]}")" = 7
lab_check "stop rc 0" test "$(rc_of ocf stop "${BASE[@]}")" = 0

lab_log "== fault: bgpd killed"
lab_check "start rc 0" test "$(rc_of ocf start "${BASE[@]}" wait_established=true)" = 0
lab_exec gw1 pkill -KILL -x bgpd
sleep 0.3
lab_check "monitor rc 7 (bgpd dead)" test "$(rc_of ocf monitor "${BASE[@]}")" = 7
grep ocf-exit-reason /tmp/ocf.out
lab_check "stop rc 0 (bgpd dead)" test "$(rc_of ocf stop "${BASE[@]}")" = 0
lab_check "start with bgpd dead: rc 1, clear reason" test "$(rc_of ocf start "${BASE[@]}")" = 1
grep ocf-exit-reason /tmp/ocf.out
lab_check "no state file left" test ! -e "/proc/$(lab_pid gw1)/root/run/vpnha/bgp-peer/lab-bgp-peer.state"
lab_frr_start gw1 "" bgpd || lab_fail "restart bgpd"

lab_log "== manage=shutdown: neighbor from frr.conf"
lab_vtysh gw1 -c "configure terminal" -c "router bgp 65432" -c "neighbor $NBR remote-as 65432" \
	-c "neighbor $NBR timers 3 9" -c "neighbor $NBR timers connect 1" -c "neighbor $NBR shutdown" >/dev/null
SH=("neighbor=$NBR" local_as=65432 remote_as=65432 manage=shutdown)
lab_check "configure mode refuses a neighbor it did not add: rc 1" test "$(rc_of ocf start "${BASE[@]}")" = 1
grep ocf-exit-reason /tmp/ocf.out
lab_exec gw1 "$BIN"/ocf-conformance -o neighbor=$NBR -o local_as=65432 -o manage=shutdown "$AGENT" >/tmp/conf.out 2>&1
crc=$?; cat /tmp/conf.out
lab_check "conformance harness (shutdown mode)" test "$crc" = 0
lab_check "start (shutdown mode) rc 0, Established" test "$(rc_of ocf start "${SH[@]}" wait_established=true)" = 0
lab_check "monitor rc 0" test "$(rc_of ocf monitor "${SH[@]}")" = 0
t0=$EPOCHREALTIME
lab_check "stop (shutdown mode) rc 0" test "$(rc_of ocf stop "${SH[@]}")" = 0
lab_check "neighbor kept, administratively down" test "$(nbr_field gw1 $NBR .adminShutDown)" = true
lab_check "monitor after stop rc 7" test "$(rc_of ocf monitor "${SH[@]}")" = 7
lab_vtysh gw1 -c "configure terminal" -c "router bgp 65432" -c "no neighbor $NBR" >/dev/null

lab_log "== password from a root-only file"
lab_vtysh gw2 -c "configure terminal" -c "router bgp 65432" -c "neighbor 172.16.0.1 password S3cret-pw" >/dev/null
PW=("${BASE[@]}" password_file=/etc/vpnha/bgp.pw)
rc=$(HA_debug=1 HA_LOGFILE=/var/log/lab/agent-debug.log rc_of ocf start "${PW[@]}" wait_established=true)
cat /tmp/ocf.out
lab_check "start with password: rc 0, Established (TCP MD5)" test "$rc" = 0
HA_debug=1 HA_LOGFILE=/var/log/lab/agent-debug.log ocf monitor "${PW[@]}" >>/tmp/ocf.out 2>&1
HA_debug=1 HA_LOGFILE=/var/log/lab/agent-debug.log ocf stop "${PW[@]}" >>/tmp/ocf.out 2>&1
no_pw() { ! grep -q S3cret-pw /tmp/ocf.out "$(lab_hostpath gw1 /var/log/lab/agent-debug.log)"; }
lab_check "the password is in no agent output or log" no_pw
lab_check "the agent logged its commands (debug log not empty)" \
	grep -q "password (not shown)" "$(lab_hostpath gw1 /var/log/lab/agent-debug.log)"

lab_summary
