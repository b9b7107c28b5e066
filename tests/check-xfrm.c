/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/xfrm: traffic-selector parsing, and block policies / policy counting /
 * flushing against the real kernel in a private network namespace.
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "params.h"
#include "proc.h"
#include "xfrm.h"

static char why[256];

static const struct { const char *ts; int ok; const char *addr; unsigned plen; int proto; } tss[] = {
	{ "10.1.0.0/16", 1, "10.1.0.0", 16, 0 },
	{ "198.51.100.1/32[gre]", 1, "198.51.100.1", 32, 47 },
	{ "0.0.0.0/0[udp/53]", 1, "0.0.0.0", 0, 17 },
	{ "0.0.0.0/0[47/0]", 1, "0.0.0.0", 0, 47 },
	{ "dynamic[gre]", 1, "203.0.113.9", 32, 47 },
	{ "dynamic", 1, "203.0.113.9", 32, 0 },
	{ "2001:db8::/32[tcp]", 1, "2001:db8::", 32, 6 },
	{ "10.1.0.0/16[", 0, NULL, 0, 0 },
	{ "10.1.0.0/16[gre]x", 0, NULL, 0, 0 },
	{ "10.1.0.0/16[nosuch]", 0, NULL, 0, 0 },
	{ "10.1.0.0/16[256]", 0, NULL, 0, 0 },
	{ "10.1.0.0/33", 0, NULL, 0, 0 },
	{ "[gre]", 0, NULL, 0, 0 },
	{ "10.1.0.0/16[udp/]", 0, NULL, 0, 0 },
	{ "host", 0, NULL, 0, 0 },
};

START_TEST(test_ts)
{
	struct vpnha_addr dyn, want;
	struct vpnha_xfrm_sel h;
	int r;

	ck_assert_int_eq(vpnha_parse_addr("203.0.113.9", 0, &dyn, why, sizeof(why)), 0);
	r = vpnha_xfrm_ts_parse(tss[_i].ts, &dyn, &h, why, sizeof(why));
	if (!tss[_i].ok) {
		ck_assert_msg(r < 0, "accepted '%s'", tss[_i].ts);
		ck_assert(why[0]);
		return;
	}
	ck_assert_msg(r == 0, "'%s' rejected: %s", tss[_i].ts, why);
	ck_assert_int_eq(vpnha_parse_addr(tss[_i].addr, 0, &want, why, sizeof(why)), 0);
	ck_assert_int_eq(h.src.family, want.family);
	ck_assert_mem_eq(h.src.u.raw, want.u.raw, want.family == AF_INET ? 4 : 16);
	ck_assert_uint_eq(h.src.prefixlen, tss[_i].plen);
	ck_assert_int_eq(h.proto, tss[_i].proto);
}
END_TEST

