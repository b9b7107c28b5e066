/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A supervised daemon as mii-link sees it: its pid record and its end
 * (lib/supervise), mii-linkd's status record, its freshness and start's wait
 * (lib/miistatus), and the list of published attributes with their deletion
 * (lib/attrd-names) against a fake attrd_updater (VPNHA_ATTRD_UPDATER). The
 * daemons are sh and sleep children of this test.
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attrd-names.h"
#include "miistatus.h"
#include "params.h"
#include "proc.h"
#include "records.h"
#include "runstate.h"
#include "supervise.h"
#include "testutil.h"
#include "util.h"

static char dir[128], fake[256], calls[256];
static struct vpnha_ctx ctx;

static void setup(void)
{
	ck_assert_ptr_nonnull(test_mkdtemp(dir, sizeof(dir), "check-sup"));
	setenv("VPNHA_RUN_DIR", dir, 1);
	snprintf(fake, sizeof(fake), "%s/attrd_updater", dir);
	snprintf(calls, sizeof(calls), "%s/calls", dir);
	setenv("VPNHA_ATTRD_UPDATER", fake, 1);
	memset(&ctx, 0, sizeof(ctx));
	ctx.instance = "m1";
	ctx.deadline = vpnha_now_ms() + 20000;
}

static void teardown(void)
{
	free(ctx.reason);
	test_rmtree(dir);
}

/* the first exit reason wins: forget it before the next assertion on it */
static void reason_reset(void)
{
	free(ctx.reason);
	ctx.reason = NULL;
}

/* A child running /bin/sh -c script (its own process group, like a daemon). */
static pid_t child_sh(const char *script)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* mii-linkd's status record for pid, refreshed age_ms ago */
static void status_write(pid_t pid, uint64_t age_ms, const char *rest)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "pid=%d\nupdated_ms=%" PRIu64 "\ninterval_ms=500\n%s", (int)pid,
			 vpnha_now_ms() - age_ms, rest);

	ck_assert_int_eq(vpnha_state_write("mii-link", "m1", "status", buf, (size_t)n), 0);
}

START_TEST(test_sup_pid)
{
	ck_assert_int_eq(vpnha_sup_pid("mii-link", "m1", "pid"), 0);
	ck_assert_int_eq(vpnha_state_write("mii-link", "m1", "pid", "1234\n", 5), 0);
	ck_assert_int_eq(vpnha_sup_pid("mii-link", "m1", "pid"), 1234);
	ck_assert_int_eq(vpnha_state_write("mii-link", "m1", "pid", "1\n", 2), 0);
	ck_assert_int_eq(vpnha_sup_pid("mii-link", "m1", "pid"), 0);
	ck_assert_int_eq(vpnha_state_write("mii-link", "m1", "pid", "junk", 4), 0);
	ck_assert_int_eq(vpnha_sup_pid("mii-link", "m1", "pid"), 0);
}
END_TEST

START_TEST(test_sup_end)
{
	pid_t pid = child_sh("while :; do sleep 1; done");
	uint64_t t0;
	int st;

	while (!vpnha_pid_alive(pid, "sh"))
		usleep(1000);
	ck_assert_int_eq(vpnha_sup_end(&ctx, pid, "sh", 2000), VPNHA_RC_OK);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	/* one that ignores SIGTERM: SIGKILL after the grace */
	pid = child_sh("trap '' TERM; while :; do sleep 1; done");
	usleep(100000); /* the trap set */
	t0 = vpnha_now_ms();
	ck_assert_int_eq(vpnha_sup_end(&ctx, pid, "sh", 200), VPNHA_RC_OK);
	ck_assert_uint_ge(vpnha_now_ms() - t0, 200);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	ck_assert_ptr_null(ctx.reason);
}
END_TEST

