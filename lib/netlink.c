/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnl-route wrapper: GRE links, link state, addresses, routes (netlink.h).
 *
 * gre, gretap and ip6gre go through libnl's rtnl_link_ipgre_* and
 * rtnl_link_ip6gre_* API. libnl 3.7 has no ip6gretap link type, so that one
 * kind is built and parsed with libnl's message primitives (same IFLA_GRE_*
 * attributes as ip6gre).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <net/if.h> /* before the linux/ headers */
#include <linux/if_tunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/ip6gre.h>
#include <netlink/route/link/ipgre.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "netlink.h"
#include "netlink_internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
/* linux/ip6_tunnel.h: IP6_TNL_F_USE_ORIG_TCLASS */
#define VPNHA_IP6_TNL_F_USE_ORIG_TCLASS 0x2
#define VPNHA_IPV6_DEFAULT_ENCAP_LIMIT 4

struct vpnha_nl {
	struct nl_sock *sk;
	int err;          /* errno of the last NLMSG_ERROR (negative), 0 none */
	char msg[256];    /* its extended-ack text, or the failure text */
};

/* ---- socket, errors ---- */

/* The TLVs after an nlmsgerr: NLMSGERR_ATTR_MSG into msg. */
static void ext_ack_text(const struct nlmsghdr *h, const struct nlmsgerr *e, char *msg, size_t msglen)
{
	size_t total = h->nlmsg_len - NLMSG_HDRLEN, off = sizeof(*e);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	msg[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	off = NLMSG_ALIGN(off);
	if (off >= total || total - off > INT32_MAX)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)(void *)((char *)(void *)(uintptr_t)e + off),
		      (int)(total - off), NULL) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	/* the text is NUL-terminated by the kernel; never trust that */
	snprintf(msg, msglen, "%.*s", (int)strnlen(nla_data(tb[NLMSGERR_ATTR_MSG]),
						  (size_t)nla_len(tb[NLMSGERR_ATTR_MSG])),
		 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

int vpnha_nl_parse_error(const void *buf, size_t len, int *error, char *msg, size_t msglen)
{
	const struct nlmsghdr *h = buf;
	const struct nlmsgerr *e;

	msg[0] = '\0';
	if (len < NLMSG_HDRLEN + sizeof(*e) || h->nlmsg_len > len || h->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) ||
	    h->nlmsg_type != NLMSG_ERROR)
		return -EINVAL;
	e = (const struct nlmsgerr *)(const void *)((const char *)buf + NLMSG_HDRLEN);
	*error = e->error;
	ext_ack_text(h, e, msg, msglen);
	return 0;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct vpnha_nl *nl = arg;
	struct nlmsghdr *h = (struct nlmsghdr *)(void *)((char *)e - NLMSG_HDRLEN);

	(void)who;
	nl->err = e->error < 0 ? e->error : -e->error;
	ext_ack_text(h, e, nl->msg, sizeof(nl->msg));
	return NL_STOP;
}

static void nl_reset(struct vpnha_nl *nl)
{
	nl->err = 0;
	nl->msg[0] = '\0';
}

/* Turn a libnl result into 0 or a negative errno (the kernel's when it sent one). */
static int nl_result(struct vpnha_nl *nl, int nlerr)
{
	int e;

	if (nlerr >= 0)
		return 0;
	if (nl->err < 0) {
		e = nl->err;
	} else {
		switch (-nlerr) {
		case NLE_NOMEM:
			e = -ENOMEM;
			break;
		case NLE_OBJ_NOTFOUND:
			e = -ENODEV;
			break;
		case NLE_AGAIN:
			e = -ETIMEDOUT;
			break;
		case NLE_INVAL:
			e = -EINVAL;
			break;
		case NLE_EXIST:
			e = -EEXIST;
			break;
		case NLE_NODEV:
			e = -ENODEV;
			break;
		case NLE_OPNOTSUPP:
			e = -EOPNOTSUPP;
			break;
		case NLE_PERM:
			e = -EPERM;
			break;
		case NLE_BUSY:
			e = -EBUSY;
			break;
		case NLE_RANGE:
			e = -ERANGE;
			break;
		case NLE_NOADDR:
			e = -EADDRNOTAVAIL;
			break;
		case NLE_NOACCESS:
			e = -EACCES;
			break;
		default:
			e = -EIO;
			break;
		}
		nl->err = e;
		snprintf(nl->msg, sizeof(nl->msg), "%s", nl_geterror(nlerr));
	}
	return e;
}

static int fail_errno(struct vpnha_nl *nl, int e)
{
	nl->err = e;
	nl->msg[0] = '\0';
	return e;
}

const char *vpnha_nl_error(const struct vpnha_nl *nl)
{
	static __thread char buf[320];

	if (!nl)
		return "no netlink socket";
	if (nl->msg[0] && nl->err < 0)
		snprintf(buf, sizeof(buf), "%s (%s)", nl->msg, strerror(-nl->err));
	else if (nl->msg[0])
		snprintf(buf, sizeof(buf), "%s", nl->msg);
	else
		snprintf(buf, sizeof(buf), "%s", strerror(nl->err < 0 ? -nl->err : EIO));
	return buf;
}

int vpnha_nl_open(struct vpnha_nl **out, uint64_t timeout_ms)
{
	struct vpnha_nl *nl;
	int one = 1, r;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
	}
	r = nl_connect(nl->sk, NETLINK_ROUTE);
	if (r < 0) {
		r = r == -NLE_PERM ? -EPERM : -EIO;
		goto fail;
	}
	nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, on_error, nl);
	/* kernel error text in acks; don't echo our request back */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (timeout_ms) {
		struct timeval tv = { .tv_sec = (time_t)(timeout_ms / 1000u),
				      .tv_usec = (suseconds_t)((timeout_ms % 1000u) * 1000u) };

		setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	*out = nl;
	return 0;
fail:
	nl_socket_free(nl->sk);
	free(nl);
	return r;
}

