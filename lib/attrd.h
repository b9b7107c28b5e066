/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pacemaker node attributes through attrd_updater (the attrd API is internal
 * to Pacemaker). The tool is run with vpnha_proc_run (execve, an argv, a
 * minimal environment, a deadline), never through a shell; its exit code is
 * mapped to a vpnha_attrd_result here and nowhere else.
 *
 * The tool's path is VPNHA_ATTRD_UPDATER from the environment (tests point it
 * at a fake), else /usr/sbin/attrd_updater.
 */
#ifndef VPNHA_ATTRD_H
#define VPNHA_ATTRD_H

#include <stddef.h>
#include <stdint.h>

#define VPNHA_ATTRD_UPDATER_DEFAULT "/usr/sbin/attrd_updater"
#define VPNHA_CRM_ATTRIBUTE_DEFAULT "/usr/sbin/crm_attribute"
#define VPNHA_ATTRD_NAME_MAX 128

enum vpnha_attrd_result {
	VPNHA_ATTRD_OK = 0,
	VPNHA_ATTRD_NO_CLUSTER,    /* attrd not reachable: no cluster on this node */
	VPNHA_ATTRD_NOT_FOUND,     /* query/delete: no such attribute */
	VPNHA_ATTRD_TIMEOUT,       /* the tool did not finish in time */
	VPNHA_ATTRD_NOT_INSTALLED, /* attrd_updater missing or not executable */
	VPNHA_ATTRD_INVALID,       /* the tool rejected its arguments */
	VPNHA_ATTRD_ERROR,         /* anything else */
};

const char *vpnha_attrd_result_str(enum vpnha_attrd_result r);

/* The attrd_updater in use (environment override or default). */
const char *vpnha_attrd_updater_path(void);

/*
 * Is NAME usable as an attribute name: 1..VPNHA_ATTRD_NAME_MAX characters of
 * [A-Za-z0-9_.-], starting with a letter or '_'. 0 or -EINVAL.
 */
int vpnha_attrd_name_check(const char *name);

/* Map how attrd_updater ended (see struct vpnha_proc_result). */
enum vpnha_attrd_result vpnha_attrd_map_exit(int exited, int status, int timed_out);

/*
 * Set NAME to VALUE on this node, with attrd's dampening (-d, ms; 0: write
 * at once): attrd_updater -n NAME -B VALUE -d MSms (both value and delay, so
 * a changed delay takes effect on an existing attribute). On failure, detail (if non-NULL)
 * gets the tool's first output line.
 */
enum vpnha_attrd_result vpnha_attrd_update(const char *name, const char *value, uint64_t dampen_ms,
					   uint64_t timeout_ms, char *detail, size_t detail_len);

/*
 * Query NAME on NODE into value (empty when the attribute exists without a
 * value). Give NODE (this node's name for this node): without -N,
 * attrd_updater 2.1 may answer with another node's value.
 */
enum vpnha_attrd_result vpnha_attrd_query(const char *name, const char *node, char *value,
					  size_t value_len, uint64_t timeout_ms,
					  char *detail, size_t detail_len);

/*
 * The CIB's view of NAME on NODE, what the scheduler acts on (crm_attribute
 * --lifetime reboot --node NODE --name NAME --query --quiet; the tool is
 * VPNHA_CRM_ATTRIBUTE from the environment, else /usr/sbin/crm_attribute).
 * It can differ from attrd's: Pacemaker 2.1's controller may erase a
 * rejoining node's transient attributes from the CIB after attrd rewrote
 * them, and attrd never writes an unchanged value again.
 * VPNHA_ATTRD_NOT_FOUND when the CIB has no such attribute.
 */
enum vpnha_attrd_result vpnha_cib_attr_query(const char *name, const char *node, char *value,
					     size_t value_len, uint64_t timeout_ms,
					     char *detail, size_t detail_len);

/* Make attrd write all its current values to the CIB again (attrd_updater -R). */
enum vpnha_attrd_result vpnha_attrd_refresh(uint64_t timeout_ms, char *detail, size_t detail_len);

/* Delete NAME on this node. An absent attribute is success. */
enum vpnha_attrd_result vpnha_attrd_delete(const char *name, uint64_t timeout_ms,
					   char *detail, size_t detail_len);

/*
 * Delete NAME on this node, but let attrd write the deletion to the CIB only
 * after grace_ms (attrd's dampening: attrd_updater -n NAME -Y -d MSms, then
 * -n NAME -D). Until then the CIB, and so the scheduler, keeps the last
 * value; a vpnha_attrd_set_value() within the grace replaces the deletion
 * and the CIB never sees the attribute go. grace_ms 0: vpnha_attrd_delete().
 * An absent attribute is success. timeout_ms bounds each of the two runs.
 */
enum vpnha_attrd_result vpnha_attrd_delete_after(const char *name, uint64_t grace_ms, uint64_t timeout_ms,
						 char *detail, size_t detail_len);

/*
 * Set NAME's value and leave its dampening as it is (attrd_updater -n NAME
 * -U VALUE): the value attrd writes when a pending delayed write (e.g. from
 * vpnha_attrd_delete_after) falls due. vpnha_attrd_update() changes the delay
 * too, and attrd writes at once what it holds when the delay changes: call
 * this first when taking over an attribute whose deletion may be pending.
 */
enum vpnha_attrd_result vpnha_attrd_set_value(const char *name, const char *value, uint64_t timeout_ms,
					      char *detail, size_t detail_len);

/*
 * Parse attrd_updater -Q output (lines like: name="N" host="H" value="V")
 * for NAME, and HOST unless NULL (attrd_updater may print other nodes' lines
 * too): copies V into value. 0, -ENOENT (no such line), -EINVAL (malformed),
 * -ENAMETOOLONG (value too long for value_len).
 */
int vpnha_attrd_parse_query(const char *output, const char *name, const char *host,
			    char *value, size_t value_len);

#endif
