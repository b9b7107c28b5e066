#!/bin/bash
# Benchmark (not a test): ipsec-conn monitor on the HOST against a live charon,
# side by side with `swanctl --list-sas` and /bin/true.  The host kernel has no
# ESP, so the CHILD_SA stays pending (IKE only): the monitor does the same VICI
# round trips and XFRM dumps as against an established SA, without SAs to list.
# The lab benchmark (lab-ipsec.sh, "bench") measures an established SA inside
# UML, where process start-up dominates.
#   unshare -n -m --propagation private tests/ipsec-conn/host-bench.sh AGENT [N]
# Needs root, strongswan-charon and strongswan-swanctl.  Writes only to a tmpfs
# /run and a temporary directory; prints median/p90 in ms and the fork count.
set -u
A=$(readlink -f "${1:?usage: host-bench.sh AGENT [N]}") N=${2:-200}
[ "$(id -u)" = 0 ] || { echo "host-bench: needs root" >&2; exit 1; }
[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] ||
	{ echo "host-bench: run it under unshare -n -m (a private network namespace)" >&2; exit 1; }
W=$(mktemp -d); trap 'kill "$cpid" 2>/dev/null; rm -rf "$W"' EXIT
mount -t tmpfs vpnha-bench /run || exit 1
ip link set lo up
ip link add v0 type veth peer name v1 && ip addr add 198.51.100.1/24 dev v0 && ip link set v0 up && ip link set v1 up
cat >"$W/strongswan.conf" <<'C'
charon {
	load_modular = yes
	install_routes = no
	plugins {
		include /etc/strongswan.d/charon/*.conf
		vici { socket = unix:///run/charon.vici }
	}
}
C
STRONGSWAN_CONF=$W/strongswan.conf /usr/lib/ipsec/charon >"$W/charon.log" 2>&1 &
cpid=$!
for _ in $(seq 100); do [ -S /run/charon.vici ] && break; sleep 0.1; done
[ -S /run/charon.vici ] || { echo "host-bench: charon did not start" >&2; exit 1; }
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/psk"; chmod 600 "$W/psk"
export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=bench OCF_RESKEY_conn=bench OCF_RESKEY_child=gre \
	OCF_RESKEY_local_addrs=198.51.100.1 OCF_RESKEY_remote_addrs=198.51.100.2 OCF_RESKEY_psk_file=$W/psk \
	OCF_RESKEY_local_ts='dynamic[gre]' OCF_RESKEY_remote_ts='dynamic[gre]' OCF_RESKEY_start_wait=0s \
	OCF_RESKEY_CRM_meta_timeout=20000 HA_LOGFACILITY=none VPNHA_RUN_DIR=/run/vpnha
"$A" start || { echo "host-bench: start failed" >&2; exit 1; }
export OCF_RESKEY_CRM_meta_interval=10000
"$A" monitor || { echo "host-bench: monitor failed" >&2; exit 1; }
stats() { sort -n | awk -v name="$1" '{a[NR]=$1} END{printf "%-28s n=%d median=%.3f ms p90=%.3f ms\n", name, NR, a[int((NR+1)/2)]/1000, a[int(NR*0.9)]/1000}'; }
for _ in $(seq "$N"); do HA_debug=1 "$A" monitor 2>&1 | sed -n 's/.*monitor: [a-z ]* (\([0-9]*\) us).*/\1/p'; done |
	stats "monitor, in-process"
wall() { local name=$1 s e; shift; for _ in $(seq "$N"); do s=$EPOCHREALTIME; "$@" >/dev/null 2>&1; e=$EPOCHREALTIME
	echo $(( ${e/./} - ${s/./} )); done | stats "$name"; }
wall "monitor, wall" "$A" monitor
wall "swanctl --list-sas, wall" swanctl --list-sas --uri unix:///run/charon.vici
wall "/bin/true, wall" /bin/true
strace -f -qq -e trace=fork,vfork,clone,clone3,execve -o "$W/st" "$A" monitor >/dev/null 2>&1
echo "monitor forks/execs (beyond its own exec): $(( $(wc -l <"$W/st") - 1 ))"
"$A" stop || { echo "host-bench: stop failed" >&2; exit 1; }
