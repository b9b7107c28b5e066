/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* XFRM queries and block policies through libnl-xfrm (dumps only). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/addr.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/selector.h>
#include <netlink/xfrm/sp.h>
#include <netlink/xfrm/template.h>

#include "xfrm.h"

static const struct { const char *name; int num; } protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 }, { "esp", 50 },
	{ "ah", 51 }, { "ipv6-icmp", 58 }, { "icmpv6", 58 }, { "sctp", 132 },
};

int vpnha_xfrm_proto(const char *name, size_t len)
{
	size_t i;
	int v = 0;

	if (len == 0 || len > 16)
		return -1;
	for (i = 0; i < (sizeof(protos) / sizeof(protos[0])); i++)
		if (strlen(protos[i].name) == len && !strncmp(protos[i].name, name, len))
			return protos[i].num;
	for (i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9' || (i == 0 && name[i] == '0' && len > 1))
			return -1;
		v = v * 10 + (name[i] - '0');
		if (v > 255)
			return -1;
	}
	return v;
}

int vpnha_xfrm_ts_parse(const char *ts, const struct vpnha_addr *dynamic,
			struct vpnha_xfrm_sel *half, char *why, size_t whylen)
{
	const char *br = strchr(ts, '[');
	char addr[64];
	size_t alen = br ? (size_t)(br - ts) : strlen(ts);
	int proto = 0;

	memset(half, 0, sizeof(*half));
	if (br) {
		const char *end = strchr(br, ']'), *slash;
		size_t plen;

		if (!end || end[1] != '\0') {
			snprintf(why, whylen, "'%s': unterminated '['", ts);
			return -EINVAL;
		}
		slash = memchr(br + 1, '/', (size_t)(end - br - 1));
		plen = (size_t)((slash ? slash : end) - br - 1);
		if (plen > 0) {
			proto = vpnha_xfrm_proto(br + 1, plen);
			if (proto < 0) {
				snprintf(why, whylen, "'%s': unknown protocol", ts);
				return -EINVAL;
			}
		}
		if (slash && slash + 1 == end) {
			snprintf(why, whylen, "'%s': empty port", ts);
			return -EINVAL;
		}
	}
	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(why, whylen, "'%s': bad address", ts);
		return -EINVAL;
	}
	memcpy(addr, ts, alen);
	addr[alen] = '\0';
	if (!strcmp(addr, "dynamic")) {
		if (!dynamic) {
			snprintf(why, whylen, "'%s': 'dynamic' needs the gateway address", ts);
			return -EINVAL;
		}
		half->src = *dynamic;
		half->src.prefixlen = dynamic->family == AF_INET ? 32 : 128;
	} else if (vpnha_parse_prefix(addr, 0, &half->src, why, whylen) < 0) {
		return -EINVAL;
	}
	half->dst = half->src;
	half->proto = (uint8_t)proto;
	return 0;
}

static int nlerr(int err)
{
	switch (-err) {
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	default: return -EIO;
	}
}

/* The handle agents hold: libnl stays inside this file. */
struct vpnha_xfrm {
	struct nl_sock *sk;
};

int vpnha_xfrm_open(struct vpnha_xfrm **out)
{
	struct vpnha_xfrm *x;
	int err;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->sk = nl_socket_alloc();
	if (!x->sk) {
		free(x);
		return -ENOMEM;
	}
	err = nl_connect(x->sk, NETLINK_XFRM);
	if (err < 0) {
		vpnha_xfrm_close(x);
		return nlerr(err);
	}
	*out = x;
	return 0;
}

void vpnha_xfrm_close(struct vpnha_xfrm *x)
{
	if (!x)
		return;
	nl_socket_free(x->sk);
	free(x);
}

/* Does nl_addr A hold exactly address V (ignoring prefix)? */
static bool addr_is(struct nl_addr *a, const struct vpnha_addr *v)
{
	size_t n = v->family == AF_INET ? 4 : 16;

	if (!a || nl_addr_get_family(a) != v->family || nl_addr_get_len(a) != n)
		return false;
	return !memcmp(nl_addr_get_binary_addr(a), v->u.raw, n);
}

static bool sel_equal(struct xfrmnl_sel *s, const struct vpnha_xfrm_sel *want)
{
	if (!s || xfrmnl_sel_get_family(s) != want->src.family)
		return false;
	if (xfrmnl_sel_get_prefixlen_s(s) != (int)want->src.prefixlen ||
	    xfrmnl_sel_get_prefixlen_d(s) != (int)want->dst.prefixlen ||
	    xfrmnl_sel_get_proto(s) != want->proto)
		return false;
	return addr_is(xfrmnl_sel_get_saddr(s), &want->src) &&
	       addr_is(xfrmnl_sel_get_daddr(s), &want->dst);
}

