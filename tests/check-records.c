/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Typed run-state records (lib/records.h): every kind's text, round trips, bad input. */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "records.h"
#include "runstate.h"
#include "testutil.h"
#include "util.h"

static char dir[128];
static char text[65536];

static void setup(void)
{
	ck_assert_ptr_nonnull(test_mkdtemp(dir, sizeof(dir), "check-rec"));
	setenv("VPNHA_RUN_DIR", dir, 1);
}

static void teardown(void)
{
	test_rmtree(dir);
}

/* parse, format: the same text back (the format the agents always wrote) */
static void same_text(enum vpnha_rec_kind kind, const char *in, void *rec)
{
	ck_assert_int_eq(vpnha_record_parse(kind, in, rec), 0);
	ck_assert_int_eq(vpnha_record_format(kind, rec, text, sizeof(text)), (int)strlen(in));
	ck_assert_str_eq(text, in);
}

START_TEST(test_vip_owner)
{
	struct vpnha_rec_vip_owner o;
	char s[64];

	same_text(VPNHA_REC_VIP_OWNER, "addr=192.0.2.10/24\nifname=eth0\nifindex=2\n", &o);
	ck_assert_int_eq(o.addr.family, AF_INET);
	ck_assert_uint_eq(o.addr.prefixlen, 24);
	ck_assert_str_eq(vpnha_addr_str(&o.addr, s, sizeof(s)), "192.0.2.10");
	ck_assert_str_eq(o.ifname, "eth0");
	ck_assert_int_eq(o.ifindex, 2);
	same_text(VPNHA_REC_VIP_OWNER, "addr=2001:db8::1/64\nifname=lan0\nifindex=7\n", &o);
	/* lenient: malformed lines, long lines, unknown keys skipped; the last valid value counts */
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_VIP_OWNER,
					    "junk\n\nifindex=x\nfoo=bar\nifname=eth0\nifindex=3\nifindex=-4\n"
					    "addr=10.0.0.1/8\r\nzz=0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890\n"
					    "addr=10.0.0.2/8",
					    &o),
			 0);
	ck_assert_int_eq(o.ifindex, 3);
	ck_assert_str_eq(vpnha_addr_str(&o.addr, s, sizeof(s)), "10.0.0.2");
	/* the last addr line decides: a bad one unsets a good one */
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_VIP_OWNER, "addr=10.0.0.1/8\nifname=eth0\nifindex=3\naddr=x\n", &o),
			 -EBADMSG);
	/* each required key missing */
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_VIP_OWNER, "ifname=eth0\nifindex=3\n", &o), -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_VIP_OWNER, "addr=10.0.0.1/8\nifindex=3\n", &o), -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_VIP_OWNER, "addr=10.0.0.1/8\nifname=eth0\nifindex=0\n", &o),
			 -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_VIP_OWNER, "", &o), -EBADMSG);
	ck_assert_int_eq(o.ifindex, -1);
}
END_TEST

START_TEST(test_gre_owner)
{
	static struct vpnha_rec_gre_owner o;
	size_t i;

	same_text(VPNHA_REC_GRE_OWNER,
		  "ifname=gre1\nifindex=0\nkind=ip6gretap\naddr=10.255.0.1/30 peer 10.255.0.2\naddr=fd00::1/64\n"
		  "route=10.1.0.0/16 metric 100 via 10.255.0.2\nroute=10.2.0.0/16 metric 0\n",
		  &o);
	ck_assert_str_eq(o.kind, "ip6gretap");
	ck_assert_uint_eq(o.n_addrs, 2);
	ck_assert(o.addrs[0].has_peer);
	ck_assert_uint_eq(o.n_routes, 2);
	ck_assert(o.routes[0].has_gw);
	ck_assert_uint_eq(o.routes[0].metric, 100);
	/* bad values skipped, each valid item adds up to the array's size */
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_GRE_OWNER,
					    "ifname=gre1\nifindex=4\nkind=bogus\nkind=gre\naddr=1.2.3.4/32 peer\n"
					    "addr=1.1.1.1/32\naddr=2.2.2.2/32\naddr=3.3.3.3/32\naddr=4.4.4.4/32\naddr=5.5.5.5/32\n"
					    "route=10.0.0.0/8 metric x\nroute=10.0.0.0/8 metric 1 via ::1\n",
					    &o),
			 0);
	ck_assert_str_eq(o.kind, "gre");
	ck_assert_uint_eq(o.n_addrs, VPNHA_REC_GRE_ADDRS);
	ck_assert_uint_eq(o.n_routes, 0);
	for (i = 0; i < o.n_addrs; i++)
		ck_assert(!o.addrs[i].has_peer);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_GRE_OWNER, "ifname=gre1\nifindex=4\n", &o), -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_GRE_OWNER, "ifname=gre1\nkind=gre\n", &o), -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_GRE_OWNER, "ifname=a b\nifindex=1\nkind=gre\n", &o), -EBADMSG);
}
END_TEST

