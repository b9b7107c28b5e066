/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A test-only agent (never installed): it "runs" when its state file exists.
 * TEST_AGENT_BREAK=<fault> makes it misbehave so the conformance harness can
 * be shown to catch each fault.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runstate.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "test-agent"

static const char *const modes[] = { "a", "b", NULL };

enum test_agent_param {
	P_NAME,
	P_CNT,
	P_FLAG,
	P_MODE,
	P_DELAY,
	P_ADDR,
	P_COUNT
};

static const struct vpnha_param_def params[] = {
	[P_NAME] = { "name", VPNHA_PT_STRING, NULL, VPNHA_PF_REQUIRED | VPNHA_PF_UNIQUE, .max = 64 },
	[P_CNT] = { "count", VPNHA_PT_INT, "3", VPNHA_PF_RELOADABLE, 1, 10, NULL, NULL },
	[P_FLAG] = { "flag", VPNHA_PT_BOOL, "false", 0, 0, 0, NULL, NULL },
	[P_MODE] = { "mode", VPNHA_PT_SELECT, "a", 0, 0, 0, modes, NULL },
	[P_DELAY] = { "delay", VPNHA_PT_DURATION, "0", 0, 0, 10000, NULL, NULL },
	[P_ADDR] = { "addr", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, NULL },
};
_Static_assert(sizeof(params) / sizeof(params[0]) == P_COUNT, "one enum entry per parameter");

static bool broken(const char *what)
{
	const char *b = getenv("TEST_AGENT_BREAK");

	return b && !strcmp(b, what);
}

static enum vpnha_rc ta_monitor(struct vpnha_ctx *ctx)
{
	if (broken("monitor-running"))
		return VPNHA_RC_OK;
	if (broken("probe-6") && ctx->probe)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "broken on purpose");
	if (!vpnha_state_exists(AGENT, ctx->instance, "state")) {
		if (broken("two-reasons"))
			fputs("ocf-exit-reason:an extra reason line\n", stderr);
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "%s is not running", VPNHA_STR(ctx, P_NAME));
	}
	return VPNHA_RC_OK;
}

static enum vpnha_rc ta_start(struct vpnha_ctx *ctx)
{
	const char *name = VPNHA_STR(ctx, P_NAME);
	int r;

	if (broken("start-twice") && vpnha_state_exists(AGENT, ctx->instance, "state"))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "already started");
	if (VPNHA_MS(ctx, P_DELAY) && !vpnha_sleep_ms(ctx, VPNHA_MS(ctx, P_DELAY)))
		return vpnha_fail(ctx, VPNHA_RC_TIMEOUT, "start timed out");
	r = vpnha_state_write(AGENT, ctx->instance, "state", name, strlen(name));
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write state: %s", strerror(-r));
	return VPNHA_RC_OK;
}

static enum vpnha_rc ta_stop(struct vpnha_ctx *ctx)
{
	int r;

	if (broken("stop-twice") && !vpnha_state_exists(AGENT, ctx->instance, "state"))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "not running");
	if (broken("leak-code"))
		_exit(42); /* a tool's exit code leaking out, as shell agents do */
	r = vpnha_state_remove(AGENT, ctx->instance, "state");
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove state: %s", strerror(-r));
	return VPNHA_RC_OK;
}

static enum vpnha_rc ta_reload(struct vpnha_ctx *ctx)
{
	return VPNHA_RC_OK;
}

static const struct vpnha_action actions[] = {
	{ "start", ta_start },
	{ "stop", ta_stop },
	{ "monitor", ta_monitor },
	{ "reload-agent", ta_reload },
};

const struct vpnha_agent vpnha_agent_def = {
	.name = AGENT,
	.metadata = vpnha_metadata_xml,
	.params = params,
	.n_params = VPNHA_ARRAY_SIZE(params),
	.actions = actions,
	.n_actions = VPNHA_ARRAY_SIZE(actions),
};
