/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run-state files: paths, atomic write, read back, remove. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstate.h"
#include "util.h"
#include "testutil.h"

static char dir[128];

static void setup(void)
{
	ck_assert_ptr_nonnull(test_mkdtemp(dir, sizeof(dir), "check-rs"));
	setenv("VPNHA_RUN_DIR", dir, 1);
}

static void teardown(void)
{
	test_rmtree(dir);
}

START_TEST(test_run_dir_override)
{
	ck_assert_str_eq(vpnha_run_dir(), dir);
	setenv("VPNHA_RUN_DIR", "relative/dir", 1);
	ck_assert_str_eq(vpnha_run_dir(), VPNHA_RUN_DIR);
	unsetenv("VPNHA_RUN_DIR");
	ck_assert_str_eq(vpnha_run_dir(), VPNHA_RUN_DIR);
}
END_TEST

START_TEST(test_path_sanitised)
{
	char p[PATH_MAX], want[PATH_MAX];

	ck_assert_int_eq(vpnha_state_path(p, sizeof(p), "gre-tunnel", "tun:0", "owner"), 0);
	snprintf(want, sizeof(want), "%s/gre-tunnel/tun:0.owner", dir);
	ck_assert_str_eq(p, want);
	ck_assert_int_eq(vpnha_state_path(p, sizeof(p), "gre-tunnel", "../../etc/passwd", "owner"), 0);
	ck_assert_ptr_null(strstr(p, "/../"));
	ck_assert_int_eq(vpnha_state_path(p, 10, "gre-tunnel", "x", "owner"), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_write_read_remove)
{
	char *data = NULL, p[PATH_MAX];
	size_t len = 0;
	struct stat st;

	ck_assert(!vpnha_state_exists("a", "i", "k"));
	ck_assert_int_eq(vpnha_state_read("a", "i", "k", &data, &len), -ENOENT);
	ck_assert_int_eq(vpnha_state_write("a", "i", "k", "ifindex=7\n", 10), 0);
	ck_assert(vpnha_state_exists("a", "i", "k"));
	ck_assert_int_eq(vpnha_state_read("a", "i", "k", &data, &len), 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_str_eq(data, "ifindex=7\n");
	free(data);
	vpnha_state_path(p, sizeof(p), "a", "i", "k");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(vpnha_state_write("a", "i", "k", "2", 1), 0);
	ck_assert_int_eq(vpnha_state_read("a", "i", "k", &data, &len), 0);
	ck_assert_str_eq(data, "2");
	free(data);
	ck_assert_int_eq(vpnha_state_remove("a", "i", "k"), 0);
	ck_assert_int_eq(vpnha_state_remove("a", "i", "k"), 0);
	ck_assert(!vpnha_state_exists("a", "i", "k"));
}
END_TEST

START_TEST(test_no_temp_left)
{
	char d[PATH_MAX], cmd[PATH_MAX + 64];
	FILE *f;
	int n = 0, c;

	ck_assert_int_eq(vpnha_state_write("b", "i", "k", "x", 1), 0);
	snprintf(d, sizeof(d), "%s/b", dir);
	snprintf(cmd, sizeof(cmd), "ls -A '%s'", d);
	f = popen(cmd, "r"); /* test code only */
	ck_assert_ptr_nonnull(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	pclose(f);
	ck_assert_int_eq(n, 1);
}
END_TEST

START_TEST(test_mkdir_p)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/x/y/z", dir);
	ck_assert_int_eq(vpnha_mkdir_p(p, 0700), 0);
	ck_assert_int_eq(vpnha_mkdir_p(p, 0700), 0);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
}
END_TEST

START_TEST(test_symlink_refused)
{
	char p[PATH_MAX], *data = NULL;

	ck_assert_int_eq(vpnha_state_write("c", "i", "k", "x", 1), 0);
	vpnha_state_path(p, sizeof(p), "c", "i", "k");
	unlink(p);
	ck_assert_int_eq(symlink("/etc/hostname", p), 0);
	ck_assert_int_lt(vpnha_state_read("c", "i", "k", &data, NULL), 0);
	ck_assert_ptr_null(data);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("runstate");
	TCase *tc = tcase_create("files");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_run_dir_override);
	tcase_add_test(tc, test_path_sanitised);
	tcase_add_test(tc, test_write_read_remove);
	tcase_add_test(tc, test_no_temp_left);
	tcase_add_test(tc, test_mkdir_p);
	tcase_add_test(tc, test_symlink_refused);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
