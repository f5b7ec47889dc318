/* rb-telemetry.c — explicit telemetry generation
 *
 * The capture (plan + files + manifest), the generation service (target
 * resolution, overwrite semantics, provenance, run-level state) and the
 * safety rules of formats.md "Concurrency and safety": one flock per
 * target, a temp folder beside it, one rename (or exchange) to publish.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE 1   /* syncfs */
#define G_LOG_DOMAIN "rb-telemetry"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rb-bundle.h"
#include "rb-data-dir.h"
#include "rb-error.h"
#include "rb-fs.h"
#include "rb-hash.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-model.h"
#include "rb-number.h"
#include "rb-run-store.h"
#include "rb-series.h"
#include "rb-telemetry.h"
#include "rb-template.h"
#include "rb-time.h"
#include "rb-yaml.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define MAX_SMALL_FILE (16 * 1024 * 1024)
#define DEFAULT_SEED   123
#define MAX_SERIES_FILE ((gsize) 512 * 1024 * 1024)

/* Request {{{ */

RbCaptureRequest *
rb_capture_request_new (const char *run_id)
{
  RbCaptureRequest *request = g_new0 (RbCaptureRequest, 1);

  request->run_id = g_strdup (run_id);
  request->gap_fill = RB_GAP_FILL_NONE;
  return request;
}

void
rb_capture_request_free (RbCaptureRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->run_id);
  g_free (request->capture_key);
  g_free (request->directory);
  g_free (request);
}

static gboolean
invalid (GError     **error,
         const char  *field,
         const char  *message)
{
  rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, field, "%s", message);
  return FALSE;
}

/* @member of @object as an object (absent/null = NULL, TRUE). */
static gboolean
get_section (JsonObject  *object,
             const char  *member,
             JsonObject **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *message = g_strdup_printf ("%s must be an object.", member);
      return invalid (error, member, message);
    }
  *out = json_node_get_object (node);
  return TRUE;
}

/* A string member (absent/null = NULL). */
static gboolean
get_string (JsonObject  *object,
            const char  *member,
            const char  *field,
            const char **out,
            GError     **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *message = g_strdup_printf ("%s must be a string.", field);
      return invalid (error, field, message);
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_boolean (JsonObject  *object,
             const char  *member,
             const char  *field,
             gboolean    *out,
             GError     **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *message = g_strdup_printf ("%s must be true or false.", field);
      return invalid (error, field, message);
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* output.directory: an absolute, normalised path of at most PATH_MAX bytes
 * whose last component is a plain name. Whether it lies under an allowed
 * root is checked when generating. */
static gboolean
validate_directory (const char  *directory,
                    GError     **error)
{
  const char *field = "output.directory";
  g_auto(GStrv) parts = NULL;
  gsize len = strlen (directory);

  if (len == 0 || len > 4000)
    return invalid (error, field, "output.directory must be an absolute path of at most 4000 bytes.");
  if (!g_path_is_absolute (directory))
    return invalid (error, field, "output.directory must be an absolute path.");
  if (!g_utf8_validate (directory, len, NULL))
    return invalid (error, field, "output.directory must be valid UTF-8.");
  parts = g_strsplit (directory + 1, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = parts[i];
      gboolean last = parts[i + 1] == NULL;

      if (*part == '\0' && last && i > 0)
        continue;   /* a trailing slash */
      if (*part == '\0' || strcmp (part, ".") == 0 || strcmp (part, "..") == 0)
        return invalid (error, field, "output.directory must not contain empty, \".\" or \"..\" components.");
      for (const char *p = part; *p != '\0'; p++)
        if ((guchar) *p < 0x20 || *p == '\\' || *p == '%')
          return invalid (error, field, "output.directory must not contain control characters, backslashes or percent signs.");
    }
  if (g_strv_length (parts) == 0 || strcmp (directory, "/") == 0)
    return invalid (error, field, "output.directory must name a folder below an allowed output root.");
  return TRUE;
}

RbCaptureRequest *
rb_capture_request_from_json (JsonNode  *body,
                              GError   **error)
{
  g_autoptr(RbCaptureRequest) request = NULL;
  JsonObject *root;
  JsonObject *source;
  JsonObject *output;
  JsonObject *options;
  const char *type = NULL;
  const char *run_id = NULL;
  const char *capture_key = NULL;
  const char *directory = NULL;
  const char *gap_fill = NULL;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      invalid (error, NULL, "The request body must be a JSON object.");
      return NULL;
    }
  root = json_node_get_object (body);
  request = rb_capture_request_new (NULL);

  if (!get_section (root, "source", &source, error) ||
      !get_section (root, "output", &output, error) ||
      !get_section (root, "options", &options, error))
    return NULL;

  if (source == NULL)
    {
      invalid (error, "source", "source is required: {\"type\": \"run\", \"runId\": …}.");
      return NULL;
    }
  if (!get_string (source, "type", "source.type", &type, error))
    return NULL;
  if (type != NULL && g_ascii_strcasecmp (type, "run") != 0)
    {
      invalid (error, "source.type", "source.type must be \"run\".");
      return NULL;
    }
  if (!get_string (source, "runId", "source.runId", &run_id, error))
    return NULL;
  if (run_id == NULL || *run_id == '\0')
    {
      invalid (error, "source.runId", "source.runId is required.");
      return NULL;
    }
  if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "source.runId", error))
    return NULL;
  request->run_id = g_strdup (run_id);

  if (!get_string (output, "captureKey", "output.captureKey", &capture_key, error) ||
      !get_boolean (output, "runScoped", "output.runScoped", &request->run_scoped, error) ||
      !get_string (output, "directory", "output.directory", &directory, error) ||
      !get_boolean (output, "overwrite", "output.overwrite", &request->overwrite, error))
    return NULL;
  if (capture_key != NULL)
    {
      if (!rb_ident_validate (RB_IDENT_CAPTURE_KEY, capture_key, -1, "output.captureKey", error))
        return NULL;
      request->capture_key = g_strdup (capture_key);
    }
  if (directory != NULL)
    {
      if (!validate_directory (directory, error))
        return NULL;
      request->directory = g_strdup (directory);
    }

  if (!get_string (options, "gapFill", "options.gapFill", &gap_fill, error) ||
      !get_boolean (options, "dryRun", "options.dryRun", &request->dry_run, error))
    return NULL;
  if (gap_fill == NULL || strcmp (gap_fill, "none") == 0)
    request->gap_fill = RB_GAP_FILL_NONE;
  else if (strcmp (gap_fill, "zero") == 0)
    request->gap_fill = RB_GAP_FILL_ZERO;
  else
    {
      invalid (error, "options.gapFill", "options.gapFill must be \"none\" or \"zero\".");
      return NULL;
    }

  return g_steal_pointer (&request);
}

RbCaptureRequest *
rb_capture_request_from_data (const char  *data,
                              gsize        len,
                              GError     **error)
{
  g_autoptr(JsonNode) body = rb_json_parse (data, len, "The request body", error);

  if (body == NULL)
    return NULL;
  return rb_capture_request_from_json (body, error);
}

/* }}} */

/* Result {{{ */

typedef struct
{
  char     *node_id;
  RbMetric  metric;
  char     *path;
} PlanFile;

struct _RbCaptureResult
{
  gboolean         dry_run;
  gboolean         generated;
  gboolean         already_exists;
  RbCaptureTarget  target;
  char            *capture_key;
  char            *capture_directory;
  char            *generated_at;
  char            *source_run_id;
  guint            file_count;
  GPtrArray       *files;      /* of PlanFile* (dry run) */
  GPtrArray       *warnings;   /* of RbWarning* */
};

static void
plan_file_free (PlanFile *file)
{
  g_free (file->node_id);
  g_free (file->path);
  g_free (file);
}

static RbCaptureResult *
capture_result_new (void)
{
  RbCaptureResult *result = g_new0 (RbCaptureResult, 1);

  result->files = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_file_free);
  result->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_warning_free);
  return result;
}

void
rb_capture_result_free (RbCaptureResult *result)
{
  if (result == NULL)
    return;
  g_free (result->capture_key);
  g_free (result->capture_directory);
  g_free (result->generated_at);
  g_free (result->source_run_id);
  g_ptr_array_unref (result->files);
  g_ptr_array_unref (result->warnings);
  g_free (result);
}

gboolean
rb_capture_result_is_dry_run (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->dry_run;
}

gboolean
rb_capture_result_get_generated (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->generated;
}

gboolean
rb_capture_result_get_already_exists (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->already_exists;
}

