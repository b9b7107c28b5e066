/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A daemon's node attributes kept published (attrd-pub.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attrd-pub.h"
#include "log.h"
#include "proc.h"
#include "util.h"

#define ATTRD_TIMEOUT_MS 5000u
#define ATTRD_COMM "pacemaker-attrd"
#define FAILING_AFTER 3u

const char *vpnha_attrd_pub_state_str(enum vpnha_attrd_pub_state s)
{
	static const char *const str[] = { "pending", "ok", "no-cluster", "failing" };

	return (size_t)s < VPNHA_ARRAY_SIZE(str) ? str[s] : "unknown";
}

static bool stopping(const struct vpnha_attrd_pub *p)
{
	return p->stopping && *p->stopping;
}

/* Set one attribute to value: attrd's answer. */
static enum vpnha_attrd_result attr_set(const struct vpnha_attrd_pub *p, struct vpnha_attrd_attr *a,
					const char *value, int64_t v, char *detail, size_t detail_len)
{
	enum vpnha_attrd_result r = VPNHA_ATTRD_OK;
	/* A stop (here or on another node: the clone restarts) may have left a
	 * deletion pending in attrd (mii-link stop_grace). Changing the delay
	 * makes attrd write at once every node's value it holds, a pending
	 * deletion too, so for hold_ms after the start a value is set under
	 * the delay in force; a link lost (0) is written at once all the same. */
	bool held = p->holding && v != 0;

	if (a->take_over || held) {
		r = vpnha_attrd_set_value(a->name, value, ATTRD_TIMEOUT_MS, detail, detail_len);
		if (r == VPNHA_ATTRD_OK)
			a->take_over = false;
	}
	if (r == VPNHA_ATTRD_OK && !held)
		r = vpnha_attrd_update(a->name, value, p->dampen_ms, ATTRD_TIMEOUT_MS, detail, detail_len);
	return r;
}

/* The state after a round whose worst answer was worst. */
static void state_update(struct vpnha_attrd_pub *p, enum vpnha_attrd_result worst)
{
	if (worst == VPNHA_ATTRD_OK) {
		if (p->state != VPNHA_PUB_OK && p->announce)
			vpnha_log_notice("attributes published");
		p->state = VPNHA_PUB_OK;
		p->failures = 0;
		p->error[0] = '\0';
	} else if (worst == VPNHA_ATTRD_NO_CLUSTER) {
		if (p->state != VPNHA_PUB_NO_CLUSTER)
			vpnha_log_warn("attributes could not be published: no cluster on this node "
				       "(attrd not reachable); retrying every %u s",
				       p->retry_s);
		p->state = VPNHA_PUB_NO_CLUSTER;
	} else {
		uint64_t now = vpnha_now_ms();

		if (p->failures++ == 0)
			p->failing_since_ms = now;
		p->state = p->failures >= FAILING_AFTER && now - p->failing_since_ms >= p->failing_after_ms
				   ? VPNHA_PUB_FAILING
				   : VPNHA_PUB_PENDING;
	}
}

void vpnha_attrd_pub_publish(struct vpnha_attrd_pub *p)
{
	enum vpnha_attrd_result r, worst = VPNHA_ATTRD_OK;
	char value[32], detail[256];
	size_t i;

	for (i = 0; i < p->n && !stopping(p); i++) {
		struct vpnha_attrd_attr *a = &p->attrs[i];
		int64_t v = p->value(i, p->arg);

		if (v < 0)
			continue;
		snprintf(value, sizeof(value), "%" PRId64, v);
		if (a->ok && !strcmp(a->published, value))
			continue;
		r = attr_set(p, a, value, v, detail, sizeof(detail));
		p->publishes++;
		if (r == VPNHA_ATTRD_OK) {
			p->publish_rt_us = vpnha_realtime_us();
			vpnha_log_notice("%s=%s", a->name, value);
			snprintf(a->published, sizeof(a->published), "%s", value);
			a->ok = true;
			continue;
		}
		a->ok = false;
		if (worst == VPNHA_ATTRD_OK || r != VPNHA_ATTRD_NO_CLUSTER)
			worst = r;
		snprintf(p->error, sizeof(p->error), "%s=%s not published: %s%s%.60s", a->name, value,
			 vpnha_attrd_result_str(r), detail[0] ? ": " : "", detail);
		if (r != VPNHA_ATTRD_NO_CLUSTER)
			vpnha_log_warn("%s", p->error);
	}
	state_update(p, worst);
}

void vpnha_attrd_pub_invalidate(struct vpnha_attrd_pub *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		p->attrs[i].ok = false;
}

void vpnha_attrd_pub_note_attrd(struct vpnha_attrd_pub *p)
{
	if (p->state == VPNHA_PUB_OK)
		p->attrd_pid = vpnha_pid_find(ATTRD_COMM, 0);
}

