/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One IKEv2 connection as a resource keeps it; see ipsec-res.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipsec-res.h"
#include "log.h"
#include "records.h"
#include "runstate.h"
#include "util.h"

static uint64_t boot_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

/* ---- credentials ---- */

static int cert_read(const char *path, char **out, char *why, size_t whylen)
{
	size_t n;
	int err = vpnha_file_read(path, VPNHA_IPSEC_MAX_CERT, out, &n);

	if (err < 0)
		snprintf(why, whylen, "%s: %s", path, strerror(-err));
	return err;
}

int vpnha_ipsec_creds_read(const struct vpnha_ipsec_cred_files *f, struct vpnha_ipsec_creds *out,
			   enum vpnha_ipsec_cred *bad, char *why, size_t whylen)
{
	int err;

	if (f->psk) {
		*bad = VPNHA_IPSEC_CRED_PSK;
		return vpnha_secret_read(f->psk, VPNHA_IPSEC_MAX_SECRET, VPNHA_SECRET_TRIM, &out->secret, why, whylen);
	}
	*bad = VPNHA_IPSEC_CRED_CERT;
	if ((err = cert_read(f->cert, &out->cert, why, whylen)) < 0)
		return err;
	*bad = VPNHA_IPSEC_CRED_CACERT;
	if ((err = cert_read(f->cacert, &out->ca, why, whylen)) < 0)
		return err;
	*bad = VPNHA_IPSEC_CRED_KEY;
	return vpnha_secret_read(f->key, VPNHA_IPSEC_MAX_SECRET, VPNHA_SECRET_TRIM, &out->secret, why, whylen);
}

void vpnha_ipsec_creds_free(struct vpnha_ipsec_creds *c)
{
	vpnha_secret_free(&c->secret);
	free(c->cert);
	free(c->ca);
	c->cert = c->ca = NULL;
}

int vpnha_ipsec_res_charon_check(const struct vpnha_ipsec_res *r, uint64_t deadline, char *why, size_t whylen)
{
	struct vpnha_vici_conn *c = NULL;
	int err;

	/* strongswan-charon's daemon, or charon-systemd's (Debian 12: examples/README.md) */
	if (access("/usr/lib/ipsec/charon", X_OK) < 0 && access("/usr/libexec/ipsec/charon", X_OK) < 0 &&
	    access("/usr/sbin/charon-systemd", X_OK) < 0) {
		snprintf(why, whylen, "strongSwan charon is not installed");
		return -ENOPKG;
	}
	err = vpnha_vici_connect(&c, r->vici_socket, deadline);
	vpnha_vici_close(c);
	if (err < 0)
		snprintf(why, whylen, "charon not answering on %s: %s", r->vici_socket, strerror(-err));
	return err;
}

/* ---- the ownership record ---- */

int vpnha_ipsec_res_owned_read(const struct vpnha_ipsec_res *r, struct vpnha_rec_ipsec_owned *o)
{
	int err = vpnha_record_read(VPNHA_REC_IPSEC_OWNED, r->agent, r->instance, "owned", o);

	if (err < 0)
		memset(o, 0, sizeof(*o));
	return err;
}

int vpnha_ipsec_res_owned_write(const struct vpnha_ipsec_res *r, struct vpnha_rec_ipsec_owned *o)
{
	snprintf(o->conn, sizeof(o->conn), "%s", r->conn);
	return vpnha_record_write(VPNHA_REC_IPSEC_OWNED, r->agent, r->instance, "owned", o);
}

/* ---- block policies ---- */

static int block_sels(const struct vpnha_ipsec_res *r, struct vpnha_xfrm_sel *sels, size_t *n, char *why,
		      size_t whylen)
{
	return vpnha_ipsec_block_sels(r->local_ts, r->remote_ts, r->local, r->remote, sels, n, why, whylen);
}

int vpnha_ipsec_res_block_check(const struct vpnha_ipsec_res *r, char *why, size_t whylen)
{
	struct vpnha_xfrm_sel sels[VPNHA_IPSEC_MAX_BLOCKS];
	size_t n;

	return block_sels(r, sels, &n, why, whylen) < 0 ? -EINVAL : 0;
}