START_TEST(test_sup_spawn)
{
	const char *const missing[] = { "/nonexistent/mii-linkd", NULL };
	const char *const sleeper[] = { "/bin/sleep", "30", NULL };
	const char *const pass[] = { "VPNHA_ATTRD_UPDATER" };
	pid_t pid = 0;

	ck_assert_int_eq(vpnha_sup_spawn(&ctx, missing, pass, 1, &pid), VPNHA_RC_NOT_INSTALLED);
	ck_assert_str_eq(ctx.reason, "daemon /nonexistent/mii-linkd: No such file or directory");
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(vpnha_sup_spawn(&ctx, sleeper, pass, 1, &pid), VPNHA_RC_OK);
	ck_assert_int_gt(pid, 1);
	while (!vpnha_pid_alive(pid, "sleep"))
		usleep(1000);
	ck_assert_int_eq(getsid(pid), pid); /* detached: its own session */
	ck_assert_int_eq(vpnha_sup_end(&ctx, pid, "sleep", 2000), VPNHA_RC_OK);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

START_TEST(test_mii_status_check)
{
	struct vpnha_mii_status st;

	ck_assert_int_eq(vpnha_mii_status_read("mii-link", "m1", &st), -ENOENT);
	ck_assert_int_eq(vpnha_mii_status_check(&ctx, "mii-link", 4242), VPNHA_RC_ERROR);
	ck_assert_str_eq(ctx.reason, "mii-linkd (pid 4242) has no status file");
	reason_reset();
	status_write(4242, 0, "initial=1\nattrd=ok\nquorum=not quorate\n");
	ck_assert_int_eq(vpnha_mii_status_read("mii-link", "m1", &st), 0);
	ck_assert(st.pid == 4242 && st.initial && st.interval_ms == 500);
	/* a lost quorum is only a warning */
	ck_assert_int_eq(vpnha_mii_status_check(&ctx, "mii-link", 4242), VPNHA_RC_OK);
	ck_assert_int_eq(vpnha_mii_status_check(&ctx, "mii-link", 4243), VPNHA_RC_ERROR); /* another's */
	reason_reset();
	/* 3 polls + 2 attrd runs + 2 s: 13.5 s */
	status_write(4242, 13000, "attrd=ok\n");
	ck_assert_int_eq(vpnha_mii_status_check(&ctx, "mii-link", 4242), VPNHA_RC_OK);
	status_write(4242, 14000, "attrd=ok\n");
	ck_assert_int_eq(vpnha_mii_status_check(&ctx, "mii-link", 4242), VPNHA_RC_ERROR);
	ck_assert_ptr_nonnull(strstr(ctx.reason, "mii-linkd (pid 4242) is hung: status not refreshed for 14"));
	reason_reset();
	/* attrd failing is degraded (a restart would not help), not failed */
	status_write(4242, 0, "attrd=failing\nerror=attrd_updater: timed out\n");
	ck_assert_int_eq(vpnha_mii_status_check(&ctx, "mii-link", 4242), VPNHA_RC_DEGRADED);
	ck_assert_str_eq(ctx.reason, "mii-linkd cannot publish the attributes: attrd_updater: timed out");
	reason_reset();
	status_write(4242, 0, "attrd=failing\n");
	ck_assert_int_eq(vpnha_mii_status_check(&ctx, "mii-link", 4242), VPNHA_RC_DEGRADED);
	ck_assert_str_eq(ctx.reason, "mii-linkd cannot publish the attributes: attrd_updater keeps failing");
}
END_TEST

START_TEST(test_mii_wait_initial)
{
	char ready[64];
	pid_t pid = child_sh("exit 127");

	ck_assert_int_eq(vpnha_mii_status_wait_initial(&ctx, "mii-link", pid, "/x/mii-linkd"), VPNHA_RC_NOT_INSTALLED);
	ck_assert_str_eq(ctx.reason, "cannot execute /x/mii-linkd");
	reason_reset();
	pid = child_sh("exit 3");
	ck_assert_int_eq(vpnha_mii_status_wait_initial(&ctx, "mii-link", pid, "/x/mii-linkd"), VPNHA_RC_ERROR);
	ck_assert_str_eq(ctx.reason, "mii-linkd exited at start (status 3)");
	reason_reset();
	status_write(1000, 0, "error=no such interface eth9\n");
	pid = child_sh("exit 1");
	ck_assert_int_eq(vpnha_mii_status_wait_initial(&ctx, "mii-link", pid, "/x/mii-linkd"), VPNHA_RC_ERROR);
	ck_assert_str_eq(ctx.reason, "mii-linkd failed: no such interface eth9");
	reason_reset();
	/* ready: its own record says initial */
	pid = child_sh("sleep 30");
	status_write(pid, 0, "initial=1\nattrd=no-cluster\n");
	ck_assert_int_eq(vpnha_mii_status_wait_initial(&ctx, "mii-link", pid, "/x/mii-linkd"), VPNHA_RC_OK);
	ck_assert_ptr_null(ctx.reason);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	/* never ready: killed at the deadline, its files removed */
	pid = child_sh("sleep 30");
	snprintf(ready, sizeof(ready), "%d\n", (int)pid);
	ck_assert_int_eq(vpnha_state_write("mii-link", "m1", "pid", ready, strlen(ready)), 0);
	status_write(pid, 0, "initial=0\n");
	ctx.deadline = vpnha_now_ms() + 100;
	ck_assert_int_eq(vpnha_mii_status_wait_initial(&ctx, "mii-link", pid, "/x/mii-linkd"), VPNHA_RC_TIMEOUT);
	ck_assert_str_eq(ctx.reason, "mii-linkd did not publish the initial link state in time");
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert(!vpnha_state_exists("mii-link", "m1", "status"));
	ck_assert(!vpnha_state_exists("mii-link", "m1", "pid"));
}
END_TEST

/* the whole file, malloc'd */
static char *slurp(const char *path)
{
	char *buf = calloc(1, 4096);
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_lt(fread(buf, 1, 4095, f), 4095);
	fclose(f);
	return buf;
}

/* a fake attrd_updater: appends its argv (one line) to calls, exits rc */
static void fake_write(int rc)
{
	FILE *f = fopen(fake, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\necho \"$*\" >> %s\nexit %d\n", calls, rc);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(fake, 0700), 0);
	unlink(calls);
}

