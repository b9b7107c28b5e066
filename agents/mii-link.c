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
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attrd.h"
#include "linkstate.h"
#include "mii-link.h"
#include "log.h"
#include "proc.h"
#include "records.h"
#include "runstate.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "mii-link"
#define DAEMON_COMM "mii-linkd"
#define ATTR_PREFIX "vpnha-link-"
#ifndef MII_LINKD_PATH
#error "MII_LINKD_PATH (where mii-linkd is installed) comes from the build: agents/mii-link.am"
#endif
#define ATTRD_TIMEOUT_MS 5000u
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

/* Read the daemon's pid; 0 when there is none. */
static pid_t read_pid(struct vpnha_ctx *ctx)
{
	struct vpnha_rec_pid p;

	if (vpnha_record_read(VPNHA_REC_PID, AGENT, ctx->instance, "pid", &p) < 0)
		return 0;
	return (pid_t)p.pid;
}

static bool pid_is_daemon(pid_t pid)
{
	return vpnha_pid_alive(pid, DAEMON_COMM);
}

struct status {
	pid_t pid;
	uint64_t updated_ms, interval_ms;
	bool initial;
	char attrd[32];
	char error[256];
	char quorum[32];
};

/* mii-linkd's status record (lib/records.h, VPNHA_REC_MII_STATUS) */
static int read_status(struct vpnha_ctx *ctx, struct status *st)
{
	struct vpnha_rec_mii_status r;
	int rc;

	_Static_assert(sizeof(r.attrd) == sizeof(st->attrd) && sizeof(r.quorum) == sizeof(st->quorum), "fields");
	memset(st, 0, sizeof(*st));
	rc = vpnha_record_read(VPNHA_REC_MII_STATUS, AGENT, ctx->instance, "status", &r);
	if (rc < 0)
		return rc;
	st->pid = (pid_t)r.pid;
	st->updated_ms = r.updated_ms;
	st->interval_ms = r.interval_ms;
	st->initial = r.initial;
	memcpy(st->attrd, r.attrd, sizeof(st->attrd));
	memcpy(st->quorum, r.quorum, sizeof(st->quorum));
	memcpy(st->error, r.error, sizeof(st->error) - 1); /* cut as it always was */
	return 0;
}

static void remove_files(struct vpnha_ctx *ctx)
{
	vpnha_state_remove(AGENT, ctx->instance, "status");
	vpnha_state_remove(AGENT, ctx->instance, "pid");
}

/* ---- monitor (no fork) ---- */

static enum vpnha_rc check_running(struct vpnha_ctx *ctx, bool quiet_missing)
{
	struct status st;
	pid_t pid = read_pid(ctx);
	uint64_t now, age, max_age;

	if (pid == 0) {
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "mii-linkd is not running");
	}
	if (!pid_is_daemon(pid)) {
		if (ctx->probe || quiet_missing)
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "mii-linkd (pid %d) is not running",
					  (int)pid);
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd (pid %d) has died", (int)pid);
	}
	if (read_status(ctx, &st) < 0 || st.pid != pid)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd (pid %d) has no status file", (int)pid);
	now = vpnha_now_ms();
	age = now > st.updated_ms ? now - st.updated_ms : 0;
	/* hung = no refresh for 3 polls, plus what publishing may legitimately
	 * block for (an attrd_updater run per watched interface, each bounded by
	 * ATTRD_TIMEOUT_MS; seen under load), plus 2 s of slack */
	max_age = 3 * (st.interval_ms ? st.interval_ms : 2000) + 2 * ATTRD_TIMEOUT_MS + 2000;
	if (age > max_age)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd (pid %d) is hung: status not refreshed for %" PRIu64
				  " ms", (int)pid, age);
	/* degraded, not failed: a restart would delete the attributes and not
	 * make attrd answer sooner (it keeps retrying) */
	if (!strcmp(st.attrd, "failing"))
		return vpnha_fail(ctx, VPNHA_RC_DEGRADED, "mii-linkd cannot publish the attributes: %s",
				  st.error[0] ? st.error : "attrd_updater keeps failing");
	if (strcmp(st.quorum, "not quorate") == 0)
		vpnha_log_warn("this node has lost quorum");
	return VPNHA_RC_OK;
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

/* The attributes to delete at stop (lib/records.h, VPNHA_REC_NAMES): one a line. */
static int write_attrs(struct vpnha_ctx *ctx)
{
	const struct vpnha_value *v = ifaces(ctx);
	struct vpnha_rec_names names = { 0 };
	size_t i;

	for (i = 0; i < v->n_items && names.n < VPNHA_ARRAY_SIZE(names.names); i++)
		snprintf(names.names[names.n++], sizeof(names.names[0]), ATTR_PREFIX "%s", v->items[i].str);
	if (VPNHA_GIVEN(ctx, P_NAME) && names.n < VPNHA_ARRAY_SIZE(names.names))
		snprintf(names.names[names.n++], sizeof(names.names[0]), "%s", VPNHA_STR(ctx, P_NAME));
	return vpnha_record_write(VPNHA_REC_NAMES, AGENT, ctx->instance, "attrs", &names);
}

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
	struct vpnha_env env;
	char nums[VPNHA_ARRAY_SIZE(daemon_num_opts)][32];
	size_t a = 0, i;
	const char *s;
	int r;

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

	vpnha_env_build(&env, daemon_env_pass, VPNHA_ARRAY_SIZE(daemon_env_pass));

	if (access(argv[0], X_OK) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "daemon %s: %s", argv[0], strerror(errno));
	r = ml_spawn(argv, env.envp, out);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "fork: %s", strerror(-r));
	return VPNHA_RC_OK;
}

