/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ocf:vpnha:vip: a virtual IP address (IPv4 or IPv6) on an existing
 * interface, through netlink (lib/netlink.h), announced with gratuitous ARP
 * (AF_PACKET) or an unsolicited Neighbor Advertisement (ICMPv6 raw socket;
 * lib/announce.h). No exec (and no fork, but for the background
 * announcements of arp_bg): a
 * drop-in for ocf:heartbeat:IPaddr2 where its forks dominate failover time
 * (same parameter names: ip, cidr_netmask, nic, arp_count, arp_interval,
 * arp_bg).
 *
 * Ownership: the run-state file <instance>.owner records the address this
 * resource added (ip/prefix, nic name and ifindex). stop removes the address
 * only when that record says so; an address configured by someone else is
 * never touched (start refuses it).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "announce.h"
#include "log.h"
#include "netlink.h"
#include "records.h"
#include "runstate.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "vip"
#define OWNER_KEY VPNHA_OWNER_KEY

/* The parameters, in the order of the table below (VPNHA_STR(ctx, P_...)). */
enum vip_param {
	P_IP,
	P_CIDR_NETMASK,
	P_NIC,
	P_ARP_COUNT,
	P_ARP_INTERVAL,
	P_ARP_BG,
	P_COUNT
};

static const struct vpnha_param_def params[] = {
	[P_IP] = { "ip", VPNHA_PT_ADDR, NULL, VPNHA_PF_REQUIRED | VPNHA_PF_UNIQUE, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_CIDR_NETMASK] = { "cidr_netmask", VPNHA_PT_INT, NULL, 0, 1, 128, NULL, NULL },
	[P_NIC] = { "nic", VPNHA_PT_IFNAME, NULL, VPNHA_PF_REQUIRED, 0, 0, NULL, NULL },
	[P_ARP_COUNT] = { "arp_count", VPNHA_PT_INT, "3", VPNHA_PF_RELOADABLE, 0, 100, NULL, NULL },
	[P_ARP_INTERVAL] = { "arp_interval", VPNHA_PT_INT, "100", VPNHA_PF_RELOADABLE, 0, 10000, NULL, NULL },
	[P_ARP_BG] = { "arp_bg", VPNHA_PT_BOOL, "true", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
};
_Static_assert(sizeof(params) / sizeof(params[0]) == P_COUNT, "one enum entry per parameter");

static enum vpnha_rc vip_validate_params(struct vpnha_ctx *ctx)
{
	const struct vpnha_addr *ip = VPNHA_ADDR(ctx, P_IP);

	/* unspecified, multicast, broadcast, loopback: refused by the parameter's own check */
	if (VPNHA_GIVEN(ctx, P_CIDR_NETMASK) && vpnha_addr_is_subnet_broadcast(ip, VPNHA_INT(ctx, P_CIDR_NETMASK)))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG,
				  "parameter 'ip': %s is the broadcast address of %s/%lld, not a unicast address",
				  VPNHA_STR(ctx, P_IP), VPNHA_STR(ctx, P_IP), (long long)VPNHA_INT(ctx, P_CIDR_NETMASK));
	if (VPNHA_GIVEN(ctx, P_CIDR_NETMASK) && ip->family == AF_INET && VPNHA_INT(ctx, P_CIDR_NETMASK) > 32)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG,
				  "parameter 'cidr_netmask': %lld is out of range 1-32 for the IPv4 address %s",
				  (long long)VPNHA_INT(ctx, P_CIDR_NETMASK), VPNHA_STR(ctx, P_IP));
	return VPNHA_RC_OK;
}

/* The address to configure: ip with cidr_netmask (default: a host prefix). */
static void wanted_addr(struct vpnha_ctx *ctx, struct vpnha_nl_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->local = *VPNHA_ADDR(ctx, P_IP);
	a->local.prefixlen = a->local.family == AF_INET ? 32 : 128;
	if (VPNHA_GIVEN(ctx, P_CIDR_NETMASK))
		a->local.prefixlen = (unsigned)VPNHA_INT(ctx, P_CIDR_NETMASK);
}

