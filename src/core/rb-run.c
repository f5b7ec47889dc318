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

#include "rb-run-private.h"



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

void
_rb_run_telemetry_summary_clear (RbTelemetrySummary *telemetry)
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
  g_free (self->run_id);
  g_free (self->created_utc);
  _rb_run_set_shared (&self->data_dir, NULL);
  _rb_run_set_shared (&self->template_id, NULL);
  _rb_run_set_shared (&self->template_title, NULL);
  _rb_run_set_shared (&self->template_version, NULL);
  _rb_run_set_shared (&self->mode, NULL);
  _rb_run_set_shared (&self->bin_unit, NULL);
  _rb_run_set_shared (&self->rng_kind, NULL);
  if (self->rare != NULL)
    {
      RbRunRare *rare = self->rare;

      g_free (rare->diagnostic);
      g_clear_error (&rare->load_error);
      g_free (rare->source_run_id);
      _rb_run_set_shared (&rare->source_kind, NULL);
      _rb_run_telemetry_summary_clear (&rare->telemetry);
      g_free (rare->input_hash);
      g_clear_pointer (&rare->parameters, json_object_unref);
      g_free (rare->parameters_json);
      g_clear_pointer (&rare->warnings, g_ptr_array_unref);
      g_clear_pointer (&rare->topology, g_ptr_array_unref);
      g_clear_pointer (&rare->series, g_ptr_array_unref);
      g_free (rare);
    }

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
}

/* Shared strings (rb-run-private.h). Not GRefString: GLib 2.74's
 * g_ref_string_new_intern can hand out a string whose last reference is
 * being dropped on another thread (the server load test hit it). Here the
 * count only changes under the table's lock, so that cannot happen. */
typedef struct
{
  guint refs;
  char  text[];
} Shared;

static GMutex      shared_lock;
static GHashTable *shared_table;   /* text → Shared (owned) */

char *
_rb_shared_new (const char *text,
                gsize       length)
{
  g_autofree char *key = g_strndup (text, length);
  Shared *shared;

  g_mutex_lock (&shared_lock);
  if (shared_table == NULL)
    shared_table = g_hash_table_new (g_str_hash, g_str_equal);
  shared = g_hash_table_lookup (shared_table, key);
  if (shared == NULL)
    {
      shared = g_malloc (sizeof (Shared) + length + 1);
      shared->refs = 0;
      memcpy (shared->text, key, length + 1);
      g_hash_table_insert (shared_table, shared->text, shared);
    }
  shared->refs++;
  g_mutex_unlock (&shared_lock);
  return shared->text;
}

char *
_rb_shared_ref (char *text)
{
  Shared *shared = (Shared *) (gpointer) (text - G_STRUCT_OFFSET (Shared, text));

  g_mutex_lock (&shared_lock);
  shared->refs++;
  g_mutex_unlock (&shared_lock);
  return text;
}

void
_rb_shared_unref (char *text)
{
  Shared *shared = (Shared *) (gpointer) (text - G_STRUCT_OFFSET (Shared, text));

  g_mutex_lock (&shared_lock);
  if (--shared->refs == 0)
    {
      g_hash_table_remove (shared_table, shared->text);
      g_free (shared);
    }
  g_mutex_unlock (&shared_lock);
}

void
_rb_run_set_shared (char       **slot,
                    const char  *text)
{
  char *old = *slot;

  /* The new one first: @text may be the old string itself. */
  *slot = text != NULL ? _rb_shared_new (text, strlen (text)) : NULL;
  if (old != NULL)
    _rb_shared_unref (old);
}

const RbRunRare _rb_run_no_rare;

RbRunRare *
_rb_run_rare (RbRun *self)
{
  if (self->rare == NULL)
    self->rare = g_new0 (RbRunRare, 1);
  return self->rare;
}

static GPtrArray *
ensure_array (GPtrArray      **slot,
              GDestroyNotify   free_func)
{
  if (*slot == NULL)
    *slot = g_ptr_array_new_with_free_func (free_func);
  return *slot;
}

GPtrArray *
_rb_run_warnings (RbRun *self)
{
  return ensure_array (&_rb_run_rare (self)->warnings, (GDestroyNotify) rb_warning_free);
}

GPtrArray *
_rb_run_topology (RbRun *self)
{
  return ensure_array (&_rb_run_rare (self)->topology, (GDestroyNotify) rb_topology_node_free);
}

GPtrArray *
_rb_run_series (RbRun *self)
{
  return ensure_array (&_rb_run_rare (self)->series, (GDestroyNotify) rb_series_info_free);
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
  return RB_RUN_RARE (self)->diagnostic;
}

const GError *
rb_run_get_load_error (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return RB_RUN_RARE (self)->load_error;
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
  return RB_RUN_RARE (self)->source_run_id;
}

const char *
rb_run_get_source_kind (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return RB_RUN_RARE (self)->source_kind;
}

const RbTelemetrySummary *
rb_run_get_telemetry (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return &RB_RUN_RARE (self)->telemetry;
}

const char *
rb_run_get_input_hash (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return RB_RUN_RARE (self)->input_hash;
}

/* Made on first use: a list of 100 000 runs from the index never needs
 * them, and parsing them all would double the time to list. An index
 * entry whose text is not a JSON object (a damaged index) gives none. */
JsonObject *
rb_run_get_parameters (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);

  if (RB_RUN_RARE (self)->parameters == NULL && RB_RUN_RARE (self)->parameters_json != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (self->rare->parameters_json, NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        self->rare->parameters = json_object_ref (json_node_get_object (node));
      g_clear_pointer (&self->rare->parameters_json, g_free);
    }
  if (RB_RUN_RARE (self)->parameters == NULL)
    _rb_run_rare (self)->parameters = json_object_new ();
  return self->rare->parameters;
}

GPtrArray *
rb_run_get_warnings (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return _rb_run_warnings (self);
}

GPtrArray *
rb_run_get_topology (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return _rb_run_topology (self);
}

GPtrArray *
rb_run_get_series (RbRun *self)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  return _rb_run_series (self);
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

/* Runs listed from the index in runs/<id>/ make their directory when
 * first asked (100 000 listed runs, a few shown in full). */
const char *
rb_run_get_directory (RbRun *self)
{
  char *directory;

  g_return_val_if_fail (RB_IS_RUN (self), NULL);

  if (self->directory != NULL || !self->directory_in_runs)
    return self->directory;
  directory = g_build_filename (self->data_dir, "runs", self->run_id, NULL);
  if (!g_atomic_pointer_compare_and_exchange (&self->directory, NULL, directory))
    g_free (directory);
  return self->directory;
}

const RbSeriesInfo *
rb_run_find_series (RbRun      *self,
                    const char *series_id)
{
  g_return_val_if_fail (RB_IS_RUN (self), NULL);
  g_return_val_if_fail (series_id != NULL, NULL);

  for (guint i = 0; RB_RUN_RARE (self)->series != NULL && i < RB_RUN_RARE (self)->series->len; i++)
    {
      const RbSeriesInfo *info = g_ptr_array_index (RB_RUN_RARE (self)->series, i);

      if (strcmp (info->id, series_id) == 0)
        return info;
    }
  return NULL;
}

/* }}} */
