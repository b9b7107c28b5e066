/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A daemon an agent supervises: its pid record, its end (supervise.h). */
#include "config.h"

#include <inttypes.h>
#include <signal.h>

#include "log.h"
#include "proc.h"
#include "records.h"
#include "supervise.h"
#include "util.h"

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
