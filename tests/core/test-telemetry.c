/* test-telemetry.c — explicit telemetry generation: targets, overwrite,
 * validation, warnings, dry run, aliases, run-level state, traversal,
 * concurrency (threads and processes), crash safety, schema validity.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rb-bundle.h"
#include "rb-core.h"
#include "rb-model.h"
#include "rb-orchestrator.h"
#include "rb-telemetry.h"
#include "rb-test-util.h"

#define SAMPLE_RUN "run_20261120T081500Z_7c1e2a90"

/* Every manifest.json the suite writes is copied here and validated against
 * FlowTime's schema by the last test case. */
static char *manifest_dir = NULL;
static guint manifest_count = 0;

/* Fixtures {{{ */

/* The crash test runs hundreds of generations; each ends with syncfs(),
 * which on a shared disk waits for everyone's writes. A tmpfs (when there
 * is one) keeps the test about the rename protocol, not the disk. */
static char *
new_fast_data_dir (void)
{
  char *data = NULL;

  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0)
    {
      data = g_strdup ("/dev/shm/rb-test-telemetry-XXXXXX");
      if (g_mkdtemp (data) == NULL)
        g_clear_pointer (&data, g_free);
    }
  if (data == NULL)
    data = rb_test_make_temp_dir ();
  {
    g_autofree char *runs = g_build_filename (data, "runs", NULL);
    g_assert_cmpint (g_mkdir_with_parents (runs, 0755), ==, 0);
  }
  return data;
}

static char *
new_data_dir (void)
{
  char *data = rb_test_make_temp_dir ();
  g_autofree char *runs = g_build_filename (data, "runs", NULL);

  g_assert_cmpint (g_mkdir_with_parents (runs, 0755), ==, 0);
  return data;
}

/* The warehouse sample run (simulation, 3 topology nodes, 9 pairs), without
 * its telemetry. */
static void
add_sample_run (const char *data,
                const char *run_id)
{
  g_autofree char *src = rb_test_data_path ("sample", "runs", SAMPLE_RUN, NULL);
  g_autofree char *dest = g_build_filename (data, "runs", run_id, NULL);
  g_autofree char *telemetry = g_build_filename (dest, "model", "telemetry", NULL);

  rb_test_copy_tree (src, dest);
  rb_test_remove_tree (telemetry);
}

typedef struct
{
  const char *node_id;   /* model node */
  const char *csv;       /* after the header */
} SeriesSpec;

/* A run written by hand: @topology and @extra are YAML fragments (already
 * indented), every series listed in the index with @points (0 = rows). */
static void
write_run (const char       *data,
           const char       *run_id,
           const char       *mode,
           const char       *metadata_extra,
           const char       *topology,
           const char       *extra,
           const SeriesSpec *series,
           guint             n_series,
           guint             bins)
{
  g_autofree char *dir = g_build_filename (data, "runs", run_id, NULL);
  g_autoptr(GString) index = g_string_new (NULL);
  g_autoptr(GString) run_series = g_string_new (NULL);
  g_autofree char *model = NULL;
  g_autofree char *run_json = NULL;
  g_autofree char *path = NULL;
  g_autofree char *metadata = NULL;
  g_autofree char *manifest = NULL;

  model = g_strdup_printf ("schemaVersion: 1\nmode: %s\nmetadata:\n  id: hand-made\n  title: Hand made\n"
                           "  version: 2.0.0\n%s"
                           "window:\n  start: 2026-02-01T00:00:00Z\n"
                           "grid:\n  bins: %u\n  binSize: 5\n  binUnit: minutes\n"
                           "topology:\n  nodes:\n%s  edges: []\n%s",
                           mode, metadata_extra != NULL ? metadata_extra : "", bins,
                           topology, extra != NULL ? extra : "");
  path = g_build_filename (dir, "model", "model.yaml", NULL);
  rb_test_write_file (path, model, -1);
  g_free (path);
  path = g_build_filename (dir, "spec.yaml", NULL);
  rb_test_write_file (path, model, -1);
  g_free (path);

  for (guint i = 0; i < n_series; i++)
    {
      g_autofree char *upper = g_ascii_strup (series[i].node_id, -1);
      g_autofree char *id = g_strdup_printf ("%s@%s@DEFAULT", series[i].node_id, upper);
      g_autofree char *csv = g_strdup_printf ("bin_index,value\n%s", series[i].csv);
      guint rows = 0;

      for (const char *p = series[i].csv; *p != '\0'; p++)
        rows += *p == '\n';
      path = g_strdup_printf ("%s/series/%s.csv", dir, id);
      rb_test_write_file (path, csv, -1);
      g_free (path);
      g_string_append_printf (index, "%s{\"id\": \"%s\", \"kind\": \"flow\", \"path\": \"series/%s.csv\", "
                              "\"unit\": \"entities/bin\", \"componentId\": \"%s\", \"class\": \"DEFAULT\", "
                              "\"points\": %u, \"hash\": \"sha256:%064d\"}",
                              i > 0 ? ", " : "", id, id, upper, bins, 0);
      g_string_append_printf (run_series, "%s{\"id\": \"%s\", \"path\": \"series/%s.csv\", \"unit\": \"entities/bin\"}",
                              i > 0 ? ", " : "", id, id);
      (void) rows;
    }
  path = g_build_filename (dir, "series", "index.json", NULL);
  {
    g_autofree char *text = g_strdup_printf ("{\"schemaVersion\": 1, \"grid\": {\"bins\": %u, \"binSize\": 5, "
                                             "\"binUnit\": \"minutes\", \"timezone\": \"UTC\"}, \"series\": [%s]}\n",
                                             bins, index->str);
    rb_test_write_file (path, text, -1);
  }
  g_free (path);

  run_json = g_strdup_printf ("{\"schemaVersion\": 1, \"runId\": \"%s\", \"engineVersion\": \"runboard-0.1.0\", "
                              "\"source\": \"engine\", \"inputHash\": \"sha256:%064d\", "
                              "\"grid\": {\"bins\": %u, \"binSize\": 5, \"binUnit\": \"minutes\", \"timezone\": \"UTC\", \"align\": \"left\"}, "
                              "\"modelHash\": \"sha256:%064d\", \"scenarioHash\": \"sha256:%064d\", "
                              "\"createdUtc\": \"2026-02-01T10:00:00Z\", \"warnings\": [], \"series\": [%s]}\n",
                              run_id, 1, bins, 2, 3, run_series->str);
  path = g_build_filename (dir, "run.json", NULL);
  rb_test_write_file (path, run_json, -1);
  g_free (path);

  manifest = g_strdup_printf ("{\"schemaVersion\": 1, \"scenarioHash\": \"sha256:%064d\", \"modelHash\": \"sha256:%064d\", "
                              "\"rng\": {\"kind\": \"pcg32\", \"seed\": 7}, \"seriesHashes\": {}, \"eventCount\": 0, "
                              "\"createdUtc\": \"2026-02-01T10:00:00Z\", \"provenance\": {\"hasProvenance\": true, "
                              "\"modelId\": \"m\", \"templateId\": \"hand-made\", \"inputHash\": \"sha256:%064d\"}}\n",
                              3, 2, 1);
  path = g_build_filename (dir, "manifest.json", NULL);
  rb_test_write_file (path, manifest, -1);
  g_free (path);

  metadata = g_strdup_printf ("{\"schemaVersion\": 1, \"templateId\": \"hand-made\", \"templateTitle\": \"Hand made\", "
                              "\"templateVersion\": \"2.0.0\", \"mode\": \"%s\", \"modelHash\": \"sha256:%064d\", "
                              "\"source\": \"runboard\", \"generator\": \"runboard/0.1.0\", \"modelId\": \"m\", "
                              "\"generatedAtUtc\": \"2026-02-01T10:00:00Z\", \"receivedAtUtc\": \"2026-02-01T10:00:00Z\", "
                              "\"parameters\": {\"b\": 2, \"a\": \"x\"}}\n", mode, 2);
  path = g_build_filename (dir, "model", "metadata.json", NULL);
  rb_test_write_file (path, metadata, -1);
}

