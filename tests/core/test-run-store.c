/* test-run-store.c — listing, filtering, sorting, paging and getting runs of
 * a data folder, with broken runs and FlowTime's 2025-10 layout beside ours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "rb-error.h"
#include "rb-hash.h"
#include "rb-json.h"
#include "rb-run-store.h"
#include "rb-test-util.h"

typedef struct
{
  char       *tmp;
  char       *data_dir;
  RbRunStore *store;
} Fixture;

static void
put (const char *dir,
     const char *rel,
     const char *contents)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);

  rb_test_write_file (path, contents, -1);
}

/* A small valid run at <data>/<where>/<id>/. */
static void
make_run (Fixture    *f,
          const char *where,
          const char *run_id,
          const char *template_id,
          const char *title,
          const char *mode,
          const char *created,
          guint       n_warnings,
          gboolean    telemetry)
{
  g_autofree char *dir = where != NULL
                         ? g_build_filename (f->data_dir, where, run_id, NULL)
                         : g_build_filename (f->data_dir, run_id, NULL);
  GString *run = g_string_new (NULL);
  g_autofree char *metadata = NULL;

  g_string_append_printf (run, "{\"schemaVersion\": 1, \"runId\": \"%s\",\n"
                               " \"grid\": {\"bins\": 24, \"binSize\": 1, \"binUnit\": \"hours\"},\n",
                          run_id);
  if (created != NULL)
    g_string_append_printf (run, " \"createdUtc\": \"%s\",\n", created);
  g_string_append (run, " \"warnings\": [");
  for (guint i = 0; i < n_warnings; i++)
    g_string_append_printf (run, "%s{\"code\": \"w%u\", \"message\": \"Warning %u\"}", i ? ", " : "", i, i);
  g_string_append (run, "]}\n");
  put (dir, "run.json", run->str);
  g_string_free (run, TRUE);

  metadata = g_strdup_printf ("{\"templateId\": \"%s\", \"templateTitle\": \"%s\",\n"
                              " \"templateVersion\": \"1.0.0\", \"mode\": \"%s\", \"parameters\": {}}\n",
                              template_id, title, mode);
  put (dir, "model/metadata.json", metadata);
  put (dir, "model/model.yaml",
       "topology:\n  nodes:\n    - id: Queue\n      kind: queue\n      semantics:\n        arrivals: arrivals\n");
  put (dir, "series/index.json",
       "{\"series\": [{\"id\": \"arrivals@ARRIVALS@DEFAULT\", \"path\": \"series/arrivals@ARRIVALS@DEFAULT.csv\"}]}\n");
  put (dir, "series/arrivals@ARRIVALS@DEFAULT.csv", "bin_index,value\n0,1\n");
  if (telemetry)
    put (dir, "model/telemetry/telemetry-manifest.json", "{\"files\": [{\"nodeId\": \"Queue\"}], \"warnings\": []}\n");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tmp = rb_test_make_temp_dir ();
  f->data_dir = g_build_filename (f->tmp, "data", NULL);

  make_run (f, "runs", "run-1", "alpha", "Alpha Flow", "simulation", "2026-01-01T00:00:01Z", 0, TRUE);
  make_run (f, "runs", "run-2", "beta", "beta queue", "telemetry", "2026-01-03T00:00:00Z", 2, FALSE);
  make_run (f, "runs", "run-3", "alpha", "Alpha Flow", "simulation", "2026-01-02T00:00:00.5Z", 1, FALSE);
  /* Same second as run-1, earlier fraction. */
  make_run (f, "runs", "run-4", "gamma", "Gamma Lines", "simulation", "2026-01-01T00:00:01.000000Z", 0, FALSE);
  /* FlowTime 2025-10: directly in the data folder. */
  make_run (f, NULL, "run_20251022T125205Z_0a1b2c3d", "sim-order", "Simulation Order Template",
            "simulation", NULL, 0, FALSE);
  /* Same id at the top level and in runs/: runs/ wins. */
  make_run (f, NULL, "run-1", "shadow", "Shadow", "telemetry", "2030-01-01T00:00:00Z", 0, FALSE);

  /* Never listed. */
  make_run (f, "runs", ".run-9.tmp-Ab12Cd", "tmp", "Temp", "simulation", "2030-01-01T00:00:00Z", 0, FALSE);
  make_run (f, NULL, ".hidden", "hidden", "Hidden", "simulation", "2030-01-01T00:00:00Z", 0, FALSE);
  make_run (f, NULL, "bad name", "bad", "Bad", "simulation", "2030-01-01T00:00:00Z", 0, FALSE);
  make_run (f, "telemetry", "looks-like-a-run", "t", "T", "simulation", "2030-01-01T00:00:00Z", 0, FALSE);
  put (f->data_dir, "templates/x.yaml", "metadata: {id: x}\n");
  put (f->data_dir, "other/readme.txt", "not a run\n");
  put (f->data_dir, "registry-index.json", "{}\n");
  put (f->data_dir, ".runboard/stamp", "1\n");
  put (f->data_dir, "runs/stray-file.json", "{}\n");

  f->store = rb_run_store_new (f->data_dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  rb_test_remove_tree (f->tmp);
  g_free (f->data_dir);
  g_free (f->tmp);
}

/* "id,id,id" of @runs. */
static char *
ids_of (GPtrArray *runs)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < runs->len; i++)
    g_string_append_printf (out, "%s%s", i ? "," : "", rb_run_get_run_id (g_ptr_array_index (runs, i)));
  return g_string_free (out, FALSE);
}