int vpnha_xfrm_sa_count(struct vpnha_xfrm *x, const struct vpnha_addr *src,
			const struct vpnha_addr *dst, uint32_t spi, unsigned *count)
{
	struct nl_sock *sk = x->sk;
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int err;

	*count = 0;
	err = xfrmnl_sa_alloc_cache(sk, &cache);
	if (err < 0)
		return nlerr(err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct xfrmnl_sa *sa = (struct xfrmnl_sa *)o;

		if (xfrmnl_sa_get_proto(sa) != IPPROTO_ESP)
			continue;
		if (spi && (uint32_t)xfrmnl_sa_get_spi(sa) != spi)
			continue;
		if (addr_is(xfrmnl_sa_get_saddr(sa), src) && addr_is(xfrmnl_sa_get_daddr(sa), dst))
			(*count)++;
	}
	nl_cache_free(cache);
	return 0;
}

static bool sp_has_esp_tmpl(struct xfrmnl_sp *sp)
{
	int i, n = xfrmnl_sp_get_nusertemplates(sp);

	for (i = 0; i < n; i++) {
		struct xfrmnl_user_tmpl *t = xfrmnl_sp_usertemplate_n(sp, i);

		if (t && xfrmnl_user_tmpl_get_proto(t) == IPPROTO_ESP)
			return true;
	}
	return false;
}

int vpnha_xfrm_policy_count(struct vpnha_xfrm *x, enum vpnha_xfrm_dir dir,
			    const struct vpnha_xfrm_sel *sel, unsigned *count)
{
	struct nl_sock *sk = x->sk;
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int err;

	*count = 0;
	err = xfrmnl_sp_alloc_cache(sk, &cache);
	if (err < 0)
		return nlerr(err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct xfrmnl_sp *sp = (struct xfrmnl_sp *)o;

		if (xfrmnl_sp_get_dir(sp) != (int)dir || xfrmnl_sp_get_action(sp) != XFRM_POLICY_ALLOW)
			continue;
		if (sel_equal(xfrmnl_sp_get_sel(sp), sel) && sp_has_esp_tmpl(sp))
			(*count)++;
	}
	nl_cache_free(cache);
	return 0;
}

static struct nl_addr *mk_addr(const struct vpnha_addr *a)
{
	struct nl_addr *n = nl_addr_build(a->family, a->u.raw, a->family == AF_INET ? 4 : 16);

	if (n)
		nl_addr_set_prefixlen(n, (int)a->prefixlen);
	return n;
}

int vpnha_xfrm_block_add(struct vpnha_xfrm *x, const struct vpnha_xfrm_sel *sel, uint32_t prio)
{
	struct nl_sock *sk = x->sk;
	struct xfrmnl_sp *sp = NULL;
	struct xfrmnl_sel *s = NULL;
	struct nl_addr *sa = NULL, *da = NULL;
	bool present = false;
	int err;

	/* the kernel keys a policy on selector+dir (not priority): an add with
	 * NLM_F_EXCL would fail on our own leftover, update replaces it */
	err = vpnha_xfrm_block_present(x, sel, prio, &present);
	if (err < 0)
		return err;
	if (present)
		return 0;
	err = -ENOMEM;
	if (!(sp = xfrmnl_sp_alloc()) || !(s = xfrmnl_sel_alloc()) ||
	    !(sa = mk_addr(&sel->src)) || !(da = mk_addr(&sel->dst)))
		goto out;
	xfrmnl_sel_set_family(s, (unsigned)sel->src.family);
	xfrmnl_sel_set_saddr(s, sa);
	xfrmnl_sel_set_daddr(s, da);
	xfrmnl_sel_set_prefixlen_s(s, sel->src.prefixlen);
	xfrmnl_sel_set_prefixlen_d(s, sel->dst.prefixlen);
	xfrmnl_sel_set_proto(s, sel->proto);
	xfrmnl_sp_set_sel(sp, s);
	xfrmnl_sp_set_index(sp, 0);
	xfrmnl_sp_set_dir(sp, XFRM_POLICY_OUT);
	xfrmnl_sp_set_action(sp, XFRM_POLICY_BLOCK);
	xfrmnl_sp_set_priority(sp, prio);
	xfrmnl_sp_set_share(sp, XFRM_SHARE_ANY);
	err = xfrmnl_sp_update(sk, sp, 0);
	err = err < 0 ? nlerr(err) : 0;
out:
	nl_addr_put(sa);
	nl_addr_put(da);
	if (s)
		xfrmnl_sel_put(s);
	if (sp)
		xfrmnl_sp_put(sp);
	return err;
}

