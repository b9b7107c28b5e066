/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstate.h"
#include "util.h"

const char *vpnha_run_dir(void)
{
	const char *d = getenv("VPNHA_RUN_DIR");

	return d && *d == '/' ? d : VPNHA_RUN_DIR;
}

int vpnha_mkdir_p(const char *path, unsigned mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path), i;

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = i == len ? '\0' : '/';
	}
	return 0;
}

static void sanitise(char *s)
{
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == ':' || c == '-'))
			*s = '_';
	}
}

int vpnha_state_path(char *buf, size_t len, const char *agent, const char *instance, const char *key)
{
	char inst[NAME_MAX - 32];
	int n;

	if (strlen(instance) >= sizeof(inst))
		return -ENAMETOOLONG;
	strcpy(inst, instance);
	sanitise(inst);
	if (inst[0] == '.')
		inst[0] = '_';
	n = snprintf(buf, len, "%s/%s/%s.%s", vpnha_run_dir(), agent, inst, key);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int vpnha_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
	char tmp[PATH_MAX];
	const char *p = data;
	_vpnha_auto_close int fd = -1;
	int r = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, (mode_t)mode);
	if (fd < 0)
		return -errno;
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r = -errno;
			goto cleanup;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0) {
		r = -errno;
		goto cleanup;
	}
	if (rename(tmp, path) < 0)
		r = -errno;
cleanup:
	if (r < 0)
		unlink(tmp);
	return r;
}

int vpnha_state_write(const char *agent, const char *instance, const char *key,
		      const void *data, size_t len)
{
	char path[PATH_MAX], dir[PATH_MAX];
	int r;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", vpnha_run_dir(), agent) >= sizeof(dir))
		return -ENAMETOOLONG;
	r = vpnha_mkdir_p(dir, 0700);
	if (r < 0)
		return r;
	r = vpnha_state_path(path, sizeof(path), agent, instance, key);
	if (r < 0)
		return r;
	return vpnha_write_file_atomic(path, data, len, 0600);
}

int vpnha_state_read(const char *agent, const char *instance, const char *key,
		     char **data, size_t *len)
{
	char path[PATH_MAX];
	_vpnha_auto_close int fd = -1;
	_vpnha_auto_free char *buf = NULL;
	size_t cap = 0, used = 0;
	int r;

	*data = NULL;
	r = vpnha_state_path(path, sizeof(path), agent, instance, key);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (used + 1 >= cap) {
			char *nb;

			if (cap >= 1u << 20)
				return -EFBIG;
			cap = cap ? cap * 2 : 256;
			nb = realloc(buf, cap);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	*data = vpnha_steal(&buf);
	return 0;
}

int vpnha_state_remove(const char *agent, const char *instance, const char *key)
{
	char path[PATH_MAX];
	int r = vpnha_state_path(path, sizeof(path), agent, instance, key);

	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

bool vpnha_state_exists(const char *agent, const char *instance, const char *key)
{
	char path[PATH_MAX];

	return vpnha_state_path(path, sizeof(path), agent, instance, key) == 0 &&
	       access(path, F_OK) == 0;
}

static bool record_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '-';
}

int vpnha_record_next(const char **cursor, char *buf, size_t size, const char **key, const char **val)
{
	const char *line = *cursor;
	size_t len, klen;

	*key = *val = NULL;
	if (!line || !*line)
		return 0;
	len = strcspn(line, "\n");
	*cursor = line + len + (line[len] == '\n');
	if (len >= size)
		return -EMSGSIZE;
	for (klen = 0; klen < len && record_key_char(line[klen]); klen++)
		;
	if (klen == 0 || line[klen] != '=')
		return -EBADMSG;
	memcpy(buf, line, len);
	buf[len] = '\0';
	buf[klen] = '\0';
	*key = buf;
	*val = buf + klen + 1;
	return 1;
}

int vpnha_state_foreach(const char *agent, const char *key, vpnha_state_fn fn, void *userdata)
{
	char dir[PATH_MAX], inst[256];
	struct dirent *e;
	size_t n, klen = strlen(key);
	DIR *d;
	int r = 0;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", vpnha_run_dir(), agent) >= sizeof(dir))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r >= 0 && (e = readdir(d)) != NULL) {
		_vpnha_auto_free char *data = NULL;
		size_t len;

		n = strlen(e->d_name);
		/* NAME.KEY, NAME not empty and not hidden (temporary files are) */
		if (e->d_name[0] == '.' || n <= klen + 1 || n - klen - 1 >= sizeof(inst) ||
		    e->d_name[n - klen - 1] != '.' || strcmp(e->d_name + n - klen, key) != 0)
			continue;
		memcpy(inst, e->d_name, n - klen - 1);
		inst[n - klen - 1] = '\0';
		if (vpnha_state_read(agent, inst, key, &data, &len) < 0)
			continue; /* removed meanwhile, or not a regular file */
		r = fn(inst, data, userdata);
	}
	closedir(d);
	return r < 0 ? r : 0;
}
