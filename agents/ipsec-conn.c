/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ocf:vpnha:ipsec-conn -- one IKEv2 connection in strongSwan's charon, driven
 * over VICI; the kernel's XFRM state is the health truth. Semantics (remote
 * down at start, fail-closed block policies, ownership) are documented in
 * ocf-metadata/ipsec-conn.xml. The VICI messages, the SA view and its kernel
 * cross-check are lib/ipsec.h's.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipsec-res.h"
#include "log.h"
#include "records.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "ipsec-conn"
/* Numerically above every priority charon 5.9 computes (IPsec ~1.6M,
 * fallback ~2.4M): the block policy only acts when no charon policy matches. */
#define BLOCK_PRIO 3000000u

static const char *const auths[] = { "psk", "pubkey", NULL };
enum {
	AUTH_PSK,
	AUTH_PUBKEY
};
static const char *const modes[] = { "tunnel", "transport", NULL };
static const char *const configs[] = { "agent", "swanctl", NULL };
enum {
	CONFIG_AGENT,
	CONFIG_SWANCTL
};

static int check_name(const struct vpnha_val *v, char *why, size_t whylen)
{
	if (vpnha_name_ok(v->str))
		return 0;
	snprintf(why, whylen, "'%s': only letters, digits, '-', '_' and '.'", v->str);
	return -EINVAL;
}

/* The parameters, in the order of the table below (VPNHA_STR(ctx, P_...)). */
enum ipsec_conn_param {
	P_CONN,
	P_CHILD,
	P_CONFIG,
	P_LOCAL_ADDRS,
	P_REMOTE_ADDRS,
	P_LOCAL_ID,
	P_REMOTE_ID,
	P_AUTH,
	P_PSK_FILE,
	P_CERT,
	P_KEY_FILE,
	P_CACERT,
	P_PROPOSALS,
	P_ESP_PROPOSALS,
	P_MODE,
	P_LOCAL_TS,
	P_REMOTE_TS,
	P_DPD_DELAY,
	P_REKEY_TIME,
	P_CHILD_REKEY_TIME,
	P_VICI_SOCKET,
	P_FAIL_CLOSED,
	P_START_WAIT,
	P_STOP_WAIT,
	P_REQUIRE_ESTABLISHED,
	P_ESTABLISHED_GRACE,
	P_COUNT
};

static const struct vpnha_param_def params[] = {
	[P_CONN] = { "conn", VPNHA_PT_STRING, NULL, VPNHA_PF_REQUIRED | VPNHA_PF_UNIQUE, .max = 64, .validate = check_name },
	[P_CHILD] = { "child", VPNHA_PT_STRING, NULL, 0, .max = 64, .validate = check_name },
	[P_CONFIG] = { "config", VPNHA_PT_SELECT, "agent", 0, .options = configs },
	[P_LOCAL_ADDRS] = { "local_addrs", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_REMOTE_ADDRS] = { "remote_addrs", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_LOCAL_ID] = { "local_id", VPNHA_PT_STRING, NULL, 0, .max = 255, .validate = vpnha_ipsec_validate_id },
	[P_REMOTE_ID] = { "remote_id", VPNHA_PT_STRING, NULL, 0, .max = 255, .validate = vpnha_ipsec_validate_id },
	[P_AUTH] = { "auth", VPNHA_PT_SELECT, "psk", 0, .options = auths },
	[P_PSK_FILE] = { "psk_file", VPNHA_PT_PATH, NULL, 0 },
	[P_CERT] = { "cert", VPNHA_PT_PATH, NULL, 0 },
	[P_KEY_FILE] = { "key_file", VPNHA_PT_PATH, NULL, 0 },
	[P_CACERT] = { "cacert", VPNHA_PT_PATH, NULL, 0 },
	[P_PROPOSALS] = { "proposals", VPNHA_PT_STRING, "default", VPNHA_PF_LIST, .max = 128, .validate = vpnha_ipsec_validate_proposal },
	[P_ESP_PROPOSALS] = { "esp_proposals", VPNHA_PT_STRING, "default", VPNHA_PF_LIST, .max = 128, .validate = vpnha_ipsec_validate_proposal },
	[P_MODE] = { "mode", VPNHA_PT_SELECT, "tunnel", 0, .options = modes },
	[P_LOCAL_TS] = { "local_ts", VPNHA_PT_STRING, "dynamic", VPNHA_PF_LIST, .max = 64, .validate = vpnha_ipsec_validate_ts },
	[P_REMOTE_TS] = { "remote_ts", VPNHA_PT_STRING, "dynamic", VPNHA_PF_LIST, .max = 64, .validate = vpnha_ipsec_validate_ts },
	[P_DPD_DELAY] = { "dpd_delay", VPNHA_PT_DURATION, "2s", 0, 0, 3600000 },
	[P_REKEY_TIME] = { "rekey_time", VPNHA_PT_DURATION, "4h", 0, 0, 86400000 },
	[P_CHILD_REKEY_TIME] = { "child_rekey_time", VPNHA_PT_DURATION, "1h", 0, 0, 86400000 },
	[P_VICI_SOCKET] = { "vici_socket", VPNHA_PT_PATH, "/run/charon.vici", 0 },
	[P_FAIL_CLOSED] = { "fail_closed", VPNHA_PT_BOOL, "true", 0 },
	[P_START_WAIT] = { "start_wait", VPNHA_PT_DURATION, "10s", 0, 0, 3600000 },
	[P_STOP_WAIT] = { "stop_wait", VPNHA_PT_DURATION, "0", 0, 0, 60000 },
	[P_REQUIRE_ESTABLISHED] = { "require_established", VPNHA_PT_BOOL, "false", VPNHA_PF_RELOADABLE },
	[P_ESTABLISHED_GRACE] = { "established_grace", VPNHA_PT_DURATION, "60s", VPNHA_PF_RELOADABLE, 0, 86400000 },
};
_Static_assert(sizeof(params) / sizeof(params[0]) == P_COUNT, "one enum entry per parameter");