START_TEST(test_bgp_state_strict)
{
	struct vpnha_rec_bgp_state b;
	const char *good = "manage=configure\nadded=1\nneighbor=2001:db8::2\nvrf=red\nlocal_as=4294967295\n"
			   "vty_socket_dir=/run/frr\nstarted_ms=123\n";

	same_text(VPNHA_REC_BGP_STATE, good, &b);
	ck_assert(b.added);
	ck_assert_int_eq(b.local_as, INT64_C(4294967295));
	ck_assert_uint_eq(b.started_ms, 123);
	/* empty lines and unknown keys are no error; the neighbor is kept canonical */
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_BGP_STATE,
					    "\nmanage=shutdown\nneighbor=2001:DB8:0::2\nlocal_as=1\nvty_socket_dir=/x\n"
					    "future=1\nodd key=1\n=1\n",
					    &b),
			 0);
	ck_assert_str_eq(b.neighbor, "2001:db8::2");
	ck_assert(!b.added);
	/* strict: a line without '=' or any bad value fails the record */
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_BGP_STATE,
					    "manage=configure\nneighbor=192.0.2.1\nlocal_as=1\nvty_socket_dir=/x\njunk\n", &b),
			 -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_BGP_STATE,
					    "manage=configure\nneighbor=192.0.2.1\nlocal_as=0\nvty_socket_dir=/x\n", &b),
			 -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_BGP_STATE,
					    "manage=configure\nneighbor=192.0.2.1\nlocal_as=1\nvty_socket_dir=/x\nadded=2\n", &b),
			 -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_BGP_STATE,
					    "manage=configure\nneighbor=192.0.2.1\nlocal_as=1\nvty_socket_dir=x\n", &b),
			 -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_BGP_STATE,
					    "manage=configure\nneighbor=nope\nlocal_as=1\nvty_socket_dir=/x\n", &b),
			 -EBADMSG);
	/* missing required: the vty dir */
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_BGP_STATE, "manage=configure\nneighbor=192.0.2.1\nlocal_as=1\n", &b),
			 -EBADMSG);
}
END_TEST

START_TEST(test_ipsec_owned_lenient)
{
	struct vpnha_rec_ipsec_owned o;
	char s[64];

	same_text(VPNHA_REC_IPSEC_OWNED,
		  "conn=site1-site2\nloaded_conn=1\nshared_id=psk-1\nkey_id=\nlocal=198.51.100.1\nremote=\nstarted=77\n", &o);
	ck_assert(o.loaded_conn);
	ck_assert_int_eq(o.remote.family, 0);
	ck_assert_str_eq(vpnha_addr_str(&o.local, s, sizeof(s)), "198.51.100.1");
	/* as the agent always read it: anything but "1" is false, started by strtoull, long ids cut */
	memset(text, 'k', 300);
	memcpy(text, "key_id=", 7);
	strcpy(text + 300, "\nloaded_conn=yes\nstarted=12x\nlocal=bad\nnoequals\n");
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_IPSEC_OWNED, text, &o), 0);
	ck_assert(!o.loaded_conn);
	ck_assert_uint_eq(o.started, 12);
	ck_assert_uint_eq(strlen(o.key_id), sizeof(o.key_id) - 1);
	ck_assert_int_eq(o.local.family, 0);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_IPSEC_OWNED, "", &o), 0);
}
END_TEST

