/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <qb/qblog.h>

#include "params.h"
#include "util.h"

struct vpnha_params {
	const struct vpnha_param_def *defs;
	size_t n;
	struct vpnha_value *values;
	char **owned; /* strings to free */
	size_t n_owned;
};

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Printable, bounded rendering of untrusted text for error messages. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; s[i] && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isprint(c) && c != '\'')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	if (s[i])
		snprintf(buf + (o < len - 4 ? o : len - 4), 4, "...");
	else
		buf[o] = '\0';
	return buf;
}

#define SHOW(s) shown((s), (char[48]){0}, 48)

int vpnha_parse_int(const char *s, int64_t min, int64_t max, int64_t *out, char *why, size_t whylen)
{
	char *end;
	long long v;

	if (!s || !*s)
		return fail(why, whylen, "empty, expected an integer");
	if (isspace((unsigned char)*s))
		return fail(why, whylen, "'%s' is not an integer", SHOW(s));
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return fail(why, whylen, "'%s' is not an integer", SHOW(s));
	if (errno == ERANGE || v < min || v > max) {
		fail(why, whylen, "%s is out of range %lld..%lld", SHOW(s), (long long)min, (long long)max);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

int vpnha_parse_bool(const char *s, bool *out, char *why, size_t whylen)
{
	static const char *const yes[] = { "true", "yes", "on", "1", "y" };
	static const char *const no[] = { "false", "no", "off", "0", "n" };
	size_t i;

	if (!s)
		return fail(why, whylen, "empty, expected a boolean");
	for (i = 0; i < VPNHA_ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return fail(why, whylen, "'%s' is not a boolean (true/false, yes/no, on/off, 1/0)", SHOW(s));
}

int vpnha_parse_select(const char *s, const char *const *options, int64_t *idx, char *why, size_t whylen)
{
	char list[256] = "";
	size_t i, o = 0;

	for (i = 0; options && options[i]; i++) {
		if (s && !strcmp(s, options[i])) {
			*idx = (int64_t)i;
			return 0;
		}
		o += (size_t)snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0,
				      "%s%s", i ? ", " : "", options[i]);
		if (o >= sizeof(list))
			o = sizeof(list) - 1;
	}
	return fail(why, whylen, "'%s' is not one of: %s", s ? SHOW(s) : "", list);
}

int vpnha_parse_addr(const char *s, int family, struct vpnha_addr *out, char *why, size_t whylen)
{
	struct vpnha_addr a = { 0 };

	if (!s || !*s)
		return fail(why, whylen, "empty, expected an IP address");
	if (strlen(s) >= INET6_ADDRSTRLEN)
		return fail(why, whylen, "'%s' is not an IP address", SHOW(s));
	if (inet_pton(AF_INET, s, &a.u.v4) == 1) {
		a.family = AF_INET;
		a.prefixlen = 32;
	} else if (inet_pton(AF_INET6, s, &a.u.v6) == 1) {
		a.family = AF_INET6;
		a.prefixlen = 128;
	} else {
		return fail(why, whylen, "'%s' is not an IP address", SHOW(s));
	}
	if (family && a.family != family)
		return fail(why, whylen, "'%s' is not an %s address", SHOW(s),
			    family == AF_INET ? "IPv4" : "IPv6");
	*out = a;
	return 0;
}

int vpnha_parse_prefix(const char *s, int family, struct vpnha_addr *out, char *why, size_t whylen)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash;
	struct vpnha_addr a;
	int64_t len;
	size_t alen;
	int r;

	if (!s || !*s)
		return fail(why, whylen, "empty, expected ADDRESS/LENGTH");
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen >= sizeof(buf))
		return fail(why, whylen, "'%s' is not a prefix", SHOW(s));
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	r = vpnha_parse_addr(buf, family, &a, why, whylen);
	if (r < 0)
		return r;
	if (slash) {
		r = vpnha_parse_int(slash + 1, 0, a.family == AF_INET ? 32 : 128, &len, NULL, 0);
		if (r < 0)
			return fail(why, whylen, "'%s': prefix length must be 0..%d", SHOW(s),
				    a.family == AF_INET ? 32 : 128);
		a.prefixlen = (unsigned)len;
	}
	*out = a;
	return 0;
}

