# vpnha lab topology library.  Source it from a lab script run by `tests/lab/lab run`:
#
#   . "$LAB_DIR/lib.sh"
#
# Everything here runs inside the UML guest (root = tmpfs overlay over the host
# filesystem).  See tests/lab/README.md for the API; each function also has a
# comment below.  Conventions: functions return non-zero on failure and print a
# message to stderr; lab_fail exits the script.  Names of hosts/segments: [a-z0-9-],
# at most 12 characters.
# shellcheck shell=bash

# LAB_HOSTKERNEL=DIR: the host kernel instead of UML (tests/bench/orchestration:
# no GRE/ESP there), from inside a private mount namespace of the caller's; the
# shared state lives in DIR instead of /lab.
if [ -z "${LAB_OUT:-}" ] || { [ ! -d /run/modroot ] && [ -z "${LAB_HOSTKERNEL:-}" ]; }; then
	echo "lib.sh: not inside the lab; run this script with tests/lab/lab run SCRIPT" >&2
	exit 99
fi
: "${LAB_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)}"
LAB_STATE=${LAB_HOSTKERNEL:-/lab}   # shared state, same path inside every host
LAB_HOSTS=$LAB_STATE/hosts      # per-host persistent dirs
LAB_TOKEN=${LAB_TOKEN:-1000}    # default corosync token (ms)
LAB_KNET_PING_TIMEOUT_TOKENS=${LAB_KNET_PING_TIMEOUT_TOKENS:-3}  # knet link declared dead after this many tokens
export LAB_DIR LAB_STATE LAB_OUT
mkdir -p "$LAB_HOSTS" "$LAB_STATE/seg" "$LAB_STATE/clusters" "$LAB_STATE/pids" \
	"$LAB_OUT/captures" "$LAB_OUT/probes"

# Directories every host gets privately (bind mounts of /lab/hosts/NAME/<dir>).
LAB_PRIVATE_DIRS="etc/corosync var/lib/corosync var/log/corosync var/lib/pacemaker var/log/pacemaker
var/log/cluster etc/frr var/lib/frr var/log/frr etc/swanctl etc/vpnha var/lib/vpnha var/log/lab
var/log/strongswan var/lib/pcsd"

# ---------------------------------------------------------------- basics

# lab_now: seconds since guest boot, float, without forking (into $LAB_NOW, and printed with -p).
lab_now() {
	local up _
	read -r up _ </proc/uptime
	LAB_NOW=$up
	[ "${1:-}" = -p ] && echo "$up"
	return 0
}
# lab_since T0: seconds (2 decimals) elapsed since T0 (a lab_now value), printed.
lab_since() { lab_now; awk -v a="$1" -v b="$LAB_NOW" 'BEGIN{printf "%.2f\n", b-a}'; }

# lab_log MSG...: timestamped message on the console (stdout).
lab_log() { lab_now; printf '[%8.2f] %s\n' "$LAB_NOW" "$*"; }

# lab_fail MSG...: print, and exit the script with status 1 (test failure).
lab_fail() { lab_log "FAIL: $*" >&2; exit 1; }

# lab_result KEY VALUE: record a measured number: printed as "RESULT KEY=VALUE" and
# appended to $LAB_OUT/results.env.
lab_result() {
	printf 'RESULT %s=%s\n' "$1" "$2"
	printf '%s=%q\n' "$1" "$2" >>"$LAB_OUT/results.env"
}

# lab_wait TIMEOUT INTERVAL CMD...: run CMD until it succeeds; 1 on timeout.
lab_wait() {
	local tmo=$1 iv=$2 end; shift 2
	# no fork per iteration (the lab shares one UML vCPU with what it waits for):
	# the deadline in microseconds from $EPOCHREALTIME, the pause via lab_sleep
	end=$(( ${EPOCHREALTIME/./} + $(lab__us "$tmo") ))
	while :; do
		"$@" && return 0
		[ "${EPOCHREALTIME/./}" -ge "$end" ] && return 1
		lab_sleep "$iv"
	done
}

