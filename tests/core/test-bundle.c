/* test-bundle.c — reading telemetry bundles: FlowTime's real ones (schema 1,
 * bare-hex hashes, with and without autocapture.json), ours (schema 2),
 * classId CSVs, and broken bundles (404 / 422, never a path in a message).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rb-bundle.h"
#include "rb-core.h"
#include "rb-test-util.h"

static void
test_flowtime_capture (void)
{
  g_autofree char *dir = rb_test_flowtime_path ("bundles", "capture-69efc07b211e44e1a09cf1520434dd3f", NULL);
  g_autoptr(RbBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RbSeries) series = NULL;
  RbBundleFile *file;

  if (dir == NULL)
    return;
  bundle = rb_bundle_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_bundle_get_bins (bundle), ==, 4);
  g_assert_cmpuint (rb_bundle_get_bin_size (bundle), ==, 5);
  g_assert_cmpstr (rb_bundle_get_bin_unit (bundle), ==, "minutes");
  g_assert_cmpuint (rb_bundle_get_files (bundle)->len, ==, 3);
  g_assert_cmpuint (rb_bundle_get_warning_count (bundle), ==, 0);
  /* autocapture.json wins over the manifest's provenance. */
  g_assert_cmpstr (rb_bundle_get_source_run_id (bundle), ==, "run_deterministic_05411a41");
  g_assert_cmpstr (rb_bundle_get_template_id (bundle), ==, "sim-order");
  g_assert_cmpstr (rb_bundle_get_generated_at (bundle), ==, "2025-10-22T12:52:05.1697119Z");
  g_assert_cmpstr (rb_bundle_get_capture_key (bundle), ==, "capture-69efc07b211e44e1a09cf1520434dd3f");

  file = g_ptr_array_index (rb_bundle_get_files (bundle), 1);
  g_assert_cmpstr (file->node_id, ==, "OrderService");
  g_assert_cmpint (file->metric, ==, RB_METRIC_SERVED);
  g_assert_cmpstr (file->path, ==, "OrderService_served.csv");
  g_assert_cmpuint (file->points, ==, 4);
  series = rb_bundle_read_series (bundle, file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->n_bins, ==, 4);

  /* The hash in the manifest is the file's. */
  {
    g_autofree char *path = g_build_filename (dir, file->path, NULL);
    g_autofree char *hash = rb_hash_file (path, &error);

    g_assert_no_error (error);
    g_assert_true (rb_hash_equal (hash, file->hash));
  }
}