static const SeriesSpec simple_series[] = {
  { "arrivals", "0,10\n1,11\n2,12\n3,13\n" },
  { "served", "0,9\n1,10\n2,11\n3,12\n" },
};

static const char simple_topology[] =
  "    - id: Svc\n      kind: service\n      semantics:\n        arrivals: arrivals\n        served: served\n";

static void
write_simple_run (const char *data,
                  const char *run_id)
{
  write_run (data, run_id, "simulation", NULL, simple_topology, NULL,
             simple_series, G_N_ELEMENTS (simple_series), 4);
}

/* }}} */

/* Checks {{{ */

static JsonObject *
parse_object (const char *path,
              JsonNode  **keep)
{
  g_autoptr(GError) error = NULL;

  *keep = rb_json_parse_file (path, "json", &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

/* The bundle in @dir is whole: every manifest file exists with its hash
 * and points; autocapture.json names @run_id (when not NULL). Returns its
 * generatedAtUtc. Copies the manifest for the schema check. */
static char *
check_bundle (const char *dir,
              const char *run_id)
{
  g_autofree char *manifest_path = g_build_filename (dir, "manifest.json", NULL);
  g_autofree char *auto_path = g_build_filename (dir, "autocapture.json", NULL);
  g_autoptr(JsonNode) manifest_node = NULL;
  g_autoptr(JsonNode) auto_node = NULL;
  JsonObject *manifest = parse_object (manifest_path, &manifest_node);
  JsonObject *autocapture = parse_object (auto_path, &auto_node);
  JsonArray *files = json_object_get_array_member (manifest, "files");

  g_assert_cmpint (json_object_get_int_member (manifest, "schemaVersion"), ==, 2);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autofree char *path = g_build_filename (dir, json_object_get_string_member (file, "path"), NULL);
      g_autofree char *hash = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(RbSeries) series = NULL;

      hash = rb_hash_file (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (hash, ==, json_object_get_string_member (file, "hash"));
      series = rb_series_read_csv (path, "csv", &error);
      g_assert_no_error (error);
      g_assert_cmpint (series->n_bins, ==, json_object_get_int_member (file, "points"));
    }
  if (run_id != NULL)
    g_assert_cmpstr (json_object_get_string_member (autocapture, "sourceRunId"), ==, run_id);
  g_assert_cmpstr (json_object_get_string_member (autocapture, "generatedAtUtc"), ==,
                   json_object_get_string_member (json_object_get_object_member (manifest, "provenance"),
                                                  "capturedAtUtc"));

  if (manifest_dir != NULL && manifest_count < 400)
    {
      g_autofree char *copy = g_strdup_printf ("%s/%04u.json", manifest_dir, manifest_count++);
      g_autofree char *contents = rb_test_read_file (manifest_path, NULL);

      rb_test_write_file (copy, contents, -1);
    }
  return g_strdup (json_object_get_string_member (autocapture, "generatedAtUtc"));
}

/* No temp or old folder is left beside @name in @parent. */
static void
assert_no_leftovers (const char *parent,
                     const char *name)
{
  g_autofree char *tmp = g_strdup_printf (".%s.tmp-", name);
  g_autofree char *old = g_strdup_printf (".%s.old-", name);
  GDir *dir = g_dir_open (parent, 0, NULL);
  const char *entry;

  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_assert_false (g_str_has_prefix (entry, tmp));
      g_assert_false (g_str_has_prefix (entry, old));
    }
  g_dir_close (dir);
}

/* A sorted recursive listing (names, sizes, mtimes) of @root. */
static void
list_tree (const char *root,
           const char *rel,
           GPtrArray  *out)
{
  g_autofree char *path = rel != NULL ? g_build_filename (root, rel, NULL) : g_strdup (root);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child_rel = rel != NULL ? g_build_filename (rel, name, NULL) : g_strdup (name);
      g_autofree char *child = g_build_filename (root, child_rel, NULL);
      GStatBuf st;

      g_assert_cmpint (g_lstat (child, &st), ==, 0);
      g_ptr_array_add (out, g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                                             child_rel, (gint64) st.st_size, (gint64) st.st_mtime));
      if (S_ISDIR (st.st_mode))
        list_tree (root, child_rel, out);
    }
  if (dir != NULL)
    g_dir_close (dir);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
tree_listing (const char *root)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  list_tree (root, NULL, lines);
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}

static RbCaptureResult *
generate (const char       *data,
          RbCaptureRequest *request,
          GError          **error)
{
  return rb_telemetry_generate (data, NULL, request, NULL, NULL, NULL, error);
}

static char *
result_json (RbCaptureResult *result)
{
  g_autoptr(JsonNode) node = rb_capture_result_to_json (result);

  return rb_json_to_data (node, NULL);
}

static RbRun *
load_run (const char *data,
          const char *run_id)
{
  g_autofree char *dir = g_build_filename (data, "runs", run_id, NULL);

  return rb_run_load_in (data, dir, run_id);
}

/* }}} */

/* Generated, already exists, overwrite (run-scoped) {{{ */