int vpnha_parse_ifname(const char *s, char *why, size_t whylen)
{
	size_t i, len;

	if (!s || !*s)
		return fail(why, whylen, "empty, expected an interface name");
	len = strlen(s);
	if (len >= IFNAMSIZ) {
		fail(why, whylen, "'%s' is longer than %d characters", SHOW(s), IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return fail(why, whylen, "'%s' is not a valid interface name", s);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '/' || c == ':' || isspace(c) || !isgraph(c))
			return fail(why, whylen, "'%s' contains a character not allowed in an interface name",
				    SHOW(s));
	}
	return 0;
}

int vpnha_parse_duration(const char *s, uint64_t min_ms, uint64_t max_ms, uint64_t *out_ms,
			 char *why, size_t whylen)
{
	static const struct { const char *suffix; uint64_t mult; } units[] = {
		{ "", 1000 }, { "ms", 1 }, { "msec", 1 }, { "s", 1000 }, { "sec", 1000 },
		{ "m", 60000 }, { "min", 60000 }, { "h", 3600000 }, { "hr", 3600000 },
	};
	unsigned long long v;
	char *end;
	size_t i;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return fail(why, whylen, "'%s' is not a duration (e.g. 500ms, 3s, 2m)", s ? SHOW(s) : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return fail(why, whylen, "'%s' is too large", SHOW(s));
	for (i = 0; i < VPNHA_ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].suffix)) {
			if (v > UINT64_MAX / units[i].mult)
				return fail(why, whylen, "'%s' is too large", SHOW(s));
			v *= units[i].mult;
			if (v < min_ms || v > max_ms) {
				fail(why, whylen, "%s is out of range %llums..%llums", SHOW(s),
				     (unsigned long long)min_ms, (unsigned long long)max_ms);
				return -ERANGE;
			}
			*out_ms = v;
			return 0;
		}
	}
	return fail(why, whylen, "'%s' has an unknown unit (use ms, s, m or h)", SHOW(s));
}

int vpnha_parse_path(const char *s, char *why, size_t whylen)
{
	const char *p;

	if (!s || !*s)
		return fail(why, whylen, "empty, expected an absolute path");
	if (*s != '/')
		return fail(why, whylen, "'%s' is not an absolute path", SHOW(s));
	if (strlen(s) >= PATH_MAX) {
		fail(why, whylen, "path is longer than %d characters", PATH_MAX - 1);
		return -ENAMETOOLONG;
	}
	for (p = s; *p; p++) {
		if (!isprint((unsigned char)*p))
			return fail(why, whylen, "'%s' contains a control character", SHOW(s));
		if (p[0] == '/' && p[1] == '.' && p[2] == '.' && (p[3] == '/' || p[3] == '\0'))
			return fail(why, whylen, "'%s' contains a '..' component", SHOW(s));
	}
	return 0;
}

const char *vpnha_ptype_ocf(enum vpnha_ptype t)
{
	switch (t) {
	case VPNHA_PT_INT:
		return "integer";
	case VPNHA_PT_BOOL:
		return "boolean";
	case VPNHA_PT_SELECT:
		return "select";
	case VPNHA_PT_STRING:
	case VPNHA_PT_ADDR:
	case VPNHA_PT_PREFIX:
	case VPNHA_PT_IFNAME:
	case VPNHA_PT_DURATION:
	case VPNHA_PT_PATH:
		break;
	}
	return "string";
}

