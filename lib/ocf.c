/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The OCF core: dispatch, result mapping, exit reason, deadline. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "vpnha.h"

#define DEFAULT_TIMEOUT_MS 20000u
#define MAX_MARGIN_MS 2000u

int vpnha_rc_to_ocf(enum vpnha_rc rc)
{
	switch (rc) {
	case VPNHA_RC_OK:
		return OCF_SUCCESS;
	case VPNHA_RC_ERROR:
	case VPNHA_RC_TIMEOUT:
		return OCF_ERR_GENERIC;
	case VPNHA_RC_BAD_ARGS:
		return OCF_ERR_ARGS;
	case VPNHA_RC_UNIMPLEMENTED:
		return OCF_ERR_UNIMPLEMENTED;
	case VPNHA_RC_PERM:
		return OCF_ERR_PERM;
	case VPNHA_RC_NOT_INSTALLED:
		return OCF_ERR_INSTALLED;
	case VPNHA_RC_CONFIG:
		return OCF_ERR_CONFIGURED;
	case VPNHA_RC_NOT_RUNNING:
		return OCF_NOT_RUNNING;
	case VPNHA_RC_DEGRADED:
		return OCF_DEGRADED;
	}
	return OCF_ERR_GENERIC;
}

const char *vpnha_rc_str(enum vpnha_rc rc)
{
	switch (rc) {
	case VPNHA_RC_OK:
		return "ok";
	case VPNHA_RC_ERROR:
		return "generic error";
	case VPNHA_RC_BAD_ARGS:
		return "invalid arguments";
	case VPNHA_RC_UNIMPLEMENTED:
		return "unimplemented";
	case VPNHA_RC_PERM:
		return "insufficient privileges";
	case VPNHA_RC_NOT_INSTALLED:
		return "not installed";
	case VPNHA_RC_CONFIG:
		return "not configured";
	case VPNHA_RC_NOT_RUNNING:
		return "not running";
	case VPNHA_RC_TIMEOUT:
		return "timed out";
	case VPNHA_RC_DEGRADED:
		return "degraded";
	}
	return "unknown";
}

uint64_t vpnha_deadline_from_timeout(uint64_t now_ms, const char *timeout_ms_str)
{
	int64_t t = DEFAULT_TIMEOUT_MS;
	uint64_t margin;

	if (timeout_ms_str && *timeout_ms_str &&
	    vpnha_parse_int(timeout_ms_str, 1, INT64_C(86400000), &t, NULL, 0) < 0)
		t = DEFAULT_TIMEOUT_MS;
	margin = (uint64_t)t / 10u;
	if (margin > MAX_MARGIN_MS)
		margin = MAX_MARGIN_MS;
	return now_ms + (uint64_t)t - margin;
}

uint64_t vpnha_time_left_ms(const struct vpnha_ctx *ctx)
{
	uint64_t now = vpnha_now_ms();

	return now >= ctx->deadline ? 0 : ctx->deadline - now;
}

bool vpnha_expired(const struct vpnha_ctx *ctx)
{
	return vpnha_time_left_ms(ctx) == 0;
}

bool vpnha_sleep_ms(const struct vpnha_ctx *ctx, uint64_t ms)
{
	uint64_t left = vpnha_time_left_ms(ctx);
	struct timespec ts;

	if (left == 0)
		return false;
	if (ms > left)
		ms = left;
	ts.tv_sec = (time_t)(ms / 1000u);
	ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return !vpnha_expired(ctx);
}

enum vpnha_rc vpnha_fail(struct vpnha_ctx *ctx, enum vpnha_rc rc, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* An exit reason is one line. */
	for (p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	qb_log(rc == VPNHA_RC_NOT_RUNNING && ctx->probe ? LOG_DEBUG : LOG_ERR, "%s", buf);
	if (!ctx->reason)
		ctx->reason = strdup(buf);
	return rc;
}

/* ---- the hard backstop: never outlive the op timeout ---- */

static const char *alarm_prefix = "ocf-exit-reason:";

static void on_alarm(int sig)
{
	static const char msg[] = "action did not finish within the operation timeout\n";
	ssize_t r;

	(void)sig;
	r = write(STDERR_FILENO, alarm_prefix, strlen(alarm_prefix));
	r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)r;
	_exit(OCF_ERR_GENERIC);
}

