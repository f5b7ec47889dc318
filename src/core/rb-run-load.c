/* rb-run-load.c — reading a run directory into an RbRun (see rb-run.c for
 * what the summary and the detail read, and which broken files break a run)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-run"

#include "config.h"

#include <string.h>

#include "rb-error.h"
#include "rb-fs.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-run-private.h"
#include "rb-time.h"
#include "rb-yaml.h"

/* Models are small documents; anything larger is refused. */
#define RB_RUN_MAX_MODEL_SIZE (16 * 1024 * 1024)

/* Reading helpers {{{ */

static void
set_diagnostic (RbRun      *self,
                const char *message)
{
  if (_rb_run_rare (self)->diagnostic == NULL)
    _rb_run_rare (self)->diagnostic = g_strdup (message);
}

/* The first broken file wins: it is the one a person should fix first. */
static void
set_broken (RbRun      *self,
            const char *message)
{
  set_diagnostic (self, message);
  if (_rb_run_rare (self)->load_error == NULL)
    _rb_run_rare (self)->load_error = g_error_new_literal (RB_ERROR, RB_ERROR_RUN_UNREADABLE, message);
}

typedef enum
{
  READ_OK,
  READ_ABSENT,
  READ_BROKEN,
} ReadResult;

/* Parses <dir>/<rel> as a JSON object. A missing file is READ_ABSENT; any
 * other failure is READ_BROKEN with *message naming the file by @rel. */
static ReadResult
read_object (const char   *dir,
             const char   *rel,
             JsonNode    **out_node,
             char        **message)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  *out_node = NULL;
  node = rb_json_parse_file (path, rel, &error);
  if (node == NULL)
    {
      if (g_error_matches (error, RB_ERROR, RB_ERROR_NOT_FOUND))
        {
          if (message != NULL)
            *message = g_strdup (error->message);
          return READ_ABSENT;
        }
      if (message != NULL)
        *message = g_strdup (error->message);
      return READ_BROKEN;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      json_node_unref (node);
      if (message != NULL)
        *message = g_strdup_printf ("%s is not a JSON object", rel);
      return READ_BROKEN;
    }
  *out_node = node;
  return READ_OK;
}

/* A non-empty string member, or NULL. */
const char *
_rb_run_get_text (JsonObject *object,
          const char *member)
{
  const char *value;

  if (object == NULL)
    return NULL;
  value = rb_json_get_string (object, member);
  if (value == NULL || *value == '\0')
    return NULL;
  return value;
}

static void
take_text (char       **slot,
           JsonObject  *object,
           const char  *member)
{
  const char *value;

  if (*slot != NULL)
    return;
  value = _rb_run_get_text (object, member);
  if (value != NULL)
    *slot = g_strdup (value);
}

/* take_text for the shared fields (rb-run-private.h). */
static void
take_shared (char       **slot,
             JsonObject  *object,
             const char  *member)
{
  if (*slot == NULL)
    _rb_run_set_shared (slot, _rb_run_get_text (object, member));
}

static guint
array_length (JsonObject *object,
              const char *member)
{
  JsonArray *array = object != NULL ? rb_json_get_array (object, member) : NULL;

  return array != NULL ? json_array_get_length (array) : 0;
}

gboolean
_rb_run_parse_created (const char  *text,
               char       **out_text,
               gint64      *out_usec)
{
  g_autoptr(GDateTime) time = NULL;
  gsize len;

  if (text == NULL)
    return FALSE;
  time = rb_time_parse (text);
  if (time == NULL)
    return FALSE;
  len = strlen (text);
  /* Kept as written when it is already UTC with Z (FlowTime writes seven
   * fraction digits); other offsets are normalised to our form. */
  if (len > 0 && text[len - 1] == 'Z')
    *out_text = g_strdup (text);
  else
    *out_text = rb_time_format (time);
  *out_usec = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
  return TRUE;
}

