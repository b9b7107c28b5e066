/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ocf:vpnha:ipsec-conn -- one IKEv2 connection in strongSwan's charon, driven
 * over VICI; the kernel's XFRM state is the health truth. Semantics (remote
 * down at start, fail-closed block policies, ownership) are documented in
 * ocf-metadata/ipsec-conn.xml.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "records.h"
#include "runstate.h"
#include "secret.h"
#include "util.h"
#include "vici.h"
#include "vpnha.h"
#include "xfrm.h"

#define AGENT "ipsec-conn"
/* Numerically above every priority charon 5.9 computes (IPsec ~1.6M,
 * fallback ~2.4M): the block policy only acts when no charon policy matches. */
#define BLOCK_PRIO 3000000u
/* a PSK or a private key file: at most 4095 bytes with its line end */
#define MAX_SECRET 4093
#define MAX_BLOCKS 16

static const char *const auths[] = { "psk", "pubkey", NULL };
static const char *const modes[] = { "tunnel", "transport", NULL };
static const char *const configs[] = { "agent", "swanctl", NULL };

static int check_name(const struct vpnha_val *v, char *why, size_t whylen)
{
	const char *s;

	for (s = v->str; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.') {
			snprintf(why, whylen, "'%s': only letters, digits, '-', '_' and '.'", v->str);
			return -EINVAL;
		}
	return 0;
}

static int check_ts(const struct vpnha_val *v, char *why, size_t whylen)
{
	struct vpnha_xfrm_sel h;
	static const struct vpnha_addr any = { .family = AF_INET, .prefixlen = 32 };

	return vpnha_xfrm_ts_parse(v->str, &any, &h, why, whylen);
}

static int check_proposal(const struct vpnha_val *v, char *why, size_t whylen)
{
	const char *s;

	for (s = v->str; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_') {
			snprintf(why, whylen, "'%s': not a proposal (algo-algo-...)", v->str);
			return -EINVAL;
		}
	return 0;
}

static int check_id(const struct vpnha_val *v, char *why, size_t whylen)
{
	const char *s;

	for (s = v->str; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			snprintf(why, whylen, "control character in identity");
			return -EINVAL;
		}
	return 0;
}

/* The parameters, in the order of the table below (VPNHA_STR(ctx, P_...)). */
enum ipsec_conn_param {
	P_CONN,
	P_CHILD,
	P_CONFIG,
	P_LOCAL_ADDRS,
	P_REMOTE_ADDRS,
	P_LOCAL_ID,
	P_REMOTE_ID,
	P_AUTH,
	P_PSK_FILE,
	P_CERT,
	P_KEY_FILE,
	P_CACERT,
	P_PROPOSALS,
	P_ESP_PROPOSALS,
	P_MODE,
	P_LOCAL_TS,
	P_REMOTE_TS,
	P_DPD_DELAY,
	P_REKEY_TIME,
	P_CHILD_REKEY_TIME,
	P_VICI_SOCKET,
	P_FAIL_CLOSED,
	P_START_WAIT,
	P_STOP_WAIT,
	P_REQUIRE_ESTABLISHED,
	P_ESTABLISHED_GRACE,
	P_COUNT
};

static const struct vpnha_param_def params[] = {
	[P_CONN] = { "conn", VPNHA_PT_STRING, NULL, VPNHA_PF_REQUIRED | VPNHA_PF_UNIQUE, .max = 64, .validate = check_name },
	[P_CHILD] = { "child", VPNHA_PT_STRING, NULL, 0, .max = 64, .validate = check_name },
	[P_CONFIG] = { "config", VPNHA_PT_SELECT, "agent", 0, .options = configs },
	[P_LOCAL_ADDRS] = { "local_addrs", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_REMOTE_ADDRS] = { "remote_addrs", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_LOCAL_ID] = { "local_id", VPNHA_PT_STRING, NULL, 0, .max = 255, .validate = check_id },
	[P_REMOTE_ID] = { "remote_id", VPNHA_PT_STRING, NULL, 0, .max = 255, .validate = check_id },
	[P_AUTH] = { "auth", VPNHA_PT_SELECT, "psk", 0, .options = auths },
	[P_PSK_FILE] = { "psk_file", VPNHA_PT_PATH, NULL, 0 },
	[P_CERT] = { "cert", VPNHA_PT_PATH, NULL, 0 },
	[P_KEY_FILE] = { "key_file", VPNHA_PT_PATH, NULL, 0 },
	[P_CACERT] = { "cacert", VPNHA_PT_PATH, NULL, 0 },
	[P_PROPOSALS] = { "proposals", VPNHA_PT_STRING, "default", VPNHA_PF_LIST, .max = 128, .validate = check_proposal },
	[P_ESP_PROPOSALS] = { "esp_proposals", VPNHA_PT_STRING, "default", VPNHA_PF_LIST, .max = 128, .validate = check_proposal },
	[P_MODE] = { "mode", VPNHA_PT_SELECT, "tunnel", 0, .options = modes },
	[P_LOCAL_TS] = { "local_ts", VPNHA_PT_STRING, "dynamic", VPNHA_PF_LIST, .max = 64, .validate = check_ts },
	[P_REMOTE_TS] = { "remote_ts", VPNHA_PT_STRING, "dynamic", VPNHA_PF_LIST, .max = 64, .validate = check_ts },
	[P_DPD_DELAY] = { "dpd_delay", VPNHA_PT_DURATION, "2s", 0, 0, 3600000 },
	[P_REKEY_TIME] = { "rekey_time", VPNHA_PT_DURATION, "4h", 0, 0, 86400000 },
	[P_CHILD_REKEY_TIME] = { "child_rekey_time", VPNHA_PT_DURATION, "1h", 0, 0, 86400000 },
	[P_VICI_SOCKET] = { "vici_socket", VPNHA_PT_PATH, "/run/charon.vici", 0 },
	[P_FAIL_CLOSED] = { "fail_closed", VPNHA_PT_BOOL, "true", 0 },
	[P_START_WAIT] = { "start_wait", VPNHA_PT_DURATION, "10s", 0, 0, 3600000 },
	[P_STOP_WAIT] = { "stop_wait", VPNHA_PT_DURATION, "0", 0, 0, 60000 },
	[P_REQUIRE_ESTABLISHED] = { "require_established", VPNHA_PT_BOOL, "false", VPNHA_PF_RELOADABLE },
	[P_ESTABLISHED_GRACE] = { "established_grace", VPNHA_PT_DURATION, "60s", VPNHA_PF_RELOADABLE, 0, 86400000 },
};
_Static_assert(sizeof(params) / sizeof(params[0]) == P_COUNT, "one enum entry per parameter");