RbCaptureTarget
rb_capture_result_get_target (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, RB_CAPTURE_TARGET_RUN);
  return result->target;
}

const char *
rb_capture_result_get_capture_key (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->capture_key;
}

const char *
rb_capture_result_get_capture_directory (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->capture_directory;
}

const char *
rb_capture_result_get_generated_at (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->generated_at;
}

const char *
rb_capture_result_get_source_run_id (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->source_run_id;
}

guint
rb_capture_result_get_file_count (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, 0);
  return result->file_count;
}

GPtrArray *
rb_capture_result_get_warnings (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->warnings;
}

guint
rb_capture_result_get_http_status (RbCaptureResult *result)
{
  g_return_val_if_fail (result != NULL, 500);
  return result->already_exists ? 409 : 200;
}

static void
add_warning_json (JsonBuilder     *builder,
                  const RbWarning *warning)
{
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "code", warning->code);
  rb_json_add_string (builder, "message", warning->message);
  if (warning->node_id != NULL)
    rb_json_add_string (builder, "nodeId", warning->node_id);
  if (warning->bins != NULL)
    {
      json_builder_set_member_name (builder, "bins");
      json_builder_begin_array (builder);
      for (guint i = 0; i < warning->bins->len; i++)
        json_builder_add_int_value (builder, g_array_index (warning->bins, int, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

static void
add_warnings_json (JsonBuilder *builder,
                   GPtrArray   *warnings)
{
  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < warnings->len; i++)
    add_warning_json (builder, g_ptr_array_index (warnings, i));
  json_builder_end_array (builder);
}

JsonNode *
rb_capture_result_to_json (RbCaptureResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (builder);
  if (result->dry_run)
    {
      rb_json_add_bool (builder, "isDryRun", TRUE);
      json_builder_set_member_name (builder, "plan");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "captureKey", result->capture_key);
      rb_json_add_string (builder, "captureDirectory", result->capture_directory);
      json_builder_set_member_name (builder, "files");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->files->len; i++)
        {
          PlanFile *file = g_ptr_array_index (result->files, i);

          json_builder_begin_object (builder);
          rb_json_add_string (builder, "nodeId", file->node_id);
          rb_json_add_string (builder, "metric", rb_metric_to_name (file->metric));
          rb_json_add_string (builder, "path", file->path);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      add_warnings_json (builder, result->warnings);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "capture");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "captureKey", result->capture_key);
      rb_json_add_string (builder, "captureDirectory", result->capture_directory);
      rb_json_add_bool (builder, "generated", result->generated);
      rb_json_add_bool (builder, "alreadyExists", result->already_exists);
      rb_json_add_string (builder, "generatedAtUtc", result->generated_at);
      rb_json_add_string (builder, "sourceRunId", result->source_run_id);
      rb_json_add_int (builder, "files", result->file_count);
      add_warnings_json (builder, result->warnings);
      json_builder_end_object (builder);
      if (result->already_exists)
        {
          rb_json_add_string (builder, "error",
                              "A telemetry bundle already exists there. Send output.overwrite: true to replace it.");
          rb_json_add_string (builder, "code", rb_error_code_to_string (RB_ERROR_ALREADY_EXISTS));
        }
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* }}} */

/* Warnings {{{ */

static RbWarning *
warning_new (const char *code,
             const char *node_id,
             GArray     *bins,
             const char *format,
             ...) G_GNUC_PRINTF (4, 5);

static RbWarning *
warning_new (const char *code,
             const char *node_id,
             GArray     *bins,
             const char *format,
             ...)
{
  RbWarning *warning = g_new0 (RbWarning, 1);
  va_list args;

  va_start (args, format);
  warning->message = g_strdup_vprintf (format, args);
  va_end (args);
  warning->code = g_strdup (code);
  warning->node_id = g_strdup (node_id);
  warning->bins = bins != NULL ? g_array_ref (bins) : NULL;
  return warning;
}

/* "bin 3" or "bins 3, 4, 9" (at most 20 listed; every bin is in "bins"). */
static char *
describe_bins (GArray *bins)
{
  GString *out = g_string_new (bins->len == 1 ? "bin " : "bins ");

  for (guint i = 0; i < bins->len && i < 20; i++)
    g_string_append_printf (out, "%s%d", i > 0 ? ", " : "", g_array_index (bins, int, i));
  if (bins->len > 20)
    g_string_append_printf (out, " and %u more", bins->len - 20);
  return g_string_free (out, FALSE);
}

/* }}} */

/* Capture plan {{{ */

typedef struct
{
  char               *path;        /* file name in the bundle */
  const RbSeriesInfo *info;        /* owned by the run */
  RbSeries           *series;      /* after reading */
  GBytes             *csv;
  char               *hash;
} CaptureFile;

typedef struct
{
  char        *node_id;
  RbMetric     metric;
  CaptureFile *file;
} CaptureEntry;

typedef struct
{
  RbRun       *run;
  char        *run_dir;
  char        *run_dir_rel;      /* relative to the data folder */
  JsonObject  *run_json;         /* run.json */
  JsonObject  *manifest_json;    /* manifest.json, nullable */
  JsonObject  *model;            /* model/model.yaml, nullable */
  GPtrArray   *files;            /* of CaptureFile* */
  GPtrArray   *entries;          /* of CaptureEntry* */
  GPtrArray   *warnings;         /* of RbWarning* */
  JsonNode    *run_json_node;
  JsonNode    *manifest_node;
  JsonNode    *model_node;
  RbModel     *compiled;         /* the stored model compiled, nullable */
  gboolean     verbatim;         /* our engine wrote the series: canonical bytes */
} Capture;

static void
capture_file_free (CaptureFile *file)
{
  g_free (file->path);
  g_clear_pointer (&file->series, rb_series_free);
  g_clear_pointer (&file->csv, g_bytes_unref);
  g_free (file->hash);
  g_free (file);
}

static void
capture_entry_free (CaptureEntry *entry)
{
  g_free (entry->node_id);
  g_free (entry);
}

static void
capture_free (Capture *capture)
{
  if (capture == NULL)
    return;
  g_clear_object (&capture->run);
  g_free (capture->run_dir);
  g_free (capture->run_dir_rel);
  g_clear_pointer (&capture->run_json_node, json_node_unref);
  g_clear_pointer (&capture->manifest_node, json_node_unref);
  g_clear_pointer (&capture->model_node, json_node_unref);
  g_clear_pointer (&capture->compiled, rb_model_free);
  g_clear_pointer (&capture->files, g_ptr_array_unref);
  g_clear_pointer (&capture->entries, g_ptr_array_unref);
  g_clear_pointer (&capture->warnings, g_ptr_array_unref);
  g_free (capture);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Capture, capture_free)

/* A file name we may create inside a bundle folder. */
static gboolean
file_name_is_safe (const char *name)
{
  gsize len = name != NULL ? strlen (name) : 0;

  if (len == 0 || len > 200 || name[0] == '.')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return strstr (name, "..") == NULL &&
         strcmp (name, "manifest.json") != 0 && strcmp (name, "autocapture.json") != 0 &&
         strcmp (name, "telemetry-manifest.json") != 0 && strcmp (name, "capture-ref.json") != 0;
}

/* "<TopologyNodeId>_<metric lower-case>.csv" with anything unsafe as '_'. */
static char *
default_file_name (const char *node_id,
                   RbMetric    metric)
{
  g_autofree char *metric_lower = g_ascii_strdown (rb_metric_to_name (metric), -1);
  GString *out = g_string_new (NULL);

  for (const char *p = node_id; *p != '\0' && out->len < 150; p++)
    g_string_append_c (out, g_ascii_isalnum (*p) || *p == '-' || *p == '_' ? *p : '_');
  if (out->len == 0)
    g_string_append_c (out, '_');
  g_string_append_printf (out, "_%s.csv", metric_lower);
  return g_string_free (out, FALSE);
}

/* The model node a series id names: "pack_processed@PACK_PROCESSED@DEFAULT". */
static char *
series_node_id (const char *series_id)
{
  const char *at = strchr (series_id, '@');

  return at != NULL ? g_strndup (series_id, at - series_id) : g_strdup (series_id);
}

/* The `as` alias the model's outputs give @node_id: from the compiled model
 * (rb_model_get_output_alias, the one rule), or — for stored models our
 * compiler refuses (classes, FlowTime-only features) — from the outputs
 * list as written. */
