#!/bin/bash
# ocf:vpnha:ipsec-conn under a real 2-node Pacemaker cluster (UML lab), run by
# tests/ipsec-conn/lab-cluster.test (issue 5):
#   group vpn = ocf:heartbeat:IPaddr2 (the external VIP 198.51.100.10)
#             + ocf:vpnha:ipsec-conn (local_addrs = the VIP; tunnel mode 10.1.0.0/24 <-> 10.2.0.0/24);
#   a remote site (site2, 198.51.100.20, LAN 10.2.0.1) runs its own charon with a static
#   swanctl.conf connection to the VIP (responder only: it never initiates, so every SA
#   is established by the cluster's active node).  Each gateway has the protected
#   address 10.1.0.1 on a dummy; only the node holding the SA can be reached at it.
# The node running the group is put in standby (pcs node standby): the group moves,
# the SA is re-established from the other node, traffic resumes as ESP; the old node
# is left with no SA, no policy but the documented fail-closed block policy, no
# connection in its charon and no ownership record.  Prints the times and the outage.
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"
: "${abs_top_builddir:-${top_builddir:?}}"

VIP=198.51.100.10 SITE2=198.51.100.20
CONN=site1-site2 CHILD=lan RSC=ipsec
PSK=/etc/vpnha/site1-site2.psk
IKE_P=aes128-sha256-ecp256 ESP_P=aes128gcm16

# Lab hosts have a private /tmp: install a copy of the agent where every host sees it.
lab_install_build_agents ipsec-conn || lab_fail "install agent"

for h in gw1 gw2 site2; do lab_host $h || lab_fail "host $h"; done
lab_segment ring || lab_fail segment
lab_segment wan || lab_fail segment
lab_attach gw1 eth0 ring 10.0.0.1/24 || lab_fail attach
lab_attach gw2 eth0 ring 10.0.0.2/24 || lab_fail attach
lab_attach gw1 eth1 wan 198.51.100.1/24 || lab_fail attach
lab_attach gw2 eth1 wan 198.51.100.2/24 || lab_fail attach
lab_attach site2 eth0 wan $SITE2/24 || lab_fail attach
for h in gw1 gw2; do
	# the protected side (same address on both gateways: only the SA holder is reachable)
	lab_ip $h link add lan0 type dummy && lab_ip $h link set lan0 up && lab_addr $h lan0 10.1.0.1/24 ||
		lab_fail "$h lan"
	lab_route $h 10.2.0.0/24 $SITE2 || lab_fail "$h route"
done
lab_ip site2 link add lan0 type dummy && lab_ip site2 link set lan0 up && lab_addr site2 lan0 10.2.0.1/24 ||
	lab_fail "site2 lan"
lab_route site2 10.1.0.0/24 $VIP src 10.2.0.1 || lab_fail "site2 route"
# site2 fails closed on its own (its CHILD_SA's policies go with the SA): a low-priority
# block policy, so that no clear packet of the protected traffic can come from site2.
# Its selector must differ from charon's (10.2.0.0/24 -> 10.1.0.0/24): the kernel matches
# an updated policy by selector, not priority, so charon's policy would replace it and
# take it along when the SA is deleted (seen: 101 clear echo requests during a move).
lab_ip site2 xfrm policy add src 0.0.0.0/0 dst 10.1.0.0/24 dir out action block priority 3000000 ||
	lab_fail "site2 block policy"

