/* rb-run-series.h — a run's series as the API serves them
 *
 * One rule for GET /v1/runs/{id}/series[/{seriesId}], the local backend
 * and the remote one: the index is series/index.json re-serialised (same
 * members and order) with any "path" that is not a plain relative path
 * inside the run replaced by null; a series file is found through the
 * index, never through the id, and must lie inside the run folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "rb-run.h"

G_BEGIN_DECLS

/* Stored files are ours and small; these only bound a hostile folder. */
#define RB_RUN_SERIES_MAX_INDEX_SIZE (64 * 1024 * 1024)
#define RB_RUN_SERIES_MAX_CSV_SIZE   (256 * 1024 * 1024)

/* TRUE for a non-empty relative path of plain segments (no "", ".", "..",
 * no backslash, not absolute). */
gboolean  rb_run_series_path_is_plain (const char  *path);

/* The body of GET /v1/runs/{id}/series. Errors: RB_ERROR_NOT_FOUND
 * "Run X has no series (series/index.json is missing).",
 * RB_ERROR_RUN_UNREADABLE naming series/index.json. Transfer full. */
JsonNode *rb_run_series_index_json    (RbRun       *run,
                                       GError     **error);

/* The CSV bytes of one series. Errors: RB_ERROR_INVALID_REQUEST (field
 * "seriesId") for a malformed id, RB_ERROR_NOT_FOUND "Run X has no series
 * Y.", RB_ERROR_RUN_UNREADABLE for a path outside the run or a listed file
 * that cannot be read. Transfer full. */
GBytes   *rb_run_series_csv           (RbRun       *run,
                                       const char  *series_id,
                                       GError     **error);

G_END_DECLS
