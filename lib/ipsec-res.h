/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One IKEv2 connection as a resource keeps it (lib/ipsec-res.c), over the
 * pieces of lib/ipsec.h: its credential files read before anything is
 * touched, its fail-closed block policies with their run-state flag, the
 * wait for its CHILD_SA at start, the assessment of its health (a typed
 * verdict and a one-line reason; the caller maps the verdict to an OCF rc),
 * how long it has been pending, and its teardown in charon.
 *
 * Run-state files live under the caller's AGENT/INSTANCE: "owned" (what a
 * start loaded, VPNHA_REC_IPSEC_OWNED), "block" (block policies installed)
 * and "down-since" (VPNHA_REC_SINCE). Functions return 0
 * or a negative errno unless said otherwise; nothing here prints.
 */
#ifndef VPNHA_IPSEC_RES_H
#define VPNHA_IPSEC_RES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsec.h"
#include "records.h"
#include "secret.h"

/* a PSK or a private key file: at most 4095 bytes with its line end */
#define VPNHA_IPSEC_MAX_SECRET 4093
/* a certificate file */
#define VPNHA_IPSEC_MAX_CERT 60000

/* ---- credentials: files named by the configuration ---- */
enum vpnha_ipsec_cred {
	VPNHA_IPSEC_CRED_PSK,
	VPNHA_IPSEC_CRED_CERT,
	VPNHA_IPSEC_CRED_CACERT,
	VPNHA_IPSEC_CRED_KEY,
};

/* psk set: the PSK file alone; else the certificate, CA and key files. */
struct vpnha_ipsec_cred_files {
	const char *psk, *cert, *cacert, *key;
};

struct vpnha_ipsec_creds {
	struct vpnha_secret secret; /* the PSK or the private key */
	char *cert, *ca;            /* pubkey: PEM data */
};

/* Read what f names into out (free with vpnha_ipsec_creds_free, also after a
 * failure). On failure *bad names the file and why says why (a certificate:
 * "PATH: strerror"; a secret: vpnha_secret_read's reason). */
int vpnha_ipsec_creds_read(const struct vpnha_ipsec_cred_files *f, struct vpnha_ipsec_creds *out,
			   enum vpnha_ipsec_cred *bad, char *why, size_t whylen);
void vpnha_ipsec_creds_free(struct vpnha_ipsec_creds *c);

/* ---- the connection a resource keeps ---- */
struct vpnha_ipsec_res {
	const char *agent, *instance; /* its run-state directory */
	const char *conn, *child;
	const char *vici_socket;
	bool fail_closed;
	const struct vpnha_value *local_ts, *remote_ts;
	const struct vpnha_addr *local, *remote; /* NULL: not configured */
	uint32_t block_prio;
};

/* Is strongSwan's charon installed (strongswan-charon's daemon, or
 * charon-systemd's; else -ENOPKG) and answering on r->vici_socket (else its
 * -errno)? why says which. */
int vpnha_ipsec_res_charon_check(const struct vpnha_ipsec_res *r, uint64_t deadline, char *why, size_t whylen);

/* The ownership record: read (o zeroed first; -ENOENT when absent), and
 * written with o->conn set to r->conn. */
int vpnha_ipsec_res_owned_read(const struct vpnha_ipsec_res *r, struct vpnha_rec_ipsec_owned *o);
int vpnha_ipsec_res_owned_write(const struct vpnha_ipsec_res *r, struct vpnha_rec_ipsec_owned *o);

/* The block selectors (vpnha_ipsec_block_sels): 0 or -EINVAL with why. */
int vpnha_ipsec_res_block_check(const struct vpnha_ipsec_res *r, char *why, size_t whylen);
/* Install (or re-assert) the block policies and record that they are there;
 * *added (may be NULL): one was missing. */
int vpnha_ipsec_res_blocks_install(const struct vpnha_ipsec_res *r, bool *added, char *why, size_t whylen);
/* Remove them and the record. */
int vpnha_ipsec_res_blocks_remove(const struct vpnha_ipsec_res *r);
bool vpnha_ipsec_res_blocks_recorded(const struct vpnha_ipsec_res *r);

/* What a start brings. */
struct vpnha_ipsec_start {
	const struct vpnha_ipsec_conn_cfg *cfg; /* load this connection; NULL: it must be loaded (swanctl.conf) */
	const struct vpnha_ipsec_creds *creds;  /* with cfg: the PSK (cfg->psk) or the private key and the
						 * certificates (they replace cfg's cert and cacert) */
	uint64_t t0, until;                     /* vpnha_now_ms() at start; when the wait for the CHILD_SA ends */
};