# the PSK: one random secret, root-only file on both gateways (their /etc/vpnha is
# private, the same path on both), and in site2's swanctl.conf
secret=$(head -c 24 /dev/urandom | od -An -tx1 -v | tr -d ' \n')
[ ${#secret} = 48 ] || lab_fail "psk"
for h in gw1 gw2; do
	P=$(lab_hostpath $h $PSK)
	mkdir -p "$(dirname "$P")" && (umask 077 && printf '%s\n' "$secret" >"$P") && chown root:root "$P" ||
		lab_fail "psk on $h"
done
mkdir -p "$LAB_STATE/ipsec-cluster"
cat >"$LAB_STATE/ipsec-cluster/site2-swanctl.conf" <<EOF
connections {
	site1 {
		version = 2
		local_addrs = $SITE2
		remote_addrs = $VIP
		proposals = $IKE_P
		unique = replace
		dpd_delay = 2s
		local { auth = psk
			id = site2.vpn.lab }
		remote { auth = psk
			id = site1.vpn.lab }
		children {
			lan {
				local_ts = 10.2.0.0/24
				remote_ts = 10.1.0.0/24
				mode = tunnel
				esp_proposals = $ESP_P
				# responder only: re-establishment must come from the cluster
				start_action = none
				dpd_action = clear
				close_action = none
			}
		}
	}
}
secrets {
	ike-site1 {
		id-1 = site1.vpn.lab
		id-2 = site2.vpn.lab
		secret = "$secret"
	}
}
EOF
lab_charon_start site2 "$LAB_STATE/ipsec-cluster/site2-swanctl.conf" || lab_fail "charon site2"
rm -f "$LAB_STATE/ipsec-cluster/site2-swanctl.conf"
for h in gw1 gw2; do lab_charon_start $h || lab_fail "charon $h"; done

# ---------------------------------------------------------------- helpers
# ike_sas HOST: one line per IKE_SA charon reports (raw list-sa events)
ike_sas() { lab_swanctl "$1" --list-sas --raw 2>/dev/null | grep '^list-sa event'; }
n_ike() { ike_sas "$1" | grep -c .; }
child_installed() { # child_installed HOST: our CHILD_SA is INSTALLED in HOST's charon
	ike_sas "$1" | grep -Eq "child-sas \{($CHILD|lan)-[0-9]+ \{[^}]*state=INSTALLED"
}
# site2 sees exactly one IKE_SA, ESTABLISHED, with the VIP, and its CHILD_SA installed
site2_one_sa() {
	local s
	s=$(ike_sas site2)
	[ "$(grep -c . <<<"$s")" = 1 ] && grep -q 'state=ESTABLISHED' <<<"$s" &&
		grep -q "remote-host=$VIP " <<<"$s" && grep -Eq 'child-sas \{lan-[0-9]+ \{[^}]*state=INSTALLED' <<<"$s"
}
site2_ike_id() { ike_sas site2 | grep -o 'uniqueid=[0-9]*' | head -n1; }
# esp_sas HOST: number of ESP SAs in HOST's kernel between the VIP and site2 (both directions)
esp_sas() {
	ip -n "$1" xfrm state | awk -v a="$VIP" -v b="$SITE2" '
		/^src/ { pair = ($2 == a && $4 == b) || ($2 == b && $4 == a); next }
		/proto esp/ && pair { n++ } END { print n + 0 }'
}
n_states() { ip -n "$1" xfrm state | grep -c '^src'; }
# esp_pkts HOST SRC DST: packets counted by the kernel on the ESP SAs SRC -> DST
esp_pkts() {
	ip -s -n "$1" xfrm state | awk -v s="$2" -v d="$3" '
		/^src/ { pair = ($2 == s && $4 == d); next }
		pair && /^[ \t]*[0-9]+\(bytes\), [0-9]+\(packets\)/ { sub(/.*\(bytes\), /, ""); n += $0 + 0 }
		END { print n + 0 }'
}
# policies HOST: the SPD as one line per entry, without the per-socket (IKE bypass) entries
policies() {
	ip -n "$1" xfrm policy | awk '/^src/ { if (p != "") print p; p = $0; next } { p = p " " $0 }
		END { if (p != "") print p }' | sed 's/[ \t]\+/ /g' | grep -v ' socket \(in\|out\) '
}
# only_block HOST: the only policy left is ipsec-conn's fail-closed block policy as
# documented (dir out, any source -> remote_ts 10.2.0.0/24, priority 3000000, block)
only_block() {
	local p
	p=$(policies "$1")
	if [ "$(grep -c . <<<"$p")" = 1 ] && grep -q '^src 0\.0\.0\.0/0 dst 10\.2\.0\.0/24 ' <<<"$p" &&
		grep -q ' dir out ' <<<"$p" && grep -q ' priority 3000000 ' <<<"$p" && grep -q 'block' <<<"$p"; then
		return 0
	fi
	echo "# $1 policies:"; sed 's/^/#   /' <<<"$p"
	return 1
}
# no_sa HOST: no SA at all in HOST's kernel
no_sa() { [ "$(n_states "$1")" = 0 ] && return 0; echo "# $1 SAs:"; ip -n "$1" xfrm state | sed 's/^/#   /'; return 1; }
conn_loaded() { lab_swanctl "$1" --list-conns 2>/dev/null | grep -q "^$CONN:"; }
no_conn() { ! conn_loaded "$1" && [ "$(n_ike "$1")" = 0 ]; }
# rundir HOST: the agent's run-state directory in HOST's private /run
rundir() { echo "/proc/$(lab_pid "$1")/root/run/vpnha/ipsec-conn"; }
owned() { test -s "$(rundir "$1")/$RSC.owned"; }
# no_owned HOST: no ownership record; only the documented block marker may remain
no_owned() {
	local f bad=0
	for f in "$(rundir "$1")"/*; do
		[ -e "$f" ] || continue
		case ${f##*/} in "$RSC.block") ;; *) echo "# $1 still has ${f##*/}"; bad=1 ;; esac
	done
	return $bad
}
has_vip() { ip -n "$1" -4 addr show dev eth1 | grep -q "inet $VIP/"; }
no_vip() { ! has_vip "$1"; }
vip_only_on() { has_vip "$1" && ! has_vip "$2"; }
gw_clean() { no_conn "$1" && no_owned "$1"; }
reach() { ip netns exec site2 ping -n -q -c 1 -W 1 10.1.0.1 >/dev/null 2>&1; }
# pingn N: N pings, all answered within N/10 + 5 s (ping exits 1 if fewer came back by the deadline)
pingn() { ip netns exec site2 ping -n -q -c "$1" -i 0.1 -w $(($1 / 10 + 5)) 10.1.0.1 >/dev/null 2>&1; }
failures() { lab_crm_mon gw1 | grep -c '<failure '; }
# probe_rc NODE RSC: rc-code of RSC's probe (monitor, interval 0) recorded for NODE in the CIB
probe_rc() {
	lab_exec gw1 cibadmin -Q --xpath "//node_state[@uname='$1']//lrm_resource[@id='$2']/lrm_rsc_op[@operation='monitor'][@interval='0']" \
		2>/dev/null | sed -n 's/.* rc-code="\([0-9]*\)".*/\1/p' | head -n1
}
# initiated HOST: HOST's charon is the initiator of its IKE_SA
initiated() { ike_sas "$1" | grep -q 'initiator=yes'; }
site2_not_initiator() { ! ike_sas site2 | grep -q 'initiator=yes'; }

