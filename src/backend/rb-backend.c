/* rb-backend.c — the RbBackend interface
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-backend"

#include "config.h"

#include "rb-backend.h"
#include "rb-error.h"
#include "rb-run-replay.h"

G_DEFINE_BOXED_TYPE (RbBackendCapabilities, rb_backend_capabilities,
                     rb_backend_capabilities_copy, rb_backend_capabilities_free)

G_DEFINE_INTERFACE (RbBackend, rb_backend, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
rb_backend_default_init (RbBackendInterface *iface)
{
  /**
   * RbBackend::changed:
   *
   * Runs appeared, vanished or changed: listings are stale. Emitted on the
   * main context the backend was created in, at most every ~200 ms.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (RbBackendInterface, changed),
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

RbBackendCapabilities *
rb_backend_capabilities_new (gboolean    telemetry_generation,
                             const char *version)
{
  RbBackendCapabilities *self = g_new0 (RbBackendCapabilities, 1);

  self->telemetry_generation = !!telemetry_generation;
  self->version = g_strdup (version);
  return self;
}

RbBackendCapabilities *
rb_backend_capabilities_copy (const RbBackendCapabilities *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return rb_backend_capabilities_new (self->telemetry_generation, self->version);
}

void
rb_backend_capabilities_free (RbBackendCapabilities *self)
{
  if (self == NULL)
    return;

  g_free (self->version);
  g_free (self);
}

/* A method this backend does not have (yet): fail politely, asynchronously. */
static void
report_not_supported (RbBackend           *self,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data,
                      gpointer             source_tag,
                      const char          *method)
{
  g_task_report_new_error (self, callback, user_data, source_tag,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "%s does not support %s",
                           G_OBJECT_TYPE_NAME (self), method);
}

const char *
rb_backend_get_display_name (RbBackend *self)
{
  RbBackendInterface *iface;

  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->get_display_name == NULL)
    return G_OBJECT_TYPE_NAME (self);

  return iface->get_display_name (self);
}

void
rb_backend_list_runs_async (RbBackend           *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->list_runs_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_list_runs_async, "list_runs");
      return;
    }

  iface->list_runs_async (self, cancellable, callback, user_data);
}

GPtrArray *
rb_backend_list_runs_finish (RbBackend     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, rb_backend_list_runs_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->list_runs_finish (self, result, error);
}

void
rb_backend_get_run_async (RbBackend           *self,
                          const char          *run_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (run_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->get_run_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_get_run_async, "get_run");
      return;
    }

  iface->get_run_async (self, run_id, cancellable, callback, user_data);
}

RbRun *
rb_backend_get_run_finish (RbBackend     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, rb_backend_get_run_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->get_run_finish (self, result, error);
}

void
rb_backend_get_capabilities_async (RbBackend           *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->get_capabilities_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_get_capabilities_async, "get_capabilities");
      return;
    }

  iface->get_capabilities_async (self, cancellable, callback, user_data);
}

RbBackendCapabilities *
rb_backend_get_capabilities_finish (RbBackend     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, rb_backend_get_capabilities_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->get_capabilities_finish (self, result, error);
}

void
rb_backend_list_templates_async (RbBackend           *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->list_templates_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_list_templates_async, "list_templates");
      return;
    }

  iface->list_templates_async (self, cancellable, callback, user_data);
}

GPtrArray *
rb_backend_list_templates_finish (RbBackend     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, rb_backend_list_templates_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->list_templates_finish (self, result, error);
}

void
rb_backend_get_template_async (RbBackend           *self,
                               const char          *template_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (template_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->get_template_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_get_template_async, "get_template");
      return;
    }

  iface->get_template_async (self, template_id, cancellable, callback, user_data);
}

RbTemplate *
rb_backend_get_template_finish (RbBackend     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, rb_backend_get_template_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->get_template_finish (self, result, error);
}

void
rb_backend_list_captures_async (RbBackend           *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->list_captures_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_list_captures_async, "list_captures");
      return;
    }

  iface->list_captures_async (self, cancellable, callback, user_data);
}

JsonNode *
rb_backend_list_captures_finish (RbBackend     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, rb_backend_list_captures_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->list_captures_finish (self, result, error);
}

