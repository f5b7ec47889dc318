/* rb-run-store.c — the runs of one data folder: list, filter, sort, page, get
 *
 * Runs live in <data>/runs/<id>/; FlowTime's 2025-10 API kept them directly
 * in the data folder (<data>/<id>/), so those are found too: a directory
 * there counts as a run when it holds run.json or model/. A runs/ entry
 * wins over a top-level one of the same id. Names that are not valid run
 * ids (temp folders ".<name>.tmp-…", anything with odd characters) are
 * never listed, and symlinks are skipped so nothing outside the data
 * folder is ever read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-run-store"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "rb-error.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-run-index.h"
#include "rb-run-private.h"
#include "rb-run-store.h"

struct _RbRunStore
{
  GObject  parent_instance;

  char    *data_dir;
};

G_DEFINE_FINAL_TYPE (RbRunStore, rb_run_store, G_TYPE_OBJECT)

/* Query {{{ */

void
rb_run_query_init (RbRunQuery *query)
{
  g_return_if_fail (query != NULL);

  memset (query, 0, sizeof *query);
  query->has_warnings = RB_TRISTATE_ANY;
  query->telemetry = RB_TRISTATE_ANY;
  query->sort = RB_RUN_SORT_CREATED;
  query->descending = TRUE;
  query->page = 1;
  query->page_size = RB_RUN_QUERY_DEFAULT_PAGE_SIZE;
}

void
rb_run_query_clear (RbRunQuery *query)
{
  g_return_if_fail (query != NULL);

  g_clear_pointer (&query->mode, g_free);
  g_clear_pointer (&query->template_id, g_free);
  g_clear_pointer (&query->search, g_free);
}

/* A positive decimal integer without sign, spaces or overflow. */
static gboolean
parse_count (const char *text,
             guint64     max,
             guint      *out)
{
  guint64 value = 0;

  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
      if (value > max)
        return FALSE;
    }
  if (value < 1)
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static const char *
lookup_param (GHashTable *params,
              const char *name)
{
  return params != NULL ? g_hash_table_lookup (params, name) : NULL;
}

/* Parameters given empty ("mode=") count as not given; unknown ones are
 * ignored. With sort=template and no order the list is A→Z; created
 * defaults to newest first. */
