/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running a program, for the few places that must: execve with an argument
 * vector and an explicit environment (never a shell), a deadline, captured
 * stdout+stderr (bounded), the child killed (SIGTERM then SIGKILL) when the
 * deadline passes.
 */
#ifndef VPNHA_PROC_H
#define VPNHA_PROC_H

#include <stdbool.h>
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
 * Starting a child that outlives the call: a daemon (execve of argv) or a
 * function run in the background (fn). The one place the library forks.
 */
enum vpnha_spawn_flags {
	VPNHA_SPAWN_SETSID = 1u << 0,     /* its own session and process group */
	VPNHA_SPAWN_NULL_STDIO = 1u << 1, /* stdin, stdout, stderr on /dev/null (but out_fd) */
	VPNHA_SPAWN_CLOSE_FDS = 1u << 2,  /* no inherited descriptor past 2 (keep_fd kept, as 3) */
	VPNHA_SPAWN_REPARENT = 1u << 3,   /* double fork: re-parented to init, nothing to reap */
};
/* A daemon: detached from the caller's session and descriptors (Pacemaker
 * waits for EOF on an agent's stdout/stderr). */
#define VPNHA_SPAWN_DAEMON (VPNHA_SPAWN_SETSID | VPNHA_SPAWN_NULL_STDIO | VPNHA_SPAWN_CLOSE_FDS)

struct vpnha_spawn {
	/* execve argv[0] (an absolute path) with argv and envp (NULL: empty
	 * environment), SIGALRM and SIGPIPE back to default; exit 127 if it fails */
	const char *const *argv;
	const char *const *envp;
	/* or, with argv NULL: run fn(arg) in the child and _exit with its return */
	int (*fn)(void *arg);
	void *arg;
	int out_fd;     /* >= 0: the child's stdout and stderr (with NULL_STDIO: stdin stays /dev/null) */
	int keep_fd;    /* >= 0, with CLOSE_FDS: kept open as descriptor 3 */
	unsigned flags; /* enum vpnha_spawn_flags */
};

/*
 * Start sp's child. Returns 0 with *pid the child's pid (0 with REPARENT:
 * the intermediate child has been reaped and the grandchild belongs to
 * init), or a negative errno: fork failed, -EINVAL for neither argv nor fn,
 * -ECHILD when the REPARENT intermediate failed.
 */
int vpnha_proc_spawn(const struct vpnha_spawn *sp, pid_t *pid);

/*
 * Processes by name, read from /proc without running anything.
 * vpnha_pid_comm: pid's name (comm, at most 15 characters) into buf;
 * 0, -ESRCH when there is no such process, or another negative errno.
 * vpnha_pid_find: a process named comm (hint first: returned if it still
 * has that name); 0 when there is none, or a negative errno.
 */
int vpnha_pid_comm(pid_t pid, char *buf, size_t len);
/* Is pid (> 1) alive, not a zombie, and named comm? Read from /proc. */
bool vpnha_pid_alive(pid_t pid, const char *comm);
/* Signal pid, and its process group when it leads one (a daemon from vpnha_proc_spawn). */
void vpnha_pid_signal_group(pid_t pid, int sig);
pid_t vpnha_pid_find(const char *comm, pid_t hint);

/*
 * An explicit environment for a daemon: PATH, VPNHA_RUN_DIR (runstate.h),
 * and those of the n_pass variables named in pass that are set (at most 5).
 */
struct vpnha_env {
	const char *envp[8];
	char buf[6][4200];
};
void vpnha_env_build(struct vpnha_env *e, const char *const pass[], size_t n_pass);

/*
 * Where a helper program is: the environment variable env (tests), else
 * name next to this process's own binary (a build tree linked as the OCF
 * provider directory, as the lab does: an installed package's program must
 * not stand in for the one under test), else dflt. buf holds the result.
 */
const char *vpnha_prog_path(char *buf, size_t len, const char *env, const char *name, const char *dflt);

#endif
