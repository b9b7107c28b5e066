/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Typed run-state records: one schema per kind over lib/runstate.c (records.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "netlink.h"
#include "params.h"
#include "records.h"
#include "runstate.h"
#include "util.h"

enum rec_type {
	RT_STR,     /* char[size] */
	RT_INT,     /* int, [min, max] */
	RT_I64,     /* int64_t, [min, max] */
	RT_U64,     /* uint64_t, [min, max] (RF_LOOSE: strtoull) */
	RT_BOOL,    /* bool: "1" (RF_STRICT01: 0 or 1 only); written 1 or 0 */
	RT_PREFIX,  /* struct vpnha_addr, ADDR/LEN */
	RT_ADDR,    /* struct vpnha_addr; "" is family 0 (RF_EMPTY_OK) */
	RT_ADDRSTR, /* char[size]: an address, kept in its canonical text */
	RT_NLADDR,  /* struct vpnha_nl_addr: PREFIX[ peer ADDR] */
	RT_NLROUTE, /* struct vpnha_nl_route: PREFIX metric N[ via ADDR] */
	RT_ATTR,    /* struct vpnha_rec_mii_attr: KEYNAME=VALUE */
	RT_LINK,    /* struct vpnha_rec_mii_link: KEYIF=RAW/STABLE[/suppressed] */
};

enum {
	RF_REQ = 1u << 0,          /* required */
	RF_LAST_DECIDES = 1u << 1, /* a bad value unsets an earlier good one */
	RF_TRUNC = 1u << 2,        /* RT_STR: a longer value is cut (else it is bad) */
	RF_LOOSE = 1u << 3,        /* RT_U64: strtoull, never bad */
	RF_OMIT_EMPTY = 1u << 4,   /* RT_STR: no line when "" */
	RF_EMPTY_OK = 1u << 5,     /* RT_ADDR: "" leaves family 0 */
	RF_REPEAT = 1u << 6,       /* an array at off, its size_t count at count_off */
	RF_PREFIXED = 1u << 7,     /* key is a prefix; the rest of the line's key is the item's name */
	RF_STRICT01 = 1u << 8,     /* RT_BOOL: 0 or 1, anything else is bad */
};

struct rec_field {
	const char *key;
	enum rec_type type;
	unsigned flags;
	size_t off, size; /* RT_STR: buffer size; RF_REPEAT: one item's size */
	int64_t min, max; /* numbers */
	size_t count_off, max_items;
	int (*check)(const char *val); /* RT_STR: 0 when acceptable */
};

enum rec_style {
	STYLE_KV,    /* key=value lines */
	STYLE_PID,   /* one value: a pid */
	STYLE_SINCE, /* one value: seconds */
	STYLE_LINES, /* one name a line */
};

struct rec_schema {
	enum rec_style style;
	bool strict;
	size_t line_max; /* lines of line_max bytes or more are bad; 0: no limit */
	size_t size;     /* the typed struct */
	const struct rec_field *fields;
	size_t n_fields;
};

static int check_ifname(const char *v)
{
	return vpnha_parse_ifname(v, NULL, 0);
}

static int check_gre_kind(const char *v)
{
	return vpnha_gre_kind_from_str(v) < 0 ? -EINVAL : 0;
}

static int check_path(const char *v)
{
	return vpnha_parse_path(v, NULL, 0);
}

#define F(st, k, t, fl, member, ...)                                           \
	{                                                                      \
		.key = k, .type = t, .flags = fl, .off = offsetof(st, member), \
		.size = sizeof(((st *)0)->member), __VA_ARGS__                 \
	}
#define FR(st, k, t, fl, member, count)                                                      \
	{                                                                                    \
		.key = k, .type = t, .flags = (fl) | RF_REPEAT, .off = offsetof(st, member), \
		.size = sizeof(((st *)0)->member[0]), .count_off = offsetof(st, count),      \
		.max_items = VPNHA_ARRAY_SIZE(((st *)0)->member)                             \
	}

#define VO struct vpnha_rec_vip_owner
static const struct rec_field vip_owner[] = {
	F(VO, "addr", RT_PREFIX, RF_REQ | RF_LAST_DECIDES, addr),
	F(VO, "ifname", RT_STR, RF_REQ, ifname, .check = check_ifname),
	F(VO, "ifindex", RT_INT, RF_REQ, ifindex, .min = 1, .max = INT32_MAX),
};

#define GO struct vpnha_rec_gre_owner
static const struct rec_field gre_owner[] = {
	F(GO, "ifname", RT_STR, RF_REQ, ifname, .check = check_ifname),
	F(GO, "ifindex", RT_INT, RF_REQ, ifindex, .min = 0, .max = INT32_MAX),
	F(GO, "kind", RT_STR, RF_REQ, kind, .check = check_gre_kind),
	FR(GO, "addr", RT_NLADDR, 0, addrs, n_addrs),
	FR(GO, "route", RT_NLROUTE, 0, routes, n_routes),
};

#define BS struct vpnha_rec_bgp_state
static const struct rec_field bgp_state[] = {
	F(BS, "manage", RT_STR, RF_REQ, manage),
	F(BS, "added", RT_BOOL, RF_STRICT01, added),
	F(BS, "neighbor", RT_ADDRSTR, RF_REQ, neighbor),
	F(BS, "vrf", RT_STR, 0, vrf),
	F(BS, "local_as", RT_I64, RF_REQ, local_as, .min = 1, .max = INT64_C(4294967295)),
	F(BS, "vty_socket_dir", RT_STR, RF_REQ, vty_socket_dir, .check = check_path),
	F(BS, "started_ms", RT_U64, 0, started_ms, .min = 0, .max = INT64_MAX),
};

#define IO struct vpnha_rec_ipsec_owned
static const struct rec_field ipsec_owned[] = {
	F(IO, "conn", RT_STR, RF_TRUNC, conn),
	F(IO, "loaded_conn", RT_BOOL, 0, loaded_conn),
	F(IO, "shared_id", RT_STR, RF_TRUNC, shared_id),
	F(IO, "key_id", RT_STR, RF_TRUNC, key_id),
	F(IO, "local", RT_ADDR, RF_EMPTY_OK, local),
	F(IO, "remote", RT_ADDR, RF_EMPTY_OK, remote),
	F(IO, "started", RT_U64, RF_LOOSE, started),
};

#define MS struct vpnha_rec_mii_status
#define MS_U64(k, m) F(MS, k, RT_U64, 0, m, .min = 0, .max = INT64_MAX)
static const struct rec_field mii_status[] = {
	F(MS, "pid", RT_INT, 0, pid, .min = 2, .max = INT32_MAX),
	MS_U64("updated_ms", updated_ms),
	F(MS, "interval_ms", RT_U64, 0, interval_ms, .min = 1, .max = INT64_MAX),
	F(MS, "initial", RT_BOOL, 0, initial),
	F(MS, "attrd", RT_STR, RF_TRUNC, attrd),
	F(MS, "quorum", RT_STR, RF_TRUNC, quorum),
	MS_U64("events", events),
	MS_U64("cib_refreshes", cib_refreshes),
	MS_U64("publishes", publishes),
	MS_U64("overruns", overruns),
	MS_U64("change_rt_us", change_rt_us),
	MS_U64("publish_rt_us", publish_rt_us),
	F(MS, "error", RT_STR, RF_TRUNC | RF_OMIT_EMPTY, error),
	FR(MS, "attr.", RT_ATTR, RF_PREFIXED, attrs, n_attrs),
	FR(MS, "link.", RT_LINK, RF_PREFIXED, links, n_links),
};

static const struct rec_field pid_rec[] = {
	F(struct vpnha_rec_pid, "", RT_INT, RF_REQ, pid, .min = 2, .max = INT32_MAX),
};
static const struct rec_field since_rec[] = {
	F(struct vpnha_rec_since, "", RT_U64, RF_LOOSE, s),
};
static const struct rec_field names_rec[] = {
	FR(struct vpnha_rec_names, "", RT_STR, 0, names, n),
};

#define SCHEMA(st, str, lmax, tbl, type)                                                           \
	{                                                                                          \
		.style = st, .strict = str, .line_max = lmax, .size = sizeof(type), .fields = tbl, \
		.n_fields = VPNHA_ARRAY_SIZE(tbl)                                                  \
	}
static const struct rec_schema schemas[VPNHA_REC_KIND_COUNT] = {
	[VPNHA_REC_VIP_OWNER] = SCHEMA(STYLE_KV, false, 96, vip_owner, VO),
	[VPNHA_REC_GRE_OWNER] = SCHEMA(STYLE_KV, false, 160, gre_owner, GO),
	[VPNHA_REC_BGP_STATE] = SCHEMA(STYLE_KV, true, 0, bgp_state, BS),
	[VPNHA_REC_IPSEC_OWNED] = SCHEMA(STYLE_KV, false, 0, ipsec_owned, IO),
	[VPNHA_REC_MII_STATUS] = SCHEMA(STYLE_KV, false, 0, mii_status, MS),
	[VPNHA_REC_PID] = SCHEMA(STYLE_PID, true, 0, pid_rec, struct vpnha_rec_pid),
	[VPNHA_REC_SINCE] = SCHEMA(STYLE_SINCE, false, 0, since_rec, struct vpnha_rec_since),
	[VPNHA_REC_NAMES] = SCHEMA(STYLE_LINES, false, 0, names_rec, struct vpnha_rec_names),
};

/* ---- values ---- */

static int nladdr_parse(const char *val, struct vpnha_nl_addr *a)
{
	char w1[64], w2[16], w3[64];
	int k = sscanf(val, "%63s %15s %63s", w1, w2, w3);

	memset(a, 0, sizeof(*a));
	if (k < 1 || vpnha_parse_prefix(w1, 0, &a->local, NULL, 0) < 0)
		return -EINVAL;
	if (k == 3 && !strcmp(w2, "peer") && vpnha_parse_addr(w3, a->local.family, &a->peer, NULL, 0) == 0)
		a->has_peer = true;
	else if (k != 1)
		return -EINVAL;
	return 0;
}

static int nlroute_parse(const char *val, struct vpnha_nl_route *r)
{
	char w1[64], w2[16], m[16], via[8], w4[64];
	int k = sscanf(val, "%63s %15s %15s %7s %63s", w1, w2, m, via, w4);
	int64_t n;

	memset(r, 0, sizeof(*r));
	if (k < 3 || strcmp(w2, "metric") || vpnha_parse_prefix(w1, 0, &r->dst, NULL, 0) < 0 ||
	    vpnha_parse_int(m, 0, INT64_C(4294967295), &n, NULL, 0) < 0)
		return -EINVAL;
	r->metric = (uint32_t)n;
	if (k == 5 && !strcmp(via, "via") && vpnha_parse_addr(w4, r->dst.family, &r->gw, NULL, 0) == 0)
		r->has_gw = true;
	else if (k != 3)
		return -EINVAL;
	return 0;
}

static int tri_parse(const char *s)
{
	int64_t v;

	return vpnha_parse_int(s, -1, 1, &v, NULL, 0) < 0 ? -1 : (int)v;
}

static int link_parse(const char *name, const char *val, struct vpnha_rec_mii_link *l)
{
	char v[64], *pub, *sup;

	if (vpnha_parse_ifname(name, NULL, 0) < 0 || strlen(name) >= sizeof(l->name) || strlen(val) >= sizeof(v))
		return -EINVAL;
	memcpy(v, val, strlen(val) + 1);
	pub = strchr(v, '/');
	if (!pub)
		return -EINVAL;
	*pub++ = '\0';
	sup = strchr(pub, '/');
	if (sup)
		*sup++ = '\0';
	memset(l, 0, sizeof(*l));
	memcpy(l->name, name, strlen(name) + 1);
	l->raw = tri_parse(v);
	l->stable = tri_parse(pub);
	l->suppressed = sup && !strcmp(sup, "suppressed");
	return 0;
}

static int attr_parse(const char *name, const char *val, struct vpnha_rec_mii_attr *a)
{
	if (!*name || strlen(name) >= sizeof(a->name) || strlen(val) >= sizeof(a->value))
		return -EINVAL;
	memcpy(a->name, name, strlen(name) + 1);
	memcpy(a->value, val, strlen(val) + 1);
	return 0;
}

static int str_parse(const struct rec_field *f, const char *val, char *dst)
{
	size_t n = strlen(val);

	if (n >= f->size) {
		if (!(f->flags & RF_TRUNC))
			return -EINVAL;
		n = f->size - 1;
	}
	if (f->check && f->check(val) < 0)
		return -EINVAL;
	memcpy(dst, val, n);
	dst[n] = '\0';
	return 0;
}

static int num_parse(const struct rec_field *f, const char *val, void *dst)
{
	int64_t v;

	if (f->type == RT_U64 && (f->flags & RF_LOOSE)) {
		*(uint64_t *)dst = strtoull(val, NULL, 10);
		return 0;
	}
	if (vpnha_parse_int(val, f->min, f->max, &v, NULL, 0) < 0)
		return -EINVAL;
	if (f->type == RT_INT)
		*(int *)dst = (int)v;
	else if (f->type == RT_I64)
		*(int64_t *)dst = v;
	else
		*(uint64_t *)dst = (uint64_t)v;
	return 0;
}

static int addr_parse(const struct rec_field *f, const char *val, void *dst)
{
	struct vpnha_addr a;

	if (f->type == RT_ADDR && !*val && (f->flags & RF_EMPTY_OK))
		return 0;
	if ((f->type == RT_PREFIX ? vpnha_parse_prefix(val, 0, &a, NULL, 0) : vpnha_parse_addr(val, 0, &a, NULL, 0)) < 0)
		return -EINVAL;
	if (f->type == RT_ADDRSTR)
		vpnha_addr_str(&a, dst, f->size);
	else
		memcpy(dst, &a, sizeof(a));
	return 0;
}

/* One value (name: the rest of a prefixed key) into dst; 0 or -EINVAL. */
static int value_parse(const struct rec_field *f, const char *name, const char *val, void *dst)
{
	switch (f->type) {
	case RT_STR:
		return str_parse(f, val, dst);
	case RT_INT:
	case RT_I64:
	case RT_U64:
		return num_parse(f, val, dst);
	case RT_BOOL:
		if ((f->flags & RF_STRICT01) && strcmp(val, "0") && strcmp(val, "1"))
			return -EINVAL;
		*(bool *)dst = !strcmp(val, "1");
		return 0;
	case RT_PREFIX:
	case RT_ADDR:
	case RT_ADDRSTR:
		return addr_parse(f, val, dst);
	case RT_NLADDR:
		return nladdr_parse(val, dst);
	case RT_NLROUTE:
		return nlroute_parse(val, dst);
	case RT_ATTR:
		return attr_parse(name, val, dst);
	case RT_LINK:
		return link_parse(name, val, dst);
	}
	return -EINVAL;
}

/* ---- reading ---- */

static const struct rec_field *field_find(const struct rec_schema *s, const char *key, const char **name)
{
	for (size_t i = 0; i < s->n_fields; i++) {
		const struct rec_field *f = &s->fields[i];

		if ((f->flags & RF_PREFIXED) ? !strncmp(key, f->key, strlen(f->key)) : !strcmp(key, f->key)) {
			*name = key + strlen(f->key);
			return f;
		}
	}
	return NULL;
}

/* Apply one key=value to out, marking the field in *seen; 0 or -EINVAL. */
static int field_set(const struct rec_schema *s, const char *key, const char *val, void *out, uint32_t *seen)
{
	const char *name;
	const struct rec_field *f = field_find(s, key, &name);
	uint32_t bit;
	char *dst;
	size_t *count;

	if (!f)
		return 0; /* unknown: ignored */
	bit = 1u << (f - s->fields);
	dst = (char *)out + f->off;
	if (f->flags & RF_REPEAT) {
		count = (size_t *)(void *)((char *)out + f->count_off);
		if (*count >= f->max_items)
			return 0;
		if (value_parse(f, name, val, dst + *count * f->size) < 0)
			return -EINVAL;
		(*count)++;
	} else if (value_parse(f, name, val, dst) < 0) {
		if (f->flags & RF_LAST_DECIDES)
			*seen &= ~bit;
		return -EINVAL;
	}
	*seen |= bit;
	return 0;
}

static void record_init(const struct rec_schema *s, void *out)
{
	memset(out, 0, s->size);
	for (size_t i = 0; i < s->n_fields; i++)
		if (!strcmp(s->fields[i].key, "ifindex"))
			*(int *)(void *)((char *)out + s->fields[i].off) = -1;
}

static int required_check(const struct rec_schema *s, uint32_t seen)
{
	for (size_t i = 0; i < s->n_fields; i++)
		if ((s->fields[i].flags & RF_REQ) && !(seen & (1u << i)))
			return -EBADMSG;
	return 0;
}

/* key=value lines through vpnha_record_next() */
static int kv_parse(const struct rec_schema *s, const char *text, void *out)
{
	size_t size = s->line_max ? s->line_max : strlen(text) + 1;
	_vpnha_auto_free char *buf = malloc(size);
	const char *cur = text, *line, *key, *val;
	uint32_t seen = 0;
	int r;

	if (!buf)
		return -ENOMEM;
	for (line = cur; (r = vpnha_record_next(&cur, buf, size, &key, &val)) != 0; line = cur) {
		size_t len = (size_t)(cur - line) - (cur[-1] == '\n');

		if (r < 0) {
			/* an empty line, or one whose key is no key of ours, is no error */
			if (len == 0 || (r == -EBADMSG && memchr(line, '=', len)))
				continue;
			if (s->strict)
				return -EBADMSG;
			continue;
		}
		if (field_set(s, key, val, out, &seen) < 0 && s->strict)
			return -EBADMSG;
	}
	return required_check(s, seen);
}

static int lines_parse(const struct rec_schema *s, const char *text, void *out)
{
	const char *p = text;
	uint32_t seen = 0;
	char line[256];

	while (*p) {
		size_t len = strcspn(p, "\n");

		if (len > 0 && len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			field_set(s, "", line, out, &seen);
		}
		p += len + (p[len] == '\n');
	}
	return 0;
}

int vpnha_record_parse(enum vpnha_rec_kind kind, const char *text, void *out)
{
	const struct rec_schema *s;
	char first[32];
	uint32_t seen = 0;
	size_t len = strcspn(text, "\n");

	if ((unsigned)kind >= VPNHA_REC_KIND_COUNT)
		return -EINVAL;
	s = &schemas[kind];
	record_init(s, out);
	switch (s->style) {
	case STYLE_KV:
		return kv_parse(s, text, out);
	case STYLE_LINES:
		return lines_parse(s, text, out);
	case STYLE_SINCE:
		return num_parse(&s->fields[0], text, out); /* strtoull: never bad */
	case STYLE_PID:
		break;
	}
	if (len < sizeof(first)) {
		memcpy(first, text, len);
		first[len] = '\0';
		if (field_set(s, "", first, out, &seen) == 0 && required_check(s, seen) == 0)
			return 0;
	}
	record_init(s, out);
	return -EBADMSG;
}

/* ---- writing ---- */

struct out {
	char *buf;
	size_t size, pos;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->size - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->pos)
		o->full = true;
	else
		o->pos += (size_t)n;
}