gboolean
rb_run_query_parse (RbRunQuery  *query,
                    GHashTable  *params,
                    GError     **error)
{
  const char *value;
  gboolean order_given = FALSE;

  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  value = lookup_param (params, "mode");
  if (value != NULL && *value != '\0')
    {
      if (g_ascii_strcasecmp (value, "simulation") != 0 &&
          g_ascii_strcasecmp (value, "telemetry") != 0)
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "mode",
                              "mode must be \"simulation\" or \"telemetry\"");
          return FALSE;
        }
      g_free (query->mode);
      query->mode = g_ascii_strdown (value, -1);
    }

  value = lookup_param (params, "templateId");
  if (value != NULL && *value != '\0')
    {
      if (!rb_ident_validate (RB_IDENT_TEMPLATE_ID, value, -1, "templateId", error))
        return FALSE;
      g_free (query->template_id);
      query->template_id = g_strdup (value);
    }

  value = lookup_param (params, "hasWarnings");
  if (value != NULL && *value != '\0')
    {
      if (g_ascii_strcasecmp (value, "true") == 0)
        query->has_warnings = RB_TRISTATE_YES;
      else if (g_ascii_strcasecmp (value, "false") == 0)
        query->has_warnings = RB_TRISTATE_NO;
      else
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "hasWarnings",
                              "hasWarnings must be \"true\" or \"false\"");
          return FALSE;
        }
    }

  value = lookup_param (params, "telemetry");
  if (value != NULL && *value != '\0')
    {
      if (g_ascii_strcasecmp (value, "available") == 0)
        query->telemetry = RB_TRISTATE_YES;
      else if (g_ascii_strcasecmp (value, "missing") == 0)
        query->telemetry = RB_TRISTATE_NO;
      else
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "telemetry",
                              "telemetry must be \"available\" or \"missing\"");
          return FALSE;
        }
    }

  value = lookup_param (params, "search");
  if (value != NULL && *value != '\0')
    {
      if (!g_utf8_validate (value, -1, NULL))
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "search",
                              "search must be UTF-8 text");
          return FALSE;
        }
      g_free (query->search);
      query->search = g_strdup (value);
    }

  value = lookup_param (params, "order");
  if (value != NULL && *value != '\0')
    {
      if (g_ascii_strcasecmp (value, "desc") == 0)
        query->descending = TRUE;
      else if (g_ascii_strcasecmp (value, "asc") == 0)
        query->descending = FALSE;
      else
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "order",
                              "order must be \"desc\" or \"asc\"");
          return FALSE;
        }
      order_given = TRUE;
    }

  value = lookup_param (params, "sort");
  if (value != NULL && *value != '\0')
    {
      if (g_ascii_strcasecmp (value, "created") == 0)
        query->sort = RB_RUN_SORT_CREATED;
      else if (g_ascii_strcasecmp (value, "template") == 0)
        {
          query->sort = RB_RUN_SORT_TEMPLATE;
          if (!order_given)
            query->descending = FALSE;
        }
      else
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "sort",
                              "sort must be \"created\" or \"template\"");
          return FALSE;
        }
    }

  value = lookup_param (params, "page");
  if (value != NULL && !parse_count (value, G_MAXUINT, &query->page))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "page",
                          "page must be an integer of at least 1");
      return FALSE;
    }

  value = lookup_param (params, "pageSize");
  if (value != NULL && !parse_count (value, RB_RUN_QUERY_MAX_PAGE_SIZE, &query->page_size))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "pageSize",
                          "pageSize must be an integer from 1 to %d",
                          RB_RUN_QUERY_MAX_PAGE_SIZE);
      return FALSE;
    }

  return TRUE;
}

static gboolean
contains_casefolded (const char *haystack,
                     const char *needle_folded)
{
  g_autofree char *folded = NULL;
  gsize needle_length = strlen (needle_folded);
  const char *p;

  if (haystack == NULL)
    return FALSE;
  /* All ASCII (ids always, titles mostly): the same answer without
   * casefolding a copy, which a search of 100 000 runs does 300 000 times
   * a keystroke. Any other byte, which casefolding may turn into ASCII
   * (the Kelvin sign), takes the general way. */
  for (p = haystack; *p != '\0' && (guchar) *p < 0x80; p++)
    ;
  if (*p == '\0' && g_str_is_ascii (needle_folded))
    {
      for (p = haystack; *p != '\0'; p++)
        {
          if (g_ascii_strncasecmp (p, needle_folded, needle_length) == 0)
            return TRUE;
        }
      return needle_length == 0;
    }
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle_folded) != NULL;
}

gboolean
rb_run_query_matches (const RbRunQuery *query,
                      RbRun            *run)
{
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (RB_IS_RUN (run), FALSE);

  if (query->mode != NULL &&
      (rb_run_get_mode (run) == NULL ||
       g_ascii_strcasecmp (query->mode, rb_run_get_mode (run)) != 0))
    return FALSE;
  if (query->template_id != NULL &&
      (rb_run_get_template_id (run) == NULL ||
       g_ascii_strcasecmp (query->template_id, rb_run_get_template_id (run)) != 0))
    return FALSE;
  if (query->has_warnings != RB_TRISTATE_ANY &&
      (rb_run_get_warning_count (run) > 0) != (query->has_warnings == RB_TRISTATE_YES))
    return FALSE;
  if (query->telemetry != RB_TRISTATE_ANY &&
      (rb_run_get_telemetry (run)->available != FALSE) != (query->telemetry == RB_TRISTATE_YES))
    return FALSE;
  if (query->search != NULL)
    {
      g_autofree char *needle = g_utf8_casefold (query->search, -1);

      if (!contains_casefolded (rb_run_get_template_title (run), needle) &&
          !contains_casefolded (rb_run_get_template_id (run), needle) &&
          !contains_casefolded (rb_run_get_run_id (run), needle))
        return FALSE;
    }
  return TRUE;
}