# ---------------------------------------------------------------- cluster
lab_log "starting the cluster"
lab_now; T0=$LAB_NOW
lab_cluster c1 gw1=10.0.0.1 gw2=10.0.0.2 || lab_fail cluster
lab_cluster_start c1 || lab_fail "cluster start"
lab_cluster_wait_online c1 300 || lab_fail "cluster not online"
lab_result ipsec_cluster_online_s "$(lab_since "$T0")"
lab_exec gw1 crm_attribute -t rsc_defaults -n resource-stickiness -v 100 >/dev/null || lab_fail stickiness

lab_now; T0=$LAB_NOW
lab_exec gw1 pcs resource create vip ocf:heartbeat:IPaddr2 ip=$VIP cidr_netmask=24 nic=eth1 \
	op monitor interval=10s timeout=60s --group vpn >/dev/null || lab_fail "pcs create vip"
lab_exec gw1 pcs resource create $RSC ocf:vpnha:ipsec-conn conn=$CONN child=$CHILD config=agent \
	local_addrs=$VIP remote_addrs=$SITE2 local_id=site1.vpn.lab remote_id=site2.vpn.lab \
	auth=psk psk_file=$PSK proposals=$IKE_P esp_proposals=$ESP_P mode=tunnel \
	local_ts=10.1.0.0/24 remote_ts=10.2.0.0/24 dpd_delay=1s start_wait=8s \
	op monitor interval=5s timeout=20s monitor interval=29s timeout=20s OCF_CHECK_LEVEL=10 \
	start timeout=30s stop timeout=30s --group vpn >/dev/null || lab_fail "pcs create $RSC"
lab_resource_wait gw1 $RSC "" 240 || { lab_exec gw1 crm_mon -1 -r; lab_fail "$RSC did not start"; }
lab_result ipsec_group_started_s "$(lab_since "$T0")"
N1=$(lab_resource_node gw1 $RSC)
N2=$([ "$N1" = gw1 ] && echo gw2 || echo gw1)
lab_ok "group vpn started on $N1"