/* ---------------------------------------------------------------- helpers */

static const char *conn_name(struct vpnha_ctx *ctx) { return VPNHA_STR(ctx, P_CONN); }

static const char *child_name(struct vpnha_ctx *ctx)
{
	return VPNHA_GIVEN(ctx, P_CHILD) ? VPNHA_STR(ctx, P_CHILD) : conn_name(ctx);
}

static bool agent_defined(struct vpnha_ctx *ctx)
{
	return VPNHA_PARAM(ctx, P_CONFIG)->v.i == CONFIG_AGENT;
}

static bool auth_psk(struct vpnha_ctx *ctx)
{
	return VPNHA_PARAM(ctx, P_AUTH)->v.i == AUTH_PSK;
}

/* The connection this resource keeps (lib/ipsec-res.h), from the parameters. */
static struct vpnha_ipsec_res res(struct vpnha_ctx *ctx)
{
	return (struct vpnha_ipsec_res){
		.agent = AGENT,
		.instance = ctx->instance,
		.conn = conn_name(ctx),
		.child = child_name(ctx),
		.vici_socket = VPNHA_STR(ctx, P_VICI_SOCKET),
		.fail_closed = VPNHA_BOOL(ctx, P_FAIL_CLOSED),
		.local_ts = VPNHA_PARAM(ctx, P_LOCAL_TS),
		.remote_ts = VPNHA_PARAM(ctx, P_REMOTE_TS),
		.local = VPNHA_GIVEN(ctx, P_LOCAL_ADDRS) ? VPNHA_ADDR(ctx, P_LOCAL_ADDRS) : NULL,
		.remote = VPNHA_GIVEN(ctx, P_REMOTE_ADDRS) ? VPNHA_ADDR(ctx, P_REMOTE_ADDRS) : NULL,
		.block_prio = BLOCK_PRIO,
	};
}

/* config=agent: what the connection needs from its parameters. */
static enum vpnha_rc validate_agent_defined(struct vpnha_ctx *ctx)
{
	static const size_t need[] = { P_LOCAL_ADDRS, P_REMOTE_ADDRS };
	bool pubkey = VPNHA_PARAM(ctx, P_AUTH)->v.i == AUTH_PUBKEY;

