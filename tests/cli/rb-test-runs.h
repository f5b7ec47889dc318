/* rb-test-runs.h — small run folders written by the CLI and server tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The runs of rb_test_runs_make_data_dir(), newest first. */
#define RB_TEST_RUN_PICKING   "run_20260103T100000Z_cccc3333"
#define RB_TEST_RUN_CLINIC    "run_20260102T100000Z_bbbb2222"
#define RB_TEST_RUN_WAREHOUSE "run_20260101T100000Z_aaaa1111"
#define RB_TEST_RUN_BROKEN    "run_20251231T000000Z_dddd4444"

typedef struct
{
  const char *run_id;
  const char *template_id;
  const char *template_title;
  const char *mode;
  const char *created_utc;
  guint       n_warnings;
  gint64      seed;
} RbTestRunSpec;

/* Writes <data_dir>/runs/<id>/ per formats.md: run.json, manifest.json,
 * spec.yaml, model/{model.yaml,metadata.json,provenance.json},
 * series/index.json and two series CSVs. */
void  rb_test_runs_write     (const char          *data_dir,
                              const RbTestRunSpec *spec);
/* The same files in @run_dir itself. */
void  rb_test_runs_write_at  (const char          *run_dir,
                              const RbTestRunSpec *spec);
/* A run whose run.json is not valid JSON (at line 3). */
void  rb_test_runs_write_broken (const char       *data_dir,
                                 const char       *run_id);
/* A fresh temp folder holding <tmp>/data with the four runs above; returns
 * <tmp> (remove it with rb_test_remove_tree()), *data_dir = <tmp>/data. */
char *rb_test_runs_make_data_dir (char           **data_dir);

G_END_DECLS
