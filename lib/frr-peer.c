/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One BGP neighbor in bgpd as a resource keeps it; see frr-peer.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frr-peer.h"
#include "log.h"
#include "records.h"
#include "runstate.h"
#include "util.h"
#include "vpnha.h"

const char *const vpnha_frr_peer_modes[3] = { "configure", "shutdown", NULL };

/* ---- validators ---- */

int vpnha_frr_validate_name(const struct vpnha_val *v, char *why, size_t whylen)
{
	if (strlen(v->str) > VPNHA_FRR_NAME_MAX) {
		snprintf(why, whylen, "longer than %d characters", VPNHA_FRR_NAME_MAX);
		return -EINVAL;
	}
	return vpnha_validate_name(v, why, whylen);
}

int vpnha_frr_validate_update_source(const struct vpnha_val *v, char *why, size_t whylen)
{
	struct vpnha_addr a;

	if (vpnha_parse_addr(v->str, 0, &a, NULL, 0) == 0)
		return vpnha_addr_unicast_check(&a, 0, why, whylen);
	if (vpnha_parse_ifname(v->str, NULL, 0) == 0)
		return 0;
	snprintf(why, whylen, "'%.40s' is neither an IP address nor an interface name", v->str);
	return -EINVAL;
}

int vpnha_frr_validate_af(const struct vpnha_val *v, char *why, size_t whylen)
{
	if (vpnha_frr_af_parse(v->str) >= 0)
		return 0;
	snprintf(why, whylen, "unknown address family '%.40s' (ipv4-unicast, ipv6-unicast)", v->str);
	return -EINVAL;
}

/* ---- the peer and its record ---- */

void vpnha_frr_peer_init(struct vpnha_frr_peer *p, const struct vpnha_addr *neighbor, const char *vrf,
			 int64_t local_as, int manage, const char *vty_dir)
{
	memset(p, 0, sizeof(*p));
	vpnha_addr_str(neighbor, p->neighbor, sizeof(p->neighbor));
	snprintf(p->vrf, sizeof(p->vrf), "%s", vrf && *vrf && strcmp(vrf, "default") ? vrf : "");
	p->local_as = local_as;
	p->manage = manage;
	snprintf(p->vty_dir, sizeof(p->vty_dir), "%s", vty_dir);
}

const char *vpnha_frr_peer_where(const struct vpnha_frr_peer *p, char *buf, size_t len)
{
	if (*p->vrf)
		snprintf(buf, len, "neighbor %s (vrf %s)", p->neighbor, p->vrf);
	else
		snprintf(buf, len, "neighbor %s", p->neighbor);
	return buf;
}

int vpnha_frr_peer_save(const char *agent, const char *instance, const struct vpnha_frr_peer *p)
{
	struct vpnha_rec_bgp_state r = { .added = p->added, .local_as = p->local_as, .started_ms = p->started_ms };

	snprintf(r.manage, sizeof(r.manage), "%s", vpnha_frr_peer_modes[p->manage]);
	snprintf(r.neighbor, sizeof(r.neighbor), "%s", p->neighbor);
	snprintf(r.vrf, sizeof(r.vrf), "%s", p->vrf);
	snprintf(r.vty_socket_dir, sizeof(r.vty_socket_dir), "%s", p->vty_dir);
	return vpnha_record_write(VPNHA_REC_BGP_STATE, agent, instance, VPNHA_FRR_PEER_KEY, &r);
}

