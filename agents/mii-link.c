/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ocf:vpnha:mii-link: link (carrier) health of interfaces as Pacemaker node
 * attributes, driven by kernel link events.
 *
 * The work is done by a daemon, mii-linkd (agents/mii-linkd.c), started by
 * start and stopped by stop. Files under the run dir, for this instance:
 *   .pid     the daemon's pid (written by the daemon)
 *   .status  key=value lines the daemon rewrites atomically at every change
 *            and every poll_interval (see mii-linkd.c)
 *   .attrs   the attribute names published, one a line (written by start;
 *            stop deletes exactly these, even with bad parameters)
 * monitor never forks: pid alive and ours, status fresh.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attrd-names.h"
#include "attrd.h"
#include "linkstate.h"
#include "mii-link.h"
#include "log.h"
#include "miistatus.h"
#include "proc.h"
#include "runstate.h"
#include "supervise.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "mii-link"
#define DAEMON_COMM "mii-linkd"
#define ATTR_PREFIX "vpnha-link-"
#ifndef MII_LINKD_PATH
#error "MII_LINKD_PATH (where mii-linkd is installed) comes from the build: agents/mii-link.am"
#endif
/* how long stop lets mii-linkd exit after SIGTERM before SIGKILL (it only
 * has to leave its main loop: the agent deletes the attributes itself) */
#define STOP_GRACE_MS 2000u
/* how long attrd keeps a stopped instance's values in the CIB (parameter
 * stop_grace): a restart within it never shows the scheduler the attributes
 * gone; a monitor stopped for good has them removed after it */
#define STOP_GRACE_DEFAULT "30s"
#define STOP_GRACE_DEFAULT_MS 30000u

static int check_attr_name(const struct vpnha_val *v, char *why, size_t whylen)
{
	if (vpnha_attrd_name_check(v->str) < 0) {
		snprintf(why, whylen, "not a valid attribute name (letters, digits, '_', '.', '-'; "
			 "starting with a letter or '_')");
		return -EINVAL;
	}
	return 0;
}

static const struct vpnha_param_def params[] = {
	[P_INTERFACES] = { "interfaces", VPNHA_PT_IFNAME, NULL, VPNHA_PF_REQUIRED | VPNHA_PF_LIST, 0, 0, NULL, NULL },
	[P_NAME] = { "name", VPNHA_PT_STRING, NULL, VPNHA_PF_UNIQUE, 0, VPNHA_ATTRD_NAME_MAX, NULL, check_attr_name },
	[P_MULTIPLIER] = { "multiplier", VPNHA_PT_INT, "1", VPNHA_PF_RELOADABLE, 1, 1000000, NULL, NULL },
	[P_DAMPEN] = { "dampen", VPNHA_PT_DURATION, "0", VPNHA_PF_RELOADABLE, 0, 3600000, NULL, NULL },
	[P_ATTRD_DAMPEN] = { "attrd_dampen", VPNHA_PT_DURATION, "0", VPNHA_PF_RELOADABLE, 0, 3600000, NULL, NULL },
	[P_FLAP_THRESHOLD] = { "flap_threshold", VPNHA_PT_INT, "3", VPNHA_PF_RELOADABLE, 0, VPNHA_LS_MAX_FLAPS, NULL, NULL },
	[P_FLAP_WINDOW] = { "flap_window", VPNHA_PT_DURATION, "10s", VPNHA_PF_RELOADABLE, 1, 3600000, NULL, NULL },
	[P_POLL_INTERVAL] = { "poll_interval", VPNHA_PT_DURATION, "2s", VPNHA_PF_RELOADABLE, 10, 3600000, NULL, NULL },
	[P_REQUIRE_ALL] = { "require_all", VPNHA_PT_BOOL, "true", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_RUN_DIR] = { "run_dir", VPNHA_PT_PATH, NULL, 0, 0, 0, NULL, NULL },
	[P_STOP_GRACE] = { "stop_grace", VPNHA_PT_DURATION, STOP_GRACE_DEFAULT, VPNHA_PF_RELOADABLE, 0, 3600000, NULL, NULL },
	[P_STATUS] = { "status", VPNHA_PT_BOOL, "true", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
};
_Static_assert(sizeof(params) / sizeof(params[0]) == P_COUNT, "one enum entry per parameter");

/* ---- parameters ---- */

static const struct vpnha_value *ifaces(struct vpnha_ctx *ctx)
{
	return VPNHA_PARAM(ctx, P_INTERFACES);
}

static enum vpnha_rc ml_validate_params(struct vpnha_ctx *ctx)
{
	const struct vpnha_value *v = ifaces(ctx);
	char attr[VPNHA_ATTRD_NAME_MAX + 1];
	size_t i, j;

	if (!v || v->n_items == 0)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'interfaces': no interface given");
	if (v->n_items > VPNHA_LS_MAX_IFS)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'interfaces': more than %d interfaces",
				  VPNHA_LS_MAX_IFS);
	for (i = 0; i < v->n_items; i++) {
		snprintf(attr, sizeof(attr), ATTR_PREFIX "%s", v->items[i].str);
		if (vpnha_attrd_name_check(attr) < 0)
			return vpnha_fail(ctx, VPNHA_RC_CONFIG,
					  "parameter 'interfaces': '%s' makes an invalid attribute name '%s'",
					  v->items[i].str, attr);
		for (j = 0; j < i; j++)
			if (!strcmp(v->items[i].str, v->items[j].str))
				return vpnha_fail(ctx, VPNHA_RC_CONFIG,
						  "parameter 'interfaces': '%s' given twice", v->items[i].str);
	}
	return VPNHA_RC_OK;
}

