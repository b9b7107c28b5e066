/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parameter parsing: every type with valid, boundary and bad values. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>

#include "check-main.h"
#include <stdio.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "params.h"
#include "util.h"

static char why[256];

/* ---- integers ---- */
static const struct { const char *s; int64_t min, max; int ok; int64_t v; } ints[] = {
	{ "0", 0, 255, 1, 0 },
	{ "255", 0, 255, 1, 255 },
	{ "256", 0, 255, 0, 0 },
	{ "-1", 0, 255, 0, 0 },
	{ "-5", -10, 10, 1, -5 },
	{ "12abc", 0, 255, 0, 0 },
	{ "", 0, 255, 0, 0 },
	{ " 5", 0, 255, 0, 0 },
	{ "5 ", 0, 255, 0, 0 },
	{ "0x10", 0, 255, 0, 0 },
	{ "99999999999999999999999", 0, INT64_MAX, 0, 0 },
	{ "4294967295", 1, 4294967295LL, 1, 4294967295LL },
	{ "4294967296", 1, 4294967295LL, 0, 0 },
};

START_TEST(test_int)
{
	int64_t v = -777;
	int r = vpnha_parse_int(ints[_i].s, ints[_i].min, ints[_i].max, &v, why, sizeof(why));

	if (ints[_i].ok) {
		ck_assert_msg(r == 0, "'%s' rejected: %s", ints[_i].s, why);
		ck_assert_int_eq(v, ints[_i].v);
	} else {
		ck_assert_msg(r < 0, "'%s' accepted", ints[_i].s);
		ck_assert_int_eq(v, -777);
		ck_assert_msg(why[0] != '\0', "no reason for '%s'", ints[_i].s);
	}
}
END_TEST

/* ---- booleans (Pacemaker's set) ---- */
static const struct { const char *s; int ok; bool v; } bools[] = {
	{ "true", 1, true }, { "TRUE", 1, true }, { "yes", 1, true }, { "on", 1, true },
	{ "1", 1, true }, { "false", 1, false }, { "no", 1, false }, { "off", 1, false },
	{ "0", 1, false }, { "2", 0, false }, { "", 0, false }, { "truee", 0, false },
};

START_TEST(test_bool)
{
	bool v = !bools[_i].v;
	int r = vpnha_parse_bool(bools[_i].s, &v, why, sizeof(why));

	if (bools[_i].ok) {
		ck_assert_int_eq(r, 0);
		ck_assert_int_eq(v, bools[_i].v);
	} else {
		ck_assert_int_lt(r, 0);
	}
}
END_TEST

/* ---- select ---- */
START_TEST(test_select)
{
	static const char *const opts[] = { "gre", "gretap", NULL };
	int64_t idx = -1;

	ck_assert_int_eq(vpnha_parse_select("gretap", opts, &idx, why, sizeof(why)), 0);
	ck_assert_int_eq(idx, 1);
	ck_assert_int_eq(vpnha_parse_select("gre", opts, &idx, why, sizeof(why)), 0);
	ck_assert_int_eq(idx, 0);
	ck_assert_int_lt(vpnha_parse_select("GRE", opts, &idx, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "gre, gretap"));
	ck_assert_int_lt(vpnha_parse_select("gr", opts, &idx, why, sizeof(why)), 0);
}
END_TEST

/* ---- addresses ---- */
static const struct { const char *s; int family; int ok; int rfam; } addrs[] = {
	{ "198.51.100.1", 0, 1, AF_INET },
	{ "2001:db8::1", 0, 1, AF_INET6 },
	{ "::", 0, 1, AF_INET6 },
	{ "198.51.100.256", 0, 0, 0 },
	{ "198.51.100", 0, 0, 0 },
	{ "198.51.100.1/24", 0, 0, 0 },
	{ "2001:db8::1", AF_INET, 0, 0 },
	{ "198.51.100.1", AF_INET6, 0, 0 },
	{ "", 0, 0, 0 },
	{ "a.b.c.d", 0, 0, 0 },
	{ "1.2.3.4; rm -rf /", 0, 0, 0 },
	{ " 1.2.3.4", 0, 0, 0 },
};

