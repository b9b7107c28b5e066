/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every vpnha daemon does the same way (daemon.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "records.h"
#include "runstate.h"

volatile sig_atomic_t vpnha_daemon_stopping;

/*
 * libqb's handler queues the signal for the main loop; ours, chained in
 * front of it, also sets vpnha_daemon_stopping at once.
 */
static struct sigaction qb_sa_term, qb_sa_int;

static void on_stop_signal(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *o = sig == SIGINT ? &qb_sa_int : &qb_sa_term;

	vpnha_daemon_stopping = 1;
	if (o->sa_flags & SA_SIGINFO) {
		if (o->sa_sigaction)
			o->sa_sigaction(sig, si, uc);
	} else if (o->sa_handler != SIG_DFL && o->sa_handler != SIG_IGN) {
		o->sa_handler(sig);
	}
}

static int32_t on_signal(int32_t sig, void *data)
{
	vpnha_log_info("signal %d: exiting", sig);
	qb_loop_stop(data);
	return 0;
}

void vpnha_daemon_signals(qb_loop_t *loop)
{
	qb_loop_signal_handle sh;
	struct sigaction sa;

	qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGTERM, loop, on_signal, &sh);
	qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGINT, loop, on_signal, &sh);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &qb_sa_term);
	sigaction(SIGINT, &sa, &qb_sa_int);
}

int vpnha_daemon_pidfile(const char *agent, const char *instance, const char *key)
{
	const struct vpnha_rec_pid rec = { .pid = (int)getpid() };

	return vpnha_record_write(VPNHA_REC_PID, agent, instance, key, &rec);
}
