/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pacemaker node attributes through attrd_updater, run with an argv. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attrd.h"
#include "log.h"
#include "params.h"
#include "proc.h"

#define MAX_OUTPUT 8192

/* Pacemaker's crm_exit_t values attrd_updater exits with. */
enum {
	CRM_EX_OK = 0,
	CRM_EX_ERROR = 1,
	CRM_EX_INVALID_PARAM = 2,
	CRM_EX_INSUFFICIENT_PRIV = 4,
	CRM_EX_USAGE = 64,
	CRM_EX_DATAERR = 65,
	CRM_EX_NOUSER = 67,
	CRM_EX_NOHOST = 68,
	CRM_EX_UNAVAILABLE = 69,
	CRM_EX_NOPERM = 77,
	CRM_EX_NOT_CONNECTED = 102,
	CRM_EX_NOSUCH = 105,
	CRM_EX_TIMEOUT = 124,
};

static const char *const attrd_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };

const char *vpnha_attrd_result_str(enum vpnha_attrd_result r)
{
	switch (r) {
	case VPNHA_ATTRD_OK:
		return "ok";
	case VPNHA_ATTRD_NO_CLUSTER:
		return "no cluster (attrd not reachable)";
	case VPNHA_ATTRD_NOT_FOUND:
		return "no such attribute";
	case VPNHA_ATTRD_TIMEOUT:
		return "attrd_updater timed out";
	case VPNHA_ATTRD_NOT_INSTALLED:
		return "attrd_updater not installed";
	case VPNHA_ATTRD_INVALID:
		return "attrd_updater rejected its arguments";
	case VPNHA_ATTRD_ERROR:
		return "attrd_updater failed";
	}
	return "unknown";
}

const char *vpnha_attrd_updater_path(void)
{
	const char *p = getenv("VPNHA_ATTRD_UPDATER");

	return p && *p ? p : VPNHA_ATTRD_UPDATER_DEFAULT;
}

int vpnha_attrd_name_check(const char *name)
{
	size_t n;

	if (!name)
		return -EINVAL;
	n = strlen(name);
	if (n == 0 || n > VPNHA_ATTRD_NAME_MAX)
		return -EINVAL;
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return -EINVAL;
	return vpnha_name_ok(name) ? 0 : -EINVAL;
}

enum vpnha_attrd_result vpnha_attrd_map_exit(int exited, int status, int timed_out)
{
	if (timed_out)
		return VPNHA_ATTRD_TIMEOUT;
	if (!exited)
		return VPNHA_ATTRD_ERROR; /* killed by a signal */
	switch (status) {
	case CRM_EX_OK:
		return VPNHA_ATTRD_OK;
	case CRM_EX_NOT_CONNECTED:
	case CRM_EX_UNAVAILABLE:
		return VPNHA_ATTRD_NO_CLUSTER;
	case CRM_EX_NOSUCH:
		return VPNHA_ATTRD_NOT_FOUND;
	case CRM_EX_TIMEOUT:
		return VPNHA_ATTRD_TIMEOUT;
	case CRM_EX_INVALID_PARAM:
	case CRM_EX_USAGE:
	case CRM_EX_DATAERR:
	case CRM_EX_NOHOST:
		return VPNHA_ATTRD_INVALID;
	case 126: /* found but not executable (a wrapper's convention) */
	case 127: /* exec failed (vpnha_proc_run's child) */
		return VPNHA_ATTRD_NOT_INSTALLED;
	default:
		return VPNHA_ATTRD_ERROR;
	}
}

/* First line of the tool's output, for the caller's message. */
static void copy_detail(const char *out, char *detail, size_t detail_len)
{
	size_t n;

	if (!detail || !detail_len)
		return;
	detail[0] = '\0';
	if (!out)
		return;
	n = strcspn(out, "\n");
	if (n >= detail_len)
		n = detail_len - 1;
	memcpy(detail, out, n);
	detail[n] = '\0';
}

static enum vpnha_attrd_result run(const char *const argv[], uint64_t timeout_ms,
				   struct vpnha_proc_result *res, char *detail, size_t detail_len)
{
	enum vpnha_attrd_result r;
	int e;