void vpnha_nl_close(struct vpnha_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

/* A private copy of the socket's callbacks (keeps our error handler). */
static struct nl_cb *cb_clone(struct vpnha_nl *nl)
{
	struct nl_cb *s = nl_socket_get_cb(nl->sk); /* takes a reference */
	struct nl_cb *c = s ? nl_cb_clone(s) : NULL;

	if (s)
		nl_cb_put(s);
	return c;
}

/* ---- kinds ---- */

static const char *const kind_names[] = {
	[VPNHA_GRE_KIND_GRE] = "gre",
	[VPNHA_GRE_KIND_GRETAP] = "gretap",
	[VPNHA_GRE_KIND_IP6GRE] = "ip6gre",
	[VPNHA_GRE_KIND_IP6GRETAP] = "ip6gretap",
};

const char *vpnha_gre_kind_str(enum vpnha_gre_kind k)
{
	if ((unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]))
		return kind_names[k];
	return "other";
}

int vpnha_gre_kind_from_str(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strcmp(s, kind_names[i]))
			return (int)i;
	return -1;
}

int vpnha_gre_kind_family(enum vpnha_gre_kind k)
{
	return k == VPNHA_GRE_KIND_IP6GRE || k == VPNHA_GRE_KIND_IP6GRETAP ? AF_INET6 : AF_INET;
}

/* ---- address helpers ---- */

static struct nl_addr *to_nladdr(const struct vpnha_addr *a)
{
	struct nl_addr *n = nl_addr_build(a->family, a->u.raw, a->family == AF_INET ? 4 : 16);

	if (n)
		nl_addr_set_prefixlen(n, (int)a->prefixlen);
	return n;
}

static bool from_nladdr(struct nl_addr *n, struct vpnha_addr *a)
{
	unsigned len;

	memset(a, 0, sizeof(*a));
	if (!n)
		return false;
	len = nl_addr_get_len(n);
	if ((nl_addr_get_family(n) != AF_INET || len != 4) &&
	    (nl_addr_get_family(n) != AF_INET6 || len != 16))
		return false;
	a->family = nl_addr_get_family(n);
	memcpy(a->u.raw, nl_addr_get_binary_addr(n), len);
	a->prefixlen = nl_addr_get_prefixlen(n);
	return true;
}

static bool addr_same(const struct vpnha_addr *a, const struct vpnha_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == 0)
		return true;
	return !memcmp(a->u.raw, b->u.raw, a->family == AF_INET ? 4 : 16);
}

static bool addr_is_any(const struct vpnha_addr *a)
{
	static const uint8_t zero[16];

	return a->family == 0 || !memcmp(a->u.raw, zero, a->family == AF_INET ? 4 : 16);
}

/* ---- ip6gretap through libnl's message primitives ---- */

static int put_ip6gre_data(struct nl_msg *m, const struct vpnha_gre *g)
{
	struct in6_addr any = IN6ADDR_ANY_INIT;
	uint32_t flowinfo = g->tos_inherit ? 0 : htonl((uint32_t)g->tos << 20);
	uint32_t flags = g->tos_inherit ? VPNHA_IP6_TNL_F_USE_ORIG_TCLASS : 0;
	uint16_t kf = g->key_set ? GRE_KEY : 0;

	NLA_PUT_U32(m, IFLA_GRE_LINK, g->link);
	NLA_PUT(m, IFLA_GRE_LOCAL, 16, g->local.family ? (const void *)g->local.u.raw : (const void *)&any);
	NLA_PUT(m, IFLA_GRE_REMOTE, 16, g->remote.u.raw);
	NLA_PUT_U16(m, IFLA_GRE_IFLAGS, kf);
	NLA_PUT_U16(m, IFLA_GRE_OFLAGS, kf);
	NLA_PUT_U32(m, IFLA_GRE_IKEY, g->key_set ? g->ikey : 0);
	NLA_PUT_U32(m, IFLA_GRE_OKEY, g->key_set ? g->okey : 0);
	NLA_PUT_U8(m, IFLA_GRE_TTL, g->ttl);
	NLA_PUT_U8(m, IFLA_GRE_ENCAP_LIMIT, g->encaplimit);
	NLA_PUT_U32(m, IFLA_GRE_FLOWINFO, flowinfo);
	NLA_PUT_U32(m, IFLA_GRE_FLAGS, flags);
	return 0;
nla_put_failure:
	return -ENOMEM;
}

/* RTM_NEWLINK for an ip6gretap: create (ifindex 0, name) or change (ifindex). */
static int ip6gretap_newlink(struct vpnha_nl *nl, int ifindex, const char *ifname,
			     const struct vpnha_gre *g, uint32_t mtu, int flags)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nlattr *linkinfo, *data;
	struct nl_msg *m;
	int r;

	m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | flags);
	if (!m)
		return fail_errno(nl, -ENOMEM);
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		goto nomem;
	if (ifname)
		NLA_PUT_STRING(m, IFLA_IFNAME, ifname);
	if (mtu)
		NLA_PUT_U32(m, IFLA_MTU, mtu);
	linkinfo = nla_nest_start(m, IFLA_LINKINFO);
	if (!linkinfo)
		goto nomem;
	NLA_PUT_STRING(m, IFLA_INFO_KIND, "ip6gretap");
	data = nla_nest_start(m, IFLA_INFO_DATA);
	if (!data || put_ip6gre_data(m, g) < 0)
		goto nomem;
	nla_nest_end(m, data);
	nla_nest_end(m, linkinfo);
	nl_reset(nl);
	r = nl_send_sync(nl->sk, m); /* frees m */
	return nl_result(nl, r);
