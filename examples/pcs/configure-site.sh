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
# vpnha agents (default 5), MON10 of their depth-10 monitors (default 60),
# VIP_MON of the VIPs (default 10);
# OP_TIMEOUT start/stop/monitor timeout (default 30s: a stop that times out
# gets the node fenced); MII_POLL the mii-link slow-poll interval (default 2s);
# LOAD_THRESHOLD sets Pacemaker's load-threshold (unset: its default 80%; a
# loaded node then runs one action at a time, so a VIP's first monitor delays
# the next start of the group); NODE_ACTION_LIMIT sets node-action-limit
# (unset: Pacemaker's 2 x the node's cores, halved whenever the CIB daemon's
# CPU use is "noticeable", which on a 1-core node means one action at a time,
# the recurring monitors of each member then waiting before the next start);
# VIP_AGENT overrides SITE.env's agent for the
# two VIPs, FENCE_DELAY its priority-fencing-delay.  FENCE picks the fence
# device: ipmilan (the default) = one fence_ipmilan per gateway (its BMC,
# SITE.env's FENCE_*), lab (the default with LAB=1) = the vpnha lab's power
# switch (tests/lab/fence_vpnha_lab); see examples/README.md, "Fencing".
# CONNTRACKD_CONF (SITE.env or the environment) adds the conntrackd
# promotable clone (stateful failover, opt-in; CT_MON / CT_MON_U its
# Promoted / Unpromoted monitor intervals, default 10 / 20).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 SITE.env" >&2; exit 2; }
vip_agent_override=${VIP_AGENT:-} fence_delay_override=${FENCE_DELAY:-}
# shellcheck disable=SC1090
. "$1"
[ -z "$vip_agent_override" ] || VIP_AGENT=$vip_agent_override
[ -z "$fence_delay_override" ] || FENCE_DELAY=$fence_delay_override
# LAB=1 (the e2e lab's slow path): the lab's fence device
[ "${LAB:-0}" != 1 ] || : "${FENCE:=lab}"
: "${VIP_AGENT:=ocf:vpnha:vip}"
: "${PCS:=pcs}" "${MON:=5}" "${MON10:=60}" "${VIP_MON:=10}" "${OP_TIMEOUT:=30s}" "${MII_POLL:=2s}"
: "${WORK:=/var/lib/pacemaker}"
cib=$WORK/vpnha-cib.xml
if [ -n "${CIB_IN:-}" ]; then cp "$CIB_IN" "$cib"; else $PCS cluster cib "$cib"; fi
p() { $PCS -f "$cib" "$@"; }
# the operations of a resource: monitor every $1 seconds, all with OP_TIMEOUT
ops() { echo op monitor interval="$1s" timeout="$OP_TIMEOUT" start timeout="$OP_TIMEOUT" stop timeout="$OP_TIMEOUT"; }
# ... plus the agent's depth-10 monitor every $2 seconds (OCF_CHECK_LEVEL=10:
# kernel SA/policy cross-check, GRE inner ping, BGP session checks; see each
# agent's meta-data) for the agents that have one
ops10() { echo "$(ops "$1")" monitor interval="$2s" timeout="$OP_TIMEOUT" OCF_CHECK_LEVEL=10; }

# --- fencing first: a 2-node cluster without it is split brain waiting to
# happen (both gateways holding the same public and LAN addresses).  Kept in
# one function, apart from the layout's resources below, so that every
# layout (e.g. site-routed.sh) gets the same fencing.  Needs: NODES, and for
# ipmilan FENCE_BMC_A/B,
# FENCE_NODE_A/B, FENCE_IPMI_USER, FENCE_IPMI_PASSWORD_FILE; FENCE_DELAY
# (priority-fencing-delay).
configure_fencing() {
	case ${FENCE:-ipmilan} in
	ipmilan)
		# one device per gateway: its BMC on the management network; the
		# password comes from a root-only file on each gateway, never the CIB
		local n node bmc
		for n in A B; do
			eval "node=\$FENCE_NODE_$n bmc=\$FENCE_BMC_$n"
			# shellcheck disable=SC2154
			p stonith create "fence-$node" fence_ipmilan ip="$bmc" lanplus=1 \
				username="$FENCE_IPMI_USER" password_script="cat $FENCE_IPMI_PASSWORD_FILE" \
				pcmk_host_list="$node" op monitor interval=60s timeout=30s
			# a gateway never runs the device that fences it
			p constraint location "fence-$node" avoids "$node"
		done ;;
	lab)
		# the lab's power switch powers every lab host, like a PDU: one device
		p stonith create fence-lab fence_vpnha_lab pcmk_host_list="$NODES" \
			op monitor interval=60s timeout=20s ;;
	*) echo "$0: FENCE must be ipmilan or lab, not '$FENCE'" >&2; return 1 ;;
	esac
	p property set stonith-enabled=true
	# Fence race (both gateways fence each other when only the corosync link
	# is cut): fencing aimed at the node running the group waits FENCE_DELAY,
	# so the gateway that holds the VPN wins and keeps it (no failover).  The
	# group's meta priority below makes it "the node with more priority".
	p property set priority-fencing-delay="${FENCE_DELAY:-10s}"
}
configure_fencing

