/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "params.h"
#include "runstate.h"
#include "proc.h"
#include "util.h"
#include "vpnha.h"

static int reap(pid_t pid, uint64_t deadline, struct vpnha_proc_result *res)
{
	int st;

	for (;;) {
		pid_t w = waitpid(pid, &st, deadline ? WNOHANG : 0);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (w == 0) {
			struct timespec ts = { 0, 5 * 1000 * 1000 };

			if (vpnha_now_ms() >= deadline) {
				kill(pid, SIGKILL);
				deadline = 0;
				continue;
			}
			nanosleep(&ts, NULL);
		}
	}
	res->exited = WIFEXITED(st);
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st);
	return 0;
}

/* In the child: stdio on /dev/null and/or out_fd. */
static void child_stdio(const struct vpnha_spawn *sp)
{
	int nul = -1;

	if (sp->flags & VPNHA_SPAWN_NULL_STDIO)
		nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul >= 0)
		dup2(nul, STDIN_FILENO);
	if (sp->out_fd >= 0 || nul >= 0) {
		dup2(sp->out_fd >= 0 ? sp->out_fd : nul, STDOUT_FILENO);
		dup2(sp->out_fd >= 0 ? sp->out_fd : nul, STDERR_FILENO);
	}
}

/* In the child: no descriptor past 2 but keep_fd, moved to 3. */
static void child_close_fds(const struct vpnha_spawn *sp)
{
	unsigned first = 3;
	int fd;

	if (sp->keep_fd >= 0) {
		if (sp->keep_fd != 3 && dup2(sp->keep_fd, 3) < 0)
			_exit(1);
		first = 4;
	}
#ifdef SYS_close_range
	if (syscall(SYS_close_range, first, ~0u, 0u) == 0)
		return;
#endif
	for (fd = (int)first; fd < 1024; fd++)
		close(fd);
}