nla_put_failure:
nomem:
	nlmsg_free(m);
	return fail_errno(nl, -ENOMEM);
}

struct raw_link_ctx {
	struct vpnha_gre *g;
	bool found;
};

static int parse_gre_data(const struct nlmsghdr *h, struct vpnha_gre *g)
{
	static struct nla_policy gre_policy[IFLA_GRE_MAX + 1] = {
		[IFLA_GRE_LINK] = { .type = NLA_U32 },
		[IFLA_GRE_IFLAGS] = { .type = NLA_U16 },
		[IFLA_GRE_IKEY] = { .type = NLA_U32 },
		[IFLA_GRE_OKEY] = { .type = NLA_U32 },
		[IFLA_GRE_TTL] = { .type = NLA_U8 },
		[IFLA_GRE_ENCAP_LIMIT] = { .type = NLA_U8 },
		[IFLA_GRE_FLOWINFO] = { .type = NLA_U32 },
		[IFLA_GRE_FLAGS] = { .type = NLA_U32 },
	};
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *gd[IFLA_GRE_MAX + 1];
	uint32_t flags = 0, flowinfo = 0;

	if (nlmsg_parse((struct nlmsghdr *)(uintptr_t)h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 ||
	    !tb[IFLA_LINKINFO] || nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) < 0 ||
	    !li[IFLA_INFO_DATA] || nla_parse_nested(gd, IFLA_GRE_MAX, li[IFLA_INFO_DATA], gre_policy) < 0)
		return -EINVAL;
	if (gd[IFLA_GRE_LINK])
		g->link = nla_get_u32(gd[IFLA_GRE_LINK]);
	if (gd[IFLA_GRE_LOCAL] && nla_len(gd[IFLA_GRE_LOCAL]) == 16) {
		g->local.family = AF_INET6;
		g->local.prefixlen = 128;
		memcpy(g->local.u.raw, nla_data(gd[IFLA_GRE_LOCAL]), 16);
		if (addr_is_any(&g->local))
			memset(&g->local, 0, sizeof(g->local));
	}
	if (gd[IFLA_GRE_REMOTE] && nla_len(gd[IFLA_GRE_REMOTE]) == 16) {
		g->remote.family = AF_INET6;
		g->remote.prefixlen = 128;
		memcpy(g->remote.u.raw, nla_data(gd[IFLA_GRE_REMOTE]), 16);
	}
	if (gd[IFLA_GRE_IFLAGS])
		g->key_set = (nla_get_u16(gd[IFLA_GRE_IFLAGS]) & GRE_KEY) != 0;
	if (gd[IFLA_GRE_IKEY])
		g->ikey = nla_get_u32(gd[IFLA_GRE_IKEY]);
	if (gd[IFLA_GRE_OKEY])
		g->okey = nla_get_u32(gd[IFLA_GRE_OKEY]);
	if (gd[IFLA_GRE_TTL])
		g->ttl = nla_get_u8(gd[IFLA_GRE_TTL]);
	if (gd[IFLA_GRE_ENCAP_LIMIT])
		g->encaplimit = nla_get_u8(gd[IFLA_GRE_ENCAP_LIMIT]);
	if (gd[IFLA_GRE_FLOWINFO])
		flowinfo = nla_get_u32(gd[IFLA_GRE_FLOWINFO]);
	if (gd[IFLA_GRE_FLAGS])
		flags = nla_get_u32(gd[IFLA_GRE_FLAGS]);
	g->tos_inherit = (flags & VPNHA_IP6_TNL_F_USE_ORIG_TCLASS) != 0;
	g->tos = (uint8_t)((ntohl(flowinfo) >> 20) & 0xff);
	return 0;
}

int vpnha_nl_parse_gre_linkmsg(const void *msg, size_t len, struct vpnha_gre *g)
{
	const struct nlmsghdr *h = msg;

	if (len < NLMSG_HDRLEN || h->nlmsg_len > len || h->nlmsg_len < NLMSG_HDRLEN)
		return -EINVAL;
	return parse_gre_data(h, g);
}

static int parse_ip6gretap(struct nl_msg *m, void *arg)
{
	struct raw_link_ctx *c = arg;

	if (parse_gre_data(nlmsg_hdr(m), c->g) == 0)
		c->found = true;
	return NL_OK;
}

static int ip6gretap_get(struct vpnha_nl *nl, int ifindex, struct vpnha_gre *g)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct raw_link_ctx c = { .g = g };
	struct nl_msg *m;
	struct nl_cb *cb;
	int r;

	m = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST);
	if (!m)
		return fail_errno(nl, -ENOMEM);
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return fail_errno(nl, -ENOMEM);
	}
	nl_reset(nl);
	r = nl_send_auto(nl->sk, m);
	nlmsg_free(m);
	if (r < 0)
		return nl_result(nl, r);
	cb = cb_clone(nl);
	if (!cb)
		return fail_errno(nl, -ENOMEM);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse_ip6gretap, &c);
	r = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (r < 0)
		return nl_result(nl, r);
	/* libnl asked for an ack (auto-ack): read it, or the next request sees it */
	r = nl_wait_for_ack(nl->sk);
	if (r < 0)
		return nl_result(nl, r);
	if (!c.found)
		return fail_errno(nl, -ENODATA);
	return 0;
}

/* ---- GRE links through libnl ---- */

