/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ocf:vpnha:bgp-peer: one BGP neighbor in FRR's bgpd, driven over bgpd's vty
 * unix socket (no vtysh, no shell; monitor never forks).
 *
 * manage=configure: start adds the neighbor under `router bgp <local_as>`
 * and records ownership in a state file; stop shuts it down (the peer gets a
 * CEASE and withdraws at once), then removes it, only if we added it.
 * manage=shutdown: the neighbor lives in frr.conf; start/stop toggle
 * `neighbor X shutdown`.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frr.h"
#include "log.h"
#include "records.h"
#include "runstate.h"
#include "secret.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "bgp-peer"
#define STATE_KEY "state"
#define PASSWORD_MAX 80 /* TCP_MD5SIG_MAXKEYLEN */
#define VRF_NAME_MAX 36 /* FRR's VRF_NAMSIZ */

static const char *const manage_modes[] = { "configure", "shutdown", NULL };
enum { MANAGE_CONFIGURE = 0, MANAGE_SHUTDOWN = 1 };

/* VRF and BFD profile names: one word of [A-Za-z0-9_.-], at most 36 characters. */
static int validate_name(const struct vpnha_val *v, char *why, size_t whylen)
{
	if (strlen(v->str) > VRF_NAME_MAX) {
		snprintf(why, whylen, "longer than %d characters", VRF_NAME_MAX);
		return -EINVAL;
	}
	return vpnha_validate_name(v, why, whylen);
}

static int validate_update_source(const struct vpnha_val *v, char *why, size_t whylen)
{
	struct vpnha_addr a;

	if (vpnha_parse_addr(v->str, 0, &a, NULL, 0) == 0)
		return vpnha_addr_unicast_check(&a, 0, why, whylen);
	if (vpnha_parse_ifname(v->str, NULL, 0) == 0)
		return 0;
	snprintf(why, whylen, "'%.40s' is neither an IP address nor an interface name", v->str);
	return -EINVAL;
}

static int validate_af(const struct vpnha_val *v, char *why, size_t whylen)
{
	if (vpnha_frr_af_parse(v->str) >= 0)
		return 0;
	snprintf(why, whylen, "unknown address family '%.40s' (ipv4-unicast, ipv6-unicast)", v->str);
	return -EINVAL;
}

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
	[P_MANAGE] = { "manage", VPNHA_PT_SELECT, "configure", 0, 0, 0, manage_modes, NULL },
	[P_VRF] = { "vrf", VPNHA_PT_STRING, NULL, 0, 0, 0, NULL, validate_name },
	[P_UPDATE_SOURCE] = { "update_source", VPNHA_PT_STRING, NULL, 0, 0, 64, NULL, validate_update_source },
	[P_NEXT_HOP_SELF] = { "next_hop_self", VPNHA_PT_BOOL, "true", 0, 0, 0, NULL, NULL },
	[P_ADDRESS_FAMILIES] = { "address_families", VPNHA_PT_STRING, "ipv4-unicast", VPNHA_PF_LIST, 0, 64, NULL, validate_af },
	[P_KEEPALIVE] = { "keepalive", VPNHA_PT_INT, NULL, VPNHA_PF_RELOADABLE, 0, 65535, NULL, NULL },
	[P_HOLDTIME] = { "holdtime", VPNHA_PT_INT, NULL, VPNHA_PF_RELOADABLE, 0, 65535, NULL, NULL },
	[P_CONNECT_TIMER] = { "connect_timer", VPNHA_PT_INT, NULL, VPNHA_PF_RELOADABLE, 1, 65535, NULL, NULL },
	[P_BFD] = { "bfd", VPNHA_PT_BOOL, "false", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_BFD_PROFILE] = { "bfd_profile", VPNHA_PT_STRING, NULL, VPNHA_PF_RELOADABLE, 0, 0, NULL, validate_name },
	[P_PASSWORD_FILE] = { "password_file", VPNHA_PT_PATH, NULL, 0, 0, 0, NULL, NULL },
	[P_MIN_PREFIXES] = { "min_prefixes", VPNHA_PT_INT, "0", VPNHA_PF_RELOADABLE, 0, INT64_C(4294967295), NULL, NULL },
	[P_REQUIRE_ESTABLISHED] = { "require_established", VPNHA_PT_BOOL, "false", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_ESTABLISHED_GRACE] = { "established_grace", VPNHA_PT_DURATION, "60s", VPNHA_PF_RELOADABLE, 0, INT64_C(86400000), NULL,
				  NULL },
	[P_WAIT_ESTABLISHED] = { "wait_established", VPNHA_PT_BOOL, "false", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_VTY_SOCKET_DIR] = { "vty_socket_dir", VPNHA_PT_PATH, VPNHA_FRR_VTY_DIR_DEFAULT, 0, 0, 0, NULL, NULL },
};
_Static_assert(sizeof(params) / sizeof(params[0]) == P_COUNT, "one enum entry per parameter");

