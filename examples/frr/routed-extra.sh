#!/bin/sh
# vpnha: more of what the tunnels carry (examples/README.md section 9), for
# one gateway of the ROUTED layout.  The counterpart of siteN-extra.conf
# (takeover layout), but each gateway has its own tunnels, so this is a small
# generator, not a file.  Prints what to append to the gateway's frr.conf
# (rendered from frr-routed.conf.in):
#   examples/frr/routed-extra.sh examples/site1-routed.env gw1a >> /etc/frr/frr.conf
# Needs staticd (EXTRA_PREFIXES) and pimd (multicast) in /etc/frr/daemons.
# Reads from SITE-routed.env (all optional, commented out there):
#   EXTRA_PREFIXES  the subnets behind the LAN's router EXTRA_VIA, announced
#                   by BGP like the LAN (with this gateway's MED)
#   LAN_PREFIX6     the LAN's IPv6 prefix (its gateway is INT_VIP6, the
#                   vpn-int-vip6 resource), announced over the same IPv4 BGP
#                   sessions (BGP_AFS="ipv4-unicast ipv6-unicast")
#   TUNNEL6_PREFIX  each tunnel gets TUNNEL6_PREFIX:0:N::1/64 at site 1's end
#                   and ::2 at site 2's (N: the last octet of its inner /30):
#                   bgpd's IPv6 next hop across the tunnel
#   MCAST_RP        PIM-SM's rendezvous point for 239.0.0.0/8 (site 1's LAN
#                   VIP); unset: no multicast
# The same variables may come from the environment instead.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SITE-routed.env GATEWAY" >&2; exit 2; }
# shellcheck disable=SC1090
. "$1"
gw=$2
[ "${LAYOUT:-}" = routed ] || { echo "$0: $1 does not say LAYOUT=routed" >&2; exit 2; }
case " $NODES " in *" $gw "*) ;; *) echo "$0: $gw is not one of NODES ($NODES)" >&2; exit 2 ;; esac
# shellcheck source=examples/tunnels.sh
. "$(dirname "$0")/../tunnels.sh"

med=$SECONDARY_MED dr=1
[ "$gw" = "$PRIMARY" ] && med=0 dr=10
partner=
for n in $NODES; do [ "$n" = "$gw" ] || partner=$(kv_get "$LAN_ADDRS" "$n"); done
[ -n "$partner" ] || { echo "$0: no LAN address of $gw's partner in LAN_ADDRS" >&2; exit 2; }

echo "! vpnha: routed-extra.sh for $gw (site $SITE): more LAN prefixes, IPv6, multicast"
seq=11
for p in ${EXTRA_PREFIXES:-}; do
	echo "ip route $p ${EXTRA_VIA:?EXTRA_PREFIXES needs EXTRA_VIA}"
	echo "ip prefix-list VPNHA-LAN seq $seq permit $p"
	seq=$((seq + 1))
done
if [ -n "${LAN_PREFIX6:-}" ]; then
	cat <<EOT
ipv6 prefix-list VPNHA-LAN6 seq 10 permit $LAN_PREFIX6
! the IPv6 LAN with this gateway's MED, as the IPv4 one (frr-routed.conf.in)
route-map VPNHA-LAN6-MED permit 10
 match ipv6 address prefix-list VPNHA-LAN6
 set metric $med
exit
route-map VPNHA-LAN6-MED deny 100
exit
EOT
fi

# every tunnel of this gateway: its IPv6 address (zebra adds it whenever the
# gre-tunnel agent creates the link) and PIM
gw_tunnel() {
	last=${3##*.} me=$((${3##*.} % 4))
	echo "interface gre-$1-$2"
	[ -z "${LAN_PREFIX6:-}" ] || echo " ipv6 address ${TUNNEL6_PREFIX:-fd00:16}:0:$((last - me))::$me/64"
	[ -z "${MCAST_RP:-}" ] || echo " ip pim"
	echo "exit"
}
NODES=$gw
tunnels_each gw_tunnel

# multicast: PIM-SM on the LAN too, where the two gateways elect a DR (the
# PRIMARY, priority 10): only the DR joins for the LAN's receivers and
# registers its senders; both have their own tunnels, so either can be it.
if [ -n "${MCAST_RP:-}" ]; then
	cat <<EOT
interface $INT_IF
 ip pim
 ip pim hello 1 4
 ip pim drpriority $dr
 ip igmp
exit
ip pim rp $MCAST_RP 239.0.0.0/8
ip pim join-prune-interval 10
EOT
fi

echo "router bgp $SITE_AS"
if [ -n "${EXTRA_PREFIXES:-}" ]; then
	printf ' address-family ipv4 unicast\n  redistribute static route-map VPNHA-LAN-MED\n exit-address-family\n'
fi
if [ -n "${LAN_PREFIX6:-}" ]; then
	cat <<EOT
 address-family ipv6 unicast
  redistribute connected route-map VPNHA-LAN6-MED
  neighbor $partner activate
  neighbor $partner next-hop-self
 exit-address-family
EOT
fi
echo "exit"