START_TEST(test_addr)
{
	struct vpnha_addr a = { 0 };
	int r = vpnha_parse_addr(addrs[_i].s, addrs[_i].family, &a, why, sizeof(why));

	if (addrs[_i].ok) {
		ck_assert_msg(r == 0, "'%s' rejected: %s", addrs[_i].s, why);
		ck_assert_int_eq(a.family, addrs[_i].rfam);
		ck_assert_uint_eq(a.prefixlen, a.family == AF_INET ? 32 : 128);
	} else {
		ck_assert_msg(r < 0, "'%s' accepted", addrs[_i].s);
	}
}
END_TEST

/* ---- prefixes ---- */
static const struct { const char *s; int ok; unsigned len; } prefixes[] = {
	{ "10.0.0.0/8", 1, 8 }, { "10.0.0.1", 1, 32 }, { "0.0.0.0/0", 1, 0 },
	{ "10.0.0.0/32", 1, 32 }, { "10.0.0.0/33", 0, 0 }, { "10.0.0.0/-1", 0, 0 },
	{ "10.0.0.0/", 0, 0 }, { "2001:db8::/32", 1, 32 }, { "2001:db8::/129", 0, 0 },
	{ "2001:db8::/128", 1, 128 }, { "10.0.0.0/8/8", 0, 0 }, { "/8", 0, 0 },
};

START_TEST(test_prefix)
{
	struct vpnha_addr a = { 0 };
	int r = vpnha_parse_prefix(prefixes[_i].s, 0, &a, why, sizeof(why));

	if (prefixes[_i].ok) {
		ck_assert_msg(r == 0, "'%s' rejected: %s", prefixes[_i].s, why);
		ck_assert_uint_eq(a.prefixlen, prefixes[_i].len);
	} else {
		ck_assert_msg(r < 0, "'%s' accepted", prefixes[_i].s);
	}
}
END_TEST

/* ---- interface names ---- */
static const struct { const char *s; int ok; } ifnames[] = {
	{ "gre1", 1 }, { "vpn-site2", 1 }, { "abcdefghijklmno", 1 }, /* 15 chars: the maximum */
	{ "abcdefghijklmnop", 0 }, { "a/b", 0 }, { "a b", 0 }, { "eth0:1", 0 }, { "", 0 },
	{ ".", 0 }, { "..", 0 }, { "a\tb", 0 }, { "$(reboot)", 1 /* legal for the kernel, never reaches a shell */ },
};

START_TEST(test_ifname)
{
	int r = vpnha_parse_ifname(ifnames[_i].s, why, sizeof(why));

	if (ifnames[_i].ok)
		ck_assert_msg(r == 0, "'%s' rejected: %s", ifnames[_i].s, why);
	else
		ck_assert_msg(r < 0, "'%s' accepted", ifnames[_i].s);
}
END_TEST

/* ---- durations ---- */
static const struct { const char *s; int ok; uint64_t ms; } durations[] = {
	{ "0", 1, 0 }, { "5", 1, 5000 }, { "500ms", 1, 500 }, { "3s", 1, 3000 }, { "2m", 1, 120000 },
	{ "1h", 1, 3600000 }, { "1.5s", 0, 0 }, { "-1s", 0, 0 }, { "5x", 0, 0 }, { "", 0, 0 },
	{ "s", 0, 0 }, { "25h", 0, 0 }, { "18446744073709551615h", 0, 0 },
};

START_TEST(test_duration)
{
	uint64_t ms = 4242;
	int r = vpnha_parse_duration(durations[_i].s, 0, 86400000, &ms, why, sizeof(why));

	if (durations[_i].ok) {
		ck_assert_msg(r == 0, "'%s' rejected: %s", durations[_i].s, why);
		ck_assert_uint_eq(ms, durations[_i].ms);
	} else {
		ck_assert_msg(r < 0, "'%s' accepted", durations[_i].s);
		ck_assert_uint_eq(ms, 4242);
	}
}
END_TEST