/* What an instance works on: from the parameters, or from the state file at stop. */
struct peer {
	char neighbor[INET6_ADDRSTRLEN];
	char vrf[VRF_NAME_MAX + 1];       /* "" = default instance */
	int64_t local_as;
	int manage;
	char vty_dir[256];
	bool added;                       /* configure mode: we added the neighbor */
	uint64_t started_ms;              /* CLOCK_MONOTONIC at start */
};

static bool vrf_is_default(const char *vrf)
{
	return !*vrf || !strcmp(vrf, "default");
}

static void peer_from_params(struct vpnha_ctx *ctx, struct peer *p)
{
	const char *vrf = VPNHA_STR(ctx, P_VRF);

	memset(p, 0, sizeof(*p));
	vpnha_addr_str(VPNHA_ADDR(ctx, P_NEIGHBOR), p->neighbor, sizeof(p->neighbor));
	snprintf(p->vrf, sizeof(p->vrf), "%s", vrf && !vrf_is_default(vrf) ? vrf : "");
	p->local_as = VPNHA_INT(ctx, P_LOCAL_AS);
	p->manage = (int)VPNHA_PARAM(ctx, P_MANAGE)->v.i;
	snprintf(p->vty_dir, sizeof(p->vty_dir), "%s", VPNHA_STR(ctx, P_VTY_SOCKET_DIR));
}

/* ---- the state file: ownership and start time ---- */

static int state_save(struct vpnha_ctx *ctx, const struct peer *p)
{
	struct vpnha_rec_bgp_state r = { .added = p->added, .local_as = p->local_as, .started_ms = p->started_ms };

	snprintf(r.manage, sizeof(r.manage), "%s", manage_modes[p->manage]);
	snprintf(r.neighbor, sizeof(r.neighbor), "%s", p->neighbor);
	snprintf(r.vrf, sizeof(r.vrf), "%s", p->vrf);
	snprintf(r.vty_socket_dir, sizeof(r.vty_socket_dir), "%s", p->vty_dir);
	return vpnha_record_write(VPNHA_REC_BGP_STATE, AGENT, ctx->instance, STATE_KEY, &r);
}

/*
 * Read the state record (lib/records.h, VPNHA_REC_BGP_STATE, strict: it
 * feeds the vty at stop) and check the mode and the VRF name. -ENOENT when
 * absent, -EBADMSG when unusable.
 */
static int state_load(struct vpnha_ctx *ctx, struct peer *p)
{
	struct vpnha_rec_bgp_state r;
	struct vpnha_val vv = { 0 };
	char why[128];
	int64_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = vpnha_record_read(VPNHA_REC_BGP_STATE, AGENT, ctx->instance, STATE_KEY, &r);
	if (rc < 0)
		return rc;
	vv.str = r.vrf;
	if (vpnha_parse_select(r.manage, manage_modes, &i, NULL, 0) < 0 || validate_name(&vv, why, sizeof(why)) < 0 ||
	    strlen(r.vrf) >= sizeof(p->vrf) || strlen(r.neighbor) >= sizeof(p->neighbor) ||
	    strlen(r.vty_socket_dir) >= sizeof(p->vty_dir))
		return -EBADMSG;
	p->manage = (int)i;
	p->added = r.added;
	memcpy(p->neighbor, r.neighbor, strlen(r.neighbor) + 1);
	memcpy(p->vrf, r.vrf, strlen(r.vrf) + 1);
	p->local_as = r.local_as;
	memcpy(p->vty_dir, r.vty_socket_dir, strlen(r.vty_socket_dir) + 1);
	p->started_ms = r.started_ms;
	return 0;
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

/* ---- talking to bgpd ---- */

static int vty_open(struct vpnha_ctx *ctx, const struct peer *p, struct vpnha_frr_vty **v)
{
	int r = vpnha_frr_vty_connect(v, p->vty_dir, "bgpd", ctx->deadline);

	if (r < 0)
		vpnha_log_debug("bgpd vty %s/bgpd.vty: %s", p->vty_dir, strerror(-r));
	return r;
}

static struct vpnha_frr_bgp_instance instance(const struct peer *p)
{
	return (struct vpnha_frr_bgp_instance){ p->local_as, p->vrf };
}

static int neighbor_query(struct vpnha_frr_vty *v, const struct peer *p, struct vpnha_frr_neighbor *nb)
{
	return vpnha_frr_bgp_neighbor_query(v, p->vrf, p->neighbor, nb);
}

static const char *where(const struct peer *p, char *buf, size_t len)
{
	if (*p->vrf)
		snprintf(buf, len, "neighbor %s (vrf %s)", p->neighbor, p->vrf);
	else
		snprintf(buf, len, "neighbor %s", p->neighbor);
	return buf;
}

static enum vpnha_rc transport_fail(struct vpnha_ctx *ctx, const struct peer *p, int r)
{
	if (vpnha_frr_vty_gone(r))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "bgpd is not running (no answer on %s/bgpd.vty: %s)",
				  p->vty_dir, strerror(-r));
	return vpnha_fail(ctx, r == -ETIMEDOUT ? VPNHA_RC_TIMEOUT : VPNHA_RC_ERROR,
			  "bgpd: %s (on %s/bgpd.vty)", strerror(-r), p->vty_dir);
}

