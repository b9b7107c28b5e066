/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/ipsec.c: the SA view from list-sas, get-conns, the load-conn message
 * and the control commands against a fake charon (fake-charon.h); the block
 * selectors and the strongSwan syntax validators; lib/ipsec-res.c: the
 * monitor verdicts, start and stop against the fake charon or none, the
 * ownership and down-since records, the credential files. The kernel side
 * is check-xfrm's.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check-main.h"
#include "ipsec-res.h"
#include "runstate.h"
#include "rundir.h"
#include "util.h"

#include "fake-charon.h"

#define DEADLINE() (vpnha_now_ms() + 2000)

/* The last request's message, decoded (freed by the test). */
static struct vpnha_vici_node *last_req;

static void keep_request(const uint8_t *msg, size_t len)
{
	vpnha_vici_node_free(last_req);
	last_req = NULL;
	ck_assert_int_eq(vpnha_vici_msg_parse(msg, len, &last_req), 0);
}

static void respond(int fd, const char *errmsg, const char *id)
{
	struct vpnha_vici_writer w;

	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "success", errmsg ? "no" : "yes");
	if (errmsg)
		vpnha_vici_kv(&w, "errmsg", errmsg);
	if (id)
		vpnha_vici_kv(&w, "id", id);
	write_pkt(fd, VPNHA_VICI_CMD_RESPONSE, NULL, &w);
	vpnha_vici_writer_free(&w);
}

/* An established IKE_SA with our child (installed), another child and a
 * rekeying copy of ours; then an IKE_SA still connecting. */
static void write_ike_sas(int fd)
{
	struct vpnha_vici_writer w;

	vpnha_vici_writer_init(&w);
	vpnha_vici_section_start(&w, "gw");
	vpnha_vici_kv(&w, "state", "ESTABLISHED");
	vpnha_vici_kv(&w, "local-host", "192.0.2.1");
	vpnha_vici_kv(&w, "remote-host", "198.51.100.2");
	vpnha_vici_section_start(&w, "child-sas");
	vpnha_vici_section_start(&w, "net-1");
	vpnha_vici_kv(&w, "name", "net");
	vpnha_vici_kv(&w, "state", "INSTALLED");
	vpnha_vici_kv(&w, "spi-in", "c1a2b3c4");
	vpnha_vici_kv(&w, "spi-out", "0000abcd");
	vpnha_vici_list_start(&w, "local-ts");
	vpnha_vici_list_item(&w, "10.1.0.0/16");
	vpnha_vici_list_end(&w);
	vpnha_vici_list_start(&w, "remote-ts");
	vpnha_vici_list_item(&w, "10.2.0.0/16");
	vpnha_vici_list_item(&w, "10.3.0.0/16");
	vpnha_vici_list_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_start(&w, "other-2");
	vpnha_vici_kv(&w, "name", "other");
	vpnha_vici_kv(&w, "state", "INSTALLED");
	vpnha_vici_section_end(&w);
	vpnha_vici_section_start(&w, "net-3");
	vpnha_vici_kv(&w, "name", "net");
	vpnha_vici_kv(&w, "state", "REKEYING");
	vpnha_vici_section_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_start(&w, "gw2");
	vpnha_vici_kv(&w, "state", "CONNECTING");
	vpnha_vici_section_end(&w);
	ck_assert_int_eq(vpnha_vici_writer_error(&w), 0);
	write_pkt(fd, VPNHA_VICI_EVENT, "list-sa", &w);
	vpnha_vici_writer_free(&w);
}

static void answer(struct fake *f, int fd, const uint8_t *msg, size_t len)
{
	keep_request(msg, len);
	if (!strcmp(f->got_cmd, "list-sas")) {
		write_ike_sas(fd);
		respond(fd, NULL, NULL);
	} else if (!strcmp(f->got_cmd, "get-conns")) {
		struct vpnha_vici_writer w;

		vpnha_vici_writer_init(&w);
		vpnha_vici_list_start(&w, "conns");
		vpnha_vici_list_item(&w, "a");
		vpnha_vici_list_item(&w, "gw");
		vpnha_vici_list_end(&w);
		write_pkt(fd, VPNHA_VICI_CMD_RESPONSE, NULL, &w);
		vpnha_vici_writer_free(&w);
	} else if (!strcmp(f->got_cmd, "load-key")) {
		respond(fd, NULL, f->ud ? (const char *)f->ud : NULL);
	} else if (!strcmp(f->got_cmd, "unload-shared")) {
		respond(fd, "no such secret", NULL);
	} else {
		respond(fd, NULL, NULL);
	}
}

