/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The OCF core: exit-code mapping, deadline, exit reason, dispatch. */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "util.h"
#include "vpnha.h"
#include "testutil.h"

#define AGENT TOP_BUILDDIR "/tests/test-agent"

static const struct { enum vpnha_rc rc; int ocf; } map[] = {
	{ VPNHA_RC_OK, 0 }, { VPNHA_RC_ERROR, 1 }, { VPNHA_RC_BAD_ARGS, 2 },
	{ VPNHA_RC_UNIMPLEMENTED, 3 }, { VPNHA_RC_PERM, 4 }, { VPNHA_RC_NOT_INSTALLED, 5 },
	{ VPNHA_RC_CONFIG, 6 }, { VPNHA_RC_NOT_RUNNING, 7 }, { VPNHA_RC_TIMEOUT, 1 },
	{ VPNHA_RC_DEGRADED, 190 },
};

START_TEST(test_rc_map)
{
	ck_assert_int_eq(vpnha_rc_to_ocf(map[_i].rc), map[_i].ocf);
	ck_assert_str_ne(vpnha_rc_str(map[_i].rc), "unknown");
}
END_TEST

START_TEST(test_rc_map_unknown)
{
	ck_assert_int_eq(vpnha_rc_to_ocf((enum vpnha_rc)999), OCF_ERR_GENERIC);
}
END_TEST

START_TEST(test_deadline)
{
	/* 10 % margin, capped at 2 s; default 20 s; garbage falls back to default */
	ck_assert_uint_eq(vpnha_deadline_from_timeout(1000, "10000"), 1000 + 9000);
	ck_assert_uint_eq(vpnha_deadline_from_timeout(1000, "60000"), 1000 + 58000);
	ck_assert_uint_eq(vpnha_deadline_from_timeout(1000, NULL), 1000 + 18000);
	ck_assert_uint_eq(vpnha_deadline_from_timeout(1000, "abc"), 1000 + 18000);
	ck_assert_uint_eq(vpnha_deadline_from_timeout(1000, "-5"), 1000 + 18000);
	ck_assert_uint_eq(vpnha_deadline_from_timeout(0, "100"), 90);
}
END_TEST

START_TEST(test_sleep_respects_deadline)
{
	struct vpnha_ctx ctx = { 0 };
	uint64_t t0 = vpnha_now_ms();

	ctx.deadline = t0 + 100;
	ck_assert(!vpnha_sleep_ms(&ctx, 5000));
	ck_assert_uint_lt(vpnha_now_ms() - t0, 1000);
	ck_assert(vpnha_expired(&ctx));
	ck_assert_uint_eq(vpnha_time_left_ms(&ctx), 0);
}
END_TEST

START_TEST(test_fail_first_reason_wins)
{
	struct vpnha_ctx ctx = { 0 };

	ck_assert_int_eq(vpnha_fail(&ctx, VPNHA_RC_CONFIG, "first %d", 1), VPNHA_RC_CONFIG);
	ck_assert_int_eq(vpnha_fail(&ctx, VPNHA_RC_ERROR, "second"), VPNHA_RC_ERROR);
	ck_assert_str_eq(ctx.reason, "first 1");
	free(ctx.reason);
}
END_TEST

START_TEST(test_fail_one_line)
{
	struct vpnha_ctx ctx = { 0 };

	vpnha_fail(&ctx, VPNHA_RC_ERROR, "a\nb\rc");
	ck_assert_str_eq(ctx.reason, "a b c");
	free(ctx.reason);
}
END_TEST

/* ---- dispatch, through the test agent as a process ---- */

static char rundir[128] = "/nonexistent";

static void mkrundir(void)
{
	ck_assert_ptr_nonnull(test_mkdtemp(rundir, sizeof(rundir), "check-ocf"));
}

static void rmrundir(void)
{
	if (strcmp(rundir, "/nonexistent"))
		test_rmtree(rundir);
	strcpy(rundir, "/nonexistent");
}

static int run(const char *action, const char *const *extra_env, char **out)
{
	const char *argv[] = { AGENT, action, NULL };
	const char *envp[24];
	char rd[160];
	struct vpnha_proc_result res;
	size_t n = 0;

	snprintf(rd, sizeof(rd), "VPNHA_RUN_DIR=%s", rundir);
	envp[n++] = rd;
	envp[n++] = "HA_LOGFACILITY=none";
	envp[n++] = "OCF_RESOURCE_INSTANCE=t1";
	while (extra_env && *extra_env && n < 23)
		envp[n++] = *extra_env++;
	envp[n] = NULL;
	ck_assert_int_eq(vpnha_proc_run(action ? argv : (const char *[]){ AGENT, NULL }, envp, 20000,
					1 << 16, &res), 0);
	ck_assert(res.exited);
	*out = res.output;
	return res.status;
}

static int count_reasons(const char *out, const char *prefix)
{
	const char *p = out;
	int n = 0;

	while ((p = strstr(p, prefix))) {
		if (p == out || p[-1] == '\n')
			n++;
		p++;
	}
	return n;
}

START_TEST(test_dispatch_unknown_action)
{
	const char *actions[] = { "frobnicate", "mon", "monitorx", "START", "", "meta" };
	size_t i;

	for (i = 0; i < VPNHA_ARRAY_SIZE(actions); i++) {
		_vpnha_auto_free char *out = NULL;

		ck_assert_int_eq(run(actions[i], NULL, &out), OCF_ERR_UNIMPLEMENTED);
		ck_assert_ptr_nonnull(strstr(out, "usage:"));
		ck_assert_int_eq(count_reasons(out, "ocf-exit-reason:"), 1);
	}
}
END_TEST

