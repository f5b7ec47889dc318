/* rb-backend.h — the one seam the app and the CLI talk to
 *
 * An RbBackend lists and reads runs, templates and telemetry bundles, and
 * says what it offers, asynchronously, wherever they live (a local data
 * folder, a remote Runboard server). Both implementations pass one contract
 * suite (tests/backend/test-backend-contract.c): same objects, same JSON
 * bytes, same errors.
 *
 * Every method is a vfunc with an _async/_finish pair; a backend that does
 * not implement one yet reports G_IO_ERROR_NOT_SUPPORTED, so the interface
 * can grow one method at a time without touching every implementation.
 *
 * Errors are in RB_ERROR (rb-error.h) with the api.md codes, plus
 * G_IO_ERROR_CANCELLED when the GCancellable fires.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rb-run.h"
#include "rb-series.h"
#include "rb-template.h"

G_BEGIN_DECLS

/* What a backend offers (api.md GET /v1/healthz "capabilities"). */
typedef struct
{
  gboolean  telemetry_generation;   /* POST /v1/telemetry/captures allowed */
  char     *version;                /* the core / server version, "0.1.0" */
} RbBackendCapabilities;

#define RB_TYPE_BACKEND_CAPABILITIES (rb_backend_capabilities_get_type ())

GType                  rb_backend_capabilities_get_type (void) G_GNUC_CONST;
RbBackendCapabilities *rb_backend_capabilities_new      (gboolean                     telemetry_generation,
                                                         const char                  *version);
RbBackendCapabilities *rb_backend_capabilities_copy     (const RbBackendCapabilities *self);
void                   rb_backend_capabilities_free     (RbBackendCapabilities       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbBackendCapabilities, rb_backend_capabilities_free)

#define RB_TYPE_BACKEND (rb_backend_get_type ())

G_DECLARE_INTERFACE (RbBackend, rb_backend, RB, BACKEND, GObject)

struct _RbBackendInterface
{
  GTypeInterface parent_iface;

  /* Signals */
  void        (*changed)          (RbBackend            *self);

  /* Methods */
  const char *(*get_display_name) (RbBackend            *self);