static void report_publish(struct vpnha_ctx *ctx, const struct status *st)
{
	if (!strcmp(st->attrd, "no-cluster"))
		vpnha_log_warn("link attributes could not be published: no cluster on this node "
			       "(attrd not reachable); mii-linkd keeps watching and publishes once it is");
	else if (strcmp(st->attrd, "ok") != 0)
		vpnha_log_warn("link attributes not published yet (%s%s%s)", st->attrd,
			       st->error[0] ? ": " : "", st->error);
}

/* Wait until the daemon pid has published the initial state. */
static enum vpnha_rc daemon_wait_initial(struct vpnha_ctx *ctx, pid_t pid)
{
	struct status st;
	pid_t w;
	int wst;

	for (;;) {
		w = waitpid(pid, &wst, WNOHANG);
		if (w == pid) {
			if (read_status(ctx, &st) == 0 && st.error[0])
				return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd failed: %s", st.error);
			if (WIFEXITED(wst) && WEXITSTATUS(wst) == 127)
				return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "cannot execute %s", daemon_path());
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd exited at start (%s %d)",
					  WIFEXITED(wst) ? "status" : "signal",
					  WIFEXITED(wst) ? WEXITSTATUS(wst) : WTERMSIG(wst));
		}
		if (read_status(ctx, &st) == 0 && st.pid == pid && st.initial)
			break;
		if (!vpnha_sleep_ms(ctx, 5)) {
			kill(pid, SIGKILL);
			remove_files(ctx);
			return vpnha_fail(ctx, VPNHA_RC_TIMEOUT,
					  "mii-linkd did not publish the initial link state in time");
		}
	}
	report_publish(ctx, &st);
	vpnha_log_info("mii-linkd started (pid %d)", (int)pid);
	return VPNHA_RC_OK;
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
	r = write_attrs(ctx);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write state in %s: %s", vpnha_run_dir(),
				  strerror(-r));
	rc = spawn_daemon(ctx, take_over, &pid);
	if (rc == VPNHA_RC_OK)
		rc = daemon_wait_initial(ctx, pid);
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

/*
 * Delete the published attributes, or leave their deletion to attrd after
 * grace_ms (then record "released" for the next start). Returns the number
 * of attributes whose deletion is pending.
 */
static size_t delete_attrs(struct vpnha_ctx *ctx, uint64_t grace_ms)
{
	struct vpnha_rec_names names;
	char detail[256];
	enum vpnha_attrd_result r;
	size_t pending = 0, i;
	uint64_t left;
	const char *line;

	if (vpnha_record_read(VPNHA_REC_NAMES, AGENT, ctx->instance, "attrs", &names) < 0)
		return 0;
	for (i = 0; i < names.n; i++) {
		line = names.names[i];
		left = vpnha_time_left_ms(ctx);
		if (left < 100)
			break;
		r = vpnha_attrd_delete_after(line, grace_ms, left < ATTRD_TIMEOUT_MS ? left : ATTRD_TIMEOUT_MS,
					     detail, sizeof(detail));
		if (r == VPNHA_ATTRD_NO_CLUSTER) {
			vpnha_log_info("attribute %s not deleted: no cluster on this node", line);
			break; /* the others would fail the same way */
		}
		if (r != VPNHA_ATTRD_OK)
			vpnha_log_warn("attribute %s not deleted: %s%s%s", line, vpnha_attrd_result_str(r),
				       detail[0] ? ": " : "", detail);
		else if (grace_ms)
			pending++;
	}
	if (pending)
		vpnha_log_info("%zu attribute(s) deleted; attrd removes them from the CIB in %" PRIu64
			       " ms unless mii-link starts again here", pending, grace_ms);
	return pending;
}

/* SIGTERM, then SIGKILL after STOP_GRACE_MS (or near the op deadline). */
static enum vpnha_rc daemon_end(struct vpnha_ctx *ctx, pid_t pid)
{
	uint64_t until = vpnha_now_ms() + STOP_GRACE_MS;

	vpnha_pid_signal_group(pid, SIGTERM);
	while (pid_is_daemon(pid)) {
		if (vpnha_time_left_ms(ctx) < 500 || vpnha_now_ms() >= until) {
			vpnha_log_warn("mii-linkd (pid %d) still running %" PRIu64 " ms after SIGTERM: SIGKILL",
				       (int)pid, vpnha_now_ms() + STOP_GRACE_MS - until);
			vpnha_pid_signal_group(pid, SIGKILL);
			break;
		}
		vpnha_sleep_ms(ctx, 5);
	}
	/* after SIGKILL: it's gone once the kernel has reaped it */
	while (pid_is_daemon(pid) && vpnha_sleep_ms(ctx, 5))
		;
	if (pid_is_daemon(pid))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd (pid %d) does not die", (int)pid);
	return VPNHA_RC_OK;
}

static enum vpnha_rc ml_stop(struct vpnha_ctx *ctx)
{
	/* with bad parameters: the default grace (stop works from the records) */
	uint64_t grace = ctx->params_ok ? VPNHA_MS(ctx, P_STOP_GRACE) : STOP_GRACE_DEFAULT_MS;
	enum vpnha_rc rc;
	pid_t pid;
	int r;

	apply_run_dir(ctx);
	ml_statusd_stop(ctx);
	pid = read_pid(ctx);
	if (pid && pid_is_daemon(pid)) {
		rc = daemon_end(ctx, pid);
		if (rc != VPNHA_RC_OK)
			return rc;
	}
	if (delete_attrs(ctx, grace) > 0) {
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
	pid_t pid;

	apply_run_dir(ctx);
	pid = read_pid(ctx);
	if (pid && pid_is_daemon(pid)) {
		rc = daemon_end(ctx, pid);
		if (rc != VPNHA_RC_OK)
			return rc;
	}
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