START_TEST(test_dispatch_no_action)
{
	_vpnha_auto_free char *out = NULL;

	ck_assert_int_eq(run(NULL, NULL, &out), OCF_ERR_ARGS);
	ck_assert_ptr_nonnull(strstr(out, "usage:"));
}
END_TEST

START_TEST(test_dispatch_metadata)
{
	_vpnha_auto_free char *out = NULL;

	ck_assert_int_eq(run("meta-data", NULL, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "<resource-agent name=\"test-agent\""));
}
END_TEST

START_TEST(test_dispatch_missing_required)
{
	_vpnha_auto_free char *out = NULL;

	ck_assert_int_eq(run("start", NULL, &out), OCF_ERR_CONFIGURED);
	ck_assert_int_eq(count_reasons(out, "ocf-exit-reason:"), 1);
	ck_assert_ptr_nonnull(strstr(out, "ocf-exit-reason:parameter 'name' is required"));
}
END_TEST

START_TEST(test_dispatch_bad_param_validate)
{
	const char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_count=11", NULL };
	_vpnha_auto_free char *out = NULL;

	ck_assert_int_eq(run("validate-all", env, &out), OCF_ERR_CONFIGURED);
	ck_assert_ptr_nonnull(strstr(out, "parameter 'count'"));
	ck_assert_int_eq(count_reasons(out, "ocf-exit-reason:"), 1);
}
END_TEST

START_TEST(test_dispatch_prefix_env)
{
	const char *env[] = { "OCF_EXIT_REASON_PREFIX=my-reason:", NULL };
	_vpnha_auto_free char *out = NULL;

	ck_assert_int_eq(run("start", env, &out), OCF_ERR_CONFIGURED);
	ck_assert_int_eq(count_reasons(out, "my-reason:"), 1);
	ck_assert_int_eq(count_reasons(out, "ocf-exit-reason:"), 0);
}
END_TEST

START_TEST(test_dispatch_lifecycle)
{
	const char *env[] = { "OCF_RESKEY_name=obj", NULL };
	const char *rec[] = { "OCF_RESKEY_name=obj", "OCF_RESKEY_CRM_meta_interval=10000", NULL };
	char *out;

	mkrundir();
	ck_assert_int_eq(run("monitor", env, &out), OCF_NOT_RUNNING);
	free(out);
	ck_assert_int_eq(run("start", env, &out), 0);
	ck_assert_int_eq(count_reasons(out, "ocf-exit-reason:"), 0);
	free(out);
	ck_assert_int_eq(run("monitor", rec, &out), 0);
	free(out);
	ck_assert_int_eq(run("status", env, &out), 0);
	free(out);
	ck_assert_int_eq(run("stop", env, &out), 0);
	free(out);
	ck_assert_int_eq(run("stop", env, &out), 0);
	free(out);
	ck_assert_int_eq(run("monitor", rec, &out), OCF_NOT_RUNNING);
	ck_assert_int_eq(count_reasons(out, "ocf-exit-reason:"), 1);
	free(out);
}
END_TEST

START_TEST(test_dispatch_stop_with_bad_params)
{
	const char *env[] = { "OCF_RESKEY_count=99", NULL };
	_vpnha_auto_free char *out = NULL;

	mkrundir();
	ck_assert_int_eq(run("stop", env, &out), 0);
}
END_TEST

START_TEST(test_dispatch_deadline)
{
	const char *env[] = { "OCF_RESKEY_name=slow", "OCF_RESKEY_delay=8s",
			      "OCF_RESKEY_CRM_meta_timeout=1000", NULL };
	_vpnha_auto_free char *out = NULL;
	uint64_t t0 = vpnha_now_ms();

	mkrundir();
	ck_assert_int_eq(run("start", env, &out), OCF_ERR_GENERIC);
	/* The agent gives up at its soft deadline (900 ms), far before its 8 s
	 * sleep; the slack covers process start-up under sanitizers and load. */
	ck_assert_uint_lt(vpnha_now_ms() - t0, 2500);
	ck_assert_ptr_nonnull(strstr(out, "timed out"));
	ck_assert_int_eq(count_reasons(out, "ocf-exit-reason:"), 1);
}
END_TEST

static Suite *ocf_suite(void)
{
	Suite *s = suite_create("ocf");
	TCase *core = tcase_create("core");
	TCase *disp = tcase_create("dispatch");

	tcase_add_loop_test(core, test_rc_map, 0, VPNHA_ARRAY_SIZE(map));
	tcase_add_test(core, test_rc_map_unknown);
	tcase_add_test(core, test_deadline);
	tcase_add_test(core, test_sleep_respects_deadline);
	tcase_add_test(core, test_fail_first_reason_wins);
	tcase_add_test(core, test_fail_one_line);
	suite_add_tcase(s, core);
	tcase_add_checked_fixture(disp, NULL, rmrundir);
	tcase_add_test(disp, test_dispatch_unknown_action);
	tcase_add_test(disp, test_dispatch_no_action);
	tcase_add_test(disp, test_dispatch_metadata);
	tcase_add_test(disp, test_dispatch_missing_required);
	tcase_add_test(disp, test_dispatch_bad_param_validate);
	tcase_add_test(disp, test_dispatch_prefix_env);
	tcase_add_test(disp, test_dispatch_lifecycle);
	tcase_add_test(disp, test_dispatch_stop_with_bad_params);
	tcase_add_test(disp, test_dispatch_deadline);
	suite_add_tcase(s, disp);
	return s;
}

VPNHA_TEST_MAIN(ocf_suite)