	memset(res, 0, sizeof(*res));
	if (detail && detail_len)
		detail[0] = '\0';
	if (access(argv[0], X_OK) < 0) {
		if (detail && detail_len)
			snprintf(detail, detail_len, "%s: %s", argv[0], strerror(errno));
		return VPNHA_ATTRD_NOT_INSTALLED;
	}
	e = vpnha_proc_run(argv, attrd_env, timeout_ms, MAX_OUTPUT, res);
	if (e < 0) {
		if (detail && detail_len)
			snprintf(detail, detail_len, "cannot run %s: %s", argv[0], strerror(-e));
		return VPNHA_ATTRD_ERROR;
	}
	r = vpnha_attrd_map_exit(res->exited, res->status, res->timed_out);
	if (r != VPNHA_ATTRD_OK)
		copy_detail(res->output, detail, detail_len);
	vpnha_log_debug("%s %s %s: %s (%s %d)", argv[0], argv[1], argv[2] ? argv[2] : "", vpnha_attrd_result_str(r),
			res->exited ? "exit" : "signal", res->status);
	return r;
}

enum vpnha_attrd_result vpnha_attrd_update(const char *name, const char *value, uint64_t dampen_ms,
					   uint64_t timeout_ms, char *detail, size_t detail_len)
{
	struct vpnha_proc_result res;
	enum vpnha_attrd_result r;
	char delay[32];
	const char *argv[] = { vpnha_attrd_updater_path(), "-n", name, "-B", value, "-d", delay, NULL };

	if (vpnha_attrd_name_check(name) < 0 || !value)
		return VPNHA_ATTRD_INVALID;
	snprintf(delay, sizeof(delay), "%" PRIu64 "ms", dampen_ms);
	r = run(argv, timeout_ms, &res, detail, detail_len);
	vpnha_proc_result_free(&res);
	return r;
}

enum vpnha_attrd_result vpnha_attrd_query(const char *name, const char *node, char *value,
					  size_t value_len, uint64_t timeout_ms,
					  char *detail, size_t detail_len)
{
	struct vpnha_proc_result res;
	enum vpnha_attrd_result r;
	const char *argv[] = { vpnha_attrd_updater_path(), "-n", name, "-Q", NULL, NULL, NULL };
	int e;

	if (vpnha_attrd_name_check(name) < 0 || !value || !value_len)
		return VPNHA_ATTRD_INVALID;
	value[0] = '\0';
	if (node) {
		argv[4] = "-N";
		argv[5] = node;
	}
	r = run(argv, timeout_ms, &res, detail, detail_len);
	if (r == VPNHA_ATTRD_OK) {
		e = vpnha_attrd_parse_query(res.output, name, node, value, value_len);
		if (e == -ENOENT) {
			r = VPNHA_ATTRD_NOT_FOUND;
		} else if (e < 0) {
			copy_detail(res.output, detail, detail_len);
			r = VPNHA_ATTRD_ERROR;
		}
	}
	vpnha_proc_result_free(&res);
	return r;
}

enum vpnha_attrd_result vpnha_cib_attr_query(const char *name, const char *node, char *value,
					     size_t value_len, uint64_t timeout_ms,
					     char *detail, size_t detail_len)
{
	struct vpnha_proc_result res;
	enum vpnha_attrd_result r;
	const char *tool = getenv("VPNHA_CRM_ATTRIBUTE");
	const char *argv[] = { tool && *tool ? tool : VPNHA_CRM_ATTRIBUTE_DEFAULT, "--lifetime", "reboot",
			       "--node", node, "--name", name, "--query", "--quiet", NULL };
	size_t n;

	if (vpnha_attrd_name_check(name) < 0 || !node || !*node || !value || !value_len)
		return VPNHA_ATTRD_INVALID;
	value[0] = '\0';
	r = run(argv, timeout_ms, &res, detail, detail_len);
	if (r == VPNHA_ATTRD_OK) {
		/* --quiet: the value alone on the first line */
		n = res.output ? strcspn(res.output, "\n") : 0;
		if (n >= value_len) {
			copy_detail(res.output, detail, detail_len);
			r = VPNHA_ATTRD_ERROR;
		} else if (n) {
			memcpy(value, res.output, n);
			value[n] = '\0';
		}
	}
	vpnha_proc_result_free(&res);
	return r;
}

enum vpnha_attrd_result vpnha_attrd_refresh(uint64_t timeout_ms, char *detail, size_t detail_len)
{
	struct vpnha_proc_result res;
	enum vpnha_attrd_result r;
	const char *argv[] = { vpnha_attrd_updater_path(), "-R", NULL };