static void
test_flowtime_legacy (void)
{
  g_autofree char *dir = rb_test_flowtime_path ("bundles", "it-system-telemetry", NULL);
  g_autoptr(RbBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *files;

  if (dir == NULL)
    return;
  bundle = rb_bundle_load (dir, &error);
  g_assert_no_error (error);
  files = rb_bundle_get_files (bundle);
  g_assert_cmpuint (files->len, ==, 9);
  /* No autocapture.json: the manifest's provenance. */
  g_assert_cmpstr (rb_bundle_get_source_run_id (bundle), ==, "time_travel_demo");
  g_assert_cmpstr (rb_bundle_get_generated_at (bundle), ==, "2025-10-15T00:00:00Z");
  g_assert_null (rb_bundle_get_template_id (bundle));
  g_assert_null (rb_bundle_get_capture_key (bundle));

  for (guint i = 0; i < files->len; i++)
    {
      RbBundleFile *file = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (dir, file->path, NULL);
      g_autofree char *hash = rb_hash_file (path, &error);
      g_autoptr(RbSeries) series = NULL;

      g_assert_no_error (error);
      /* Bare hex, accepted. */
      g_assert_true (rb_hash_equal (hash, file->hash));
      series = rb_bundle_read_series (bundle, file, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (series->n_bins, ==, 6);
    }
}

static void
test_sample_key_bundle (void)
{
  g_autofree char *dir = rb_test_data_path ("sample", "telemetry", "transportation-network-telemetry", NULL);
  g_autoptr(RbBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  RbBundleFile *file;

  bundle = rb_bundle_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_bundle_get_files (bundle)->len, ==, 9);
  g_assert_cmpstr (rb_bundle_get_capture_key (bundle), ==, "transportation-network-telemetry");
  g_assert_cmpstr (rb_bundle_get_source_run_id (bundle), ==, "run_20261121T140000Z_b4d2f613");
  file = NULL;
  for (guint i = 0; i < rb_bundle_get_files (bundle)->len; i++)
    {
      RbBundleFile *candidate = g_ptr_array_index (rb_bundle_get_files (bundle), i);

      if (strcmp (candidate->path, "HubQueue_queuedepth.csv") == 0)
        file = candidate;
    }
  g_assert_nonnull (file);
  g_assert_cmpint (file->metric, ==, RB_METRIC_QUEUE_DEPTH);
  g_assert_cmpstr (file->node_id, ==, "HubQueue");
}

static char *
write_bundle (const char *manifest)
{
  char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);
  g_autofree char *csv = g_build_filename (dir, "A_arrivals.csv", NULL);

  rb_test_write_file (path, manifest, -1);
  rb_test_write_file (csv, "bin_index,classId,value\n0,DEFAULT,5\n0,gold,2\n1,DEFAULT,6\n1,gold,3\n", -1);
  return dir;
}

#define GOOD_GRID "\"grid\": {\"bins\": 2, \"binSize\": 1, \"binUnit\": \"hours\"}"

static void
test_class_csv (void)
{
  g_autofree char *dir = write_bundle ("{\"schemaVersion\": 2, " GOOD_GRID ", \"files\": [{\"nodeId\": \"A\", "
                                       "\"metric\": \"Arrivals\", \"path\": \"A_arrivals.csv\", \"hash\": null, "
                                       "\"points\": 2}], \"warnings\": [{\"code\": \"x\", \"message\": \"y\"}], "
                                       "\"supportsClassMetrics\": false}");
  g_autoptr(RbBundle) bundle = NULL;
  g_autoptr(RbSeries) series = NULL;
  g_autoptr(GError) error = NULL;

  bundle = rb_bundle_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_bundle_get_warning_count (bundle), ==, 1);
  g_assert_null (((RbBundleFile *) g_ptr_array_index (rb_bundle_get_files (bundle), 0))->hash);
  series = rb_bundle_read_series (bundle, g_ptr_array_index (rb_bundle_get_files (bundle), 0), &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (series->values[0], ==, 5);
  g_assert_cmpfloat (series->values[1], ==, 6);
  rb_test_remove_tree (dir);
}

typedef struct
{
  const char  *manifest;   /* NULL = no manifest.json */
  RbErrorCode  code;
  const char  *message;
} Broken;

static void
test_broken (void)
{
  static const Broken cases[] = {
    { NULL, RB_ERROR_NOT_FOUND, "manifest.json is missing" },
    { "{", RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, NULL },
    { "[]", RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "manifest.json is not a JSON object" },
    { "{\"schemaVersion\": 3, " GOOD_GRID ", \"files\": []}", RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE,
      "manifest.json: schemaVersion must be 1 or 2" },
    { "{\"schemaVersion\": 2, \"files\": []}", RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE,
      "manifest.json: grid needs bins, binSize and binUnit" },
    { "{\"schemaVersion\": 2, \"grid\": {\"bins\": 0, \"binSize\": 1, \"binUnit\": \"hours\"}, \"files\": []}",
      RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "manifest.json: grid needs bins, binSize and binUnit" },
    { "{\"schemaVersion\": 2, " GOOD_GRID "}", RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "manifest.json: files is missing" },
    { "{\"schemaVersion\": 2, " GOOD_GRID ", \"files\": [{\"nodeId\": \"A\", \"metric\": \"Latency\", \"path\": \"a.csv\"}]}",
      RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "manifest.json: files[0] has no known metric" },
    { "{\"schemaVersion\": 2, " GOOD_GRID ", \"files\": [{\"metric\": \"Served\", \"path\": \"a.csv\"}]}",
      RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "manifest.json: files[0] has no nodeId" },
    { "{\"schemaVersion\": 2, " GOOD_GRID ", \"files\": [{\"nodeId\": \"A\", \"metric\": \"Served\", \"path\": \"../run.json\"}]}",
      RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "manifest.json: files[0].path is not a file name inside the bundle" },
    { "{\"schemaVersion\": 2, " GOOD_GRID ", \"files\": [{\"nodeId\": \"A\", \"metric\": \"Served\", \"path\": \"/etc/passwd\"}]}",
      RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "manifest.json: files[0].path is not a file name inside the bundle" },
    { "{\"schemaVersion\": 2, " GOOD_GRID ", \"files\": [{\"nodeId\": \"A\", \"metric\": \"Served\", \"path\": \"a.csv\", \"points\": -1}]}",
      RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "manifest.json: files[0].points is not a non-negative integer" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = rb_test_make_temp_dir ();
      g_autoptr(GError) error = NULL;
      RbBundle *bundle;

      if (cases[i].manifest != NULL)
        {
          g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);
          rb_test_write_file (path, cases[i].manifest, -1);
        }
      bundle = rb_bundle_load (dir, &error);
      g_assert_null (bundle);
      g_assert_error (error, RB_ERROR, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_null (strstr (error->message, dir));
      rb_test_remove_tree (dir);
    }

  /* A folder that does not exist. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = rb_test_make_temp_dir ();
    g_autofree char *missing = g_build_filename (dir, "nope", NULL);

    g_assert_null (rb_bundle_load (missing, &error));
    g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
    g_assert_null (strstr (error->message, dir));
    rb_test_remove_tree (dir);
  }
}

static void
test_points_mismatch (void)
{
  g_autofree char *dir = write_bundle ("{\"schemaVersion\": 1, " GOOD_GRID ", \"files\": [{\"nodeId\": \"A\", "
                                       "\"metric\": \"Arrivals\", \"path\": \"A_arrivals.csv\", \"points\": 3}, "
                                       "{\"nodeId\": \"B\", \"metric\": \"served\", \"path\": \"gone.csv\", \"points\": 2}]}");
  g_autoptr(RbBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  RbSeries *series;

  bundle = rb_bundle_load (dir, &error);
  g_assert_no_error (error);
  series = rb_bundle_read_series (bundle, g_ptr_array_index (rb_bundle_get_files (bundle), 0), &error);
  g_assert_null (series);
  g_assert_error (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE);
  g_assert_cmpstr (error->message, ==, "A_arrivals.csv has 2 values but manifest.json says 3");
  g_clear_error (&error);

  /* Metric names are matched without regard to case; a missing file is 404
   * naming the file. */
  series = rb_bundle_read_series (bundle, g_ptr_array_index (rb_bundle_get_files (bundle), 1), &error);
  g_assert_null (series);
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "gone.csv is missing");
  rb_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bundle/flowtime-capture", test_flowtime_capture);
  g_test_add_func ("/bundle/flowtime-legacy", test_flowtime_legacy);
  g_test_add_func ("/bundle/sample-key", test_sample_key_bundle);
  g_test_add_func ("/bundle/class-csv", test_class_csv);
  g_test_add_func ("/bundle/broken", test_broken);
  g_test_add_func ("/bundle/points-mismatch", test_points_mismatch);

  return g_test_run ();
}