static const char *prefix_text(const struct vpnha_addr *a, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", vpnha_addr_str(a, s, sizeof(s)), a->prefixlen);
	return buf;
}

static void item_put(struct out *o, const struct rec_field *f, const void *src)
{
	const struct vpnha_nl_addr *a = src;
	const struct vpnha_nl_route *r = src;
	const struct vpnha_rec_mii_attr *at = src;
	const struct vpnha_rec_mii_link *l = src;
	char p[INET6_ADDRSTRLEN + 8], q[INET6_ADDRSTRLEN];

	if (f->type == RT_NLADDR && a->has_peer)
		put(o, "%s=%s peer %s\n", f->key, prefix_text(&a->local, p, sizeof(p)),
		    vpnha_addr_str(&a->peer, q, sizeof(q)));
	else if (f->type == RT_NLADDR)
		put(o, "%s=%s\n", f->key, prefix_text(&a->local, p, sizeof(p)));
	else if (f->type == RT_NLROUTE && r->has_gw)
		put(o, "%s=%s metric %u via %s\n", f->key, prefix_text(&r->dst, p, sizeof(p)), r->metric,
		    vpnha_addr_str(&r->gw, q, sizeof(q)));
	else if (f->type == RT_NLROUTE)
		put(o, "%s=%s metric %u\n", f->key, prefix_text(&r->dst, p, sizeof(p)), r->metric);
	else if (f->type == RT_ATTR)
		put(o, "%s%s=%s\n", f->key, at->name, at->value);
	else if (f->type == RT_LINK)
		put(o, "%s%s=%d/%d%s\n", f->key, l->name, l->raw, l->stable, l->suppressed ? "/suppressed" : "");
	else if (f->type == RT_STR)
		put(o, "%s\n", (const char *)src); /* STYLE_LINES */
}

