/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Secrets from root-only files: what is accepted, what is refused and with
 * which errno, that a refusal never carries the content and leaves nothing
 * allocated. Runs as root (the wrong-owner case chowns a file).
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"
#include "util.h"
#include "testutil.h"

/* in every test secret, so a reason that leaks content is caught */
#define MARK "Zq7"

static char dir[128];
static char why[512];

static void setup(void)
{
	ck_assert_ptr_nonnull(test_mkdtemp(dir, sizeof(dir), "check-secret"));
	why[0] = '\0';
}

static void teardown(void)
{
	test_rmtree(dir);
}

/* Write len bytes to dir/name (path in path) with mode; returns path. */
static const char *put(char *path, size_t plen, const char *name, const void *data, size_t len, mode_t mode)
{
	int fd;

	snprintf(path, plen, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

#define PUT(name, str, mode) put(p, sizeof(p), name, str, sizeof(str) - 1, mode)

/* Read expecting a refusal with errno want: nothing allocated, reason names the path, no content. */
static void refused(const char *path, size_t max, unsigned flags, int want, const char *reason_part)
{
	struct vpnha_secret s = VPNHA_SECRET_INIT;
	int r = vpnha_secret_read(path, max, flags, &s, why, sizeof(why));

	ck_assert_msg(r == want, "%s: got %d (%s), want %d; why: %s", path, r, strerror(-r), want, why);
	ck_assert_ptr_null(s.data);
	ck_assert_uint_eq(s.len, 0);
	ck_assert_ptr_nonnull(strstr(why, path));
	ck_assert_msg(strstr(why, reason_part) != NULL, "reason '%s' lacks '%s'", why, reason_part);
	ck_assert_ptr_null(strstr(why, MARK));
}

START_TEST(test_good)
{
	_vpnha_auto_secret struct vpnha_secret s = VPNHA_SECRET_INIT;
	char p[PATH_MAX];

	PUT("good", "pw-" MARK, 0600);
	ck_assert_int_eq(vpnha_secret_read(p, 80, VPNHA_SECRET_WORD, &s, why, sizeof(why)), 0);
	ck_assert_uint_eq(s.len, 6);
	ck_assert_str_eq(s.data, "pw-" MARK);
	/* 0400 is fine too; a second read replaces the first (valgrind: no leak) */
	PUT("ro", "other-" MARK, 0400);
	ck_assert_int_eq(vpnha_secret_read(p, 80, 0, &s, why, sizeof(why)), 0);
	ck_assert_str_eq(s.data, "other-" MARK);
}
END_TEST

START_TEST(test_line_end_stripped)
{
	_vpnha_auto_secret struct vpnha_secret s = VPNHA_SECRET_INIT;
	char p[PATH_MAX];

	PUT("nl", "pw-" MARK "\n", 0600);
	ck_assert_int_eq(vpnha_secret_read(p, 80, VPNHA_SECRET_WORD, &s, why, sizeof(why)), 0);
	ck_assert_str_eq(s.data, "pw-" MARK);
	ck_assert_uint_eq(s.len, 6);
	PUT("crnl", "pw-" MARK "\r\n", 0600);
	ck_assert_int_eq(vpnha_secret_read(p, 80, VPNHA_SECRET_WORD, &s, why, sizeof(why)), 0);
	ck_assert_str_eq(s.data, "pw-" MARK);
	/* only one line end without TRIM; all of them with */
	PUT("nlnl", "pw-" MARK "\n\n", 0600);
	ck_assert_int_eq(vpnha_secret_read(p, 80, 0, &s, why, sizeof(why)), 0);
	ck_assert_uint_eq(s.len, 7);
	ck_assert_str_eq(s.data, "pw-" MARK "\n");
	ck_assert_int_eq(vpnha_secret_read(p, 80, VPNHA_SECRET_TRIM, &s, why, sizeof(why)), 0);
	ck_assert_uint_eq(s.len, 6);
	ck_assert_str_eq(s.data, "pw-" MARK);
	/* a word password with a second newline is refused, not silently changed */
	refused(p, 80, VPNHA_SECRET_WORD, -EINVAL, "printable");
}
END_TEST

START_TEST(test_world_readable)
{
	char p[PATH_MAX];

	PUT("world", "pw-" MARK, 0604);
	refused(p, 80, 0, -EPERM, "group/others (mode 0604)");
	PUT("worldw", "pw-" MARK, 0602);
	refused(p, 80, 0, -EPERM, "group/others");
}
END_TEST

START_TEST(test_group_readable)
{
	char p[PATH_MAX];

	PUT("group", "pw-" MARK, 0640);
	refused(p, 80, 0, -EPERM, "group/others (mode 0640)");
	PUT("groupx", "pw-" MARK, 0610);
	refused(p, 80, 0, -EPERM, "group/others");
}
END_TEST

START_TEST(test_symlink)
{
	char p[PATH_MAX], l[PATH_MAX];

	PUT("target", "pw-" MARK, 0600);
	snprintf(l, sizeof(l), "%s/link", dir);
	ck_assert_int_eq(symlink(p, l), 0);
	refused(l, 80, 0, -ELOOP, "symbolic link");
}
END_TEST

START_TEST(test_hard_link)
{
	char p[PATH_MAX], l[PATH_MAX];

	PUT("one", "pw-" MARK, 0600);
	snprintf(l, sizeof(l), "%s/two", dir);
	ck_assert_int_eq(link(p, l), 0);
	refused(p, 80, 0, -EMLINK, "2 hard links");
	refused(l, 80, 0, -EMLINK, "2 hard links");
}
END_TEST

START_TEST(test_directory)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/d", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	refused(p, 80, 0, -EISDIR, "directory");
}
END_TEST

START_TEST(test_fifo_does_not_hang)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	refused(p, 80, 0, -EINVAL, "not a regular file");
}
END_TEST

