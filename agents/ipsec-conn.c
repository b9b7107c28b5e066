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
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipsec.h"
#include "log.h"
#include "records.h"
#include "runstate.h"
#include "secret.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "ipsec-conn"
/* Numerically above every priority charon 5.9 computes (IPsec ~1.6M,
 * fallback ~2.4M): the block policy only acts when no charon policy matches. */
#define BLOCK_PRIO 3000000u
/* a PSK or a private key file: at most 4095 bytes with its line end */
#define MAX_SECRET 4093
/* a certificate file */
#define MAX_CERT 60000

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

static uint64_t boot_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

/* ---- the ownership record: key=value lines ---- */
struct owned {
	bool loaded_conn;      /* we sent load-conn */
	char shared_id[96];    /* load-shared id, "" if none */
	char key_id[128];      /* load-key id, "" if none */
	struct vpnha_addr local, remote; /* endpoints (family 0: unknown) */
	uint64_t started;      /* CLOCK_BOOTTIME s */
};

static int owned_write(struct vpnha_ctx *ctx, const struct owned *o)
{
	struct vpnha_rec_ipsec_owned r = { .loaded_conn = o->loaded_conn, .started = o->started };

	r.local = o->local;
	r.remote = o->remote;
	snprintf(r.conn, sizeof(r.conn), "%s", conn_name(ctx));
	memcpy(r.shared_id, o->shared_id, sizeof(r.shared_id));
	memcpy(r.key_id, o->key_id, sizeof(r.key_id));
	return vpnha_record_write(VPNHA_REC_IPSEC_OWNED, AGENT, ctx->instance, "owned", &r);
}

/* The record (lib/records.h, VPNHA_REC_IPSEC_OWNED); its conn= into conn (may be NULL). */
static int owned_read(struct vpnha_ctx *ctx, struct owned *o, char *conn, size_t connlen)
{
	struct vpnha_rec_ipsec_owned r;
	int rc;

	_Static_assert(sizeof(r.shared_id) == sizeof(o->shared_id) && sizeof(r.key_id) == sizeof(o->key_id), "ids");
	memset(o, 0, sizeof(*o));
	rc = vpnha_record_read(VPNHA_REC_IPSEC_OWNED, AGENT, ctx->instance, "owned", &r);
	if (rc < 0)
		return rc;
	if (conn && r.conn[0])
		snprintf(conn, connlen, "%s", r.conn);
	o->loaded_conn = r.loaded_conn;
	memcpy(o->shared_id, r.shared_id, sizeof(o->shared_id));
	memcpy(o->key_id, r.key_id, sizeof(o->key_id));
	o->local = r.local;
	o->remote = r.remote;
	o->started = r.started;
	return 0;
}

/* ---- block selectors (fail_closed): out, any source -> remote TS, proto ---- */
static int block_sels(struct vpnha_ctx *ctx, struct vpnha_xfrm_sel *sels, size_t *n, char *why, size_t whylen)
{
	const struct vpnha_addr *remote = VPNHA_GIVEN(ctx, P_REMOTE_ADDRS) ? VPNHA_ADDR(ctx, P_REMOTE_ADDRS) : NULL;
	const struct vpnha_addr *local = VPNHA_GIVEN(ctx, P_LOCAL_ADDRS) ? VPNHA_ADDR(ctx, P_LOCAL_ADDRS) : NULL;

	return vpnha_ipsec_block_sels(VPNHA_PARAM(ctx, P_LOCAL_TS), VPNHA_PARAM(ctx, P_REMOTE_TS), local, remote, sels,
				      n, why, whylen);
}

/* Install (or re-assert) the block policies; returns 0 or -errno (why set). */
static int blocks_install(struct vpnha_ctx *ctx, bool *added, char *why, size_t whylen)
{
	struct vpnha_xfrm_sel sels[VPNHA_IPSEC_MAX_BLOCKS];
	size_t n;
	int err;

	if (added)
		*added = false;
	if (block_sels(ctx, sels, &n, why, whylen) < 0)
		return -EINVAL;
	err = vpnha_ipsec_blocks_install(sels, n, BLOCK_PRIO, added, why, whylen);
	if (err == 0)
		err = vpnha_state_write(AGENT, ctx->instance, "block", "1\n", 2);
	return err;
}