# ---------------------------------------------------------------- 1. the SA is up on N1
lab_check "the VIP is on $N1, not on $N2" vip_only_on "$N1" "$N2"
lab_check "CHILD_SA installed in $N1's charon" lab_wait 60 0.5 child_installed "$N1"
lab_check "$N1's charon initiated the IKE_SA" initiated "$N1"
lab_check "site2 sees exactly one IKE_SA, with the VIP $VIP, its CHILD_SA installed" lab_wait 30 0.5 site2_one_sa
ike1=$(site2_ike_id)
lab_check "$N1's kernel holds the 2 ESP SAs VIP <-> site2: $(esp_sas "$N1")" test "$(esp_sas "$N1")" = 2
lab_check "$N1 has the ownership record" owned "$N1"
lab_check "site2 reaches the protected side 10.1.0.1 (on $N1)" lab_wait 30 0.3 reach
lab_capture_start up wan br0 || lab_fail capture
in0=$(esp_pkts "$N1" $SITE2 $VIP); out0=$(esp_pkts "$N1" $VIP $SITE2)
lab_check "20 pings site2 10.2.0.1 -> 10.1.0.1, no loss" pingn 20
in1=$(esp_pkts "$N1" $SITE2 $VIP); out1=$(esp_pkts "$N1" $VIP $SITE2)
lab_capture_stop up
n_esp=$(lab_capture_count up esp and host $VIP and host $SITE2)
n_clear=$(lab_capture_count up net 10.1.0.0/24 or net 10.2.0.0/24)
lab_result ipsec_up_esp_packets "$n_esp"; lab_result ipsec_up_clear_packets "$n_clear"
lab_check "$N1's inbound ESP SA counted the 20 requests: $((in1 - in0))" test $((in1 - in0)) -ge 20
lab_check "$N1's outbound ESP SA counted the 20 replies: $((out1 - out0))" test $((out1 - out0)) -ge 20
lab_check "wan: ESP between the VIP and site2 ($n_esp >= 40)" test "$n_esp" -ge 40
lab_check "wan: no clear packet of the protected networks ($n_clear)" test "$n_clear" -eq 0
# the inactive node: probed (7), fail closed from the probe on, nothing else
lab_check "$N2 has no SA" no_sa "$N2"
lab_check "$N2: the probe installed only the fail-closed block policy" only_block "$N2"
lab_check "$N2: no connection loaded in charon" no_conn "$N2"
for r in vip $RSC; do
	rc=$(probe_rc "$N2" "$r")
	lab_check "probe of $r on $N2 returned 7 (got '$rc')" test "$rc" = 7
done
fails=$(failures)
lab_check "no failed actions: $fails" test "$fails" -eq 0

# ---------------------------------------------------------------- 2. standby N1: the group moves
lab_capture_start move wan br0 || lab_fail capture
lab_probe_start p1 site2 10.1.0.1 0.1
sleep 2
lab_log "standby $N1"
lab_now; T0=$LAB_NOW; E0=$EPOCHREALTIME
lab_exec gw1 pcs node standby "$N1" >/dev/null || lab_fail "pcs node standby"
lab_result ipsec_standby_pcs_s "$(lab_since "$T0")"
if lab_resource_wait gw1 $RSC "$N2" 240; then
	dt=$(lab_since "$T0")
	lab_ok "group moved to $N2 ($dt s after the standby)"
	lab_result ipsec_standby_group_started_s "$dt"
else
	lab_notok "group did not move to $N2"; lab_exec gw1 crm_mon -1 -r
fi
if lab_wait 90 0.3 reach; then
	lab_ok "traffic resumes through $N2"
else
	lab_notok "traffic does not resume through $N2"
fi
lab_result ipsec_standby_traffic_polled_s "$(lab_since "$T0")"
sleep 2
lab_probe_stop p1
lab_capture_stop move
rep=$(lab_probe_report p1)
echo "# probe during the move (10/s): $rep"
lab_result ipsec_standby_outage_ms "$(sed -n 's/.*outage_ms=\([0-9]*\).*/\1/p' <<<"$rep")"
lab_result ipsec_standby_probe_lost "$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$rep")"
# time from the standby to the first reply that ended the outage (from the probe's own timestamps)
back=$(awk -v t0="$E0" '/bytes from/ { t = substr($1, 2, length($1) - 2) + 0
		if (n && t > t0 && t - last > gap) { gap = t - last; end = t }; last = t; n++ }
	END { if (end) printf "%.2f", end - t0; else print "none" }' "$LAB_OUT/probes/p1.txt")
