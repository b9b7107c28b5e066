/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mii-link's state machine with a fake clock: dampening, flap suppression,
 * aggregation, multiplier, plus an exhaustive sweep of observation patterns
 * checked against invariants; and link notification parsing.
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <net/if.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "linkstate.h"
#include "linkwatch.h"

static struct vpnha_ls ls;

static void setup_ls(uint64_t dampen, unsigned thr, uint64_t win, bool all, int64_t mult, size_t nifs)
{
	struct vpnha_ls_cfg cfg = { dampen, thr, win, all, mult };
	char why[128] = "";
	char name[VPNHA_IFNAMSIZ];
	size_t i;

	ck_assert_msg(vpnha_ls_cfg_check(&cfg, why, sizeof(why)) == 0, "cfg rejected: %s", why);
	vpnha_ls_init(&ls, &cfg);
	for (i = 0; i < nifs; i++) {
		snprintf(name, sizeof(name), "eth%zu", i);
		ck_assert_int_eq(vpnha_ls_add(&ls, name), (int)i);
	}
}

START_TEST(test_cfg_check)
{
	struct vpnha_ls_cfg ok = { 0, 3, 10000, true, 1 };
	struct vpnha_ls_cfg c;
	char why[128];

	ck_assert_int_eq(vpnha_ls_cfg_check(&ok, why, sizeof(why)), 0);
	c = ok;
	c.multiplier = 0;
	ck_assert_int_eq(vpnha_ls_cfg_check(&c, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "multiplier"));
	c = ok;
	c.flap_window_ms = 0;
	ck_assert_int_eq(vpnha_ls_cfg_check(&c, why, sizeof(why)), -EINVAL);
	c.flap_threshold = 0; /* no suppression: window unused */
	ck_assert_int_eq(vpnha_ls_cfg_check(&c, why, sizeof(why)), 0);
	c = ok;
	c.flap_threshold = VPNHA_LS_MAX_FLAPS + 1;
	ck_assert_int_eq(vpnha_ls_cfg_check(&c, why, sizeof(why)), -EINVAL);
}
END_TEST

START_TEST(test_add_find)
{
	char name[VPNHA_IFNAMSIZ];
	int i;

	setup_ls(0, 0, 0, true, 1, 0);
	ck_assert_int_eq(vpnha_ls_add(&ls, "eth0"), 0);
	ck_assert_int_eq(vpnha_ls_add(&ls, "eth0"), -EEXIST);
	ck_assert_int_eq(vpnha_ls_add(&ls, ""), -EINVAL);
	ck_assert_int_eq(vpnha_ls_add(&ls, "a23456789012345678"), -EINVAL);
	for (i = 1; i < VPNHA_LS_MAX_IFS; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		ck_assert_int_eq(vpnha_ls_add(&ls, name), i);
	}
	ck_assert_int_eq(vpnha_ls_add(&ls, "one-too-many"), -E2BIG);
	ck_assert_int_eq(vpnha_ls_find(&ls, "x3"), 3);
	ck_assert_int_eq(vpnha_ls_find(&ls, "nope"), -1);
	/* out-of-range index is ignored */
	ck_assert(!vpnha_ls_observe(&ls, VPNHA_LS_MAX_IFS, true, 0));
	ck_assert_int_eq(vpnha_ls_value(&ls, VPNHA_LS_MAX_IFS), -1);
}
END_TEST

START_TEST(test_initial_and_immediate)
{
	setup_ls(0, 0, 0, true, 1, 1);
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), -1);
	ck_assert_int_eq(vpnha_ls_aggregate(&ls), -1);
	ck_assert(vpnha_ls_observe(&ls, 0, true, 1000));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 1);
	ck_assert(!vpnha_ls_observe(&ls, 0, true, 1001)); /* same state: nothing */
	ck_assert(vpnha_ls_observe(&ls, 0, false, 1002));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 0);
	ck_assert_int_eq(vpnha_ls_aggregate(&ls), 0);
	ck_assert(vpnha_ls_observe(&ls, 0, true, 1003));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 1);
	ck_assert_uint_eq(ls.ifs[0].changes, 2);
	ck_assert_uint_eq(vpnha_ls_next_deadline(&ls), UINT64_MAX);
}
END_TEST

START_TEST(test_initial_not_dampened)
{
	setup_ls(5000, 3, 10000, true, 1, 1);
	ck_assert(vpnha_ls_observe(&ls, 0, false, 0));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 0);
}
END_TEST

