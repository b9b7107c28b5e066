#!/bin/bash
# shellcheck disable=SC2046 # $(params H) and $(x5 H) print KEY=VALUE words (no blanks), split on purpose
# ocf:vpnha:ipsec-conn in the lab: two gateways, each with its own charon, on an
# "internet" segment; GRE between them protected by ESP (dynamic[gre]).
#   PHASES="basic conformance faults x509 transport bench failclosed dpd" (default: all)
set -u
# shellcheck source=SCRIPTDIR/../lab/lib.sh
. "$LAB_DIR/lib.sh"
S=${abs_top_srcdir:-${top_srcdir:?}}
PHASES=${LAB_IPSEC_PHASES:-basic conformance faults transport x509 bench failclosed dpd}
# the build tree may live under /tmp, which is private in every lab host: copy the agent
# where every host sees it
lab_install_build_agents ipsec-conn || lab_fail "copy agent"
A=$LAB_AGENTS/ipsec-conn
G1=198.51.100.1 G2=198.51.100.2
has() { case " $PHASES " in *" $1 "*) return 0;; esac; return 1; }

for h in gw1 gw2; do lab_host $h || lab_fail "host $h"; done
lab_segment inet || lab_fail segment
lab_attach gw1 eth0 inet $G1/24 || lab_fail attach
lab_attach gw2 eth0 inet $G2/24 || lab_fail attach
lab_gre gw1 gre1 $G1 $G2 10.255.0.1/30 || lab_fail gre
lab_gre gw2 gre1 $G2 $G1 10.255.0.2/30 || lab_fail gre
for h in gw1 gw2; do
	lab_charon_start $h || lab_fail "charon $h"
	P=$(lab_hostpath $h /etc/swanctl/private/psk)
	printf 'lab-secret-%s\n' "0123456789abcdef" >"$P"; chmod 600 "$P"
done

# common parameters (k=v words for lab_ocf / -o for the harness)
params() { # params HOST [extra k=v...]
	local h=$1 l r; shift
	if [ "$h" = gw1 ]; then l=$G1 r=$G2; else l=$G2 r=$G1; fi
	echo conn=site child=gre local_addrs=$l remote_addrs=$r psk_file=/etc/swanctl/private/psk \
		local_ts='dynamic[gre]' remote_ts='dynamic[gre]' esp_proposals=aes128gcm16 \
		proposals=aes128-sha256-ecp256 start_wait=8s "$@"
}
ocf() { # ocf HOST ACTION [k=v...] -> rc; output in $OUT
	local h=$1 act=$2; shift 2
	OUT=$(LAB_OCF_INSTANCE=site lab_ocf "$h" "$A" "$act" $(params "$h") "$@" 2>&1)
}
ocf_rc() { ocf "$@"; local rc=$?; printf '%s\n' "$OUT" >"$LAB_OUT/ipsec-last.out"; echo $rc; }
reason() { grep -h 'exit-reason' "$LAB_OUT/ipsec-last.out" | sed 's/^/    /'; }
kernel_clean() { # kernel_clean HOST: no SA and no policy but the block policy
	[ "$(xfrm_states "$1")" = 0 ] && [ "$(xfrm_pols "$1")" = 0 ] && return 0
	ip -n "$1" xfrm state; ip -n "$1" xfrm policy; return 1
}
child_installed() { lab_swanctl "$1" --list-sas --raw 2>/dev/null | grep -q 'state=INSTALLED'; }
xfrm_states() { ip -n "$1" xfrm state | grep -c '^src'; }
# SPD entries but our block policy (per-socket policies, "dir 4/5", are charon's IKE bypass)
xfrm_pols() { ip -n "$1" xfrm policy | awk '/\tdir (in|out|fwd) / && !/priority 3000000 /{n++} END{print n+0}'; }
ping_gre() { ip netns exec gw1 ping -c "${1:-5}" -i 0.2 -W 1 10.255.0.2 >/dev/null 2>&1; }

