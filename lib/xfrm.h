/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel XFRM (IPsec SAD/SPD) queries and the fail-closed block policies,
 * through libnl-xfrm. Everything works on dumps (libnl's single-object
 * getters are avoided: xfrmnl_sa_get_kernel swaps mark value and mask).
 * Functions return 0 or a negative errno.
 */
#ifndef VPNHA_XFRM_H
#define VPNHA_XFRM_H

#include <stdbool.h>
#include <stdint.h>

#include "params.h"

/* An XFRM netlink handle (opaque: libnl stays inside lib/xfrm.c). */
struct vpnha_xfrm;

/* A traffic selector: addresses with prefix lengths, IP protocol (0 = any). */
struct vpnha_xfrm_sel {
	struct vpnha_addr src, dst;
	uint8_t proto;
};

enum vpnha_xfrm_dir { VPNHA_XFRM_IN = 0, VPNHA_XFRM_OUT = 1, VPNHA_XFRM_FWD = 2 };

/* Parse a strongSwan traffic selector "10.1.0.0/16", "198.51.100.1/32[gre]",
 * "0.0.0.0/0[47/0]", "dynamic[gre]" (dynamic: uses *dynamic, may be NULL ->
 * -EINVAL). Ports are accepted and ignored (the selector gets wider). */
int vpnha_xfrm_ts_parse(const char *ts, const struct vpnha_addr *dynamic,
			struct vpnha_xfrm_sel *half, char *why, size_t whylen);
/* IP protocol number for a name (gre, tcp, ...) or a decimal number; -1 if unknown. */
int vpnha_xfrm_proto(const char *name, size_t len);

int vpnha_xfrm_open(struct vpnha_xfrm **x);
void vpnha_xfrm_close(struct vpnha_xfrm *x);

/* Number of ESP SAs from src to dst (spi 0: any; spi in host order). */
int vpnha_xfrm_sa_count(struct vpnha_xfrm *x, const struct vpnha_addr *src,
			const struct vpnha_addr *dst, uint32_t spi, unsigned *count);

/* Number of allow policies in DIR whose selector equals SEL, that use an ESP
 * template (charon's), ignoring policies of priority skip_prio. */
int vpnha_xfrm_policy_count(struct vpnha_xfrm *x, enum vpnha_xfrm_dir dir,
			    const struct vpnha_xfrm_sel *sel, unsigned *count);

/* Install (or refresh) the out-direction block policy for SEL at PRIO. */
int vpnha_xfrm_block_add(struct vpnha_xfrm *x, const struct vpnha_xfrm_sel *sel, uint32_t prio);
/* Remove it (absent: success). */
int vpnha_xfrm_block_del(struct vpnha_xfrm *x, const struct vpnha_xfrm_sel *sel, uint32_t prio);
/* Is it there? */
int vpnha_xfrm_block_present(struct vpnha_xfrm *x, const struct vpnha_xfrm_sel *sel,
			     uint32_t prio, bool *present);

/*
 * Delete what an IPsec connection between hosts A and B left in the kernel:
 * ESP SAs A->B and B->A, and policies (any direction, priority != keep_prio)
 * whose template goes between A and B or whose selector is exactly A<->B.
 * Counts of deleted objects are returned (may be NULL).
 */
int vpnha_xfrm_flush_pair(struct vpnha_xfrm *x, const struct vpnha_addr *a,
			  const struct vpnha_addr *b, uint32_t keep_prio,
			  unsigned *n_sa, unsigned *n_sp);

#endif