/* A configuration sequence failed: one exit reason. */
static enum vpnha_rc config_fail(struct vpnha_ctx *ctx, const struct vpnha_frr_cfg_error *e)
{
	enum vpnha_rc rc = e->err == -ETIMEDOUT ? VPNHA_RC_TIMEOUT : VPNHA_RC_ERROR;

	if (e->stage == VPNHA_FRR_CFG_TOO_LONG)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "internal error: command too long");
	if (e->stage == VPNHA_FRR_CFG_ENTER && e->err == -EACCES)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "bgpd refused configuration mode");
	if (e->stage == VPNHA_FRR_CFG_ENTER)
		return vpnha_fail(ctx, rc, "bgpd: cannot enter configuration mode: %s", strerror(-e->err));
	if (e->err != -EREMOTEIO)
		return vpnha_fail(ctx, rc, "bgpd: %s while sending a command: %s",
				  e->secret ? "the password command failed" : "error", strerror(-e->err));
	if (e->secret)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "bgpd refused the neighbor password (%s)",
				  vpnha_frr_cmd_status_str(e->status));
	return vpnha_fail(ctx, VPNHA_RC_ERROR, "bgpd refused '%s': %s (%s)", e->cmd, e->reply,
			  vpnha_frr_cmd_status_str(e->status));
}

/* The neighbor's settings from the parameters (pw: the password, or NULL). */
static void neighbor_cfg(struct vpnha_ctx *ctx, const struct peer *p, const struct vpnha_secret *pw,
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

static enum vpnha_rc wait_established(struct vpnha_ctx *ctx, struct vpnha_frr_vty *v, const struct peer *p)
{
	struct vpnha_frr_neighbor nb;
	char w[128];
	int r;

	for (;;) {
		r = neighbor_query(v, p, &nb);
		if (r < 0)
			return transport_fail(ctx, p, r);
		if (nb.state == VPNHA_FRR_BGP_ESTABLISHED) {
			vpnha_log_info("%s Established", where(p, w, sizeof(w)));
			return VPNHA_RC_OK;
		}
		if (!vpnha_sleep_ms(ctx, 100))
			return vpnha_fail(ctx, VPNHA_RC_TIMEOUT, "%s not Established before the timeout (state %s)",
					  where(p, w, sizeof(w)), nb.state_str);
	}
}

/* ---- the actions' steps ---- */

/* manage=shutdown: the neighbor from frr.conf (found: r == 0), brought up. */
static enum vpnha_rc start_shutdown_mode(struct vpnha_ctx *ctx, struct vpnha_frr_vty *v, struct peer *p, int r,
					 const struct vpnha_frr_neighbor *nb, const char *w)
{
	const struct vpnha_frr_bgp_instance bgp = instance(p);
	struct vpnha_frr_cfg_error e;

	if (r == -ENOENT)
		return vpnha_fail(ctx, VPNHA_RC_ERROR,
				  "%s is not configured in bgpd (manage=shutdown needs it in frr.conf)", w);
	if (VPNHA_GIVEN(ctx, P_REMOTE_AS) && nb->remote_as != VPNHA_INT(ctx, P_REMOTE_AS))
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s has remote-as %" PRId64 " in bgpd, not %" PRId64,
				  w, nb->remote_as, VPNHA_INT(ctx, P_REMOTE_AS));
	if (vpnha_frr_bgp_neighbor_up(v, &bgp, p->neighbor, &e) < 0)
		return config_fail(ctx, &e);
	if (!p->started_ms || nb->admin_down)
		p->started_ms = vpnha_now_ms();
	return VPNHA_RC_OK;
}

