/* rb-run.h — one run as read from its directory (or from the API's JSON)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  RB_METRIC_ARRIVALS,
  RB_METRIC_SERVED,
  RB_METRIC_ERRORS,
  RB_METRIC_EXTERNAL_DEMAND,
  RB_METRIC_QUEUE_DEPTH,
  RB_METRIC_CAPACITY,
  RB_N_METRICS
} RbMetric;

/* "arrivals", "served", …, "externalDemand", "queueDepth" (api.md keys) */
const char *rb_metric_to_key    (RbMetric metric);
/* "Arrivals", "Served", …, "ExternalDemand", "QueueDepth" (bundle manifests) */
const char *rb_metric_to_name   (RbMetric metric);
/* The api.md key ("queueDepth"; also FlowTime's "queue") to a metric. */
gboolean    rb_metric_from_key  (const char *key,
                                 RbMetric   *metric);

typedef struct
{
  char   *code;
  char   *message;
  char   *node_id;   /* nullable */
  GArray *bins;      /* nullable, of int */
} RbWarning;

void rb_warning_free (RbWarning *warning);

typedef struct
{
  char *id;
  char *kind;
  char *metrics[RB_N_METRICS];   /* series ids, NULL when not bound */
} RbTopologyNode;

void rb_topology_node_free (RbTopologyNode *node);

typedef struct
{
  gboolean  available;
  char     *generated_at_utc;   /* nullable */
  guint     warning_count;
  char     *source_run_id;      /* nullable */
  char     *capture_key;        /* nullable */
} RbTelemetrySummary;

typedef struct
{
  char  *id;
  char  *path;                  /* relative to the run directory, from the index */
  char  *unit;
  char  *component_id;
  char  *class_id;
  guint  points;
  char  *hash;
} RbSeriesInfo;

void rb_series_info_free (RbSeriesInfo *info);

#define RB_TYPE_RUN (rb_run_get_type ())

G_DECLARE_FINAL_TYPE (RbRun, rb_run, RB, RUN, GObject)

/* Reads <run_dir>. Never returns NULL: a run that cannot be read has a
 * diagnostic ("run.json is not valid JSON at line 3: …") and NULL/0 where
 * unknown; rb_run_get_load_error() then says which file and why. */
RbRun       *rb_run_load               (const char   *run_dir,
                                        const char   *run_id);
/* Like rb_run_load, with the data folder given (it holds shared-key
 * telemetry bundles); rb_run_load derives it from @run_dir (the parent of
 * runs/, or the parent for a run kept directly in the data folder). */
RbRun       *rb_run_load_in            (const char   *data_dir,
                                        const char   *run_dir,
                                        const char   *run_id);
/* rb_run_load_in followed by rb_run_ensure_detail. */
RbRun       *rb_run_load_detail        (const char   *data_dir,
                                        const char   *run_dir,
                                        const char   *run_id);
/* Listing reads only the small summary files (run.json, manifest.json,
 * model/metadata.json, model/provenance.json, telemetry state). This reads
 * the rest (series/index.json, model/model.yaml) once; returns
 * rb_run_has_detail(). Runs from JSON are left as they are. */
gboolean     rb_run_ensure_detail      (RbRun        *self);
/* From a RunSummary or RunDetail JSON object (remote backend). */
RbRun       *rb_run_new_from_json      (JsonObject   *object,
                                        GError      **error);

/* The directory name for runs read from disk (FlowTime may leave another
 * id in run.json after a rename; the directory is what GET resolves). */
const char  *rb_run_get_run_id           (RbRun *self);
const char  *rb_run_get_template_id      (RbRun *self);
const char  *rb_run_get_template_title   (RbRun *self);
const char  *rb_run_get_template_version (RbRun *self);
const char  *rb_run_get_mode             (RbRun *self);
const char  *rb_run_get_created_utc      (RbRun *self);
gint64       rb_run_get_created_unix     (RbRun *self);   /* 0 when unknown */
gint64       rb_run_get_created_usec     (RbRun *self);   /* µs since 1970; 0 when unknown */
guint        rb_run_get_warning_count    (RbRun *self);
const char  *rb_run_get_diagnostic       (RbRun *self);
const GError*rb_run_get_load_error       (RbRun *self);
gboolean     rb_run_get_has_grid         (RbRun *self);
guint        rb_run_get_bins             (RbRun *self);
guint        rb_run_get_bin_size         (RbRun *self);
const char  *rb_run_get_bin_unit         (RbRun *self);
gboolean     rb_run_get_has_rng          (RbRun *self);
const char  *rb_run_get_rng_kind         (RbRun *self);
gint64       rb_run_get_rng_seed         (RbRun *self);
const char  *rb_run_get_source_run_id    (RbRun *self);   /* lineage: replayOf */
const char  *rb_run_get_source_kind      (RbRun *self);   /* "model" | "telemetry" */
const RbTelemetrySummary *rb_run_get_telemetry (RbRun *self);
const char  *rb_run_get_input_hash       (RbRun *self);
JsonObject  *rb_run_get_parameters       (RbRun *self);   /* merged values; never NULL */
GPtrArray   *rb_run_get_warnings         (RbRun *self);   /* of RbWarning */
GPtrArray   *rb_run_get_topology         (RbRun *self);   /* of RbTopologyNode */
GPtrArray   *rb_run_get_series           (RbRun *self);   /* of RbSeriesInfo */
gboolean     rb_run_get_can_replay       (RbRun *self);
gboolean     rb_run_has_detail           (RbRun *self);
/* The run directory, NULL for runs from JSON. */
const char  *rb_run_get_directory        (RbRun *self);
/* The index entry of @series_id, NULL when the index does not list it
 * (needs the detail). */
const RbSeriesInfo *rb_run_find_series   (RbRun      *self,
                                          const char *series_id);

/* api.md shapes, members in the documented order. */
JsonNode    *rb_run_to_summary_json      (RbRun *self);
JsonNode    *rb_run_to_detail_json       (RbRun *self);

G_END_DECLS
