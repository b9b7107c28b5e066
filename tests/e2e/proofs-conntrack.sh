# shellcheck shell=bash
# vpnha e2e (issue 18, part B): stateful failover with conntrackd, proven with
# long-lived TCP connections.  Sourced by tests/e2e/demo.sh, only with
# LAB_E2E_CONNTRACK=1 (e2e.test and `make demo` set it unless it is 0; then
# tests/e2e/pcs-offline configures the conntrackd clone too); otherwise every ct_* function returns 0 at once, no extra host,
# no firewall, and a KIND+nosync failover is refused.
#
# The gateways run the example firewall (examples/firewall/vpnha.rules.in:
# stateful FORWARD, new connections only from the inside, the LAN SNATed to
# the public VIP; nf_conntrack_tcp_loose=0: no mid-stream pick-up) and
# conntrackd (examples/conntrackd/conntrackd.conf.in, FTFW over the LAN),
# managed by Pacemaker as the examples configure it (ocf:heartbeat:conntrackd,
# promotable clone, promoted where the group runs).  A host "inet"
# (203.0.113.100) on the internet segment serves a stream; so does lan2.
# lan1 keeps two connections open across the failovers: to inet through NAT
# and to lan2 through the VPN (tests/e2e/tcp-stream.py: one line every 50 ms,
# the client logs each chunk's arrival time; no fork per sample).
#
# Asserted, for each failover (ct_pre / ct_post around demo.sh's failover):
#  - before it, the backup gateway's conntrackd holds both connections (its
#    external cache);
#  - after it, both connections are the same ones (never closed, never
#    reconnected) and move data again; how long each stalled is a RESULT.
# A failover kind KIND+nosync runs with the conntrackd clone disabled (fresh
# connections the new gateway never heard of): the NATed connection must
# break (no data for CT_BREAK s after the VPN traffic is back), as in the 2003
# paper; then the clone is enabled again and fresh connections are opened.
#
# Layouts.  Takeover: all of the above.  Routed: the VPN connection only,
# through the same firewall (the tunnels are gre-+, NAT to each gateway's own
# address), conntrackd promoted where the LAN VIP is
# (pcs/configure-site.sh).  A NATed connection cannot survive a change of
# gateway there by design: the new gateway has another public address, which
# the internet host never heard of; the routed layout has no shared one.  The
# connection that needs the synced state is then the VPN one: without
# conntrackd it must break (the new gateway drops its segments as INVALID).
# routed-lan (no LAN VIP to promote conntrackd with) is not covered.
CT_ON=0 CT_NAT=0
case $LAYOUT in takeover) CT_NAT=1 ;& routed) [ "${LAB_E2E_CONNTRACK:-0}" = 1 ] && CT_ON=1 ;; esac
CT_INET=203.0.113.100 CT_NAT_PORT=5001 CT_VPN_PORT=5002
CT_CONF=/etc/vpnha/conntrackd.conf CT_CLONE=vpn-conntrackd-clone
CT_WAIT=${LAB_E2E_CT_WAIT:-90} CT_BREAK=${LAB_E2E_CT_BREAK:-12}
CT_N=0 CT_PROOFS=()
[ "$CT_ON$CT_NAT" = 11 ] && E2E_EXTRA_HOSTS="${E2E_EXTRA_HOSTS:-} inet"

ct_proof() { CT_PROOFS+=("$*"); lab_log "proof: $*"; }

# ct_topology: the internet host; the netfilter modules (loaded here, in the
# guest's root: iptables inside a host cannot run the lab's modprobe)
ct_topology() {
	[ "$CT_ON" = 1 ] || return 0
	[ "$CT_NAT" = 0 ] || lab_attach inet eth0 internet "$CT_INET/24" || return 1
	modprobe -d /run/modroot -a nf_conntrack nf_conntrack_netlink nf_nat iptable_filter iptable_nat \
		xt_conntrack xt_nat || return 1
}

# ct_firewall HOST: the example ruleset and no mid-stream pick-up (replayed
# at every boot: lab_boot_add)
ct_firewall() {
	lab_exec "$1" iptables-legacy-restore <"$LAB_STATE/e2e-configs/firewall-$1.rules" &&
		ip netns exec "$1" sysctl -q -w net.netfilter.nf_conntrack_tcp_loose=0
}

