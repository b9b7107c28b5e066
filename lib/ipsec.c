/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A charon connection over VICI and its kernel XFRM state; see ipsec.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ipsec.h"

int vpnha_ipsec_validate_ts(const struct vpnha_val *v, char *why, size_t whylen)
{
	struct vpnha_xfrm_sel h;
	static const struct vpnha_addr any = { .family = AF_INET, .prefixlen = 32 };

	return vpnha_xfrm_ts_parse(v->str, &any, &h, why, whylen);
}

int vpnha_ipsec_validate_proposal(const struct vpnha_val *v, char *why, size_t whylen)
{
	for (const char *s = v->str; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_') {
			snprintf(why, whylen, "'%s': not a proposal (algo-algo-...)", v->str);
			return -EINVAL;
		}
	return 0;
}

int vpnha_ipsec_validate_id(const struct vpnha_val *v, char *why, size_t whylen)
{
	for (const char *s = v->str; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			snprintf(why, whylen, "control character in identity");
			return -EINVAL;
		}
	return 0;
}

bool vpnha_ipsec_charon_absent(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED || err == -ECONNRESET || err == -EPIPE || err == -ENOTDIR;
}

int vpnha_ipsec_conn_loaded(struct vpnha_vici_conn *c, const char *name, uint64_t deadline, bool *loaded)
{
	struct vpnha_vici_node *resp = NULL;
	const struct vpnha_vici_node *l;
	int err;

	*loaded = false;
	err = vpnha_vici_request(c, "get-conns", NULL, NULL, NULL, NULL, deadline, &resp);
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

/* ---- the SA view ---- */
static void copy_ts(const struct vpnha_vici_node *l, char dst[][VPNHA_IPSEC_TS_LEN], size_t *n)
{
	*n = 0;
	if (!l || l->type != VPNHA_VICI_NODE_LIST)
		return;
	for (size_t i = 0; i < l->n_children && *n < VPNHA_IPSEC_MAX_TS; i++) {
		const char *s = vpnha_vici_value_str(&l->children[i]);

		if (s && strlen(s) < VPNHA_IPSEC_TS_LEN)
			snprintf(dst[(*n)++], VPNHA_IPSEC_TS_LEN, "%s", s);
	}
}

/* The child-sas section of an established IKE_SA. */
static void view_children(struct vpnha_ipsec_sa_view *v, const struct vpnha_vici_node *chs)
{
	for (size_t j = 0; j < chs->n_children; j++) {
		const struct vpnha_vici_node *ch = &chs->children[j];
		const char *name = vpnha_vici_node_str(ch, "name"), *cst = vpnha_vici_node_str(ch, "state");
		struct vpnha_ipsec_child *c;

		if (!name || strcmp(name, v->child) || !cst || strcmp(cst, "INSTALLED"))
			continue;
		v->children_installed++;
		if (v->n_ch >= sizeof(v->ch) / sizeof(v->ch[0]))
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

static int on_list_sa(const struct vpnha_vici_node *ev, void *ud)
{
	struct vpnha_ipsec_sa_view *v = ud;

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
		if (chs && chs->type == VPNHA_VICI_NODE_SECTION)
			view_children(v, chs);
	}
	return 0;
}

int vpnha_ipsec_sa_list(struct vpnha_vici_conn *c, const char *conn, const char *child, uint64_t deadline,
			struct vpnha_ipsec_sa_view *v)
{
	struct vpnha_vici_writer w;
	struct vpnha_vici_node *resp = NULL;
	int err;

	memset(v, 0, sizeof(*v));
	v->child = child;
	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "ike", conn);
	vpnha_vici_kv(&w, "noblock", "yes");
	err = vpnha_vici_request(c, "list-sas", &w, "list-sa", on_list_sa, v, deadline, &resp);
	vpnha_vici_writer_free(&w);
	vpnha_vici_node_free(resp);
	return err;
}

/* ---- the kernel cross-check ---- */
/* The out and in policies of one local/remote traffic selector pair; ranges
 * and the like are not checked (0). */
static int policy_pair_check(struct vpnha_xfrm *x, const struct vpnha_ipsec_sa_view *v, const char *lts,
			     const char *rts, char *why, size_t whylen)
{
	struct vpnha_xfrm_sel l, r, out, in;
	unsigned n1 = 0, n2 = 0;
	int err;

	if (vpnha_xfrm_ts_parse(lts, NULL, &l, why, whylen) < 0 || vpnha_xfrm_ts_parse(rts, NULL, &r, why, whylen) < 0)
		return 0;
	out = (struct vpnha_xfrm_sel){ l.src, r.dst, l.proto ? l.proto : r.proto };
	in = (struct vpnha_xfrm_sel){ r.src, l.dst, out.proto };
	if ((err = vpnha_xfrm_policy_count(x, VPNHA_XFRM_OUT, &out, &n1)) < 0 ||
	    (err = vpnha_xfrm_policy_count(x, VPNHA_XFRM_IN, &in, &n2)) < 0) {
		snprintf(why, whylen, "XFRM policy dump: %s", strerror(-err));
		return err;
	}
	if (!n1 || !n2) {
		snprintf(why, whylen, "CHILD_SA %s: no %s policy %s === %s in the kernel", v->child, !n1 ? "out" : "in",
			 lts, rts);
		return -ENOENT;
	}
	return 0;
}

static int child_check(struct vpnha_xfrm *x, const struct vpnha_ipsec_sa_view *v, const struct vpnha_ipsec_child *c,
		       char *why, size_t whylen)
{
	unsigned n_out = 0, n_in = 0;
	int err;

	if ((err = vpnha_xfrm_sa_count(x, &v->local, &v->remote, c->spi_out, &n_out)) < 0 ||
	    (err = vpnha_xfrm_sa_count(x, &v->remote, &v->local, c->spi_in, &n_in)) < 0) {
		snprintf(why, whylen, "XFRM SA dump: %s", strerror(-err));
		return err;
	}
	if (!n_out || !n_in) {
		snprintf(why, whylen, "CHILD_SA %s: charon reports it INSTALLED but the kernel lacks its %s SA (spi %08x)",
			 v->child, !n_out ? "outbound" : "inbound", !n_out ? c->spi_out : c->spi_in);
		return -ENOENT;
	}
	for (size_t a = 0; a < c->n_lts; a++)
		for (size_t b = 0; b < c->n_rts; b++)
			if ((err = policy_pair_check(x, v, c->local_ts[a], c->remote_ts[b], why, whylen)) < 0)
				return err;
	return 0;
}

int vpnha_ipsec_kernel_check(const struct vpnha_ipsec_sa_view *v, char *why, size_t whylen)
{
	struct vpnha_xfrm *x = NULL;
	int err;

	err = vpnha_xfrm_open(&x);
	if (err < 0) {
		snprintf(why, whylen, "cannot open XFRM netlink: %s", strerror(-err));
		return err;
	}
	for (size_t i = 0; i < v->n_ch && err == 0; i++)
		err = child_check(x, v, &v->ch[i], why, whylen);
	vpnha_xfrm_close(x);
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

static void add_one(struct vpnha_vici_writer *w, const char *key, const char *item)
{
	vpnha_vici_list_start(w, key);
	vpnha_vici_list_item(w, item);
	vpnha_vici_list_end(w);
}

/* The local or remote section: auth, id, and the certificate list for pubkey. */
static void add_auth(struct vpnha_vici_writer *w, const struct vpnha_ipsec_conn_cfg *cfg, bool local)
{
	vpnha_vici_section_start(w, local ? "local" : "remote");
	vpnha_vici_kv(w, "auth", cfg->psk ? "psk" : "pubkey");
	vpnha_vici_kv(w, "id", local ? cfg->local_id : cfg->remote_id);
	if (!cfg->psk)
		add_one(w, local ? "certs" : "cacerts", local ? cfg->cert : cfg->cacert);
	vpnha_vici_section_end(w);
}

static void add_child(struct vpnha_vici_writer *w, const struct vpnha_ipsec_conn_cfg *cfg)
{
	vpnha_vici_section_start(w, "children");
	vpnha_vici_section_start(w, cfg->child);
	add_list(w, "local_ts", cfg->local_ts);
	add_list(w, "remote_ts", cfg->remote_ts);
	add_list(w, "esp_proposals", cfg->esp_proposals);
	vpnha_vici_kv(w, "mode", cfg->mode);
	vpnha_vici_kv(w, "dpd_action", cfg->dpd_action);
	vpnha_vici_kv(w, "start_action", cfg->start_action);
	vpnha_vici_kv(w, "close_action", cfg->close_action);
	vpnha_vici_kv_fmt(w, "rekey_time", "%" PRIu64 "s", cfg->child_rekey_time_s);
	vpnha_vici_section_end(w);
	vpnha_vici_section_end(w);
}

int vpnha_ipsec_conn_load(struct vpnha_vici_conn *c, const struct vpnha_ipsec_conn_cfg *cfg, uint64_t deadline,
			  char *why, size_t whylen)
{
	struct vpnha_vici_writer w;
	int err;

	vpnha_vici_writer_init(&w);
	vpnha_vici_section_start(&w, cfg->name);
	vpnha_vici_kv(&w, "version", "2");
	add_one(&w, "local_addrs", cfg->local_addr);
	add_one(&w, "remote_addrs", cfg->remote_addr);
	add_list(&w, "proposals", cfg->proposals);
	vpnha_vici_kv_fmt(&w, "dpd_delay", "%" PRIu64 "s", cfg->dpd_delay_s);
	vpnha_vici_kv_fmt(&w, "rekey_time", "%" PRIu64 "s", cfg->rekey_time_s);
	vpnha_vici_kv(&w, "keyingtries", cfg->keyingtries);
	vpnha_vici_kv(&w, "unique", cfg->unique);
	vpnha_vici_kv(&w, "mobike", cfg->mobike);
	add_auth(&w, cfg, true);
	add_auth(&w, cfg, false);
	add_child(&w, cfg);
	vpnha_vici_section_end(&w);
	err = vpnha_vici_writer_error(&w);
	if (err < 0)
		snprintf(why, whylen, "cannot encode load-conn: %s", strerror(-err));
	else
		err = vpnha_vici_command(c, "load-conn", &w, deadline, why, whylen, NULL);
	vpnha_vici_writer_free(&w);
	return err;
}

/* ---- credentials and control ---- */
int vpnha_ipsec_shared_load(struct vpnha_vici_conn *c, const char *id, const void *data, size_t len,
			    const char *owner1, const char *owner2, uint64_t deadline, char *why, size_t whylen)
{
	struct vpnha_vici_writer w;
	int err;

	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "id", id);
	vpnha_vici_kv(&w, "type", "IKE");
	vpnha_vici_kv_bin(&w, "data", data, len);
	vpnha_vici_list_start(&w, "owners");
	vpnha_vici_list_item(&w, owner1);
	vpnha_vici_list_item(&w, owner2);
	vpnha_vici_list_end(&w);
	err = vpnha_vici_command(c, "load-shared", &w, deadline, why, whylen, NULL);
	vpnha_vici_writer_free(&w);
	return err;
}

int vpnha_ipsec_key_load(struct vpnha_vici_conn *c, const void *data, size_t len, char *key_id, size_t key_id_len,
			 uint64_t deadline, char *why, size_t whylen)
{
	struct vpnha_vici_node *resp = NULL;
	struct vpnha_vici_writer w;
	const char *id;
	int err;

	key_id[0] = '\0';
	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "type", "any");
	vpnha_vici_kv_bin(&w, "data", data, len);
	err = vpnha_vici_command(c, "load-key", &w, deadline, why, whylen, &resp);
	vpnha_vici_writer_free(&w);
	id = err == 0 ? vpnha_vici_node_str(resp, "id") : NULL;
	if (id && strlen(id) < key_id_len)
		snprintf(key_id, key_id_len, "%s", id);
	vpnha_vici_node_free(resp);
	return err;
}

