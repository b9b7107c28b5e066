#!/bin/bash
# mii-linkd under valgrind over many link events (default 10 000): a veth pair in a
# private network namespace (host kernel or the lab), changed in batches by
# `ip -batch`; attrd_updater is a fake that succeeds, so every change is "published"
# (fork+exec included); flap suppression (threshold 3, window 300 ms) holds the
# port down during each batch and releases it between batches. Fails on any valgrind error or definite/indirect leak, on
# events not seen, or on RSS growth after warm-up above MII_VG_MAX_GROWTH_KB (512
# natively, 4096 under valgrind: see below).
# MII_VG_TOOL=none runs the daemon natively (RSS of the daemon itself).
#   daemon-valgrind.sh [EVENTS]     (needs root: unshare -n)
set -u
B=${abs_top_builddir:-${top_builddir:?}}
D=$B/agents/mii-linkd
EVENTS=${1:-${MII_VG_EVENTS:-10000}}
# The RSS bound: 512 kB natively (the daemon's own memory: 8 kB measured).
# Under valgrind the process's RSS is mostly valgrind's, whose arenas
# (translation cache, tool metadata) grow in 1-2 MB steps when a code path runs
# for the first time: one CI run grew 2092 kB in a single round, flat before
# and after.  There leaks are memcheck's to find (--errors-for-leak-kinds), and
# the bound (4096 kB) only catches growth on a much larger scale.
if [ "${MII_VG_TOOL:-valgrind}" = none ]; then MAX_GROWTH_KB=${MII_VG_MAX_GROWTH_KB:-512}
else MAX_GROWTH_KB=${MII_VG_MAX_GROWTH_KB:-4096}; fi

if [ "${MII_VG_INNER:-}" != 1 ]; then
	command -v valgrind >/dev/null || { echo "FAIL: valgrind not installed"; exit 1; }
	[ -x "$D" ] || { echo "FAIL: $D not built"; exit 1; }
	exec env MII_VG_INNER=1 unshare -n -- "$0" "$EVENTS"
fi

tmp=$(mktemp -d /tmp/mii-vg.XXXXXX)
vgpid=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() { [ -n "$vgpid" ] && kill "$vgpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
printf '#!/bin/sh\nexit 0\n' >"$tmp/attrd_updater"; chmod 700 "$tmp/attrd_updater"
ip link set lo up
ip link add v0 type veth peer name v1 || { echo "FAIL: no veth"; exit 1; }
ip link set v0 up; ip link set v1 up

export VPNHA_RUN_DIR=$tmp/run VPNHA_ATTRD_UPDATER=$tmp/attrd_updater HA_LOGFACILITY=none
# memcheck keeps freed blocks in a quarantine (--freelist-vol, 20 MB by default)
# before reusing them, so the process's RSS grows with every free until that is
# full: with the default, RSS grew 460-670 kB after warm-up with no leak at all
# (and 8 kB natively). A 200 kB quarantine fills during the warm-up, so RSS
# growth measures the daemon again (16 kB), not valgrind.
# shellcheck disable=SC2054 # a comma inside one option's value
vg=(valgrind -q --freelist-vol=200000 --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--trace-children=no --log-file="$tmp/vg.log")
# MII_VG_TOOL=none: the same run without valgrind (the daemon's own RSS)
[ "${MII_VG_TOOL:-valgrind}" = none ] && vg=()
"${vg[@]}" "$D" --instance vg --interface v0 --dampen-ms 0 --flap-threshold "${MII_VG_FLAP_THRESHOLD:-3}" \
	--flap-window-ms 300 --poll-interval-ms 500 &
vgpid=$!
st=$tmp/run/mii-link/vg.status
field() { sed -n "s/^$1=//p" "$st" 2>/dev/null; }
for i in $(seq 300); do [ "$(field initial)" = 1 ] && break; sleep 0.1; done
[ "$(field initial)" = 1 ] || { echo "FAIL: daemon did not start"; cat "$tmp/vg.log"; exit 1; }
rss() { awk '/^VmRSS/{print $2}' "/proc/$vgpid/status"; }

batch=1000
rounds=$(((EVENTS + batch - 1) / batch))
# Carrier changes from the peer are coalesced by the kernel's linkwatch, so most
# events come from changes of v0 itself (admin down/up, MTU: a notification each).
for ((i = 0; i < batch / 6; i++)); do
	echo "link set v0 down"; echo "link set v0 up"; echo "link set v0 mtu 1400"
	echo "link set v0 mtu 1500"; echo "link set v1 down"; echo "link set v1 up"
done >"$tmp/batch"
t0=$EPOCHREALTIME
rss0=
# RSS is compared from the end of a warm-up: round 1 natively, half-way under
# valgrind (its own translation caches grow for a while)
warm=1
[ "${MII_VG_TOOL:-valgrind}" = none ] || warm=$(((rounds + 1) / 2))
for ((r = 1; r <= rounds; r++)); do
	ip -batch "$tmp/batch" || { echo "FAIL: ip -batch"; exit 1; }
	# let the daemon drain: the status file is rewritten at least every poll
	# interval (500 ms), so wait until the event count holds across one
	prev=-1
	for i in $(seq 300); do
		e=$(field events); [ "$e" = "$prev" ] && break; prev=$e; sleep 0.7
	done
	kb=$(rss)
	[ "$r" -eq "$warm" ] && rss0=$kb
	echo "round $r: events=$(field events) publishes=$(field publishes) overruns=$(field overruns) VmRSS=${kb} kB"
done
secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
events=$(field events) publishes=$(field publishes) rss1=$(rss)
kill -TERM "$vgpid"; wait "$vgpid"; vgrc=$?; vgpid=
echo "RESULT mii_vg_events=$events"
echo "RESULT mii_vg_publishes=$publishes"
echo "RESULT mii_vg_seconds=$secs"
echo "RESULT mii_vg_rss_growth_kb=$((rss1 - rss0)) (after round $warm: $rss0 kB, end: $rss1 kB)"
fail=0
if [ "$vgrc" -ne 0 ]; then echo "FAIL: valgrind rc $vgrc"; cat "$tmp/vg.log"; fail=1; fi
if [ -s "$tmp/vg.log" ]; then echo "valgrind said:"; cat "$tmp/vg.log"; fail=1; fi
# allow for carrier changes merged by the kernel
[ "$events" -ge $((EVENTS * 8 / 10)) ] || { echo "FAIL: only $events link events seen"; fail=1; }
[ "$publishes" -ge $((2 * rounds)) ] || { echo "FAIL: only $publishes publishes"; fail=1; }
[ $((rss1 - rss0)) -le "$MAX_GROWTH_KB" ] || { echo "FAIL: RSS grew $((rss1 - rss0)) kB"; fail=1; }
[ $fail -eq 0 ] && echo "ok - mii-linkd: $events link events (${MII_VG_TOOL:-valgrind}), no errors, no leaks, RSS flat"
exit $fail
