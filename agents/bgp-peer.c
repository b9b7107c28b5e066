/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ocf:vpnha:bgp-peer: one BGP neighbor in FRR's bgpd, driven over bgpd's vty
 * unix socket (no vtysh, no shell; monitor never forks).
 *
 * manage=configure: start adds the neighbor under `router bgp <local_as>`
 * and records ownership in a state file; stop shuts it down (the peer gets a
 * CEASE and withdraws at once), then removes it, only if we added it.
 * manage=shutdown: the neighbor lives in frr.conf; start/stop toggle
 * `neighbor X shutdown`. The vty sequences, the state record and the
 * neighbor-state decisions are lib/frr-peer.h's.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frr-peer.h"
#include "log.h"
#include "runstate.h"
#include "secret.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "bgp-peer"
#define PASSWORD_MAX 80 /* TCP_MD5SIG_MAXKEYLEN */

/* The parameters, in the order of the table below (VPNHA_STR(ctx, P_...)). */
enum bgp_peer_param {
	P_NEIGHBOR,
	P_LOCAL_AS,
	P_REMOTE_AS,
	P_MANAGE,
	P_VRF,
	P_UPDATE_SOURCE,
	P_NEXT_HOP_SELF,
	P_ADDRESS_FAMILIES,
	P_KEEPALIVE,
	P_HOLDTIME,
	P_CONNECT_TIMER,
	P_BFD,
	P_BFD_PROFILE,
	P_PASSWORD_FILE,
	P_MIN_PREFIXES,
	P_REQUIRE_ESTABLISHED,
	P_ESTABLISHED_GRACE,
	P_WAIT_ESTABLISHED,
	P_VTY_SOCKET_DIR,
	P_COUNT
};

static const struct vpnha_param_def params[] = {
	[P_NEIGHBOR] = { "neighbor", VPNHA_PT_ADDR, NULL, VPNHA_PF_REQUIRED | VPNHA_PF_UNIQUE, 0, 0, NULL, vpnha_validate_unicast },
	[P_LOCAL_AS] = { "local_as", VPNHA_PT_INT, NULL, VPNHA_PF_REQUIRED, 1, INT64_C(4294967295), NULL, NULL },
	[P_REMOTE_AS] = { "remote_as", VPNHA_PT_INT, NULL, 0, 1, INT64_C(4294967295), NULL, NULL },
	[P_MANAGE] = { "manage", VPNHA_PT_SELECT, "configure", 0, 0, 0, vpnha_frr_peer_modes, NULL },
	[P_VRF] = { "vrf", VPNHA_PT_STRING, NULL, 0, 0, 0, NULL, vpnha_frr_validate_name },
	[P_UPDATE_SOURCE] = { "update_source", VPNHA_PT_STRING, NULL, 0, 0, 64, NULL, vpnha_frr_validate_update_source },
	[P_NEXT_HOP_SELF] = { "next_hop_self", VPNHA_PT_BOOL, "true", 0, 0, 0, NULL, NULL },
	[P_ADDRESS_FAMILIES] = { "address_families", VPNHA_PT_STRING, "ipv4-unicast", VPNHA_PF_LIST, 0, 64, NULL, vpnha_frr_validate_af },
	[P_KEEPALIVE] = { "keepalive", VPNHA_PT_INT, NULL, VPNHA_PF_RELOADABLE, 0, 65535, NULL, NULL },
	[P_HOLDTIME] = { "holdtime", VPNHA_PT_INT, NULL, VPNHA_PF_RELOADABLE, 0, 65535, NULL, NULL },
	[P_CONNECT_TIMER] = { "connect_timer", VPNHA_PT_INT, NULL, VPNHA_PF_RELOADABLE, 1, 65535, NULL, NULL },
	[P_BFD] = { "bfd", VPNHA_PT_BOOL, "false", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_BFD_PROFILE] = { "bfd_profile", VPNHA_PT_STRING, NULL, VPNHA_PF_RELOADABLE, 0, 0, NULL, vpnha_frr_validate_name },
	[P_PASSWORD_FILE] = { "password_file", VPNHA_PT_PATH, NULL, 0, 0, 0, NULL, NULL },
	[P_MIN_PREFIXES] = { "min_prefixes", VPNHA_PT_INT, "0", VPNHA_PF_RELOADABLE, 0, INT64_C(4294967295), NULL, NULL },
	[P_REQUIRE_ESTABLISHED] = { "require_established", VPNHA_PT_BOOL, "false", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_ESTABLISHED_GRACE] = { "established_grace", VPNHA_PT_DURATION, "60s", VPNHA_PF_RELOADABLE, 0, INT64_C(86400000), NULL,
				  NULL },
	[P_WAIT_ESTABLISHED] = { "wait_established", VPNHA_PT_BOOL, "false", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_VTY_SOCKET_DIR] = { "vty_socket_dir", VPNHA_PT_PATH, VPNHA_FRR_VTY_DIR_DEFAULT, 0, 0, 0, NULL, NULL },
};
_Static_assert(sizeof(params) / sizeof(params[0]) == P_COUNT, "one enum entry per parameter");