static void
test_run_scoped (void)
{
  g_autofree char *data = new_data_dir ();
  g_autofree char *bundle = g_build_filename (data, "runs", SAMPLE_RUN, "model", "telemetry", NULL);
  g_autofree char *model_dir = g_build_filename (data, "runs", SAMPLE_RUN, "model", NULL);
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new (SAMPLE_RUN);
  g_autoptr(RbCaptureResult) first = NULL;
  g_autoptr(RbCaptureResult) second = NULL;
  g_autoptr(RbCaptureResult) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *regenerated = NULL;
  g_autoptr(JsonNode) auto_node = NULL;
  g_autofree char *auto_path = g_build_filename (bundle, "autocapture.json", NULL);
  g_autofree char *ref = NULL;
  g_autofree char *ref_path = g_build_filename (bundle, "capture-ref.json", NULL);

  add_sample_run (data, SAMPLE_RUN);
  run = load_run (data, SAMPLE_RUN);
  g_assert_false (rb_run_get_telemetry (run)->available);
  g_clear_object (&run);

  first = generate (data, request, &error);
  g_assert_no_error (error);
  g_assert_true (rb_capture_result_get_generated (first));
  g_assert_false (rb_capture_result_get_already_exists (first));
  g_assert_cmpint (rb_capture_result_get_http_status (first), ==, 200);
  g_assert_cmpint (rb_capture_result_get_target (first), ==, RB_CAPTURE_TARGET_RUN);

  generated = check_bundle (bundle, SAMPLE_RUN);
  json = result_json (first);
  expected = g_strdup_printf ("{\n"
                              "  \"capture\": {\n"
                              "    \"captureKey\": null,\n"
                              "    \"captureDirectory\": \"runs/" SAMPLE_RUN "/model/telemetry\",\n"
                              "    \"generated\": true,\n"
                              "    \"alreadyExists\": false,\n"
                              "    \"generatedAtUtc\": \"%s\",\n"
                              "    \"sourceRunId\": \"" SAMPLE_RUN "\",\n"
                              "    \"files\": 9,\n"
                              "    \"warnings\": []\n"
                              "  }\n"
                              "}\n", generated);
  g_assert_cmpstr (json, ==, expected);

  /* Same bytes as the engine's series (canonical numbers), and the sample's
   * parametersHash (FlowTime's rule) for the same inputs. */
  {
    g_autofree char *a = g_build_filename (bundle, "Staging_arrivals.csv", NULL);
    g_autofree char *b = g_build_filename (data, "runs", SAMPLE_RUN, "series", "orders@ORDERS@DEFAULT.csv", NULL);
    g_autofree char *ca = rb_test_read_file (a, NULL);
    g_autofree char *cb = rb_test_read_file (b, NULL);
    JsonObject *autocapture = parse_object (auto_path, &auto_node);

    g_assert_cmpstr (ca, ==, cb);
    g_assert_cmpstr (json_object_get_string_member (autocapture, "parametersHash"), ==,
                     "sha256:8bee1ffd6047846e2456871692fe00f8a88b8c737d87b3820d3a9a76dcee6752");
    g_assert_cmpint (json_object_get_int_member (autocapture, "rngSeed"), ==, 123);
    g_assert_true (json_object_get_null_member (autocapture, "captureKey"));
  }
  ref = rb_test_read_file (ref_path, NULL);
  {
    g_autofree char *want = g_strdup_printf ("{\n  \"target\": \"run\",\n  \"captureKey\": null,\n"
                                             "  \"generatedAtUtc\": \"%s\"\n}\n", generated);
    g_assert_cmpstr (ref, ==, want);
  }
  {
    g_autofree char *m1 = g_build_filename (bundle, "manifest.json", NULL);
    g_autofree char *m2 = g_build_filename (bundle, "telemetry-manifest.json", NULL);
    g_autofree char *c1 = rb_test_read_file (m1, NULL);
    g_autofree char *c2 = rb_test_read_file (m2, NULL);

    g_assert_cmpstr (c1, ==, c2);
  }

  run = load_run (data, SAMPLE_RUN);
  g_assert_true (rb_run_get_telemetry (run)->available);
  g_assert_cmpstr (rb_run_get_telemetry (run)->generated_at_utc, ==, generated);
  g_assert_cmpstr (rb_run_get_telemetry (run)->source_run_id, ==, SAMPLE_RUN);
  g_assert_null (rb_run_get_telemetry (run)->capture_key);
  g_clear_object (&run);

  /* Already exists: the existing bundle's real time and source. */
  g_usleep (2000);
  second = generate (data, request, &error);
  g_assert_no_error (error);
  g_assert_false (rb_capture_result_get_generated (second));
  g_assert_true (rb_capture_result_get_already_exists (second));
  g_assert_cmpint (rb_capture_result_get_http_status (second), ==, 409);
  g_assert_cmpstr (rb_capture_result_get_generated_at (second), ==, generated);
  g_assert_cmpstr (rb_capture_result_get_source_run_id (second), ==, SAMPLE_RUN);
  g_free (json);
  json = result_json (second);
  g_free (expected);
  expected = g_strdup_printf ("{\n"
                              "  \"capture\": {\n"
                              "    \"captureKey\": null,\n"
                              "    \"captureDirectory\": \"runs/" SAMPLE_RUN "/model/telemetry\",\n"
                              "    \"generated\": false,\n"
                              "    \"alreadyExists\": true,\n"
                              "    \"generatedAtUtc\": \"%s\",\n"
                              "    \"sourceRunId\": \"" SAMPLE_RUN "\",\n"
                              "    \"files\": 9,\n"
                              "    \"warnings\": []\n"
                              "  },\n"
                              "  \"error\": \"A telemetry bundle already exists there. Send output.overwrite: true to replace it.\",\n"
                              "  \"code\": \"already_exists\"\n"
                              "}\n", generated);
  g_assert_cmpstr (json, ==, expected);
  {
    g_autofree char *unchanged = check_bundle (bundle, SAMPLE_RUN);
    g_assert_cmpstr (unchanged, ==, generated);
  }

  /* Overwrite: a new bundle, swapped in whole, nothing left beside it. */
  request->overwrite = TRUE;
  third = generate (data, request, &error);
  g_assert_no_error (error);
  g_assert_true (rb_capture_result_get_generated (third));
  regenerated = check_bundle (bundle, SAMPLE_RUN);
  g_assert_cmpstr (regenerated, !=, generated);
  g_assert_cmpstr (rb_capture_result_get_generated_at (third), ==, regenerated);
  assert_no_leftovers (model_dir, "telemetry");
  run = load_run (data, SAMPLE_RUN);
  g_assert_true (rb_run_get_telemetry (run)->available);
  g_assert_cmpstr (rb_run_get_telemetry (run)->generated_at_utc, ==, regenerated);

  rb_test_remove_tree (data);
}

/* A FlowTime 2025-10 run kept directly in the data folder: "t,value" CSVs
 * with a BOM are rewritten as canonical "bin_index,value" files. */
