/* rb-bundle.c — reading a telemetry bundle (formats.md "Telemetry bundle")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-bundle"

#include "config.h"

#include <string.h>

#include "rb-bundle.h"
#include "rb-error.h"
#include "rb-fs.h"
#include "rb-json.h"

/* A manifest is small; anything bigger is not one of ours. */
#define MAX_MANIFEST_SIZE (16 * 1024 * 1024)

struct _RbBundle
{
  char      *dir;
  guint      bins;
  guint      bin_size;
  char      *bin_unit;
  GPtrArray *files;          /* of RbBundleFile* */
  guint      warning_count;
  char      *source_run_id;
  char      *template_id;
  char      *generated_at;
  char      *capture_key;
};

static void
bundle_file_free (RbBundleFile *file)
{
  if (file == NULL)
    return;
  g_free (file->node_id);
  g_free (file->path);
  g_free (file->hash);
  g_free (file);
}

void
rb_bundle_free (RbBundle *bundle)
{
  if (bundle == NULL)
    return;
  g_free (bundle->dir);
  g_free (bundle->bin_unit);
  g_clear_pointer (&bundle->files, g_ptr_array_unref);
  g_free (bundle->source_run_id);
  g_free (bundle->template_id);
  g_free (bundle->generated_at);
  g_free (bundle->capture_key);
  g_free (bundle);
}

static gboolean
metric_from_name (const char *name,
                  RbMetric   *metric)
{
  for (guint i = 0; i < RB_N_METRICS; i++)
    {
      if (g_ascii_strcasecmp (name, rb_metric_to_name ((RbMetric) i)) == 0)
        {
          *metric = (RbMetric) i;
          return TRUE;
        }
    }
  /* FlowTime's older spelling of QueueDepth. */
  if (g_ascii_strcasecmp (name, "Queue") == 0)
    {
      *metric = RB_METRIC_QUEUE_DEPTH;
      return TRUE;
    }
  return FALSE;
}

/* A file name inside the bundle folder: no separator, no "..", no NUL. */
static gboolean
path_is_plain (const char *path)
{
  return path != NULL && *path != '\0' &&
         strchr (path, '/') == NULL && strchr (path, '\\') == NULL &&
         strstr (path, "..") == NULL && strcmp (path, ".") != 0;
}

/* A non-negative integer member (JSON integers, or integral doubles). */
static gboolean
get_uint (JsonObject *object,
          const char *member,
          guint      *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);

      if (v < 0 || v > G_MAXUINT)
        return FALSE;
      *value = (guint) v;
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);

      if (!(v >= 0 && v <= G_MAXUINT) || v != (double) (guint) v)
        return FALSE;
      *value = (guint) v;
      return TRUE;
    }
  return FALSE;
}

static gboolean
incompatible (GError     **error,
              const char  *format,
              ...) G_GNUC_PRINTF (2, 3);

static gboolean
incompatible (GError     **error,
              const char  *format,
              ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, message);
  return FALSE;
}

static gboolean
parse_files (RbBundle   *bundle,
             JsonArray  *files,
             GError    **error)
{
  guint n = json_array_get_length (files);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (files, i);
      JsonObject *object;
      RbBundleFile *file;
      const char *node_id;
      const char *metric_name;
      const char *path;
      const char *hash;
      RbMetric metric;
      guint points = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return incompatible (error, "manifest.json: files[%u] is not an object", i);
      object = json_node_get_object (element);
      node_id = rb_json_get_string (object, "nodeId");
      metric_name = rb_json_get_string (object, "metric");
      path = rb_json_get_string (object, "path");
      hash = rb_json_get_string (object, "hash");

      if (node_id == NULL || *node_id == '\0')
        return incompatible (error, "manifest.json: files[%u] has no nodeId", i);
      if (metric_name == NULL || !metric_from_name (metric_name, &metric))
        return incompatible (error, "manifest.json: files[%u] has no known metric", i);
      if (!path_is_plain (path))
        return incompatible (error, "manifest.json: files[%u].path is not a file name inside the bundle", i);
      if (json_object_has_member (object, "points") &&
          !get_uint (object, "points", &points))
        return incompatible (error, "manifest.json: files[%u].points is not a non-negative integer", i);

      file = g_new0 (RbBundleFile, 1);
      file->node_id = g_strdup (node_id);
      file->metric = metric;
      file->path = g_strdup (path);
      file->hash = g_strdup (hash);
      file->points = points;
      g_ptr_array_add (bundle->files, file);
    }
  return TRUE;
}

