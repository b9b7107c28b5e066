/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mii-link: link notification parsing and the flap-suppression state machine. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/object.h>
#include <netlink/route/link.h>

#include "linkstate.h"

static void set_why(char *why, size_t whylen, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
}

int vpnha_ls_cfg_check(const struct vpnha_ls_cfg *cfg, char *why, size_t whylen)
{
	if (cfg->multiplier < 1) {
		set_why(why, whylen, "multiplier must be at least 1");
		return -EINVAL;
	}
	if (cfg->flap_threshold > VPNHA_LS_MAX_FLAPS) {
		set_why(why, whylen, "flap_threshold is too large");
		return -EINVAL;
	}
	if (cfg->flap_threshold > 0 && cfg->flap_window_ms == 0) {
		set_why(why, whylen, "flap_window must be positive");
		return -EINVAL;
	}
	return 0;
}

void vpnha_ls_init(struct vpnha_ls *ls, const struct vpnha_ls_cfg *cfg)
{
	memset(ls, 0, sizeof(*ls));
	ls->cfg = *cfg;
}

int vpnha_ls_find(const struct vpnha_ls *ls, const char *ifname)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (!strcmp(ls->ifs[i].name, ifname))
			return (int)i;
	return -1;
}

int vpnha_ls_add(struct vpnha_ls *ls, const char *ifname)
{
	struct vpnha_ls_if *li;

	if (!ifname || !*ifname || strlen(ifname) >= VPNHA_IFNAMSIZ)
		return -EINVAL;
	if (vpnha_ls_find(ls, ifname) >= 0)
		return -EEXIST;
	if (ls->n >= VPNHA_LS_MAX_IFS)
		return -E2BIG;
	li = &ls->ifs[ls->n];
	memset(li, 0, sizeof(*li));
	snprintf(li->name, sizeof(li->name), "%s", ifname);
	li->raw = -1;
	li->stable = -1;
	return (int)ls->n++;
}

/* Drop flap times older than the window ending at now. */
static void flaps_prune(const struct vpnha_ls *ls, struct vpnha_ls_if *li, uint64_t now)
{
	while (li->n_flaps > 0) {
		unsigned oldest = (li->flap_head + VPNHA_LS_MAX_FLAPS - li->n_flaps) % VPNHA_LS_MAX_FLAPS;

		if (now - li->flaps[oldest] < ls->cfg.flap_window_ms)
			break;
		li->n_flaps--;
	}
}

static void flaps_record(struct vpnha_ls_if *li, uint64_t now)
{
	li->flaps[li->flap_head] = now;
	li->flap_head = (li->flap_head + 1) % VPNHA_LS_MAX_FLAPS;
	if (li->n_flaps < VPNHA_LS_MAX_FLAPS)
		li->n_flaps++;
}

/* Recompute the published state of one interface. True when it changed. */
static bool if_evaluate(const struct vpnha_ls *ls, struct vpnha_ls_if *li, uint64_t now)
{
	int target;

	if (li->raw < 0)
		return false;
	if (li->suppressed && now - li->raw_since >= ls->cfg.flap_window_ms) {
		li->suppressed = false;
		li->n_flaps = 0;
	}
	if (li->suppressed)
		target = 0;
	else if (li->stable < 0 || now - li->raw_since >= ls->cfg.dampen_ms)
		target = li->raw;
	else
		target = li->stable;
	if (target == li->stable)
		return false;
	if (li->stable >= 0)
		li->changes++;
	li->stable = target;
	return true;
}

bool vpnha_ls_tick(struct vpnha_ls *ls, uint64_t now)
{
	int64_t before = vpnha_ls_aggregate(ls);
	bool changed = false;
	size_t i;

	for (i = 0; i < ls->n; i++)
		changed |= if_evaluate(ls, &ls->ifs[i], now);
	return changed || vpnha_ls_aggregate(ls) != before;
}

