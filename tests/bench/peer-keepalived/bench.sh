#!/bin/bash
# The peer baseline of issue 21, run inside the lab (make bench-peer):
#
#   tests/lab/lab run tests/bench/peer-keepalived/bench.sh [--rounds N] [--kinds "KIND..."]
#
# The set-up an admin would build with keepalived instead of vpnha, in the same
# lab topology as `make demo` (tests/e2e/topology.sh: two sites of two gateways,
# lan1 and lan2), with the same charon and FRR configurations (examples/): one
# VRRP instance per site holds both VIPs (keepalived.conf.in), notify scripts
# start/stop the SA, GRE and the BGP neighbor (vpn-notify.in).  Same failure
# kinds as make demo (s1-extcut s1-standby s1-crash s2-extcut; a planned
# switchover = keepalived stopped on the master, as `systemctl stop keepalived`
# does), same 20 pkt/s probe lan1 -> lan2, a timeline per failover from the
# daemons' logs (timeline.py here), the summary table (tests/e2e/summary.py).
# A benchmark, not a test: it fails only when traffic does not come back.
set -u
. "$LAB_DIR/lib.sh"
KA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
SRC=$(cd "$KA/../../.." && pwd -P)
EX=$SRC/examples
E2E=$SRC/tests/e2e
# shellcheck source=tests/e2e/topology.sh
. "$E2E/topology.sh"
ROUNDS=3 IV=${LAB_E2E_PROBE_IV:-0.05}
KINDS="s1-extcut s1-standby s1-crash s2-extcut"
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2; shift ;;
	--kinds) KINDS=$2; shift ;;
	*) echo "usage: bench.sh [--rounds N] [--kinds \"KIND...\"]" >&2; exit 2 ;;
	esac
	shift
done
RES=$LAB_OUT/peer; mkdir -p "$RES"
T_START=$EPOCHREALTIME
elapsed() { awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }
step() { lab_log "== $*"; }

# ---------------------------------------------------------------- set-up
step "topology (tests/e2e/topology.sh) and the example configs"
e2e_topology || lab_fail "topology"
e2e_configs "$EX" || lab_fail "configs"
psk=$(<"$LAB_STATE/e2e-configs/psk")
for h in $E2E_GWS; do
	s=$(e2e_site_of "$h"); H=$LAB_HOSTS/$h
	# charon: the static connection of examples/ (site 1 as shipped; site 2
	# with the addresses and IDs swapped, as its comment says), the PSK in
	# its own 0600 file
	sw=(cat)
	[ "$s" = site2 ] && sw=(sed -e 's/203\.0\.113\.10/X1/; s/203\.0\.113\.20/203.0.113.10/; s/X1/203.0.113.20/'
		-e 's/site1\.vpn/X2/; s/site2\.vpn/site1.vpn/; s/X2/site2.vpn/')
	sed '/^secrets {/,$d' "$EX/strongswan/swanctl/conf.d/site1-site2.conf.example" | "${sw[@]}" \
		>"$H/etc/swanctl/conf.d/site1-site2.conf" || lab_fail "swanctl conf $h"
	install -m 600 /dev/null "$H/etc/swanctl/conf.d/secrets.conf"
	printf 'secrets {\n\tike-site1-site2 {\n\t\tid-1 = site1.vpn.example\n\t\tid-2 = site2.vpn.example\n\t\tsecret = "%s"\n\t}\n}\n' \
		"$psk" >"$H/etc/swanctl/conf.d/secrets.conf"
	# keepalived: the gateway "a" has the higher priority (who wins at start)
	prio=100; [[ $h == *b ]] && prio=90
	"$EX/render" "$KA/keepalived.conf.in" "$EX/$s.env" HOSTNAME="$h" VRID="5${s#site}" PRIORITY=$prio \
		NOTIFY=/etc/vpnha/vpn-notify >"$H/etc/vpnha/keepalived.conf" || lab_fail "keepalived.conf $h"
	"$EX/render" "$KA/vpn-notify.in" "$EX/$s.env" NOTIFY_LOG=/var/log/lab/vpn-notify.log \
		>"$H/etc/vpnha/vpn-notify" || lab_fail "vpn-notify $h"
	chmod 755 "$H/etc/vpnha/vpn-notify"; chmod 644 "$H/etc/vpnha/keepalived.conf"
