/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A tunnel link's identity: its ownership record, created, adopted, checked and deleted (tunnel.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "records.h"
#include "runstate.h"
#include "tunnel.h"
#include "util.h"

static void owner_from_rec(const struct vpnha_rec_gre_owner *r, struct vpnha_tunnel_owner *o)
{
	_Static_assert(sizeof(r->addrs) == sizeof(o->addrs) && sizeof(r->routes) == sizeof(o->routes), "record arrays");
	_Static_assert(sizeof(r->ifname) == sizeof(o->ifname) && sizeof(r->kind) == sizeof(o->kind), "record names");
	memcpy(o->ifname, r->ifname, sizeof(o->ifname));
	o->ifindex = r->ifindex;
	memcpy(o->kind, r->kind, sizeof(o->kind));
	o->n_addrs = r->n_addrs;
	memcpy(o->addrs, r->addrs, sizeof(o->addrs));
	o->n_routes = r->n_routes;
	memcpy(o->routes, r->routes, sizeof(o->routes));
	o->present = true;
}

int vpnha_tunnel_owner_parse(const char *text, struct vpnha_tunnel_owner *o)
{
	struct vpnha_rec_gre_owner r;

	memset(o, 0, sizeof(*o));
	o->ifindex = -1;
	if (vpnha_record_parse(VPNHA_REC_GRE_OWNER, text, &r) < 0)
		return -EINVAL;
	owner_from_rec(&r, o);
	return 0;
}

int vpnha_tunnel_owner_read(struct vpnha_ctx *ctx, struct vpnha_tunnel_owner *o)
{
	struct vpnha_rec_gre_owner r;
	int n = vpnha_record_read_owner(VPNHA_REC_GRE_OWNER, ctx->agent->name, ctx->instance, VPNHA_OWNER_KEY, &r,
					"interface");

	memset(o, 0, sizeof(*o));
	if (n > 0)
		owner_from_rec(&r, o);
	return n < 0 ? n : 0;
}

int vpnha_tunnel_owner_write(struct vpnha_ctx *ctx, const struct vpnha_tunnel_owner *o)
{
	struct vpnha_rec_gre_owner r;

	memcpy(r.ifname, o->ifname, sizeof(r.ifname));
	r.ifindex = o->ifindex;
	memcpy(r.kind, o->kind, sizeof(r.kind));
	r.n_addrs = o->n_addrs;
	memcpy(r.addrs, o->addrs, sizeof(r.addrs));
	r.n_routes = o->n_routes;
	memcpy(r.routes, o->routes, sizeof(r.routes));
	return vpnha_record_write(VPNHA_REC_GRE_OWNER, ctx->agent->name, ctx->instance, VPNHA_OWNER_KEY, &r);
}

bool vpnha_tunnel_owner_owns(const struct vpnha_tunnel_owner *o, const struct vpnha_link *l)
{
	if (!o->present || strcmp(o->ifname, l->ifname) || strcmp(o->kind, l->kind))
		return false;
	/* ifindex 0: we were creating it when interrupted (the record is written first) */
	return o->ifindex == l->ifindex || o->ifindex == 0;
}

/* vpnha_tunnel_owner_write for vpnha_tunnel_converge (after each address or route it adds or removes) */
static int owner_save(struct vpnha_ctx *ctx, void *o)
{
	return vpnha_tunnel_owner_write(ctx, o);
}

struct vpnha_tunnel_owned vpnha_tunnel_owner_view(struct vpnha_tunnel_owner *o)
{
	return (struct vpnha_tunnel_owned){ o->addrs, &o->n_addrs, o->routes, &o->n_routes,
					    VPNHA_ARRAY_SIZE(o->routes), owner_save, o };
}

enum vpnha_rc vpnha_tunnel_check_owned(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *d,
				       const struct vpnha_tunnel_owner *o, struct vpnha_link *l)
{
	int r = vpnha_nl_link_get(nl, d->ifname, 0, l);

	if (r == -ENODEV) {
		if (o->present)
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s is gone (deleted behind the agent)",
					  d->ifname);
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s does not exist", d->ifname);
	}
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", d->ifname, vpnha_nl_error(nl));
	if (!o->present)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING,
				  "interface %s exists (kind %s) but was not created by this resource", d->ifname,
				  l->kind[0] ? l->kind : "none");
	if (!vpnha_tunnel_owner_owns(o, l))
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING,
				  "interface %s was replaced behind the agent (now ifindex %d kind %s, recorded %d %s)",
				  d->ifname, l->ifindex, l->kind[0] ? l->kind : "none", o->ifindex, o->kind);
	return vpnha_tunnel_check_link(ctx, d, l);
}

/* The failure of creating the link: why, as the kernel said it (r) */
static enum vpnha_rc create_failed(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *d, int r)
{
	const char *kind = vpnha_gre_kind_str(d->gre.kind);