static void gre_read_libnl(struct rtnl_link *l, enum vpnha_gre_kind k, struct vpnha_gre *g)
{
	if (k == VPNHA_GRE_KIND_GRE || k == VPNHA_GRE_KIND_GRETAP) {
		uint32_t local = rtnl_link_ipgre_get_local(l), remote = rtnl_link_ipgre_get_remote(l);

		if (local) {
			g->local.family = AF_INET;
			g->local.prefixlen = 32;
			memcpy(g->local.u.raw, &local, 4);
		}
		g->remote.family = AF_INET;
		g->remote.prefixlen = 32;
		memcpy(g->remote.u.raw, &remote, 4);
		g->link = rtnl_link_ipgre_get_link(l);
		g->key_set = (rtnl_link_ipgre_get_iflags(l) & GRE_KEY) != 0;
		g->ikey = rtnl_link_ipgre_get_ikey(l);
		g->okey = rtnl_link_ipgre_get_okey(l);
		g->ttl = rtnl_link_ipgre_get_ttl(l);
		g->tos = rtnl_link_ipgre_get_tos(l);
		g->tos_inherit = g->tos == 1;
		if (g->tos_inherit)
			g->tos = 0;
		g->pmtudisc = rtnl_link_ipgre_get_pmtudisc(l) != 0;
	} else {
		struct in6_addr a;
		uint32_t u32 = 0, flowinfo = 0, flags = 0;
		uint16_t f16 = 0;
		uint8_t u8 = 0;

		if (rtnl_link_ip6gre_get_local(l, &a) == 0) {
			g->local.family = AF_INET6;
			g->local.prefixlen = 128;
			memcpy(g->local.u.raw, &a, 16);
			if (addr_is_any(&g->local))
				memset(&g->local, 0, sizeof(g->local));
		}
		if (rtnl_link_ip6gre_get_remote(l, &a) == 0) {
			g->remote.family = AF_INET6;
			g->remote.prefixlen = 128;
			memcpy(g->remote.u.raw, &a, 16);
		}
		if (rtnl_link_ip6gre_get_link(l, &u32) == 0)
			g->link = u32;
		if (rtnl_link_ip6gre_get_iflags(l, &f16) == 0)
			g->key_set = (f16 & GRE_KEY) != 0;
		if (rtnl_link_ip6gre_get_ikey(l, &u32) == 0)
			g->ikey = u32;
		if (rtnl_link_ip6gre_get_okey(l, &u32) == 0)
			g->okey = u32;
		if (rtnl_link_ip6gre_get_ttl(l, &u8) == 0)
			g->ttl = u8;
		if (rtnl_link_ip6gre_get_encaplimit(l, &u8) == 0)
			g->encaplimit = u8;
		rtnl_link_ip6gre_get_flowinfo(l, &flowinfo);
		rtnl_link_ip6gre_get_flags(l, &flags);
		g->tos_inherit = (flags & VPNHA_IP6_TNL_F_USE_ORIG_TCLASS) != 0;
		g->tos = (uint8_t)((ntohl(flowinfo) >> 20) & 0xff);
	}
}

/* A libnl link object (of the kind's type) carrying every GRE parameter of g. */
static struct rtnl_link *gre_build_libnl(const struct vpnha_gre *g)
{
	struct rtnl_link *l;
	uint16_t kf = g->key_set ? GRE_KEY : 0;

	switch (g->kind) {
	case VPNHA_GRE_KIND_GRE:
	case VPNHA_GRE_KIND_GRETAP: {
		uint32_t local = 0, remote;

		l = g->kind == VPNHA_GRE_KIND_GRE ? rtnl_link_ipgre_alloc() : rtnl_link_ipgretap_alloc();
		if (!l)
			return NULL;
		if (g->local.family == AF_INET)
			memcpy(&local, g->local.u.raw, 4);
		memcpy(&remote, g->remote.u.raw, 4);
		rtnl_link_ipgre_set_link(l, g->link);
		rtnl_link_ipgre_set_local(l, local);
		rtnl_link_ipgre_set_remote(l, remote);
		rtnl_link_ipgre_set_iflags(l, kf);
		rtnl_link_ipgre_set_oflags(l, kf);
		rtnl_link_ipgre_set_ikey(l, g->key_set ? g->ikey : 0);
		rtnl_link_ipgre_set_okey(l, g->key_set ? g->okey : 0);
		rtnl_link_ipgre_set_ttl(l, g->ttl);
		rtnl_link_ipgre_set_tos(l, g->tos_inherit ? 1 : g->tos);
		rtnl_link_ipgre_set_pmtudisc(l, g->pmtudisc ? 1 : 0);
		return l;
	}
	case VPNHA_GRE_KIND_IP6GRE: {
		struct in6_addr local = IN6ADDR_ANY_INIT, remote;

		l = rtnl_link_ip6gre_alloc();
		if (!l)
			return NULL;
		if (g->local.family == AF_INET6)
			memcpy(&local, g->local.u.raw, 16);
		memcpy(&remote, g->remote.u.raw, 16);
		rtnl_link_ip6gre_set_link(l, g->link);
		rtnl_link_ip6gre_set_local(l, &local);
		rtnl_link_ip6gre_set_remote(l, &remote);
		rtnl_link_ip6gre_set_iflags(l, kf);
		rtnl_link_ip6gre_set_oflags(l, kf);
		rtnl_link_ip6gre_set_ikey(l, g->key_set ? g->ikey : 0);
		rtnl_link_ip6gre_set_okey(l, g->key_set ? g->okey : 0);
		rtnl_link_ip6gre_set_ttl(l, g->ttl);
		rtnl_link_ip6gre_set_encaplimit(l, g->encaplimit);
		rtnl_link_ip6gre_set_flowinfo(l, g->tos_inherit ? 0 : htonl((uint32_t)g->tos << 20));
		rtnl_link_ip6gre_set_flags(l, g->tos_inherit ? VPNHA_IP6_TNL_F_USE_ORIG_TCLASS : 0);
		return l;
	}
	case VPNHA_GRE_KIND_IP6GRETAP:
	case VPNHA_GRE_KIND_OTHER:
		break;
	}
	return NULL;
}