/* Walk block policies matching SEL/PRIO; delete them when del is set. */
static int block_walk(struct nl_sock *sk, const struct vpnha_xfrm_sel *sel, uint32_t prio,
		      bool del, unsigned *found)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int err, ret = 0;

	*found = 0;
	err = xfrmnl_sp_alloc_cache(sk, &cache);
	if (err < 0)
		return nlerr(err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct xfrmnl_sp *sp = (struct xfrmnl_sp *)o;

		if (xfrmnl_sp_get_dir(sp) != XFRM_POLICY_OUT ||
		    xfrmnl_sp_get_action(sp) != XFRM_POLICY_BLOCK ||
		    (uint32_t)xfrmnl_sp_get_priority(sp) != prio ||
		    !sel_equal(xfrmnl_sp_get_sel(sp), sel))
			continue;
		(*found)++;
		if (del) {
			err = xfrmnl_sp_delete(sk, sp, 0);
			if (err < 0 && nlerr(err) != -ENOENT && !ret)
				ret = nlerr(err);
		}
	}
	nl_cache_free(cache);
	return ret;
}

int vpnha_xfrm_block_del(struct vpnha_xfrm *x, const struct vpnha_xfrm_sel *sel, uint32_t prio)
{
	struct nl_sock *sk = x->sk;
	unsigned n;

	return block_walk(sk, sel, prio, true, &n);
}

int vpnha_xfrm_block_present(struct vpnha_xfrm *x, const struct vpnha_xfrm_sel *sel,
			     uint32_t prio, bool *present)
{
	struct nl_sock *sk = x->sk;
	unsigned n = 0;
	int err = block_walk(sk, sel, prio, false, &n);

	*present = n > 0;
	return err;
}

static bool host_sel(struct xfrmnl_sel *s, const struct vpnha_addr *x, const struct vpnha_addr *y)
{
	int full = x->family == AF_INET ? 32 : 128;

	return s && xfrmnl_sel_get_prefixlen_s(s) == full && xfrmnl_sel_get_prefixlen_d(s) == full &&
	       addr_is(xfrmnl_sel_get_saddr(s), x) && addr_is(xfrmnl_sel_get_daddr(s), y);
}

static bool sp_between(struct xfrmnl_sp *sp, const struct vpnha_addr *a, const struct vpnha_addr *b)
{
	int i, n = xfrmnl_sp_get_nusertemplates(sp);
	struct xfrmnl_sel *s = xfrmnl_sp_get_sel(sp);

	for (i = 0; i < n; i++) {
		struct xfrmnl_user_tmpl *t = xfrmnl_sp_usertemplate_n(sp, i);
		struct nl_addr *ts, *td;

		if (!t)
			continue;
		ts = xfrmnl_user_tmpl_get_saddr(t);
		td = xfrmnl_user_tmpl_get_daddr(t);
		if ((addr_is(ts, a) && addr_is(td, b)) || (addr_is(ts, b) && addr_is(td, a)))
			return true;
	}
	/* transport mode templates carry no addresses: match the host selector */
	return n > 0 && (host_sel(s, a, b) || host_sel(s, b, a));
}

int vpnha_xfrm_flush_pair(struct vpnha_xfrm *x, const struct vpnha_addr *a,
			  const struct vpnha_addr *b, uint32_t keep_prio,
			  unsigned *n_sa, unsigned *n_sp)
{
	struct nl_sock *sk = x->sk;
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	unsigned dsa = 0, dsp = 0;
	int err, ret = 0;

	err = xfrmnl_sp_alloc_cache(sk, &cache);
	if (err < 0)
		return nlerr(err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct xfrmnl_sp *sp = (struct xfrmnl_sp *)o;

		if ((uint32_t)xfrmnl_sp_get_priority(sp) == keep_prio || !sp_between(sp, a, b))
			continue;
		err = xfrmnl_sp_delete(sk, sp, 0);
		if (err < 0 && nlerr(err) != -ENOENT) {
			if (!ret)
				ret = nlerr(err);
		} else {
			dsp++;
		}
	}
	nl_cache_free(cache);
	cache = NULL;
	err = xfrmnl_sa_alloc_cache(sk, &cache);
	if (err < 0)
		return ret ? ret : nlerr(err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct xfrmnl_sa *sa = (struct xfrmnl_sa *)o;
		struct nl_addr *s = xfrmnl_sa_get_saddr(sa), *d = xfrmnl_sa_get_daddr(sa);

		if (xfrmnl_sa_get_proto(sa) != IPPROTO_ESP)
			continue;
		if (!((addr_is(s, a) && addr_is(d, b)) || (addr_is(s, b) && addr_is(d, a))))
			continue;
		err = xfrmnl_sa_delete(sk, sa, 0);
		if (err < 0 && nlerr(err) != -ENOENT) {
			if (!ret)
				ret = nlerr(err);
		} else {
			dsa++;
		}
	}
	nl_cache_free(cache);
	if (n_sa)
		*n_sa = dsa;
	if (n_sp)
		*n_sp = dsp;
	return ret;
}
