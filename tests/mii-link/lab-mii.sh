#!/bin/bash
# ocf:vpnha:mii-link in the lab (issue 7): a 2-node cluster (gw1, gw2; corosync
# on the "ring" segment), each node with an uplink up0 on the "wan" segment.
# A clone of mii-link watches up0; a group g1 (Dummy) has the location rule
#   score=-INFINITY vpnha-link-up0 ne 1
#   LAB_MII_PHASES="bad conformance cut storm kill attrd cib restart" (default: all of these)
# plus "bench" (LAB_MII_BENCH_CUTS, default 50; LAB_MII_BENCH_CUTS_DEFAULT for
# ethmonitor at its defaults, default 10). (LAB_* variables reach the guest.)
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"
B=${abs_top_builddir:-${top_builddir:?}}
S=${abs_top_srcdir:-${top_srcdir:-$B/..}}
PHASES=${LAB_MII_PHASES:-bad conformance cut storm kill attrd cib restart}
A=/usr/lib/ocf/resource.d/vpnha/mii-link
has() { case " $PHASES " in *" $1 "*) return 0;; esac; return 1; }
other() { [ "$1" = gw1 ] && echo gw2 || echo gw1; }

# attr FROM NODE NAME: the value of attribute NAME for NODE as FROM's attrd sees it
attr() {
	lab_exec "$1" attrd_updater -Q -n "$3" -N "$2" 2>/dev/null | sed -n 's/.*value="\([^"]*\)".*/\1/p'
}
attr_is() { [ "$(attr "$1" "$2" "$3")" = "$4" ]; }
# status NODE KEY: a field of the mii-link clone's daemon status file on NODE
status_file() { local f; for f in /proc/"$(lab_pid "$1")"/root/run/vpnha/mii-link/link*.status; do [ -e "$f" ] && { echo "$f"; return 0; }; done; return 0; }
status() { sed -n "s/^$2=//p" "$(status_file "$1")" 2>/dev/null; }
daemon_pid() { status "$1" pid; }  # pid inside the node's PID namespace

# Lab hosts have a private tmpfs /tmp, so a build tree under /tmp is invisible
# to them: install copies of the agent and its daemon (found next to the agent).
lab_install_build_agents mii-link mii-linkd || lab_fail "install agents"
for h in gw1 gw2; do lab_host $h || lab_fail "host $h"; done
lab_segment ring || lab_fail segment
lab_segment wan || lab_fail segment
lab_attach gw1 eth0 ring 10.0.0.1/24 || lab_fail attach
lab_attach gw2 eth0 ring 10.0.0.2/24 || lab_fail attach
for h in gw1 gw2; do
	lab_attach $h up0 wan || lab_fail attach
	lab_attach $h aux0 wan || lab_fail attach   # for the conformance harness
	lab_attach $h bm0 wan || lab_fail attach    # for the benchmark
done