static void
test_legacy_run (void)
{
  const char *run_id = "run_20251022T125205Z_3f2a1b0c";
  g_autofree char *data = new_data_dir ();
  g_autofree char *src = rb_test_data_path ("sample", run_id, NULL);
  g_autofree char *dest = g_build_filename (data, run_id, NULL);
  g_autofree char *bundle = g_build_filename (dest, "model", "telemetry", NULL);
  g_autofree char *csv_path = g_build_filename (bundle, "OrderService_queuedepth.csv", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new (run_id);
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_dir = g_build_filename (run_id, "model", "telemetry", NULL);

  rb_test_copy_tree (src, dest);
  request->run_scoped = TRUE;
  request->overwrite = TRUE;
  result = generate (data, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_capture_result_get_file_count (result), ==, 4);
  g_assert_cmpstr (rb_capture_result_get_capture_directory (result), ==, expected_dir);
  g_free (check_bundle (bundle, run_id));
  csv = rb_test_read_file (csv_path, NULL);
  g_assert_true (g_str_has_prefix (csv, "bin_index,value\n0,"));
  rb_test_remove_tree (data);
}

/* }}} */

/* Shared keys {{{ */

static void
test_key_target (void)
{
  g_autofree char *data = new_data_dir ();
  g_autofree char *bundle = g_build_filename (data, "telemetry", "shared", NULL);
  g_autofree char *stamp_before = NULL;
  g_autofree char *stamp_after = NULL;
  g_autoptr(RbCaptureRequest) a = rb_capture_request_new ("run_a");
  g_autoptr(RbCaptureRequest) b = rb_capture_request_new ("run_b");
  g_autoptr(RbCaptureResult) ra = NULL;
  g_autoptr(RbCaptureResult) rb = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *json = NULL;

  write_simple_run (data, "run_a");
  write_simple_run (data, "run_b");
  stamp_before = rb_data_dir_read_stamp (data);
  a->capture_key = g_strdup ("shared");
  ra = generate (data, a, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_capture_result_get_target (ra), ==, RB_CAPTURE_TARGET_KEY);
  g_assert_cmpstr (rb_capture_result_get_capture_directory (ra), ==, "telemetry/shared");
  generated = check_bundle (bundle, "run_a");
  stamp_after = rb_data_dir_read_stamp (data);
  g_assert_cmpstr (stamp_before, !=, stamp_after);
  json = result_json (ra);
  g_assert_nonnull (strstr (json, "\"captureKey\": \"shared\",\n    \"captureDirectory\": \"telemetry/shared\""));

  /* The run's own state: telemetry-manifest.json and capture-ref.json. */
  {
    g_autofree char *ref_path = g_build_filename (data, "runs", "run_a", "model", "telemetry", "capture-ref.json", NULL);
    g_autofree char *ref = rb_test_read_file (ref_path, NULL);
    g_autofree char *want = g_strdup_printf ("{\n  \"target\": \"key\",\n  \"captureKey\": \"shared\",\n"
                                             "  \"generatedAtUtc\": \"%s\"\n}\n", generated);
    g_autofree char *tm = g_build_filename (data, "runs", "run_a", "model", "telemetry", "telemetry-manifest.json", NULL);

    g_assert_cmpstr (ref, ==, want);
    g_assert_true (g_file_test (tm, G_FILE_TEST_IS_REGULAR));
  }
  run = load_run (data, "run_a");
  g_assert_true (rb_run_get_telemetry (run)->available);
  g_assert_cmpstr (rb_run_get_telemetry (run)->capture_key, ==, "shared");
  g_clear_object (&run);

  /* B overwrites the shared key: A truthfully turns unavailable. */
  b->capture_key = g_strdup ("shared");
  b->overwrite = TRUE;
  rb = generate (data, b, &error);
  g_assert_no_error (error);
  g_assert_true (rb_capture_result_get_generated (rb));
  g_free (check_bundle (bundle, "run_b"));
  run = load_run (data, "run_a");
  g_assert_false (rb_run_get_telemetry (run)->available);
  g_clear_object (&run);
  run = load_run (data, "run_b");
  g_assert_true (rb_run_get_telemetry (run)->available);
  g_assert_cmpstr (rb_run_get_telemetry (run)->source_run_id, ==, "run_b");
  g_clear_object (&run);
  {
    g_autofree char *telemetry = g_build_filename (data, "telemetry", NULL);
    assert_no_leftovers (telemetry, "shared");
  }

  /* Listing: the shared key (by B) and nothing run-scoped. */
  {
    g_autoptr(JsonNode) list = rb_telemetry_list_captures (data, &error);
    g_autofree char *text = NULL;
    g_autofree char *want = NULL;

    g_assert_no_error (error);
    text = rb_json_to_data (list, NULL);
    want = g_strdup_printf ("{\n  \"items\": [\n    {\n      \"captureKey\": \"shared\",\n"
                            "      \"sourceRunId\": \"run_b\",\n      \"templateId\": \"hand-made\",\n"
                            "      \"generatedAtUtc\": \"%s\",\n      \"warningCount\": 0\n    }\n  ]\n}\n",
                            rb_capture_result_get_generated_at (rb));
    g_assert_cmpstr (text, ==, want);
  }
  rb_test_remove_tree (data);
}

static void
test_template_key (void)
{
  g_autofree char *data = new_data_dir ();
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_t");
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(RbCaptureResult) scoped = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle = g_build_filename (data, "telemetry", "tpl-key", NULL);

  write_run (data, "run_t", "simulation", "  captureKey: tpl-key\n", simple_topology, NULL,
             simple_series, G_N_ELEMENTS (simple_series), 4);
  result = generate (data, request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_capture_result_get_capture_key (result), ==, "tpl-key");
  g_assert_cmpstr (rb_capture_result_get_capture_directory (result), ==, "telemetry/tpl-key");
  g_free (check_bundle (bundle, "run_t"));
  {
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *auto_path = g_build_filename (bundle, "autocapture.json", NULL);
    JsonObject *autocapture = parse_object (auto_path, &node);

    g_assert_cmpstr (json_object_get_string_member (autocapture, "captureKey"), ==, "tpl-key");
    g_assert_cmpstr (json_object_get_string_member (autocapture, "templateId"), ==, "hand-made");
    g_assert_cmpint (json_object_get_int_member (autocapture, "rngSeed"), ==, 7);
  }

  /* runScoped beats the template's key. */
  request->run_scoped = TRUE;
  scoped = generate (data, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_capture_result_get_target (scoped), ==, RB_CAPTURE_TARGET_RUN);
  g_assert_null (rb_capture_result_get_capture_key (scoped));
  g_assert_cmpstr (rb_capture_result_get_capture_directory (scoped), ==, "runs/run_t/model/telemetry");
  rb_test_remove_tree (data);
}

static void
test_directory_target (void)
{
  g_autofree char *data = new_data_dir ();
  g_autofree char *exports = rb_test_make_temp_dir ();
  g_autofree char *outside = rb_test_make_temp_dir ();
  g_autofree char *target = g_build_filename (exports, "one", NULL);
  g_autofree char *elsewhere = g_build_filename (outside, "two", NULL);
  const char *roots[] = { exports, NULL };
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_d");
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(RbCaptureResult) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autofree char *json = NULL;

  write_simple_run (data, "run_d");
  request->directory = g_strdup (target);
  request->capture_key = g_strdup ("ignored-for-directory");
  result = rb_telemetry_generate (data, roots, request, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_capture_result_get_target (result), ==, RB_CAPTURE_TARGET_DIRECTORY);
  g_assert_null (rb_capture_result_get_capture_directory (result));
  json = result_json (result);
  g_assert_nonnull (strstr (json, "\"captureDirectory\": null"));
  g_assert_null (strstr (json, exports));
  g_free (check_bundle (target, "run_d"));
  /* Exports never make a run available. */
  run = load_run (data, "run_d");
  g_assert_false (rb_run_get_telemetry (run)->available);

  /* Outside every allowed root (and with none): 400 on output.directory. */
  g_free (request->directory);
  request->directory = g_strdup (elsewhere);
  refused = rb_telemetry_generate (data, roots, request, NULL, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (rb_error_get_field (error), ==, "output.directory");
  g_assert_null (strstr (error->message, outside));
  g_clear_error (&error);
  g_free (request->directory);
  request->directory = g_strdup (target);
  refused = rb_telemetry_generate (data, NULL, request, NULL, NULL, NULL, &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  /* The root itself is not a target. */
  g_free (request->directory);
  request->directory = g_strdup (exports);
  refused = rb_telemetry_generate (data, roots, request, NULL, NULL, NULL, &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_false (g_file_test (elsewhere, G_FILE_TEST_EXISTS));

  /* A folder that is not a bundle is never replaced, even with overwrite. */
  {
    g_autofree char *mine = g_build_filename (exports, "mine", NULL);
    g_autofree char *keep = g_build_filename (mine, "keep.txt", NULL);

    rb_test_write_file (keep, "precious", -1);
    g_free (request->directory);
    request->directory = g_strdup (mine);
    request->overwrite = TRUE;
    refused = rb_telemetry_generate (data, roots, request, NULL, NULL, NULL, &error);
    g_assert_null (refused);
    g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
    g_assert_cmpstr (rb_error_get_field (error), ==, "output.directory");
    g_clear_error (&error);
    g_assert_true (g_file_test (keep, G_FILE_TEST_IS_REGULAR));
  }

  rb_test_remove_tree (data);
  rb_test_remove_tree (exports);
  rb_test_remove_tree (outside);
}

/* }}} */

/* Errors {{{ */

static void
test_unknown_run (void)
{
  g_autofree char *data = new_data_dir ();
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_missing");
  g_autoptr(GError) error = NULL;
  RbCaptureResult *result = generate (data, request, &error);

  g_assert_null (result);
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_null (strstr (error->message, data));
  rb_test_remove_tree (data);
}

static void
test_not_simulation (void)
{
  g_autofree char *data = new_data_dir ();
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_tel");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  RbCaptureResult *result;

  write_run (data, "run_tel", "telemetry", NULL, simple_topology, NULL,
             simple_series, G_N_ELEMENTS (simple_series), 4);
  before = tree_listing (data);
  result = generate (data, request, &error);
  g_assert_null (result);
  g_assert_error (error, RB_ERROR, RB_ERROR_SOURCE_NOT_SIMULATION);
  g_assert_cmpstr (rb_error_code_to_string (rb_error_get_code (error)), ==, "source_not_simulation");
  after = tree_listing (data);
  g_assert_cmpstr (before, ==, after);
  rb_test_remove_tree (data);
}

static void
test_nothing_to_capture (void)
{
  g_autofree char *data = new_data_dir ();
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_empty");
  g_autoptr(GError) error = NULL;
  RbCaptureResult *result;

  /* A topology whose semantics name no stored series. */
  write_run (data, "run_empty", "simulation", NULL,
             "    - id: Svc\n      kind: service\n      semantics:\n        arrivals: nowhere\n",
             NULL, simple_series, G_N_ELEMENTS (simple_series), 4);
  result = generate (data, request, &error);
  g_assert_null (result);
  g_assert_error (error, RB_ERROR, RB_ERROR_NOTHING_TO_CAPTURE);
  g_assert_cmpint (rb_error_code_http_status (rb_error_get_code (error)), ==, 422);
  rb_test_remove_tree (data);
}

typedef struct
{
  const char *body;
  const char *field;
} BadBody;

static void
test_invalid_request (void)
{
  static const BadBody bodies[] = {
    { "[]", NULL },
    { "{}", "source" },
    { "{\"source\": 3}", "source" },
    { "{\"source\": {\"type\": \"bundle\", \"runId\": \"r\"}}", "source.type" },
    { "{\"source\": {\"type\": 1, \"runId\": \"r\"}}", "source.type" },
    { "{\"source\": {\"type\": \"run\"}}", "source.runId" },
    { "{\"source\": {\"type\": \"run\", \"runId\": 5}}", "source.runId" },
    { "{\"source\": {\"runId\": \"r\"}, \"output\": []}", "output" },
    { "{\"source\": {\"runId\": \"r\"}, \"output\": {\"captureKey\": 5}}", "output.captureKey" },
    { "{\"source\": {\"runId\": \"r\"}, \"output\": {\"captureKey\": \"a b\"}}", "output.captureKey" },
    { "{\"source\": {\"runId\": \"r\"}, \"output\": {\"runScoped\": \"yes\"}}", "output.runScoped" },
    { "{\"source\": {\"runId\": \"r\"}, \"output\": {\"directory\": \"relative/x\"}}", "output.directory" },
    { "{\"source\": {\"runId\": \"r\"}, \"output\": {\"directory\": \"/a/../b\"}}", "output.directory" },
    { "{\"source\": {\"runId\": \"r\"}, \"output\": {\"directory\": 1}}", "output.directory" },
    { "{\"source\": {\"runId\": \"r\"}, \"output\": {\"overwrite\": 1}}", "output.overwrite" },
    { "{\"source\": {\"runId\": \"r\"}, \"options\": 1}", "options" },
    { "{\"source\": {\"runId\": \"r\"}, \"options\": {\"gapFill\": \"interpolate\"}}", "options.gapFill" },
    { "{\"source\": {\"runId\": \"r\"}, \"options\": {\"gapFill\": 0}}", "options.gapFill" },
    { "{\"source\": {\"runId\": \"r\"}, \"options\": {\"dryRun\": \"true\"}}", "options.dryRun" },
  };
  g_autoptr(RbCaptureRequest) good = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(RbCaptureRequest) request = rb_capture_request_from_data (bodies[i].body, strlen (bodies[i].body), &error);

      g_test_message ("body %s", bodies[i].body);
      g_assert_null (request);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      g_assert_cmpstr (rb_error_get_field (error), ==, bodies[i].field);
      g_clear_error (&error);
    }

  /* Defaults, unknown members ignored (options.autoCapture of old clients). */
  {
    const char *body = "{\"source\": {\"type\": \"RUN\", \"runId\": \"run_1\"}, "
                       "\"output\": {\"captureKey\": \"k\", \"runScoped\": false, \"directory\": null, \"overwrite\": true}, "
                       "\"options\": {\"gapFill\": \"zero\", \"dryRun\": true, \"autoCapture\": true}, \"extra\": 1}";

    good = rb_capture_request_from_data (body, strlen (body), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (good->run_id, ==, "run_1");
    g_assert_cmpstr (good->capture_key, ==, "k");
    g_assert_null (good->directory);
    g_assert_true (good->overwrite);
    g_assert_false (good->run_scoped);
    g_assert_cmpint (good->gap_fill, ==, RB_GAP_FILL_ZERO);
    g_assert_true (good->dry_run);
  }
}

static void
test_traversal (void)
{
  g_autofree char *parent = rb_test_make_temp_dir ();
  g_autofree char *data = g_build_filename (parent, "data", NULL);
  g_autofree char *sibling = g_build_filename (parent, "sibling", NULL);
  g_autofree char *sibling_file = g_build_filename (sibling, "runs", "x", "run.json", NULL);
  g_autofree char *long_id = g_strnfill (10 * 1024, 'a');
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *data_before = NULL;
  g_autofree char *data_after = NULL;
  const char *bad_ids[] = {
    "../x", "a/b", "%2e%2e", "%2E%2E%2Fsibling", ".hidden", "/etc", "..", "../sibling",
    "run_a/../../sibling", "a\\b", "", " run_a", long_id,
  };

  g_assert_cmpint (g_mkdir_with_parents (data, 0755), ==, 0);
  rb_test_write_file (sibling_file, "{}", -1);
  write_simple_run (data, "run_a");
  before = tree_listing (parent);
  data_before = tree_listing (data);

  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RbCaptureRequest) by_run = rb_capture_request_new (bad_ids[i]);
      g_autoptr(RbCaptureRequest) by_key = rb_capture_request_new ("run_a");
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(RbCaptureRequest) parsed = NULL;
      RbCaptureResult *result;

      result = generate (data, by_run, &error);
      g_assert_null (result);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      g_assert_cmpstr (rb_error_get_field (error), ==, "source.runId");
      g_assert_cmpuint (strlen (error->message), <, 400);
      g_clear_error (&error);

      by_key->capture_key = g_strdup (bad_ids[i]);
      by_key->overwrite = TRUE;
      result = generate (data, by_key, &error);
      g_assert_null (result);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      g_assert_cmpstr (rb_error_get_field (error), ==, "output.captureKey");
      g_clear_error (&error);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "source");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "runId", bad_ids[i]);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      parsed = rb_capture_request_from_json (body, &error);
      g_assert_null (parsed);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      g_clear_error (&error);
    }

  /* An escaped NUL must not shorten "run_a\u0000/../x" into "run_a". */
  {
    const char *bodies[] = {
      "{\"source\": {\"runId\": \"run_a\\u0000/../x\"}}",
      "{\"source\": {\"runId\": \"run_a\"}, \"output\": {\"captureKey\": \"k\\u0000..\"}}",
      "{\"source\": {\"runId\": \"run_a\"}, \"output\": {\"directory\": \"/tmp/x\\u0000/..\"}}",
    };
    const char *fields[] = { "source.runId", "output.captureKey", "output.directory" };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(RbCaptureRequest) parsed = rb_capture_request_from_data (bodies[i], strlen (bodies[i]), &error);

        g_assert_null (parsed);
        g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
        g_assert_cmpstr (rb_error_get_field (error), ==, fields[i]);
      }
    {
      g_autoptr(GError) error = NULL;
      const char raw[] = "{\"source\": {\"runId\": \"run_a\0x\"}}";
      g_autoptr(RbCaptureRequest) parsed = rb_capture_request_from_data (raw, sizeof raw - 1, &error);

      g_assert_null (parsed);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
    }
  }

  after = tree_listing (parent);
  data_after = tree_listing (data);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (data_before, ==, data_after);
  rb_test_remove_tree (parent);
}