static void link_stats(struct rtnl_link *l, struct vpnha_link *out)
{
	out->rx_bytes = rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES);
	out->tx_bytes = rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES);
	out->rx_packets = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
	out->tx_packets = rtnl_link_get_stat(l, RTNL_LINK_TX_PACKETS);
	out->rx_errors = rtnl_link_get_stat(l, RTNL_LINK_RX_ERRORS);
	out->tx_errors = rtnl_link_get_stat(l, RTNL_LINK_TX_ERRORS);
}

int vpnha_nl_link_get(struct vpnha_nl *nl, const char *ifname, int ifindex, struct vpnha_link *out)
{
	struct rtnl_link *l = NULL;
	const char *kind;
	int r, k;

	memset(out, 0, sizeof(*out));
	nl_reset(nl);
	r = rtnl_link_get_kernel(nl->sk, ifname ? 0 : ifindex, ifname, &l);
	if (r < 0) {
		r = nl_result(nl, r);
		return r == -ENOENT || r == -ENXIO ? fail_errno(nl, -ENODEV) : r;
	}
	out->ifindex = rtnl_link_get_ifindex(l);
	snprintf(out->ifname, sizeof(out->ifname), "%s", rtnl_link_get_name(l) ? rtnl_link_get_name(l) : "");
	kind = rtnl_link_get_type(l);
	snprintf(out->kind, sizeof(out->kind), "%s", kind ? kind : "");
	out->up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
	out->lower_up = (rtnl_link_get_flags(l) & IFF_LOWER_UP) != 0;
	out->mtu = rtnl_link_get_mtu(l);
	link_stats(l, out);
	k = vpnha_gre_kind_from_str(out->kind);
	if (k >= 0) {
		out->is_gre = true;
		out->gre.kind = (enum vpnha_gre_kind)k;
		if (k == VPNHA_GRE_KIND_IP6GRETAP)
			r = ip6gretap_get(nl, out->ifindex, &out->gre);
		else
			gre_read_libnl(l, out->gre.kind, &out->gre);
	} else {
		out->gre.kind = VPNHA_GRE_KIND_OTHER;
	}
	rtnl_link_put(l);
	return r < 0 ? r : 0;
}

int vpnha_nl_ifindex(struct vpnha_nl *nl, const char *ifname)
{
	struct vpnha_link l;
	int r = vpnha_nl_link_get(nl, ifname, 0, &l);

	return r < 0 ? r : l.ifindex;
}

int vpnha_nl_gre_create(struct vpnha_nl *nl, const char *ifname, const struct vpnha_gre *want,
			uint32_t mtu, int *ifindex)
{
	struct rtnl_link *l;
	int r;

	*ifindex = 0;
	if (want->kind == VPNHA_GRE_KIND_IP6GRETAP) {
		r = ip6gretap_newlink(nl, 0, ifname, want, mtu, NLM_F_CREATE | NLM_F_EXCL);
	} else {
		l = gre_build_libnl(want);
		if (!l)
			return fail_errno(nl, -EINVAL);
		rtnl_link_set_name(l, ifname);
		if (mtu)
			rtnl_link_set_mtu(l, mtu);
		nl_reset(nl);
		r = nl_result(nl, rtnl_link_add(nl->sk, l, NLM_F_CREATE | NLM_F_EXCL));
		rtnl_link_put(l);
	}
	if (r < 0)
		return r;
	r = vpnha_nl_ifindex(nl, ifname);
	if (r < 0)
		return r;
	*ifindex = r;
	return 0;
}

int vpnha_nl_gre_change(struct vpnha_nl *nl, int ifindex, const struct vpnha_gre *want)
{
	struct rtnl_link *orig, *l;
	int r;

	if (want->kind == VPNHA_GRE_KIND_IP6GRETAP)
		return ip6gretap_newlink(nl, ifindex, NULL, want, 0, 0);
	l = gre_build_libnl(want);
	if (!l)
		return fail_errno(nl, -EINVAL);
	orig = rtnl_link_alloc();
	if (!orig) {
		rtnl_link_put(l);
		return fail_errno(nl, -ENOMEM);
	}
	rtnl_link_set_ifindex(orig, ifindex);
	nl_reset(nl);
	r = nl_result(nl, rtnl_link_change(nl->sk, orig, l, 0));
	rtnl_link_put(orig);
	rtnl_link_put(l);
	return r;
}

static int link_change_simple(struct vpnha_nl *nl, int ifindex, int up, uint32_t mtu)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *ch = rtnl_link_alloc();
	int r = -ENOMEM;

	if (!orig || !ch) {
		r = fail_errno(nl, -ENOMEM);
		goto out;
	}
	rtnl_link_set_ifindex(orig, ifindex);
	if (up > 0)
		rtnl_link_set_flags(ch, IFF_UP);
	else if (up == 0)
		rtnl_link_unset_flags(ch, IFF_UP);
	if (mtu)
		rtnl_link_set_mtu(ch, mtu);
	nl_reset(nl);
	r = nl_result(nl, rtnl_link_change(nl->sk, orig, ch, 0));
out:
	if (orig)
		rtnl_link_put(orig);
	if (ch)
		rtnl_link_put(ch);
	return r;
}

int vpnha_nl_link_set_up(struct vpnha_nl *nl, int ifindex, bool up)
{
	return link_change_simple(nl, ifindex, up ? 1 : 0, 0);
}