static const char *
output_alias (Capture    *capture,
              const char *node_id)
{
  JsonArray *outputs;
  guint n;

  if (capture->compiled != NULL)
    return rb_model_get_output_alias (capture->compiled, node_id);

  outputs = capture->model != NULL ? rb_json_get_array (capture->model, "outputs") : NULL;
  n = outputs != NULL ? json_array_get_length (outputs) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (outputs, i);
      JsonObject *object;
      const char *series;
      const char *alias;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      series = rb_json_get_string (object, "series");
      alias = rb_json_get_string (object, "as");
      if (series != NULL && alias != NULL && strcmp (series, node_id) == 0)
        return alias;
    }
  return NULL;
}

static CaptureFile *
find_file_by_path (Capture    *capture,
                   const char *path)
{
  for (guint i = 0; i < capture->files->len; i++)
    {
      CaptureFile *file = g_ptr_array_index (capture->files, i);

      if (strcmp (file->path, path) == 0)
        return file;
    }
  return NULL;
}

/* The file for (@node_id, @metric) reading @info: the alias, else the
 * default name; two pairs with the same series and name share one file. */
static CaptureFile *
file_for (Capture            *capture,
          const char         *node_id,
          RbMetric            metric,
          const RbSeriesInfo *info)
{
  g_autofree char *model_node = series_node_id (info->id);
  const char *alias = output_alias (capture, model_node);
  g_autofree char *name = NULL;
  CaptureFile *file;

  if (alias != NULL && file_name_is_safe (alias))
    {
      file = find_file_by_path (capture, alias);
      if (file == NULL || file->info == info)
        name = g_strdup (alias);
    }
  if (name == NULL)
    {
      g_autofree char *base = default_file_name (node_id, metric);

      name = g_strdup (base);
      for (guint n = 2; (file = find_file_by_path (capture, name)) != NULL && file->info != info; n++)
        {
          g_free (name);
          name = g_strdup_printf ("%.*s-%u.csv", (int) (strlen (base) - 4), base, n);
        }
    }

  file = find_file_by_path (capture, name);
  if (file != NULL)
    return file;
  file = g_new0 (CaptureFile, 1);
  file->path = g_steal_pointer (&name);
  file->info = info;
  g_ptr_array_add (capture->files, file);
  return file;
}

static JsonNode *
read_json (const char  *dir,
           const char  *name,
           gboolean     required,
           GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = rb_json_parse_file (path, name, &local_error);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&node, json_node_unref);
      if (!required && (local_error == NULL ||
                        g_error_matches (local_error, RB_ERROR, RB_ERROR_NOT_FOUND)))
        return NULL;
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "%s",
                   local_error != NULL ? local_error->message : "is not a JSON object");
      if (local_error == NULL)
        {
          g_clear_error (error);
          g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "%s is not a JSON object", name);
        }
    }
  return node;
}

static JsonNode *
read_model (const char  *run_dir,
            RbModel    **compiled)
{
  g_autofree char *path = g_build_filename (run_dir, "model", "model.yaml", NULL);
  g_autoptr(GBytes) bytes = rb_fs_read_file (path, "model/model.yaml", MAX_SMALL_FILE, NULL);
  JsonNode *node;
  const char *data;
  gsize len;

  *compiled = NULL;
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  node = rb_yaml_parse (data, len, "model/model.yaml", NULL);
  if (node != NULL && !JSON_NODE_HOLDS_OBJECT (node))
    g_clear_pointer (&node, json_node_unref);
  if (node != NULL)
    *compiled = rb_model_parse (data, len, "model/model.yaml", NULL);
  return node;
}

/* Loads the source run and plans one entry per (topology node, metric). */
static Capture *
capture_plan (const char  *data_dir,
              const char  *run_id,
              GError     **error)
{
  g_autoptr(Capture) capture = g_new0 (Capture, 1);
  g_autoptr(RbRunStore) store = NULL;
  g_autofree char *real_data = NULL;
  GPtrArray *topology;
  const char *mode;

  if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "source.runId", error))
    return NULL;

  store = rb_run_store_new (data_dir);
  capture->run = rb_run_store_get (store, run_id, error);
  if (capture->run == NULL)
    return NULL;
  if (rb_run_get_load_error (capture->run) != NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "Run %s cannot be read: %s",
                   run_id, rb_run_get_load_error (capture->run)->message);
      return NULL;
    }
  capture->run_dir = g_strdup (rb_run_get_directory (capture->run));
  if (capture->run_dir == NULL || !rb_fs_path_is_inside (data_dir, capture->run_dir))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND, "Run %s was not found.", run_id);
      return NULL;
    }
  real_data = g_canonicalize_filename (data_dir, NULL);
  {
    g_autofree char *real_run = g_canonicalize_filename (capture->run_dir, NULL);

    if (g_str_has_prefix (real_run, real_data) && real_run[strlen (real_data)] == '/')
      capture->run_dir_rel = g_strdup (real_run + strlen (real_data) + 1);
    else
      capture->run_dir_rel = g_build_filename ("runs", run_id, NULL);
  }

  mode = rb_run_get_mode (capture->run);
  if (g_strcmp0 (mode, "simulation") != 0)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_SOURCE_NOT_SIMULATION,
                   "Run %s is a %s run; telemetry can only be generated from simulation runs.",
                   run_id, mode != NULL ? mode : "non-simulation");
      return NULL;
    }

  if (!rb_run_ensure_detail (capture->run))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "Run %s cannot be read: %s", run_id,
                   rb_run_get_diagnostic (capture->run) != NULL
                     ? rb_run_get_diagnostic (capture->run) : "its series index is unreadable");
      return NULL;
    }
  if (rb_run_get_diagnostic (capture->run) != NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "Run %s cannot be read: %s",
                   run_id, rb_run_get_diagnostic (capture->run));
      return NULL;
    }

  capture->run_json_node = read_json (capture->run_dir, "run.json", TRUE, error);
  if (capture->run_json_node == NULL)
    return NULL;
  capture->run_json = json_node_get_object (capture->run_json_node);
  capture->verbatim = g_str_has_prefix (rb_json_get_string (capture->run_json, "engineVersion") != NULL
                                          ? rb_json_get_string (capture->run_json, "engineVersion") : "",
                                        "runboard-");
  capture->manifest_node = read_json (capture->run_dir, "manifest.json", FALSE, NULL);
  if (capture->manifest_node != NULL)
    capture->manifest_json = json_node_get_object (capture->manifest_node);
  capture->model_node = read_model (capture->run_dir, &capture->compiled);
  if (capture->model_node != NULL)
    capture->model = json_node_get_object (capture->model_node);

  capture->files = g_ptr_array_new_with_free_func ((GDestroyNotify) capture_file_free);
  capture->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) capture_entry_free);
  capture->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_warning_free);

  topology = rb_run_get_topology (capture->run);
  for (guint i = 0; topology != NULL && i < topology->len; i++)
    {
      RbTopologyNode *node = g_ptr_array_index (topology, i);

      for (guint m = 0; m < RB_N_METRICS; m++)
        {
          const RbSeriesInfo *info;
          CaptureEntry *entry;

          if (node->metrics[m] == NULL || node->id == NULL || *node->id == '\0')
            continue;
          info = rb_run_find_series (capture->run, node->metrics[m]);
          if (info == NULL || info->path == NULL)
            continue;
          entry = g_new0 (CaptureEntry, 1);
          entry->node_id = g_strdup (node->id);
          entry->metric = (RbMetric) m;
          entry->file = file_for (capture, node->id, (RbMetric) m, info);
          g_ptr_array_add (capture->entries, entry);
        }
    }

  if (capture->entries->len == 0)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_NOTHING_TO_CAPTURE,
                   "Run %s has no topology series to capture.", run_id);
      return NULL;
    }
  return g_steal_pointer (&capture);
}

/* Work on every file of a capture, spread over the processors; the calling
 * thread reports progress as files complete. */
typedef gboolean (*FileJob) (Capture      *capture,
                             CaptureFile  *file,
                             gpointer      job_data,
                             GError      **error);

typedef struct
{
  Capture      *capture;
  FileJob       job;
  gpointer      job_data;
  GCancellable *cancellable;
  GAsyncQueue  *done;
  GMutex        mutex;
  GError       *error;
  gint          failed;
} Parallel;

