/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Link state for mii-link: what a link notification says about an interface,
 * and the flap-suppression state machine that turns raw observations into
 * the values published as node attributes.
 *
 * The state machine is pure: no clock, no I/O. The caller passes "now" (ms
 * on any monotonic clock) with every observation and calls vpnha_ls_tick()
 * at vpnha_ls_next_deadline().
 *
 * Per interface:
 *  - the first observation is committed at once (initial state);
 *  - a raw change is committed once it has held for `dampen_ms` (0: at once);
 *  - each raw change is a flap; when `flap_threshold` flaps (> 0) fall within
 *    `flap_window_ms`, the interface is suppressed: published down until no
 *    flap for a whole window, then its raw state is published. So a storm
 *    changes the published value at most flap_threshold + 1 times.
 * Aggregate (several interfaces): require_all: up only when every interface
 * is up; otherwise (any): up when at least one is up.
 * Published values: 0 (down) or `multiplier` (up); -1 while unknown.
 */
#ifndef VPNHA_LINKSTATE_H
#define VPNHA_LINKSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VPNHA_IFNAMSIZ 16     /* IFNAMSIZ, without <net/if.h> vs <linux/if.h> clashes */
#define VPNHA_LS_MAX_IFS 16
#define VPNHA_LS_MAX_FLAPS 64  /* flap_threshold upper bound */

struct vpnha_ls_cfg {
	uint64_t dampen_ms;
	unsigned flap_threshold;   /* 0: no flap suppression */
	uint64_t flap_window_ms;   /* > 0 when flap_threshold > 0 */
	bool require_all;
	int64_t multiplier;        /* >= 1 */
};

struct vpnha_ls_if {
	char name[VPNHA_IFNAMSIZ];
	int raw;                   /* -1 unknown, 0 down, 1 up */
	uint64_t raw_since;        /* time of the last raw change */
	int stable;                /* published state: -1 unknown, 0, 1 */
	bool suppressed;
	uint64_t flaps[VPNHA_LS_MAX_FLAPS]; /* ring of raw change times */
	unsigned n_flaps, flap_head;
	unsigned changes;          /* published changes (after the first) */
	unsigned suppressions;     /* times suppression started */
};

struct vpnha_ls {
	struct vpnha_ls_cfg cfg;
	size_t n;
	struct vpnha_ls_if ifs[VPNHA_LS_MAX_IFS];
};

/* Check a configuration: 0 or -EINVAL with a reason. */
int vpnha_ls_cfg_check(const struct vpnha_ls_cfg *cfg, char *why, size_t whylen);
/* Initialise (cfg must pass vpnha_ls_cfg_check). */
void vpnha_ls_init(struct vpnha_ls *ls, const struct vpnha_ls_cfg *cfg);
/* Track an interface: its index, -E2BIG when full, -EEXIST, -EINVAL. */
int vpnha_ls_add(struct vpnha_ls *ls, const char *ifname);
/* Index of a tracked interface, or -1. */
int vpnha_ls_find(const struct vpnha_ls *ls, const char *ifname);

/*
 * Feed an observation of interface idx at time now. Returns true when a
 * published value (the interface's or the aggregate) changed.
 */
bool vpnha_ls_observe(struct vpnha_ls *ls, size_t idx, bool up, uint64_t now);
/* Let time pass: commit dampened changes, end suppressions. Same return. */
bool vpnha_ls_tick(struct vpnha_ls *ls, uint64_t now);
/* When vpnha_ls_tick must next be called; UINT64_MAX when nothing pends. */
uint64_t vpnha_ls_next_deadline(const struct vpnha_ls *ls);

/* Published value of interface idx: 0, multiplier, or -1 (unknown). */
int64_t vpnha_ls_value(const struct vpnha_ls *ls, size_t idx);
/* Published aggregate value: 0, multiplier, or -1 (unknown). */
int64_t vpnha_ls_aggregate(const struct vpnha_ls *ls);

/* ---- link notifications ---- */

struct vpnha_link_info {
	char name[VPNHA_IFNAMSIZ];
	int ifindex;
	unsigned flags;            /* IFF_* */
	uint8_t operstate;         /* IF_OPER_* */
	uint8_t carrier;
	bool deleted;              /* RTM_DELLINK */
};

/*
 * Parse one rtnetlink link message (RTM_NEWLINK/RTM_DELLINK, as received:
 * nlmsghdr first) of len bytes. 0, or -EINVAL for anything malformed or not a
 * link message. Uses libnl-route's parser.
 */
int vpnha_link_info_parse(const void *buf, size_t len, struct vpnha_link_info *out);

/*
 * Is the link usable: administratively up, carrier (IFF_LOWER_UP), and an
 * operational state of up or unknown (drivers that don't report one).
 * A deleted link is down.
 */
bool vpnha_link_info_up(const struct vpnha_link_info *li);

#endif
