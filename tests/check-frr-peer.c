/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/frr-peer.c: the health decisions on a neighbor (pure), the validators,
 * the state record, and the verdicts and sequences against no bgpd, a dead
 * one, and a fake bgpd on a real vty socket answering canned replies.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-main.h"
#include "frr-peer.h"
#include "records.h"
#include "runstate.h"
#include "rundir.h"
#include "util.h"

#define DEADLINE() (vpnha_now_ms() + 2000)

static char dir[64];

static void setup(void)
{
	test_run_dir_fresh(dir, sizeof(dir), "check-frr-peer");
}

static void teardown(void)
{
	test_rmtree(dir);
}

/* A peer 10.77.0.2 in AS 65432 whose vty directory is the test's. */
static void peer_of(struct vpnha_frr_peer *p, const char *vrf, int manage)
{
	struct vpnha_addr a;

	ck_assert_int_eq(vpnha_parse_addr("10.77.0.2", 0, &a, NULL, 0), 0);
	vpnha_frr_peer_init(p, &a, vrf, 65432, manage, dir);
}

START_TEST(test_health)
{
	struct vpnha_frr_peer_policy pol = { .require_established = true, .grace_ms = 60000, .min_prefixes = 2 };
	struct vpnha_frr_neighbor nb = { .state = VPNHA_FRR_BGP_ACTIVE };
	uint64_t down;

	/* down, not required */
	pol.require_established = false;
	ck_assert_int_eq(vpnha_frr_peer_health(&pol, 1000, &nb, 500000, &down), VPNHA_FRR_HEALTH_DOWN_TOLERATED);
	pol.require_established = true;
	/* since the start: 499 s, past the grace */
	ck_assert_int_eq(vpnha_frr_peer_health(&pol, 1000, &nb, 500000, &down), VPNHA_FRR_HEALTH_DOWN_FAILED);
	ck_assert_uint_eq(down, 499000);
	/* a later reset counts */
	nb.has_last_reset = true;
	nb.last_reset_ms = 5000;
	ck_assert_int_eq(vpnha_frr_peer_health(&pol, 1000, &nb, 500000, &down), VPNHA_FRR_HEALTH_DOWN_GRACE);
	ck_assert_uint_eq(down, 5000);
	/* start unknown, no reset: never failed */
	nb.has_last_reset = false;
	ck_assert_int_eq(vpnha_frr_peer_health(&pol, 0, &nb, 500000, &down), VPNHA_FRR_HEALTH_DOWN_GRACE);
	ck_assert_uint_eq(down, UINT64_MAX);
	/* Established: prefixes checked only when deep, failed only past the grace */
	nb.state = VPNHA_FRR_BGP_ESTABLISHED;
	nb.accepted_total = 1;
	nb.up_ms = 1000;
	ck_assert_int_eq(vpnha_frr_peer_health(&pol, 1000, &nb, 500000, &down), VPNHA_FRR_HEALTH_OK);
	pol.deep = true;
	ck_assert_int_eq(vpnha_frr_peer_health(&pol, 1000, &nb, 500000, &down), VPNHA_FRR_HEALTH_PREFIXES_GRACE);
	nb.up_ms = 60000;
	ck_assert_int_eq(vpnha_frr_peer_health(&pol, 1000, &nb, 500000, &down), VPNHA_FRR_HEALTH_PREFIXES_FAILED);
	nb.accepted_total = 2;
	ck_assert_int_eq(vpnha_frr_peer_health(&pol, 1000, &nb, 500000, &down), VPNHA_FRR_HEALTH_OK);
}
END_TEST