static void
parallel_worker (gpointer item,
                 gpointer user_data)
{
  Parallel *parallel = user_data;
  GError *local_error = NULL;

  if (!g_atomic_int_get (&parallel->failed) &&
      !g_cancellable_is_cancelled (parallel->cancellable) &&
      !parallel->job (parallel->capture, item, parallel->job_data, &local_error))
    {
      g_mutex_lock (&parallel->mutex);
      if (parallel->error == NULL)
        parallel->error = local_error;
      else
        g_error_free (local_error);
      g_atomic_int_set (&parallel->failed, 1);
      g_mutex_unlock (&parallel->mutex);
    }
  g_async_queue_push (parallel->done, GINT_TO_POINTER (1));
}

static gboolean
run_parallel (Capture               *capture,
              FileJob                job,
              gpointer               job_data,
              RbCaptureProgressFunc  progress,
              gpointer               user_data,
              GCancellable          *cancellable,
              GError               **error)
{
  Parallel parallel = { capture, job, job_data, cancellable, NULL, { 0, }, NULL, 0 };
  guint n = capture->files->len;
  GThreadPool *pool;

  parallel.done = g_async_queue_new ();
  g_mutex_init (&parallel.mutex);
  pool = g_thread_pool_new (parallel_worker, &parallel,
                            (gint) CLAMP (g_get_num_processors (), 1, 8), FALSE, NULL);
  for (guint i = 0; i < n; i++)
    g_thread_pool_push (pool, g_ptr_array_index (capture->files, i), NULL);
  for (guint i = 0; i < n; i++)
    {
      g_async_queue_pop (parallel.done);
      if (progress != NULL && !g_atomic_int_get (&parallel.failed))
        progress (i + 1, n, user_data);
    }
  g_thread_pool_free (pool, FALSE, TRUE);
  g_async_queue_unref (parallel.done);
  g_mutex_clear (&parallel.mutex);

  if (parallel.error != NULL)
    {
      g_propagate_error (error, parallel.error);
      return FALSE;
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* For series our engine wrote (canonical "bin_index,value" rows, numbers
 * from the one formatter): checks the rows and finds NaN/±∞ and gaps without
 * converting every number. Returns a series whose finite values read as 0
 * (only its length, NaN/∞ and missing bins are used: the bytes are written
 * as they are), or NULL when the file needs the full parser. */
static RbSeries *
scan_canonical (const char *data,
                gsize       len)
{
  static const char header[] = "bin_index,value\n";
  const char *p = data + sizeof header - 1;
  const char *end = data + len;
  g_autoptr(GArray) special = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (guint));
  RbSeries *series;
  guint bin = 0;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *comma;
      guint index = 0;

      if (nl == NULL)
        return NULL;
      for (comma = p; comma < nl && g_ascii_isdigit (*comma); comma++)
        {
          if (index > G_MAXUINT / 10 - 1)
            return NULL;
          index = index * 10 + (guint) (*comma - '0');
        }
      if (comma == p || comma == nl || *comma != ',' || index != bin ||
          (comma - p > 1 && *p == '0'))
        return NULL;
      comma++;
      if (comma == nl)
        g_array_append_val (gaps, bin);
      else if (*comma == 'N' || *comma == 'I' || (*comma == '-' && comma + 1 < nl && comma[1] == 'I'))
        {
          if (!(nl - comma == 3 && memcmp (comma, "NaN", 3) == 0) &&
              !(nl - comma == 8 && memcmp (comma, "Infinity", 8) == 0) &&
              !(nl - comma == 9 && memcmp (comma, "-Infinity", 9) == 0))
            return NULL;
          g_array_append_val (special, bin);
        }
      else
        {
          for (const char *c = comma; c < nl; c++)
            if (!g_ascii_isdigit (*c) && *c != '.' && *c != '-' && *c != '+' && *c != 'E')
              return NULL;
        }
      bin++;
      p = nl + 1;
    }

  series = rb_series_new (bin);
  for (guint i = 0; i < special->len; i++)
    series->values[g_array_index (special, guint, i)] = NAN;
  if (gaps->len > 0)
    {
      series->missing = g_new0 (guint8, MAX (bin, 1));
      for (guint i = 0; i < gaps->len; i++)
        {
          series->values[g_array_index (gaps, guint, i)] = NAN;
          series->missing[g_array_index (gaps, guint, i)] = 1;
        }
    }
  return series;
}

/* Reads one series file: its values, and its bytes when they can be
 * written as they are. */
static gboolean
read_file_job (Capture      *capture,
               CaptureFile  *file,
               gpointer      job_data,
               GError      **error)
{
  static const char header[] = "bin_index,value\n";
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  RbGapFill fill = (RbGapFill) GPOINTER_TO_INT (job_data);
  const char *data;
  gsize len;

  if (strstr (file->info->path, "..") != NULL || g_path_is_absolute (file->info->path))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE,
                   "series/index.json names a file outside the run for %s", file->info->id);
      return FALSE;
    }
  path = g_build_filename (capture->run_dir, file->info->path, NULL);
  bytes = rb_fs_read_file (path, file->info->path, MAX_SERIES_FILE, &local_error);
  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &len);
      /* Our engine writes every series through the one formatter: its
       * bytes are already what series_to_csv() would make. */
      if (capture->verbatim && len >= sizeof header - 1 &&
          memcmp (data, header, sizeof header - 1) == 0)
        {
          RbSeries *scanned = scan_canonical (data, len);

          /* Filling changes values: that needs the real ones. */
          if (scanned != NULL && fill != RB_GAP_FILL_NONE)
            for (guint b = 0; b < scanned->n_bins; b++)
              if (isnan (scanned->values[b]))
                {
                  g_clear_pointer (&scanned, rb_series_free);
                  break;
                }
          if (scanned != NULL)
            {
              file->series = scanned;
              file->csv = g_steal_pointer (&bytes);
              return TRUE;
            }
        }
      file->series = rb_series_parse_csv (data, len, file->info->path, &local_error);
    }
  if (file->series == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Reads every file's series (once per file) and collects the warnings of
 * every entry; with @gap_fill zero, NaN/±∞ and gaps become 0. */
static gboolean
capture_read (Capture       *capture,
              RbGapFill      gap_fill,
              GCancellable  *cancellable,
              GError       **error)
{
  if (!run_parallel (capture, read_file_job, GINT_TO_POINTER (gap_fill), NULL, NULL, cancellable, error))
    return FALSE;

  for (guint i = 0; i < capture->entries->len; i++)
    {
      CaptureEntry *entry = g_ptr_array_index (capture->entries, i);
      RbSeries *series = entry->file->series;
      const char *metric = rb_metric_to_name (entry->metric);
      g_autoptr(GArray) nan_bins = g_array_new (FALSE, FALSE, sizeof (int));
      g_autoptr(GArray) gap_bins = g_array_new (FALSE, FALSE, sizeof (int));

      if (entry->file->info->points > 0 && series->n_bins != entry->file->info->points)
        g_ptr_array_add (capture->warnings,
                         warning_new ("length_mismatch", NULL, NULL,
                                      "Series '%s' contained %u points but expected %u.",
                                      entry->file->info->path, series->n_bins,
                                      entry->file->info->points));

      for (guint b = 0; b < series->n_bins; b++)
        {
          int bin = (int) b;

          if (rb_series_is_missing (series, b))
            g_array_append_val (gap_bins, bin);
          else if (!isfinite (series->values[b]))
            g_array_append_val (nan_bins, bin);
        }

      if (nan_bins->len > 0)
        {
          g_autofree char *bins = describe_bins (nan_bins);

          if (gap_fill == RB_GAP_FILL_ZERO)
            g_ptr_array_add (capture->warnings,
                             warning_new ("nan_fill", entry->node_id, nan_bins,
                                          "Filled NaN/∞ with 0 at %s for %s:%s.",
                                          bins, entry->node_id, metric));
          else
            g_ptr_array_add (capture->warnings,
                             warning_new ("nan_detected", entry->node_id, nan_bins,
                                          "Detected NaN/∞ at %s for %s:%s.",
                                          bins, entry->node_id, metric));
        }
      if (gap_bins->len > 0)
        {
          g_autofree char *bins = describe_bins (gap_bins);

          g_ptr_array_add (capture->warnings,
                           warning_new ("data_gap", entry->node_id, gap_bins,
                                        gap_fill == RB_GAP_FILL_ZERO
                                          ? "Filled missing value with 0 at %s for %s:%s."
                                          : "Missing value at %s for %s:%s.",
                                        bins, entry->node_id, metric));
        }
    }

  if (gap_fill == RB_GAP_FILL_ZERO)
    {
      for (guint i = 0; i < capture->files->len; i++)
        {
          CaptureFile *file = g_ptr_array_index (capture->files, i);
          RbSeries *series = file->series;
          gboolean changed = FALSE;

          for (guint b = 0; b < series->n_bins; b++)
            if (!isfinite (series->values[b]) || rb_series_is_missing (series, b))
              {
                series->values[b] = 0;
                changed = TRUE;
              }
          g_clear_pointer (&series->missing, g_free);
          if (changed)
            g_clear_pointer (&file->csv, g_bytes_unref);
        }
    }
  return TRUE;
}

/* "bin_index,value\n0,12\n…" — rb_series_to_csv's bytes, built without
 * printf (a capture formats millions of values). */
static GBytes *
series_to_csv (const RbSeries *series)
{
  GString *out = g_string_sized_new (16 + (gsize) series->n_bins * 12);
  char buf[RB_NUMBER_BUF_SIZE];

  g_string_append (out, "bin_index,value\n");
  for (guint i = 0; i < series->n_bins; i++)
    {
      char digits[16];
      guint n = i;
      int d = sizeof digits;

      do
        {
          digits[--d] = (char) ('0' + n % 10);
          n /= 10;
        }
      while (n > 0);
      g_string_append_len (out, digits + d, sizeof digits - d);
      g_string_append_c (out, ',');
      if (!rb_series_is_missing (series, i))
        g_string_append_len (out, buf, rb_number_format (series->values[i], buf));
      g_string_append_c (out, '\n');
    }
  return g_string_free_to_bytes (out);
}

/* }}} */

/* Documents {{{ */

static const char *
window_start (JsonObject *model)
{
  JsonObject *grid = model != NULL ? rb_json_get_object (model, "grid") : NULL;
  JsonObject *window = model != NULL ? rb_json_get_object (model, "window") : NULL;
  const char *candidates[3];

  candidates[0] = grid != NULL ? rb_json_get_string (grid, "startTimeUtc") : NULL;
  candidates[1] = grid != NULL ? rb_json_get_string (grid, "start") : NULL;
  candidates[2] = window != NULL ? rb_json_get_string (window, "start") : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autoptr(GDateTime) time = NULL;

      if (candidates[i] == NULL)
        continue;
      time = rb_time_parse (candidates[i]);
      if (time != NULL)
        return candidates[i];
    }
  return NULL;
}

