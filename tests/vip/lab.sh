#!/bin/bash
# ocf:vpnha:vip in the lab (UML): run by tests/vip/lab.test through
#   tests/lab/lab run tests/vip/lab.sh
# Hosts va and vb (the two "cluster nodes") and a client vc on one segment.
# Cases: the conformance harness; start on va -> vc reaches the VIP through va's
# MAC; stop on va, start on vb -> vc's neighbor entry moves to vb's MAC from the
# gratuitous ARP at once (control: arp_count=0 leaves the old MAC) and traffic
# resumes (timed); the same for IPv6 (unsolicited NA); a foreign address is
# refused and left alone; an owned address removed behind the agent is a monitor
# failure (1, not 7); bad input; nic down; stop leaves nothing.
# Prints "ok"/"not ok" per check, measured numbers as RESULT lines; exit 1 on any failure.
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"

: "${top_srcdir:?}" "${top_builddir:?}"
SRC_AG=${VIP_AGENT:-$top_builddir/agents/vip}
# Lab hosts have a private /tmp (build trees often live there): run a copy from /lab.
lab_install_build_agents "vip=$SRC_AG" "$top_srcdir/tests/ocf-conformance" || lab_fail "install the agent"
AG=$LAB_AGENTS/vip
CONF=$LAB_AGENTS/ocf-conformance
# lab_expect: an agent's rc other than 0 comes with exactly one exit-reason line, rc 0 with none
LAB_EXPECT_ONE_REASON=1

# ocf HOST INSTANCE ACTION KEY=VALUE...: run the agent (a probe for monitor), output printed
ocf() { LAB_OCF_INSTANCE=$2 lab_ocf "$1" "$AG" "$3" "${@:4}"; }
# ocfi: a recurring monitor (interval set)
ocfi() { OCF_RESKEY_CRM_meta_interval=10000 ocf "$@"; }
mac_of() { ip -n "$1" -o link show "$2" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2; }
# neigh_mac HOST ADDR: the lladdr of HOST's neighbor entry for ADDR on eth0 ("" if none)
neigh_mac() { ip -n "$1" neigh show "$2" dev eth0 | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2; }
neigh_line() { ip -n "$1" neigh show "$2" dev eth0; }
has_addr() { ip -n "$1" -o addr show dev eth0 | grep -q " $2/"; }
owner_file() { echo "/proc/$(lab_pid "$1")/root/run/vpnha/vip/$2.owner"; }
ping1() { ip netns exec vc ping -n -q -c 1 -W 1 "$@" >/dev/null 2>&1; }

# ---------------------------------------------------------------- topology
lab_segment vseg || lab_fail "segment"
lab_hosts va vb vc || lab_fail "hosts"
n=0
for h in va vb vc; do
	n=$((n + 1))
	lab_attach "$h" eth0 vseg "10.20.0.$n/24" || lab_fail "attach $h"
	lab_ip "$h" addr add "fd00:20::$n/64" dev eth0 nodad || lab_fail "v6 on $h"
done
MAC_A=$(mac_of va eth0)
MAC_B=$(mac_of vb eth0)
[ -n "$MAC_A" ] && [ -n "$MAC_B" ] && [ "$MAC_A" != "$MAC_B" ] || lab_fail "MACs: '$MAC_A' '$MAC_B'"
echo "# va eth0 $MAC_A, vb eth0 $MAC_B"
ping1 10.20.0.1 && ping1 10.20.0.2 || lab_fail "segment: vc cannot ping va/vb"

VIP=10.20.0.100
V=("ip=$VIP" cidr_netmask=24 nic=eth0)
VIP6=fd00:20::100
V6=("ip=$VIP6" cidr_netmask=64 nic=eth0)

echo "# ---- conformance harness (va)"
if lab_exec va env OCF_RNG=/usr/share/pcs/data/ocf-1.1.rng "$CONF" -i conf -o ip=10.20.0.200 -o cidr_netmask=24 \
	-o nic=eth0 "$AG" >"$LAB_OUT/conformance.txt" 2>&1; then
	lab_ok "conformance harness: $(tail -n1 "$LAB_OUT/conformance.txt")"
