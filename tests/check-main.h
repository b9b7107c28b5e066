/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The main() of every Check suite:
 *
 *	static Suite *attrd_suite(void) { ... return s; }
 *	VPNHA_TEST_MAIN(attrd_suite)
 *
 * runs the suite (CK_NORMAL: one line per failure, a summary line) and exits
 * 0 only when every test passed. A suite builder that cannot prepare the
 * process (e.g. no network namespace) prints why and returns NULL: exit 1.
 */
#ifndef VPNHA_CHECK_MAIN_H
#define VPNHA_CHECK_MAIN_H

#include <check.h>

static inline int vpnha_test_run(Suite *s)
{
	SRunner *sr;
	int failed;

	if (!s)
		return 1;
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#define VPNHA_TEST_MAIN(suite_fn)                  \
	int main(void)                             \
	{                                          \
		return vpnha_test_run(suite_fn()); \
	}

#endif
