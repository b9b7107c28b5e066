/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run-state files: paths, atomic write, read back, remove; the record reader. */
#include "config.h"

#include <check.h>

#include "check-main.h"
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

/* ---- records: vpnha_record_next ---- */

/* the next line must be a record key=val */
#define ck_record(cur, buf, k, v)                                                                  \
	do {                                                                                       \
		const char *_k, *_v;                                                               \
		ck_assert_int_eq(vpnha_record_next(&(cur), buf, sizeof(buf), &_k, &_v), 1);        \
		ck_assert_str_eq(_k, k);                                                           \
		ck_assert_str_eq(_v, v);                                                           \
	} while (0)

/* the next call must return r (an error or 0, the end) with NULL key and value */
#define ck_record_none(cur, buf, r)                                                                \
	do {                                                                                       \
		const char *_k = "x", *_v = "x";                                                   \
		ck_assert_int_eq(vpnha_record_next(&(cur), buf, sizeof(buf), &_k, &_v), r);        \
		ck_assert_ptr_null(_k);                                                            \
		ck_assert_ptr_null(_v);                                                            \
	} while (0)

START_TEST(test_record_good)
{
	const char *text = "a=1\nkey.x-y_Z9=va=lue with  blanks\r\nempty=\nlast=no newline";
	const char *cur = text;
	char buf[64];

	ck_record(cur, buf, "a", "1");
	ck_record(cur, buf, "key.x-y_Z9", "va=lue with  blanks\r");
	ck_record(cur, buf, "empty", "");
	ck_record(cur, buf, "last", "no newline");
	ck_assert_ptr_eq(cur, text + strlen(text));
	ck_record_none(cur, buf, 0);
	ck_record_none(cur, buf, 0);
	ck_assert_ptr_eq(cur, text + strlen(text));
}
END_TEST

START_TEST(test_record_empty)
{
	const char *cur = "", *none = NULL;
	char buf[16];

	ck_record_none(cur, buf, 0);
	ck_record_none(none, buf, 0);
	/* an empty line is malformed; the text then ends */
	cur = "\n";
	ck_record_none(cur, buf, -EBADMSG);
	ck_assert_str_eq(cur, "");
	ck_record_none(cur, buf, 0);
}
END_TEST

/* the cursor moves past a bad line: the caller may skip it and go on */
START_TEST(test_record_missing_equals)
{
	const char *cur = "novalue\na=1\nb\n";
	char buf[16];

	ck_record_none(cur, buf, -EBADMSG);
	ck_assert_str_eq(cur, "a=1\nb\n");
	ck_record(cur, buf, "a", "1");
	ck_record_none(cur, buf, -EBADMSG);
	ck_record_none(cur, buf, 0);
}
END_TEST

START_TEST(test_record_bad_key)
{
	static const char *const bad[] = { "=x", "=", " a=1", "a b=1", "a\t=1", "a/b=1", "a:b=1",
					   "\xc3\xa4=1", "a\r=1" };
	char buf[16];
	size_t i;

	for (i = 0; i < VPNHA_ARRAY_SIZE(bad); i++) {
		const char *cur = bad[i];

		ck_record_none(cur, buf, -EBADMSG);
		ck_assert_str_eq(cur, "");
	}
}
END_TEST

/* a line must fit with its NUL: size - 1 bytes at most; a longer one is skipped whole */
START_TEST(test_record_overlong)
{
	const char *cur = "abc=123\nabcd=123\nnoequalsign\nx=y\n";
	char buf[12];
	const char *k, *v;

	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(vpnha_record_next(&cur, buf, 8, &k, &v), 1);
	ck_assert_str_eq(k, "abc");
	ck_assert_str_eq(v, "123");
	ck_assert_int_eq(vpnha_record_next(&cur, buf, 8, &k, &v), -EMSGSIZE);
	ck_assert_ptr_null(k);
	ck_assert_ptr_null(v);
	ck_assert_str_eq(cur, "noequalsign\nx=y\n");
	/* too long is reported before malformed */
	ck_assert_int_eq(vpnha_record_next(&cur, buf, 8, &k, &v), -EMSGSIZE);
	ck_assert_int_eq(vpnha_record_next(&cur, buf, 8, &k, &v), 1);
	ck_assert_str_eq(k, "x");
	/* nothing written past size */
	ck_assert_int_eq(buf[8], '#');
	ck_assert_int_eq(vpnha_record_next(&cur, buf, 8, &k, &v), 0);
	cur = "a=1\n";
	ck_assert_int_eq(vpnha_record_next(&cur, buf, 0, &k, &v), -EMSGSIZE);
	ck_assert_int_eq(vpnha_record_next(&cur, buf, 0, &k, &v), 0);
}
END_TEST

