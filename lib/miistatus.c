/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mii-linkd's status, read by the agent that supervises it (miistatus.h). */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"
#include "miistatus.h"
#include "records.h"
#include "runstate.h"
#include "util.h"

int vpnha_mii_status_read(const char *agent, const char *instance, struct vpnha_mii_status *st)
{
	struct vpnha_rec_mii_status r;
	int rc;

	_Static_assert(sizeof(r.attrd) == sizeof(st->attrd) && sizeof(r.quorum) == sizeof(st->quorum), "fields");
	memset(st, 0, sizeof(*st));
	rc = vpnha_record_read(VPNHA_REC_MII_STATUS, agent, instance, "status", &r);
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

enum vpnha_rc vpnha_mii_status_check(struct vpnha_ctx *ctx, const char *agent, pid_t pid)
{
	struct vpnha_mii_status st;
	uint64_t now, age, max_age;

	if (vpnha_mii_status_read(agent, ctx->instance, &st) < 0 || st.pid != pid)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd (pid %d) has no status file", (int)pid);
	now = vpnha_now_ms();
	age = now > st.updated_ms ? now - st.updated_ms : 0;
	/* hung = no refresh for 3 polls, plus what publishing may legitimately
	 * block for (an attrd_updater run per watched interface, each bounded by
	 * VPNHA_MII_ATTRD_TIMEOUT_MS; seen under load), plus 2 s of slack */
	max_age = 3 * (st.interval_ms ? st.interval_ms : 2000) + 2 * VPNHA_MII_ATTRD_TIMEOUT_MS + 2000;
	if (age > max_age)
		return vpnha_fail(ctx, VPNHA_RC_ERROR,
				  "mii-linkd (pid %d) is hung: status not refreshed for %" PRIu64 " ms", (int)pid, age);
	/* degraded, not failed: a restart would delete the attributes and not
	 * make attrd answer sooner (it keeps retrying) */
	if (!strcmp(st.attrd, "failing"))
		return vpnha_fail(ctx, VPNHA_RC_DEGRADED, "mii-linkd cannot publish the attributes: %s",
				  st.error[0] ? st.error : "attrd_updater keeps failing");
	if (strcmp(st.quorum, "not quorate") == 0)
		vpnha_log_warn("this node has lost quorum");
	return VPNHA_RC_OK;
}

static void report_publish(const struct vpnha_mii_status *st)
{
	if (!strcmp(st->attrd, "no-cluster"))
		vpnha_log_warn("link attributes could not be published: no cluster on this node "
			       "(attrd not reachable); mii-linkd keeps watching and publishes once it is");
	else if (strcmp(st->attrd, "ok") != 0)
		vpnha_log_warn("link attributes not published yet (%s%s%s)", st->attrd, st->error[0] ? ": " : "",
			       st->error);
}

/* The daemon exited (wait status wst) before it was ready: why. */
static enum vpnha_rc exited_early(struct vpnha_ctx *ctx, const char *agent, int wst, const char *path)
{
	struct vpnha_mii_status st;

	if (vpnha_mii_status_read(agent, ctx->instance, &st) == 0 && st.error[0])
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd failed: %s", st.error);
	if (WIFEXITED(wst) && WEXITSTATUS(wst) == 127)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "cannot execute %s", path);
	return vpnha_fail(ctx, VPNHA_RC_ERROR, "mii-linkd exited at start (%s %d)", WIFEXITED(wst) ? "status" : "signal",
			  WIFEXITED(wst) ? WEXITSTATUS(wst) : WTERMSIG(wst));
}

enum vpnha_rc vpnha_mii_status_wait_initial(struct vpnha_ctx *ctx, const char *agent, pid_t pid, const char *path)
{
	struct vpnha_mii_status st;
	int wst;

	for (;;) {
		if (waitpid(pid, &wst, WNOHANG) == pid)
			return exited_early(ctx, agent, wst, path);
		if (vpnha_mii_status_read(agent, ctx->instance, &st) == 0 && st.pid == pid && st.initial)
			break;
		if (!vpnha_sleep_ms(ctx, 5)) {
			kill(pid, SIGKILL);
			vpnha_state_remove(agent, ctx->instance, "status");
			vpnha_state_remove(agent, ctx->instance, "pid");
			return vpnha_fail(ctx, VPNHA_RC_TIMEOUT, "mii-linkd did not publish the initial link state in time");
		}
	}
	report_publish(&st);
	vpnha_log_info("mii-linkd started (pid %d)", (int)pid);
	return VPNHA_RC_OK;
}