int vpnha_frr_peer_load(const char *agent, const char *instance, struct vpnha_frr_peer *p)
{
	struct vpnha_rec_bgp_state r;
	struct vpnha_val vv = { 0 };
	char why[128];
	int64_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = vpnha_record_read(VPNHA_REC_BGP_STATE, agent, instance, VPNHA_FRR_PEER_KEY, &r);
	if (rc < 0)
		return rc;
	vv.str = r.vrf;
	if (vpnha_parse_select(r.manage, vpnha_frr_peer_modes, &i, NULL, 0) < 0 ||
	    vpnha_frr_validate_name(&vv, why, sizeof(why)) < 0 || strlen(r.vrf) >= sizeof(p->vrf) ||
	    strlen(r.neighbor) >= sizeof(p->neighbor) || strlen(r.vty_socket_dir) >= sizeof(p->vty_dir))
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

/* ---- failures ---- */

__attribute__((format(printf, 3, 4))) static int fail(struct vpnha_frr_peer_err *e, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	e->timeout = err == -ETIMEDOUT;
	return err < 0 ? err : -EIO;
}

static int transport_fail(const struct vpnha_frr_peer *p, int r, struct vpnha_frr_peer_err *e)
{
	if (vpnha_frr_vty_gone(r))
		return fail(e, r, "bgpd is not running (no answer on %s/bgpd.vty: %s)", p->vty_dir, strerror(-r));
	return fail(e, r, "bgpd: %s (on %s/bgpd.vty)", strerror(-r), p->vty_dir);
}

/* A configuration sequence failed: one reason. */
static int config_fail(const struct vpnha_frr_cfg_error *ce, struct vpnha_frr_peer_err *e)
{
	if (ce->stage == VPNHA_FRR_CFG_TOO_LONG)
		return fail(e, ce->err, "internal error: command too long");
	if (ce->stage == VPNHA_FRR_CFG_ENTER && ce->err == -EACCES)
		return fail(e, ce->err, "bgpd refused configuration mode");
	if (ce->stage == VPNHA_FRR_CFG_ENTER)
		return fail(e, ce->err, "bgpd: cannot enter configuration mode: %s", strerror(-ce->err));
	if (ce->err != -EREMOTEIO)
		return fail(e, ce->err, "bgpd: %s while sending a command: %s",
			    ce->secret ? "the password command failed" : "error", strerror(-ce->err));
	if (ce->secret)
		return fail(e, ce->err, "bgpd refused the neighbor password (%s)", vpnha_frr_cmd_status_str(ce->status));
	return fail(e, ce->err, "bgpd refused '%s': %s (%s)", ce->cmd, ce->reply, vpnha_frr_cmd_status_str(ce->status));
}

/* ---- talking to bgpd ---- */

static int vty_open(const struct vpnha_frr_peer *p, uint64_t deadline, struct vpnha_frr_vty **v)
{
	int r = vpnha_frr_vty_connect(v, p->vty_dir, "bgpd", deadline);

	if (r < 0)
		vpnha_log_debug("bgpd vty %s/bgpd.vty: %s", p->vty_dir, strerror(-r));
	return r;
}

static struct vpnha_frr_bgp_instance instance(const struct vpnha_frr_peer *p)
{
	return (struct vpnha_frr_bgp_instance){ p->local_as, p->vrf };
}

static int neighbor_query(struct vpnha_frr_vty *v, const struct vpnha_frr_peer *p, struct vpnha_frr_neighbor *nb)
{
	return vpnha_frr_bgp_neighbor_query(v, p->vrf, p->neighbor, nb);
}

/* ---- start ---- */

static int wait_established(struct vpnha_frr_vty *v, const struct vpnha_frr_peer *p, uint64_t deadline,
			    struct vpnha_frr_peer_err *e)
{
	struct vpnha_frr_neighbor nb;
	char w[128];
	int r;

	for (;;) {
		r = neighbor_query(v, p, &nb);
		if (r < 0)
			return transport_fail(p, r, e);
		if (nb.state == VPNHA_FRR_BGP_ESTABLISHED) {
			vpnha_log_info("%s Established", vpnha_frr_peer_where(p, w, sizeof(w)));
			return 0;
		}
		if (!vpnha_sleep_ms(&(const struct vpnha_ctx){ .deadline = deadline }, 100))
			return fail(e, -ETIMEDOUT, "%s not Established before the timeout (state %s)",
				    vpnha_frr_peer_where(p, w, sizeof(w)), nb.state_str);
	}
}

/* shutdown mode: the neighbor from frr.conf (found: r == 0), brought up. */
static int start_shutdown_mode(struct vpnha_frr_vty *v, struct vpnha_frr_peer *p, const struct vpnha_frr_peer_start *s,
			       int r, const struct vpnha_frr_neighbor *nb, const char *w, struct vpnha_frr_peer_err *e)
{
	const struct vpnha_frr_bgp_instance bgp = instance(p);
	struct vpnha_frr_cfg_error ce;

	if (r == -ENOENT)
		return fail(e, -ENOENT, "%s is not configured in bgpd (manage=shutdown needs it in frr.conf)", w);
	if (s->remote_as >= 0 && nb->remote_as != s->remote_as)
		return fail(e, -EINVAL, "%s has remote-as %" PRId64 " in bgpd, not %" PRId64, w, nb->remote_as,
			    s->remote_as);
	if (vpnha_frr_bgp_neighbor_up(v, &bgp, p->neighbor, &ce) < 0)
		return config_fail(&ce, e);
	if (!p->started_ms || nb->admin_down)
		p->started_ms = vpnha_now_ms();
	return 0;
}

/* configure mode: add the neighbor (found: already there). */
static int start_configure_mode(const char *agent, const char *instance_, struct vpnha_frr_vty *v,
				struct vpnha_frr_peer *p, const struct vpnha_frr_peer_start *s, bool found, const char *w,
				struct vpnha_frr_peer_err *e)
{
	const struct vpnha_frr_bgp_instance bgp = instance(p);
	struct vpnha_frr_cfg_error ce;
	int r;

	if (found && !s->ours)
		return fail(e, -EEXIST,
			    "%s is already configured in bgpd, not by this resource; refusing to take "
			    "it over (use manage=shutdown for a neighbor from frr.conf)",
			    w);
	if (!s->ours || !found)
		p->started_ms = vpnha_now_ms();
	/* record ownership before adding, so stop can always clean up */
	p->added = true;
	r = vpnha_frr_peer_save(agent, instance_, p);
	if (r < 0)
		return fail(e, r, "cannot write the state file: %s", strerror(-r));
	if (vpnha_frr_bgp_neighbor_configure(v, &bgp, s->cfg, &ce) < 0)
		return config_fail(&ce, e);
	return 0;
}

/* After configuration: record, check the neighbor is up, optionally wait for Established. */
static int start_finish(const char *agent, const char *instance_, struct vpnha_frr_vty *v,
			const struct vpnha_frr_peer *p, const struct vpnha_frr_peer_start *s, uint64_t deadline,
			const char *w, struct vpnha_frr_peer_err *e)
{
	struct vpnha_frr_neighbor nb;
	int r;

	r = vpnha_frr_peer_save(agent, instance_, p);
	if (r < 0)
		return fail(e, r, "cannot write the state file: %s", strerror(-r));
	r = neighbor_query(v, p, &nb);
	if (r == -ENOENT)
		return fail(e, r, "%s is missing after configuration", w);
	if (r < 0)
		return transport_fail(p, r, e);
	if (nb.admin_down)
		return fail(e, -EIO, "%s is still administratively down", w);
	vpnha_log_info("%s configured (%s), state %s", w, vpnha_frr_peer_modes[p->manage], nb.state_str);
	if (s->wait_established)
		return wait_established(v, p, deadline, e);
	return 0;
}

int vpnha_frr_peer_start(const char *agent, const char *instance_, struct vpnha_frr_peer *p,
			 const struct vpnha_frr_peer_start *s, uint64_t deadline, struct vpnha_frr_peer_err *e)
{
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	struct vpnha_frr_neighbor nb;
	char w[128];
	int r;

	vpnha_frr_peer_where(p, w, sizeof(w));
	r = vty_open(p, deadline, &v);
	if (r < 0)
		return transport_fail(p, r, e);
	r = vpnha_frr_bgp_instance_query(v, p->vrf);
	if (r == -ENOENT)
		return fail(e, r, "bgpd has no BGP instance%s%s (router bgp %" PRId64 " is not configured)",
			    *p->vrf ? " for vrf " : "", p->vrf, p->local_as);
	if (r < 0)
		return transport_fail(p, r, e);
	r = neighbor_query(v, p, &nb);
	if (r < 0 && r != -ENOENT)
		return transport_fail(p, r, e);
	if (p->manage == VPNHA_FRR_PEER_SHUTDOWN)
		r = start_shutdown_mode(v, p, s, r, &nb, w, e);
	else
		r = start_configure_mode(agent, instance_, v, p, s, r == 0, w, e);
	if (r < 0)
		return r;
	return start_finish(agent, instance_, v, p, s, deadline, w, e);
}

/* ---- stop ---- */

int vpnha_frr_peer_stop(const char *agent, const char *instance_, const struct vpnha_frr_peer *p, uint64_t deadline,
			struct vpnha_frr_peer_err *e)
{
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	const struct vpnha_frr_bgp_instance bgp = instance(p);
	bool remove = p->manage == VPNHA_FRR_PEER_CONFIGURE && p->added;
	struct vpnha_frr_neighbor nb;
	struct vpnha_frr_cfg_error ce;
	char w[128];
	int r;

	vpnha_frr_peer_where(p, w, sizeof(w));
	r = vty_open(p, deadline, &v);
	if (vpnha_frr_vty_gone(r)) {
		/* bgpd is gone and its runtime configuration with it */
		vpnha_log_info("bgpd is not running: %s is down", w);
		vpnha_state_remove(agent, instance_, VPNHA_FRR_PEER_KEY);
		return 0;
	}
	if (r < 0)
		return transport_fail(p, r, e);
	r = neighbor_query(v, p, &nb);
	if (r == -ENOENT || r == -ENODEV) {
		vpnha_log_info("%s is not configured: already stopped", w);
		vpnha_state_remove(agent, instance_, VPNHA_FRR_PEER_KEY);
		return 0;
	}
	if (r < 0)
		return transport_fail(p, r, e);
	if (vpnha_frr_bgp_neighbor_down(v, &bgp, p->neighbor, nb.admin_down, remove, &ce) < 0)
		return config_fail(&ce, e);
	r = neighbor_query(v, p, &nb);
	if (remove && r == 0)
		return fail(e, -EEXIST, "%s is still configured after removal", w);
	if (!remove && r == 0 && !nb.admin_down)
		return fail(e, -EIO, "%s is not administratively down after shutdown", w);
	if (r < 0 && r != -ENOENT)
		return transport_fail(p, r, e);
	vpnha_state_remove(agent, instance_, VPNHA_FRR_PEER_KEY);
	vpnha_log_info("%s %s", w, p->manage == VPNHA_FRR_PEER_CONFIGURE ? "shut down and removed" : "shut down");
	return 0;
}

/* ---- reload, validate ---- */

int vpnha_frr_peer_retune(const struct vpnha_frr_peer *p, const struct vpnha_frr_bgp_neighbor_cfg *cfg,
			  uint64_t deadline, struct vpnha_frr_peer_err *e)
{
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	const struct vpnha_frr_bgp_instance bgp = instance(p);
	struct vpnha_frr_cfg_error ce;
	int r;

	r = vty_open(p, deadline, &v);
	if (r < 0)
		return transport_fail(p, r, e);
	if (vpnha_frr_bgp_neighbor_retune(v, &bgp, cfg, &ce) < 0)
		return config_fail(&ce, e);
	return 0;
}

int vpnha_frr_peer_instance_check(const struct vpnha_frr_peer *p, uint64_t deadline, struct vpnha_frr_peer_err *e)
{
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	int r;

	r = vty_open(p, deadline, &v);
	if (r < 0)
		return transport_fail(p, r, e);
	r = vpnha_frr_bgp_instance_query(v, p->vrf);
	if (r == -ENOENT)
		return fail(e, r, "bgpd has no BGP instance%s%s", *p->vrf ? " for vrf " : "", p->vrf);
	if (r < 0)
		return transport_fail(p, r, e);
	return 0;
}

/* ---- monitor ---- */

/* A verdict other than a transport error, with its reason. */
__attribute__((format(printf, 3, 4))) static enum vpnha_frr_peer_verdict
verdict(enum vpnha_frr_peer_verdict vd, struct vpnha_frr_peer_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	e->timeout = false;
	return vd;
}

/* The neighbor's state in bgpd over v (connected). */
static enum vpnha_frr_peer_verdict assess_in_bgpd(struct vpnha_frr_vty *v, const struct vpnha_frr_peer *p, bool probe,
						  bool recorded, struct vpnha_frr_neighbor *nb,
						  struct vpnha_frr_peer_err *e)
{
	char w[128];
	int r;

	vpnha_frr_peer_where(p, w, sizeof(w));
	r = neighbor_query(v, p, nb);
	if (r == -ENOENT || r == -ENODEV) {
		if (probe || !recorded)
			return verdict(VPNHA_FRR_PEER_ABSENT, e, "%s is not configured in bgpd", w);
		return verdict(VPNHA_FRR_PEER_REMOVED, e, "%s was removed from bgpd behind this resource's back", w);
	}
	if (r < 0) {
		if (probe && vpnha_frr_vty_gone(r))
			return verdict(VPNHA_FRR_PEER_BGPD_GONE, e, "bgpd went away");
		transport_fail(p, r, e);
		return VPNHA_FRR_PEER_BGPD_ERROR;
	}
	if (nb->admin_down)
		return verdict(VPNHA_FRR_PEER_ADMIN_DOWN, e, "%s is administratively down", w);
	vpnha_log_debug("%s: %s, up %" PRIu64 " ms, %" PRIu64 " prefixes accepted%s%s", w, nb->state_str, nb->up_ms,
			nb->accepted_total, nb->bfd ? ", BFD " : "", nb->bfd ? nb->bfd_status : "");
	return VPNHA_FRR_PEER_UP;
}

enum vpnha_frr_peer_verdict vpnha_frr_peer_assess(const struct vpnha_frr_peer *p, bool probe, bool recorded,
						  uint64_t deadline, struct vpnha_frr_neighbor *nb,
						  struct vpnha_frr_peer_err *e)
{
	struct vpnha_frr_vty *v __attribute__((cleanup(vpnha_frr_vty_freep))) = NULL;
	int r;

	memset(nb, 0, sizeof(*nb));
	r = vty_open(p, deadline, &v);
	if (vpnha_frr_vty_gone(r) || (r < 0 && probe))
		return verdict(VPNHA_FRR_PEER_BGPD_GONE, e, "bgpd is not running (%s/bgpd.vty: %s)", p->vty_dir,
			       strerror(-r));
	if (r < 0) {
		transport_fail(p, r, e);
		return VPNHA_FRR_PEER_BGPD_ERROR;
	}
	return assess_in_bgpd(v, p, probe, recorded, nb, e);
}

enum vpnha_frr_peer_health vpnha_frr_peer_health(const struct vpnha_frr_peer_policy *pol, uint64_t started_ms,
						 const struct vpnha_frr_neighbor *nb, uint64_t now_ms,
						 uint64_t *down_ms)
{
	*down_ms = UINT64_MAX;
	if (nb->state == VPNHA_FRR_BGP_ESTABLISHED) {
		if (!pol->deep || nb->accepted_total >= pol->min_prefixes)
			return VPNHA_FRR_HEALTH_OK;
		return nb->up_ms < pol->grace_ms ? VPNHA_FRR_HEALTH_PREFIXES_GRACE : VPNHA_FRR_HEALTH_PREFIXES_FAILED;
	}
	if (!pol->require_established)
		return VPNHA_FRR_HEALTH_DOWN_TOLERATED;
	/* how long has it been down: since the start, or since its last reset */
	if (started_ms && now_ms > started_ms)
		*down_ms = now_ms - started_ms;
	if (nb->has_last_reset && nb->last_reset_ms < *down_ms)
		*down_ms = nb->last_reset_ms;
	if (*down_ms == UINT64_MAX || *down_ms < pol->grace_ms)
		return VPNHA_FRR_HEALTH_DOWN_GRACE;
	return VPNHA_FRR_HEALTH_DOWN_FAILED;
}
