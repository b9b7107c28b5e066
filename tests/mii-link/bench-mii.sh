# Benchmark (sourced by lab-mii.sh, phase "bench"): carrier loss on gw2's bm0 ->
# the attribute visible on gw1 (attrd_updater -Q -N gw2, polled inside gw1), p50/p95,
# for mii-link (dampen 0) and ocf:heartbeat:ethmonitor (link_status_only=true with a
# 1 s monitor; and at its defaults). For mii-link also the daemon's own time from
# the cut to attrd_updater returning (its status file), which polling doesn't blur.
# shellcheck shell=bash
CUTS=${LAB_MII_BENCH_CUTS:-50}                 # mii-link
CUTS_ETH=${LAB_MII_BENCH_CUTS_ETH:-$CUTS}       # ethmonitor, 1 s monitor, repeat_count=1
CUTS_SLOW=${LAB_MII_BENCH_CUTS_SLOW:-5}         # ethmonitor, 1 s monitor, link_status_only
CUTS_DEFAULT=${LAB_MII_BENCH_CUTS_DEFAULT:-5}   # ethmonitor at its defaults
# ethdefault is not in the default list: at its defaults (link_status_only=false)
# ethmonitor wants received packets or ARP answers, so on the lab's idle link it
# never reports 1 (measured: "never 1" within 60 s).
BENCHES=${LAB_MII_BENCHES:-mii ethfast eth1s}
bench_on() { case " $BENCHES " in *" $1 "*) return 0;; esac; return 1; }
read -r BPN BPI <"$LAB_STATE/seg/peer.gw2.bm0"

# watch ATTR VALUE TIMEOUT: inside gw1, poll until gw2's ATTR is VALUE; prints
# "SEEN_EPOCH POLLS FIRST_EPOCH"
# shellcheck disable=SC2016 # run by bash -c: expanded there
watch_script='a=$1 v=$2 tmo=$3 n=0 t0=$EPOCHREALTIME
while :; do
	n=$((n + 1))
	o=$(attrd_updater -Q -n "$a" -N gw2 2>/dev/null)
	[[ $o == *"value=\"$v\""* ]] && { echo "$EPOCHREALTIME $n $t0"; exit 0; }
	[ "${EPOCHREALTIME%.*}" -gt $(( ${t0%.*} + tmo )) ] && { echo "timeout $n $t0"; exit 1; }
done'

# one_cut ATTR TIMEOUT: cut, measure, repair; appends ms to $LAT_FILE (and the
# daemon-side ms to $DLAT_FILE when DAEMON=1)
one_cut() {
	local a=$1 tmo=$2 wf seen polls t0 tcut ms pub
	wf=$(mktemp)
	lab_exec gw1 bash -c "$watch_script" _ "$a" 0 "$tmo" >"$wf" &
	local wp=$!
	sleep 0.5   # the watcher is polling by now
	tcut=$EPOCHREALTIME
	ip -n "$BPN" link set "$BPI" down
	wait $wp
	read -r seen polls t0 <"$wf"; rm -f "$wf"
	if [ "$seen" = timeout ]; then
		lab_log "cut: $a not seen at 0 within $tmo s"; ip -n "$BPN" link set "$BPI" up; return 1
	fi
	ms=$(awk -v a="$tcut" -v b="$seen" 'BEGIN{printf "%.1f", (b-a)*1000}')
	echo "$ms" >>"$LAT_FILE"
	awk -v a="$t0" -v b="$seen" -v n="$polls" 'BEGIN{printf "%.1f\n", (b-a)*1000/n}' >>"$POLL_FILE"
	if [ "${DAEMON:-0}" = 1 ]; then
		local sf chg pub
		sf=$(ls /proc/"$(lab_pid gw2)"/root/run/vpnha/mii-link/linkb*.status)
		chg=$(sed -n 's/^change_rt_us=//p' "$sf"); pub=$(sed -n 's/^publish_rt_us=//p' "$sf")
		# cut -> the daemon has the event (includes starting `ip` in UML)
		awk -v a="$tcut" -v p="$chg" 'BEGIN{printf "%.1f\n", (p/1e6-a)*1000}' >>"$ELAT_FILE"
		# the event -> attrd_updater returned (the publish itself)
		awk -v a="$chg" -v p="$pub" 'BEGIN{printf "%.1f\n", (p-a)/1000}' >>"$PLAT_FILE"
		# cut -> published on gw2
		awk -v a="$tcut" -v p="$pub" 'BEGIN{printf "%.1f\n", (p/1e6-a)*1000}' >>"$DLAT_FILE"
	fi
	ip -n "$BPN" link set "$BPI" up
	lab_wait 30 0.1 attr_is gw1 gw2 "$a" 1 || { lab_log "cut: $a not back at 1"; return 1; }
	sleep 0.3
}

