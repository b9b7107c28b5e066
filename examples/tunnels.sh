# vpnha examples, routed layout: the tunnels of this site, from SITE.env's
# TUNNELS, GATEWAYS, PEERS and NODES.  Sourced (POSIX sh) by
# examples/pcs/site-routed.sh and examples/crm/site-routed.sh.
# shellcheck shell=sh

# kv_get "A=x B=y" NAME: prints NAME's value (1 when NAME is not in the list)
kv_get() {
	for kv in $1; do
		[ "${kv%%=*}" = "$2" ] && { echo "${kv#*=}"; return 0; }
	done
	return 1
}

# inner_addr A.B.C.D N: the /30 network's address + N (1 = site 1's end, 2 = site 2's)
inner_addr() {
	case $1 in
	*.*.*.*) ;;
	*) return 1 ;;
	esac
	last=${1##*.}
	case $last in '' | *[!0-9]*) return 1 ;; esac
	[ $((last % 4)) -eq 0 ] && [ "$last" -le 252 ] || return 1
	echo "${1%.*}.$((last + $2))"
}

# tunnels_each FN: for each tunnel with one end on this site's NODES, calls
#   FN LOCAL_GW REMOTE_GW LOCAL_INNER REMOTE_INNER LOCAL_PUBLIC REMOTE_PUBLIC
# Fails (with a message) on a malformed entry: nothing half-made is pushed.
tunnels_each() {
	for t in $TUNNELS; do
		a=${t%%:*} rest=${t#*:}
		b=${rest%%:*} net=${rest#*:}
		case " $NODES " in
		*" $a "*) l=$a r=$b me=1 them=2 ;;
		*) case " $NODES " in
		   *" $b "*) l=$b r=$a me=2 them=1 ;;
		   *) continue ;;
		   esac ;;
		esac
		li=$(inner_addr "$net" $me) && ri=$(inner_addr "$net" $them) ||
			{ echo "tunnel $t: '$net' is not the network address of a /30" >&2; return 1; }
		le=$(kv_get "$GATEWAYS" "$l") || { echo "tunnel $t: $l not in GATEWAYS" >&2; return 1; }
		re=$(kv_get "$PEERS" "$r") || { echo "tunnel $t: $r not in PEERS" >&2; return 1; }
		[ $((${#l} + ${#r})) -le 11 ] ||
			{ echo "tunnel $t: gateway names too long for the interface name gre-$l-$r (15 characters)" >&2; return 1; }
		"$1" "$l" "$r" "$li" "$ri" "$le" "$re" || return 1
	done
}