/* manage=configure: add the neighbor (found: already there; ours: by us). */
static enum vpnha_rc start_configure_mode(struct vpnha_ctx *ctx, struct vpnha_frr_vty *v, struct peer *p,
					  bool found, bool ours, const struct vpnha_secret *pw, const char *w)
{
	const struct vpnha_frr_bgp_instance bgp = instance(p);
	struct vpnha_frr_bgp_neighbor_cfg n;
	struct vpnha_frr_cfg_error e;
	int r;

	if (found && !ours)
		return vpnha_fail(ctx, VPNHA_RC_ERROR,
				  "%s is already configured in bgpd, not by this resource; refusing to take "
				  "it over (use manage=shutdown for a neighbor from frr.conf)",
				  w);
	if (!ours || !found)
		p->started_ms = vpnha_now_ms();
	/* record ownership before adding, so stop can always clean up */
	p->added = true;
	r = state_save(ctx, p);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the state file: %s", strerror(-r));
	neighbor_cfg(ctx, p, pw, &n);
	if (vpnha_frr_bgp_neighbor_configure(v, &bgp, &n, &e) < 0)
		return config_fail(ctx, &e);
	return VPNHA_RC_OK;
}

/* After configuration: record, check the neighbor is up, optionally wait for Established. */
static enum vpnha_rc start_finish(struct vpnha_ctx *ctx, struct vpnha_frr_vty *v, const struct peer *p,
				  const char *w)
{
	struct vpnha_frr_neighbor nb;
	int r;

	r = state_save(ctx, p);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the state file: %s", strerror(-r));
	r = neighbor_query(v, p, &nb);
	if (r == -ENOENT)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s is missing after configuration", w);
	if (r < 0)
		return transport_fail(ctx, p, r);
	if (nb.admin_down)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s is still administratively down", w);
	vpnha_log_info("%s configured (%s), state %s", w, manage_modes[p->manage], nb.state_str);
	if (VPNHA_BOOL(ctx, P_WAIT_ESTABLISHED))
		return wait_established(ctx, v, p);
	return VPNHA_RC_OK;
}

/* Shut the neighbor down (and remove it if we added it); bgpd gone: done. */
static enum vpnha_rc stop_peer(struct vpnha_ctx *ctx, const struct peer *p, const char *w)
{
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	const struct vpnha_frr_bgp_instance bgp = instance(p);
	bool remove = p->manage == MANAGE_CONFIGURE && p->added;
	struct vpnha_frr_neighbor nb;
	struct vpnha_frr_cfg_error e;
	int r;

	r = vty_open(ctx, p, &v);
	if (vpnha_frr_vty_gone(r)) {
		/* bgpd is gone and its runtime configuration with it */
		vpnha_log_info("bgpd is not running: %s is down", w);
		vpnha_state_remove(AGENT, ctx->instance, STATE_KEY);
		return VPNHA_RC_OK;
	}
	if (r < 0)
		return transport_fail(ctx, p, r);
	r = neighbor_query(v, p, &nb);
	if (r == -ENOENT || r == -ENODEV) {
		vpnha_log_info("%s is not configured: already stopped", w);
		vpnha_state_remove(AGENT, ctx->instance, STATE_KEY);
		return VPNHA_RC_OK;
	}
	if (r < 0)
		return transport_fail(ctx, p, r);
	if (vpnha_frr_bgp_neighbor_down(v, &bgp, p->neighbor, nb.admin_down, remove, &e) < 0)
		return config_fail(ctx, &e);
	r = neighbor_query(v, p, &nb);
	if (remove && r == 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s is still configured after removal", w);
	if (!remove && r == 0 && !nb.admin_down)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s is not administratively down after shutdown", w);
	if (r < 0 && r != -ENOENT)
		return transport_fail(ctx, p, r);
	vpnha_state_remove(AGENT, ctx->instance, STATE_KEY);
	vpnha_log_info("%s %s", w, p->manage == MANAGE_CONFIGURE ? "shut down and removed" : "shut down");
	return VPNHA_RC_OK;
}

/* Not Established: a failure once down for established_grace (require_established). */
static enum vpnha_rc monitor_not_established(struct vpnha_ctx *ctx, const struct peer *p,
					     const struct vpnha_frr_neighbor *nb, const char *w)
{
	uint64_t down_ms;

	if (!VPNHA_BOOL(ctx, P_REQUIRE_ESTABLISHED)) {
		if (ctx->check_level >= 10)
			vpnha_log_info("%s is %s (not failing: require_established=false)", w, nb->state_str);
		return VPNHA_RC_OK;
	}
	/* how long has it been down: since our start, or since its last reset */
	down_ms = p->started_ms && vpnha_now_ms() > p->started_ms ? vpnha_now_ms() - p->started_ms : UINT64_MAX;
	if (nb->has_last_reset && nb->last_reset_ms < down_ms)
		down_ms = nb->last_reset_ms;
	if (down_ms == UINT64_MAX || down_ms < VPNHA_MS(ctx, P_ESTABLISHED_GRACE)) {
		vpnha_log_info("%s is %s, within established_grace", w, nb->state_str);
		return VPNHA_RC_OK;
	}
	return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s is %s, not Established for %" PRIu64 " s%s%s", w, nb->state_str,
			  down_ms / 1000, *nb->last_reset ? " (last reset: " : "", *nb->last_reset ? nb->last_reset : "");
}

