/* rb-run.c — one run as read from its directory (or from the API's JSON)
 *
 * Reading is split in two so that listing 100 000 runs stays cheap:
 *
 *  summary  run.json, manifest.json, model/metadata.json,
 *           model/provenance.json and the telemetry state files
 *           (model.yaml only when metadata.json lacks template fields,
 *           series/index.json only when run.json has no grid);
 *  detail   series/index.json and model/model.yaml (topology, canReplay).
 *
 * Broken files. run.json is required; model/metadata.json is required when
 * model/ exists; manifest.json and model/provenance.json are optional but a
 * present one must parse. Any of these failing makes the run unreadable:
 * it gets a diagnostic naming the file and a RB_ERROR_RUN_UNREADABLE load
 * error, keeps what could be read and stays listed (sorted last).
 *
 * A malformed model/model.yaml or series/index.json only shows in the
 * detail: the summary is fine (listing never reads them), the detail is
 * still served with an empty topology (or no series), canReplay false and
 * the diagnostic naming the file — but no load error, because everything
 * the run list and the detail page show can still be read.
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
#include "rb-run.h"
#include "rb-time.h"
#include "rb-yaml.h"

/* Models are small documents; anything larger is refused. */
#define RB_RUN_MAX_MODEL_SIZE (16 * 1024 * 1024)

struct _RbRun
{
  GObject             parent_instance;

  /* Where it was read from (NULL for runs from JSON) */
  char               *directory;
  char               *data_dir;

  /* Summary */
  char               *run_id;
  char               *template_id;
  char               *template_title;
  char               *template_version;
  char               *mode;
  char               *created_utc;
  gint64              created_usec;     /* valid when created_utc != NULL */
  guint               warning_count;
  char               *diagnostic;
  GError             *load_error;
  gboolean            has_grid;
  guint               bins;
  guint               bin_size;
  char               *bin_unit;
  gboolean            has_rng;
  char               *rng_kind;
  gint64              rng_seed;
  char               *source_run_id;
  char               *source_kind;
  RbTelemetrySummary  telemetry;
  char               *input_hash;
  JsonObject         *parameters;
  GPtrArray          *warnings;
  gboolean            metadata_ok;

  /* Detail */
  gboolean            has_detail;
  gboolean            can_replay;
  GPtrArray          *topology;
  GPtrArray          *series;
};

G_DEFINE_FINAL_TYPE (RbRun, rb_run, G_TYPE_OBJECT)

/* Metrics {{{ */

static const char * const metric_keys[RB_N_METRICS] = {
  "arrivals", "served", "errors", "externalDemand", "queueDepth", "capacity",
};

static const char * const metric_names[RB_N_METRICS] = {
  "Arrivals", "Served", "Errors", "ExternalDemand", "QueueDepth", "Capacity",
};

const char *
rb_metric_to_key (RbMetric metric)
{
  g_return_val_if_fail ((guint) metric < RB_N_METRICS, NULL);
  return metric_keys[metric];
}

const char *
rb_metric_to_name (RbMetric metric)
{
  g_return_val_if_fail ((guint) metric < RB_N_METRICS, NULL);
  return metric_names[metric];
}

gboolean
rb_metric_from_key (const char *key,
                    RbMetric   *metric)
{
  g_return_val_if_fail (key != NULL, FALSE);

  for (guint i = 0; i < RB_N_METRICS; i++)
    {
      if (strcmp (key, metric_keys[i]) == 0)
        {
          if (metric != NULL)
            *metric = (RbMetric) i;
          return TRUE;
        }
    }
  /* TT-M-03.17 models name queue depth "queue". */
  if (strcmp (key, "queue") == 0)
    {
      if (metric != NULL)
        *metric = RB_METRIC_QUEUE_DEPTH;
      return TRUE;
    }
  return FALSE;
}

/* }}} */

/* Boxed-ish helpers {{{ */

void
rb_warning_free (RbWarning *warning)
{
  if (warning == NULL)
    return;
  g_free (warning->code);
  g_free (warning->message);
  g_free (warning->node_id);
  g_clear_pointer (&warning->bins, g_array_unref);
  g_free (warning);
}