/*
 * Has this node's pacemaker-attrd been restarted since our values went to it?
 * A restarted attrd starts empty (and erases the node's transient attributes
 * from the CIB): publish everything again.
 */
void vpnha_attrd_pub_watch(struct vpnha_attrd_pub *p)
{
	pid_t pid;

	if (p->state != VPNHA_PUB_OK) {
		vpnha_attrd_pub_publish(p); /* retry what never made it */
		vpnha_attrd_pub_note_attrd(p);
		return;
	}
	pid = vpnha_pid_find(ATTRD_COMM, p->attrd_pid);
	if (pid <= 0 || pid == p->attrd_pid)
		return; /* the same attrd, or none yet: pacemakerd is restarting it */
	vpnha_log_notice("pacemaker-attrd restarted (pid %d, was %d): re-publishing", (int)pid,
			 (int)p->attrd_pid);
	vpnha_attrd_pub_invalidate(p);
	vpnha_attrd_pub_publish(p);
	if (p->state == VPNHA_PUB_OK)
		p->attrd_pid = pid;
}

/* Does the CIB hold attribute a as attrd accepted it? false: lost (a->ok cleared). */
static bool cib_holds(struct vpnha_attrd_attr *a, const char *node)
{
	char current[32], detail[256];
	enum vpnha_attrd_result r;

	r = vpnha_cib_attr_query(a->name, node, current, sizeof(current), ATTRD_TIMEOUT_MS, detail,
				 sizeof(detail));
	if (r == VPNHA_ATTRD_OK && !strcmp(current, a->published))
		return true;
	if (r != VPNHA_ATTRD_OK && r != VPNHA_ATTRD_NOT_FOUND) {
		vpnha_log_info("cannot read %s from the CIB (%s%s%.60s)", a->name, vpnha_attrd_result_str(r),
			       detail[0] ? ": " : "", detail);
		return true;
	}
	vpnha_log_notice("the CIB lost %s (has '%s', attrd has %s): asking attrd to write its values again",
			 a->name, r == VPNHA_ATTRD_OK ? current : "", a->published);
	a->ok = false;
	return false;
}

/*
 * Only values attrd has accepted (a->ok) and, with dampening, only once the
 * dampening is over.
 */
void vpnha_attrd_pub_cib_check(struct vpnha_attrd_pub *p, const char *node)
{
	enum vpnha_attrd_result r;
	char detail[256];
	bool lost = false;
	size_t i;

	if (stopping(p) || p->holding || p->state != VPNHA_PUB_OK)
		return; /* in the hold, attrd writes under a delay of up to hold_ms */
	if (p->publish_rt_us && vpnha_realtime_us() < p->publish_rt_us + (p->dampen_ms + 5000u) * 1000u)
		return; /* a value may still be on its way to the CIB */
	for (i = 0; i < p->n && !stopping(p); i++) {
		struct vpnha_attrd_attr *a = &p->attrs[i];

		if (a->ok && a->published[0] && !cib_holds(a, node))
			lost = true;
	}
	if (!lost || stopping(p))
		return;
	p->cib_refreshes++;
	/* attrd may have lost them too (deleted by hand): an unchanged value
	 * costs attrd nothing, and -R then rewrites what it holds */
	vpnha_attrd_pub_publish(p);
	r = vpnha_attrd_refresh(ATTRD_TIMEOUT_MS, detail, sizeof(detail));
	if (r != VPNHA_ATTRD_OK)
		vpnha_log_warn("attrd_updater -R: %s%s%.60s", vpnha_attrd_result_str(r), detail[0] ? ": " : "",
			       detail);
}

/*
 * In a start's hold, values went to attrd under the delay in force, so that
 * a deletion pending there (a stop's stop_grace) is replaced without a write.
 * Where the CIB does not hold the value (the deletion was already written, or
 * this is the node's first start) there is nothing to protect: set the
 * attribute's own delay now, which makes attrd write it at once, instead of
 * leaving the node ineligible until the old delay runs out.
 */
void vpnha_attrd_pub_hold_check(struct vpnha_attrd_pub *p, const char *node)
{
	enum vpnha_attrd_result r;
	char detail[256];
	size_t i;

	for (i = 0; i < p->n && p->holding && !stopping(p); i++) {
		struct vpnha_attrd_attr *a = &p->attrs[i];

		if (!a->ok || !a->published[0] || cib_holds(a, node))
			continue;
		r = vpnha_attrd_update(a->name, a->published, p->dampen_ms, ATTRD_TIMEOUT_MS, detail,
				       sizeof(detail));
		if (r == VPNHA_ATTRD_OK) {
			a->ok = true;
			vpnha_log_notice("%s=%s written at once (the CIB had no value to keep)", a->name,
					 a->published);
		} else {
			vpnha_log_warn("%s=%s not written at once: %s%s%.60s", a->name, a->published,
				       vpnha_attrd_result_str(r), detail[0] ? ": " : "", detail);
		}
	}
}