static char *
list_ids (Fixture  *f,
          guint    *total,
          ...)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  RbRunQuery query;
  const char *key;
  va_list args;

  va_start (args, total);
  while ((key = va_arg (args, const char *)) != NULL)
    g_hash_table_insert (params, (gpointer) key, va_arg (args, char *));
  va_end (args);

  rb_run_query_init (&query);
  g_assert_true (rb_run_query_parse (&query, params, &error));
  g_assert_no_error (error);
  runs = rb_run_store_list (f->store, &query, total, NULL, &error);
  g_assert_no_error (error);
  rb_run_query_clear (&query);
  return ids_of (runs);
}

static void
test_list_all (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;
  RbRun *run1;

  g_assert_cmpstr (rb_run_store_get_data_dir (f->store), ==, f->data_dir);
  runs = rb_run_store_list_all (f->store, NULL, &error);
  g_assert_no_error (error);
  ids = ids_of (runs);
  /* Newest first; run-1 and run-4 share a second; the 2025-10 run's time
   * comes from its id. */
  g_assert_cmpstr (ids, ==, "run-2,run-3,run-1,run-4,run_20251022T125205Z_0a1b2c3d");

  run1 = g_ptr_array_index (runs, 2);
  g_assert_cmpstr (rb_run_get_template_id (run1), ==, "alpha");
  g_assert_false (rb_run_has_detail (run1));
  g_assert_cmpstr (rb_run_get_created_utc (g_ptr_array_index (runs, 4)), ==, "2025-10-22T12:52:05.000000Z");
}

static void
test_missing_data_dir (void)
{
  g_autofree char *tmp = rb_test_make_temp_dir ();
  g_autofree char *missing = g_build_filename (tmp, "nothing-here", NULL);
  g_autoptr(RbRunStore) store = rb_run_store_new (missing);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 0);
  rb_test_remove_tree (tmp);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  runs = rb_run_store_list_all (f->store, cancellable, &error);
  g_assert_null (runs);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_filter (Fixture       *f,
             gconstpointer  data)
{
  guint total = 0;
  char *ids;

#define CHECK(expected, expected_total, ...) \
  G_STMT_START { \
    ids = list_ids (f, &total, __VA_ARGS__, NULL); \
    g_assert_cmpstr (ids, ==, expected); \
    g_assert_cmpuint (total, ==, expected_total); \
    g_free (ids); \
  } G_STMT_END

  CHECK ("run-2,run-3,run-1,run-4,run_20251022T125205Z_0a1b2c3d", 5, "unknownParam", "whatever");
  CHECK ("run-2", 1, "mode", "Telemetry");
  CHECK ("run-3,run-1", 2, "templateId", "ALPHA");
  CHECK ("run-2,run-3", 2, "hasWarnings", "true");
  CHECK ("run-1,run-4,run_20251022T125205Z_0a1b2c3d", 3, "hasWarnings", "false");
  CHECK ("run-1", 1, "telemetry", "available");
  CHECK ("run-2,run-3,run-4,run_20251022T125205Z_0a1b2c3d", 4, "telemetry", "missing");
  /* Search: title, template id or run id, case-insensitively. */
  CHECK ("run-2", 1, "search", "QUEUE");
  CHECK ("run_20251022T125205Z_0a1b2c3d", 1, "search", "sim-ORD");
  CHECK ("run-3", 1, "search", "N-3");
  CHECK ("", 0, "search", "no such thing");
  CHECK ("run-3,run-1", 2, "search", "flow", "mode", "simulation");
  /* Beyond ASCII: casefolded, including a Kelvin sign that folds to "k". */
  make_run (f, "runs", "run-7", "eta", "Étape Kilns", "simulation", "2025-01-01T00:00:00Z", 0, FALSE);
  CHECK ("run-7", 1, "search", "ÉTAPE");
  CHECK ("run-7", 1, "search", "étape k");
  CHECK ("run-7", 1, "search", "\xe2\x84\xaailns");   /* U+212A KELVIN SIGN, "ilns" */
  CHECK ("", 0, "search", "etape");
  make_run (f, "runs", "run-8", "theta", "\xe2\x84\xaa" "elvin Lines", "simulation", "2025-01-01T00:00:00Z", 0, FALSE);
  CHECK ("run-8", 1, "search", "KELVIN");
  {
    g_autofree char *run8 = g_build_filename (f->data_dir, "runs", "run-8", NULL);

    rb_test_remove_tree (run8);
  }
  {
    g_autofree char *run7 = g_build_filename (f->data_dir, "runs", "run-7", NULL);

    rb_test_remove_tree (run7);
  }
  /* Empty values count as not given. */
  CHECK ("run-2,run-3,run-1,run-4,run_20251022T125205Z_0a1b2c3d", 5, "mode", "", "search", "");

  /* Sort. */
  CHECK ("run_20251022T125205Z_0a1b2c3d,run-1,run-4,run-3,run-2", 5, "order", "asc");   /* ties by id, ascending */
  /* Template: by title A→Z by default, newest first within one title. */
  CHECK ("run-3,run-1,run-2,run-4,run_20251022T125205Z_0a1b2c3d", 5, "sort", "template");
  CHECK ("run_20251022T125205Z_0a1b2c3d,run-4,run-2,run-3,run-1", 5, "sort", "template", "order", "desc");

  /* Pages. */
  CHECK ("run-2,run-3", 5, "pageSize", "2");
  CHECK ("run-1,run-4", 5, "pageSize", "2", "page", "2");
  CHECK ("run_20251022T125205Z_0a1b2c3d", 5, "pageSize", "2", "page", "3");
  CHECK ("", 5, "pageSize", "2", "page", "4");
  CHECK ("", 5, "pageSize", "500", "page", "4294967295");
  CHECK ("run-3", 2, "templateId", "alpha", "pageSize", "1");

#undef CHECK
}