/* Start the connection over c: the block policies first (fail_closed), the
 * ownership record (with the CLOCK_BOOTTIME start) before anything is loaded
 * (a stop after a partial start unloads it), the credentials (load-shared
 * "vpnha-CONN" or load-key) and the connection with a kept connection's
 * policy (whatever s->cfg says of keyingtries, unique, mobike, dpd_action,
 * start_action, close_action), initiate, then wait for the CHILD_SA (vpnha_ipsec_res_wait;
 * start succeeds either way) and record the endpoints charon found. -errno
 * with why on failure. */
int vpnha_ipsec_res_start(const struct vpnha_ipsec_res *r, struct vpnha_vici_conn *c,
			  const struct vpnha_ipsec_start *s, uint64_t deadline, char *why, size_t whylen);

/* Initiate the CHILD_SA unless it is installed. A refusal by charon is
 * logged as a warning and is not a failure; else -errno with why. */
int vpnha_ipsec_res_initiate(const struct vpnha_ipsec_res *r, struct vpnha_vici_conn *c, uint64_t deadline,
			     char *why, size_t whylen);
/* Poll list-sas every 50 ms from t0 until the CHILD_SA is installed and in
 * the kernel (1, logged), or until `until` or 300 ms before deadline (0,
 * logged); -errno when list-sas fails. v: the last view. */
int vpnha_ipsec_res_wait(const struct vpnha_ipsec_res *r, struct vpnha_vici_conn *c, uint64_t t0, uint64_t until,
			 uint64_t deadline, struct vpnha_ipsec_sa_view *v);

/* What a monitor finds. */
enum vpnha_ipsec_verdict {
	VPNHA_IPSEC_UP,             /* a CHILD_SA installed (and, deep, in the kernel) */
	VPNHA_IPSEC_PENDING,        /* loaded, no CHILD_SA installed: v says how far IKE got */
	VPNHA_IPSEC_CHARON_GONE,    /* charon is not running */
	VPNHA_IPSEC_CHARON_ERROR,   /* charon did not answer as it should */
	VPNHA_IPSEC_NOT_LOADED,     /* the connection is not loaded (charon restarted?) */
	VPNHA_IPSEC_BLOCK_ERROR,    /* the block policies could not be re-asserted */
	VPNHA_IPSEC_KERNEL_MISSING, /* deep: the kernel lacks an SA or policy of the CHILD_SA */
	VPNHA_IPSEC_VERDICTS
};

/* Ask charon on r->vici_socket about the connection, re-assert the block
 * policies (fail_closed; a missing one is logged), forget "down-since" once
 * a CHILD_SA is installed, and with deep cross-check it with the kernel. why:
 * the reason of any verdict but UP and PENDING. */
enum vpnha_ipsec_verdict vpnha_ipsec_res_assess(const struct vpnha_ipsec_res *r, bool deep, uint64_t deadline,
						struct vpnha_ipsec_sa_view *v, char *why, size_t whylen);
/* Seconds the connection has been pending: since the "down-since" record
 * (CLOCK_BOOTTIME s), written with now when absent. */
uint64_t vpnha_ipsec_res_pending_s(const struct vpnha_ipsec_res *r);

/* How a stop goes. */
struct vpnha_ipsec_stop {
	const char *vici_socket;
	const char *conn;   /* the connection (o->conn, else the configured one) */
	uint64_t wait_ms;   /* how long charon waits for the peer's answer to the IKE DELETE,
			     * bounded by half the time left before deadline */
	bool remove_blocks; /* the block policies go too (when recorded) */
};

/* Terminate the connection (another failure than a refusal is logged as a
 * warning) and unload what o says a start loaded (charon not running:
 * nothing to do, logged); clear what is left in the kernel between o's
 * endpoints (logged); remove the block policies when s says so; forget the
 * run state (r: agent and instance, block_prio; the rest with remove_blocks).
 * -errno with why. */
int vpnha_ipsec_res_stop(const struct vpnha_ipsec_res *r, const struct vpnha_rec_ipsec_owned *o,
			 const struct vpnha_ipsec_stop *s, uint64_t deadline, char *why, size_t whylen);

#endif
