/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the Check suites (header-only, test code only). */
#ifndef VPNHA_TESTUTIL_H
#define VPNHA_TESTUTIL_H

#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static inline int testutil_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Remove a directory tree (test scratch space only). */
static inline void test_rmtree(const char *path)
{
	if (path && *path)
		nftw(path, testutil_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Make a fresh scratch directory into buf (works with and without CK_FORK). */
static inline char *test_mkdtemp(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "/tmp/vpnha-%s.XXXXXX", tag);
	return mkdtemp(buf);
}

/* A fresh empty scratch file; returns its path in buf. */
static inline int test_mkstemp(char *buf, size_t len, const char *tag)
{
	int fd;

	snprintf(buf, len, "/tmp/vpnha-%s.XXXXXX", tag);
	fd = mkstemp(buf);
	if (fd >= 0)
		close(fd);
	return fd;
}

#endif
