#!/bin/sh
# vpnha: the ROUTED layout of one site for crmsh (the same configuration as
# examples/pcs/configure-site.sh with a LAYOUT=routed env file).  The number
# of tunnels depends on the site, so this is a small generator, not a
# template.  Prints the crm configuration (after crm/cluster.crm.in):
#   examples/crm/site-routed.sh examples/site1-routed.env > site1.crm
#   crm configure load update site1.crm
set -eu
[ $# -eq 1 ] || { echo "usage: $0 SITE-routed.env" >&2; exit 2; }
# shellcheck disable=SC1090
. "$1"
: "${VIP_AGENT:=ocf:vpnha:vip}"
[ "${LAYOUT:-}" = routed ] || { echo "$0: $1 does not say LAYOUT=routed" >&2; exit 2; }
# shellcheck source=examples/tunnels.sh
. "$(dirname "$0")/../tunnels.sh"
# the agents' own monitor, and their depth-10 one (kernel SA/policy
# cross-check, GRE inner ping, BGP session checks), as configure-site.sh
ops='op monitor interval=5s timeout=30s op start timeout=30s op stop timeout=30s \
	op monitor interval=60s timeout=30s OCF_CHECK_LEVEL=10'

# one group per tunnel, pinned to its gateway (see pcs/site-routed.sh)
# BGP_AFS (optional, issue 18): the address families of every tunnel's session
afs=${BGP_AFS:+"address_families=\"$BGP_AFS\" "}
routed_tunnel() {
	l=$1 r=$2 li=$3 ri=$4 le=$5 re=$6 g=tun-$1-$2
	cat <<EOT
primitive ipsec-$l-$r ocf:vpnha:ipsec-conn \\
	params conn=$l-$r child=gre config=agent local_addrs=$le remote_addrs=$re \\
		local_id=$l.$IKE_DOMAIN remote_id=$r.$IKE_DOMAIN auth=psk psk_file=$PSK_FILE \\
		proposals=aes256gcm16-prfsha256-ecp256 esp_proposals=aes256gcm16 \\
		mode=transport local_ts="dynamic[gre]" remote_ts="dynamic[gre]" \\
		dpd_delay=1s start_wait=5s \\
	$ops
primitive gre-$l-$r ocf:vpnha:gre-tunnel \\
	params ifname=gre-$l-$r local=$le remote=$re address=$li/30 \\
	$ops
primitive bgp-$l-$r ocf:vpnha:bgp-peer \\
	params neighbor=$ri local_as=$SITE_AS remote_as=$PEER_AS manage=configure \\
		bfd=true bfd_profile=vpnha keepalive=1 holdtime=3 connect_timer=1 $afs\\
	$ops
group $g ipsec-$l-$r gre-$l-$r bgp-$l-$r
location $g-pin $g \\
	rule -inf: #uname ne $l or not_defined vpnha-link-$EXT_IF or vpnha-link-$EXT_IF ne 1

EOT
}
tunnels_each routed_tunnel

if [ "${LAN_ROUTER:-no}" != yes ]; then
	# shellcheck disable=SC2153 # INT_VIP: from SITE.env (INT_VIP6 is another)
	cat <<EOT
primitive vpn-int-vip $VIP_AGENT \\
	params ip=$INT_VIP cidr_netmask=$INT_PREFIX nic=$INT_IF \\
	op monitor interval=10s timeout=30s op start timeout=30s op stop timeout=30s \\
	meta priority=10
location vpn-int-vip-primary vpn-int-vip rule 200: #uname eq $PRIMARY
location vpn-int-vip-needs-$EXT_IF vpn-int-vip \\
	rule -inf: not_defined vpnha-link-$EXT_IF or vpnha-link-$EXT_IF ne 1
location vpn-int-vip-needs-$INT_IF vpn-int-vip \\
	rule -inf: not_defined vpnha-link-$INT_IF or vpnha-link-$INT_IF ne 1
EOT
	# the LAN's IPv6 default gateway (INT_VIP6, optional; issue 18); no
	# stickiness of its own (see pcs/site-routed.sh)
	[ -z "${INT_VIP6:-}" ] || cat <<EOT
primitive vpn-int-vip6 $VIP_AGENT \\
	params ip=$INT_VIP6 cidr_netmask=${INT_PREFIX6:-64} nic=$INT_IF \\
	op monitor interval=10s timeout=30s op start timeout=30s op stop timeout=30s \\
	meta resource-stickiness=0
colocation vpn-int-vip6-with-vip inf: vpn-int-vip6 vpn-int-vip
EOT
fi

# stateful failover (CONNTRACKD_CONF, optional; examples/README.md "Stateful
# failover"): conntrackd on both gateways, promoted where the LAN VIP is
if [ -n "${CONNTRACKD_CONF:-}" ]; then
	[ "${LAN_ROUTER:-no}" != yes ] ||
		{ echo "$0: CONNTRACKD_CONF needs the LAN VIP (LAN_ROUTER=no)" >&2; exit 1; }
	cat <<EOT
primitive vpn-conntrackd ocf:heartbeat:conntrackd \\
	params config=$CONNTRACKD_CONF \\
	op monitor interval=10s role=Promoted timeout=30s \\
	op monitor interval=20s role=Unpromoted timeout=30s \\
	op start timeout=30s op stop timeout=30s op promote timeout=30s op demote timeout=30s
clone vpn-conntrackd-clone vpn-conntrackd \\
	meta promotable=true promoted-max=1 promoted-node-max=1 clone-max=2 clone-node-max=1 notify=false
colocation vpn-conntrackd-with-vip inf: vpn-conntrackd-clone:Promoted vpn-int-vip
EOT
fi
