/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A daemon an agent supervises: its pid record, its end (supervise.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "records.h"
#include "supervise.h"
#include "util.h"

enum vpnha_rc vpnha_sup_spawn(struct vpnha_ctx *ctx, const char *const argv[], const char *const pass[], size_t n_pass,
			      pid_t *pid)
{
	struct vpnha_env env;
	struct vpnha_spawn sp = { .argv = argv, .out_fd = -1, .keep_fd = -1, .flags = VPNHA_SPAWN_DAEMON };
	int r;

	vpnha_env_build(&env, pass, n_pass);
	sp.envp = env.envp;
	if (access(argv[0], X_OK) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "daemon %s: %s", argv[0], strerror(errno));
	r = vpnha_proc_spawn(&sp, pid);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "fork: %s", strerror(-r));
	return VPNHA_RC_OK;
}

pid_t vpnha_sup_pid(const char *agent, const char *instance, const char *key)
{
	struct vpnha_rec_pid p;

	if (vpnha_record_read(VPNHA_REC_PID, agent, instance, key, &p) < 0)
		return 0;
	return (pid_t)p.pid;
}

enum vpnha_rc vpnha_sup_end(struct vpnha_ctx *ctx, pid_t pid, const char *comm, uint64_t grace_ms)
{
	uint64_t until = vpnha_now_ms() + grace_ms;

	vpnha_pid_signal_group(pid, SIGTERM);
	while (vpnha_pid_alive(pid, comm)) {
		if (vpnha_time_left_ms(ctx) < 500 || vpnha_now_ms() >= until) {
			vpnha_log_warn("%s (pid %d) still running %" PRIu64 " ms after SIGTERM: SIGKILL", comm, (int)pid,
				       vpnha_now_ms() + grace_ms - until);
			vpnha_pid_signal_group(pid, SIGKILL);
			break;
		}
		vpnha_sleep_ms(ctx, 5);
	}
	/* after SIGKILL: it's gone once the kernel has reaped it */
	while (vpnha_pid_alive(pid, comm) && vpnha_sleep_ms(ctx, 5))
		;
	if (vpnha_pid_alive(pid, comm))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s (pid %d) does not die", comm, (int)pid);
	return VPNHA_RC_OK;
}
