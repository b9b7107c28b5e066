#!/bin/bash
# vpnha e2e: split brain with fencing (issue 16), in the e2e test's lab boot:
#
#   tests/lab/lab run tests/e2e/split-brain.sh [demo.sh arguments]
#
# Runs tests/e2e/demo.sh first (sourced: its topology, clusters, failovers and
# helpers), then, at site 2 (both gateways healthy), cuts the corosync link
# between the two gateways only (knet's UDP 5405 blackholed both ways: the LAN,
# the VIPs and the VPN stay up) and asserts, sampling both gateways every
# 100 ms from /proc (no fork):
#  - at no time do both gateways hold the public or the LAN VIP for longer than
#    the fencing takes (from the cut to the loser's power-off);
#  - exactly one gateway survives, with the group; the other is fenced (powered
#    off by the lab's power switch); priority-fencing-delay makes the gateway
#    that ran the group the winner (logged, not asserted: a fence race is
#    timing);
#  - lan1 -> lan2 traffic flows through the VPN afterwards;
#  - the fenced gateway, powered on (it boots alone) and the link repaired,
#    rejoins the cluster, reports its links up, nobody is fenced again, and the
#    group stays where it is (stickiness).
# Quorum as mii-linkd sees it: with two_node the survivor stays quorate through
# the cut (its mii-linkd says so, and never logs a loss); the fenced gateway,
# powered on while the link is still cut, boots alone and not quorate
# (wait_for_all): it fences nobody, and a mii-linkd started there by hand
# publishes quorum=not quorate, then logs and publishes quorate once the link
# is repaired.
# Every wait is bounded (SPLIT_WAIT, default 180 s); prints RESULT lines.
set -u
# shellcheck source=tests/e2e/demo.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/demo.sh"

SW=${SPLIT_WAIT:-180}
step "split brain at site 2: cutting only the corosync link between gw2a and gw2b"
lab_wait 180 0.5 links_up site2 || lab_fail "split: site2's links are not all reported up"
lab_wait 300 0.5 ready || { show_vpn; lab_fail "split: groups not running or clusters not idle"; }
holder site2 || lab_fail "split: nobody holds site2's VIP"
act=$HOLDER; oth=$(e2e_other "$act")
lab_alive "$oth" || lab_fail "split: $oth is down"
e2e_gw "$act"; a_int=$E2E_INT; e2e_gw "$oth"; o_int=$E2E_INT
EXT_VIP=203.0.113.20 INT_VIP=10.2.0.1
tag=split-site2
lab_probe_start "$tag" lan1 10.2.0.100 "$IV"
lab_wait 30 0.25 probe_steady "$tag" 0 || lab_fail "$tag: no steady traffic before the cut"

# sampler: every 100 ms, which gateway holds which VIP ("EPOCH A_EXT A_INT O_EXT O_INT",
# 1 = alive and the address is local); a dead host holds nothing (its cables are down)
samples=$RES/$tag-vips.txt
sampler() {
	local h v out
	while :; do
		out=$EPOCHREALTIME
		for h in "$act" "$oth"; do
			for v in "$EXT_VIP" "$INT_VIP"; do
				if pid_of "$h" && has_local_addr "$PID" "$v"; then out+=" 1"; else out+=" 0"; fi
			done
		done
		echo "$out"
		lab_sleep 0.1
	done
}
sampler >"$samples" &
spid=$!
lab_on_exit "kill $spid 2>/dev/null"

# the cut: knet's packets to the peer's ring0 address dropped on both sides (FIB
# rules, not recorded: lab_restore must not replay them)
cut_rule() { ip -n "$1" rule "$2" to "$3/32" ipproto udp dport 5405 blackhole; }
t0=$EPOCHREALTIME
cut_rule "$act" add "$o_int" && cut_rule "$oth" add "$a_int" || lab_fail "$tag: ip rule add"
lab_log "$tag: corosync link cut ($act <-/-> $oth)"