bool vpnha_ls_observe(struct vpnha_ls *ls, size_t idx, bool up, uint64_t now)
{
	struct vpnha_ls_if *li;
	int64_t before;
	bool changed;

	if (idx >= ls->n)
		return false;
	li = &ls->ifs[idx];
	before = vpnha_ls_aggregate(ls);
	changed = vpnha_ls_tick(ls, now);
	if (li->raw == (int)up)
		return changed;
	if (li->raw >= 0) {
		/* a real change: count it as a flap */
		if (ls->cfg.flap_threshold > 0) {
			flaps_prune(ls, li, now);
			flaps_record(li, now);
			if (!li->suppressed && li->n_flaps >= ls->cfg.flap_threshold) {
				li->suppressed = true;
				li->suppressions++;
			}
		}
	}
	li->raw = up;
	li->raw_since = now;
	changed |= if_evaluate(ls, li, now);
	return changed || vpnha_ls_aggregate(ls) != before;
}

uint64_t vpnha_ls_next_deadline(const struct vpnha_ls *ls)
{
	uint64_t next = UINT64_MAX, t;
	size_t i;

	for (i = 0; i < ls->n; i++) {
		const struct vpnha_ls_if *li = &ls->ifs[i];

		if (li->raw < 0)
			continue;
		if (li->suppressed)
			t = li->raw_since + ls->cfg.flap_window_ms;
		else if (li->raw != li->stable)
			t = li->raw_since + ls->cfg.dampen_ms;
		else
			continue;
		if (t < next)
			next = t;
	}
	return next;
}

int64_t vpnha_ls_value(const struct vpnha_ls *ls, size_t idx)
{
	if (idx >= ls->n || ls->ifs[idx].stable < 0)
		return -1;
	return ls->ifs[idx].stable ? ls->cfg.multiplier : 0;
}

int64_t vpnha_ls_aggregate(const struct vpnha_ls *ls)
{
	size_t i, up = 0, down = 0;

	for (i = 0; i < ls->n; i++) {
		if (ls->ifs[i].stable == 1)
			up++;
		else if (ls->ifs[i].stable == 0)
			down++;
	}
	if (ls->n == 0)
		return -1;
	if (ls->cfg.require_all) {
		if (down)
			return 0;
		return up == ls->n ? ls->cfg.multiplier : -1;
	}
	if (up)
		return ls->cfg.multiplier;
	return down == ls->n ? 0 : -1;
}

/* ---- link notifications ---- */

struct parse_arg {
	struct vpnha_link_info *out;
	int found;
};

static void parse_cb(struct nl_object *obj, void *arg)
{
	struct parse_arg *pa = arg;
	struct rtnl_link *link;
	const char *name;

	if (strcmp(nl_object_get_type(obj), "route/link") != 0)
		return;
	link = (struct rtnl_link *)obj;
	name = rtnl_link_get_name(link);
	if (!name || !*name || strlen(name) >= VPNHA_IFNAMSIZ)
		return;
	snprintf(pa->out->name, sizeof(pa->out->name), "%s", name);
	pa->out->ifindex = rtnl_link_get_ifindex(link);
	pa->out->flags = rtnl_link_get_flags(link);
	pa->out->operstate = rtnl_link_get_operstate(link);
	pa->out->carrier = rtnl_link_get_carrier(link);
	pa->found = 1;
}

int vpnha_link_info_parse(const void *buf, size_t len, struct vpnha_link_info *out)
{
	struct nlmsghdr hdr, *copy;
	struct nl_msg *msg;
	struct parse_arg pa = { .out = out };
	int r;

	memset(out, 0, sizeof(*out));
	if (!buf || len < sizeof(hdr))
		return -EINVAL;
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.nlmsg_len > len || hdr.nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EINVAL;
	if (hdr.nlmsg_type != RTM_NEWLINK && hdr.nlmsg_type != RTM_DELLINK)
		return -EINVAL;
	/* an aligned copy: buf may come from anywhere */
	copy = malloc(hdr.nlmsg_len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, hdr.nlmsg_len);
	msg = nlmsg_convert(copy);
	free(copy);
	if (!msg)
		return -ENOMEM;
	nlmsg_set_proto(msg, NETLINK_ROUTE);
	r = nl_msg_parse(msg, parse_cb, &pa);
	nlmsg_free(msg);
	if (r < 0 || !pa.found)
		return -EINVAL;
	out->deleted = hdr.nlmsg_type == RTM_DELLINK;
	return 0;
}

bool vpnha_link_info_up(const struct vpnha_link_info *li)
{
	if (li->deleted)
		return false;
	if (!(li->flags & IFF_UP) || !(li->flags & IFF_LOWER_UP))
		return false;
	return li->operstate == IF_OPER_UP || li->operstate == IF_OPER_UNKNOWN;
}