/* run_YYYYMMDDTHHMMSSZ_… (FlowTime's generated ids). */
static gboolean
parse_created_from_id (const char  *run_id,
                       char       **out_text,
                       gint64      *out_usec)
{
  g_autoptr(GDateTime) time = NULL;
  const char *p;
  int v[6];
  static const int widths[6] = { 4, 2, 2, 2, 2, 2 };

  if (run_id == NULL || !g_str_has_prefix (run_id, "run_") || strlen (run_id) < 21)
    return FALSE;
  p = run_id + 4;
  for (guint i = 0; i < 6; i++)
    {
      v[i] = 0;
      for (int j = 0; j < widths[i]; j++, p++)
        {
          if (!g_ascii_isdigit (*p))
            return FALSE;
          v[i] = v[i] * 10 + (*p - '0');
        }
      if (i == 2)
        {
          if (*p != 'T')
            return FALSE;
          p++;
        }
    }
  if (p[0] != 'Z' || p[1] != '_')
    return FALSE;
  time = g_date_time_new_utc (v[0], v[1], v[2], v[3], v[4], v[5]);
  if (time == NULL)
    return FALSE;
  *out_text = rb_time_format (time);
  *out_usec = g_date_time_to_unix (time) * G_USEC_PER_SEC;
  return TRUE;
}

static void
read_grid (RbRun      *self,
           JsonObject *grid)
{
  gint64 bins, bin_size;

  if (grid == NULL)
    return;
  bins = rb_json_get_int (grid, "bins", -1);
  bin_size = rb_json_get_int (grid, "binSize", -1);
  if (bins < 0 || bins > G_MAXUINT || bin_size < 0 || bin_size > G_MAXUINT)
    return;
  self->has_grid = TRUE;
  self->bins = (guint) bins;
  self->bin_size = (guint) bin_size;
  _rb_run_set_shared (&self->bin_unit, _rb_run_get_text (grid, "binUnit"));
}

static RbWarning *
warning_from_node (JsonNode *node)
{
  RbWarning *warning;
  JsonObject *object;
  JsonArray *bins;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* TT-M-03.17 era and HEAD readers: a bare string is an engine warning. */
      warning = g_new0 (RbWarning, 1);
      warning->code = g_strdup ("engine_warning");
      warning->message = g_strdup (json_node_get_string (node));
      return warning;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  warning = g_new0 (RbWarning, 1);
  warning->code = g_strdup (_rb_run_get_text (object, "code"));
  if (warning->code == NULL)
    warning->code = g_strdup ("engine_warning");
  warning->message = g_strdup (rb_json_get_string (object, "message"));
  if (warning->message == NULL)
    warning->message = g_strdup ("");
  warning->node_id = g_strdup (_rb_run_get_text (object, "nodeId"));
  bins = rb_json_get_array (object, "bins");
  if (bins != NULL)
    {
      guint n = json_array_get_length (bins);

      warning->bins = g_array_sized_new (FALSE, FALSE, sizeof (int), n);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (bins, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_INT64)
            {
              gint64 value = json_node_get_int (element);

              if (value >= G_MININT && value <= G_MAXINT)
                {
                  int bin = (int) value;

                  g_array_append_val (warning->bins, bin);
                }
            }
        }
    }
  return warning;
}

void
_rb_run_read_warnings (RbRun     *self,
               JsonArray *array)
{
  guint n;

  g_ptr_array_set_size (_rb_run_warnings (self), 0);
  if (array == NULL)
    return;
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      RbWarning *warning = warning_from_node (json_array_get_element (array, i));

      if (warning != NULL)
        g_ptr_array_add (_rb_run_warnings (self), warning);
    }
}

void
_rb_run_set_parameters (RbRun      *self,
                JsonObject *parameters)
{
  if (parameters == NULL)
    return;
  g_clear_pointer (&_rb_run_rare (self)->parameters, json_object_unref);
  g_clear_pointer (&_rb_run_rare (self)->parameters_json, g_free);
  _rb_run_rare (self)->parameters = json_object_ref (parameters);
}