# ------------------------------------------------------------------ basic PSK tunnel
# Pacemaker probes every node when the resource is defined: that installs the
# fail-closed block policy (the GRE tunnels already exist and send IPv6 RS)
for h in gw1 gw2; do lab_check "probe $h = 7" test "$(OCF_RESKEY_CRM_meta_interval=0 ocf_rc $h monitor)" = 7; done
if has basic; then
	lab_capture_start basic inet br0 || lab_fail capture
	lab_check "gw2 start" test "$(ocf_rc gw2 start)" = 0
	lab_now; t0=$LAB_NOW
	lab_check "gw1 start" test "$(ocf_rc gw1 start)" = 0
	lab_result ipsec_start_to_child_s "$(lab_since "$t0")"
	grep -h 'installed in the kernel' "$(lab_hostpath gw1 /var/log/lab)"/* 2>/dev/null | tail -1
	lab_check "CHILD_SA installed on gw1" child_installed gw1
	lab_check "monitor depth 0" test "$(ocf_rc gw1 monitor)" = 0
	lab_check "monitor depth 10" test "$(OCF_CHECK_LEVEL=10 ocf_rc gw1 monitor)" = 0
	lab_check "GRE ping through ESP" ping_gre 10
	lab_capture_stop basic
	n_esp=$(lab_capture_count basic esp); n_gre=$(lab_capture_count basic proto gre)
	lab_result ipsec_basic_esp_packets "$n_esp"; lab_result ipsec_basic_clear_gre_packets "$n_gre"
	lab_check "ESP on the wire" test "$n_esp" -gt 0
	lab_check "no cleartext GRE" test "$n_gre" -eq 0
	lab_check "gw1 stop" test "$(ocf_rc gw1 stop)" = 0
	lab_check "no SA/policy of the conn left on gw1" kernel_clean gw1
	lab_check "block policy kept after stop" sh -c "ip -n gw1 xfrm policy | grep -q 'priority 3000000'"
	lab_check "conn unloaded on gw1" sh -c "! nsenter -t $(lab_pid gw1) -n -m -u -p -r -w -- swanctl --list-conns | grep -q site"
	lab_check "shared secret unloaded" sh -c "! nsenter -t $(lab_pid gw1) -n -m -u -p -r -w -- swanctl --list-creds 2>/dev/null | grep -qi 'lab-secret'"
	lab_check "secret not in logs" sh -c "! grep -rq 'lab-secret' $(lab_hostpath gw1 /var/log) $LAB_OUT/*.log 2>/dev/null"
	lab_check "monitor after stop = 7" test "$(ocf_rc gw1 monitor)" = 7
	lab_check "gw2 stop" test "$(ocf_rc gw2 stop)" = 0
fi

# ------------------------------------------------------------------ conformance harness
if has conformance; then
	ocf gw2 start
	opts=(); for kv in $(params gw1); do opts+=(-o "$kv"); done
	lab_exec gw1 env OCF_ROOT=/usr/lib/ocf "$S/tests/ocf-conformance" -t 30000 -i site "${opts[@]}" "$A" \
		>"$LAB_OUT/ipsec-conformance.txt" 2>&1
	rc=$?; tail -25 "$LAB_OUT/ipsec-conformance.txt"
	lab_check "conformance harness" test $rc = 0
	ocf gw1 stop; ocf gw2 stop
fi

# ------------------------------------------------------------------ faults and bad input
if has faults; then
	ocf gw2 start
	# bad input: nothing loaded, clear reason naming the parameter
	chmod 644 "$(lab_hostpath gw1 /etc/swanctl/private/psk)"
	lab_check "world-readable psk refused (5, node-local)" test "$(ocf_rc gw1 start)" = 5; reason
	chmod 600 "$(lab_hostpath gw1 /etc/swanctl/private/psk)"
	ln -sf /etc/swanctl/private/psk "$(lab_hostpath gw1 /etc/swanctl/private/psk-link)"
	lab_check "symlinked psk refused (5, node-local)" test "$(ocf_rc gw1 start psk_file=/etc/swanctl/private/psk-link)" = 5
	lab_check "missing psk refused (5, node-local)" test "$(ocf_rc gw1 start psk_file=/etc/swanctl/private/none)" = 5
	lab_check "bad address refused (6)" test "$(ocf_rc gw1 start remote_addrs=198.51.100.300)" = 6; reason
	lab_check "multicast IKE peer refused (6)" test "$(ocf_rc gw1 start remote_addrs=224.0.0.5)" = 6; reason
	lab_check "bad proposal refused (6)" test "$(ocf_rc gw1 start 'proposals=aes128;rm')" = 6
	lab_check "bad ts refused (6)" test "$(ocf_rc gw1 start 'remote_ts=dynamic[nosuch]')" = 6
	lab_check "unknown swanctl conn = error (1)" test "$(ocf_rc gw1 start config=swanctl conn=nosuch psk_file=)" = 1; reason
	lab_check "absent VICI socket = error (1)" test "$(ocf_rc gw1 start vici_socket=/run/nosuch.vici)" = 1; reason
	lab_check "nothing loaded after bad input" sh -c "! nsenter -t $(lab_pid gw1) -n -m -u -p -r -w -- swanctl --list-conns | grep -q site"
	ocf gw1 stop
	# SA deleted behind the agent's back
	ocf gw1 start
	lab_check "SA up" child_installed gw1
	ip -n gw1 xfrm state flush
	lab_check "depth 10 detects flushed SAs (1)" test "$(OCF_CHECK_LEVEL=10 ocf_rc gw1 monitor)" = 1; reason
	ocf gw1 stop; ocf gw1 start
	# charon killed: monitor 7, stop succeeds and cleans the kernel
	lab_exec gw1 pkill -KILL -x charon; sleep 0.5
	lab_check "charon SIGKILL: monitor 7" test "$(ocf_rc gw1 monitor)" = 7; reason
	lab_check "charon SIGKILL: stop 0" test "$(ocf_rc gw1 stop)" = 0
	lab_check "charon SIGKILL: no SA/policy left" kernel_clean gw1
	# charon restarted: our connection is gone -> 7
	LAB__NOBOOTREC=1 lab_charon_start gw1 || lab_fail "charon restart"
	ocf gw1 start
	lab_exec gw1 pkill -TERM -x charon; sleep 1
	LAB__NOBOOTREC=1 lab_charon_start gw1 || lab_fail "charon restart"
	lab_check "charon restarted: monitor 7" test "$(ocf_rc gw1 monitor)" = 7; reason
	lab_check "stop after restart 0" test "$(ocf_rc gw1 stop)" = 0
	# remote charon down at start: start succeeds (pending), monitor ok, require_established fails after grace
	ocf gw2 stop; lab_exec gw2 pkill -TERM -x charon; sleep 1
	lab_now; t0=$LAB_NOW
	lab_check "remote down: start 0 (pending)" test "$(ocf_rc gw1 start start_wait=2s)" = 0
	lab_result ipsec_start_remote_down_s "$(lab_since "$t0")"
	lab_check "remote down: monitor 0" test "$(ocf_rc gw1 monitor)" = 0
	sleep 2
	lab_check "remote down: require_established after grace = 1" \
		test "$(ocf_rc gw1 monitor require_established=true established_grace=1s)" = 1; reason
	LAB__NOBOOTREC=1 lab_charon_start gw2 || lab_fail "charon gw2"
	ocf gw2 start
	lab_check "remote back: SA up without agent action" lab_wait 30 0.5 child_installed gw1
	ocf gw1 stop; ocf gw2 stop
	# stop after partial start (state recorded, charon refused the conn)
	lab_check "partial start fails (1)" test "$(ocf_rc gw1 start proposals=nosuchalgo)" = 1; reason
	lab_check "stop after partial start 0" test "$(ocf_rc gw1 stop)" = 0
	lab_check "monitor after that 7" test "$(ocf_rc gw1 monitor)" = 7
fi

# ------------------------------------------------------------------ transport mode
if has transport; then
	lab_capture_start transport inet br0 || lab_fail capture
	ocf gw2 start mode=transport; ocf gw1 start mode=transport
	lab_check "transport: SA up" child_installed gw1
	lab_check "transport: depth 10" test "$(OCF_CHECK_LEVEL=10 ocf_rc gw1 monitor mode=transport)" = 0; reason
	lab_check "transport: GRE ping" ping_gre 10
	lab_capture_stop transport
	n_esp=$(lab_capture_count transport esp); n_gre=$(lab_capture_count transport proto gre)
	lab_result ipsec_transport_esp_packets "$n_esp"; lab_result ipsec_transport_clear_gre_packets "$n_gre"
	lab_check "transport: ESP seen, no clear GRE" test "$n_esp" -gt 0 -a "$n_gre" -eq 0
	lab_check "transport: stop" test "$(ocf_rc gw1 stop mode=transport)" = 0
	lab_check "transport: kernel clean" kernel_clean gw1
	ocf gw2 stop mode=transport
fi

# ------------------------------------------------------------------ x509 (pki)
if has x509; then
	D=$LAB_STATE/pki; mkdir -p "$D"
	pki --gen --type ecdsa --size 256 --outform pem >"$D/ca.key"
	pki --self --ca --lifetime 30 --in "$D/ca.key" --dn "CN=vpnha lab CA" --outform pem >"$D/ca.pem"
	for h in gw1 gw2; do
		pki --gen --type ecdsa --size 256 --outform pem >"$D/$h.key"
		pki --pub --in "$D/$h.key" | pki --issue --lifetime 30 --cacert "$D/ca.pem" --cakey "$D/ca.key" \
			--dn "CN=$h.lab" --san "$h.lab" --outform pem >"$D/$h.pem"
		install -m 600 "$D/$h.key" "$(lab_hostpath $h /etc/swanctl/private/$h.key)"
		install -m 644 "$D/$h.pem" "$(lab_hostpath $h /etc/swanctl/x509/$h.pem)"
		install -m 644 "$D/ca.pem" "$(lab_hostpath $h /etc/swanctl/x509ca/ca.pem)"
	done
	x5() { local h=$1 o=gw2; [ "$h" = gw2 ] && o=gw1; echo auth=pubkey psk_file= "cert=/etc/swanctl/x509/$h.pem" \
		"key_file=/etc/swanctl/private/$h.key" cacert=/etc/swanctl/x509ca/ca.pem "local_id=$h.lab" "remote_id=$o.lab"; }
	lab_capture_start x509 inet br0 || lab_fail capture
	ocf gw2 start $(x5 gw2); reason
	ocf gw1 start $(x5 gw1); reason
	lab_check "x509: SA up" child_installed gw1
	lab_check "x509: depth 10" test "$(OCF_CHECK_LEVEL=10 ocf_rc gw1 monitor $(x5 gw1))" = 0
	lab_check "x509: GRE ping" ping_gre 5
	lab_capture_stop x509
	lab_check "x509: ESP, no clear GRE" test "$(lab_capture_count x509 esp)" -gt 0 -a "$(lab_capture_count x509 proto gre)" -eq 0
	lab_check "x509: stop" test "$(ocf_rc gw1 stop $(x5 gw1))" = 0
	lab_check "x509: key unloaded" sh -c "! nsenter -t $(lab_pid gw1) -n -m -u -p -r -w -- swanctl --list-creds 2>/dev/null | grep -qi 'private key'"
	ocf gw2 stop $(x5 gw2)
fi

# ------------------------------------------------------------------ benchmark
if has bench; then
	ocf gw2 start; ocf gw1 start
	child_installed gw1 || lab_log "bench: no SA"
	envs=(OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=site OCF_RESKEY_CRM_meta_interval=10000)
	for kv in $(params gw1); do envs+=("OCF_RESKEY_$kv"); done
	bench() { # bench N CMD... -> median ms of N runs inside gw1 (one nsenter, a bash loop)
		local n=$1; shift
		# shellcheck disable=SC2016 # expanded by the inner bash
		lab_exec gw1 env "${envs[@]}" bash -c 'n=$1; shift; for i in $(seq $n); do
			s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e-s)/1000)); done' _ "$n" "$@" |
			sort -n | awk '{a[NR]=$1} END{printf "%.2f", a[int((NR+1)/2)]/1000}'
	}
	lab_result ipsec_monitor_median_ms "$(bench 30 "$A" monitor)"
	lab_result ipsec_monitor10_median_ms "$(OCF_CHECK_LEVEL=10 bench 30 env OCF_CHECK_LEVEL=10 "$A" monitor)"
	lab_result swanctl_list_sas_median_ms "$(bench 30 swanctl --list-sas)"
	lab_result true_median_ms "$(bench 30 /bin/true)"
	forks=$(lab_exec gw1 env "${envs[@]}" strace -f -e trace=fork,vfork,clone,clone3,execve -o /tmp/st "$A" monitor >/dev/null 2>&1;
		lab_exec gw1 grep -cE 'clone|fork' /tmp/st)
	lab_result ipsec_monitor_forks "$forks"
	lab_check "monitor forks 0" test "$forks" = 0
	# in-process time of monitor (the agent logs it: excludes exec and dynamic
	# linking, which UML makes slow); median of 30 runs
	# shellcheck disable=SC2016 # expanded by the inner bash
	inproc=$(lab_exec gw1 env "${envs[@]}" HA_debug=1 HA_LOGFACILITY=none bash -c 'for i in $(seq 30); do
		"$1" monitor 2>&1 | sed -n "s/.*monitor: ok (\([0-9]*\) us).*/\1/p"; done' _ "$A" |
		sort -n | awk '{a[NR]=$1} END{if (NR) printf "%.3f", a[int((NR+1)/2)]/1000}')
	lab_result ipsec_monitor_inprocess_median_ms "${inproc:-none}"
	lab_check "monitor's in-process time was measured ($inproc ms)" test -n "$inproc"
	ocf gw1 stop; ocf gw2 stop