int vpnha_ipsec_initiate(struct vpnha_vici_conn *c, const char *ike, const char *child, uint64_t deadline,
			 char *why, size_t whylen)
{
	struct vpnha_vici_writer w;
	int err;

	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "child", child);
	vpnha_vici_kv(&w, "ike", ike);
	vpnha_vici_kv(&w, "timeout", "-1"); /* do not wait: the remote may be down */
	err = vpnha_vici_command(c, "initiate", &w, deadline, why, whylen, NULL);
	vpnha_vici_writer_free(&w);
	return err;
}

int vpnha_ipsec_terminate(struct vpnha_vici_conn *c, const char *ike, uint64_t wait_ms, uint64_t deadline,
			  char *why, size_t whylen)
{
	struct vpnha_vici_writer w;
	int err;

	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "ike", ike);
	vpnha_vici_kv(&w, "force", "yes");
	/* force without a timeout: charon sends the DELETE and drops the SA at
	 * once; with a timeout it first waits that long for the peer's answer */
	if (wait_ms > 0)
		vpnha_vici_kv_fmt(&w, "timeout", "%" PRIu64, wait_ms);
	err = vpnha_vici_command(c, "terminate", &w, deadline, why, whylen, NULL);
	vpnha_vici_writer_free(&w);
	return err;
}