static enum vpnha_rc ml_validate_host(struct vpnha_ctx *ctx)
{
	const struct vpnha_value *v = ifaces(ctx);
	size_t i;

	for (i = 0; i < v->n_items; i++)
		if (if_nametoindex(v->items[i].str) == 0)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'interfaces': no interface '%s' on this host",
					  v->items[i].str);
	if (access(vpnha_attrd_updater_path(), X_OK) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "%s not found: install pacemaker-cli-utils",
				  vpnha_attrd_updater_path());
	return VPNHA_RC_OK;
}

/* The run dir parameter overrides the environment for everything below. */
static void apply_run_dir(struct vpnha_ctx *ctx)
{
	if (ctx->params_ok && VPNHA_GIVEN(ctx, P_RUN_DIR))
		setenv("VPNHA_RUN_DIR", VPNHA_STR(ctx, P_RUN_DIR), 1);
}

/* mii-linkd (VPNHA_MII_LINKD overrides; MII_LINKD_PATH: configure's pkglibexecdir) */
static const char *daemon_path(void)
{
	static char buf[4096];

	return vpnha_prog_path(buf, sizeof(buf), "VPNHA_MII_LINKD", DAEMON_COMM, MII_LINKD_PATH);
}

/* ---- the daemon's files ---- */

/* The daemon's pid (lib/supervise.h); 0 when there is none. */
static pid_t read_pid(struct vpnha_ctx *ctx)
{
	return vpnha_sup_pid(AGENT, ctx->instance, "pid");
}

static bool pid_is_daemon(pid_t pid)
{
	return vpnha_pid_alive(pid, DAEMON_COMM);
}

static void remove_files(struct vpnha_ctx *ctx)
{
	vpnha_state_remove(AGENT, ctx->instance, "status");
	vpnha_state_remove(AGENT, ctx->instance, "pid");
}

/* ---- monitor (no fork) ---- */

static enum vpnha_rc check_running(struct vpnha_ctx *ctx, bool quiet_missing)
{
	pid_t pid = read_pid(ctx);

	if (pid == 0) {
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "mii-linkd is not running");
	}
	if (!pid_is_daemon(pid)) {
		if (ctx->probe || quiet_missing)
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "mii-linkd (pid %d) is not running",
					  (int)pid);
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd (pid %d) has died", (int)pid);
	}
	/* fresh (not hung), publishing (lib/miistatus.h) */
	return vpnha_mii_status_check(ctx, AGENT, pid);
}

static enum vpnha_rc ml_monitor(struct vpnha_ctx *ctx)
{
	enum vpnha_rc rc;

	apply_run_dir(ctx);
	rc = check_running(ctx, false);
	/* a recurring monitor of a running instance keeps vpnha-statusd up; its
	 * state never changes rc */
	if (rc == VPNHA_RC_OK && !ctx->probe)
		ml_statusd_apply(ctx);
	return rc;
}

/* ---- start ---- */