static void value_put(struct out *o, const struct rec_field *f, const char *key, const void *src)
{
	const struct vpnha_addr *a = src;
	char p[INET6_ADDRSTRLEN + 8];

	switch (f->type) {
	case RT_STR:
	case RT_ADDRSTR:
		if (!(f->flags & RF_OMIT_EMPTY) || *(const char *)src)
			put(o, "%s%s\n", key, (const char *)src);
		break;
	case RT_INT:
		put(o, "%s%d\n", key, *(const int *)src);
		break;
	case RT_I64:
		put(o, "%s%" PRId64 "\n", key, *(const int64_t *)src);
		break;
	case RT_U64:
		put(o, "%s%" PRIu64 "\n", key, *(const uint64_t *)src);
		break;
	case RT_BOOL:
		put(o, "%s%d\n", key, *(const bool *)src ? 1 : 0);
		break;
	case RT_PREFIX:
		put(o, "%s%s\n", key, prefix_text(a, p, sizeof(p)));
		break;
	case RT_ADDR:
		put(o, "%s%s\n", key, a->family ? vpnha_addr_str(a, p, sizeof(p)) : "");
		break;
	default:
		item_put(o, f, src);
	}
}

int vpnha_record_format(enum vpnha_rec_kind kind, const void *in, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	const struct rec_schema *s;
	char key[64];

	if ((unsigned)kind >= VPNHA_REC_KIND_COUNT || size == 0)
		return -EINVAL;
	s = &schemas[kind];
	buf[0] = '\0';
	for (size_t i = 0; i < s->n_fields; i++) {
		const struct rec_field *f = &s->fields[i];
		const char *src = (const char *)in + f->off;

		snprintf(key, sizeof(key), "%s%s", f->key, s->style == STYLE_KV ? "=" : "");
		if (f->flags & RF_REPEAT) {
			size_t n = *(const size_t *)(const void *)((const char *)in + f->count_off);

			for (size_t k = 0; k < n && k < f->max_items; k++)
				item_put(&o, f, src + k * f->size);
		} else {
			value_put(&o, f, key, src);
		}
	}
	return o.full ? -ENOSPC : (int)o.pos;
}

