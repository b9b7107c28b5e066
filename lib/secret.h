/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Secrets (pre-shared keys, private keys, passwords) from root-only files.
 *
 * vpnha_secret_read() opens the file with O_NOFOLLOW (a symlink is refused)
 * and checks the opened descriptor (no race between check and read): a
 * regular file with exactly one link, owned by root or by the effective uid,
 * no group/other permission bits, at most max + 2 bytes. One line end ("\n",
 * "\r\n" or "\r") is stripped, or every trailing CR/LF with
 * VPNHA_SECRET_TRIM; the result must not be empty, and with
 * VPNHA_SECRET_WORD only printable ASCII without spaces is accepted.
 *
 * The content never appears in an error text. The buffer is wiped
 * (explicit_bzero) on every error path and by vpnha_secret_free().
 *
 *	_vpnha_auto_secret struct vpnha_secret pw = VPNHA_SECRET_INIT;
 *	char why[256];
 *
 *	if (vpnha_secret_read(path, 80, VPNHA_SECRET_WORD, &pw, why, sizeof(why)) < 0)
 *		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'password_file': %s", why);
 *	use(pw.data, pw.len);	// wiped and freed when pw goes out of scope
 */
#ifndef VPNHA_SECRET_H
#define VPNHA_SECRET_H

#include <stddef.h>

enum vpnha_secret_flags {
	/* only printable ASCII without space (0x21..0x7e): a one-word password */
	VPNHA_SECRET_WORD = 1u << 0,
	/* strip every trailing CR/LF, not just one line end */
	VPNHA_SECRET_TRIM = 1u << 1,
};

struct vpnha_secret {
	char *data;   /* len bytes plus a terminating NUL; NULL when nothing was read */
	size_t len;
	size_t size;  /* bytes allocated at data (all wiped on free) */
};

#define VPNHA_SECRET_INIT { NULL, 0, 0 }

/*
 * Read the secret at path into *out (any previous content is freed first).
 * max is the longest secret accepted, in bytes after stripping; flags are
 * enum vpnha_secret_flags. Returns 0, or a negative errno with *out empty and
 * a one-line reason "PATH: what is wrong" in why (never the content):
 *   -ENOENT/-EACCES/...  open failed        -ELOOP   a symbolic link
 *   -EISDIR   a directory                   -EINVAL  not a regular file, or
 *   -EMLINK   more than one hard link                bad content (see check)
 *   -EPERM    wrong owner or group/other permission bits
 *   -EFBIG    longer than max               -ENODATA empty
 */
int vpnha_secret_read(const char *path, size_t max, unsigned flags, struct vpnha_secret *out,
		      char *why, size_t whylen);

/*
 * The content rules alone (used by vpnha_secret_read): strip the line end
 * of buf[0..*len) as flags say (updating *len), then check length and
 * characters. Returns 0, or -EFBIG/-ENODATA/-EINVAL with *reason set to a
 * static text (never the content).
 */
int vpnha_secret_check(const char *buf, size_t *len, size_t max, unsigned flags, const char **reason);

/* Wipe and free the secret; *s is left as VPNHA_SECRET_INIT. NULL-safe. */
void vpnha_secret_free(struct vpnha_secret *s);

/*
 * A public file (a certificate) read whole, without the checks above: a
 * regular file of 1..max bytes. *out (malloc'd, NUL-terminated, *len bytes)
 * on 0; -EINVAL for anything else than such a file, or -errno.
 */
int vpnha_file_read(const char *path, size_t max, char **out, size_t *len);

/* Wipe and free the secret when the variable goes out of scope. */
#define _vpnha_auto_secret __attribute__((cleanup(vpnha_secret_free)))

#endif
