/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One BGP neighbor in FRR's bgpd as a resource keeps it (lib/frr-peer.c),
 * over the vty client and the configuration sequences of lib/frr.h: its
 * state record (ownership and start time), start and stop, the assessment
 * of its state in bgpd (a typed verdict and a one-line reason; the caller
 * maps the verdict to an OCF rc), the health decisions on an Established or
 * a down session, and the validators of the values that reach the vty.
 *
 * Two modes: configure (start adds the neighbor, recorded as added; stop
 * shuts it down, then removes it if added) and shutdown (the neighbor lives
 * in frr.conf; start and stop toggle `neighbor X shutdown`).
 *
 * Failures fill a struct vpnha_frr_peer_err: the reason, and whether it is a
 * timeout. Functions return 0 or a negative errno; nothing here prints.
 */
#ifndef VPNHA_FRR_PEER_H
#define VPNHA_FRR_PEER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frr.h"
#include "params.h"

#define VPNHA_FRR_NAME_MAX 36 /* FRR's VRF_NAMSIZ */

/* vpnha_validate_fn: a VRF or BFD profile name (one word of [A-Za-z0-9_.-],
 * at most VPNHA_FRR_NAME_MAX characters); an update source (a unicast
 * address or an interface name); an address family vpnha_frr_af_parse knows. */
int vpnha_frr_validate_name(const struct vpnha_val *v, char *why, size_t whylen);
int vpnha_frr_validate_update_source(const struct vpnha_val *v, char *why, size_t whylen);
int vpnha_frr_validate_af(const struct vpnha_val *v, char *why, size_t whylen);

/* The modes, in this order (a select parameter's options). */
enum vpnha_frr_peer_manage {
	VPNHA_FRR_PEER_CONFIGURE = 0,
	VPNHA_FRR_PEER_SHUTDOWN = 1
};
extern const char *const vpnha_frr_peer_modes[3];

/* What a resource works on: from its parameters, or from its record at stop. */
struct vpnha_frr_peer {
	char neighbor[INET6_ADDRSTRLEN];
	char vrf[VPNHA_FRR_NAME_MAX + 1]; /* "" = default instance */
	int64_t local_as;
	int manage; /* enum vpnha_frr_peer_manage */
	char vty_dir[256];
	bool added;          /* configure mode: the resource added the neighbor */
	uint64_t started_ms; /* CLOCK_MONOTONIC at start */
};

/* vrf: NULL or "default" is the default instance (""). */
void vpnha_frr_peer_init(struct vpnha_frr_peer *p, const struct vpnha_addr *neighbor, const char *vrf,
			 int64_t local_as, int manage, const char *vty_dir);
/* "neighbor X" or "neighbor X (vrf V)", for logs and reasons. */
const char *vpnha_frr_peer_where(const struct vpnha_frr_peer *p, char *buf, size_t len);

/* The state record under AGENT/INSTANCE (lib/records.h, VPNHA_REC_BGP_STATE,
 * key "state"; strict: it feeds the vty at stop). load: -ENOENT when absent,
 * -EBADMSG when unusable (mode, VRF name, lengths). */
#define VPNHA_FRR_PEER_KEY "state"
int vpnha_frr_peer_save(const char *agent, const char *instance, const struct vpnha_frr_peer *p);
int vpnha_frr_peer_load(const char *agent, const char *instance, struct vpnha_frr_peer *p);

struct vpnha_frr_peer_err {
	bool timeout;  /* bgpd did not answer in time */
	char why[512]; /* one line */
};

/* What a start brings. */
struct vpnha_frr_peer_start {
	bool ours;                                    /* the record says the resource added the neighbor already */
	int64_t remote_as;                            /* shutdown mode: the remote AS bgpd must have; -1: any */
	const struct vpnha_frr_bgp_neighbor_cfg *cfg; /* configure mode: the neighbor's settings */
	bool wait_established;                        /* then wait for Established until deadline */
};