START_TEST(test_dampen)
{
	setup_ls(500, 0, 0, true, 1, 1);
	ck_assert(vpnha_ls_observe(&ls, 0, true, 0));
	ck_assert(!vpnha_ls_observe(&ls, 0, false, 1000));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 1);
	ck_assert_uint_eq(vpnha_ls_next_deadline(&ls), 1500);
	ck_assert(!vpnha_ls_tick(&ls, 1499));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 1);
	ck_assert(vpnha_ls_tick(&ls, 1500));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 0);
	ck_assert_uint_eq(vpnha_ls_next_deadline(&ls), UINT64_MAX);
	/* a blip shorter than dampen is never published */
	ck_assert(!vpnha_ls_observe(&ls, 0, true, 2000));
	ck_assert(!vpnha_ls_observe(&ls, 0, false, 2300));
	ck_assert(!vpnha_ls_tick(&ls, 5000));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 0);
	ck_assert_uint_eq(ls.ifs[0].changes, 1);
	/* an observation after the dampen period commits too (no tick needed) */
	ck_assert(!vpnha_ls_observe(&ls, 0, true, 6000));
	ck_assert(vpnha_ls_observe(&ls, 0, true, 6600));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 1);
}
END_TEST

/* 20 toggles in 2 s: published at most threshold + 1 times, settles once. */
static void storm(uint64_t dampen, unsigned thr, uint64_t win, unsigned max_changes)
{
	uint64_t t = 10000, next;
	unsigned k, ticks = 0;
	bool up = true;

	setup_ls(dampen, thr, win, true, 1, 1);
	ck_assert(vpnha_ls_observe(&ls, 0, true, 0));
	for (k = 0; k < 20; k++) {
		up = !up;
		vpnha_ls_observe(&ls, 0, up, t);
		t += 100;
	}
	ck_assert(up); /* an even number of toggles: back up */
	/* run the clock as the daemon would, until nothing pends */
	while ((next = vpnha_ls_next_deadline(&ls)) != UINT64_MAX) {
		ck_assert_uint_ge(next, t - 100);
		vpnha_ls_tick(&ls, next);
		ck_assert_uint_lt(++ticks, 100);
	}
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 1);
	ck_assert_msg(ls.ifs[0].changes <= max_changes, "%u changes, want <= %u",
		      ls.ifs[0].changes, max_changes);
	/* settled: much later, still up, nothing changes */
	ck_assert(!vpnha_ls_tick(&ls, t + 100000));
	ck_assert(!vpnha_ls_observe(&ls, 0, true, t + 100001));
}

START_TEST(test_storm_suppressed)
{
	storm(0, 3, 10000, 4);
	ck_assert_uint_eq(ls.ifs[0].suppressions, 1);
	ck_assert(!ls.ifs[0].suppressed);
}
END_TEST

START_TEST(test_storm_suppressed_release_time)
{
	/* last toggle at 11900: released exactly one window later */
	setup_ls(0, 3, 5000, true, 1, 1);
	vpnha_ls_observe(&ls, 0, true, 0);
	for (unsigned k = 0; k < 20; k++)
		vpnha_ls_observe(&ls, 0, k % 2 == 1, 10000 + 100 * k);
	ck_assert(ls.ifs[0].suppressed);
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 0);
	ck_assert_uint_eq(vpnha_ls_next_deadline(&ls), 11900 + 5000);
	ck_assert(!vpnha_ls_tick(&ls, 16899));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 0);
	ck_assert(vpnha_ls_tick(&ls, 16900));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 1);
	ck_assert_uint_eq(ls.ifs[0].changes, 4);
}
END_TEST

START_TEST(test_storm_threshold_one)
{
	storm(0, 1, 3000, 2); /* down at once, held, up once quiet */
}
END_TEST

START_TEST(test_storm_dampened)
{
	/* dampen longer than the toggle period: nothing leaks through */
	storm(1000, 0, 0, 0);
}
END_TEST

START_TEST(test_storm_unsuppressed)
{
	/* no suppression, no dampen: every toggle is published */
	storm(0, 0, 0, 20);
	ck_assert_uint_eq(ls.ifs[0].changes, 20);
}
END_TEST

START_TEST(test_slow_flaps_not_suppressed)
{
	/* 3 changes spread wider than the window never suppress */
	setup_ls(0, 3, 1000, true, 1, 1);
	vpnha_ls_observe(&ls, 0, true, 0);
	vpnha_ls_observe(&ls, 0, false, 10000);
	vpnha_ls_observe(&ls, 0, true, 10600);
	vpnha_ls_observe(&ls, 0, false, 11200);
	ck_assert(!ls.ifs[0].suppressed);
	vpnha_ls_observe(&ls, 0, true, 11300); /* 3 within 1 s: 10600, 11200, 11300 */
	ck_assert(ls.ifs[0].suppressed);
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 0);
}
END_TEST