/* }}} */

/* Warnings, gap fill, dry run, aliases {{{ */

static void
write_gappy_run (const char *data)
{
  static const SeriesSpec series[] = {
    { "arrivals", "0,1\n1,NaN\n2,3\n3,Infinity\n" },
    { "served", "0,1\n1,\n2,2\n3,\n" },
    { "short", "0,1\n1,2\n" },
  };

  write_run (data, "run_g", "simulation", NULL,
             "    - id: Svc\n      kind: service\n      semantics:\n        arrivals: arrivals\n"
             "        served: served\n        capacity: short\n",
             NULL, series, G_N_ELEMENTS (series), 4);
}

static void
test_warnings (void)
{
  g_autofree char *data = new_data_dir ();
  g_autofree char *bundle = g_build_filename (data, "runs", "run_g", "model", "telemetry", NULL);
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_g");
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *csv_path = g_build_filename (bundle, "Svc_arrivals.csv", NULL);
  g_autoptr(RbRun) run = NULL;

  write_gappy_run (data);
  result = generate (data, request, &error);
  g_assert_no_error (error);
  json = result_json (result);
  g_assert_nonnull (strstr (json,
    "    \"warnings\": [\n"
    "      {\n"
    "        \"code\": \"nan_detected\",\n"
    "        \"message\": \"Detected NaN/∞ at bins 1, 3 for Svc:Arrivals.\",\n"
    "        \"nodeId\": \"Svc\",\n"
    "        \"bins\": [\n"
    "          1,\n"
    "          3\n"
    "        ]\n"
    "      },\n"
    "      {\n"
    "        \"code\": \"data_gap\",\n"
    "        \"message\": \"Missing value at bins 1, 3 for Svc:Served.\",\n"
    "        \"nodeId\": \"Svc\",\n"));
  g_assert_nonnull (strstr (json,
    "        \"code\": \"length_mismatch\",\n"
    "        \"message\": \"Series 'series/short@SHORT@DEFAULT.csv' contained 2 points but expected 4.\"\n"));
  g_assert_cmpuint (rb_capture_result_get_warnings (result)->len, ==, 3);
  csv = rb_test_read_file (csv_path, NULL);
  g_assert_cmpstr (csv, ==, "bin_index,value\n0,1\n1,NaN\n2,3\n3,Infinity\n");
  g_free (check_bundle (bundle, "run_g"));
  run = load_run (data, "run_g");
  g_assert_cmpint (rb_run_get_telemetry (run)->warning_count, ==, 3);

  rb_test_remove_tree (data);
}