# lab__us SECONDS: SECONDS (e.g. 2, 0.5, 1.25) in microseconds, pure bash
lab__us() {
	local i=${1%%.*} f=
	[[ $1 == *.* ]] && f=${1#*.}
	f=${f}000000; f=${f:0:6}
	echo $(( ${i:-0} * 1000000 + 10#$f ))
}

# lab_sleep SECONDS: sleep without forking (read -t on a pipe nobody writes to)
LAB__SLEEP_FD=
lab_sleep() {
	if [ -z "$LAB__SLEEP_FD" ]; then exec {LAB__SLEEP_FD}<> <(:) || { sleep "$1"; return 0; }; fi
	read -r -t "$1" -u "$LAB__SLEEP_FD" _ 2>/dev/null
	return 0
}

# lab__read VAR FILE: VAR = FILE's first line (builtin read: no fork, no exec,
# unlike $(cat FILE), which costs ~0.1 s inside UML); 1 if FILE is missing or empty.
lab__read() {
	local -n lab__v=$1
	lab__v=
	{ read -r lab__v || [ -n "$lab__v" ]; } 2>/dev/null <"$2"   # 2> first: a missing FILE is silent
	[ -n "$lab__v" ]
}

# lab_on_exit CMD: run CMD (a string, eval'ed) when the script exits, before the lab
# collects logs.  (lib.sh owns the EXIT trap; do not replace it.)
LAB__EXIT_HOOKS=()
lab_on_exit() { LAB__EXIT_HOOKS+=("$1"); }

# ---------------------------------------------------------------- hosts

# lab_host NAME: create a host: netns NAME (/run/netns/NAME) + its own mount, UTS and
# PID namespaces held by a small init (tests/lab/host-init).  Private persistent dirs
# live at /lab/hosts/NAME/<path> (see lab_hostpath); /run, /tmp, /dev/shm are tmpfs.
lab_host() {
	local n=$1 H=$LAB_HOSTS/$1 d
	[[ $n =~ ^[a-z0-9][a-z0-9-]{0,14}$ ]] || { echo "lab_host: bad name '$n'" >&2; return 1; }
	if [ ! -e "/run/netns/$n" ]; then
		ip netns add "$n" || return 1
		ip -n "$n" link set lo up
		local dirs=() pm=$H/var/lib/pacemaker
		for d in $LAB_PRIVATE_DIRS; do dirs+=("$H/$d" "/$d"); done
		mkdir -p "${dirs[@]}" "$pm/cib" "$pm/pengine" "$pm/blackbox" "$pm/cores" \
			"$H/etc/swanctl/"{conf.d,x509,x509ca,private,rsa,ecdsa,pkcs8,pubkey} || return 1
		{
			for d in $LAB_PRIVATE_DIRS; do printf '%s /%s none bind 0 0\n' "$H/$d" "$d"; done
			printf 'lab-run /run tmpfs mode=755 0 0\nlab-tmp /tmp tmpfs mode=1777 0 0\nlab-shm /dev/shm tmpfs mode=1777 0 0\n'
		} >"$H/fstab"
		# The project's source/build/output trees must stay visible inside every
		# host even when they live under /tmp or /run (CI may clone anywhere):
		# host-init stashes a bind of each before the private tmpfs covers it and
		# moves it back after (HOSTDIR/visible: one path per line; keep/N stashes).
		local v i=0
		: >"$H/visible"
		while IFS= read -r v; do
			[ -n "$v" ] || continue
			mkdir -p "$H/keep/$i" && printf '%s\n' "$v" >>"$H/visible"
			i=$((i + 1))
		done <<<"$LAB__VISIBLE_DIRS"
		chown hacluster:haclient "$pm" "$pm/cib" "$pm/pengine" "$pm/blackbox" "$pm/cores" "$H/var/log/pacemaker"
		chmod 750 "$pm/cib" "$pm/pengine" "$pm/blackbox" "$pm/cores"
		chmod 770 "$H/var/log/pacemaker"
		chown frr:frr "$H/etc/frr" "$H/var/log/frr" "$H/var/lib/frr"
		printf 'service integrated-vtysh-config\n' >"$H/etc/frr/vtysh.conf"
		: >"$H/boot"     # daemons to restart on lab_restore (lines of %q-quoted words)
		: >"$H/net"      # network config to replay on lab_restore
		: >"$H/ifaces"   # cables plugged into this host (lab_link/lab_attach)
	fi
	lab__host_start "$n"
}

# lab_hosts NAME...: create several hosts in parallel (faster: each takes ~1-3 s in UML).
lab_hosts() {
	local n pids=() p rc=0
	for n in "$@"; do lab_host "$n" & pids+=($!); done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	return $rc
}

# lab__visible_dirs: project directories under a host's private tmpfs mounts
# (/tmp, /run, /dev/shm) that hosts must still see: the source tree, the build
# tree and the output directory. Printed one per line, without duplicates.
lab__visible_dirs() {
	local d seen=" "
	for d in "$(cd "$LAB_DIR/../.." && pwd -P)" "${abs_top_srcdir:-}" "${abs_top_builddir:-}" "$LAB_OUT"; do
		[ -n "$d" ] && [ -d "$d" ] || continue
		d=$(cd "$d" && pwd -P)
		case $d in /tmp/* | /run/* | /dev/shm/*) ;; *) continue ;; esac
		case $seen in *" $d "*) continue ;; esac
		seen="$seen$d "
		echo "$d"
	done
}

lab__host_start() {
	local n=$1 H=$LAB_HOSTS/$1 p c i
	rm -f "$H/ready" "$H/pid"
	nsenter --net="/run/netns/$n" -- unshare --mount --uts --pid --fork --propagation private \
		--mount-proc -- "$LAB_DIR/host-init" "$n" "$H" </dev/null >>"$LAB_OUT/host-$n.log" 2>&1 &
	p=$!
	# up to 60 s: on a loaded machine (load 8 on 2 cores) 15 s were not
	# always enough for host-init's mounts while six hosts start at once
	for ((i = 0; i < 1200; i++)); do
		[ -s "$H/ready" ] && break
		lab_sleep 0.05
	done
	local ready=
	lab__read ready "$H/ready"
	[ "$ready" = ok ] || { echo "lab_host $n: init failed: $ready" >&2; return 1; }
	# the namespace's init is the unshare process's only child
	c=
	for ((i = 0; i < 100; i++)); do
		# (this file has no trailing newline: read returns 1 but sets c)
		read -r c _ <"/proc/$p/task/$p/children" 2>/dev/null || :
		[ -n "$c" ] && break
		lab_sleep 0.05
	done
	[ -n "$c" ] || { echo "lab_host $n: no init pid" >&2; return 1; }
	echo "$c" >"$H/pid"
	echo "$p" >"$H/unshare-pid"
}

# lab_pid NAME: outer PID of the host's init (for nsenter -t, /proc/PID/root, ...).
lab_pid() {
	local p
	lab__read p "$LAB_HOSTS/$1/pid" || { echo "lab_pid: no host $1" >&2; return 1; }
	echo "$p"
}

# lab_alive NAME: true when the host is running (not crashed).
lab_alive() {
	local p
	lab__read p "$LAB_HOSTS/$1/pid" && [ -d "/proc/$p" ]
}

# lab_hostpath NAME PATH: where the host's private PATH (under one of its private
# dirs, e.g. /etc/corosync/corosync.conf) is visible from outside the host.
# For /run, /tmp, /dev/shm of a live host, use /proc/$(lab_pid NAME)/root/PATH.
lab_hostpath() { echo "$LAB_HOSTS/$1/${2#/}"; }

# lab_exec NAME CMD [ARGS...]: run CMD inside the host (all its namespaces), in the
# foreground, with the caller's environment.
lab_exec() {
	local n=$1 p; shift
	lab__read p "$LAB_HOSTS/$n/pid" || { echo "lab_exec: no host $n" >&2; return 1; }
	nsenter -t "$p" -n -m -u -p -r -w -- "$@"
}

# lab_sh NAME 'SHELL CODE': run a bash snippet inside the host.
lab_sh() { local n=$1; shift; lab_exec "$n" bash -c "$1"; }

# lab_daemon NAME LOGFILE CMD [ARGS...]: start CMD detached inside the host (adopted
# by the host's init, so it dies when the host crashes); stdout/stderr appended to
# LOGFILE (a path inside the host, e.g. /var/log/lab/foo.log).
lab_daemon() {
	local n=$1 log=$2 outer; shift 2
	outer=$LAB_HOSTS/$n/${log#/}
	if [ -d "${outer%/*}" ]; then
		# LOG is in a persistent private dir: open it from here (one exec less)
		lab_exec "$n" setsid -f "$@" </dev/null >>"$outer" 2>&1
	else
		lab_exec "$n" setsid -f bash -c 'log=$1; shift; exec "$@" </dev/null >>"$log" 2>&1' lab-daemon "$log" "$@"
	fi
}

# lab_boot_add NAME CMD [ARGS...]: remember a lab function call to replay when the
# host is restored after a crash (the lab_*_start functions do this themselves).
lab_boot_add() {
	local n=$1 line; shift
	line=$(printf '%q ' "$@")
	grep -qxF -- "$line" "$LAB_HOSTS/$n/boot" 2>/dev/null || printf '%s\n' "$line" >>"$LAB_HOSTS/$n/boot"
}

# lab_ip NAME ARGS...: `ip ARGS` in the host's netns (fast: no nsenter), recorded so
# that lab_restore replays it after a crash.
lab_ip() {
	local n=$1; shift
	ip -n "$n" "$@" || return 1
	lab__net_record "$n" "$@"
}

# lab__net_record NAME ARGS...: remember `ip -n NAME ARGS` for lab_restore.
lab__net_record() {
	local n=$1; shift
	{ printf 'ip -n %q ' "$n"; printf '%q ' "$@"; echo; } >>"$LAB_HOSTS/$n/net"
}

# lab_sysctl NAME KEY=VALUE...: sysctl in the host's netns (recorded for lab_restore).
lab_sysctl() {
	local n=$1 kv; shift
	# one run for all (sysctl takes several KEY=VALUE; each run costs ~0.2 s in UML)
	ip netns exec "$n" sysctl -q -w "$@" >/dev/null || return 1
	for kv in "$@"; do
		printf 'ip netns exec %q sysctl -q -w %q >/dev/null\n' "$n" "$kv" >>"$LAB_HOSTS/$n/net"
	done
}

# lab_addr NAME IFACE ADDR/PREFIX: add an address (recorded).
lab_addr() { lab_ip "$1" addr add "$3" dev "$2"; }

# lab_route NAME DEST VIA|dev:IFACE [more ip-route words]: add a route (recorded).
#   lab_route gw1 default 198.51.100.1;  lab_route gw1 10.2.0.0/16 dev:gre1
lab_route() {
	local n=$1 dst=$2 via=$3; shift 3
	case $via in
	dev:*) lab_ip "$n" route add "$dst" dev "${via#dev:}" "$@";;
	*) lab_ip "$n" route add "$dst" via "$via" "$@";;
	esac
}

# lab_forwarding NAME [0|1]: IPv4 (and IPv6) forwarding on the host (router).
lab_forwarding() { lab_sysctl "$1" net.ipv4.ip_forward="${2:-1}" net.ipv6.conf.all.forwarding="${2:-1}"; }

# ---------------------------------------------------------------- links

LAB__PORTS=0
# lab_link A IFA B IFB [ADDR_A ADDR_B]: a veth cable between hosts A and B (either can
# be a segment name's switch, but use lab_attach for segments).  Optional addresses.
lab_link() {
	local a=$1 ia=$2 b=$3 ib=$4
	ip link add "$ia" netns "$a" type veth peer name "$ib" netns "$b" || return 1
	printf '%s %s\n' "$b" "$ib" >"$LAB_STATE/seg/peer.$a.$ia"
	printf '%s %s\n' "$a" "$ia" >"$LAB_STATE/seg/peer.$b.$ib"
	echo "$ia" >>"$LAB_HOSTS/$a/ifaces" 2>/dev/null || :
	echo "$ib" >>"$LAB_HOSTS/$b/ifaces" 2>/dev/null || :
	ip -n "$a" link set "$ia" up && ip -n "$b" link set "$ib" up || return 1
	[ -n "${5:-}" ] && { lab_addr "$a" "$ia" "$5" || return 1; }
	[ -n "${6:-}" ] && { lab_addr "$b" "$ib" "$6" || return 1; }
	return 0
}

# lab_segment NAME: a shared L2 segment (a bridge "br0" in its own switch netns, named
# NAME too, e.g. "internet").  Hosts join with lab_attach.
lab_segment() {
	local s=$1
	[ -e "/run/netns/$s" ] && return 0
	ip netns add "$s" || return 1
	ip -n "$s" link set lo up
	ip -n "$s" link add br0 type bridge forward_delay 0 stp_state 0 || return 1
	ip -n "$s" link set br0 type bridge mcast_snooping 0 2>/dev/null || :
	ip -n "$s" link set br0 up
	echo "$s" >"$LAB_STATE/seg/$s.segment"
}

# lab_attach HOST IFACE SEGMENT [ADDR/PREFIX]: plug HOST's IFACE into SEGMENT.
lab_attach() {
	local h=$1 i=$2 s=$3 a=${4:-} port
	[ -e "$LAB_STATE/seg/$s.segment" ] || { echo "lab_attach: no segment $s" >&2; return 1; }
	lab__read LAB__PORTS "$LAB_STATE/seg/ports" || LAB__PORTS=0
	LAB__PORTS=$((LAB__PORTS + 1))
	echo "$LAB__PORTS" >"$LAB_STATE/seg/ports"
	port=p$LAB__PORTS
	# two ip(8) runs, not five (each costs ~0.1 s inside UML): the switch port
	# is created up and in the bridge, the host's end then gets up + address
	ip -n "$s" link add "$port" up master br0 type veth peer name "$i" netns "$h" || return 1
	printf '%s %s\n' "$s" "$port" >"$LAB_STATE/seg/peer.$h.$i"
	echo "$i" >>"$LAB_HOSTS/$h/ifaces"
	if [ -z "$a" ]; then
		ip -n "$h" link set "$i" up
	else
		ip -n "$h" -batch - <<<"link set dev $i up"$'\n'"address add $a dev $i" || return 1
		lab__net_record "$h" addr add "$a" dev "$i"
	fi
}

# lab_peer HOST IFACE: prints "PEERNS PEERIFACE" of the cable plugged into HOST:IFACE.
lab_peer() { cat "$LAB_STATE/seg/peer.$1.$2"; }

# lab_cut HOST IFACE [--silent]: cut the cable at HOST:IFACE.  Default: the far end
# goes down, so HOST sees NO-CARRIER (like an unplugged cable or dead switch port).
# --silent: carrier stays up, all packets both ways are dropped (netem loss 100%),
# like a failure further away in the network.
lab_cut() {
	local h=$1 i=$2 pn pi
	read -r pn pi <"$LAB_STATE/seg/peer.$h.$i" || return 1
	if [ "${3:-}" = --silent ]; then
		ip netns exec "$h" tc qdisc replace dev "$i" root netem loss 100% &&
			ip netns exec "$pn" tc qdisc replace dev "$pi" root netem loss 100%
	else
		ip -n "$pn" link set "$pi" down
	fi
}

# lab_uncut HOST IFACE: repair the cable cut by lab_cut.
lab_uncut() {
	local h=$1 i=$2 pn pi
	read -r pn pi <"$LAB_STATE/seg/peer.$h.$i" || return 1
	ip netns exec "$h" tc qdisc del dev "$i" root 2>/dev/null || :
	ip netns exec "$pn" tc qdisc del dev "$pi" root 2>/dev/null || :
	ip -n "$pn" link set "$pi" up
	ip -n "$h" link set "$i" up
}

# lab_gre HOST IFACE LOCAL REMOTE [ADDR/PREFIX] [ip-link words...]: a GRE tunnel (recorded).
lab_gre() {
	local h=$1 i=$2 l=$3 r=$4 a=${5:-}; shift 4; [ $# -gt 0 ] && shift
	lab_ip "$h" link add "$i" type gre local "$l" remote "$r" ttl 64 "$@" || return 1
	lab_ip "$h" link set "$i" up || return 1
	[ -z "$a" ] || lab_addr "$h" "$i" "$a"
}

# ---------------------------------------------------------------- crash / restore

# lab_crash HOST: power failure: SIGKILL the host's init (the kernel kills every
# process of the host), then all its cables go down.  Kernel network state in the
# netns (addresses, tunnels, SAs) stays until lab_restore, but nothing answers.
lab_crash() {
	local h=$1 p i
	p=$(lab_pid "$h") || return 1
	kill -KILL "$p" 2>/dev/null || :
	while read -r i; do
		[ -n "$i" ] && ip -n "$h" link set "$i" down 2>/dev/null || :
	done <"$LAB_HOSTS/$h/ifaces"
	for i in {1..100}; do [ -d "/proc/$p" ] || break; sleep 0.05; done
	[ ! -d "/proc/$p" ]
}

# lab_restore HOST [--no-boot]: "reboot" a crashed (or running) host: wipes its
# network state (links it created itself, addresses, routes, XFRM), brings its cables
# up, replays the lab_ip/lab_addr/lab_route/lab_gre config, starts a fresh init (empty
# /run, /tmp, /dev/shm; /etc and /var/lib persist), then replays the daemons started
# with lab_*_start (unless --no-boot).
lab_restore() {
	local h=$1 H=$LAB_HOSTS/$1 p i l line
	lab__read p "$H/pid"
	[ -n "$p" ] && [ -d "/proc/$p" ] && { kill -KILL "$p"; for i in {1..100}; do [ -d "/proc/$p" ] || break; sleep 0.05; done; }
	# delete links not made by the lab cabling
	for l in $(ip -n "$h" -o link show | awk -F': ' '{print $2}' | sed 's/@.*//'); do
		[ "$l" = lo ] && continue
		grep -qxF "$l" "$H/ifaces" 2>/dev/null || ip -n "$h" link del "$l" 2>/dev/null || :
	done
	ip -n "$h" xfrm state flush; ip -n "$h" xfrm policy flush
	while read -r i; do
		[ -n "$i" ] || continue
		ip -n "$h" addr flush dev "$i"
		ip -n "$h" link set "$i" up
		read -r pn pi <"$LAB_STATE/seg/peer.$h.$i" && ip -n "$pn" link set "$pi" up
	done <"$H/ifaces"
	ip -n "$h" route flush table main 2>/dev/null || :
	ip -n "$h" -6 route flush table main 2>/dev/null || :
	while IFS= read -r line; do
		[ -n "$line" ] && eval "$line"
	done <"$H/net"
	lab__host_start "$h" || return 1
	if [ "${2:-}" != --no-boot ]; then
		while IFS= read -r line; do
			[ -n "$line" ] && { eval "LAB__NOBOOTREC=1 $line" || echo "lab_restore $h: '$line' failed" >&2; }
		done <"$H/boot"
	fi
	return 0
}

# ---------------------------------------------------------------- capture & probes

# lab_capture_start NAME NETNS [IFACE [FILTER...]]: tcpdump into $LAB_OUT/captures/NAME.pcap.
# NETNS is a host or a segment (IFACE defaults to br0 = everything crossing the segment).
lab_capture_start() {
	local c=$1 ns=$2 i=${3:-br0} f=$LAB_OUT/captures/$1.pcap; shift 2; [ $# -gt 0 ] && shift
	nsenter --net="/run/netns/$ns" -- tcpdump -Z root -U --immediate-mode -n -s 256 -i "$i" -w "$f" "$@" \
		</dev/null >"$LAB_OUT/captures/$c.log" 2>&1 &
	echo $! >"$LAB_STATE/pids/capture.$c"
	lab_wait 10 0.1 grep -q 'listening on' "$LAB_OUT/captures/$c.log" ||
		{ echo "lab_capture_start $c: tcpdump did not start: $(cat "$LAB_OUT/captures/$c.log")" >&2; return 1; }
}

# lab_capture_stop NAME: stop the capture (flushes the file).
lab_capture_stop() {
	local p
	lab__read p "$LAB_STATE/pids/capture.$1" || return 0
	sleep 0.3   # let tcpdump drain what the kernel already queued
	kill -INT "$p" 2>/dev/null || :
	for _ in {1..50}; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	rm -f "$LAB_STATE/pids/capture.$1"
}

# lab_capture_count NAME [FILTER...]: number of captured packets matching the pcap FILTER.
lab_capture_count() {
	local c=$1; shift
	tcpdump -n -r "$LAB_OUT/captures/$c.pcap" "$@" 2>/dev/null | wc -l
}

# lab_probe_start NAME HOST DEST [INTERVAL]: continuous ping from HOST to DEST every
# INTERVAL s (default 0.05 = 20/s), timestamped, into $LAB_OUT/probes/NAME.txt.
lab_probe_start() {
	local pr=$1 h=$2 d=$3 iv=${4:-0.05}
	nsenter --net="/run/netns/$h" -- ping -D -n -O -i "$iv" -W 1 "$d" \
		</dev/null >"$LAB_OUT/probes/$pr.txt" 2>&1 &
	echo $! >"$LAB_STATE/pids/probe.$pr"
	lab_now; echo "$LAB_NOW $iv" >"$LAB_STATE/pids/probe.$pr.start"
}

# lab_probe_stop NAME: stop the probe.
lab_probe_stop() {
	local p
	lab__read p "$LAB_STATE/pids/probe.$1" || return 0
	kill -INT "$p" 2>/dev/null || :
	for _ in {1..50}; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	rm -f "$LAB_STATE/pids/probe.$1"
}

# lab_probe_report NAME: prints "sent=N received=N lost=N max_gap_ms=N outage_ms=N"
# for the probe's file: max_gap = longest time between two consecutive replies;
# outage_ms = max_gap minus one interval (0 when nothing was lost).
lab_probe_report() {
	local iv
	read -r _ iv <"$LAB_STATE/pids/probe.$1.start" 2>/dev/null || iv=0.05
	awk -v iv="$iv" '
	/bytes from/ {
		ts = substr($1, 2, length($1) - 2) + 0
		for (i = 1; i <= NF; i++) if ($i ~ /^icmp_seq=/) { s = substr($i, 10) + 0 }
		if (n > 0 && ts - last > gap) gap = ts - last
		last = ts; n++; if (s > maxseq) maxseq = s
	}
	/no answer yet/ { for (i = 1; i <= NF; i++) if ($i ~ /^icmp_seq=/) { s = substr($i, 10) + 0; if (s > maxseq) maxseq = s } }
	/packets transmitted/ { sent = $1 }
	END {
		if (sent == "") sent = maxseq
		out = gap - iv; if (out < 0 || sent - n <= 0) out = 0
		printf "sent=%d received=%d lost=%d max_gap_ms=%d outage_ms=%d\n", sent, n, sent - n, gap * 1000, out * 1000
	}' "$LAB_OUT/probes/$1.txt"
}

# ---------------------------------------------------------------- power switch (fencing)
#
# The lab's power switch: a process of the lab script in the UML guest's root
# namespaces, outside every lab host (like a network PDU or a BMC), so that
# switching a host off takes everything of it at once and the switch survives.
# Hosts (pacemaker-fenced) reach it through the fence agent tests/lab/fence_vpnha_lab
# (installed as /usr/sbin/fence_vpnha_lab in the guest), which writes a request
# "VERB HOST REPLYFIFO" into the FIFO /lab/power/ctl.  Verbs: off (lab_crash),
# on (lab_restore: the host and the daemons of its boot list), reboot (both),
# status, list, ping.  Every request and result is logged with epoch times in
# $LAB_OUT/power.log ("EPOCH VERB HOST: ...").

# Fence race in a 2-node cluster (both nodes fence each other after a cut of the
# corosync link): priority-fencing-delay.  Fencing aimed at the node that runs the
# higher-priority resources (the group; meta priority, examples/pcs) waits this
# long, so the node that holds the VPN wins and keeps it: no failover at all.
# It must exceed the time the winner needs to fence (detection skew between the
# two nodes + the scheduler + the fence agent; tests/e2e/split-brain.sh
# measures it: RESULT split_fenced_s); its cost is that a crash of the active
# node is fenced that much later (the crash failover of the demo).  Random pcmk_delay_max would
# fence the active node half of the time; a static pcmk_delay_base would favour a
# fixed node wherever the group runs.
LAB_PRIORITY_FENCING_DELAY=${LAB_PRIORITY_FENCING_DELAY:-5s}

# lab__fence_xml "HOST...": the fence device primitive for a cluster of HOSTs:
# one device (the switch powers every host, like a PDU) with a static host list
# (no list/status run to find out what it can fence), monitored every 60 s.
lab__fence_xml() {
	printf '<primitive id="fence-lab" class="stonith" type="fence_vpnha_lab">'
	printf '<instance_attributes id="fence-lab-instance_attributes">'
	printf '<nvpair id="fence-lab-instance_attributes-pcmk_host_list" name="pcmk_host_list" value="%s"/>' "$1"
	printf '</instance_attributes><operations>'
	printf '<op id="fence-lab-monitor-interval-60s" interval="60s" name="monitor" timeout="20s"/>'
	printf '</operations></primitive>'
}

# lab_power_start: start the lab's power switch (once per lab; lab_cluster calls it)
# and install the fence agent as /usr/sbin/fence_vpnha_lab.
lab_power_start() {
	local d=$LAB_STATE/power p
	lab__read p "$d/pid" && [ -d "/proc/$p" ] && return 0
	mkdir -p "$d/r" || return 1
	[ -p "$d/ctl" ] || mkfifo -m 600 "$d/ctl" || return 1
	ln -sf "$LAB_DIR/fence_vpnha_lab" /usr/sbin/fence_vpnha_lab || return 1
	( lab__power_loop ) </dev/null >>"$LAB_OUT/power.log" 2>&1 &
	echo $! >"$d/pid"
}

# lab_power HOST on|off|reboot|status: press the switch's button for HOST (through
# the fence agent, as a host would); prints the agent's answer.
lab_power() {
	"$LAB_DIR/fence_vpnha_lab" --switch "$LAB_STATE/power" -o "$2" -n "$1"
}

lab__power_loop() {
	local fd verb host reply
	exec {fd}<>"$LAB_STATE/power/ctl" || exit 1
	echo "$EPOCHREALTIME switch: on"
	while read -r -u "$fd" verb host reply; do
		lab__power_do "$verb" "$host" "$reply" &
	done
}

# lab__power_do VERB HOST REPLYFIFO: one request (its own process, so that a
# long "on" does not hold up an "off" of another host; one at a time per host).
lab__power_do() {
	local verb=$1 h=$2 r=$3 ans lk t0=$EPOCHREALTIME H
	echo "$t0 $verb $h: request"
	case $verb in
	ping) ans=ok ;;
	list)
		ans=ok
		for H in "$LAB_HOSTS"/*/cluster; do
			[ -e "$H" ] || continue
			H=${H%/cluster}; H=${H##*/}
			if lab_alive "$H"; then ans+=" $H=on"; else ans+=" $H=off"; fi
		done ;;
	status | on | off | reboot)
		if [[ ! $h =~ ^[a-z0-9][a-z0-9-]{0,14}$ ]] || [ ! -s "$LAB_HOSTS/$h/pid" ]; then
			ans="err no such lab host '$h'"
		elif [ "$verb" = status ]; then
			if lab_alive "$h"; then ans="ok on"; else ans="ok off"; fi
		else
			exec {lk}>>"$LAB_STATE/power/lock.$h" && flock "$lk"
			case $verb in
			off)
				if ! lab_alive "$h"; then ans="ok was off"
				elif lab_crash "$h"; then ans="ok off"
				else ans="err $h did not go off"; fi ;;
			on)
				if lab_alive "$h"; then ans="ok was on"
				elif lab_restore "$h"; then ans="ok on"
				else ans="err $h did not come up"; fi ;;
			reboot)
				lab_alive "$h" && lab_crash "$h"
				if lab_alive "$h"; then ans="err $h did not go off"
				elif lab_restore "$h"; then ans="ok rebooted"
				else ans="err $h did not come up"; fi ;;
			esac
			exec {lk}>&-
		fi ;;
	*) ans="err unknown request '$verb'" ;;
	esac
	echo "$EPOCHREALTIME $verb $h: $ans ($(lab__elapsed "$t0") s)"
	[ -p "$r" ] && printf '%s\n' "$ans" 1<>"$r"
	return 0
}

