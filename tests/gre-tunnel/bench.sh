#!/bin/bash
# Benchmark (not a test): monitor of ocf:vpnha:gre-tunnel against an up tunnel,
# side by side with ocf:heartbeat:IPaddr2 monitor, on the same lab host.
#   top_srcdir=... top_builddir=... tests/lab/lab run tests/gre-tunnel/bench.sh [RUNS]
# Prints, for each agent: median / min / max wall time of one monitor (the agent
# process exec'd from a loop inside the host, as the executor runs it) and the
# number of fork/clone and execve calls it makes (strace -f).
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"
: "${top_builddir:?}"
runs=${1:-101}

mkdir -p "$LAB_STATE/bin"
install -m 755 "$top_builddir/agents/gre-tunnel" "$LAB_STATE/bin/gre-tunnel" || lab_fail "copy agent"
AG=$LAB_STATE/bin/gre-tunnel
IP2=/usr/lib/ocf/resource.d/heartbeat/IPaddr2

lab_host gw1 && lab_host gw2 || lab_fail hosts
lab_link gw1 eth0 gw2 eth0 198.51.100.1/24 198.51.100.2/24 || lab_fail cable
lab_ip gw1 link add lan0 type dummy && lab_ip gw1 link set lan0 up && lab_addr gw1 lan0 10.1.0.1/24
G=(ifname=gre1 local=198.51.100.1 remote=198.51.100.2 address=172.16.0.1 peer=172.16.0.2 routes=10.2.0.0/16)
LAB_OCF_INSTANCE=bench lab_ocf gw1 "$AG" start "${G[@]}" || lab_fail "gre-tunnel start"
LAB_OCF_INSTANCE=bench lab_ocf gw1 "$AG" monitor "${G[@]}" || lab_fail "gre-tunnel monitor"

# the loop runs inside gw1: env for both agents, then N timed runs
cat >"$LAB_STATE/bin/bench-loop" <<'EOF'
#!/bin/bash
# bench-loop RUNS AGENT ACTION: wall ms of each run, one per line
n=$1 agent=$2 action=$3
for ((i = 0; i < n; i++)); do
	s=$EPOCHREALTIME
	"$agent" "$action" >/dev/null 2>&1
	rc=$?
	e=$EPOCHREALTIME
	[ $rc -eq 0 ] || { echo "run $i: rc $rc" >&2; exit 1; }
	echo "$s $e"
done | awk '{ printf "%.3f\n", ($2 - $1) * 1000 }'
EOF
chmod 755 "$LAB_STATE/bin/bench-loop"

common=(OCF_ROOT=/usr/lib/ocf OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=20000 HA_LOGFACILITY=none)
gre_env=(OCF_RESOURCE_INSTANCE=bench OCF_RESKEY_ifname=gre1 OCF_RESKEY_local=198.51.100.1 OCF_RESKEY_remote=198.51.100.2
	OCF_RESKEY_address=172.16.0.1 OCF_RESKEY_peer=172.16.0.2 OCF_RESKEY_routes=10.2.0.0/16)
ip2_env=(OCF_RESOURCE_INSTANCE=vip OCF_RESKEY_ip=198.51.100.1 OCF_RESKEY_cidr_netmask=24 OCF_RESKEY_nic=eth0)

# stats NAME FILE
stats() {
	sort -n "$2" >"$2.sorted"
	local n med min max
	n=$(wc -l <"$2.sorted")
	med=$(sed -n "$(((n + 1) / 2))p" "$2.sorted")
	min=$(head -n1 "$2.sorted")
	max=$(tail -n1 "$2.sorted")
	printf '%-28s runs=%d median_ms=%s min_ms=%s max_ms=%s\n' "$1" "$n" "$med" "$min" "$max"
	lab_result "${1//[^a-zA-Z0-9]/_}_median_ms" "$med"
}
# forks NAME AGENT: fork/clone and execve calls of one monitor (execve minus the agent's own)
forks() {
	local f=$LAB_STATE/strace-${1//[^a-zA-Z0-9]/_}.txt env=("${@:3}") nf ne
	lab_exec gw1 env "${env[@]}" strace -f -qq -e trace=fork,vfork,clone,clone3,execve -o "$f" "$2" monitor \
		>/dev/null 2>"$LAB_STATE/strace.err" || { echo "strace failed: $(cat "$LAB_STATE/strace.err")"; return 1; }
	cp "$f" "$LAB_OUT/"
	nf=$(grep -cE '^[0-9]+ +(fork|vfork|clone|clone3)\(' "$f")
	ne=$(($(grep -cE '^[0-9]+ +execve\(' "$f") - 1))
	printf '%-28s forks=%d execs=%d\n' "$1" "$nf" "$ne"
	lab_result "${1//[^a-zA-Z0-9]/_}_forks" "$nf"
	lab_result "${1//[^a-zA-Z0-9]/_}_execs" "$ne"
}

lab_exec gw1 env "${common[@]}" "${gre_env[@]}" "$LAB_STATE/bin/bench-loop" "$runs" "$AG" monitor >"$LAB_OUT/gre.ms" ||
	lab_fail "gre-tunnel monitor loop failed"
lab_exec gw1 env "${common[@]}" "${ip2_env[@]}" "$LAB_STATE/bin/bench-loop" "$((runs / 5 + 1))" "$IP2" monitor >"$LAB_OUT/ipaddr2.ms" ||
	lab_fail "IPaddr2 monitor loop failed"
# the cost of exec'ing any program from the same loop (the floor)
lab_exec gw1 env "${common[@]}" "$LAB_STATE/bin/bench-loop" "$runs" /bin/true monitor >"$LAB_OUT/true.ms"

echo "# monitor wall time inside UML (slow fork/exec: see lab-notes), $(uname -r)"
stats "gre-tunnel monitor" "$LAB_OUT/gre.ms"
stats "IPaddr2 monitor" "$LAB_OUT/ipaddr2.ms"
stats "/bin/true (exec floor)" "$LAB_OUT/true.ms"
forks "gre-tunnel monitor" "$AG" "${common[@]}" "${gre_env[@]}"
forks "IPaddr2 monitor" "$IP2" "${common[@]}" "${ip2_env[@]}"

# a big routing table on another link (as with a full BGP feed): the monitor's
# route dump is filtered by the kernel (link + table), so its cost should not grow
nroutes=${BENCH_ROUTES:-20000}
for ((i = 0; i < nroutes; i++)); do
	echo "route add 10.$((100 + i / 250)).$((i % 250)).0/24 dev lan0"
done >"$LAB_STATE/routes.batch"
ip -n gw1 -batch "$LAB_STATE/routes.batch" || lab_fail "adding $nroutes routes"
echo "# with $(ip -n gw1 route show | wc -l) routes in the main table"
lab_exec gw1 env "${common[@]}" "${gre_env[@]}" "$LAB_STATE/bin/bench-loop" "$runs" "$AG" monitor >"$LAB_OUT/gre-routes.ms" ||
	lab_fail "gre-tunnel monitor loop (big table) failed"
stats "gre-tunnel monitor ${nroutes}rt" "$LAB_OUT/gre-routes.ms"

LAB_OCF_INSTANCE=bench lab_ocf gw1 "$AG" stop "${G[@]}" >/dev/null 2>&1
exit 0