/* The data folder of a run directory: the parent of runs/, or the parent
 * itself for a run kept directly in the data folder (FlowTime 2025-10). */
static char *
derive_data_dir (const char *run_dir)
{
  g_autofree char *parent = g_path_get_dirname (run_dir);
  g_autofree char *name = g_path_get_basename (parent);

  if (strcmp (name, "runs") == 0)
    return g_path_get_dirname (parent);
  return g_steal_pointer (&parent);
}

/* }}} */

/* Telemetry state {{{ */

static gboolean
same_time (const char *a,
           const char *b)
{
  g_autoptr(GDateTime) ta = NULL;
  g_autoptr(GDateTime) tb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  if (strcmp (a, b) == 0)
    return TRUE;
  ta = rb_time_parse (a);
  tb = rb_time_parse (b);
  return ta != NULL && tb != NULL && g_date_time_equal (ta, tb);
}

/* formats.md "Run-level telemetry state", with capture-ref.json. */
static void
read_telemetry_ref (RbRun      *self,
                    const char *telemetry_dir,
                    JsonObject *ref)
{
  g_autoptr(JsonNode) autocapture = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  g_autofree char *bundle_dir = NULL;
  const char *target = _rb_run_get_text (ref, "target");
  const char *capture_key = NULL;
  const char *generated = _rb_run_get_text (ref, "generatedAtUtc");
  JsonObject *auto_object;

  if (target == NULL || generated == NULL)
    return;
  if (strcmp (target, "run") == 0)
    {
      bundle_dir = g_strdup (telemetry_dir);
    }
  else if (strcmp (target, "key") == 0)
    {
      capture_key = _rb_run_get_text (ref, "captureKey");
      if (capture_key == NULL || self->data_dir == NULL ||
          !rb_ident_is_valid (RB_IDENT_CAPTURE_KEY, capture_key))
        return;
      bundle_dir = g_build_filename (self->data_dir, "telemetry", capture_key, NULL);
    }
  else
    {
      /* "directory" bundles are exports: they never make a run available. */
      return;
    }

  if (read_object (bundle_dir, "manifest.json", &manifest, NULL) != READ_OK ||
      read_object (bundle_dir, "autocapture.json", &autocapture, NULL) != READ_OK)
    return;
  auto_object = json_node_get_object (autocapture);
  /* Another run may have overwritten a shared key since: then this run
   * truthfully has no telemetry any more. */
  if (g_strcmp0 (_rb_run_get_text (auto_object, "sourceRunId"), self->run_id) != 0 ||
      !same_time (_rb_run_get_text (auto_object, "generatedAtUtc"), generated))
    return;

  _rb_run_rare (self)->telemetry.available = TRUE;
  _rb_run_rare (self)->telemetry.generated_at_utc = g_strdup (generated);
  _rb_run_rare (self)->telemetry.source_run_id = g_strdup (self->run_id);
  _rb_run_rare (self)->telemetry.capture_key = g_strdup (capture_key);
  _rb_run_rare (self)->telemetry.warning_count = array_length (json_node_get_object (manifest), "warnings");
}

/* FlowTime's rule, for runs without capture-ref.json: the run's
 * telemetry-manifest.json lists at least one file. */