	for (size_t i = 0; i < VPNHA_ARRAY_SIZE(need); i++)
		if (!VPNHA_GIVEN(ctx, need[i]))
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter '%s' is required with config=agent",
					  params[need[i]].name);
	if (VPNHA_ADDR(ctx, P_LOCAL_ADDRS)->family != VPNHA_ADDR(ctx, P_REMOTE_ADDRS)->family)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameters 'local_addrs' and 'remote_addrs': address families differ");
	if (auth_psk(ctx) && !VPNHA_GIVEN(ctx, P_PSK_FILE))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'psk_file' is required with auth=psk");
	if (pubkey && (!VPNHA_GIVEN(ctx, P_CERT) || !VPNHA_GIVEN(ctx, P_KEY_FILE) || !VPNHA_GIVEN(ctx, P_CACERT)))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameters 'cert', 'key_file' and 'cacert' are required with auth=pubkey");
	if (pubkey && !VPNHA_GIVEN(ctx, P_REMOTE_ID))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_id' is required with auth=pubkey");
	return VPNHA_RC_OK;
}

static enum vpnha_rc ic_validate(struct vpnha_ctx *ctx)
{
	const struct vpnha_ipsec_res r = res(ctx);
	char why[256] = "";
	enum vpnha_rc rc;