static void
test_query_parse_errors (void)
{
  static const struct {
    const char *name;
    const char *value;
  } cases[] = {
    { "mode", "batch" },
    { "templateId", "../x" },
    { "hasWarnings", "yes" },
    { "hasWarnings", "1" },
    { "telemetry", "true" },
    { "sort", "name" },
    { "order", "up" },
    { "page", "0" },
    { "page", "-1" },
    { "page", "1.5" },
    { "page", " 1" },
    { "page", "" },
    { "page", "99999999999999999999" },
    { "pageSize", "0" },
    { "pageSize", "501" },
    { "pageSize", "abc" },
    { "search", "\xff\xfe" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GError) error = NULL;
      RbRunQuery query;

      rb_run_query_init (&query);
      g_hash_table_insert (params, (gpointer) cases[i].name, (gpointer) cases[i].value);
      g_assert_false (rb_run_query_parse (&query, params, &error));
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      g_assert_cmpstr (rb_error_get_field (error), ==, cases[i].name);
      g_assert_true (g_str_has_prefix (error->message, cases[i].name));
      rb_run_query_clear (&query);
    }

  {
    g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GError) error = NULL;
    RbRunQuery query;

    rb_run_query_init (&query);
    g_hash_table_insert (params, (gpointer) "pageSize", (gpointer) "501");
    g_assert_false (rb_run_query_parse (&query, params, &error));
    g_assert_cmpstr (error->message, ==, "pageSize must be an integer from 1 to 500");
    rb_run_query_clear (&query);
  }
}

static void
test_query_parse_defaults (void)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  RbRunQuery query;

  rb_run_query_init (&query);
  g_assert_true (rb_run_query_parse (&query, NULL, &error));
  g_assert_null (query.mode);
  g_assert_null (query.template_id);
  g_assert_null (query.search);
  g_assert_cmpint (query.has_warnings, ==, RB_TRISTATE_ANY);
  g_assert_cmpint (query.telemetry, ==, RB_TRISTATE_ANY);
  g_assert_cmpint (query.sort, ==, RB_RUN_SORT_CREATED);
  g_assert_true (query.descending);
  g_assert_cmpuint (query.page, ==, 1);
  g_assert_cmpuint (query.page_size, ==, 50);

  g_hash_table_insert (params, (gpointer) "mode", (gpointer) "SIMULATION");
  g_hash_table_insert (params, (gpointer) "templateId", (gpointer) "warehouse-picker-waves");
  g_hash_table_insert (params, (gpointer) "hasWarnings", (gpointer) "False");
  g_hash_table_insert (params, (gpointer) "telemetry", (gpointer) "available");
  g_hash_table_insert (params, (gpointer) "search", (gpointer) "Wave");
  g_hash_table_insert (params, (gpointer) "sort", (gpointer) "template");
  g_hash_table_insert (params, (gpointer) "order", (gpointer) "desc");
  g_hash_table_insert (params, (gpointer) "page", (gpointer) "3");
  g_hash_table_insert (params, (gpointer) "pageSize", (gpointer) "500");
  g_assert_true (rb_run_query_parse (&query, params, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (query.mode, ==, "simulation");
  g_assert_cmpstr (query.template_id, ==, "warehouse-picker-waves");
  g_assert_cmpstr (query.search, ==, "Wave");
  g_assert_cmpint (query.has_warnings, ==, RB_TRISTATE_NO);
  g_assert_cmpint (query.telemetry, ==, RB_TRISTATE_YES);
  g_assert_cmpint (query.sort, ==, RB_RUN_SORT_TEMPLATE);
  g_assert_true (query.descending);
  g_assert_cmpuint (query.page, ==, 3);
  g_assert_cmpuint (query.page_size, ==, 500);
  rb_run_query_clear (&query);
  rb_run_query_clear (&query);
}

static void
test_get (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(RbRun) legacy = NULL;
  g_autoptr(RbRun) shadowed = NULL;

  run = rb_run_store_get (f->store, "run-3", &error);
  g_assert_no_error (error);
  g_assert_true (rb_run_has_detail (run));
  g_assert_cmpuint (rb_run_get_topology (run)->len, ==, 1);
  g_assert_true (rb_run_get_can_replay (run));

  legacy = rb_run_store_get (f->store, "run_20251022T125205Z_0a1b2c3d", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_run_get_template_id (legacy), ==, "sim-order");

  shadowed = rb_run_store_get (f->store, "run-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_run_get_template_id (shadowed), ==, "alpha");
}

static void
test_get_errors (Fixture       *f,
                 gconstpointer  data)
{
  /* Each of these would reach something on disk if it were used as a path. */
  static const char * const invalid[] = {
    "../x", "a/b", ".hidden", "..", "runs/run-1", "", "bad name", "run-1/../run-2",
  };
  static const char * const unknown[] = {
    "nope", "telemetry", "templates", "runs", "other", "registry-index.json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RbRun) run = rb_run_store_get (f->store, invalid[i], &error);

      g_assert_null (run);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      g_assert_cmpstr (rb_error_get_field (error), ==, "runId");
      g_assert_cmpuint (rb_error_code_http_status (rb_error_get_code (error)), ==, 400);
    }

  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RbRun) run = rb_run_store_get (f->store, unknown[i], &error);
      g_autofree char *message = g_strdup_printf ("Run %s was not found.", unknown[i]);

      g_assert_null (run);
      g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
      g_assert_cmpstr (error->message, ==, message);
    }
}

