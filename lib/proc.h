/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running a program, for the few places that must: execve with an argument
 * vector and an explicit environment (never a shell), a deadline, captured
 * stdout+stderr (bounded), the child killed (SIGTERM then SIGKILL) when the
 * deadline passes.
 */
#ifndef VPNHA_PROC_H
#define VPNHA_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vpnha_proc_result {
	int exited;      /* 1 if the child exited normally */
	int status;      /* exit status, or the signal number if !exited */
	int timed_out;   /* 1 if killed at the deadline */
	char *output;    /* captured stdout+stderr, NUL-terminated (malloc'd) */
	size_t len;
};

/*
 * Run argv[0] (an absolute path) with argv and envp (NULL: empty
 * environment), waiting at most timeout_ms. stdin is /dev/null. Output beyond
 * max_output bytes is discarded. Returns 0 when the child was run (look at
 * res), or a negative errno when it could not be started.
 */
int vpnha_proc_run(const char *const argv[], const char *const envp[], uint64_t timeout_ms,
		   size_t max_output, struct vpnha_proc_result *res);
void vpnha_proc_result_free(struct vpnha_proc_result *res);

/*
 * Processes by name, read from /proc without running anything.
 * vpnha_pid_comm: pid's name (comm, at most 15 characters) into buf;
 * 0, -ESRCH when there is no such process, or another negative errno.
 * vpnha_pid_find: a process named comm (hint first: returned if it still
 * has that name); 0 when there is none, or a negative errno.
 */
int vpnha_pid_comm(pid_t pid, char *buf, size_t len);
pid_t vpnha_pid_find(const char *comm, pid_t hint);

#endif