	if (agent_defined(ctx)) {
		if ((rc = validate_agent_defined(ctx)) != VPNHA_RC_OK)
			return rc;
	} else if (VPNHA_GIVEN(ctx, P_PSK_FILE) || VPNHA_GIVEN(ctx, P_CERT)) {
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameters 'psk_file'/'cert' only apply to config=agent");
	}
	if (VPNHA_BOOL(ctx, P_FAIL_CLOSED)) {
		if (!VPNHA_GIVEN(ctx, P_REMOTE_ADDRS))
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_addrs' is required with fail_closed=true");
		if (vpnha_ipsec_res_block_check(&r, why, sizeof(why)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_ts': %s", why);
	}
	return VPNHA_RC_OK;
}

/* The parameter naming each credential file. */
static const size_t cred_param[] = {
	[VPNHA_IPSEC_CRED_PSK] = P_PSK_FILE,
	[VPNHA_IPSEC_CRED_CERT] = P_CERT,
	[VPNHA_IPSEC_CRED_CACERT] = P_CACERT,
	[VPNHA_IPSEC_CRED_KEY] = P_KEY_FILE,
};

/* The credential files (config=agent): a missing or insecure one is this node's (rc 5). */
static enum vpnha_rc creds_read(struct vpnha_ctx *ctx, struct vpnha_ipsec_creds *creds)
{
	const struct vpnha_ipsec_cred_files f = {
		.psk = auth_psk(ctx) ? VPNHA_STR(ctx, P_PSK_FILE) : NULL,
		.cert = VPNHA_STR(ctx, P_CERT),
		.cacert = VPNHA_STR(ctx, P_CACERT),
		.key = VPNHA_STR(ctx, P_KEY_FILE),
	};
	enum vpnha_ipsec_cred bad;
	char why[512] = "";

	if (vpnha_ipsec_creds_read(&f, creds, &bad, why, sizeof(why)) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter '%s': %s", params[cred_param[bad]].name, why);
	return VPNHA_RC_OK;
}

/* config=agent: the connection as this resource loads it (l, r: its endpoints
 * as text); vpnha_ipsec_res_start adds the policy of a kept connection. */
static void conn_cfg(struct vpnha_ctx *ctx, char *l, char *r, struct vpnha_ipsec_conn_cfg *cfg)
{
	vpnha_addr_str(VPNHA_ADDR(ctx, P_LOCAL_ADDRS), l, INET6_ADDRSTRLEN);
	vpnha_addr_str(VPNHA_ADDR(ctx, P_REMOTE_ADDRS), r, INET6_ADDRSTRLEN);
	*cfg = (struct vpnha_ipsec_conn_cfg){
		.name = conn_name(ctx),
		.child = child_name(ctx),
		.local_addr = l,
		.remote_addr = r,
		.psk = auth_psk(ctx),
		.local_id = VPNHA_GIVEN(ctx, P_LOCAL_ID) ? VPNHA_STR(ctx, P_LOCAL_ID) : l,
		.remote_id = VPNHA_GIVEN(ctx, P_REMOTE_ID) ? VPNHA_STR(ctx, P_REMOTE_ID) : r,
		.proposals = VPNHA_PARAM(ctx, P_PROPOSALS),
		.esp_proposals = VPNHA_PARAM(ctx, P_ESP_PROPOSALS),
		.local_ts = VPNHA_PARAM(ctx, P_LOCAL_TS),
		.remote_ts = VPNHA_PARAM(ctx, P_REMOTE_TS),
		.mode = VPNHA_STR(ctx, P_MODE),
		.dpd_delay_s = (VPNHA_MS(ctx, P_DPD_DELAY) + 999) / 1000,
		.rekey_time_s = VPNHA_MS(ctx, P_REKEY_TIME) / 1000,
		.child_rekey_time_s = VPNHA_MS(ctx, P_CHILD_REKEY_TIME) / 1000,
	};
}

/* What a monitor's verdict (lib/ipsec-res.h) means: charon or the connection
 * gone is "not running" (7), anything else wrong a failure (1). */
static const enum vpnha_rc verdict_rc[VPNHA_IPSEC_VERDICTS] = {
	[VPNHA_IPSEC_UP] = VPNHA_RC_OK,
	[VPNHA_IPSEC_PENDING] = VPNHA_RC_OK,
	[VPNHA_IPSEC_CHARON_GONE] = VPNHA_RC_NOT_RUNNING,
	[VPNHA_IPSEC_CHARON_ERROR] = VPNHA_RC_ERROR,
	[VPNHA_IPSEC_NOT_LOADED] = VPNHA_RC_NOT_RUNNING,
	[VPNHA_IPSEC_BLOCK_ERROR] = VPNHA_RC_ERROR,
	[VPNHA_IPSEC_KERNEL_MISSING] = VPNHA_RC_ERROR,
};

/* No CHILD_SA: pending since down-since; a failure past established_grace
 * when require_established. */
static enum vpnha_rc sa_pending(struct vpnha_ctx *ctx, const struct vpnha_ipsec_sa_view *v)
{
	const struct vpnha_ipsec_res r = res(ctx);
	uint64_t down_s = vpnha_ipsec_res_pending_s(&r);

	if (VPNHA_BOOL(ctx, P_REQUIRE_ESTABLISHED) && down_s * 1000 >= VPNHA_MS(ctx, P_ESTABLISHED_GRACE))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "CHILD_SA %s not established for %" PRIu64 " s (IKE_SAs: %u, established: %u)",
				  child_name(ctx), down_s, v->ike_total, v->ike_established);
	vpnha_log_info("CHILD_SA %s pending for %" PRIu64 " s (IKE_SAs: %u, established: %u)",
		       child_name(ctx), down_s, v->ike_total, v->ike_established);
	return VPNHA_RC_OK;
}

/* ---------------------------------------------------------------- actions */

static enum vpnha_rc ic_monitor(struct vpnha_ctx *ctx)
{
	const struct vpnha_ipsec_res r = res(ctx);
	enum vpnha_ipsec_verdict verdict;
	struct vpnha_ipsec_sa_view v;
	struct vpnha_rec_ipsec_owned o;
	char why[384] = "";

	/* fail closed from the first probe on: Pacemaker probes every node when
	 * the resource is defined, before anything may route the traffic */
	if (ctx->probe && r.fail_closed && vpnha_ipsec_res_blocks_install(&r, NULL, why, sizeof(why)) < 0)
		vpnha_log_warn("%s", why);
	if (vpnha_ipsec_res_owned_read(&r, &o) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "%s is not started on this node", conn_name(ctx));
	verdict = vpnha_ipsec_res_assess(&r, ctx->check_level >= 10, ctx->deadline, &v, why, sizeof(why));
	if (verdict == VPNHA_IPSEC_PENDING)
		return sa_pending(ctx, &v);
	if (verdict != VPNHA_IPSEC_UP)
		return vpnha_fail(ctx, verdict_rc[verdict], "%s", why);
	return VPNHA_RC_OK;
}

static enum vpnha_rc ic_start(struct vpnha_ctx *ctx)
{
	struct vpnha_ipsec_creds creds __attribute__((cleanup(vpnha_ipsec_creds_free))) = { .secret = VPNHA_SECRET_INIT };
	struct vpnha_ipsec_start s = { .t0 = vpnha_now_ms() };
	const struct vpnha_ipsec_res r = res(ctx);
	char l[INET6_ADDRSTRLEN], rm[INET6_ADDRSTRLEN], why[384] = "";
	struct vpnha_vici_conn *c = NULL;
	struct vpnha_ipsec_conn_cfg cfg;
	enum vpnha_rc rc;
	int err;

	/* everything that can be checked is checked before touching anything */
	if (agent_defined(ctx)) {
		if ((rc = creds_read(ctx, &creds)) != VPNHA_RC_OK)
			return rc;
		conn_cfg(ctx, l, rm, &cfg);
		s.cfg = &cfg;
		s.creds = &creds;
	}
	err = vpnha_vici_connect(&c, r.vici_socket, ctx->deadline);
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "charon not answering on %s: %s", r.vici_socket, strerror(-err));
	/* start succeeds once loaded and initiated: it waits up to start_wait
	 * for the CHILD_SA, then leaves it pending (see require_established) */
	s.until = s.t0 + VPNHA_MS(ctx, P_START_WAIT);
	err = vpnha_ipsec_res_start(&r, c, &s, ctx->deadline, why, sizeof(why));
	vpnha_vici_close(c);
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
	return VPNHA_RC_OK;
}

/* Stop works from the ownership record, also with bad parameters. */
static enum vpnha_rc ic_stop(struct vpnha_ctx *ctx)
{
	const struct vpnha_ipsec_res r = ctx->params_ok ? res(ctx)
							: (struct vpnha_ipsec_res){ AGENT, ctx->instance, .block_prio = BLOCK_PRIO };
	/* fail_closed: the block policy stays (see the metadata); removed only
	 * when the resource is configured with fail_closed=false */
	const bool remove_blocks = ctx->params_ok && !r.fail_closed;
	struct vpnha_rec_ipsec_owned o;
	struct vpnha_ipsec_stop s;
	char why[384] = "";