int vpnha_ipsec_unload(struct vpnha_vici_conn *c, const char *cmd, const char *key, const char *value,
		       uint64_t deadline, char *why, size_t whylen)
{
	struct vpnha_vici_writer w;
	int err;

	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, key, value);
	err = vpnha_vici_command(c, cmd, &w, deadline, why, whylen, NULL);
	vpnha_vici_writer_free(&w);
	return err;
}

int vpnha_ipsec_conn_unload(struct vpnha_vici_conn *c, const char *conn, const char *key_id, const char *shared_id,
			    uint64_t deadline, char *why, size_t whylen)
{
	static const struct {
		const char *cmd, *key;
	} what[] = { { "unload-conn", "name" }, { "unload-key", "id" }, { "unload-shared", "id" } };
	const char *val[] = { conn, key_id, shared_id };
	int err;

	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		if (!val[i] || !*val[i])
			continue;
		err = vpnha_ipsec_unload(c, what[i].cmd, what[i].key, val[i], deadline, why, whylen);
		if (err < 0 && err != -EREMOTEIO)
			return err;
	}
	return 0;
}

/* ---- the kernel side ---- */
int vpnha_ipsec_block_sels(const struct vpnha_value *local_ts, const struct vpnha_value *remote_ts,
			   const struct vpnha_addr *local, const struct vpnha_addr *remote, struct vpnha_xfrm_sel *sels,
			   size_t *n, char *why, size_t whylen)
{
	uint8_t lproto = 0;
	struct vpnha_xfrm_sel h;

	*n = 0;
	if (local_ts->n_items == 1 && vpnha_xfrm_ts_parse(local_ts->items[0].str, local, &h, why, whylen) == 0)
		lproto = h.proto;
	for (size_t i = 0; i < remote_ts->n_items && *n < VPNHA_IPSEC_MAX_BLOCKS; i++) {
		struct vpnha_xfrm_sel *s = &sels[*n];

		if (vpnha_xfrm_ts_parse(remote_ts->items[i].str, remote, &h, why, whylen) < 0)
			return -EINVAL;
		memset(s, 0, sizeof(*s));
		s->dst = h.dst;
		s->src.family = h.dst.family;
		s->src.prefixlen = 0;
		s->proto = h.proto ? h.proto : lproto;
		if (s->dst.prefixlen == 0 && s->proto == 0) {
			snprintf(why, whylen, "remote_ts '%s' with any protocol would block all traffic; "
					      "narrow it or set fail_closed=false",
				 remote_ts->items[i].str);
			return -EINVAL;
		}
		(*n)++;
	}
	return 0;
}