const char *vpnha_addr_str(const struct vpnha_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->u.raw, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

bool vpnha_addr_equal(const struct vpnha_addr *a, const struct vpnha_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->prefixlen == b->prefixlen &&
	       !memcmp(a->u.raw, b->u.raw, n);
}

int vpnha_addr_unicast_check(const struct vpnha_addr *a, unsigned flags, char *why, size_t whylen)
{
	static const uint8_t zero[16];
	const char *what = NULL;
	char s[INET6_ADDRSTRLEN];

	if (a->family == AF_INET) {
		if (!memcmp(a->u.raw, zero, 4))
			what = "unspecified";
		else if ((a->u.raw[0] & 0xf0) == 0xe0)
			what = "multicast";
		else if (!memcmp(a->u.raw, "\xff\xff\xff\xff", 4))
			what = "broadcast";
		else if ((flags & VPNHA_UC_NO_LOOPBACK) && a->u.raw[0] == 127)
			what = "loopback";
	} else if (a->family == AF_INET6) {
		if (!memcmp(a->u.raw, zero, 16))
			what = "unspecified";
		else if (a->u.raw[0] == 0xff)
			what = "multicast";
		else if ((flags & VPNHA_UC_NO_LOOPBACK) && IN6_IS_ADDR_LOOPBACK(&a->u.v6))
			what = "loopback";
	} else {
		return fail(why, whylen, "not an address");
	}
	if (what)
		return fail(why, whylen, "%s is not a unicast address (%s)",
			    vpnha_addr_str(a, s, sizeof(s)), what);
	return 0;
}

int vpnha_validate_unicast(const struct vpnha_val *v, char *why, size_t whylen)
{
	return vpnha_addr_unicast_check(&v->addr, 0, why, whylen);
}

int vpnha_validate_unicast_global(const struct vpnha_val *v, char *why, size_t whylen)
{
	return vpnha_addr_unicast_check(&v->addr, VPNHA_UC_NO_LOOPBACK, why, whylen);
}

bool vpnha_name_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

int vpnha_validate_name(const struct vpnha_val *v, char *why, size_t whylen)
{
	if (vpnha_name_ok(v->str))
		return 0;
	snprintf(why, whylen, "'%.40s' is not a name (letters, digits, '_', '-', '.')", v->str);
	return -EINVAL;
}

static int family_of(unsigned flags)
{
	if (flags & VPNHA_PF_INET4)
		return AF_INET;
	if (flags & VPNHA_PF_INET6)
		return AF_INET6;
	return 0;
}

static int parse_one(const struct vpnha_param_def *d, const char *s, struct vpnha_val *v,
		     char *why, size_t whylen)
{
	int r = 0;

	v->str = s;
	switch (d->type) {
	case VPNHA_PT_STRING:
		if (d->max > 0 && strlen(s) > (size_t)d->max)
			r = fail(why, whylen, "longer than %lld characters", (long long)d->max);
		else if (strpbrk(s, "\n\r"))
			r = fail(why, whylen, "contains a line break");
		break;
	case VPNHA_PT_INT:
		r = vpnha_parse_int(s, d->min, d->max, &v->i, why, whylen);
		break;
	case VPNHA_PT_BOOL:
		r = vpnha_parse_bool(s, &v->b, why, whylen);
		break;
	case VPNHA_PT_SELECT:
		r = vpnha_parse_select(s, d->options, &v->i, why, whylen);
		break;
	case VPNHA_PT_ADDR:
		r = vpnha_parse_addr(s, family_of(d->flags), &v->addr, why, whylen);
		break;
	case VPNHA_PT_PREFIX:
		r = vpnha_parse_prefix(s, family_of(d->flags), &v->addr, why, whylen);
		break;
	case VPNHA_PT_IFNAME:
		r = vpnha_parse_ifname(s, why, whylen);
		break;
	case VPNHA_PT_DURATION:
		r = vpnha_parse_duration(s, (uint64_t)d->min, (uint64_t)d->max, &v->ms, why, whylen);
		break;
	case VPNHA_PT_PATH:
		r = vpnha_parse_path(s, why, whylen);
		break;
	}
	if (r == 0 && d->validate)
		r = d->validate(v, why, whylen);
	return r;
}

static char *keep(struct vpnha_params *p, char *s)
{
	char **n;

	if (!s)
		return NULL;
	n = realloc(p->owned, (p->n_owned + 1) * sizeof(*n));
	if (!n) {
		free(s);
		return NULL;
	}
	p->owned = n;
	p->owned[p->n_owned++] = s;
	return s;
}

static int parse_list(struct vpnha_params *p, const struct vpnha_param_def *d, struct vpnha_value *val,
		      const char *s, char *why, size_t whylen)
{
	char *copy = keep(p, strdup(s));
	char *save = NULL, *tok;
	int r;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, " \t\n,", &save); tok; tok = strtok_r(NULL, " \t\n,", &save)) {
		struct vpnha_val *items = realloc(val->items, (val->n_items + 1) * sizeof(*items));

		if (!items)
			return -ENOMEM;
		val->items = items;
		memset(&items[val->n_items], 0, sizeof(items[0]));
		r = parse_one(d, tok, &items[val->n_items], why, whylen);
		if (r < 0)
			return r;
		val->n_items++;
	}
	return 0;
}

