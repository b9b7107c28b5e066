/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The health of a site snapshot (lib/status.h): `vpnha status`'s exit code. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

struct judge {
	enum vpnha_status_health h;
	char *why;
	size_t whylen;
};

__attribute__((format(printf, 3, 4))) static void flag(struct judge *j, enum vpnha_status_health h, const char *fmt, ...)
{
	va_list ap;

	if (h <= j->h)
		return;
	j->h = h;
	if (!j->why || !j->whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(j->why, j->whylen, fmt, ap);
	va_end(ap);
}

const char *vpnha_status_health_str(enum vpnha_status_health h)
{
	switch (h) {
	case VPNHA_HEALTH_OK:
		return "healthy";
	case VPNHA_HEALTH_DEGRADED:
		return "degraded";
	case VPNHA_HEALTH_DOWN:
		break;
	}
	return "down";
}

bool vpnha_status_node_live(const struct vpnha_status_node *n, uint64_t now)
{
	if (n->member != VPNHA_MEMBER_ONLINE && !(n->member == VPNHA_MEMBER_UNKNOWN && n->nodeid == 0))
		return false;
	return n->updated + VPNHA_STATUS_STALE_S >= now;
}

static bool sa_up(const struct vpnha_status_sa *sa)
{
	return !strcmp(sa->state, "INSTALLED") && sa->in_kernel != VPNHA_ST_DOWN;
}

/* What is down on one live node: degraded. */
static void judge_node(struct judge *j, const struct vpnha_status_node *n)
{
	size_t i;

	for (i = 0; i < n->n_links; i++)
		if (n->links[i].published != VPNHA_ST_UP || n->links[i].suppressed)
			flag(j, VPNHA_HEALTH_DEGRADED, "%s: link %s %s", n->name, n->links[i].name,
			     n->links[i].suppressed ? "flapping" : "down");
	for (i = 0; i < n->n_sas; i++)
		if (!sa_up(&n->sas[i]))
			flag(j, VPNHA_HEALTH_DEGRADED, "%s: IPsec %s%s%s %s", n->name, n->sas[i].conn,
			     n->sas[i].child[0] ? "/" : "", n->sas[i].child,
			     n->sas[i].state[0] ? (n->sas[i].in_kernel == VPNHA_ST_DOWN ? "not in the kernel" : n->sas[i].state)
						: "down");
	for (i = 0; i < n->n_gres; i++)
		if (n->gres[i].up != VPNHA_ST_UP)
			flag(j, VPNHA_HEALTH_DEGRADED, "%s: GRE %s down", n->name, n->gres[i].ifname);
	for (i = 0; i < n->n_bgps; i++)
		if (strcmp(n->bgps[i].state, "Established"))
			flag(j, VPNHA_HEALTH_DEGRADED, "%s: BGP %s %s", n->name, n->bgps[i].neighbor,
			     n->bgps[i].state[0] ? n->bgps[i].state : "unknown");
	for (i = 0; i < n->n_vips; i++)
		if (n->vips[i].present != VPNHA_ST_UP)
			flag(j, VPNHA_HEALTH_DEGRADED, "%s: VIP %s missing", n->name, n->vips[i].addr);
	if (n->quorate == VPNHA_ST_DOWN)
		flag(j, VPNHA_HEALTH_DEGRADED, "%s: no quorum", n->name);
}

struct tally {
	size_t sas_up, bgp_any, bgp_up, vip_any, active;
};

static void count_node(struct tally *t, const struct vpnha_status_node *n, bool live)
{
	size_t i;

	t->bgp_any += n->n_bgps;
	t->vip_any += n->n_vips;
	if (!live)
		return;
	for (i = 0; i < n->n_sas; i++)
		t->sas_up += sa_up(&n->sas[i]);
	for (i = 0; i < n->n_bgps; i++)
		t->bgp_up += !strcmp(n->bgps[i].state, "Established");
	t->active += vpnha_status_node_active(n);
}

enum vpnha_status_health vpnha_status_site_health(const struct vpnha_status_site *s, uint64_t now, char *why,
						  size_t whylen)
{
	struct judge j = { VPNHA_HEALTH_OK, why, whylen };
	struct tally t = { 0 };
	size_t i;

	if (why && whylen)
		why[0] = '\0';
	for (i = 0; i < s->n_nodes; i++) {
		const struct vpnha_status_node *n = &s->nodes[i];
		bool live = vpnha_status_node_live(n, now);

		count_node(&t, n, live);
		if (live)
			judge_node(&j, n);
		else if (n->member == VPNHA_MEMBER_ONLINE)
			flag(&j, VPNHA_HEALTH_DEGRADED, "%s: no report for %llu s", n->name[0] ? n->name : "?",
			     (unsigned long long)(now - n->updated));
		else
			flag(&j, VPNHA_HEALTH_DEGRADED, "%s %s", n->name[0] ? n->name : "a node",
			     vpnha_status_member_str(n->member));
	}
	if (t.active > 1)
		flag(&j, VPNHA_HEALTH_DEGRADED, "%zu gateways hold VIPs", t.active);
	if (t.sas_up == 0)
		flag(&j, VPNHA_HEALTH_DOWN, "no IPsec SA installed on any gateway");
	else if (t.bgp_any && t.bgp_up == 0)
		flag(&j, VPNHA_HEALTH_DOWN, "no BGP session established on any gateway");
	else if (t.vip_any && t.active == 0)
		flag(&j, VPNHA_HEALTH_DOWN, "no gateway holds the VIPs");
	return j.h;
}
