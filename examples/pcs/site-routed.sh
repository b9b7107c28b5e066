# vpnha: the ROUTED layout's resources (examples/README.md, section 8).
# Sourced by examples/pcs/configure-site.sh when SITE.env says LAYOUT=routed,
# after the cluster-wide settings and the mii-link clone; uses its p() and ops().
# shellcheck shell=sh
# shellcheck source=examples/tunnels.sh
. "$(dirname "$0")/../tunnels.sh"

# One group per tunnel, pinned to the gateway that owns the tunnel's public
# address: IPsec (transport, GRE only) -> GRE -> eBGP with BFD.  It runs
# nowhere else (the address is that gateway's own), and stops while that
# gateway's external link is down (it restarts when the link is back).
routed_tunnel() {
	l=$1 r=$2 li=$3 ri=$4 le=$5 re=$6 g=tun-$1-$2
	p resource create "ipsec-$l-$r" ocf:vpnha:ipsec-conn conn="$l-$r" child=gre config=agent \
		local_addrs="$le" remote_addrs="$re" \
		local_id="$l.$IKE_DOMAIN" remote_id="$r.$IKE_DOMAIN" auth=psk psk_file="$PSK_FILE" \
		proposals=aes256gcm16-prfsha256-ecp256 esp_proposals=aes256gcm16 \
		mode=transport local_ts='dynamic[gre]' remote_ts='dynamic[gre]' \
		dpd_delay=1s start_wait=5s \
		$(ops10 "$MON" "$MON10") --group "$g" || return 1
	p resource create "gre-$l-$r" ocf:vpnha:gre-tunnel ifname="gre-$l-$r" \
		local="$le" remote="$re" address="$li/30" \
		$(ops10 "$MON" "$MON10") --group "$g" || return 1
	# eBGP to the other site's gateway, BFD profile 'vpnha' (frr-routed.conf.in);
	# the MED of what this gateway announces comes from frr.conf (PRIMARY)
	p resource create "bgp-$l-$r" ocf:vpnha:bgp-peer neighbor="$ri" \
		local_as="$SITE_AS" remote_as="$PEER_AS" manage=configure \
		bfd=true bfd_profile=vpnha keepalive=1 holdtime=3 connect_timer=1 \
		${BGP_AFS:+"address_families=$BGP_AFS"} \
		$(ops10 "$MON" "$MON10") --group "$g" || return 1
	p constraint location "$g" rule score=-INFINITY \
		'#uname' ne "$l" or not_defined "vpnha-link-$EXT_IF" or "vpnha-link-$EXT_IF" ne 1
}
tunnels_each routed_tunnel

# The LAN's default gateway: on the PRIMARY when it is healthy (200 beats the
# stickiness of 100: it moves back when PRIMARY returns, so that traffic stays
# symmetric with the MED the other site sees), on a gateway with both links up.
# LAN_ROUTER=yes: no VIP at all, the LAN's router peers with both gateways.
if [ "${LAN_ROUTER:-no}" != yes ]; then
	# shellcheck disable=SC2153 # INT_VIP: from SITE.env (INT_VIP6 is another)
	p resource create vpn-int-vip "$VIP_AGENT" ip="$INT_VIP" cidr_netmask="$INT_PREFIX" \
		nic="$INT_IF" $(ops "$VIP_MON")
	# the VIP outweighs the tunnel groups (two on each gateway):
	# priority-fencing-delay protects the gateway that holds it
	p resource meta vpn-int-vip priority=10
	p constraint location vpn-int-vip rule score=200 '#uname' eq "$PRIMARY"
	p constraint location vpn-int-vip rule score=-INFINITY \
		not_defined "vpnha-link-$EXT_IF" or "vpnha-link-$EXT_IF" ne 1
	p constraint location vpn-int-vip rule score=-INFINITY \
		not_defined "vpnha-link-$INT_IF" or "vpnha-link-$INT_IF" ne 1
	# the LAN's IPv6 default gateway (SITE.env's INT_VIP6, optional; issue 18):
	# where the IPv4 one is, started beside it (no order: it does not wait).
	# No stickiness of its own: through the colocation it would add to the
	# VIP's, which then stays on the secondary when the PRIMARY returns
	if [ -n "${INT_VIP6:-}" ]; then
		# shellcheck disable=SC2046 # ops: several words
		p resource create vpn-int-vip6 "$VIP_AGENT" ip="$INT_VIP6" cidr_netmask="${INT_PREFIX6:-64}" \
			nic="$INT_IF" $(ops "$VIP_MON")
		p resource meta vpn-int-vip6 resource-stickiness=0
		p constraint colocation add vpn-int-vip6 with vpn-int-vip INFINITY
	fi
fi