RbBundle *
rb_bundle_load (const char  *dir,
                GError     **error)
{
  g_autoptr(RbBundle) bundle = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(JsonNode) autocapture = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *autocapture_path = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonObject *grid;
  JsonObject *provenance;
  JsonObject *auto_object = NULL;
  JsonArray *files;
  JsonArray *warnings;
  guint schema_version = 0;
  const char *bin_unit;

  g_return_val_if_fail (dir != NULL, NULL);

  manifest_path = g_build_filename (dir, "manifest.json", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error_literal (error, RB_ERROR, RB_ERROR_NOT_FOUND,
                           "The telemetry bundle does not exist");
      return NULL;
    }
  bytes = rb_fs_read_file (manifest_path, "manifest.json", MAX_MANIFEST_SIZE, &local_error);
  if (bytes == NULL)
    {
      /* A missing manifest is a missing bundle; anything else is a bundle
       * we cannot use. */
      if (g_error_matches (local_error, RB_ERROR, RB_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, RB_ERROR, RB_ERROR_INTERNAL))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        incompatible (error, "%s", local_error->message);
      return NULL;
    }
  manifest = rb_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                            "manifest.json", &local_error);
  if (manifest == NULL)
    {
      incompatible (error, "%s", local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (manifest))
    {
      incompatible (error, "manifest.json is not a JSON object");
      return NULL;
    }
  root = json_node_get_object (manifest);

  if (!get_uint (root, "schemaVersion", &schema_version) ||
      (schema_version != 1 && schema_version != 2))
    {
      incompatible (error, "manifest.json: schemaVersion must be 1 or 2");
      return NULL;
    }

  bundle = g_new0 (RbBundle, 1);
  bundle->dir = g_strdup (dir);
  bundle->files = g_ptr_array_new_with_free_func ((GDestroyNotify) bundle_file_free);

  grid = rb_json_get_object (root, "grid");
  bin_unit = grid != NULL ? rb_json_get_string (grid, "binUnit") : NULL;
  if (grid == NULL || !get_uint (grid, "bins", &bundle->bins) || bundle->bins == 0 ||
      !get_uint (grid, "binSize", &bundle->bin_size) || bundle->bin_size == 0 ||
      bin_unit == NULL || *bin_unit == '\0')
    {
      incompatible (error, "manifest.json: grid needs bins, binSize and binUnit");
      return NULL;
    }
  bundle->bin_unit = g_strdup (bin_unit);

  files = rb_json_get_array (root, "files");
  if (files == NULL)
    {
      incompatible (error, "manifest.json: files is missing");
      return NULL;
    }
  if (!parse_files (bundle, files, error))
    return NULL;

  warnings = rb_json_get_array (root, "warnings");
  bundle->warning_count = warnings != NULL ? json_array_get_length (warnings) : 0;

  autocapture_path = g_build_filename (dir, "autocapture.json", NULL);
  autocapture = rb_json_parse_file (autocapture_path, "autocapture.json", NULL);
  if (autocapture != NULL && JSON_NODE_HOLDS_OBJECT (autocapture))
    auto_object = json_node_get_object (autocapture);
  provenance = rb_json_get_object (root, "provenance");

  if (auto_object != NULL)
    {
      bundle->source_run_id = g_strdup (rb_json_get_string (auto_object, "sourceRunId"));
      bundle->template_id = g_strdup (rb_json_get_string (auto_object, "templateId"));
      bundle->generated_at = g_strdup (rb_json_get_string (auto_object, "generatedAtUtc"));
      bundle->capture_key = g_strdup (rb_json_get_string (auto_object, "captureKey"));
    }
  if (provenance != NULL)
    {
      if (bundle->source_run_id == NULL)
        bundle->source_run_id = g_strdup (rb_json_get_string (provenance, "runId"));
      if (bundle->generated_at == NULL)
        bundle->generated_at = g_strdup (rb_json_get_string (provenance, "capturedAtUtc"));
    }

  return g_steal_pointer (&bundle);
}

guint
rb_bundle_get_bins (const RbBundle *bundle)
{
  g_return_val_if_fail (bundle != NULL, 0);
  return bundle->bins;
}

guint
rb_bundle_get_bin_size (const RbBundle *bundle)
{
  g_return_val_if_fail (bundle != NULL, 0);
  return bundle->bin_size;
}

const char *
rb_bundle_get_bin_unit (const RbBundle *bundle)
{
  g_return_val_if_fail (bundle != NULL, NULL);
  return bundle->bin_unit;
}

GPtrArray *
rb_bundle_get_files (const RbBundle *bundle)
{
  g_return_val_if_fail (bundle != NULL, NULL);
  return bundle->files;
}

guint
rb_bundle_get_warning_count (const RbBundle *bundle)
{
  g_return_val_if_fail (bundle != NULL, 0);
  return bundle->warning_count;
}

const char *
rb_bundle_get_source_run_id (const RbBundle *bundle)
{
  g_return_val_if_fail (bundle != NULL, NULL);
  return bundle->source_run_id;
}

const char *
rb_bundle_get_template_id (const RbBundle *bundle)
{
  g_return_val_if_fail (bundle != NULL, NULL);
  return bundle->template_id;
}

const char *
rb_bundle_get_generated_at (const RbBundle *bundle)
{
  g_return_val_if_fail (bundle != NULL, NULL);
  return bundle->generated_at;
}

const char *
rb_bundle_get_capture_key (const RbBundle *bundle)
{
  g_return_val_if_fail (bundle != NULL, NULL);
  return bundle->capture_key;
}

RbSeries *
rb_bundle_read_series (const RbBundle      *bundle,
                       const RbBundleFile  *file,
                       GError             **error)
{
  g_autofree char *path = NULL;
  RbSeries *series;

  g_return_val_if_fail (bundle != NULL, NULL);
  g_return_val_if_fail (file != NULL, NULL);

  if (!path_is_plain (file->path))
    {
      incompatible (error, "manifest.json names a file outside the bundle");
      return NULL;
    }
  path = g_build_filename (bundle->dir, file->path, NULL);
  series = rb_series_read_csv (path, file->path, error);
  if (series == NULL)
    return NULL;
  if (series->n_bins != file->points)
    {
      incompatible (error, "%s has %u values but manifest.json says %u",
                    file->path, series->n_bins, file->points);
      rb_series_free (series);
      return NULL;
    }
  return series;
}
