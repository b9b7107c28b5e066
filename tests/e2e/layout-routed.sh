# vpnha e2e: the ROUTED layout (examples/siteN-routed.env, issue 15), sourced by
# tests/e2e/demo.sh --layout routed|routed-lan.  shellcheck shell=bash
#
# Same hosts and cables as the takeover layout (tests/e2e/topology.sh), but no
# public VIP: each gateway keeps IPsec + GRE + eBGP (BFD) to both gateways of
# the other site up all the time (4 tunnels), iBGP (BFD) with its partner over
# the LAN; only the LAN VIP 10.N.0.1 moves.  Inner /30s: 172.16.0.0 (gw1a-gw2a),
# .4 (gw1a-gw2b), .8 (gw1b-gw2a), .12 (gw1b-gw2b).

# BFD in the lab: 150 ms x 4 (the examples: 100 ms x 3).  Inside UML, with
# Pacemaker and the lab's programs on one vCPU, bgpd/bfdd were starved for
# seconds ("STARVATION: task _bfd_sess_send ran for 6198ms"): FRR runs at
# nice -15 (lab_frr_start), and a slightly longer detection time keeps false
# BFD downs away.  LAB_E2E_BFD="INTERVAL MULTIPLIER" overrides it: make check
# (tests/e2e/e2e-routed.test) runs 300 x 5, because a slower CI machine starves
# the lab's one vCPU for longer than 600 ms and false BFD downs reset the
# sessions that carry the probe; make demo / demo-bench keep 150 x 4.
read -r bfd_iv bfd_mult <<<"${LAB_E2E_BFD:-150 4}"
[[ $bfd_iv =~ ^[0-9]+$ && $bfd_mult =~ ^[0-9]+$ ]] || { echo "bad LAB_E2E_BFD '$LAB_E2E_BFD'" >&2; exit 2; }
ROUTED_BFD=(BFD_INTERVAL="$bfd_iv" BFD_MULTIPLIER="$bfd_mult")
export LAB_FRR_NICE=-15

# env_get FILE KEY: sets ENVV to KEY's value in a siteN-routed.env (no fork)
env_get() {
	local line re="^$2=(\"([^\"]*)\"|([^[:space:]#]*))"
	ENVV=
	while IFS= read -r line; do
		[[ $line =~ $re ]] && { ENVV=${BASH_REMATCH[2]}${BASH_REMATCH[3]}; return 0; }
	done <"$1"
	return 1
}
routed_env() { echo "$EX/$1-routed.env"; }
# routed_primary SITE: sets PRIMARY (from the site's env file)
routed_primary() { env_get "$EX/$1-routed.env" PRIMARY && PRIMARY=$ENVV; }

# routed_configs EXAMPLES_DIR: each gateway's frr.conf from frr-routed.conf.in
# (MED 0 on the site's primary, SECONDARY_MED on the other)
routed_configs() {
	local ex=$1 h s o med env
	for h in $E2E_GWS; do
		s=$(e2e_site_of "$h"); o=$(e2e_other "$h"); env=$ex/$s-routed.env
		routed_primary "$s" || return 1
		env_get "$env" SECONDARY_MED || return 1
		med=$ENVV; [ "$h" = "$PRIMARY" ] && med=0
		"$ex/render" "$ex/frr/frr-routed.conf.in" "$env" HOSTNAME="$h" ROUTER_ID="$(e2e_int_addr "$h")" \
			PARTNER_ADDR="$(e2e_int_addr "$o")" MED="$med" "${ROUTED_BFD[@]}" \
			>"$LAB_STATE/e2e-configs/frr-$h.conf" || return 1
	done
}

# routed_daemons HOST: charon and FRR with bfdd (and what the proofs add)
routed_daemons() {
	lab_charon_start "$1" || return 1
	# shellcheck disable=SC2086 # E2E_FRR_DAEMONS: a list (proofs-routing.sh adds staticd, pimd)
	lab_frr_start "$1" "$LAB_STATE/e2e-configs/frr-$1.conf" ${E2E_FRR_DAEMONS:-zebra bgpd} bfdd || return 1
	# proofs-conntrack.sh (when sourced): conntrackd.conf, the firewall
	! declare -F ct_gateway >/dev/null || ct_gateway "$1"
}

