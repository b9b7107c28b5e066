#!/bin/bash
# Benchmark (not a test): start / monitor / stop of ocf:vpnha:vip side by side with
# ocf:heartbeat:IPaddr2 (same address, prefix, nic, arp_count, arp_interval) on one
# lab host.
#   top_srcdir=... top_builddir=... tests/lab/lab run tests/vip/bench.sh [RUNS]
# Prints, per agent and action: median / min / max wall time (the agent exec'd from
# a loop inside the host, as the executor runs it; RUNS cycles of start, monitor,
# stop) and the fork/clone and execve calls of one run (strace -f, untimed).
# Note: IPaddr2 sends its ARPs from a background send_arp (arp_bg=true) and
# returns; vip sends them itself, so its start includes (arp_count-1)*arp_interval
# = 200 ms of waiting. The "vip arp_count=1" line shows the start without that wait.
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"
: "${top_builddir:?}"
runs=${1:-10}

mkdir -p "$LAB_STATE/bin"
install -m 755 "$top_builddir/agents/vip" "$LAB_STATE/bin/vip" || lab_fail "copy agent"
VIP=$LAB_STATE/bin/vip
IP2=/usr/lib/ocf/resource.d/heartbeat/IPaddr2
[ -x "$IP2" ] || lab_fail "no $IP2"

lab_segment bseg || lab_fail segment
lab_hosts b1 b2 || lab_fail hosts
lab_attach b1 eth0 bseg 10.30.0.1/24 || lab_fail attach
lab_attach b2 eth0 bseg 10.30.0.2/24 || lab_fail attach

cat >"$LAB_STATE/bin/bench-loop" <<'EOF'
#!/bin/bash
# bench-loop RUNS AGENT: RUNS cycles of start, monitor, stop; prints "ACTION ms" per run
n=$1 agent=$2
for ((i = 0; i < n; i++)); do
	for a in start monitor stop; do
		if [ $a = monitor ]; then export OCF_RESKEY_CRM_meta_interval=10000; else export OCF_RESKEY_CRM_meta_interval=0; fi
		s=$EPOCHREALTIME
		"$agent" $a >/dev/null 2>&1
		rc=$?
		e=$EPOCHREALTIME
		[ $rc -eq 0 ] || { echo "run $i $a: rc $rc" >&2; exit 1; }
		echo "$a $s $e"
	done
done | awk '{ printf "%s %.3f\n", $1, ($3 - $2) * 1000 }'
EOF
chmod 755 "$LAB_STATE/bin/bench-loop"

common=(OCF_ROOT=/usr/lib/ocf OCF_RESKEY_CRM_meta_timeout=20000 HA_LOGFACILITY=none OCF_RESOURCE_INSTANCE=bench
	OCF_RESKEY_ip=10.30.0.100 OCF_RESKEY_cidr_netmask=24 OCF_RESKEY_nic=eth0
	OCF_RESKEY_arp_count=3 OCF_RESKEY_arp_interval=100)

# stats NAME FILE ACTION
stats() {
	local n med min max
	awk -v a="$3" '$1 == a { print $2 }' "$2" | sort -n >"$2.$3.sorted"
	n=$(wc -l <"$2.$3.sorted")
	med=$(sed -n "$(((n + 1) / 2))p" "$2.$3.sorted")
	min=$(head -n1 "$2.$3.sorted")
	max=$(tail -n1 "$2.$3.sorted")
	printf '%-32s runs=%d median_ms=%s min_ms=%s max_ms=%s\n' "$1 $3" "$n" "$med" "$min" "$max"
	lab_result "$(tr -c 'a-zA-Z0-9\n' _ <<<"$1_$3")_median_ms" "$med"
}
# forks NAME AGENT ACTION ENV...: fork/clone and execve calls of one run (execve minus the agent's own)
forks() {
	local name=$1 ag=$2 act=$3 f nf ne iv=0
	shift 3
	f=$LAB_STATE/strace-$(tr -c 'a-zA-Z0-9\n' _ <<<"$name-$act").txt
	[ "$act" = monitor ] && iv=10000
	lab_exec b1 env "$@" OCF_RESKEY_CRM_meta_interval=$iv strace -f -qq -e trace=fork,vfork,clone,clone3,execve \
		-o "$f" "$ag" "$act" >/dev/null 2>"$LAB_STATE/strace.err" ||
		{ echo "strace $name $act failed: $(cat "$LAB_STATE/strace.err")"; return 1; }
	cp "$f" "$LAB_OUT/"
	nf=$(grep -cE '^[0-9]+ +(fork|vfork|clone|clone3)\(' "$f")
	ne=$(($(grep -cE '^[0-9]+ +execve\(' "$f") - 1))
	printf '%-32s forks=%d execs=%d\n' "$name $act" "$nf" "$ne"
	lab_result "$(tr -c 'a-zA-Z0-9\n' _ <<<"${name}_$act")_forks" "$nf"
}

# bench NAME AGENT ENV...
bench() {
	local name=$1 ag=$2 out a
	shift 2
	out=$LAB_OUT/$(tr -c 'a-zA-Z0-9\n' _ <<<"$name").ms
	lab_exec b1 env "$@" "$LAB_STATE/bin/bench-loop" "$runs" "$ag" >"$out" || { echo "$name: loop failed"; return 1; }
	for a in start monitor stop; do stats "$name" "$out" "$a"; done
	for a in start monitor stop; do forks "$name" "$ag" "$a" "$@"; done
	ip -n b1 -o addr show dev eth0 | grep -q 10.30.0.100 && echo "# $name left the address behind"
}

echo "# inside UML ($(uname -r)), $runs runs each; load: $(cut -d' ' -f1-3 /proc/loadavg)"
bench "vip" "$VIP" "${common[@]}"
bench "IPaddr2" "$IP2" "${common[@]}"
bench "vip arp_count=1" "$VIP" "${common[@]}" OCF_RESKEY_arp_count=1
lab_exec b1 env "${common[@]}" "$LAB_STATE/bin/bench-loop" "$runs" /bin/true >"$LAB_OUT/true.ms"
stats "/bin/true (exec floor)" "$LAB_OUT/true.ms" monitor
exit 0