/* ---------------------------------------------------------------- helpers */

static const char *conn_name(struct vpnha_ctx *ctx) { return VPNHA_STR(ctx, P_CONN); }

static const char *child_name(struct vpnha_ctx *ctx)
{
	return VPNHA_GIVEN(ctx, P_CHILD) ? VPNHA_STR(ctx, P_CHILD) : conn_name(ctx);
}

static bool agent_defined(struct vpnha_ctx *ctx)
{
	return VPNHA_PARAM(ctx, P_CONFIG)->v.i == 0;
}

static uint64_t boot_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

static char *addr_s(const struct vpnha_addr *a, char *buf, size_t len)
{
	vpnha_addr_str(a, buf, len);
	return buf;
}

/* Read a (public) file whole; for certificates. */
static int file_read(const char *path, char **out, size_t *len)
{
	_vpnha_auto_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *b;
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > 60000)
		return -EINVAL;
	b = malloc((size_t)st.st_size + 1);
	if (!b)
		return -ENOMEM;
	while (got < (size_t)st.st_size && (n = read(fd, b + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	b[got] = '\0';
	*out = b;
	*len = got;
	return 0;
}

/* ---- the ownership record: key=value lines ---- */
struct owned {
	bool loaded_conn;      /* we sent load-conn */
	char shared_id[96];    /* load-shared id, "" if none */
	char key_id[128];      /* load-key id, "" if none */
	struct vpnha_addr local, remote; /* endpoints (family 0: unknown) */
	uint64_t started;      /* CLOCK_BOOTTIME s */
};

static int owned_write(struct vpnha_ctx *ctx, const struct owned *o)
{
	struct vpnha_rec_ipsec_owned r = { .loaded_conn = o->loaded_conn, .started = o->started };

	r.local = o->local;
	r.remote = o->remote;
	snprintf(r.conn, sizeof(r.conn), "%s", conn_name(ctx));
	memcpy(r.shared_id, o->shared_id, sizeof(r.shared_id));
	memcpy(r.key_id, o->key_id, sizeof(r.key_id));
	return vpnha_record_write(VPNHA_REC_IPSEC_OWNED, AGENT, ctx->instance, "owned", &r);
}

/* The record (lib/records.h, VPNHA_REC_IPSEC_OWNED); its conn= into conn (may be NULL). */
static int owned_read(struct vpnha_ctx *ctx, struct owned *o, char *conn, size_t connlen)
{
	struct vpnha_rec_ipsec_owned r;
	int rc;

	_Static_assert(sizeof(r.shared_id) == sizeof(o->shared_id) && sizeof(r.key_id) == sizeof(o->key_id), "ids");
	memset(o, 0, sizeof(*o));
	rc = vpnha_record_read(VPNHA_REC_IPSEC_OWNED, AGENT, ctx->instance, "owned", &r);
	if (rc < 0)
		return rc;
	if (conn && r.conn[0])
		snprintf(conn, connlen, "%s", r.conn);
	o->loaded_conn = r.loaded_conn;
	memcpy(o->shared_id, r.shared_id, sizeof(o->shared_id));
	memcpy(o->key_id, r.key_id, sizeof(o->key_id));
	o->local = r.local;
	o->remote = r.remote;
	o->started = r.started;
	return 0;
}

/* ---- block selectors (fail_closed): out, any source -> remote TS, proto ---- */
static int block_sels(struct vpnha_ctx *ctx, struct vpnha_xfrm_sel *sels, size_t *n, char *why, size_t whylen)
{
	const struct vpnha_value *rts = VPNHA_PARAM(ctx, P_REMOTE_TS);
	const struct vpnha_value *lts = VPNHA_PARAM(ctx, P_LOCAL_TS);
	const struct vpnha_addr *remote = VPNHA_GIVEN(ctx, P_REMOTE_ADDRS) ? VPNHA_ADDR(ctx, P_REMOTE_ADDRS) : NULL;
	const struct vpnha_addr *local = VPNHA_GIVEN(ctx, P_LOCAL_ADDRS) ? VPNHA_ADDR(ctx, P_LOCAL_ADDRS) : NULL;
	uint8_t lproto = 0;
	size_t i;

	*n = 0;
	if (lts->n_items == 1) {
		struct vpnha_xfrm_sel h;

		if (vpnha_xfrm_ts_parse(lts->items[0].str, local, &h, why, whylen) == 0)
			lproto = h.proto;
	}
	for (i = 0; i < rts->n_items && *n < MAX_BLOCKS; i++) {
		struct vpnha_xfrm_sel h, *s = &sels[*n];

		if (vpnha_xfrm_ts_parse(rts->items[i].str, remote, &h, why, whylen) < 0)
			return -EINVAL;
		memset(s, 0, sizeof(*s));
		s->dst = h.dst;
		s->src.family = h.dst.family;
		s->src.prefixlen = 0;
		s->proto = h.proto ? h.proto : lproto;
		if (s->dst.prefixlen == 0 && s->proto == 0) {
			snprintf(why, whylen, "remote_ts '%s' with any protocol would block all traffic; "
				 "narrow it or set fail_closed=false", rts->items[i].str);
			return -EINVAL;
		}
		(*n)++;
	}
	return 0;
}

static enum vpnha_rc ic_validate(struct vpnha_ctx *ctx)
{
	struct vpnha_xfrm_sel sels[MAX_BLOCKS];
	char why[256] = "";
	size_t n;

	if (agent_defined(ctx)) {
		static const size_t need[] = { P_LOCAL_ADDRS, P_REMOTE_ADDRS };

		for (size_t i = 0; i < VPNHA_ARRAY_SIZE(need); i++)
			if (!VPNHA_GIVEN(ctx, need[i]))
				return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter '%s' is required with config=agent",
						  params[need[i]].name);
		if (VPNHA_ADDR(ctx, P_LOCAL_ADDRS)->family != VPNHA_ADDR(ctx, P_REMOTE_ADDRS)->family)
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameters 'local_addrs' and 'remote_addrs': address families differ");
		if (VPNHA_PARAM(ctx, P_AUTH)->v.i == 0 && !VPNHA_GIVEN(ctx, P_PSK_FILE))
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'psk_file' is required with auth=psk");
		if (VPNHA_PARAM(ctx, P_AUTH)->v.i == 1 &&
		    (!VPNHA_GIVEN(ctx, P_CERT) || !VPNHA_GIVEN(ctx, P_KEY_FILE) || !VPNHA_GIVEN(ctx, P_CACERT)))
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameters 'cert', 'key_file' and 'cacert' are required with auth=pubkey");
		if (VPNHA_PARAM(ctx, P_AUTH)->v.i == 1 && !VPNHA_GIVEN(ctx, P_REMOTE_ID))
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_id' is required with auth=pubkey");
	} else if (VPNHA_GIVEN(ctx, P_PSK_FILE) || VPNHA_GIVEN(ctx, P_CERT)) {
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameters 'psk_file'/'cert' only apply to config=agent");
	}
	if (VPNHA_BOOL(ctx, P_FAIL_CLOSED)) {
		if (!VPNHA_GIVEN(ctx, P_REMOTE_ADDRS))
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_addrs' is required with fail_closed=true");
		if (block_sels(ctx, sels, &n, why, sizeof(why)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'remote_ts': %s", why);
	}
	return VPNHA_RC_OK;
}

/* ---- VICI helpers ---- */

static bool charon_absent(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED || err == -ECONNRESET || err == -EPIPE ||
	       err == -ENOTDIR;
}

static int charon_open(struct vpnha_ctx *ctx, struct vpnha_vici_conn **c)
{
	return vpnha_vici_connect(c, VPNHA_STR(ctx, P_VICI_SOCKET), ctx->deadline);
}

/* Simple command: 0, or -EREMOTEIO with errmsg copied to why. */
static int charon_cmd(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c, const char *cmd,
		      struct vpnha_vici_writer *w, char *why, size_t whylen)
{
	struct vpnha_vici_node *resp = NULL;
	const char *msg;
	int err;

	err = vpnha_vici_request(c, cmd, w, NULL, NULL, NULL, ctx->deadline, &resp);
	if (err < 0) {
		snprintf(why, whylen, "%s: %s", cmd, strerror(-err));
		return err;
	}
	err = vpnha_vici_check_success(resp, &msg);
	if (err < 0)
		snprintf(why, whylen, "%s: %s", cmd, msg ? msg : "failed");
	vpnha_vici_node_free(resp);
	return err;
}

static int conn_loaded(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c, const char *name, bool *loaded)
{
	struct vpnha_vici_node *resp = NULL;
	const struct vpnha_vici_node *l;
	int err;

	*loaded = false;
	err = vpnha_vici_request(c, "get-conns", NULL, NULL, NULL, NULL, ctx->deadline, &resp);
	if (err < 0)
		return err;
	l = vpnha_vici_node_get(resp, "conns");
	if (l && l->type == VPNHA_VICI_NODE_LIST)
		for (size_t i = 0; i < l->n_children; i++) {
			const char *s = vpnha_vici_value_str(&l->children[i]);

			if (s && !strcmp(s, name))
				*loaded = true;
		}
	vpnha_vici_node_free(resp);
	return 0;
}

/* What list-sas says about our connection. */
#define MAX_TS 8
struct sa_child {
	uint32_t spi_in, spi_out;
	char local_ts[MAX_TS][80], remote_ts[MAX_TS][80];
	size_t n_lts, n_rts;
};

struct sa_view {
	const char *child;
	unsigned ike_total, ike_established;
	unsigned children_installed;
	struct vpnha_addr local, remote; /* of an established IKE_SA */
	struct sa_child ch[4];
	size_t n_ch;
};

static void copy_ts(const struct vpnha_vici_node *l, char dst[][80], size_t *n)
{
	*n = 0;
	if (!l || l->type != VPNHA_VICI_NODE_LIST)
		return;
	for (size_t i = 0; i < l->n_children && *n < MAX_TS; i++) {
		const char *s = vpnha_vici_value_str(&l->children[i]);

		if (s && strlen(s) < 80)
			snprintf(dst[(*n)++], 80, "%s", s);
	}
}

static int on_list_sa(const struct vpnha_vici_node *ev, void *ud)
{
	struct sa_view *v = ud;

	for (size_t i = 0; i < ev->n_children; i++) {
		const struct vpnha_vici_node *ike = &ev->children[i], *chs;
		const char *st, *lh, *rh;

		if (ike->type != VPNHA_VICI_NODE_SECTION)
			continue;
		v->ike_total++;
		st = vpnha_vici_node_str(ike, "state");
		if (!st || strcmp(st, "ESTABLISHED"))
			continue;
		v->ike_established++;
		lh = vpnha_vici_node_str(ike, "local-host");
		rh = vpnha_vici_node_str(ike, "remote-host");
		if (lh && rh) {
			vpnha_parse_addr(lh, 0, &v->local, NULL, 0);
			vpnha_parse_addr(rh, 0, &v->remote, NULL, 0);
		}
		chs = vpnha_vici_node_get(ike, "child-sas");
		if (!chs || chs->type != VPNHA_VICI_NODE_SECTION)
			continue;
		for (size_t j = 0; j < chs->n_children; j++) {
			const struct vpnha_vici_node *ch = &chs->children[j];
			const char *name = vpnha_vici_node_str(ch, "name"), *cst = vpnha_vici_node_str(ch, "state");
			struct sa_child *c;

			if (!name || strcmp(name, v->child) || !cst || strcmp(cst, "INSTALLED"))
				continue;
			v->children_installed++;
			if (v->n_ch >= VPNHA_ARRAY_SIZE(v->ch))
				continue;
			c = &v->ch[v->n_ch];
			if (!vpnha_vici_spi_parse(vpnha_vici_node_str(ch, "spi-in"), &c->spi_in) ||
			    !vpnha_vici_spi_parse(vpnha_vici_node_str(ch, "spi-out"), &c->spi_out))
				continue;
			copy_ts(vpnha_vici_node_get(ch, "local-ts"), c->local_ts, &c->n_lts);
			copy_ts(vpnha_vici_node_get(ch, "remote-ts"), c->remote_ts, &c->n_rts);
			v->n_ch++;
		}
	}
	return 0;
}

static int sa_list(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c, const char *conn, const char *child,
		   struct sa_view *v)
{
	struct vpnha_vici_writer w;
	struct vpnha_vici_node *resp = NULL;
	int err;

	memset(v, 0, sizeof(*v));
	v->child = child;
	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "ike", conn);
	vpnha_vici_kv(&w, "noblock", "yes");
	err = vpnha_vici_request(c, "list-sas", &w, "list-sa", on_list_sa, v, ctx->deadline, &resp);
	vpnha_vici_writer_free(&w);
	vpnha_vici_node_free(resp);
	return err;
}

/* ---- XFRM health of the installed CHILD_SAs ---- */
static int kernel_check(struct vpnha_ctx *ctx, const struct sa_view *v, char *why, size_t whylen)
{
	struct nl_sock *sk = NULL;
	int err;

	(void)ctx;
	err = vpnha_xfrm_open(&sk);
	if (err < 0) {
		snprintf(why, whylen, "cannot open XFRM netlink: %s", strerror(-err));
		return err;
	}
	for (size_t i = 0; i < v->n_ch; i++) {
		const struct sa_child *c = &v->ch[i];
		unsigned n_out = 0, n_in = 0;

		if ((err = vpnha_xfrm_sa_count(sk, &v->local, &v->remote, c->spi_out, &n_out)) < 0 ||
		    (err = vpnha_xfrm_sa_count(sk, &v->remote, &v->local, c->spi_in, &n_in)) < 0) {
			snprintf(why, whylen, "XFRM SA dump: %s", strerror(-err));
			goto out;
		}
		if (!n_out || !n_in) {
			snprintf(why, whylen, "CHILD_SA %s: charon reports it INSTALLED but the kernel lacks its %s SA (spi %08x)",
				 v->child, !n_out ? "outbound" : "inbound", !n_out ? c->spi_out : c->spi_in);
			err = -ENOENT;
			goto out;
		}
		for (size_t a = 0; a < c->n_lts; a++)
			for (size_t b = 0; b < c->n_rts; b++) {
				struct vpnha_xfrm_sel l, r, out, in;
				unsigned n1 = 0, n2 = 0;

				if (vpnha_xfrm_ts_parse(c->local_ts[a], NULL, &l, why, whylen) < 0 ||
				    vpnha_xfrm_ts_parse(c->remote_ts[b], NULL, &r, why, whylen) < 0)
					continue; /* ranges etc.: not checked */
				out = (struct vpnha_xfrm_sel){ l.src, r.dst, l.proto ? l.proto : r.proto };
				in = (struct vpnha_xfrm_sel){ r.src, l.dst, out.proto };
				if ((err = vpnha_xfrm_policy_count(sk, VPNHA_XFRM_OUT, &out, &n1)) < 0 ||
				    (err = vpnha_xfrm_policy_count(sk, VPNHA_XFRM_IN, &in, &n2)) < 0) {
					snprintf(why, whylen, "XFRM policy dump: %s", strerror(-err));
					goto out;
				}
				if (!n1 || !n2) {
					snprintf(why, whylen, "CHILD_SA %s: no %s policy %s === %s in the kernel",
						 v->child, !n1 ? "out" : "in", c->local_ts[a], c->remote_ts[b]);
					err = -ENOENT;
					goto out;
				}
			}
	}
	err = 0;
out:
	vpnha_xfrm_close(sk);
	return err;
}

/* Install (or re-assert) the block policies; returns 0 or -errno (why set). */
static int blocks_install(struct vpnha_ctx *ctx, bool *added, char *why, size_t whylen)
{
	struct vpnha_xfrm_sel sels[MAX_BLOCKS];
	struct nl_sock *sk = NULL;
	size_t n, i;
	int err;

	if (added)
		*added = false;
	if (block_sels(ctx, sels, &n, why, whylen) < 0)
		return -EINVAL;
	if ((err = vpnha_xfrm_open(&sk)) < 0) {
		snprintf(why, whylen, "XFRM netlink: %s", strerror(-err));
		return err;
	}
	for (i = 0; i < n; i++) {
		bool present = false;

		err = vpnha_xfrm_block_present(sk, &sels[i], BLOCK_PRIO, &present);
		if (err == 0 && !present) {
			err = vpnha_xfrm_block_add(sk, &sels[i], BLOCK_PRIO);
			if (added && err == 0)
				*added = true;
		}
		if (err < 0) {
			snprintf(why, whylen, "cannot install the fail-closed block policy: %s", strerror(-err));
			break;
		}
	}
	vpnha_xfrm_close(sk);
	if (err == 0)
		err = vpnha_state_write(AGENT, ctx->instance, "block", "1\n", 2);
	return err;
}

static int blocks_remove(struct vpnha_ctx *ctx)
{
	struct vpnha_xfrm_sel sels[MAX_BLOCKS];
	struct nl_sock *sk = NULL;
	char why[256];
	size_t n, i;
	int err;

	if (block_sels(ctx, sels, &n, why, sizeof(why)) < 0)
		return -EINVAL;
	if ((err = vpnha_xfrm_open(&sk)) < 0)
		return err;
	for (i = 0; i < n && err == 0; i++)
		err = vpnha_xfrm_block_del(sk, &sels[i], BLOCK_PRIO);
	vpnha_xfrm_close(sk);
	if (err == 0)
		vpnha_state_remove(AGENT, ctx->instance, "block");
	return err;
}

/* ---- load-conn ---- */
static void add_list(struct vpnha_vici_writer *w, const char *key, const struct vpnha_value *v)
{
	vpnha_vici_list_start(w, key);
	for (size_t i = 0; i < v->n_items; i++)
		vpnha_vici_list_item(w, v->items[i].str);
	vpnha_vici_list_end(w);
}

static int load_conn(struct vpnha_ctx *ctx, struct vpnha_vici_conn *c, const char *lid, const char *rid,
		     const char *cert, const char *ca, char *why, size_t whylen)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	bool psk = VPNHA_PARAM(ctx, P_AUTH)->v.i == 0;
	struct vpnha_vici_writer w;
	int err;

	vpnha_vici_writer_init(&w);
	vpnha_vici_section_start(&w, conn_name(ctx));
	vpnha_vici_kv(&w, "version", "2");
	vpnha_vici_list_start(&w, "local_addrs");
	vpnha_vici_list_item(&w, addr_s(VPNHA_ADDR(ctx, P_LOCAL_ADDRS), l, sizeof(l)));
	vpnha_vici_list_end(&w);
	vpnha_vici_list_start(&w, "remote_addrs");
	vpnha_vici_list_item(&w, addr_s(VPNHA_ADDR(ctx, P_REMOTE_ADDRS), r, sizeof(r)));
	vpnha_vici_list_end(&w);
	add_list(&w, "proposals", VPNHA_PARAM(ctx, P_PROPOSALS));
	vpnha_vici_kv_fmt(&w, "dpd_delay", "%" PRIu64 "s", (VPNHA_MS(ctx, P_DPD_DELAY) + 999) / 1000);
	vpnha_vici_kv_fmt(&w, "rekey_time", "%" PRIu64 "s", VPNHA_MS(ctx, P_REKEY_TIME) / 1000);
	vpnha_vici_kv(&w, "keyingtries", "0");  /* keep trying: a remote site may come back */
	vpnha_vici_kv(&w, "unique", "replace"); /* a restarted peer's new IKE_SA replaces the stale one */
	vpnha_vici_kv(&w, "mobike", "no");
	vpnha_vici_section_start(&w, "local");
	vpnha_vici_kv(&w, "auth", psk ? "psk" : "pubkey");
	vpnha_vici_kv(&w, "id", lid);
	if (!psk) {
		/* VICI takes certificates as data, not file names */
		vpnha_vici_list_start(&w, "certs");
		vpnha_vici_list_item(&w, cert);
		vpnha_vici_list_end(&w);
	}
	vpnha_vici_section_end(&w);
	vpnha_vici_section_start(&w, "remote");
	vpnha_vici_kv(&w, "auth", psk ? "psk" : "pubkey");
	vpnha_vici_kv(&w, "id", rid);
	if (!psk) {
		vpnha_vici_list_start(&w, "cacerts");
		vpnha_vici_list_item(&w, ca);
		vpnha_vici_list_end(&w);
	}
	vpnha_vici_section_end(&w);
	vpnha_vici_section_start(&w, "children");
	vpnha_vici_section_start(&w, child_name(ctx));
	add_list(&w, "local_ts", VPNHA_PARAM(ctx, P_LOCAL_TS));
	add_list(&w, "remote_ts", VPNHA_PARAM(ctx, P_REMOTE_TS));
	add_list(&w, "esp_proposals", VPNHA_PARAM(ctx, P_ESP_PROPOSALS));
	vpnha_vici_kv(&w, "mode", VPNHA_STR(ctx, P_MODE));
	vpnha_vici_kv(&w, "dpd_action", "restart");
	vpnha_vici_kv(&w, "start_action", "none");
	vpnha_vici_kv(&w, "close_action", "none");
	vpnha_vici_kv_fmt(&w, "rekey_time", "%" PRIu64 "s", VPNHA_MS(ctx, P_CHILD_REKEY_TIME) / 1000);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_end(&w);
	err = vpnha_vici_writer_error(&w);
	if (err < 0)
		snprintf(why, whylen, "cannot encode load-conn: %s", strerror(-err));
	else
		err = charon_cmd(ctx, c, "load-conn", &w, why, whylen);
	vpnha_vici_writer_free(&w);
	return err;
}

static void shared_id(struct vpnha_ctx *ctx, char *buf, size_t len)
{
	snprintf(buf, len, "vpnha-%s", conn_name(ctx));
}

/* ---------------------------------------------------------------- actions */

static enum vpnha_rc ic_monitor(struct vpnha_ctx *ctx)
{
	struct vpnha_vici_conn *c = NULL;
	struct sa_view v;
	struct owned o;
	char why[384] = "";
	bool loaded = false;
	enum vpnha_rc rc = VPNHA_RC_OK;
	int err;

	/* fail closed from the first probe on: Pacemaker probes every node when
	 * the resource is defined, before anything may route the traffic */
	if (ctx->probe && VPNHA_BOOL(ctx, P_FAIL_CLOSED) && blocks_install(ctx, NULL, why, sizeof(why)) < 0)
		vpnha_log_warn("%s", why);
	if (owned_read(ctx, &o, NULL, 0) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "%s is not started on this node", conn_name(ctx));
	err = charon_open(ctx, &c);
	if (err < 0)
		return vpnha_fail(ctx, charon_absent(err) ? VPNHA_RC_NOT_RUNNING : VPNHA_RC_ERROR,
				  "charon not answering on %s: %s", VPNHA_STR(ctx, P_VICI_SOCKET), strerror(-err));
	err = conn_loaded(ctx, c, conn_name(ctx), &loaded);
	if (err < 0) {
		rc = vpnha_fail(ctx, charon_absent(err) ? VPNHA_RC_NOT_RUNNING : VPNHA_RC_ERROR,
				"get-conns: %s", strerror(-err));
		goto out;
	}
	if (!loaded) {
		rc = vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "connection %s is not loaded in charon (restarted?)", conn_name(ctx));
		goto out;
	}
	err = sa_list(ctx, c, conn_name(ctx), child_name(ctx), &v);
	if (err < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "list-sas: %s", strerror(-err));
		goto out;
	}
	if (VPNHA_BOOL(ctx, P_FAIL_CLOSED)) {
		bool added = false;

		if (blocks_install(ctx, &added, why, sizeof(why)) < 0) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
			goto out;
		}
		if (added)
			vpnha_log_warn("fail-closed block policy was missing; re-installed");
	}
	if (v.children_installed == 0) {
		uint64_t down = 0, now = boot_s();
		struct vpnha_rec_since d;

		if (vpnha_record_read(VPNHA_REC_SINCE, AGENT, ctx->instance, "down-since", &d) == 0)
			down = d.s;
		if (!down) {
			d.s = now;
			vpnha_record_write(VPNHA_REC_SINCE, AGENT, ctx->instance, "down-since", &d);
			down = now;
		}
		if (VPNHA_BOOL(ctx, P_REQUIRE_ESTABLISHED) &&
		    (now - down) * 1000 >= VPNHA_MS(ctx, P_ESTABLISHED_GRACE)) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "CHILD_SA %s not established for %" PRIu64 " s (IKE_SAs: %u, established: %u)",
					child_name(ctx), now - down, v.ike_total, v.ike_established);
			goto out;
		}
		vpnha_log_info("CHILD_SA %s pending for %" PRIu64 " s (IKE_SAs: %u, established: %u)",
			       child_name(ctx), now - down, v.ike_total, v.ike_established);
		goto out;
	}
	vpnha_state_remove(AGENT, ctx->instance, "down-since");
	if (ctx->check_level >= 10 && kernel_check(ctx, &v, why, sizeof(why)) < 0)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