/* Established: at OCF_CHECK_LEVEL 10, min_prefixes once past established_grace. */
static enum vpnha_rc monitor_established(struct vpnha_ctx *ctx, const struct vpnha_frr_neighbor *nb, const char *w)
{
	if (ctx->check_level < 10 || nb->accepted_total >= (uint64_t)VPNHA_INT(ctx, P_MIN_PREFIXES))
		return VPNHA_RC_OK;
	if (nb->up_ms < VPNHA_MS(ctx, P_ESTABLISHED_GRACE)) {
		vpnha_log_info("%s: %" PRIu64 " prefixes, within established_grace", w, nb->accepted_total);
		return VPNHA_RC_OK;
	}
	return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s accepted %" PRIu64 " prefixes, fewer than min_prefixes=%" PRId64,
			  w, nb->accepted_total, VPNHA_INT(ctx, P_MIN_PREFIXES));
}

/* ---------------------------------------------------------------- actions */

static enum vpnha_rc bgp_start(struct vpnha_ctx *ctx)
{
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	_vpnha_auto_secret struct vpnha_secret pw = VPNHA_SECRET_INIT;
	struct vpnha_frr_neighbor nb;
	struct peer p, old;
	enum vpnha_rc rc;
	bool ours = false;
	char w[128];
	int r;

	peer_from_params(ctx, &p);
	where(&p, w, sizeof(w));
	/* everything local is checked before bgpd hears anything */
	if (p.manage == MANAGE_CONFIGURE && (rc = password_read(ctx, &pw)) != VPNHA_RC_OK)
		return rc;
	r = state_load(ctx, &old);
	if (r == 0 && old.manage == MANAGE_CONFIGURE && old.added) {
		if (strcmp(old.neighbor, p.neighbor) || strcmp(old.vrf, p.vrf) || old.local_as != p.local_as)
			return vpnha_fail(ctx, VPNHA_RC_ERROR,
					  "this resource still owns neighbor %s (vrf '%s', AS %" PRId64
					  "); stop it before changing neighbor, vrf or local_as",
					  old.neighbor, old.vrf, old.local_as);
		ours = true;
		p.started_ms = old.started_ms;
	}
	r = vty_open(ctx, &p, &v);
	if (r < 0)
		return transport_fail(ctx, &p, r);
	r = vpnha_frr_bgp_instance_query(v, p.vrf);
	if (r == -ENOENT)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "bgpd has no BGP instance%s%s (router bgp %" PRId64
				  " is not configured)", *p.vrf ? " for vrf " : "", p.vrf, p.local_as);
	if (r < 0)
		return transport_fail(ctx, &p, r);
	r = neighbor_query(v, &p, &nb);
	if (r < 0 && r != -ENOENT)
		return transport_fail(ctx, &p, r);
	if (p.manage == MANAGE_SHUTDOWN)
		rc = start_shutdown_mode(ctx, v, &p, r, &nb, w);
	else
		rc = start_configure_mode(ctx, v, &p, r == 0, ours, &pw, w);
	if (rc != VPNHA_RC_OK)
		return rc;
	return start_finish(ctx, v, &p, w);
}