fi

# ------------------------------------------------------------------ issue 9: fail closed
if has failclosed; then
	gre_leak() { # gre_leak NAME CMD...: ping over GRE while CMD runs; print clear GRE count
		local c=$1; shift
		lab_capture_start "$c" inet br0 || return 1
		ip netns exec gw1 ping -i 0.05 -W 1 -w 6 10.255.0.2 >/dev/null 2>&1 &
		local pp=$!
		sleep 0.5; "$@"; wait $pp
		lab_capture_stop "$c"
		local n; n=$(lab_capture_count "$c" proto gre)
		lab_result "failclosed_${c}_clear_gre" "$n"
		lab_result "failclosed_${c}_esp" "$(lab_capture_count "$c" esp)"
		test "$n" = 0
	}
	ocf gw2 start; ocf gw1 start
	sigterm_restart() { lab_exec gw1 pkill -TERM -x charon; sleep 2; LAB__NOBOOTREC=1 lab_charon_start gw1 >/dev/null; ocf gw1 stop; ocf gw1 start; }
	sigkill_restart() { lab_exec gw1 pkill -KILL -x charon; sleep 2; LAB__NOBOOTREC=1 lab_charon_start gw1 >/dev/null; ocf gw1 stop; ocf gw1 start; }
	lab_check "fail closed: charon SIGTERM + restart" gre_leak sigterm sigterm_restart
	lab_check "fail closed: charon SIGKILL + restart" gre_leak sigkill sigkill_restart
	lab_check "fail closed: resource stop" gre_leak stop ocf gw1 stop
	start_gw1() { ocf gw1 stop; ocf gw2 stop; ocf gw1 start start_wait=0; sleep 1; ocf gw2 start; sleep 2; }
	lab_check "fail closed: start before SA up" gre_leak start start_gw1
	lab_check "SA back after all that" lab_wait 20 0.5 child_installed gw1
	ocf gw1 stop; ocf gw2 stop