void
rb_topology_node_free (RbTopologyNode *node)
{
  if (node == NULL)
    return;
  g_free (node->id);
  g_free (node->kind);
  for (guint i = 0; i < RB_N_METRICS; i++)
    g_free (node->metrics[i]);
  g_free (node);
}

void
rb_series_info_free (RbSeriesInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->path);
  g_free (info->unit);
  g_free (info->component_id);
  g_free (info->class_id);
  g_free (info->hash);
  g_free (info);
}

static void
telemetry_summary_clear (RbTelemetrySummary *telemetry)
{
  g_clear_pointer (&telemetry->generated_at_utc, g_free);
  g_clear_pointer (&telemetry->source_run_id, g_free);
  g_clear_pointer (&telemetry->capture_key, g_free);
  telemetry->available = FALSE;
  telemetry->warning_count = 0;
}

/* }}} */

/* GObject {{{ */

static void
rb_run_finalize (GObject *object)
{
  RbRun *self = (RbRun *)object;

  g_free (self->directory);
  g_free (self->data_dir);
  g_free (self->run_id);
  g_free (self->template_id);
  g_free (self->template_title);
  g_free (self->template_version);
  g_free (self->mode);
  g_free (self->created_utc);
  g_free (self->diagnostic);
  g_clear_error (&self->load_error);
  g_free (self->bin_unit);
  g_free (self->rng_kind);
  g_free (self->source_run_id);
  g_free (self->source_kind);
  telemetry_summary_clear (&self->telemetry);
  g_free (self->input_hash);
  g_clear_pointer (&self->parameters, json_object_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->topology, g_ptr_array_unref);
  g_clear_pointer (&self->series, g_ptr_array_unref);

  G_OBJECT_CLASS (rb_run_parent_class)->finalize (object);
}

static void
rb_run_class_init (RbRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rb_run_finalize;
}

static void
rb_run_init (RbRun *self)
{
  self->parameters = json_object_new ();
  self->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_warning_free);
  self->topology = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_topology_node_free);
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_series_info_free);
}

/* }}} */

/* Reading helpers {{{ */

static void
set_diagnostic (RbRun      *self,
                const char *message)
{
  if (self->diagnostic == NULL)
    self->diagnostic = g_strdup (message);
}