# one of them is fenced: wait until one is powered off
either_off() { ! lab_alive "$act" || ! lab_alive "$oth"; }   # no fork
lab_wait "$SW" 0.1 either_off || lab_fail "$tag: nobody was fenced in $SW s"
t_fenced=$EPOCHREALTIME
if lab_alive "$act"; then surv=$act gone=$oth; else surv=$oth gone=$act; fi
lab_alive "$surv" || lab_fail "$tag: both gateways were fenced"
lab_log "$tag: $gone fenced after $(lab__elapsed "$t0") s; $surv survives"
lab_result split_fenced_s "$(lab__elapsed "$t0")"
lab_result split_winner_was_active "$([ "$surv" = "$act" ] && echo 1 || echo 0)"
# the survivor holds the group and traffic is steady
vpid=$(lab_pid "$surv")
lab_wait "$SW" 1 moved_steady "$vpid" "$EXT_VIP" "$tag" "$t0" ||
	{ show_vpn; lab_fail "$tag: lan1 -> lan2 traffic not steady through $surv"; }
lab_resource_wait "$surv" vpn-bgp "$surv" "$SW" || { lab_exec "$surv" crm_mon -1 -r; lab_fail "$tag: group not on $surv"; }
lab_alive "$gone" && lab_fail "$tag: $gone is alive again"
sleep 0.5
lab_probe_stop "$tag"
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null

# the VIP samples: the longest time both held the same VIP, and the fence time
# (both_ms: first to last sample of the longest run of samples where both held
# the same VIP; nb: how many samples saw both)
read -r n both_ms nb <<<"$(awk '
	{ n++; b = ($2 && $4) || ($3 && $5)
	  if (b) { nb++; if (!s) s = $1; if ($1 - s > m) m = $1 - s } else s = 0 }
	END { printf "%d %d %d\n", n, m * 1000, nb }' "$samples")"
fence_ms=$(awk -v a="$t0" -v b="$t_fenced" 'BEGIN { printf "%d", (b - a) * 1000 }')
lab_log "$tag: $n samples, $nb with both gateways holding a VIP; longest such run $both_ms ms (fencing took $fence_ms ms)"
lab_result split_samples "$n"
lab_result split_both_held_samples "$nb"
lab_result split_both_held_ms "$both_ms"
[ "$n" -ge $((fence_ms / 100 / 2)) ] || lab_fail "$tag: only $n VIP samples in $fence_ms ms (sampler starved)"
if [ "$both_ms" -gt 0 ] && [ "$both_ms" -gt "$fence_ms" ]; then
	lab_fail "$tag: both gateways held a VIP for $both_ms ms, longer than the fencing ($fence_ms ms)"
fi
r=$(lab_probe_report "$tag"); lab_log "$tag: probe $r"
lab_result split_outage_ms "$(sed -n 's/.*outage_ms=\([0-9]*\).*/\1/p' <<<"$r")"
python3 "$PY" --t0 "$t0" --kind split --old "$gone" --new "$surv" --peer "$(holder site1 && echo "$HOLDER")" \
	--hosts "$LAB_HOSTS" --probe "$LAB_OUT/probes/$tag.txt" --iv "$IV" --tag "$tag" \
	--neighbor 172.16.0.1 --json "$RES/$tag.json" || lab_fail "$tag: timeline"

# Quorum as mii-linkd sees it.  With two_node both gateways stay quorate
# through the cut (fencing decides, not quorum): the survivor's mii-linkd
# must say quorate and never have logged a quorum loss.
# sfile HOST INSTANCE-GLOB: HOST's mii-linkd status file (run dir in its private /run)
sfile() { local f; f=(/proc/"$(lab_pid "$1")"/root/run/vpnha/mii-link/$2.status); [ -e "${f[0]}" ] && echo "${f[0]}"; }
sf=$(sfile "$surv" '*') || lab_fail "$tag: no mii-linkd status file on $surv"
grep -qx 'quorum=quorate' "$sf" || { cat "$sf"; lab_fail "$tag: mii-linkd on $surv does not say quorate"; }
c=$(<"$LAB_HOSTS/$surv/var/log/pacemaker/pacemaker.log")
[[ $c != *"this node has lost quorum"* ]] || lab_fail "$tag: mii-linkd on $surv logged a quorum loss"