static void
read_telemetry_flowtime (RbRun      *self,
                         const char *telemetry_dir)
{
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(JsonNode) autocapture = NULL;
  JsonObject *manifest_object;
  JsonObject *provenance;
  JsonObject *auto_object = NULL;

  if (read_object (telemetry_dir, "telemetry-manifest.json", &manifest, NULL) != READ_OK)
    return;
  manifest_object = json_node_get_object (manifest);
  if (array_length (manifest_object, "files") == 0)
    return;

  if (read_object (telemetry_dir, "autocapture.json", &autocapture, NULL) == READ_OK)
    auto_object = json_node_get_object (autocapture);
  provenance = rb_json_get_object (manifest_object, "provenance");

  _rb_run_rare (self)->telemetry.available = TRUE;
  _rb_run_rare (self)->telemetry.warning_count = array_length (manifest_object, "warnings");
  take_text (&_rb_run_rare (self)->telemetry.generated_at_utc, auto_object, "generatedAtUtc");
  take_text (&_rb_run_rare (self)->telemetry.generated_at_utc, provenance, "capturedAtUtc");
  take_text (&_rb_run_rare (self)->telemetry.source_run_id, auto_object, "sourceRunId");
  take_text (&_rb_run_rare (self)->telemetry.source_run_id, provenance, "runId");
}

static void
read_telemetry (RbRun *self)
{
  g_autofree char *telemetry_dir = g_build_filename (rb_run_get_directory (self), "model", "telemetry", NULL);
  g_autoptr(JsonNode) ref = NULL;
  ReadResult result;

  _rb_run_telemetry_summary_clear (&_rb_run_rare (self)->telemetry);
  result = read_object (telemetry_dir, "capture-ref.json", &ref, NULL);
  if (result == READ_OK)
    read_telemetry_ref (self, telemetry_dir, json_node_get_object (ref));
  else if (result == READ_ABSENT)
    read_telemetry_flowtime (self, telemetry_dir);
  /* A broken capture-ref.json: no telemetry we can vouch for. */
}

/* }}} */

/* Summary {{{ */

static JsonNode *
read_model_yaml (RbRun   *self,
                 GError **error)
{
  g_autofree char *path = g_build_filename (rb_run_get_directory (self), "model", "model.yaml", NULL);
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize len = 0;

  bytes = rb_fs_read_file (path, "model/model.yaml", RB_RUN_MAX_MODEL_SIZE, error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return rb_yaml_parse (data != NULL ? data : "", len, "model/model.yaml", error);
}

static void
apply_model_metadata (RbRun *self)
{
  g_autoptr(JsonNode) model = NULL;
  JsonObject *root;
  JsonObject *metadata;
  JsonObject *provenance;

  model = read_model_yaml (self, NULL);
  if (model == NULL || !JSON_NODE_HOLDS_OBJECT (model))
    return;
  root = json_node_get_object (model);
  metadata = rb_json_get_object (root, "metadata");
  provenance = rb_json_get_object (root, "provenance");
  take_shared (&self->template_id, metadata, "id");
  take_shared (&self->template_title, metadata, "title");
  take_shared (&self->template_version, metadata, "version");
  take_shared (&self->mode, root, "mode");
  take_shared (&self->mode, provenance, "mode");
}

static void
read_series_index (RbRun      *self,
                   JsonObject *index)
{
  JsonArray *array = rb_json_get_array (index, "series");
  guint n = array != NULL ? json_array_get_length (array) : 0;

  g_ptr_array_set_size (_rb_run_series (self), 0);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      RbSeriesInfo *info;
      gint64 points;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      if (_rb_run_get_text (object, "id") == NULL)
        continue;
      info = g_new0 (RbSeriesInfo, 1);
      info->id = g_strdup (_rb_run_get_text (object, "id"));
      info->path = g_strdup (_rb_run_get_text (object, "path"));
      info->unit = g_strdup (_rb_run_get_text (object, "unit"));
      info->component_id = g_strdup (_rb_run_get_text (object, "componentId"));
      info->class_id = g_strdup (_rb_run_get_text (object, "class"));
      points = rb_json_get_int (object, "points", 0);
      info->points = points > 0 && points <= G_MAXUINT ? (guint) points : 0;
      info->hash = g_strdup (_rb_run_get_text (object, "hash"));
      g_ptr_array_add (_rb_run_series (self), info);
    }
}