const char *vpnha_param_getenv(const char *name, void *userdata)
{
	char key[128];

	(void)userdata;
	if ((size_t)snprintf(key, sizeof(key), "OCF_RESKEY_%s", name) >= sizeof(key))
		return NULL;
	return getenv(key);
}

int vpnha_params_parse(struct vpnha_params **out, const struct vpnha_param_def *defs, size_t n_defs,
		       vpnha_param_getter get, void *userdata, char *why, size_t whylen)
{
	struct vpnha_params *p;
	char reason[256];
	int first = 0;
	size_t i;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->values = calloc(n_defs ? n_defs : 1, sizeof(*p->values));
	if (!p->values) {
		free(p);
		return -ENOMEM;
	}
	p->defs = defs;
	p->n = n_defs;
	*out = p;

	for (i = 0; i < n_defs; i++) {
		const struct vpnha_param_def *d = &defs[i];
		struct vpnha_value *val = &p->values[i];
		const char *s = get(d->name, userdata);
		int r;

		if (s && *s) {
			val->given = true;
		} else {
			s = d->dflt;
			if (!s) {
				if ((d->flags & VPNHA_PF_REQUIRED) && !first) {
					snprintf(why, whylen, "parameter '%s' is required", d->name);
					first = -EINVAL;
				}
				continue;
			}
		}
		s = keep(p, strdup(s));
		if (!s)
			return -ENOMEM;
		val->present = true;
		if (d->flags & VPNHA_PF_LIST) {
			val->v.str = s;
			r = parse_list(p, d, val, s, reason, sizeof(reason));
		} else {
			r = parse_one(d, s, &val->v, reason, sizeof(reason));
		}
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			val->present = false;
			if (!first) {
				if (why && whylen)
					snprintf(why, whylen, "parameter '%s': %s", d->name, reason);
				first = r;
			}
		}
	}
	return first;
}

void vpnha_params_free(struct vpnha_params *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		free(p->values[i].items);
	for (i = 0; i < p->n_owned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->values);
	free(p);
}

const struct vpnha_value *vpnha_param(const struct vpnha_params *p, const char *name)
{
	static const struct vpnha_value none;
	size_t i;

	for (i = 0; p && i < p->n; i++)
		if (!strcmp(p->defs[i].name, name))
			return &p->values[i];
	qb_log(LOG_ERR, "internal error: undeclared parameter '%s'", name);
	return &none;
}

const struct vpnha_value *vpnha_param_at(const struct vpnha_params *p, size_t idx)
{
	static const struct vpnha_value none;

	if (p && idx < p->n)
		return &p->values[idx];
	qb_log(LOG_ERR, "internal error: parameter index %zu out of range", idx);
	return &none;
}

const char *vpnha_value_str(const struct vpnha_value *v)
{
	return v->present ? v->v.str : NULL;
}

const struct vpnha_addr *vpnha_value_addr(const struct vpnha_value *v)
{
	return v->present ? &v->v.addr : NULL;
}

bool vpnha_param_given(const struct vpnha_params *p, const char *name)
{
	return vpnha_param(p, name)->given;
}

const char *vpnha_param_str(const struct vpnha_params *p, const char *name)
{
	return vpnha_value_str(vpnha_param(p, name));
}

int64_t vpnha_param_int(const struct vpnha_params *p, const char *name)
{
	return vpnha_param(p, name)->v.i;
}

bool vpnha_param_bool(const struct vpnha_params *p, const char *name)
{
	return vpnha_param(p, name)->v.b;
}

uint64_t vpnha_param_ms(const struct vpnha_params *p, const char *name)
{
	return vpnha_param(p, name)->v.ms;
}

const struct vpnha_addr *vpnha_param_addr(const struct vpnha_params *p, const char *name)
{
	return vpnha_value_addr(vpnha_param(p, name));
}