/* The listing's own sort (keys taken once) is rb_run_compare's default
 * order: broken last, runs without a creation time after the others,
 * newest first, ties by run id. */
static void
test_default_order (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *runs_dir = g_build_filename (f->data_dir, "runs", NULL);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;

  make_run (f, "runs", "tie-b", "alpha", "Alpha Flow", "simulation", "2026-01-03T00:00:00Z", 0, FALSE);
  make_run (f, "runs", "tie-a", "alpha", "Alpha Flow", "simulation", "2026-01-03T00:00:00Z", 0, FALSE);
  make_run (f, "runs", "no-time", "alpha", "Alpha Flow", "simulation", NULL, 0, FALSE);
  put (runs_dir, "broken-b/model/metadata.json", "{\"templateId\": \"zeta\"}");
  put (runs_dir, "broken-a/model/metadata.json", "{\"templateId\": \"zeta\"}");

  runs = rb_run_store_list_all (f->store, NULL, &error);
  g_assert_no_error (error);
  ids = ids_of (runs);
  /* run-2 was made at the same time as tie-a and tie-b. */
  g_assert_true (g_str_has_prefix (ids, "run-2,tie-a,tie-b,run-3,"));
  g_assert_true (g_str_has_suffix (ids, ",no-time,broken-a,broken-b"));
  for (guint i = 1; i < runs->len; i++)
    g_assert_cmpint (rb_run_compare (g_ptr_array_index (runs, i - 1), g_ptr_array_index (runs, i),
                                     RB_RUN_SORT_CREATED, TRUE), <, 0);
}

