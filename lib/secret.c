/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secrets from root-only files; see secret.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"
#include "util.h"

/* A sanity bound on max (the agents use 80 and 4093). */
#define SECRET_LIMIT (1u << 20)

void vpnha_secret_free(struct vpnha_secret *s)
{
	if (!s)
		return;
	if (s->data) {
		explicit_bzero(s->data, s->size);
		free(s->data);
	}
	s->data = NULL;
	s->len = 0;
	s->size = 0;
}

static bool is_eol(char c)
{
	return c == '\n' || c == '\r';
}

int vpnha_secret_check(const char *buf, size_t *len, size_t max, unsigned flags, const char **reason)
{
	size_t n = *len, i;

	if (flags & VPNHA_SECRET_TRIM) {
		while (n && is_eol(buf[n - 1]))
			n--;
	} else {
		if (n && buf[n - 1] == '\n')
			n--;
		if (n && buf[n - 1] == '\r')
			n--;
	}
	*len = n;
	if (n == 0) {
		*reason = "empty";
		return -ENODATA;
	}
	if (n > max) {
		*reason = "too long";
		return -EFBIG;
	}
	if (flags & VPNHA_SECRET_WORD)
		for (i = 0; i < n; i++)
			if ((unsigned char)buf[i] <= 0x20 || (unsigned char)buf[i] >= 0x7f) {
				*reason = "may only contain printable characters without spaces";
				return -EINVAL;
			}
	return 0;
}

__attribute__((format(printf, 4, 5)))
static int refuse(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Read until end of file or cap bytes; *got the count. */
static int read_upto(int fd, char *buf, size_t cap, size_t *got)
{
	ssize_t n;

	*got = 0;
	while (*got < cap && (n = read(fd, buf + *got, cap - *got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		*got += (size_t)n;
	}
	return 0;
}

/* The checks on the opened file, before anything is read. */
static int check_fd(int fd, const char *path, char *why, size_t whylen)
{
	struct stat st;
	int err;

	if (fstat(fd, &st) < 0) {
		err = -errno;
		return refuse(why, whylen, err, "%s: %s", path, strerror(-err));
	}
	if (S_ISDIR(st.st_mode))
		return refuse(why, whylen, -EISDIR, "%s: is a directory", path);
	if (!S_ISREG(st.st_mode))
		return refuse(why, whylen, -EINVAL, "%s: not a regular file", path);
	if (st.st_nlink != 1)
		return refuse(why, whylen, -EMLINK, "%s: has %ju hard links, a secret file must have exactly one",
			      path, (uintmax_t)st.st_nlink);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return refuse(why, whylen, -EPERM, "%s: not owned by root", path);
	if (st.st_mode & 077)
		return refuse(why, whylen, -EPERM,
			      "%s: readable or writable by group/others (mode %04o); chmod 600 it",
			      path, (unsigned)(st.st_mode & 07777));
	return 0;
}

int vpnha_secret_read(const char *path, size_t max, unsigned flags, struct vpnha_secret *out,
		      char *why, size_t whylen)
{
	_vpnha_auto_secret struct vpnha_secret s = VPNHA_SECRET_INIT;
	_vpnha_auto_close int fd = -1;
	const char *reason = NULL;
	size_t got = 0, cap;
	int err;

	vpnha_secret_free(out);
	if (!path || !*path)
		return refuse(why, whylen, -EINVAL, "no secret file given");
	if (max == 0 || max > SECRET_LIMIT)
		return refuse(why, whylen, -EINVAL, "%s: bad secret length limit %zu", path, max);
	/* O_NONBLOCK: a FIFO planted at path does not hang the open */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		return refuse(why, whylen, err, "%s: %s", path, err == -ELOOP ? "is a symbolic link" : strerror(-err));
	}
	err = check_fd(fd, path, why, whylen);
	if (err < 0)
		return err;
	/* room for max, a "\r\n" and one byte more: reading never goes beyond */
	cap = max + 3;
	s.size = cap + 1;
	s.data = malloc(s.size);
	if (!s.data) {
		s.size = 0;
		return refuse(why, whylen, -ENOMEM, "%s: %s", path, strerror(ENOMEM));
	}
	err = read_upto(fd, s.data, cap, &got);
	if (err < 0)
		return refuse(why, whylen, err, "%s: %s", path, strerror(-err));
	if (got > max + 2)
		return refuse(why, whylen, -EFBIG, "%s: longer than %zu bytes", path, max);
	err = vpnha_secret_check(s.data, &got, max, flags, &reason);
	if (err == -EFBIG)
		return refuse(why, whylen, err, "%s: longer than %zu bytes", path, max);
	if (err < 0)
		return refuse(why, whylen, err, "%s: %s", path, reason);
	/* wipe the stripped line end and the slack; NUL-terminate */
	explicit_bzero(s.data + got, s.size - got);
	s.len = got;
	*out = s;
	s = (struct vpnha_secret)VPNHA_SECRET_INIT;
	return 0;
}

int vpnha_file_read(const char *path, size_t max, char **out, size_t *len)
{
	_vpnha_auto_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_vpnha_auto_free char *b = NULL;
	struct stat st;
	size_t got = 0;
	int err;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uintmax_t)st.st_size > max)
		return -EINVAL;
	b = malloc((size_t)st.st_size + 1);
	if (!b)
		return -ENOMEM;
	err = read_upto(fd, b, (size_t)st.st_size, &got);
	if (err < 0)
		return err;
	b[got] = '\0';
	*out = b;
	b = NULL;
	*len = got;
	return 0;
}
