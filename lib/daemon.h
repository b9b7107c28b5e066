/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every vpnha daemon (mii-linkd, vpnha-statusd) does the same way:
 * SIGTERM/SIGINT stop its libqb loop, and its pid in its run-state file.
 */
#ifndef VPNHA_DAEMON_H
#define VPNHA_DAEMON_H

#include <signal.h>

#include <qb/qbloop.h>

/*
 * Set at once when SIGTERM or SIGINT arrives (before the loop sees it), so
 * that no new cluster tool is run between the signal and the loop's exit.
 */
extern volatile sig_atomic_t vpnha_daemon_stopping;

/* SIGTERM/SIGINT: "signal N: exiting" and the loop stops. */
void vpnha_daemon_signals(qb_loop_t *loop);

/* This process's pid into the run-state file (runstate.h) agent/instance/key: 0 or -errno. */
int vpnha_daemon_pidfile(const char *agent, const char *instance, const char *key);

#endif
