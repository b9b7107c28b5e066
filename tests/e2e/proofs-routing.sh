# shellcheck shell=bash
# vpnha e2e (issue 18, part A), sourced by tests/e2e/demo.sh.
# What the one GRE-over-IPsec tunnel per site pair carries besides
# lan1 <-> lan2, proven in the e2e lab boot:
#
#  - many subnets, one tunnel: site 1 has 4 LAN prefixes (10.1.0.0/24 and
#    10.1.1-3.0/24 behind lan1, its LAN router), site 2 has 2 (10.2.0.0/24,
#    10.2.1.0/24 behind lan2); the gateways announce them by BGP
#    (examples/frr/siteN-extra.conf); all 8 pairs reach each other through the
#    one gre1, whose traffic is protected by one CHILD_SA (one pair of GRE
#    policies, whatever the number of subnets);
#  - IPv6 over the same tunnel: fd00:1::/64 and fd00:2::/64 on the LANs, the
#    LAN's IPv6 gateway a VIP of the group (vpn-int-vip6), the routes carried
#    by the same iBGP session (ipv6-unicast), gre1 without a link-local
#    address (addr_gen_mode none: nothing IPv6 enters the tunnel by itself);
#  - multicast: a sender on lan1 (239.1.1.1) reaches a receiver on lan2 (IGMP
#    join), routed by FRR's pimd (PIM-SM on gre1 and int0, static RP = site
#    1's LAN VIP);
#  - OSPF: an ospfd adjacency over gre1 reaches Full (a test only: ospfd is
#    started on the two active gateways for it, and stopped after).
# Each proof is run before the failovers and after them (routing_proofs
# before|after; OSPF before only) and fails the test when broken.
#
# Both layouts.  Takeover: one gre1 per site pair, the extra configuration is
# examples/frr/siteN-extra.conf.  Routed: every gateway has a tunnel to each
# gateway of the other site (gre-LOCAL-REMOTE), its extra configuration is
# printed by examples/frr/routed-extra.sh (the same prefixes, an IPv6 /64 per
# tunnel, PIM on every tunnel and on the LAN with the PRIMARY as DR); the
# proofs run between the two gateways that hold the LAN VIPs, whose traffic
# takes the tunnel between them (MED 0 both ways), and count every tunnel of
# the site-1 gateway.  routed-lan (lan1/lan2 are BGP routers themselves) is
# not covered: it prints so.
#
# Only with LAB_E2E_ROUTING=1 in the environment: tests/e2e/e2e.test,
# e2e-routed.test and `make demo` set it unless it is 0; otherwise every hook
# below returns 0 at once and the lab is built and run exactly as without
# this file (no extra FRR daemons, configuration or addresses;
# tests/e2e/pcs-offline adds vpn-int-vip6 and the BGP address families only
# with LAB_E2E_ROUTING=1 too).

MC_GROUP=239.1.1.1 MC_PORT=5001

# routing_on: LAB_E2E_ROUTING=1, in a layout the proofs cover
routing_on() { [ "${LAB_E2E_ROUTING:-0}" = 1 ] && [ "$LAYOUT" != routed-lan ]; }