int vpnha_ipsec_res_blocks_install(const struct vpnha_ipsec_res *r, bool *added, char *why, size_t whylen)
{
	struct vpnha_xfrm_sel sels[VPNHA_IPSEC_MAX_BLOCKS];
	size_t n;
	int err;

	if (added)
		*added = false;
	if (block_sels(r, sels, &n, why, whylen) < 0)
		return -EINVAL;
	err = vpnha_ipsec_blocks_install(sels, n, r->block_prio, added, why, whylen);
	if (err == 0)
		err = vpnha_state_write(r->agent, r->instance, "block", "1\n", 2);
	return err;
}

int vpnha_ipsec_res_blocks_remove(const struct vpnha_ipsec_res *r)
{
	struct vpnha_xfrm_sel sels[VPNHA_IPSEC_MAX_BLOCKS];
	char why[256];
	size_t n;
	int err;

	if (block_sels(r, sels, &n, why, sizeof(why)) < 0)
		return -EINVAL;
	err = vpnha_ipsec_blocks_remove(sels, n, r->block_prio);
	if (err == 0)
		vpnha_state_remove(r->agent, r->instance, "block");
	return err;
}

bool vpnha_ipsec_res_blocks_recorded(const struct vpnha_ipsec_res *r)
{
	return vpnha_state_exists(r->agent, r->instance, "block");
}

/* ---- start ---- */