START_TEST(test_duration_min)
{
	uint64_t ms;

	ck_assert_int_eq(vpnha_parse_duration("0", 100, 1000, &ms, why, sizeof(why)), -ERANGE);
	ck_assert_int_eq(vpnha_parse_duration("100ms", 100, 1000, &ms, why, sizeof(why)), 0);
	ck_assert_int_eq(vpnha_parse_duration("1s", 100, 1000, &ms, why, sizeof(why)), 0);
	ck_assert_int_eq(vpnha_parse_duration("1001ms", 100, 1000, &ms, why, sizeof(why)), -ERANGE);
}
END_TEST

/* ---- paths ---- */
static const struct { const char *s; int ok; } paths[] = {
	{ "/etc/vpnha/psk", 1 }, { "/", 1 }, { "etc/psk", 0 }, { "", 0 }, { "/etc/../shadow", 0 },
	{ "/etc/..", 0 }, { "/etc/..x", 1 }, { "/a\nb", 0 },
};

START_TEST(test_path)
{
	int r = vpnha_parse_path(paths[_i].s, why, sizeof(why));

	if (paths[_i].ok)
		ck_assert_msg(r == 0, "'%s' rejected: %s", paths[_i].s, why);
	else
		ck_assert_msg(r < 0, "'%s' accepted", paths[_i].s);
}
END_TEST

START_TEST(test_path_too_long)
{
	char p[PATH_MAX + 10];

	memset(p, 'a', sizeof(p) - 1);
	p[0] = '/';
	p[sizeof(p) - 1] = '\0';
	ck_assert_int_eq(vpnha_parse_path(p, why, sizeof(why)), -ENAMETOOLONG);
}
END_TEST

/* ---- whole parameter sets ---- */
static const char *const modes[] = { "gre", "gretap", NULL };

static int reject_odd(const struct vpnha_val *v, char *w, size_t wl)
{
	if (v->i % 2) {
		snprintf(w, wl, "must be even");
		return -EINVAL;
	}
	return 0;
}

static const struct vpnha_param_def defs[] = {
	{ "ifname", VPNHA_PT_IFNAME, NULL, VPNHA_PF_REQUIRED, 0, 0, NULL, NULL },
	{ "ttl", VPNHA_PT_INT, "255", VPNHA_PF_RELOADABLE, 0, 255, NULL, NULL },
	{ "mode", VPNHA_PT_SELECT, "gre", 0, 0, 0, modes, NULL },
	{ "local", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, NULL },
	{ "routes", VPNHA_PT_PREFIX, NULL, VPNHA_PF_LIST, 0, 0, NULL, NULL },
	{ "even", VPNHA_PT_INT, NULL, 0, 0, 100, NULL, reject_odd },
	{ "v4only", VPNHA_PT_ADDR, NULL, VPNHA_PF_INET4, 0, 0, NULL, NULL },
	{ "label", VPNHA_PT_STRING, NULL, 0, 0, 8, NULL, NULL },
	{ "dampen", VPNHA_PT_DURATION, "5s", 0, 0, 60000, NULL, NULL },
	{ "enabled", VPNHA_PT_BOOL, "yes", 0, 0, 0, NULL, NULL },
};

struct kv { const char *k, *v; };

static const char *get_kv(const char *name, void *ud)
{
	const struct kv *kv;

	for (kv = ud; kv->k; kv++)
		if (!strcmp(kv->k, name))
			return kv->v;
	return NULL;
}

static int parse(const struct kv *kv, struct vpnha_params **p)
{
	return vpnha_params_parse(p, defs, VPNHA_ARRAY_SIZE(defs), get_kv, (void *)kv, why, sizeof(why));
}

START_TEST(test_set_defaults)
{
	struct kv kv[] = { { "ifname", "gre1" }, { NULL, NULL } };
	struct vpnha_params *p;

	ck_assert_int_eq(parse(kv, &p), 0);
	ck_assert_str_eq(vpnha_param_str(p, "ifname"), "gre1");
	ck_assert_int_eq(vpnha_param_int(p, "ttl"), 255);
	ck_assert(!vpnha_param_given(p, "ttl"));
	ck_assert(vpnha_param_given(p, "ifname"));
	ck_assert_int_eq(vpnha_param_int(p, "mode"), 0);
	ck_assert_ptr_null(vpnha_param_addr(p, "local"));
	ck_assert_ptr_null(vpnha_param_str(p, "label"));
	ck_assert_uint_eq(vpnha_param_ms(p, "dampen"), 5000);
	ck_assert(vpnha_param_bool(p, "enabled"));
	vpnha_params_free(p);
}
END_TEST