static void arm_backstop(uint64_t deadline)
{
	uint64_t left = deadline > vpnha_now_ms() ? deadline - vpnha_now_ms() : 1;
	struct itimerval it = { 0 };
	struct sigaction sa = { 0 };

	/* Half the margin after the soft deadline, before Pacemaker's kill. */
	left += left / 18u + 1u;
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	it.it_value.tv_sec = (time_t)(left / 1000u);
	it.it_value.tv_usec = (suseconds_t)((left % 1000u) * 1000u);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Before our own exit reason: the backstop must not add a second one (a
 * loaded machine can reach it between the soft deadline and the reason). */
static void disarm_backstop(void)
{
	struct itimerval zero = { 0 };

	setitimer(ITIMER_REAL, &zero, NULL);
}

/* ---- dispatch ---- */

/* The exit-reason prefix: OCF_EXIT_REASON_PREFIX, else the OCF default. */
static const char *reason_prefix(void)
{
	const char *p = getenv("OCF_EXIT_REASON_PREFIX");

	return p && *p ? p : "ocf-exit-reason:";
}

static void print_usage(const struct vpnha_agent *agent, FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s {", agent->name);
	for (i = 0; i < agent->n_actions; i++)
		fprintf(f, "%s|", agent->actions[i].name);
	fprintf(f, "validate-all|meta-data|usage}\n");
	fprintf(f, "Parameters are read from OCF_RESKEY_<name>; see '%s meta-data'.\n", agent->name);
}

static const struct vpnha_action *find_action(const struct vpnha_agent *agent, const char *name)
{
	size_t i;

	for (i = 0; i < agent->n_actions; i++)
		if (!strcmp(agent->actions[i].name, name))
			return &agent->actions[i];
	return NULL;
}

static enum vpnha_rc action_validate_all(struct vpnha_ctx *ctx)
{
	if (ctx->check_level >= 10 && ctx->agent->validate_host)
		return ctx->agent->validate_host(ctx);
	return VPNHA_RC_OK;
}

static bool is_monitor(const char *action)
{
	return !strcmp(action, "monitor") || !strcmp(action, "status");
}

static void emit_reason(const struct vpnha_ctx *ctx, const char *prefix, const char *fallback)
{
	fprintf(stderr, "%s%s\n", prefix, ctx->reason ? ctx->reason : fallback);
	fflush(stderr);
}

/*
 * The action's function for argv (meta-data and usage answered here): NULL
 * with *code the exit code when there is nothing more to do.
 */
static vpnha_action_fn action_find(const struct vpnha_agent *agent, int argc, char **argv, int *code)
{
	const struct vpnha_action *act;
	const char *action = argc == 2 ? argv[1] : NULL;

	if (!action) {
		print_usage(agent, stderr);
		fprintf(stderr, "%sexpected exactly one action argument\n", alarm_prefix);
		*code = OCF_ERR_ARGS;
		return NULL;
	}
	/* meta-data and usage need no environment, no privileges, no logging. */
	*code = OCF_SUCCESS;
	if (!strcmp(action, "meta-data")) {
		fputs(agent->metadata, stdout);
		*code = fflush(stdout) == 0 ? OCF_SUCCESS : OCF_ERR_GENERIC;
		return NULL;
	}
	if (!strcmp(action, "usage") || !strcmp(action, "help")) {
		print_usage(agent, stdout);
		return NULL;
	}
	if (!strcmp(action, "validate-all"))
		return action_validate_all;
	if ((act = find_action(agent, action)))
		return act->fn;
	if (!strcmp(action, "status") && (act = find_action(agent, "monitor")))
		return act->fn;
	print_usage(agent, stderr);
	fprintf(stderr, "%sunknown action '%.64s'\n", alarm_prefix, action);
	*code = OCF_ERR_UNIMPLEMENTED;
	return NULL;
}

/* The OCF environment: instance, logging, deadline (armed), depth, interval. */
static void ctx_from_env(struct vpnha_ctx *ctx)
{
	struct vpnha_log_config logcfg;
	const char *s;
	int64_t v;

	ctx->instance = getenv("OCF_RESOURCE_INSTANCE");
	if (!ctx->instance || !*ctx->instance)
		ctx->instance = "default";
	vpnha_log_config_env(&logcfg);
	vpnha_log_init(ctx->agent->name, ctx->instance, &logcfg);

	ctx->deadline = vpnha_deadline_from_timeout(vpnha_now_ms(), getenv("OCF_RESKEY_CRM_meta_timeout"));
	arm_backstop(ctx->deadline);
	s = getenv("OCF_CHECK_LEVEL");
	if (s && *s && vpnha_parse_int(s, 0, 100, &v, NULL, 0) == 0)
		ctx->check_level = (int)v;
	s = getenv("OCF_RESKEY_CRM_meta_interval");
	if (s && *s && vpnha_parse_int(s, 0, INT64_MAX, &v, NULL, 0) == 0)
		ctx->interval_ms = (uint64_t)v;
	ctx->probe = is_monitor(ctx->action) && ctx->interval_ms == 0;
}

/*
 * Parse and validate the parameters. true: run the action (a stop runs
 * with bad parameters too, from the recorded state); false: *rc is the
 * answer, its reason recorded.
 */
static bool params_load(struct vpnha_ctx *ctx, enum vpnha_rc *rc)
{
	const struct vpnha_agent *agent = ctx->agent;
	enum vpnha_rc vrc = VPNHA_RC_CONFIG;
	char why[512] = "";
	int r;

	r = vpnha_params_parse(&ctx->params, agent->params, agent->n_params, vpnha_param_getenv, NULL, why,
			       sizeof(why));
	ctx->params_ok = r == 0;
	if (r == -ENOMEM) {
		*rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "out of memory");
		return false;
	}
	if (r == 0 && agent->validate_params) {
		/* cross-parameter checks record their own reason */
		vrc = agent->validate_params(ctx);
		ctx->params_ok = vrc == VPNHA_RC_OK;
		if (!ctx->params_ok)
			snprintf(why, sizeof(why), "%s", ctx->reason ? ctx->reason : "invalid parameters");
	}
	if (ctx->params_ok)
		return true;
	if (!strcmp(ctx->action, "stop")) {
		/* Stop works from the ownership state, not the parameters. */
		qb_log(LOG_WARNING, "%s; stopping from recorded state", why);
		free(ctx->reason);
		ctx->reason = NULL;
		return true;
	}
	/* validate_params already logged and recorded its reason (and chose
	 * the code: 6 for a wrong configuration) */
	*rc = ctx->reason ? vrc : vpnha_fail(ctx, VPNHA_RC_CONFIG, "%s", why);
	return false;
}

/* Run the action and log how it went, with the agent's own time from t0_us. */
static enum vpnha_rc action_run(struct vpnha_ctx *ctx, vpnha_action_fn fn, uint64_t t0_us)
{
	enum vpnha_rc rc;
	uint64_t t_action;

	qb_log(is_monitor(ctx->action) ? LOG_DEBUG : LOG_INFO, "%s%s", ctx->action,
	       ctx->probe ? " (probe)" : "");
	rc = fn(ctx);
	/* the agent's own time from vpnha_main on: parameters and action, without
	 * the process start-up (exec, dynamic linking); benchmarks read it */
	t_action = vpnha_now_us() - t0_us;
	if (rc == VPNHA_RC_OK || (rc == VPNHA_RC_NOT_RUNNING && ctx->probe))
		qb_log(is_monitor(ctx->action) ? LOG_DEBUG : LOG_INFO, "%s: %s (%" PRIu64 " us)",
		       ctx->action, vpnha_rc_str(rc), t_action);
	else
		qb_log(LOG_ERR, "%s failed: %s (%" PRIu64 " us)", ctx->action, vpnha_rc_str(rc), t_action);
	return rc;
}

int vpnha_main(const struct vpnha_agent *agent, int argc, char **argv)
{
	struct vpnha_ctx ctx = { .agent = agent };
	uint64_t t0_us = vpnha_now_us();
	enum vpnha_rc rc = VPNHA_RC_ERROR;
	vpnha_action_fn fn;
	int code;

	alarm_prefix = reason_prefix();
	fn = action_find(agent, argc, argv, &code);
	if (!fn)
		return code;
	ctx.action = argv[1];
	ctx_from_env(&ctx);
	if (params_load(&ctx, &rc))
		rc = action_run(&ctx, fn, t0_us);
	disarm_backstop();
	code = vpnha_rc_to_ocf(rc);
	if (rc != VPNHA_RC_OK)
		emit_reason(&ctx, alarm_prefix, vpnha_rc_str(rc));
	vpnha_params_free(ctx.params);
	free(ctx.reason);
	vpnha_log_fini();
	return code;
}
