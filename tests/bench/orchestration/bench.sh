#!/bin/bash
# make bench-orchestration (issues 15 and 21): Pacemaker's part of the takeover
# layout at native process speed.  A real 2-node Corosync/Pacemaker cluster on
# the HOST kernel (no UML), each node a network namespace with private mount,
# UTS and PID namespaces (tests/lab/lib.sh's hosts, LAB_HOSTKERNEL mode), all
# inside a private mount namespace of this script's: nothing outside it
# changes (/run/netns, /etc/hosts and /usr/lib/ocf/resource.d are private
# copies; only addresses in the namespaces created here).
#
#   tests/bench/orchestration/bench.sh BUILDDIR OUTDIR [ROUNDS] [KINDS]
#
# The group and constraints come from examples/pcs/configure-site.sh (pcs -f,
# site 1, its defaults; fencing off: no fence device here), with the three
# agents that need GRE/ESP (ipsec-conn, gre-tunnel, bgp-peer) replaced by
# ocf:pacemaker:Dummy; the VIPs (ocf:vpnha:vip) and mii-link are the real
# agents on real veth links.  Failure kinds: extcut (external link cut on the
# active node: mii-link -> attribute -> the group moves), standby (crm_attribute
# standby=on, what `pcs node standby` writes), crash (SIGKILL of the node's
# namespaces and its links down; no fencing).  ROUNDS (default 5) of each;
# per failover a timeline from Pacemaker's and corosync's logs
# (tests/e2e/timeline.py), then median and worst per kind.  A benchmark: it
# prints numbers and fails only when the group does not move.
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/${BASH_SOURCE[0]##*/}
SRC=$(cd "$(dirname "$SELF")/../../.." && pwd -P)
if [ -z "${ORCH_INNER:-}" ]; then
	[ $# -ge 2 ] || { echo "usage: $0 BUILDDIR OUTDIR [ROUNDS] [KINDS]" >&2; exit 2; }
	[ "$(id -u)" = 0 ] || { echo "$0: needs root (namespaces)" >&2; exit 1; }
	for a in vip mii-link mii-linkd; do
		[ -x "$1/agents/$a" ] || { echo "$0: $1/agents/$a not built (make first)" >&2; exit 1; }
	done
	B=$(cd "$1" && pwd -P)
	mkdir -p "$2" && OUT=$(cd "$2" && pwd -P) || exit 1
	case $OUT in /tmp/* | /run/* | /dev/shm/*) echo "$0: OUTDIR must not be under /tmp, /run or /dev/shm" >&2; exit 1 ;; esac
	rm -rf "$OUT/state" "$OUT/probes" "$OUT/captures" "$OUT/results" "$OUT/results.env"
	exec env ORCH_INNER=1 ORCH_B="$B" LAB_OUT="$OUT" unshare --mount --propagation private -- \
		timeout -k 10 "${ORCH_TIMEOUT:-900}" bash "$SELF" "${@:3}"
fi

# ---------------------------------------------------------------- inside the private mount namespace
ROUNDS=${1:-5} KINDS=${2:-"extcut standby crash"}
B=$ORCH_B
export LAB_DIR=$SRC/tests/lab LAB_HOSTKERNEL=$LAB_OUT/state
mkdir -p "$LAB_HOSTKERNEL" /run/netns || exit 1
mount -t tmpfs orch-netns /run/netns || exit 1
cp /etc/hosts "$LAB_HOSTKERNEL/etc-hosts" && mount --bind "$LAB_HOSTKERNEL/etc-hosts" /etc/hosts || exit 1
R=/usr/lib/ocf/resource.d
mkdir -p "$LAB_HOSTKERNEL/ocf-orig"
mount --bind "$R" "$LAB_HOSTKERNEL/ocf-orig" && mount -t tmpfs orch-ocf "$R" || exit 1
for d in "$LAB_HOSTKERNEL"/ocf-orig/*; do
	[ "${d##*/}" = vpnha ] && continue
	mkdir "$R/${d##*/}" && mount --bind "$d" "$R/${d##*/}" || exit 1
done
mkdir -p "$R/vpnha" && mount --bind "$B/agents" "$R/vpnha" || exit 1
export OCF_ROOT=/usr/lib/ocf
# Pacemaker logs to its file only (no syslog here)
export PCMK_logfacility=none
. "$LAB_DIR/lib.sh"
. "$SRC/tests/e2e/topology.sh"
trap 'exit 143' TERM INT HUP   # lib.sh's EXIT trap kills the nodes
RES=$LAB_OUT/results; mkdir -p "$RES"
T_START=$EPOCHREALTIME
elapsed() { awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }
step() { lab_log "== $*"; }

step "host kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
lab_hosts gw1a gw1b lan1 || lab_fail "hosts"
lab_segment internet && lab_segment site1 || lab_fail "segments"
for h in gw1a gw1b; do
	e2e_gw "$h"
	lab_attach "$h" ext0 internet "$E2E_EXT/24" && lab_attach "$h" int0 site1 "$E2E_INT/24" || lab_fail "attach $h"
done
lab_attach lan1 eth0 site1 10.1.0.100/24 || lab_fail "attach lan1"
# corosync as examples/corosync/corosync.conf.in (token 1000, consensus 1200,
# knet pings 500/3000 ms), logging to its file only
lab_cluster site1 --token 1000 gw1a=10.1.0.2 gw1b=10.1.0.3 || lab_fail "cluster"

step "the group from examples/pcs/configure-site.sh (pcs -f), GRE/ESP agents -> ocf:pacemaker:Dummy, layout ${ORCH_LAYOUT:-group}"
cibadmin --empty >"$LAB_STATE/base.xml" || lab_fail "cibadmin --empty"
mkdir -p "$LAB_STATE/pcs"
# load-threshold 1000% (ORCH_LOAD_THRESHOLD): this build machine is shared (load
# average 5-8 on 2 cores while labs run), and at Pacemaker's default 80% every
# node would throttle itself to one action at a time ("High CPU load
# detected"), which a dedicated gateway would not do.
CIB_IN=$LAB_STATE/base.xml WORK=$LAB_STATE/pcs NO_PUSH=1 LAB=1 LOAD_THRESHOLD=${ORCH_LOAD_THRESHOLD-1000%} \
	"$SRC/examples/pcs/configure-site.sh" "$SRC/examples/site1.env" >"$RES/pcs.log" 2>&1 ||
	{ cat "$RES/pcs.log"; lab_fail "configure-site.sh"; }
python3 "$(dirname "$SELF")/stand-ins.py" "$LAB_STATE/pcs/vpnha-cib.xml" "$LAB_STATE/cib-dummy.xml" \
	"${ORCH_LAYOUT:-group}" || lab_fail "Dummy stand-ins"

step "starting corosync + pacemaker"
lab_cluster_start site1 || lab_fail "cluster start"
lab_cluster_wait_online site1 120 || lab_fail "cluster not online"
lab_result orch_cluster_online_s "$(elapsed)"
lab_exec gw1a cibadmin -Q >"$LAB_STATE/live.xml" || lab_fail "cibadmin -Q"
python3 "$SRC/tests/e2e/cib-merge.py" "$LAB_STATE/live.xml" "$LAB_STATE/cib-dummy.xml" >"$LAB_STATE/config.xml" ||
	lab_fail "cib-merge"
lab_exec gw1a cibadmin --replace --scope configuration --xml-file "$LAB_STATE/config.xml" || lab_fail "cibadmin --replace"
lab_exec gw1a crm_mon -1 -r >"$RES/crm_mon-start.txt" 2>&1

pid_of() { PID=; read -r PID <"$LAB_HOSTS/$1/pid" 2>/dev/null && [ -n "$PID" ] && [ -d "/proc/$PID" ]; }
has_local_addr() {
	local -a l; local x
	mapfile -t l <"/proc/$1/net/fib_trie" 2>/dev/null || return 1
	for x in "${l[@]}"; do [[ $x == *"-- $2" ]] && return 0; done
	return 1
}
# holder: HOLDER = the node with both VIPs
holder() {
	local h; HOLDER=
	for h in gw1a gw1b; do
		pid_of "$h" && has_local_addr "$PID" 203.0.113.10 && has_local_addr "$PID" 10.1.0.1 && { HOLDER=$h; return 0; }
	done
	return 1
}
# settled: both nodes online, the whole group started on one node, nothing
# pending (no transition in progress, from crm_mon), both link attributes 1
settled() {
	local x
	holder || return 1
	x=$(lab_exec "$HOLDER" crm_mon -1 -A --output-as=xml 2>/dev/null) || return 1
	[ "$(grep -c '<node name=.* online="true"' <<<"$x")" = 2 ] || return 1
	[ "$(grep -c "<resource id=\"vpn-[a-z-]*\" .*role=\"Started\".*nodes_running_on=\"1\"" <<<"$x")" -ge 7 ] || return 1
	grep -q 'role="Stopped"\|pending="true"' <<<"$x" && return 1
	[ "$(grep -c 'name="vpnha-link-ext0" value="1"' <<<"$x")" = 2 ] &&
		[ "$(grep -c 'name="vpnha-link-int0" value="1"' <<<"$x")" = 2 ]
}
lab_wait 120 0.5 settled || { lab_exec gw1a crm_mon -1 -r -A; lab_fail "the group did not start"; }
lab_result orch_group_started_s "$(elapsed)"
lab_exec gw1a crm_mon -1 -r -A >"$RES/crm_mon-settled.txt" 2>&1

# group_on NODE: the group's last member started on NODE (crm_resource, native speed)
group_on() { [[ $(lab_exec "$1" crm_resource --locate -r vpn-bgp 2>/dev/null) == *"running on: $1"* ]]; }

N=0
failover() {
	local k=$1 round=$2 old new tag t0 vpid
	N=$((N + 1)); tag=$(printf '%02d-s1-%s' "$N" "$k")
	lab_wait 120 0.5 settled || { lab_exec gw1a crm_mon -1 -r -A; lab_fail "$tag: not settled before the failure"; }
	lab_sleep 1
	holder; old=$HOLDER; new=$(e2e_other "$old")
	step "failover $tag (round $round): $k on $old"
	lab_probe_start "$tag" lan1 10.1.0.1 0.02
	lab_sleep 1
	case $k in
	extcut) t0=$EPOCHREALTIME; lab_cut "$old" ext0 ;;
	crash) t0=$EPOCHREALTIME; lab_crash "$old" ;;
	standby) t0=$EPOCHREALTIME; lab_exec "$new" crm_attribute -N "$old" -n standby -v on >/dev/null || lab_fail "standby" ;;
	esac
	# shellcheck disable=SC2034  # used in the eval below
	vpid=$(lab_pid "$new")
	lab_wait 60 0.1 eval 'has_local_addr "$vpid" 10.1.0.1 && group_on "$new"' ||
		{ lab_exec "$new" crm_mon -1 -r -A; lab_fail "$tag: the group did not move to $new"; }
	lab_sleep 1
	lab_probe_stop "$tag"
	python3 "$SRC/tests/e2e/timeline.py" --t0 "$t0" --kind "$k" --old "$old" --new "$new" --peer "$old" \
		--hosts "$LAB_HOSTS" --probe "$LAB_OUT/probes/$tag.txt" --iv 0.02 --tag "$tag" \
		--neighbor 172.16.0.2 --json "$RES/$tag.json" | grep -v -e ' -  ' -e 'SA up\|BGP\|peer site' || lab_fail "$tag: timeline"
	case $k in
	extcut) lab_uncut "$old" ext0 ;;
	standby) lab_exec "$new" crm_attribute -N "$old" -n standby -v off >/dev/null ;;
	crash)
		lab_restore "$old" >"$RES/restore-$tag.log" 2>&1 || lab_fail "$tag: restore $old"
		lab_cluster_wait_online site1 120 || lab_fail "$tag: $old did not rejoin"
		;;
	esac
}
for ((r = 1; r <= ROUNDS; r++)); do
	for k in $KINDS; do failover "$k" "$r"; done