out:
	vpnha_vici_close(c);
	return rc;
}

static enum vpnha_rc ic_start(struct vpnha_ctx *ctx)
{
	_vpnha_auto_secret struct vpnha_secret secret = VPNHA_SECRET_INIT;
	char why[384] = "", sid[96], l[INET6_ADDRSTRLEN] = "", r[INET6_ADDRSTRLEN] = "";
	const char *lid = NULL, *rid = NULL;
	struct vpnha_vici_conn *c = NULL;
	struct vpnha_vici_writer w;
	struct sa_view v;
	struct owned o;
	bool psk = agent_defined(ctx) && VPNHA_PARAM(ctx, P_AUTH)->v.i == 0, loaded = false;
	bool pubkey = agent_defined(ctx) && !psk;
	_vpnha_auto_free char *cert = NULL;
	_vpnha_auto_free char *ca = NULL;
	enum vpnha_rc rc = VPNHA_RC_OK;
	uint64_t t0 = vpnha_now_ms(), until;
	int err;

	memset(&o, 0, sizeof(o));
	/* everything that can be checked is checked before touching anything */
	if (psk && vpnha_secret_read(VPNHA_STR(ctx, P_PSK_FILE), MAX_SECRET, VPNHA_SECRET_TRIM, &secret,
				     why, sizeof(why)) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'psk_file': %s", why);
	if (pubkey) {
		size_t n;

		if ((err = file_read(VPNHA_STR(ctx, P_CERT), &cert, &n)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'cert': %s: %s", VPNHA_STR(ctx, P_CERT), strerror(-err));
		if ((err = file_read(VPNHA_STR(ctx, P_CACERT), &ca, &n)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'cacert': %s: %s", VPNHA_STR(ctx, P_CACERT), strerror(-err));
		if (vpnha_secret_read(VPNHA_STR(ctx, P_KEY_FILE), MAX_SECRET, VPNHA_SECRET_TRIM, &secret,
				      why, sizeof(why)) < 0)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'key_file': %s", why);
	}
	if (agent_defined(ctx)) {
		addr_s(VPNHA_ADDR(ctx, P_LOCAL_ADDRS), l, sizeof(l));
		addr_s(VPNHA_ADDR(ctx, P_REMOTE_ADDRS), r, sizeof(r));
		lid = VPNHA_GIVEN(ctx, P_LOCAL_ID) ? VPNHA_STR(ctx, P_LOCAL_ID) : l;
		rid = VPNHA_GIVEN(ctx, P_REMOTE_ID) ? VPNHA_STR(ctx, P_REMOTE_ID) : r;
	}
	err = charon_open(ctx, &c);
	if (err < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "charon not answering on %s: %s",
				VPNHA_STR(ctx, P_VICI_SOCKET), strerror(-err));
		goto out;
	}
	if (!agent_defined(ctx)) {
		if ((err = conn_loaded(ctx, c, conn_name(ctx), &loaded)) < 0) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "get-conns: %s", strerror(-err));
			goto out;
		}
		if (!loaded) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "connection %s is not loaded in charon (swanctl.conf on this node)",
					conn_name(ctx));
			goto out;
		}
	}
	/* fail closed before any SA can come and go */
	if (VPNHA_BOOL(ctx, P_FAIL_CLOSED) && blocks_install(ctx, NULL, why, sizeof(why)) < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
		goto out;
	}
	if (VPNHA_GIVEN(ctx, P_LOCAL_ADDRS))
		o.local = *VPNHA_ADDR(ctx, P_LOCAL_ADDRS);
	if (VPNHA_GIVEN(ctx, P_REMOTE_ADDRS))
		o.remote = *VPNHA_ADDR(ctx, P_REMOTE_ADDRS);
	o.started = boot_s();
	if (agent_defined(ctx)) {
		if (psk) {
			shared_id(ctx, sid, sizeof(sid));
			/* record ownership first: a stop after a partial start unloads it */
			snprintf(o.shared_id, sizeof(o.shared_id), "%s", sid);
			o.loaded_conn = true;
			if ((err = owned_write(ctx, &o)) < 0) {
				rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write state: %s", strerror(-err));
				goto out;
			}
			vpnha_vici_writer_init(&w);
			vpnha_vici_kv(&w, "id", sid);
			vpnha_vici_kv(&w, "type", "IKE");
			vpnha_vici_kv_bin(&w, "data", secret.data, secret.len);
			vpnha_vici_list_start(&w, "owners");
			vpnha_vici_list_item(&w, lid);
			vpnha_vici_list_item(&w, rid);
			vpnha_vici_list_end(&w);
			err = charon_cmd(ctx, c, "load-shared", &w, why, sizeof(why));
			vpnha_vici_writer_free(&w);
			if (err < 0) {
				rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
				goto out;
			}
		} else {
			struct vpnha_vici_node *resp = NULL;
			const char *msg, *id;

			o.loaded_conn = true;
			if ((err = owned_write(ctx, &o)) < 0) {
				rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write state: %s", strerror(-err));
				goto out;
			}
			vpnha_vici_writer_init(&w);
			vpnha_vici_kv(&w, "type", "any");
			vpnha_vici_kv_bin(&w, "data", secret.data, secret.len);
			err = vpnha_vici_request(c, "load-key", &w, NULL, NULL, NULL, ctx->deadline, &resp);
			vpnha_vici_writer_free(&w);
			if (err == 0 && (err = vpnha_vici_check_success(resp, &msg)) < 0)
				snprintf(why, sizeof(why), "load-key: %s", msg ? msg : "failed");
			else if (err < 0)
				snprintf(why, sizeof(why), "load-key: %s", strerror(-err));
			id = vpnha_vici_node_str(resp, "id");
			if (err == 0 && id && strlen(id) < sizeof(o.key_id)) {
				snprintf(o.key_id, sizeof(o.key_id), "%s", id);
				owned_write(ctx, &o);
			}
			vpnha_vici_node_free(resp);
			if (err < 0) {
				rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
				goto out;
			}
		}
		if (load_conn(ctx, c, lid, rid, cert, ca, why, sizeof(why)) < 0) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
			goto out;
		}
	} else if ((err = owned_write(ctx, &o)) < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write state: %s", strerror(-err));
		goto out;
	}

	if ((err = sa_list(ctx, c, conn_name(ctx), child_name(ctx), &v)) < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "list-sas: %s", strerror(-err));
		goto out;
	}
	if (v.children_installed == 0) {
		vpnha_vici_writer_init(&w);
		vpnha_vici_kv(&w, "child", child_name(ctx));
		vpnha_vici_kv(&w, "ike", conn_name(ctx));
		vpnha_vici_kv(&w, "timeout", "-1"); /* do not wait: the remote may be down */
		err = charon_cmd(ctx, c, "initiate", &w, why, sizeof(why));
		vpnha_vici_writer_free(&w);
		if (err < 0 && err != -EREMOTEIO) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
			goto out;
		}
		if (err < 0)
			vpnha_log_warn("%s (will keep trying)", why);
	}
	until = t0 + VPNHA_MS(ctx, P_START_WAIT);
	for (;;) {
		if ((err = sa_list(ctx, c, conn_name(ctx), child_name(ctx), &v)) < 0) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "list-sas: %s", strerror(-err));
			goto out;
		}
		if (v.children_installed && kernel_check(ctx, &v, why, sizeof(why)) == 0) {
			vpnha_log_notice("CHILD_SA %s installed in the kernel %" PRIu64 " ms after start",
					 child_name(ctx), vpnha_now_ms() - t0);
			if (v.local.family && !o.local.family) {
				o.local = v.local;
				o.remote = v.remote;
				owned_write(ctx, &o);
			}
			break;
		}
		if (vpnha_now_ms() >= until || vpnha_time_left_ms(ctx) < 300) {
			vpnha_log_notice("CHILD_SA %s not up after %" PRIu64 " ms; start succeeds with the SA pending "
					 "(charon keeps trying; see monitor/require_established)",
					 child_name(ctx), vpnha_now_ms() - t0);
			break;
		}
		vpnha_sleep_ms(ctx, 50);
	}
