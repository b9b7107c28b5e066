#!/bin/bash
# mii-linkd reaction time on the host kernel (no UML, no cluster): a veth pair in a
# private netns; N carrier cuts (the peer set down); for each, from the status file:
#   cut -> event     (`ip link set` returned -> the daemon handled the notification)
#   event -> published (the daemon ran attrd_updater: here a fake that exits 0 at
#                      once, so this is the daemon's own path plus one fork+exec)
# Prints p50/p95/max. Usage: bench-host.sh [CUTS]   (root: unshare -n)
set -u
B=${abs_top_builddir:-${top_builddir:?}}
D=$B/agents/mii-linkd
CUTS=${1:-200}
if [ "${MII_BH_INNER:-}" != 1 ]; then
	exec env MII_BH_INNER=1 unshare -n -- "$0" "$CUTS"
fi
tmp=$(mktemp -d /tmp/mii-bh.XXXXXX)
dpid=
trap '[ -n "$dpid" ] && kill $dpid 2>/dev/null; rm -rf "$tmp"' EXIT
printf '#!/bin/sh\nexit 0\n' >"$tmp/attrd_updater"; chmod 700 "$tmp/attrd_updater"
ip link set lo up
ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up || exit 1
export VPNHA_RUN_DIR=$tmp/run VPNHA_ATTRD_UPDATER=$tmp/attrd_updater HA_LOGFACILITY=none
"$D" --instance bh --interface v0 --dampen-ms 0 --flap-threshold 0 --poll-interval-ms 2000 &
dpid=$!
st=$tmp/run/mii-link/bh.status
field() { sed -n "s/^$1=//p" "$st" 2>/dev/null; }
for _ in $(seq 100); do [ "$(field initial)" = 1 ] && break; sleep 0.05; done
: >"$tmp/ev"; : >"$tmp/pub"
for ((c = 0; c < CUTS; c++)); do
	for updown in down up; do
		p0=$(field publishes)
		t=$EPOCHREALTIME
		ip link set v1 $updown
		for _ in $(seq 200); do [ "$(field publishes)" != "$p0" ] && break; sleep 0.005; done
		if [ $updown = down ]; then
			awk -v a="$t" -v c="$(field change_rt_us)" -v p="$(field publish_rt_us)" \
				'BEGIN{printf "%.3f\n", (c/1e6-a)*1000 >> "'"$tmp/ev"'"; printf "%.3f\n", (p-c)/1000 >> "'"$tmp/pub"'"}'
		fi
	done
done
pct() { sort -n "$1" | awk -v p="$2" '{v[NR]=$1} END{i=int((p/100)*NR+0.999999); if(i<1)i=1; print v[i]}'; }
echo "RESULT host_cuts=$(wc -l <"$tmp/ev")"
echo "RESULT host_cut_to_event_ms p50=$(pct "$tmp/ev" 50) p95=$(pct "$tmp/ev" 95) max=$(pct "$tmp/ev" 100)"
echo "RESULT host_event_to_published_ms p50=$(pct "$tmp/pub" 50) p95=$(pct "$tmp/pub" 95) max=$(pct "$tmp/pub" 100)"