int vpnha_nl_link_set_mtu(struct vpnha_nl *nl, int ifindex, uint32_t mtu)
{
	if (!mtu)
		return fail_errno(nl, -EINVAL);
	return link_change_simple(nl, ifindex, -1, mtu);
}

int vpnha_nl_link_delete(struct vpnha_nl *nl, int ifindex)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int r;

	if (!l)
		return fail_errno(nl, -ENOMEM);
	rtnl_link_set_ifindex(l, ifindex);
	nl_reset(nl);
	r = nl_result(nl, rtnl_link_delete(nl->sk, l));
	rtnl_link_put(l);
	return r;
}

static void describe(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void describe(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	if (*pos > 0) {
		n = snprintf(buf + *pos, len - *pos, ", ");
		*pos += n > 0 ? (size_t)n : 0;
		if (*pos >= len)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	*pos += n > 0 ? (size_t)n : 0;
}

static const char *astr(const struct vpnha_addr *a, char *b, size_t n)
{
	if (addr_is_any(a))
		return "any";
	return vpnha_addr_str(a, b, n);
}

int vpnha_gre_diff(const struct vpnha_gre *live, const struct vpnha_gre *want, char *buf, size_t len)
{
	char b1[INET6_ADDRSTRLEN], b2[INET6_ADDRSTRLEN];
	bool v4 = vpnha_gre_kind_family(want->kind) == AF_INET;
	size_t pos = 0;
	int n = 0;

	if (len)
		buf[0] = '\0';
	if (live->kind != want->kind) {
		describe(buf, len, &pos, "kind %s (want %s)", vpnha_gre_kind_str(live->kind),
			 vpnha_gre_kind_str(want->kind));
		return 1;
	}
	if (!(addr_is_any(&live->local) && addr_is_any(&want->local)) && !addr_same(&live->local, &want->local)) {
		n++;
		describe(buf, len, &pos, "local %s (want %s)", astr(&live->local, b1, sizeof(b1)),
			 astr(&want->local, b2, sizeof(b2)));
	}
	if (!addr_same(&live->remote, &want->remote)) {
		n++;
		describe(buf, len, &pos, "remote %s (want %s)", astr(&live->remote, b1, sizeof(b1)),
			 astr(&want->remote, b2, sizeof(b2)));
	}
	if (live->link != want->link) {
		n++;
		describe(buf, len, &pos, "underlay ifindex %u (want %u)", live->link, want->link);
	}
	if (live->key_set != want->key_set ||
	    (want->key_set && (live->ikey != want->ikey || live->okey != want->okey))) {
		n++;
		if (!live->key_set)
			describe(buf, len, &pos, "key none (want %u)", ntohl(want->ikey));
		else if (!want->key_set)
			describe(buf, len, &pos, "key %u (want none)", ntohl(live->ikey));
		else
			describe(buf, len, &pos, "key %u/%u (want %u)", ntohl(live->ikey), ntohl(live->okey),
				 ntohl(want->ikey));
	}
	if (live->ttl != want->ttl) {
		n++;
		describe(buf, len, &pos, "ttl %u (want %u)", live->ttl, want->ttl);
	}
	if (live->tos_inherit != want->tos_inherit || (!want->tos_inherit && live->tos != want->tos)) {
		n++;
		if (live->tos_inherit)
			describe(buf, len, &pos, "tos inherit (want %u)", want->tos);
		else if (want->tos_inherit)
			describe(buf, len, &pos, "tos %u (want inherit)", live->tos);
		else
			describe(buf, len, &pos, "tos %u (want %u)", live->tos, want->tos);
	}
	if (v4 && live->pmtudisc != want->pmtudisc) {
		n++;
		describe(buf, len, &pos, "pmtudisc %s (want %s)", live->pmtudisc ? "on" : "off",
			 want->pmtudisc ? "on" : "off");
	}
	if (!v4 && live->encaplimit != want->encaplimit) {
		n++;
		describe(buf, len, &pos, "encaplimit %u (want %u)", live->encaplimit, want->encaplimit);
	}
	return n;
}

/* ---- filtered dumps (addresses, routes) ---- */

struct dump_ctx {
	void (*collect)(struct nl_object *, void *);
	void *arg;
};

static int dump_valid(struct nl_msg *m, void *arg)
{
	struct dump_ctx *d = arg;

	/* libnl's own parser for the message type (rtnl_addr / rtnl_route objects) */
	nl_msg_parse(m, d->collect, d->arg);
	return NL_OK;
}

/*
 * Dump TYPE (RTM_GETADDR, RTM_GETROUTE) with the request header hdr (and
 * RTA_OIF when oif for routes). With NETLINK_GET_STRICT_CHK the kernel
 * filters by link and table itself (a full BGP table is not copied to us);
 * on a kernel without it the collector filters. Retried when the kernel
 * reports the dump was interrupted by a concurrent change.
 */
static int dump_filtered(struct vpnha_nl *nl, int type, const void *hdr, size_t hdrlen, int oif,
			 struct dump_ctx *d, void (*restart)(void *))
{
	int fd = nl_socket_get_fd(nl->sk), on = 1, off = 0, attempt, r = 0;
	bool strict;

	strict = setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &on, sizeof(on)) == 0;
	for (attempt = 0; attempt < 3; attempt++) {
		struct nl_msg *m = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_DUMP);
		struct nl_cb *cb;

		if (!m) {
			r = fail_errno(nl, -ENOMEM);
			break;
		}
		if (nlmsg_append(m, (void *)(uintptr_t)hdr, hdrlen, NLMSG_ALIGNTO) < 0 ||
		    (type == RTM_GETROUTE && oif && strict && nla_put_u32(m, RTA_OIF, (uint32_t)oif) < 0)) {
			nlmsg_free(m);
			r = fail_errno(nl, -ENOMEM);
			break;
		}
		restart(d->arg);
		nl_reset(nl);
		r = nl_send_auto(nl->sk, m);
		nlmsg_free(m);
		if (r < 0) {
			r = nl_result(nl, r);
			break;
		}
		cb = cb_clone(nl);
		if (!cb) {
			r = fail_errno(nl, -ENOMEM);
			break;
		}
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, dump_valid, d);
		r = nl_recvmsgs(nl->sk, cb);
		nl_cb_put(cb);
		if (r != -NLE_DUMP_INTR) {
			r = nl_result(nl, r);
			break;
		}
	}
	if (strict)
		setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &off, sizeof(off));
	if (r == -NLE_DUMP_INTR)
		r = fail_errno(nl, -EAGAIN);
	return r;
}