/* the text ends at its first NUL: what follows is never read */
START_TEST(test_record_embedded_nul)
{
	static const char text[] = "a=1\0b=2\n";
	const char *cur = text;
	char buf[16];

	ck_record(cur, buf, "a", "1");
	ck_assert_ptr_eq(cur, text + 3);
	ck_record_none(cur, buf, 0);
	ck_assert_ptr_eq(cur, text + 3);
	cur = "a=1\0";
	ck_record(cur, buf, "a", "1");
	ck_record_none(cur, buf, 0);
}
END_TEST

/* repeated keys are returned, in order: what they mean is the caller's */
START_TEST(test_record_duplicates)
{
	const char *cur = "a=1\na=2\na=1\n";
	char buf[16];

	ck_record(cur, buf, "a", "1");
	ck_record(cur, buf, "a", "2");
	ck_record(cur, buf, "a", "1");
	ck_record_none(cur, buf, 0);
}
END_TEST

START_TEST(test_record_trailing_garbage)
{
	static const char *const texts[] = { "a=1\ngarbage", "a=1\n\n", "a=1\n=\n", "a=1\nb\n" };
	char buf[16];
	size_t i;

	for (i = 0; i < VPNHA_ARRAY_SIZE(texts); i++) {
		const char *cur = texts[i];

		ck_record(cur, buf, "a", "1");
		ck_record_none(cur, buf, -EBADMSG);
		ck_record_none(cur, buf, 0);
	}
}
END_TEST

/* every call consumes a line: a reader that skips bad lines always ends */
START_TEST(test_record_progress)
{
	const char *text = "\n\n=\nx\na=b\n\xff\xfe=\n\n", *cur = text;
	char buf[4];
	const char *k, *v;
	int r, calls = 0, good = 0;

	while ((r = vpnha_record_next(&cur, buf, sizeof(buf), &k, &v)) != 0) {
		ck_assert_int_le(++calls, 7);
		good += r == 1;
	}
	ck_assert_int_eq(calls, 7);
	ck_assert_int_eq(good, 1);
	ck_assert_ptr_eq(cur, text + strlen(text));
}
END_TEST

/* vpnha_state_foreach: every NAME.KEY of the agent, nothing else; fn may stop the walk. */
struct seen {
	char text[256];
	int calls;
};

static int on_state(const char *instance, const char *data, void *ud)
{
	struct seen *s = ud;
	size_t n = strlen(s->text);

	s->calls++;
	snprintf(s->text + n, sizeof(s->text) - n, "%s=%s;", instance, data);
	return strcmp(instance, "stop") ? 0 : -EINTR;
}

START_TEST(test_state_foreach)
{
	struct seen s = { "", 0 };
	char p[PATH_MAX];
	FILE *f;

	/* never the real run dir */
	ck_assert_str_eq(vpnha_run_dir(), dir);
	ck_assert_int_eq(vpnha_state_foreach("vip", "owner", on_state, &s), 0); /* no directory */
	ck_assert_int_eq(s.calls, 0);
	ck_assert_int_eq(vpnha_state_write("vip", "a", "owner", "1", 1), 0);
	ck_assert_int_eq(vpnha_state_write("vip", "b", "owner", "22", 2), 0);
	ck_assert_int_eq(vpnha_state_write("vip", "a", "other", "x", 1), 0);
	ck_assert_int_eq(vpnha_state_write("gre-tunnel", "c", "owner", "x", 1), 0);
	snprintf(p, sizeof(p), "%s/vip/.tmp.owner", dir); /* hidden: a temporary file */
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/vip/owner", dir); /* no instance name */
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(vpnha_state_foreach("vip", "owner", on_state, &s), 0);
	ck_assert_int_eq(s.calls, 2);
	ck_assert(strstr(s.text, "a=1;") && strstr(s.text, "b=22;"));
	ck_assert_int_eq(vpnha_state_write("vip", "stop", "owner", "", 0), 0);
	s.calls = 0;
	s.text[0] = '\0';
	ck_assert_int_eq(vpnha_state_foreach("vip", "owner", on_state, &s), -EINTR);
}
END_TEST

static Suite *runstate_suite(void)
{
	Suite *s = suite_create("runstate");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_run_dir_override);
	tcase_add_test(tc, test_path_sanitised);
	tcase_add_test(tc, test_write_read_remove);
	tcase_add_test(tc, test_no_temp_left);
	tcase_add_test(tc, test_mkdir_p);
	tcase_add_test(tc, test_symlink_refused);
	tcase_add_test(tc, test_state_foreach);
	suite_add_tcase(s, tc);
	tc = tcase_create("records");
	tcase_add_test(tc, test_record_good);
	tcase_add_test(tc, test_record_empty);
	tcase_add_test(tc, test_record_missing_equals);
	tcase_add_test(tc, test_record_bad_key);
	tcase_add_test(tc, test_record_overlong);
	tcase_add_test(tc, test_record_embedded_nul);
	tcase_add_test(tc, test_record_duplicates);
	tcase_add_test(tc, test_record_trailing_garbage);
	tcase_add_test(tc, test_record_progress);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(runstate_suite)