pct() { # pct FILE P: the P-th percentile (nearest rank) of the numbers in FILE
	sort -n "$1" | awk -v p="$2" '{v[NR]=$1} END{if(!NR){print "nan";exit} i=int((p/100)*NR+0.999999); if(i<1)i=1; print v[i]}'
}

bench() { # bench LABEL ATTR CUTS TIMEOUT
	local label=$1 a=$2 cuts=$3 tmo=$4 ok=0
	LAT_FILE=$(mktemp) POLL_FILE=$(mktemp) DLAT_FILE=$(mktemp) ELAT_FILE=$(mktemp) PLAT_FILE=$(mktemp)
	lab_wait 60 0.3 attr_is gw1 gw2 "$a" 1 || { lab_notok "bench $label: $a never 1"; return; }
	for _ in $(seq "$cuts"); do one_cut "$a" "$tmo" && ok=$((ok + 1)); done
	lab_result "bench_${label}_cuts" "$ok/$cuts"
	lab_result "bench_${label}_p50_ms" "$(pct "$LAT_FILE" 50)"
	lab_result "bench_${label}_p95_ms" "$(pct "$LAT_FILE" 95)"
	lab_result "bench_${label}_max_ms" "$(pct "$LAT_FILE" 100)"
	lab_result "bench_${label}_poll_period_ms" "$(pct "$POLL_FILE" 50)"
	if [ -s "$DLAT_FILE" ]; then
		lab_result "bench_${label}_cut_to_published_p50_ms" "$(pct "$DLAT_FILE" 50)"
		lab_result "bench_${label}_cut_to_published_p95_ms" "$(pct "$DLAT_FILE" 95)"
		lab_result "bench_${label}_cut_to_event_p50_ms" "$(pct "$ELAT_FILE" 50)"
		lab_result "bench_${label}_cut_to_event_p95_ms" "$(pct "$ELAT_FILE" 95)"
		lab_result "bench_${label}_event_to_published_p50_ms" "$(pct "$PLAT_FILE" 50)"
		lab_result "bench_${label}_event_to_published_p95_ms" "$(pct "$PLAT_FILE" 95)"
	fi
	lab_check "bench $label: $ok/$cuts cuts measured" test "$ok" -eq "$cuts"
	rm -f "$LAT_FILE" "$POLL_FILE" "$DLAT_FILE" "$ELAT_FILE" "$PLAT_FILE"
}

if bench_on mii; then
	lab_log "bench: mii-link, $CUTS cuts"
	lab_exec gw1 pcs resource create linkb ocf:vpnha:mii-link interfaces=bm0 dampen=0 flap_threshold=0 \
		poll_interval=2s op monitor interval=10s clone >/dev/null || lab_fail "pcs create linkb"
	DAEMON=1 bench mii vpnha-link-bm0 "$CUTS" 10
	lab_exec gw1 pcs resource disable linkb-clone >/dev/null
fi

# ethmonitor refuses to run without arping (and bc), even with link_status_only
command -v arping >/dev/null || lab_fail "ethmonitor needs arping: install the Debian package 'arping'"
# ethmonitor retries a failed check repeat_count (5) times, repeat_interval (10 s)
# apart, before it sets 0, even with link_status_only: ~40 s per cut; hence
# also a "fast" variant with repeat_count=1.
if bench_on ethfast; then
	lab_log "bench: ethmonitor link_status_only=true repeat_count=1, monitor 1 s, $CUTS_ETH cuts"
	lab_exec gw1 pcs resource create ethf ocf:heartbeat:ethmonitor interface=bm0 name=ethmonitor-bm0f \
		link_status_only=true repeat_count=1 op monitor interval=1s timeout=30s clone >/dev/null ||
		lab_fail "pcs create ethf"
	bench ethfast ethmonitor-bm0f "$CUTS_ETH" 60
	lab_exec gw1 pcs resource delete ethf --force >/dev/null 2>&1
fi
if bench_on eth1s; then
	lab_log "bench: ethmonitor link_status_only=true, monitor 1 s, $CUTS_SLOW cuts"
	lab_exec gw1 pcs resource create ethb ocf:heartbeat:ethmonitor interface=bm0 name=ethmonitor-bm0 \
		link_status_only=true op monitor interval=1s timeout=90s clone >/dev/null || lab_fail "pcs create ethb"
	bench eth1s ethmonitor-bm0 "$CUTS_SLOW" 120
	lab_exec gw1 pcs resource delete ethb --force >/dev/null 2>&1
fi

if bench_on ethdefault && [ "$CUTS_DEFAULT" -gt 0 ]; then
	lab_log "bench: ethmonitor at its defaults, $CUTS_DEFAULT cuts"
	lab_exec gw1 pcs resource create ethd ocf:heartbeat:ethmonitor interface=bm0 name=ethmonitor-bm0d \
		clone >/dev/null || lab_fail "pcs create ethd"
	bench ethdefault ethmonitor-bm0d "$CUTS_DEFAULT" 150
	lab_exec gw1 pcs resource delete ethd --force >/dev/null 2>&1
fi