START_TEST(test_attrd_names)
{
	struct vpnha_val items[] = { { .str = "eth0" }, { .str = "eth1" } };
	struct vpnha_value v = { .present = true, .n_items = 2, .items = items };
	char *text;
	size_t len;

	ck_assert_uint_eq(vpnha_attrd_names_delete(&ctx, "mii-link", "attrs", 0, 5000), 0); /* no list */
	ck_assert_int_eq(vpnha_attrd_names_write("mii-link", "m1", "attrs", "vpnha-link-", &v, "gw-ok"), 0);
	ck_assert_int_eq(vpnha_state_read("mii-link", "m1", "attrs", &text, &len), 0);
	ck_assert_str_eq(text, "vpnha-link-eth0\nvpnha-link-eth1\ngw-ok\n");
	free(text);
	fake_write(0);
	ck_assert_uint_eq(vpnha_attrd_names_delete(&ctx, "mii-link", "attrs", 0, 5000), 0);
	ck_assert_int_eq(vpnha_state_read("mii-link", "m1", "attrs", &text, &len), 0); /* kept: stop removes it */
	free(text);
	text = slurp(calls);
	ck_assert_str_eq(text, "-n vpnha-link-eth0 -D\n-n vpnha-link-eth1 -D\n-n gw-ok -D\n");
	free(text);
	fake_write(0);
	ck_assert_uint_eq(vpnha_attrd_names_delete(&ctx, "mii-link", "attrs", 30000, 5000), 3); /* pending in attrd */
	/* not connected (102): no cluster, the others not tried */
	fake_write(102);
	ck_assert_uint_eq(vpnha_attrd_names_delete(&ctx, "mii-link", "attrs", 30000, 5000), 0);
	text = slurp(calls);
	ck_assert_str_eq(text, "-n vpnha-link-eth0 -Y -d 30000ms\n");
	free(text);
	ck_assert_int_eq(vpnha_attrd_names_write("mii-link", "m1", "attrs", "p-", &v, NULL), 0);
	ck_assert_int_eq(vpnha_state_read("mii-link", "m1", "attrs", &text, &len), 0);
	ck_assert_str_eq(text, "p-eth0\np-eth1\n");
	free(text);
}
END_TEST

static Suite *supervise_suite(void)
{
	const TTest *tests[] = { test_sup_pid, test_sup_end, test_sup_spawn, test_mii_status_check, test_mii_wait_initial,
				 test_attrd_names };

	return vpnha_test_suite("supervise", "daemon", setup, teardown, tests, VPNHA_ARRAY_SIZE(tests));
}

VPNHA_TEST_MAIN(supervise_suite)
