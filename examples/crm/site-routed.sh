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
ops='op monitor interval=5s timeout=30s op start timeout=30s op stop timeout=30s'

# one group per tunnel, pinned to its gateway (see pcs/site-routed.sh)
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
		bfd=true bfd_profile=vpnha keepalive=1 holdtime=3 connect_timer=1 \\
	$ops
group $g ipsec-$l-$r gre-$l-$r bgp-$l-$r
location $g-pin $g \\
	rule -inf: #uname ne $l or not_defined vpnha-link-$EXT_IF or vpnha-link-$EXT_IF ne 1

EOT
}
tunnels_each routed_tunnel

if [ "${LAN_ROUTER:-no}" != yes ]; then
	cat <<EOT
primitive vpn-int-vip $VIP_AGENT \\
	params ip=$INT_VIP cidr_netmask=$INT_PREFIX nic=$INT_IF \\
	op monitor interval=10s timeout=30s op start timeout=30s op stop timeout=30s
location vpn-int-vip-primary vpn-int-vip rule 200: #uname eq $PRIMARY
location vpn-int-vip-needs-$EXT_IF vpn-int-vip \\
	rule -inf: not_defined vpnha-link-$EXT_IF or vpnha-link-$EXT_IF ne 1
location vpn-int-vip-needs-$INT_IF vpn-int-vip \\
	rule -inf: not_defined vpnha-link-$INT_IF or vpnha-link-$INT_IF ne 1
EOT
fi
