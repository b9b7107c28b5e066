/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The process helper: argv (no shell), environment, output, deadline. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "vpnha.h"

START_TEST(test_output_and_status)
{
	const char *argv[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 4096, &r), 0);
	ck_assert(r.exited);
	ck_assert_int_eq(r.status, 3);
	ck_assert_ptr_nonnull(strstr(r.output, "out\n"));
	ck_assert_ptr_nonnull(strstr(r.output, "err\n"));
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_no_shell_interpretation)
{
	const char *argv[] = { "/bin/echo", "$(id); rm -rf /nonexistent", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 4096, &r), 0);
	ck_assert_str_eq(r.output, "$(id); rm -rf /nonexistent\n");
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_environment_explicit)
{
	const char *argv[] = { "/usr/bin/env", NULL };
	const char *envp[] = { "ONLY=this", NULL };
	struct vpnha_proc_result r;

	setenv("SECRET_PSK", "do-not-leak", 1);
	ck_assert_int_eq(vpnha_proc_run(argv, envp, 5000, 4096, &r), 0);
	ck_assert_str_eq(r.output, "ONLY=this\n");
	vpnha_proc_result_free(&r);
	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 4096, &r), 0);
	ck_assert_str_eq(r.output, "");
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_deadline_kills)
{
	const char *argv[] = { "/bin/sleep", "10", NULL };
	struct vpnha_proc_result r;
	uint64_t t0 = vpnha_now_ms();

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 200, 4096, &r), 0);
	ck_assert(r.timed_out);
	ck_assert(!r.exited);
	ck_assert_uint_lt(vpnha_now_ms() - t0, 2000);
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_output_bounded)
{
	const char *argv[] = { "/bin/sh", "-c", "yes | head -c 100000", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 1000, &r), 0);
	ck_assert_uint_eq(r.len, 1000);
	ck_assert_uint_eq(strlen(r.output), 1000);
	ck_assert(r.exited);
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_relative_path_refused)
{
	const char *argv[] = { "sh", "-c", "true", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 1000, &r), -EINVAL);
}
END_TEST

START_TEST(test_missing_program)
{
	const char *argv[] = { "/nonexistent/prog", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 1000, &r), 0);
	ck_assert(r.exited);
	ck_assert_int_eq(r.status, 127);
	vpnha_proc_result_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("proc");
	TCase *tc = tcase_create("run");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_output_and_status);
	tcase_add_test(tc, test_no_shell_interpretation);
	tcase_add_test(tc, test_environment_explicit);
	tcase_add_test(tc, test_deadline_kills);
	tcase_add_test(tc, test_output_bounded);
	tcase_add_test(tc, test_relative_path_refused);
	tcase_add_test(tc, test_missing_program);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
