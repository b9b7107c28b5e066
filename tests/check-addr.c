/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/addr: address and route text, comparisons (no network needed). */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <arpa/inet.h>
#include <string.h>

#include <errno.h>
#include <stdlib.h>

#include "addr.h"
#include "runstate.h"
#include "testnet.h"
#include "testutil.h"
#include "util.h"

/* r = DST metric METRIC [via GW] */
static void route_set(struct vpnha_nl_route *r, const char *dst, uint32_t metric, const char *gw)
{
	memset(r, 0, sizeof(*r));
	r->dst = test_prefix(dst);
	r->metric = metric;
	if (gw) {
		r->has_gw = true;
		r->gw = test_prefix(gw);
	}
}

START_TEST(test_prefix_str)
{
	char buf[VPNHA_PREFIX_STRLEN];
	struct vpnha_addr a = test_prefix("192.0.2.7/24"), b = test_prefix("2001:db8::1/64");

	ck_assert_str_eq(vpnha_prefix_str(&a, buf, sizeof(buf)), "192.0.2.7/24");
	ck_assert_str_eq(vpnha_prefix_str(&b, buf, sizeof(buf)), "2001:db8::1/64");
}
END_TEST

START_TEST(test_addr_route_str)
{
	char buf[160];
	struct vpnha_nl_addr a = { .local = test_prefix("10.1.1.1/30") };
	struct vpnha_nl_route r, g;

	route_set(&r, "10.20.0.0/16", 20, NULL);
	route_set(&g, "2001:db8:1::/48", 1024, "2001:db8::2");
	ck_assert_str_eq(vpnha_nl_addr_str(&a, buf, sizeof(buf)), "10.1.1.1/30");
	a.has_peer = true;
	a.peer = test_prefix("10.1.1.2");
	ck_assert_str_eq(vpnha_nl_addr_str(&a, buf, sizeof(buf)), "10.1.1.1/30 peer 10.1.1.2");
	ck_assert_str_eq(vpnha_nl_route_str(&r, buf, sizeof(buf)), "10.20.0.0/16 metric 20");
	ck_assert_str_eq(vpnha_nl_route_str(&g, buf, sizeof(buf)), "2001:db8:1::/48 metric 1024 via 2001:db8::2");
}
END_TEST

START_TEST(test_host_equal)
{
	struct vpnha_addr a = test_prefix("192.0.2.7/24"), b = test_prefix("192.0.2.7/32"), c = test_prefix("192.0.2.8/24"), d = test_prefix("::ffff:192.0.2.7");

	ck_assert(vpnha_addr_host_equal(&a, &b));
	ck_assert(!vpnha_addr_equal(&a, &b));
	ck_assert(!vpnha_addr_host_equal(&a, &c));
	ck_assert(!vpnha_addr_host_equal(&a, &d));
}
END_TEST

START_TEST(test_nl_addr_equal)
{
	struct vpnha_nl_addr a = { .local = test_prefix("10.1.1.1/30") }, b = a;

	ck_assert(vpnha_nl_addr_equal(&a, &b));
	b.local = test_prefix("10.1.1.1/31");
	ck_assert(!vpnha_nl_addr_equal(&a, &b));
	b = a;
	b.has_peer = true;
	b.peer = test_prefix("10.1.1.2");
	ck_assert(!vpnha_nl_addr_equal(&a, &b));
	a.has_peer = true;
	a.peer = test_prefix("10.1.1.2/32");
	ck_assert(vpnha_nl_addr_equal(&a, &b)); /* the peer's prefix length does not count */
	a.peer = test_prefix("10.1.1.3");
	ck_assert(!vpnha_nl_addr_equal(&a, &b));
}
END_TEST

START_TEST(test_route_equal_index)
{
	struct vpnha_nl_route v[3], r;

	route_set(&v[0], "10.20.0.0/16", 20, NULL);
	route_set(&v[1], "10.30.0.0/16", 0, NULL);
	route_set(&v[2], "10.40.0.0/16", 0, "10.1.1.2");
	route_set(&r, "10.30.0.0/16", 0, NULL);
	ck_assert_uint_eq(vpnha_nl_route_index(v, 3, &r), 1);
	route_set(&r, "10.20.0.0/16", 21, NULL);
	ck_assert_uint_eq(vpnha_nl_route_index(v, 3, &r), 3);
	route_set(&r, "10.20.0.0/15", 20, NULL);
	ck_assert_uint_eq(vpnha_nl_route_index(v, 3, &r), 3);
	route_set(&r, "10.40.0.0/16", 0, "10.1.1.2");
	ck_assert_uint_eq(vpnha_nl_route_index(v, 3, &r), 2);
	route_set(&r, "10.40.0.0/16", 0, "10.1.1.9");
	ck_assert_uint_eq(vpnha_nl_route_index(v, 3, &r), 3);
	route_set(&r, "10.40.0.0/16", 0, NULL);
	ck_assert_uint_eq(vpnha_nl_route_index(v, 3, &r), 3);
	ck_assert_uint_eq(vpnha_nl_route_index(v, 0, &v[0]), 0);
}
END_TEST