START_TEST(test_dynamic_needs_addr)
{
	struct vpnha_xfrm_sel h;

	ck_assert_int_eq(vpnha_xfrm_ts_parse("dynamic[gre]", NULL, &h, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(vpnha_xfrm_proto("gre", 3), 47);
	ck_assert_int_eq(vpnha_xfrm_proto("047", 3), -1);
	ck_assert_int_eq(vpnha_xfrm_proto("", 0), -1);
}
END_TEST

static void sel(struct vpnha_xfrm_sel *s, const char *src, const char *dst, int proto)
{
	memset(s, 0, sizeof(*s));
	ck_assert_int_eq(vpnha_parse_prefix(src, 0, &s->src, why, sizeof(why)), 0);
	ck_assert_int_eq(vpnha_parse_prefix(dst, 0, &s->dst, why, sizeof(why)), 0);
	s->proto = (uint8_t)proto;
}

static void private_netns(void)
{
	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s (run as root)", strerror(errno));
}

START_TEST(test_block_policy)
{
	struct vpnha_xfrm *sk;
	struct vpnha_xfrm_sel s, other;
	bool present = true;

	private_netns();
	ck_assert_int_eq(vpnha_xfrm_open(&sk), 0);
	sel(&s, "0.0.0.0/0", "203.0.113.1/32", 47);
	sel(&other, "0.0.0.0/0", "203.0.113.2/32", 47);
	ck_assert_int_eq(vpnha_xfrm_block_present(sk, &s, 3000000, &present), 0);
	ck_assert(!present);
	ck_assert_int_eq(vpnha_xfrm_block_add(sk, &s, 3000000), 0);
	ck_assert_int_eq(vpnha_xfrm_block_add(sk, &s, 3000000), 0); /* idempotent */
	ck_assert_int_eq(vpnha_xfrm_block_present(sk, &s, 3000000, &present), 0);
	ck_assert(present);
	/* another priority or selector is not ours */
	ck_assert_int_eq(vpnha_xfrm_block_present(sk, &s, 3000001, &present), 0);
	ck_assert(!present);
	ck_assert_int_eq(vpnha_xfrm_block_present(sk, &other, 3000000, &present), 0);
	ck_assert(!present);
	ck_assert_int_eq(vpnha_xfrm_block_del(sk, &s, 3000000), 0);
	ck_assert_int_eq(vpnha_xfrm_block_present(sk, &s, 3000000, &present), 0);
	ck_assert(!present);
	ck_assert_int_eq(vpnha_xfrm_block_del(sk, &s, 3000000), 0); /* absent: success */
	vpnha_xfrm_close(sk);
}
END_TEST

/* charon-like ESP policies via ip(8), then count and flush them */
static void ip(const char *const *argv)
{
	struct vpnha_proc_result res;
	const char *const env[] = { NULL };

	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(vpnha_proc_run(argv, env, 5000, 4096, &res), 0);
	ck_assert_msg(res.exited && res.status == 0, "ip xfrm policy add failed");
	vpnha_proc_result_free(&res);
}

START_TEST(test_policy_count_flush)
{
	static const char *const out[] = { "/sbin/ip", "xfrm", "policy", "add", "src", "198.51.100.1/32",
		"dst", "203.0.113.1/32", "proto", "gre", "dir", "out", "priority", "1000", "tmpl", "src",
		"198.51.100.1", "dst", "203.0.113.1", "proto", "esp", "mode", "tunnel", NULL };
	static const char *const in[] = { "/sbin/ip", "xfrm", "policy", "add", "src", "203.0.113.1/32",
		"dst", "198.51.100.1/32", "proto", "gre", "dir", "in", "priority", "1000", "tmpl", "src",
		"203.0.113.1", "dst", "198.51.100.1", "proto", "esp", "mode", "tunnel", NULL };
	static const char *const tr[] = { "/sbin/ip", "xfrm", "policy", "add", "src", "198.51.100.1/32",
		"dst", "203.0.113.1/32", "proto", "gre", "dir", "fwd", "priority", "1000", "tmpl",
		"proto", "esp", "mode", "transport", NULL };
	struct vpnha_xfrm *sk;
	struct vpnha_xfrm_sel o, i, blk;
	struct vpnha_addr a, b;
	unsigned n = 0, nsa = 9, nsp = 0;
	bool present;

	private_netns();
	ip(out);
	ip(in);
	ip(tr);
	ck_assert_int_eq(vpnha_xfrm_open(&sk), 0);
	sel(&o, "198.51.100.1/32", "203.0.113.1/32", 47);
	sel(&i, "203.0.113.1/32", "198.51.100.1/32", 47);
	sel(&blk, "0.0.0.0/0", "203.0.113.1/32", 47);
	ck_assert_int_eq(vpnha_xfrm_policy_count(sk, VPNHA_XFRM_OUT, &o, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(vpnha_xfrm_policy_count(sk, VPNHA_XFRM_IN, &i, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(vpnha_xfrm_policy_count(sk, VPNHA_XFRM_IN, &o, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(vpnha_xfrm_block_add(sk, &blk, 3000000), 0);
	ck_assert_int_eq(vpnha_parse_addr("198.51.100.1", 0, &a, why, sizeof(why)), 0);
	ck_assert_int_eq(vpnha_parse_addr("203.0.113.1", 0, &b, why, sizeof(why)), 0);
	ck_assert_int_eq(vpnha_xfrm_flush_pair(sk, &a, &b, 3000000, &nsa, &nsp), 0);
	ck_assert_uint_eq(nsp, 3); /* tunnel out+in by template, transport by selector */
	ck_assert_uint_eq(nsa, 0);
	ck_assert_int_eq(vpnha_xfrm_policy_count(sk, VPNHA_XFRM_OUT, &o, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* the block policy survives the flush */
	ck_assert_int_eq(vpnha_xfrm_block_present(sk, &blk, 3000000, &present), 0);
	ck_assert(present);
	vpnha_xfrm_close(sk);
}
END_TEST

static Suite *xfrm_suite(void)
{
	Suite *s = suite_create("xfrm");
	TCase *tc = tcase_create("ts");

	tcase_add_loop_test(tc, test_ts, 0, sizeof(tss) / sizeof(tss[0]));
	tcase_add_test(tc, test_dynamic_needs_addr);
	suite_add_tcase(s, tc);
	tc = tcase_create("kernel");
	tcase_add_test(tc, test_block_policy);
	tcase_add_test(tc, test_policy_count_flush);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(xfrm_suite)
