#!/bin/bash
# Benchmark: bgp-peer monitor vs `vtysh -c 'show bgp neighbors X json'` against an
# Established session: median/p90 wall time over N runs (bash $EPOCHREALTIME, no
# fork for timing) and forks/execs per run (strace -f, one extra run each).
#
#   bench.sh AGENT NEIGHBOR LOCAL_AS VTY_SOCKET_DIR [N]
#
# Prints RESULT lines: bench_<what>_median_ms, _p90_ms, _forks, _execs.
set -u
agent=$1 nbr=$2 las=$3 dir=$4 n=${5:-200}
export OCF_RESKEY_neighbor=$nbr OCF_RESKEY_local_as=$las OCF_RESKEY_manage=shutdown \
	OCF_RESKEY_vty_socket_dir=$dir OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=10000 \
	OCF_RESOURCE_INSTANCE=bench HA_LOGFACILITY=none OCF_RESKEY_crm_feature_set=3.16.2
vtysh_cmd=(vtysh --vty_socket "$dir" -c "show bgp neighbors $nbr json")

"$agent" monitor || { echo "bench: agent monitor fails (rc $?): is the session up?" >&2; exit 1; }
"${vtysh_cmd[@]}" | grep -q '"bgpState":"Established"' || { echo "bench: not Established" >&2; exit 1; }

# time NAME CMD...: N runs, prints median and p90 in ms
timeit() {
	local name=$1 i t0 t1; shift
	local -a ms=()
	for ((i = 0; i < n; i++)); do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1
		t1=$EPOCHREALTIME
		ms+=("$(( ${t1/./} - ${t0/./} ))")
	done
	printf '%s\n' "${ms[@]}" | sort -n | awk -v name="$name" '
		{ v[NR] = $1 }
		END { printf "RESULT bench_%s_median_ms=%.2f\nRESULT bench_%s_p90_ms=%.2f\n",
			name, v[int((NR + 1) / 2)] / 1000, name, v[int(NR * 0.9)] / 1000 }'
}

# forks NAME CMD...: processes/threads created and programs executed by one run,
# not counting the initial execve of CMD itself
forks() {
	local name=$1 log; shift
	log=$(mktemp)
	strace -f -qq -e trace=fork,vfork,clone,clone3,execve -o "$log" "$@" >/dev/null 2>&1
	awk -v name="$name" '
		/execve\(/ && !/= -1/ { e++ }
		/(clone|clone3|fork|vfork)\(/ && !/= -1/ && !/<unfinished/ { f++ }
		/resumed>/ && /(clone|fork)/ && !/= -1/ { f++ }
		END { printf "RESULT bench_%s_forks=%d\nRESULT bench_%s_execs=%d\n", name, f, name, e - 1 }' "$log"
	rm -f "$log"
}

echo "bench: $n runs each against $nbr ($dir)"
timeit agent_monitor "$agent" monitor
timeit vtysh_json "${vtysh_cmd[@]}"
forks agent_monitor "$agent" monitor
forks vtysh_json "${vtysh_cmd[@]}"