START_TEST(test_validators)
{
	static const struct {
		vpnha_validate_fn fn;
		const char *str;
		int rc; /* 0, -EINVAL, or 1: any error */
		const char *why;
	} cases[] = {
		{ vpnha_frr_validate_name, "blue-1.x", 0, NULL },
		{ vpnha_frr_validate_name, "a234567890123456789012345678901234567", -EINVAL, "longer than 36 characters" },
		{ vpnha_frr_validate_name, "a b", 1, NULL },
		{ vpnha_frr_validate_update_source, "192.0.2.1", 0, NULL },
		{ vpnha_frr_validate_update_source, "gre1", 0, NULL },
		{ vpnha_frr_validate_update_source, "224.0.0.1", 1, NULL },
		{ vpnha_frr_validate_update_source, "not/a name", -EINVAL,
		  "'not/a name' is neither an IP address nor an interface name" },
		{ vpnha_frr_validate_af, "ipv6-unicast", 0, NULL },
		{ vpnha_frr_validate_af, "l2vpn-evpn", -EINVAL, NULL },
	};

	for (size_t i = 0; i < VPNHA_ARRAY_SIZE(cases); i++) {
		struct vpnha_val v = { .str = cases[i].str };
		char why[128] = "";
		int rc = cases[i].fn(&v, why, sizeof(why));

		if (cases[i].rc == 1)
			ck_assert_msg(rc < 0, "%s: %d", cases[i].str, rc);
		else
			ck_assert_msg(rc == cases[i].rc, "%s: %d", cases[i].str, rc);
		if (cases[i].why)
			ck_assert_str_eq(why, cases[i].why);
	}
}
END_TEST

START_TEST(test_record)
{
	struct vpnha_rec_bgp_state r = { .manage = "bogus", .neighbor = "10.77.0.2", .local_as = 1, .vty_socket_dir = "/x" };
	struct vpnha_frr_peer p, back;
	char w[128];

	ck_assert_int_eq(vpnha_frr_peer_load("check", "i", &back), -ENOENT);
	peer_of(&p, "default", VPNHA_FRR_PEER_SHUTDOWN);
	ck_assert_str_eq(p.vrf, "");
	ck_assert_str_eq(vpnha_frr_peer_where(&p, w, sizeof(w)), "neighbor 10.77.0.2");
	peer_of(&p, "blue", VPNHA_FRR_PEER_CONFIGURE);
	ck_assert_str_eq(vpnha_frr_peer_where(&p, w, sizeof(w)), "neighbor 10.77.0.2 (vrf blue)");
	p.added = true;
	p.started_ms = 42;
	ck_assert_int_eq(vpnha_frr_peer_save("check", "i", &p), 0);
	ck_assert_int_eq(vpnha_frr_peer_load("check", "i", &back), 0);
	ck_assert_int_eq(memcmp(&p, &back, sizeof(p)), 0);
	/* an unknown mode or a bad VRF name: unusable */
	ck_assert_int_eq(vpnha_record_write(VPNHA_REC_BGP_STATE, "check", "i", VPNHA_FRR_PEER_KEY, &r), 0);
	ck_assert_int_eq(vpnha_frr_peer_load("check", "i", &back), -EBADMSG);
	snprintf(r.manage, sizeof(r.manage), "configure");
	snprintf(r.vrf, sizeof(r.vrf), "a/b");
	ck_assert_int_eq(vpnha_record_write(VPNHA_REC_BGP_STATE, "check", "i", VPNHA_FRR_PEER_KEY, &r), 0);
	ck_assert_int_eq(vpnha_frr_peer_load("check", "i", &back), -EBADMSG);
}
END_TEST

START_TEST(test_bgpd_gone)
{
	struct vpnha_frr_peer_start s = { .remote_as = -1 };
	struct vpnha_frr_peer_err e = { 0 };
	struct vpnha_frr_neighbor nb;
	struct vpnha_frr_peer p;
	char want[256];

	peer_of(&p, NULL, VPNHA_FRR_PEER_CONFIGURE);
	snprintf(want, sizeof(want), "bgpd is not running (%s/bgpd.vty: No such file or directory)", dir);
	ck_assert_int_eq(vpnha_frr_peer_assess(&p, true, false, DEADLINE(), &nb, &e), VPNHA_FRR_PEER_BGPD_GONE);
	ck_assert_str_eq(e.why, want);
	ck_assert_int_eq(vpnha_frr_peer_assess(&p, false, true, DEADLINE(), &nb, &e), VPNHA_FRR_PEER_BGPD_GONE);
	snprintf(want, sizeof(want), "bgpd is not running (no answer on %s/bgpd.vty: No such file or directory)", dir);
	ck_assert_int_eq(vpnha_frr_peer_start("check", "i", &p, &s, DEADLINE(), &e), -ENOENT);
	ck_assert_str_eq(e.why, want);
	ck_assert(!e.timeout);
	ck_assert_int_eq(vpnha_frr_peer_instance_check(&p, DEADLINE(), &e), -ENOENT);
	ck_assert_str_eq(e.why, want);
	/* stop: bgpd gone, its runtime configuration with it: done, the record forgotten */
	ck_assert_int_eq(vpnha_frr_peer_save("check", "i", &p), 0);
	ck_assert_int_eq(vpnha_frr_peer_stop("check", "i", &p, DEADLINE(), &e), 0);
	ck_assert(!vpnha_state_exists("check", "i", VPNHA_FRR_PEER_KEY));
}
END_TEST