# ------------------------------------------------------------------ bad input (no cluster needed)
if has bad; then
	o=$(lab_ocf gw1 "$A" validate-all interfaces=up0 name="$(printf 'a%.0s' $(seq 200))" 2>&1); rc=$?
	lab_check "too-long name: rc 6 ($rc) with a reason" test $rc -eq 6 -a "$(grep -c 'ocf-exit-reason:.*name' <<<"$o")" -eq 1
	for p in poll_interval=0 flap_window=0 poll_interval=-1s dampen=-5 multiplier=0 flap_threshold=-1; do
		o=$(lab_ocf gw1 "$A" validate-all interfaces=up0 "$p" 2>&1); rc=$?
		lab_check "$p: rc 6 ($rc), reason names it" test $rc -eq 6 -a "$(grep -c "ocf-exit-reason:.*${p%%=*}" <<<"$o")" -eq 1
	done
	lab_ocf gw1 "$A" validate-all interfaces=nosuch0 >/dev/null 2>&1; rc=$?
	lab_check "unknown interface at level 0: rc 0 ($rc)" test $rc -eq 0
	o=$(OCF_CHECK_LEVEL=10 lab_ocf gw1 "$A" validate-all interfaces=nosuch0 2>&1); rc=$?
	lab_check "unknown interface at level 10: rc 5 ($rc, node-local)" test $rc -eq 5
	lab_ocf gw1 "$A" monitor interfaces=nosuch0 >/dev/null 2>&1; rc=$?
	lab_check "probe with an unknown interface: rc 7 ($rc)" test $rc -eq 7
	# no cluster yet: start works and says so; stop works
	o=$(LAB_OCF_INSTANCE=nocl lab_ocf gw1 "$A" start interfaces=aux0 2>&1); rc=$?
	lab_check "start without a cluster: rc 0 ($rc), says the attribute was not published" \
		test $rc -eq 0 -a "$(grep -c 'could not be published' <<<"$o")" -ge 1
	o=$(LAB_OCF_INSTANCE=nocl lab_ocf gw1 "$A" monitor interfaces=aux0 2>&1); rc=$?
	lab_check "monitor without a cluster: rc 0 ($rc)" test $rc -eq 0
	o=$(LAB_OCF_INSTANCE=nocl lab_ocf gw1 "$A" stop interfaces=aux0 2>&1); rc=$?
	lab_check "stop without a cluster: rc 0 ($rc)" test $rc -eq 0
fi

# ------------------------------------------------------------------ the cluster
lab_log "starting the cluster"
lab_now; T0=$LAB_NOW
lab_cluster c1 gw1=10.0.0.1 gw2=10.0.0.2 || lab_fail cluster
lab_cluster_start c1 || lab_fail "cluster start"
lab_cluster_wait_online c1 240 || lab_fail "cluster not online"
lab_result mii_cluster_online_s "$(lab_since "$T0")"
lab_exec gw1 crm_attribute -t rsc_defaults -n resource-stickiness -v 100 >/dev/null ||
	lab_fail "stickiness"
lab_exec gw1 pcs resource create link ocf:vpnha:mii-link interfaces=up0 dampen=0 \
	flap_threshold=3 flap_window=4s poll_interval=1s \
	op monitor interval=2s timeout=20s clone >/dev/null || lab_fail "pcs create link"
lab_exec gw1 pcs resource create d1 ocf:pacemaker:Dummy op monitor interval=10s --group g1 \
	>/dev/null || lab_fail "pcs create d1"
lab_exec gw1 pcs constraint location g1 rule score=-INFINITY vpnha-link-up0 ne 1 >/dev/null ||
	lab_fail "pcs constraint"
for h in gw1 gw2; do
	lab_wait 60 0.3 attr_is gw1 $h vpnha-link-up0 1 || lab_fail "attribute on $h not 1"
done
lab_log "attributes published: gw1=$(attr gw2 gw1 vpnha-link-up0) gw2=$(attr gw1 gw2 vpnha-link-up0)"
lab_resource_wait gw1 d1 "" 60 || lab_fail "d1 not running"