static const char *req_str(const char *path0, const char *path1, const char *key)
{
	const struct vpnha_vici_node *n = last_req;

	if (path0)
		n = vpnha_vici_node_get(n, path0);
	if (n && path1)
		n = vpnha_vici_node_get(n, path1);
	return n ? vpnha_vici_node_str(n, key) : NULL;
}

/* A fake charon answering with answer() (ud: load-key's id) and a client on it. */
static struct vpnha_vici_conn *fake_open(struct fake *f, pthread_t *th, void *ud)
{
	struct vpnha_vici_conn *c;

	fake_start_answer(f, th, answer, ud);
	ck_assert_int_eq(vpnha_vici_connect(&c, f->sock, DEADLINE()), 0);
	return c;
}

static void fake_close(struct vpnha_vici_conn *c, struct fake *f, pthread_t th)
{
	vpnha_vici_close(c);
	fake_stop(f, th);
	vpnha_vici_node_free(last_req);
	last_req = NULL;
}

START_TEST(test_sa_view)
{
	struct vpnha_ipsec_sa_view v;
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;
	char a[64];

	c = fake_open(&f, &th, NULL);
	ck_assert_int_eq(vpnha_ipsec_sa_list(c, "gw", "net", DEADLINE(), &v), 0);
	ck_assert_str_eq(f.got_cmd, "list-sas");
	ck_assert_str_eq(req_str(NULL, NULL, "ike"), "gw");
	ck_assert_str_eq(req_str(NULL, NULL, "noblock"), "yes");
	ck_assert_uint_eq(v.ike_total, 2);
	ck_assert_uint_eq(v.ike_established, 1);
	ck_assert_uint_eq(v.children_installed, 1);
	ck_assert_uint_eq(v.n_ch, 1);
	ck_assert_uint_eq(v.ch[0].spi_in, 0xc1a2b3c4u);
	ck_assert_uint_eq(v.ch[0].spi_out, 0xabcdu);
	ck_assert_uint_eq(v.ch[0].n_lts, 1);
	ck_assert_uint_eq(v.ch[0].n_rts, 2);
	ck_assert_str_eq(v.ch[0].local_ts[0], "10.1.0.0/16");
	ck_assert_str_eq(v.ch[0].remote_ts[1], "10.3.0.0/16");
	ck_assert_str_eq(vpnha_addr_str(&v.local, a, sizeof(a)), "192.0.2.1");
	ck_assert_str_eq(vpnha_addr_str(&v.remote, a, sizeof(a)), "198.51.100.2");
	/* another child name: nothing installed */
	ck_assert_int_eq(vpnha_ipsec_sa_list(c, "gw", "none", DEADLINE(), &v), 0);
	ck_assert_uint_eq(v.children_installed, 0);
	ck_assert_uint_eq(v.ike_established, 1);
	fake_close(c, &f, th);
}
END_TEST

START_TEST(test_conn_loaded)
{
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;
	bool loaded = true;

	c = fake_open(&f, &th, NULL);
	ck_assert_int_eq(vpnha_ipsec_conn_loaded(c, "gw", DEADLINE(), &loaded), 0);
	ck_assert(loaded);
	ck_assert_int_eq(vpnha_ipsec_conn_loaded(c, "g", DEADLINE(), &loaded), 0);
	ck_assert(!loaded);
	fake_close(c, &f, th);
}
END_TEST

static void value_of(struct vpnha_value *v, struct vpnha_val *items, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->items = items;
	v->n_items = n;
}