	if (vpnha_ipsec_res_owned_read(&r, &o) < 0) {
		/* nothing recorded: nothing of ours to tear down */
		if (remove_blocks && vpnha_ipsec_res_blocks_recorded(&r))
			vpnha_ipsec_res_blocks_remove(&r);
		return VPNHA_RC_OK;
	}
	s = (struct vpnha_ipsec_stop){
		.vici_socket = ctx->params_ok ? r.vici_socket : "/run/charon.vici",
		.conn = *o.conn || !ctx->params_ok ? o.conn : conn_name(ctx),
		/* how long charon waits for the peer to answer the IKE DELETE: stop_wait
		 * (lib bounds it by half the op time left); 0 without parameters */
		.wait_ms = ctx->params_ok ? VPNHA_MS(ctx, P_STOP_WAIT) : 0,
		.remove_blocks = remove_blocks,
	};
	if (vpnha_ipsec_res_stop(&r, &o, &s, ctx->deadline, why, sizeof(why)) < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
	return VPNHA_RC_OK;
}

static enum vpnha_rc ic_reload(struct vpnha_ctx *ctx)
{
	/* require_established and established_grace are read by monitor only */
	(void)ctx;
	return VPNHA_RC_OK;
}

/* validate-all at OCF_CHECK_LEVEL 10: the PSK file; charon installed (else
 * 5: this node lacks it) and answering (else 1). */
static enum vpnha_rc ic_validate_host(struct vpnha_ctx *ctx)
{
	const struct vpnha_ipsec_res r = res(ctx);
	char why[384] = "";
	int err;

	if (agent_defined(ctx) && auth_psk(ctx)) {
		struct vpnha_ipsec_creds creds __attribute__((cleanup(vpnha_ipsec_creds_free))) = { .secret = VPNHA_SECRET_INIT };
		enum vpnha_rc rc = creds_read(ctx, &creds);

		if (rc != VPNHA_RC_OK)
			return rc;
	}
	if ((err = vpnha_ipsec_res_charon_check(&r, ctx->deadline, why, sizeof(why))) < 0)
		return vpnha_fail(ctx, err == -ENOPKG ? VPNHA_RC_NOT_INSTALLED : VPNHA_RC_ERROR, "%s", why);
	return VPNHA_RC_OK;
}

static const struct vpnha_action actions[] = {
	{ "start", ic_start },
	{ "stop", ic_stop },
	{ "monitor", ic_monitor },
	{ "reload-agent", ic_reload },
};

const struct vpnha_agent vpnha_agent_def = {
	.name = AGENT,
	.metadata = vpnha_metadata_xml,
	.params = params,
	.n_params = VPNHA_ARRAY_SIZE(params),
	.actions = actions,
	.n_actions = VPNHA_ARRAY_SIZE(actions),
	.validate_host = ic_validate_host,
	.validate_params = ic_validate,
};
