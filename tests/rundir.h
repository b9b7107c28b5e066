/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A Check suite's fresh run directory (VPNHA_RUN_DIR) for a test (header-only). */
#ifndef VPNHA_TEST_RUNDIR_H
#define VPNHA_TEST_RUNDIR_H

#include <check.h>
#include <stdlib.h>

#include "testutil.h"

/* Make buf (len bytes) a new directory named after tag, the run directory. */
static inline void test_run_dir_fresh(char *buf, size_t len, const char *tag)
{
	ck_assert_ptr_nonnull(test_mkdtemp(buf, len, tag));
	setenv("VPNHA_RUN_DIR", buf, 1);
}

#endif