/* The first broken file wins: it is the one a person should fix first. */
static void
set_broken (RbRun      *self,
            const char *message)
{
  set_diagnostic (self, message);
  if (self->load_error == NULL)
    self->load_error = g_error_new_literal (RB_ERROR, RB_ERROR_RUN_UNREADABLE, message);
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
static const char *
get_text (JsonObject *object,
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
  value = get_text (object, member);
  if (value != NULL)
    *slot = g_strdup (value);
}

static guint
array_length (JsonObject *object,
              const char *member)
{
  JsonArray *array = object != NULL ? rb_json_get_array (object, member) : NULL;

  return array != NULL ? json_array_get_length (array) : 0;
}

static gboolean
parse_created (const char  *text,
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
  g_free (self->bin_unit);
  self->bin_unit = g_strdup (get_text (grid, "binUnit"));
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
  warning->code = g_strdup (get_text (object, "code"));
  if (warning->code == NULL)
    warning->code = g_strdup ("engine_warning");
  warning->message = g_strdup (rb_json_get_string (object, "message"));
  if (warning->message == NULL)
    warning->message = g_strdup ("");
  warning->node_id = g_strdup (get_text (object, "nodeId"));
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

static void
read_warnings (RbRun     *self,
               JsonArray *array)
{
  guint n;

  g_ptr_array_set_size (self->warnings, 0);
  if (array == NULL)
    return;
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      RbWarning *warning = warning_from_node (json_array_get_element (array, i));

      if (warning != NULL)
        g_ptr_array_add (self->warnings, warning);
    }
}

static void
set_parameters (RbRun      *self,
                JsonObject *parameters)
{
  if (parameters == NULL)
    return;
  g_clear_pointer (&self->parameters, json_object_unref);
  self->parameters = json_object_ref (parameters);
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
  const char *target = get_text (ref, "target");
  const char *capture_key = NULL;
  const char *generated = get_text (ref, "generatedAtUtc");
  JsonObject *auto_object;

  if (target == NULL || generated == NULL)
    return;
  if (strcmp (target, "run") == 0)
    {
      bundle_dir = g_strdup (telemetry_dir);
    }
  else if (strcmp (target, "key") == 0)
    {
      capture_key = get_text (ref, "captureKey");
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
  if (g_strcmp0 (get_text (auto_object, "sourceRunId"), self->run_id) != 0 ||
      !same_time (get_text (auto_object, "generatedAtUtc"), generated))
    return;

  self->telemetry.available = TRUE;
  self->telemetry.generated_at_utc = g_strdup (generated);
  self->telemetry.source_run_id = g_strdup (self->run_id);
  self->telemetry.capture_key = g_strdup (capture_key);
  self->telemetry.warning_count = array_length (json_node_get_object (manifest), "warnings");
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

  self->telemetry.available = TRUE;
  self->telemetry.warning_count = array_length (manifest_object, "warnings");
  take_text (&self->telemetry.generated_at_utc, auto_object, "generatedAtUtc");
  take_text (&self->telemetry.generated_at_utc, provenance, "capturedAtUtc");
  take_text (&self->telemetry.source_run_id, auto_object, "sourceRunId");
  take_text (&self->telemetry.source_run_id, provenance, "runId");
}

static void
read_telemetry (RbRun *self)
{
  g_autofree char *telemetry_dir = g_build_filename (self->directory, "model", "telemetry", NULL);
  g_autoptr(JsonNode) ref = NULL;
  ReadResult result;

  telemetry_summary_clear (&self->telemetry);
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
  g_autofree char *path = g_build_filename (self->directory, "model", "model.yaml", NULL);
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
  take_text (&self->template_id, metadata, "id");
  take_text (&self->template_title, metadata, "title");
  take_text (&self->template_version, metadata, "version");
  take_text (&self->mode, root, "mode");
  take_text (&self->mode, provenance, "mode");
}

static void
read_series_index (RbRun      *self,
                   JsonObject *index)
{
  JsonArray *array = rb_json_get_array (index, "series");
  guint n = array != NULL ? json_array_get_length (array) : 0;

  g_ptr_array_set_size (self->series, 0);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      RbSeriesInfo *info;
      gint64 points;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      if (get_text (object, "id") == NULL)
        continue;
      info = g_new0 (RbSeriesInfo, 1);
      info->id = g_strdup (get_text (object, "id"));
      info->path = g_strdup (get_text (object, "path"));
      info->unit = g_strdup (get_text (object, "unit"));
      info->component_id = g_strdup (get_text (object, "componentId"));
      info->class_id = g_strdup (get_text (object, "class"));
      points = rb_json_get_int (object, "points", 0);
      info->points = points > 0 && points <= G_MAXUINT ? (guint) points : 0;
      info->hash = g_strdup (get_text (object, "hash"));
      g_ptr_array_add (self->series, info);
    }
}

static void
load_summary (RbRun *self)
{
  g_autoptr(JsonNode) run_node = NULL;
  g_autoptr(JsonNode) manifest_node = NULL;
  g_autoptr(JsonNode) metadata_node = NULL;
  g_autoptr(JsonNode) provenance_node = NULL;
  g_autofree char *model_dir = g_build_filename (self->directory, "model", NULL);
  JsonObject *run = NULL;
  JsonObject *manifest = NULL;
  JsonObject *metadata = NULL;
  JsonObject *provenance = NULL;
  JsonObject *replay_of;
  JsonObject *rng;
  gboolean has_model_dir;
  char *message = NULL;

  /* run.json: required. */
  if (read_object (self->directory, "run.json", &run_node, &message) == READ_OK)
    run = json_node_get_object (run_node);
  else
    set_broken (self, message);
  g_clear_pointer (&message, g_free);

  /* manifest.json: optional; a present one must parse. */
  switch (read_object (self->directory, "manifest.json", &manifest_node, &message))
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
      if (read_object (self->directory, "model/metadata.json", &metadata_node, &message) == READ_OK)
        {
          metadata = json_node_get_object (metadata_node);
          self->metadata_ok = TRUE;
        }
      else
        {
          set_broken (self, message);
        }
      g_clear_pointer (&message, g_free);

      switch (read_object (self->directory, "model/provenance.json", &provenance_node, &message))
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
        self->run_id = g_path_get_basename (self->directory);
    }

  /* run.json */
  if (run != NULL)
    {
      read_grid (self, rb_json_get_object (run, "grid"));
      read_warnings (self, rb_json_get_array (run, "warnings"));
      self->warning_count = self->warnings->len;
      take_text (&self->input_hash, run, "inputHash");
      parse_created (get_text (run, "createdUtc"), &self->created_utc, &self->created_usec);
    }
  if (self->created_utc == NULL)
    parse_created_from_id (self->run_id, &self->created_utc, &self->created_usec);

  /* manifest.json */
  rng = rb_json_get_object (manifest, "rng");
  if (rng != NULL)
    {
      self->has_rng = TRUE;
      self->rng_kind = g_strdup (get_text (rng, "kind"));
      self->rng_seed = rb_json_get_int (rng, "seed", 0);
    }

  /* model/metadata.json, model/provenance.json */
  take_text (&self->template_id, metadata, "templateId");
  take_text (&self->template_title, metadata, "templateTitle");
  take_text (&self->template_version, metadata, "templateVersion");
  take_text (&self->mode, metadata, "mode");
  set_parameters (self, rb_json_get_object (metadata, "parameters"));

  replay_of = rb_json_get_object (provenance, "replayOf");
  if (replay_of != NULL && get_text (replay_of, "runId") != NULL)
    {
      self->source_run_id = g_strdup (get_text (replay_of, "runId"));
      self->source_kind = g_strdup (get_text (replay_of, "kind"));
    }
  take_text (&self->input_hash, provenance, "inputHash");
  take_text (&self->input_hash, rb_json_get_object (manifest, "provenance"), "inputHash");

  if (self->load_error == NULL)
    {
      /* Fallbacks as FlowTime: metadata.json › model.yaml metadata › defaults. */
      if (has_model_dir &&
          (self->template_id == NULL || self->template_title == NULL ||
           self->template_version == NULL || self->mode == NULL))
        apply_model_metadata (self);
      if (self->template_id == NULL)
        self->template_id = g_strdup ("adhoc-model");
      if (self->template_title == NULL)
        self->template_title = g_strdup (self->template_id);
      if (self->template_version == NULL)
        self->template_version = g_strdup ("0.0.0");
      if (self->mode == NULL)
        self->mode = g_strdup ("simulation");
    }
  if (self->mode != NULL)
    {
      char *lower = g_ascii_strdown (self->mode, -1);

      g_free (self->mode);
      self->mode = lower;
    }

  /* Grid fallback: series/index.json (read only when run.json has none). */
  if (run != NULL && !self->has_grid)
    {
      g_autoptr(JsonNode) index = NULL;

      if (read_object (self->directory, "series/index.json", &index, NULL) == READ_OK)
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
  self->data_dir = data_dir != NULL ? g_strdup (data_dir) : derive_data_dir (run_dir);
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

  for (guint i = 0; i < self->series->len; i++)
    {
      const RbSeriesInfo *info = g_ptr_array_index (self->series, i);

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

  for (guint i = 0; i < self->series->len; i++)
    {
      const RbSeriesInfo *info = g_ptr_array_index (self->series, i);
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
      if (get_text (object, "id") == NULL)
        continue;

      node = g_new0 (RbTopologyNode, 1);
      node->id = g_strdup (get_text (object, "id"));
      node->kind = g_strdup (get_text (object, "kind"));
      semantics = rb_json_get_object (object, "semantics");
      if (semantics != NULL)
        {
          g_autoptr(GList) members = json_object_get_members (semantics);

          for (const GList *l = members; l != NULL; l = l->next)
            {
              const char *value = get_text (semantics, l->data);
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
      g_ptr_array_add (self->topology, node);
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

  if (self->has_detail || self->directory == NULL)
    return self->has_detail;

  self->has_detail = TRUE;
  self->can_replay = FALSE;
  g_ptr_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->topology, 0);

  switch (read_object (self->directory, "series/index.json", &index, &message))
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

/* JSON {{{ */

static void
add_summary_members (RbRun       *self,
                     JsonBuilder *builder)
{
  rb_json_add_string (builder, "runId", self->run_id);
  rb_json_add_string (builder, "templateId", self->template_id);
  rb_json_add_string (builder, "templateTitle", self->template_title);
  rb_json_add_string (builder, "templateVersion", self->template_version);
  rb_json_add_string (builder, "mode", self->mode);
  rb_json_add_string (builder, "createdUtc", self->created_utc);
  rb_json_add_int (builder, "warningCount", self->warning_count);

  if (self->has_grid)
    {
      json_builder_set_member_name (builder, "grid");
      json_builder_begin_object (builder);
      rb_json_add_int (builder, "bins", self->bins);
      rb_json_add_int (builder, "binSize", self->bin_size);
      rb_json_add_string (builder, "binUnit", self->bin_unit);
      json_builder_end_object (builder);
    }
  else
    {
      rb_json_add_null (builder, "grid");
    }

  if (self->has_rng)
    {
      json_builder_set_member_name (builder, "rng");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "kind", self->rng_kind);
      rb_json_add_int (builder, "seed", self->rng_seed);
      json_builder_end_object (builder);
    }
  else
    {
      rb_json_add_null (builder, "rng");
    }

  if (self->source_run_id != NULL)
    {
      json_builder_set_member_name (builder, "source");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "runId", self->source_run_id);
      rb_json_add_string (builder, "kind", self->source_kind);
      json_builder_end_object (builder);
    }
  else
    {
      rb_json_add_null (builder, "source");
    }

  json_builder_set_member_name (builder, "telemetry");
  json_builder_begin_object (builder);
  rb_json_add_bool (builder, "available", self->telemetry.available);
  rb_json_add_string (builder, "generatedAtUtc", self->telemetry.generated_at_utc);
  rb_json_add_int (builder, "warningCount", self->telemetry.warning_count);
  rb_json_add_string (builder, "sourceRunId", self->telemetry.source_run_id);
  rb_json_add_string (builder, "captureKey", self->telemetry.capture_key);
  json_builder_end_object (builder);

  rb_json_add_string (builder, "diagnostic", self->diagnostic);
}

JsonNode *
rb_run_to_summary_json (RbRun *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (RB_IS_RUN (self), NULL);

  json_builder_begin_object (builder);
  add_summary_members (self, builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
rb_run_to_detail_json (RbRun *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *parameters;

  g_return_val_if_fail (RB_IS_RUN (self), NULL);

  json_builder_begin_object (builder);
  add_summary_members (self, builder);

  parameters = json_node_alloc ();
  json_node_init_object (parameters, self->parameters);
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, parameters);

  rb_json_add_string (builder, "inputHash", self->input_hash);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->warnings->len; i++)
    {
      const RbWarning *warning = g_ptr_array_index (self->warnings, i);

      json_builder_begin_object (builder);
      rb_json_add_string (builder, "code", warning->code);
      rb_json_add_string (builder, "message", warning->message);
      if (warning->node_id != NULL)
        rb_json_add_string (builder, "nodeId", warning->node_id);
      if (warning->bins != NULL)
        {
          json_builder_set_member_name (builder, "bins");
          json_builder_begin_array (builder);
          for (guint j = 0; j < warning->bins->len; j++)
            json_builder_add_int_value (builder, g_array_index (warning->bins, int, j));
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  rb_json_add_bool (builder, "canReplay", self->can_replay);

  json_builder_set_member_name (builder, "topology");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->topology->len; i++)
    {
      const RbTopologyNode *node = g_ptr_array_index (self->topology, i);

      json_builder_begin_object (builder);
      rb_json_add_string (builder, "id", node->id);
      rb_json_add_string (builder, "kind", node->kind);
      json_builder_set_member_name (builder, "metrics");
      json_builder_begin_object (builder);
      for (guint m = 0; m < RB_N_METRICS; m++)
        {
          if (node->metrics[m] != NULL)
            rb_json_add_string (builder, metric_keys[m], node->metrics[m]);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* A string member, or NULL for null/absent; FALSE for another type. */
static gboolean
json_string_or_null (JsonObject  *object,
                     const char  *member,
                     const char  *path,
                     char       **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, path,
                          "%s must be a string or null", path);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
json_object_or_null (JsonObject  *object,
                     const char  *member,
                     const char  *path,
                     JsonObject **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, path,
                          "%s must be an object or null", path);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
json_uint (JsonObject  *object,
           const char  *member,
           const char  *path,
           guint       *out,
           GError     **error)
{
  gint64 value;

  if (!json_object_has_member (object, member))
    return TRUE;
  value = rb_json_get_int (object, member, -1);
  if (value < 0 || value > G_MAXUINT)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, path,
                          "%s must be a non-negative integer", path);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

static gboolean
detail_from_json (RbRun       *self,
                  JsonObject  *object,
                  GError     **error)
{
  JsonObject *parameters = NULL;
  JsonObject *topology = NULL;
  JsonArray *warnings;
  JsonArray *nodes;

  if (!json_object_or_null (object, "parameters", "parameters", &parameters, error) ||
      !json_string_or_null (object, "inputHash", "inputHash", &self->input_hash, error) ||
      !json_object_or_null (object, "topology", "topology", &topology, error))
    return FALSE;
  set_parameters (self, parameters);
  self->can_replay = rb_json_get_bool (object, "canReplay", FALSE);

  warnings = rb_json_get_array (object, "warnings");
  if (warnings != NULL)
    read_warnings (self, warnings);

  nodes = topology != NULL ? rb_json_get_array (topology, "nodes") : NULL;
  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    {
      JsonNode *element = json_array_get_element (nodes, i);
      JsonObject *node_object;
      JsonObject *metrics;
      RbTopologyNode *node;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      node_object = json_node_get_object (element);
      if (get_text (node_object, "id") == NULL)
        continue;
      node = g_new0 (RbTopologyNode, 1);
      node->id = g_strdup (get_text (node_object, "id"));
      node->kind = g_strdup (get_text (node_object, "kind"));
      metrics = rb_json_get_object (node_object, "metrics");
      for (guint m = 0; metrics != NULL && m < RB_N_METRICS; m++)
        node->metrics[m] = g_strdup (get_text (metrics, metric_keys[m]));
      g_ptr_array_add (self->topology, node);
    }

  self->has_detail = TRUE;
  return TRUE;
}

RbRun *
rb_run_new_from_json (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(RbRun) self = NULL;
  JsonObject *grid = NULL;
  JsonObject *rng = NULL;
  JsonObject *source = NULL;
  JsonObject *telemetry = NULL;
  gint64 count;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (RB_TYPE_RUN, NULL);

  if (rb_json_get_string (object, "runId") == NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "runId",
                          "The run has no runId");
      return NULL;
    }
  if (!rb_ident_validate (RB_IDENT_RUN_ID, rb_json_get_string (object, "runId"), -1,
                          "runId", error))
    return NULL;
  self->run_id = g_strdup (rb_json_get_string (object, "runId"));

  if (!json_string_or_null (object, "templateId", "templateId", &self->template_id, error) ||
      !json_string_or_null (object, "templateTitle", "templateTitle", &self->template_title, error) ||
      !json_string_or_null (object, "templateVersion", "templateVersion", &self->template_version, error) ||
      !json_string_or_null (object, "mode", "mode", &self->mode, error) ||
      !json_string_or_null (object, "diagnostic", "diagnostic", &self->diagnostic, error) ||
      !json_object_or_null (object, "grid", "grid", &grid, error) ||
      !json_object_or_null (object, "rng", "rng", &rng, error) ||
      !json_object_or_null (object, "source", "source", &source, error) ||
      !json_object_or_null (object, "telemetry", "telemetry", &telemetry, error) ||
      !json_uint (object, "warningCount", "warningCount", &self->warning_count, error))
    return NULL;

  if (rb_json_get_string (object, "createdUtc") != NULL &&
      !parse_created (rb_json_get_string (object, "createdUtc"),
                      &self->created_utc, &self->created_usec))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "createdUtc",
                          "createdUtc must be an ISO-8601 timestamp");
      return NULL;
    }

  if (grid != NULL)
    {
      if (!json_uint (grid, "bins", "grid.bins", &self->bins, error) ||
          !json_uint (grid, "binSize", "grid.binSize", &self->bin_size, error) ||
          !json_string_or_null (grid, "binUnit", "grid.binUnit", &self->bin_unit, error))
        return NULL;
      self->has_grid = TRUE;
    }
  if (rng != NULL)
    {
      if (!json_string_or_null (rng, "kind", "rng.kind", &self->rng_kind, error))
        return NULL;
      self->has_rng = TRUE;
      self->rng_seed = rb_json_get_int (rng, "seed", 0);
    }
  if (source != NULL)
    {
      if (!json_string_or_null (source, "runId", "source.runId", &self->source_run_id, error) ||
          !json_string_or_null (source, "kind", "source.kind", &self->source_kind, error))
        return NULL;
    }
  if (telemetry != NULL)
    {
      self->telemetry.available = rb_json_get_bool (telemetry, "available", FALSE);
      count = rb_json_get_int (telemetry, "warningCount", 0);
      self->telemetry.warning_count = count > 0 && count <= G_MAXUINT ? (guint) count : 0;
      if (!json_string_or_null (telemetry, "generatedAtUtc", "telemetry.generatedAtUtc",
                                &self->telemetry.generated_at_utc, error) ||
          !json_string_or_null (telemetry, "sourceRunId", "telemetry.sourceRunId",
                                &self->telemetry.source_run_id, error) ||
          !json_string_or_null (telemetry, "captureKey", "telemetry.captureKey",
                                &self->telemetry.capture_key, error))
        return NULL;
    }
  if (self->diagnostic != NULL)
    self->load_error = g_error_new_literal (RB_ERROR, RB_ERROR_RUN_UNREADABLE, self->diagnostic);

  /* A RunDetail carries canReplay and topology; a RunSummary does not. */
  if (json_object_has_member (object, "canReplay") || json_object_has_member (object, "topology"))
    {
      if (!detail_from_json (self, object, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

/* }}} */

/* Getters {{{ */

const char *
rb_run_get_run_id (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->run_id;
}

const char *
rb_run_get_template_id (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->template_id;
}

const char *
rb_run_get_template_title (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->template_title;
}

const char *
rb_run_get_template_version (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->template_version;
}

const char *
rb_run_get_mode (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->mode;
}

const char *
rb_run_get_created_utc (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->created_utc;
}

gint64
rb_run_get_created_unix (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), 0);
  if (self->created_utc == NULL)
    return 0;
  /* Floor division: pre-1970 times stay ordered. */
  if (self->created_usec < 0)
    return (self->created_usec - (G_USEC_PER_SEC - 1)) / G_USEC_PER_SEC;
  return self->created_usec / G_USEC_PER_SEC;
}

gint64
rb_run_get_created_usec (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), 0);
  return self->created_utc != NULL ? self->created_usec : 0;
}

guint
rb_run_get_warning_count (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), 0);
  return self->warning_count;
}

const char *
rb_run_get_diagnostic (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->diagnostic;
}

const GError *
rb_run_get_load_error (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->load_error;
}

gboolean
rb_run_get_has_grid (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), FALSE);
  return self->has_grid;
}