	if (r == -EOPNOTSUPP)
		return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "cannot create %s %s: kernel has no %s support: %s", kind,
				  d->ifname, kind, vpnha_nl_error(nl));
	if (r == -EEXIST)
		return vpnha_fail(ctx, VPNHA_RC_ERROR,
				  "cannot create %s: an interface with that name or a tunnel with the same "
				  "local/remote/key already exists: %s",
				  d->ifname, vpnha_nl_error(nl));
	return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot create %s %s: %s", kind, d->ifname, vpnha_nl_error(nl));
}

/* The record first (ifindex 0: creation under way), the link, the record completed. */
static enum vpnha_rc create_link(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *d,
				 struct vpnha_tunnel_owner *o, int *ifindex)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->present = true;
	snprintf(o->ifname, sizeof(o->ifname), "%s", d->ifname);
	snprintf(o->kind, sizeof(o->kind), "%s", vpnha_gre_kind_str(d->gre.kind));
	o->ifindex = 0; /* creation under way */
	r = vpnha_tunnel_owner_write(ctx, o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the ownership record: %s", strerror(-r));
	r = vpnha_nl_gre_create(nl, d->ifname, &d->gre, d->mtu, ifindex);
	if (r < 0) {
		vpnha_state_remove(ctx->agent->name, ctx->instance, VPNHA_OWNER_KEY);
		o->present = false;
		return create_failed(ctx, nl, d, r);
	}
	o->ifindex = *ifindex;
	r = vpnha_tunnel_owner_write(ctx, o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the ownership record: %s", strerror(-r));
	vpnha_log_notice("created %s %s (ifindex %d)", o->kind, d->ifname, *ifindex);
	return VPNHA_RC_OK;
}

/* Create the link and read it back into *l. */
static enum vpnha_rc link_create(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *d,
				 struct vpnha_tunnel_owner *o, struct vpnha_link *l)
{
	int ifindex;
	enum vpnha_rc rc = create_link(ctx, nl, d, o, &ifindex);

	if (rc != VPNHA_RC_OK)
		return rc;
	if (vpnha_nl_link_get(nl, NULL, ifindex, l) < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s vanished after creation: %s", d->ifname,
				  vpnha_nl_error(nl));
	return VPNHA_RC_OK;
}

enum vpnha_rc vpnha_tunnel_link_ready(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *d,
				      struct vpnha_tunnel_owner *o, struct vpnha_link *l, bool reload)
{
	int r = vpnha_nl_link_get(nl, d->ifname, 0, l);

	if (r < 0 && r != -ENODEV)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", d->ifname, vpnha_nl_error(nl));
	if (r == 0 && !vpnha_tunnel_owner_owns(o, l))
		return vpnha_fail(ctx, VPNHA_RC_ERROR,
				  "interface %s already exists (kind %s, ifindex %d) and was not created by this "
				  "resource: refusing to touch it",
				  d->ifname, l->kind[0] ? l->kind : "none", l->ifindex);
	if (reload && r == -ENODEV)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot reload: interface %s does not exist", d->ifname);
	if (r == 0 && l->gre.kind != d->gre.kind) {
		/* ours, but of another kind (mode or underlay family changed): recreate */
		vpnha_log_notice("%s: kind %s -> %s, recreating", d->ifname, l->kind, vpnha_gre_kind_str(d->gre.kind));
		r = vpnha_nl_link_delete(nl, l->ifindex);
		if (r < 0 && r != -ENODEV)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot delete %s to recreate it: %s", d->ifname,
					  vpnha_nl_error(nl));
		r = -ENODEV;
	}
	if (r != 0)
		return link_create(ctx, nl, d, o, l);
	if (o->ifindex == 0) {
		/* adopted after an interrupted creation: complete the record */
		o->ifindex = l->ifindex;
		vpnha_tunnel_owner_write(ctx, o);
	}
	return VPNHA_RC_OK;
}

enum vpnha_rc vpnha_tunnel_link_remove(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_owner *o)
{
	struct vpnha_link l;
	int r = vpnha_nl_link_get(nl, o->ifname, 0, &l);

	if (r == 0 && vpnha_tunnel_owner_owns(o, &l)) {
		r = vpnha_nl_link_delete(nl, l.ifindex);
		if (r < 0 && r != -ENODEV)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot delete %s: %s", o->ifname, vpnha_nl_error(nl));
		vpnha_log_notice("deleted %s %s (ifindex %d)", l.kind, l.ifname, l.ifindex);
	} else if (r == 0) {
		vpnha_log_warn("interface %s (ifindex %d, kind %s) is not the one this resource created "
			       "(ifindex %d, kind %s): leaving it",
			       l.ifname, l.ifindex, l.kind, o->ifindex, o->kind);
	} else if (r != -ENODEV) {
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", o->ifname, vpnha_nl_error(nl));
	}
	return VPNHA_RC_OK;
}