# lab__elapsed EPOCH: seconds since EPOCH (an $EPOCHREALTIME value), 3 decimals, no fork.
lab__elapsed() {
	local a=${1/./} b=${EPOCHREALTIME/./} d
	d=$((b - a)); printf '%d.%03d' $((d / 1000000)) $((d % 1000000 / 1000))
}

# ---------------------------------------------------------------- corosync + pacemaker

# lab_cluster NAME [--token MS] HOST=ADDR...: define a cluster (2 or 3 nodes): writes
# corosync.conf (knet, aes256/sha256, shared authkey, two_node for 2 nodes) and a
# pre-seeded CIB (dc-deadtime=2s, stonith-enabled=true with the lab fence device
# fence-lab, stonith-action=off, priority-fencing-delay) into each host, and
# starts the lab's power switch (lab_power_start).  Hosts must exist and reach
# each other at ADDR.  Node names = host names.
lab_cluster() {
	local c=$1 token=$LAB_TOKEN; shift
	if [ "${1:-}" = --token ]; then token=$2; shift 2; fi
	local nodes=("$@") n h a i=0 key=$LAB_STATE/clusters/$c.authkey conf cib
	[ ${#nodes[@]} -ge 2 ] || { echo "lab_cluster: need at least 2 nodes" >&2; return 1; }
	head -c 256 /dev/urandom >"$key"
	conf=$LAB_STATE/clusters/$c.conf
	{
		printf 'totem {\n\tversion: 2\n\tcluster_name: %s\n\ttransport: knet\n' "$c"
		printf '\tcrypto_cipher: aes256\n\tcrypto_hash: sha256\n\ttoken: %s\n' "$token"
		printf '\tjoin: 50\n\tconsensus: %s\n' "$((token * 12 / 10 > 1200 ? token * 12 / 10 : 1200))"
		# knet's link pings: by default every token/4, link dead after token/2
		# (250/500 ms).  On the lab's one starved vCPU a pong 500 ms late
		# declared the link dead, the token was lost and the node "left",
		# and Pacemaker redid its start-up work.  A crash is still detected
		# by the token (token + consensus); the link's own state only
		# matters with a second link.
		printf '\tinterface {\n\t\tlinknumber: 0\n\t\tknet_ping_interval: %s\n\t\tknet_ping_timeout: %s\n\t}\n}\n' \
			"$((token / 2))" "$((token * LAB_KNET_PING_TIMEOUT_TOKENS))"
		printf 'logging {\n\tto_logfile: yes\n\tlogfile: /var/log/corosync/corosync.log\n'
		printf '\tto_stderr: no\n\tto_syslog: no\n\ttimestamp: hires\n}\n'
		printf 'quorum {\n\tprovider: corosync_votequorum\n'
		[ ${#nodes[@]} -eq 2 ] && printf '\ttwo_node: 1\n'
		printf '}\nnodelist {\n'
		for n in "${nodes[@]}"; do
			i=$((i + 1)); h=${n%%=*}; a=${n#*=}
			printf '\tnode {\n\t\tname: %s\n\t\tnodeid: %d\n\t\tring0_addr: %s\n\t}\n' "$h" "$i" "$a"
		done
		printf '}\n'
	} >"$conf"
	cib=$LAB_STATE/clusters/$c.cib.xml
	# an empty CIB from cibadmin (the installed schema version), then the
	# cluster options written in (one exec: each tool costs ~0.3 s inside UML)
	local x opts='' kv hl=''
	x=$(cibadmin --empty) || return 1
	# Fencing on (lab_power_start, lab__fence_xml): stonith-action=off (a fenced
	# lab host stays off until lab_power HOST on or lab_restore, as an admin
	# would power it on after looking at why it was fenced; a reboot would
	# restart its daemons on the lab's one vCPU in the middle of the measured
	# failover) and priority-fencing-delay (see lab__fence_xml).
	for kv in dc-deadtime=2s stonith-enabled=true stonith-action=off \
		"priority-fencing-delay=$LAB_PRIORITY_FENCING_DELAY" cluster-recheck-interval=1min "cluster-name=$c"; do
		opts+="<nvpair id=\"cib-bootstrap-options-${kv%%=*}\" name=\"${kv%%=*}\" value=\"${kv#*=}\"/>"
	done
	[[ $x == *"<crm_config/>"* ]] || { echo "lab_cluster: unexpected cibadmin --empty output" >&2; return 1; }
	[[ $x == *"<resources/>"* ]] || { echo "lab_cluster: unexpected cibadmin --empty output" >&2; return 1; }
	x=${x/"<crm_config/>"/"<crm_config><cluster_property_set id=\"cib-bootstrap-options\">$opts</cluster_property_set></crm_config>"}
	for n in "${nodes[@]}"; do hl+="${hl:+ }${n%%=*}"; done
	x=${x/"<resources/>"/"<resources>$(lab__fence_xml "$hl")</resources>"}
	printf '%s\n' "$x" >"$cib"
	lab_power_start || { echo "lab_cluster: the lab power switch did not start" >&2; return 1; }
	: >"$LAB_STATE/clusters/$c.nodes"
	for n in "${nodes[@]}"; do
		h=${n%%=*}; a=${n#*=}
		echo "$h" >>"$LAB_STATE/clusters/$c.nodes"
		echo "$c" >"$LAB_HOSTS/$h/cluster"
		install -m 644 "$conf" "$LAB_HOSTS/$h/etc/corosync/corosync.conf"
		install -m 400 "$key" "$LAB_HOSTS/$h/etc/corosync/authkey"
		install -m 600 -o hacluster -g haclient "$cib" "$LAB_HOSTS/$h/var/lib/pacemaker/cib/cib.xml"
		grep -q "^$a[[:space:]]" /etc/hosts || printf '%s\t%s\n' "$a" "$h" >>/etc/hosts
	done
}

# lab_cluster_nodes CLUSTER: prints the cluster's node (host) names.
lab_cluster_nodes() { cat "$LAB_STATE/clusters/$1.nodes"; }

# lab_cluster_node_start HOST: start corosync, wait for it, start pacemakerd.
lab_cluster_node_start() {
	local h=$1 p log old=0 c
	[ -n "${LAB__NOBOOTREC:-}" ] || lab_boot_add "$h" lab_cluster_node_start "$h"
	p=$(lab_pid "$h") || return 1
	log=$LAB_HOSTS/$h/var/log/corosync/corosync.log
	[ -r "$log" ] && { c=$(<"$log"); old=${#c}; }
	# no CAP_IPC_LOCK: corosync's mlockall() becomes a warning (saves ~50 MB per node)
	lab_daemon "$h" /var/log/lab/corosync.out setpriv --bounding-set -ipc_lock corosync -f || return 1
	# ready = corosync logged it (read without forking: exec is slow in UML);
	# up to 90 s: on a loaded machine knet's initialisation alone took 21 s
	# ("not scheduled for 20770 ms") and 30 s ran out on all four nodes
	lab_wait 90 0.1 lab__log_since "$log" "$old" "ready to provide service" ||
		lab_wait 5 0.5 lab_exec "$h" corosync-cfgtool -s >/dev/null 2>&1 ||
		{ echo "lab_cluster_node_start $h: corosync did not come up" >&2; return 1; }
	PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logpriority=crit PCMK_debug=no \
		lab_daemon "$h" /var/log/lab/pacemakerd.out pacemakerd
}

# lab__log_since FILE OFFSET TEXT: FILE contains TEXT after its first OFFSET characters.
lab__log_since() {
	local c
	[ -r "$1" ] || return 1
	c=$(<"$1")
	[[ ${c:$2} == *"$3"* ]]
}

# lab_cluster_start CLUSTER: start all nodes (in parallel).
lab_cluster_start() {
	local h pids=() rc=0 p
	for h in $(lab_cluster_nodes "$1"); do
		lab_cluster_node_start "$h" & pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	return $rc
}

# lab_crm_mon HOST: crm_mon -1 as XML, from HOST.
lab_crm_mon() { lab_exec "$1" crm_mon -1 --output-as=xml 2>/dev/null; }

# lab_cluster_online CLUSTER [HOST]: true when, seen from HOST (default: first live
# node), all live nodes of the cluster are online and a DC is elected.
lab_cluster_online() {
	local c=$1 from=${2:-} h want=0 x on
	for h in $(lab_cluster_nodes "$c"); do
		lab_alive "$h" || continue
		want=$((want + 1)); [ -n "$from" ] || from=$h
	done
	[ -n "$from" ] || return 1
	x=$(lab_crm_mon "$from") || return 1
	grep -q '<current_dc present="true"' <<<"$x" || return 1
	on=$(grep -c '<node name=.* online="true"' <<<"$x")
	[ "$on" -ge "$want" ]
}

# lab_cluster_wait_online CLUSTER [TIMEOUT]: wait (default 120 s) until lab_cluster_online.
# Cheap pre-check (no fork) first: some node's controller reached S_IDLE.
lab_cluster_wait_online() { lab_wait "${2:-120}" 0.5 lab__cluster_idle_online "$1"; }
lab__cluster_idle_online() {
	local h f idle=
	for h in $(<"$LAB_STATE/clusters/$1.nodes"); do
		f=$LAB_HOSTS/$h/var/log/pacemaker/pacemaker.log
		[ -r "$f" ] && [[ $(<"$f") == *"-> S_IDLE"* ]] && { idle=1; break; }
	done
	[ -n "$idle" ] && lab_cluster_online "$1"
}

# lab_resource_node HOST RSC: prints the node where RSC runs (seen from HOST); 1 if stopped.
lab_resource_node() {
	local o
	o=$(lab_exec "$1" crm_resource --locate -r "$2" 2>/dev/null) || return 1
	o=$(sed -n 's/.*is running on: \([^ ]*\).*/\1/p' <<<"$o" | head -n1)
	[ -n "$o" ] && echo "$o"
}

# lab_resource_wait HOST RSC [NODE] [TIMEOUT]: wait until RSC runs (on NODE if given).
# Polls every LAB_POLL seconds (default 1: each poll costs ~3 forks inside UML).
lab_resource_wait() { lab_wait "${4:-60}" "${LAB_POLL:-1}" lab__resource_on "$1" "$2" "${3:-}"; }
lab__resource_on() {
	local o
	o=$(lab_resource_node "$1" "$2") && { [ -z "$3" ] || [ "$o" = "$3" ]; }
}

# lab_install_agents DIR: make /usr/lib/ocf/resource.d/vpnha point at DIR (agent
# binaries/scripts, e.g. the build tree's agents/) -- visible on every lab host,
# so `pcs resource create X ocf:vpnha:NAME` works.  Also sets OCF_ROOT.
lab_install_agents() {
	local d
	d=$(cd "$1" && pwd -P) || return 1
	rm -rf /usr/lib/ocf/resource.d/vpnha
	ln -s "$d" /usr/lib/ocf/resource.d/vpnha
	export OCF_ROOT=/usr/lib/ocf
}

# lab_ocf HOST AGENT ACTION [KEY=VALUE...]: run an OCF agent action inside HOST like
# the cluster would: OCF_ROOT, OCF_RESOURCE_INSTANCE=lab-AGENT, OCF_RESKEY_KEY=VALUE.
# AGENT is a path, or PROVIDER:TYPE (e.g. vpnha:gre-tunnel). Prints its output; returns its rc.
lab_ocf() {
	local h=$1 a=$2 act=$3 kv envs=(); shift 3
	case $a in */*) ;; *:*) a=/usr/lib/ocf/resource.d/${a%%:*}/${a#*:};; esac
	for kv in "$@"; do envs+=("OCF_RESKEY_${kv%%=*}=${kv#*=}"); done
	lab_exec "$h" env OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE="${LAB_OCF_INSTANCE:-lab-${a##*/}}" \
		OCF_RESOURCE_TYPE="${a##*/}" OCF_RESOURCE_PROVIDER=vpnha OCF_RA_VERSION_MAJOR=1 \
		OCF_RA_VERSION_MINOR=1 "${envs[@]}" "$a" "$act"
}

# ---------------------------------------------------------------- assertions
# TAP-style: every assertion prints one "ok - DESC" or "not ok - DESC" line and
# counts it; lab_summary ends the script.  lab_check, lab_expect and
# lab_expect_ocf return 0 when the assertion passed, 1 when it failed; nothing
# here exits.
LAB_PASS=0     # assertions passed so far
LAB_FAILED=0   # assertions failed so far
LAB_EXPECT_OUT=   # lab_expect: the output (stdout and stderr) of its CMD

# lab_ok DESC...: a passed assertion: prints "ok - DESC", counts it in LAB_PASS.
lab_ok() { LAB_PASS=$((LAB_PASS + 1)); printf 'ok - %s\n' "$*"; }

# lab_notok DESC...: a failed assertion: prints "not ok - DESC", counts it in LAB_FAILED.
# Returns 0 like lab_ok (so that `COND && lab_notok X || lab_ok Y` reports once).
lab_notok() { LAB_FAILED=$((LAB_FAILED + 1)); printf 'not ok - %s\n' "$*"; }

# lab_check DESC CMD...: run CMD (its output is not captured): ok when it succeeds.
lab_check() {
	local d=$1; shift
	if "$@"; then lab_ok "$d"; else lab_notok "$d"; return 1; fi
}

# lab_expect DESC WANT_RC [REASON_ERE] -- CMD...: run CMD with its output (stdout
# and stderr) captured in $LAB_EXPECT_OUT; ok when it returns WANT_RC and, with
# REASON_ERE, the output matches that extended regex (grep -E).  With
# LAB_EXPECT_ONE_REASON=1, also exactly one "ocf-exit-reason:" line when the rc
# is not 0 and none when it is (an OCF agent's rule).  Prints
# "ok - DESC (rc N) [the exit reason]", or why not: "not ok - DESC: rc N, want M: ...".
lab_expect() {
	local desc=$1 want=$2 re='' rc n
	shift 2
	if [ "${1:-}" != -- ]; then re=${1:-}; shift; fi
	[ "${1:-}" = -- ] || { lab_notok "$desc: lab_expect: no '--' before the command"; return 1; }
	shift
	LAB_EXPECT_OUT=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		lab_notok "$desc: rc $rc, want $want: $(tail -n 3 <<<"$LAB_EXPECT_OUT" | tr '\n' ' ')"
		return 1
	fi
	if [ "${LAB_EXPECT_ONE_REASON:-0}" = 1 ]; then
		n=$(grep -c '^ocf-exit-reason:' <<<"$LAB_EXPECT_OUT")
		if { [ "$rc" -ne 0 ] && [ "$n" -ne 1 ]; } || { [ "$rc" -eq 0 ] && [ "$n" -ne 0 ]; }; then
			lab_notok "$desc: rc $rc with $n exit-reason lines: $(tr '\n' ' ' <<<"$LAB_EXPECT_OUT")"
			return 1
		fi
	fi
	if [ -n "$re" ] && ! grep -Eq -- "$re" <<<"$LAB_EXPECT_OUT"; then
		lab_notok "$desc: rc $rc but reason does not match /$re/: $(tr '\n' ' ' <<<"$LAB_EXPECT_OUT")"
		return 1
	fi
	lab_ok "$desc (rc $rc)${re:+ [$(grep -m1 'ocf-exit-reason' <<<"$LAB_EXPECT_OUT" | cut -c17-)]}"
}

# lab_expect_ocf DESC HOST AGENT ACTION WANT_RC [REASON_ERE] [-- KEY=VALUE...]:
# lab_expect of `lab_ocf HOST AGENT ACTION KEY=VALUE...` (the instance is
# $LAB_OCF_INSTANCE; OCF_CHECK_LEVEL, OCF_RESKEY_CRM_meta_interval and the like
# pass through the environment: `OCF_CHECK_LEVEL=10 lab_expect_ocf ...`).
lab_expect_ocf() {
	local desc=$1 h=$2 a=$3 act=$4 want=$5 re=()
	shift 5
	if [ $# -gt 0 ] && [ "$1" != -- ]; then re=("$1"); shift; fi
	if [ "${1:-}" = -- ]; then shift; fi
	lab_expect "$desc" "$want" "${re[@]}" -- lab_ocf "$h" "$a" "$act" "$@"
}

# lab_summary: prints "# N passed, M failed"; returns 1 when an assertion failed
# or none was made (a script that asserted nothing proved nothing).  End a lab
# script with it: `lab_summary`.
lab_summary() {
	printf '# %d passed, %d failed\n' "$LAB_PASS" "$LAB_FAILED"
	[ "$LAB_FAILED" -eq 0 ] && [ "$LAB_PASS" -gt 0 ]
}

# lab_install_build_agents FILE...: copy agents (and helpers such as
# tests/ocf-conformance) into $LAB_AGENTS (/lab/agents: the same path on every
# host; hosts have a private /tmp, where build trees often live), then
# lab_install_agents $LAB_AGENTS (ocf:vpnha:NAME resolves to them).  A FILE that
# exists as given is copied as is; else NAME means the build tree's agents/NAME
# and DIR/NAME the build tree's DIR/NAME (cli/vpnha); the build tree is
# $abs_top_builddir, else $top_builddir, else the source tree; DEST=FILE installs FILE as
# DEST.  Installed mode 755; adds to what is there.  1 (and why) when a file is missing.
LAB_AGENTS=$LAB_STATE/agents
lab_install_build_agents() {
	local b=${abs_top_builddir:-${top_builddir:-$LAB_DIR/../..}} f src dst
	mkdir -p "$LAB_AGENTS" || return 1
	for f in "$@"; do
		dst=${f##*/}
		case $f in *=*) dst=${f%%=*}; f=${f#*=};; esac
		src=$f
		if [ ! -e "$src" ]; then
			case $f in */*) src=$b/$f;; *) src=$b/agents/$f;; esac
		fi
		[ -x "$src" ] || { echo "lab_install_build_agents: $src not built (run make first)" >&2; return 1; }
		install -m 755 "$src" "$LAB_AGENTS/$dst" || return 1
	done
	lab_install_agents "$LAB_AGENTS"
}

# ---------------------------------------------------------------- strongSwan

# lab_charon_start HOST [SWANCTL_CONF_FILE]: start charon in HOST with a private
# config (/etc/swanctl/strongswan.conf, STRONGSWAN_CONF), VICI socket at the default
# /run/charon.vici (private /run, so `lab_exec HOST swanctl ...` just works), log in
# /var/log/strongswan/charon.log.  If given, SWANCTL_CONF_FILE is installed as
# /etc/swanctl/swanctl.conf; then `swanctl --load-all` runs once charon answers.
lab_charon_start() {
	local h=$1 f=${2:-} H=$LAB_HOSTS/$1 p
	[ -z "$f" ] || install -m 600 "$f" "$H/etc/swanctl/swanctl.conf"
	[ -n "${LAB__NOBOOTREC:-}" ] || lab_boot_add "$h" lab_charon_start "$h"
	[ -s "$H/etc/swanctl/strongswan.conf" ] || cat >"$H/etc/swanctl/strongswan.conf" <<-'EOF'
	# vpnha lab: per-host charon configuration
	charon {
		load_modular = yes
		install_routes = no
		retransmit_tries = 3
		retransmit_timeout = 1.0
		retransmit_base = 1.4
		plugins {
			include /etc/strongswan.d/charon/*.conf
			vici { socket = unix:///run/charon.vici }
		}
		filelog {
			lab {
				path = /var/log/strongswan/charon.log
				time_format = %H:%M:%S
				time_add_ms = yes
				ike_name = yes
				append = yes
				default = 1
				flush_line = yes
			}
		}
		syslog { daemon { default = -1 } auth { default = -1 } }
	}
	swanctl { socket = unix:///run/charon.vici }
	EOF
	p=$(lab_pid "$h") || return 1
	STRONGSWAN_CONF=/etc/swanctl/strongswan.conf lab_daemon "$h" /var/log/lab/charon.out /usr/lib/ipsec/charon || return 1
	lab_wait 30 0.1 test -S "/proc/$p/root/run/charon.vici" ||
		{ echo "lab_charon_start $h: no VICI socket" >&2; return 1; }
	lab_wait 10 0.2 lab_exec "$h" swanctl --stats >/dev/null 2>&1 ||
		{ echo "lab_charon_start $h: VICI does not answer" >&2; return 1; }
	if [ -s "$H/etc/swanctl/swanctl.conf" ]; then
		lab_exec "$h" swanctl --load-all >>"$H/var/log/lab/swanctl.out" 2>&1 ||
			{ echo "lab_charon_start $h: swanctl --load-all failed:" >&2; tail -n 5 "$H/var/log/lab/swanctl.out" >&2; return 1; }
	fi
}

# lab_swanctl HOST ARGS...: swanctl inside HOST (talks to HOST's charon).
lab_swanctl() { local h=$1; shift; lab_exec "$h" swanctl "$@"; }

# lab_charon_wait_child HOST CHILD [TIMEOUT]: wait until CHILD_SA CHILD is INSTALLED on HOST.
lab_charon_wait_child() { lab_wait "${3:-30}" 0.2 lab__child_installed "$1" "$2"; }
lab__child_installed() {
	local o
	o=$(lab_swanctl "$1" --list-sas --raw 2>/dev/null)
	[[ $o =~ child-sas\ \{$2[-0-9]*\ \{[^}]*state=INSTALLED ]]
}

# ---------------------------------------------------------------- FRR

# lab_frr_start HOST [FRR_CONF_FILE] [DAEMON...]: start FRR daemons (default: zebra
# bgpd) in HOST with private /etc/frr, /run/frr, /var/log/frr; TCP vty off.  If given,
# FRR_CONF_FILE becomes /etc/frr/frr.conf and is applied with `vtysh -b`.  `lab_vtysh
# HOST ...` (plain vtysh inside the host) then works.  Add bfdd for BFD.
# LAB_FRR_NICE=N starts the daemons at nice N (the routed layout: -15, so BFD
# keeps its timers while Pacemaker loads the lab's one vCPU).
lab_frr_start() {
	local h=$1 f=${2:-} H=$LAB_HOSTS/$1 d p; shift; [ $# -gt 0 ] && shift
	local daemons=("$@")
	[ $# -gt 0 ] || daemons=(zebra bgpd)
	[ -z "$f" ] || install -m 640 -o frr -g frr "$f" "$H/etc/frr/frr.conf"
	[ -n "${LAB__NOBOOTREC:-}" ] || lab_boot_add "$h" lab_frr_start "$h" "" "${daemons[@]}"
	p=$(lab_pid "$h") || return 1
	for d in "${daemons[@]}"; do
		lab_exec "$h" ${LAB_FRR_NICE:+nice -n "$LAB_FRR_NICE"} "/usr/lib/frr/$d" -d -F traditional -P 0 -u frr -g frr \
			-i "/run/frr/$d.pid" -f /dev/null --log "file:/var/log/frr/$d.log" \
			>>"$H/var/log/lab/frr.out" 2>&1 ||
			{ echo "lab_frr_start $h: $d failed to start:" >&2; tail -n 5 "$H/var/log/lab/frr.out" >&2; return 1; }
	done
	for d in "${daemons[@]}"; do
		lab_wait 20 0.1 test -S "/proc/$p/root/run/frr/$d.vty" ||
			{ echo "lab_frr_start $h: no $d vty socket" >&2; return 1; }
	done
	if [ -s "$H/etc/frr/frr.conf" ]; then
		lab_exec "$h" vtysh -b >>"$H/var/log/lab/frr.out" 2>&1 ||
			{ echo "lab_frr_start $h: vtysh -b failed:" >&2; tail -n 5 "$H/var/log/lab/frr.out" >&2; return 1; }
	fi
}

# lab_vtysh HOST ARGS...: vtysh inside HOST (e.g. lab_vtysh gw1 -c 'show bgp summary').
lab_vtysh() { local h=$1; shift; lab_exec "$h" vtysh "$@"; }

# lab_bgp_state HOST NEIGHBOR: prints the BGP state of NEIGHBOR seen by HOST.
lab_bgp_state() {
	lab_vtysh "$1" -c "show bgp neighbors $2 json" 2>/dev/null | jq -r --arg n "$2" '.[$n].bgpState // "none"'
}

# lab_bgp_wait_established HOST NEIGHBOR [TIMEOUT]
lab_bgp_wait_established() { lab_wait "${3:-60}" 0.3 lab__bgp_established "$1" "$2"; }
lab__bgp_established() { [ "$(lab_bgp_state "$1" "$2")" = Established ]; }

# lab_route_wait HOST PREFIX [TIMEOUT]: wait until HOST's kernel has a route for PREFIX.
lab_route_wait() { lab_wait "${3:-30}" 0.2 lab__route_present "$1" "$2"; }
lab__route_present() { [ -n "$(ip -n "$1" route show "$2" 2>/dev/null)" ]; }

# ---------------------------------------------------------------- exit

# lab_collect: copy every host's logs and configs to $LAB_OUT/hosts/NAME (done at exit).
lab_collect() {
	local H n
	for H in "$LAB_HOSTS"/*/; do
		[ -d "$H" ] || continue
		n=$(basename "$H")
		mkdir -p "$LAB_OUT/hosts/$n/var"
		cp -r --no-preserve=mode,ownership "$H/var/log" "$H/var/lib" "$LAB_OUT/hosts/$n/var/" 2>/dev/null || :
		cp -r --no-preserve=mode,ownership "$H/etc" "$LAB_OUT/hosts/$n/" 2>/dev/null || :
		cp --no-preserve=mode,ownership "$H/net" "$H/boot" "$LAB_OUT/hosts/$n/" 2>/dev/null || :
		if lab_alive "$n"; then
			ip -n "$n" -d addr >"$LAB_OUT/hosts/$n/ip-addr.txt" 2>&1
			ip -n "$n" route show table all >"$LAB_OUT/hosts/$n/ip-route.txt" 2>&1
			ip -n "$n" xfrm state >"$LAB_OUT/hosts/$n/xfrm-state.txt" 2>&1
			ip -n "$n" xfrm policy >"$LAB_OUT/hosts/$n/xfrm-policy.txt" 2>&1
		fi
	done
	cp /etc/hosts "$LAB_OUT/etc-hosts.txt" 2>/dev/null || :
}

# computed once (forks): every lab_host needs it
LAB__VISIBLE_DIRS=$(lab__visible_dirs)

lab__exit() {
	local rc=$? h f
	trap - EXIT
	for h in "${LAB__EXIT_HOOKS[@]}"; do eval "$h"; done
	for f in "$LAB_STATE"/pids/capture.*; do [ -e "$f" ] && lab_capture_stop "${f##*/capture.}"; done
	for f in "$LAB_STATE"/pids/probe.*; do
		case $f in *.start) continue;; esac
		[ -e "$f" ] && lab_probe_stop "${f##*/probe.}"
	done
	# the power switch first (a late fence request must not restart a host)
	lab__read f "$LAB_STATE/power/pid" && { kill -TERM "$f" 2>/dev/null || :; }
	# stop daemons gently where it matters for logs, then kill the hosts
	for h in "$LAB_HOSTS"/*/pid; do lab__read f "$h" && { kill -KILL "$f" 2>/dev/null || :; }; done
	lab_collect
	exit "$rc"
}
trap lab__exit EXIT
