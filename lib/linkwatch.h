/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Watching links for mii-linkd: a netlink socket subscribed to RTNLGRP_LINK
 * whose notifications are handed to a callback (struct vpnha_link_info,
 * linkstate.h), and a probe of one interface's state for the slow poll:
 * netlink (RTM_GETLINK), then ethtool get-link and the MII status register
 * where the driver has them (for drivers that send no events). libnl stays
 * inside: the caller polls vpnha_linkwatch_fd() in its own loop.
 */
#ifndef VPNHA_LINKWATCH_H
#define VPNHA_LINKWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <qb/qbloop.h>

#include "linkstate.h"

struct vpnha_linkwatch;

/* Called for every link notification that parses. */
typedef void (*vpnha_linkwatch_fn)(const struct vpnha_link_info *li, void *arg);

/*
 * Open the event socket (non-blocking, a 4 MiB receive buffer: room for a
 * storm before an overrun) and a second one for probes. 0, or a negative
 * error with its text in err.
 */
int vpnha_linkwatch_open(struct vpnha_linkwatch **out, vpnha_linkwatch_fn fn, void *arg, char *err,
			 size_t errlen);
void vpnha_linkwatch_close(struct vpnha_linkwatch *w);
/* The descriptor to poll for POLLIN. */
int vpnha_linkwatch_fd(const struct vpnha_linkwatch *w);
/*
 * Hand the pending notifications to the callback. 0, or a negative error
 * (e.g. an overrun during a storm: re-read the links) with its text in err.
 */
int vpnha_linkwatch_read(struct vpnha_linkwatch *w, char *err, size_t errlen);
/*
 * Is interface ifname (slot i < VPNHA_LS_MAX_IFS: what the driver lacks is
 * remembered per slot) usable now: up by netlink, and not down by ethtool
 * or MII where the driver answers those.
 */
bool vpnha_linkwatch_probe(struct vpnha_linkwatch *w, size_t i, const char *ifname);

/*
 * The link monitor of a daemon's libqb loop: feeds the flap-suppression
 * state machine ls (linkstate.h) from the notifications at once and from a
 * probe of every interface every poll_ms (for drivers that send no events;
 * an overrun during a storm is a probe too), and runs its timer. changed()
 * is called when a published value changed; polled() after every poll.
 */
struct vpnha_linkmon {
	qb_loop_t *loop;
	struct vpnha_ls *ls;
	struct vpnha_linkwatch *w;
	uint64_t poll_ms;
	void (*changed)(void *arg);
	void (*polled)(void *arg);
	void *arg;
	uint64_t events, overruns; /* notifications for our interfaces; overruns */
	/* internal */
	bool moved, deadline_armed;
	uint64_t deadline_at;
	qb_loop_timer_handle t_deadline, t_poll;
};

/* Open the watch and add it to m->loop (fields above set): 0, or -errno with err. */
int vpnha_linkmon_open(struct vpnha_linkmon *m, char *err, size_t errlen);
/* Probe every interface (the initial state: no callback). */
void vpnha_linkmon_probe_all(struct vpnha_linkmon *m);
/* Start the state machine's timer and the slow poll. */
void vpnha_linkmon_run(struct vpnha_linkmon *m);
void vpnha_linkmon_close(struct vpnha_linkmon *m);

#endif
