# shellcheck shell=bash
# shellcheck disable=SC2317 # functions called indirectly: status_$phase, lab_wait CHECK
# vpnha e2e: `vpnha status` against the truth (issue 17), sourced by
# tests/e2e/demo.sh; the hooks run in the e2e test's own lab boot (no boot of
# its own: tests/e2e/e2e.test sets LAB_E2E_STATUS=1).  On every gateway of both
# sites, `vpnha status --json` is compared with what the kernel and FRR say
# directly:
#  - every INSTALLED CHILD_SA's two SPIs are in `ip -n HOST xfrm state`, and
#    every ESP SPI there belongs to a reported CHILD_SA;
#  - every BGP session's state and received prefixes equal
#    `vtysh -c 'show bgp summary json'` (state, pfxRcd summed over the AFs);
#  - every link and GRE tunnel is "up" exactly when `ip -n HOST link` shows it
#    UP and LOWER_UP; every VIP reported up is on the host (`ip -n HOST addr`);
#  - both gateways list both gateways online (a gateway that is off: lost),
#    and exactly the VIP holder (demo.sh's holder, read from the host's
#    addresses) is "active";
#  - the exit code is 0 or 1 (never 2: the VPN is up; never 3).
# The hooks (status_proofs PHASE ...; each returns at once without
# LAB_E2E_STATUS=1):
#  before              after the demo's first traffic: every gateway agrees;
#  failover TAG SITE   after the first failover that leaves both gateways up
#                      (and its repair): every gateway agrees, and the last
#                      failover names today's holder;
#  lost SURV GONE T0   GONE is powered off (a crash, fenced): SURV shows it
#                      "lost" since T0 or later, exits 1 (degraded), and still
#                      agrees with its own truth;
#  back SURV GONE      GONE powered on again and rejoined: SURV shows it online;
#  end                 RESULT lines; fails when any comparison failed, or when
#                      a phase did not run.
# Each comparison is retried for up to STATUS_WAIT s (default 30: the daemons
# report every 5 s).  vpnha-statusd and vpnha are installed next to the
# agents ($LAB_AGENTS, lab_install_build_agents), where mii-link finds the
# daemon, when this file is sourced.  The comparisons are lib.sh's assertions
# (lab_ok/lab_notok): demo.sh and the scenarios assert nothing else through
# them, so LAB_PASS/LAB_FAILED are the status proofs' counts.
STATUS_ON=${LAB_E2E_STATUS:-0}
STATUS_AG=$LAB_AGENTS
if [ "$STATUS_ON" = 1 ]; then
	lab_install_build_agents vpnha-statusd cli/vpnha || exit 1
fi

STATUS_SW=${STATUS_WAIT:-30}
SRES=$LAB_OUT/e2e/status # in demo.sh's results directory

# status_get HOST TAG: `vpnha status --json` on HOST into $SRES/TAG-HOST.json; STATUS_RC
status_get() {
	STATUS_JSON=$SRES/$2-$1.json
	lab_exec "$1" "$STATUS_AG/vpnha" status --json >"$STATUS_JSON" 2>"$SRES/$2-$1.err"
	STATUS_RC=$?
}

# the node's own entry in a status document: jq filter prefix
me() { printf '.nodes[] | select(.name == "%s")' "$1"; }