START_TEST(test_suppression_down_when_up)
{
	/* suppression publishes down even though the link is up right now */
	setup_ls(0, 2, 1000, true, 1, 1);
	vpnha_ls_observe(&ls, 0, false, 0);
	vpnha_ls_observe(&ls, 0, true, 100);
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 1);
	ck_assert(vpnha_ls_observe(&ls, 0, false, 200));
	ck_assert(!vpnha_ls_observe(&ls, 0, true, 300));
	ck_assert(ls.ifs[0].suppressed);
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 0);
	ck_assert(vpnha_ls_tick(&ls, 1300));
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), 1);
}
END_TEST

/* require_all / any over two interfaces, every combination of states. */
START_TEST(test_aggregate_table)
{
	static const int st[] = { -1, 0, 1 };
	bool all = _i / 9;
	int a = st[(_i / 3) % 3], b = st[_i % 3];
	int64_t want;

	setup_ls(0, 0, 0, all, 7, 2);
	if (a >= 0)
		vpnha_ls_observe(&ls, 0, a, 0);
	if (b >= 0)
		vpnha_ls_observe(&ls, 1, b, 0);
	if (all)
		want = (a == 0 || b == 0) ? 0 : (a == 1 && b == 1) ? 7 : -1;
	else
		want = (a == 1 || b == 1) ? 7 : (a == 0 && b == 0) ? 0 : -1;
	ck_assert_msg(vpnha_ls_aggregate(&ls) == want, "all=%d a=%d b=%d: %lld want %lld", all, a, b,
		      (long long)vpnha_ls_aggregate(&ls), (long long)want);
	ck_assert_int_eq(vpnha_ls_value(&ls, 0), a < 0 ? -1 : a * 7);
	ck_assert_int_eq(vpnha_ls_value(&ls, 1), b < 0 ? -1 : b * 7);
}
END_TEST

START_TEST(test_aggregate_change_reported)
{
	/* the aggregate changing is reported even when it's the 2nd link */
	setup_ls(0, 0, 0, false, 100, 2);
	ck_assert(vpnha_ls_observe(&ls, 0, true, 0));
	ck_assert(vpnha_ls_observe(&ls, 1, true, 0));
	ck_assert(vpnha_ls_observe(&ls, 0, false, 10));
	ck_assert_int_eq(vpnha_ls_aggregate(&ls), 100);
	ck_assert(vpnha_ls_observe(&ls, 1, false, 20));
	ck_assert_int_eq(vpnha_ls_aggregate(&ls), 0);
}
END_TEST

/*
 * Exhaustive sweep: every pattern of 10 observations (up/down) of one link,
 * at 4 spacings, under several configurations. Invariants:
 *  - observe/tick return true exactly when the published value changed;
 *  - never published up while suppressed, never up while raw is down
 *    unless within dampen of the change;
 *  - once quiet for max(dampen, window) the published value equals raw;
 *  - suppression bounds changes: within any run, changes <= threshold + 1
 *    per suppression episode plus the changes before it.
 */