START_TEST(test_mii_status)
{
	static struct vpnha_rec_mii_status st;

	same_text(VPNHA_REC_MII_STATUS,
		  "pid=42\nupdated_ms=1000\ninterval_ms=500\ninitial=0\nattrd=ok\nquorum=quorate\nevents=1\n"
		  "cib_refreshes=2\npublishes=3\noverruns=0\nchange_rt_us=5\npublish_rt_us=6\nerror=boom\n"
		  "attr.mii-eth0=1\nattr.gw=\nlink.eth0=1/1\nlink.eth1=-1/0/suppressed\n",
		  &st);
	ck_assert_int_eq(st.pid, 42);
	ck_assert_uint_eq(st.n_attrs, 2);
	ck_assert_str_eq(st.attrs[1].name, "gw");
	ck_assert_uint_eq(st.n_links, 2);
	ck_assert_int_eq(st.links[1].raw, -1);
	ck_assert(st.links[1].suppressed);
	/* an empty error writes no line */
	st.error[0] = '\0';
	ck_assert_int_gt(vpnha_record_format(VPNHA_REC_MII_STATUS, &st, text, sizeof(text)), 0);
	ck_assert_ptr_null(strstr(text, "error="));
	/* bad values skipped; links need a valid name and a '/' */
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_MII_STATUS,
					    "pid=1\ninterval_ms=0\nlink.a b=1/1\nlink.eth0=1\nlink.eth1=x/7/no\n", &st),
			 0);
	ck_assert_int_eq(st.pid, 0);
	ck_assert_uint_eq(st.interval_ms, 0);
	ck_assert_uint_eq(st.n_links, 1);
	ck_assert_int_eq(st.links[0].raw, -1);
	ck_assert_int_eq(st.links[0].stable, -1);
	ck_assert(!st.links[0].suppressed);
	/* too small a buffer */
	ck_assert_int_eq(vpnha_record_format(VPNHA_REC_MII_STATUS, &st, text, 10), -ENOSPC);
}
END_TEST

START_TEST(test_pid_since_names)
{
	struct vpnha_rec_pid p;
	struct vpnha_rec_since d;
	static struct vpnha_rec_names n;

	same_text(VPNHA_REC_PID, "1234\n", &p);
	ck_assert_int_eq(p.pid, 1234);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_PID, "77\ngarbage", &p), 0);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_PID, "1\n", &p), -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_PID, "", &p), -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_PID, "12 \n", &p), -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_PID, "99999999999999999999999999999999999999\n", &p), -EBADMSG);
	ck_assert_int_eq(p.pid, 0);
	same_text(VPNHA_REC_SINCE, "18446744073709551615\n", &d);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_SINCE, "junk", &d), 0);
	ck_assert_uint_eq(d.s, 0);
	same_text(VPNHA_REC_NAMES, "mii-eth0\nmii-eth1\ngw-node\n", &n);
	ck_assert_uint_eq(n.n, 3);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_NAMES, "\n\na\n\nb", &n), 0);
	ck_assert_uint_eq(n.n, 2);
	ck_assert_str_eq(n.names[1], "b");
}
END_TEST