static void peer_from_params(struct vpnha_ctx *ctx, struct vpnha_frr_peer *p)
{
	vpnha_frr_peer_init(p, VPNHA_ADDR(ctx, P_NEIGHBOR), VPNHA_STR(ctx, P_VRF), VPNHA_INT(ctx, P_LOCAL_AS),
			    (int)VPNHA_PARAM(ctx, P_MANAGE)->v.i, VPNHA_STR(ctx, P_VTY_SOCKET_DIR));
}

/* ---- the password: a root-only file, never in argv, env or a log ---- */

/* Read password_file (if given) into *out; fails with one exit-reason line. */
static enum vpnha_rc password_read(struct vpnha_ctx *ctx, struct vpnha_secret *out)
{
	const char *path = VPNHA_STR(ctx, P_PASSWORD_FILE);
	char why[384];

	vpnha_secret_free(out);
	if (!path)
		return VPNHA_RC_OK;
	if (vpnha_secret_read(path, PASSWORD_MAX, VPNHA_SECRET_WORD, out, why, sizeof(why)) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'password_file': %s", why);
	return VPNHA_RC_OK;
}

/* A failure talking to bgpd: a timeout, or else an error (1). */
static enum vpnha_rc peer_fail(struct vpnha_ctx *ctx, const struct vpnha_frr_peer_err *e)
{
	return vpnha_fail(ctx, e->timeout ? VPNHA_RC_TIMEOUT : VPNHA_RC_ERROR, "%s", e->why);
}

/* The neighbor's settings from the parameters (pw: the password, or NULL). */
static void neighbor_cfg(struct vpnha_ctx *ctx, const struct vpnha_frr_peer *p, const struct vpnha_secret *pw,
			 struct vpnha_frr_bgp_neighbor_cfg *n)
{
	const struct vpnha_value *afs = VPNHA_PARAM(ctx, P_ADDRESS_FAMILIES);