# The fenced gateway powered on with the link still cut boots alone:
# wait_for_all keeps it not quorate, so it starts nothing and fences nobody.
# A mii-linkd started by hand there (instance qprobe, a dummy interface: its
# attribute is not the clone's) must publish quorum=not quorate, then, once
# the link is repaired, log "this node is quorate" and publish quorate.
step "$tag: $gone powered on with the corosync link still cut"
t_on=$EPOCHREALTIME
lab_power "$gone" on >"$RES/$tag-power-on.log" 2>&1 || { cat "$RES/$tag-power-on.log"; lab_fail "$tag: power on $gone"; }
ip -n "$gone" link add qp0 type dummy && ip -n "$gone" link set qp0 up || lab_fail "$tag: dummy qp0 on $gone"
qlog=/var/log/lab/qprobe.log
HA_LOGFILE=$qlog LAB_OCF_INSTANCE=qprobe lab_ocf "$gone" vpnha:mii-link start interfaces=qp0 >>"$RES/$tag-qprobe.log" 2>&1 ||
	{ cat "$RES/$tag-qprobe.log"; lab_fail "$tag: mii-link start (qprobe) on $gone"; }
q_alone() { local f; f=$(sfile "$gone" qprobe) && grep -qx 'quorum=not quorate' "$f"; }
lab_wait 60 0.5 q_alone || { cat "$(sfile "$gone" qprobe)"; lab_fail "$tag: mii-linkd on $gone alone does not publish quorum=not quorate"; }
lab_log "$tag: $gone alone: mii-linkd publishes quorum=not quorate"
lab_sleep 10   # time enough for a (wrong) fencing of the survivor
lab_alive "$surv" || lab_fail "$tag: $gone, booting alone, fenced $surv"
awk -v t="$t_on" '$1 >= t && ($2 == "off" || $2 == "reboot") && $4 == "ok" { f = 1 } END { exit f }' "$LAB_OUT/power.log" ||
	{ cat "$LAB_OUT/power.log"; lab_fail "$tag: a gateway was fenced while $gone booted alone"; }

# repair: the fenced gateway rejoins, is not fenced again, and the group stays
# on the survivor
step "$tag: corosync link repaired"
t_rep=$EPOCHREALTIME
cut_rule "$act" del "$o_int"; cut_rule "$oth" del "$a_int"
q_joined() { local f; f=$(sfile "$gone" qprobe) && grep -qx 'quorum=quorate' "$f"; }
lab_wait "$SW" 0.5 q_joined || { cat "$(sfile "$gone" qprobe)"; lab_fail "$tag: mii-linkd on $gone does not publish quorate after the repair"; }
lab_result split_quorate_after_repair_s "$(lab__elapsed "$t_rep")"
grep -q "this node is quorate" "$(lab_hostpath "$gone" "$qlog")" ||
	{ cat "$(lab_hostpath "$gone" "$qlog")"; lab_fail "$tag: mii-linkd on $gone did not log 'this node is quorate'"; }
lab_log "ok: mii-linkd on $gone: not quorate alone, quorate (logged) after the repair"
LAB_OCF_INSTANCE=qprobe lab_ocf "$gone" vpnha:mii-link stop interfaces=qp0 >>"$RES/$tag-qprobe.log" 2>&1 ||
	lab_fail "$tag: mii-link stop (qprobe)"
ip -n "$gone" link del qp0
lab_cluster_wait_online site2 "$SW" || lab_fail "$tag: $gone did not rejoin"
lab_wait "$SW" 2 link_ok "$gone" || lab_fail "$tag: $gone's links not reported up again"
lab_wait "$SW" 0.5 ready || { show_vpn; lab_fail "$tag: site2 not idle after $gone rejoined"; }
lab_result split_rejoined_s "$(lab__elapsed "$t_rep")"
holder site2; [ "$HOLDER" = "$surv" ] || lab_fail "$tag: the group moved to $HOLDER after $gone rejoined"
awk -v t="$t_on" '$1 >= t && ($2 == "off" || $2 == "reboot") && $4 == "ok" { f = 1 } END { exit f }' "$LAB_OUT/power.log" ||
	{ cat "$LAB_OUT/power.log"; lab_fail "$tag: a gateway was fenced again after $gone was powered on"; }
lab_exec lan1 ping -c 3 -W 1 -q 10.2.0.100 >/dev/null 2>&1 || lab_fail "$tag: no lan1 -> lan2 traffic after the rejoin"
lab_log "ok: $gone rejoined cleanly; the group stays on $surv"
status_proofs back "$surv" "$gone"
status_proofs end || lab_fail "vpnha status disagreed with the truth (tests/e2e/proofs-status.sh)"
step "split brain: done in $(elapsed) s"
