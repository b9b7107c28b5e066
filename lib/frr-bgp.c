/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BGP over an FRR vty: neighbor queries and configuration sequences; see frr.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frr.h"
#include "log.h"
#include "util.h"

bool vpnha_frr_vty_gone(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED;
}

int vpnha_frr_af_parse(const char *s)
{
	if (!strcmp(s, "ipv4-unicast"))
		return VPNHA_FRR_AF_IPV4_UNICAST;
	if (!strcmp(s, "ipv6-unicast"))
		return VPNHA_FRR_AF_IPV6_UNICAST;
	return -1;
}

int vpnha_frr_bgp_neighbor_query(struct vpnha_frr_vty *v, const char *vrf, const char *addr,
				 struct vpnha_frr_neighbor *nb)
{
	_vpnha_auto_free char *out = NULL;
	char cmd[VPNHA_FRR_CMD_MAX];
	size_t len;
	int st, r;

	if (*vrf)
		snprintf(cmd, sizeof(cmd), "show bgp vrf %s neighbors %s json", vrf, addr);
	else
		snprintf(cmd, sizeof(cmd), "show bgp neighbors %s json", addr);
	r = vpnha_frr_vty_cmd(v, cmd, &st, &out, &len);
	if (r < 0)
		return r;
	if (st != VPNHA_FRR_CMD_SUCCESS)
		return -ENODEV;
	r = vpnha_frr_neighbor_parse(out, len, addr, nb);
	if (r == -EBADMSG)
		vpnha_log_warn("bgpd: unexpected reply to '%s'", cmd);
	return r;
}

int vpnha_frr_bgp_instance_query(struct vpnha_frr_vty *v, const char *vrf)
{
	_vpnha_auto_free char *out = NULL;
	size_t len;
	int st, r;

	r = vpnha_frr_vty_cmd(v, "show bgp vrfs json", &st, &out, &len);
	if (r < 0)
		return r;
	if (st != VPNHA_FRR_CMD_SUCCESS)
		return -ENOENT;
	return vpnha_frr_vrfs_has(out, len, vrf);
}

/* The first line of a reply, without FRR's leading '%' and spaces. */
static void first_line(const char *s, char *buf, size_t len)
{
	size_t n;

	if (!s)
		s = "";
	while (*s == '%' || *s == ' ')
		s++;
	n = strcspn(s, "\n");
	snprintf(buf, len, "%.*s", (int)n, s);
}

int vpnha_frr_config_cmd(struct vpnha_frr_vty *v, bool secret, const char *cmd, struct vpnha_frr_cfg_error *e)
{
	_vpnha_auto_free char *out = NULL;
	int st, r;

	memset(e, 0, sizeof(*e));
	e->stage = VPNHA_FRR_CFG_COMMAND;
	e->secret = secret;
	if (!secret) {
		vpnha_log_debug("bgpd: %s", cmd);
		snprintf(e->cmd, sizeof(e->cmd), "%s", cmd);
	}
	r = vpnha_frr_vty_cmd(v, cmd, &st, secret ? NULL : &out, NULL);
	if (r < 0)
		return e->err = r;
	if (st == VPNHA_FRR_CMD_SUCCESS)
		return 0;
	e->status = st;
	if (!secret)
		first_line(out, e->reply, sizeof(e->reply));
	return e->err = -EREMOTEIO;
}

int vpnha_frr_config_cmdf(struct vpnha_frr_vty *v, struct vpnha_frr_cfg_error *e, const char *fmt, ...)
{
	char cmd[VPNHA_FRR_CMD_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd)) {
		memset(e, 0, sizeof(*e));
		e->stage = VPNHA_FRR_CFG_TOO_LONG;
		return e->err = -ENAMETOOLONG;
	}
	return vpnha_frr_config_cmd(v, false, cmd, e);
}

int vpnha_frr_bgp_enter(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp,
			struct vpnha_frr_cfg_error *e)
{
	int r = vpnha_frr_vty_config_enter(v);

	if (r < 0) {
		memset(e, 0, sizeof(*e));
		e->stage = VPNHA_FRR_CFG_ENTER;
		return e->err = r;
	}
	if (*bgp->vrf)
		return vpnha_frr_config_cmdf(v, e, "router bgp %" PRId64 " vrf %s", bgp->local_as, bgp->vrf);
	return vpnha_frr_config_cmdf(v, e, "router bgp %" PRId64, bgp->local_as);
}

int vpnha_frr_bgp_neighbor_tune(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_neighbor_cfg *n,
				struct vpnha_frr_cfg_error *e)
{
	const char *nbr = n->addr;
	int r;