static const char *
valid_hash_or_null (const char *hash)
{
  if (hash == NULL || strlen (hash) != 71 || !g_str_has_prefix (hash, "sha256:"))
    return NULL;
  for (const char *p = hash + 7; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return NULL;
  return hash;
}

static const char *
scenario_hash (Capture *capture)
{
  const char *hash = valid_hash_or_null (rb_json_get_string (capture->run_json, "scenarioHash"));

  if (hash == NULL && capture->manifest_json != NULL)
    hash = valid_hash_or_null (rb_json_get_string (capture->manifest_json, "scenarioHash"));
  return hash;
}

static gint64
rng_seed (Capture *capture)
{
  JsonObject *rng = capture->manifest_json != NULL
                    ? rb_json_get_object (capture->manifest_json, "rng") : NULL;
  JsonNode *seed = rng != NULL ? json_object_get_member (rng, "seed") : NULL;

  if (seed != NULL && JSON_NODE_HOLDS_VALUE (seed) &&
      json_node_get_value_type (seed) == G_TYPE_INT64)
    return json_node_get_int (seed);
  return DEFAULT_SEED;
}

static JsonNode *
build_manifest (Capture    *capture,
                const char *captured_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *start = window_start (capture->model);
  const char *unit = rb_run_get_bin_unit (capture->run);
  guint bins = rb_run_get_bins (capture->run);
  guint bin_size = rb_run_get_bin_size (capture->run);
  const char *scenario = scenario_hash (capture);
  const char *model_hash = valid_hash_or_null (rb_json_get_string (capture->run_json, "modelHash"));
  g_autofree char *fallback_scenario = NULL;
  gint64 factor = 0;

  if (g_strcmp0 (unit, "minutes") == 0)
    factor = 1;
  else if (g_strcmp0 (unit, "hours") == 0)
    factor = 60;
  else if (g_strcmp0 (unit, "days") == 0)
    factor = 1440;

  if (scenario == NULL)
    {
      /* Older runs may lack it; the schema requires one: the run id's. */
      fallback_scenario = rb_hash_string (rb_run_get_run_id (capture->run));
      scenario = fallback_scenario;
    }

  json_builder_begin_object (builder);
  rb_json_add_int (builder, "schemaVersion", 2);
  json_builder_set_member_name (builder, "window");
  json_builder_begin_object (builder);
  if (start != NULL)
    rb_json_add_string (builder, "startTimeUtc", start);
  if (factor > 0)
    rb_json_add_int (builder, "durationMinutes", (gint64) bins * bin_size * factor);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "grid");
  json_builder_begin_object (builder);
  rb_json_add_int (builder, "bins", MAX (bins, 1));
  rb_json_add_int (builder, "binSize", MAX (bin_size, 1));
  rb_json_add_string (builder, "binUnit", unit != NULL && *unit != '\0' ? unit : "minutes");
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < capture->entries->len; i++)
    {
      CaptureEntry *entry = g_ptr_array_index (capture->entries, i);

      json_builder_begin_object (builder);
      rb_json_add_string (builder, "nodeId", entry->node_id);
      rb_json_add_string (builder, "metric", rb_metric_to_name (entry->metric));
      rb_json_add_string (builder, "path", entry->file->path);
      rb_json_add_string (builder, "hash", entry->file->hash);
      rb_json_add_int (builder, "points", entry->file->series->n_bins);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_warnings_json (builder, capture->warnings);

  json_builder_set_member_name (builder, "provenance");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "runId", rb_run_get_run_id (capture->run));
  rb_json_add_string (builder, "scenarioHash", scenario);
  if (model_hash != NULL)
    rb_json_add_string (builder, "modelHash", model_hash);
  rb_json_add_string (builder, "capturedAtUtc", captured_at);
  json_builder_end_object (builder);

  rb_json_add_bool (builder, "supportsClassMetrics", FALSE);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* sha256 of {"templateId":…,"templateVersion":…,"rngSeed":…,"parameters":{sorted}} */
static char *
parameters_hash (Capture *capture)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *compact = NULL;
  JsonObject *parameters = rb_run_get_parameters (capture->run);
  g_autoptr(GList) members = json_object_get_members (parameters);

  for (GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (names, l->data);
  g_ptr_array_sort (names, compare_strings);

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "templateId", rb_run_get_template_id (capture->run));
  rb_json_add_string (builder, "templateVersion", rb_run_get_template_version (capture->run));
  rb_json_add_int (builder, "rngSeed", rng_seed (capture));
  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_object (builder);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      json_builder_set_member_name (builder, name);
      json_builder_add_value (builder, json_node_copy (json_object_get_member (parameters, name)));
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  compact = rb_json_to_compact (root);
  return rb_hash_string (compact);
}

static JsonNode *
build_autocapture (Capture    *capture,
                   const char *capture_key,
                   const char *generated_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *params = parameters_hash (capture);
  const char *scenario = scenario_hash (capture);

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "templateId", rb_run_get_template_id (capture->run));
  rb_json_add_string (builder, "captureKey", capture_key);
  rb_json_add_string (builder, "sourceRunId", rb_run_get_run_id (capture->run));
  rb_json_add_string (builder, "generatedAtUtc", generated_at);
  rb_json_add_int (builder, "rngSeed", rng_seed (capture));
  rb_json_add_string (builder, "parametersHash", params);
  rb_json_add_string (builder, "scenarioHash", scenario != NULL ? scenario : "");
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
build_capture_ref (RbCaptureTarget  target,
                   const char      *capture_key,
                   const char      *generated_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  static const char * const names[] = { "directory", "run", "key" };

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "target", names[target]);
  rb_json_add_string (builder, "captureKey", capture_key);
  rb_json_add_string (builder, "generatedAtUtc", generated_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* }}} */

/* Files and folders {{{ */

static gboolean
set_io_error (GError     **error,
              const char  *what,
              int          saved_errno)
{
  g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL, "Could not %s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

/* Writes @data to @dir_fd/@name (the folder is synced as a whole later). */
static gboolean
write_file_at (int           dir_fd,
               const char   *name,
               const void   *data,
               gsize         len,
               GError      **error)
{
  const char *p = data;
  int fd = openat (dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      g_autofree char *what = g_strdup_printf ("write %s", name);
      return set_io_error (error, what, errno);
    }
  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0)
        {
          int saved_errno = errno;
          g_autofree char *what = NULL;

          if (saved_errno == EINTR)
            continue;
          close (fd);
          what = g_strdup_printf ("write %s", name);
          return set_io_error (error, what, saved_errno);
        }
      p += n;
      len -= n;
    }
  if (close (fd) != 0)
    {
      g_autofree char *what = g_strdup_printf ("write %s", name);
      return set_io_error (error, what, errno);
    }
  return TRUE;
}