done

# ka_start HOST: keepalived in the foreground of a detached pipe that stamps
# each console line with the epoch (its own stamps have 1 s resolution);
# recorded for lab_restore like the lab's own daemons.
ka_start() {
	local h=$1
	[ -n "${LAB__NOBOOTREC:-}" ] || lab_boot_add "$h" ka_start "$h"
	# shellcheck disable=SC2016
	lab_daemon "$h" /var/log/lab/keepalived.out bash -c 'keepalived --dont-fork --log-console --log-detail --no-syslog \
		-f /etc/vpnha/keepalived.conf 2>&1 | while IFS= read -r l; do printf "%s %s\n" "$EPOCHREALTIME" "$l"; done \
		>>/var/log/lab/keepalived.log'
}
# ka_state HOST: sets KST to HOST's last VRRP state (MASTER, BACKUP, FAULT), from its log
ka_state() {
	local -a l; local i
	KST=
	mapfile -t l <"$LAB_HOSTS/$1/var/log/lab/keepalived.log" 2>/dev/null || return 1
	for ((i = ${#l[@]} - 1; i >= 0; i--)); do
		if [[ ${l[i]} =~ \)\ Entering\ ([A-Z]+)\ STATE ]]; then KST=${BASH_REMATCH[1]}; return 0; fi
		[[ ${l[i]} == *"Stopped Keepalived"* ]] && { KST=STOPPED; return 0; }
	done
	return 1
}
# notify_idle HOST: HOST's last notify run has finished ("...: done")
notify_idle() {
	local -a l
	mapfile -t l <"$LAB_HOSTS/$1/var/log/lab/vpn-notify.log" 2>/dev/null || return 0
	[ ${#l[@]} = 0 ] || [[ ${l[-1]} == *": done" ]]
}

step "charon + FRR (examples' configs) and keepalived on the four gateways"
pids=()
for h in $E2E_GWS; do e2e_daemons "$h" >"$RES/daemons-$h.log" 2>&1 & pids+=($!); done
rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ $rc = 0 ] || { tail -n 20 "$RES"/daemons-*.log; lab_fail "charon/FRR did not start"; }
for h in $E2E_GWS; do ka_start "$h" || lab_fail "keepalived on $h"; done
lab_result peer_daemons_s "$(elapsed)"
lab_wait 120 1 lab_exec lan1 ping -c1 -W1 -q 10.2.0.100 >/dev/null 2>&1 || lab_fail "no lan1 -> lan2 traffic"
lab_result peer_traffic_s "$(elapsed)"

# ---------------------------------------------------------------- failovers
pid_of() { PID=; read -r PID <"$LAB_HOSTS/$1/pid" 2>/dev/null && [ -n "$PID" ] && [ -d "/proc/$PID" ]; }
has_local_addr() {
	local -a l; local x
	mapfile -t l <"/proc/$1/net/fib_trie" 2>/dev/null || return 1
	for x in "${l[@]}"; do [[ $x == *"-- $2" ]] && return 0; done
	return 1
}
holder() {
	local h n=${1#site}
	HOLDER=
	for h in "gw${n}a" "gw${n}b"; do
		pid_of "$h" && has_local_addr "$PID" "203.0.113.${n}0" && { HOLDER=$h; return 0; }
	done
	return 1
}
probe_steady() {
	awk -v since="$2" -v now="$EPOCHREALTIME" -v iv="$IV" '
	/bytes from/ { t = substr($1, 2, length($1) - 2) + 0; if (t > since) { n++; if (t > now - 2) recent++ } }
	/no answer yet/ { t = substr($1, 2, length($1) - 2) + 0; if (t > now - 2) lost++ }
	END { exit !(n > 0 && lost == 0 && recent >= 0.5 * 2 / iv) }' "$LAB_OUT/probes/$1.txt"
}
# ready SITE: each site has one MASTER whose notify finished, the site's other
# gateway is BACKUP (after a repair), lan1 -> lan2 answers
ready() {
	local s h
	for s in $E2E_SITES; do
		holder "$s" || return 1
		ka_state "$HOLDER" && [ "$KST" = MASTER ] && notify_idle "$HOLDER" || return 1
		h=$(e2e_other "$HOLDER")
		lab_alive "$h" || continue   # crashed for good (the last crash of its site)
		ka_state "$h" && [ "$KST" = BACKUP ] && notify_idle "$h" || return 1
	done
	lab_exec lan1 ping -c1 -W1 -q 10.2.0.100 >/dev/null 2>&1
}

N_FO=0
failover() {
	local kind=$1 round=$2 site k old new peer tag t0 vpid
	site=site${kind:1:1}; k=${kind#*-}
	N_FO=$((N_FO + 1)); tag=$(printf '%02d-%s' "$N_FO" "$kind")
	lab_wait 300 1 ready || lab_fail "$tag: not ready (no master, or the other gateway not BACKUP)"
	holder "$site"; old=$HOLDER; new=$(e2e_other "$old")
	holder "$([ "$site" = site1 ] && echo site2 || echo site1)"; peer=$HOLDER
	step "failover $tag (round $round): $k on $old, $new should take over"
	lab_probe_start "$tag" lan1 10.2.0.100 "$IV"
	lab_wait 30 0.25 probe_steady "$tag" 0 || lab_fail "$tag: no steady traffic before the failure"
	case $k in
	extcut) t0=$EPOCHREALTIME; lab_cut "$old" ext0 ;;
	crash) t0=$EPOCHREALTIME; lab_crash "$old" ;;
	# a planned switchover with keepalived: stop it on the master
	# (systemctl stop keepalived): it sends priority 0 and runs notify_stop
	standby) t0=$EPOCHREALTIME; lab_exec "$old" sh -c 'kill -TERM "$(cat /run/keepalived.pid)"' ;;
	*) lab_fail "unknown kind $k" ;;
	esac
	# shellcheck disable=SC2034  # used in the eval below
	vpid=$(lab_pid "$new") || lab_fail "$tag: no pid for $new"
	lab_wait 120 1 eval 'has_local_addr "$vpid" "203.0.113.$(e2e_n "$new")0" && probe_steady "$tag" "$t0"' ||
		lab_fail "$tag: lan1 -> lan2 traffic not back through $new"
	sleep 0.5
	lab_probe_stop "$tag"
	python3 "$KA/timeline.py" --t0 "$t0" --kind "$k" --old "$old" --new "$new" --peer "$peer" \
		--hosts "$LAB_HOSTS" --probe "$LAB_OUT/probes/$tag.txt" --iv "$IV" --tag "$tag" \
		--neighbor "172.16.0.$((3 - $(e2e_n "$new")))" --json "$RES/$tag.json" || lab_fail "$tag: timeline"
	case $k in
	extcut) lab_uncut "$old" ext0 ;;
	standby) ka_start "$old" ;;
	crash)
		[ "${3:-}" = last ] && return 0
		lab_restore "$old" >"$RES/restore-$tag.log" 2>&1 || lab_fail "$tag: restore $old"
		;;
	esac
}

kinds=()
for ((r = 1; r <= ROUNDS; r++)); do for k in $KINDS; do kinds+=("$k:$r"); done; done
for ((i = 0; i < ${#kinds[@]}; i++)); do
	k=${kinds[$i]}; last=
	if [[ $k == *crash* ]]; then
		last=last
		for ((j = i + 1; j < ${#kinds[@]}; j++)); do [[ ${kinds[$j]} == ${k:0:2}-* ]] && last=; done
	fi
	failover "${k%%:*}" "${k##*:}" $last
done

step "summary (keepalived peer baseline, $ROUNDS rounds)"
python3 "$E2E/summary.py" "$RES"/[0-9]*.json | tee "$RES/summary.txt"
lab_result peer_total_s "$(elapsed)"
step "done in $(elapsed) s"
