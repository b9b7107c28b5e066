/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers of the Check suites that touch the network (header-only, test code only). */
#ifndef VPNHA_TESTNET_H
#define VPNHA_TESTNET_H

#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "params.h"

/*
 * Move the test process into a private network namespace, so that nothing
 * touches the machine's links. False, said on stderr, when it cannot (the
 * suite then fails: it needs root).
 */
static inline bool test_netns_enter(const char *prog)
{
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "%s: unshare(CLONE_NEWNET) failed: %s (run as root)\n", prog, strerror(errno));
		return false;
	}
	return true;
}

/* An address or prefix from text (either family); the test fails when it does not parse. */
static inline struct vpnha_addr test_prefix(const char *s)
{
	struct vpnha_addr a;
	char why[128];

	ck_assert_msg(vpnha_parse_prefix(s, 0, &a, why, sizeof(why)) == 0, "%s: %s", s, why);
	return a;
}

#endif