# ------------------------------------------------------------------ conformance, in the cluster
if has conformance; then
	o=$(lab_exec gw1 env VPNHA_RUN_DIR=/run/vpnha-conf OCF_RNG="${OCF_RNG:-/usr/share/pcs/data/ocf-1.1.rng}" \
		"$S/tests/ocf-conformance" -i conf -o interfaces=aux0 -o name=conf-aux "$A" 2>&1); rc=$?
	echo "$o" | sed 's/^/    /'
	lab_check "conformance harness in the cluster (rc $rc)" test $rc -eq 0
	lab_check "stop deleted the attribute" test -z "$(attr gw2 gw1 conf-aux)"
	LAB_OCF_INSTANCE=conf2 lab_ocf gw1 "$A" start interfaces=aux0 >/dev/null 2>&1
	lab_check "manual start publishes vpnha-link-aux0=1 (seen from gw2)" lab_wait 30 0.2 attr_is gw2 gw1 vpnha-link-aux0 1
	LAB_OCF_INSTANCE=conf2 lab_ocf gw1 "$A" stop interfaces=aux0 >/dev/null 2>&1
	lab_check "stop deletes it (seen from gw2)" lab_wait 30 0.2 attr_is gw2 gw1 vpnha-link-aux0 ""
	# a stopped (SIGSTOP) daemon is reported hung once its status is older than
	# 3 polls + 2 publish timeouts + 2 s (1 s polls: 15 s), and healthy again after SIGCONT
	hung() { LAB_OCF_INSTANCE=conf3 lab_ocf gw1 "$A" "$1" interfaces=aux0 poll_interval=1s run_dir=/run/vpnha-hung; }
	hung_rc() { local o; o=$(hung monitor 2>&1); [ $? -eq "$1" ] && { [ -z "${2:-}" ] || [[ $o == *"$2"* ]]; }; }
	hung start >/dev/null 2>&1
	hp=$(sed -n 's/^pid=//p' /proc/"$(lab_pid gw1)"/root/run/vpnha-hung/mii-link/conf3.status 2>/dev/null)
	lab_check "daemon for the hung test started (pid ${hp:-none})" test -n "$hp"
	if [ -n "$hp" ]; then
		lab_exec gw1 kill -STOP "$hp"
		t0=$EPOCHREALTIME
		lab_sleep 6
		lab_check "monitor still 0 6 s after SIGSTOP (a slow publish is not a hang)" hung_rc 0
		lab_check "monitor reports the stopped daemon hung (rc 1)" lab_wait 40 1 hung_rc 1 "is hung"
		lab_result mii_hung_detected_s "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')"
		lab_exec gw1 kill -CONT "$hp"
		lab_check "monitor 0 again after SIGCONT" lab_wait 30 1 hung_rc 0
	fi
	hung stop >/dev/null 2>&1
fi

# ------------------------------------------------------------------ carrier loss -> the group moves
if has cut; then
	n=$(lab_resource_node gw1 d1) || lab_fail "where is d1"
	o=$(other "$n")
	lab_log "d1 runs on $n: cutting $n's up0"
	lab_now; T0=$LAB_NOW
	lab_cut "$n" up0
	lab_check "attribute of $n goes to 0 (seen from $o)" lab_wait 30 0.05 attr_is "$o" "$n" vpnha-link-up0 0
	lab_result mii_cut_attr_visible_s "$(lab_since "$T0")"
	lab_check "g1 moves to $o" lab_resource_wait "$o" d1 "$o" 60
	lab_result mii_cut_group_moved_s "$(lab_since "$T0")"
	lab_uncut "$n" up0
	lab_check "carrier back: attribute of $n back to 1" lab_wait 30 0.05 attr_is "$o" "$n" vpnha-link-up0 1
fi

# ------------------------------------------------------------------ flap storm
if has storm; then
	n=$(lab_resource_node gw1 d1) || lab_fail "where is d1"
	s=$(other "$n")   # storm on the node without the group
	read -r pn pi <"$LAB_STATE/seg/peer.$s.up0"
	before=$(status "$s" publishes) ev_before=$(status "$s" events)
	# 20 toggles in 2 s: one `ip -batch` fed a line every 100 ms (read -t on a
	# fifo nobody writes sleeps without forking; UML forks are slow)
	mkfifo /run/mii-storm.fifo && exec 9<>/run/mii-storm.fifo
	lab_now; T0=$LAB_NOW
	for ((i = 0; i < 10; i++)); do
		echo "link set $pi down"; read -r -t 0.1 -u 9
		echo "link set $pi up"; read -r -t 0.1 -u 9
	done | ip -n "$pn" -batch -
	exec 9<&-; rm -f /run/mii-storm.fifo
	lab_result mii_storm_20_toggles_s "$(lab_since "$T0")"
	lab_log "storm done; waiting for the flap window"
	lab_check "after the storm the attribute settles at 1" lab_wait 30 0.3 attr_is "$n" "$s" vpnha-link-up0 1
	sleep 2
	after=$(status "$s" publishes)
	lab_result mii_storm_link_events_seen $(($(status "$s" events) - ev_before))
	lab_result mii_storm_attr_changes $((after - before))
	lab_check "storm: attribute changed $((after - before)) times (<= flap_threshold+1 = 4)" \
		test $((after - before)) -le 4 -a $((after - before)) -ge 1
	lab_check "storm: g1 stayed on $n" test "$(lab_resource_node gw1 d1)" = "$n"