#define MAX_ARGS (2 * (VPNHA_LS_MAX_IFS + 16))

/* The daemon's numeric options, from the parameters ("--OPT VALUE"). */
static const struct {
	const char *opt;
	size_t param; /* enum mii_link_param */
	bool ms;      /* a duration (milliseconds), else an integer */
} daemon_num_opts[] = {
	{ "--multiplier", P_MULTIPLIER, false },
	{ "--dampen-ms", P_DAMPEN, true },
	{ "--attrd-dampen-ms", P_ATTRD_DAMPEN, true },
	{ "--flap-threshold", P_FLAP_THRESHOLD, false },
	{ "--flap-window-ms", P_FLAP_WINDOW, true },
	{ "--poll-interval-ms", P_POLL_INTERVAL, true },
	/* another node's stop may leave a deletion pending in attrd for stop_grace */
	{ "--hold-ms", P_STOP_GRACE, true },
};

static enum vpnha_rc spawn_daemon(struct vpnha_ctx *ctx, bool take_over, pid_t *out)
{
	const struct vpnha_value *v = ifaces(ctx);
	const char *argv[MAX_ARGS];
	char nums[VPNHA_ARRAY_SIZE(daemon_num_opts)][32];
	size_t a = 0, i;
	const char *s;

	for (i = 0; i < VPNHA_ARRAY_SIZE(daemon_num_opts); i++) {
		size_t p = daemon_num_opts[i].param;

		if (daemon_num_opts[i].ms)
			snprintf(nums[i], sizeof(nums[i]), "%" PRIu64, VPNHA_MS(ctx, p));
		else
			snprintf(nums[i], sizeof(nums[i]), "%" PRId64, VPNHA_INT(ctx, p));
	}

	argv[a++] = daemon_path();
	argv[a++] = "--instance";
	argv[a++] = ctx->instance;
	if ((s = getenv("OCF_RESKEY_CRM_meta_on_node")) && *s) {
		argv[a++] = "--node"; /* this node's name, as Pacemaker knows it */
		argv[a++] = s;
	}
	for (i = 0; i < v->n_items; i++) {
		argv[a++] = "--interface";
		argv[a++] = v->items[i].str;
	}
	if (VPNHA_GIVEN(ctx, P_NAME)) {
		argv[a++] = "--name";
		argv[a++] = VPNHA_STR(ctx, P_NAME);
	}
	for (i = 0; i < VPNHA_ARRAY_SIZE(daemon_num_opts); i++) {
		argv[a++] = daemon_num_opts[i].opt;
		argv[a++] = nums[i];
	}
	argv[a++] = VPNHA_BOOL(ctx, P_REQUIRE_ALL) ? "--require-all" : "--require-any";
	if (take_over)
		argv[a++] = "--take-over";
	argv[a] = NULL;
	return vpnha_sup_spawn(ctx, argv, daemon_env_pass, VPNHA_ARRAY_SIZE(daemon_env_pass), out);
}

/*
 * Start a daemon with the parameters in force. A "released" record means a
 * previous stop left the attributes' deletion pending in attrd (stop_grace):
 * the daemon takes them over (mii-linkd --take-over), so the CIB keeps a value
 * throughout a restart.
 */
static enum vpnha_rc daemon_launch(struct vpnha_ctx *ctx)
{
	bool take_over = vpnha_state_exists(AGENT, ctx->instance, "released");
	enum vpnha_rc rc;
	pid_t pid;
	int r;

	remove_files(ctx);
	/* the attributes to delete at stop (lib/attrd-names.h) */
	r = vpnha_attrd_names_write(AGENT, ctx->instance, "attrs", ATTR_PREFIX, ifaces(ctx),
				    VPNHA_GIVEN(ctx, P_NAME) ? VPNHA_STR(ctx, P_NAME) : NULL);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write state in %s: %s", vpnha_run_dir(),
				  strerror(-r));
	rc = spawn_daemon(ctx, take_over, &pid);
	if (rc == VPNHA_RC_OK)
		rc = vpnha_mii_status_wait_initial(ctx, AGENT, pid, daemon_path());
	if (rc == VPNHA_RC_OK && take_over)
		vpnha_state_remove(AGENT, ctx->instance, "released");
	return rc;
}

static enum vpnha_rc ml_start(struct vpnha_ctx *ctx)
{
	enum vpnha_rc rc;
	pid_t pid;