/* ---- what is there: the record, the link, the address on it ---- */

struct vip_view {
	const char *nic;
	struct vpnha_nl_addr want, live;
	char p[VPNHA_PREFIX_STRLEN]; /* want as text */
	struct vpnha_addr_owner o;
	struct vpnha_link l;
	int found; /* 1: the address (any prefix length) is on l */
};

/* The wanted address, the ownership record and a route socket. */
static enum vpnha_rc view_open(struct vpnha_ctx *ctx, struct vip_view *v, struct vpnha_nl **nl)
{
	int r;

	v->nic = VPNHA_STR(ctx, P_NIC);
	wanted_addr(ctx, &v->want);
	vpnha_prefix_str(&v->want.local, v->p, sizeof(v->p));
	r = vpnha_addr_owner_read(AGENT, ctx->instance, &v->o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	return vpnha_nl_open_ctx(ctx, nl);
}

/* The link (v->l): 0, -ENODEV for the caller, or the failure reported (another negative errno). */
static int view_link(struct vpnha_ctx *ctx, struct vpnha_nl *nl, struct vip_view *v, enum vpnha_rc *rc)
{
	int r = vpnha_nl_link_get(nl, v->nic, 0, &v->l);

	if (r < 0 && r != -ENODEV)
		*rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", v->nic, vpnha_nl_error(nl));
	return r;
}

/* The address on the link (v->found, v->live): VPNHA_RC_OK or the failure reported. */
static enum vpnha_rc view_addr(struct vpnha_ctx *ctx, struct vpnha_nl *nl, struct vip_view *v)
{
	v->found = vpnha_nl_addr_find(nl, v->l.ifindex, &v->want.local, &v->live);
	if (v->found < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list addresses of %s: %s", v->nic, vpnha_nl_error(nl));
	return VPNHA_RC_OK;
}

/* ---- monitor ---- */

/* Not ours on this link: why (7 when nothing of ours is there, 1 when ours went astray). */
static enum vpnha_rc monitor_not_owned(struct vpnha_ctx *ctx, const struct vip_view *v)
{
	char q[VPNHA_PREFIX_STRLEN];

	if (v->o.present && v->o.ifindex != v->l.ifindex && !strcmp(v->o.ifname, v->nic))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s was replaced behind the agent "
				  "(now ifindex %d, address added on %d)", v->nic, v->l.ifindex, v->o.ifindex);
	if (v->o.present)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "this resource added %s on %s, not %s on %s (parameters "
				  "changed while it ran?)", vpnha_prefix_str(&v->o.addr.local, q, sizeof(q)),
				  v->o.ifname, v->p, v->nic);
	if (v->found)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "address %s is on %s but was not added by this "
				  "resource", vpnha_prefix_str(&v->live.local, q, sizeof(q)), v->nic);
	return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "not started (%s is not on %s)", v->p, v->nic);
}

/* Ours: is it still as added, on a link that is up (and, at depth 10, has a carrier)? */
static enum vpnha_rc monitor_owned(struct vpnha_ctx *ctx, const struct vip_view *v)
{
	struct vpnha_nic_hw hw;
	int r;

	if (!v->found)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s was removed from %s behind the agent", v->p, v->nic);
	if (v->live.local.prefixlen != v->want.local.prefixlen)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s on %s changed behind the agent: prefix /%u",
				  v->p, v->nic, v->live.local.prefixlen);
	if (!v->l.up)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s is administratively down", v->nic);
	if (ctx->check_level < 10)
		return VPNHA_RC_OK;
	r = vpnha_nic_hw_get(v->nic, &hw);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the state of %s: %s", v->nic, strerror(-r));
	if (!(hw.flags & IFF_RUNNING))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s has no carrier (operationally down)", v->nic);
	return VPNHA_RC_OK;
}