guint
rb_run_get_bins (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), 0);
  return self->bins;
}

guint
rb_run_get_bin_size (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), 0);
  return self->bin_size;
}

const char *
rb_run_get_bin_unit (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->bin_unit;
}

gboolean
rb_run_get_has_rng (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), FALSE);
  return self->has_rng;
}

const char *
rb_run_get_rng_kind (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->rng_kind;
}

gint64
rb_run_get_rng_seed (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), 0);
  return self->rng_seed;
}

const char *
rb_run_get_source_run_id (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->source_run_id;
}

const char *
rb_run_get_source_kind (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->source_kind;
}

const RbTelemetrySummary *
rb_run_get_telemetry (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return &self->telemetry;
}

const char *
rb_run_get_input_hash (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->input_hash;
}

JsonObject *
rb_run_get_parameters (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->parameters;
}

GPtrArray *
rb_run_get_warnings (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->warnings;
}

GPtrArray *
rb_run_get_topology (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->topology;
}

GPtrArray *
rb_run_get_series (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->series;
}

gboolean
rb_run_get_can_replay (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), FALSE);
  return self->can_replay;
}

gboolean
rb_run_has_detail (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), FALSE);
  return self->has_detail;
}

const char *
rb_run_get_directory (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return self->directory;
}

const RbSeriesInfo *
rb_run_find_series (RbRun      *self,
                    const char *series_id)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  g_return_val_if_fail (series_id != NULL, NULL);

  for (guint i = 0; i < self->series->len; i++)
    {
      const RbSeriesInfo *info = g_ptr_array_index (self->series, i);

      if (strcmp (info->id, series_id) == 0)
        return info;
    }
  return NULL;
}

/* }}} */