static gboolean
write_json_at (int          dir_fd,
               const char  *name,
               JsonNode    *node,
               GError     **error)
{
  gsize len = 0;
  g_autofree char *data = rb_json_to_data (node, &len);

  return write_file_at (dir_fd, name, data, len, error);
}

/* rm -rf without following symlinks. */
static void
remove_tree (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      if (dir != NULL)
        g_dir_close (dir);
      g_rmdir (path);
    }
  else
    {
      g_unlink (path);
    }
}

static void
fsync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      (void) fsync (fd);
      close (fd);
    }
}

/* A fresh ".<name>.<kind>-XXXXXX" path in @parent that does not exist. */
static char *
sibling_name (const char *parent,
              const char *name,
              const char *kind)
{
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  for (;;)
    {
      char suffix[7];
      g_autofree char *path = NULL;

      for (guint i = 0; i < 6; i++)
        suffix[i] = chars[g_random_int_range (0, sizeof chars - 1)];
      suffix[6] = '\0';
      path = g_strdup_printf ("%s/.%s.%s-%s", parent, name, kind, suffix);
      if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        return g_steal_pointer (&path);
    }
}

/* Holds "<parent>/.<name>.lock" (flock: threads and processes alike). */
static int
lock_target (const char  *parent,
             const char  *name,
             GError     **error)
{
  g_autofree char *path = g_strdup_printf ("%s/.%s.lock", parent, name);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

  if (fd < 0)
    {
      set_io_error (error, "lock the telemetry bundle", errno);
      return -1;
    }
  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          int saved_errno = errno;

          close (fd);
          set_io_error (error, "lock the telemetry bundle", saved_errno);
          return -1;
        }
    }
  return fd;
}

static void
unlock_target (int fd)
{
  if (fd >= 0)
    close (fd);   /* releases the flock */
}

/* Under the lock: put back a bundle a crash left as ".<name>.old-*" (the
 * fallback swap had moved the old bundle away and died before moving the
 * new one in), then remove every other leftover temp and old folder. */
static void
recover_leftovers (const char *parent,
                   const char *name,
                   const char *target)
{
  g_autofree char *tmp_prefix = g_strdup_printf (".%s.tmp-", name);
  g_autofree char *old_prefix = g_strdup_printf (".%s.old-", name);
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (parent, 0, NULL);
  const char *entry;
  gboolean target_exists = g_file_test (target, G_FILE_TEST_EXISTS);

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_prefix (entry, tmp_prefix) && !g_str_has_prefix (entry, old_prefix))
        continue;
      if (strlen (entry) != strlen (tmp_prefix) + 6)
        continue;
      if (!target_exists && g_str_has_prefix (entry, old_prefix))
        {
          g_autofree char *old = g_build_filename (parent, entry, NULL);

          if (g_rename (old, target) == 0)
            {
              g_message ("Recovered the telemetry bundle %s left aside by an interrupted swap", name);
              target_exists = TRUE;
              continue;
            }
        }
      g_ptr_array_add (stale, g_build_filename (parent, entry, NULL));
    }
  if (dir != NULL)
    g_dir_close (dir);

  for (guint i = 0; i < stale->len; i++)
    remove_tree (g_ptr_array_index (stale, i));
}

static int
rename_exchange (const char *from,
                 const char *to)
{
#ifdef SYS_renameat2
  return (int) syscall (SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE);
#else
  errno = ENOSYS;
  return -1;
#endif
}

/* Publishes @tmp as @target with one rename; the previous bundle (if any)
 * is removed afterwards. */
static gboolean
swap_in (const char  *parent,
         const char  *name,
         const char  *tmp,
         const char  *target,
         GError     **error)
{
  struct stat st;

  if (lstat (target, &st) != 0)
    {
      if (g_rename (tmp, target) != 0)
        return set_io_error (error, "publish the telemetry bundle", errno);
      fsync_dir (parent);
      return TRUE;
    }

  if (rename_exchange (tmp, target) == 0)
    {
      fsync_dir (parent);
      remove_tree (tmp);   /* now the previous bundle */
      return TRUE;
    }
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return set_io_error (error, "replace the telemetry bundle", errno);

  /* No exchange on this filesystem: old aside, new in, old gone. A crash
   * in between is repaired by recover_leftovers() under the lock. */
  {
    g_autofree char *old = sibling_name (parent, name, "old");

    if (g_rename (target, old) != 0)
      return set_io_error (error, "replace the telemetry bundle", errno);
    if (g_rename (tmp, target) != 0)
      {
        int saved_errno = errno;

        (void) g_rename (old, target);
        return set_io_error (error, "replace the telemetry bundle", saved_errno);
      }
    fsync_dir (parent);
    remove_tree (old);
  }
  return TRUE;
}

/* }}} */

/* Generation {{{ */

typedef struct
{
  RbCaptureTarget  kind;
  char            *path;        /* the bundle folder */
  char            *parent;
  char            *name;
  char            *capture_key; /* nullable */
  char            *relative;    /* nullable: relative to the data folder */
} Target;

static void
target_clear (Target *target)
{
  g_free (target->path);
  g_free (target->parent);
  g_free (target->name);
  g_free (target->capture_key);
  g_free (target->relative);
}

/* The template's metadata.captureKey: the run's stored model first (the
 * template copies it there), else the catalogue's template of that id. */
static char *
template_capture_key (const char *data_dir,
                      Capture    *capture)
{
  JsonObject *metadata = capture->model != NULL ? rb_json_get_object (capture->model, "metadata") : NULL;
  const char *key = metadata != NULL ? rb_json_get_string (metadata, "captureKey") : NULL;
  const char *template_id = rb_run_get_template_id (capture->run);

  if (key != NULL)
    return rb_ident_is_valid (RB_IDENT_CAPTURE_KEY, key) ? g_strdup (key) : NULL;
  if (template_id != NULL && rb_ident_is_valid (RB_IDENT_TEMPLATE_ID, template_id))
    {
      g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (data_dir);
      g_autoptr(RbTemplate) template = rb_template_catalog_get (catalog, template_id, NULL);

      key = template != NULL ? rb_template_get_capture_key (template) : NULL;
      if (key != NULL && rb_ident_is_valid (RB_IDENT_CAPTURE_KEY, key))
        return g_strdup (key);
    }
  return NULL;
}

static gboolean
resolve_target (const char              *data_dir,
                const char * const      *allowed_roots,
                const RbCaptureRequest  *request,
                Capture                 *capture,
                Target                  *target,
                GError                 **error)
{
  g_autofree char *template_key = NULL;
  const char *key = NULL;

  memset (target, 0, sizeof *target);

  if (request->directory != NULL)
    {
      g_autofree char *canonical = NULL;
      gboolean allowed = FALSE;

      if (!validate_directory (request->directory, error))
        return FALSE;
      canonical = g_canonicalize_filename (request->directory, NULL);
      target->kind = RB_CAPTURE_TARGET_DIRECTORY;
      target->path = g_strdup (canonical);
      target->parent = g_path_get_dirname (canonical);
      target->name = g_path_get_basename (canonical);
      target->capture_key = g_strdup (request->capture_key);
      for (guint i = 0; allowed_roots != NULL && allowed_roots[i] != NULL; i++)
        {
          g_autofree char *root = g_canonicalize_filename (allowed_roots[i], NULL);

          /* Strictly below the root: its lock and temp folders live in
           * the parent, which must be inside too. */
          if (strcmp (root, canonical) != 0 &&
              g_file_test (root, G_FILE_TEST_IS_DIR) &&
              rb_fs_path_is_inside (root, target->parent) &&
              rb_fs_path_is_inside (root, canonical))
            allowed = TRUE;
        }
      if (!allowed || target->name[0] == '.')
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "output.directory", "%s",
                              "output.directory is not below a folder the server allows for output "
                              "(--allow-output-root).");
          return FALSE;
        }
      return TRUE;
    }

  if (request->run_scoped)
    key = NULL;
  else if (request->capture_key != NULL)
    key = request->capture_key;
  else
    key = template_key = template_capture_key (data_dir, capture);

  if (key != NULL)
    {
      if (!rb_ident_validate (RB_IDENT_CAPTURE_KEY, key, -1, "output.captureKey", error))
        return FALSE;
      target->kind = RB_CAPTURE_TARGET_KEY;
      target->parent = g_build_filename (data_dir, "telemetry", NULL);
      target->name = g_strdup (key);
      target->path = g_build_filename (target->parent, key, NULL);
      target->capture_key = g_strdup (key);
      target->relative = g_build_filename ("telemetry", key, NULL);
    }
  else
    {
      target->kind = RB_CAPTURE_TARGET_RUN;
      target->parent = g_build_filename (capture->run_dir, "model", NULL);
      target->name = g_strdup ("telemetry");
      target->path = g_build_filename (target->parent, "telemetry", NULL);
      target->relative = g_build_filename (capture->run_dir_rel, "model", "telemetry", NULL);
    }
  if (!rb_fs_path_is_inside (data_dir, target->path))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "output.captureKey", "%s",
                          "The telemetry bundle would lie outside the data folder.");
      return FALSE;
    }
  return TRUE;
}

