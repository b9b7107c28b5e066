/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vpnha: the OCF agent core shared by every agent.
 *
 * An agent is a table: its name, its embedded metadata, its parameter
 * declarations and its actions. vpnha_main() (called from the library's
 * main()) does the rest: exact-match dispatch, parameter parsing, probe
 * detection, the op deadline, logging set-up, the exit-reason line, and the
 * single mapping of internal result codes to OCF exit codes.
 */
#ifndef VPNHA_H
#define VPNHA_H

#include <stdbool.h>
#include <stdint.h>

#include "params.h"
#include "util.h"

/* The one internal result code. Mapped to OCF exit codes once, in main. */
enum vpnha_rc {
	VPNHA_RC_OK = 0,        /* success; for monitor: running */
	VPNHA_RC_ERROR,         /* generic failure */
	VPNHA_RC_BAD_ARGS,      /* wrong invocation */
	VPNHA_RC_UNIMPLEMENTED, /* action not supported */
	VPNHA_RC_PERM,          /* insufficient privileges */
	VPNHA_RC_NOT_INSTALLED, /* software the agent needs is missing */
	VPNHA_RC_CONFIG,        /* configuration is wrong (fatal everywhere) */
	VPNHA_RC_NOT_RUNNING,   /* monitor: cleanly not running */
	VPNHA_RC_TIMEOUT,       /* the op deadline passed */
	VPNHA_RC_DEGRADED,      /* running, but degraded */
};

/* OCF exit codes (OCF 1.1). */
enum vpnha_ocf_exit {
	OCF_SUCCESS = 0,
	OCF_ERR_GENERIC = 1,
	OCF_ERR_ARGS = 2,
	OCF_ERR_UNIMPLEMENTED = 3,
	OCF_ERR_PERM = 4,
	OCF_ERR_INSTALLED = 5,
	OCF_ERR_CONFIGURED = 6,
	OCF_NOT_RUNNING = 7,
	OCF_DEGRADED = 190,
};

int vpnha_rc_to_ocf(enum vpnha_rc rc);
const char *vpnha_rc_str(enum vpnha_rc rc);

struct vpnha_ctx;

typedef enum vpnha_rc (*vpnha_action_fn)(struct vpnha_ctx *ctx);

struct vpnha_action {
	const char *name;
	vpnha_action_fn fn;
};

struct vpnha_agent {
	const char *name;                       /* e.g. "gre-tunnel" */
	const char *metadata;                   /* OCF 1.1 XML (embedded from ocf-metadata/) */
	const struct vpnha_param_def *params;
	size_t n_params;
	const struct vpnha_action *actions;     /* start, stop, monitor, reload-agent, ... */
	size_t n_actions;
	/* validate-all at OCF_CHECK_LEVEL >= 10: checks on this host (may be NULL). */
	enum vpnha_rc (*validate_host)(struct vpnha_ctx *ctx);
	/* extra cross-parameter checks, after every parameter parsed (may be NULL). */
	enum vpnha_rc (*validate_params)(struct vpnha_ctx *ctx);
};

struct vpnha_ctx {
	const struct vpnha_agent *agent;
	const char *action;
	const char *instance;           /* OCF_RESOURCE_INSTANCE, "default" by hand */
	struct vpnha_params *params;
	bool params_ok;                 /* false only for stop with bad parameters */
	int check_level;                /* OCF_CHECK_LEVEL */
	uint64_t interval_ms;           /* OCF_RESKEY_CRM_meta_interval */
	bool probe;                     /* monitor with interval 0 */
	uint64_t deadline;              /* CLOCK_MONOTONIC ms */
	char *reason;                   /* first exit reason */
};

/* Each agent program links the XML of its ocf-metadata/NAME.xml as this. */
extern const char vpnha_metadata_xml[];

/* Entry point: every agent's main() is this. Returns an OCF exit code. */
int vpnha_main(const struct vpnha_agent *agent, int argc, char **argv);

/*
 * Record the exit reason (first call wins; later calls only log) and log it
 * at error level. Returns rc, so: return vpnha_fail(ctx, VPNHA_RC_CONFIG, "...").
 */
__attribute__((format(printf, 3, 4)))
enum vpnha_rc vpnha_fail(struct vpnha_ctx *ctx, enum vpnha_rc rc, const char *fmt, ...);

/* vpnha_now_ms(): milliseconds on CLOCK_MONOTONIC (util.h). */
/* Milliseconds left before the op deadline (0 when passed). */
uint64_t vpnha_time_left_ms(const struct vpnha_ctx *ctx);
bool vpnha_expired(const struct vpnha_ctx *ctx);
/* Sleep ms, but never past the deadline. Returns false once it has passed. */
bool vpnha_sleep_ms(const struct vpnha_ctx *ctx, uint64_t ms);

/*
 * Compute the deadline from OCF_RESKEY_CRM_meta_timeout (ms): the op timeout
 * minus a margin so the agent answers before Pacemaker kills it.
 */
uint64_t vpnha_deadline_from_timeout(uint64_t now_ms, const char *timeout_ms_str);

/* Shorthands for the agent's parameters. */
/* Parameter I (the agent's enum index into its table) of the action's set. */
#define VPNHA_PARAM(ctx, idx_) vpnha_param_at((ctx)->params, (idx_))
#define VPNHA_STR(ctx, idx_)   vpnha_value_str(VPNHA_PARAM(ctx, idx_))
#define VPNHA_INT(ctx, idx_)   (VPNHA_PARAM(ctx, idx_)->v.i)
#define VPNHA_BOOL(ctx, idx_)  (VPNHA_PARAM(ctx, idx_)->v.b)
#define VPNHA_MS(ctx, idx_)    (VPNHA_PARAM(ctx, idx_)->v.ms)
#define VPNHA_ADDR(ctx, idx_)  vpnha_value_addr(VPNHA_PARAM(ctx, idx_))
#define VPNHA_GIVEN(ctx, idx_) (VPNHA_PARAM(ctx, idx_)->given)

#endif