# routing_configs EXAMPLES_DIR: the site's extra FRR configuration appended to
# every gateway's frr.conf (what an admin appends), and the daemons it needs
routing_configs() {
	local ex=$1 h n k x
	routing_on || return 0
	for h in $E2E_GWS; do
		e2e_gw "$h" || return 1
		if [ "$LAYOUT" = takeover ]; then
			cat "$ex/frr/$E2E_SITE-extra.conf" >>"$LAB_STATE/e2e-configs/frr-$h.conf" || return 1
			continue
		fi
		# routed: the same values, as SITE-routed.env's optional settings
		n=${E2E_SITE#site} x=
		for k in $(routing_subnets "$n"); do x+=" 10.$n.$k.0/24"; done
		LAN_PREFIX6=fd00:$n::/64 EXTRA_PREFIXES=${x# } EXTRA_VIA=10.$n.0.100 MCAST_RP=10.1.0.1 \
			"$ex/frr/routed-extra.sh" "$ex/$E2E_SITE-routed.env" "$h" >>"$LAB_STATE/e2e-configs/frr-$h.conf" || return 1
	done
	# shellcheck disable=SC2034 # read by topology.sh's e2e_daemons
	E2E_FRR_DAEMONS="zebra bgpd staticd pimd"
}

# routing_topology: IPv6 on the gateways' LAN side and on the tunnel (not on
# the internet side), IPv6 and the extra subnets on lan1/lan2 (recorded: a
# crashed gateway gets them back from lab_restore).
routing_topology() {
	local h n k
	routing_on || return 0
	for h in $E2E_GWS; do
		e2e_gw "$h" || return 1
		n=${E2E_SITE#site}
		# topology.sh turned IPv6 off everywhere; back on for int0 and the
		# interfaces made later (gre1), which get no link-local address
		# (addr_gen_mode 1 = none): no RS/MLD/DAD from fe80:: into the tunnel
		lab_sysctl "$h" net.ipv6.conf.default.addr_gen_mode=1 net.ipv6.conf.default.disable_ipv6=0 \
			net.ipv6.conf.lo.disable_ipv6=0 net.ipv6.conf.int0.disable_ipv6=0 || return 1
		lab_ip "$h" addr add "fd00:$n::${E2E_INT##*.}/64" dev int0 nodad || return 1
	done
	for n in 1 2; do
		lab_ip "lan$n" addr add "fd00:$n::100/64" dev eth0 nodad || return 1
		lab_ip "lan$n" -6 route add default via "fd00:$n::1" dev eth0 || return 1
		lab_ip "lan$n" link add sub0 type dummy || return 1
		lab_ip "lan$n" link set sub0 up || return 1
		for k in $(routing_subnets "$n"); do lab_ip "lan$n" addr add "10.$n.$k.100/24" dev sub0 || return 1; done
	done
}
# routing_subnets N: the third octets of site N's extra subnets (behind lanN)
routing_subnets() { if [ "$1" = 1 ]; then echo 1 2 3; else echo 1; fi; }

# gre_tx HOST: packets sent by HOST's tunnels (gre1, or every gre-*: routed),
# from /proc: no nsenter
gre_tx() { awk '$1 ~ /^gre(1|-.*):$/ { n += $11 } END { print n + 0 }' "/proc/$(lab_pid "$1")/net/dev"; }
# gre_ifs HOST: sets IFS_GRE to HOST's tunnels (the agent's links, not gre0)
gre_ifs() {
	local l
	IFS_GRE=()
	while read -r l _; do [[ $l =~ ^(gre(1|-.*)):$ ]] && IFS_GRE+=("${BASH_REMATCH[1]}"); done <"/proc/$(lab_pid "$1")/net/dev"
}
# tun_if HOST OTHER: the tunnel from HOST to OTHER (gre1, or gre-HOST-OTHER)
tun_if() { if [ "$LAYOUT" = takeover ]; then echo gre1; else echo "gre-$1-$2"; fi; }

# routes_learned HOST FAMILY PREFIX...: every PREFIX is in HOST's kernel, learned by BGP
routes_learned() {
	local h=$1 f=$2 p; shift 2
	for p in "$@"; do [ -n "$(ip -n "$h" "$f" route show "$p" proto bgp)" ] || return 1; done
}

# routing_dump: the routing state of both active gateways (on a failure)
routing_dump() {
	local h
	for h in $RG1 $RG2; do
		lab_log "$h:"
		ip -n "$h" route show proto bgp; ip -n "$h" -6 route show proto bgp; ip -n "$h" addr show type gre
		lab_vtysh "$h" -c 'show bgp summary' -c 'show ip pim neighbor' -c 'show ip pim rp-info' \
			-c 'show ip igmp groups' -c 'show ip mroute' 2>&1 | sed 's/^/    /'
	done
}

# proof_subnets PHASE: 4 x 2 subnet pairs through the one tunnel and SA
proof_subnets() {
	local ph=$1 s d k pids=() pairs=() i ok=0 bad='' tx0 tx1 pol sas t
	lab_wait 60 0.5 routes_learned "$RG2" -4 10.1.0.0/24 10.1.1.0/24 10.1.2.0/24 10.1.3.0/24 &&
		lab_wait 60 0.5 routes_learned "$RG1" -4 10.2.0.0/24 10.2.1.0/24 ||
		{ routing_dump; lab_fail "subnets ($ph): the 6 LAN prefixes not all learned by BGP"; }
	tx0=$(gre_tx "$RG1")
	for k in 0 $(routing_subnets 1); do
		for d in 0 $(routing_subnets 2); do
			s=10.1.$k.100; pairs+=("$s->10.2.$d.100")
			lab_exec lan1 ping -c 3 -i 0.2 -W 2 -q -I "$s" "10.2.$d.100" >/dev/null 2>&1 & pids+=($!)
		done
	done
	for i in "${!pids[@]}"; do
		if wait "${pids[$i]}"; then ok=$((ok + 1)); else bad+=" ${pairs[$i]}"; fi
	done
	tx1=$(gre_tx "$RG1")
	# the GRE policies on the active site-1 gateway: one outbound (proto gre)
	# per tunnel, whatever the number of subnets (ipsec-conn's fail-closed
	# block policy and charon's socket bypasses aside)
	pol=$(ip -n "$RG1" xfrm policy | awk '
		function flush() { if (p ~ /dir out/ && p !~ /action block/ && p !~ /socket/) { n++; if (p ~ /proto gre/) g++ } p = "" }
		/^src/ { flush(); p = $0; next } { p = p " " $0 } END { flush(); print n + 0, g + 0 }')
	sas=$(ip -n "$RG1" xfrm state | grep -c '^src 203\.0\.113\.[12][0-9] dst 203\.0\.113\.[12][0-9]')
	gre_ifs "$RG1"; t=${#IFS_GRE[@]}
	lab_result "routing_subnet_pairs_ok_$ph" "$ok"
	lab_result "routing_subnet_gre_tx_$ph" "$((tx1 - tx0))"
	lab_result "routing_subnet_esp_sas_$ph" "$sas"
	[ "$ok" = 8 ] || { routing_dump; lab_fail "subnets ($ph): $ok of 8 subnet pairs answered; failed:$bad"; }
	[ "$((tx1 - tx0))" -ge 24 ] || lab_fail "subnets ($ph): the tunnels of $RG1 sent $((tx1 - tx0)) packets for 8 x 3 pings"
	[ "$t" -ge 1 ] && [ "$pol" = "$t $t" ] ||
		{ ip -n "$RG1" xfrm policy; lab_fail "subnets ($ph): $RG1 has $t tunnels and outbound policies '$pol' (want one GRE policy per tunnel)"; }
	t=$(tun_if "$RG1" "$RG2")
	ip -n "$RG1" route show 10.2.1.0/24 | grep -q "dev $t " ||
		{ routing_dump; lab_fail "subnets ($ph): $RG1's route to 10.2.1.0/24 is not through $t"; }
	lab_log "proof ok: many subnets, one tunnel ($ph): 8 of 8 subnet pairs (4 x 2 prefixes, learned by BGP) through $t ($RG1 -> $RG2), one GRE policy per tunnel (${IFS_GRE[*]}), $sas ESP SAs on $RG1"
}

# proof_ipv6 PHASE: IPv6 both ways between the LANs, routes by BGP ipv6-unicast
proof_ipv6() {
	local ph=$1 h tx0 tx1 r
	lab_wait 60 0.5 routes_learned "$RG1" -6 fd00:2::/64 && lab_wait 60 0.5 routes_learned "$RG2" -6 fd00:1::/64 ||
		{ routing_dump; lab_fail "ipv6 ($ph): the LAN prefixes not learned by BGP (ipv6-unicast)"; }
	for h in $RG1 $RG2; do
		[ -z "$(ip -n "$h" -6 addr show type gre scope link)" ] ||
			{ ip -n "$h" -6 addr show type gre; lab_fail "ipv6 ($ph): a tunnel of $h has a link-local address"; }
	done
	tx0=$(gre_tx "$RG1")
	# the first packet may wait for neighbor discovery of the LAN VIP
	lab_wait 20 0.5 lab_exec lan1 ping -6 -c 1 -W 1 -q fd00:2::100 >/dev/null 2>&1 ||
		{ routing_dump; lab_fail "ipv6 ($ph): no answer lan1 -> lan2 (fd00:2::100)"; }
	r=$(lab_exec lan1 ping -6 -c 10 -i 0.1 -W 2 -q fd00:2::100 | sed -n 's/.* \([0-9]*\) received.*/\1/p')
	lab_exec lan2 ping -6 -c 3 -i 0.2 -W 2 -q fd00:1::100 >/dev/null 2>&1 ||
		{ routing_dump; lab_fail "ipv6 ($ph): no answer lan2 -> lan1 (fd00:1::100)"; }
	tx1=$(gre_tx "$RG1")
	lab_result "routing_ipv6_replies_$ph" "${r:-0}"
	[ "${r:-0}" -ge 9 ] || lab_fail "ipv6 ($ph): ${r:-0} of 10 replies lan1 -> lan2"
	[ "$((tx1 - tx0))" -ge 10 ] || lab_fail "ipv6 ($ph): the tunnels of $RG1 sent only $((tx1 - tx0)) packets"
	lab_log "proof ok: IPv6 over the same tunnel ($ph): fd00:1::/64 <-> fd00:2::/64 by BGP ipv6-unicast through $(tun_if "$RG1" "$RG2"), $r of 10 replies, no link-local on the tunnels"
}

# proof_multicast PHASE: lan1 -> 239.1.1.1 -> lan2 through the tunnel (pimd)
proof_multicast() {
	local ph=$1 out rpid n src
	out=$RES/mcast-$ph.txt; : >"$out"
	lab_exec lan2 python3 "$E2E/mcast.py" recv "$MC_GROUP" "$MC_PORT" 10.2.0.100 30 >"$out" 2>&1 & rpid=$!
	lab_wait 20 0.2 grep -q '^joined' "$out" || { cat "$out"; lab_fail "multicast ($ph): the receiver on lan2 did not start"; }
	# the IGMP report reaches lan2's gateway, its join the RP: a moment
	lab_sleep 1
	lab_exec lan1 python3 "$E2E/mcast.py" send "$MC_GROUP" "$MC_PORT" 10.1.0.100 5 8 >"$RES/mcast-send-$ph.txt" 2>&1 ||
		lab_fail "multicast ($ph): the sender on lan1 failed"
	wait "$rpid"
	read -r n src <<<"$(sed -n 's/^received \([0-9]*\) from \(.*\)/\1 \2/p' "$out")"
	lab_result "routing_multicast_received_$ph" "${n:-0}"
	lab_log "multicast ($ph): $(<"$RES/mcast-send-$ph.txt") by lan1, $(<"$out") at lan2"
	[[ ${n:-0} =~ ^[0-9]+$ && $n -ge 25 && $src == 10.1.0.100 ]] ||
		{ routing_dump; lab_fail "multicast ($ph): lan2 received ${n:-0} of ~50 datagrams (want >= 25 from 10.1.0.100)"; }
	lab_log "proof ok: multicast across the VPN ($ph): $n of ~50 datagrams 10.1.0.100 -> $MC_GROUP reached lan2 (PIM-SM over the GRE tunnels, RP 10.1.0.1)"
}

# ospf_full HOST: HOST's ospfd has a Full adjacency
ospf_full() { lab_vtysh "$1" -c 'show ip ospf neighbor' 2>/dev/null | grep -q 'Full'; }

# proof_ospf: ospfd on both active gateways, area 0 on the tunnel between
# them, until Full; then stopped
proof_ospf() {
	local h o p t0 rc=0 ifc net
	for h in $RG1 $RG2; do
		o=$RG2; [ "$h" = "$RG1" ] || o=$RG1
		ifc=$(tun_if "$h" "$o")
		# the tunnel's /30 (its network address: the inner address & ~3)
		net=$(ip -n "$h" -4 -o addr show dev "$ifc" | awk '{ print $4; exit }')
		[[ $net =~ ^([0-9]+\.[0-9]+\.[0-9]+\.)([0-9]+)/30$ ]] || lab_fail "ospf: no /30 on $h's $ifc"
		net=${BASH_REMATCH[1]}$((BASH_REMATCH[2] & ~3))/30
		p=$(lab_pid "$h") && e2e_gw "$h" || return 1
		lab_exec "$h" /usr/lib/frr/ospfd -d -F traditional -P 0 -u frr -g frr -i /run/frr/ospfd.pid \
			-f /dev/null --log file:/var/log/frr/ospfd.log >>"$RES/ospf.log" 2>&1 || lab_fail "ospf: ospfd on $h"
		lab_wait 20 0.1 test -S "/proc/$p/root/run/frr/ospfd.vty" || lab_fail "ospf: no ospfd vty on $h"
		lab_vtysh "$h" -c 'configure terminal' -c 'router ospf' -c "ospf router-id $E2E_INT" \
			-c "network $net area 0" -c 'exit' -c "interface $ifc" -c 'ip ospf network point-to-point' \
			-c 'ip ospf hello-interval 1' -c 'ip ospf dead-interval 4' >>"$RES/ospf.log" 2>&1 || lab_fail "ospf: configure $h"
	done
	t0=$EPOCHREALTIME
	lab_wait 60 0.5 ospf_full "$RG1" && lab_wait 30 0.5 ospf_full "$RG2" || rc=1
	t0=$(lab__elapsed "$t0")
	lab_result routing_ospf_full_s "$t0"
	for h in $RG1 $RG2; do lab_vtysh "$h" -c 'show ip ospf neighbor' 2>&1 | sed "s/^/    $h: /"; done
	# stop ospfd again (a test, not part of the configuration)
	for h in $RG1 $RG2; do
		p=$(lab_pid "$h")
		lab_exec "$h" kill "$(<"/proc/$p/root/run/frr/ospfd.pid")"
	done
	ifc=$(tun_if "$RG1" "$RG2")
	[ $rc = 0 ] || lab_fail "ospf: no Full adjacency over $ifc between $RG1 and $RG2"
	lab_log "proof ok: OSPF over the GRE tunnel: $RG1 <-> $RG2 Full in $t0 s (ospfd, area 0 on $ifc; stopped again)"
}

# routing_proofs before|after: the proofs, on the gateways that hold the VIPs now
routing_proofs() {
	local ph=$1
	if [ "$LAYOUT" = routed-lan ] && [ "${LAB_E2E_ROUTING:-0}" = 1 ]; then
		lab_log "proofs (issue 18: subnets, IPv6, multicast, OSPF): not covered in the routed-lan layout (takeover and routed only)"
		return 0
	fi
	routing_on || return 0
	step "proofs ($ph the failovers): many subnets, IPv6, multicast$([ "$ph" = before ] && echo ", OSPF") across the one tunnel$([ "$LAYOUT" = takeover ] || echo " per gateway pair")"
	holder site1 || lab_fail "proofs: no site-1 gateway holds the VIP"
	RG1=$HOLDER
	holder site2 || lab_fail "proofs: no site-2 gateway holds the VIP"
	RG2=$HOLDER
	lab_log "proofs ($ph): active gateways $RG1 and $RG2"
	proof_subnets "$ph"
	proof_ipv6 "$ph"
	proof_multicast "$ph"
	[ "$ph" != before ] || proof_ospf
}