static void
load_summary (RbRun *self)
{
  g_autoptr(JsonNode) run_node = NULL;
  g_autoptr(JsonNode) manifest_node = NULL;
  g_autoptr(JsonNode) metadata_node = NULL;
  g_autoptr(JsonNode) provenance_node = NULL;
  g_autofree char *model_dir = g_build_filename (rb_run_get_directory (self), "model", NULL);
  JsonObject *run = NULL;
  JsonObject *manifest = NULL;
  JsonObject *metadata = NULL;
  JsonObject *provenance = NULL;
  JsonObject *replay_of;
  JsonObject *rng;
  gboolean has_model_dir;
  char *message = NULL;

  /* run.json: required. */
  if (read_object (rb_run_get_directory (self), "run.json", &run_node, &message) == READ_OK)
    run = json_node_get_object (run_node);
  else
    set_broken (self, message);
  g_clear_pointer (&message, g_free);

  /* manifest.json: optional; a present one must parse. */
  switch (read_object (rb_run_get_directory (self), "manifest.json", &manifest_node, &message))
    {
    case READ_OK:
      manifest = json_node_get_object (manifest_node);
      break;
    case READ_BROKEN:
      set_broken (self, message);
      break;
    case READ_ABSENT:
    default:
      break;
    }
  g_clear_pointer (&message, g_free);

  /* model/metadata.json: required when model/ exists. */
  has_model_dir = g_file_test (model_dir, G_FILE_TEST_IS_DIR);
  if (has_model_dir)
    {
      if (read_object (rb_run_get_directory (self), "model/metadata.json", &metadata_node, &message) == READ_OK)
        {
          metadata = json_node_get_object (metadata_node);
          self->metadata_ok = TRUE;
        }
      else
        {
          set_broken (self, message);
        }
      g_clear_pointer (&message, g_free);

      switch (read_object (rb_run_get_directory (self), "model/provenance.json", &provenance_node, &message))
        {
        case READ_OK:
          provenance = json_node_get_object (provenance_node);
          break;
        case READ_BROKEN:
          set_broken (self, message);
          break;
        case READ_ABSENT:
        default:
          break;
        }
      g_clear_pointer (&message, g_free);
    }

  if (self->run_id == NULL)
    {
      take_text (&self->run_id, run, "runId");
      if (self->run_id == NULL)
        self->run_id = g_path_get_basename (rb_run_get_directory (self));
    }

  /* run.json */
  if (run != NULL)
    {
      read_grid (self, rb_json_get_object (run, "grid"));
      _rb_run_read_warnings (self, rb_json_get_array (run, "warnings"));
      self->warning_count = _rb_run_rare (self)->warnings != NULL ? _rb_run_rare (self)->warnings->len : 0;
      take_text (&_rb_run_rare (self)->input_hash, run, "inputHash");
      _rb_run_parse_created (_rb_run_get_text (run, "createdUtc"), &self->created_utc, &self->created_usec);
    }
  if (self->created_utc == NULL)
    parse_created_from_id (self->run_id, &self->created_utc, &self->created_usec);

  /* manifest.json */
  rng = rb_json_get_object (manifest, "rng");
  if (rng != NULL)
    {
      self->has_rng = TRUE;
      _rb_run_set_shared (&self->rng_kind, _rb_run_get_text (rng, "kind"));
      self->rng_seed = rb_json_get_int (rng, "seed", 0);
    }

  /* model/metadata.json, model/provenance.json */
  take_shared (&self->template_id, metadata, "templateId");
  take_shared (&self->template_title, metadata, "templateTitle");
  take_shared (&self->template_version, metadata, "templateVersion");
  take_shared (&self->mode, metadata, "mode");
  _rb_run_set_parameters (self, rb_json_get_object (metadata, "parameters"));

  replay_of = rb_json_get_object (provenance, "replayOf");
  if (replay_of != NULL && _rb_run_get_text (replay_of, "runId") != NULL)
    {
      _rb_run_rare (self)->source_run_id = g_strdup (_rb_run_get_text (replay_of, "runId"));
      _rb_run_set_shared (&_rb_run_rare (self)->source_kind, _rb_run_get_text (replay_of, "kind"));
    }
  take_text (&_rb_run_rare (self)->input_hash, provenance, "inputHash");
  take_text (&_rb_run_rare (self)->input_hash, rb_json_get_object (manifest, "provenance"), "inputHash");

  if (_rb_run_rare (self)->load_error == NULL)
    {
      /* Fallbacks as FlowTime: metadata.json › model.yaml metadata › defaults. */
      if (has_model_dir &&
          (self->template_id == NULL || self->template_title == NULL ||
           self->template_version == NULL || self->mode == NULL))
        apply_model_metadata (self);
      if (self->template_id == NULL)
        _rb_run_set_shared (&self->template_id, "adhoc-model");
      if (self->template_title == NULL)
        _rb_run_set_shared (&self->template_title, self->template_id);
      if (self->template_version == NULL)
        _rb_run_set_shared (&self->template_version, "0.0.0");
      if (self->mode == NULL)
        _rb_run_set_shared (&self->mode, "simulation");
    }
  if (self->mode != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (self->mode, -1);

      _rb_run_set_shared (&self->mode, lower);
    }

  /* Grid fallback: series/index.json (read only when run.json has none). */
  if (run != NULL && !self->has_grid)
    {
      g_autoptr(JsonNode) index = NULL;

      if (read_object (rb_run_get_directory (self), "series/index.json", &index, NULL) == READ_OK)
        read_grid (self, rb_json_get_object (json_node_get_object (index), "grid"));
    }

  read_telemetry (self);
}