static enum vpnha_rc vip_monitor(struct vpnha_ctx *ctx)
{
	struct vpnha_nl *nl = NULL;
	struct vip_view v;
	enum vpnha_rc rc = view_open(ctx, &v, &nl);
	int r;

	if (rc != VPNHA_RC_OK)
		return rc;
	r = view_link(ctx, nl, &v, &rc);
	if (r == -ENODEV)
		rc = v.o.present ? vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s is gone (address %s was on it)", v.nic,
					      v.p)
				 : vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "not started (interface %s does not exist)",
					      v.nic);
	else if (r == 0 && (rc = view_addr(ctx, nl, &v)) == VPNHA_RC_OK)
		rc = vpnha_addr_owner_owns(&v.o, &v.want, v.l.ifindex) ? monitor_owned(ctx, &v)
								       : monitor_not_owned(ctx, &v);
	vpnha_nl_close(nl);
	return rc;
}

/* ---- start ---- */

/* Record, then add the address (not there yet, not elsewhere on the host). */
static enum vpnha_rc start_add(struct vpnha_ctx *ctx, struct vpnha_nl *nl, struct vip_view *v)
{
	int r;

	/* the record first: an interrupted start is then cleaned up by stop */
	memset(&v->o, 0, sizeof(v->o));
	v->o.present = true;
	v->o.addr = v->want;
	snprintf(v->o.ifname, sizeof(v->o.ifname), "%s", v->nic);
	v->o.ifindex = v->l.ifindex;
	r = vpnha_addr_owner_write(AGENT, ctx->instance, &v->o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the ownership record: %s", strerror(-r));
	r = vpnha_nl_addr_add(nl, v->l.ifindex, &v->want);
	if (r < 0) {
		vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot add address %s to %s: %s", v->p, v->nic,
				  vpnha_nl_error(nl));
	}
	vpnha_log_notice("added %s to %s (ifindex %d)", v->p, v->nic, v->l.ifindex);
	return VPNHA_RC_OK;
}

/* On an existing link that is up: already ours (idempotent), someone else's, or added now (*added). */
static enum vpnha_rc start_on_link(struct vpnha_ctx *ctx, struct vpnha_nl *nl, struct vip_view *v, bool *added)
{
	char q[VPNHA_PREFIX_STRLEN];
	enum vpnha_rc rc = view_addr(ctx, nl, v);

	if (rc != VPNHA_RC_OK)
		return rc;
	if (v->found && vpnha_addr_owner_owns(&v->o, &v->want, v->l.ifindex)) {
		if (v->live.local.prefixlen != v->want.local.prefixlen)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s on %s was changed behind the agent (now %s)",
					  v->p, v->nic, vpnha_prefix_str(&v->live.local, q, sizeof(q)));
		return VPNHA_RC_OK; /* already started: idempotent, nothing sent */
	}
	if (v->found)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s is already on %s and was not added by this "
				  "resource: refusing to touch it", vpnha_prefix_str(&v->live.local, q, sizeof(q)), v->nic);
	if (vpnha_nl_addr_on_host(nl, &v->want.local) > 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s is already configured on another interface of this "
				  "host: refusing to add it to %s", vpnha_addr_str(&v->want.local, q, sizeof(q)), v->nic);
	rc = start_add(ctx, nl, v);
	*added = rc == VPNHA_RC_OK;
	return rc;
}

static enum vpnha_rc vip_start(struct vpnha_ctx *ctx)
{
	struct vpnha_nl *nl = NULL;
	struct vip_view v;
	enum vpnha_rc rc = view_open(ctx, &v, &nl);
	bool added = false;
	int r;