static void
test_gap_fill (void)
{
  g_autofree char *data = new_data_dir ();
  g_autofree char *bundle = g_build_filename (data, "runs", "run_g", "model", "telemetry", NULL);
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_g");
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a_path = g_build_filename (bundle, "Svc_arrivals.csv", NULL);
  g_autofree char *s_path = g_build_filename (bundle, "Svc_served.csv", NULL);
  g_autofree char *a = NULL;
  g_autofree char *s = NULL;
  GPtrArray *warnings;

  write_gappy_run (data);
  request->gap_fill = RB_GAP_FILL_ZERO;
  result = generate (data, request, &error);
  g_assert_no_error (error);
  warnings = rb_capture_result_get_warnings (result);
  g_assert_cmpuint (warnings->len, ==, 3);
  g_assert_cmpstr (((RbWarning *) g_ptr_array_index (warnings, 0))->code, ==, "nan_fill");
  g_assert_cmpstr (((RbWarning *) g_ptr_array_index (warnings, 0))->message, ==,
                   "Filled NaN/∞ with 0 at bins 1, 3 for Svc:Arrivals.");
  g_assert_cmpstr (((RbWarning *) g_ptr_array_index (warnings, 1))->code, ==, "data_gap");
  g_assert_cmpstr (((RbWarning *) g_ptr_array_index (warnings, 1))->message, ==,
                   "Filled missing value with 0 at bins 1, 3 for Svc:Served.");
  a = rb_test_read_file (a_path, NULL);
  s = rb_test_read_file (s_path, NULL);
  g_assert_cmpstr (a, ==, "bin_index,value\n0,1\n1,0\n2,3\n3,0\n");
  g_assert_cmpstr (s, ==, "bin_index,value\n0,1\n1,0\n2,2\n3,0\n");
  g_free (check_bundle (bundle, "run_g"));
  rb_test_remove_tree (data);
}

static void
test_dry_run (void)
{
  g_autofree char *data = new_data_dir ();
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_g");
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *json = NULL;

  write_gappy_run (data);
  before = tree_listing (data);
  request->dry_run = TRUE;
  request->capture_key = g_strdup ("planned");
  result = generate (data, request, &error);
  g_assert_no_error (error);
  g_assert_true (rb_capture_result_is_dry_run (result));
  json = result_json (result);
  g_assert_true (g_str_has_prefix (json,
    "{\n"
    "  \"isDryRun\": true,\n"
    "  \"plan\": {\n"
    "    \"captureKey\": \"planned\",\n"
    "    \"captureDirectory\": \"telemetry/planned\",\n"
    "    \"files\": [\n"
    "      {\n"
    "        \"nodeId\": \"Svc\",\n"
    "        \"metric\": \"Arrivals\",\n"
    "        \"path\": \"Svc_arrivals.csv\"\n"
    "      },\n"));
  g_assert_nonnull (strstr (json, "\"code\": \"nan_detected\""));
  after = tree_listing (data);
  g_assert_cmpstr (before, ==, after);
  rb_test_remove_tree (data);
}