int vpnha_ipsec_blocks_install(const struct vpnha_xfrm_sel *sels, size_t n, uint32_t prio, bool *added,
			       char *why, size_t whylen)
{
	struct vpnha_xfrm *x = NULL;
	int err;

	if (added)
		*added = false;
	if ((err = vpnha_xfrm_open(&x)) < 0) {
		snprintf(why, whylen, "XFRM netlink: %s", strerror(-err));
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		bool present = false;

		err = vpnha_xfrm_block_present(x, &sels[i], prio, &present);
		if (err == 0 && !present) {
			err = vpnha_xfrm_block_add(x, &sels[i], prio);
			if (added && err == 0)
				*added = true;
		}
		if (err < 0) {
			snprintf(why, whylen, "cannot install the fail-closed block policy: %s", strerror(-err));
			break;
		}
	}
	vpnha_xfrm_close(x);
	return err;
}

int vpnha_ipsec_blocks_remove(const struct vpnha_xfrm_sel *sels, size_t n, uint32_t prio)
{
	struct vpnha_xfrm *x = NULL;
	int err;

	if ((err = vpnha_xfrm_open(&x)) < 0)
		return err;
	for (size_t i = 0; i < n && err == 0; i++)
		err = vpnha_xfrm_block_del(x, &sels[i], prio);
	vpnha_xfrm_close(x);
	return err;
}

int vpnha_ipsec_kernel_clear(const struct vpnha_addr *local, const struct vpnha_addr *remote, uint32_t keep_prio,
			     unsigned *n_sa, unsigned *n_sp)
{
	struct vpnha_xfrm *x = NULL;
	unsigned a = 0, b = 0;
	int err;

	if ((err = vpnha_xfrm_open(&x)) < 0)
		return err;
	err = vpnha_xfrm_flush_pair(x, local, remote, keep_prio, n_sa, n_sp);
	if (err == 0) {
		vpnha_xfrm_sa_count(x, local, remote, 0, &a);
		vpnha_xfrm_sa_count(x, remote, local, 0, &b);
		if (a || b)
			err = -EBUSY;
	}
	vpnha_xfrm_close(x);
	return err;
}