/* Broken runs: listed (last), never hiding the others; get is 422. */
static void
test_broken_runs (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *runs_dir = g_build_filename (f->data_dir, "runs", NULL);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;

  make_run (f, "runs", "broken-json", "alpha", "Alpha Flow", "simulation", "2026-06-01T00:00:00Z", 0, FALSE);
  put (runs_dir, "broken-json/run.json", "{\n  \"runId\": \"broken-json\",\n  \"grid\": [,\n");
  put (runs_dir, "broken-missing/model/metadata.json", "{\"templateId\": \"zeta\"}");
  make_run (f, "runs", "bad-csv", "alpha", "Alpha Flow", "simulation", "2026-05-01T00:00:00Z", 0, FALSE);
  put (runs_dir, "bad-csv/series/arrivals@ARRIVALS@DEFAULT.csv", "bin_index,value\n0,abc\n");
  make_run (f, "runs", "bad-yaml", "alpha", "Alpha Flow", "simulation", "2026-04-01T00:00:00Z", 0, FALSE);
  put (runs_dir, "bad-yaml/model/model.yaml", "topology: [\n");

  runs = rb_run_store_list_all (f->store, NULL, &error);
  g_assert_no_error (error);
  ids = ids_of (runs);
  g_assert_cmpstr (ids, ==,
                   "bad-csv,bad-yaml,run-2,run-3,run-1,run-4,run_20251022T125205Z_0a1b2c3d,"
                   "broken-json,broken-missing");
  g_assert_cmpstr (rb_run_get_diagnostic (g_ptr_array_index (runs, 8)), ==, "run.json is missing");
  g_assert_cmpstr (rb_run_get_template_id (g_ptr_array_index (runs, 8)), ==, "zeta");
  g_assert_true (g_str_has_prefix (rb_run_get_diagnostic (g_ptr_array_index (runs, 7)),
                                   "run.json is not valid JSON at line 3"));

  /* Broken runs stay last in every order. */
  {
    guint total = 0;
    g_autofree char *asc = list_ids (f, &total, "order", "asc", NULL);
    g_autofree char *by_template = list_ids (f, &total, "sort", "template", "order", "desc", NULL);

    g_assert_true (g_str_has_suffix (asc, ",broken-json,broken-missing"));
    g_assert_true (g_str_has_suffix (by_template, ",broken-json,broken-missing"));
  }

  {
    g_autoptr(GError) get_error = NULL;
    g_autoptr(RbRun) run = rb_run_store_get (f->store, "broken-json", &get_error);

    g_assert_null (run);
    g_assert_error (get_error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
    g_assert_cmpuint (rb_error_code_http_status (RB_ERROR_RUN_UNREADABLE), ==, 422);
    g_assert_true (g_str_has_prefix (get_error->message, "run.json is not valid JSON at line 3"));
    g_assert_null (strstr (get_error->message, f->tmp));
  }
  {
    g_autoptr(GError) get_error = NULL;
    g_autoptr(RbRun) run = rb_run_store_get (f->store, "broken-missing", &get_error);

    g_assert_error (get_error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
    g_assert_cmpstr (get_error->message, ==, "run.json is missing");
  }
  /* A bad CSV does not matter until the series is read. */
  {
    g_autoptr(GError) get_error = NULL;
    g_autoptr(RbRun) run = rb_run_store_get (f->store, "bad-csv", &get_error);

    g_assert_no_error (get_error);
    g_assert_null (rb_run_get_diagnostic (run));
  }
  /* A bad model.yaml: detail served, empty topology, no replay, diagnostic. */
  {
    g_autoptr(GError) get_error = NULL;
    g_autoptr(RbRun) run = rb_run_store_get (f->store, "bad-yaml", &get_error);

    g_assert_no_error (get_error);
    g_assert_cmpuint (rb_run_get_topology (run)->len, ==, 0);
    g_assert_false (rb_run_get_can_replay (run));
    g_assert_true (g_str_has_prefix (rb_run_get_diagnostic (run), "model/model.yaml is not valid YAML"));
  }
}

static void
test_page_json (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  guint total = 0;
  RbRunQuery query;
  static const char expected[] =
    "{\n"
    "  \"items\": [\n"
    "    {\n"
    "      \"runId\": \"run-1\",\n"
    "      \"templateId\": \"alpha\",\n"
    "      \"templateTitle\": \"Alpha Flow\",\n"
    "      \"templateVersion\": \"1.0.0\",\n"
    "      \"mode\": \"simulation\",\n"
    "      \"createdUtc\": \"2026-01-01T00:00:01Z\",\n"
    "      \"warningCount\": 0,\n"
    "      \"grid\": {\n"
    "        \"bins\": 24,\n"
    "        \"binSize\": 1,\n"
    "        \"binUnit\": \"hours\"\n"
    "      },\n"
    "      \"rng\": null,\n"
    "      \"source\": null,\n"
    "      \"telemetry\": {\n"
    "        \"available\": true,\n"
    "        \"generatedAtUtc\": null,\n"
    "        \"warningCount\": 0,\n"
    "        \"sourceRunId\": null,\n"
    "        \"captureKey\": null\n"
    "      },\n"
    "      \"diagnostic\": null\n"
    "    }\n"
    "  ],\n"
    "  \"totalCount\": 2,\n"
    "  \"page\": 2,\n"
    "  \"pageSize\": 1\n"
    "}\n";

  g_hash_table_insert (params, (gpointer) "templateId", (gpointer) "alpha");
  g_hash_table_insert (params, (gpointer) "page", (gpointer) "2");
  g_hash_table_insert (params, (gpointer) "pageSize", (gpointer) "1");
  rb_run_query_init (&query);
  g_assert_true (rb_run_query_parse (&query, params, &error));
  runs = rb_run_store_list (f->store, &query, &total, NULL, &error);
  g_assert_no_error (error);
  node = rb_run_page_to_json (runs, total, &query);
  text = rb_json_to_data (node, NULL);
  g_assert_cmpstr (text, ==, expected);

  /* Past the end: empty items, still the real total. */
  g_clear_pointer (&runs, g_ptr_array_unref);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&text, g_free);
  query.page = 7;
  runs = rb_run_store_list (f->store, &query, &total, NULL, &error);
  node = rb_run_page_to_json (runs, total, &query);
  text = rb_json_to_data (node, NULL);
  g_assert_cmpstr (text, ==, "{\n  \"items\": [],\n  \"totalCount\": 2,\n  \"page\": 7,\n  \"pageSize\": 1\n}\n");
  rb_run_query_clear (&query);
}

/* tests/data/sample (what build-aux/run.sh opens): every run listed, the
 * broken one last, series and model hashes true to the bytes. */
static void
test_sample_folder (void)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);
  g_autoptr(RbRunStore) store = rb_run_store_new (sample);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint n_available = 0, n_replays = 0, n_telemetry_mode = 0, n_with_warnings = 0;

  runs = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 6);
  g_assert_cmpstr (rb_run_get_run_id (g_ptr_array_index (runs, 5)), ==, "run_20261124T160000Z_deadbeef");
  g_assert_true (g_str_has_prefix (rb_run_get_diagnostic (g_ptr_array_index (runs, 5)),
                                   "run.json is not valid JSON at line 3"));

  for (guint i = 0; i < 5; i++)
    {
      RbRun *summary = g_ptr_array_index (runs, i);
      g_autoptr(RbRun) run = rb_run_store_get (store, rb_run_get_run_id (summary), &error);
      g_autofree char *model = NULL;
      g_autofree char *model_hash = NULL;
      g_autoptr(JsonNode) run_json = NULL;
      GPtrArray *series;

      g_assert_no_error (error);
      g_assert_null (rb_run_get_diagnostic (run));
      g_assert_true (rb_run_get_can_replay (run));
      g_assert_cmpuint (rb_run_get_topology (run)->len, >, 0);
      g_assert_cmpuint (rb_run_get_bins (run), >=, 24);
      g_assert_cmpuint (rb_run_get_bins (run), <=, 288);
      n_available += rb_run_get_telemetry (run)->available;
      n_replays += rb_run_get_source_run_id (run) != NULL;
      n_telemetry_mode += g_strcmp0 (rb_run_get_mode (run), "telemetry") == 0;
      n_with_warnings += rb_run_get_warning_count (run) > 0;

      series = rb_run_get_series (run);
      g_assert_cmpuint (series->len, >, 0);
      for (guint j = 0; j < series->len; j++)
        {
          const RbSeriesInfo *info = g_ptr_array_index (series, j);
          g_autofree char *path = g_build_filename (rb_run_get_directory (run), info->path, NULL);
          g_autofree char *hash = rb_hash_file (path, &error);

          g_assert_no_error (error);
          g_assert_cmpstr (hash, ==, info->hash);
          g_assert_cmpuint (info->points, ==, rb_run_get_bins (run));
        }

      model = g_build_filename (rb_run_get_directory (run), "model", "model.yaml", NULL);
      model_hash = rb_hash_file (model, &error);
      g_assert_no_error (error);
      g_clear_pointer (&model, g_free);
      model = g_build_filename (rb_run_get_directory (run), "run.json", NULL);
      run_json = rb_json_parse_file (model, "run.json", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (rb_json_get_string (json_node_get_object (run_json), "modelHash"), ==, model_hash);
    }
  g_assert_cmpuint (n_available, ==, 2);
  g_assert_cmpuint (n_replays, ==, 1);
  g_assert_cmpuint (n_telemetry_mode, ==, 1);
  g_assert_cmpuint (n_with_warnings, ==, 1);
}

