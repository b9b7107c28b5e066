/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Site bookkeeping for vpnha-statusd (lib/status.h): which nodes are in the
 * CPG group, since when, and what each last reported. Pure: the caller
 * passes the time, the CPG library stays in the daemon.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

/* corosync's CPG_REASON_NODEDOWN (corosync/cpg.h), spelled out to keep this
 * pure; CPG_REASON_LEAVE (2) and CPG_REASON_PROCDOWN (5) mean "stopped" */
#define CPG_REASON_NODEDOWN_ 3u

const char *vpnha_status_member_str(enum vpnha_status_member m)
{
	switch (m) {
	case VPNHA_MEMBER_ONLINE:
		return "online";
	case VPNHA_MEMBER_STOPPED:
		return "stopped";
	case VPNHA_MEMBER_LOST:
		return "lost";
	case VPNHA_MEMBER_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *vpnha_status_tri_str(enum vpnha_status_tri t)
{
	switch (t) {
	case VPNHA_ST_DOWN:
		return "down";
	case VPNHA_ST_UP:
		return "up";
	case VPNHA_ST_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *vpnha_status_role_str(enum vpnha_status_role_kind k)
{
	switch (k) {
	case VPNHA_ROLE_TOOK_OVER:
		return "took over";
	case VPNHA_ROLE_GAVE_UP:
		return "gave up";
	}
	return "unknown";
}

struct vpnha_status_node *vpnha_status_site_node(struct vpnha_status_site *s, uint32_t nodeid)
{
	struct vpnha_status_node *n;
	size_t i;

	for (i = 0; i < s->n_nodes; i++)
		if (s->nodes[i].nodeid == nodeid)
			return &s->nodes[i];
	if (s->n_nodes >= VPNHA_STATUS_MAX_NODES)
		return NULL;
	n = &s->nodes[s->n_nodes++];
	memset(n, 0, sizeof(*n));
	n->nodeid = nodeid;
	n->member = VPNHA_MEMBER_UNKNOWN;
	n->quorate = VPNHA_ST_UNKNOWN;
	return n;
}

void vpnha_status_site_forget(struct vpnha_status_site *s, uint32_t nodeid)
{
	for (size_t i = 0; i < s->n_nodes; i++) {
		if (s->nodes[i].nodeid != nodeid)
			continue;
		memmove(&s->nodes[i], &s->nodes[i + 1], (s->n_nodes - i - 1) * sizeof(s->nodes[0]));
		s->n_nodes--;
		return;
	}
}

static void member_set(struct vpnha_status_node *n, enum vpnha_status_member m, uint64_t now)
{
	if (n->member == m)
		return;
	n->member = (uint8_t)m;
	n->since = now;
}

int vpnha_status_site_member_joined(struct vpnha_status_site *s, uint32_t nodeid, uint64_t now)
{
	struct vpnha_status_node *n = vpnha_status_site_node(s, nodeid);

	if (!n)
		return -ENOSPC;
	member_set(n, VPNHA_MEMBER_ONLINE, now);
	return 0;
}

int vpnha_status_site_report(struct vpnha_status_site *s, uint32_t nodeid,
			     const struct vpnha_status_node *report, uint64_t now)
{
	struct vpnha_status_node *n = vpnha_status_site_node(s, nodeid);
	uint8_t member;
	uint64_t since;

	if (!n)
		return -ENOSPC;
	member = n->member;
	since = n->since;
	*n = *report;
	n->nodeid = nodeid; /* the sender CPG names, not what the report claims */
	n->member = member;
	n->since = since;
	member_set(n, VPNHA_MEMBER_ONLINE, now);
	return 0;
}

enum vpnha_status_member vpnha_status_site_member_left(struct vpnha_status_site *s, uint32_t nodeid,
						       uint32_t cpg_reason, uint64_t now)
{
	enum vpnha_status_member m = cpg_reason == CPG_REASON_NODEDOWN_ ? VPNHA_MEMBER_LOST : VPNHA_MEMBER_STOPPED;
	size_t i;

	for (i = 0; i < s->n_nodes; i++) {
		if (s->nodes[i].nodeid != nodeid)
			continue;
		member_set(&s->nodes[i], m, now);
		return m;
	}
	return VPNHA_MEMBER_UNKNOWN;
}

void vpnha_status_role_add(struct vpnha_status_node *n, uint64_t at, enum vpnha_status_role_kind kind,
			   const char *reason)
{
	struct vpnha_status_role *r;

	if (n->n_roles >= VPNHA_STATUS_MAX_ROLES) {
		memmove(&n->roles[0], &n->roles[1], (VPNHA_STATUS_MAX_ROLES - 1) * sizeof(n->roles[0]));
		n->n_roles = VPNHA_STATUS_MAX_ROLES - 1;
	}
	r = &n->roles[n->n_roles++];
	r->at = at;
	r->kind = (uint8_t)kind;
	snprintf(r->reason, sizeof(r->reason), "%s", reason ? reason : "");
}

bool vpnha_status_node_active(const struct vpnha_status_node *n)
{
	size_t i;

	for (i = 0; i < n->n_vips; i++)
		if (n->vips[i].present == VPNHA_ST_UP)
			return true;
	return false;
}