START_TEST(test_read_write)
{
	struct vpnha_rec_vip_owner o = { .ifname = "eth0", .ifindex = 9 }, back;
	char *data;
	size_t len;

	ck_assert_int_eq(vpnha_record_read(VPNHA_REC_VIP_OWNER, "vip", "v1", "owner", &back), -ENOENT);
	ck_assert_int_eq(vpnha_parse_prefix("192.0.2.1/32", 0, &o.addr, NULL, 0), 0);
	ck_assert_int_eq(vpnha_record_write(VPNHA_REC_VIP_OWNER, "vip", "v1", "owner", &o), 0);
	ck_assert_int_eq(vpnha_state_read("vip", "v1", "owner", &data, &len), 0);
	ck_assert_str_eq(data, "addr=192.0.2.1/32\nifname=eth0\nifindex=9\n");
	free(data);
	ck_assert_int_eq(vpnha_record_read(VPNHA_REC_VIP_OWNER, "vip", "v1", "owner", &back), 0);
	ck_assert_int_eq(back.ifindex, 9);
	ck_assert_int_eq(vpnha_state_write("vip", "v1", "owner", "ifname=eth0\n", 12), 0);
	ck_assert_int_eq(vpnha_record_read(VPNHA_REC_VIP_OWNER, "vip", "v1", "owner", &back), -EBADMSG);
	ck_assert_int_eq(vpnha_record_parse(VPNHA_REC_KIND_COUNT, "", &back), -EINVAL);
}
END_TEST

/* an ownership record for an action: absent and unreadable are "not ours" (0), read is 1 */
START_TEST(test_read_owner)
{
	struct vpnha_rec_vip_owner o = { .ifname = "eth0", .ifindex = 9 }, back;

	ck_assert_int_eq(vpnha_record_read_owner(VPNHA_REC_VIP_OWNER, "vip", "v2", VPNHA_OWNER_KEY, &back, "address"), 0);
	ck_assert_int_eq(back.ifindex, -1);
	ck_assert_int_eq(vpnha_parse_prefix("192.0.2.1/32", 0, &o.addr, NULL, 0), 0);
	ck_assert_int_eq(vpnha_record_write(VPNHA_REC_VIP_OWNER, "vip", "v2", VPNHA_OWNER_KEY, &o), 0);
	ck_assert_int_eq(vpnha_record_read_owner(VPNHA_REC_VIP_OWNER, "vip", "v2", VPNHA_OWNER_KEY, &back, "address"), 1);
	ck_assert_int_eq(back.ifindex, 9);
	ck_assert_str_eq(back.ifname, "eth0");
	ck_assert_int_eq(vpnha_state_write("vip", "v2", VPNHA_OWNER_KEY, "ifname=eth0\n", 12), 0);
	ck_assert_int_eq(vpnha_record_read_owner(VPNHA_REC_VIP_OWNER, "vip", "v2", VPNHA_OWNER_KEY, &back, "address"), 0);
	ck_assert_int_eq(back.ifindex, -1);
	ck_assert_int_eq(vpnha_record_read_owner(VPNHA_REC_KIND_COUNT, "vip", "v2", VPNHA_OWNER_KEY, &back, "x"), -EINVAL);
	/* a directory where the file should be: a read error, not "absent" */
	ck_assert_int_eq(vpnha_state_remove("vip", "v2", VPNHA_OWNER_KEY), 0);
	ck_assert_int_eq(vpnha_state_path(text, sizeof(text), "vip", "v2", VPNHA_OWNER_KEY), 0);
	ck_assert_int_eq(mkdir(text, 0700), 0);
	ck_assert_int_lt(vpnha_record_read_owner(VPNHA_REC_VIP_OWNER, "vip", "v2", VPNHA_OWNER_KEY, &back, "address"), 0);
	ck_assert_int_eq(rmdir(text), 0);
}
END_TEST

static Suite *records_suite(void)
{
	Suite *s = suite_create("records");
	TCase *tc = tcase_create("kinds");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vip_owner);
	tcase_add_test(tc, test_gre_owner);
	tcase_add_test(tc, test_bgp_state_strict);
	tcase_add_test(tc, test_ipsec_owned_lenient);
	tcase_add_test(tc, test_mii_status);
	tcase_add_test(tc, test_pid_since_names);
	tcase_add_test(tc, test_read_write);
	tcase_add_test(tc, test_read_owner);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(records_suite)