/* The summary cache <data>/.runboard/index {{{ */

/* Summary (and with @detail, detail) JSON of every run, in list order. */
static char *
runs_json (GPtrArray *runs,
           gboolean   detail)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < runs->len; i++)
    {
      RbRun *run = g_ptr_array_index (runs, i);
      g_autoptr(JsonNode) summary = rb_run_to_summary_json (run);
      g_autofree char *summary_text = rb_json_to_compact (summary);
      g_autoptr(JsonNode) detail_node = NULL;
      g_autofree char *detail_text = NULL;

      g_string_append_printf (out, "%s\n", summary_text);
      if (!detail)
        continue;
      rb_run_ensure_detail (run);
      detail_node = rb_run_to_detail_json (run);
      detail_text = rb_json_to_compact (detail_node);
      g_string_append_printf (out, "%s\n", detail_text);
    }
  return g_string_free (out, FALSE);
}

/* The store's listing (@unchecked: straight from the index) as runs_json. */
static char *
listed_json (Fixture  *f,
             gboolean  unchecked,
             gboolean  detail)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = unchecked ? rb_run_store_list_unchecked (f->store, NULL, &error)
                   : rb_run_store_list_all (f->store, NULL, &error);
  g_assert_no_error (error);
  return runs_json (runs, detail);
}

static char *
list_json (Fixture *f)
{
  return listed_json (f, FALSE, TRUE);
}

/* What list_unchecked_json is compared with: summaries only. */
static char *
list_summaries_json (Fixture *f)
{
  return listed_json (f, FALSE, FALSE);
}

static char *
list_unchecked_json (Fixture *f)
{
  return listed_json (f, TRUE, FALSE);
}

static gboolean
check_index_stale (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gboolean stale = TRUE;

  g_assert_true (rb_run_store_check_index (f->store, &stale, NULL, &error));
  g_assert_no_error (error);
  return stale;
}

static char *
index_path (Fixture *f)
{
  return g_build_filename (f->data_dir, ".runboard", "index", NULL);
}

/* Runs with bins in their warnings are cached too. */
static void
add_cached_runs (Fixture *f)
{
  g_autofree char *runs_dir = g_build_filename (f->data_dir, "runs", NULL);

  make_run (f, "runs", "run-5", "delta", "Delta", "simulation", "2026-02-01T00:00:00Z", 0, FALSE);
  put (runs_dir, "run-5/run.json",
       "{\"schemaVersion\": 1, \"runId\": \"run-5\", \"createdUtc\": \"2026-02-01T00:00:00Z\",\n"
       " \"grid\": {\"bins\": 4, \"binSize\": 15, \"binUnit\": \"minutes\"},\n"
       " \"inputHash\": \"sha256:abc\",\n"
       " \"warnings\": [{\"code\": \"c1\", \"message\": \"M\", \"nodeId\": \"Queue\", \"bins\": [1, 3]},\n"
       "              {\"code\": \"c2\", \"message\": \"N\", \"bins\": []}]}\n");
  put (runs_dir, "run-5/model/metadata.json",
       "{\"templateId\": \"delta\", \"templateTitle\": \"Delta\", \"templateVersion\": \"2.0.0\",\n"
       " \"mode\": \"Simulation\", \"parameters\": {\"n\": 3, \"x\": 1.5, \"s\": \"t\", \"b\": true}}\n");
  put (runs_dir, "run-5/manifest.json", "{\"rng\": {\"kind\": \"pcg32\", \"seed\": 42}}\n");
  put (runs_dir, "run-5/model/provenance.json",
       "{\"replayOf\": {\"runId\": \"run-3\", \"kind\": \"model\"}}\n");
}

static void
test_index_same_as_fresh (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = index_path (f);
  g_autofree char *fresh = NULL;
  g_autofree char *cached = NULL;
  g_autofree char *again = NULL;

  add_cached_runs (f);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  fresh = list_json (f);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  cached = list_json (f);
  g_assert_cmpstr (cached, ==, fresh);
  g_assert_nonnull (strstr (cached, "\"warningCount\":2"));

  /* Without the index: the same bytes. */
  g_assert_cmpint (g_remove (path), ==, 0);
  again = list_json (f);
  g_assert_cmpstr (again, ==, fresh);
}

