/* rb-run-replay.h — POST /v1/runs bodies that ask for a replay
 *
 * A body holding only "replayOf" {runId, kind} (and optionally "options")
 * means "replay that run", resolved where the run's files are by
 * rb_run_request_for_replay(): the same template, merged parameters and
 * seed (or the stored model), bound to its telemetry for kind
 * "telemetry". A remote client that cannot read the source run's files
 * sends that body and the server resolves it; the local backend goes
 * through the same function, so both answer the same bytes.
 *
 * Any other body is rb_run_request_from_json()'s.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "rb-orchestrator.h"

G_BEGIN_DECLS

/* TRUE when @body is an object whose only members are "replayOf" and
 * "options". */
gboolean      rb_run_request_is_replay_body (JsonNode     *body);
/* {"replayOf":{"runId":…,"kind":…},"options":{"dryRun":…}} */
JsonNode     *rb_run_request_replay_body    (const char   *run_id,
                                             const char   *kind,
                                             gboolean      dry_run);
/* Parses @body for a run creation in @data_dir: a replay body through
 * rb_run_request_for_replay() with its options, anything else through
 * rb_run_request_from_json(). Errors as theirs; replayOf members are
 * named "replayOf.runId" / "replayOf.kind". */
RbRunRequest *rb_run_request_from_json_in   (const char   *data_dir,
                                             JsonNode     *body,
                                             GError      **error);

G_END_DECLS