static void
test_alias_shared (void)
{
  static const SeriesSpec series[] = {
    { "orders", "0,5\n1,6\n" },
    { "pack_processed", "0,4\n1,5\n" },
  };
  g_autofree char *data = new_data_dir ();
  g_autofree char *bundle = g_build_filename (data, "runs", "run_w", "model", "telemetry", NULL);
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_w");
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *manifest_path = g_build_filename (bundle, "manifest.json", NULL);
  JsonObject *manifest;
  JsonArray *files;
  guint csv_count = 0;
  GDir *dir;
  const char *name;

  write_run (data, "run_w", "simulation", NULL,
             "    - id: Packing\n      kind: service\n      semantics:\n        arrivals: orders\n"
             "        served: pack_processed\n"
             "    - id: Shipping\n      kind: service\n      semantics:\n        served: pack_processed\n",
             "nodes:\n  - id: orders\n    kind: const\n    values: [5, 6]\n"
             "  - id: pack_processed\n    kind: const\n    values: [4, 5]\n"
             "outputs:\n  - series: pack_processed\n    as: packed_orders.csv\n  - series: orders\n",
             series, G_N_ELEMENTS (series), 2);
  /* The stored model compiles: the alias comes from rb_model (the one rule). */
  {
    g_autofree char *model_path = g_build_filename (data, "runs", "run_w", "model", "model.yaml", NULL);
    g_autofree char *text = rb_test_read_file (model_path, NULL);
    g_autoptr(RbModel) model = rb_model_parse (text, strlen (text), "model.yaml", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (rb_model_get_output_alias (model, "pack_processed"), ==, "packed_orders.csv");
  }
  result = generate (data, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_capture_result_get_file_count (result), ==, 3);
  g_free (check_bundle (bundle, "run_w"));

  manifest = parse_object (manifest_path, &node);
  files = json_object_get_array_member (manifest, "files");
  g_assert_cmpint (json_array_get_length (files), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 0), "path"), ==,
                   "Packing_arrivals.csv");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 1), "path"), ==,
                   "packed_orders.csv");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 2), "nodeId"), ==,
                   "Shipping");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 2), "path"), ==,
                   "packed_orders.csv");

  dir = g_dir_open (bundle, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    csv_count += g_str_has_suffix (name, ".csv");
  g_dir_close (dir);
  g_assert_cmpuint (csv_count, ==, 2);

  /* The bundle reads back through rb-bundle. */
  {
    g_autoptr(RbBundle) loaded = rb_bundle_load (bundle, &error);
    RbBundleFile *file;
    g_autoptr(RbSeries) values = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (rb_bundle_get_files (loaded)->len, ==, 3);
    file = g_ptr_array_index (rb_bundle_get_files (loaded), 2);
    g_assert_cmpint (file->metric, ==, RB_METRIC_SERVED);
    values = rb_bundle_read_series (loaded, file, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (values->values[1], ==, 5);
  }
  rb_test_remove_tree (data);
}

/* FlowTime's warehouse template, run by our orchestrator: its captureKey
 * is the default target and pack_processed (Served of two nodes, alias
 * packed_orders.csv) is one file with two manifest entries. */
static void
test_flowtime_warehouse (void)
{
  g_autofree char *template_path = rb_test_flowtime_path ("templates", "warehouse-picker-waves.yaml", NULL);
  g_autofree char *data = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *manifest_path = NULL;
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_autoptr(RbRunRequest) run_request = rb_run_request_new ();
  g_autoptr(RbRunResult) run_result = NULL;
  g_autoptr(RbCaptureRequest) request = NULL;
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *files;
  guint packed = 0;
  const char *run_id;

  if (template_path == NULL)
    return;
  data = new_data_dir ();
  copy = g_build_filename (data, "templates", "warehouse-picker-waves.yaml", NULL);
  contents = rb_test_read_file (template_path, NULL);
  rb_test_write_file (copy, contents, -1);

  catalog = rb_template_catalog_new (data);
  run_request->template_id = g_strdup ("warehouse-picker-waves");
  run_request->mode = g_strdup ("simulation");
  run_result = rb_orchestrator_create_run (data, catalog, run_request, NULL, &error);
  g_assert_no_error (error);
  run_id = rb_run_get_run_id (rb_run_result_get_run (run_result));

  request = rb_capture_request_new (run_id);
  result = generate (data, request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_capture_result_get_capture_key (result), ==, "warehouse-picker");
  bundle = g_build_filename (data, "telemetry", "warehouse-picker", NULL);
  g_free (check_bundle (bundle, run_id));

  manifest_path = g_build_filename (bundle, "manifest.json", NULL);
  files = json_object_get_array_member (parse_object (manifest_path, &node), "files");
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      if (g_strcmp0 (json_object_get_string_member (file, "path"), "packed_orders.csv") == 0)
        {
          packed++;
          g_assert_cmpstr (json_object_get_string_member (file, "metric"), ==, "Served");
        }
    }
  g_assert_cmpuint (packed, ==, 2);

  /* A stored model without metadata.captureKey: the catalogue's template
   * of the same id still names the key. */
  {
    g_autofree char *model_path = g_build_filename (data, "runs", run_id, "model", "model.yaml", NULL);
    g_autofree char *model = rb_test_read_file (model_path, NULL);
    g_autoptr(GString) stripped = g_string_new (model);
    g_autoptr(RbCaptureResult) again = NULL;

    g_assert_cmpuint (g_string_replace (stripped, "captureKey: warehouse-picker", "", 0), ==, 1);
    rb_test_write_file (model_path, stripped->str, -1);
    request->overwrite = TRUE;
    again = generate (data, request, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (rb_capture_result_get_capture_key (again), ==, "warehouse-picker");
    g_assert_true (rb_capture_result_get_generated (again));
  }
  rb_test_remove_tree (data);
}

static void
test_disabled (void)
{
  g_autoptr(GError) error = NULL;

  g_setenv ("RUNBOARD_DISABLE_TELEMETRY_GENERATION", "1", TRUE);
  g_assert_true (rb_telemetry_generation_disabled ());
  g_setenv ("RUNBOARD_DISABLE_TELEMETRY_GENERATION", "", TRUE);
  g_assert_false (rb_telemetry_generation_disabled ());
  rb_telemetry_set_disabled_error (&error);
  g_assert_error (error, RB_ERROR, RB_ERROR_DISABLED);
  g_assert_cmpint (rb_error_code_http_status (rb_error_get_code (error)), ==, 403);
  g_assert_cmpint (rb_error_code_exit_status (rb_error_get_code (error)), ==, 7);
}

/* }}} */

/* Concurrency {{{ */

typedef struct
{
  const char *data;
  char       *key;
  GAsyncQueue *start;
  int          outcome;   /* 1 generated, 2 exists, 3 error */
} Worker;

static gpointer
worker_run (gpointer user_data)
{
  Worker *worker = user_data;
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_c");
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;

  request->capture_key = g_strdup (worker->key);
  g_async_queue_pop (worker->start);
  result = rb_telemetry_generate (worker->data, NULL, request, NULL, NULL, NULL, &error);
  if (result == NULL)
    worker->outcome = 3;
  else
    worker->outcome = rb_capture_result_get_already_exists (result) ? 2 : 1;
  return NULL;
}

static void
run_threads (const char *data,
             gboolean    same_key,
             guint      *generated,
             guint      *exists)
{
  Worker workers[50];
  GThread *threads[50];
  g_autoptr(GAsyncQueue) start = g_async_queue_new ();

  *generated = *exists = 0;
  for (guint i = 0; i < 50; i++)
    {
      workers[i].data = data;
      workers[i].key = same_key ? g_strdup ("one-key") : g_strdup_printf ("key-%02u", i);
      workers[i].start = start;
      workers[i].outcome = 0;
      threads[i] = g_thread_new ("generate", worker_run, &workers[i]);
    }
  for (guint i = 0; i < 50; i++)
    g_async_queue_push (start, GINT_TO_POINTER (1));
  for (guint i = 0; i < 50; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (workers[i].outcome, !=, 3);
      *generated += workers[i].outcome == 1;
      *exists += workers[i].outcome == 2;
      g_free (workers[i].key);
    }
}

static void
test_concurrency_threads (void)
{
  g_autofree char *data = new_data_dir ();
  g_autofree char *telemetry = g_build_filename (data, "telemetry", NULL);
  g_autofree char *one = g_build_filename (telemetry, "one-key", NULL);
  guint generated;
  guint exists;

  write_simple_run (data, "run_c");
  run_threads (data, TRUE, &generated, &exists);
  g_assert_cmpuint (generated, ==, 1);
  g_assert_cmpuint (exists, ==, 49);
  g_free (check_bundle (one, "run_c"));

  run_threads (data, FALSE, &generated, &exists);
  g_assert_cmpuint (generated, ==, 50);
  g_assert_cmpuint (exists, ==, 0);
  for (guint i = 0; i < 50; i += 7)
    {
      g_autofree char *key = g_strdup_printf ("key-%02u", i);
      g_autofree char *dir = g_build_filename (telemetry, key, NULL);

      g_free (check_bundle (dir, "run_c"));
      assert_no_leftovers (telemetry, key);
    }
  assert_no_leftovers (telemetry, "one-key");
  rb_test_remove_tree (data);
}

static char *
helper_path (void)
{
  return g_test_build_filename (G_TEST_BUILT, "core", "telemetry-helper", NULL);
}

static GPid
spawn_helper_for (const char *data,
                  const char *run_id,
                  const char *key,
                  gboolean    overwrite,
                  int        *out_fd)
{
  g_autofree char *helper = helper_path ();
  const char *argv[] = { helper, data, run_id, key, overwrite ? "1" : "0", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | (out_fd == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0),
                            NULL, NULL, &pid, NULL, out_fd, NULL, &error);
  g_assert_no_error (error);
  return pid;
}

static GPid
spawn_helper (const char *data,
              const char *key,
              gboolean    overwrite,
              int        *out_fd)
{
  return spawn_helper_for (data, "run_c", key, overwrite, out_fd);
}

static void
test_concurrency_processes (void)
{
  g_autofree char *data = new_data_dir ();
  g_autofree char *helper = helper_path ();
  g_autofree char *telemetry = g_build_filename (data, "telemetry", NULL);
  g_autofree char *one = g_build_filename (telemetry, "proc-key", NULL);
  GPid pids[50];
  int fds[50];
  guint generated = 0;
  guint exists = 0;

  if (!g_file_test (helper, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("telemetry-helper is not built");
      return;
    }
  write_simple_run (data, "run_c");
  for (guint i = 0; i < 50; i++)
    pids[i] = spawn_helper (data, "proc-key", FALSE, &fds[i]);
  for (guint i = 0; i < 50; i++)
    {
      char buf[64] = { 0 };
      int status = 0;
      gssize n = 0;
      gsize got = 0;

      while ((n = read (fds[i], buf + got, sizeof buf - 1 - got)) > 0)
        got += n;
      close (fds[i]);
      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
      generated += strcmp (buf, "generated\n") == 0;
      exists += strcmp (buf, "exists\n") == 0;
    }
  g_assert_cmpuint (generated, ==, 1);
  g_assert_cmpuint (exists, ==, 49);
  g_free (check_bundle (one, "run_c"));
  assert_no_leftovers (telemetry, "proc-key");
  rb_test_remove_tree (data);
}

/* }}} */

/* Crash safety {{{ */

/* Reads all of the manifest's files; TRUE when the bundle is whole. */
static gboolean
bundle_is_whole (const char *dir,
                 char      **generated_at)
{
  g_autofree char *manifest_path = g_build_filename (dir, "manifest.json", NULL);
  g_autofree char *auto_path = g_build_filename (dir, "autocapture.json", NULL);
  g_autoptr(JsonNode) manifest = rb_json_parse_file (manifest_path, "manifest.json", NULL);
  g_autoptr(JsonNode) autocapture = rb_json_parse_file (auto_path, "autocapture.json", NULL);
  JsonArray *files;

  if (manifest == NULL || autocapture == NULL)
    return FALSE;
  files = rb_json_get_array (json_node_get_object (manifest), "files");
  if (files == NULL || json_array_get_length (files) == 0)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autofree char *path = g_build_filename (dir, json_object_get_string_member (file, "path"), NULL);
      g_autofree char *hash = rb_hash_file (path, NULL);

      if (hash == NULL || g_strcmp0 (hash, json_object_get_string_member (file, "hash")) != 0)
        return FALSE;
    }
  *generated_at = g_strdup (rb_json_get_string (json_node_get_object (autocapture), "generatedAtUtc"));
  return TRUE;
}

static gint64
time_one_helper (const char *data,
                 const char *key)
{
  gint64 start = g_get_monotonic_time ();
  int status;
  GPid pid = spawn_helper_for (data, strcmp (key, "-") == 0 ? "run_r" : "run_c", key, TRUE, NULL);

  waitpid (pid, &status, 0);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  return g_get_monotonic_time () - start;
}

/* Kill cycles test_crash needs: RB_TEST_CRASH_ITERATIONS (default 200; the
 * valgrind test setup sets fewer, each cycle there is several times slower). */
static guint
crash_iterations (void)
{
  const char *env = g_getenv ("RB_TEST_CRASH_ITERATIONS");

  if (env != NULL && *env != '\0')
    return (guint) g_ascii_strtoull (env, NULL, 10);
  return 200;
}

static void
test_crash (void)
{
  g_autofree char *data = new_fast_data_dir ();
  g_autofree char *helper = helper_path ();
  g_autofree char *telemetry = g_build_filename (data, "telemetry", NULL);
  g_autofree char *key_bundle = g_build_filename (telemetry, "crash", NULL);
  g_autofree char *model_dir = g_build_filename (data, "runs", "run_r", "model", NULL);
  g_autofree char *run_bundle = g_build_filename (model_dir, "telemetry", NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 duration;
  gint64 deadline = g_get_monotonic_time () + 50 * G_USEC_PER_SEC;
  guint iterations = 0;
  guint killed = 0;
  const guint wanted = crash_iterations ();

  if (!g_file_test (helper, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("telemetry-helper is not built");
      return;
    }
  /* A run with many files widens the window of every step. */
  {
    GString *csv = g_string_new (NULL);
    g_autoptr(GString) topology = g_string_new (NULL);
    SeriesSpec series[40];
    g_autofree char *text = NULL;
    char *names[40];

    for (guint b = 0; b < 200; b++)
      g_string_append_printf (csv, "%u,%u.5\n", b, b);
    text = g_string_free (csv, FALSE);
    for (guint i = 0; i < 40; i++)
      {
        names[i] = g_strdup_printf ("s%02u", i);
        series[i].node_id = names[i];
        series[i].csv = text;
        g_string_append_printf (topology, "    - id: N%02u\n      kind: service\n      semantics:\n"
                                "        arrivals: s%02u\n", i, i);
      }
    write_run (data, "run_c", "simulation", NULL, topology->str, NULL, series, 40, 200);
    write_run (data, "run_r", "simulation", NULL, topology->str, NULL, series, 40, 200);
    for (guint i = 0; i < 40; i++)
      g_free (names[i]);
  }

  time_one_helper (data, "crash");
  duration = time_one_helper (data, "-");
  duration = MAX (duration, time_one_helper (data, "crash"));

  while (iterations < wanted + wanted / 5 && g_get_monotonic_time () < deadline)
    {
      gboolean scoped = iterations % 2 == 1;
      const char *bundle = scoped ? run_bundle : key_bundle;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      int status;
      GPid pid;

      g_assert_true (bundle_is_whole (bundle, &before));
      pid = spawn_helper_for (data, scoped ? "run_r" : "run_c", scoped ? "-" : "crash", TRUE, NULL);
      g_usleep (g_random_int_range (0, (gint32) MAX (duration * 11 / 10, 2)));
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      killed += WIFSIGNALED (status);

      /* The old bundle or the new one, whole. */
      g_assert_true (bundle_is_whole (bundle, &after));
      g_hash_table_add (seen, g_strdup (after));
      if (scoped)
        {
          g_autoptr(RbRun) run = load_run (data, "run_r");
          g_assert_true (rb_run_get_telemetry (run)->available);
        }
      iterations++;
    }
  g_test_message ("%u iterations, %u killed, %u distinct bundles seen",
                  iterations, killed, g_hash_table_size (seen));
  g_assert_cmpuint (iterations, >=, wanted);
  g_assert_cmpuint (killed, >, 0);

  /* The next generation cleans up whatever the kills left behind. */
  time_one_helper (data, "crash");
  time_one_helper (data, "-");
  assert_no_leftovers (telemetry, "crash");
  assert_no_leftovers (model_dir, "telemetry");
  g_free (check_bundle (key_bundle, "run_c"));
  g_free (check_bundle (run_bundle, "run_r"));
  rb_test_remove_tree (data);
}

/* }}} */

/* Schema {{{ */

static void
test_schema (void)
{
  g_autofree char *schema = rb_test_flowtime_path ("telemetry-manifest.schema.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *script =
    "import json, sys, glob, jsonschema\n"
    "schema = json.load(open(sys.argv[1]))\n"
    "v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())\n"
    "n = 0\n"
    "for f in sorted(glob.glob(sys.argv[2] + '/*.json')):\n"
    "    errs = list(v.iter_errors(json.load(open(f))))\n"
    "    if errs:\n"
    "        print(f, errs[0].message); sys.exit(1)\n"
    "    n += 1\n"
    "print(n)\n";
  const char *argv[] = { "/usr/bin/python3", "-c", script, NULL, NULL, NULL };
  int status;

  if (schema == NULL)
    return;
  {
    const char *check[] = { "/usr/bin/python3", "-c", "import jsonschema", NULL };

    if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ||
        rb_test_spawn (check, NULL, NULL, NULL) != 0)
      {
        g_test_skip ("python3-jsonschema is not installed");
        return;
      }
  }
  argv[3] = schema;
  argv[4] = manifest_dir;
  status = rb_test_spawn (argv, NULL, &out, &err);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (atoi (out), ==, manifest_count);
  g_assert_cmpuint (manifest_count, >, 20);
}

/* }}} */

static void
quiet_log (const char     *log_domain,
           GLogLevelFlags  log_level,
           const char     *message,
           gpointer        user_data)
{
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Lifecycle lines are for operators; keep the TAP output readable. */
  g_log_set_handler ("rb-telemetry", G_LOG_LEVEL_MESSAGE, quiet_log, NULL);
  manifest_dir = rb_test_make_temp_dir ();

  g_test_add_func ("/telemetry/run-scoped", test_run_scoped);
  g_test_add_func ("/telemetry/legacy-run", test_legacy_run);
  g_test_add_func ("/telemetry/key", test_key_target);
  g_test_add_func ("/telemetry/template-key", test_template_key);
  g_test_add_func ("/telemetry/directory", test_directory_target);
  g_test_add_func ("/telemetry/unknown-run", test_unknown_run);
  g_test_add_func ("/telemetry/not-simulation", test_not_simulation);
  g_test_add_func ("/telemetry/nothing-to-capture", test_nothing_to_capture);
  g_test_add_func ("/telemetry/invalid-request", test_invalid_request);
  g_test_add_func ("/telemetry/traversal", test_traversal);
  g_test_add_func ("/telemetry/warnings", test_warnings);
  g_test_add_func ("/telemetry/gap-fill", test_gap_fill);
  g_test_add_func ("/telemetry/dry-run", test_dry_run);
  g_test_add_func ("/telemetry/alias-shared", test_alias_shared);
  g_test_add_func ("/telemetry/flowtime-warehouse", test_flowtime_warehouse);
  g_test_add_func ("/telemetry/disabled", test_disabled);
  g_test_add_func ("/telemetry/concurrency-threads", test_concurrency_threads);
  g_test_add_func ("/telemetry/concurrency-processes", test_concurrency_processes);
  g_test_add_func ("/telemetry/crash", test_crash);
  g_test_add_func ("/telemetry/schema", test_schema);

  status = g_test_run ();
  rb_test_remove_tree (manifest_dir);
  g_free (manifest_dir);
  return status;
}