/* ---- addresses ---- */

struct addr_walk {
	int ifindex;
	struct vpnha_nl_addr *v;
	int n;
	bool oom;
};

static void addr_collect(struct nl_object *o, void *arg)
{
	struct rtnl_addr *ra = (struct rtnl_addr *)o;
	struct addr_walk *w = arg;
	struct vpnha_nl_addr a = { 0 }, *nv;

	if (w->oom || (w->ifindex && rtnl_addr_get_ifindex(ra) != w->ifindex))
		return;
	if (!from_nladdr(rtnl_addr_get_local(ra), &a.local))
		return;
	a.local.prefixlen = (unsigned)rtnl_addr_get_prefixlen(ra);
	if (rtnl_addr_get_peer(ra) && from_nladdr(rtnl_addr_get_peer(ra), &a.peer) &&
	    !addr_same(&a.peer, &a.local))
		a.has_peer = true;
	else
		memset(&a.peer, 0, sizeof(a.peer));
	nv = realloc(w->v, ((size_t)w->n + 1) * sizeof(*nv));
	if (!nv) {
		w->oom = true;
		return;
	}
	w->v = nv;
	w->v[w->n++] = a;
}

static void addr_restart(void *arg)
{
	struct addr_walk *w = arg;

	w->n = 0;
	w->oom = false;
}

int vpnha_nl_addr_list(struct vpnha_nl *nl, int ifindex, struct vpnha_nl_addr **out)
{
	struct addr_walk w = { .ifindex = ifindex };
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC, .ifa_index = (uint32_t)(ifindex > 0 ? ifindex : 0) };
	struct dump_ctx d = { addr_collect, &w };
	int r;

	*out = NULL;
	r = dump_filtered(nl, RTM_GETADDR, &ifa, sizeof(ifa), 0, &d, addr_restart);
	if (r < 0) {
		free(w.v);
		return r;
	}
	if (w.oom) {
		free(w.v);
		return fail_errno(nl, -ENOMEM);
	}
	*out = w.v;
	return w.n;
}

static bool addr_match(const struct vpnha_nl_addr *live, const struct vpnha_nl_addr *want)
{
	if (!addr_same(&live->local, &want->local) || live->local.prefixlen != want->local.prefixlen)
		return false;
	if (live->has_peer != want->has_peer)
		return false;
	return !want->has_peer || addr_same(&live->peer, &want->peer);
}

int vpnha_nl_addr_present(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_addr *a)
{
	struct vpnha_nl_addr *v = NULL;
	int n = vpnha_nl_addr_list(nl, ifindex, &v), i, found = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n && !found; i++)
		found = addr_match(&v[i], a);
	free(v);
	return found;
}

int vpnha_nl_addr_on_host(struct vpnha_nl *nl, const struct vpnha_addr *a)
{
	struct vpnha_nl_addr *v = NULL;
	int n = vpnha_nl_addr_list(nl, 0, &v), i, found = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n && !found; i++)
		found = addr_same(&v[i].local, a);
	free(v);
	return found;
}

static struct rtnl_addr *addr_build(int ifindex, const struct vpnha_nl_addr *a)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = NULL, *peer = NULL;

	if (!ra)
		return NULL;
	local = to_nladdr(&a->local);
	if (!local)
		goto fail;
	rtnl_addr_set_ifindex(ra, ifindex);
	if (rtnl_addr_set_local(ra, local) < 0)
		goto fail;
	if (a->has_peer) {
		struct vpnha_addr p = a->peer;

		p.prefixlen = a->local.prefixlen;
		peer = to_nladdr(&p);
		if (!peer || rtnl_addr_set_peer(ra, peer) < 0)
			goto fail;
	}
	rtnl_addr_set_prefixlen(ra, (int)a->local.prefixlen);
	if (a->local.family == AF_INET6)
		rtnl_addr_set_flags(ra, IFA_F_NODAD);
	nl_addr_put(local);
	nl_addr_put(peer);
	return ra;
fail:
	nl_addr_put(local);
	nl_addr_put(peer);
	rtnl_addr_put(ra);
	return NULL;
}

int vpnha_nl_addr_add(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_addr *a)
{
	struct rtnl_addr *ra = addr_build(ifindex, a);
	int r;

	if (!ra)
		return fail_errno(nl, -ENOMEM);
	nl_reset(nl);
	r = nl_result(nl, rtnl_addr_add(nl->sk, ra, NLM_F_EXCL));
	rtnl_addr_put(ra);
	return r;
}

int vpnha_nl_addr_del(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_addr *a)
{
	struct rtnl_addr *ra = addr_build(ifindex, a);
	int r;

	if (!ra)
		return fail_errno(nl, -ENOMEM);
	nl_reset(nl);
	r = nl_result(nl, rtnl_addr_delete(nl->sk, ra, 0));
	rtnl_addr_put(ra);
	return r;
}

