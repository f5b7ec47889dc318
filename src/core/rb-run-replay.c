/* rb-run-replay.c — POST /v1/runs bodies that ask for a replay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-core"

#include "config.h"

#include "rb-json.h"
#include "rb-run-replay.h"

gboolean
rb_run_request_is_replay_body (JsonNode *body)
{
  JsonObject *root;
  g_autoptr(GList) names = NULL;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return FALSE;
  root = json_node_get_object (body);
  if (!json_object_has_member (root, "replayOf"))
    return FALSE;
  names = json_object_get_members (root);
  for (GList *l = names; l != NULL; l = l->next)
    {
      if (!g_str_equal (l->data, "replayOf") && !g_str_equal (l->data, "options"))
        return FALSE;
    }
  return TRUE;
}

JsonNode *
rb_run_request_replay_body (const char *run_id,
                            const char *kind,
                            gboolean    dry_run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "replayOf");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "runId", run_id);
  rb_json_add_string (builder, "kind", kind);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  rb_json_add_bool (builder, "dryRun", dry_run);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

RbRunRequest *
rb_run_request_from_json_in (const char  *data_dir,
                             JsonNode    *body,
                             GError     **error)
{
  g_autoptr(JsonNode) checked_body = NULL;
  g_autoptr(RbRunRequest) checked = NULL;
  g_autoptr(RbRunRequest) request = NULL;
  JsonObject *copy;

  g_return_val_if_fail (data_dir != NULL, NULL);

  if (!rb_run_request_is_replay_body (body))
    return rb_run_request_from_json (body, error);

  /* replayOf and options are checked by the one parser (same fields and
   * sentences): as a stored-model replay, which needs no template. */
  checked_body = json_node_copy (body);
  copy = json_node_get_object (checked_body);
  json_object_set_string_member (copy, "mode", "simulation");
  checked = rb_run_request_from_json (checked_body, error);
  if (checked == NULL)
    return NULL;

  request = rb_run_request_for_replay (data_dir, checked->replay_of_run_id,
                                       checked->replay_of_kind, error);
  if (request == NULL)
    return NULL;
  request->dry_run = checked->dry_run;
  request->deterministic_run_id = checked->deterministic_run_id;
  request->overwrite_existing = checked->overwrite_existing;
  g_free (request->run_id);
  request->run_id = g_strdup (checked->run_id);
  return g_steal_pointer (&request);
}