static void child_exec(const struct vpnha_spawn *sp) __attribute__((noreturn));
static void child_exec(const struct vpnha_spawn *sp)
{
	static const char *const empty_env[] = { NULL };
	struct itimerval zero = { 0 };

	signal(SIGALRM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	setitimer(ITIMER_REAL, &zero, NULL);
	execve(sp->argv[0], (char *const *)sp->argv, (char *const *)(sp->envp ? sp->envp : empty_env));
	_exit(127);
}

/* The forked child: (second fork), session, descriptors, then exec or fn. */
static void child_run(const struct vpnha_spawn *sp) __attribute__((noreturn));
static void child_run(const struct vpnha_spawn *sp)
{
	if (sp->flags & VPNHA_SPAWN_REPARENT) {
		pid_t g = fork();

		if (g != 0)
			_exit(g < 0);
	}
	if (sp->flags & VPNHA_SPAWN_SETSID)
		setsid();
	child_stdio(sp);
	if (sp->flags & VPNHA_SPAWN_CLOSE_FDS)
		child_close_fds(sp);
	if (sp->argv)
		child_exec(sp);
	_exit(sp->fn(sp->arg));
}

int vpnha_proc_spawn(const struct vpnha_spawn *sp, pid_t *pid)
{
	pid_t p;
	int st = 0;

	*pid = 0;
	if (!sp->argv && !sp->fn)
		return -EINVAL;
	if (sp->argv && !sp->argv[0])
		return -EINVAL;
	p = fork();
	if (p < 0)
		return -errno;
	if (p == 0)
		child_run(sp);
	if (!(sp->flags & VPNHA_SPAWN_REPARENT)) {
		*pid = p;
		return 0;
	}
	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

/* Keep what fits of chunk (up to max_output bytes in all), NUL-terminated. */
static void output_append(struct vpnha_proc_result *res, size_t *cap, const char *chunk, size_t n,
			  size_t max_output)
{
	size_t take = n;

	if (res->len >= max_output)
		return;
	if (take > max_output - res->len)
		take = max_output - res->len;
	if (res->len + take + 1 > *cap) {
		size_t ncap = (res->len + take + 1) * 2;
		char *nb = realloc(res->output, ncap);

		if (!nb)
			return;
		res->output = nb;
		*cap = ncap;
	}
	memcpy(res->output + res->len, chunk, take);
	res->len += take;
	res->output[res->len] = '\0';
}

/* Read the child's output until EOF or the deadline (then SIGTERM it). */
static void output_collect(int rd, pid_t pid, uint64_t deadline, size_t max_output,
			   struct vpnha_proc_result *res)
{
	size_t cap = 0;

	for (;;) {
		struct pollfd p = { .fd = rd, .events = POLLIN };
		uint64_t now = vpnha_now_ms();
		char chunk[4096];
		ssize_t n;
		int r;

		if (now >= deadline) {
			res->timed_out = 1;
			kill(pid, SIGTERM);
			break;
		}
		r = poll(&p, 1, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(rd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		output_append(res, &cap, chunk, (size_t)n, max_output);
	}
}

int vpnha_proc_run(const char *const argv[], const char *const envp[], uint64_t timeout_ms,
		   size_t max_output, struct vpnha_proc_result *res)
{
	uint64_t deadline = vpnha_now_ms() + timeout_ms;
	_vpnha_auto_close int rd = -1;
	struct vpnha_spawn sp = { .argv = argv, .envp = envp, .keep_fd = -1, .flags = VPNHA_SPAWN_NULL_STDIO };
	int pfd[2], r;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (!argv || !argv[0] || argv[0][0] != '/')
		return -EINVAL;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	sp.out_fd = pfd[1];
	r = vpnha_proc_spawn(&sp, &pid);
	close(pfd[1]);
	rd = pfd[0];
	if (r < 0)
		return r;
	output_collect(rd, pid, deadline, max_output, res);
	/* After SIGTERM give the child a moment, then SIGKILL. */
	r = reap(pid, res->timed_out ? vpnha_now_ms() + 200 : 0, res);
	if (!res->output) {
		res->output = calloc(1, 1);
		if (!res->output)
			return -ENOMEM;
	}
	return r;
}

void vpnha_proc_result_free(struct vpnha_proc_result *res)
{
	free(res->output);
	res->output = NULL;
	res->len = 0;
}

int vpnha_pid_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	_vpnha_auto_close int fd = -1;
	ssize_t n;

	if (pid <= 0 || !buf || len < 2)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	if (n == 0)
		return -ESRCH;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static bool pid_named(pid_t pid, const char *comm)
{
	char name[32];

	return vpnha_pid_comm(pid, name, sizeof(name)) == 0 && !strcmp(name, comm);
}

pid_t vpnha_pid_find(const char *comm, pid_t hint)
{
	struct dirent *e;
	pid_t found = 0;
	int64_t v;
	DIR *dir;

	if (!comm || !*comm)
		return -EINVAL;
	if (hint > 0 && pid_named(hint, comm))
		return hint;
	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while (!found && (e = readdir(dir)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (vpnha_parse_int(e->d_name, 1, INT32_MAX, &v, NULL, 0) < 0)
			continue;
		if (pid_named((pid_t)v, comm))
			found = (pid_t)v;
	}
	closedir(dir);
	return found;
}

/*
 * Where a daemon of ours is: the environment variable env (tests), else next
 * to this agent's own binary (a build tree linked as the OCF provider
 * directory, as the lab does: an installed package's daemon must not stand
 * in for the one under test), else the configured path dflt.
 */
const char *vpnha_prog_path(char *buf, size_t len, const char *env, const char *name, const char *dflt)
{
	const char *p = getenv(env);
	size_t nlen = strlen(name) + 2;
	ssize_t n;
	char *slash;

	if (p && *p)
		return p;
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n > 0) {
		buf[n] = '\0';
		slash = strrchr(buf, '/');
		if (slash && (size_t)(slash - buf) + nlen <= len) {
			snprintf(slash, nlen, "/%s", name);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return dflt;
}

/* Is pid alive and named comm (no fork, no exec)? */
bool vpnha_pid_alive(pid_t pid, const char *comm)
{
	char path[64], name[32];
	ssize_t n;

	if (pid <= 1)
		return false;
	if (vpnha_pid_comm(pid, name, sizeof(name)) < 0 || strcmp(name, comm) != 0)
		return false;
	/* a zombie is not alive */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	{
		_vpnha_auto_close int sfd = open(path, O_RDONLY | O_CLOEXEC);
		char st[256], *p;

		if (sfd < 0)
			return false;
		n = read(sfd, st, sizeof(st) - 1);
		if (n <= 0)
			return false;
		st[n] = '\0';
		p = strrchr(st, ')');
		if (p && p[1] == ' ' && p[2] == 'Z')
			return false;
	}
	return true;
}

/* The daemons' explicit environment: the run dir, logging, test overrides. */
void vpnha_env_build(struct vpnha_env *e, const char *const pass[], size_t n_pass)
{
	size_t n = 0, i;
	const char *v;

	e->envp[n++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	snprintf(e->buf[0], sizeof(e->buf[0]), "VPNHA_RUN_DIR=%s", vpnha_run_dir());
	e->envp[n++] = e->buf[0];
	for (i = 0; i < n_pass && i < VPNHA_ARRAY_SIZE(e->buf) - 1; i++) {
		v = getenv(pass[i]);
		if (!v || strlen(pass[i]) + strlen(v) + 2 > sizeof(e->buf[0]))
			continue;
		memcpy(e->buf[i + 1], pass[i], strlen(pass[i]));
		e->buf[i + 1][strlen(pass[i])] = '=';
		memcpy(e->buf[i + 1] + strlen(pass[i]) + 1, v, strlen(v) + 1);
		e->envp[n++] = e->buf[i + 1];
	}
	e->envp[n] = NULL;
}

/*
 * The daemon leads its own process group (setsid at spawn): signalling the
 * group also ends an attrd_updater or crm_attribute it is waiting for, so a
 * stop never waits for a cluster tool that is slow under load.
 */
void vpnha_pid_signal_group(pid_t pid, int sig)
{
	if (getpgid(pid) == pid)
		kill(-pid, sig);
	else
		kill(pid, sig);
}