fi

# ------------------------------------------------------------------ daemon killed -> monitor fails -> restart
if has kill; then
	n=gw2
	p=$(daemon_pid $n)
	lab_log "killing mii-linkd (pid $p in $n)"
	lab_exec $n kill -9 "$p"
	lab_now; T0=$LAB_NOW
	newpid() { q=$(daemon_pid "$n"); [ -n "$q" ] && [ "$q" != "$p" ] && lab_exec "$n" kill -0 "$q" 2>/dev/null; }
	lab_check "Pacemaker restarted mii-linkd on $n" lab_wait 60 0.3 newpid
	lab_result mii_kill_restart_s "$(lab_since "$T0")"
	fc=$(lab_exec gw1 crm_failcount -G -r link -N $n -q 2>/dev/null)
	lab_check "the monitor failure was recorded (fail-count $fc)" test "${fc:-0}" != 0 -a "${fc:-0}" != INFINITY
	lab_check "attribute still 1 after the restart" lab_wait 30 0.3 attr_is gw1 $n vpnha-link-up0 1
	lab_exec gw1 crm_resource --cleanup -r link >/dev/null 2>&1
fi

# ------------------------------------------------------------------ attrd restarted -> re-published
if has attrd; then
	# on both nodes: a restarted attrd otherwise gets the value back from its
	# peer, and whether mii-linkd had to re-publish becomes a race.  Both
	# nodes' values must be back before the next phase: a late re-publish by
	# one node makes attrd write the attribute for every node to the CIB.
	declare -A attrd_pid attrd_nl0   # per node: the killed attrd, its log's length then
	for n in gw1 gw2; do
		attrd_nl0[$n]=$(wc -l <"$(lab_hostpath $n /var/log/pacemaker/pacemaker.log)")
		attrd_pid[$n]=$(lab_exec $n pidof pacemaker-attrd)
	done
	lab_log "killing pacemaker-attrd (pid ${attrd_pid[gw1]} in gw1, ${attrd_pid[gw2]} in gw2)"
	for n in gw1 gw2; do lab_exec $n kill -9 "${attrd_pid[$n]}"; done
	lab_now; T0=$LAB_NOW
	for n in gw2 gw1; do
		lab_check "attribute of $n back at 1 after attrd restarted" lab_wait 40 0.3 attr_is $n $n vpnha-link-up0 1
		lab_result mii_attrd_restart_republished_${n}_s "$(lab_since "$T0")"
	done
	# noticed from /proc (a new pacemaker-attrd pid), then published again
	relog() {
		tail -n +$((attrd_nl0[$1] + 1)) "$(lab_hostpath "$1" /var/log/pacemaker/pacemaker.log)" |
			grep -q "pacemaker-attrd restarted (pid [0-9]*, was ${attrd_pid[$1]}): re-publishing"
	}
	for n in gw2 gw1; do
		lab_check "mii-linkd on $n re-published it" lab_wait 30 1 relog $n
	done
	lab_check "gw2 sees gw1's value again" lab_wait 30 0.3 attr_is gw2 gw1 vpnha-link-up0 1