RbRun *
rb_run_load_in (const char *data_dir,
                const char *run_dir,
                const char *run_id)
{
  RbRun *self;

  g_return_val_if_fail (run_dir != NULL, NULL);

  self = g_object_new (RB_TYPE_RUN, NULL);
  self->directory = g_strdup (run_dir);
  if (data_dir != NULL)
    _rb_run_set_shared (&self->data_dir, data_dir);
  else
    {
      g_autofree char *derived = derive_data_dir (run_dir);

      _rb_run_set_shared (&self->data_dir, derived);
    }
  self->run_id = g_strdup (run_id);
  load_summary (self);
  return self;
}

RbRun *
rb_run_load (const char *run_dir,
             const char *run_id)
{
  return rb_run_load_in (NULL, run_dir, run_id);
}

/* }}} */

/* Detail {{{ */

static const RbSeriesInfo *
find_series_by_node (RbRun      *self,
                     const char *node_id)
{
  const RbSeriesInfo *first = NULL;
  gsize len = strlen (node_id);

  for (guint i = 0; _rb_run_rare (self)->series != NULL && i < _rb_run_rare (self)->series->len; i++)
    {
      const RbSeriesInfo *info = g_ptr_array_index (_rb_run_rare (self)->series, i);

      if (strcmp (info->id, node_id) == 0)
        return info;
      if (strncmp (info->id, node_id, len) == 0 && info->id[len] == '@')
        {
          /* The DEFAULT class is the node's total. */
          if (g_str_has_suffix (info->id, "@DEFAULT"))
            return info;
          if (first == NULL)
            first = info;
        }
    }
  return first;
}

static const RbSeriesInfo *
find_series_by_file (RbRun      *self,
                     const char *uri)
{
  const char *name = uri;
  const char *p;

  for (p = uri; *p != '\0'; p++)
    {
      if (*p == '/' || *p == '\\')
        name = p + 1;
    }
  if (*name == '\0')
    return NULL;

  for (guint i = 0; _rb_run_rare (self)->series != NULL && i < _rb_run_rare (self)->series->len; i++)
    {
      const RbSeriesInfo *info = g_ptr_array_index (_rb_run_rare (self)->series, i);
      const char *path = info->path;
      gsize plen, nlen = strlen (name);

      if (path == NULL)
        continue;
      plen = strlen (path);
      if (plen < nlen || strcmp (path + plen - nlen, name) != 0)
        continue;
      if (plen == nlen || path[plen - nlen - 1] == '/')
        return info;
    }
  return NULL;
}