else
	lab_notok "conformance harness: $(grep -c '^not ok' "$LAB_OUT/conformance.txt") failures"
	sed 's/^/#   /' "$LAB_OUT/conformance.txt"
fi
has_addr va 10.20.0.200 && lab_notok "conformance left 10.20.0.200 on va" || lab_ok "conformance removed 10.20.0.200"

echo "# ---- IPv4: start on va, the client reaches it through va"
lab_expect "va probe before start" 7 "not started" -- ocf va vip monitor "${V[@]}"
# (rc 0 is the whole condition here: not the exit-reason rule)
LAB_EXPECT_ONE_REASON=0 OCF_CHECK_LEVEL=10 LAB_OCF_INSTANCE=vip lab_expect_ocf "va validate-all at level 10" \
	va "$AG" validate-all 0 -- "${V[@]}"
lab_now; t0=$LAB_NOW
lab_expect "va start" 0 -- ocf va vip start "${V[@]}"
lab_result vip_start_s "$(lab_since "$t0")"
has_addr va $VIP && lab_ok "$VIP/24 on va eth0" || lab_notok "$VIP not on va: $(ip -n va -o addr show dev eth0)"
[ -s "$(owner_file va vip)" ] && lab_ok "ownership record on va: $(tr '\n' ' ' <"$(owner_file va vip)")" || lab_notok "no ownership record on va"
lab_expect "va start again (idempotent)" 0 -- ocf va vip start "${V[@]}"
lab_expect "va monitor" 0 -- ocfi va vip monitor "${V[@]}"
lab_expect "va probe" 0 -- ocf va vip monitor "${V[@]}"
LAB_EXPECT_ONE_REASON=0 OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=10000 LAB_OCF_INSTANCE=vip \
	lab_expect_ocf "va monitor at depth 10" va "$AG" monitor 0 -- "${V[@]}"
lab_expect "vb probe: not running there" 7 -- ocf vb vip monitor "${V[@]}"
ping1 $VIP && lab_ok "vc pings $VIP" || lab_notok "vc cannot ping $VIP"
[ "$(neigh_mac vc $VIP)" = "$MAC_A" ] && lab_ok "vc's neighbor entry for $VIP is va's MAC" || lab_notok "vc neigh: $(neigh_line vc $VIP) (va $MAC_A)"

echo "# ---- failover va -> vb: gratuitous ARP moves the client at once"
ping1 $VIP || :
lab_probe_start vip4 vc $VIP
lab_wait 5 0.1 ping1 $VIP || :
lab_now; t0=$LAB_NOW
lab_expect "va stop" 0 -- ocf va vip stop "${V[@]}"
lab_now; t1=$LAB_NOW
lab_expect "vb start" 0 -- ocf vb vip start "${V[@]}"
lab_now; t2=$LAB_NOW
nm=$(neigh_mac vc $VIP)
[ "$nm" = "$MAC_B" ] && lab_ok "right after vb's start, vc's entry is vb's MAC: $(neigh_line vc $VIP)" ||
	lab_notok "after vb's start vc's entry is not vb's MAC: $(neigh_line vc $VIP) (vb $MAC_B)"
if lab_wait 20 0 ping1 $VIP; then
	lab_now; t3=$LAB_NOW
	lab_ok "traffic to $VIP resumes through vb"
	lab_result vip_stop_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
	lab_result vip_start_b_s "$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')"
	lab_result vip_stop_start_first_reply_s "$(awk -v a="$t0" -v b="$t3" 'BEGIN { printf "%.2f", b - a }')"
else
	lab_notok "no reply from $VIP after the failover (20 s)"
fi
sleep 0.5
lab_probe_stop vip4
rep=$(lab_probe_report vip4)
echo "# probe vc -> $VIP across the failover (20/s): $rep"
lab_result vip_failover_probe "\"$rep\""
[ "$(neigh_mac vc $VIP)" = "$MAC_B" ] && lab_ok "vc's entry stays vb's MAC" || lab_notok "vc neigh now: $(neigh_line vc $VIP)"
has_addr va $VIP && lab_notok "$VIP still on va after stop" || lab_ok "$VIP gone from va"
[ -e "$(owner_file va vip)" ] && lab_notok "ownership record left on va" || lab_ok "no ownership record on va"
lab_expect "va probe after stop" 7 -- ocf va vip monitor "${V[@]}"