	if (n->timers)
		r = vpnha_frr_config_cmdf(v, e, "neighbor %s timers %" PRId64 " %" PRId64, nbr, n->keepalive,
					  n->holdtime);
	else
		r = vpnha_frr_config_cmdf(v, e, "no neighbor %s timers", nbr);
	if (r < 0)
		return r;
	if (n->connect_timer_set)
		r = vpnha_frr_config_cmdf(v, e, "neighbor %s timers connect %" PRId64, nbr, n->connect_timer);
	else
		r = vpnha_frr_config_cmdf(v, e, "no neighbor %s timers connect", nbr);
	if (r < 0)
		return r;
	if (!n->bfd)
		return vpnha_frr_config_cmdf(v, e, "no neighbor %s bfd", nbr);
	r = vpnha_frr_config_cmdf(v, e, "neighbor %s bfd", nbr);
	if (r == 0 && n->bfd_profile)
		r = vpnha_frr_config_cmdf(v, e, "neighbor %s bfd profile %s", nbr, n->bfd_profile);
	else if (r == 0)
		r = vpnha_frr_config_cmdf(v, e, "no neighbor %s bfd profile", nbr);
	return r;
}

static int neighbor_password(struct vpnha_frr_vty *v, const char *nbr, const char *password,
			     struct vpnha_frr_cfg_error *e)
{
	char cmd[VPNHA_FRR_CMD_MAX];
	int r;

	snprintf(cmd, sizeof(cmd), "neighbor %s password %s", nbr, password);
	vpnha_log_debug("bgpd: neighbor %s password (not shown)", nbr);
	r = vpnha_frr_config_cmd(v, true, cmd, e);
	explicit_bzero(cmd, sizeof(cmd));
	return r;
}

/* Each known AF: activate (with next-hop-self as configured) or deactivate. */
static int neighbor_afs(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_neighbor_cfg *n,
			struct vpnha_frr_cfg_error *e)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < VPNHA_FRR_AF_COUNT; i++) {
		r = vpnha_frr_config_cmdf(v, e, "address-family %s", vpnha_frr_af_cli((enum vpnha_frr_af)i));
		if (r == 0)
			r = vpnha_frr_config_cmdf(v, e, "%sneighbor %s activate", n->af[i] ? "" : "no ", n->addr);
		if (r == 0 && n->af[i])
			r = vpnha_frr_config_cmdf(v, e, "%sneighbor %s next-hop-self", n->next_hop_self ? "" : "no ",
						  n->addr);
		if (r == 0)
			r = vpnha_frr_config_cmdf(v, e, "exit-address-family");
	}
	return r;
}

int vpnha_frr_bgp_neighbor_configure(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp,
				     const struct vpnha_frr_bgp_neighbor_cfg *n, struct vpnha_frr_cfg_error *e)
{
	const char *nbr = n->addr;
	int r;

	r = vpnha_frr_bgp_enter(v, bgp, e);
	if (r == 0)
		r = vpnha_frr_config_cmdf(v, e, "neighbor %s remote-as %" PRId64, nbr, n->remote_as);
	if (r == 0 && n->update_source)
		r = vpnha_frr_config_cmdf(v, e, "neighbor %s update-source %s", nbr, n->update_source);
	if (r == 0)
		r = vpnha_frr_bgp_neighbor_tune(v, n, e);
	if (r == 0 && n->password)
		r = neighbor_password(v, nbr, n->password, e);
	if (r == 0)
		r = neighbor_afs(v, n, e);
	if (r == 0)
		r = vpnha_frr_config_cmdf(v, e, "no neighbor %s shutdown", nbr);
	if (r == 0)
		r = vpnha_frr_config_cmdf(v, e, "end");
	return r;
}

int vpnha_frr_bgp_neighbor_retune(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp,
				  const struct vpnha_frr_bgp_neighbor_cfg *n, struct vpnha_frr_cfg_error *e)
{
	int r = vpnha_frr_bgp_enter(v, bgp, e);

	if (r == 0)
		r = vpnha_frr_bgp_neighbor_tune(v, n, e);
	if (r == 0)
		r = vpnha_frr_config_cmdf(v, e, "end");
	return r;
}

int vpnha_frr_bgp_neighbor_up(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp, const char *addr,
			      struct vpnha_frr_cfg_error *e)
{
	int r = vpnha_frr_bgp_enter(v, bgp, e);

	if (r == 0)
		r = vpnha_frr_config_cmdf(v, e, "no neighbor %s shutdown", addr);
	if (r == 0)
		r = vpnha_frr_config_cmdf(v, e, "end");
	return r;
}

int vpnha_frr_bgp_neighbor_down(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp, const char *addr,
				bool admin_down, bool remove, struct vpnha_frr_cfg_error *e)
{
	int r = vpnha_frr_bgp_enter(v, bgp, e);

	/* administrative shutdown first: the peer gets a CEASE and withdraws at once */
	if (r == 0 && !admin_down)
		r = vpnha_frr_config_cmdf(v, e, "neighbor %s shutdown", addr);
	if (r == 0 && remove)
		r = vpnha_frr_config_cmdf(v, e, "no neighbor %s", addr);
	if (r == 0)
		r = vpnha_frr_config_cmdf(v, e, "end");
	return r;
}
