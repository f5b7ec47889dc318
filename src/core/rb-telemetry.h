/* rb-telemetry.h — explicit telemetry generation (api.md POST/GET
 * /v1/telemetry/captures, formats.md "Telemetry bundle", "Run-level
 * telemetry state", "Concurrency and safety")
 *
 * Every front end (server, CLI, app) calls rb_telemetry_generate() and only
 * maps the result: a result that is not already-exists is 200, an
 * already-exists result is 409 (rb_capture_result_get_http_status), a GError
 * is its RbErrorCode's status with rb_error_to_json() as the body.
 * The removal path is the front end's to check first (it knows its own
 * flag): rb_telemetry_generation_disabled() or the server's
 * --disable-telemetry-generation → rb_telemetry_set_disabled_error() (403).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rb-run.h"

G_BEGIN_DECLS

typedef enum
{
  RB_GAP_FILL_NONE,
  RB_GAP_FILL_ZERO,
} RbGapFill;

typedef enum
{
  RB_CAPTURE_TARGET_DIRECTORY,   /* output.directory: an export */
  RB_CAPTURE_TARGET_RUN,         /* <data>/runs/<id>/model/telemetry */
  RB_CAPTURE_TARGET_KEY,         /* <data>/telemetry/<captureKey> */
} RbCaptureTarget;

typedef struct
{
  char      *run_id;        /* source.runId, validated */
  char      *capture_key;   /* output.captureKey, validated; nullable */
  gboolean   run_scoped;    /* output.runScoped */
  char      *directory;     /* output.directory, absolute; nullable */
  gboolean   overwrite;     /* output.overwrite */
  RbGapFill  gap_fill;      /* options.gapFill */
  gboolean   dry_run;       /* options.dryRun */
} RbCaptureRequest;

/* A request for @run_id with every other member at its default. @run_id is
 * not validated here (rb_telemetry_generate validates it again). */
RbCaptureRequest *rb_capture_request_new       (const char        *run_id);
void              rb_capture_request_free      (RbCaptureRequest  *request);
/* Parses a POST /v1/telemetry/captures body. 400 (RB_ERROR_INVALID_REQUEST)
 * with the field ("source.runId", "output.captureKey", "output.directory",
 * "options.gapFill", …) for a missing or malformed member; ids are checked
 * with rb_ident_validate. Unknown members are ignored. */
RbCaptureRequest *rb_capture_request_from_json (JsonNode          *body,
                                                GError           **error);
/* The same from the raw body bytes. Use this from front ends that hold the
 * bytes: json-glib cuts strings at an escaped NUL ("a\u0000b" would read as
 * "a"); here such a string stays invalid, so its field is a 400. */
RbCaptureRequest *rb_capture_request_from_data (const char        *data,
                                                gsize              len,
                                                GError           **error);

typedef struct _RbCaptureResult RbCaptureResult;

/* Called from the generating thread after each file: @done of @total. */
typedef void (*RbCaptureProgressFunc) (guint    done,
                                       guint    total,
                                       gpointer user_data);

/* Generates (or plans, for a dry run) the bundle @request asks for, from
 * the simulation run data_dir/runs/<runId>. @allowed_output_roots
 * (nullable, NULL-terminated) are the folders output.directory may name.
 * Blocks while another generation holds the target's lock: call it from a
 * worker thread. Errors: 400 invalid request (field set), 404 unknown run,
 * 422 source_not_simulation / nothing_to_capture / run_unreadable,
 * 500 internal (the previous bundle, if any, is intact). */
RbCaptureResult  *rb_telemetry_generate        (const char          *data_dir,
                                                const char * const  *allowed_output_roots,
                                                const RbCaptureRequest *request,
                                                RbCaptureProgressFunc progress,
                                                gpointer             user_data,
                                                GCancellable        *cancellable,
                                                GError             **error);

void              rb_capture_result_free              (RbCaptureResult *result);
gboolean          rb_capture_result_is_dry_run        (RbCaptureResult *result);
gboolean          rb_capture_result_get_generated     (RbCaptureResult *result);
gboolean          rb_capture_result_get_already_exists (RbCaptureResult *result);
RbCaptureTarget   rb_capture_result_get_target        (RbCaptureResult *result);
/* nullable (run-scoped and directory targets without a key) */
const char       *rb_capture_result_get_capture_key   (RbCaptureResult *result);
/* Relative to the data folder; NULL for a directory target. */
const char       *rb_capture_result_get_capture_directory (RbCaptureResult *result);
/* nullable only for a dry run, or an existing bundle that does not say */
const char       *rb_capture_result_get_generated_at  (RbCaptureResult *result);
const char       *rb_capture_result_get_source_run_id (RbCaptureResult *result);
/* Manifest entries (one per node and metric). */
guint             rb_capture_result_get_file_count    (RbCaptureResult *result);
GPtrArray        *rb_capture_result_get_warnings      (RbCaptureResult *result);   /* of RbWarning* */
/* 200, or 409 for an already-exists result. */
guint             rb_capture_result_get_http_status   (RbCaptureResult *result);

/* The api.md body:
 * 200  {"capture":{captureKey, captureDirectory, generated, alreadyExists,
 *                  generatedAtUtc, sourceRunId, files, warnings}}
 * 409  the same {"capture":{…}} followed by top-level "error" and
 *      "code":"already_exists" (so FlowTime-style clients read "capture"
 *      and generic clients read the error members)
 * dry  {"isDryRun":true,"plan":{captureKey, captureDirectory,
 *                               files:[{nodeId,metric,path}], warnings}} */
JsonNode         *rb_capture_result_to_json           (RbCaptureResult *result);

/* {"items":[{captureKey|null, sourceRunId, templateId, generatedAtUtc,
 * warningCount}]}: the shared-key bundles under <data>/telemetry (by key)
 * then the run-scoped ones (by run id). Unreadable bundles are skipped. */
JsonNode         *rb_telemetry_list_captures   (const char        *data_dir,
                                                GError           **error);

/* TRUE when RUNBOARD_DISABLE_TELEMETRY_GENERATION=1 or, where the GSettings
 * schema is installed, telemetry-generation-enabled is false. */
gboolean          rb_telemetry_generation_disabled (void);
/* Sets the 403 "disabled" error front ends answer then. */
void              rb_telemetry_set_disabled_error  (GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbCaptureRequest, rb_capture_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbCaptureResult, rb_capture_result_free)

G_END_DECLS
