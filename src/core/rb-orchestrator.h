/* rb-orchestrator.h — creating runs (api.md POST /v1/runs, engine.md "Runs")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rb-run.h"
#include "rb-template.h"

G_BEGIN_DECLS

typedef struct
{
  char       *template_id;
  char       *mode;                     /* "simulation" | "telemetry" */
  JsonObject *parameters;               /* request values; never NULL */
  gboolean    has_seed;
  gint64      seed;
  char       *rng_kind;                 /* "pcg32" */
  char       *telemetry_source_run_id;  /* nullable */
  char       *telemetry_capture_key;    /* nullable */
  char       *replay_of_run_id;         /* nullable */
  char       *replay_of_kind;           /* "model" | "telemetry" | NULL */
  gboolean    dry_run;
  gboolean    deterministic_run_id;
  char       *run_id;                   /* nullable: explicit options.runId */
  gboolean    overwrite_existing;
  /* Re-evaluate the stored model/model.yaml of replay_of_run_id instead of
   * a catalogue template (Replay from model of a run whose template is not
   * in the catalogue, e.g. a FlowTime run); template_id may then be NULL.
   * In a POST body: replayOf {runId, kind} without templateId. */
  gboolean    use_stored_model;
} RbRunRequest;

RbRunRequest *rb_run_request_new        (void);
void          rb_run_request_free       (RbRunRequest  *request);
/* Parses and validates a POST /v1/runs body: 400 with field for every
 * malformed member; unknown members (options.autoCapture…) are ignored. */
RbRunRequest *rb_run_request_from_json  (JsonNode      *body,
                                         GError       **error);
/* The request that replays @run_id: kind "model" = same template,
 * merged parameters and seed (or the stored model when the template is not
 * in the catalogue); "telemetry" = a telemetry run bound to its bundle. */
RbRunRequest *rb_run_request_for_replay (const char    *data_dir,
                                         const char    *run_id,
                                         const char    *kind,
                                         GError       **error);

typedef struct _RbRunResult RbRunResult;

RbRunResult  *rb_orchestrator_create_run (const char        *data_dir,
                                          RbTemplateCatalog *catalog,
                                          const RbRunRequest *request,
                                          GCancellable      *cancellable,
                                          GError           **error);
void          rb_run_result_free         (RbRunResult  *result);
gboolean      rb_run_result_is_dry_run   (RbRunResult  *result);
gboolean      rb_run_result_was_reused   (RbRunResult  *result);
/* (transfer none) the created or reused run; NULL for a dry run. */
RbRun        *rb_run_result_get_run      (RbRunResult  *result);
/* 201 body (RunDetail + "wasReused") or the dry-run body
 * {"isDryRun":true,"plan":{…}}. */
JsonNode     *rb_run_result_to_json      (RbRunResult  *result);

/* Test-only: a fixed "now" for createdUtc and run ids (NULL: the real
 * clock). */
void          rb_orchestrator_set_clock_for_testing (GDateTime *now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbRunRequest, rb_run_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbRunResult, rb_run_result_free)

G_END_DECLS