static RbCaptureResult *
result_for_target (const Target *target)
{
  RbCaptureResult *result = capture_result_new ();

  result->target = target->kind;
  result->capture_key = g_strdup (target->capture_key);
  result->capture_directory = g_strdup (target->relative);
  return result;
}

static RbCaptureResult *
already_exists_result (const Target *target,
                       const char   *run_id)
{
  g_autoptr(RbBundle) bundle = rb_bundle_load (target->path, NULL);
  g_autofree char *manifest_path = g_build_filename (target->path, "manifest.json", NULL);
  g_autoptr(JsonNode) manifest = rb_json_parse_file (manifest_path, "manifest.json", NULL);
  RbCaptureResult *result = result_for_target (target);
  JsonArray *warnings = NULL;

  result->already_exists = TRUE;
  if (bundle != NULL)
    {
      result->generated_at = g_strdup (rb_bundle_get_generated_at (bundle));
      result->source_run_id = g_strdup (rb_bundle_get_source_run_id (bundle));
      result->file_count = rb_bundle_get_files (bundle)->len;
    }
  if (result->source_run_id == NULL)
    result->source_run_id = g_strdup (run_id);
  if (manifest != NULL && JSON_NODE_HOLDS_OBJECT (manifest))
    warnings = rb_json_get_array (json_node_get_object (manifest), "warnings");
  for (guint i = 0; warnings != NULL && i < json_array_get_length (warnings); i++)
    {
      JsonNode *element = json_array_get_element (warnings, i);
      JsonObject *object;
      JsonArray *bins;
      RbWarning *warning;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      warning = g_new0 (RbWarning, 1);
      warning->code = g_strdup (rb_json_get_string (object, "code"));
      warning->message = g_strdup (rb_json_get_string (object, "message"));
      warning->node_id = g_strdup (rb_json_get_string (object, "nodeId"));
      bins = rb_json_get_array (object, "bins");
      if (bins != NULL)
        {
          warning->bins = g_array_new (FALSE, FALSE, sizeof (int));
          for (guint b = 0; b < json_array_get_length (bins); b++)
            {
              int bin = (int) json_array_get_int_element (bins, b);
              g_array_append_val (warning->bins, bin);
            }
        }
      if (warning->code == NULL)
        warning->code = g_strdup ("unknown");
      if (warning->message == NULL)
        warning->message = g_strdup ("");
      g_ptr_array_add (result->warnings, warning);
    }
  return result;
}

/* Writes the run's telemetry-manifest.json and capture-ref.json into @dir_fd. */
static gboolean
write_run_state_at (int          dir_fd,
                    JsonNode    *manifest,
                    JsonNode    *ref,
                    GError     **error)
{
  return write_json_at (dir_fd, "telemetry-manifest.json", manifest, error) &&
         write_json_at (dir_fd, "capture-ref.json", ref, error);
}

/* For key and directory targets: the run's state, file by file, under the
 * run's lock (taken after the target's). */
static gboolean
write_run_state (Capture     *capture,
                 JsonNode    *manifest,
                 JsonNode    *ref,
                 GError     **error)
{
  g_autofree char *model_dir = g_build_filename (capture->run_dir, "model", NULL);
  g_autofree char *telemetry_dir = g_build_filename (model_dir, "telemetry", NULL);
  g_autofree char *manifest_path = g_build_filename (telemetry_dir, "telemetry-manifest.json", NULL);
  g_autofree char *ref_path = g_build_filename (telemetry_dir, "capture-ref.json", NULL);
  gboolean ok;
  int lock;

  if (g_mkdir_with_parents (model_dir, 0755) != 0)
    return set_io_error (error, "create the run's model folder", errno);
  lock = lock_target (model_dir, "telemetry", error);
  if (lock < 0)
    return FALSE;
  recover_leftovers (model_dir, "telemetry", telemetry_dir);
  /* A writer killed mid-write left its temp files; every writer of these
   * two holds this lock, so none of them is in progress. */
  rb_fs_remove_stale_temps (manifest_path, 0);
  rb_fs_remove_stale_temps (ref_path, 0);
  ok = (g_mkdir_with_parents (telemetry_dir, 0755) == 0 ||
        set_io_error (error, "create the run's telemetry folder", errno)) &&
       rb_fs_write_json_atomic (manifest_path, manifest, error) &&
       rb_fs_write_json_atomic (ref_path, ref, error);
  unlock_target (lock);
  return ok;
}

static gboolean
write_file_job (Capture      *capture,
                CaptureFile  *file,
                gpointer      job_data,
                GError      **error)
{
  int dir_fd = GPOINTER_TO_INT (job_data);
  g_autoptr(GBytes) csv = NULL;

  csv = file->csv != NULL ? g_bytes_ref (file->csv) : series_to_csv (file->series);
  file->hash = rb_hash_bytes (csv);
  return write_file_at (dir_fd, file->path, g_bytes_get_data (csv, NULL),
                        g_bytes_get_size (csv), error);
}

static gboolean
build_bundle (Capture                 *capture,
              const Target            *target,
              const char              *tmp,
              const char              *generated_at,
              RbCaptureProgressFunc    progress,
              gpointer                 user_data,
              GCancellable            *cancellable,
              JsonNode               **out_manifest,
              GError                 **error)
{
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(JsonNode) autocapture = NULL;
  int dir_fd;
  gboolean ok = TRUE;

  dir_fd = open (tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dir_fd < 0)
    return set_io_error (error, "open the temporary bundle folder", errno);

  ok = run_parallel (capture, write_file_job, GINT_TO_POINTER (dir_fd), progress, user_data,
                     cancellable, error);

  if (ok)
    {
      manifest = build_manifest (capture, generated_at);
      autocapture = build_autocapture (capture, target->capture_key, generated_at);
      ok = write_json_at (dir_fd, "manifest.json", manifest, error) &&
           write_json_at (dir_fd, "autocapture.json", autocapture, error);
    }
  if (ok && target->kind == RB_CAPTURE_TARGET_RUN)
    {
      g_autoptr(JsonNode) ref = build_capture_ref (target->kind, NULL, generated_at);

      ok = write_run_state_at (dir_fd, manifest, ref, error);
    }
  /* One sync for the whole folder before it becomes visible. */
  if (ok && syncfs (dir_fd) != 0)
    ok = set_io_error (error, "sync the telemetry bundle", errno);
  close (dir_fd);

  if (ok)
    *out_manifest = g_steal_pointer (&manifest);
  return ok;
}

static const char *
or_dash (const char *text)
{
  return text != NULL ? text : "-";
}