gboolean
rb_run_query_matches_all (const RbRunQuery *query)
{
  g_return_val_if_fail (query != NULL, FALSE);

  return query->mode == NULL && query->template_id == NULL &&
         query->has_warnings == RB_TRISTATE_ANY && query->telemetry == RB_TRISTATE_ANY &&
         query->search == NULL;
}

/* }}} */

/* Order {{{ */

/* The fields directly (rb-run-private.h), not through the checked
 * getters: the app sorts 100 000 runs with this, 1.7 million calls. */
static int
compare_created (RbRun *a,
                 RbRun *b)
{
  gint64 ua = a->created_utc != NULL ? a->created_usec : 0;
  gint64 ub = b->created_utc != NULL ? b->created_usec : 0;

  return ua < ub ? -1 : (ua > ub ? 1 : 0);
}

static int
compare_titles (RbRun *a,
                RbRun *b)
{
  g_autofree char *ta = NULL;
  g_autofree char *tb = NULL;
  int cmp;

  /* Titles are shared strings (rb-run-private.h): most pairs in a large
   * list are the same string, which needs no casefolding or collation. */
  if (a->template_title == b->template_title)
    return 0;

  ta = g_utf8_casefold (a->template_title != NULL ? a->template_title : "", -1);
  tb = g_utf8_casefold (b->template_title != NULL ? b->template_title : "", -1);
  cmp = g_utf8_collate (ta, tb);

  if (cmp == 0)
    cmp = strcmp (ta, tb);
  return cmp;
}

gboolean
rb_run_sort_is_default (RbRunSort sort,
                        gboolean  descending)
{
  return sort == RB_RUN_SORT_CREATED && descending;
}

/* Broken runs last, whatever the order; then runs without a creation time
 * last; then @sort in @descending order. Within one template the newest
 * run comes first. Ties by run id, ascending, so the order is total. */
int
rb_run_compare (RbRun     *a,
                RbRun     *b,
                RbRunSort  sort,
                gboolean   descending)
{
  gboolean broken_a, broken_b;
  gboolean known_a, known_b;
  int cmp = 0;

  g_return_val_if_fail (RB_IS_RUN (a), 0);
  g_return_val_if_fail (RB_IS_RUN (b), 0);

  broken_a = RB_RUN_RARE (a)->load_error != NULL;
  broken_b = RB_RUN_RARE (b)->load_error != NULL;
  if (broken_a != broken_b)
    return broken_a ? 1 : -1;

  if (sort == RB_RUN_SORT_TEMPLATE)
    {
      cmp = compare_titles (a, b);
      if (descending)
        cmp = -cmp;
    }

  if (cmp == 0)
    {
      known_a = a->created_utc != NULL;
      known_b = b->created_utc != NULL;
      if (known_a != known_b)
        return known_a ? -1 : 1;
      cmp = compare_created (a, b);
      if (sort == RB_RUN_SORT_TEMPLATE || descending)
        cmp = -cmp;
    }

  if (cmp == 0)
    cmp = g_strcmp0 (a->run_id, b->run_id);
  return cmp;
}

typedef struct
{
  RbRunSort sort;
  gboolean  descending;
} SortData;

static int
compare_ptrs (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const SortData *data = user_data;

  return rb_run_compare (*(RbRun **) a, *(RbRun **) b, data->sort, data->descending);
}

/* rb_run_compare's default order (created, descending) on keys taken
 * once: sorting 100 000 runs is 1.7 million comparisons, which then read
 * one array instead of two runs' fields each. */