fi

# ------------------------------------------------------------------ issue 9: dead peer, failover
if has dpd; then
	# gw2 "crashes" with its kernel state lost; its address moves to gw2b (partner)
	lab_host gw2b || lab_fail host
	lab_attach gw2b eth0 inet || lab_fail attach
	lab_gre gw2b gre1 $G2 $G1 10.255.0.2/30
	lab_charon_start gw2b || lab_fail charon
	P=$(lab_hostpath gw2b /etc/swanctl/private/psk); printf 'lab-secret-0123456789abcdef\n' >"$P"; chmod 600 "$P"
	ocf gw2 start; ocf gw1 start
	tmax=0; tsum=0
	cur=gw2 nxt=gw2b
	for i in 1 2 3 4 5 6 7 8 9 10; do
		child_installed gw1 || lab_wait 20 0.2 child_installed gw1
		old=$(lab_swanctl gw1 --list-sas --raw 2>/dev/null | grep -o 'uniqueid=[0-9]*' | head -1)
		lab_now; t0=$LAB_NOW
		# crash: address + charon state gone on $cur, address up on $nxt
		ip -n $cur addr del $G2/24 dev eth0; ip -n $cur xfrm state flush; ip -n $cur xfrm policy flush
		lab_exec $cur pkill -KILL -x charon
		ip -n $nxt addr add $G2/24 dev eth0 2>/dev/null
		ip netns exec $nxt arping -q -U -c 1 -I eth0 $G2 2>/dev/null
		LAB_OCF_INSTANCE=site lab_ocf $nxt "$A" start $(params gw2) >/dev/null 2>&1
		ok=0
		if lab_wait 30 0.1 bash -c "ip netns exec gw1 ping -c1 -W 0.3 10.255.0.2 >/dev/null"; then ok=1; fi
		dt=$(lab_since "$t0")
		n_ike=$(lab_swanctl gw1 --list-sas --raw 2>/dev/null | grep -c 'state=ESTABLISHED')
		lab_log "cut $i: $cur -> $nxt: traffic back after ${dt}s, IKE_SAs on gw1: $n_ike"
		lab_check "cut $i recovered" test $ok = 1
		tmax=$(awk -v a="$tmax" -v b="$dt" 'BEGIN{print (b>a)?b:a}'); tsum=$(awk -v a="$tsum" -v b="$dt" 'BEGIN{print a+b}')
		# the crashed node comes back empty: restart its charon, address stays on $nxt
		LAB__NOBOOTREC=1 lab_charon_start $cur >/dev/null 2>&1
		rm -rf "/proc/$(lab_pid $cur)/root/run/vpnha" 2>/dev/null
		t=$cur; cur=$nxt; nxt=$t
	done
	sleep 3
	dup=$(lab_swanctl gw1 --list-sas --raw 2>/dev/null | grep -c 'state=ESTABLISHED')
	lab_result dpd_failover_max_s "$tmax"
	lab_result dpd_failover_mean_s "$(awk -v a="$tsum" 'BEGIN{printf "%.2f", a/10}')"
	lab_result dpd_ike_sas_after_10_cuts "$dup"
	lab_check "no duplicate SAs after 10 cuts" test "$dup" = 1
fi

lab_result ipsec_failures "$LAB_FAILED"
lab_summary || lab_fail "$LAB_FAILED check(s) failed"
lab_log "ipsec-conn lab: all checks passed"
