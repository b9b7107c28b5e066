#!/bin/sh
# vpnha: configure one site's 2-node Pacemaker cluster with pcs, the way an
# admin would.  Run on ONE gateway of the site, once the cluster is up:
#
#   examples/pcs/configure-site.sh examples/site1.env
#
# Every change is made offline on a copy of the CIB (pcs -f) and pushed in
# one step at the end, so the cluster never sees a half-built group.
# Environment: CIB_IN=FILE starts from FILE instead of the live CIB (e.g. a
# node's pre-seeded cib.xml, before the cluster is up); NO_PUSH=1 leaves the
# result in $WORK/vpnha-cib.xml; MON=SECONDS the monitor interval of the
# vpnha agents (default 5), VIP_MON of the VIPs (default 10);
# OP_TIMEOUT start/stop/monitor timeout (default 30s: a stop that times out
# gets the node fenced, or blocks the group without fencing); MII_POLL the
# mii-link slow-poll interval (default 2s); LOAD_THRESHOLD sets Pacemaker's
# load-threshold (unset: its default 80%; a loaded node then runs one action
# at a time, so a VIP's first monitor delays the next start of the group);
# LAB=1 also disables fencing (a lab
# has no fence device; NEVER do that in production, see corosync.conf.in);
# VIP_AGENT overrides SITE.env's agent for the two VIPs.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 SITE.env" >&2; exit 2; }
vip_agent_override=${VIP_AGENT:-}
# shellcheck disable=SC1090
. "$1"
[ -z "$vip_agent_override" ] || VIP_AGENT=$vip_agent_override
: "${VIP_AGENT:=ocf:vpnha:vip}"
: "${PCS:=pcs}" "${MON:=5}" "${VIP_MON:=10}" "${OP_TIMEOUT:=30s}" "${MII_POLL:=2s}"
: "${WORK:=/var/lib/pacemaker}"
cib=$WORK/vpnha-cib.xml
if [ -n "${CIB_IN:-}" ]; then cp "$CIB_IN" "$cib"; else $PCS cluster cib "$cib"; fi
p() { $PCS -f "$cib" "$@"; }
# the operations of a resource: monitor every $1 seconds, all with OP_TIMEOUT
ops() { echo op monitor interval="$1s" timeout="$OP_TIMEOUT" start timeout="$OP_TIMEOUT" stop timeout="$OP_TIMEOUT"; }

# --- cluster-wide settings
if [ "${LAB:-0}" = 1 ]; then
	p property set stonith-enabled=false
fi
if [ -n "${LOAD_THRESHOLD:-}" ]; then
	p property set load-threshold="$LOAD_THRESHOLD"
fi
# a healthy group stays where it is (no fail-back when the other node returns)
p resource defaults update resource-stickiness=100
# no "pending" record in the CIB before each operation: one CIB update less
# per action, on the failover's critical path (crm_mon no longer shows pending ops)
p resource op defaults update record-pending=false

# --- link monitoring: a clone on both gateways, watching both interfaces;
# publishes vpnha-link-$EXT_IF and vpnha-link-$INT_IF (1 up / 0 down)
p resource create vpn-link ocf:vpnha:mii-link interfaces="$EXT_IF $INT_IF" dampen=0 \
	poll_interval="$MII_POLL" $(ops 10) clone

if [ "${LAYOUT:-takeover}" = routed ]; then
	# --- the routed layout: a tunnel group per gateway pair, the LAN VIP
	# shellcheck source=examples/pcs/site-routed.sh
	. "$(dirname "$0")/site-routed.sh"
else
# --- the takeover layout (the paper's): one group with both VIPs.
# --- the VPN group, started in this order on one gateway, stopped in reverse.
# 1. the public address the other site talks to
p resource create vpn-ext-vip "$VIP_AGENT" ip="$EXT_VIP" cidr_netmask="$EXT_PREFIX" \
	nic="$EXT_IF" $(ops "$VIP_MON") --group vpn
# 2. the LAN's default gateway
p resource create vpn-int-vip "$VIP_AGENT" ip="$INT_VIP" cidr_netmask="$INT_PREFIX" \
	nic="$INT_IF" $(ops "$VIP_MON") --group vpn
# 3. IPsec between the two sites' public VIPs, protecting only GRE, transport mode;
#    defined here (config=agent), the PSK from a root-only file
p resource create vpn-ipsec ocf:vpnha:ipsec-conn conn="$SITE-vpn" child=gre config=agent \
	local_addrs="$EXT_VIP" remote_addrs="$PEER_EXT_VIP" \
	local_id="$IKE_LOCAL_ID" remote_id="$IKE_REMOTE_ID" auth=psk psk_file="$PSK_FILE" \
	proposals=aes256gcm16-prfsha256-ecp256 esp_proposals=aes256gcm16 \
	mode=transport local_ts='dynamic[gre]' remote_ts='dynamic[gre]' \
	dpd_delay=1s start_wait=5s \
	$(ops "$MON") --group vpn
# 4. GRE between the VIPs (any traffic, multicast too, can be routed)
p resource create vpn-gre ocf:vpnha:gre-tunnel ifname="$GRE_IF" \
	local="$EXT_VIP" remote="$PEER_EXT_VIP" address="$GRE_ADDR" \
	$(ops "$MON") --group vpn
# 5. iBGP over GRE: the other site's LAN routes; next-hop-self; fast timers
p resource create vpn-bgp ocf:vpnha:bgp-peer neighbor="$GRE_PEER" \
	local_as="$BGP_AS" remote_as="$BGP_AS" manage=configure \
	update_source="$GRE_LOCAL" next_hop_self=true \
	keepalive=1 holdtime=3 connect_timer=1 \
	$(ops "$MON") --group vpn

# --- the group runs only where both links are up (and known)
p constraint location vpn rule score=-INFINITY \
	not_defined "vpnha-link-$EXT_IF" or "vpnha-link-$EXT_IF" ne 1
p constraint location vpn rule score=-INFINITY \
	not_defined "vpnha-link-$INT_IF" or "vpnha-link-$INT_IF" ne 1
fi

if [ "${NO_PUSH:-0}" = 1 ]; then
	echo "$0: configuration left in $cib"
else
	$PCS cluster cib-push "$cib" --config
fi