fi

# ------------------------------------------------------------------ CIB lost the values -> attrd rewrites them
# Pacemaker 2.1's controller can erase a rejoining node's transient attributes
# from the CIB after attrd rewrote them (seen after a partition merge); attrd
# then never writes the unchanged values again.  Reproduced here by erasing
# them by hand, as the controller does; mii-linkd's CIB check (every 60 s, and
# 5 s / 20 s after a membership change) must notice and run attrd_updater -R.
if has cib; then
	n=gw2
	plog=$(lab_hostpath $n /var/log/pacemaker/pacemaker.log)
	nl0=$(wc -l <"$plog")
	cib_attr() { lab_exec gw1 crm_attribute --lifetime reboot --node "$1" --name "$2" --query --quiet 2>/dev/null; }
	cib_is() { [ "$(cib_attr "$1" "$2")" = "$3" ]; }
	# both: a write still on its way for the other node would rewrite $n's too
	for m in $n "$(other $n)"; do
		lab_check "the CIB has vpnha-link-up0=1 for $m" lab_wait 30 1 cib_is "$m" vpnha-link-up0 1
	done
	lab_exec gw1 cibadmin --delete --xpath "//node_state[@uname='$n']/transient_attributes" >/dev/null 2>&1
	lab_now; T0=$LAB_NOW
	lab_check "erased from the CIB" test -z "$(cib_attr $n vpnha-link-up0)"
	lab_check "attrd still has it (what attrd_updater -Q sees)" attr_is gw1 $n vpnha-link-up0 1
	lab_check "the CIB has it again (mii-linkd's CIB check)" lab_wait 100 2 cib_is $n vpnha-link-up0 1
	lab_result mii_cib_restored_s "$(lab_since "$T0")"
	cibfix() { tail -n +$((nl0 + 1)) "$plog" | grep -q "the CIB lost vpnha-link-up0.*write its values again"; }
	lab_check "mii-linkd noticed and asked attrd to rewrite" lab_wait 30 1 cibfix
fi