/* ---- routes ---- */

uint32_t vpnha_nl_route_metric(int family, uint32_t metric)
{
	return family == AF_INET6 && metric == 0 ? 1024u : metric;
}

struct route_walk {
	int ifindex;
	struct vpnha_nl_route *v;
	int n;
	bool oom;
};

static void route_collect(struct nl_object *o, void *arg)
{
	struct rtnl_route *rr = (struct rtnl_route *)o;
	struct route_walk *w = arg;
	struct vpnha_nl_route r = { 0 }, *nv;
	struct rtnl_nexthop *nh;

	if (w->oom || rtnl_route_get_table(rr) != RT_TABLE_MAIN || rtnl_route_get_type(rr) != RTN_UNICAST ||
	    rtnl_route_get_nnexthops(rr) < 1)
		return;
	nh = rtnl_route_nexthop_n(rr, 0);
	if (!nh || rtnl_route_nh_get_ifindex(nh) != w->ifindex)
		return;
	if (!from_nladdr(rtnl_route_get_dst(rr), &r.dst)) {
		/* the default route has a zero-length dst */
		struct nl_addr *d = rtnl_route_get_dst(rr);

		if (!d || nl_addr_get_len(d) != 0)
			return;
		r.dst.family = rtnl_route_get_family(rr);
		r.dst.prefixlen = 0;
	}
	r.metric = rtnl_route_get_priority(rr);
	if (rtnl_route_nh_get_gateway(nh) && from_nladdr(rtnl_route_nh_get_gateway(nh), &r.gw)) {
		r.has_gw = true;
		r.gw.prefixlen = r.gw.family == AF_INET ? 32 : 128;
	}
	nv = realloc(w->v, ((size_t)w->n + 1) * sizeof(*nv));
	if (!nv) {
		w->oom = true;
		return;
	}
	w->v = nv;
	w->v[w->n++] = r;
}

static void route_restart(void *arg)
{
	struct route_walk *w = arg;

	w->n = 0;
	w->oom = false;
}

int vpnha_nl_route_list(struct vpnha_nl *nl, int ifindex, struct vpnha_nl_route **out)
{
	struct route_walk w = { .ifindex = ifindex };
	struct rtmsg rtm = { .rtm_family = AF_UNSPEC, .rtm_table = RT_TABLE_MAIN };
	struct dump_ctx d = { route_collect, &w };
	int r;

	*out = NULL;
	r = dump_filtered(nl, RTM_GETROUTE, &rtm, sizeof(rtm), ifindex, &d, route_restart);
	if (r < 0) {
		free(w.v);
		return r;
	}
	if (w.oom) {
		free(w.v);
		return fail_errno(nl, -ENOMEM);
	}
	*out = w.v;
	return w.n;
}

int vpnha_nl_route_present(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_route *want)
{
	struct vpnha_nl_route *v = NULL;
	uint32_t metric = vpnha_nl_route_metric(want->dst.family, want->metric);
	int n = vpnha_nl_route_list(nl, ifindex, &v), i, found = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n && !found; i++)
		found = addr_same(&v[i].dst, &want->dst) && v[i].dst.prefixlen == want->dst.prefixlen &&
			v[i].metric == metric && v[i].has_gw == want->has_gw &&
			(!want->has_gw || addr_same(&v[i].gw, &want->gw));
	free(v);
	return found;
}

static struct rtnl_route *route_build(int ifindex, const struct vpnha_nl_route *r)
{
	struct rtnl_route *rr = rtnl_route_alloc();
	struct rtnl_nexthop *nh = NULL;
	struct nl_addr *dst = NULL, *gw = NULL;

	if (!rr)
		return NULL;
	dst = to_nladdr(&r->dst);
	nh = rtnl_route_nh_alloc();
	if (!dst || !nh)
		goto fail;
	rtnl_route_set_family(rr, (uint8_t)r->dst.family);
	rtnl_route_set_table(rr, RT_TABLE_MAIN);
	rtnl_route_set_type(rr, RTN_UNICAST);
	rtnl_route_set_protocol(rr, RTPROT_STATIC);
	rtnl_route_set_scope(rr, r->has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	if (rtnl_route_set_dst(rr, dst) < 0)
		goto fail;
	rtnl_route_set_priority(rr, r->metric);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (r->has_gw) {
		gw = to_nladdr(&r->gw);
		if (!gw)
			goto fail;
		rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
	}
	rtnl_route_add_nexthop(rr, nh);
	nl_addr_put(dst);
	return rr;
fail:
	nl_addr_put(dst);
	if (nh)
		rtnl_route_nh_free(nh);
	rtnl_route_put(rr);
	return NULL;
}

int vpnha_nl_route_add(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_route *r)
{
	struct rtnl_route *rr = route_build(ifindex, r);
	int e;

	if (!rr)
		return fail_errno(nl, -ENOMEM);
	nl_reset(nl);
	e = nl_result(nl, rtnl_route_add(nl->sk, rr, NLM_F_EXCL));
	rtnl_route_put(rr);
	return e;
}

int vpnha_nl_route_del(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_route *r)
{
	struct rtnl_route *rr = route_build(ifindex, r);
	int e;

	if (!rr)
		return fail_errno(nl, -ENOMEM);
	/* delete by key: scope "nowhere" matches any scope (as `ip route del`) */
	rtnl_route_set_scope(rr, RT_SCOPE_NOWHERE);
	nl_reset(nl);
	e = nl_result(nl, rtnl_route_delete(nl->sk, rr, 0));
	rtnl_route_put(rr);
	return e;
}