# routed_sessions HOST: sets UP to the number of BGP neighbors whose last
# %ADJCHANGE in HOST's FRR log is Up (read with mapfile: no fork)
routed_sessions() {
	local -a l; local x n; local -A st=()
	UP=0
	mapfile -t l <"$LAB_HOSTS/$1/var/log/frr/frr.log" 2>/dev/null || return 1
	for x in "${l[@]}"; do
		[[ $x =~ %ADJCHANGE:\ neighbor\ ([0-9.]+).*\ (Up|Down) ]] || continue
		st[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	done
	for n in "${!st[@]}"; do [ "${st[$n]}" = Up ] && UP=$((UP + 1)); done
	return 0
}
# routed_neighbors HOST: sets NB to HOST's BGP neighbors (hosts): the other
# site's two gateways and the partner; with LAN routers also the site's router;
# a LAN router's: the site's two gateways
routed_neighbors() {
	local n=${1:2:1} o
	case $1 in
	lan*) NB="gw${n}a gw${n}b" ;;
	gw*) o=$((3 - n)); NB="gw${o}a gw${o}b $(e2e_other "$1")"
		[ "$LAYOUT" != routed-lan ] || NB+=" lan$n" ;;
	esac
}
# routed_all_up: every live router has a session up with each live neighbor
routed_all_up() {
	local h x want hosts=$E2E_GWS
	[ "$LAYOUT" != routed-lan ] || hosts+=" lan1 lan2"
	for h in $hosts; do
		pid_of "$h" || continue
		routed_neighbors "$h"; want=0
		for x in $NB; do pid_of "$x" && want=$((want + 1)); done
		routed_sessions "$h" && [ "$UP" -ge "$want" ] || return 1
	done
}

# routed_lan_setup EXAMPLES_DIR (routed-lan): lan1/lan2 become the sites' LAN
# routers (FRR, BGP+BFD to both gateways, no default route: they learn the
# other site's LAN); each gateway's frr.conf gets frr-routed-lan.conf.in
# (local-pref 200 from the primary, 100 from the other).
routed_lan_setup() {
	local ex=$1 h s n env lp
	for h in $E2E_GWS; do
		s=$(e2e_site_of "$h"); env=$ex/$s-routed.env
		routed_primary "$s" || return 1
		lp=100; [ "$h" = "$PRIMARY" ] && lp=200
		"$ex/render" "$ex/frr/frr-routed-lan.conf.in" "$env" LOCAL_PREF="$lp" \
			>>"$LAB_STATE/e2e-configs/frr-$h.conf" || return 1
	done
	for n in 1 2; do
		"$ex/render" "$ex/frr/frr-lan-router.conf.in" "$ex/site$n-routed.env" HOSTNAME="lan$n" \
			GW1_ADDR="$(e2e_int_addr "gw${n}a")" GW2_ADDR="$(e2e_int_addr "gw${n}b")" "${ROUTED_BFD[@]}" \
			>"$LAB_STATE/e2e-configs/frr-lan$n.conf" || return 1
		lab_ip "lan$n" route del default || return 1
		lab_sysctl "lan$n" net.ipv4.ip_forward=1 || return 1
	done
}
routed_lan_daemons() { lab_frr_start "$1" "$LAB_STATE/e2e-configs/frr-$1.conf" zebra bgpd bfdd; }

# routed_show: what an admin would look at on every gateway (and LAN router)
routed_show() {
	local h out hosts=$E2E_GWS
	[ "$LAYOUT" != routed-lan ] || hosts+=" lan1 lan2"
	for h in $hosts; do
		pid_of "$h" || { lab_log "$h: down"; continue; }
		lab_log "$h:"
		# one vtysh for both (each start costs seconds on a slow CI machine)
		out=$(lab_vtysh "$h" -c 'show bgp summary' -c 'show bfd peers brief' 2>/dev/null)
		# (the BFD part starts at 'Session count:')
		echo "    BGP:"; sed '/^Session count/,$d' <<<"$out" | grep -E '^Neighbor|^1[07]' | sed 's/^/      /'
		echo "    BFD peers up: $(sed -n '/^Session count/,$p' <<<"$out" | grep -c ' up ')"
		echo "    routes to the other LAN:"; ip -n "$h" route show proto bgp | sed 's/^/      /'
		echo "    ESP SAs: $(ip -n "$h" xfrm state | grep -c '^src')"
	done
	for s in $E2E_SITES; do lab_exec "$(live_node "$s")" crm_mon -1 -r 2>/dev/null | sed -n '/Full List of Resources/,$p' | sed 's/^/    /'; done
}

# routed_gave_up_clean OLD: a gateway whose tunnel groups stopped (link cut,
# standby) keeps none of them: no LAN VIP, no gre-* link, no ESP SA, no BGP
# neighbor but its partner, no route into a tunnel.  Its stops run after the
# failover (they are not on the traffic's path): waited for up to 60 s.
routed_clean_once() {
	local h=$1 n x
	n=$(e2e_n "$h")
	x=$(ip -n "$h" -4 -o addr show | grep -F " 10.$n.0.1/") && { REASON="LAN VIP: $x"; return 1; }
	x=$(ip -n "$h" -o link show type gre | grep -o 'gre-[^:@]*') && { REASON="links: $x"; return 1; }
	x=$(ip -n "$h" xfrm state | grep -c '^src') && [ "$x" != 0 ] && { REASON="$x ESP SAs"; return 1; }
	x=$(lab_vtysh "$h" -c 'show running-config' 2>/dev/null | grep -E '^ neighbor 172\.16\.' ) &&
		{ REASON="BGP neighbors: $x"; return 1; }
	x=$(ip -n "$h" route show | grep -E 'dev gre-') && { REASON="routes: $x"; return 1; }
	return 0
}
routed_gave_up_clean() {
	REASON=
	lab_wait 60 1 routed_clean_once "$1" && return 0
	lab_log "$1 still has $REASON"
	return 1
}