START_TEST(test_too_long)
{
	_vpnha_auto_secret struct vpnha_secret s = VPNHA_SECRET_INIT;
	char p[PATH_MAX], big[8192];

	/* max 8: 8 bytes pass, with or without a line end; 9 do not */
	PUT("eight", "12345" MARK "\r\n", 0600);
	ck_assert_int_eq(vpnha_secret_read(p, 8, VPNHA_SECRET_WORD, &s, why, sizeof(why)), 0);
	ck_assert_uint_eq(s.len, 8);
	PUT("nine", "123456" MARK, 0600);
	refused(p, 8, 0, -EFBIG, "longer than 8 bytes");
	PUT("ninenl", "123456" MARK "\n", 0600);
	refused(p, 8, VPNHA_SECRET_WORD, -EFBIG, "longer than 8 bytes");
	/* the file may hold at most max + 2 bytes, whatever TRIM would strip */
	PUT("eightnl3", "12345" MARK "\n\n\n", 0600);
	refused(p, 8, VPNHA_SECRET_TRIM, -EFBIG, "longer than 8 bytes");
	/* far beyond: refused from its size, before reading */
	memset(big, 'a', sizeof(big));
	memcpy(big, MARK, 3);
	put(p, sizeof(p), "big", big, sizeof(big), 0600);
	refused(p, 4093, VPNHA_SECRET_TRIM, -EFBIG, "longer than 4093 bytes");
}
END_TEST

START_TEST(test_empty)
{
	char p[PATH_MAX];

	PUT("empty", "", 0600);
	refused(p, 80, 0, -ENODATA, "empty");
	PUT("nl", "\n", 0600);
	refused(p, 80, 0, -ENODATA, "empty");
	PUT("crlfs", "\r\n\r\n", 0600);
	refused(p, 80, VPNHA_SECRET_TRIM, -ENODATA, "empty");
}
END_TEST

START_TEST(test_missing)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/none", dir);
	refused(p, 80, 0, -ENOENT, "No such file");
	/* no path at all */
	{
		struct vpnha_secret s = VPNHA_SECRET_INIT;

		ck_assert_int_eq(vpnha_secret_read(NULL, 80, 0, &s, why, sizeof(why)), -EINVAL);
		ck_assert_int_eq(vpnha_secret_read("", 80, 0, &s, why, sizeof(why)), -EINVAL);
		ck_assert_ptr_null(s.data);
	}
}
END_TEST