/* A fake bgpd on DIR/bgpd.vty (a child): one connection, one reply a command
 * (reply then "\0\0\0" and status 0). */
static pid_t fake_bgpd(const char *const *replies, size_t n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bgpd.vty", dir);
	ck_assert_int_ge(l, 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid) {
		close(l);
		return pid;
	}
	int c = accept(l, NULL, NULL);

	for (size_t i = 0; c >= 0 && i < n; i++) {
		char ch;

		do {
			if (read(c, &ch, 1) != 1)
				_exit(10);
		} while (ch);
		if (write(c, replies[i], strlen(replies[i]) + 1) < 0 || write(c, "\0\0\0", 3) != 3)
			_exit(11);
	}
	_exit(c >= 0 ? 0 : 12);
}

static void fake_bgpd_done(pid_t pid)
{
	char path[256];
	int ws;

	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "fake bgpd: status %d", ws);
	snprintf(path, sizeof(path), "%s/bgpd.vty", dir);
	unlink(path);
}

START_TEST(test_assess_fake)
{
	static const char est[] = "{\"10.77.0.2\":{\"remoteAs\":65432,\"localAs\":65432,\"bgpState\":\"Established\","
				  "\"bgpTimerUpMsec\":5000}}";
	const char *up[] = { est }, *none[] = { "{}" };
	char w[128], want[256];
	struct vpnha_frr_neighbor nb;
	struct vpnha_frr_peer_err e = { 0 };
	struct vpnha_frr_peer p;
	pid_t pid;

	peer_of(&p, NULL, VPNHA_FRR_PEER_CONFIGURE);
	vpnha_frr_peer_where(&p, w, sizeof(w));
	pid = fake_bgpd(up, 1);
	ck_assert_int_eq(vpnha_frr_peer_assess(&p, false, true, DEADLINE(), &nb, &e), VPNHA_FRR_PEER_UP);
	fake_bgpd_done(pid);
	ck_assert_int_eq(nb.state, VPNHA_FRR_BGP_ESTABLISHED);
	ck_assert_uint_eq(nb.up_ms, 5000);
	/* not in bgpd: absent when probing or nothing recorded, else removed behind our back */
	pid = fake_bgpd(none, 1);
	ck_assert_int_eq(vpnha_frr_peer_assess(&p, true, true, DEADLINE(), &nb, &e), VPNHA_FRR_PEER_ABSENT);
	fake_bgpd_done(pid);
	snprintf(want, sizeof(want), "%s is not configured in bgpd", w);
	ck_assert_str_eq(e.why, want);
	pid = fake_bgpd(none, 1);
	ck_assert_int_eq(vpnha_frr_peer_assess(&p, false, true, DEADLINE(), &nb, &e), VPNHA_FRR_PEER_REMOVED);
	fake_bgpd_done(pid);
	snprintf(want, sizeof(want), "%s was removed from bgpd behind this resource's back", w);
	ck_assert_str_eq(e.why, want);
}
END_TEST

static Suite *frr_peer_suite(void)
{
	const TTest *tests[] = { test_health, test_validators, test_record, test_bgpd_gone,
				 test_assess_fake };

	return vpnha_test_suite("frr-peer", "peer", setup, teardown, tests, VPNHA_ARRAY_SIZE(tests));
}

VPNHA_TEST_MAIN(frr_peer_suite)