static void
read_topology (RbRun      *self,
               JsonObject *root)
{
  JsonObject *topology = rb_json_get_object (root, "topology");
  JsonArray *nodes = topology != NULL ? rb_json_get_array (topology, "nodes") : NULL;
  guint n = nodes != NULL ? json_array_get_length (nodes) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (nodes, i);
      JsonObject *object;
      JsonObject *semantics;
      RbTopologyNode *node;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      if (_rb_run_get_text (object, "id") == NULL)
        continue;

      node = g_new0 (RbTopologyNode, 1);
      node->id = g_strdup (_rb_run_get_text (object, "id"));
      node->kind = g_strdup (_rb_run_get_text (object, "kind"));
      semantics = rb_json_get_object (object, "semantics");
      if (semantics != NULL)
        {
          g_autoptr(GList) members = json_object_get_members (semantics);

          for (const GList *l = members; l != NULL; l = l->next)
            {
              const char *value = _rb_run_get_text (semantics, l->data);
              g_autofree char *trimmed = NULL;
              const RbSeriesInfo *info;
              RbMetric metric;

              if (value == NULL || !rb_metric_from_key (l->data, &metric) ||
                  node->metrics[metric] != NULL)
                continue;
              trimmed = g_strstrip (g_strdup (value));
              if (g_str_has_prefix (trimmed, "file:"))
                info = find_series_by_file (self, trimmed + strlen ("file:"));
              else
                info = find_series_by_node (self, trimmed);
              /* Unresolvable semantics are left out. */
              if (info != NULL)
                node->metrics[metric] = g_strdup (info->id);
            }
        }
      g_ptr_array_add (_rb_run_topology (self), node);
    }
}

gboolean
rb_run_ensure_detail (RbRun *self)
{
  g_autoptr(JsonNode) index = NULL;
  g_autoptr(JsonNode) model = NULL;
  g_autoptr(GError) error = NULL;
  char *message = NULL;

  g_return_val_if_fail (RB_IS_RUN (self), FALSE);

  if (self->has_detail || rb_run_get_directory (self) == NULL)
    return self->has_detail;

  self->has_detail = TRUE;
  self->can_replay = FALSE;
  g_ptr_array_set_size (_rb_run_series (self), 0);
  g_ptr_array_set_size (_rb_run_topology (self), 0);

  switch (read_object (rb_run_get_directory (self), "series/index.json", &index, &message))
    {
    case READ_OK:
      read_series_index (self, json_node_get_object (index));
      if (!self->has_grid)
        read_grid (self, rb_json_get_object (json_node_get_object (index), "grid"));
      break;
    case READ_BROKEN:
      set_diagnostic (self, message);
      break;
    case READ_ABSENT:
    default:
      break;
    }
  g_clear_pointer (&message, g_free);

  model = read_model_yaml (self, &error);
  if (model != NULL && JSON_NODE_HOLDS_OBJECT (model))
    {
      read_topology (self, json_node_get_object (model));
      self->can_replay = self->metadata_ok;
    }
  else if (model != NULL)
    {
      set_diagnostic (self, "model/model.yaml is not a YAML mapping");
    }
  else if (!g_error_matches (error, RB_ERROR, RB_ERROR_NOT_FOUND))
    {
      set_diagnostic (self, error->message);
    }

  return TRUE;
}

RbRun *
rb_run_load_detail (const char *data_dir,
                    const char *run_dir,
                    const char *run_id)
{
  RbRun *self = rb_run_load_in (data_dir, run_dir, run_id);

  rb_run_ensure_detail (self);
  return self;
}

/* }}} */