echo "# ---- control: failover back with arp_count=0 (no announcement) leaves the stale MAC"
ping1 $VIP || :
lab_expect "vb stop" 0 -- ocf vb vip stop "${V[@]}"
lab_expect "va start with arp_count=0" 0 -- ocf va vip start "${V[@]}" arp_count=0
nm=$(neigh_mac vc $VIP)
[ "$nm" = "$MAC_B" ] && lab_ok "without announcements vc still has vb's (stale) MAC: $(neigh_line vc $VIP)" ||
	lab_notok "control: vc's entry changed without an announcement: $(neigh_line vc $VIP)"
lab_expect "va stop" 0 -- ocf va vip stop "${V[@]}"
lab_expect "vb start (announces)" 0 -- ocf vb vip start "${V[@]}"
[ "$(neigh_mac vc $VIP)" = "$MAC_B" ] && lab_ok "vc on vb's MAC again" || lab_notok "vc neigh: $(neigh_line vc $VIP)"
lab_expect "vb stop" 0 -- ocf vb vip stop "${V[@]}"
lab_expect "va start (announces)" 0 -- ocf va vip start "${V[@]}" arp_count=2 arp_interval=50
[ "$(neigh_mac vc $VIP)" = "$MAC_A" ] && lab_ok "vc back on va's MAC after va's announcement" || lab_notok "vc neigh: $(neigh_line vc $VIP) (va $MAC_A)"
ping1 $VIP && lab_ok "vc pings $VIP on va" || lab_notok "vc cannot ping $VIP on va"
lab_expect "va stop" 0 -- ocf va vip stop "${V[@]}"

echo "# ---- arp_bg: start returns after the first announcement, the others follow from a detached process"
# announcements only: ARP with sender address = target address
lab_capture_start garp vc eth0 'arp and arp[14:4] = arp[24:4]' || lab_fail "capture"
lab_now; t0=$LAB_NOW
lab_expect "va start arp_count=4 arp_interval=400 (arp_bg default true)" 0 -- ocf va vip start "${V[@]}" arp_count=4 arp_interval=400
lab_now; dt=$(awk -v a="$t0" -v b="$LAB_NOW" 'BEGIN{printf "%.2f", b-a}')
lab_result vip_start_arp_bg_s "$dt"
awk -v d="$dt" 'BEGIN{exit !(d < 1.2)}' && lab_ok "start returned after $dt s (the 3 later announcements span 1.2 s)" ||
	lab_notok "start with arp_bg took $dt s: the announcements were not sent in the background"
lab_sleep 2
lab_capture_stop garp
n=$(lab_capture_count garp)
[ "$n" -eq 4 ] && lab_ok "4 announcements of $VIP on the wire" || lab_notok "$n announcements on the wire, want 4"
lab_expect "va stop" 0 -- ocf va vip stop "${V[@]}"
lab_now; t0=$LAB_NOW
lab_expect "va start arp_bg=false" 0 -- ocf va vip start "${V[@]}" arp_count=4 arp_interval=400 arp_bg=false
lab_now; dt=$(awk -v a="$t0" -v b="$LAB_NOW" 'BEGIN{printf "%.2f", b-a}')
awk -v d="$dt" 'BEGIN{exit !(d >= 1.2)}' && lab_ok "control: with arp_bg=false start waits for all 4 ($dt s)" ||
	lab_notok "control: arp_bg=false start took only $dt s"
lab_expect "va stop" 0 -- ocf va vip stop "${V[@]}"

