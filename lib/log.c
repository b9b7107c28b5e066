/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "log.h"
#include "util.h"

static char log_name[128];
static int file_target = -1;

int vpnha_log_facility(const char *name)
{
	static const struct { const char *name; int fac; } tab[] = {
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 }, { "authpriv", LOG_AUTHPRIV },
	};
	size_t i;

	for (i = 0; name && i < VPNHA_ARRAY_SIZE(tab); i++)
		if (!strcasecmp(name, tab[i].name))
			return tab[i].fac;
	return -1;
}

static bool env_true(const char *s)
{
	return s && (!strcasecmp(s, "1") || !strcasecmp(s, "yes") || !strcasecmp(s, "true") ||
		     !strcasecmp(s, "on"));
}

void vpnha_log_config_env(struct vpnha_log_config *cfg)
{
	const char *logfile = getenv("HA_LOGFILE");

	memset(cfg, 0, sizeof(*cfg));
	cfg->facility = getenv("HA_LOGFACILITY");
	if (!cfg->facility)
		cfg->facility = "daemon";
	cfg->logfile = logfile && *logfile ? logfile : NULL;
	cfg->to_stderr = getenv("OCF_RESKEY_crm_feature_set") == NULL;
	cfg->debug = env_true(getenv("HA_debug"));
}

int vpnha_log_init(const char *agent, const char *instance, const struct vpnha_log_config *cfg)
{
	int level = cfg->debug ? LOG_DEBUG : LOG_INFO;
	int fac = vpnha_log_facility(cfg->facility);
	bool syslog_on = cfg->facility && strcasecmp(cfg->facility, "none") != 0;

	snprintf(log_name, sizeof(log_name), "%s(%s)", agent, instance ? instance : "default");
	qb_log_init(log_name, fac >= 0 ? fac : LOG_DAEMON, level);
	/* qb_log_init enables syslog with its own filter: set every target explicitly. */
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, syslog_on ? QB_TRUE : QB_FALSE);
	if (syslog_on) {
		qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_CLEAR_ALL, QB_LOG_FILTER_FILE, "*", 0);
		qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
		qb_log_format_set(QB_LOG_SYSLOG, "%N[%P]: %b");
	}
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, cfg->to_stderr ? QB_TRUE : QB_FALSE);
	if (cfg->to_stderr) {
		qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
		qb_log_format_set(QB_LOG_STDERR, "%N[%P]: %p: %b");
	}
	if (cfg->logfile) {
		file_target = qb_log_file_open(cfg->logfile);
		if (file_target < 0) {
			qb_log(LOG_WARNING, "cannot open log file %s: %s", cfg->logfile,
			       strerror(-file_target));
		} else {
			qb_log_filter_ctl(file_target, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
			qb_log_format_set(file_target, "%t %N[%P]: %p: %b");
			qb_log_ctl(file_target, QB_LOG_CONF_ENABLED, QB_TRUE);
		}
	}
	return 0;
}

void vpnha_log_fini(void)
{
	if (file_target >= 0) {
		qb_log_file_close(file_target);
		file_target = -1;
	}
	qb_log_fini();
}