out:
	vpnha_vici_close(c);
	return rc;
}

/* How long stop lets charon wait for the peer to answer the IKE DELETE:
 * stop_wait, bounded by half the op time left; 0 without parameters. */
static uint64_t stop_wait_ms(struct vpnha_ctx *ctx)
{
	uint64_t want = ctx->params_ok ? VPNHA_MS(ctx, P_STOP_WAIT) : 0, half = vpnha_time_left_ms(ctx) / 2;

	return want < half ? want : half;
}

static enum vpnha_rc ic_stop(struct vpnha_ctx *ctx)
{
	struct vpnha_vici_conn *c = NULL;
	struct vpnha_vici_writer w;
	struct nl_sock *sk = NULL;
	struct owned o;
	char conn[96] = "", why[384] = "";
	unsigned nsa = 0, nsp = 0;
	bool charon = true;
	int err;

	if (owned_read(ctx, &o, conn, sizeof(conn)) < 0) {
		/* nothing recorded: nothing of ours to tear down */
		if (ctx->params_ok && !VPNHA_BOOL(ctx, P_FAIL_CLOSED) &&
		    vpnha_state_exists(AGENT, ctx->instance, "block"))
			blocks_remove(ctx);
		return VPNHA_RC_OK;
	}
	if (!*conn && ctx->params_ok)
		snprintf(conn, sizeof(conn), "%s", conn_name(ctx));
	err = ctx->params_ok ? charon_open(ctx, &c) : vpnha_vici_connect(&c, "/run/charon.vici", ctx->deadline);
	if (err < 0) {
		if (!charon_absent(err))
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "charon: %s", strerror(-err));
		charon = false;
		vpnha_log_info("charon is not running: nothing to terminate or unload");
	}
	if (charon) {
		vpnha_vici_writer_init(&w);
		vpnha_vici_kv(&w, "ike", conn);
		vpnha_vici_kv(&w, "force", "yes");
		/* force without a timeout: charon sends the DELETE and drops the
		 * SA at once; with stop_wait it first waits that long (at most
		 * half the op time left) for the peer's answer */
		if (stop_wait_ms(ctx) > 0)
			vpnha_vici_kv_fmt(&w, "timeout", "%" PRIu64, stop_wait_ms(ctx));
		err = charon_cmd(ctx, c, "terminate", &w, why, sizeof(why));
		vpnha_vici_writer_free(&w);
		if (err < 0 && err != -EREMOTEIO)
			vpnha_log_warn("%s", why);
		if (o.loaded_conn) {
			vpnha_vici_writer_init(&w);
			vpnha_vici_kv(&w, "name", conn);
			err = charon_cmd(ctx, c, "unload-conn", &w, why, sizeof(why));
			vpnha_vici_writer_free(&w);
			if (err < 0 && err != -EREMOTEIO) {
				vpnha_vici_close(c);
				return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
			}
		}
		if (o.key_id[0]) {
			vpnha_vici_writer_init(&w);
			vpnha_vici_kv(&w, "id", o.key_id);
			err = charon_cmd(ctx, c, "unload-key", &w, why, sizeof(why));
			vpnha_vici_writer_free(&w);
			if (err < 0 && err != -EREMOTEIO) {
				vpnha_vici_close(c);
				return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
			}
		}
		if (o.shared_id[0]) {
			vpnha_vici_writer_init(&w);
			vpnha_vici_kv(&w, "id", o.shared_id);
			err = charon_cmd(ctx, c, "unload-shared", &w, why, sizeof(why));
			vpnha_vici_writer_free(&w);
			if (err < 0 && err != -EREMOTEIO) {
				vpnha_vici_close(c);
				return vpnha_fail(ctx, VPNHA_RC_ERROR, "%s", why);
			}
		}
		vpnha_vici_close(c);
	}
	/* whatever charon left (or a killed charon could not remove) goes now */
	if (o.local.family && o.remote.family) {
		if ((err = vpnha_xfrm_open(&sk)) == 0) {
			err = vpnha_xfrm_flush_pair(sk, &o.local, &o.remote, BLOCK_PRIO, &nsa, &nsp);
			if (err == 0 && (nsa || nsp))
				vpnha_log_notice("removed %u SAs and %u policies left in the kernel", nsa, nsp);
			if (err == 0) {
				unsigned a = 0, b = 0;

				vpnha_xfrm_sa_count(sk, &o.local, &o.remote, 0, &a);
				vpnha_xfrm_sa_count(sk, &o.remote, &o.local, 0, &b);
				if (a || b)
					err = -EBUSY;
			}
			vpnha_xfrm_close(sk);
		}
		if (err < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot clear kernel SAs/policies of %s: %s", conn, strerror(-err));
	}
	/* fail_closed: the block policy stays (see the metadata); removed only
	 * when the resource is configured with fail_closed=false */
	if (ctx->params_ok && !VPNHA_BOOL(ctx, P_FAIL_CLOSED) &&
	    vpnha_state_exists(AGENT, ctx->instance, "block") && blocks_remove(ctx) < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove the block policy");
	vpnha_state_remove(AGENT, ctx->instance, "down-since");
	err = vpnha_state_remove(AGENT, ctx->instance, "owned");
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove state: %s", strerror(-err));
	return VPNHA_RC_OK;
}

static enum vpnha_rc ic_reload(struct vpnha_ctx *ctx)
{
	/* require_established and established_grace are read by monitor only */
	(void)ctx;
	return VPNHA_RC_OK;
}

static enum vpnha_rc ic_validate_host(struct vpnha_ctx *ctx)
{
	struct vpnha_vici_conn *c = NULL;
	char why[256];
	int err;

	if (agent_defined(ctx) && VPNHA_PARAM(ctx, P_AUTH)->v.i == 0) {
		_vpnha_auto_secret struct vpnha_secret secret = VPNHA_SECRET_INIT;

		err = vpnha_secret_read(VPNHA_STR(ctx, P_PSK_FILE), MAX_SECRET, VPNHA_SECRET_TRIM, &secret,
					why, sizeof(why));
		if (err < 0)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "parameter 'psk_file': %s", why);
	}
	/* strongswan-charon's daemon, or charon-systemd's (Debian 12: examples/README.md) */
	if (access("/usr/lib/ipsec/charon", X_OK) < 0 && access("/usr/libexec/ipsec/charon", X_OK) < 0 &&
	    access("/usr/sbin/charon-systemd", X_OK) < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "strongSwan charon is not installed");
	err = charon_open(ctx, &c);
	vpnha_vici_close(c);
	if (err < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "charon not answering on %s: %s",
				  VPNHA_STR(ctx, P_VICI_SOCKET), strerror(-err));
	return VPNHA_RC_OK;
}

static const struct vpnha_action actions[] = {
	{ "start", ic_start },
	{ "stop", ic_stop },
	{ "monitor", ic_monitor },
	{ "reload-agent", ic_reload },
};

const struct vpnha_agent vpnha_agent_def = {
	.name = AGENT,
	.metadata = vpnha_metadata_xml,
	.params = params,
	.n_params = VPNHA_ARRAY_SIZE(params),
	.actions = actions,
	.n_actions = VPNHA_ARRAY_SIZE(actions),
	.validate_host = ic_validate_host,
	.validate_params = ic_validate,
};