START_TEST(test_exhaustive)
{
	static const struct { uint64_t dampen; unsigned thr; uint64_t win; } cfgs[] = {
		{ 0, 0, 0 }, { 0, 3, 1000 }, { 300, 0, 0 }, { 300, 3, 1000 }, { 0, 1, 500 },
		{ 1000, 5, 2000 }, { 50, 2, 200 },
	};
	static const uint64_t gaps[] = { 10, 150, 400, 1500 };
	unsigned c, g, pat, k;

	for (c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++)
		for (g = 0; g < 4; g++)
			for (pat = 0; pat < 1024; pat++) {
				uint64_t t = 0, quiet;
				int64_t before;
				bool ch;

				setup_ls(cfgs[c].dampen, cfgs[c].thr, cfgs[c].win, true, 1, 1);
				vpnha_ls_observe(&ls, 0, true, 0);
				for (k = 0; k < 10; k++) {
					bool up = (pat >> k) & 1;

					t += gaps[g];
					/* tick at any pending deadline first */
					while (vpnha_ls_next_deadline(&ls) <= t) {
						uint64_t d = vpnha_ls_next_deadline(&ls);

						before = vpnha_ls_value(&ls, 0);
						ch = vpnha_ls_tick(&ls, d);
						ck_assert(ch == (vpnha_ls_value(&ls, 0) != before));
					}
					before = vpnha_ls_value(&ls, 0);
					ch = vpnha_ls_observe(&ls, 0, up, t);
					ck_assert(ch == (vpnha_ls_value(&ls, 0) != before));
					if (ls.ifs[0].suppressed)
						ck_assert_int_eq(vpnha_ls_value(&ls, 0), 0);
					if (!up && vpnha_ls_value(&ls, 0) == 1)
						ck_assert_uint_lt(t - ls.ifs[0].raw_since, cfgs[c].dampen);
				}
				quiet = cfgs[c].dampen > cfgs[c].win ? cfgs[c].dampen : cfgs[c].win;
				vpnha_ls_tick(&ls, t + quiet);
				ck_assert_int_eq(vpnha_ls_value(&ls, 0), ls.ifs[0].raw);
				ck_assert_uint_eq(vpnha_ls_next_deadline(&ls), UINT64_MAX);
				/* each change of raw is published at most once, plus a
				 * suppression start and end per episode */
				ck_assert_uint_le(ls.ifs[0].changes, 10u + 2u * ls.ifs[0].suppressions);
				if (cfgs[c].thr && pat == 0x2aa && gaps[g] * cfgs[c].thr < cfgs[c].win)
					/* a strict alternation: at most thr + 1 changes */
					ck_assert_msg(ls.ifs[0].changes <= cfgs[c].thr + 1,
						      "cfg %u gap %u: %u changes", c, g, ls.ifs[0].changes);
			}
}
END_TEST

/* ---- link notifications ---- */

static size_t build_link_msg(void *buf, size_t cap, int type, const char *name, unsigned flags,
			     int oper, int carrier)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 7, .ifi_flags = flags };
	struct nl_msg *msg = nlmsg_alloc_simple(type, 0);
	struct nlmsghdr *h;
	size_t n;

	ck_assert_ptr_nonnull(msg);
	ck_assert_int_eq(nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	if (name)
		ck_assert_int_eq(nla_put_string(msg, IFLA_IFNAME, name), 0);
	if (oper >= 0)
		ck_assert_int_eq(nla_put_u8(msg, IFLA_OPERSTATE, (uint8_t)oper), 0);
	if (carrier >= 0)
		ck_assert_int_eq(nla_put_u8(msg, IFLA_CARRIER, (uint8_t)carrier), 0);
	h = nlmsg_hdr(msg);
	n = h->nlmsg_len;
	ck_assert_uint_le(n, cap);
	memcpy(buf, h, n);
	nlmsg_free(msg);
	return n;
}

START_TEST(test_parse_newlink)
{
	unsigned char buf[1024];
	struct vpnha_link_info li;
	size_t n;

	n = build_link_msg(buf, sizeof(buf), RTM_NEWLINK, "veth0", IFF_UP | IFF_LOWER_UP | IFF_RUNNING,
			   IF_OPER_UP, 1);
	ck_assert_int_eq(vpnha_link_info_parse(buf, n, &li), 0);
	ck_assert_str_eq(li.name, "veth0");
	ck_assert_int_eq(li.ifindex, 7);
	ck_assert_int_eq(li.operstate, IF_OPER_UP);
	ck_assert_int_eq(li.carrier, 1);
	ck_assert(!li.deleted);
	ck_assert(vpnha_link_info_up(&li));

	n = build_link_msg(buf, sizeof(buf), RTM_NEWLINK, "veth0", IFF_UP, IF_OPER_LOWERLAYERDOWN, 0);
	ck_assert_int_eq(vpnha_link_info_parse(buf, n, &li), 0);
	ck_assert(!vpnha_link_info_up(&li));

	n = build_link_msg(buf, sizeof(buf), RTM_DELLINK, "veth0", IFF_UP | IFF_LOWER_UP, IF_OPER_UP, 1);
	ck_assert_int_eq(vpnha_link_info_parse(buf, n, &li), 0);
	ck_assert(li.deleted);
	ck_assert(!vpnha_link_info_up(&li));
}
END_TEST

