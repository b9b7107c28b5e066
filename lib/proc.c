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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "params.h"
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

int vpnha_proc_run(const char *const argv[], const char *const envp[], uint64_t timeout_ms,
		   size_t max_output, struct vpnha_proc_result *res)
{
	static const char *const empty_env[] = { NULL };
	uint64_t deadline = vpnha_now_ms() + timeout_ms;
	_vpnha_auto_close int rd = -1;
	size_t cap = 0;
	int pfd[2], r;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (!argv || !argv[0] || argv[0][0] != '/')
		return -EINVAL;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		signal(SIGALRM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execve(argv[0], (char *const *)argv, (char *const *)(envp ? envp : empty_env));
		_exit(127);
	}
	close(pfd[1]);
	rd = pfd[0];

	for (;;) {
		struct pollfd p = { .fd = rd, .events = POLLIN };
		uint64_t now = vpnha_now_ms();
		char chunk[4096];
		ssize_t n;

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
		if (res->len < max_output) {
			size_t take = (size_t)n;

			if (take > max_output - res->len)
				take = max_output - res->len;
			if (res->len + take + 1 > cap) {
				size_t ncap = (res->len + take + 1) * 2;
				char *nb = realloc(res->output, ncap);

				if (!nb)
					continue;
				res->output = nb;
				cap = ncap;
			}
			memcpy(res->output + res->len, chunk, take);
			res->len += take;
			res->output[res->len] = '\0';
		}
	}
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