done

step "summary: Pacemaker's part on the host kernel, $ROUNDS rounds (seconds after the failure)"
python3 - "$RES"/[0-9]*.json <<'EOF' | tee "$RES/summary.txt"
import json, statistics, sys
COLS = [('detected', ('detected: link attribute 0', 'detected: new membership', 'transition computed')),
        ('old stopped', ('old: group stopped',)), ('ext VIP up', ('new: ext VIP started',)),
        ('group started', ('new: bgp-peer started',)), ('LAN VIP gap', None)]
runs = {}
for p in sys.argv[1:]:
    r = json.load(open(p))
    runs.setdefault(r['kind'], []).append(r)
print('| failover | runs | ' + ' | '.join('%s median (worst)' % c for c, _ in COLS) + ' |')
print('|---|---|' + '---|' * len(COLS))
for kind in ('extcut', 'standby', 'crash'):
    rs = runs.get(kind)
    if not rs:
        continue
    cells = []
    for c, names in COLS:
        if names is None:
            v = [r['outage_s'] for r in rs]
        else:
            v = [next((r['events'][n] for n in names if r['events'].get(n) is not None), None) for r in rs]
            v = [x for x in v if x is not None]
        cells.append('%.2f (%.2f)' % (statistics.median(v), max(v)) if v else '-')
    print('| %s | %d | %s |' % (kind, len(rs), ' | '.join(cells)))
print('(group started = the last member, vpn-bgp (a Dummy here), started on the new node; LAN VIP gap =')
print(' the longest gap of a 50/s ping lan1 -> 10.1.0.1, the LAN VIP; from Pacemaker and corosync logs)')
EOF
lab_result orch_total_s "$(elapsed)"
step "done in $(elapsed) s; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