RbCaptureResult *
rb_telemetry_generate (const char              *data_dir,
                       const char * const      *allowed_output_roots,
                       const RbCaptureRequest  *request,
                       RbCaptureProgressFunc    progress,
                       gpointer                 user_data,
                       GCancellable            *cancellable,
                       GError                 **error)
{
  g_autoptr(Capture) capture = NULL;
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *generated_at = NULL;
  g_autofree char *manifest_path = NULL;
  Target target = { 0, };
  int lock = -1;
  gboolean ok = FALSE;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  /* Ids from outside are checked before any path exists. */
  if (request->run_id == NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "source.runId", "%s", "source.runId is required.");
      return NULL;
    }
  if (!rb_ident_validate (RB_IDENT_RUN_ID, request->run_id, -1, "source.runId", error) ||
      (request->capture_key != NULL &&
       !rb_ident_validate (RB_IDENT_CAPTURE_KEY, request->capture_key, -1, "output.captureKey", error)))
    return NULL;

  capture = capture_plan (data_dir, request->run_id, &local_error);
  if (capture == NULL)
    goto failed;
  if (!resolve_target (data_dir, allowed_output_roots, request, capture, &target, &local_error))
    goto failed;

  if (request->dry_run)
    {
      if (!capture_read (capture, request->gap_fill, cancellable, &local_error))
        goto failed;
      result = result_for_target (&target);
      result->dry_run = TRUE;
      result->source_run_id = g_strdup (rb_run_get_run_id (capture->run));
      result->file_count = capture->entries->len;
      for (guint i = 0; i < capture->entries->len; i++)
        {
          CaptureEntry *entry = g_ptr_array_index (capture->entries, i);
          PlanFile *file = g_new0 (PlanFile, 1);

          file->node_id = g_strdup (entry->node_id);
          file->metric = entry->metric;
          file->path = g_strdup (entry->file->path);
          g_ptr_array_add (result->files, file);
        }
      g_ptr_array_extend_and_steal (result->warnings, g_steal_pointer (&capture->warnings));
      capture->warnings = NULL;
      target_clear (&target);
      return g_steal_pointer (&result);
    }

  g_message ("Telemetry generation started: templateId=%s captureKey=%s runId=%s",
             or_dash (rb_run_get_template_id (capture->run)), or_dash (target.capture_key),
             request->run_id);

  if (g_mkdir_with_parents (target.parent, 0755) != 0)
    {
      set_io_error (&local_error, "create the telemetry folder", errno);
      goto failed;
    }
  lock = lock_target (target.parent, target.name, &local_error);
  if (lock < 0)
    goto failed;
  recover_leftovers (target.parent, target.name, target.path);

  manifest_path = g_build_filename (target.path, "manifest.json", NULL);
  if (!request->overwrite && g_file_test (manifest_path, G_FILE_TEST_EXISTS))
    {
      result = already_exists_result (&target, request->run_id);
      unlock_target (lock);
      g_message ("Telemetry bundle already exists: templateId=%s captureKey=%s runId=%s",
                 or_dash (rb_run_get_template_id (capture->run)), or_dash (target.capture_key),
                 request->run_id);
      target_clear (&target);
      return g_steal_pointer (&result);
    }
  /* Never replace a folder we did not write, overwrite or not. */
  if (target.kind == RB_CAPTURE_TARGET_DIRECTORY &&
      g_file_test (target.path, G_FILE_TEST_EXISTS) &&
      !g_file_test (manifest_path, G_FILE_TEST_EXISTS))
    {
      GDir *dir = g_dir_open (target.path, 0, NULL);
      gboolean empty = dir != NULL && g_dir_read_name (dir) == NULL;

      if (dir != NULL)
        g_dir_close (dir);
      if (!empty)
        {
          rb_set_error_field (&local_error, RB_ERROR_INVALID_REQUEST, "output.directory", "%s",
                              "output.directory exists and is not a telemetry bundle; "
                              "name a new or empty folder.");
          goto failed;
        }
    }

  if (!capture_read (capture, request->gap_fill, cancellable, &local_error))
    goto failed;

  tmp = g_strdup_printf ("%s/.%s.tmp-XXXXXX", target.parent, target.name);
  if (g_mkdtemp_full (tmp, 0755) == NULL)
    {
      set_io_error (&local_error, "create the temporary bundle folder", errno);
      g_clear_pointer (&tmp, g_free);
      goto failed;
    }

  generated_at = rb_time_now_string ();
  if (!build_bundle (capture, &target, tmp, generated_at, progress, user_data, cancellable,
                     &manifest, &local_error))
    goto failed;
  if (!swap_in (target.parent, target.name, tmp, target.path, &local_error))
    goto failed;
  g_clear_pointer (&tmp, g_free);

  if (target.kind != RB_CAPTURE_TARGET_RUN)
    {
      g_autoptr(JsonNode) ref = build_capture_ref (target.kind, target.capture_key, generated_at);

      if (!write_run_state (capture, manifest, ref, &local_error))
        goto failed;
    }
  unlock_target (lock);
  lock = -1;

  {
    g_autoptr(GError) stamp_error = NULL;

    if (!rb_data_dir_touch_stamp (data_dir, &stamp_error))
      g_warning ("Could not update the data folder stamp: %s", stamp_error->message);
  }

  result = result_for_target (&target);
  result->generated = TRUE;
  result->generated_at = g_strdup (generated_at);
  result->source_run_id = g_strdup (rb_run_get_run_id (capture->run));
  result->file_count = capture->entries->len;
  g_ptr_array_extend_and_steal (result->warnings, g_steal_pointer (&capture->warnings));
  capture->warnings = NULL;
  ok = TRUE;

  g_message ("Telemetry generation succeeded: templateId=%s captureKey=%s runId=%s files=%u warnings=%u",
             or_dash (rb_run_get_template_id (capture->run)), or_dash (target.capture_key),
             request->run_id, result->file_count, result->warnings->len);

failed:
  if (tmp != NULL)
    remove_tree (tmp);
  unlock_target (lock);
  if (!ok)
    {
      g_message ("Telemetry generation failed: templateId=%s captureKey=%s runId=%s: %s",
                 capture != NULL ? or_dash (rb_run_get_template_id (capture->run)) : "-",
                 or_dash (target.capture_key != NULL ? target.capture_key : request->capture_key),
                 request->run_id, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      target_clear (&target);
      return NULL;
    }
  target_clear (&target);
  return g_steal_pointer (&result);
}

/* }}} */

/* Listing {{{ */

static void
add_list_item (JsonBuilder *builder,
               const char  *capture_key,
               RbBundle    *bundle)
{
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "captureKey", capture_key);
  rb_json_add_string (builder, "sourceRunId", rb_bundle_get_source_run_id (bundle));
  rb_json_add_string (builder, "templateId", rb_bundle_get_template_id (bundle));
  rb_json_add_string (builder, "generatedAtUtc", rb_bundle_get_generated_at (bundle));
  rb_json_add_int (builder, "warningCount", rb_bundle_get_warning_count (bundle));
  json_builder_end_object (builder);
}

static GPtrArray *
sorted_entries (const char *dir_path,
                RbIdentKind kind)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (rb_ident_is_valid (kind, name))
      g_ptr_array_add (names, g_strdup (name));
  if (dir != NULL)
    g_dir_close (dir);
  g_ptr_array_sort (names, compare_strings);
  return names;
}

JsonNode *
rb_telemetry_list_captures (const char  *data_dir,
                            GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *telemetry_dir = NULL;
  g_autofree char *runs_dir = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) runs = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND, "The data folder does not exist.");
      return NULL;
    }
  telemetry_dir = g_build_filename (data_dir, "telemetry", NULL);
  runs_dir = g_build_filename (data_dir, "runs", NULL);
  keys = sorted_entries (telemetry_dir, RB_IDENT_CAPTURE_KEY);
  runs = sorted_entries (runs_dir, RB_IDENT_RUN_ID);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      g_autofree char *path = g_build_filename (telemetry_dir, key, NULL);
      g_autoptr(RbBundle) bundle = rb_bundle_load (path, NULL);

      if (bundle != NULL)
        add_list_item (builder, key, bundle);
    }
  for (guint i = 0; i < runs->len; i++)
    {
      const char *run_id = g_ptr_array_index (runs, i);
      g_autofree char *path = g_build_filename (runs_dir, run_id, "model", "telemetry", NULL);
      g_autoptr(RbBundle) bundle = rb_bundle_load (path, NULL);

      if (bundle != NULL)
        add_list_item (builder, NULL, bundle);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* }}} */

/* Removal path {{{ */

gboolean
rb_telemetry_generation_disabled (void)
{
  const char *env = g_getenv ("RUNBOARD_DISABLE_TELEMETRY_GENERATION");
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (env != NULL && strcmp (env, "1") == 0)
    return TRUE;
  source = g_settings_schema_source_get_default ();
  if (source == NULL)
    return FALSE;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "telemetry-generation-enabled"))
    return FALSE;
  settings = g_settings_new_full (schema, NULL, NULL);
  return !g_settings_get_boolean (settings, "telemetry-generation-enabled");
}

void
rb_telemetry_set_disabled_error (GError **error)
{
  g_set_error_literal (error, RB_ERROR, RB_ERROR_DISABLED,
                       "Telemetry generation is disabled on this installation.");
}

/* }}} */