  void        (*list_runs_async)  (RbBackend            *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  GPtrArray  *(*list_runs_finish) (RbBackend            *self,
                                   GAsyncResult         *result,
                                   GError              **error);

  void        (*get_run_async)    (RbBackend            *self,
                                   const char           *run_id,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  RbRun      *(*get_run_finish)   (RbBackend            *self,
                                   GAsyncResult         *result,
                                   GError              **error);

  void        (*get_capabilities_async)  (RbBackend            *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  RbBackendCapabilities *(*get_capabilities_finish) (RbBackend     *self,
                                                     GAsyncResult  *result,
                                                     GError       **error);

  void        (*list_templates_async)  (RbBackend            *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  GPtrArray  *(*list_templates_finish) (RbBackend            *self,
                                        GAsyncResult         *result,
                                        GError              **error);

  void        (*get_template_async)    (RbBackend            *self,
                                        const char           *template_id,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  RbTemplate *(*get_template_finish)   (RbBackend            *self,
                                        GAsyncResult         *result,
                                        GError              **error);

  void        (*list_captures_async)   (RbBackend            *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  JsonNode   *(*list_captures_finish)  (RbBackend            *self,
                                        GAsyncResult         *result,
                                        GError              **error);

  void        (*generate_telemetry_async)  (RbBackend            *self,
                                            JsonNode             *request,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  JsonNode   *(*generate_telemetry_finish) (RbBackend            *self,
                                            GAsyncResult         *result,
                                            guint                *http_status,
                                            GError              **error);

  void        (*create_run_async)          (RbBackend            *self,
                                            JsonNode             *request,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  JsonNode   *(*create_run_finish)         (RbBackend            *self,
                                            GAsyncResult         *result,
                                            guint                *http_status,
                                            GError              **error);

  void        (*list_runs_page_async)      (RbBackend            *self,
                                            GHashTable           *params,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  JsonNode   *(*list_runs_page_finish)     (RbBackend            *self,
                                            GAsyncResult         *result,
                                            GError              **error);

  void        (*read_series_index_async)   (RbBackend            *self,
                                            const char           *run_id,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  JsonNode   *(*read_series_index_finish)  (RbBackend            *self,
                                            GAsyncResult         *result,
                                            GError              **error);

  void        (*read_series_async)         (RbBackend            *self,
                                            const char           *run_id,
                                            const char           *series_id,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  GBytes     *(*read_series_finish)        (RbBackend            *self,
                                            GAsyncResult         *result,
                                            GError              **error);
};

/* "Local", or the server's host name; for a header bar (never a path). */
const char *rb_backend_get_display_name (RbBackend            *self);

/* Every run, as summaries, in core's default order (rb_run_compare:
 * created, newest first, broken runs last). Transfer full: a GPtrArray of
 * RbRun that frees its items. */
void        rb_backend_list_runs_async  (RbBackend            *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GPtrArray  *rb_backend_list_runs_finish (RbBackend            *self,
                                         GAsyncResult         *result,
                                         GError              **error);

/* One run with its detail (parameters, warnings, topology). Errors:
 * RB_ERROR_INVALID_REQUEST for a malformed id, RB_ERROR_NOT_FOUND,
 * RB_ERROR_RUN_UNREADABLE naming the file. */
void        rb_backend_get_run_async    (RbBackend            *self,
                                         const char           *run_id,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
RbRun      *rb_backend_get_run_finish   (RbBackend            *self,
                                         GAsyncResult         *result,
                                         GError              **error);

/* What the backend offers: for a local folder, telemetry generation unless
 * it is disabled on this computer; for a server, its GET /v1/healthz.
 * Transfer full. */
void        rb_backend_get_capabilities_async  (RbBackend            *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
RbBackendCapabilities *
            rb_backend_get_capabilities_finish (RbBackend            *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* Every readable template (shipped, then the data folder's), sorted by id,
 * as api.md TemplateSummary (rb_template_to_summary_json). Transfer full:
 * a GPtrArray of RbTemplate that frees its items. */
void        rb_backend_list_templates_async  (RbBackend            *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GPtrArray  *rb_backend_list_templates_finish (RbBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

/* One template with its parameters (rb_template_to_json). Errors:
 * RB_ERROR_INVALID_REQUEST (field "templateId"), RB_ERROR_NOT_FOUND. */
void        rb_backend_get_template_async    (RbBackend            *self,
                                              const char           *template_id,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
RbTemplate *rb_backend_get_template_finish   (RbBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

/* The telemetry bundles a telemetry run can bind to, as the api.md body of
 * GET /v1/telemetry/captures: {"items":[{captureKey|null, sourceRunId,
 * templateId, generatedAtUtc, warningCount}]} (rb_telemetry_list_captures).
 * Transfer full. */
void        rb_backend_list_captures_async   (RbBackend            *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
JsonNode   *rb_backend_list_captures_finish  (RbBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

/* Explicit telemetry generation (api.md POST /v1/telemetry/captures):
 * @request is that body ({"source":{"type":"run","runId":…},"output":{…},
 * "options":{…}}), parsed by core on either side. Returns the api.md
 * response body and sets *http_status (nullable) to 200 (generated, or a
 * dry run's plan) or 409 (already exists: the body is the existing
 * bundle's "capture" plus "error" and "code"). Other outcomes are errors:
 * 400 (field set), 403 RB_ERROR_DISABLED, 404, 422, 500.
 *
 * Locally an output.directory is allowed under its own parent folder (the
 * user on this computer chose it, as with runboard-cli); a server allows
 * only its --allow-output-root folders. Transfer full. */
void        rb_backend_generate_telemetry_async  (RbBackend            *self,
                                                  JsonNode             *request,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
JsonNode   *rb_backend_generate_telemetry_finish (RbBackend            *self,
                                                  GAsyncResult         *result,
                                                  guint                *http_status,
                                                  GError              **error);

/* Creates (or plans) a run (api.md POST /v1/runs): @request is that body,
 * parsed by core on either side. Returns the api.md response body and sets
 * *http_status (nullable): 201 with RunDetail + "wasReused", or 200 with a
 * dry run's {"isDryRun":true,"plan":{…}}; never a "capture" member. Errors:
 * 400 (field set), 404 template or source run, 409 RB_ERROR_ALREADY_EXISTS,
 * 422. Transfer full. */
void        rb_backend_create_run_async          (RbBackend            *self,
                                                  JsonNode             *request,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
JsonNode   *rb_backend_create_run_finish         (RbBackend            *self,
                                                  GAsyncResult         *result,
                                                  guint                *http_status,
                                                  GError              **error);

/* One page of runs exactly as api.md GET /v1/runs answers it:
 * {"items":[RunSummary],"totalCount","page","pageSize"}. @params
 * (nullable) are its query parameters (string → string: mode, templateId,
 * telemetry, hasWarnings, search, sort, order, page, pageSize), checked by
 * core's rb_run_query_parse on either side (400 with the parameter as
 * field). Transfer full. */
void        rb_backend_list_runs_page_async  (RbBackend            *self,
                                              GHashTable           *params,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
JsonNode   *rb_backend_list_runs_page_finish (RbBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

/* A run's series index as GET /v1/runs/{id}/series answers it
 * (rb_run_series_index_json). Errors: 400 runId, 404 (no run, or no
 * series/index.json), 422. Transfer full. */
void        rb_backend_read_series_index_async  (RbBackend            *self,
                                                 const char           *run_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
JsonNode   *rb_backend_read_series_index_finish (RbBackend            *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* One series: the CSV bytes of GET /v1/runs/{id}/series/{seriesId}
 * (rb_run_series_csv) and, when @values is not NULL, its values parsed by
 * rb_series_parse_csv (for a chart). Errors: 400 runId/seriesId, 404, 422
 * (including a CSV that does not parse). Transfer full. */
void        rb_backend_read_series_async        (RbBackend            *self,
                                                 const char           *run_id,
                                                 const char           *series_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GBytes     *rb_backend_read_series_finish       (RbBackend            *self,
                                                 GAsyncResult         *result,
                                                 RbSeries            **values,
                                                 GError              **error);

/* Replays @run_id (@kind "model" | "telemetry"): create_run with the body
 * {"replayOf":{"runId","kind"},"options":{"dryRun"}} (rb-run-replay.h),
 * which whoever holds the run's files resolves with
 * rb_run_request_for_replay — the local backend itself, or the server.
 * Same answers as create_run. */
void        rb_backend_replay_async             (RbBackend            *self,
                                                 const char           *run_id,
                                                 const char           *kind,
                                                 gboolean              dry_run,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
JsonNode   *rb_backend_replay_finish            (RbBackend            *self,
                                                 GAsyncResult         *result,
                                                 guint                *http_status,
                                                 GError              **error);

/* For implementations: emits RbBackend::changed. */
void        rb_backend_emit_changed     (RbBackend            *self);

G_END_DECLS