/* Start the neighbor (p->started_ms kept from an earlier start as the modes
 * say): the BGP instance must exist; shutdown mode: the neighbor from
 * frr.conf (with remote_as) brought up; configure mode: ownership recorded
 * before adding (a neighbor there but not ours is refused), then added; then
 * recorded, checked up (logged), and with wait_established waited for. */
int vpnha_frr_peer_start(const char *agent, const char *instance, struct vpnha_frr_peer *p,
			 const struct vpnha_frr_peer_start *s, uint64_t deadline, struct vpnha_frr_peer_err *e);
/* Shut the neighbor down (and remove it if the resource added it), then
 * forget the record; bgpd gone or the neighbor not configured: done (logged). */
int vpnha_frr_peer_stop(const char *agent, const char *instance, const struct vpnha_frr_peer *p, uint64_t deadline,
			struct vpnha_frr_peer_err *e);
/* Retune the neighbor's settings that change without a session reset. */
int vpnha_frr_peer_retune(const struct vpnha_frr_peer *p, const struct vpnha_frr_bgp_neighbor_cfg *cfg,
			  uint64_t deadline, struct vpnha_frr_peer_err *e);
/* bgpd answers and has the BGP instance. */
int vpnha_frr_peer_instance_check(const struct vpnha_frr_peer *p, uint64_t deadline, struct vpnha_frr_peer_err *e);

/* What bgpd says of the neighbor. */
enum vpnha_frr_peer_verdict {
	VPNHA_FRR_PEER_UP,         /* configured and not admin down: nb says the session state */
	VPNHA_FRR_PEER_BGPD_GONE,  /* bgpd is not running (probing: or not answering, or went away) */
	VPNHA_FRR_PEER_BGPD_ERROR, /* bgpd did not answer as it should (e.timeout: in time) */
	VPNHA_FRR_PEER_ABSENT,     /* not configured in bgpd (probing, or nothing recorded) */
	VPNHA_FRR_PEER_REMOVED,    /* removed from bgpd behind the resource's back */
	VPNHA_FRR_PEER_ADMIN_DOWN, /* administratively down */
	VPNHA_FRR_PEER_VERDICTS
};

/* Ask bgpd about the neighbor; probe and recorded (a state record exists)
 * are the facts the verdict depends on. e.why: the reason of any verdict
 * but UP (then logged at debug level). */
enum vpnha_frr_peer_verdict vpnha_frr_peer_assess(const struct vpnha_frr_peer *p, bool probe, bool recorded,
						  uint64_t deadline, struct vpnha_frr_neighbor *nb,
						  struct vpnha_frr_peer_err *e);

/* How healthy an UP neighbor is, by the resource's policy (pure). */
struct vpnha_frr_peer_policy {
	bool require_established;
	uint64_t grace_ms;     /* established_grace */
	uint64_t min_prefixes; /* checked when deep */
	bool deep;             /* OCF_CHECK_LEVEL >= 10 */
};

enum vpnha_frr_peer_health {
	VPNHA_FRR_HEALTH_OK,              /* Established (prefixes enough or not checked) */
	VPNHA_FRR_HEALTH_DOWN_TOLERATED,  /* not Established, not required */
	VPNHA_FRR_HEALTH_DOWN_GRACE,      /* not Established, within grace */
	VPNHA_FRR_HEALTH_DOWN_FAILED,     /* not Established for *down_ms, past grace */
	VPNHA_FRR_HEALTH_PREFIXES_GRACE,  /* fewer prefixes, within grace */
	VPNHA_FRR_HEALTH_PREFIXES_FAILED, /* fewer prefixes, past grace */
};

/* Down since the start (started_ms, 0: unknown) or the last reset, whichever
 * is later; *down_ms: how long (UINT64_MAX: unknown, never past grace). */
enum vpnha_frr_peer_health vpnha_frr_peer_health(const struct vpnha_frr_peer_policy *pol, uint64_t started_ms,
						 const struct vpnha_frr_neighbor *nb, uint64_t now_ms,
						 uint64_t *down_ms);

#endif