# ------------------------------------------------------------------ restarts and reloads never move g1 (issue 16)
# stop leaves the attributes' deletion pending in attrd for stop_grace (30 s):
# an instance restarted (failed monitor), the whole clone restarted, or a
# reload of a reloadable parameter must not stop d1; link monitoring stopped
# for good must (once stop_grace has passed).
if has restart; then
	n=$(lab_resource_node gw1 d1) || lab_fail "where is d1"
	declare -A rl0   # per node: its pacemaker.log's length at the last mark
	mark() { local m; for m in gw1 gw2; do rl0[$m]=$(wc -l <"$(lab_hostpath $m /var/log/pacemaker/pacemaker.log)"); done; }
	since() { tail -n +$((rl0[$1] + 1)) "$(lab_hostpath "$1" /var/log/pacemaker/pacemaker.log)"; }
	logged() { since "$1" | grep -q "$2"; }                 # logged NODE REGEX (since the mark)
	ops() { local c=0 m; for m in gw1 gw2; do c=$((c + $(since $m | grep -c "$1"))); done; echo $c; }
	cib_val() { lab_exec gw1 crm_attribute --lifetime reboot --node "$1" --name vpnha-link-up0 --query --quiet 2>/dev/null; }
	cib_both_1() { [ "$(cib_val gw1)" = 1 ] && [ "$(cib_val gw2)" = 1 ]; }
	no_d1_stop() { # no_d1_stop WHAT: d1 never stopped since the mark, still on $n, CIB values kept
		lab_check "$1: d1 not stopped ($(ops 'stop operation for d1') stop ops logged)" test "$(ops 'stop operation for d1')" = 0
		lab_check "$1: d1 still on $n" test "$(lab_resource_node gw1 d1)" = "$n"
		lab_check "$1: the CIB has vpnha-link-up0=1 for both nodes" cib_both_1
	}
	restarted() { local q; q=$(daemon_pid "$1"); [ -n "$q" ] && [ "$q" != "$2" ] && lab_exec "$1" kill -0 "$q" 2>/dev/null; }

	lab_log "d1 runs on $n: killing its mii-linkd (Pacemaker restarts that node's instance)"
	mark; p=$(daemon_pid "$n")
	lab_exec "$n" kill -9 "$p"
	lab_check "instance restart: Pacemaker restarted mii-linkd on $n" lab_wait 60 0.3 restarted "$n" "$p"
	lab_sleep 3
	no_d1_stop "instance restart"
	lab_check "instance restart: the stop left the deletion pending, the new daemon took over" \
		logged "$n" "taking over the attributes"
	lab_exec gw1 crm_resource --cleanup -r link >/dev/null 2>&1

	lab_log "restarting the clone (target-role Stopped, then Started)"
	lab_sleep 2; mark; p1=$(daemon_pid gw1) p2=$(daemon_pid gw2)
	lab_now; T0=$LAB_NOW
	lab_exec gw1 crm_resource -r link-clone --meta -p target-role -v Stopped >/dev/null 2>&1
	gone() { [ -z "$(status_file gw1)" ] && [ -z "$(status_file gw2)" ]; }
	lab_check "clone restart: stopped on both nodes" lab_wait 60 0.3 gone
	lab_check "clone restart: attrd no longer has the value (seen from gw2)" attr_is gw2 "$n" vpnha-link-up0 ""
	lab_check "clone restart: the CIB still has vpnha-link-up0=1 for both nodes while stopped" cib_both_1
	lab_exec gw1 crm_resource -r link-clone --meta -p target-role -v Started >/dev/null 2>&1
	both() { restarted gw1 "$p1" && restarted gw2 "$p2"; }
	lab_check "clone restart: started again on both nodes" lab_wait 60 0.3 both
	lab_result mii_clone_restart_s "$(lab_since "$T0")"
	lab_sleep 3
	no_d1_stop "clone restart"

	lab_log "reloading: dampen=100ms (reload-agent, no restart)"
	mark
	lab_exec gw1 crm_resource -r link -p dampen -v 100ms >/dev/null 2>&1
	reloaded() { logged gw1 "reloaded: dampen $1 ms" && logged gw2 "reloaded: dampen $1 ms"; }
	lab_check "reload: reload-agent ran on both nodes" lab_wait 60 0.5 reloaded 100
	lab_sleep 3
	lab_check "reload: the instances were not stopped" test "$(ops 'stop operation for link')" = 0
	no_d1_stop "reload"

	lab_log "link monitoring stopped for good (stop_grace=3s): d1 must stop"
	mark
	lab_exec gw1 crm_resource -r link -p stop_grace -v 3s >/dev/null 2>&1
	lab_check "stop_grace=3s reloaded on both nodes" lab_wait 60 0.5 reloaded 100
	lab_now; T0=$LAB_NOW
	lab_exec gw1 crm_resource -r link-clone --meta -p target-role -v Stopped >/dev/null 2>&1
	d1_down() { ! lab_resource_node gw1 d1 >/dev/null; }
	lab_check "stopped for good: d1 stops (the CIB loses the attributes after stop_grace)" lab_wait 90 1 d1_down
	lab_result mii_stopped_for_good_d1_stopped_s "$(lab_since "$T0")"
	lab_check "stopped for good: the CIB has no vpnha-link-up0 for $n" test -z "$(cib_val "$n")"
	lab_exec gw1 crm_resource -r link-clone --meta -p target-role -v Started >/dev/null 2>&1
	lab_check "monitoring back: d1 runs again" lab_resource_wait gw1 d1 "" 90
fi

# ------------------------------------------------------------------ benchmark
if has bench; then
	. "$S/tests/mii-link/bench-mii.sh"
fi

lab_summary
