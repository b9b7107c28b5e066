/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `vpnha status --prometheus`: the Prometheus text exposition format
 * (version 0.0.4), for node_exporter's textfile collector. Metric names are
 * part of the documented interface (vpnha(8)).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* A label value: backslash, double quote and line feed escaped. */
static const char *esc(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"')
			buf[o++] = '\\';
		buf[o++] = *s == '\n' ? 'n' : *s;
	}
	buf[o] = '\0';
	return buf;
}

static void help(FILE *o, const char *name, const char *type, const char *text)
{
	fprintf(o, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

struct fam_ctx {
	FILE *o;
	const struct vpnha_status_node *n;
	const char *node; /* escaped */
	uint64_t now;
};

static void f_online(const struct fam_ctx *c)
{
	fprintf(c->o, "vpnha_node_online{node=\"%s\"} %d\n", c->node, c->n->member == VPNHA_MEMBER_ONLINE);
}

static void f_active(const struct fam_ctx *c)
{
	fprintf(c->o, "vpnha_node_active{node=\"%s\"} %d\n", c->node,
		vpnha_status_node_live(c->n, c->now) && vpnha_status_node_active(c->n));
}

static void f_report(const struct fam_ctx *c)
{
	fprintf(c->o, "vpnha_node_report_timestamp_seconds{node=\"%s\"} %" PRIu64 "\n", c->node, c->n->updated);
}

static void f_link(const struct fam_ctx *c)
{
	char a[64];

	for (size_t i = 0; i < c->n->n_links; i++)
		fprintf(c->o, "vpnha_link_up{node=\"%s\",interface=\"%s\"} %d\n", c->node,
			esc(c->n->links[i].name, a, sizeof(a)), c->n->links[i].published == VPNHA_ST_UP);
}

/* one IPsec metric: which = 0 up, 1 bytes in, 2 bytes out, 3 rekey */
static void sa_metric(const struct fam_ctx *c, int which)
{
	static const char *const name[] = { "vpnha_ipsec_sa_up", "vpnha_ipsec_bytes_total", "vpnha_ipsec_bytes_total",
					    "vpnha_ipsec_rekey_seconds" };
	static const char *const dir[] = { "", ",direction=\"in\"", ",direction=\"out\"", "" };
	char a[160], b[160];

	for (size_t i = 0; i < c->n->n_sas; i++) {
		const struct vpnha_status_sa *s = &c->n->sas[i];
		uint64_t v = which == 0 ? (uint64_t)(!strcmp(s->state, "INSTALLED") && s->in_kernel != VPNHA_ST_DOWN) : which == 1 ? s->bytes_in
														: which == 2       ? s->bytes_out
																   : s->rekey_s;

		fprintf(c->o, "%s{node=\"%s\",conn=\"%s\",child=\"%s\"%s} %" PRIu64 "\n", name[which], c->node,
			esc(s->conn, a, sizeof(a)), esc(s->child, b, sizeof(b)), dir[which], v);
	}
}

static void f_sa_up(const struct fam_ctx *c)
{
	sa_metric(c, 0);
}

static void f_sa_bytes(const struct fam_ctx *c)
{
	sa_metric(c, 1);
	sa_metric(c, 2);
}

static void f_sa_rekey(const struct fam_ctx *c)
{
	sa_metric(c, 3);
}

static void f_gre(const struct fam_ctx *c)
{
	char a[64];

	for (size_t i = 0; i < c->n->n_gres; i++)
		fprintf(c->o, "vpnha_gre_up{node=\"%s\",interface=\"%s\"} %d\n", c->node,
			esc(c->n->gres[i].ifname, a, sizeof(a)), c->n->gres[i].up == VPNHA_ST_UP);
}

static void f_bgp(const struct fam_ctx *c)
{
	char a[160];

	for (size_t i = 0; i < c->n->n_bgps; i++)
		fprintf(c->o, "vpnha_bgp_established{node=\"%s\",neighbor=\"%s\"} %d\n", c->node,
			esc(c->n->bgps[i].neighbor, a, sizeof(a)), !strcmp(c->n->bgps[i].state, "Established"));
}

static void f_bgp_pfx(const struct fam_ctx *c)
{
	char a[160];

	for (size_t i = 0; i < c->n->n_bgps; i++)
		fprintf(c->o, "vpnha_bgp_prefixes_received{node=\"%s\",neighbor=\"%s\"} %" PRIu64 "\n", c->node,
			esc(c->n->bgps[i].neighbor, a, sizeof(a)), c->n->bgps[i].pfx_rx);
}

/* One family per row, every node's samples in one group (the format's rule). */
static const struct {
	const char *name, *type, *help;
	bool live_only; /* a lost node's last state is history, not a measurement */
	void (*fn)(const struct fam_ctx *c);
} families[] = {
	{ "vpnha_node_online", "gauge", "1 when the gateway is in the CPG group.", false, f_online },
	{ "vpnha_node_active", "gauge", "1 when the gateway holds the VIPs.", false, f_active },
	{ "vpnha_node_report_timestamp_seconds", "gauge", "When the gateway made its last report.", false, f_report },
	{ "vpnha_link_up", "gauge", "A link as mii-link publishes it.", true, f_link },
	{ "vpnha_ipsec_sa_up", "gauge", "1 when the CHILD_SA is INSTALLED and in the kernel.", true, f_sa_up },
	{ "vpnha_ipsec_bytes_total", "counter", "Bytes through the CHILD_SA.", true, f_sa_bytes },
	{ "vpnha_ipsec_rekey_seconds", "gauge", "Seconds until the CHILD_SA is rekeyed (0: unknown).", true, f_sa_rekey },
	{ "vpnha_gre_up", "gauge", "1 when the GRE tunnel is up.", true, f_gre },
	{ "vpnha_bgp_established", "gauge", "1 when the BGP session is Established.", true, f_bgp },
	{ "vpnha_bgp_prefixes_received", "gauge", "Prefixes accepted from the neighbor.", true, f_bgp_pfx },
};

int cli_render_prometheus(FILE *o, const struct cli_view *v)
{
	const struct vpnha_status_site *s = v->site;
	size_t ni, ri;

	help(o, "vpnha_health", "gauge", "Site health: 0 healthy, 1 degraded, 2 VPN down (vpnha status's exit code).");
	fprintf(o, "vpnha_health %d\n", (int)v->health);
	help(o, "vpnha_quorate", "gauge", "1 when this node's partition is quorate.");
	fprintf(o, "vpnha_quorate %d\n", s->quorate == VPNHA_ST_UP);
	help(o, "vpnha_status_generated_timestamp_seconds", "gauge", "When vpnha-statusd made this snapshot.");
	fprintf(o, "vpnha_status_generated_timestamp_seconds %" PRIu64 "\n", s->generated);
	help(o, "vpnha_last_failover_timestamp_seconds", "gauge", "The last role change seen (0: none).");
	fprintf(o, "vpnha_last_failover_timestamp_seconds %" PRIu64 "\n",
		cli_last_failover(s, &ni, &ri) ? s->nodes[ni].roles[ri].at : 0);
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		help(o, families[f].name, families[f].type, families[f].help);
		for (size_t i = 0; i < s->n_nodes; i++) {
			char nb[160];
			struct fam_ctx c = { o, &s->nodes[i], esc(s->nodes[i].name, nb, sizeof(nb)), v->now };

			if (!families[f].live_only || vpnha_status_node_live(&s->nodes[i], v->now))
				families[f].fn(&c);
		}
	}
	return ferror(o) ? -1 : 0;
}