echo "# ---- IPv6: unsolicited NA moves the client"
lab_expect "va start v6" 0 -- ocf va vip6 start "${V6[@]}"
ip -n va -o addr show dev eth0 | grep -q "$VIP6/64.*nodad" && lab_ok "$VIP6/64 on va (nodad)" || lab_notok "v6 on va: $(ip -n va -o addr show dev eth0)"
lab_expect "va monitor v6" 0 -- ocfi va vip6 monitor "${V6[@]}"
ping1 -6 $VIP6 && lab_ok "vc pings $VIP6" || lab_notok "vc cannot ping $VIP6"
[ "$(neigh_mac vc $VIP6)" = "$MAC_A" ] && lab_ok "vc's v6 neighbor entry is va's MAC" || lab_notok "vc neigh6: $(neigh_line vc $VIP6)"
lab_now; t0=$LAB_NOW
lab_expect "va stop v6" 0 -- ocf va vip6 stop "${V6[@]}"
lab_expect "vb start v6" 0 -- ocf vb vip6 start "${V6[@]}"
[ "$(neigh_mac vc $VIP6)" = "$MAC_B" ] && lab_ok "right after vb's start, vc's v6 entry is vb's MAC: $(neigh_line vc $VIP6)" ||
	lab_notok "after vb's start vc's v6 entry is not vb's MAC: $(neigh_line vc $VIP6) (vb $MAC_B)"
if lab_wait 20 0 ping1 -6 $VIP6; then
	lab_ok "v6 traffic resumes through vb"
	lab_result vip6_stop_start_first_reply_s "$(lab_since "$t0")"
else
	lab_notok "no v6 reply after the failover"
fi
lab_expect "vb stop v6" 0 -- ocf vb vip6 stop "${V6[@]}"
ip -n vb -o addr show dev eth0 | grep -q "$VIP6" && lab_notok "$VIP6 left on vb" || lab_ok "$VIP6 gone from vb"

echo "# ---- an address configured by someone else"
F=(ip=10.20.0.150 cidr_netmask=24 nic=eth0)
ip -n va addr add 10.20.0.150/24 dev eth0
lab_expect "probe with a foreign address -> 7" 7 "not added by this resource" -- ocf va foreign monitor "${F[@]}"
lab_expect "start refuses a foreign address" 1 "already on eth0 and was not added by this resource" -- ocf va foreign start "${F[@]}"
[ -e "$(owner_file va foreign)" ] && lab_notok "refused start wrote an ownership record" || lab_ok "no ownership record after the refusal"
lab_expect "stop leaves it alone" 0 -- ocf va foreign stop "${F[@]}"
has_addr va 10.20.0.150 && lab_ok "foreign 10.20.0.150 untouched" || lab_notok "foreign 10.20.0.150 was removed"
F2=(ip=10.20.0.150 cidr_netmask=32 nic=eth0)
lab_expect "start refuses it with another prefix length too" 1 "not added by this resource" -- ocf va foreign start "${F2[@]}"
ip -n va addr del 10.20.0.150/24 dev eth0
ip -n vb link add dum0 type dummy && ip -n vb link set dum0 up && ip -n vb addr add 10.20.0.151/32 dev dum0
lab_expect "start refuses an address on another interface" 1 "another interface" -- ocf vb other start ip=10.20.0.151 nic=eth0
ip -n vb -o addr show dev eth0 | grep -q 10.20.0.151 && lab_notok "10.20.0.151 added anyway" || lab_ok "nothing added to eth0"
ip -n vb link del dum0