# ct_gateway HOST (from e2e_daemons): conntrackd.conf and the firewall, from
# examples/, the way an admin would install them
ct_gateway() {
	[ "$CT_ON" = 1 ] || return 0
	local h=$1 s peer env kv fw=()
	s=$(e2e_site_of "$h"); peer=$(e2e_other "$h")
	e2e_gw "$peer"; local pa=$E2E_INT
	e2e_gw "$h"
	env=$EX/$s.env
	if [ "$LAYOUT" = routed ]; then
		# every tunnel (gre-+), NAT to this gateway's own public address
		env=$EX/$s-routed.env
		env_get "$env" GATEWAYS || return 1
		for kv in $ENVV; do [ "${kv%%=*}" = "$h" ] && fw=(GRE_IF=gre-+ EXT_VIP="${kv#*=}"); done
		[ ${#fw[@]} != 0 ] || return 1
	fi
	"$EX/render" "$EX/conntrackd/conntrackd.conf.in" "$env" SYNC_ADDR="$E2E_INT" SYNC_PEER="$pa" \
		>"$(lab_hostpath "$h" "$CT_CONF")" || return 1
	"$EX/render" "$EX/firewall/vpnha.rules.in" "$env" "${fw[@]}" >"$LAB_STATE/e2e-configs/firewall-$h.rules" || return 1
	ct_firewall "$h" || return 1
	lab_boot_add "$h" ct_firewall "$h"
}

# ct_log HOST NAME: outer path of HOST's /var/log/lab/NAME
ct_log() { echo "$LAB_HOSTS/$1/var/log/lab/$2"; }

# ct_state LOG T0: "N RECENT GAP_MS BAD LAST": chunks received after T0, in
# the last 2 s, the longest time without data around T0 (from the last chunk
# before T0), BAD=1 when the connection ended or was opened again
ct_state() {
	awk -v t0="$2" -v now="$EPOCHREALTIME" '
	$2 == "recv" { t = $1; if (t > t0) { n++; if (p && t - p > g) g = t - p; if (t > now - 2) r++ } p = t; last = t }
	$2 == "connected" { c++ } $2 == "closed" || $2 == "error" { bad = 1 }
	END { printf "%d %d %d %d %.3f\n", n, r, g * 1000, (c != 1 || bad), last }' "$1" 2>/dev/null
}
# ct_moving LOG T0: data after T0 and steady for the last 2 s, same connection
ct_moving() { local n r b; read -r n r _ b _ <<<"$(ct_state "$1" "$2")"; [ "$b" = 0 ] && [ "$n" -gt 0 ] && [ "$r" -ge 10 ]; }

# ct_streams: stop the current clients, open fresh connections from lan1 to
# inet (NAT) and lan2 (VPN); assert data flows and the NAT is the public VIP
ct_streams() {
	local t n
	[ "$CT_N" = 0 ] || : >"/lab/ct-stop-$CT_N"
	CT_N=$((CT_N + 1)); n=$CT_N
	CT_NAT_LOG=$(ct_log lan1 "ct-nat-$n.log") CT_VPN_LOG=$(ct_log lan1 "ct-vpn-$n.log")
	[ "$CT_NAT" = 0 ] || lab_daemon lan1 /var/log/lab/ct-clients.out python3 "$E2E/tcp-stream.py" client "$CT_INET" "$CT_NAT_PORT" \
		"/var/log/lab/ct-nat-$n.log" "/lab/ct-stop-$n" || lab_fail "ct: NAT client"
	lab_daemon lan1 /var/log/lab/ct-clients.out python3 "$E2E/tcp-stream.py" client 10.2.0.100 "$CT_VPN_PORT" \
		"/var/log/lab/ct-vpn-$n.log" "/lab/ct-stop-$n" || lab_fail "ct: VPN client"
	t=$EPOCHREALTIME
	lab_wait 60 0.5 ct_moving "$CT_VPN_LOG" "$t" || { cat "$CT_VPN_LOG"; lab_fail "ct: no data on lan1 -> 10.2.0.100:$CT_VPN_PORT"; }
	CT_VPN_SPORT=$(sed -n 's/.* connected [0-9.]*:\([0-9]*\)$/\1/p' "$CT_VPN_LOG")
	grep -q " accept 10\.1\.0\.100:$CT_VPN_SPORT\$" "$(ct_log lan2 ct-server.log)" ||
		lab_fail "ct: lan2 did not see lan1's connection unchanged (10.1.0.100:$CT_VPN_SPORT)"
	if [ "$CT_NAT" = 0 ]; then
		lab_log "ct: connection #$n: lan1:$CT_VPN_SPORT -> lan2:$CT_VPN_PORT (VPN)"
		return 0
	fi
	lab_wait 60 0.5 ct_moving "$CT_NAT_LOG" "$t" || { cat "$CT_NAT_LOG"; lab_fail "ct: no data on lan1 -> $CT_INET:$CT_NAT_PORT"; }
	CT_NAT_SPORT=$(sed -n 's/.* connected [0-9.]*:\([0-9]*\)$/\1/p' "$CT_NAT_LOG")
	# inet saw the connection come from the public VIP (SNAT), not from lan1
	grep -q " accept 203\.0\.113\.10:" "$(ct_log inet ct-server.log)" ||
		{ cat "$(ct_log inet ct-server.log)"; lab_fail "ct: $CT_INET did not see lan1 as the public VIP 203.0.113.10"; }
	lab_log "ct: connections #$n: lan1:$CT_NAT_SPORT -> $CT_INET:$CT_NAT_PORT (NAT), lan1:$CT_VPN_SPORT -> lan2:$CT_VPN_PORT (VPN)"
}

# ct_start: the servers, the first connections, the NAT proof
ct_start() {
	if [ "$LAYOUT" = routed-lan ] && [ "${LAB_E2E_CONNTRACK:-0}" = 1 ]; then
		lab_log "proof: stateful failover: not covered in the routed-lan layout (no LAN VIP to promote conntrackd with)"
	fi
	[ "$CT_ON" = 1 ] || return 0
	step "stateful failover: long-lived TCP connections from lan1 ($([ "$CT_NAT" = 0 ] || echo "NAT to $CT_INET, ")VPN to lan2)"
	[ "$CT_NAT" = 0 ] || lab_daemon inet /var/log/lab/ct-server.out python3 "$E2E/tcp-stream.py" serve "$CT_NAT_PORT" /var/log/lab/ct-server.log ||
		lab_fail "ct: server on inet"
	lab_daemon lan2 /var/log/lab/ct-server.out python3 "$E2E/tcp-stream.py" serve "$CT_VPN_PORT" /var/log/lab/ct-server.log ||
		lab_fail "ct: server on lan2"
	# shellcheck disable=SC2016 # (expanded at exit: the last connections)
	lab_on_exit ': >"/lab/ct-stop-$CT_N"'
	ct_streams
	if [ "$CT_NAT" = 1 ]; then
		ct_proof "NAT: lan1 reaches $CT_INET through the firewall, seen there as the public VIP 203.0.113.10 (SNAT)"
	else
		ct_proof "NAT continuity: not covered in the $LAYOUT layout (no shared public address: a NATed connection cannot move to the other gateway's address); the VPN connection is proven through the stateful firewall"
	fi
}

# ct_synced HOST SPORT DPORT: HOST's conntrackd holds the connection in its
# external cache (the copy of the other gateway's table)
ct_synced() { lab_exec "$1" conntrackd -C "$CT_CONF" -e 2>/dev/null | grep -q "sport=$2 dport=$3 "; }
ct_running() { local p; p=$(lab_pid "$1") && [ -S "/proc/$p/root/run/conntrackd.ctl" ]; }
ct_none_running() { ! ct_running "$1" && ! ct_running "$2"; }
ct_both_running() { ct_running "$1" && ct_running "$2"; }

# ct_pre TAG SITE OLD NEW NOSYNC: before the failure
ct_pre() {
	[ "$CT_ON" = 1 ] || return 0
	local tag=$1 site=$2 old=$3 new=$4 nosync=$5
	if [ -n "$nosync" ]; then
		step "$tag: conntrackd disabled (the clone stopped), fresh connections"
		lab_exec "$old" crm_resource -r "$CT_CLONE" --meta -p target-role -v Stopped >/dev/null ||
			lab_fail "$tag: disable $CT_CLONE"
		lab_wait 120 0.5 ct_none_running "$old" "$new" || lab_fail "$tag: conntrackd still running"
		ct_streams
		# the new gateway knows nothing of the connection that needs the state
		ct_key
		lab_exec "$new" conntrack -L -p tcp --dport "$CT_KPORT" 2>/dev/null | grep -q "sport=$CT_KSPORT " &&
			lab_fail "$tag: $new has the $CT_KNAME connection in its table without conntrackd"
		return 0
	fi
	# conntrackd on both gateways, the backup holds the connections that cross the site
	lab_wait 120 0.5 ct_both_running "$old" "$new" || lab_fail "$tag: conntrackd not running on $old and $new"
	if [ "$site" = site1 ] && [ "$CT_NAT" = 1 ]; then
		lab_wait 30 1 ct_synced "$new" "$CT_NAT_SPORT" "$CT_NAT_PORT" ||
			lab_fail "$tag: $new's conntrackd does not hold the NATed connection"
	fi
	lab_wait 30 1 ct_synced "$new" "$CT_VPN_SPORT" "$CT_VPN_PORT" ||
		lab_fail "$tag: $new's conntrackd does not hold the VPN connection"
}

# ct_key: CT_K* = the connection that cannot survive without the synced state:
# the NATed one (takeover), the VPN one (routed: no NAT proof there)
ct_key() {
	if [ "$CT_NAT" = 1 ]; then CT_KLOG=$CT_NAT_LOG CT_KPORT=$CT_NAT_PORT CT_KSPORT=$CT_NAT_SPORT CT_KNAME=NATed
	else CT_KLOG=$CT_VPN_LOG CT_KPORT=$CT_VPN_PORT CT_KSPORT=$CT_VPN_SPORT CT_KNAME=VPN; fi
}

# ct_post TAG SITE T0 NOSYNC OLD: after the failover (the VPN carries traffic again)
ct_post() {
	[ "$CT_ON" = 1 ] || return 0
	local tag=$1 site=$2 t0=$3 nosync=$4 old=$5 n r b l x nat vpn th rst
	if [ -n "$nosync" ]; then
		th=$EPOCHREALTIME
		lab_sleep "$CT_BREAK"
		ct_key
		read -r n _ _ _ l <<<"$(ct_state "$CT_KLOG" "$th")"
		[ "$n" = 0 ] || { tail -n 5 "$CT_KLOG"; lab_fail "$tag: the $CT_KNAME connection kept moving without conntrackd"; }
		x=$(awk -v a="$t0" -v b="$l" 'BEGIN { printf "%.1f", b - a }')
		if [ "$CT_NAT" = 0 ]; then
			lab_result "ct_${tag}_vpn_broken" 1
			ct_proof "without conntrackd, $tag: VPN connection broken (last data ${x} s after the failure, none in the ${CT_BREAK} s after the VPN was back: $(e2e_other "$old") drops its segments as INVALID)"
		else
			rst=; grep -q " end 203\.0\.113\.10:$CT_NAT_SPORT " "$(ct_log inet ct-server.log)" && rst=", reset at $CT_INET"
			lab_result "ct_${tag}_nat_broken" 1
			read -r n _ _ _ _ <<<"$(ct_state "$CT_VPN_LOG" "$th")"
			if [ "$n" = 0 ]; then vpn="broken too (no data)"; else vpn="moving again"; fi
			lab_result "ct_${tag}_vpn_moving" "$([ "$n" = 0 ] && echo 0 || echo 1)"
			ct_proof "without conntrackd, $tag: NATed connection broken (last data ${x} s after the failure, none in the ${CT_BREAK} s after the VPN was back$rst); VPN connection $vpn"
		fi
		step "$tag: conntrackd enabled again, fresh connections"
		lab_exec "$old" crm_resource -r "$CT_CLONE" --meta -d target-role >/dev/null || lab_fail "$tag: enable $CT_CLONE"
		ct_streams
		return 0
	fi
	lab_wait "$CT_WAIT" 0.5 ct_moving "$CT_VPN_LOG" "$t0" ||
		{ tail -n 5 "$CT_VPN_LOG"; lab_fail "$tag: the VPN connection did not survive (no data $CT_WAIT s after the failure)"; }
	read -r n r vpn b l <<<"$(ct_state "$CT_VPN_LOG" "$t0")"
	lab_result "ct_${tag}_vpn_stall_ms" "$vpn"
	if [ "$CT_NAT" = 0 ]; then
		ct_proof "conntrackd, $tag: the VPN connection survived, the same one; stalled $((vpn / 100 / 10)).$((vpn / 100 % 10)) s"
		return 0
	fi
	lab_wait "$CT_WAIT" 0.5 ct_moving "$CT_NAT_LOG" "$t0" ||
		{ tail -n 5 "$CT_NAT_LOG"; lab_fail "$tag: the NATed connection did not survive (no data $CT_WAIT s after the failure)"; }
	read -r n r nat b l <<<"$(ct_state "$CT_NAT_LOG" "$t0")"
	lab_result "ct_${tag}_nat_stall_ms" "$nat"
	ct_proof "conntrackd, $tag: both connections survived, the same ones; stalled NAT $((nat / 100 / 10)).$((nat / 100 % 10)) s, VPN $((vpn / 100 / 10)).$((vpn / 100 % 10)) s"
}

# ct_summary: one line per proof (make demo prints them)
ct_summary() {
	[ "$CT_ON" = 1 ] || return 0
	printf 'proof: %s\n' "${CT_PROOFS[@]}" | tee "$RES/proofs-conntrack.txt"
	cp "$RES/proofs-conntrack.txt" "$LAB_OUT/proofs-conntrack.txt"
}
