/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mii-link's management of vpnha-statusd (parameter status): start spawns
 * it, a recurring monitor restarts it when it has died (logged, never a
 * failure of the clone), stop and status=false end it and remove its
 * socket. Its pid is the instance's "statusd-pid" record, written here at
 * the fork (and again by the daemon): a pid is only signalled while it is
 * a process named vpnha-statusd.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mii-link.h"
#include "params.h"
#include "records.h"
#include "runstate.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "mii-link"
#define STATUSD_COMM "vpnha-statusd"
#define PID_KEY "statusd-pid"
#define MISSING_KEY "statusd-missing"
#define STOP_GRACE_MS 2000u
#ifndef VPNHA_STATUSD_PATH
#error "VPNHA_STATUSD_PATH (where vpnha-statusd is installed) comes from the build: agents/status.am"
#endif

static pid_t statusd_pid(struct vpnha_ctx *ctx)
{
	struct vpnha_rec_pid p;

	if (vpnha_record_read(VPNHA_REC_PID, AGENT, ctx->instance, PID_KEY, &p) < 0)
		return 0;
	return (pid_t)p.pid;
}

static const char *socket_path(void)
{
	const char *p = getenv("VPNHA_STATUS_SOCKET");

	return p && *p ? p : VPNHA_STATUS_SOCKET;
}

static void statusd_spawn(struct vpnha_ctx *ctx)
{
	static char path[4096];
	const char *argv[8];
	struct vpnha_env env;
	size_t a = 0;
	const char *node = getenv("OCF_RESKEY_CRM_meta_on_node");
	pid_t pid;
	int r;

	argv[a++] = vpnha_prog_path(path, sizeof(path), "VPNHA_STATUSD", STATUSD_COMM, VPNHA_STATUSD_PATH);
	argv[a++] = "--instance";
	argv[a++] = ctx->instance;
	if (node && *node) {
		argv[a++] = "--node"; /* this node's name, as Pacemaker knows it */
		argv[a++] = node;
	}
	argv[a] = NULL;
	if (access(argv[0], X_OK) < 0) {
		/* said once per start (the monitor retries every interval) */
		if (vpnha_state_exists(AGENT, ctx->instance, MISSING_KEY)) {
			vpnha_log_debug("status daemon %s: %s", argv[0], strerror(errno));
		} else {
			vpnha_log_warn("status daemon %s: %s; vpnha status is not available here", argv[0],
				       strerror(errno));
			vpnha_state_write(AGENT, ctx->instance, MISSING_KEY, "", 0);
		}
		return;
	}
	vpnha_state_remove(AGENT, ctx->instance, MISSING_KEY);
	vpnha_env_build(&env, daemon_env_pass, VPNHA_ARRAY_SIZE(daemon_env_pass));
	r = ml_spawn(argv, env.envp, &pid);
	if (r < 0) {
		vpnha_log_warn("status daemon: fork: %s", strerror(-r));
		return;
	}
	if (vpnha_record_write(VPNHA_REC_PID, AGENT, ctx->instance, PID_KEY, &(struct vpnha_rec_pid){ .pid = (int)pid }) < 0)
		vpnha_log_warn("status daemon: cannot record its pid in %s", vpnha_run_dir());
	vpnha_log_info("%s started (pid %d)", STATUSD_COMM, (int)pid);
}

void ml_statusd_ensure(struct vpnha_ctx *ctx)
{
	pid_t pid = statusd_pid(ctx);

	if (pid && vpnha_pid_alive(pid, STATUSD_COMM))
		return;
	if (pid)
		vpnha_log_warn("%s (pid %d) has died: restarting it", STATUSD_COMM, (int)pid);
	statusd_spawn(ctx);
}

void ml_statusd_stop(struct vpnha_ctx *ctx)
{
	pid_t pid = statusd_pid(ctx);
	uint64_t until = vpnha_now_ms() + STOP_GRACE_MS;

	if (pid && vpnha_pid_alive(pid, STATUSD_COMM)) {
		vpnha_pid_signal_group(pid, SIGTERM); /* it leaves the CPG group: the others see "stopped" */
		while (vpnha_pid_alive(pid, STATUSD_COMM) && vpnha_now_ms() < until && vpnha_time_left_ms(ctx) > 500)
			vpnha_sleep_ms(ctx, 5);
		if (vpnha_pid_alive(pid, STATUSD_COMM)) {
			vpnha_log_warn("%s (pid %d) still running after SIGTERM: SIGKILL", STATUSD_COMM, (int)pid);
			vpnha_pid_signal_group(pid, SIGKILL);
		}
	}
	vpnha_state_remove(AGENT, ctx->instance, PID_KEY);
	vpnha_state_remove(AGENT, ctx->instance, MISSING_KEY);
	if (unlink(socket_path()) < 0 && errno != ENOENT)
		vpnha_log_warn("cannot remove %s: %s", socket_path(), strerror(errno));
}

void ml_statusd_apply(struct vpnha_ctx *ctx)
{
	if (ctx->params_ok && VPNHA_BOOL(ctx, P_STATUS))
		ml_statusd_ensure(ctx);
	else
		ml_statusd_stop(ctx);
}