typedef struct
{
  gint64  created;
  guint   rank;      /* 0 readable, 1 without a creation time, +2 broken */
  RbRun  *run;
} DefaultKey;

static int
compare_default_keys (const void *a,
                      const void *b)
{
  const DefaultKey *ka = a;
  const DefaultKey *kb = b;

  if (ka->rank != kb->rank)
    return ka->rank < kb->rank ? -1 : 1;
  if (ka->created != kb->created)
    return ka->created > kb->created ? -1 : 1;
  return g_strcmp0 (ka->run->run_id, kb->run->run_id);
}

static void
sort_default (GPtrArray *runs)
{
  g_autofree DefaultKey *keys = g_new (DefaultKey, MAX (runs->len, 1));

  for (guint i = 0; i < runs->len; i++)
    {
      RbRun *run = g_ptr_array_index (runs, i);

      keys[i].created = run->created_utc != NULL ? run->created_usec : 0;
      keys[i].rank = (RB_RUN_RARE (run)->load_error != NULL ? 2 : 0) + (run->created_utc == NULL ? 1 : 0);
      keys[i].run = run;
    }
  qsort (keys, runs->len, sizeof *keys, compare_default_keys);
  for (guint i = 0; i < runs->len; i++)
    runs->pdata[i] = keys[i].run;
}

static void
sort_runs (GPtrArray *runs,
           RbRunSort  sort,
           gboolean   descending)
{
  SortData data = { sort, descending };

  if (rb_run_sort_is_default (sort, descending))
    sort_default (runs);
  else
    g_ptr_array_sort_with_data (runs, compare_ptrs, &data);
}

/* }}} */

/* Store {{{ */

static void
rb_run_store_finalize (GObject *object)
{
  RbRunStore *self = (RbRunStore *)object;

  g_free (self->data_dir);

  G_OBJECT_CLASS (rb_run_store_parent_class)->finalize (object);
}

static void
rb_run_store_class_init (RbRunStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rb_run_store_finalize;
}

static void
rb_run_store_init (RbRunStore *self)
{
}

RbRunStore *
rb_run_store_new (const char *data_dir)
{
  RbRunStore *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (RB_TYPE_RUN_STORE, NULL);
  self->data_dir = g_strdup (data_dir);
  return self;
}

const char *
rb_run_store_get_data_dir (RbRunStore *self)
{
  g_return_val_if_fail (RB_IS_RUN_STORE (self), NULL);
  return self->data_dir;
}