int vpnha_record_read(enum vpnha_rec_kind kind, const char *agent, const char *instance, const char *key,
		      void *out)
{
	_vpnha_auto_free char *text = NULL;
	size_t len;
	int r;

	if ((unsigned)kind >= VPNHA_REC_KIND_COUNT)
		return -EINVAL;
	record_init(&schemas[kind], out);
	r = vpnha_state_read(agent, instance, key, &text, &len);
	if (r < 0)
		return r;
	return vpnha_record_parse(kind, text, out);
}

int vpnha_record_read_owner(enum vpnha_rec_kind kind, const char *agent, const char *instance, const char *key,
			    void *out, const char *what)
{
	int r = vpnha_record_read(kind, agent, instance, key, out);

	if (r == -ENOENT)
		return 0;
	if (r == -EBADMSG) { /* the parser's only error: the file itself was read */
		vpnha_log_warn("ownership record is unreadable; treating the %s as not ours", what);
		return 0;
	}
	return r < 0 ? r : 1;
}

#define RECORD_MAX 65536

int vpnha_record_write(enum vpnha_rec_kind kind, const char *agent, const char *instance, const char *key,
		       const void *in)
{
	_vpnha_auto_free char *buf = malloc(RECORD_MAX);
	int n;

	if (!buf)
		return -ENOMEM;
	n = vpnha_record_format(kind, in, buf, RECORD_MAX);
	if (n < 0)
		return n;
	return vpnha_state_write(agent, instance, key, buf, (size_t)n);
}