void
rb_backend_generate_telemetry_async (RbBackend           *self,
                                     JsonNode            *request,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->generate_telemetry_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_generate_telemetry_async, "generate_telemetry");
      return;
    }

  iface->generate_telemetry_async (self, request, cancellable, callback, user_data);
}

JsonNode *
rb_backend_generate_telemetry_finish (RbBackend     *self,
                                      GAsyncResult  *result,
                                      guint         *http_status,
                                      GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (http_status != NULL)
    *http_status = 0;

  if (g_async_result_is_tagged (result, rb_backend_generate_telemetry_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->generate_telemetry_finish (self, result, http_status, error);
}

void
rb_backend_create_run_async (RbBackend           *self,
                             JsonNode            *request,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->create_run_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_create_run_async, "create_run");
      return;
    }

  iface->create_run_async (self, request, cancellable, callback, user_data);
}

JsonNode *
rb_backend_create_run_finish (RbBackend     *self,
                              GAsyncResult  *result,
                              guint         *http_status,
                              GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (http_status != NULL)
    *http_status = 0;

  if (g_async_result_is_tagged (result, rb_backend_create_run_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->create_run_finish (self, result, http_status, error);
}

void
rb_backend_list_runs_page_async (RbBackend           *self,
                                 GHashTable          *params,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->list_runs_page_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_list_runs_page_async, "list_runs_page");
      return;
    }

  iface->list_runs_page_async (self, params, cancellable, callback, user_data);
}

JsonNode *
rb_backend_list_runs_page_finish (RbBackend     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, rb_backend_list_runs_page_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->list_runs_page_finish (self, result, error);
}

void
rb_backend_read_series_index_async (RbBackend           *self,
                                    const char          *run_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (run_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->read_series_index_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_read_series_index_async, "read_series_index");
      return;
    }

  iface->read_series_index_async (self, run_id, cancellable, callback, user_data);
}

JsonNode *
rb_backend_read_series_index_finish (RbBackend     *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, rb_backend_read_series_index_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return RB_BACKEND_GET_IFACE (self)->read_series_index_finish (self, result, error);
}

void
rb_backend_read_series_async (RbBackend           *self,
                              const char          *run_id,
                              const char          *series_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  RbBackendInterface *iface;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (run_id != NULL);
  g_return_if_fail (series_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  iface = RB_BACKEND_GET_IFACE (self);
  if (iface->read_series_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            rb_backend_read_series_async, "read_series");
      return;
    }

  iface->read_series_async (self, run_id, series_id, cancellable, callback, user_data);
}

GBytes *
rb_backend_read_series_finish (RbBackend     *self,
                               GAsyncResult  *result,
                               RbSeries     **values,
                               GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) parse_error = NULL;

  g_return_val_if_fail (RB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (values != NULL)
    *values = NULL;

  if (g_async_result_is_tagged (result, rb_backend_read_series_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  bytes = RB_BACKEND_GET_IFACE (self)->read_series_finish (self, result, error);
  if (bytes == NULL || values == NULL)
    return g_steal_pointer (&bytes);

  /* one parser for both sides: a CSV that does not parse is a damaged run */
  *values = rb_series_parse_csv (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 "the series file", &parse_error);
  if (*values == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "%s", parse_error->message);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

void
rb_backend_replay_async (RbBackend           *self,
                         const char          *run_id,
                         const char          *kind,
                         gboolean             dry_run,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (RB_IS_BACKEND (self));
  g_return_if_fail (run_id != NULL);
  g_return_if_fail (kind != NULL);

  body = rb_run_request_replay_body (run_id, kind, dry_run);
  rb_backend_create_run_async (self, body, cancellable, callback, user_data);
}

JsonNode *
rb_backend_replay_finish (RbBackend     *self,
                          GAsyncResult  *result,
                          guint         *http_status,
                          GError       **error)
{
  return rb_backend_create_run_finish (self, result, http_status, error);
}

void
rb_backend_emit_changed (RbBackend *self)
{
  g_return_if_fail (RB_IS_BACKEND (self));

  g_signal_emit (self, signals[CHANGED], 0);
}