static void
test_index_changes (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *runs_dir = g_build_filename (f->data_dir, "runs", NULL);
  g_autofree char *run5 = g_build_filename (runs_dir, "run-5", NULL);
  g_autofree char *first = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *deleted = NULL;

  add_cached_runs (f);
  first = list_json (f);
  g_assert_nonnull (strstr (first, "\"templateTitle\":\"Delta\""));

  /* run.json and metadata.json rewritten in place (same size). */
  put (runs_dir, "run-5/model/metadata.json",
       "{\"templateId\": \"delta\", \"templateTitle\": \"Epsil\", \"templateVersion\": \"2.0.0\",\n"
       " \"mode\": \"Simulation\", \"parameters\": {\"n\": 3, \"x\": 1.5, \"s\": \"t\", \"b\": true}}\n");
  changed = list_json (f);
  g_assert_null (strstr (changed, "\"templateTitle\":\"Delta\""));
  g_assert_nonnull (strstr (changed, "\"templateTitle\":\"Epsil\""));

  /* Telemetry appears for a run that was cached without it. */
  put (runs_dir, "run-5/model/telemetry/telemetry-manifest.json",
       "{\"files\": [{\"nodeId\": \"Queue\"}], \"warnings\": [{\"code\": \"t\"}]}\n");
  {
    g_autoptr(RbRun) run = NULL;
    g_autoptr(GPtrArray) runs = rb_run_store_list_all (f->store, NULL, NULL);

    for (guint i = 0; i < runs->len; i++)
      if (g_strcmp0 (rb_run_get_run_id (g_ptr_array_index (runs, i)), "run-5") == 0)
        run = g_object_ref (g_ptr_array_index (runs, i));
    g_assert_nonnull (run);
    g_assert_true (rb_run_get_telemetry (run)->available);
    g_assert_cmpuint (rb_run_get_telemetry (run)->warning_count, ==, 1);
  }

  /* A deleted run is never listed from the index. */
  rb_test_remove_tree (run5);
  deleted = list_json (f);
  g_assert_null (strstr (deleted, "run-5"));
  g_assert_nonnull (strstr (deleted, "run-3"));
}

static void
test_index_corrupt (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = index_path (f);
  g_autofree char *fresh = NULL;
  g_autofree char *fresh_summaries = NULL;
  static const char * const garbage[] = {
    "",
    "not an index at all",
    "(\"runboard-run-index-1\", {})",
    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x02",
  };

  add_cached_runs (f);
  fresh = list_json (f);
  fresh_summaries = list_summaries_json (f);
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autofree char *listed = NULL;

      rb_test_write_file (path, garbage[i], -1);
      listed = list_json (f);
      g_assert_cmpstr (listed, ==, fresh);
    }

  /* A valid index with one byte flipped everywhere: never a crash, never
   * a different list once rebuilt. */
  {
    g_autofree char *good = NULL;
    gsize len = 0;

    g_assert_true (g_file_get_contents (path, &good, &len, NULL));
    for (gsize at = 0; at < len; at += MAX (len / 64, 1))
      {
        g_autofree char *bad = g_memdup2 (good, len);
        g_autoptr(GPtrArray) runs = NULL;

        g_autofree char *unchecked = NULL;

        bad[at] ^= 0x5a;
        rb_test_write_file (path, bad, (gssize) len);
        /* The checksum catches any one flipped byte: the damaged index is
         * not used, even without checking the files. */
        unchecked = list_unchecked_json (f);
        g_assert_cmpstr (unchecked, ==, fresh_summaries);
        rb_test_write_file (path, bad, (gssize) len);
        runs = rb_run_store_list_all (f->store, NULL, NULL);
        g_assert_nonnull (runs);
        g_assert_cmpuint (runs->len, ==, 6);
      }
  }
  /* A folder where the index should be: listing still works. */
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  {
    g_autofree char *listed = list_json (f);

    g_assert_cmpstr (listed, ==, fresh);
  }
}

/* What the app shows first (straight from the index) and the check that
 * follows it: the same bytes as a checked listing once checked, and
 * "stale" exactly when a shown run changed behind the index or is gone. */