# --- cluster-wide settings
if [ -n "${LOAD_THRESHOLD:-}" ]; then
	p property set load-threshold="$LOAD_THRESHOLD"
fi
if [ -n "${NODE_ACTION_LIMIT:-}" ]; then
	p property set node-action-limit="$NODE_ACTION_LIMIT"
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
	$(ops10 "$MON" "$MON10") --group vpn
# 4. GRE between the VIPs (any traffic, multicast too, can be routed)
p resource create vpn-gre ocf:vpnha:gre-tunnel ifname="$GRE_IF" \
	local="$EXT_VIP" remote="$PEER_EXT_VIP" address="$GRE_ADDR" \
	$(ops10 "$MON" "$MON10") --group vpn
# 5. iBGP over GRE: the other site's LAN routes; next-hop-self; fast timers
p resource create vpn-bgp ocf:vpnha:bgp-peer neighbor="$GRE_PEER" \
	local_as="$BGP_AS" remote_as="$BGP_AS" manage=configure \
	update_source="$GRE_LOCAL" next_hop_self=true \
	${BGP_AFS:+"address_families=$BGP_AFS"} \
	keepalive=1 holdtime=3 connect_timer=1 \
	$(ops10 "$MON" "$MON10") --group vpn
# 6. the LAN's IPv6 default gateway (SITE.env's INT_VIP6, optional; issue 18):
#    IPv6 crosses the same GRE tunnel, its routes carried by the same BGP
#    session (BGP_AFS, also optional: unset, the agent's default).  Last in
#    the group: the IPv4 path is not delayed by it.
if [ -n "${INT_VIP6:-}" ]; then
	# shellcheck disable=SC2046 # ops: several words
	p resource create vpn-int-vip6 "$VIP_AGENT" ip="$INT_VIP6" cidr_netmask="${INT_PREFIX6:-64}" \
		nic="$INT_IF" $(ops "$VIP_MON") --group vpn
fi

# the group outweighs the mii-link clone (on both nodes): priority-fencing-delay
# protects the gateway that runs it
p resource meta vpn priority=10

# --- the group runs only where both links are up (and known)
p constraint location vpn rule score=-INFINITY \
	not_defined "vpnha-link-$EXT_IF" or "vpnha-link-$EXT_IF" ne 1
p constraint location vpn rule score=-INFINITY \
	not_defined "vpnha-link-$INT_IF" or "vpnha-link-$INT_IF" ne 1

fi

# --- stateful failover (examples/README.md), only with CONNTRACKD_CONF set
# (SITE.env): conntrackd on both gateways keeps a copy of the connection
# tracking table (NAT bindings, firewall state); promoted where the traffic
# goes (takeover: the group; routed: the LAN VIP); its promotion commits the
# copy to the kernel, so connections through the gateways survive the
# failover.  No order: the group starts while the clone is promoted
# (firewall/vpnha.rules.in drops the segments of a not yet committed
# connection instead of resetting it), so conntrackd's demote and promote are
# not on the failover's path.  A conntrackd failure or a disabled clone never
# stops the VPN (it only costs the connections).
if [ -n "${CONNTRACKD_CONF:-}" ]; then
	ct_with=vpn
	if [ "${LAYOUT:-takeover}" = routed ]; then
		ct_with=vpn-int-vip
		[ "${LAN_ROUTER:-no}" != yes ] ||
			{ echo "$0: CONNTRACKD_CONF needs the LAN VIP (LAN_ROUTER=no): it is promoted where the VIP is" >&2; exit 1; }
	fi
	p resource create vpn-conntrackd ocf:heartbeat:conntrackd config="$CONNTRACKD_CONF" \
		op monitor interval="${CT_MON:-10}s" role=Promoted timeout="$OP_TIMEOUT" \
		monitor interval="${CT_MON_U:-20}s" role=Unpromoted timeout="$OP_TIMEOUT" \
		start timeout="$OP_TIMEOUT" stop timeout="$OP_TIMEOUT" \
		promote timeout="$OP_TIMEOUT" demote timeout="$OP_TIMEOUT" \
		promotable promoted-max=1 promoted-node-max=1 clone-max=2 clone-node-max=1 notify=false
	p constraint colocation add Promoted vpn-conntrackd-clone with "$ct_with" INFINITY
fi

if [ "${NO_PUSH:-0}" = 1 ]; then
	echo "$0: configuration left in $cib"
else
	$PCS cluster cib-push "$cib" --config
fi
