/* rb-run-store.h — the runs of one data folder: list, filter, sort, page, get
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rb-run.h"

G_BEGIN_DECLS

typedef enum
{
  RB_RUN_SORT_CREATED,
  RB_RUN_SORT_TEMPLATE,
} RbRunSort;

typedef enum
{
  RB_TRISTATE_ANY = -1,
  RB_TRISTATE_NO  = 0,
  RB_TRISTATE_YES = 1,
} RbTristate;

typedef struct
{
  char       *mode;          /* NULL = any */
  char       *template_id;   /* NULL = any */
  RbTristate  has_warnings;
  RbTristate  telemetry;     /* YES = available, NO = missing */
  char       *search;        /* NULL = none; matches title, template id, run id */
  RbRunSort   sort;
  gboolean    descending;
  guint       page;          /* 1-based */
  guint       page_size;     /* 1..500 */
} RbRunQuery;

#define RB_RUN_QUERY_DEFAULT_PAGE_SIZE 50
#define RB_RUN_QUERY_MAX_PAGE_SIZE     500

void     rb_run_query_init    (RbRunQuery        *query);
void     rb_run_query_clear   (RbRunQuery        *query);
/* From HTTP query parameters (string → string); a bad value is
 * RB_ERROR_INVALID_REQUEST with the parameter as field. */
gboolean rb_run_query_parse   (RbRunQuery        *query,
                               GHashTable        *params,
                               GError           **error);
gboolean rb_run_query_matches (const RbRunQuery  *query,
                               RbRun             *run);
/* TRUE when @query's filters and search let every run through (its sort
 * and page aside). */
gboolean rb_run_query_matches_all (const RbRunQuery *query);
/* The order listings come in: created, descending. */
gboolean rb_run_sort_is_default (RbRunSort        sort,
                                 gboolean         descending);
/* Order of the list: broken runs last, then @sort, ties by run id. */
int      rb_run_compare       (RbRun             *a,
                               RbRun             *b,
                               RbRunSort          sort,
                               gboolean           descending);

#define RB_TYPE_RUN_STORE (rb_run_store_get_type ())

G_DECLARE_FINAL_TYPE (RbRunStore, rb_run_store, RB, RUN_STORE, GObject)

RbRunStore *rb_run_store_new          (const char        *data_dir);
const char *rb_run_store_get_data_dir (RbRunStore        *self);
/* Every run (runs/<id>/ and FlowTime 2025-10 runs directly in the folder),
 * in rb_run_compare (created, descending) order. */
GPtrArray  *rb_run_store_list_all     (RbRunStore        *self,
                                       GCancellable      *cancellable,
                                       GError           **error);
/* Like rb_run_store_list_all, but runs in <data>/.runboard/index come
 * from it without looking at their files: a first listing of 100 000
 * runs in well under a second, possibly stale until
 * rb_run_store_check_index says otherwise. Those runs are what api.md
 * calls a RunSummary (no parameters, input hash nor warnings, only their
 * count), like a server's list: rb_run_store_get gives the whole run. */
GPtrArray  *rb_run_store_list_unchecked (RbRunStore      *self,
                                         GCancellable    *cancellable,
                                         GError         **error);
/* Compares every run's files with the index and renews the entries that
 * changed (writing the index); *out_stale is TRUE when a listing from
 * rb_run_store_list_unchecked made before this call may have shown a run
 * that changed or is gone. */
gboolean    rb_run_store_check_index    (RbRunStore      *self,
                                         gboolean        *out_stale,
                                         GCancellable    *cancellable,
                                         GError         **error);
/* Filtered, sorted, paged; *total_count is the filtered count. */
GPtrArray  *rb_run_store_list         (RbRunStore        *self,
                                       const RbRunQuery  *query,
                                       guint             *total_count,
                                       GCancellable      *cancellable,
                                       GError           **error);
/* 400 for an invalid id, 404 unknown, 422 run_unreadable naming the file. */
RbRun      *rb_run_store_get          (RbRunStore        *self,
                                       const char        *run_id,
                                       GError           **error);
/* {"items":[RunSummary],"totalCount":N,"page":P,"pageSize":S} */
JsonNode   *rb_run_page_to_json       (GPtrArray         *items,
                                       guint              total_count,
                                       const RbRunQuery  *query);

G_END_DECLS