/* The pubkey load-conn message test_conn_load sends. */
static void check_load_conn_pubkey(void)
{
	const struct vpnha_vici_node *sec, *l;

	sec = vpnha_vici_node_get(last_req, "gw");
	ck_assert_ptr_nonnull(sec);
	ck_assert_str_eq(vpnha_vici_node_str(sec, "version"), "2");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "dpd_delay"), "2s");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "rekey_time"), "14400s");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "unique"), "replace");
	l = vpnha_vici_node_get(sec, "remote_addrs");
	ck_assert(l && l->type == VPNHA_VICI_NODE_LIST && l->n_children == 1);
	ck_assert_str_eq(vpnha_vici_value_str(&l->children[0]), "198.51.100.2");
	ck_assert_str_eq(req_str("gw", "local", "auth"), "pubkey");
	ck_assert_str_eq(req_str("gw", "remote", "id"), "you");
	l = vpnha_vici_node_get(vpnha_vici_node_get(sec, "local"), "certs");
	ck_assert(l && l->n_children == 1);
	ck_assert_str_eq(vpnha_vici_value_str(&l->children[0]), "CERT");
	sec = vpnha_vici_node_get(vpnha_vici_node_get(sec, "children"), "net");
	ck_assert_ptr_nonnull(sec);
	ck_assert_str_eq(vpnha_vici_node_str(sec, "mode"), "tunnel");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "rekey_time"), "3600s");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "dpd_action"), "restart");
	l = vpnha_vici_node_get(sec, "local_ts");
	ck_assert(l && l->n_children == 1);
	ck_assert_str_eq(vpnha_vici_value_str(&l->children[0]), "dynamic[gre]");
}