echo "# ---- owned address removed behind the agent"
D=(ip=10.20.0.160 cidr_netmask=24 nic=eth0)
lab_expect "start" 0 -- ocf va drift start "${D[@]}"
ip -n va addr del 10.20.0.160/24 dev eth0
lab_expect "monitor: owned but gone -> failure (1, not 7)" 1 "removed from eth0 behind the agent" -- ocfi va drift monitor "${D[@]}"
lab_expect "probe: owned but gone -> failure (1)" 1 "behind the agent" -- ocf va drift monitor "${D[@]}"
lab_expect "stop after drift" 0 -- ocf va drift stop "${D[@]}"
[ -e "$(owner_file va drift)" ] && lab_notok "record left after stop" || lab_ok "record removed by stop"
lab_expect "probe after stop -> 7" 7 -- ocf va drift monitor "${D[@]}"
lab_expect "start again" 0 -- ocf va drift start "${D[@]}"
ip -n va addr del 10.20.0.160/24 dev eth0
ip -n va addr add 10.20.0.160/28 dev eth0
lab_expect "prefix changed behind the agent -> 1" 1 "prefix /28" -- ocfi va drift monitor "${D[@]}"
ip -n va addr del 10.20.0.160/28 dev eth0
ip -n va addr add 10.20.0.160/24 dev eth0
ip -n va link set eth0 down
lab_expect "nic set down -> monitor 1" 1 "administratively down" -- ocfi va drift monitor "${D[@]}"
ip -n va link set eth0 up
lab_expect "monitor after nic up" 0 -- ocfi va drift monitor "${D[@]}"
lab_cut va eth0
lab_wait 5 0.2 sh -c "! ip -n va link show eth0 | grep -q LOWER_UP" || :
lab_expect "depth-0 monitor ignores carrier" 0 -- ocfi va drift monitor "${D[@]}"
OUT=$(OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=10000 LAB_OCF_INSTANCE=drift lab_ocf va "$AG" monitor "${D[@]}" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "no carrier" <<<"$OUT" && lab_ok "depth-10 monitor: no carrier -> 1" || lab_notok "depth-10 no carrier: rc $rc: $OUT"
lab_uncut va eth0
lab_expect "stop" 0 -- ocf va drift stop "${D[@]}"
has_addr va 10.20.0.160 && lab_notok "10.20.0.160 left" || lab_ok "10.20.0.160 removed"

echo "# ---- bad input"
lab_expect "bad ip -> 6" 6 "parameter 'ip'" -- ocf va bad start ip=10.20.0.300 nic=eth0
lab_expect "netmask 33 -> 6" 6 "cidr_netmask.*33" -- ocf va bad start ip=10.20.0.170 cidr_netmask=33 nic=eth0
lab_expect "netmask 129 (v6) -> 6" 6 "cidr_netmask" -- ocf va bad start ip=fd00:20::170 cidr_netmask=129 nic=eth0
lab_expect "multicast ip -> 6" 6 "not a unicast address" -- ocf va bad start ip=224.0.0.5 nic=eth0
lab_expect "missing ip -> 6" 6 "parameter 'ip'" -- ocf va bad start nic=eth0
lab_expect "arp_count 101 -> 6" 6 "arp_count" -- ocf va bad start ip=10.20.0.170 nic=eth0 arp_count=101
lab_expect "missing nic at start -> 5 (node-local)" 5 "interface nope0 \(parameter 'nic'\) does not exist" -- ocf va bad start ip=10.20.0.170 nic=nope0
lab_expect "missing nic at probe -> 7" 7 "does not exist" -- ocf va bad monitor ip=10.20.0.170 nic=nope0
OUT=$(OCF_CHECK_LEVEL=10 LAB_OCF_INSTANCE=bad lab_ocf va "$AG" validate-all ip=10.20.0.170 nic=nope0 2>&1); rc=$?
[ $rc -eq 5 ] && [ "$(grep -c '^ocf-exit-reason:.*nope0' <<<"$OUT")" = 1 ] && lab_ok "validate-all level 10: missing nic -> 5" || lab_notok "validate-all level 10 missing nic: rc $rc: $OUT"
lab_expect "validate-all level 0 does not look at the host" 0 -- ocf va bad validate-all ip=10.20.0.170 nic=nope0
lab_ip va link add dum1 type dummy
lab_expect "nic admin down at start -> 1" 1 "administratively down" -- ocf va bad start ip=10.20.0.170 nic=dum1
ip -n va -o addr show dev dum1 | grep -q 10.20.0.170 && lab_notok "address added to a down nic" || lab_ok "nothing added to the down nic"
lab_expect "stop with bad parameters and nothing recorded" 0 -- ocf va bad stop ip=10.20.0.300 nic=eth0

echo "# ---- stop leaves nothing"
for h in va vb; do
	left=$(ip -n "$h" -o addr show | grep -E ' (10\.20\.0\.(1[0-9][0-9]|200)|fd00:20::1[0-9][0-9])/' || true)
	[ -z "$left" ] && lab_ok "$h: no VIP left" || lab_notok "$h: addresses left: $left"
	files=$(ls -A "/proc/$(lab_pid "$h")/root/run/vpnha/vip/" 2>/dev/null)
	[ -z "$files" ] && lab_ok "$h: no ownership file left" || lab_notok "$h: files left: $files"
done

lab_result vip_lab_passed "$LAB_PASS"
lab_result vip_lab_failed "$LAB_FAILED"
lab_summary