lab_result ipsec_standby_traffic_back_s "$back"
lab_check "the probe saw the outage end (traffic back $back s after the standby)" test "$back" != none
lab_check "the probe answered after the move" grep -q 'bytes from' "$LAB_OUT/probes/p1.txt"
n_clear=$(lab_capture_count move net 10.1.0.0/24 or net 10.2.0.0/24)
lab_result ipsec_standby_clear_packets "$n_clear"
lab_check "wan: no clear packet of the protected networks during the move ($n_clear)" test "$n_clear" -eq 0

lab_check "the VIP is on $N2, not on $N1" vip_only_on "$N2" "$N1"
lab_check "CHILD_SA installed in $N2's charon" lab_wait 30 0.5 child_installed "$N2"
lab_check "$N2's charon initiated the new IKE_SA (re-established from $N2)" initiated "$N2"
lab_check "site2 sees exactly one IKE_SA again, with the VIP" lab_wait 30 0.5 site2_one_sa
ike2=$(site2_ike_id)
lab_check "site2's IKE_SA is a new one ($ike1 -> $ike2)" test -n "$ike2" -a "$ike2" != "$ike1"
lab_check "site2 never initiated" site2_not_initiator
sleep 3
lab_check "still exactly one IKE_SA on site2 3 s later" site2_one_sa
lab_check "$N2's kernel holds the 2 ESP SAs VIP <-> site2: $(esp_sas "$N2")" test "$(esp_sas "$N2")" = 2
in0=$(esp_pkts "$N2" $SITE2 $VIP); out0=$(esp_pkts "$N2" $VIP $SITE2)
lab_check "20 pings through $N2, no loss" pingn 20
in1=$(esp_pkts "$N2" $SITE2 $VIP); out1=$(esp_pkts "$N2" $VIP $SITE2)
lab_check "$N2's ESP SAs counted them: in $((in1 - in0)), out $((out1 - out0))" \
	test $((in1 - in0)) -ge 20 -a $((out1 - out0)) -ge 20
lab_check "$N2 has the ownership record" owned "$N2"

# ---------------------------------------------------------------- 3. N1 keeps nothing but the block policy
lab_check "$N1 has no SA left" no_sa "$N1"
lab_check "$N1 has no policy left but the documented fail-closed block policy" only_block "$N1"
lab_check "no connection loaded in $N1's charon, no IKE_SA" no_conn "$N1"
lab_check "$N1 has no ownership record left (only $RSC.block)" no_owned "$N1"

# ---------------------------------------------------------------- 4. the CIB
fails=$(failures)
lab_check "no failed actions after the move: $fails" test "$fails" -eq 0
lab_exec gw1 crm_resource --cleanup -r vpn >/dev/null 2>&1
lab_exec gw1 pcs node unstandby "$N1" >/dev/null || lab_notok "pcs node unstandby"
lab_check "$N1 online again (unstandby)" lab_wait 60 0.5 bash -c \
	"nsenter -t $(lab_pid gw1) -n -m -u -p -r -w -- crm_mon -1 --output-as=xml 2>/dev/null |
	grep -q '<node name=\"$N1\" [^>]*online=\"true\" standby=\"false\"'"

# ---------------------------------------------------------------- 5. disable: stopped everywhere, no SA
lab_now; T0=$LAB_NOW
lab_exec gw1 pcs resource disable vpn >/dev/null || lab_notok "pcs resource disable"
stopped() { ! lab_resource_node gw1 $RSC >/dev/null 2>&1 && ! lab_resource_node gw1 vip >/dev/null 2>&1; }
lab_check "group stops when disabled" lab_wait 120 0.5 stopped
lab_result ipsec_disable_stopped_s "$(lab_since "$T0")"
for h in gw1 gw2; do
	lab_check "$h: no SA after disable" no_sa $h
	lab_check "$h: only the block policy after disable" only_block $h
	lab_check "$h: no connection in charon, no ownership record" gw_clean $h
	lab_check "$h: no VIP" no_vip $h
done
site2_clean() { [ "$(n_ike site2)" = 0 ] && [ "$(n_states site2)" = 0 ]; }
lab_check "site2: no IKE_SA and no SA left (the stop deleted them)" lab_wait 20 0.5 site2_clean
fails=$(failures)
lab_check "no failed actions at the end: $fails" test "$fails" -eq 0

lab_summary