static enum vpnha_rc bgp_stop(struct vpnha_ctx *ctx)
{
	struct peer p;
	char w[128];
	int r;

	r = state_load(ctx, &p);
	if (r == -EBADMSG) {
		vpnha_log_warn("state file is unreadable; using the parameters");
		vpnha_state_remove(AGENT, ctx->instance, STATE_KEY);
	} else if (r < 0 && r != -ENOENT) {
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the state file: %s", strerror(-r));
	}
	if (r != 0) {
		if (!ctx->params_ok)
			return VPNHA_RC_OK; /* nothing recorded, nothing we can name: nothing of ours */
		peer_from_params(ctx, &p);
		if (p.manage == MANAGE_CONFIGURE)
			return VPNHA_RC_OK; /* we added nothing: touch nothing */
	}
	where(&p, w, sizeof(w));
	return stop_peer(ctx, &p, w);
}

static enum vpnha_rc bgp_monitor(struct vpnha_ctx *ctx)
{
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	struct vpnha_frr_neighbor nb;
	struct peer p, st;
	bool have_state;
	char w[128];
	int r;

	peer_from_params(ctx, &p);
	where(&p, w, sizeof(w));
	have_state = state_load(ctx, &st) == 0;
	if (p.manage == MANAGE_CONFIGURE && !have_state)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "%s is not configured by this resource", w);
	if (have_state)
		p.started_ms = st.started_ms;

	r = vty_open(ctx, &p, &v);
	if (vpnha_frr_vty_gone(r) || (r < 0 && ctx->probe))
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "bgpd is not running (%s/bgpd.vty: %s)", p.vty_dir,
				  strerror(-r));
	if (r < 0)
		return transport_fail(ctx, &p, r);
	r = neighbor_query(v, &p, &nb);
	if (r == -ENOENT || r == -ENODEV) {
		if (ctx->probe || !have_state)
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "%s is not configured in bgpd", w);
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s was removed from bgpd behind this resource's back", w);
	}
	if (r < 0) {
		if (ctx->probe && vpnha_frr_vty_gone(r))
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "bgpd went away");
		return transport_fail(ctx, &p, r);
	}
	if (nb.admin_down)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "%s is administratively down", w);
	vpnha_log_debug("%s: %s, up %" PRIu64 " ms, %" PRIu64 " prefixes accepted%s%s", w, nb.state_str,
			nb.up_ms, nb.accepted_total, nb.bfd ? ", BFD " : "", nb.bfd ? nb.bfd_status : "");
	if (nb.state != VPNHA_FRR_BGP_ESTABLISHED)
		return monitor_not_established(ctx, &p, &nb, w);
	return monitor_established(ctx, &nb, w);
}

static enum vpnha_rc bgp_reload(struct vpnha_ctx *ctx)
{
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	struct vpnha_frr_bgp_instance bgp;
	struct vpnha_frr_bgp_neighbor_cfg n;
	struct vpnha_frr_cfg_error e;
	struct peer p, st;
	int r;

	peer_from_params(ctx, &p);
	/* in shutdown mode the neighbor's settings belong to frr.conf */
	if (p.manage != MANAGE_CONFIGURE || state_load(ctx, &st) < 0 || !st.added)
		return VPNHA_RC_OK;
	r = vty_open(ctx, &p, &v);
	if (r < 0)
		return transport_fail(ctx, &p, r);
	bgp = instance(&p);
	neighbor_cfg(ctx, &p, NULL, &n);
	if (vpnha_frr_bgp_neighbor_retune(v, &bgp, &n, &e) < 0)
		return config_fail(ctx, &e);
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

	if (manage == MANAGE_CONFIGURE && !VPNHA_GIVEN(ctx, P_REMOTE_AS))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_as' is required with manage=configure");
	if (manage == MANAGE_SHUTDOWN) {
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
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	_vpnha_auto_secret struct vpnha_secret pw = VPNHA_SECRET_INIT;
	enum vpnha_rc rc;
	struct peer p;
	int r;

	peer_from_params(ctx, &p);
	rc = password_read(ctx, &pw);
	if (rc != VPNHA_RC_OK)
		return rc;
	r = vty_open(ctx, &p, &v);
	if (r < 0)
		return transport_fail(ctx, &p, r);
	r = vpnha_frr_bgp_instance_query(v, p.vrf);
	if (r == -ENOENT)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "bgpd has no BGP instance%s%s", *p.vrf ? " for vrf " : "",
				  p.vrf);
	if (r < 0)
		return transport_fail(ctx, &p, r);
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