START_TEST(test_parse_bad)
{
	unsigned char buf[1024];
	struct vpnha_link_info li;
	size_t n;

	n = build_link_msg(buf, sizeof(buf), RTM_NEWLINK, "veth0", IFF_UP, IF_OPER_UP, 1);
	ck_assert_int_eq(vpnha_link_info_parse(NULL, n, &li), -EINVAL);
	ck_assert_int_eq(vpnha_link_info_parse(buf, 3, &li), -EINVAL);
	ck_assert_int_eq(vpnha_link_info_parse(buf, n - 1, &li), -EINVAL); /* truncated */
	ck_assert_int_eq(vpnha_link_info_parse(buf, sizeof(struct nlmsghdr) + 2, &li), -EINVAL);
	/* no name: not usable */
	n = build_link_msg(buf, sizeof(buf), RTM_NEWLINK, NULL, IFF_UP, IF_OPER_UP, 1);
	ck_assert_int_eq(vpnha_link_info_parse(buf, n, &li), -EINVAL);
	/* not a link message */
	n = build_link_msg(buf, sizeof(buf), RTM_NEWADDR, "veth0", IFF_UP, IF_OPER_UP, 1);
	ck_assert_int_eq(vpnha_link_info_parse(buf, n, &li), -EINVAL);
	/* an attribute whose length runs past the message */
	n = build_link_msg(buf, sizeof(buf), RTM_NEWLINK, "veth0", IFF_UP, IF_OPER_UP, 1);
	buf[NLMSG_LENGTH(sizeof(struct ifinfomsg))] = 0xff;
	ck_assert_int_eq(vpnha_link_info_parse(buf, n, &li), -EINVAL);
}
END_TEST

static const struct { unsigned flags; int oper; int up; } up_table[] = {
	{ IFF_UP | IFF_LOWER_UP, IF_OPER_UP, 1 },
	{ IFF_UP | IFF_LOWER_UP, IF_OPER_UNKNOWN, 1 },
	{ IFF_UP | IFF_LOWER_UP, IF_OPER_DORMANT, 0 },
	{ IFF_UP | IFF_LOWER_UP, IF_OPER_DOWN, 0 },
	{ IFF_UP, IF_OPER_UP, 0 },
	{ IFF_LOWER_UP, IF_OPER_UP, 0 },
	{ IFF_UP, IF_OPER_LOWERLAYERDOWN, 0 },
	{ 0, IF_OPER_DOWN, 0 },
};

START_TEST(test_link_up)
{
	struct vpnha_link_info li = { .flags = up_table[_i].flags, .operstate = (uint8_t)up_table[_i].oper };

	ck_assert_int_eq(vpnha_link_info_up(&li), up_table[_i].up);
}
END_TEST

/* ---- linkwatch: the event socket and probes (unprivileged: lo only) ---- */

static void no_event(const struct vpnha_link_info *li, void *arg)
{
	(void)li;
	++*(int *)arg;
}

START_TEST(test_linkwatch_probe)
{
	struct vpnha_linkwatch *w = NULL;
	char err[128] = "";
	int events = 0;

	ck_assert_int_eq(vpnha_linkwatch_open(&w, no_event, &events, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_ge(vpnha_linkwatch_fd(w), 0);
	/* nothing pending: not an error */
	ck_assert_int_eq(vpnha_linkwatch_read(w, err, sizeof(err)), 0);
	ck_assert(vpnha_linkwatch_probe(w, 0, "lo"));
	ck_assert(!vpnha_linkwatch_probe(w, 1, "vpnha-nosuch0"));
	ck_assert(!vpnha_linkwatch_probe(w, VPNHA_LS_MAX_IFS, "lo")); /* no such slot */
	vpnha_linkwatch_close(w);
	vpnha_linkwatch_close(NULL);
}
END_TEST

static Suite *linkstate_suite(void)
{
	Suite *s = suite_create("linkstate");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cfg_check);
	tcase_add_test(tc, test_add_find);
	tcase_add_test(tc, test_initial_and_immediate);
	tcase_add_test(tc, test_initial_not_dampened);
	tcase_add_test(tc, test_dampen);
	tcase_add_test(tc, test_storm_suppressed);
	tcase_add_test(tc, test_storm_suppressed_release_time);
	tcase_add_test(tc, test_storm_threshold_one);
	tcase_add_test(tc, test_storm_dampened);
	tcase_add_test(tc, test_storm_unsuppressed);
	tcase_add_test(tc, test_slow_flaps_not_suppressed);
	tcase_add_test(tc, test_suppression_down_when_up);
	tcase_add_loop_test(tc, test_aggregate_table, 0, 18);
	tcase_add_test(tc, test_aggregate_change_reported);
	tcase_add_test(tc, test_exhaustive);
	tcase_add_test(tc, test_parse_newlink);
	tcase_add_test(tc, test_parse_bad);
	tcase_add_loop_test(tc, test_link_up, 0, sizeof(up_table) / sizeof(up_table[0]));
	tcase_add_test(tc, test_linkwatch_probe);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(linkstate_suite)