	*n = (struct vpnha_frr_bgp_neighbor_cfg){
		.addr = p->neighbor,
		.remote_as = VPNHA_INT(ctx, P_REMOTE_AS),
		.update_source = VPNHA_GIVEN(ctx, P_UPDATE_SOURCE) ? VPNHA_STR(ctx, P_UPDATE_SOURCE) : NULL,
		.timers = VPNHA_GIVEN(ctx, P_KEEPALIVE),
		.keepalive = VPNHA_INT(ctx, P_KEEPALIVE),
		.holdtime = VPNHA_INT(ctx, P_HOLDTIME),
		.connect_timer_set = VPNHA_GIVEN(ctx, P_CONNECT_TIMER),
		.connect_timer = VPNHA_INT(ctx, P_CONNECT_TIMER),
		.bfd = VPNHA_BOOL(ctx, P_BFD),
		.bfd_profile = VPNHA_GIVEN(ctx, P_BFD_PROFILE) ? VPNHA_STR(ctx, P_BFD_PROFILE) : NULL,
		.password = pw ? pw->data : NULL,
		.next_hop_self = VPNHA_BOOL(ctx, P_NEXT_HOP_SELF),
	};
	for (size_t i = 0; i < afs->n_items; i++)
		n->af[vpnha_frr_af_parse(afs->items[i].str)] = true;
}

/* What bgpd's view of the neighbor (lib/frr-peer.h) means: bgpd or the
 * neighbor gone or shut down is "not running" (7); removed behind the
 * resource's back or bgpd not answering as it should, a failure (1). */
static const enum vpnha_rc verdict_rc[VPNHA_FRR_PEER_VERDICTS] = {
	[VPNHA_FRR_PEER_UP] = VPNHA_RC_OK,
	[VPNHA_FRR_PEER_BGPD_GONE] = VPNHA_RC_NOT_RUNNING,
	[VPNHA_FRR_PEER_BGPD_ERROR] = VPNHA_RC_ERROR,
	[VPNHA_FRR_PEER_ABSENT] = VPNHA_RC_NOT_RUNNING,
	[VPNHA_FRR_PEER_REMOVED] = VPNHA_RC_ERROR,
	[VPNHA_FRR_PEER_ADMIN_DOWN] = VPNHA_RC_NOT_RUNNING,
};

/* An UP neighbor by require_established, established_grace and (at
 * OCF_CHECK_LEVEL 10) min_prefixes: a failure only past the grace. */
static enum vpnha_rc monitor_health(struct vpnha_ctx *ctx, const struct vpnha_frr_peer *p,
				    const struct vpnha_frr_neighbor *nb, const char *w)
{
	const struct vpnha_frr_peer_policy pol = {
		.require_established = VPNHA_BOOL(ctx, P_REQUIRE_ESTABLISHED),
		.grace_ms = VPNHA_MS(ctx, P_ESTABLISHED_GRACE),
		.min_prefixes = (uint64_t)VPNHA_INT(ctx, P_MIN_PREFIXES),
		.deep = ctx->check_level >= 10,
	};
	uint64_t down_ms;

	switch (vpnha_frr_peer_health(&pol, p->started_ms, nb, vpnha_now_ms(), &down_ms)) {
	case VPNHA_FRR_HEALTH_DOWN_TOLERATED:
		if (ctx->check_level >= 10)
			vpnha_log_info("%s is %s (not failing: require_established=false)", w, nb->state_str);
		break;
	case VPNHA_FRR_HEALTH_DOWN_GRACE:
		vpnha_log_info("%s is %s, within established_grace", w, nb->state_str);
		break;
	case VPNHA_FRR_HEALTH_DOWN_FAILED:
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s is %s, not Established for %" PRIu64 " s%s%s", w, nb->state_str,
				  down_ms / 1000, *nb->last_reset ? " (last reset: " : "", *nb->last_reset ? nb->last_reset : "");
	case VPNHA_FRR_HEALTH_PREFIXES_GRACE:
		vpnha_log_info("%s: %" PRIu64 " prefixes, within established_grace", w, nb->accepted_total);
		break;
	case VPNHA_FRR_HEALTH_PREFIXES_FAILED:
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s accepted %" PRIu64 " prefixes, fewer than min_prefixes=%" PRId64,
				  w, nb->accepted_total, VPNHA_INT(ctx, P_MIN_PREFIXES));
	case VPNHA_FRR_HEALTH_OK:
		break;
	}
	return VPNHA_RC_OK;
}

/* ---------------------------------------------------------------- actions */

static enum vpnha_rc bgp_start(struct vpnha_ctx *ctx)
{
	_vpnha_auto_secret struct vpnha_secret pw = VPNHA_SECRET_INIT;
	struct vpnha_frr_bgp_neighbor_cfg n;
	struct vpnha_frr_peer_start s = { .remote_as = -1, .wait_established = VPNHA_BOOL(ctx, P_WAIT_ESTABLISHED) };
	struct vpnha_frr_peer p, old;
	struct vpnha_frr_peer_err e = { 0 };
	enum vpnha_rc rc;

