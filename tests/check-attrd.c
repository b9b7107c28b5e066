/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The attrd_updater helper against a fake attrd_updater (a script written
 * here, selected with VPNHA_ATTRD_UPDATER): the exact argv, the environment
 * it gets, the exit-code mapping, timeouts, a missing tool, query parsing.
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attrd-pub.h"
#include "attrd.h"

static char dir[] = "/tmp/check-attrd-XXXXXX";
static char fake[256], argvlog[256];

/* Write a fake attrd_updater that logs argv + env, prints OUT, exits RC. */
static void write_fake(const char *body)
{
	FILE *f = fopen(fake, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done > %s\n"
		   "env > %s.env\n%s\n", argvlog, argvlog, body);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(fake, 0700), 0);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fake, sizeof(fake), "%s/attrd_updater", dir);
	snprintf(argvlog, sizeof(argvlog), "%s/argv", dir);
	setenv("VPNHA_ATTRD_UPDATER", fake, 1);
	setenv("SECRET_SHOULD_NOT_LEAK", "x", 1);
}

static void teardown(void)
{
	char p[300];

	unlink(fake);
	unlink(argvlog);
	snprintf(p, sizeof(p), "%s.env", argvlog);
	unlink(p);
	rmdir(dir);
	strcpy(dir, "/tmp/check-attrd-XXXXXX");
}

START_TEST(test_path)
{
	ck_assert_str_eq(vpnha_attrd_updater_path(), fake);
	unsetenv("VPNHA_ATTRD_UPDATER");
	ck_assert_str_eq(vpnha_attrd_updater_path(), "/usr/sbin/attrd_updater");
}
END_TEST

START_TEST(test_update_argv)
{
	char detail[128];
	char envlog[300];

	write_fake("exit 0");
	ck_assert_int_eq(vpnha_attrd_update("vpnha-link-eth0", "100", 0, 5000, detail, sizeof(detail)),
			 VPNHA_ATTRD_OK);
	ck_assert_str_eq(slurp(argvlog), "-n\nvpnha-link-eth0\n-B\n100\n-d\n0ms\n");
	ck_assert_int_eq(vpnha_attrd_update("x", "0", 2500, 5000, NULL, 0), VPNHA_ATTRD_OK);
	ck_assert_str_eq(slurp(argvlog), "-n\nx\n-B\n0\n-d\n2500ms\n");
	/* an explicit, minimal environment */
	snprintf(envlog, sizeof(envlog), "%s.env", argvlog);
	ck_assert_ptr_null(strstr(slurp(envlog), "SECRET_SHOULD_NOT_LEAK"));
	ck_assert_ptr_nonnull(strstr(slurp(envlog), "PATH=/usr/sbin"));
}
END_TEST

START_TEST(test_query_delete_argv)
{
	char value[64];

	write_fake("echo 'name=\"a.b\" host=\"node1\" value=\"42\"'; "
		   "echo 'name=\"a.b\" host=\"node2\" value=\"43\"'");
	ck_assert_int_eq(vpnha_attrd_query("a.b", NULL, value, sizeof(value), 5000, NULL, 0), VPNHA_ATTRD_OK);
	ck_assert_str_eq(value, "42");
	ck_assert_str_eq(slurp(argvlog), "-n\na.b\n-Q\n");
	ck_assert_int_eq(vpnha_attrd_query("a.b", "node2", value, sizeof(value), 5000, NULL, 0),
			 VPNHA_ATTRD_OK);
	ck_assert_str_eq(value, "43"); /* node2's line, not the first one */
	ck_assert_str_eq(slurp(argvlog), "-n\na.b\n-Q\n-N\nnode2\n");
	ck_assert_int_eq(vpnha_attrd_delete("a.b", 5000, NULL, 0), VPNHA_ATTRD_OK);
	ck_assert_str_eq(slurp(argvlog), "-n\na.b\n-D\n");
	/* output without our attribute */
	write_fake("echo 'name=\"other\" host=\"node1\" value=\"1\"'");
	ck_assert_int_eq(vpnha_attrd_query("a.b", NULL, value, sizeof(value), 5000, NULL, 0),
			 VPNHA_ATTRD_NOT_FOUND);
	/* garbage */
	write_fake("echo 'name=\"a.b\" host=\"n\" value=\"unterminated'");
	ck_assert_int_eq(vpnha_attrd_query("a.b", NULL, value, sizeof(value), 5000, NULL, 0),
			 VPNHA_ATTRD_ERROR);
}
END_TEST

