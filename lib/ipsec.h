/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One IKEv2 connection in strongSwan's charon, over VICI (lib/vici.h), and
 * its truth in the kernel (lib/xfrm.h): what list-sas says of a connection
 * (the SA view), the cross-check of its installed CHILD_SAs against the
 * kernel's SAs and policies, the swanctl-style load-conn message, the
 * credential and control commands, and the fail-closed block policies.
 *
 * Policy (which values a connection gets) is the caller's: everything that
 * goes into load-conn comes from struct vpnha_ipsec_conn_cfg. Functions
 * return 0 or a negative errno; where they take why, it holds a one-line
 * reason on failure. Nothing here prints.
 */
#ifndef VPNHA_IPSEC_H
#define VPNHA_IPSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "vici.h"
#include "xfrm.h"

/* vpnha_validate_fn for strongSwan syntax: a traffic selector (as
 * vpnha_xfrm_ts_parse takes it), a proposal (algo-algo-...), an IKE
 * identity (no control characters). */
int vpnha_ipsec_validate_ts(const struct vpnha_val *v, char *why, size_t whylen);
int vpnha_ipsec_validate_proposal(const struct vpnha_val *v, char *why, size_t whylen);
int vpnha_ipsec_validate_id(const struct vpnha_val *v, char *why, size_t whylen);

/* A connect/request error that means charon is not running (not a failure of it). */
bool vpnha_ipsec_charon_absent(int err);

/* Is connection NAME loaded (get-conns)? */
int vpnha_ipsec_conn_loaded(struct vpnha_vici_conn *c, const char *name, uint64_t deadline, bool *loaded);

/* ---- the SA view: what list-sas says about one connection ---- */
#define VPNHA_IPSEC_MAX_TS 8
#define VPNHA_IPSEC_TS_LEN 80

/* An INSTALLED CHILD_SA of the wanted name. */
struct vpnha_ipsec_child {
	uint32_t spi_in, spi_out;
	char local_ts[VPNHA_IPSEC_MAX_TS][VPNHA_IPSEC_TS_LEN], remote_ts[VPNHA_IPSEC_MAX_TS][VPNHA_IPSEC_TS_LEN];
	size_t n_lts, n_rts;
};

struct vpnha_ipsec_sa_view {
	const char *child;
	unsigned ike_total, ike_established;
	unsigned children_installed;
	struct vpnha_addr local, remote; /* of an established IKE_SA */
	struct vpnha_ipsec_child ch[4];
	size_t n_ch;
};

/* list-sas for IKE connection CONN, counting the CHILD_SAs named CHILD. */
int vpnha_ipsec_sa_list(struct vpnha_vici_conn *c, const char *conn, const char *child, uint64_t deadline,
			struct vpnha_ipsec_sa_view *v);
/* Every installed CHILD_SA of the view has both SAs and, for each pair of
 * its traffic selectors, its out and in policies in the kernel: 0, or
 * -ENOENT (what is missing in why), or another -errno. */
int vpnha_ipsec_kernel_check(const struct vpnha_ipsec_sa_view *v, char *why, size_t whylen);

/* ---- load-conn ---- */
struct vpnha_ipsec_conn_cfg {
	const char *name, *child;
	const char *local_addr, *remote_addr;
	bool psk; /* auth psk, else pubkey */
	const char *local_id, *remote_id;
	const char *cert, *cacert; /* pubkey: PEM data (VICI takes data, not file names) */
	const struct vpnha_value *proposals, *esp_proposals, *local_ts, *remote_ts;
	const char *mode; /* tunnel, transport */
	uint64_t dpd_delay_s, rekey_time_s, child_rekey_time_s;
	/* the connection's policy, as swanctl.conf spells it */
	const char *keyingtries, *unique, *mobike;
	const char *dpd_action, *start_action, *close_action;
};

int vpnha_ipsec_conn_load(struct vpnha_vici_conn *c, const struct vpnha_ipsec_conn_cfg *cfg, uint64_t deadline,
			  char *why, size_t whylen);

/* load-shared: an IKE secret with id ID for the two identities. */
int vpnha_ipsec_shared_load(struct vpnha_vici_conn *c, const char *id, const void *data, size_t len,
			    const char *owner1, const char *owner2, uint64_t deadline, char *why, size_t whylen);
/* load-key: a private key; its id charon answers goes to key_id ("" when
 * absent or longer than key_id_len - 1). */
int vpnha_ipsec_key_load(struct vpnha_vici_conn *c, const void *data, size_t len, char *key_id, size_t key_id_len,
			 uint64_t deadline, char *why, size_t whylen);
/* initiate CHILD of IKE without waiting for it (the remote may be down). */
int vpnha_ipsec_initiate(struct vpnha_vici_conn *c, const char *ike, const char *child, uint64_t deadline,
			 char *why, size_t whylen);
/* terminate IKE by force; with wait_ms > 0 charon first waits that long for
 * the peer's answer to the DELETE. */
int vpnha_ipsec_terminate(struct vpnha_vici_conn *c, const char *ike, uint64_t wait_ms, uint64_t deadline,
			  char *why, size_t whylen);
/* unload-conn (name), unload-key, unload-shared (id): CMD with KEY=VALUE. */
int vpnha_ipsec_unload(struct vpnha_vici_conn *c, const char *cmd, const char *key, const char *value,
		       uint64_t deadline, char *why, size_t whylen);

/* Unload what a start loaded: the connection CONN, the key KEY_ID, the
 * shared secret SHARED_ID (each NULL or "": not loaded). A refusal (gone
 * already) is not a failure; the first other error is returned. */
int vpnha_ipsec_conn_unload(struct vpnha_vici_conn *c, const char *conn, const char *key_id, const char *shared_id,
			    uint64_t deadline, char *why, size_t whylen);

/* ---- the kernel side ---- */
#define VPNHA_IPSEC_MAX_BLOCKS 16
/* The fail-closed block selectors (at most VPNHA_IPSEC_MAX_BLOCKS): out,
 * any source -> each remote traffic selector (dynamic: REMOTE), with its
 * protocol or else that of a single local selector (dynamic: LOCAL). A
 * selector that would block all traffic is refused (-EINVAL, why). */
int vpnha_ipsec_block_sels(const struct vpnha_value *local_ts, const struct vpnha_value *remote_ts,
			   const struct vpnha_addr *local, const struct vpnha_addr *remote, struct vpnha_xfrm_sel *sels,
			   size_t *n, char *why, size_t whylen);
/* Install the block policies for SELS at PRIO where missing (*added, may be
 * NULL: one was missing). */
int vpnha_ipsec_blocks_install(const struct vpnha_xfrm_sel *sels, size_t n, uint32_t prio, bool *added,
			       char *why, size_t whylen);
int vpnha_ipsec_blocks_remove(const struct vpnha_xfrm_sel *sels, size_t n, uint32_t prio);
/* Delete what a connection between LOCAL and REMOTE left in the kernel
 * (vpnha_xfrm_flush_pair, keeping policies of keep_prio), then check that no
 * SA is left either way (-EBUSY). Counts of deleted objects in n_sa, n_sp. */
int vpnha_ipsec_kernel_clear(const struct vpnha_addr *local, const struct vpnha_addr *remote, uint32_t keep_prio,
			     unsigned *n_sa, unsigned *n_sp);

#endif