START_TEST(test_set_required_missing)
{
	struct kv kv[] = { { "ttl", "5" }, { NULL, NULL } };
	struct vpnha_params *p;

	ck_assert_int_eq(parse(kv, &p), -EINVAL);
	ck_assert_str_eq(why, "parameter 'ifname' is required");
	vpnha_params_free(p);
}
END_TEST

START_TEST(test_set_names_parameter)
{
	struct kv kv[] = { { "ifname", "gre1" }, { "ttl", "300" }, { NULL, NULL } };
	struct vpnha_params *p;

	ck_assert_int_lt(parse(kv, &p), 0);
	ck_assert_msg(strstr(why, "parameter 'ttl'") && strstr(why, "0..255"), "why: %s", why);
	vpnha_params_free(p);
}
END_TEST

START_TEST(test_set_list)
{
	struct kv kv[] = { { "ifname", "gre1" }, { "routes", "10.1.0.0/16, 10.2.0.0/16\t2001:db8::/48" },
			   { NULL, NULL } };
	const struct vpnha_value *v;
	struct vpnha_params *p;

	ck_assert_int_eq(parse(kv, &p), 0);
	v = vpnha_param(p, "routes");
	ck_assert_uint_eq(v->n_items, 3);
	ck_assert_uint_eq(v->items[0].addr.prefixlen, 16);
	ck_assert_int_eq(v->items[2].addr.family, AF_INET6);
	vpnha_params_free(p);
}
END_TEST

START_TEST(test_set_list_bad_item)
{
	struct kv kv[] = { { "ifname", "gre1" }, { "routes", "10.1.0.0/16 10.2.0.0/99" }, { NULL, NULL } };
	struct vpnha_params *p;

	ck_assert_int_lt(parse(kv, &p), 0);
	ck_assert_msg(strstr(why, "parameter 'routes'") && strstr(why, "10.2.0.0/99"), "why: %s", why);
	vpnha_params_free(p);
}
END_TEST

START_TEST(test_set_validator)
{
	struct kv kv[] = { { "ifname", "gre1" }, { "even", "3" }, { NULL, NULL } };
	struct vpnha_params *p;

	ck_assert_int_lt(parse(kv, &p), 0);
	ck_assert_str_eq(why, "parameter 'even': must be even");
	vpnha_params_free(p);
}
END_TEST

START_TEST(test_set_family_restriction)
{
	struct kv kv[] = { { "ifname", "gre1" }, { "v4only", "2001:db8::1" }, { NULL, NULL } };
	struct vpnha_params *p;

	ck_assert_int_lt(parse(kv, &p), 0);
	ck_assert_ptr_nonnull(strstr(why, "IPv4"));
	vpnha_params_free(p);
}
END_TEST

START_TEST(test_set_string_limits)
{
	struct kv kv[] = { { "ifname", "gre1" }, { "label", "123456789" }, { NULL, NULL } };
	struct kv kv2[] = { { "ifname", "gre1" }, { "label", "a\nb" }, { NULL, NULL } };
	struct vpnha_params *p;

	ck_assert_int_lt(parse(kv, &p), 0);
	vpnha_params_free(p);
	ck_assert_int_lt(parse(kv2, &p), 0);
	ck_assert_ptr_nonnull(strstr(why, "line break"));
	vpnha_params_free(p);
}
END_TEST

START_TEST(test_set_reason_is_printable)
{
	struct kv kv[] = { { "ifname", "a\x1b[31mb/" }, { NULL, NULL } };
	struct vpnha_params *p;
	const char *c;

	ck_assert_int_lt(parse(kv, &p), 0);
	for (c = why; *c; c++)
		ck_assert_msg(*c >= 0x20 && *c < 0x7f, "unprintable byte in reason: %s", why);
	vpnha_params_free(p);
}
END_TEST

