/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The process helper: argv (no shell), environment, output, deadline. */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "vpnha.h"

START_TEST(test_output_and_status)
{
	const char *argv[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 4096, &r), 0);
	ck_assert(r.exited);
	ck_assert_int_eq(r.status, 3);
	ck_assert_ptr_nonnull(strstr(r.output, "out\n"));
	ck_assert_ptr_nonnull(strstr(r.output, "err\n"));
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_no_shell_interpretation)
{
	const char *argv[] = { "/bin/echo", "$(id); rm -rf /nonexistent", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 4096, &r), 0);
	ck_assert_str_eq(r.output, "$(id); rm -rf /nonexistent\n");
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_environment_explicit)
{
	const char *argv[] = { "/usr/bin/env", NULL };
	const char *envp[] = { "ONLY=this", NULL };
	struct vpnha_proc_result r;

	setenv("SECRET_PSK", "do-not-leak", 1);
	ck_assert_int_eq(vpnha_proc_run(argv, envp, 5000, 4096, &r), 0);
	ck_assert_str_eq(r.output, "ONLY=this\n");
	vpnha_proc_result_free(&r);
	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 4096, &r), 0);
	ck_assert_str_eq(r.output, "");
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_deadline_kills)
{
	const char *argv[] = { "/bin/sleep", "10", NULL };
	struct vpnha_proc_result r;
	uint64_t t0 = vpnha_now_ms();

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 200, 4096, &r), 0);
	ck_assert(r.timed_out);
	ck_assert(!r.exited);
	ck_assert_uint_lt(vpnha_now_ms() - t0, 2000);
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_output_bounded)
{
	const char *argv[] = { "/bin/sh", "-c", "yes | head -c 100000", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 1000, &r), 0);
	ck_assert_uint_eq(r.len, 1000);
	ck_assert_uint_eq(strlen(r.output), 1000);
	ck_assert(r.exited);
	vpnha_proc_result_free(&r);
}
END_TEST

START_TEST(test_relative_path_refused)
{
	const char *argv[] = { "sh", "-c", "true", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 1000, &r), -EINVAL);
}
END_TEST

START_TEST(test_missing_program)
{
	const char *argv[] = { "/nonexistent/prog", NULL };
	struct vpnha_proc_result r;

	ck_assert_int_eq(vpnha_proc_run(argv, NULL, 5000, 1000, &r), 0);
	ck_assert(r.exited);
	ck_assert_int_eq(r.status, 127);
	vpnha_proc_result_free(&r);
}
END_TEST

/* a child named NAME (prctl) that waits until killed */
static pid_t named_child(const char *name)
{
	int p[2];
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, name);
		close(p[0]);
		(void)!write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1); /* named by now */
	close(p[0]);
	return pid;
}

static void reap_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