START_TEST(test_conn_load)
{
	struct vpnha_val prop[] = { { .str = "aes256-sha256-modp2048" } }, ts[] = { { .str = "dynamic[gre]" } };
	struct vpnha_value proposals, local_ts;
	struct vpnha_ipsec_conn_cfg cfg = {
		.name = "gw",
		.child = "net",
		.local_addr = "192.0.2.1",
		.remote_addr = "198.51.100.2",
		.psk = false,
		.local_id = "me",
		.remote_id = "you",
		.cert = "CERT",
		.cacert = "CA",
		.proposals = &proposals,
		.esp_proposals = &proposals,
		.local_ts = &local_ts,
		.remote_ts = &local_ts,
		.mode = "tunnel",
		.dpd_delay_s = 2,
		.rekey_time_s = 14400,
		.child_rekey_time_s = 3600,
		.keyingtries = "0",
		.unique = "replace",
		.mobike = "no",
		.dpd_action = "restart",
		.start_action = "none",
		.close_action = "none",
	};
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;
	char why[256] = "";

	value_of(&proposals, prop, 1);
	value_of(&local_ts, ts, 1);
	c = fake_open(&f, &th, NULL);
	ck_assert_int_eq(vpnha_ipsec_conn_load(c, &cfg, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(f.got_cmd, "load-conn");
	check_load_conn_pubkey();
	/* psk: no certificate lists */
	cfg.psk = true;
	ck_assert_int_eq(vpnha_ipsec_conn_load(c, &cfg, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str("gw", "local", "auth"), "psk");
	ck_assert_ptr_null(vpnha_vici_node_get(vpnha_vici_node_get(vpnha_vici_node_get(last_req, "gw"), "local"), "certs"));
	fake_close(c, &f, th);
}
END_TEST

START_TEST(test_commands)
{
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;
	char why[256] = "", kid[8];

	c = fake_open(&f, &th, (void *)(uintptr_t) "key-1");
	ck_assert_int_eq(vpnha_ipsec_key_load(c, "K", 1, kid, sizeof(kid), DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(kid, "key-1");
	ck_assert_str_eq(req_str(NULL, NULL, "type"), "any");
	/* an id that does not fit is not kept */
	ck_assert_int_eq(vpnha_ipsec_key_load(c, "K", 1, kid, 5, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(kid, "");
	ck_assert_int_eq(vpnha_ipsec_shared_load(c, "vpnha-gw", "s3", 2, "a", "b", DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(f.got_cmd, "load-shared");
	ck_assert_str_eq(req_str(NULL, NULL, "type"), "IKE");
	ck_assert_int_eq(vpnha_ipsec_initiate(c, "gw", "net", DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str(NULL, NULL, "child"), "net");
	ck_assert_str_eq(req_str(NULL, NULL, "timeout"), "-1");
	ck_assert_int_eq(vpnha_ipsec_terminate(c, "gw", 0, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str(NULL, NULL, "force"), "yes");
	ck_assert_ptr_null(req_str(NULL, NULL, "timeout"));
	ck_assert_int_eq(vpnha_ipsec_terminate(c, "gw", 1500, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str(NULL, NULL, "timeout"), "1500");
	ck_assert_int_eq(vpnha_ipsec_unload(c, "unload-conn", "name", "gw", DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str(NULL, NULL, "name"), "gw");
	/* a refusal: -EREMOTEIO and charon's errmsg */
	ck_assert_int_eq(vpnha_ipsec_unload(c, "unload-shared", "id", "x", DEADLINE(), why, sizeof(why)), -EREMOTEIO);
	ck_assert_str_eq(why, "unload-shared: no such secret");
	/* all three; the refused unload-shared is not a failure */
	ck_assert_int_eq(vpnha_ipsec_conn_unload(c, "gw", "k", "s", DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(f.got_cmd, "unload-shared");
	ck_assert_int_eq(vpnha_ipsec_conn_unload(c, "gw", "", NULL, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(f.got_cmd, "unload-conn");
	fake_close(c, &f, th);
}
END_TEST

START_TEST(test_charon_absent)
{
	struct vpnha_vici_conn *c = NULL;
	int err = vpnha_vici_connect(&c, "/nonexistent/charon.vici", DEADLINE());

	ck_assert(vpnha_ipsec_charon_absent(err));
	ck_assert(vpnha_ipsec_charon_absent(-ECONNREFUSED));
	ck_assert(!vpnha_ipsec_charon_absent(-ETIMEDOUT));
	ck_assert(!vpnha_ipsec_charon_absent(-EBADMSG));
}
END_TEST

START_TEST(test_block_sels)
{
	struct vpnha_val l1[] = { { .str = "dynamic[gre]" } }, r1[] = { { .str = "dynamic" }, { .str = "10.2.0.0/16[tcp]" } };
	struct vpnha_val rall[] = { { .str = "0.0.0.0/0" } }, bad[] = { { .str = "10.2.0.0/99" } };
	struct vpnha_value lts, rts;
	struct vpnha_xfrm_sel sels[VPNHA_IPSEC_MAX_BLOCKS];
	struct vpnha_addr local, remote;
	char why[256] = "", a[64];
	size_t n = 99;

	ck_assert_int_eq(vpnha_parse_addr("192.0.2.1", 0, &local, NULL, 0), 0);
	ck_assert_int_eq(vpnha_parse_addr("198.51.100.2", 0, &remote, NULL, 0), 0);
	value_of(&lts, l1, 1);
	value_of(&rts, r1, 2);
	ck_assert_int_eq(vpnha_ipsec_block_sels(&lts, &rts, &local, &remote, sels, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(vpnha_addr_str(&sels[0].dst, a, sizeof(a)), "198.51.100.2");
	ck_assert_uint_eq(sels[0].dst.prefixlen, 32);
	ck_assert_uint_eq(sels[0].src.prefixlen, 0);
	ck_assert_uint_eq(sels[0].proto, 47); /* the local selector's protocol */
	ck_assert_uint_eq(sels[1].dst.prefixlen, 16);
	ck_assert_uint_eq(sels[1].proto, 6); /* its own */
	/* everything, any protocol: refused */
	value_of(&rts, rall, 1);
	value_of(&lts, rall, 1);
	ck_assert_int_eq(vpnha_ipsec_block_sels(&lts, &rts, &local, &remote, sels, &n, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "would block all traffic"));
	value_of(&rts, bad, 1);
	ck_assert_int_eq(vpnha_ipsec_block_sels(&lts, &rts, &local, &remote, sels, &n, why, sizeof(why)), -EINVAL);
	/* dynamic without a remote address: refused */
	value_of(&rts, r1, 1);
	ck_assert_int_eq(vpnha_ipsec_block_sels(&lts, &rts, &local, NULL, sels, &n, why, sizeof(why)), -EINVAL);
}
END_TEST

START_TEST(test_validators)
{
	struct vpnha_val v = { .str = "aes256gcm16-prfsha256-ecp256" };
	char why[256] = "";

	ck_assert_int_eq(vpnha_ipsec_validate_proposal(&v, why, sizeof(why)), 0);
	v.str = "aes256 sha1";
	ck_assert_int_eq(vpnha_ipsec_validate_proposal(&v, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "not a proposal"));
	v.str = "CN=gw.example.org, O=Example";
	ck_assert_int_eq(vpnha_ipsec_validate_id(&v, why, sizeof(why)), 0);
	v.str = "gw\nother";
	ck_assert_int_eq(vpnha_ipsec_validate_id(&v, why, sizeof(why)), -EINVAL);
	v.str = "10.1.0.0/16[gre]";
	ck_assert_int_eq(vpnha_ipsec_validate_ts(&v, why, sizeof(why)), 0);
	v.str = "dynamic";
	ck_assert_int_eq(vpnha_ipsec_validate_ts(&v, why, sizeof(why)), 0);
	v.str = "10.1.0.0/33";
	ck_assert_int_lt(vpnha_ipsec_validate_ts(&v, why, sizeof(why)), 0);
}
END_TEST

/* ---- lib/ipsec-res.c ---- */

static char run_dir[128];

static void res_setup(void)
{
	test_run_dir_fresh(run_dir, sizeof(run_dir), "check-ipsec-res");
}

static void res_teardown(void)
{
	test_rmtree(run_dir);
}

static struct vpnha_ipsec_res res_of(const char *sock, const char *conn, const char *child)
{
	return (struct vpnha_ipsec_res){
		.agent = "check",
		.instance = "i",
		.conn = conn,
		.child = child,
		.vici_socket = sock,
		.block_prio = 7,
	};
}

/* One verdict from a fake charon answering with answer(). */
static enum vpnha_ipsec_verdict assess_fake(const char *conn, const char *child, struct vpnha_ipsec_sa_view *v,
					    char *why, size_t whylen)
{
	enum vpnha_ipsec_verdict vd;
	struct vpnha_ipsec_res r;
	struct fake f;
	pthread_t th;

	fake_start_answer(&f, &th, answer, NULL);
	r = res_of(f.sock, conn, child);
	vd = vpnha_ipsec_res_assess(&r, false, DEADLINE(), v, why, whylen);
	fake_stop(&f, th);
	vpnha_vici_node_free(last_req);
	last_req = NULL;
	return vd;
}

START_TEST(test_res_assess)
{
	const struct vpnha_ipsec_res gone = res_of("/nonexistent/charon.vici", "gw", "net");
	struct vpnha_ipsec_sa_view v;
	struct vpnha_rec_since d = { .s = 1 };
	char why[384] = "";

	ck_assert_int_eq(vpnha_record_write(VPNHA_REC_SINCE, "check", "i", "down-since", &d), 0);
	ck_assert_int_eq(assess_fake("gw", "net", &v, why, sizeof(why)), VPNHA_IPSEC_UP);
	ck_assert_uint_eq(v.children_installed, 1);
	/* a CHILD_SA installed: no longer pending */
	ck_assert(!vpnha_state_exists("check", "i", "down-since"));
	ck_assert_int_eq(assess_fake("gw", "none", &v, why, sizeof(why)), VPNHA_IPSEC_PENDING);
	ck_assert_uint_eq(v.ike_established, 1);
	ck_assert_int_eq(assess_fake("g", "net", &v, why, sizeof(why)), VPNHA_IPSEC_NOT_LOADED);
	ck_assert_str_eq(why, "connection g is not loaded in charon (restarted?)");
	ck_assert_int_eq(vpnha_ipsec_res_assess(&gone, false, DEADLINE(), &v, why, sizeof(why)),
			 VPNHA_IPSEC_CHARON_GONE);
	ck_assert_str_eq(why, "charon not answering on /nonexistent/charon.vici: No such file or directory");
}
END_TEST

START_TEST(test_res_pending)
{
	const struct vpnha_ipsec_res r = res_of("/nonexistent", "gw", "net");
	struct vpnha_rec_since d;
	uint64_t first;

	/* the first pending monitor records when: 0 s */
	ck_assert_uint_eq(vpnha_ipsec_res_pending_s(&r), 0);
	ck_assert_int_eq(vpnha_record_read(VPNHA_REC_SINCE, "check", "i", "down-since", &d), 0);
	first = d.s;
	ck_assert_uint_gt(first, 0);
	d.s = first - 30;
	ck_assert_int_eq(vpnha_record_write(VPNHA_REC_SINCE, "check", "i", "down-since", &d), 0);
	ck_assert_uint_ge(vpnha_ipsec_res_pending_s(&r), 30);
	ck_assert_uint_lt(vpnha_ipsec_res_pending_s(&r), 40);
}
END_TEST

START_TEST(test_res_start)
{
	struct vpnha_ipsec_start s = { .t0 = vpnha_now_ms() };
	struct vpnha_rec_ipsec_owned o;
	struct vpnha_ipsec_res r;
	char why[384] = "";
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;

	/* swanctl.conf's connection must be loaded; nothing is recorded then */
	c = fake_open(&f, &th, NULL);
	r = res_of(f.sock, "g", "net");
	ck_assert_int_eq(vpnha_ipsec_res_start(&r, c, &s, DEADLINE(), why, sizeof(why)), -ENOENT);
	ck_assert_str_eq(why, "connection g is not loaded in charon (swanctl.conf on this node)");
	ck_assert_int_eq(vpnha_ipsec_res_owned_read(&r, &o), -ENOENT);
	/* loaded, its CHILD_SA installed: not initiated again; recorded as not ours to unload */
	r = res_of(f.sock, "gw", "net");
	s.until = s.t0;
	ck_assert_int_eq(vpnha_ipsec_res_start(&r, c, &s, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(f.got_cmd, "list-sas");
	fake_close(c, &f, th);
	ck_assert_int_eq(vpnha_ipsec_res_owned_read(&r, &o), 0);
	ck_assert_str_eq(o.conn, "gw");
	ck_assert(!o.loaded_conn);
	ck_assert_uint_gt(o.started, 0);
}
END_TEST

/* answer(), keeping the load-conn request in load_req. */
static struct vpnha_vici_node *load_req;

static void answer_keep_load(struct fake *f, int fd, const uint8_t *msg, size_t len)
{
	answer(f, fd, msg, len);
	if (!strcmp(f->got_cmd, "load-conn")) {
		vpnha_vici_node_free(load_req);
		ck_assert_int_eq(vpnha_vici_msg_parse(msg, len, &load_req), 0);
	}
}

START_TEST(test_res_start_pubkey)
{
	struct vpnha_val prop[] = { { .str = "aes256-sha256-modp2048" } }, ts[] = { { .str = "dynamic[gre]" } };
	char key[] = "KEY", cert[] = "CERT", ca[] = "CA", kid[] = "key-1", why[384] = "";
	struct vpnha_ipsec_creds cr = { .secret = { key, 3, 4 }, .cert = cert, .ca = ca };
	struct vpnha_value proposals, local_ts;
	/* the resource's own settings: the credentials and the policy come from start */
	const struct vpnha_ipsec_conn_cfg cfg = {
		.name = "gw",
		.child = "net",
		.local_addr = "192.0.2.1",
		.remote_addr = "198.51.100.2",
		.local_id = "me",
		.remote_id = "you",
		.proposals = &proposals,
		.esp_proposals = &proposals,
		.local_ts = &local_ts,
		.remote_ts = &local_ts,
		.mode = "tunnel",
		.dpd_delay_s = 2,
		.rekey_time_s = 14400,
		.child_rekey_time_s = 3600,
	};
	struct vpnha_ipsec_start s = { .cfg = &cfg, .creds = &cr, .t0 = vpnha_now_ms() };
	struct vpnha_rec_ipsec_owned o;
	struct vpnha_ipsec_res r;
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;

	value_of(&proposals, prop, 1);
	value_of(&local_ts, ts, 1);
	s.until = s.t0;
	fake_start_answer(&f, &th, answer_keep_load, kid);
	ck_assert_int_eq(vpnha_vici_connect(&c, f.sock, DEADLINE()), 0);
	r = res_of(f.sock, "gw", "net");
	ck_assert_int_eq(vpnha_ipsec_res_start(&r, c, &s, DEADLINE(), why, sizeof(why)), 0);
	/* the load-conn message: the certificates and the kept connection's policy */
	vpnha_vici_node_free(last_req);
	last_req = load_req;
	load_req = NULL;
	check_load_conn_pubkey();
	fake_close(c, &f, th);
	/* ownership: the connection and the key charon named */
	ck_assert_int_eq(vpnha_ipsec_res_owned_read(&r, &o), 0);
	ck_assert(o.loaded_conn);
	ck_assert_str_eq(o.key_id, "key-1");
	ck_assert_str_eq(o.shared_id, "");
}
END_TEST

START_TEST(test_res_stop)
{
	const struct vpnha_ipsec_res r = res_of("/nonexistent", "gw", "net");
	const struct vpnha_ipsec_stop s = { .vici_socket = "/nonexistent/charon.vici", .conn = "gw" };
	struct vpnha_rec_ipsec_owned o = { .loaded_conn = true };
	struct vpnha_rec_since d = { .s = 5 };
	char why[384] = "";

	ck_assert_int_eq(vpnha_ipsec_res_owned_write(&r, &o), 0);
	ck_assert_int_eq(vpnha_record_write(VPNHA_REC_SINCE, "check", "i", "down-since", &d), 0);
	ck_assert_int_eq(vpnha_state_write("check", "i", "block", "1\n", 2), 0);
	/* charon not running: nothing to unload; the run state goes, the block record stays */
	ck_assert_int_eq(vpnha_ipsec_res_stop(&r, &o, &s, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_int_eq(vpnha_ipsec_res_owned_read(&r, &o), -ENOENT);
	ck_assert(!vpnha_state_exists("check", "i", "down-since"));
	ck_assert(vpnha_ipsec_res_blocks_recorded(&r));
}
END_TEST

static void file_put(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(test_res_creds)
{
	struct vpnha_ipsec_creds cr = { .secret = VPNHA_SECRET_INIT };
	char psk[256], cert[256], key[256], missing[256], why[512];
	struct vpnha_ipsec_cred_files f = { 0 };
	enum vpnha_ipsec_cred bad;

	snprintf(psk, sizeof(psk), "%s/psk", run_dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", run_dir);
	snprintf(key, sizeof(key), "%s/key.pem", run_dir);
	snprintf(missing, sizeof(missing), "%s/nosuch", run_dir);
	file_put(psk, "s3cret\n", 0600);
	file_put(cert, "CERT\n", 0644);
	file_put(key, "KEY\n", 0600);
	f.psk = psk;
	ck_assert_int_eq(vpnha_ipsec_creds_read(&f, &cr, &bad, why, sizeof(why)), 0);
	ck_assert_str_eq(cr.secret.data, "s3cret");
	vpnha_ipsec_creds_free(&cr);
	f.psk = missing;
	ck_assert_int_lt(vpnha_ipsec_creds_read(&f, &cr, &bad, why, sizeof(why)), 0);
	ck_assert_int_eq(bad, VPNHA_IPSEC_CRED_PSK);
	/* pubkey: certificate, CA, key in that order; a missing file named with its path */
	f = (struct vpnha_ipsec_cred_files){ .cert = cert, .cacert = missing, .key = key };
	ck_assert_int_eq(vpnha_ipsec_creds_read(&f, &cr, &bad, why, sizeof(why)), -ENOENT);
	ck_assert_int_eq(bad, VPNHA_IPSEC_CRED_CACERT);
	ck_assert_ptr_nonnull(strstr(why, "/nosuch: No such file or directory"));
	vpnha_ipsec_creds_free(&cr);
	f.cacert = cert;
	ck_assert_int_eq(vpnha_ipsec_creds_read(&f, &cr, &bad, why, sizeof(why)), 0);
	ck_assert_str_eq(cr.cert, "CERT\n");
	ck_assert_str_eq(cr.secret.data, "KEY");
	vpnha_ipsec_creds_free(&cr);
	ck_assert_ptr_null(cr.cert);
}
END_TEST

static Suite *ipsec_suite(void)
{
	Suite *s = suite_create("ipsec");
	TCase *vici = tcase_create("charon");
	TCase *pure = tcase_create("pure");
	TCase *res = tcase_create("res");

	tcase_add_test(vici, test_sa_view);
	tcase_add_test(vici, test_conn_loaded);
	tcase_add_test(vici, test_conn_load);
	tcase_add_test(vici, test_commands);
	tcase_add_test(vici, test_charon_absent);
	tcase_add_test(pure, test_block_sels);
	tcase_add_test(pure, test_validators);
	tcase_add_checked_fixture(res, res_setup, res_teardown);
	tcase_add_test(res, test_res_assess);
	tcase_add_test(res, test_res_pending);
	tcase_add_test(res, test_res_start);
	tcase_add_test(res, test_res_start_pubkey);
	tcase_add_test(res, test_res_stop);
	tcase_add_test(res, test_res_creds);
	suite_add_tcase(s, vici);
	suite_add_tcase(s, pure);
	suite_add_tcase(s, res);
	return s;
}

VPNHA_TEST_MAIN(ipsec_suite)
