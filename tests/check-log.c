/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging routing: file, stderr, levels, tag, environment. */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "testutil.h"

static char logfile[128];

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void mklog(void)
{
	ck_assert_int_ge(test_mkstemp(logfile, sizeof(logfile), "check-log"), 0);
}

START_TEST(test_file_routing_and_tag)
{
	struct vpnha_log_config cfg = { .facility = "none", .logfile = logfile };
	char *s;

	mklog();
	vpnha_log_init("gre-tunnel", "tun0", &cfg);
	vpnha_log_info("hello %d", 42);
	vpnha_log_debug("hidden detail");
	vpnha_log_fini();
	s = slurp(logfile);
	unlink(logfile);
	ck_assert_msg(strstr(s, "gre-tunnel(tun0)[") != NULL, "no tag in: %s", s);
	ck_assert_ptr_nonnull(strstr(s, "hello 42"));
	ck_assert_ptr_null(strstr(s, "hidden detail"));
}
END_TEST

START_TEST(test_debug_level)
{
	struct vpnha_log_config cfg = { .facility = "none", .logfile = logfile, .debug = true };
	char *s;

	mklog();
	vpnha_log_init("a", "b", &cfg);
	vpnha_log_debug("detail shown");
	vpnha_log_fini();
	s = slurp(logfile);
	unlink(logfile);
	ck_assert_ptr_nonnull(strstr(s, "detail shown"));
}
END_TEST

START_TEST(test_stderr_routing)
{
	struct vpnha_log_config on = { .facility = "none", .to_stderr = true };
	char path[128];
	int saved = dup(STDERR_FILENO), fd;

	ck_assert_int_ge(test_mkstemp(path, sizeof(path), "check-log-err"), 0);
	fd = open(path, O_WRONLY);
	char *s;

	ck_assert_int_ge(fd, 0);
	dup2(fd, STDERR_FILENO);
	vpnha_log_init("mii-link", "l1", &on);
	vpnha_log_warn("to the terminal");
	vpnha_log_fini();
	dup2(saved, STDERR_FILENO);
	close(fd);
	s = slurp(path);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(s, "to the terminal"));
	ck_assert_ptr_nonnull(strstr(s, "mii-link(l1)"));
}
END_TEST

START_TEST(test_no_stderr_under_pacemaker)
{
	struct vpnha_log_config off = { .facility = "none", .to_stderr = false };
	char path[128];
	int saved = dup(STDERR_FILENO), fd;

	ck_assert_int_ge(test_mkstemp(path, sizeof(path), "check-log-err"), 0);
	fd = open(path, O_WRONLY);
	char *s;

	dup2(fd, STDERR_FILENO);
	vpnha_log_init("mii-link", "l1", &off);
	vpnha_log_err("not on stderr");
	vpnha_log_fini();
	dup2(saved, STDERR_FILENO);
	close(fd);
	s = slurp(path);
	unlink(path);
	ck_assert_ptr_null(strstr(s, "not on stderr"));
}
END_TEST

START_TEST(test_config_env)
{
	struct vpnha_log_config cfg;

	setenv("HA_LOGFACILITY", "local3", 1);
	setenv("HA_LOGFILE", "/var/log/x.log", 1);
	setenv("HA_debug", "1", 1);
	unsetenv("OCF_RESKEY_crm_feature_set");
	vpnha_log_config_env(&cfg);
	ck_assert_str_eq(cfg.facility, "local3");
	ck_assert_str_eq(cfg.logfile, "/var/log/x.log");
	ck_assert(cfg.debug);
	ck_assert(cfg.to_stderr);
	setenv("OCF_RESKEY_crm_feature_set", "3.16.2", 1);
	setenv("HA_debug", "0", 1);
	setenv("HA_LOGFILE", "", 1);
	vpnha_log_config_env(&cfg);
	ck_assert(!cfg.to_stderr);
	ck_assert(!cfg.debug);
	ck_assert_ptr_null(cfg.logfile);
}
END_TEST

START_TEST(test_facility_names)
{
	ck_assert_int_eq(vpnha_log_facility("daemon"), LOG_DAEMON);
	ck_assert_int_eq(vpnha_log_facility("LOCAL7"), LOG_LOCAL7);
	ck_assert_int_eq(vpnha_log_facility("none"), -1);
	ck_assert_int_eq(vpnha_log_facility("bogus"), -1);
	ck_assert_int_eq(vpnha_log_facility(NULL), -1);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("routing");

	tcase_add_test(tc, test_file_routing_and_tag);
	tcase_add_test(tc, test_debug_level);
	tcase_add_test(tc, test_stderr_routing);
	tcase_add_test(tc, test_no_stderr_under_pacemaker);
	tcase_add_test(tc, test_config_env);
	tcase_add_test(tc, test_facility_names);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(log_suite)