# check_xfrm HOST JSON: reported SPIs = the kernel's ESP SPIs (installed SAs only)
check_xfrm() {
	local h=$1 j=$2 rep kern
	rep=$(jq -r --arg n "$h" '.nodes[] | select(.name == $n) | .ipsec[] | select(.state == "INSTALLED") |
		.spi_in, .spi_out' "$j" | sort -u)
	kern=$(ip -n "$h" xfrm state | sed -n 's/.*proto esp spi 0x\([0-9a-f]*\).*/\1/p' |
		while read -r s; do printf '%08x\n' "0x$s"; done | sort -u)
	[ "$rep" = "$kern" ] && return 0
	WHY="xfrm: reported SPIs [$(echo "$rep" | tr '\n' ' ')] kernel [$(echo "$kern" | tr '\n' ' ')]"
	return 1
}

# check_bgp HOST JSON: every reported session as `show bgp summary json` says
check_bgp() {
	local h=$1 j=$2 sum nb st pfx want
	sum=$(lab_vtysh "$h" -c 'show bgp summary json' 2>/dev/null) || sum='{}'
	while IFS=$'\t' read -r nb st pfx; do
		[ -n "$nb" ] || continue
		want=$(jq -r --arg p "$nb" '[.[] | objects | .peers? // {} | .[$p] // empty] |
			if length == 0 then "none 0" else "\(.[0].state) \(map(.pfxRcd // 0) | add)" end' <<<"$sum")
		[ "$st $pfx" = "$want" ] || { WHY="bgp $nb: reported '$st $pfx', vtysh '$want'"; return 1; }
	done < <(jq -r --arg n "$h" '.nodes[] | select(.name == $n) | .bgp[] |
		[.neighbor, .state, .prefixes_received] | @tsv' "$j")
	return 0
}

# link_truth HOST IFACE: up when UP and LOWER_UP, down otherwise (absent too)
link_truth() {
	local flags
	flags=$(ip -n "$1" -o link show dev "$2" 2>/dev/null | sed -n 's/^[0-9]*: [^<]*<\([^>]*\)>.*/\1/p')
	case ",$flags," in
	*,UP,*LOWER_UP,* | *,LOWER_UP,*UP,*) echo up ;;
	*) echo down ;;
	esac
}

# check_links HOST JSON: links, GRE tunnels, VIPs as `ip -n HOST` shows them
check_links() {
	local h=$1 j=$2 name st a
	while IFS=$'\t' read -r name st; do
		[ -n "$name" ] || continue
		[ "$st" = "$(link_truth "$h" "$name")" ] || { WHY="link $name: reported $st, ip link $(link_truth "$h" "$name")"; return 1; }
	done < <(jq -r --arg n "$h" '.nodes[] | select(.name == $n) | (.links[], .gre[] | [.name // .ifname, .state]) | @tsv' "$j")
	while IFS=$'\t' read -r a st; do
		[ -n "$a" ] || continue
		if ip -n "$h" -o addr show | grep -qF " ${a%/*}/"; then
			[ "$st" = up ] || { WHY="VIP $a is on $h, reported $st"; return 1; }
		else
			[ "$st" != up ] || { WHY="VIP $a reported up, not on $h"; return 1; }
		fi
	done < <(jq -r --arg n "$h" '.nodes[] | select(.name == $n) | .vips[] | [.address, .state] | @tsv' "$j")
	return 0
}

# check_site_view HOST JSON SITE: both gateways online, exactly the holder active
check_site_view() {
	local h=$1 j=$2 site=$3 n want got
	holder "$site" || { WHY="nobody holds $site's VIP"; return 1; }
	for n in $(e2e_nodes "$site"); do
		if lab_alive "$n"; then
			want="online $([ "$n" = "$HOLDER" ] && echo true || echo false)"
		else
			want="lost false" # powered off: its last report is history
		fi
		got=$(jq -r --arg n "$n" '[.nodes[] | select(.name == $n)][0] // {} | "\(.state) \(.active)"' "$j")
		[ "$got" = "$want" ] || { WHY="$h's view of $n: '$got', want '$want'"; return 1; }
	done
	return 0
}

# agree HOST SITE TAG: one status read agrees with everything (WHY: the first difference)
agree() {
	local h=$1 site=$2 tag=$3
	status_get "$h" "$tag"
	WHY="exit $STATUS_RC: $(head -c 300 "$SRES/$tag-$h.err")"
	[ "$STATUS_RC" -le 1 ] || return 1
	check_site_view "$h" "$STATUS_JSON" "$site" && check_xfrm "$h" "$STATUS_JSON" &&
		check_bgp "$h" "$STATUS_JSON" && check_links "$h" "$STATUS_JSON"
}

# check_gateway HOST SITE TAG: agree within SW s (the daemons report every 5 s)
check_gateway() {
	local h=$1 site=$2 tag=$3 t0=$EPOCHREALTIME
	until agree "$h" "$site" "$tag"; do
		if awk -v a="$(lab_since "$t0")" -v b="$STATUS_SW" 'BEGIN{exit !(a > b)}'; then
			lab_notok "$tag: vpnha status on $h: $WHY (files in $SRES)"
			lab_exec "$h" "$STATUS_AG/vpnha" status >"$SRES/$tag-$h.txt" 2>&1
			return 1
		fi
		lab_sleep 1
	done
	lab_ok "$tag: vpnha status on $h agrees with ip xfrm/link/addr and vtysh (exit $STATUS_RC)"
	lab_exec "$h" "$STATUS_AG/vpnha" status >"$SRES/$tag-$h.txt" 2>&1
}

check_all() {
	local s h
	for s in $E2E_SITES; do
		for h in $(e2e_nodes "$s"); do
			lab_alive "$h" && check_gateway "$h" "$s" "$1"
		done
	done
}

# statusd_cpu HOST: sets TICKS to the CPU time (utime + stime, clock ticks) of
# HOST's vpnha-statusd (a measurement, printed as RESULT: no assertion)
statusd_cpu() {
	local p st
	TICKS=
	p=$(lab_exec "$1" pgrep -o -x vpnha-statusd) || return 1
	st=$(lab_exec "$1" cat "/proc/$p/stat") || return 1
	st=${st##*) }
	# shellcheck disable=SC2086 # split the stat fields
	set -- $st
	TICKS=$((${12} + ${13}))
}


STATUS_PHASES=
status_before() {
	mkdir -p "$SRES"
	step "status: vpnha status on every gateway against the truth"
	lab_now; cpu_t0=$LAB_NOW; statusd_cpu gw1a; cpu_c0=$TICKS
	lab_wait 180 0.5 links_up site1 || lab_fail "status: site1's links are not all reported up"
	lab_wait 300 0.5 ready || { show_state; lab_fail "status: groups not running or clusters not idle"; }
	check_all before
}

# after the first failover of a kind that leaves both gateways up, repaired
status_failover() {
	local site=$2 got
	[[ " $STATUS_PHASES " != *" failover "* ]] || return 0
	step "status: after $1"
	lab_wait 180 0.5 links_up "$site" || lab_fail "status: $site's links not up after the repair"
	check_all after-failover
	# the last failover names today's holder: the new one, or (routed: the VIP
	# prefers the site's primary) the old one again once its link was repaired
	holder "$site" || lab_fail "status: nobody holds $site's VIP after the repair"
	status_get "$HOLDER" last-failover
	got=$(jq -r '.last_failover | "\(.node) \(.change)"' "$STATUS_JSON")
	[ "$got" = "$HOLDER took_over" ] && lab_ok "after $1: the last failover is '$got'" ||
		lab_notok "after $1: the last failover is '$got', want '$HOLDER took_over'"
	# vpnha-statusd's CPU on gw1a from the first check to here (a failover
	# included), in UML, where every system call costs several times a real
	# kernel's: an upper bound (a measurement, no assertion)
	if statusd_cpu gw1a && [ -n "$cpu_c0" ] && [ "$TICKS" -ge "$cpu_c0" ]; then
		cpu_s=$(awk -v t="$((TICKS - cpu_c0))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
		cpu_pct=$(awk -v c="$cpu_s" -v e="$(lab_since "$cpu_t0")" 'BEGIN { printf "%.3f", 100 * c / e }')
		lab_log "vpnha-statusd on gw1a: ${cpu_s} s of CPU in $(lab_since "$cpu_t0") s (${cpu_pct} % of a core, in UML)"
		lab_result statusd_cpu_pct "$cpu_pct"
	fi
}

# GONE is off (crashed, fenced): SURV shows it lost since T0 or later
status_lost() {
	local act=$1 oth=$2 t_off=${3%.*} since
	step "status: $oth is off, $act must show it lost"
	lost_seen() {
		status_get "$act" partner-off
		[ "$(jq -r --arg n "$oth" '.nodes[] | select(.name == $n) | .state' "$STATUS_JSON")" = lost ]
	}
	if lab_wait 60 1 lost_seen; then
		since=$(jq -r --arg n "$oth" '.nodes[] | select(.name == $n) | .since' "$STATUS_JSON")
		[ "$since" -ge "$t_off" ] && lab_ok "$act shows $oth lost since $since (off at $t_off)" ||
			lab_notok "$act shows $oth lost since $since, before it went off at $t_off"
		[ "$STATUS_RC" -eq 1 ] && lab_ok "vpnha status exits 1 (degraded) with the partner lost" ||
			lab_notok "vpnha status exits $STATUS_RC with the partner lost, want 1"
	else
		lab_notok "$act does not show $oth lost within 60 s"
	fi
	lab_exec "$act" "$STATUS_AG/vpnha" status >"$SRES/partner-off-$act.txt" 2>&1
	agree_own() {
		status_get "$act" partner-off-own
		[ "$STATUS_RC" -le 1 ] && check_xfrm "$act" "$STATUS_JSON" && check_bgp "$act" "$STATUS_JSON" &&
			check_links "$act" "$STATUS_JSON"
	}
	lab_wait "$STATUS_SW" 1 agree_own && lab_ok "partner off: $act's own state agrees with the truth" ||
		lab_notok "partner off: $act: ${WHY:-exit $STATUS_RC}"
}

# GONE powered on and rejoined: SURV shows it online
status_back() {
	local act=$1 oth=$2
	back() {
		status_get "$act" partner-back
		[ "$(jq -r --arg n "$oth" '.nodes[] | select(.name == $n) | .state' "$STATUS_JSON")" = online ]
	}
	lab_wait 300 1 back && lab_ok "$oth back: $act shows it online" || lab_notok "$oth back: not online on $act within 300 s"
}

status_end() {
	local p
	for p in before failover lost back; do
		[[ " $STATUS_PHASES " == *" $p "* ]] || lab_notok "status: phase '$p' did not run"
	done
	lab_result status_check_ok "$LAB_PASS"
	lab_result status_check_failed "$LAB_FAILED"
	lab_log "status: $LAB_PASS ok, $LAB_FAILED not ok"
	[ "$LAB_FAILED" -eq 0 ]
}

# status_proofs PHASE ARGS...: the hooks (nothing without LAB_E2E_STATUS=1)
status_proofs() {
	[ "$STATUS_ON" = 1 ] || return 0
	local phase=$1; shift
	case $phase in
	before | failover | lost | back) "status_$phase" "$@"; STATUS_PHASES+=" $phase" ;;
	end) status_end ;;
	*) lab_fail "status_proofs: unknown phase $phase" ;;
	esac
}