	peer_from_params(ctx, &p);
	/* everything local is checked before bgpd hears anything */
	if (p.manage == VPNHA_FRR_PEER_CONFIGURE && (rc = password_read(ctx, &pw)) != VPNHA_RC_OK)
		return rc;
	if (vpnha_frr_peer_load(AGENT, ctx->instance, &old) == 0 && old.manage == VPNHA_FRR_PEER_CONFIGURE &&
	    old.added) {
		if (strcmp(old.neighbor, p.neighbor) || strcmp(old.vrf, p.vrf) || old.local_as != p.local_as)
			return vpnha_fail(ctx, VPNHA_RC_ERROR,
					  "this resource still owns neighbor %s (vrf '%s', AS %" PRId64
					  "); stop it before changing neighbor, vrf or local_as",
					  old.neighbor, old.vrf, old.local_as);
		s.ours = true;
		p.started_ms = old.started_ms;
	}
	if (p.manage == VPNHA_FRR_PEER_SHUTDOWN && VPNHA_GIVEN(ctx, P_REMOTE_AS))
		s.remote_as = VPNHA_INT(ctx, P_REMOTE_AS);
	if (p.manage == VPNHA_FRR_PEER_CONFIGURE) {
		neighbor_cfg(ctx, &p, &pw, &n);
		s.cfg = &n;
	}
	if (vpnha_frr_peer_start(AGENT, ctx->instance, &p, &s, ctx->deadline, &e) < 0)
		return peer_fail(ctx, &e);
	return VPNHA_RC_OK;
}

static enum vpnha_rc bgp_stop(struct vpnha_ctx *ctx)
{
	struct vpnha_frr_peer_err e = { 0 };
	struct vpnha_frr_peer p;
	int r;

	r = vpnha_frr_peer_load(AGENT, ctx->instance, &p);
	if (r == -EBADMSG) {
		vpnha_log_warn("state file is unreadable; using the parameters");
		vpnha_state_remove(AGENT, ctx->instance, VPNHA_FRR_PEER_KEY);
	} else if (r < 0 && r != -ENOENT) {
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the state file: %s", strerror(-r));
	}
	if (r != 0) {
		if (!ctx->params_ok)
			return VPNHA_RC_OK; /* nothing recorded, nothing we can name: nothing of ours */
		peer_from_params(ctx, &p);
		if (p.manage == VPNHA_FRR_PEER_CONFIGURE)
			return VPNHA_RC_OK; /* we added nothing: touch nothing */
	}
	/* shut the neighbor down (and remove it if we added it); bgpd gone: done */
	if (vpnha_frr_peer_stop(AGENT, ctx->instance, &p, ctx->deadline, &e) < 0)
		return peer_fail(ctx, &e);
	return VPNHA_RC_OK;
}

static enum vpnha_rc bgp_monitor(struct vpnha_ctx *ctx)
{
	enum vpnha_frr_peer_verdict vd;
	struct vpnha_frr_neighbor nb;
	struct vpnha_frr_peer_err e = { 0 };
	struct vpnha_frr_peer p, st;
	bool have_state;
	char w[128];

	peer_from_params(ctx, &p);
	vpnha_frr_peer_where(&p, w, sizeof(w));
	have_state = vpnha_frr_peer_load(AGENT, ctx->instance, &st) == 0;
	if (p.manage == VPNHA_FRR_PEER_CONFIGURE && !have_state)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "%s is not configured by this resource", w);
	if (have_state)
		p.started_ms = st.started_ms;
	vd = vpnha_frr_peer_assess(&p, ctx->probe, have_state, ctx->deadline, &nb, &e);
	if (vd == VPNHA_FRR_PEER_BGPD_ERROR)
		return peer_fail(ctx, &e);
	if (vd != VPNHA_FRR_PEER_UP)
		return vpnha_fail(ctx, verdict_rc[vd], "%s", e.why);
	return monitor_health(ctx, &p, &nb, w);
}

static enum vpnha_rc bgp_reload(struct vpnha_ctx *ctx)
{
	struct vpnha_frr_bgp_neighbor_cfg n;
	struct vpnha_frr_peer_err e = { 0 };
	struct vpnha_frr_peer p, st;

	peer_from_params(ctx, &p);
	/* in shutdown mode the neighbor's settings belong to frr.conf */
	if (p.manage != VPNHA_FRR_PEER_CONFIGURE || vpnha_frr_peer_load(AGENT, ctx->instance, &st) < 0 || !st.added)
		return VPNHA_RC_OK;
	neighbor_cfg(ctx, &p, NULL, &n);
	if (vpnha_frr_peer_retune(&p, &n, ctx->deadline, &e) < 0)
		return peer_fail(ctx, &e);
	return VPNHA_RC_OK;
}