	r = run(argv, timeout_ms, &res, detail, detail_len);
	vpnha_proc_result_free(&res);
	return r;
}

enum vpnha_attrd_result vpnha_attrd_set_value(const char *name, const char *value, uint64_t timeout_ms,
					      char *detail, size_t detail_len)
{
	struct vpnha_proc_result res;
	enum vpnha_attrd_result r;
	const char *argv[] = { vpnha_attrd_updater_path(), "-n", name, "-U", value, NULL };

	if (vpnha_attrd_name_check(name) < 0 || !value)
		return VPNHA_ATTRD_INVALID;
	r = run(argv, timeout_ms, &res, detail, detail_len);
	vpnha_proc_result_free(&res);
	return r;
}

enum vpnha_attrd_result vpnha_attrd_delete_after(const char *name, uint64_t grace_ms, uint64_t timeout_ms,
						 char *detail, size_t detail_len)
{
	struct vpnha_proc_result res;
	enum vpnha_attrd_result r;
	char delay[32];
	const char *argv[] = { vpnha_attrd_updater_path(), "-n", name, "-Y", "-d", delay, NULL };

	if (vpnha_attrd_name_check(name) < 0)
		return VPNHA_ATTRD_INVALID;
	if (grace_ms == 0)
		return vpnha_attrd_delete(name, timeout_ms, detail, detail_len);
	snprintf(delay, sizeof(delay), "%" PRIu64 "ms", grace_ms);
	r = run(argv, timeout_ms, &res, detail, detail_len);
	vpnha_proc_result_free(&res);
	if (r == VPNHA_ATTRD_NOT_FOUND)
		return VPNHA_ATTRD_OK; /* nothing to delete */
	if (r != VPNHA_ATTRD_OK)
		return r;
	return vpnha_attrd_delete(name, timeout_ms, detail, detail_len);
}

enum vpnha_attrd_result vpnha_attrd_delete(const char *name, uint64_t timeout_ms,
					   char *detail, size_t detail_len)
{
	struct vpnha_proc_result res;
	enum vpnha_attrd_result r;
	const char *argv[] = { vpnha_attrd_updater_path(), "-n", name, "-D", NULL };

	if (vpnha_attrd_name_check(name) < 0)
		return VPNHA_ATTRD_INVALID;
	r = run(argv, timeout_ms, &res, detail, detail_len);
	vpnha_proc_result_free(&res);
	return r == VPNHA_ATTRD_NOT_FOUND ? VPNHA_ATTRD_OK : r;
}

/*
 * Find KEY="..." in the line [p, end): the value's start and length.
 * Values are what attrd_updater prints between double quotes (it does not
 * escape; a value can't hold '"' as the line is built).
 */
static int line_field(const char *line, const char *end, const char *key, const char **v, size_t *vlen)
{
	size_t klen = strlen(key);
	const char *p = line, *q;

	while (p < end) {
		if ((size_t)(end - p) > klen + 1 && !strncmp(p, key, klen) && p[klen] == '=' &&
		    p[klen + 1] == '"' && (p == line || p[-1] == ' ')) {
			p += klen + 2;
			q = memchr(p, '"', (size_t)(end - p));
			if (!q)
				return -EINVAL;
			*v = p;
			*vlen = (size_t)(q - p);
			return 0;
		}
		p++;
	}
	return -ENOENT;
}

int vpnha_attrd_parse_query(const char *output, const char *name, const char *host,
			    char *value, size_t value_len)
{
	const char *line, *end, *v;
	size_t vlen;
	int r;

	if (!output || !name || !value || !value_len)
		return -EINVAL;
	for (line = output; *line; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		r = line_field(line, end, "name", &v, &vlen);
		if (r == -EINVAL)
			return r;
		if (r < 0 || vlen != strlen(name) || strncmp(v, name, vlen) != 0)
			continue;
		if (host) {
			r = line_field(line, end, "host", &v, &vlen);
			if (r == -EINVAL)
				return r;
			if (r < 0 || vlen != strlen(host) || strncmp(v, host, vlen) != 0)
				continue;
		}
		r = line_field(line, end, "value", &v, &vlen);
		if (r < 0)
			return -EINVAL;
		if (vlen >= value_len)
			return -ENAMETOOLONG;
		memcpy(value, v, vlen);
		value[vlen] = '\0';
		return 0;
	}
	return -ENOENT;
}
