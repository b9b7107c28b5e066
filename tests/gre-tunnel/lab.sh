#!/bin/bash
# ocf:vpnha:gre-tunnel in the lab (UML): run by tests/gre-tunnel/lab.test through
#   tests/lab/lab run tests/gre-tunnel/lab.sh
# Two gateways gw1, gw2 on one underlay cable (IPv4 198.51.100.0/24 and IPv6
# 2001:db8:100::/64), each with a LAN (dummy lan0: 10.1.0.1/24, 10.2.0.1/24).
# Cases: traffic over gre (inner p2p address + routed prefixes), the conformance
# harness, faults behind the agent's back, foreign interface, partial start,
# absent underlay address, reload-agent, IPv6 underlay, gretap/ip6gretap, bad input.
# Prints "ok"/"not ok" per check, measured numbers as RESULT lines; exit 1 on any failure.
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"

: "${top_srcdir:?}" "${top_builddir:?}"
SRC_AG=${GRE_AGENT:-$top_builddir/agents/gre-tunnel}
# Lab hosts have a private /tmp (build trees often live there): run a copy from /lab.
lab_install_build_agents "gre-tunnel=$SRC_AG" "$top_srcdir/tests/ocf-conformance" || lab_fail "install the agent"
AG=$LAB_AGENTS/gre-tunnel
CONF=$LAB_AGENTS/ocf-conformance

# ocf HOST INSTANCE ACTION KEY=VALUE...: run the agent, output printed, rc returned
ocf() { LAB_OCF_INSTANCE=$2 lab_ocf "$1" "$AG" "$3" "${@:4}"; }
# ocfi HOST INSTANCE ACTION KEY=VALUE...: a recurring monitor (interval set)
ocfi() { OCF_RESKEY_CRM_meta_interval=10000 ocf "$@"; }
# ocfi10: a recurring monitor at depth 10 (OCF_CHECK_LEVEL=10)
ocfi10() { OCF_CHECK_LEVEL=10 ocfi "$@"; }
# ping_ok DESC HOST ARGS...: at least one reply
ping_ok() {
	local desc=$1 h=$2; shift 2
	if ip netns exec "$h" ping -n -q -c 3 -i 0.2 -W 2 "$@" >/dev/null 2>&1; then
		lab_ok "$desc"
	else
		lab_notok "$desc: ping $* from $h failed"
	fi
}
ping_fails() {
	local desc=$1 h=$2; shift 2
	if ip netns exec "$h" ping -n -q -c 2 -i 0.2 -W 1 "$@" >/dev/null 2>&1; then
		lab_notok "$desc: ping $* from $h unexpectedly answered"
	else
		lab_ok "$desc"
	fi
}
ifindex() { cat "/sys/class/net/$2/ifindex" 2>/dev/null || ip -n "$1" -o link show "$2" 2>/dev/null | cut -d: -f1; }
has_link() { ip -n "$1" link show "$2" >/dev/null 2>&1; }