/* Cross-parameter checks: every value that reaches the vty is checked here. */
static enum vpnha_rc bgp_validate_params(struct vpnha_ctx *ctx)
{
	static const size_t configure_only[] = { P_UPDATE_SOURCE, P_KEEPALIVE, P_HOLDTIME,
						 P_CONNECT_TIMER, P_PASSWORD_FILE };
	int manage = (int)VPNHA_PARAM(ctx, P_MANAGE)->v.i;
	const struct vpnha_addr *nbr = VPNHA_ADDR(ctx, P_NEIGHBOR);
	struct vpnha_addr us;
	size_t i;

	if (manage == VPNHA_FRR_PEER_CONFIGURE && !VPNHA_GIVEN(ctx, P_REMOTE_AS))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_as' is required with manage=configure");
	if (manage == VPNHA_FRR_PEER_SHUTDOWN) {
		for (i = 0; i < VPNHA_ARRAY_SIZE(configure_only); i++)
			if (VPNHA_GIVEN(ctx, configure_only[i]))
				return vpnha_fail(ctx, VPNHA_RC_CONFIG,
						  "parameter '%s' applies to manage=configure only (with manage=shutdown "
						  "the neighbor's settings come from frr.conf)",
						  params[configure_only[i]].name);
		if (VPNHA_BOOL(ctx, P_BFD) || VPNHA_GIVEN(ctx, P_BFD_PROFILE))
			return vpnha_fail(ctx, VPNHA_RC_CONFIG,
					  "parameter '%s' applies to manage=configure only",
					  VPNHA_BOOL(ctx, P_BFD) ? "bfd" : "bfd_profile");
	}
	if (VPNHA_GIVEN(ctx, P_KEEPALIVE) != VPNHA_GIVEN(ctx, P_HOLDTIME))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameters 'keepalive' and 'holdtime' go together");
	if (VPNHA_GIVEN(ctx, P_HOLDTIME)) {
		int64_t ka = VPNHA_INT(ctx, P_KEEPALIVE), hold = VPNHA_INT(ctx, P_HOLDTIME);

		if (hold != 0 && hold < 3)
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'holdtime': must be 0 or at least 3");
		if (hold != 0 && ka > hold)
			return vpnha_fail(ctx, VPNHA_RC_CONFIG,
					  "parameter 'keepalive': must not exceed holdtime (%" PRId64 ")", hold);
	}
	if (VPNHA_GIVEN(ctx, P_UPDATE_SOURCE) &&
	    vpnha_parse_addr(VPNHA_STR(ctx, P_UPDATE_SOURCE), 0, &us, NULL, 0) == 0 &&
	    us.family != nbr->family)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG,
				  "parameter 'update_source': address family differs from the neighbor's");
	if (VPNHA_PARAM(ctx, P_ADDRESS_FAMILIES)->n_items == 0)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'address_families': empty");
	return VPNHA_RC_OK;
}

/* validate-all at OCF_CHECK_LEVEL >= 10: the password file, bgpd answering. */
static enum vpnha_rc bgp_validate_host(struct vpnha_ctx *ctx)
{
	_vpnha_auto_secret struct vpnha_secret pw = VPNHA_SECRET_INIT;
	struct vpnha_frr_peer_err e = { 0 };
	struct vpnha_frr_peer p;
	enum vpnha_rc rc;

	peer_from_params(ctx, &p);
	rc = password_read(ctx, &pw);
	if (rc != VPNHA_RC_OK)
		return rc;
	if (vpnha_frr_peer_instance_check(&p, ctx->deadline, &e) < 0)
		return peer_fail(ctx, &e);
	return VPNHA_RC_OK;
}

static const struct vpnha_action actions[] = {
	{ "start", bgp_start },
	{ "stop", bgp_stop },
	{ "monitor", bgp_monitor },
	{ "reload-agent", bgp_reload },
};

const struct vpnha_agent vpnha_agent_def = {
	.name = AGENT,
	.metadata = vpnha_metadata_xml,
	.params = params,
	.n_params = VPNHA_ARRAY_SIZE(params),
	.actions = actions,
	.n_actions = VPNHA_ARRAY_SIZE(actions),
	.validate_host = bgp_validate_host,
	.validate_params = bgp_validate_params,
};
