/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The quorum helper. On the build host no corosync runs (make check never
 * starts one outside the lab): the helper must say so promptly, not hang or
 * claim quorum. The quorate case is covered by the lab's cluster tests.
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "vpnha.h"

START_TEST(test_no_cluster)
{
	uint64_t t0 = vpnha_now_ms();
	enum vpnha_quorum q = vpnha_cluster_quorum();

	ck_assert_uint_lt(vpnha_now_ms() - t0, 2000);
	/* With no corosync on this host, nothing may claim quorum. */
	if (access("/run/corosync.pid", F_OK) != 0 && access("/var/run/corosync.pid", F_OK) != 0)
		ck_assert_int_eq(q, VPNHA_QUORUM_NO_CLUSTER);
}
END_TEST

START_TEST(test_strings)
{
	ck_assert_str_eq(vpnha_quorum_str(VPNHA_QUORUM_NO_CLUSTER), "no cluster");
	ck_assert_str_eq(vpnha_quorum_str(VPNHA_QUORUM_QUORATE), "quorate");
	ck_assert_str_eq(vpnha_quorum_str(VPNHA_QUORUM_INQUORATE), "not quorate");
}
END_TEST

static void never(enum vpnha_quorum q, uint64_t ring_seq, uint32_t n, void *arg)
{
	(void)q, (void)ring_seq, (void)n, (void)arg;
	ck_abort_msg("no notification without corosync");
}

START_TEST(test_watch_no_cluster)
{
	struct vpnha_quorum_watch w = { .fn = never, .fd = -1 };
	enum vpnha_quorum q = VPNHA_QUORUM_QUORATE;
	uint64_t t0 = vpnha_now_ms();
	int r;

	w.loop = qb_loop_create();
	ck_assert_ptr_nonnull(w.loop);
	r = vpnha_quorum_watch_connect(&w, &q);
	ck_assert_uint_lt(vpnha_now_ms() - t0, 2000);
	if (access("/run/corosync.pid", F_OK) == 0 || access("/var/run/corosync.pid", F_OK) == 0) {
		/* a real corosync (the lab's cluster tests cover it): a watch, or none */
		ck_assert(r == 0 ? q != VPNHA_QUORUM_NO_CLUSTER : q == VPNHA_QUORUM_NO_CLUSTER);
	} else {
		ck_assert_int_eq(r, -ENOTCONN);
		ck_assert_int_eq(q, VPNHA_QUORUM_NO_CLUSTER);
		ck_assert_uint_eq(w.handle, 0);
	}
	vpnha_quorum_watch_close(&w);
	vpnha_quorum_watch_close(&w); /* twice: harmless */
	qb_loop_destroy(w.loop);
}
END_TEST

static Suite *cluster_suite(void)
{
	Suite *s = suite_create("cluster");
	TCase *tc = tcase_create("quorum");

	tcase_add_test(tc, test_no_cluster);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_watch_no_cluster);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(cluster_suite)
