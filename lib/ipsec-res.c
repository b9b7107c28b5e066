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

bool vpnha_ipsec_charon_installed(void)
{
	return access("/usr/lib/ipsec/charon", X_OK) == 0 || access("/usr/libexec/ipsec/charon", X_OK) == 0 ||
	       access("/usr/sbin/charon-systemd", X_OK) == 0;
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

uint64_t vpnha_ipsec_res_pending_s(const struct vpnha_ipsec_res *r, uint64_t now_s)
{
	struct vpnha_rec_since d;
	uint64_t down = 0;

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

int vpnha_ipsec_res_teardown(const char *socket, const struct vpnha_ipsec_loaded *l, uint64_t wait_ms,
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
	err = vpnha_ipsec_terminate(c, l->conn, wait_ms, deadline, why, whylen);
	if (err < 0 && err != -EREMOTEIO)
		vpnha_log_warn("%s", why);
	err = vpnha_ipsec_conn_unload(c, l->conn_loaded ? l->conn : NULL, l->key_id, l->shared_id, deadline, why,
				      whylen);
	vpnha_vici_close(c);
	return err;
}