	apply_run_dir(ctx);
	pid = read_pid(ctx);
	if (pid && pid_is_daemon(pid)) {
		rc = check_running(ctx, false);
		if (rc == VPNHA_RC_OK) {
			ml_statusd_apply(ctx);
			return rc;
		}
		/* a hung daemon: replace it */
		free(ctx->reason);
		ctx->reason = NULL;
		vpnha_log_warn("replacing an unresponsive mii-linkd (pid %d)", (int)pid);
		kill(pid, SIGKILL);
	}
	/* the daemon publishes through attrd_updater: missing here is node-local (5) */
	if (access(vpnha_attrd_updater_path(), X_OK) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "%s not found: install pacemaker-cli-utils",
				  vpnha_attrd_updater_path());
	rc = daemon_launch(ctx);
	if (rc == VPNHA_RC_OK)
		ml_statusd_apply(ctx);
	return rc;
}

/* ---- stop ---- */

/* End the running daemon, if any: SIGTERM, SIGKILL after STOP_GRACE_MS (lib/supervise.h). */
static enum vpnha_rc daemon_end(struct vpnha_ctx *ctx)
{
	pid_t pid = read_pid(ctx);

	if (pid && pid_is_daemon(pid))
		return vpnha_sup_end(ctx, pid, DAEMON_COMM, STOP_GRACE_MS);
	return VPNHA_RC_OK;
}

static enum vpnha_rc ml_stop(struct vpnha_ctx *ctx)
{
	/* with bad parameters: the default grace (stop works from the records) */
	uint64_t grace = ctx->params_ok ? VPNHA_MS(ctx, P_STOP_GRACE) : STOP_GRACE_DEFAULT_MS;
	enum vpnha_rc rc;
	int r;

	apply_run_dir(ctx);
	ml_statusd_stop(ctx);
	rc = daemon_end(ctx);
	if (rc != VPNHA_RC_OK)
		return rc;
	/* delete the attributes, or leave their deletion to attrd after grace
	 * (then record "released": the next start takes them over) */
	if (vpnha_attrd_names_delete(ctx, AGENT, "attrs", grace, VPNHA_MII_ATTRD_TIMEOUT_MS) > 0) {
		r = vpnha_state_write(AGENT, ctx->instance, "released", "", 0);
		if (r < 0)
			vpnha_log_warn("cannot record the pending deletion: %s", strerror(-r));
	}
	remove_files(ctx);
	r = vpnha_state_remove(AGENT, ctx->instance, "attrs");
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove state: %s", strerror(-r));
	return VPNHA_RC_OK;
}

/*
 * reload-agent: the daemon is replaced by one with the new parameters; the
 * attributes stay published throughout (neither deleted nor written unset).
 * Names (interfaces, name) and run_dir are not reloadable: Pacemaker
 * restarts the instance for those.
 */
static enum vpnha_rc ml_reload(struct vpnha_ctx *ctx)
{
	enum vpnha_rc rc;

	apply_run_dir(ctx);
	rc = daemon_end(ctx);
	if (rc != VPNHA_RC_OK)
		return rc;
	rc = daemon_launch(ctx);
	if (rc != VPNHA_RC_OK)
		return rc;
	ml_statusd_apply(ctx);
	vpnha_log_info("reloaded: dampen %" PRIu64 " ms, attrd_dampen %" PRIu64 " ms, poll %" PRIu64
		       " ms, stop_grace %" PRIu64 " ms", VPNHA_MS(ctx, P_DAMPEN), VPNHA_MS(ctx, P_ATTRD_DAMPEN),
		       VPNHA_MS(ctx, P_POLL_INTERVAL), VPNHA_MS(ctx, P_STOP_GRACE));
	return rc;
}

static const struct vpnha_action actions[] = {
	{ "start", ml_start },
	{ "stop", ml_stop },
	{ "monitor", ml_monitor },
	{ "reload-agent", ml_reload },
};

const struct vpnha_agent vpnha_agent_def = {
	.name = AGENT,
	.metadata = vpnha_metadata_xml,
	.params = params,
	.n_params = VPNHA_ARRAY_SIZE(params),
	.actions = actions,
	.n_actions = VPNHA_ARRAY_SIZE(actions),
	.validate_host = ml_validate_host,
	.validate_params = ml_validate_params,
};
