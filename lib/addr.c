/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Addresses and routes as the agents handle them: text, comparison, lookup (addr.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "util.h"

const char *vpnha_prefix_str(const struct vpnha_addr *a, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", vpnha_addr_str(a, s, sizeof(s)), a->prefixlen);
	return buf;
}

const char *vpnha_nl_addr_str(const struct vpnha_nl_addr *a, char *buf, size_t len)
{
	char p[VPNHA_PREFIX_STRLEN], q[INET6_ADDRSTRLEN];

	if (a->has_peer)
		snprintf(buf, len, "%s peer %s", vpnha_prefix_str(&a->local, p, sizeof(p)),
			 vpnha_addr_str(&a->peer, q, sizeof(q)));
	else
		snprintf(buf, len, "%s", vpnha_prefix_str(&a->local, p, sizeof(p)));
	return buf;
}

const char *vpnha_nl_route_str(const struct vpnha_nl_route *r, char *buf, size_t len)
{
	char p[VPNHA_PREFIX_STRLEN], g[INET6_ADDRSTRLEN];

	if (r->has_gw)
		snprintf(buf, len, "%s metric %u via %s", vpnha_prefix_str(&r->dst, p, sizeof(p)), r->metric,
			 vpnha_addr_str(&r->gw, g, sizeof(g)));
	else
		snprintf(buf, len, "%s metric %u", vpnha_prefix_str(&r->dst, p, sizeof(p)), r->metric);
	return buf;
}

int vpnha_route_item_parse(const char *s, struct vpnha_addr *dst, uint32_t *metric, char *why, size_t whylen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *at = strchr(s, '@');
	size_t plen = at ? (size_t)(at - s) : strlen(s);
	int64_t m = 0;
	int r;

	if (plen >= sizeof(buf)) {
		snprintf(why, whylen, "'%.48s' is not a prefix", s);
		return -EINVAL;
	}
	memcpy(buf, s, plen);
	buf[plen] = '\0';
	r = vpnha_parse_prefix(buf, 0, dst, why, whylen);
	if (r < 0)
		return r;
	if (at && vpnha_parse_int(at + 1, 0, INT64_C(4294967295), &m, NULL, 0) < 0) {
		snprintf(why, whylen, "'%.48s': metric after '@' must be a number 0-4294967295", s);
		return -EINVAL;
	}
	*metric = (uint32_t)m;
	return 0;
}

int vpnha_validate_route_item(const struct vpnha_val *v, char *why, size_t whylen)
{
	struct vpnha_addr a;
	uint32_t m;

	return vpnha_route_item_parse(v->str, &a, &m, why, whylen);
}

bool vpnha_addr_host_equal(const struct vpnha_addr *a, const struct vpnha_addr *b)
{
	return a->family == b->family && !memcmp(a->u.raw, b->u.raw, a->family == AF_INET ? 4 : 16);
}

bool vpnha_nl_addr_equal(const struct vpnha_nl_addr *a, const struct vpnha_nl_addr *b)
{
	return vpnha_addr_equal(&a->local, &b->local) && a->has_peer == b->has_peer &&
	       (!a->has_peer || vpnha_addr_host_equal(&a->peer, &b->peer));
}

bool vpnha_nl_route_equal(const struct vpnha_nl_route *a, const struct vpnha_nl_route *b)
{
	return vpnha_addr_equal(&a->dst, &b->dst) && a->metric == b->metric && a->has_gw == b->has_gw &&
	       (!a->has_gw || vpnha_addr_host_equal(&a->gw, &b->gw));
}

size_t vpnha_nl_route_index(const struct vpnha_nl_route *v, size_t n, const struct vpnha_nl_route *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vpnha_nl_route_equal(&v[i], r))
			break;
	return i;
}

int vpnha_nl_addr_find(struct vpnha_nl *nl, int ifindex, const struct vpnha_addr *ip, struct vpnha_nl_addr *live)
{
	_vpnha_auto_free struct vpnha_nl_addr *v = NULL;
	int n = vpnha_nl_addr_list(nl, ifindex, &v), i;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if (vpnha_addr_host_equal(&v[i].local, ip)) {
			*live = v[i];
			return 1;
		}
	return 0;
}

enum vpnha_rc vpnha_nl_open_ctx(struct vpnha_ctx *ctx, struct vpnha_nl **nl)
{
	uint64_t left = vpnha_time_left_ms(ctx);
	int r = vpnha_nl_open(nl, left ? left : 1);

	if (r < 0)
		return vpnha_fail(ctx, r == -EPERM ? VPNHA_RC_PERM : VPNHA_RC_ERROR,
				  "cannot open a netlink route socket: %s", strerror(-r));
	return VPNHA_RC_OK;
}