int vpnha_ipsec_res_initiate(const struct vpnha_ipsec_res *r, struct vpnha_vici_conn *c, uint64_t deadline,
			     char *why, size_t whylen)
{
	struct vpnha_ipsec_sa_view v;
	int err;

	if ((err = vpnha_ipsec_sa_list(c, r->conn, r->child, deadline, &v)) < 0) {
		snprintf(why, whylen, "list-sas: %s", strerror(-err));
		return err;
	}
	if (v.children_installed)
		return 0;
	err = vpnha_ipsec_initiate(c, r->conn, r->child, deadline, why, whylen);
	if (err == -EREMOTEIO) {
		vpnha_log_warn("%s (will keep trying)", why);
		return 0;
	}
	return err;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int vpnha_ipsec_res_wait(const struct vpnha_ipsec_res *r, struct vpnha_vici_conn *c, uint64_t t0, uint64_t until,
			 uint64_t deadline, struct vpnha_ipsec_sa_view *v)
{
	char why[384] = "";
	uint64_t now;
	int err;

	for (;;) {
		if ((err = vpnha_ipsec_sa_list(c, r->conn, r->child, deadline, v)) < 0)
			return err;
		if (v->children_installed && vpnha_ipsec_kernel_check(v, why, sizeof(why)) == 0) {
			vpnha_log_notice("CHILD_SA %s installed in the kernel %" PRIu64 " ms after start", r->child,
					 vpnha_now_ms() - t0);
			return 1;
		}
		now = vpnha_now_ms();
		if (now >= until || now >= deadline || deadline - now < 300) {
			vpnha_log_notice("CHILD_SA %s not up after %" PRIu64 " ms; start succeeds with the SA pending "
					 "(charon keeps trying; see monitor/require_established)",
					 r->child, vpnha_now_ms() - t0);
			return 0;
		}
		sleep_ms(50);
	}
}

/* The credentials, ownership recorded first; then the connection. */
static int conn_load(const struct vpnha_ipsec_res *r, struct vpnha_vici_conn *c, const struct vpnha_ipsec_start *s,
		     struct vpnha_rec_ipsec_owned *o, uint64_t deadline, char *why, size_t whylen)
{
	const struct vpnha_secret *k = &s->creds->secret;
	struct vpnha_ipsec_conn_cfg cfg = *s->cfg;
	char kid[sizeof(o->key_id)];
	int err;

	if (s->cfg->psk)
		snprintf(o->shared_id, sizeof(o->shared_id), "vpnha-%s", r->conn);
	o->loaded_conn = true;
	if ((err = vpnha_ipsec_res_owned_write(r, o)) < 0) {
		snprintf(why, whylen, "cannot write state: %s", strerror(-err));
		return err;
	}
	if (s->cfg->psk) {
		err = vpnha_ipsec_shared_load(c, o->shared_id, k->data, k->len, s->cfg->local_id, s->cfg->remote_id,
					      deadline, why, whylen);
	} else {
		err = vpnha_ipsec_key_load(c, k->data, k->len, kid, sizeof(kid), deadline, why, whylen);
		if (err == 0 && *kid) {
			snprintf(o->key_id, sizeof(o->key_id), "%s", kid);
			vpnha_ipsec_res_owned_write(r, o);
		}
	}
	if (err < 0)
		return err;
	cfg.cert = s->creds->cert; /* pubkey: PEM data (VICI takes data, not file names) */
	cfg.cacert = s->creds->ca;
	cfg.keyingtries = "0";  /* keep trying: a remote site may come back */
	cfg.unique = "replace"; /* a restarted peer's new IKE_SA replaces the stale one */
	cfg.mobike = "no";
	cfg.dpd_action = "restart";
	cfg.start_action = "none"; /* the resource starts it */
	cfg.close_action = "none";
	return vpnha_ipsec_conn_load(c, &cfg, deadline, why, whylen);
}

/* The connection from swanctl.conf must be loaded; it is recorded as not ours to unload. */
static int conn_check(const struct vpnha_ipsec_res *r, struct vpnha_vici_conn *c, uint64_t deadline, char *why,
		      size_t whylen)
{
	bool loaded = false;
	int err;

	if ((err = vpnha_ipsec_conn_loaded(c, r->conn, deadline, &loaded)) < 0) {
		snprintf(why, whylen, "get-conns: %s", strerror(-err));
		return err;
	}
	if (!loaded) {
		snprintf(why, whylen, "connection %s is not loaded in charon (swanctl.conf on this node)", r->conn);
		return -ENOENT;
	}
	return 0;
}

int vpnha_ipsec_res_start(const struct vpnha_ipsec_res *r, struct vpnha_vici_conn *c,
			  const struct vpnha_ipsec_start *s, uint64_t deadline, char *why, size_t whylen)
{
	struct vpnha_rec_ipsec_owned o = { 0 };
	struct vpnha_ipsec_sa_view v;
	int err;

	if (!s->cfg && (err = conn_check(r, c, deadline, why, whylen)) < 0)
		return err;
	/* fail closed before any SA can come and go */
	if (r->fail_closed && (err = vpnha_ipsec_res_blocks_install(r, NULL, why, whylen)) < 0)
		return err;
	if (r->local)
		o.local = *r->local;
	if (r->remote)
		o.remote = *r->remote;
	o.started = boot_s();
	if (s->cfg)
		err = conn_load(r, c, s, &o, deadline, why, whylen);
	else if ((err = vpnha_ipsec_res_owned_write(r, &o)) < 0)
		snprintf(why, whylen, "cannot write state: %s", strerror(-err));
	if (err < 0 || (err = vpnha_ipsec_res_initiate(r, c, deadline, why, whylen)) < 0)
		return err;
	err = vpnha_ipsec_res_wait(r, c, s->t0, s->until, deadline, &v);
	if (err < 0) {
		snprintf(why, whylen, "list-sas: %s", strerror(-err));
		return err;
	}
	if (err > 0 && v.local.family && !o.local.family) {
		o.local = v.local;
		o.remote = v.remote;
		vpnha_ipsec_res_owned_write(r, &o);
	}
	return 0;
}

/* ---- monitor ---- */

static enum vpnha_ipsec_verdict assess_in_charon(const struct vpnha_ipsec_res *r, struct vpnha_vici_conn *c,
						 bool deep, uint64_t deadline, struct vpnha_ipsec_sa_view *v,
						 char *why, size_t whylen)
{
	bool loaded = false, added = false;
	int err;

	err = vpnha_ipsec_conn_loaded(c, r->conn, deadline, &loaded);
	if (err < 0) {
		snprintf(why, whylen, "get-conns: %s", strerror(-err));
		return vpnha_ipsec_charon_absent(err) ? VPNHA_IPSEC_CHARON_GONE : VPNHA_IPSEC_CHARON_ERROR;
	}
	if (!loaded) {
		snprintf(why, whylen, "connection %s is not loaded in charon (restarted?)", r->conn);
		return VPNHA_IPSEC_NOT_LOADED;
	}
	if ((err = vpnha_ipsec_sa_list(c, r->conn, r->child, deadline, v)) < 0) {
		snprintf(why, whylen, "list-sas: %s", strerror(-err));
		return VPNHA_IPSEC_CHARON_ERROR;
	}
	if (r->fail_closed) {
		if (vpnha_ipsec_res_blocks_install(r, &added, why, whylen) < 0)
			return VPNHA_IPSEC_BLOCK_ERROR;
		if (added)
			vpnha_log_warn("fail-closed block policy was missing; re-installed");
	}
	if (v->children_installed == 0)
		return VPNHA_IPSEC_PENDING;
	vpnha_state_remove(r->agent, r->instance, "down-since");
	if (deep && vpnha_ipsec_kernel_check(v, why, whylen) < 0)
		return VPNHA_IPSEC_KERNEL_MISSING;
	return VPNHA_IPSEC_UP;
}

enum vpnha_ipsec_verdict vpnha_ipsec_res_assess(const struct vpnha_ipsec_res *r, bool deep, uint64_t deadline,
						struct vpnha_ipsec_sa_view *v, char *why, size_t whylen)
{
	struct vpnha_vici_conn *c = NULL;
	enum vpnha_ipsec_verdict verdict;
	int err;

	memset(v, 0, sizeof(*v));
	err = vpnha_vici_connect(&c, r->vici_socket, deadline);
	if (err < 0) {
		snprintf(why, whylen, "charon not answering on %s: %s", r->vici_socket, strerror(-err));
		return vpnha_ipsec_charon_absent(err) ? VPNHA_IPSEC_CHARON_GONE : VPNHA_IPSEC_CHARON_ERROR;
	}
	verdict = assess_in_charon(r, c, deep, deadline, v, why, whylen);
	vpnha_vici_close(c);
	return verdict;
}

uint64_t vpnha_ipsec_res_pending_s(const struct vpnha_ipsec_res *r)
{
	uint64_t down = 0, now_s = boot_s();
	struct vpnha_rec_since d;

	if (vpnha_record_read(VPNHA_REC_SINCE, r->agent, r->instance, "down-since", &d) == 0)
		down = d.s;
	if (!down) {
		d.s = now_s;
		vpnha_record_write(VPNHA_REC_SINCE, r->agent, r->instance, "down-since", &d);
		down = now_s;
	}
	return now_s - down;
}

/* ---- stop ---- */

static int teardown(const struct vpnha_rec_ipsec_owned *o, const char *conn, uint64_t wait_ms, const char *socket,
		    uint64_t deadline, char *why, size_t whylen)
{
	struct vpnha_vici_conn *c = NULL;
	int err;

	err = vpnha_vici_connect(&c, socket, deadline);
	if (err < 0) {
		if (!vpnha_ipsec_charon_absent(err)) {
			snprintf(why, whylen, "charon: %s", strerror(-err));
			return err;
		}
		vpnha_log_info("charon is not running: nothing to terminate or unload");
		return 0;
	}
	err = vpnha_ipsec_terminate(c, conn, wait_ms, deadline, why, whylen);
	if (err < 0 && err != -EREMOTEIO)
		vpnha_log_warn("%s", why);
	err = vpnha_ipsec_conn_unload(c, o->loaded_conn ? conn : NULL, o->key_id, o->shared_id, deadline, why,
				      whylen);
	vpnha_vici_close(c);
	return err;
}

int vpnha_ipsec_res_stop(const struct vpnha_ipsec_res *r, const struct vpnha_rec_ipsec_owned *o,
			 const struct vpnha_ipsec_stop *s, uint64_t deadline, char *why, size_t whylen)
{
	uint64_t now = vpnha_now_ms(), half = now < deadline ? (deadline - now) / 2 : 0;
	unsigned nsa = 0, nsp = 0;
	int err;

	if ((err = teardown(o, s->conn, s->wait_ms < half ? s->wait_ms : half, s->vici_socket, deadline, why,
			    whylen)) < 0)
		return err;
	/* whatever charon left (or a killed charon could not remove) goes now */
	if (o->local.family && o->remote.family) {
		err = vpnha_ipsec_kernel_clear(&o->local, &o->remote, r->block_prio, &nsa, &nsp);
		if ((err == 0 || err == -EBUSY) && (nsa || nsp))
			vpnha_log_notice("removed %u SAs and %u policies left in the kernel", nsa, nsp);
		if (err < 0) {
			snprintf(why, whylen, "cannot clear kernel SAs/policies of %s: %s", s->conn, strerror(-err));
			return err;
		}
	}
	if (s->remove_blocks && vpnha_ipsec_res_blocks_recorded(r) && (err = vpnha_ipsec_res_blocks_remove(r)) < 0) {
		snprintf(why, whylen, "cannot remove the block policy");
		return err;
	}
	vpnha_state_remove(r->agent, r->instance, "down-since");
	if ((err = vpnha_state_remove(r->agent, r->instance, "owned")) < 0)
		snprintf(why, whylen, "cannot remove state: %s", strerror(-err));
	return err;
}