START_TEST(test_pid_comm)
{
	char name[32];
	pid_t pid = named_child("vpnha-comm-t");

	ck_assert_int_eq(vpnha_pid_comm(pid, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "vpnha-comm-t");
	/* too small a buffer still terminates the string */
	ck_assert_int_eq(vpnha_pid_comm(pid, name, 4), 0);
	ck_assert_str_eq(name, "vpn");
	ck_assert_int_eq(vpnha_pid_comm(pid, name, 1), -EINVAL);
	ck_assert_int_eq(vpnha_pid_comm(0, name, sizeof(name)), -EINVAL);
	ck_assert_int_eq(vpnha_pid_comm(-5, name, sizeof(name)), -EINVAL);
	reap_child(pid);
	ck_assert_int_eq(vpnha_pid_comm(pid, name, sizeof(name)), -ESRCH);
}
END_TEST

START_TEST(test_pid_find)
{
	pid_t a = named_child("vpnha-find-t"), b;

	ck_assert_int_eq(vpnha_pid_find("vpnha-find-t", 0), a);
	/* a stale hint (another process) is ignored, the scan finds it */
	ck_assert_int_eq(vpnha_pid_find("vpnha-find-t", getpid()), a);
	ck_assert_int_eq(vpnha_pid_find("vpnha-find-t", a), a);
	/* the exact name only: no prefix match */
	ck_assert_int_eq(vpnha_pid_find("vpnha-find", 0), 0);
	ck_assert_int_eq(vpnha_pid_find("vpnha-find-t-x", 0), 0);
	ck_assert_int_eq(vpnha_pid_find("", 0), -EINVAL);
	ck_assert_int_eq(vpnha_pid_find(NULL, 0), -EINVAL);
	/* gone: not found, even given as the hint; a restarted one is found */
	reap_child(a);
	ck_assert_int_eq(vpnha_pid_find("vpnha-find-t", a), 0);
	b = named_child("vpnha-find-t");
	ck_assert_int_eq(vpnha_pid_find("vpnha-find-t", a), b);
	reap_child(b);
}
END_TEST

/* ---- vpnha_proc_spawn ---- */

static int extra_fd = -1;

/* In the child: report session leadership, parent, stdin and extra_fd on fd 3. */
static int report_child(void *arg)
{
	char buf[128];
	int n;

	(void)arg;
	n = snprintf(buf, sizeof(buf), "%d %d %d %d", getsid(0) == getpid(), (int)getppid(),
		     fcntl(extra_fd, F_GETFD) >= 0, isatty(STDIN_FILENO) == 0 && fcntl(0, F_GETFD) >= 0);
	return write(3, buf, (size_t)n) == n ? 0 : 1;
}

/* Spawn report_child with flags; its report parsed into v[4]. */
static void spawn_report(unsigned flags, pid_t *pid, int v[4])
{
	struct vpnha_spawn sp = { .fn = report_child, .out_fd = -1, .flags = flags };
	char buf[128] = "";
	int pfd[2];
	ssize_t n;

	ck_assert_int_eq(pipe(pfd), 0);
	extra_fd = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(extra_fd, 0);
	sp.keep_fd = pfd[1];
	ck_assert_int_eq(vpnha_proc_spawn(&sp, pid), 0);
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(sscanf(buf, "%d %d %d %d", &v[0], &v[1], &v[2], &v[3]), 4);
	close(pfd[0]);
	close(extra_fd);
}

START_TEST(test_spawn_daemon_detached)
{
	pid_t pid;
	int v[4], st;

	spawn_report(VPNHA_SPAWN_DAEMON, &pid, v);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(v[0], 1);        /* its own session */
	ck_assert_int_eq(v[1], getpid()); /* our child, for us to reap */
	ck_assert_int_eq(v[2], 0);        /* the inherited descriptor closed */
	ck_assert_int_eq(v[3], 1);        /* stdin open, on /dev/null */
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

START_TEST(test_spawn_reparented)
{
	pid_t pid = -1;
	int v[4];

	spawn_report(VPNHA_SPAWN_DAEMON | VPNHA_SPAWN_REPARENT, &pid, v);
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(v[0], 1);
	ck_assert_int_ne(v[1], getpid()); /* re-parented: nothing for us to reap */
	ck_assert_int_eq(v[2], 0);
}
END_TEST

START_TEST(test_spawn_exec_fails_127)
{
	const char *argv[] = { "/nonexistent/vpnha-test-prog", NULL };
	struct vpnha_spawn sp = { .argv = argv, .out_fd = -1, .keep_fd = -1, .flags = VPNHA_SPAWN_DAEMON };
	pid_t pid;
	int st;

	ck_assert_int_eq(vpnha_proc_spawn(&sp, &pid), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 127);
}
END_TEST

START_TEST(test_spawn_nothing_refused)
{
	struct vpnha_spawn sp = { .out_fd = -1, .keep_fd = -1 };
	pid_t pid = 1;

	ck_assert_int_eq(vpnha_proc_spawn(&sp, &pid), -EINVAL);
	ck_assert_int_eq(pid, 0);
}
END_TEST

static Suite *proc_suite(void)
{
	Suite *s = suite_create("proc");
	TCase *tc = tcase_create("run");

	tcase_add_test(tc, test_output_and_status);
	tcase_add_test(tc, test_no_shell_interpretation);
	tcase_add_test(tc, test_environment_explicit);
	tcase_add_test(tc, test_deadline_kills);
	tcase_add_test(tc, test_output_bounded);
	tcase_add_test(tc, test_relative_path_refused);
	tcase_add_test(tc, test_missing_program);
	tcase_add_test(tc, test_spawn_daemon_detached);
	tcase_add_test(tc, test_spawn_reparented);
	tcase_add_test(tc, test_spawn_exec_fails_127);
	tcase_add_test(tc, test_spawn_nothing_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("pid");
	tcase_add_test(tc, test_pid_comm);
	tcase_add_test(tc, test_pid_find);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(proc_suite)