static int blocks_remove(struct vpnha_ctx *ctx)
{
	struct vpnha_xfrm_sel sels[VPNHA_IPSEC_MAX_BLOCKS];
	char why[256];
	size_t n;
	int err;

	if (block_sels(ctx, sels, &n, why, sizeof(why)) < 0)
		return -EINVAL;
	err = vpnha_ipsec_blocks_remove(sels, n, BLOCK_PRIO);
	if (err == 0)
		vpnha_state_remove(AGENT, ctx->instance, "block");
	return err;
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
	struct vpnha_xfrm_sel sels[VPNHA_IPSEC_MAX_BLOCKS];
	char why[256] = "";
	enum vpnha_rc rc;
	size_t n;

	if (agent_defined(ctx)) {
		if ((rc = validate_agent_defined(ctx)) != VPNHA_RC_OK)
			return rc;
	} else if (VPNHA_GIVEN(ctx, P_PSK_FILE) || VPNHA_GIVEN(ctx, P_CERT)) {
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameters 'psk_file'/'cert' only apply to config=agent");
	}
	if (VPNHA_BOOL(ctx, P_FAIL_CLOSED)) {
		if (!VPNHA_GIVEN(ctx, P_REMOTE_ADDRS))
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_addrs' is required with fail_closed=true");
		if (block_sels(ctx, sels, &n, why, sizeof(why)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_ts': %s", why);
	}
	return VPNHA_RC_OK;
}

/* ---- charon ---- */

static int charon_open(struct vpnha_ctx *ctx, struct vpnha_vici_conn **c)
{
	return vpnha_vici_connect(c, VPNHA_STR(ctx, P_VICI_SOCKET), ctx->deadline);
}

static int sa_list(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c, struct vpnha_ipsec_sa_view *v)
{
	return vpnha_ipsec_sa_list(c, conn_name(ctx), child_name(ctx), ctx->deadline, v);
}

/* What start loads into charon, all read before anything is touched. */
struct start_in {
	struct vpnha_secret secret; /* the PSK or the private key */
	char *cert, *ca;            /* pubkey: PEM data */
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	const char *lid, *rid;
};

static void start_in_free(struct start_in *in)
{
	vpnha_secret_free(&in->secret);
	free(in->cert);
	free(in->ca);
}

static enum vpnha_rc start_in_read(struct vpnha_ctx *ctx, struct start_in *in)
{
	char why[384] = "";
	size_t n;
	int err;

	if (!agent_defined(ctx))
		return VPNHA_RC_OK;
	if (auth_psk(ctx) && vpnha_secret_read(VPNHA_STR(ctx, P_PSK_FILE), MAX_SECRET, VPNHA_SECRET_TRIM, &in->secret,
					       why, sizeof(why)) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'psk_file': %s", why);
	if (!auth_psk(ctx)) {
		if ((err = vpnha_file_read(VPNHA_STR(ctx, P_CERT), MAX_CERT, &in->cert, &n)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'cert': %s: %s", VPNHA_STR(ctx, P_CERT), strerror(-err));
		if ((err = vpnha_file_read(VPNHA_STR(ctx, P_CACERT), MAX_CERT, &in->ca, &n)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'cacert': %s: %s", VPNHA_STR(ctx, P_CACERT), strerror(-err));
		if (vpnha_secret_read(VPNHA_STR(ctx, P_KEY_FILE), MAX_SECRET, VPNHA_SECRET_TRIM, &in->secret,
				      why, sizeof(why)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'key_file': %s", why);
	}
	vpnha_addr_str(VPNHA_ADDR(ctx, P_LOCAL_ADDRS), in->l, sizeof(in->l));
	vpnha_addr_str(VPNHA_ADDR(ctx, P_REMOTE_ADDRS), in->r, sizeof(in->r));
	in->lid = VPNHA_GIVEN(ctx, P_LOCAL_ID) ? VPNHA_STR(ctx, P_LOCAL_ID) : in->l;
	in->rid = VPNHA_GIVEN(ctx, P_REMOTE_ID) ? VPNHA_STR(ctx, P_REMOTE_ID) : in->r;
	return VPNHA_RC_OK;
}

/* The PSK (load-shared) or the private key (load-key), ownership recorded first. */
static enum vpnha_rc creds_load(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c, struct owned *o,
				const struct start_in *in)
{
	char why[384] = "", kid[sizeof(o->key_id)];
	int err;

	if (auth_psk(ctx))
		snprintf(o->shared_id, sizeof(o->shared_id), "vpnha-%s", conn_name(ctx));
	/* record ownership first: a stop after a partial start unloads it */
	o->loaded_conn = true;
	if ((err = owned_write(ctx, o)) < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write state: %s", strerror(-err));
	if (auth_psk(ctx)) {
		err = vpnha_ipsec_shared_load(c, o->shared_id, in->secret.data, in->secret.len, in->lid, in->rid,
					      ctx->deadline, why, sizeof(why));
	} else {
		err = vpnha_ipsec_key_load(c, in->secret.data, in->secret.len, kid, sizeof(kid), ctx->deadline, why,
					   sizeof(why));
		if (err == 0 && *kid) {
			snprintf(o->key_id, sizeof(o->key_id), "%s", kid);
			owned_write(ctx, o);
		}
	}
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
	return VPNHA_RC_OK;
}

static int conn_load(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c, const struct start_in *in, char *why,
		     size_t whylen)
{
	const struct vpnha_ipsec_conn_cfg cfg = {
		.name = conn_name(ctx),
		.child = child_name(ctx),
		.local_addr = in->l,
		.remote_addr = in->r,
		.psk = auth_psk(ctx),
		.local_id = in->lid,
		.remote_id = in->rid,
		.cert = in->cert,
		.cacert = in->ca,
		.proposals = VPNHA_PARAM(ctx, P_PROPOSALS),
		.esp_proposals = VPNHA_PARAM(ctx, P_ESP_PROPOSALS),
		.local_ts = VPNHA_PARAM(ctx, P_LOCAL_TS),
		.remote_ts = VPNHA_PARAM(ctx, P_REMOTE_TS),
		.mode = VPNHA_STR(ctx, P_MODE),
		.dpd_delay_s = (VPNHA_MS(ctx, P_DPD_DELAY) + 999) / 1000,
		.rekey_time_s = VPNHA_MS(ctx, P_REKEY_TIME) / 1000,
		.child_rekey_time_s = VPNHA_MS(ctx, P_CHILD_REKEY_TIME) / 1000,
		.keyingtries = "0",  /* keep trying: a remote site may come back */
		.unique = "replace", /* a restarted peer's new IKE_SA replaces the stale one */
		.mobike = "no",
		.dpd_action = "restart",
		.start_action = "none",
		.close_action = "none",
	};

	return vpnha_ipsec_conn_load(c, &cfg, ctx->deadline, why, whylen);
}

/* Initiate the CHILD_SA unless it is installed; a refusal only warns. */
static enum vpnha_rc sa_initiate(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c)
{
	struct vpnha_ipsec_sa_view v;
	char why[384] = "";
	int err;

	if ((err = sa_list(ctx, c, &v)) < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "list-sas: %s", strerror(-err));
	if (v.children_installed)
		return VPNHA_RC_OK;
	err = vpnha_ipsec_initiate(c, conn_name(ctx), child_name(ctx), ctx->deadline, why, sizeof(why));
	if (err < 0 && err != -EREMOTEIO)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
	if (err < 0)
		vpnha_log_warn("%s (will keep trying)", why);
	return VPNHA_RC_OK;
}

/* Wait up to start_wait for the CHILD_SA in the kernel; start succeeds either way. */
static enum vpnha_rc sa_wait(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c, struct owned *o, uint64_t t0)
{
	uint64_t until = t0 + VPNHA_MS(ctx, P_START_WAIT);
	struct vpnha_ipsec_sa_view v;
	char why[384] = "";
	int err;

	for (;;) {
		if ((err = sa_list(ctx, c, &v)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "list-sas: %s", strerror(-err));
		if (v.children_installed && vpnha_ipsec_kernel_check(&v, why, sizeof(why)) == 0) {
			vpnha_log_notice("CHILD_SA %s installed in the kernel %" PRIu64 " ms after start",
					 child_name(ctx), vpnha_now_ms() - t0);
			if (v.local.family && !o->local.family) {
				o->local = v.local;
				o->remote = v.remote;
				owned_write(ctx, o);
			}
			return VPNHA_RC_OK;
		}
		if (vpnha_now_ms() >= until || vpnha_time_left_ms(ctx) < 300) {
			vpnha_log_notice("CHILD_SA %s not up after %" PRIu64 " ms; start succeeds with the SA pending "
					 "(charon keeps trying; see monitor/require_established)",
					 child_name(ctx), vpnha_now_ms() - t0);
			return VPNHA_RC_OK;
		}
		vpnha_sleep_ms(ctx, 50);
	}
}

/* start, once charon answers. */
static enum vpnha_rc start_in_charon(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c, const struct start_in *in,
				     uint64_t t0)
{
	enum vpnha_rc rc = VPNHA_RC_OK;
	char why[384] = "";
	bool loaded = false;
	struct owned o;
	int err;

	memset(&o, 0, sizeof(o));
	if (!agent_defined(ctx)) {
		if ((err = vpnha_ipsec_conn_loaded(c, conn_name(ctx), ctx->deadline, &loaded)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "get-conns: %s", strerror(-err));
		if (!loaded)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "connection %s is not loaded in charon (swanctl.conf on this node)",
					  conn_name(ctx));
	}
	/* fail closed before any SA can come and go */
	if (VPNHA_BOOL(ctx, P_FAIL_CLOSED) && blocks_install(ctx, NULL, why, sizeof(why)) < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
	if (VPNHA_GIVEN(ctx, P_LOCAL_ADDRS))
		o.local = *VPNHA_ADDR(ctx, P_LOCAL_ADDRS);
	if (VPNHA_GIVEN(ctx, P_REMOTE_ADDRS))
		o.remote = *VPNHA_ADDR(ctx, P_REMOTE_ADDRS);
	o.started = boot_s();
	if (agent_defined(ctx)) {
		rc = creds_load(ctx, c, &o, in);
		if (rc == VPNHA_RC_OK && conn_load(ctx, c, in, why, sizeof(why)) < 0)
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
	} else if ((err = owned_write(ctx, &o)) < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write state: %s", strerror(-err));
	}
	if (rc == VPNHA_RC_OK)
		rc = sa_initiate(ctx, c);
	if (rc == VPNHA_RC_OK)
		rc = sa_wait(ctx, c, &o, t0);
	return rc;
}

/* No CHILD_SA: pending since down-since; a failure past established_grace
 * when require_established. */
static enum vpnha_rc sa_pending(struct vpnha_ctx *ctx, const struct vpnha_ipsec_sa_view *v)
{
	uint64_t down = 0, now = boot_s();
	struct vpnha_rec_since d;

	if (vpnha_record_read(VPNHA_REC_SINCE, AGENT, ctx->instance, "down-since", &d) == 0)
		down = d.s;
	if (!down) {
		d.s = now;
		vpnha_record_write(VPNHA_REC_SINCE, AGENT, ctx->instance, "down-since", &d);
		down = now;
	}
	if (VPNHA_BOOL(ctx, P_REQUIRE_ESTABLISHED) &&
	    (now - down) * 1000 >= VPNHA_MS(ctx, P_ESTABLISHED_GRACE))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "CHILD_SA %s not established for %" PRIu64 " s (IKE_SAs: %u, established: %u)",
				  child_name(ctx), now - down, v->ike_total, v->ike_established);
	vpnha_log_info("CHILD_SA %s pending for %" PRIu64 " s (IKE_SAs: %u, established: %u)",
		       child_name(ctx), now - down, v->ike_total, v->ike_established);
	return VPNHA_RC_OK;
}

/* monitor, once charon answers. */
static enum vpnha_rc monitor_in_charon(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c)
{
	struct vpnha_ipsec_sa_view v;
	char why[384] = "";
	bool loaded = false, added = false;
	int err;

	err = vpnha_ipsec_conn_loaded(c, conn_name(ctx), ctx->deadline, &loaded);
	if (err < 0)
		return vpnha_fail(ctx, vpnha_ipsec_charon_absent(err) ? VPNHA_RC_NOT_RUNNING : VPNHA_RC_ERROR,
				  "get-conns: %s", strerror(-err));
	if (!loaded)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "connection %s is not loaded in charon (restarted?)", conn_name(ctx));
	err = sa_list(ctx, c, &v);
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "list-sas: %s", strerror(-err));
	if (VPNHA_BOOL(ctx, P_FAIL_CLOSED)) {
		if (blocks_install(ctx, &added, why, sizeof(why)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
		if (added)
			vpnha_log_warn("fail-closed block policy was missing; re-installed");
	}
	if (v.children_installed == 0)
		return sa_pending(ctx, &v);
	vpnha_state_remove(AGENT, ctx->instance, "down-since");
	if (ctx->check_level >= 10 && vpnha_ipsec_kernel_check(&v, why, sizeof(why)) < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
	return VPNHA_RC_OK;
}

/* How long stop lets charon wait for the peer to answer the IKE DELETE:
 * stop_wait, bounded by half the op time left; 0 without parameters. */
static uint64_t stop_wait_ms(struct vpnha_ctx *ctx)
{
	uint64_t want = ctx->params_ok ? VPNHA_MS(ctx, P_STOP_WAIT) : 0, half = vpnha_time_left_ms(ctx) / 2;

	return want < half ? want : half;
}

/* Terminate and unload in charon; nothing to do when charon is not running. */
static enum vpnha_rc charon_teardown(struct vpnha_ctx *ctx, const char *conn, const struct owned *o)
{
	struct vpnha_vici_conn *c = NULL;
	char why[384] = "";
	int err;

	err = ctx->params_ok ? charon_open(ctx, &c) : vpnha_vici_connect(&c, "/run/charon.vici", ctx->deadline);
	if (err < 0) {
		if (!vpnha_ipsec_charon_absent(err))
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "charon: %s", strerror(-err));
		vpnha_log_info("charon is not running: nothing to terminate or unload");
		return VPNHA_RC_OK;
	}
	err = vpnha_ipsec_terminate(c, conn, stop_wait_ms(ctx), ctx->deadline, why, sizeof(why));
	if (err < 0 && err != -EREMOTEIO)
		vpnha_log_warn("%s", why);
	err = vpnha_ipsec_conn_unload(c, o->loaded_conn ? conn : NULL, o->key_id, o->shared_id, ctx->deadline, why,
				      sizeof(why));
	vpnha_vici_close(c);
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
	return VPNHA_RC_OK;
}

/* ---------------------------------------------------------------- actions */

static enum vpnha_rc ic_monitor(struct vpnha_ctx *ctx)
{
	struct vpnha_vici_conn *c = NULL;
	enum vpnha_rc rc;
	struct owned o;
	char why[384] = "";
	int err;

	/* fail closed from the first probe on: Pacemaker probes every node when
	 * the resource is defined, before anything may route the traffic */
	if (ctx->probe && VPNHA_BOOL(ctx, P_FAIL_CLOSED) && blocks_install(ctx, NULL, why, sizeof(why)) < 0)
		vpnha_log_warn("%s", why);
	if (owned_read(ctx, &o, NULL, 0) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "%s is not started on this node", conn_name(ctx));
	err = charon_open(ctx, &c);
	if (err < 0)
		return vpnha_fail(ctx, vpnha_ipsec_charon_absent(err) ? VPNHA_RC_NOT_RUNNING : VPNHA_RC_ERROR,
				  "charon not answering on %s: %s", VPNHA_STR(ctx, P_VICI_SOCKET), strerror(-err));
	rc = monitor_in_charon(ctx, c);
	vpnha_vici_close(c);
	return rc;
}

static enum vpnha_rc ic_start(struct vpnha_ctx *ctx)
{
	struct start_in in __attribute__((cleanup(start_in_free))) = { .secret = VPNHA_SECRET_INIT };
	struct vpnha_vici_conn *c = NULL;
	uint64_t t0 = vpnha_now_ms();
	enum vpnha_rc rc;
	int err;

	/* everything that can be checked is checked before touching anything */
	rc = start_in_read(ctx, &in);
	if (rc != VPNHA_RC_OK)
		return rc;
	err = charon_open(ctx, &c);
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "charon not answering on %s: %s",
				  VPNHA_STR(ctx, P_VICI_SOCKET), strerror(-err));
	rc = start_in_charon(ctx, c, &in, t0);
	vpnha_vici_close(c);
	return rc;
}

static enum vpnha_rc ic_stop(struct vpnha_ctx *ctx)
{
	struct owned o;
	char conn[96] = "";
	unsigned nsa = 0, nsp = 0;
	enum vpnha_rc rc;
	int err;

	if (owned_read(ctx, &o, conn, sizeof(conn)) < 0) {
		/* nothing recorded: nothing of ours to tear down */
		if (ctx->params_ok && !VPNHA_BOOL(ctx, P_FAIL_CLOSED) &&
		    vpnha_state_exists(AGENT, ctx->instance, "block"))
			blocks_remove(ctx);
		return VPNHA_RC_OK;
	}
	if (!*conn && ctx->params_ok)
		snprintf(conn, sizeof(conn), "%s", conn_name(ctx));
	if ((rc = charon_teardown(ctx, conn, &o)) != VPNHA_RC_OK)
		return rc;
	/* whatever charon left (or a killed charon could not remove) goes now */
	if (o.local.family && o.remote.family) {
		err = vpnha_ipsec_kernel_clear(&o.local, &o.remote, BLOCK_PRIO, &nsa, &nsp);
		if ((err == 0 || err == -EBUSY) && (nsa || nsp))
			vpnha_log_notice("removed %u SAs and %u policies left in the kernel", nsa, nsp);
		if (err < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot clear kernel SAs/policies of %s: %s", conn, strerror(-err));
	}
	/* fail_closed: the block policy stays (see the metadata); removed only
	 * when the resource is configured with fail_closed=false */
	if (ctx->params_ok && !VPNHA_BOOL(ctx, P_FAIL_CLOSED) &&
	    vpnha_state_exists(AGENT, ctx->instance, "block") && blocks_remove(ctx) < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove the block policy");
	vpnha_state_remove(AGENT, ctx->instance, "down-since");
	err = vpnha_state_remove(AGENT, ctx->instance, "owned");
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove state: %s", strerror(-err));
	return VPNHA_RC_OK;
}

static enum vpnha_rc ic_reload(struct vpnha_ctx *ctx)
{
	/* require_established and established_grace are read by monitor only */
	(void)ctx;
	return VPNHA_RC_OK;
}

static enum vpnha_rc ic_validate_host(struct vpnha_ctx *ctx)
{
	struct vpnha_vici_conn *c = NULL;
	char why[256];
	int err;

	if (agent_defined(ctx) && auth_psk(ctx)) {
		_vpnha_auto_secret struct vpnha_secret secret = VPNHA_SECRET_INIT;

		err = vpnha_secret_read(VPNHA_STR(ctx, P_PSK_FILE), MAX_SECRET, VPNHA_SECRET_TRIM, &secret,
					why, sizeof(why));
		if (err < 0)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'psk_file': %s", why);
	}
	/* strongswan-charon's daemon, or charon-systemd's (Debian 12: examples/README.md) */
	if (access("/usr/lib/ipsec/charon", X_OK) < 0 && access("/usr/libexec/ipsec/charon", X_OK) < 0 &&
	    access("/usr/sbin/charon-systemd", X_OK) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "strongSwan charon is not installed");
	err = charon_open(ctx, &c);
	vpnha_vici_close(c);
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "charon not answering on %s: %s",
				  VPNHA_STR(ctx, P_VICI_SOCKET), strerror(-err));
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