START_TEST(test_wrong_owner)
{
	char p[PATH_MAX];
	int fd;

	PUT("nobody", "pw-" MARK, 0600);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(fchown(fd, 65534, (gid_t)-1) == 0, "fchown: %s (run as root)", strerror(errno));
	close(fd);
	refused(p, 80, 0, -EPERM, "not owned by root");
	/* group ownership alone does not matter */
	fd = open(p, O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(fchown(fd, 0, 65534), 0);
	close(fd);
	{
		_vpnha_auto_secret struct vpnha_secret s = VPNHA_SECRET_INIT;

		ck_assert_int_eq(vpnha_secret_read(p, 80, 0, &s, why, sizeof(why)), 0);
	}
}
END_TEST

START_TEST(test_content_rules)
{
	_vpnha_auto_secret struct vpnha_secret s = VPNHA_SECRET_INIT;
	char p[PATH_MAX];

	/* a word: no spaces, no control characters, no NUL, no 8-bit bytes */
	PUT("space", "pass " MARK, 0600);
	refused(p, 80, VPNHA_SECRET_WORD, -EINVAL, "printable");
	PUT("tab", "pass\t" MARK, 0600);
	refused(p, 80, VPNHA_SECRET_WORD, -EINVAL, "printable");
	PUT("nul", "pass\0" MARK, 0600);
	refused(p, 80, VPNHA_SECRET_WORD, -EINVAL, "printable");
	PUT("del", "pass\x7f" MARK, 0600);
	refused(p, 80, VPNHA_SECRET_WORD, -EINVAL, "printable");
	PUT("utf8", "pass\xc3\xa9" MARK, 0600);
	refused(p, 80, VPNHA_SECRET_WORD, -EINVAL, "printable");
	/* without WORD the bytes are the secret (a PSK passphrase, a DER key) */
	PUT("bin", "pass\0 " MARK "\n", 0600);
	ck_assert_int_eq(vpnha_secret_read(p, 80, 0, &s, why, sizeof(why)), 0);
	ck_assert_uint_eq(s.len, 9);
	ck_assert_mem_eq(s.data, "pass\0 " MARK, 9);
	ck_assert_int_eq(s.data[9], '\0');
}
END_TEST

START_TEST(test_check_alone)
{
	const char *reason = NULL;
	size_t n;

	n = 4;
	ck_assert_int_eq(vpnha_secret_check("ab\r\n", &n, 2, VPNHA_SECRET_WORD, &reason), 0);
	ck_assert_uint_eq(n, 2);
	n = 3;
	ck_assert_int_eq(vpnha_secret_check("ab\r", &n, 2, 0, &reason), 0);
	ck_assert_uint_eq(n, 2);
	n = 4;
	ck_assert_int_eq(vpnha_secret_check("abc\n", &n, 2, 0, &reason), -EFBIG);
	ck_assert_str_eq(reason, "too long");
	n = 0;
	ck_assert_int_eq(vpnha_secret_check("", &n, 2, 0, &reason), -ENODATA);
	n = 5;
	ck_assert_int_eq(vpnha_secret_check("a\n\r\n\n", &n, 2, VPNHA_SECRET_TRIM, &reason), 0);
	ck_assert_uint_eq(n, 1);
	n = 2;
	ck_assert_int_eq(vpnha_secret_check("a\x1f", &n, 2, VPNHA_SECRET_WORD, &reason), -EINVAL);
	n = 2;
	ck_assert_int_eq(vpnha_secret_check("a\x1f", &n, 2, 0, &reason), 0);
}
END_TEST

START_TEST(test_free)
{
	struct vpnha_secret s = VPNHA_SECRET_INIT;
	char p[PATH_MAX];

	vpnha_secret_free(NULL);
	vpnha_secret_free(&s);
	PUT("f", "pw-" MARK, 0600);
	ck_assert_int_eq(vpnha_secret_read(p, 80, 0, &s, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(s.data);
	vpnha_secret_free(&s);
	ck_assert_ptr_null(s.data);
	ck_assert_uint_eq(s.len, 0);
	ck_assert_uint_eq(s.size, 0);
	/* a refusal frees what the struct held before (valgrind: no leak) */
	ck_assert_int_eq(vpnha_secret_read(p, 80, 0, &s, why, sizeof(why)), 0);
	chmod(p, 0644);
	ck_assert_int_eq(vpnha_secret_read(p, 80, 0, &s, why, sizeof(why)), -EPERM);
	ck_assert_ptr_null(s.data);
}
END_TEST

/* A public file (certificate) read whole: any mode, kept as it is, bounded. */
START_TEST(test_file_read)
{
	_vpnha_auto_free char *b = NULL;
	char p[PATH_MAX];
	size_t len = 0;

	PUT("cert", "-----BEGIN\nX\n", 0644);
	ck_assert_int_eq(vpnha_file_read(p, 100, &b, &len), 0);
	ck_assert_uint_eq(len, 13);
	ck_assert_str_eq(b, "-----BEGIN\nX\n");
	free(b);
	b = NULL;
	ck_assert_int_eq(vpnha_file_read(p, 12, &b, &len), -EINVAL);
	ck_assert_ptr_null(b);
	PUT("empty", "", 0644);
	ck_assert_int_eq(vpnha_file_read(p, 100, &b, &len), -EINVAL);
	ck_assert_int_eq(vpnha_file_read(dir, 100, &b, &len), -EINVAL);
	snprintf(p, sizeof(p), "%s/missing", dir);
	ck_assert_int_eq(vpnha_file_read(p, 100, &b, &len), -ENOENT);
	ck_assert_ptr_null(b);
}
END_TEST

static Suite *secret_suite(void)
{
	Suite *s = suite_create("secret");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_line_end_stripped);
	tcase_add_test(tc, test_world_readable);
	tcase_add_test(tc, test_group_readable);
	tcase_add_test(tc, test_symlink);
	tcase_add_test(tc, test_hard_link);
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_fifo_does_not_hang);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_wrong_owner);
	tcase_add_test(tc, test_content_rules);
	tcase_add_test(tc, test_check_alone);
	tcase_add_test(tc, test_free);
	tcase_add_test(tc, test_file_read);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(secret_suite)