START_TEST(test_getenv)
{
	setenv("OCF_RESKEY_ifname", "tun7", 1);
	ck_assert_str_eq(vpnha_param_getenv("ifname", NULL), "tun7");
	unsetenv("OCF_RESKEY_ifname");
	ck_assert_ptr_null(vpnha_param_getenv("ifname", NULL));
}
END_TEST

START_TEST(test_ptype_ocf)
{
	ck_assert_str_eq(vpnha_ptype_ocf(VPNHA_PT_INT), "integer");
	ck_assert_str_eq(vpnha_ptype_ocf(VPNHA_PT_BOOL), "boolean");
	ck_assert_str_eq(vpnha_ptype_ocf(VPNHA_PT_SELECT), "select");
	ck_assert_str_eq(vpnha_ptype_ocf(VPNHA_PT_PREFIX), "string");
}
END_TEST

START_TEST(test_addr_helpers)
{
	struct vpnha_addr a, b;
	char buf[INET6_ADDRSTRLEN];

	ck_assert_int_eq(vpnha_parse_prefix("2001:db8::1/64", 0, &a, why, sizeof(why)), 0);
	ck_assert_str_eq(vpnha_addr_str(&a, buf, sizeof(buf)), "2001:db8::1");
	ck_assert_int_eq(vpnha_parse_prefix("2001:db8:0::1/64", 0, &b, why, sizeof(why)), 0);
	ck_assert(vpnha_addr_equal(&a, &b));
	b.prefixlen = 63;
	ck_assert(!vpnha_addr_equal(&a, &b));
}
END_TEST

START_TEST(test_name_ok)
{
	struct vpnha_val v = { .str = "vrf-blue_1.a" };
	char reason[128] = "";

	ck_assert(vpnha_name_ok("vrf-blue_1.a"));
	ck_assert(vpnha_name_ok(""));
	ck_assert(!vpnha_name_ok("a b"));
	ck_assert(!vpnha_name_ok("a/b"));
	ck_assert(!vpnha_name_ok("\xc3\xa9"));
	ck_assert_int_eq(vpnha_validate_name(&v, reason, sizeof(reason)), 0);
	v.str = "a;b";
	ck_assert_int_eq(vpnha_validate_name(&v, reason, sizeof(reason)), -EINVAL);
	ck_assert_str_eq(reason, "'a;b' is not a name (letters, digits, '_', '-', '.')");
}
END_TEST

static Suite *params_suite(void)
{
	Suite *s = suite_create("params");
	TCase *t = tcase_create("types");
	TCase *set = tcase_create("sets");

	tcase_add_loop_test(t, test_int, 0, VPNHA_ARRAY_SIZE(ints));
	tcase_add_loop_test(t, test_bool, 0, VPNHA_ARRAY_SIZE(bools));
	tcase_add_test(t, test_select);
	tcase_add_loop_test(t, test_addr, 0, VPNHA_ARRAY_SIZE(addrs));
	tcase_add_loop_test(t, test_prefix, 0, VPNHA_ARRAY_SIZE(prefixes));
	tcase_add_loop_test(t, test_ifname, 0, VPNHA_ARRAY_SIZE(ifnames));
	tcase_add_loop_test(t, test_duration, 0, VPNHA_ARRAY_SIZE(durations));
	tcase_add_test(t, test_duration_min);
	tcase_add_loop_test(t, test_path, 0, VPNHA_ARRAY_SIZE(paths));
	tcase_add_test(t, test_path_too_long);
	tcase_add_test(t, test_ptype_ocf);
	tcase_add_test(t, test_addr_helpers);
	suite_add_tcase(s, t);
	tcase_add_test(set, test_set_defaults);
	tcase_add_test(set, test_set_required_missing);
	tcase_add_test(set, test_set_names_parameter);
	tcase_add_test(set, test_set_list);
	tcase_add_test(set, test_set_list_bad_item);
	tcase_add_test(set, test_set_validator);
	tcase_add_test(set, test_set_family_restriction);
	tcase_add_test(set, test_set_string_limits);
	tcase_add_test(set, test_set_reason_is_printable);
	tcase_add_test(set, test_getenv);
	tcase_add_test(set, test_name_ok);
	suite_add_tcase(s, set);
	return s;
}

VPNHA_TEST_MAIN(params_suite)