START_TEST(test_route_item)
{
	struct vpnha_addr d;
	uint32_t m = 99;
	char why[128] = "";

	ck_assert_int_eq(vpnha_route_item_parse("10.20.0.0/16", &d, &m, why, sizeof(why)), 0);
	ck_assert_uint_eq(m, 0);
	ck_assert_uint_eq(d.prefixlen, 16);
	ck_assert_int_eq(vpnha_route_item_parse("2001:db8:1::/48@4294967295", &d, &m, why, sizeof(why)), 0);
	ck_assert_uint_eq(m, 4294967295u);
	ck_assert_int_eq(d.family, AF_INET6);
	ck_assert_int_lt(vpnha_route_item_parse("10.20.0.0/16@-1", &d, &m, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "metric after '@'"));
	ck_assert_int_lt(vpnha_route_item_parse("10.20.0.0/33", &d, &m, why, sizeof(why)), 0);
	/* longer than any prefix before the '@' */
	ck_assert_int_lt(vpnha_route_item_parse("2001:0db8:1111:2222:3333:4444:5555:6666:7777:8888/128@1", &d, &m,
						why, sizeof(why)),
			 0);
	ck_assert_ptr_nonnull(strstr(why, "not a prefix"));
}
END_TEST

START_TEST(test_subnet_broadcast)
{
	struct vpnha_addr a = test_prefix("192.0.2.255"), b = test_prefix("192.0.2.7"), c = test_prefix("2001:db8::ff");

	ck_assert(vpnha_addr_is_subnet_broadcast(&a, 24));
	ck_assert(vpnha_addr_is_subnet_broadcast(&a, 30));
	ck_assert(!vpnha_addr_is_subnet_broadcast(&a, 31)); /* /31, /32: no broadcast */
	ck_assert(!vpnha_addr_is_subnet_broadcast(&a, 0));
	ck_assert(vpnha_addr_is_subnet_broadcast(&b, 30)); /* .4/30: .7 is its broadcast */
	ck_assert(!vpnha_addr_is_subnet_broadcast(&b, 24));
	ck_assert(!vpnha_addr_is_subnet_broadcast(&c, 120));
}
END_TEST

/* the vip ownership record: text, ownership test, and the file (VPNHA_RUN_DIR) */
START_TEST(test_addr_owner)
{
	struct vpnha_addr_owner o, back;
	struct vpnha_nl_addr want = { .local = test_prefix("192.0.2.1/24") };
	char buf[256], dir[64];

	ck_assert_int_eq(vpnha_addr_owner_parse("addr=192.0.2.1/32\nifname=eth0\nifindex=9\n", &o), 0);
	ck_assert(o.present);
	ck_assert_str_eq(o.ifname, "eth0");
	ck_assert_int_eq(o.ifindex, 9);
	ck_assert(vpnha_addr_owner_owns(&o, &want, 9) == false); /* /32 recorded, /24 wanted */
	want.local.prefixlen = 32;
	ck_assert(vpnha_addr_owner_owns(&o, &want, 9));
	ck_assert(!vpnha_addr_owner_owns(&o, &want, 8));
	ck_assert_int_eq(vpnha_addr_owner_format(&o, buf, sizeof(buf)), 40);
	ck_assert_str_eq(buf, "addr=192.0.2.1/32\nifname=eth0\nifindex=9\n");
	ck_assert_int_eq(vpnha_addr_owner_format(&o, buf, 10), -ENOSPC);
	ck_assert_int_eq(vpnha_addr_owner_parse("ifname=eth0\nifindex=9\n", &o), -EINVAL);
	ck_assert(!o.present);
	ck_assert(!vpnha_addr_owner_owns(&o, &want, 0));

	ck_assert_ptr_nonnull(test_mkdtemp(dir, sizeof(dir), "check-addr"));
	setenv("VPNHA_RUN_DIR", dir, 1);
	ck_assert_int_eq(vpnha_addr_owner_read("vip", "v1", &back), 0); /* absent */
	ck_assert(!back.present);
	ck_assert_int_eq(vpnha_addr_owner_parse("addr=2001:db8::5/64\nifname=br0\nifindex=3\n", &o), 0);
	ck_assert_int_eq(vpnha_addr_owner_write("vip", "v1", &o), 0);
	ck_assert_int_eq(vpnha_addr_owner_read("vip", "v1", &back), 0);
	ck_assert(back.present && back.ifindex == 3 && !strcmp(back.ifname, "br0"));
	ck_assert(vpnha_addr_equal(&back.addr.local, &o.addr.local));
	ck_assert_int_eq(vpnha_state_write("vip", "v1", "owner", "addr=junk\n", 10), 0);
	ck_assert_int_eq(vpnha_addr_owner_read("vip", "v1", &back), 0); /* unreadable: not ours */
	ck_assert(!back.present);
	test_rmtree(dir);
}
END_TEST

static Suite *addr_suite(void)
{
	const TTest *tests[] = { test_prefix_str, test_addr_route_str, test_host_equal, test_nl_addr_equal, test_route_equal_index, test_route_item,
				 test_subnet_broadcast, test_addr_owner };

	return vpnha_test_suite("addr", "text and comparison", NULL, NULL, tests, VPNHA_ARRAY_SIZE(tests));
}

VPNHA_TEST_MAIN(addr_suite)
