/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging through libqb's qb_log.
 *
 * Routing (as Pacemaker's agents do): syslog with HA_LOGFACILITY (unless
 * "none"), HA_LOGFILE if set, stderr when run by hand (no
 * OCF_RESKEY_crm_feature_set in the environment); debug level when
 * HA_debug=1. Messages are tagged "agent(instance)[pid]".
 */
#ifndef VPNHA_LOG_H
#define VPNHA_LOG_H

#include <stdbool.h>
#include <qb/qblog.h>

struct vpnha_log_config {
	const char *facility;  /* HA_LOGFACILITY; NULL or "none": no syslog */
	const char *logfile;   /* HA_LOGFILE; NULL: none */
	bool to_stderr;
	bool debug;
};

/* Read the configuration from the environment. */
void vpnha_log_config_env(struct vpnha_log_config *cfg);
/* Start logging for AGENT(INSTANCE). Returns 0 or a negative errno. */
int vpnha_log_init(const char *agent, const char *instance, const struct vpnha_log_config *cfg);
void vpnha_log_fini(void);
/* syslog facility number for a name ("daemon", "local0"...), -1 if unknown. */
int vpnha_log_facility(const char *name);

#define vpnha_log_err(...)     qb_log(LOG_ERR, __VA_ARGS__)
#define vpnha_log_warn(...)    qb_log(LOG_WARNING, __VA_ARGS__)
#define vpnha_log_notice(...)  qb_log(LOG_NOTICE, __VA_ARGS__)
#define vpnha_log_info(...)    qb_log(LOG_INFO, __VA_ARGS__)
#define vpnha_log_debug(...)   qb_log(LOG_DEBUG, __VA_ARGS__)

#endif