/* A deletion attrd writes after a grace, and a value set without touching the delay. */
START_TEST(test_delete_after_set_value)
{
	char all[300], body[600];

	snprintf(all, sizeof(all), "%s.all", argvlog);
	unlink(all);
	/* the fake keeps every run's argv, one run a line */
	snprintf(body, sizeof(body), "echo \"$*\" >> %s", all);
	write_fake(body);
	ck_assert_int_eq(vpnha_attrd_delete_after("a.b", 30000, 5000, NULL, 0), VPNHA_ATTRD_OK);
	ck_assert_str_eq(slurp(all), "-n a.b -Y -d 30000ms\n-n a.b -D\n");
	unlink(all);
	/* grace 0: a plain delete */
	ck_assert_int_eq(vpnha_attrd_delete_after("a.b", 0, 5000, NULL, 0), VPNHA_ATTRD_OK);
	ck_assert_str_eq(slurp(all), "-n a.b -D\n");
	unlink(all);
	ck_assert_int_eq(vpnha_attrd_set_value("a.b", "1", 5000, NULL, 0), VPNHA_ATTRD_OK);
	ck_assert_str_eq(slurp(all), "-n a.b -U 1\n");
	unlink(all);
	/* the delay cannot be set (no such attribute: 105): nothing to delete, no second run */
	snprintf(body, sizeof(body), "echo \"$*\" >> %s; exit 105", all);
	write_fake(body);
	ck_assert_int_eq(vpnha_attrd_delete_after("a.b", 1000, 5000, NULL, 0), VPNHA_ATTRD_OK);
	ck_assert_str_eq(slurp(all), "-n a.b -Y -d 1000ms\n");
	unlink(all);
	/* no cluster: reported, no second run */
	snprintf(body, sizeof(body), "echo \"$*\" >> %s; exit 102", all);
	write_fake(body);
	ck_assert_int_eq(vpnha_attrd_delete_after("a.b", 1000, 5000, NULL, 0), VPNHA_ATTRD_NO_CLUSTER);
	ck_assert_str_eq(slurp(all), "-n a.b -Y -d 1000ms\n");
	unlink(all);
	/* bad arguments run nothing */
	ck_assert_int_eq(vpnha_attrd_delete_after("bad name", 1000, 5000, NULL, 0), VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(vpnha_attrd_set_value("a.b", NULL, 5000, NULL, 0), VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(vpnha_attrd_set_value("bad name", "1", 5000, NULL, 0), VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(access(all, F_OK), -1);
}
END_TEST

/* The CIB's view (crm_attribute, VPNHA_CRM_ATTRIBUTE) and attrd_updater -R. */
START_TEST(test_cib_query_refresh)
{
	char value[8];

	setenv("VPNHA_CRM_ATTRIBUTE", fake, 1);
	write_fake("echo 1");
	ck_assert_int_eq(vpnha_cib_attr_query("a.b", "node2", value, sizeof(value), 5000, NULL, 0),
			 VPNHA_ATTRD_OK);
	ck_assert_str_eq(value, "1");
	ck_assert_str_eq(slurp(argvlog), "--lifetime\nreboot\n--node\nnode2\n--name\na.b\n--query\n--quiet\n");
	/* not in the CIB: crm_attribute exits 105 (CRM_EX_NOSUCH) */
	write_fake("echo 'Error performing operation: No such device or address' >&2; exit 105");
	ck_assert_int_eq(vpnha_cib_attr_query("a.b", "node2", value, sizeof(value), 5000, NULL, 0),
			 VPNHA_ATTRD_NOT_FOUND);
	ck_assert_str_eq(value, "");
	/* a value longer than the buffer is an error, never truncated */
	write_fake("echo 12345678");
	ck_assert_int_eq(vpnha_cib_attr_query("a.b", "node2", value, sizeof(value), 5000, NULL, 0),
			 VPNHA_ATTRD_ERROR);
	/* empty value: present, empty */
	write_fake("echo");
	ck_assert_int_eq(vpnha_cib_attr_query("a.b", "node2", value, sizeof(value), 5000, NULL, 0),
			 VPNHA_ATTRD_OK);
	ck_assert_str_eq(value, "");
	/* bad arguments run nothing */
	unlink(argvlog);
	ck_assert_int_eq(vpnha_cib_attr_query("a b", "node2", value, sizeof(value), 5000, NULL, 0),
			 VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(vpnha_cib_attr_query("a.b", NULL, value, sizeof(value), 5000, NULL, 0),
			 VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(access(argvlog, F_OK), -1);
	unsetenv("VPNHA_CRM_ATTRIBUTE");
	write_fake("exit 0");
	ck_assert_int_eq(vpnha_attrd_refresh(5000, NULL, 0), VPNHA_ATTRD_OK);
	ck_assert_str_eq(slurp(argvlog), "-R\n");
	write_fake("exit 102");
	ck_assert_int_eq(vpnha_attrd_refresh(5000, NULL, 0), VPNHA_ATTRD_NO_CLUSTER);
}
END_TEST

/* Exit codes of attrd_updater (Pacemaker's crm_exit_t) to results. */
static const struct { int code; enum vpnha_attrd_result want; } codes[] = {
	{ 0, VPNHA_ATTRD_OK },
	{ 1, VPNHA_ATTRD_ERROR },
	{ 2, VPNHA_ATTRD_INVALID },
	{ 64, VPNHA_ATTRD_INVALID },
	{ 69, VPNHA_ATTRD_NO_CLUSTER },
	{ 102, VPNHA_ATTRD_NO_CLUSTER },
	{ 105, VPNHA_ATTRD_NOT_FOUND },
	{ 124, VPNHA_ATTRD_TIMEOUT },
	{ 127, VPNHA_ATTRD_NOT_INSTALLED },
	{ 42, VPNHA_ATTRD_ERROR },
	{ 255, VPNHA_ATTRD_ERROR },
};

START_TEST(test_exit_codes)
{
	char body[128], detail[128];
	enum vpnha_attrd_result r;

	snprintf(body, sizeof(body), "echo 'attrd_updater: some message %d' >&2; exit %d",
		 codes[_i].code, codes[_i].code);
	write_fake(body);
	r = vpnha_attrd_update("n", "1", 0, 5000, detail, sizeof(detail));
	ck_assert_msg(r == codes[_i].want, "exit %d -> %s, want %s", codes[_i].code,
		      vpnha_attrd_result_str(r), vpnha_attrd_result_str(codes[_i].want));
	if (codes[_i].want != VPNHA_ATTRD_OK)
		ck_assert_ptr_nonnull(strstr(detail, "some message"));
	/* delete: an absent attribute is fine */
	r = vpnha_attrd_delete("n", 5000, NULL, 0);
	ck_assert(r == (codes[_i].want == VPNHA_ATTRD_NOT_FOUND ? VPNHA_ATTRD_OK : codes[_i].want));
}
END_TEST

START_TEST(test_map_exit_direct)
{
	ck_assert_int_eq(vpnha_attrd_map_exit(0, 9, 0), VPNHA_ATTRD_ERROR);   /* signal */
	ck_assert_int_eq(vpnha_attrd_map_exit(1, 0, 1), VPNHA_ATTRD_TIMEOUT);  /* our deadline */
	ck_assert_int_eq(vpnha_attrd_map_exit(1, 102, 0), VPNHA_ATTRD_NO_CLUSTER);
}
END_TEST

START_TEST(test_timeout)
{
	write_fake("exec sleep 5");
	ck_assert_int_eq(vpnha_attrd_update("n", "1", 0, 200, NULL, 0), VPNHA_ATTRD_TIMEOUT);
}
END_TEST

START_TEST(test_signal)
{
	write_fake("kill -9 $$");
	ck_assert_int_eq(vpnha_attrd_update("n", "1", 0, 5000, NULL, 0), VPNHA_ATTRD_ERROR);
}
END_TEST

START_TEST(test_not_installed)
{
	char detail[256];

	ck_assert_int_eq(vpnha_attrd_update("n", "1", 0, 5000, detail, sizeof(detail)),
			 VPNHA_ATTRD_NOT_INSTALLED);
	ck_assert_ptr_nonnull(strstr(detail, fake));
	write_fake("exit 0");
	chmod(fake, 0600);
	ck_assert_int_eq(vpnha_attrd_delete("n", 5000, NULL, 0), VPNHA_ATTRD_NOT_INSTALLED);
}
END_TEST

START_TEST(test_bad_names)
{
	char v[8];

	write_fake("exit 0");
	ck_assert_int_eq(vpnha_attrd_update("", "1", 0, 5000, NULL, 0), VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(vpnha_attrd_update("-n", "1", 0, 5000, NULL, 0), VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(vpnha_attrd_update("a b", "1", 0, 5000, NULL, 0), VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(vpnha_attrd_delete("a;rm", 5000, NULL, 0), VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(vpnha_attrd_query("a\"b", NULL, v, sizeof(v), 5000, NULL, 0), VPNHA_ATTRD_INVALID);
	ck_assert_int_eq(access(argvlog, F_OK), -1); /* never run */
}
END_TEST

START_TEST(test_name_check)
{
	char longname[VPNHA_ATTRD_NAME_MAX + 2];

	ck_assert_int_eq(vpnha_attrd_name_check("vpnha-link-eth0"), 0);
	ck_assert_int_eq(vpnha_attrd_name_check("_x.y-z9"), 0);
	ck_assert_int_eq(vpnha_attrd_name_check("9abc"), -EINVAL);
	ck_assert_int_eq(vpnha_attrd_name_check(NULL), -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(vpnha_attrd_name_check(longname), -EINVAL);
	longname[VPNHA_ATTRD_NAME_MAX] = '\0';
	ck_assert_int_eq(vpnha_attrd_name_check(longname), 0);
}
END_TEST

static const struct { const char *out; const char *name; const char *host; int r; const char *v; } queries[] = {
	{ "name=\"a\" host=\"n1\" value=\"1\"\n", "a", NULL, 0, "1" },
	{ "name=\"a\" host=\"n1\" value=\"\"\n", "a", NULL, 0, "" },
	{ "name=\"b\" host=\"n1\" value=\"1\"\nname=\"a\" host=\"n1\" value=\"7\"", "a", NULL, 0, "7" },
	{ "name=\"ab\" host=\"n1\" value=\"1\"\n", "a", NULL, -ENOENT, NULL },
	{ "", "a", NULL, -ENOENT, NULL },
	{ "name=\"a\" host=\"n1\"\n", "a", NULL, -EINVAL, NULL },
	{ "name=\"a", "a", NULL, -EINVAL, NULL },
	{ "name=\"a\" host=\"n1\" value=\"0123456789abcdef\"", "a", NULL, -ENAMETOOLONG, NULL },
	{ "xname=\"a\" value=\"1\"", "a", NULL, -ENOENT, NULL },
	{ "host=\"name=\" name=\"a\" value=\"3\"", "a", NULL, 0, "3" },
	/* another node's line first (attrd_updater -Q without -N does this) */
	{ "name=\"a\" host=\"gw1\" value=\"0\"\nname=\"a\" host=\"gw2\" value=\"1\"\n", "a", "gw2", 0, "1" },
	{ "name=\"a\" host=\"gw1\" value=\"0\"\n", "a", "gw2", -ENOENT, NULL },
	{ "name=\"a\" host=\"gw22\" value=\"0\"\n", "a", "gw2", -ENOENT, NULL },
	{ "name=\"a\" value=\"0\"\n", "a", "gw2", -ENOENT, NULL },
	{ "name=\"a\" host=\"gw2", "a", "gw2", -EINVAL, NULL },
};

START_TEST(test_parse_query)
{
	char v[16] = "unchanged";
	int r = vpnha_attrd_parse_query(queries[_i].out, queries[_i].name, queries[_i].host, v, sizeof(v));

	ck_assert_msg(r == queries[_i].r, "case %d: %d want %d", _i, r, queries[_i].r);
	if (queries[_i].v)
		ck_assert_str_eq(v, queries[_i].v);
}
END_TEST

/* ---- attrd-pub: keeping a daemon's attributes published ---- */

static int64_t pub_values[2];

static int64_t pub_value(size_t i, void *arg)
{
	(void)arg;
	return pub_values[i];
}

static void pub_init(struct vpnha_attrd_pub *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->attrs[0].name, sizeof(p->attrs[0].name), "vpnha-link-eth0");
	snprintf(p->attrs[1].name, sizeof(p->attrs[1].name), "agg");
	p->n = 2;
	p->value = pub_value;
	p->dampen_ms = 1500;
	p->retry_s = 10;
}

START_TEST(test_pub_publish_once)
{
	struct vpnha_attrd_pub p;

	pub_init(&p);
	pub_values[0] = 100;
	pub_values[1] = -1; /* unknown: not published */
	write_fake("exit 0");
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_eq(p.state, VPNHA_PUB_OK);
	ck_assert_str_eq(vpnha_attrd_pub_state_str(p.state), "ok");
	ck_assert_str_eq(slurp(argvlog), "-n\nvpnha-link-eth0\n-B\n100\n-d\n1500ms\n");
	ck_assert(p.attrs[0].ok && !p.attrs[1].ok);
	ck_assert_str_eq(p.attrs[0].published, "100");
	ck_assert_uint_eq(p.publishes, 1);
	/* unchanged: attrd_updater is not run again */
	unlink(argvlog);
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_ne(access(argvlog, F_OK), 0);
	ck_assert_uint_eq(p.publishes, 1);
	/* forgotten (a restarted attrd): set again */
	vpnha_attrd_pub_invalidate(&p);
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_eq(access(argvlog, F_OK), 0);
	ck_assert_uint_eq(p.publishes, 2);
}
END_TEST

START_TEST(test_pub_no_cluster_then_failing)
{
	struct vpnha_attrd_pub p;

	pub_init(&p);
	pub_values[0] = 0;
	pub_values[1] = 0;
	write_fake("exit 102"); /* CRM_EX_NOT_CONNECTED */
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_eq(p.state, VPNHA_PUB_NO_CLUSTER);
	ck_assert_ptr_nonnull(strstr(p.error, "not published"));
	write_fake("exit 1");
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_eq(p.state, VPNHA_PUB_PENDING);
	vpnha_attrd_pub_publish(&p);
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_eq(p.state, VPNHA_PUB_FAILING);
	write_fake("exit 0");
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_eq(p.state, VPNHA_PUB_OK);
	ck_assert_str_eq(p.error, "");
}
END_TEST

/* In the hold a value is set under attrd's current delay (-U only); a lost link at once. */
START_TEST(test_pub_holding)
{
	struct vpnha_attrd_pub p;
	volatile sig_atomic_t stop = 0;

	pub_init(&p);
	p.n = 1;
	p.holding = true;
	p.stopping = &stop;
	pub_values[0] = 100;
	write_fake("exit 0");
	vpnha_attrd_pub_publish(&p);
	ck_assert_str_eq(slurp(argvlog), "-n\nvpnha-link-eth0\n-U\n100\n");
	pub_values[0] = 0;
	vpnha_attrd_pub_publish(&p);
	ck_assert_str_eq(slurp(argvlog), "-n\nvpnha-link-eth0\n-B\n0\n-d\n1500ms\n");
	/* stopping: no tool is run */
	stop = 1;
	pub_values[0] = 100;
	unlink(argvlog);
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_ne(access(argvlog, F_OK), 0);
}
END_TEST

/*
 * Early in the hold: a value the CIB does not hold is written at once (-B with
 * the attribute's delay); a value the CIB holds is left under the old delay.
 * One fake plays crm_attribute (--lifetime ...: the CIB's value, or 105) and
 * attrd_updater (its runs logged one a line).
 */
START_TEST(test_pub_hold_check)
{
	struct vpnha_attrd_pub p;
	char all[300], body[700];

	snprintf(all, sizeof(all), "%s.all", argvlog);
	setenv("VPNHA_CRM_ATTRIBUTE", fake, 1);
	pub_init(&p);
	p.n = 1;
	p.holding = true;
	pub_values[0] = 1;
	write_fake("exit 0");
	vpnha_attrd_pub_publish(&p);
	ck_assert(p.attrs[0].ok);
	/* the CIB holds 1: nothing is run but the query */
	unlink(all);
	snprintf(body, sizeof(body),
		 "if [ \"$1\" = --lifetime ]; then echo 1; exit 0; fi; echo \"$*\" >> %s", all);
	write_fake(body);
	vpnha_attrd_pub_hold_check(&p, "node1");
	ck_assert_int_ne(access(all, F_OK), 0);
	ck_assert(p.attrs[0].ok);
	/* not in the CIB (the deletion was written): -B with the delay, at once */
	snprintf(body, sizeof(body),
		 "if [ \"$1\" = --lifetime ]; then exit 105; fi; echo \"$*\" >> %s", all);
	write_fake(body);
	vpnha_attrd_pub_hold_check(&p, "node1");
	ck_assert_str_eq(slurp(all), "-n vpnha-link-eth0 -B 1 -d 1500ms\n");
	ck_assert(p.attrs[0].ok);
	/* the CIB holds an older value (0): written at once too */
	unlink(all);
	snprintf(body, sizeof(body),
		 "if [ \"$1\" = --lifetime ]; then echo 0; exit 0; fi; echo \"$*\" >> %s", all);
	write_fake(body);
	vpnha_attrd_pub_hold_check(&p, "node1");
	ck_assert_str_eq(slurp(all), "-n vpnha-link-eth0 -B 1 -d 1500ms\n");
	/* the hold is over: nothing to check */
	unlink(all);
	p.holding = false;
	vpnha_attrd_pub_hold_check(&p, "node1");
	ck_assert_int_ne(access(all, F_OK), 0);
	unlink(all);
	unsetenv("VPNHA_CRM_ATTRIBUTE");
}
END_TEST

/* With failing_after_ms, three failures in quick succession are still pending. */
START_TEST(test_pub_failing_after)
{
	struct vpnha_attrd_pub p;
	int i;

	pub_init(&p);
	p.failing_after_ms = 60000;
	pub_values[0] = 0;
	pub_values[1] = 0;
	write_fake("exit 1");
	for (i = 0; i < 5; i++)
		vpnha_attrd_pub_publish(&p);
	ck_assert_int_eq(p.state, VPNHA_PUB_PENDING);
	ck_assert_uint_eq(p.failures, 5);
	/* the first failure long ago: failing */
	p.failing_since_ms -= 60000;
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_eq(p.state, VPNHA_PUB_FAILING);
	write_fake("exit 0");
	vpnha_attrd_pub_publish(&p);
	ck_assert_int_eq(p.state, VPNHA_PUB_OK);
	ck_assert_uint_eq(p.failures, 0);
}
END_TEST

static Suite *attrd_suite(void)
{
	Suite *s = suite_create("attrd");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_path);
	tcase_add_test(tc, test_update_argv);
	tcase_add_test(tc, test_query_delete_argv);
	tcase_add_loop_test(tc, test_exit_codes, 0, sizeof(codes) / sizeof(codes[0]));
	tcase_add_test(tc, test_map_exit_direct);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_signal);
	tcase_add_test(tc, test_not_installed);
	tcase_add_test(tc, test_cib_query_refresh);
	tcase_add_test(tc, test_delete_after_set_value);
	tcase_add_test(tc, test_bad_names);
	tcase_add_test(tc, test_name_check);
	tcase_add_loop_test(tc, test_parse_query, 0, sizeof(queries) / sizeof(queries[0]));
	tcase_add_test(tc, test_pub_publish_once);
	tcase_add_test(tc, test_pub_no_cluster_then_failing);
	tcase_add_test(tc, test_pub_holding);
	tcase_add_test(tc, test_pub_hold_check);
	tcase_add_test(tc, test_pub_failing_after);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(attrd_suite)