static void
test_index_unchecked (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *runs_dir = g_build_filename (f->data_dir, "runs", NULL);
  g_autofree char *run5 = g_build_filename (runs_dir, "run-5", NULL);
  g_autofree char *run6 = g_build_filename (runs_dir, "run-6", NULL);
  g_autofree char *fresh = NULL;
  g_autofree char *shown = NULL;

  add_cached_runs (f);
  /* No index yet: every run is read, nothing is stale. */
  shown = list_unchecked_json (f);
  fresh = list_summaries_json (f);
  g_assert_cmpstr (shown, ==, fresh);
  g_assert_false (check_index_stale (f));
  g_clear_pointer (&shown, g_free);
  shown = list_unchecked_json (f);
  g_assert_cmpstr (shown, ==, fresh);

  /* A run written after the index: read from disk, so not stale. */
  make_run (f, "runs", "run-6", "echo", "Echo", "simulation", "2026-03-01T00:00:00Z", 0, FALSE);
  g_clear_pointer (&shown, g_free);
  shown = list_unchecked_json (f);
  g_assert_nonnull (strstr (shown, "\"runId\":\"run-6\""));
  g_assert_false (check_index_stale (f));

  /* Rewritten in place behind the index: the first listing still shows
   * the old title (that is the point: no stat per run), the check says
   * stale and renews the index, and the next listing is right. */
  put (runs_dir, "run-5/model/metadata.json",
       "{\"templateId\": \"delta\", \"templateTitle\": \"Epsil\", \"templateVersion\": \"2.0.0\",\n"
       " \"mode\": \"Simulation\", \"parameters\": {\"n\": 3, \"x\": 1.5, \"s\": \"t\", \"b\": true}}\n");
  g_clear_pointer (&shown, g_free);
  shown = list_unchecked_json (f);
  g_assert_nonnull (strstr (shown, "\"templateTitle\":\"Delta\""));
  g_assert_true (check_index_stale (f));
  g_assert_false (check_index_stale (f));
  g_clear_pointer (&shown, g_free);
  g_clear_pointer (&fresh, g_free);
  shown = list_unchecked_json (f);
  fresh = list_summaries_json (f);
  g_assert_cmpstr (shown, ==, fresh);
  g_assert_nonnull (strstr (shown, "\"templateTitle\":\"Epsil\""));

  /* Telemetry appears for a cached run: stale, then read every time. */
  put (runs_dir, "run-5/model/telemetry/telemetry-manifest.json",
       "{\"files\": [{\"nodeId\": \"Queue\"}], \"warnings\": [{\"code\": \"t\"}]}\n");
  g_assert_true (check_index_stale (f));
  g_assert_false (check_index_stale (f));
  g_clear_pointer (&shown, g_free);
  g_clear_pointer (&fresh, g_free);
  shown = list_unchecked_json (f);
  fresh = list_summaries_json (f);
  g_assert_cmpstr (shown, ==, fresh);

  /* A deleted run is never listed, and its entry makes the check stale. */
  rb_test_remove_tree (run5);
  g_clear_pointer (&shown, g_free);
  shown = list_unchecked_json (f);
  g_assert_null (strstr (shown, "run-5"));
  g_clear_pointer (&fresh, g_free);
  fresh = list_summaries_json (f);
  g_assert_cmpstr (shown, ==, fresh);
  rb_test_remove_tree (run6);
  g_assert_true (check_index_stale (f));
  g_assert_false (check_index_stale (f));
}

/* Runs listed straight from the index are RunSummaries (api.md): no
 * parameters, input hash nor warnings, but the warning count; getting the
 * run gives all of it. */
static void
test_index_unchecked_summaries (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(RbRun) whole = NULL;
  g_autoptr(GError) error = NULL;
  RbRun *run5 = NULL;

  add_cached_runs (f);
  runs = rb_run_store_list_all (f->store, NULL, &error);   /* writes the index */
  g_assert_no_error (error);
  g_clear_pointer (&runs, g_ptr_array_unref);
  runs = rb_run_store_list_unchecked (f->store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    if (g_strcmp0 (rb_run_get_run_id (g_ptr_array_index (runs, i)), "run-5") == 0)
      run5 = g_ptr_array_index (runs, i);
  g_assert_nonnull (run5);
  g_assert_cmpstr (rb_run_get_template_title (run5), ==, "Delta");
  g_assert_cmpstr (rb_run_get_rng_kind (run5), ==, "pcg32");
  g_assert_cmpstr (rb_run_get_source_kind (run5), ==, "model");
  g_assert_cmpuint (rb_run_get_warning_count (run5), ==, 2);
  g_assert_cmpuint (rb_run_get_warnings (run5)->len, ==, 0);
  g_assert_null (rb_run_get_input_hash (run5));
  g_assert_cmpuint (json_object_get_size (rb_run_get_parameters (run5)), ==, 0);

  whole = rb_run_store_get (f->store, "run-5", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_run_get_input_hash (whole), ==, "sha256:abc");
  g_assert_cmpuint (rb_run_get_warnings (whole)->len, ==, 2);
  g_assert_cmpint (json_object_get_int_member (rb_run_get_parameters (whole), "n"), ==, 3);
  /* The shared strings are one copy for both runs. */
  g_assert_true (rb_run_get_template_id (whole) == rb_run_get_template_id (run5));
}

/* A folder Runboard did not set up (no .runboard/) is never written to. */
static void
test_index_not_in_foreign_folder (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *meta = g_build_filename (f->data_dir, ".runboard", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  rb_test_remove_tree (meta);
  first = list_json (f);
  second = list_json (f);
  g_assert_cmpstr (second, ==, first);
  g_assert_false (g_file_test (meta, G_FILE_TEST_EXISTS));
}

/* }}} */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/run-store/list-all", test_list_all);
  g_test_add_func ("/run-store/missing-data-dir", test_missing_data_dir);
  ADD ("/run-store/cancelled", test_cancelled);
  ADD ("/run-store/filter-sort-page", test_filter);
  g_test_add_func ("/run-store/query/errors", test_query_parse_errors);
  g_test_add_func ("/run-store/query/defaults", test_query_parse_defaults);
  ADD ("/run-store/get", test_get);
  ADD ("/run-store/get-errors", test_get_errors);
  ADD ("/run-store/broken-runs", test_broken_runs);
  ADD ("/run-store/page-json", test_page_json);
  g_test_add_func ("/run-store/sample-folder", test_sample_folder);
  ADD ("/run-store/index/same-as-fresh", test_index_same_as_fresh);
  ADD ("/run-store/index/changes", test_index_changes);
  ADD ("/run-store/index/corrupt", test_index_corrupt);
  ADD ("/run-store/index/unchecked", test_index_unchecked);
  ADD ("/run-store/order/default", test_default_order);
  ADD ("/run-store/index/unchecked-summaries", test_index_unchecked_summaries);
  ADD ("/run-store/index/foreign-folder", test_index_not_in_foreign_folder);
#undef ADD

  return g_test_run ();
}