# ---------------------------------------------------------------- topology
lab_host gw1 || lab_fail "host gw1"
lab_host gw2 || lab_fail "host gw2"
lab_link gw1 eth0 gw2 eth0 198.51.100.1/24 198.51.100.2/24 || lab_fail "underlay cable"
lab_ip gw1 addr add 2001:db8:100::1/64 dev eth0 nodad || lab_fail "v6 gw1"
lab_ip gw2 addr add 2001:db8:100::2/64 dev eth0 nodad || lab_fail "v6 gw2"
for h in gw1 gw2; do
	n=${h#gw}
	lab_ip "$h" link add lan0 type dummy || lab_fail "dummy on $h"
	lab_ip "$h" link set lan0 up
	lab_addr "$h" lan0 "10.$n.0.1/24"
done

# gw1 <-> gw2: a gre tunnel each, p2p inner /32 like the 2003 design, routed LANs
G1=(ifname=gre1 local=198.51.100.1 remote=198.51.100.2 key=42 address=172.16.0.1 peer=172.16.0.2 routes=10.2.0.0/16)
G2=(ifname=gre1 local=198.51.100.2 remote=198.51.100.1 key=42 address=172.16.0.2 peer=172.16.0.1 routes=10.1.0.0/16)

echo "# ---- traffic over gre (IPv4 underlay)"
lab_expect "gw1 probe before start" 7 -- ocf gw1 gre "monitor" "${G1[@]}"
lab_expect "gw1 validate-all" 0 -- ocf gw1 gre validate-all "${G1[@]}"
lab_now; t0=$LAB_NOW
lab_expect "gw1 start" 0 -- ocf gw1 gre start "${G1[@]}"
lab_result gre_start_s "$(lab_since "$t0")"
lab_expect "gw2 start" 0 -- ocf gw2 gre start "${G2[@]}"
lab_expect "gw1 monitor" 0 -- ocfi gw1 gre monitor "${G1[@]}"
lab_expect "gw2 monitor" 0 -- ocfi gw2 gre monitor "${G2[@]}"
ping_ok "ping inner peer 172.16.0.2 over gre" gw1 172.16.0.2
ping_ok "ping routed prefix 10.2.0.1 from 10.1.0.1 over gre" gw1 -I 10.1.0.1 10.2.0.1
ip -n gw1 -d link show gre1 | grep -q "ttl 255" && lab_ok "gw1 gre1 ttl 255" || lab_notok "gw1 gre1 ttl: $(ip -n gw1 -d link show gre1)"
ip -n gw1 -d link show gre1 | grep -q "key 0.0.0.42" && lab_ok "gw1 gre1 key 42" || lab_notok "gw1 gre1 key: $(ip -n gw1 -d link show gre1 | tail -n1)"
lab_expect "gw1 start again (idempotent)" 0 -- ocf gw1 gre start "${G1[@]}"
lab_expect "depth-10 monitor: the inner peer answers" 0 -- ocfi10 gw1 gre monitor "${G1[@]}"
ip netns exec gw2 sysctl -qw net.ipv4.icmp_echo_ignore_all=1
lab_expect "depth-10 monitor: peer silent -> degraded (190)" 190 "peer 172.16.0.2 does not answer" -- ocfi10 gw1 gre monitor "${G1[@]}"
lab_expect "depth-0 monitor still 0 with a silent peer" 0 -- ocfi gw1 gre monitor "${G1[@]}"
ip netns exec gw2 sysctl -qw net.ipv4.icmp_echo_ignore_all=0
ix1=$(ip -n gw1 -o link show gre1 | cut -d: -f1)

echo "# ---- faults behind the agent's back"
ip -n gw1 link set gre1 type gre ttl 64
lab_expect "ttl changed -> monitor 7" 7 "ttl 64 \(want 255\)" -- ocfi gw1 gre monitor "${G1[@]}"
lab_expect "start repairs ttl" 0 -- ocf gw1 gre start "${G1[@]}"
lab_expect "monitor after repair" 0 -- ocfi gw1 gre monitor "${G1[@]}"
[ "$(ip -n gw1 -o link show gre1 | cut -d: -f1)" = "$ix1" ] && lab_ok "repair kept the link (ifindex $ix1)" || lab_notok "repair recreated the link"
ip -n gw1 link set gre1 type gre remote 198.51.100.3
lab_expect "remote changed -> monitor 7" 7 "remote 198.51.100.3 \(want 198.51.100.2\)" -- ocfi gw1 gre monitor "${G1[@]}"
lab_expect "start repairs remote" 0 -- ocf gw1 gre start "${G1[@]}"
ip -n gw1 addr flush dev gre1
lab_expect "address removed -> monitor 7" 7 "address 172.16.0.1/32 peer 172.16.0.2 is missing" -- ocfi gw1 gre monitor "${G1[@]}"
lab_expect "start repairs address" 0 -- ocf gw1 gre start "${G1[@]}"
ip -n gw1 route del 10.2.0.0/16
lab_expect "route removed -> monitor 7" 7 "route 10.2.0.0/16 metric 0 is missing" -- ocfi gw1 gre monitor "${G1[@]}"
lab_expect "start repairs route" 0 -- ocf gw1 gre start "${G1[@]}"
ip -n gw1 link set gre1 down
lab_expect "link set down -> monitor 7" 7 "down" -- ocfi gw1 gre monitor "${G1[@]}"
lab_expect "start sets it up" 0 -- ocf gw1 gre start "${G1[@]}"
ip -n gw1 link del gre1
lab_expect "link deleted -> monitor 7" 7 "gone" -- ocfi gw1 gre monitor "${G1[@]}"
lab_expect "link deleted -> probe 7 (never 6)" 7 -- ocf gw1 gre monitor "${G1[@]}"
lab_expect "start recreates" 0 -- ocf gw1 gre start "${G1[@]}"
lab_expect "monitor after recreate" 0 -- ocfi gw1 gre monitor "${G1[@]}"
ping_ok "traffic resumes after repairs" gw1 -I 10.1.0.1 10.2.0.1

echo "# ---- reload-agent (ttl, mtu, routes live; no recreation)"
ix1=$(ip -n gw1 -o link show gre1 | cut -d: -f1)
G1R=(ifname=gre1 local=198.51.100.1 remote=198.51.100.2 key=42 address=172.16.0.1 peer=172.16.0.2
	ttl=64 mtu=1400 tos=inherit "routes=10.2.0.0/16@20 10.22.0.0/16")
lab_expect "reload-agent with ttl=64 mtu=1400 tos=inherit routes changed" 0 -- ocf gw1 gre reload-agent "${G1R[@]}"
lab_expect "monitor with the new parameters" 0 -- ocfi gw1 gre monitor "${G1R[@]}"
[ "$(ip -n gw1 -o link show gre1 | cut -d: -f1)" = "$ix1" ] && lab_ok "reload kept ifindex $ix1" || lab_notok "reload recreated the link"
ip -n gw1 -d link show gre1 | grep -q "mtu 1400" && lab_ok "mtu 1400 live" || lab_notok "mtu not 1400"
ip -n gw1 route show 10.2.0.0/16 | grep -q "metric 20" && lab_ok "route metric 20 live" || lab_notok "route metric: $(ip -n gw1 route show 10.2.0.0/16)"
[ "$(ip -n gw1 route show 10.2.0.0/16 | wc -l)" = 1 ] && lab_ok "old route (metric 0) removed" || lab_notok "routes: $(ip -n gw1 route show 10.2.0.0/16)"
ip -n gw1 route show 10.22.0.0/16 | grep -q gre1 && lab_ok "added route 10.22.0.0/16" || lab_notok "route 10.22.0.0/16 missing"
lab_expect "old parameters now seen as drift" 7 "ttl 64 \(want 255\)" -- ocfi gw1 gre monitor "${G1[@]}"
lab_expect "reload-agent back" 0 -- ocf gw1 gre reload-agent "${G1[@]}"
ip -n gw1 route show 10.22.0.0/16 | grep -q . && lab_notok "route 10.22.0.0/16 left behind" || lab_ok "route 10.22.0.0/16 removed by reload"
ping_ok "traffic after reloads" gw1 -I 10.1.0.1 10.2.0.1

echo "# ---- conformance harness"
if lab_exec gw1 env OCF_RNG=/usr/share/pcs/data/ocf-1.1.rng "$CONF" -i conf -o ifname=greC -o local=198.51.100.1 \
	-o remote=198.51.100.9 -o key=9 -o address=172.16.9.1/30 -o routes=10.9.0.0/16 "$AG" >"$LAB_OUT/conformance.txt" 2>&1; then
	lab_ok "conformance harness: $(tail -n1 "$LAB_OUT/conformance.txt")"
else
	lab_notok "conformance harness: $(grep -c '^not ok' "$LAB_OUT/conformance.txt") failures"
	sed 's/^/#   /' "$LAB_OUT/conformance.txt"
fi
has_link gw1 greC && lab_notok "conformance left greC behind" || lab_ok "conformance cleaned up greC"

echo "# ---- foreign interface with the same name"
ip -n gw1 link add foo0 type gre local 198.51.100.1 remote 198.51.100.77 ttl 64
fix=$(ip -n gw1 -o link show foo0 | cut -d: -f1)
F=(ifname=foo0 local=198.51.100.1 remote=198.51.100.77)
lab_expect "probe with a foreign interface -> 7" 7 "not created by this resource" -- ocf gw1 foreign monitor "${F[@]}"
lab_expect "start refuses a foreign interface" 1 "not created by this resource" -- ocf gw1 foreign start "${F[@]}"
lab_expect "stop leaves it alone" 0 -- ocf gw1 foreign stop "${F[@]}"
[ "$(ip -n gw1 -o link show foo0 2>/dev/null | cut -d: -f1)" = "$fix" ] && lab_ok "foreign foo0 untouched (ifindex $fix, ttl $(ip -n gw1 -d link show foo0 | grep -o 'ttl [0-9]*'))" || lab_notok "foreign foo0 was touched"
ip -n gw1 link del foo0

echo "# ---- stop after a partial start"
# 10.1.0.0/24 is lan0's connected route (metric 0): the route add fails after the link exists
P=(ifname=grep1 local=198.51.100.1 remote=198.51.100.31 address=172.16.31.1/30 routes=10.1.0.0/24)
lab_expect "start fails on a route clash" 1 "already exists through another interface" -- ocf gw1 partial start "${P[@]}"
has_link gw1 grep1 && lab_ok "link left after the partial start" || lab_notok "no link after the partial start (test premise)"
lab_expect "monitor after partial start -> 7" 7 "route 10.1.0.0/24" -- ocfi gw1 partial monitor "${P[@]}"
lab_expect "stop after partial start" 0 -- ocf gw1 partial stop "${P[@]}"
has_link gw1 grep1 && lab_notok "stop left grep1" || lab_ok "stop removed the partially started link"
ip -n gw1 route show 10.1.0.0/24 | grep -q lan0 && lab_ok "lan0's own route untouched" || lab_notok "lan0 route gone"
lab_expect "stop again" 0 -- ocf gw1 partial stop "${P[@]}"

echo "# ---- underlay address absent at start"
U=(ifname=greu local=198.51.100.50 remote=198.51.100.2 key=50 address=172.16.50.1/30)
OUT=$(OCF_CHECK_LEVEL=10 LAB_OCF_INSTANCE=under lab_ocf gw1 "$AG" validate-all "${U[@]}" 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "not configured on this host" <<<"$OUT" && lab_ok "validate-all level 10: absent underlay address is a warning (rc 0)" ||
	lab_notok "validate-all level 10: rc $rc: $OUT"
lab_expect "start with the underlay address absent" 0 -- ocf gw1 under start "${U[@]}"
lab_expect "monitor" 0 -- ocfi gw1 under monitor "${U[@]}"
lab_expect "stop" 0 -- ocf gw1 under stop "${U[@]}"

echo "# ---- IPv6 underlay (ip6gre), inner IPv4 and IPv6"
S1=(ifname=gre6 local=2001:db8:100::1 remote=2001:db8:100::2 key=6 address=172.16.6.1/30 routes=10.6.2.0/24)
S2=(ifname=gre6 local=2001:db8:100::2 remote=2001:db8:100::1 key=6 address=172.16.6.2/30)
lab_expect "gw1 ip6gre start" 0 -- ocf gw1 gre6 start "${S1[@]}"
lab_expect "gw2 ip6gre start" 0 -- ocf gw2 gre6 start "${S2[@]}"
ip -n gw1 -d link show gre6 | grep -q ip6gre && lab_ok "gre6 is ip6gre" || lab_notok "gre6 kind: $(ip -n gw1 -d link show gre6)"
ping_ok "ping over ip6gre" gw1 172.16.6.2
lab_addr gw2 lan0 10.6.2.1/24
ping_ok "routed prefix over ip6gre" gw1 10.6.2.1
lab_expect "ip6gre monitor" 0 -- ocfi gw1 gre6 monitor "${S1[@]}"
ip -n gw1 link set gre6 type ip6gre hoplimit 9
lab_expect "ip6gre hoplimit changed -> 7" 7 "ttl 9 \(want 255\)" -- ocfi gw1 gre6 monitor "${S1[@]}"
lab_expect "ip6gre start repairs" 0 -- ocf gw1 gre6 start "${S1[@]}"
S1b=(ifname=gre6b local=2001:db8:100::1 remote=2001:db8:100::2 key=66 address=fd00:66::1/64 routes=fd00:99::/64@10)
S2b=(ifname=gre6b local=2001:db8:100::2 remote=2001:db8:100::1 key=66 address=fd00:66::2/64)
lab_expect "gw1 ip6gre inner IPv6 start" 0 -- ocf gw1 gre6b start "${S1b[@]}"
lab_expect "gw2 ip6gre inner IPv6 start" 0 -- ocf gw2 gre6b start "${S2b[@]}"
ping_ok "ping6 over ip6gre" gw1 fd00:66::2
lab_ip gw2 addr add fd00:99::1/64 dev lan0 nodad
ping_ok "routed IPv6 prefix (metric 10) over ip6gre" gw1 fd00:99::1
lab_expect "ip6gre inner IPv6 monitor" 0 -- ocfi gw1 gre6b monitor "${S1b[@]}"

echo "# ---- gretap (IPv4) and ip6gretap"
T1=(ifname=tap4 mode=gretap local=198.51.100.1 remote=198.51.100.2 key=7 address=172.16.7.1/24 peer=172.16.7.2
	routes=10.7.2.0/24)
T2=(ifname=tap4 mode=gretap local=198.51.100.2 remote=198.51.100.1 key=7 address=172.16.7.2/24)
lab_expect "gw1 gretap start" 0 -- ocf gw1 tap4 start "${T1[@]}"
lab_expect "gw2 gretap start" 0 -- ocf gw2 tap4 start "${T2[@]}"
ip -n gw1 -d link show tap4 | grep -q gretap && lab_ok "tap4 is gretap" || lab_notok "tap4 kind"
ping_ok "ping over gretap" gw1 172.16.7.2
ip -n gw1 route show 10.7.2.0/24 | grep -q "via 172.16.7.2 dev tap4" && lab_ok "gretap route via the peer" ||
	lab_notok "gretap route: $(ip -n gw1 route show 10.7.2.0/24)"
lab_addr gw2 lan0 10.7.2.1/24
ping_ok "routed prefix over gretap (next hop = peer)" gw1 10.7.2.1
lab_expect "gretap monitor" 0 -- ocfi gw1 tap4 monitor "${T1[@]}"
T61=(ifname=tap6 mode=gretap local=2001:db8:100::1 remote=2001:db8:100::2 key=8 address=172.16.8.1/24)
T62=(ifname=tap6 mode=gretap local=2001:db8:100::2 remote=2001:db8:100::1 key=8 address=172.16.8.2/24)
lab_expect "gw1 ip6gretap start" 0 -- ocf gw1 tap6 start "${T61[@]}"
lab_expect "gw2 ip6gretap start" 0 -- ocf gw2 tap6 start "${T62[@]}"
ip -n gw1 -d link show tap6 | grep -q ip6gretap && lab_ok "tap6 is ip6gretap" || lab_notok "tap6 kind: $(ip -n gw1 -d link show tap6)"
ping_ok "ping over ip6gretap" gw1 172.16.8.2
lab_expect "ip6gretap monitor" 0 -- ocfi gw1 tap6 monitor "${T61[@]}"
ip -n gw1 link set tap6 type ip6gretap hoplimit 3
lab_expect "ip6gretap hoplimit changed -> 7" 7 "ttl 3" -- ocfi gw1 tap6 monitor "${T61[@]}"
lab_expect "ip6gretap start repairs" 0 -- ocf gw1 tap6 start "${T61[@]}"
lab_expect "ip6gretap monitor after repair" 0 -- ocfi gw1 tap6 monitor "${T61[@]}"

echo "# ---- bad input: rc 6, nothing created"
links_before=$(ip -n gw1 -o link | wc -l)
bad() {
	local desc=$1; shift
	lab_expect "bad input: $desc" 6 "parameter" -- ocf gw1 bad start "$@"
}
bad "malformed remote" ifname=badg remote=198.51.100.256
bad "remote with a prefix" ifname=badg remote=198.51.100.2/24
bad "malformed local" ifname=badg remote=198.51.100.2 local=198.51.100
bad "mixed families" ifname=badg remote=198.51.100.2 local=2001:db8:100::1
bad "unspecified remote" ifname=badg remote=0.0.0.0
bad "ifname too long" ifname=abcdefghijklmnop remote=198.51.100.2
bad "ifname with a slash" ifname=gre/1 remote=198.51.100.2
# shellcheck disable=SC2016 # the text itself is the test
bad "ifname injection" 'ifname=$(reboot)' remote=198.51.100.2
bad "remote injection" 'ifname=badg' 'remote=198.51.100.2;reboot'
bad "key out of range" ifname=badg remote=198.51.100.2 key=4294967296
bad "key negative" ifname=badg remote=198.51.100.2 key=-1
bad "key bad dotted quad" ifname=badg remote=198.51.100.2 key=1.2.3.256
bad "ttl out of range" ifname=badg remote=198.51.100.2 ttl=256
bad "tos garbage" ifname=badg remote=198.51.100.2 tos=high
bad "bad route" ifname=badg remote=198.51.100.2 "routes=10.0.0.0/33"
bad "route metric garbage" ifname=badg remote=198.51.100.2 "routes=10.0.0.0/8@x"
bad "peer without address" ifname=badg remote=198.51.100.2 peer=172.16.0.2
bad "pmtudisc off with ttl" ifname=badg remote=198.51.100.2 pmtudisc=false
bad "mode unknown" ifname=badg remote=198.51.100.2 mode=ipip
bad "mtu too small" ifname=badg remote=198.51.100.2 mtu=10
bad "missing remote" ifname=badg
bad "multicast remote" ifname=badg remote=224.0.0.1
bad "broadcast local" ifname=badg remote=198.51.100.2 local=255.255.255.255
[ "$(ip -n gw1 -o link | wc -l)" = "$links_before" ] && lab_ok "bad input created no link" || lab_notok "bad input created links"
[ -e "/proc/$(lab_pid gw1)/root/run/vpnha/gre-tunnel/bad.owner" ] && lab_notok "bad input wrote an ownership record" || lab_ok "bad input wrote no ownership record"

echo "# ---- monitor cost (no fork): median of 21 runs, from bash"
for i in $(seq 21); do
	s=$EPOCHREALTIME
	LAB_OCF_INSTANCE=gre lab_ocf gw1 "$AG" monitor "${G1[@]}" >/dev/null 2>&1
	e=$EPOCHREALTIME
	echo "$s $e"
done | awk '{ printf "%.3f\n", ($2 - $1) * 1000 }' | sort -n >"$LAB_OUT/monitor-ms.txt"
lab_result gre_monitor_median_ms_incl_nsenter "$(sed -n 11p "$LAB_OUT/monitor-ms.txt")"

echo "# ---- stop everything"
lab_expect "gw1 stop gre" 0 -- ocf gw1 gre stop "${G1[@]}"
lab_expect "gw1 stop gre again" 0 -- ocf gw1 gre stop "${G1[@]}"
lab_expect "gw1 monitor after stop" 7 -- ocfi gw1 gre monitor "${G1[@]}"
has_link gw1 gre1 && lab_notok "gre1 left behind" || lab_ok "gre1 deleted"
lab_expect "gw2 stop gre" 0 -- ocf gw2 gre stop "${G2[@]}"
ping_fails "no traffic after stop" gw1 -I 10.1.0.1 10.2.0.1
for x in "gw1 gre6" "gw2 gre6" "gw1 gre6b" "gw2 gre6b" "gw1 tap4" "gw2 tap4" "gw1 tap6" "gw2 tap6"; do
	# shellcheck disable=SC2086 # "HOST IFNAME"
	set -- $x
	lab_expect "$1 stop $2" 0 -- ocf "$1" "$2" stop
done
left=$(ip -n gw1 -o link | grep -cE 'gre|tap[46]@' )
[ "$(ip -n gw1 -o link | grep -cE ': (gre1|gre6|gre6b|tap4|tap6)[@:]')" = 0 ] && lab_ok "gw1: every agent link deleted" || lab_notok "gw1 links left: $(ip -n gw1 -o link | cut -d: -f2 | tr '\n' ' ')"
: "$left"

lab_result gre_lab_passed "$LAB_PASS"
lab_result gre_lab_failed "$LAB_FAILED"
lab_summary