	if (rc != VPNHA_RC_OK)
		return rc;
	r = view_link(ctx, nl, &v, &rc);
	if (r == -ENODEV)
		rc = vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "interface %s (parameter 'nic') does not exist", v.nic);
	else if (r == 0 && !v.l.up)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s is administratively down: not adding %s", v.nic, v.p);
	else if (r == 0)
		rc = start_on_link(ctx, nl, &v, &added);
	vpnha_nl_close(nl);
	if (added)
		vpnha_announce(ctx, v.nic, v.l.ifindex, &v.want.local, VPNHA_INT(ctx, P_ARP_COUNT),
			       (uint64_t)VPNHA_INT(ctx, P_ARP_INTERVAL), VPNHA_BOOL(ctx, P_ARP_BG));
	return rc;
}

/* arp_count/arp_interval apply to the next start: nothing to change live. */
static enum vpnha_rc vip_reload(struct vpnha_ctx *ctx)
{
	(void)ctx;
	return VPNHA_RC_OK;
}

/* ---- stop: from the ownership record only ---- */

static enum vpnha_rc vip_stop(struct vpnha_ctx *ctx)
{
	struct vpnha_nl *nl = NULL;
	struct vpnha_link l;
	struct vpnha_addr_owner o;
	enum vpnha_rc rc;
	char p[VPNHA_PREFIX_STRLEN];
	int r;

	r = vpnha_addr_owner_read(AGENT, ctx->instance, &o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	if (!o.present) {
		vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
		return VPNHA_RC_OK; /* nothing of ours */
	}
	vpnha_prefix_str(&o.addr.local, p, sizeof(p));
	rc = vpnha_nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	r = vpnha_nl_link_get(nl, NULL, o.ifindex, &l);
	if (r == 0 && !strcmp(l.ifname, o.ifname)) {
		r = vpnha_nl_addr_del(nl, l.ifindex, &o.addr);
		if (r < 0 && r != -EADDRNOTAVAIL && r != -ENOENT && r != -ESRCH) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove address %s from %s: %s", p, o.ifname,
					vpnha_nl_error(nl));
			goto out;
		}
		if (r == 0)
			vpnha_log_notice("removed %s from %s", p, o.ifname);
	} else if (r == 0) {
		vpnha_log_warn("ifindex %d is now %s, not %s: %s went with the interface", o.ifindex, l.ifname,
			       o.ifname, p);
	} else if (r != -ENODEV) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", o.ifname, vpnha_nl_error(nl));
		goto out;
	}
	r = vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
	if (r < 0)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove the ownership record: %s", strerror(-r));
out:
	vpnha_nl_close(nl);
	return rc;
}

/* ---- validate-all at OCF_CHECK_LEVEL >= 10: the nic exists here ---- */

static enum vpnha_rc vip_validate_host(struct vpnha_ctx *ctx)
{
	struct vpnha_nl *nl = NULL;
	enum vpnha_rc rc;
	int r;

	rc = vpnha_nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	r = vpnha_nl_ifindex(nl, VPNHA_STR(ctx, P_NIC));
	if (r == -ENODEV)
		rc = vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "interface %s (parameter 'nic') does not exist on this host",
				VPNHA_STR(ctx, P_NIC));
	else if (r < 0)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot look up interface %s: %s", VPNHA_STR(ctx, P_NIC),
				vpnha_nl_error(nl));
	vpnha_nl_close(nl);
	return rc;
}

static const struct vpnha_action actions[] = {
	{ "start", vip_start },
	{ "stop", vip_stop },
	{ "monitor", vip_monitor },
	{ "reload-agent", vip_reload },
};

const struct vpnha_agent vpnha_agent_def = {
	.name = AGENT,
	.metadata = vpnha_metadata_xml,
	.params = params,
	.n_params = VPNHA_ARRAY_SIZE(params),
	.actions = actions,
	.n_actions = VPNHA_ARRAY_SIZE(actions),
	.validate_host = vip_validate_host,
	.validate_params = vip_validate_params,
};
