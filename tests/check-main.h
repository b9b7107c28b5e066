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

/*
 * A suite of one test case (tcase) holding tests[0..n), with a checked
 * fixture when setup or teardown is not NULL:
 *
 *	const TTest *tests[] = { test_a, test_b };
 *	return vpnha_test_suite("addr", "text", NULL, NULL, tests, 2);
 */
static inline Suite *vpnha_test_suite(const char *name, const char *tcase, SFun setup, SFun teardown,
				      const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(tcase);
	size_t i;

	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	for (i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return s;
}

#define VPNHA_TEST_MAIN(suite_fn)                  \
	int main(void)                             \
	{                                          \
		return vpnha_test_run(suite_fn()); \
	}

#endif
