/* rb-run-index.h — <data>/.runboard/index: a cache of run summaries
 *
 * formats.md "Concurrency and safety": the index only makes listing fast;
 * it is never the source of truth. Each entry carries the identity
 * (inode, size, mtime) of every file its summary was read from; an entry
 * whose files changed is not used, and a run with model/telemetry/ is
 * never taken from it (its state depends on shared bundles). An index
 * that cannot be read or parsed is ignored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-run.h"

G_BEGIN_DECLS

typedef struct _RbRunIndex RbRunIndex;

/* Reads <data_dir>/.runboard/index; never fails (an unusable index is empty). */
RbRunIndex *rb_run_index_load  (const char  *data_dir);
/* Only the summaries (for rb_run_index_get_unchecked): a quarter of the
 * file. Such an index can give RunSummaries only, and is never saved. */
RbRunIndex *rb_run_index_load_summaries (const char *data_dir);
void        rb_run_index_free  (RbRunIndex  *index);
/* The run of <run_dir> from the index when its files are unchanged, else
 * read from disk (and remembered for rb_run_index_save). */
RbRun      *rb_run_index_get   (RbRunIndex  *index,
                                const char  *run_dir,
                                const char  *run_id);
/* The run of <run_dir> from the index without looking at its files (fast,
 * but maybe stale: see rb_run_index_check), else read from disk. Runs
 * with model/telemetry/ are never in the index, so they are always read. */
RbRun      *rb_run_index_get_unchecked (RbRunIndex *index,
                                        const char *run_dir,
                                        const char *run_id);
/* Compares the run's files with its entry, reading the run only when
 * they differ (its entry is then renewed for rb_run_index_save). FALSE
 * when rb_run_index_get_unchecked would have given a stale run: its entry
 * existed and no longer matches. */
gboolean    rb_run_index_check  (RbRunIndex  *index,
                                 const char  *run_dir,
                                 const char  *run_id);
/* Entries loaded whose run was not looked at since: after a whole scan,
 * the runs that are gone. */
guint       rb_run_index_count_gone (RbRunIndex *index);
/* Writes the index atomically when anything changed since loading
 * (runs read from disk, or entries of runs no longer there). Does
 * nothing (and succeeds) when <data_dir>/.runboard/ does not exist. */
gboolean    rb_run_index_save  (RbRunIndex  *index,
                                GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbRunIndex, rb_run_index_free)

G_END_DECLS