/* A real directory (not a symlink). */
static gboolean
is_plain_dir (const char *path)
{
  GStatBuf st;

  return g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

static gboolean
is_reserved_name (const char *name)
{
  return strcmp (name, "runs") == 0 ||
         strcmp (name, "telemetry") == 0 ||
         strcmp (name, "templates") == 0;
}

/* <data>/<id>/ is a FlowTime 2025-10 run when it holds run.json or model/. */
static gboolean
is_top_level_run (const char *dir)
{
  g_autofree char *run_json = g_build_filename (dir, "run.json", NULL);
  g_autofree char *model = g_build_filename (dir, "model", NULL);

  return g_file_test (run_json, G_FILE_TEST_EXISTS) || is_plain_dir (model);
}

/* How a scan treats each run it finds. */
typedef enum
{
  SCAN_LIST_CHECKED,   /* the run, from the index when its files are unchanged */
  SCAN_LIST_UNCHECKED, /* the run, from the index whatever its files */
  SCAN_CHECK,          /* no run: compare files with the index, count stale entries */
} ScanMode;

typedef struct
{
  ScanMode    mode;
  GPtrArray  *runs;
  const char *runs_dir;
  RbRunIndex *index;
  guint       stale;
} ScanData;

static void
take_run (ScanData   *data,
          const char *run_dir,
          const char *run_id)
{
  switch (data->mode)
    {
    case SCAN_LIST_CHECKED:
      g_ptr_array_add (data->runs, rb_run_index_get (data->index, run_dir, run_id));
      break;
    case SCAN_LIST_UNCHECKED:
      g_ptr_array_add (data->runs, rb_run_index_get_unchecked (data->index, run_dir, run_id));
      break;
    case SCAN_CHECK:
      data->stale += !rb_run_index_check (data->index, run_dir, run_id);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* runs/<id>/: readdir's type says "a directory, not a symlink" without
 * an lstat per run (100 000 runs); filesystems that do not tell get one. */
static void
scan_canonical_run (ScanData            *data,
                    const char          *dir,
                    const struct dirent *entry)
{
  g_autofree char *run_dir = g_build_filename (dir, entry->d_name, NULL);

  if (entry->d_type != DT_DIR && (entry->d_type != DT_UNKNOWN || !is_plain_dir (run_dir)))
    return;
  take_run (data, run_dir, entry->d_name);
}

static void
scan_top_level_run (ScanData            *data,
                    const char          *dir,
                    const struct dirent *entry)
{
  g_autofree char *run_dir = NULL;
  g_autofree char *canonical = NULL;

  if (is_reserved_name (entry->d_name))
    return;
  /* Taken from runs/ already (asked here, for the few top-level folders,
   * rather than remembering each of 100 000 names there). */
  canonical = g_build_filename (data->runs_dir, entry->d_name, NULL);
  if (is_plain_dir (canonical))
    return;
  run_dir = g_build_filename (dir, entry->d_name, NULL);
  if (!is_plain_dir (run_dir) || !is_top_level_run (run_dir))
    return;
  take_run (data, run_dir, entry->d_name);
}

typedef void (*ScanFunc) (ScanData            *data,
                          const char          *dir,
                          const struct dirent *entry);

static gboolean
scan_dir (const char    *dir,
          ScanFunc       func,
          ScanData      *data,
          GCancellable  *cancellable,
          GError       **error)
{
  DIR *handle = opendir (dir);
  struct dirent *entry;
  gboolean ok = TRUE;

  if (handle == NULL)
    {
      /* A data folder without runs/ (or not created yet) has no runs. */
      if (errno == ENOENT || errno == ENOTDIR)
        return TRUE;
      g_set_error_literal (error, RB_ERROR, RB_ERROR_INTERNAL,
                           "The data folder could not be read.");
      return FALSE;
    }
  while (ok && (entry = readdir (handle)) != NULL)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ok = FALSE;
      else if (entry->d_name[0] != '.' && rb_ident_is_valid (RB_IDENT_RUN_ID, entry->d_name))
        func (data, dir, entry);
    }
  closedir (handle);
  return ok;
}

/* Both places runs live, then the index written back when anything
 * changed (a read-only data folder simply keeps none). */
static gboolean
scan_store (RbRunStore    *self,
            ScanData      *data,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(RbRunIndex) index = data->mode == SCAN_LIST_UNCHECKED
                                ? rb_run_index_load_summaries (self->data_dir)
                                : rb_run_index_load (self->data_dir);
  g_autoptr(GError) save_error = NULL;
  g_autofree char *runs_dir = g_build_filename (self->data_dir, "runs", NULL);

  data->runs_dir = runs_dir;
  data->index = index;
  if (!scan_dir (runs_dir, scan_canonical_run, data, cancellable, error) ||
      !scan_dir (self->data_dir, scan_top_level_run, data, cancellable, error))
    return FALSE;

  if (data->mode == SCAN_CHECK)
    data->stale += rb_run_index_count_gone (index);
  if (data->mode != SCAN_LIST_UNCHECKED && !rb_run_index_save (index, &save_error))
    g_debug ("The run index was not written: %s", save_error->message);
  return TRUE;
}

static GPtrArray *
list_runs (RbRunStore    *self,
           ScanMode       mode,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  ScanData data = { mode, runs, NULL, NULL, 0 };

  if (!scan_store (self, &data, cancellable, error))
    return NULL;
  sort_runs (runs, RB_RUN_SORT_CREATED, TRUE);
  return g_steal_pointer (&runs);
}

GPtrArray *
rb_run_store_list_all (RbRunStore    *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (RB_IS_RUN_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return list_runs (self, SCAN_LIST_CHECKED, cancellable, error);
}

GPtrArray *
rb_run_store_list_unchecked (RbRunStore    *self,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_return_val_if_fail (RB_IS_RUN_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return list_runs (self, SCAN_LIST_UNCHECKED, cancellable, error);
}

gboolean
rb_run_store_check_index (RbRunStore    *self,
                          gboolean      *out_stale,
                          GCancellable  *cancellable,
                          GError       **error)
{
  ScanData data = { SCAN_CHECK, NULL, NULL, NULL, 0 };

  g_return_val_if_fail (RB_IS_RUN_STORE (self), FALSE);
  g_return_val_if_fail (out_stale != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!scan_store (self, &data, cancellable, error))
    return FALSE;
  *out_stale = data.stale > 0;
  return TRUE;
}

GPtrArray *
rb_run_store_list (RbRunStore        *self,
                   const RbRunQuery  *query,
                   guint             *total_count,
                   GCancellable      *cancellable,
                   GError           **error)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) matching = NULL;
  GPtrArray *page;
  guint64 start;

  g_return_val_if_fail (RB_IS_RUN_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  all = rb_run_store_list_all (self, cancellable, error);
  if (all == NULL)
    return NULL;

  matching = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < all->len; i++)
    {
      RbRun *run = g_ptr_array_index (all, i);

      if (rb_run_query_matches (query, run))
        g_ptr_array_add (matching, g_object_ref (run));
    }
  sort_runs (matching, query->sort, query->descending);

  if (total_count != NULL)
    *total_count = matching->len;

  page = g_ptr_array_new_with_free_func (g_object_unref);
  start = (guint64) (MAX (query->page, 1) - 1) * MAX (query->page_size, 1);
  for (guint64 i = start; i < matching->len && i < start + MAX (query->page_size, 1); i++)
    g_ptr_array_add (page, g_object_ref (g_ptr_array_index (matching, i)));
  return page;
}

RbRun *
rb_run_store_get (RbRunStore  *self,
                  const char  *run_id,
                  GError     **error)
{
  g_autofree char *run_dir = NULL;
  g_autoptr(RbRun) run = NULL;
  const GError *load_error;

  g_return_val_if_fail (RB_IS_RUN_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Validated before any path is built. */
  if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "runId", error))
    return NULL;

  run_dir = g_build_filename (self->data_dir, "runs", run_id, NULL);
  if (!is_plain_dir (run_dir))
    {
      g_clear_pointer (&run_dir, g_free);
      if (!is_reserved_name (run_id))
        {
          run_dir = g_build_filename (self->data_dir, run_id, NULL);
          if (!is_plain_dir (run_dir) || !is_top_level_run (run_dir))
            g_clear_pointer (&run_dir, g_free);
        }
    }
  if (run_dir == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND,
                   "Run %s was not found.", run_id);
      return NULL;
    }

  run = rb_run_load_detail (self->data_dir, run_dir, run_id);
  load_error = rb_run_get_load_error (run);
  if (load_error != NULL)
    {
      g_set_error_literal (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, load_error->message);
      return NULL;
    }
  return g_steal_pointer (&run);
}

JsonNode *
rb_run_page_to_json (GPtrArray        *items,
                     guint             total_count,
                     const RbRunQuery *query)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (items != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    json_builder_add_value (builder, rb_run_to_summary_json (g_ptr_array_index (items, i)));
  json_builder_end_array (builder);
  rb_json_add_int (builder, "totalCount", total_count);
  rb_json_add_int (builder, "page", query->page);
  rb_json_add_int (builder, "pageSize", query->page_size);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* }}} */
